"""C2 — why micro-caps win: small size, equal weighting and frequent rebalancing, separated.

Seed 002 attributes the Wind micro-cap index's excess return to three things: the small-cap
style, its higher rebalancing frequency (daily, against monthly or quarterly for other small-cap
indices) and its daily equal weighting. We separate them with bottom-N portfolios built from
the quarter-end market-cap panel (``econ.models.portfolios.bottom_n_portfolio``), N = 400 (the
micro-cap index's size), stocks eligible once they have traded for a quarter:

* **size**: the bottom-400 cap-weighted portfolio, re-formed each quarter, minus CSI 300
  (quarter-end closes);
* **equal weighting**: bottom-400 equal-weighted minus cap-weighted, both re-formed each quarter;
* **rebalancing frequency**: bottom-400 equal-weighted re-formed (and re-equal-weighted) each
  quarter minus the same portfolio formed each December and held for a year with drifting
  weights.

Each is the mean quarterly difference × 4 (% a year) with a Newey–West t-test (NW 1994
bandwidth), 2007Q2–2025Q4 (the panel covers ≥ 93% of listed stocks from 2007). Costs are stated,
not estimated: the one-way turnover of each portfolio times COST_ONE_WAY per unit traded gives
the net differences beside the gross ones.

What the panel cannot do: daily rebalancing (quarter-end caps only), so the article's daily
mechanism cannot be tested here (reported as missing data); returns are market-cap changes, which include new shares
(placements are frequent among small caps) and leave out dividends, and stocks without a next
quarter's cap leave at their last value. Both biases are shared by the legs of the weighting
and rebalancing differences, less so by the size difference.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.data.panels import market_cap, panel_vault, trading_periods
from econ.models.portfolios import PortfolioResult, bottom_n_portfolio
from econ.models.regression import ols_hac
from econ.study import PartResult, Study, StudyResult, Table
from studies._tables import Sections

N_STOCKS = 400
START = "2007-03-31"
MIN_TRADED = pd.DateOffset(months=3)
COST_ONE_WAY = 0.003  # 0.3% of value traded, one way: stamp duty, commissions and slippage (declared)
LARGE = "cn.index.csi300.close"
PERIODS_PER_YEAR = 4


def _annual_mean_test(diff: pd.Series) -> dict[str, float]:
    d = (PERIODS_PER_YEAR * 100.0 * diff.dropna()).rename("d")
    fit = ols_hac(d, pd.Series(1.0, index=d.index, name="const"), add_const=False)
    return {"estimate": float(fit.params["const"]), "se": float(fit.bse["const"]), "p": float(fit.pvalues["const"]),
            "n": int(fit.nobs), "lo": float(fit.conf_int.loc["const", "lower"]),
            "hi": float(fit.conf_int.loc["const", "upper"]), "hac": fit.bandwidth_description}


def _annual_cost(p: PortfolioResult) -> float:
    """Cost drag in % a year: mean one-way turnover per formation × formations a year × cost."""
    formations_per_year = PERIODS_PER_YEAR / p.every
    return 100.0 * float(p.turnover.iloc[1:].mean()) * formations_per_year * COST_ONE_WAY


class MicrocapSources(Study):
    name = "microcap_sources"
    title = "Why micro-caps win: size, equal weighting and rebalancing (C2)"
    claims = ("C2",)
    parts = ("C2.size_style", "C2.equal_weight_premium", "C2.rebalancing_premium", "C2.daily_rebalancing")
    series = (LARGE,)

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        daily = PartResult(claim="C2", part="daily_rebalancing",
                           missing="daily market caps by stock (the panel has quarter ends only)")
        try:
            mc = market_cap(panel_vault(loader.settings))
            first = trading_periods(panel_vault(loader.settings)).frame.set_index("ts_code")["first_date"]
            large = loader.series(LARGE)
        except DataError as exc:
            why = str(exc).splitlines()[0]
            return StudyResult(study=self.name, title=self.title, synthetic=loader.settings.synthetic, parts=[
                PartResult(claim="C2", part=k.split(".")[1], missing=why) for k in self.parts[:3]] + [daily])
        say("C2 bottom-N portfolios")
        caps = mc.frame.pivot(index="date", columns="ts_code", values="total_mv_yi")
        caps = caps[caps.index >= START]
        fd = first.reindex(caps.columns).to_numpy(dtype="datetime64[ns]")
        eligible = pd.DataFrame((caps.index - MIN_TRADED).to_numpy()[:, None] >= fd[None, :],
                                index=caps.index, columns=caps.columns)  # traded for at least a quarter
        ew = bottom_n_portfolio(caps, N_STOCKS, every=1, weight="equal", eligible=eligible)
        cw = bottom_n_portfolio(caps, N_STOCKS, every=1, weight="cap", eligible=eligible)
        dec = int(np.flatnonzero(caps.index.month == 12)[0])
        ey = bottom_n_portfolio(caps, N_STOCKS, every=PERIODS_PER_YEAR, weight="equal", eligible=eligible, start=dec)
        q300 = large.resample("QE").last().pct_change().reindex(caps.index)
        legs = {"size_style": (cw.returns - q300, cw, None, "bottom-400 cap-weighted − CSI 300 (quarterly)"),
                "equal_weight_premium": (ew.returns - cw.returns, ew, cw, "bottom-400 equal − cap weighted"),
                "rebalancing_premium": ((ew.returns - ey.returns).dropna(), ew, ey,
                                        "bottom-400 equal weight: re-formed each quarter − each December")}
        parts, rows, numbers = [daily], [], {}
        for key, (diff, a, b, label) in legs.items():
            t = _annual_mean_test(diff)
            cost = _annual_cost(a) - (_annual_cost(b) if b is not None else 0.0)
            parts.append(PartResult(claim="C2", part=key, estimate=t["estimate"], se=t["se"], pvalue=t["p"],
                                    ci=(t["lo"], t["hi"]), n=t["n"], proxy=label,
                                    test=f"mean quarterly difference × 4, HAC ({t['hac']})",
                                    detail=f"gross; cost difference {cost:.2f}% a year at {100 * COST_ONE_WAY:.1f}% "
                                           f"per unit traded"))
            rows.append({"Difference": label, "Gross (% a year)": t["estimate"], "se": t["se"], "p": t["p"],
                         "Extra cost (% a year)": cost, "Net (% a year)": t["estimate"] - cost, "N": t["n"]})
            numbers[f"C2_{key}"] = t["estimate"]
            numbers[f"C2_{key}_p"] = t["p"]
            numbers[f"C2_{key}_net"] = t["estimate"] - cost
        port = pd.DataFrame({
            "Portfolio": ["Bottom-400 equal weight, quarterly", "Bottom-400 cap weight, quarterly",
                          "Bottom-400 equal weight, yearly (December)", "CSI 300 (price)"],
            "Mean return (% a year)": [400 * ew.returns.mean(), 400 * cw.returns.mean(), 400 * ey.returns.mean(),
                                       400 * q300.iloc[1:].mean()],
            "One-way turnover per formation": [ew.turnover.iloc[1:].mean(), cw.turnover.iloc[1:].mean(),
                                               ey.turnover.iloc[1:].mean(), np.nan],
            "Exits per quarter (weight)": [ew.exits.mean(), cw.exits.mean(), ey.exits.mean(), np.nan],
            "N": [len(ew.returns), len(cw.returns), len(ey.returns), int(q300.iloc[1:].notna().sum())]})
        numbers["C2_turnover_quarterly"] = float(ew.turnover.iloc[1:].mean())
        numbers["C2_cost_pct"] = 100.0 * COST_ONE_WAY
        tables = [
            Table(name="c2_decomposition", caption="Micro-cap ingredients: size, equal weighting and rebalancing "
                  "(bottom-400 portfolios from the market-cap panel)", frame=pd.DataFrame(rows),
                  digits={"p": 3, "N": 0},
                  sample=f"quarterly, {caps.index[1]:%Y-%m} to {caps.index[-1]:%Y-%m}",
                  notes=["Mean quarterly difference × 4 with Newey–West errors (NW 1994 bandwidth). Returns are "
                         "market-cap changes (new shares included, dividends excluded); stocks without a next cap "
                         "leave at their last value.",
                         f"Costs: {100 * COST_ONE_WAY:.1f}% of value traded one way (declared), times each leg's "
                         "turnover; daily rebalancing cannot be built from quarter-end caps."]),
            Table(name="c2_portfolios", caption="Bottom-400 portfolios and CSI 300", frame=port,
                  digits={"Mean return (% a year)": 2, "One-way turnover per formation": 3,
                          "Exits per quarter (weight)": 4, "N": 0}),
        ]
        return Sections(parts, tables, numbers).result(
            self, loader, headline_proxy="bottom-400 by total market cap", synthetic=loader.settings.synthetic,
            data_ids=[LARGE], notes=[f"market-cap panel: {mc.provenance()}"])


STUDY = MicrocapSources()
