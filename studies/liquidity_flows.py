"""A3, C5, C7, C8, C9, D1 — liquidity, foreign flows and leverage as drivers of size style.

Claims (see ``CLAIMS.md``): A3 (Seed 000) rising US 10Y → northbound outflows → large caps
fall more → the small/large ratio rises; C5 (Seed 002) the style reacts to DR007 at once
(high/rising DR007 favours large caps), through P/E, not earnings; C8 (Seed 002) falling
DR007 first expands relative P/E, then M1−M2 turning up lifts relative EPS; C9 (Seed 002)
northbound inflows favoured large caps in 2016–2020, margin-balance growth favoured small
caps in 2013–2015 and 2021; D1 (Seed 003) cross-border capital (northbound, China–US 10Y
spread, current account) favours CSI 300 and global liquidity easing (Fed cuts, Fed
balance-sheet growth, a weaker dollar) favours CSI 1000; C7 (Seed 002) Russell 2000 /
S&P 500 rises when the Fed balance sheet expands.

Data (vault): CSI 300/500/1000/2000, Wind micro-cap and Shenwan small/large closes; DR007
(Wind last-trade bar, noisy) and SHIBOR 1W; northbound net buying (2014-11 → 2023-12) and
CSI 300 turnover; margin financing balance; CSI 300/500 (2012–) and CSI 1000 (2021-11 →
2024-11) trailing P/E; M1 and M2 yoy (release-lagged 15 days by the panel; M1 on the old
definition through 2024); ChinaBond 10Y; China current account (quarterly, released 45 days
after quarter end); FRED DGS10, daily effective fed funds, Fed total assets (WALCL),
broad dollar; Russell 2000 and S&P 500.

How: weekly (Friday) and month-end panels from ``econ.data.build_panel`` (prices at period
end, noisy rates averaged over the period, flows summed). The ratio is ``y = 100·log(small/
large)``; every regression is in first differences with a constant and Newey–West HAC
errors (NW 1994 bandwidth rule, stated in each table) unless ``levels_vs_differences``
finds the levels admissible (all I(1) and Engle–Granger cointegrated), in which case the
levels estimate is reported alongside. Declared before estimation (constants below and in
``studies._liquidity_specs``): headline proxy CSI 1000 / CSI 300; headline rate DR007
(period mean) with SHIBOR 1W as the alternative; northbound flow scaled by CSI 300
turnover of the same period; weekly headline for A3/C5/C9, monthly for C8/D1/C7;
sub-samples 2014–2020 and 2021–.

* C5: distributed lags ``Δy_t = a + Σ_{j=0..L} β_j Δrate_{t−j}`` (L = 4 weeks / 3 months);
  β_0 vs the lag block (HAC Wald test) and the lag sum; the same for 100·Δlog relative P/E
  and relative EPS (EPS = price / P/E, so Δy = ΔPE + ΔEPS exactly) of CSI 500 / CSI 300.
* C8: monthly; stage 1 the cumulated (L = 3) response of relative P/E to ΔDR007, stage 2 the
  cumulated (L = 6) response of relative EPS to Δ(M1 yoy − M2 yoy).
* A3: the chain by contemporaneous weekly regressions (a: flow on ΔUS10Y; b: Δy on flow
  given ΔUS10Y; total and direct effects), mediation share a·b / total with a moving-block
  bootstrap 95% interval (999 draws, block T^(1/3), seed fixed), Granger tests (HC1,
  lags by AIC), Toda–Yamamoto in levels, and Jordà local projections (12 weeks).
* C9: weekly Δy on the flow (or 100·Δlog margin balance) inside the article's windows,
  plus a binomial sign-concordance test; outside-window contrasts.
* D1: monthly univariate regressions of Δy on each factor, Holm-adjusted within each group.
* C7: Δ100·log(Russell 2000 / S&P 500) on 100·Δlog Fed assets, monthly headline, weekly
  and in the article's episodes (2008-09 → 2010-12, 2020-03 → 2021-06).
* Every ratio specification runs for every small-cap proxy with data; three robustness
  grids (C5, A3 flows, C7) run through ``econ.robust.run_grid`` with NULL_DRAWS null worlds
  each (seeded) for the specification-curve joint test and Romano–Wolf p-values: a world
  rotates the claim's underlying series (the rate, northbound buying and turnover, Fed
  assets) over its whole history by one calendar shift, and every spec is re-estimated on
  its rows of that world (``studies._liquidity_specs.NullDesign``).

Parts (declared in ``studies/claims.toml``): A3 us10y_to_flow / flow_to_ratio (grid) /
total_effect; C5 direction (grid) / immediacy / pe_channel / eps_not_channel; C7 direction
(grid) / episode_2008_10; C8 stage1_pe / stage2_eps; C9 one part per window; D1 one part per
factor. Each method below returns its claim's numbers; the verdict engine decides. p-values
are two-sided.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.models import granger, levels_vs_differences, local_projection, ols_hac, toda_yamamoto
from econ.policy import ALPHA
from econ.robust import GridResult, run_grid
from econ.study import Figure, GridRun, PartResult, Study, StudyResult, Table
from studies import _liquidity_specs as S
from studies import declared
from studies._liquidity_specs import (  # re-exported: the grid contract lives in this module
    GRID,
    GRID_FED,
    GRID_FLOWS,
    HEADLINE_PROXY,
    HEADLINE_RATE,
    NULL_DRAWS,
    NULL_SEED,
    Fit,
    estimate,
)
from studies.common import Proxy, available_proxies, proxy_by_label

__all__ = ["GRID", "GRID_FED", "GRID_FLOWS", "NULL_DRAWS", "NULL_SEED", "STUDY", "estimate"]

# ----------------------------------------------------------------------------- declarations
C9_WINDOWS = {  # (flow, window label): (start, end, claimed sign on Δ log ratio)
    ("northbound", "2016–2020"): ("2016-01-01", "2020-12-31", -1),
    ("margin", "2013–2015"): ("2013-01-01", "2015-12-31", +1),
    ("margin", "2021"): ("2021-01-01", "2021-12-31", +1),
}
C9_PARTS = {("northbound", "2016–2020"): "northbound_2016_2020", ("margin", "2013–2015"): "margin_2013_2015",
            ("margin", "2021"): "margin_2021"}
C9_OUTSIDE = {
    ("northbound", "outside 2016–2020"): [(S.NB_START, "2015-12-31"), ("2021-01-01", S.NB_END)],
    ("margin", "outside windows"): [("2016-01-01", "2020-12-31"), ("2022-01-01", None)],
}
D1_SAMPLE = ("2010-01-01", "2025-01-31")   # the article's backtest span
#: D1 factors: label → (group, claimed sign on Δ log(CSI 1000/CSI 300)).
D1_FACTORS = {
    "Northbound net flow (% of CSI 300 turnover)": ("cross-border", -1),
    "Δ China−US 10Y spread (pp)": ("cross-border", -1),
    "Current account, yoy change (USD 100bn)": ("cross-border", -1),
    "Δ Fed funds (pp)": ("global liquidity", -1),
    "Fed total assets growth (%)": ("global liquidity", +1),
    "Broad dollar change (%)": ("global liquidity", -1),
}
D1_PARTS = dict(zip(D1_FACTORS, ("northbound", "spread", "current_account", "fed_funds", "fed_assets", "dollar"),
                    strict=True))
C7_EPISODES = {"2008-09 → 2010-12": ("2008-09-01", "2010-12-31"), "2020-03 → 2021-06": ("2020-03-01", "2021-06-30")}

SIGN = {-1: "−", +1: "+"}


def _span(fit: Fit) -> str:
    if fit.start is None:
        return ""
    return f"{pd.Timestamp(fit.start):%Y-%m}–{pd.Timestamp(fit.end):%Y-%m}"


def _row(claim: str, relation: str, freq: str, fit: Fit, sign: int) -> dict[str, Any]:
    return {"claim": claim, "relation": relation, "Freq": freq, "Sample": _span(fit), "N": fit.nobs,
            "Estimate": fit.beta, "s.e.": fit.se, "p": fit.p, "Claimed": SIGN[sign]}


def _missing(claim: str, names: tuple[str, ...], exc: Exception, needs: str) -> list[PartResult]:
    """Every part of ``claim`` as untestable: the data it needs could not be served."""
    return [PartResult(claim, n, missing=f"{needs} ({type(exc).__name__}: {exc})") for n in names]


def _part(claim: str, name: str, fit: Fit, *, proxy: str, test: str, detail: str = "") -> PartResult:
    """A direction part from a HAC fit (estimate, s.e., normal CI, two-sided p, N)."""
    if not fit.ok:
        return PartResult(claim, name, missing=str(fit.extra.get("error", "no estimate")))
    return PartResult(claim, name, estimate=float(fit.beta), se=float(fit.se), ci=tuple(map(float, fit.ci)),
                      pvalue=float(fit.p), n=int(fit.nobs), proxy=proxy, test=test,
                      detail=detail or f"{_span(fit)}, N = {fit.nobs}: β {fit.beta:.3f} (p {fit.p:.3f})")


def _fit_or_nan(fn: Callable[[], Fit]) -> Fit:
    try:
        return fn()
    except (DataError, ValueError) as exc:
        return Fit.missing(f"{type(exc).__name__}: {exc}")


# ----------------------------------------------------------------------------- relations
def valuation_frame(loader: DataLoader, pair: str, freq: str, extra: dict[str, str] | None = None,
                    start: str | None = S.VALUATION_START, end: str | None = None) -> pd.DataFrame:
    """Ratio, relative P/E and relative EPS of ``pair`` (vs CSI 300), 100·log, with differences.

    EPS = price / P/E, so ``y = pe + eps`` and Δy = Δpe + Δeps on every row.
    """
    pe_s, pe_l = S.PE[pair]
    f = S.style_frame(loader, proxy_by_label(pair), freq, {"pe_s": pe_s, "pe_l": pe_l, **(extra or {})})
    f = S.cut(f.dropna(subset=["pe_s", "pe_l", *(extra or {})]), start, end)
    f["pe"] = 100.0 * np.log(f["pe_s"] / f["pe_l"])
    f["eps"] = f["y"] - f["pe"]
    for c in ("y", "pe", "eps", *(extra or {})):
        f[f"d{c}"] = f[c].diff()
    return f


def margin_frame(loader: DataLoader, proxy: Proxy, freq: str = "W") -> pd.DataFrame:
    f = S.style_frame(loader, proxy, freq, {"mg": S.MARGIN}).dropna(subset=["mg"])
    f["dy"] = f["y"].diff()
    f["growth"] = 100.0 * np.log(f["mg"]).diff()
    return f


def window_fit(frame: pd.DataFrame, x: str, windows: list[tuple[str | None, str | None]]) -> Fit:
    """Δy on ``x`` over the union of ``windows`` (rows kept in time order)."""
    parts = [S.cut(frame, a, b) for a, b in windows]
    d = pd.concat(parts)[["dy", x]].dropna()
    return Fit.of(ols_hac(d["dy"], d[[x]]), x)


def d1_frame(loader: DataLoader, proxy: Proxy) -> pd.DataFrame:
    """Monthly Δy and the six D1 factors (columns named as in :data:`D1_FACTORS`)."""
    f = S.style_frame(loader, proxy, "M", {"nb": S.NORTHBOUND, "to": S.TURNOVER, "cgb": S.CGB10Y, "us": S.US10Y,
                                           "ca": S.CURRENT_ACCOUNT, "ff": S.FED_FUNDS, "fed": S.FED_ASSETS,
                                           "usd": S.DOLLAR})
    names = list(D1_FACTORS)
    f["dy"] = f["y"].diff()
    f[names[0]] = f["nb"] / f["to"]
    f[names[1]] = (f["cgb"] - f["us"]).diff()
    f[names[2]] = (f["ca"] - f["ca"].shift(12)) / 1000.0
    f[names[3]] = f["ff"].diff()
    f[names[4]] = 100.0 * np.log(f["fed"]).diff()
    f[names[5]] = 100.0 * np.log(f["usd"]).diff()
    return S.cut(f, *D1_SAMPLE)


def d1_fits(loader: DataLoader, proxy: Proxy) -> dict[str, Fit]:
    f = d1_frame(loader, proxy)
    out = {}
    for name in D1_FACTORS:
        d = f[["dy", name]].dropna()
        out[name] = _fit_or_nan(lambda d=d, name=name: Fit.of(ols_hac(d["dy"], d[[name]]), name))
    return out


def proxy_fits(loader: DataLoader, proxy: Proxy) -> dict[str, Fit]:
    """The ratio-based headline specifications for one proxy (rows of the proxies table)."""
    out: dict[str, Fit] = {}
    out["C5: ΔDR007 → Δratio, β0 (W)"] = _fit_or_nan(lambda: S.c5_fit(loader, proxy).contemp)
    out["C5: ΔSHIBOR 1W → Δratio, β0 (W)"] = _fit_or_nan(lambda: S.c5_fit(loader, proxy, rate="SHIBOR 1W").contemp)
    out["A3 (b): flow → Δratio | ΔUS10Y (W)"] = _fit_or_nan(lambda: S.a3_flow_fit(loader, proxy))

    def total() -> Fit:
        d = S.flow_frame(loader, proxy, "W")[["dy", "dus", "flow"]].dropna()
        return Fit.of(ols_hac(d["dy"], d[["dus"]]), "dus")

    out["A3 (c): ΔUS10Y → Δratio, total (W)"] = _fit_or_nan(total)
    for (flow, label), (a, b, _sign) in C9_WINDOWS.items():
        if flow == "northbound":
            out[f"C9: northbound {label} (W)"] = _fit_or_nan(
                lambda a=a, b=b: window_fit(S.flow_frame(loader, proxy, "W"), "flow", [(a, b)]))
        else:
            out[f"C9: margin growth {label} (W)"] = _fit_or_nan(
                lambda a=a, b=b: window_fit(margin_frame(loader, proxy), "growth", [(a, b)]))
    try:
        d1 = d1_fits(loader, proxy)
    except DataError as exc:
        d1 = {k: Fit.missing(str(exc)) for k in D1_FACTORS}
    for name, fit in d1.items():
        out[f"D1: {name} (M)"] = fit
    return out


# ----------------------------------------------------------------------------- grid summary
def grid_summary(result: GridResult, sign: int, headline: str, name: str) -> list[dict[str, Any]]:
    """Shares of specifications with the claimed sign / significant, overall and by dimension."""
    frame = result.to_frame()
    keys = [s.key for s in result.specs]
    head = frame.iloc[keys.index(headline)]
    rows = []
    subsets: list[tuple[str, pd.Series]] = [("all", pd.Series(True, index=frame.index))]
    for dim in result.dimensions:
        values = frame[dim].unique()
        if dim in ("relation",) or len(values) < 2:
            continue
        subsets += [(f"{dim} = {v}", frame[dim] == v) for v in values]
    for label, mask in subsets:
        sub = frame[mask]
        ok = sub[sub["error"] == ""]
        n_ok = len(ok)
        right = np.sign(ok["estimate"]) == sign
        sig = ok["pvalue"] < ALPHA
        rows.append({
            "grid": name, "subset": label, "Specs": len(sub), "Estimated": n_ok,
            "Claimed sign": right.mean() if n_ok else np.nan,
            "Claimed sign, p<.05": (right & sig).mean() if n_ok else np.nan,
            "Opposite, p<.05": (~right & sig).mean() if n_ok else np.nan,
            "Median est.": ok["estimate"].median() if n_ok else np.nan,
            "_headline": (float(head["estimate"]), float(head["pvalue"])),
        })
    return rows


# ----------------------------------------------------------------------------- the study
class LiquidityFlows(Study):
    name = "liquidity_flows"
    title = "Liquidity, foreign flows and leverage (A3, C5, C7, C8, C9, D1)"
    claims = ("A3", "C5", "C7", "C8", "C9", "D1")
    parts = ("A3.us10y_to_flow", "A3.flow_to_ratio", "A3.total_effect", "C5.direction", "C5.immediacy",
             "C5.pe_channel", "C5.eps_not_channel", "C7.direction", "C7.episode_2008_10", "C8.stage1_pe",
             "C8.stage2_eps", "C9.northbound_2016_2020", "C9.margin_2013_2015", "C9.margin_2021", "D1.northbound",
             "D1.spread", "D1.current_account", "D1.fed_funds", "D1.fed_assets", "D1.dollar")
    series = tuple(sorted({
        "cn.index.csi300.close", "cn.index.csi500.close", "cn.index.csi1000.close", "cn.index.csi2000.close",
        "cn.index.microcap.close", "cn.index.sw_small.close", "cn.index.sw_large.close",
        *S.RATES.values(), S.US10Y, S.NORTHBOUND, S.TURNOVER, S.MARGIN, *S.PE["CSI 500"], *S.PE["CSI 1000"],
        S.M1, S.M2, S.CGB10Y, S.CURRENT_ACCOUNT, S.FED_FUNDS, S.FED_ASSETS, S.DOLLAR, S.RUSSELL, S.SP500}))

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        def say(msg: str) -> None:
            if progress:
                progress(msg)

        proxies = available_proxies(loader)
        labels = [p.label for p in proxies]
        head = proxy_by_label(HEADLINE_PROXY if HEADLINE_PROXY in labels else (labels[0] if labels else HEADLINE_PROXY))
        out = _Collector()
        say("A3 chain")
        self._a3(loader, head, out)
        say("C5 distributed lags")
        self._c5(loader, head, out)
        say("C8 two stages")
        self._c8(loader, out)
        say("C9 flow windows")
        self._c9(loader, head, out)
        say("D1 two factors")
        self._d1(loader, head, out)
        say("C7 Fed balance sheet")
        self._c7(loader, out)
        say("frequencies and sub-samples")
        self._samples(loader, head, out)
        say("levels vs differences")
        self._levels(loader, head, out)
        say("proxies")
        self._proxies(loader, proxies, out)
        say("robustness grids")
        self._grids(loader, out, say)
        return self._assemble(loader, head, out)

    # ------------------------------------------------------------------------- A3
    def _a3(self, loader: DataLoader, head: Proxy, out: _Collector) -> None:
        try:
            f = S.flow_frame(loader, head, "W")
            d = f[["y", "dy", "flow", "dus", "us"]].dropna()
            med = S.mediation(d, "dy", "dus", "flow")
            g_us_flow = granger(d["flow"], d["dus"], cov_type="HC1")
            g_flow_ratio = granger(d["dy"], d["flow"], cov_type="HC1")
            g_ratio_flow = granger(d["flow"], d["dy"], cov_type="HC1")
            g_us_ratio = granger(d["dy"], d["dus"], cov_type="HC1")
            lv = S.flow_frame(loader, head, "W", "cumulated")[["y", "flow", "us"]].dropna()
            ty_us_flow = toda_yamamoto(lv["flow"], lv["us"])
            ty_flow_ratio = toda_yamamoto(lv["y"], lv["flow"])
            lp_flow = local_projection("flow", "dus", d, horizons=S.LP_HORIZONS, y_lags=S.LP_LAGS,
                                       x_lags=S.LP_LAGS, response="cumulative")
            lp_ratio = local_projection("y", "dus", d, horizons=S.LP_HORIZONS, y_lags=S.LP_LAGS,
                                        x_lags=S.LP_LAGS, response="change")
        except (DataError, ValueError) as exc:
            out.parts += _missing("A3", ("us10y_to_flow", "flow_to_ratio", "total_effect"), exc,
                                  "northbound net flows, CSI 300 turnover, US 10Y and the index closes")
            return
        proxy, test = f"{head.label} / CSI 300", "weekly HAC regressions in differences"
        chain = (f"indirect a·b = {med.indirect:.3f}, bootstrap 95% CI [{med.indirect_ci[0]:.3f}, "
                 f"{med.indirect_ci[1]:.3f}]; Granger ΔUS10Y → flow p {g_us_flow.f_pvalue:.3f}, flow → Δratio p "
                 f"{g_flow_ratio.f_pvalue:.3f}")
        out.parts += [_part("A3", "us10y_to_flow", med.a, proxy=proxy, test=test),
                      _part("A3", "flow_to_ratio", med.b, proxy=proxy, test=test + " (given ΔUS10Y)",
                            detail=f"{_span(med.b)}, N = {med.b.nobs}; {chain}"),
                      _part("A3", "total_effect", med.total, proxy=proxy, test=test)]
        rel = "ratio"
        out.rows += [
            _row("A3", "(a) ΔUS10Y → northbound flow", "W", med.a, -1),
            _row("A3", f"(b) northbound flow → Δ{rel} | ΔUS10Y", "W", med.b, -1),
            _row("A3", f"(c) ΔUS10Y → Δ{rel}, total", "W", med.total, +1),
        ]
        ci = med.indirect_ci
        out.rows.append({"claim": "A3", "relation": "indirect effect a·b (bootstrap p)", "Freq": "W",
                         "Sample": _span(med.a), "N": med.a.nobs, "Estimate": med.indirect,
                         "s.e.": np.nan, "p": med.indirect_boot_p, "Claimed": "+"})

        def test_row(label: str, stat: float, p: float, n: int, detail: str) -> dict[str, Any]:
            return {"Statistic": stat, "s.e.": np.nan, "p": p, "95% CI": "", "N": n, "Detail": detail, "_": label}

        def fit_row(label: str, fit: Fit, detail: str) -> dict[str, Any]:
            return {"Statistic": fit.beta, "s.e.": fit.se, "p": fit.p, "95% CI": f"[{fit.ci[0]:.3f}, {fit.ci[1]:.3f}]",
                    "N": fit.nobs, "Detail": detail, "_": label}

        rows = [
            fit_row("(a) flow on ΔUS10Y", med.a, "claimed < 0"),
            fit_row("(b) Δratio on flow | ΔUS10Y", med.b, "claimed < 0"),
            fit_row("(c) Δratio on ΔUS10Y, total", med.total, "claimed > 0"),
            fit_row("(c') Δratio on ΔUS10Y | flow, direct", med.direct, ""),
            {"Statistic": med.indirect, "s.e.": med.sobel_se, "p": med.indirect_boot_p,
             "95% CI": f"[{ci[0]:.3f}, {ci[1]:.3f}]", "N": med.a.nobs,
             "Detail": f"block bootstrap, {med.reps} draws, block {med.block}", "_": "indirect a·b"},
            {"Statistic": med.share, "s.e.": np.nan, "p": np.nan,
             "95% CI": f"[{med.share_ci[0]:.2f}, {med.share_ci[1]:.2f}]", "N": med.a.nobs,
             "Detail": "a·b / total", "_": "share through flows"},
        ]
        for label, g in (("Granger: ΔUS10Y → flow", g_us_flow), ("Granger: flow → Δratio", g_flow_ratio),
                         ("Granger: Δratio → flow", g_ratio_flow), ("Granger: ΔUS10Y → Δratio", g_us_ratio)):
            rows.append(test_row(label, g.f_stat, g.f_pvalue, g.nobs, f"F, {g.lags} lags (AIC), HC1"))
        for label, t in (("Toda–Yamamoto: US10Y → cum. flow", ty_us_flow),
                         ("Toda–Yamamoto: cum. flow → log ratio", ty_flow_ratio)):
            rows.append(test_row(label, t.stat, t.pvalue, int(t.extra["nobs"]),
                                 f"Wald chi2, p = {t.extra['p']}, dmax = {t.extra['dmax']}"))
        for h in (0, 4, 12):
            rows.append({"Statistic": lp_flow.irf[h], "s.e.": lp_flow.se[h],
                         "p": 2 * stats.norm.sf(abs(lp_flow.irf[h] / lp_flow.se[h])), "95% CI": "",
                         "N": int(lp_flow.nobs[h]), "Detail": f"HAC lags {int(lp_flow.hac_lags[h])}",
                         "_": f"LP: cum. flow, h = {h} weeks"})
        for h in (0, 4, 12):
            rows.append({"Statistic": lp_ratio.irf[h], "s.e.": lp_ratio.se[h],
                         "p": 2 * stats.norm.sf(abs(lp_ratio.irf[h] / lp_ratio.se[h])), "95% CI": "",
                         "N": int(lp_ratio.nobs[h]), "Detail": f"HAC lags {int(lp_ratio.hac_lags[h])}",
                         "_": f"LP: log ratio, h = {h} weeks"})
        chain = pd.DataFrame(rows).set_index("_")
        chain.index.name = None
        out.tables.append(Table(
            name="lf_a3_chain", caption="A3: US 10Y, northbound flows and the CSI 1000/CSI 300 ratio (weekly)",
            frame=chain,
            notes=[f"Weekly (Friday) {_span(med.a)}. Flow: northbound net buying in % of CSI 300 turnover of the week; "
                   "ratio: 100·log(CSI 1000/CSI 300); US 10Y in pp. Rows (a)–(c'): OLS in differences with a constant; "
                   f"{med.a.desc}. Indirect effect: a·b; s.e. by the delta method (Sobel), p and CI from a moving-block "
                   f"bootstrap ({med.reps} draws, block {med.block} weeks, seed {S.SEED}); the share CI is a percentile "
                   "interval of the bootstrap ratio and is wide when the total effect is near zero. Granger: F tests in "
                   "differences, HC1 covariance. Toda–Yamamoto: lag-augmented levels VAR of cumulated flows (CNY 100bn), "
                   "the US 10Y level and the log ratio. LP: Jordà local projections on a +1 pp ΔUS10Y, 4 lags of each, "
                   "cumulated flow (% of turnover) and change of the log ratio (%), HAC lags ≥ h."],
            digits={"Statistic": 3, "s.e.": 3, "p": 3, "N": 0}, index_label="A3"))
        band = lp_flow.band(95)
        out.figures.append(Figure(
            name="lf_a3_lp", title="A3: cumulated northbound flow after a +1 pp US 10Y change (local projection)",
            data=pd.DataFrame({"Response (% of CSI 300 turnover)": lp_flow.irf, "95% band (lower)": band["lower"],
                               "95% band (upper)": band["upper"]}).rename_axis("weeks"),
            ylabel="% of weekly turnover, cumulated", hlines=[0.0]))
        cum = S.flow_frame(loader, head, "W", "cumulated")
        out.figures.append(Figure(
            name="lf_flows", title="Cumulated northbound net buying and the CSI 1000/CSI 300 ratio (weekly)",
            data=pd.DataFrame({"Cumulated northbound (CNY 100bn)": cum["flow"],
                               "100·log(CSI 1000/CSI 300)": cum["y"]}).dropna(),
            secondary=["100·log(CSI 1000/CSI 300)"], vlines=["2016-01-01", "2021-01-01"]))
        out.numbers.update({
            "A3_a": med.a.beta, "A3_a_p": med.a.p, "A3_b": med.b.beta, "A3_b_p": med.b.p,
            "A3_total": med.total.beta, "A3_total_p": med.total.p, "A3_direct": med.direct.beta,
            "A3_indirect": med.indirect, "A3_indirect_lo": ci[0], "A3_indirect_hi": ci[1],
            "A3_indirect_p": med.indirect_boot_p, "A3_share": med.share, "A3_share_lo": med.share_ci[0],
            "A3_share_hi": med.share_ci[1], "A3_nobs": med.a.nobs, "A3_start": f"{pd.Timestamp(med.a.start):%Y-%m-%d}",
            "A3_end": f"{pd.Timestamp(med.a.end):%Y-%m-%d}", "A3_hac_lags": med.a.hac_lags, "A3_block": med.block,
            "A3_granger_us_flow_p": g_us_flow.f_pvalue, "A3_granger_flow_ratio_p": g_flow_ratio.f_pvalue,
            "A3_granger_ratio_flow_p": g_ratio_flow.f_pvalue, "A3_granger_us_ratio_p": g_us_ratio.f_pvalue,
            "A3_ty_us_flow_p": ty_us_flow.pvalue, "A3_ty_flow_ratio_p": ty_flow_ratio.pvalue,
            "A3_lp_flow_h4": float(lp_flow.irf[4]), "A3_lp_flow_h4_se": float(lp_flow.se[4]),
            "A3_lp_flow_h12": float(lp_flow.irf[12]), "A3_lp_flow_h12_se": float(lp_flow.se[12]),
            "A3_lp_ratio_h4": float(lp_ratio.irf[4]), "A3_lp_ratio_h4_se": float(lp_ratio.se[4]),
        })
        out.headline_desc = med.a.desc

    # ------------------------------------------------------------------------- C5
    def _c5(self, loader: DataLoader, head: Proxy, out: _Collector) -> None:
        rows: list[dict[str, Any]] = []
        fits: dict[tuple[str, str], S.DistLag] = {}

        def add(outcome: str, pair: str, rate: str, dl: S.DistLag) -> None:
            fits[(outcome, rate)] = dl
            c, ls = dl.contemp, dl.lag_sum
            rows.append({"Outcome": outcome, "Rate": rate, "Sample": _span(c), "N": c.nobs, "β0": c.beta,
                         "s.e.": c.se, "p": c.p, "sum β1..L": ls.beta, "s.e. ": ls.se, "Wald p (lags)": dl.wald_p,
                         "β0 / sum β": c.beta / dl.total.beta if dl.total.beta else np.nan, "_pair": pair})

        try:
            for rate in (*S.RATES, "DR007 (period-end)"):
                r, agg = (rate, "mean") if rate in S.RATES else (HEADLINE_RATE, "last")
                add(f"{head.label}/300 ratio", head.label, rate, S.c5_fit(loader, head, rate=r, agg=agg))
            for pair, start, end in (("CSI 500", S.VALUATION_START, None), ("CSI 1000", None, None)):
                for rate in (S.RATES if pair == "CSI 500" else (HEADLINE_RATE,)):
                    try:
                        v = valuation_frame(loader, pair, "W", {"rate": S.RATES[rate]}, start, end)
                    except DataError:
                        continue
                    short = pair.replace("CSI ", "")
                    for col, label in (("dy", f"{short}/300 ratio, P/E span"), ("dpe", f"{short}/300 rel. P/E"),
                                       ("deps", f"{short}/300 rel. EPS")):
                        add(label, pair, rate, S.distributed_lag(v, col, "drate", S.LAGS["W"]["short"]))
        except (DataError, ValueError) as exc:
            out.parts += _missing("C5", ("direction", "immediacy", "pe_channel", "eps_not_channel"), exc,
                                  "DR007 (or SHIBOR 1W), index closes, CSI 500 and CSI 300 P/E")
            return
        h = fits[(f"{head.label}/300 ratio", HEADLINE_RATE)]
        pe = fits.get(("500/300 rel. P/E", HEADLINE_RATE))
        eps = fits.get(("500/300 rel. EPS", HEADLINE_RATE))
        proxy, test = f"{head.label} / CSI 300", "weekly distributed lag in differences, HAC"
        vproxy = "CSI 500 / CSI 300 (P/E from 2012)"
        out.parts += [
            _part("C5", "direction", h.contemp, proxy=proxy, test=test),
            PartResult("C5", "immediacy", estimate=float(h.lag_sum.beta), se=float(h.lag_sum.se), pvalue=float(h.wald_p),
                       n=int(h.contemp.nobs), proxy=proxy, test="HAC Wald test that lags 1–4 are all zero",
                       detail=f"lag sum {h.lag_sum.beta:.3f}; β0 / total = "
                              f"{h.contemp.beta / h.total.beta if h.total.beta else float('nan'):.2f}"),
            _part("C5", "pe_channel", pe.contemp, proxy=vproxy, test=test) if pe is not None
            else PartResult("C5", "pe_channel", missing="CSI 500 and CSI 300 P/E"),
            PartResult("C5", "eps_not_channel", estimate=float(eps.contemp.beta), se=float(eps.contemp.se),
                       ci=tuple(map(float, eps.contemp.ci)), pvalue=float(eps.contemp.p), n=int(eps.contemp.nobs),
                       proxy=vproxy, test=test) if eps is not None
            else PartResult("C5", "eps_not_channel", missing="CSI 500 and CSI 300 P/E"),
        ]
        out.rows += [_row("C5", "ΔDR007 → Δratio, β0", "W", h.contemp, -1),
                     {**_row("C5", "ΔDR007 lags 1–4 → Δratio, sum β (Wald p)", "W", h.lag_sum, -1),
                      "p": h.wald_p, "Claimed": "0"}]
        if pe is not None and eps is not None:
            out.rows += [_row("C5", "ΔDR007 → Δrel. P/E 500/300, β0", "W", pe.contemp, -1),
                         {**_row("C5", "ΔDR007 → Δrel. EPS 500/300, β0", "W", eps.contemp, -1), "Claimed": "0"}]
        table = pd.DataFrame(rows).set_index(["Outcome", "Rate"]).drop(columns="_pair")
        out.tables.append(Table(
            name="lf_c5_distlag", caption="C5: does the size style react to DR007 at once? Weekly distributed lags",
            frame=table,
            notes=[f"Δ(100·log outcome)(t) = a + sum over j = 0..4 of βj·Δrate(t−j) + e_t, weekly (Friday). Rate: period "
                   "mean of daily DR007 last-trade closes (headline), SHIBOR 1W, or the DR007 close of the last "
                   f"trading day of the week. {h.contemp.desc}. Wald p: HAC F test of β1 = … = β4 = 0. "
                   "sum β1..L with its HAC s.e. β0/sum β: share of the cumulated effect at lag 0. Relative P/E: "
                   "trailing P/E of the small index over CSI 300; relative EPS = ratio − relative P/E, so the "
                   "ratio's coefficients are the sum of the two on the same rows. P/E of CSI 500 and CSI 300 "
                   f"from {S.VALUATION_START} (a gap in early 2012 excluded); CSI 1000 P/E 2021-11 to 2024-11 only."],
            digits={"N": 0, "β0": 3, "s.e.": 3, "p": 3, "sum β1..L": 3, "s.e. ": 3, "Wald p (lags)": 3,
                    "β0 / sum β": 2}))
        lagfig = {}
        for key, label in (((f"{head.label}/300 ratio", HEADLINE_RATE), f"{head.label}/300 ratio"),
                           (("500/300 rel. P/E", HEADLINE_RATE), "500/300 relative P/E"),
                           (("500/300 rel. EPS", HEADLINE_RATE), "500/300 relative EPS")):
            if key in fits:
                lagfig[label] = np.cumsum(fits[key].coefs.to_numpy())
        out.figures.append(Figure(
            name="lf_c5_lags", title="C5: cumulated response to a +1 pp weekly change in DR007",
            data=pd.DataFrame(lagfig, index=pd.Index([f"lag {j}" for j in range(h.lags + 1)], name="lag")),
            ylabel="% per pp, sum β0..j", hlines=[0.0]))
        shib = fits[(f"{head.label}/300 ratio", "SHIBOR 1W")]
        end = fits[(f"{head.label}/300 ratio", "DR007 (period-end)")]
        out.numbers.update({
            "C5_contemp_beta": h.contemp.beta, "C5_contemp_se": h.contemp.se, "C5_contemp_p": h.contemp.p,
            "C5_contemp_lo": h.contemp.ci[0], "C5_contemp_hi": h.contemp.ci[1],
            "C5_lag_sum": h.lag_sum.beta, "C5_lag_sum_p": h.lag_sum.p, "C5_lag_wald_p": h.wald_p,
            "C5_share_contemp": h.contemp.beta / h.total.beta if h.total.beta else np.nan,
            "C5_nobs": h.contemp.nobs, "C5_start": f"{pd.Timestamp(h.contemp.start):%Y-%m-%d}",
            "C5_end": f"{pd.Timestamp(h.contemp.end):%Y-%m-%d}", "C5_hac_lags": h.contemp.hac_lags,
            "C5_shibor_beta": shib.contemp.beta, "C5_shibor_p": shib.contemp.p, "C5_shibor_wald_p": shib.wald_p,
            "C5_periodend_beta": end.contemp.beta, "C5_periodend_p": end.contemp.p,
        })
        if pe is not None and eps is not None:
            r500 = fits[("500/300 ratio, P/E span", HEADLINE_RATE)]
            out.numbers.update({
                "C5_pe_beta": pe.contemp.beta, "C5_pe_p": pe.contemp.p, "C5_pe_wald_p": pe.wald_p,
                "C5_eps_beta": eps.contemp.beta, "C5_eps_p": eps.contemp.p, "C5_eps_wald_p": eps.wald_p,
                "C5_ratio500_beta": r500.contemp.beta, "C5_ratio500_p": r500.contemp.p,
                "C5_pe_share": pe.contemp.beta / r500.contemp.beta if r500.contemp.beta else np.nan,
            })

    # ------------------------------------------------------------------------- C8
    def _c8(self, loader: DataLoader, out: _Collector) -> None:
        rows: list[dict[str, Any]] = []
        res: dict[str, S.DistLag] = {}

        def add(key: str, stage: str, outcome: str, regressor: str, pair: str, dl: S.DistLag) -> None:
            res[key] = dl
            coefs = dl.coefs.to_numpy()
            rows.append({"Stage": stage, "Outcome": outcome, "Regressor": regressor, "Pair": pair,
                         "Sample": _span(dl.total), "N": dl.total.nobs, "β0": dl.contemp.beta, "p(β0)": dl.contemp.p,
                         "sum β": dl.total.beta, "s.e.": dl.total.se, "p(sum β)": dl.total.p,
                         "Peak lag": int(np.argmax(np.abs(coefs))), "Wald p (lags)": dl.wald_p})

        try:
            for pair in ("CSI 500", "CSI 1000"):
                start = S.VALUATION_START if pair == "CSI 500" else None
                try:
                    v = valuation_frame(loader, pair, "M", {"rate": S.RATES[HEADLINE_RATE], "m1": S.M1, "m2": S.M2},
                                        start, S.M1_BASIS_END)
                except DataError:
                    if pair == "CSI 500":
                        raise
                    continue
                v["dgap"] = (v["m1"] - v["m2"]).diff()
                short = pair.replace("CSI ", "") + "/300"
                lag1, lag2 = S.LAGS["M"]["short"], S.C8_EPS_LAGS
                for key, stage, col, x, lags, lab in (
                        ("s1_pe", "1", "dpe", "drate", lag1, "ΔDR007"), ("s1_eps", "1 (contrast)", "deps", "drate", lag1,
                                                                        "ΔDR007"),
                        ("s2_eps", "2", "deps", "dgap", lag2, "Δ(M1−M2)"), ("s2_pe", "2 (contrast)", "dpe", "dgap", lag2,
                                                                             "Δ(M1−M2)")):
                    try:
                        add(f"{key}_{pair}", stage, f"rel. {'P/E' if col == 'dpe' else 'EPS'}", lab, short,
                            S.distributed_lag(v, col, x, lags))
                    except ValueError:
                        if pair == "CSI 500":
                            raise
            # stage 1 with SHIBOR 1W (CSI 500/300)
            v = valuation_frame(loader, "CSI 500", "M", {"rate": S.RATES["SHIBOR 1W"]}, S.VALUATION_START,
                                S.M1_BASIS_END)
            add("s1_pe_shibor", "1", "rel. P/E", "ΔSHIBOR 1W", "500/300",
                S.distributed_lag(v, "dpe", "drate", S.LAGS["M"]["short"]))
        except (DataError, ValueError) as exc:
            out.parts += _missing("C8", ("stage1_pe", "stage2_eps"), exc, "DR007, M1/M2 yoy, CSI 500 and CSI 300 P/E")
            return
        s1, s2 = res["s1_pe_CSI 500"].total, res["s2_eps_CSI 500"].total
        vproxy = "CSI 500 / CSI 300 (P/E available 2012–)"
        test = "monthly distributed lag in differences, HAC t-test of the lag sum"
        out.parts += [_part("C8", "stage1_pe", s1, proxy=vproxy, test=test),
                      _part("C8", "stage2_eps", s2, proxy=vproxy, test=test)]
        out.rows += [_row("C8", "stage 1: ΔDR007 → Δrel. P/E, sum β0..3", "M", s1, -1),
                     _row("C8", "stage 2: Δ(M1−M2) → Δrel. EPS, sum β0..6", "M", s2, +1)]
        table = pd.DataFrame(rows).set_index(["Stage", "Outcome", "Regressor", "Pair"])
        out.tables.append(Table(
            name="lf_c8_stages", caption="C8: DR007 → relative P/E, then M1−M2 → relative EPS (monthly)",
            frame=table,
            notes=[f"Month-end data; Δ(100·log relative P/E or EPS)_t on the regressor's change at lags 0..L "
                   f"(L = {S.LAGS['M']['short']} for stage 1, {S.C8_EPS_LAGS} for stage 2), constant, {s1.desc}. "
                   "sum β: cumulated response with its HAC s.e. and p; peak lag: lag with the largest |β|. DR007 and "
                   "SHIBOR 1W are monthly means; M1−M2 is the gap of the yoy growth rates (pp), entered from the month "
                   f"it was published (15-day lag); sample ends {S.M1_BASIS_END} because M1 is redefined from 2025. "
                   "Contrast rows: the other outcome on the same regressor (the claim expects them to be weaker). "
                   "Claimed signs: stage 1 negative, stage 2 positive (small-cap EPS recovers faster)."],
            digits={"N": 0, "β0": 3, "p(β0)": 3, "sum β": 3, "s.e.": 3, "p(sum β)": 3, "Peak lag": 0,
                    "Wald p (lags)": 3}))
        out.numbers.update({
            "C8_s1_sum": s1.beta, "C8_s1_se": s1.se, "C8_s1_p": s1.p, "C8_s2_sum": s2.beta, "C8_s2_se": s2.se,
            "C8_s2_p": s2.p, "C8_nobs": s1.nobs, "C8_s2_nobs": s2.nobs,
            "C8_s1_contemp": res["s1_pe_CSI 500"].contemp.beta, "C8_s1_contemp_p": res["s1_pe_CSI 500"].contemp.p,
            "C8_s1_shibor_sum": res["s1_pe_shibor"].total.beta, "C8_s1_shibor_p": res["s1_pe_shibor"].total.p,
            "C8_s2_pe_sum": res["s2_pe_CSI 500"].total.beta, "C8_s2_pe_p": res["s2_pe_CSI 500"].total.p,
            "C8_s1_eps_sum": res["s1_eps_CSI 500"].total.beta, "C8_s1_eps_p": res["s1_eps_CSI 500"].total.p,
        })

    # ------------------------------------------------------------------------- C9
    def _c9(self, loader: DataLoader, head: Proxy, out: _Collector) -> None:
        rows = []
        holds = {}
        try:
            frames = {"northbound": (S.flow_frame(loader, head, "W"), "flow"),
                      "margin": (margin_frame(loader, head), "growth")}
            specs: list[tuple[str, str, list[tuple[str | None, str | None]], int, bool]] = [
                (flow, label, [(a, b)], sign, True) for (flow, label), (a, b, sign) in C9_WINDOWS.items()]
            specs += [(flow, label, wins, -1 if flow == "northbound" else +1, False)
                      for (flow, label), wins in C9_OUTSIDE.items()]
            for flow, label, wins, sign, in_window in specs:
                f, x = frames[flow]
                fit = window_fit(f, x, wins)
                d = pd.concat([S.cut(f, a, b) for a, b in wins])[["dy", x, "y"]].dropna()
                nz = d[(d[x] != 0) & (d["dy"] != 0)]
                agree = int((np.sign(nz[x]) == sign * np.sign(nz["dy"])).sum())
                binom = stats.binomtest(agree, len(nz), 0.5)
                seg = pd.concat([S.cut(f, a, b) for a, b in wins])
                total = float(seg["nb"].sum() / 1e5) if flow == "northbound" else float(seg[x].sum())
                dratio = float(sum(S.cut(f, a, b)["dy"].dropna().sum() for a, b in wins))
                rows.append({"Flow": flow, "Window": label, "Weeks": fit.nobs, "β": fit.beta, "s.e.": fit.se,
                             "p": fit.p, "Claimed": SIGN[sign], "Concordant": agree / len(nz), "Binomial p": binom.pvalue,
                             "Cum. flow / growth": total, "Δ ratio (%)": dratio})
                if in_window:
                    holds[(flow, label)] = fit
        except (DataError, ValueError) as exc:
            out.parts += _missing("C9", tuple(C9_PARTS.values()), exc,
                                  "northbound net flows, CSI 300 turnover, margin financing balance")
            return
        for key, fit in holds.items():
            out.parts.append(_part("C9", C9_PARTS[key], fit, proxy=f"{head.label} / CSI 300",
                                   test="weekly HAC regression inside the article's window"))
        for (flow, label), fit in holds.items():
            rel = "northbound flow → Δratio" if flow == "northbound" else "margin growth → Δratio"
            out.rows.append(_row("C9", f"{rel}, {label}", "W", fit, C9_WINDOWS[(flow, label)][2]))
        table = pd.DataFrame(rows).set_index(["Flow", "Window"])
        out.tables.append(Table(
            name="lf_c9_windows", caption="C9: northbound flows and margin growth against the size style, by window",
            frame=table,
            notes=["Weekly Δ100·log(CSI 1000/CSI 300) on the northbound net flow (% of CSI 300 turnover) or on margin "
                   f"financing balance growth (100·Δlog), constant, {next(iter(holds.values())).desc}. Concordant: share of weeks in which the "
                   "flow and the ratio move as claimed (inflow with a falling ratio; margin growth with a rising one); "
                   "binomial p against one half. Cum. flow / growth: cumulated northbound net buying (CNY 100bn) or "
                   "cumulated margin growth (%) over the window; Δ ratio: cumulated change of the log ratio (%). "
                   "Outside rows: the same regression on the remaining weeks of each flow's data."],
            digits={"Weeks": 0, "β": 3, "s.e.": 3, "p": 3, "Concordant": 2, "Binomial p": 3, "Cum. flow / growth": 1,
                    "Δ ratio (%)": 1}))
        keys = {("northbound", "2016–2020"): "C9_nb", ("margin", "2013–2015"): "C9_margin1315",
                ("margin", "2021"): "C9_margin21"}
        for k, fit in holds.items():
            out.numbers.update({f"{keys[k]}_beta": fit.beta, f"{keys[k]}_p": fit.p, f"{keys[k]}_nobs": fit.nobs})
        tab = table.reset_index()
        for k, prefix in keys.items():
            r = tab[(tab.Flow == k[0]) & (tab.Window == k[1])].iloc[0]
            out.numbers.update({f"{prefix}_concordant": r["Concordant"], f"{prefix}_binom_p": r["Binomial p"],
                                f"{prefix}_total": r["Cum. flow / growth"], f"{prefix}_dratio": r["Δ ratio (%)"]})
        for (flow, label) in C9_OUTSIDE:
            r = tab[(tab.Flow == flow) & (tab.Window == label)].iloc[0]
            out.numbers.update({f"C9_{flow}_outside_beta": r["β"], f"C9_{flow}_outside_p": r["p"]})

    # ------------------------------------------------------------------------- D1
    def _d1(self, loader: DataLoader, head: Proxy, out: _Collector) -> None:
        try:
            fits = d1_fits(loader, head)
        except (DataError, ValueError) as exc:
            out.parts += _missing("D1", tuple(D1_PARTS.values()), exc,
                                  "northbound, CGB/UST 10Y, current account, fed funds, Fed assets, dollar")
            return
        rows = []
        for group in ("cross-border", "global liquidity"):
            names = [n for n, (g, _) in D1_FACTORS.items() if g == group and fits[n].ok]
            padj = multipletests([fits[n].p for n in names], method="holm")[1] if names else []
            for n, pa in zip(names, padj, strict=True):
                fit = fits[n]
                rows.append({"Group": group, "Factor": n, "Sample": _span(fit), "N": fit.nobs, "β": fit.beta,
                             "s.e.": fit.se, "p": fit.p, "Holm p": pa, "Claimed": SIGN[D1_FACTORS[n][1]]})
        for n, part_name in D1_PARTS.items():
            out.parts.append(_part("D1", part_name, fits[n], proxy=f"{head.label} / CSI 300",
                                   test="monthly HAC regression in differences, one factor at a time"))
        table = pd.DataFrame(rows).set_index(["Group", "Factor"])
        nb = fits[list(D1_FACTORS)[0]]
        for r in rows:
            out.rows.append({"claim": "D1", "relation": f"{r['Factor']} → Δratio", "Freq": "M", "Sample": r["Sample"],
                             "N": r["N"], "Estimate": r["β"], "s.e.": r["s.e."], "p": r["p"],
                             "Claimed": r["Claimed"]})
        out.tables.append(Table(
            name="lf_d1_factors", caption="D1: cross-border capital and global liquidity factors against CSI 1000/CSI 300 (monthly)",
            frame=table,
            notes=[f"Monthly Δ100·log(CSI 1000/CSI 300) on one factor at a time, constant, {nb.desc}; sample "
                   f"{D1_SAMPLE[0][:7]} to {D1_SAMPLE[1][:7]} (the article's backtest span) within each factor's data. "
                   "Northbound: monthly net buying in % of CSI 300 turnover (2014-11 to 2023-12). Spread: ChinaBond 10Y − "
                   "US 10Y, month end. Current account: latest released quarter minus the same quarter a year earlier "
                   "(released 45 days after quarter end). Fed funds: monthly mean of the daily effective rate (public "
                   "the same day, so no release lag). Fed assets (WALCL) and the broad dollar in 100·Δlog. Claimed: the "
                   "article's sign for the ratio (cross-border inflows favour CSI 300: negative; easing favours CSI 1000: "
                   "cuts and a weaker dollar negative, balance-sheet growth positive). Holm: within each group."],
            digits={"N": 0, "β": 3, "s.e.": 3, "p": 3, "Holm p": 3}))
        slug = {n: s for n, s in zip(D1_FACTORS, ("nb", "spread", "ca", "ff", "fed", "usd"), strict=True)}
        for r in rows:
            key = slug[r["Factor"]]
            out.numbers.update({f"D1_{key}_beta": r["β"], f"D1_{key}_p": r["p"], f"D1_{key}_holm_p": r["Holm p"]})

    # ------------------------------------------------------------------------- C7
    def _c7(self, loader: DataLoader, out: _Collector) -> None:
        rows = []
        try:
            head = S.c7_fit(loader, "M", "full", "none")
            fits = {("M", "full", "β0"): head.contemp,
                    ("M", "full", "sum β0..3"): S.c7_fit(loader, "M", "full", "short").total,
                    ("W", "full", "β0"): S.c7_fit(loader, "W", "full", "none").contemp,
                    ("W", "full", "sum β0..4"): S.c7_fit(loader, "W", "full", "short").total}
            for sample in ("2014–2020", "2021–"):
                fits[("M", sample, "β0")] = S.c7_fit(loader, "M", sample, "none").contemp
            w = S.fed_frame(loader, "W")
            episodes = {}
            for label, (a, b) in C7_EPISODES.items():
                d = S.cut(w, a, b)[["dy", "dx"]].dropna()
                episodes[label] = Fit.of(ols_hac(d["dy"], d[["dx"]]), "dx")
                fits[("W", label, "β0")] = episodes[label]
        except (DataError, ValueError) as exc:
            out.parts += _missing("C7", ("direction", "episode_2008_10"), exc, "Russell 2000, S&P 500 and Fed total assets")
            return
        for (freq, sample, coef), fit in fits.items():
            f = S.fed_frame(loader, freq)
            seg = S.cut(f, fit.start, fit.end)
            rows.append({"Freq": freq, "Sample": sample, "Coef.": coef, "Span": _span(fit), "N": fit.nobs,
                         "β": fit.beta, "s.e.": fit.se, "p": fit.p, "Fed assets growth (%)": float(seg["dx"].sum()),
                         "Δ ratio (%)": float(seg["dy"].sum())})
        h = head.contemp
        out.parts += [_part("C7", "direction", h, proxy="Russell 2000 / S&P 500", test="monthly HAC regression in differences"),
                      _part("C7", "episode_2008_10", episodes["2008-09 → 2010-12"], proxy="Russell 2000 / S&P 500",
                            test="weekly HAC regression in the article's episode")]
        out.rows.append(_row("C7", "Fed assets growth → Δ(R2000/S&P 500)", "M", h, +1))
        for k, f in episodes.items():
            out.rows.append(_row("C7", f"… in episode {k}", "W", f, +1))
        table = pd.DataFrame(rows).set_index(["Freq", "Sample", "Coef."])
        out.tables.append(Table(
            name="lf_c7_fed", caption="C7: Russell 2000 / S&P 500 and Fed balance-sheet growth",
            frame=table,
            notes=["Δ100·log(Russell 2000 / S&P 500) on 100·Δlog Fed total assets (WALCL, Wednesday level, public the "
                   f"next day), constant; β0 contemporaneous, the sum of β over the lags with its HAC s.e.; {h.desc}. Fed assets "
                   "growth and Δ ratio: cumulated over the span. Episodes: the article's examples of rapid balance-sheet "
                   "expansion (weekly data)."],
            digits={"N": 0, "β": 3, "s.e.": 3, "p": 3, "Fed assets growth (%)": 1, "Δ ratio (%)": 1}))
        m = S.fed_frame(loader, "M")
        out.figures.append(Figure(
            name="lf_c7_fed", title="C7: Russell 2000 / S&P 500 and the Fed's total assets (monthly)",
            data=pd.DataFrame({"100·log(Russell 2000 / S&P 500)": m["y"],
                               "Fed total assets (USD trillion)": m["fed"] / 1e6}),
            secondary=["Fed total assets (USD trillion)"], vlines=[a for a, _ in C7_EPISODES.values()]))
        out.numbers.update({
            "C7_beta": h.beta, "C7_se": h.se, "C7_p": h.p, "C7_nobs": h.nobs, "C7_lo": h.ci[0], "C7_hi": h.ci[1],
            "C7_weekly_beta": fits[("W", "full", "β0")].beta, "C7_weekly_p": fits[("W", "full", "β0")].p,
            "C7_sum_beta": fits[("M", "full", "sum β0..3")].beta, "C7_sum_p": fits[("M", "full", "sum β0..3")].p,
            "C7_ep0810_beta": episodes["2008-09 → 2010-12"].beta, "C7_ep0810_p": episodes["2008-09 → 2010-12"].p,
            "C7_ep2021_beta": episodes["2020-03 → 2021-06"].beta, "C7_ep2021_p": episodes["2020-03 → 2021-06"].p,
        })
        tab = table.reset_index()
        for label, key in (("2008-09 → 2010-12", "C7_ep0810"), ("2020-03 → 2021-06", "C7_ep2021")):
            r = tab[tab["Sample"] == label].iloc[0]
            out.numbers[f"{key}_dratio"] = r["Δ ratio (%)"]
            out.numbers[f"{key}_growth"] = r["Fed assets growth (%)"]

    # ------------------------------------------------------------------------- samples
    def _samples(self, loader: DataLoader, head: Proxy, out: _Collector) -> None:
        """The headline relations by frequency (W, M) and sample (full, 2014–2020, 2021–)."""
        rel: dict[str, Callable[[str, str], Fit]] = {
            "C5: ΔDR007 → Δratio, β0": lambda f, s: S.c5_fit(loader, head, f, "DR007", s).contemp,
            "C5: ΔSHIBOR 1W → Δratio, β0": lambda f, s: S.c5_fit(loader, head, f, "SHIBOR 1W", s).contemp,
            "A3 (a): ΔUS10Y → flow": lambda f, s: S.a3_links(loader, head, f, s)["a"],
            "A3 (b): flow → Δratio | ΔUS10Y": lambda f, s: S.a3_links(loader, head, f, s)["b"],
            "A3 (c): ΔUS10Y → Δratio": lambda f, s: S.a3_links(loader, head, f, s)["c"],
            "C7: Fed assets → Δ(R2000/S&P 500)": lambda f, s: S.c7_fit(loader, f, s, "none").contemp,
        }
        cols: dict[str, dict[str, float]] = {}
        for freq in ("W", "M"):
            for sample in ("full", "2014–2020", "2021–"):
                col: dict[str, float] = {}
                for name, fn in rel.items():
                    fit = _fit_or_nan(lambda fn=fn, freq=freq, sample=sample: fn(freq, sample))
                    col[name], col[f"{name}__se"], col[f"{name}__p"] = fit.beta, fit.se, fit.p
                    key = {"C5: ΔDR007 → Δratio, β0": "C5", "A3 (a): ΔUS10Y → flow": "A3_a",
                           "A3 (b): flow → Δratio | ΔUS10Y": "A3_b", "A3 (c): ΔUS10Y → Δratio": "A3_c",
                           "C7: Fed assets → Δ(R2000/S&P 500)": "C7"}.get(name)
                    if key and not (freq == "W" and sample == "full"):
                        tag = {"full": "full", "2014–2020": "1420", "2021–": "21"}[sample]
                        out.numbers[f"{key}_{freq}_{tag}_beta"] = fit.beta
                        out.numbers[f"{key}_{freq}_{tag}_p"] = fit.p
                cols[f"{freq}, {sample}"] = col
        out.tables.append(Table(
            name="lf_samples", caption="Headline relations by frequency and sample",
            frame=pd.DataFrame(cols), kind="estimates", index_label="Relation (CSI 1000/CSI 300)",
            sample="weekly and monthly, over the spans in the note; N of the full samples in the per-claim tables",
            notes=["W weekly (Friday), M month end; HAC s.e. (Newey–West 1994 rule) in each column. 'full' is each "
                   "relation's own longest span: C5 from 2007 (DR007 to 2024-12, SHIBOR 1W to 2026), A3 the northbound "
                   "data 2014-11 to 2023-12, C7 from 2003; 2021– ends where the data end. C5 rows: β0 of the "
                   "distributed-lag regression (4 weekly or 3 monthly lags)."],
            digits=3))

    # ------------------------------------------------------------------------- levels
    def _levels(self, loader: DataLoader, head: Proxy, out: _Collector) -> None:
        rows = []

        def add(claim: str, relation: str, freq: str, fn: Callable[[], Any], term: str) -> None:
            try:
                r = fn()
            except (DataError, ValueError):
                return
            orders = ", ".join(f"{k} I({v})" for k, v in r.orders.items())
            rows.append({"claim": claim, "relation": relation, "Freq": freq, "N": r.levels.nobs, "Orders": orders,
                         "EG p": r.cointegration.pvalue if r.cointegration is not None else np.nan,
                         "Levels β": float(r.levels.params[term]), "Diff. β": float(r.differences.params[term]),
                         "Diff. p": float(r.differences.pvalues[term]), "Use": r.recommended})

        def c5_levels() -> Any:
            f = S.cut(S.c5_frame(loader, head, "W", HEADLINE_RATE), *S.C5_SAMPLES["full"])
            return levels_vs_differences("y", "rate", f[["y", "rate"]].dropna())

        def nb_on_us() -> Any:
            f = S.flow_frame(loader, head, "W", "cumulated")
            return levels_vs_differences("flow", "us", f[["flow", "us"]].dropna())

        def c8(col: str, x: str) -> Callable[[], Any]:
            def fn() -> Any:
                v = valuation_frame(loader, "CSI 500", "M", {"rate": S.RATES[HEADLINE_RATE], "m1": S.M1, "m2": S.M2},
                                    S.VALUATION_START, S.M1_BASIS_END)
                v["gap"] = v["m1"] - v["m2"]
                return levels_vs_differences(col, x, v[[col, x]].dropna())
            return fn

        add("C5", "log ratio on DR007", "W", c5_levels, "rate")
        add("A3", "log ratio on cum. flow and US10Y", "W", lambda: S.a3_levels(loader, head, "W", "full"), "flow")
        add("A3", "cum. flow on US10Y", "W", nb_on_us, "us")
        add("C8", "log rel. P/E on DR007", "M", c8("pe", "rate"), "rate")
        add("C8", "log rel. EPS on M1−M2", "M", c8("eps", "gap"), "gap")
        add("C7", "log(R2000/S&P) on log Fed assets", "M", lambda: S.c7_levels(loader, "M", "full"), "x")
        add("C7", "log(R2000/S&P) on log Fed assets", "W", lambda: S.c7_levels(loader, "W", "full"), "x")
        if rows:
            frame = pd.DataFrame(rows).set_index(["claim", "relation", "Freq"])
            out.tables.append(Table(
                name="lf_levels", caption="Levels or differences? Integration orders and Engle–Granger tests",
                frame=frame,
                notes=["econ.models.levels_vs_differences: integration orders by the Dickey–Pantula ADF sequence (5%); "
                       "levels are admissible when every variable is I(0), or all are I(1) and Engle–Granger rejects no "
                       "cointegration at 5% (EG p shown when all are I(1)). Use: the admissible form; 'differences' "
                       "means the levels regression would be spurious. Log ratios and log P/E, EPS, assets ×100; "
                       "cumulated flow in CNY 100bn. Diff. β and p: the same relation in first differences (HAC)."],
                digits={"N": 0, "EG p": 3, "Levels β": 3, "Diff. β": 3, "Diff. p": 3}))
            out.numbers["LF_levels_admissible"] = int(sum(r["Use"] == "levels" for r in rows))
            out.numbers["LF_levels_checked"] = len(rows)

    # ------------------------------------------------------------------------- proxies
    def _proxies(self, loader: DataLoader, proxies: list[Proxy], out: _Collector) -> None:
        cols = {}
        for p in proxies:
            fits = proxy_fits(loader, p)
            col = {}
            for k, f in fits.items():
                col[k], col[f"{k}__se"], col[f"{k}__p"] = f.beta, f.se, f.p
            cols[p.label] = col
        if not cols:
            return
        frame = pd.DataFrame(cols)
        out.tables.append(Table(
            name="lf_proxies", caption="Every small-cap proxy: the headline specifications",
            frame=frame, kind="estimates", index_label="Specification (vs CSI 300; SW: small vs large)",
            sample="each pair's longest common span for the headline specification; N as in the per-claim tables",
            notes=["Each cell: the headline specification's coefficient for that small/large pair (HAC s.e.), as in "
                   "the C5, A3, C9 and D1 tables. Samples end where each "
                   "pair's data end: CSI 2000 is back-calculated before 2023-08, Shenwan small/large covers 2015–2024. "
                   "W weekly, M monthly; blank: not estimable."],
            digits=3))
        for p in proxies:
            slug = "".join(ch for ch in p.label if ch.isalnum())
            c = cols[p.label]
            out.numbers[f"C5_proxy_{slug}_beta"] = c["C5: ΔDR007 → Δratio, β0 (W)"]
            out.numbers[f"C5_proxy_{slug}_p"] = c["C5: ΔDR007 → Δratio, β0 (W)__p"]
            out.numbers[f"A3_proxy_{slug}_b"] = c["A3 (b): flow → Δratio | ΔUS10Y (W)"]
            out.numbers[f"A3_proxy_{slug}_b_p"] = c["A3 (b): flow → Δratio | ΔUS10Y (W)__p"]
        out.proxy_table = frame

    # ------------------------------------------------------------------------- grids
    def _grids(self, loader: DataLoader, out: _Collector, say: Callable[[str], None]) -> None:
        specs = (
            ("C5", "C5.direction", GRID, "C5: β0, Δrate", "β0 of Δ100·log ratio on Δrate (pp)"),
            ("A3", "A3.flow_to_ratio", GRID_FLOWS, "A3: flow",
             "coefficient of the northbound flow in Δ100·log ratio | ΔUS10Y"),
            ("C7", "C7.direction", GRID_FED, "C7: Fed assets",
             "coefficient of 100·Δlog Fed assets in Δ100·log(R2000/S&P 500)"),
        )
        rows = []
        for claim, key, grid, name, label in specs:
            say(f"grid {claim} ({len(grid)} specs)")
            result = run_grid(estimate, grid, loader=loader, null_draws=NULL_DRAWS, seed=NULL_SEED,
                              name=f"{claim} grid")
            gr = declared.grid_run(key, result, label=label)
            out.grids.append(gr)
            sign, headline = gr.sign_claimed, gr.headline
            summary = grid_summary(result, sign, headline, name)
            rows += summary
            allrow = summary[0]
            late = [r for r in summary if r["subset"] == "sample = 2021–"]
            if late:
                out.numbers[f"{claim}_grid_share_sig_2021"] = late[0]["Claimed sign, p<.05"]
            out.numbers.update({
                f"{claim}_grid_n": allrow["Specs"], f"{claim}_grid_ok": allrow["Estimated"],
                f"{claim}_grid_share_sign": allrow["Claimed sign"],
                f"{claim}_grid_share_sig": allrow["Claimed sign, p<.05"],
                f"{claim}_grid_share_opposite": allrow["Opposite, p<.05"],
            })
        heads = "; ".join(f"{r['grid']} {r['_headline'][0]:.3f} (p {r['_headline'][1]:.3f})"
                          for r in rows if r["subset"] == "all")
        frame = pd.DataFrame(rows).drop(columns="_headline").set_index(["grid", "subset"])
        out.tables.append(Table(
            name="lf_robustness", caption="Robustness grids: share of specifications with the claimed sign",
            frame=frame,
            notes=["Each grid is the product of the named dimensions (econ.robust.Grid) run with econ.robust.run_grid. "
                   "C5: proxy × frequency (W/M) × rate (DR007/SHIBOR 1W) × sample (full from 2007 / 2014–2020 / 2021–) "
                   "× HAC rule (NW 1994 / Andrews AR(1)) × lags (4 weeks or 3 months / none); estimate β0. A3: proxy × "
                   "frequency × flow transform (% of CSI 300 turnover / flow over trailing mean |flow| / CNY 100bn / "
                   "cumulated flows in levels) × sample (2014-11–2023 / –2020 / 2021–) × HAC rule, levels only with NW "
                   "1994. C7: frequency × sample (2003– / 2008–2010 / 2014–2020 / 2021–) × HAC rule × form × lags. "
                   "Levels specifications are estimated only where admissible (cointegrated I(1) variables); the "
                   "others count as not estimated. Shares are over estimated specifications; p<.05: two-sided p < "
                   f"{ALPHA}, unadjusted for multiplicity; the joint test of each grid and Romano–Wolf adjusted "
                   f"p-values ({NULL_DRAWS} null worlds) are in the specification-curve summary. Headline "
                   f"specifications: {heads}."],
            digits={"Specs": 0, "Estimated": 0, "Claimed sign": 2, "Claimed sign, p<.05": 2, "Opposite, p<.05": 2,
                    "Median est.": 3}, index_label=""))

    # ------------------------------------------------------------------------- assembly
    def _assemble(self, loader: DataLoader, head: Proxy, out: _Collector) -> StudyResult:
        if out.rows:
            frame = pd.DataFrame(out.rows).set_index(["claim", "relation"])
            out.tables.insert(0, Table(
                name="lf_headline", caption="Headline estimates, one row per link of each claim",
                frame=frame,
                notes=["Headline proxy CSI 1000 / CSI 300 (C8: CSI 500 / CSI 300, the pair with long P/E data; C7: "
                       "Russell 2000 / S&P 500). All regressions in first differences with a constant; y = 100·log "
                       "ratio, rates in pp, flows in % of CSI 300 turnover, growth in %. HAC errors with the Newey–West "
                       f"(1994) bandwidth floor(4(T/100)^(2/9)); e.g. the A3 rows: {out.headline_desc}. Claimed: the "
                       "article's sign (0: no effect claimed); each row's outcome under the package's verdict policy "
                       "is in Table 1. The C5 lag row reports the lag sum with the p of the HAC Wald test of the lag block; the indirect "
                       "effect's p is from the block bootstrap."],
                digits={"N": 0, "Estimate": 3, "s.e.": 3, "p": 3}))
        art = []
        article_text = {"A3": "US10Y up → outflows → ratio up", "C5": "DR007 acts at once, via P/E",
                        "C7": "R2000/S&P up with Fed assets", "C8": "P/E first, then EPS",
                        "C9": "north → large; margin → small", "D1": "flows → CSI 300; easing → 1000"}
        first = {c: next(p for p in out.parts if p.claim == c) for c in self.claims}
        for c, p in first.items():
            ours = "--" if p.estimate is None else (f"{p.estimate:.3f}".replace("-", "−")
                                                    + ("" if p.pvalue is None else f" (p {p.pvalue:.3f})"))
            art.append({"Claim": c, "Article says": article_text[c],
                        "Article's number": declared.registry().claim(c).article_numbers,
                        f"Ours ({p.part})": ours})
        out.tables.insert(1, Table(
            name="lf_articles", caption="The articles' statements beside our headline numbers",
            frame=pd.DataFrame(art).set_index("Claim"),
            sample="the headline specification of each claim (period and N in the claim's own table)",
            notes=["Ours: the first part of each claim (A3 US10Y → flow; C5 β0 of ΔDR007; C7 the Fed-assets slope; "
                   "C8 the stage-1 sum β; C9 the 2016–2020 northbound slope; D1 the northbound slope). Every part "
                   "and its outcome is in Table 1. None of the articles gives a coefficient; their evidence is "
                   "episodes and charts."]))
        return StudyResult(
            study=self.name, title=self.title, parts=out.parts, tables=out.tables, figures=out.figures,
            numbers=out.numbers, headline_proxy=f"{head.label} / CSI 300", synthetic=self.is_synthetic(loader),
            data_ids=sorted(self.series), grids=out.grids,
            notes=[f"Headline rate {HEADLINE_RATE} (period mean of Wind last-trade closes), alternative SHIBOR 1W.",
                   "Northbound flows end 2023-12; A3, C9 (northbound) and D1 (northbound) stop there.",
                   "The mediation CI is a moving-block bootstrap written in studies/_liquidity_specs.py "
                   "(econ.models has no mediation estimator)."])


class _Collector:
    """What the claim methods accumulate."""

    def __init__(self) -> None:
        self.parts: list[PartResult] = []
        self.rows: list[dict[str, Any]] = []
        self.tables: list[Table] = []
        self.figures: list[Figure] = []
        self.numbers: dict[str, Any] = {}
        self.grids: list[GridRun] = []
        self.headline_desc = ""
        self.proxy_table: pd.DataFrame | None = None


STUDY = LiquidityFlows()
