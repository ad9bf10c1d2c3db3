"""D2 — the two-factor style-timing backtest (Seed 003, 国联期货): 10.31% a year, Sharpe 0.68.

The article's rule ("以前第1个月和第2个月的环比数据作为择时信号 … 若相互矛盾, 则引入中国2年期
国债收益率 … 环比<0时, 择时中证1000指数, 否则择时沪深300指数 … 若两因子均无触发信号, 则空仓";
monthly closes, Jan 2010 → Jan 2025, no costs): a cross-border-capital factor signals CSI 300,
a global-liquidity factor signals CSI 1000, a conflict is resolved by the 2Y CGB yield's m/m
change, no signal means cash. The article does not say which series stand for the factors,
how the two months' changes combine, or what cash earns, so we declare a grid of faithful
readings (:data:`READINGS`):

* cross-border factor (favours CSI 300): the China−US 10Y spread rising (``spread``) or the
  CNY appreciating, USD/CNY falling (``cny``) — the two channels of the article's Fig. 3;
* global-liquidity factor (favours CSI 1000): the fed funds rate falling (``fed_funds``,
  monthly average), the Fed's balance sheet growing (``fed_assets``) or the US 10Y falling
  (``ust10y``);
* combine: both previous months' changes favourable (``both``) or their sum (``sum``);
* tie-break: the 2Y CGB's change in the latest month (``last``) or over the two months (``sum``);
* cash: earns nothing (``zero``) or SHIBOR 1W (``shibor``).

The factors are month-end levels read on the Shanghai clock (``build_panel``): a US close
dated d counts from d + 1, so the month-end signal, formed at the Shanghai close, sees the last
US close before it (the native, unaligned clock is kept as one robustness number). CSI 1000
before its launch (2014-10-17) is back-calculated; the article's 2010 start used it too, and
the headline and the data-snooping tests are repeated from the launch date.

Each reading is run with the article's timing (month-end signal, held the next month) and no
costs, then with one more month of lag (a publication lag for monthly data) and 10/20/30 bp a
side (:func:`econ.models.backtest.run_backtest`). Price indices, monthly closes (as the
article). The article's CAGR and Sharpe are compared with the headline reading's 95%
stationary-bootstrap intervals and with the distribution across readings; sub-periods; and a
data-snooping test (White's Reality Check and Hansen's SPA,
:func:`econ.models.backtest.data_snooping_test`) of all readings, lagged and after 20 bp,
against buy-and-hold CSI 300 and CSI 1000.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pandas as pd
from arch.bootstrap import StationaryBootstrap

from econ.data.loader import DataLoader
from econ.data.panel import build_panel
from econ.models.backtest import (
    BacktestResult,
    data_snooping_test,
    performance_metrics,
    run_backtest,
    run_backtest_costs,
)
from econ.models.rotation import two_factor_signals
from econ.study import Figure, PartResult, Study, StudyResult, Table
from studies._tables import (
    from_launch,
    from_launch_label,
    from_launch_numbers,
    labelled,
    marked,
    pair,
    with_launch_note,
)
from studies.declared import headline

SAMPLE = ("2010-01-01", "2025-01-31")
#: Cross-border factor readings: series id, favourable direction of its change.
CROSS_BORDER = {"spread": (("cn.rate.cgb10y", "us.rate.ust10y"), +1), "cny": (("cn.fx.usdcny",), -1)}
#: Global-liquidity factor readings.
LIQUIDITY = {"fed_funds": (("us.rate.fed_funds",), -1), "fed_assets": (("us.fed.total_assets",), +1),
             "ust10y": (("us.rate.ust10y",), -1)}
COMBINE = ("both", "sum")
TIE_RULE = ("last", "sum")
CASH = ("zero", "shibor")
READINGS = [dict(zip(("cross_border", "liquidity", "combine", "tie", "cash"), r, strict=True))
            for r in itertools.product(CROSS_BORDER, LIQUIDITY, COMBINE, TIE_RULE, CASH)]
LAGS = {"article timing": 1, "one-month publication lag": 2}
COSTS_BPS = (0.0, 10.0, 20.0, 30.0)
SNOOP_LAG, SNOOP_COST = 2, 20.0
#: First month of the factor panel: the signals need the two months before the sample plus slack.
FACTOR_START = "2009-01-01"
SUBPERIODS = (("2010-01", "2014-12"), ("2015-01", "2019-12"), ("2020-01", "2025-01"))
N_BOOT, BLOCK_MONTHS, SEED = 2000, 6, 20250101
ASSETS = {"CSI 300": "cn.index.csi300.close", "CSI 1000": "cn.index.csi1000.close"}
TIE = "cn.rate.cgb2y"
SHIBOR = "cn.rate.shibor_1w"


def reading_key(r: dict[str, str]) -> str:
    return "|".join(f"{k.replace('_', '-')}={v}" for k, v in r.items())


def _month_end(s: pd.Series) -> pd.Series:
    return s.resample("ME").last()


def _factors(loader: DataLoader, clock: str = "auto") -> tuple[dict[str, pd.Series], pd.Series]:
    """Month-end factor levels on the Shanghai clock, and the 2Y CGB tie-break.

    The panel mixes China and US series, so :func:`~econ.data.panel.build_panel` reads it on the
    Shanghai clock: a US close dated d counts from d + 1, and a month-end signal formed at the
    Shanghai close sees the last US close before it (not the one a few hours later). Release lags
    stay off: the article's timing reads each month's figure at its month end; the one-month
    publication-lag rows add the delay. ``clock="native"`` keeps every series' own dates (the
    pre-alignment design, for the robustness number that shows what the alignment changes).
    """
    ids = sorted({i for spec in (CROSS_BORDER, LIQUIDITY) for i_s, _ in spec.values() for i in i_s} | {TIE})
    panel = build_panel(loader, {i: i for i in ids}, freq="M", start=FACTOR_START, release_lags=False, clock=clock)
    factors = {name: panel[i_s[0]] - panel[i_s[1]] if len(i_s) == 2 else panel[i_s[0]]
               for name, (i_s, _fav) in {**CROSS_BORDER, **LIQUIDITY}.items()}
    return factors, panel[TIE]


def _signal(reading: dict[str, str], factors: dict[str, pd.Series], tie: pd.Series,
            months: pd.DatetimeIndex) -> pd.Series:
    """The month-end positions of one reading, from six months before ``months`` to its end."""
    span = pd.date_range(months[0] - pd.offsets.MonthEnd(6), months[-1], freq="ME")
    a = factors[reading["cross_border"]].reindex(span)
    b = factors[reading["liquidity"]].reindex(span)
    return two_factor_signals(a, CROSS_BORDER[reading["cross_border"]][1], b, LIQUIDITY[reading["liquidity"]][1],
                              tie.reindex(span), combine=reading["combine"], asset_a="CSI 300", asset_b="CSI 1000",
                              tie_below="CSI 1000", tie_else="CSI 300", tie_combine=reading["tie"])


def boot_stats(x: np.ndarray, risk_free: float, periods_per_year: float) -> np.ndarray:
    """``[100 × annual_return, sharpe]`` of :func:`performance_metrics` on returns ``x``, in numpy.

    The bootstrap's statistic, 2000 times: the same operations in the same order as
    ``performance_metrics(pd.Series(x), risk_free=risk_free, periods_per_year=...)`` (pandas'
    ``mean`` = sum / n, ``std`` = sqrt(sum((mean − x)²) / (n − 1))), without building Series.
    """
    r = np.asarray(x, dtype=float)
    if np.isnan(r).any():
        raise ValueError("returns contain missing values")
    n = len(r)
    if n < 2:
        raise ValueError("need at least two returns")
    ppy = float(periods_per_year)
    total = float(np.prod(1.0 + r) - 1.0)
    growth = 1.0 + total
    annual = growth ** (ppy / n) - 1.0 if growth > 0 else -1.0
    ex = r - float(risk_free)
    mean = ex.sum(dtype=np.float64) / n
    sd_ex = float(np.sqrt(((mean - ex) ** 2).sum(dtype=np.float64) / (n - 1)))
    sharpe = float(mean / sd_ex * np.sqrt(ppy)) if sd_ex > 0 else float("nan")
    return np.array([100 * float(annual), sharpe])


def boot_stats_reference(x: np.ndarray, risk_free: float | None, periods_per_year: float) -> np.ndarray:
    """The statistic :func:`boot_stats` replaced: through :func:`performance_metrics`."""
    m = performance_metrics(pd.Series(x), risk_free=risk_free, periods_per_year=periods_per_year)
    return np.array([100 * m["annual_return"], m["sharpe"]])


def _snoop_row(benchmark: str, ds) -> dict[str, object]:
    return {"Benchmark": benchmark, "Best reading": ds.best_strategy,
            "Best mean excess (% a month)": float(100 * ds.mean_excess.max()), "White RC p": float(ds.pvalue_upper),
            "Hansen SPA p": float(ds.pvalue_consistent), "Readings": ds.n_strategies, "Months": int(ds.n_obs)}


class TimingBacktestStudy(Study):
    """The article's two-factor timing rule under every faithful reading."""

    name = "timing_backtest"
    title = "The two-factor style-timing backtest (D2)"
    claims = ("D2",)
    parts = ("D2.cagr", "D2.sharpe", "D2.beats_csi300", "D2.beats_csi1000")
    series = (*ASSETS.values(), TIE, SHIBOR, "cn.rate.cgb10y", "us.rate.ust10y", "cn.fx.usdcny",
              "us.rate.fed_funds", "us.fed.total_assets")

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        px = pd.DataFrame({k: _month_end(loader.series(v)) for k, v in ASSETS.items()})
        rets = px.pct_change().loc[SAMPLE[0]:SAMPLE[1]].dropna()
        rf = (_month_end(loader.series(SHIBOR).resample("ME").mean()) / 1200).reindex(rets.index).ffill()
        factors, tie = _factors(loader)

        say("D2: backtests")
        runs: dict[tuple[str, str, float], BacktestResult] = {}
        signals = {}
        for r in READINGS:
            key = reading_key(r)
            sig = _signal(r, factors, tie, rets.index)
            signals[key] = sig
            cash_rf = rf if r["cash"] == "shibor" else 0.0
            for lag_label, lag in LAGS.items():
                # signals from ``lag`` months before the sample; the first position is the sample's first month
                s = sig.loc[rets.index[0] - pd.offsets.MonthEnd(lag):rets.index[-1]]
                frame = rets.reindex(s.index).fillna(0.0)  # pre-sample rows carry no position (skipped)
                risk_free = cash_rf if isinstance(cash_rf, float) else cash_rf.reindex(frame.index).fillna(0.0)
                for cost, bt in zip(COSTS_BPS, run_backtest_costs(frame, s, COSTS_BPS, lag=lag, risk_free=risk_free,
                                                                  periods_per_year=12), strict=True):
                    if bt.returns.index[0] != rets.index[0] or bt.n_periods != len(rets):
                        raise RuntimeError(f"{key}: the backtest does not cover the sample {SAMPLE}")
                    runs[(key, lag_label, cost)] = bt
        say("D2: the headline on the unaligned (native) clock")
        head = dict(zip(("cross_border", "liquidity", "combine", "tie", "cash"),
                        (kv.split("=")[1] for kv in headline("D2.cagr").split(",")[0].split("|")), strict=True))
        native = _signal(head, *_factors(loader, clock="native"), rets.index)
        s = native.loc[rets.index[0] - pd.offsets.MonthEnd(1):rets.index[-1]]
        native_bt = run_backtest(rets.reindex(s.index).fillna(0.0), s, lag=1, cost_bps=0.0,
                                 risk_free=0.0 if head["cash"] == "zero" else rf.reindex(s.index).fillna(0.0),
                                 periods_per_year=12)
        say("D2: tables")
        result = self._assemble(loader, rets, rf, runs, signals)
        result.numbers.update({"D2_cagr_native_clock": 100 * native_bt.annual_return,
                               "D2_sharpe_native_clock": native_bt.sharpe})
        return result

    # ------------------------------------------------------------------------------------
    def _assemble(self, loader: DataLoader, rets: pd.DataFrame, rf: pd.Series,
                  runs: dict[tuple[str, str, float], BacktestResult], signals: dict[str, pd.Series]) -> StudyResult:
        numbers: dict[str, object] = {}
        parts: list[PartResult] = []
        rows = []
        for (key, lag_label, cost), bt in runs.items():
            rows.append({"Reading": key, "Timing": lag_label, "Cost (bp)": int(cost), "CAGR (%)": 100 * bt.annual_return,
                         "Sharpe": bt.sharpe, "Max DD (%)": 100 * bt.max_drawdown,
                         "In CSI 300 (%)": 100 * float((bt.positions["CSI 300"] > 0).mean()),
                         "In CSI 1000 (%)": 100 * float((bt.positions["CSI 1000"] > 0).mean()),
                         "Months": bt.n_periods})
        grid = pd.DataFrame(rows)
        head_key = headline("D2.cagr").split(",")[0]
        head = runs[(head_key, "article timing", 0.0)]
        art = grid[(grid["Timing"] == "article timing") & (grid["Cost (bp)"] == 0.0)]

        # the headline reading's bootstrap intervals
        cash_rf = rf.reindex(head.returns.index).fillna(0.0) if "cash=shibor" in head_key else 0.0
        boot = StationaryBootstrap(BLOCK_MONTHS, head.returns.to_numpy(), seed=SEED)

        rf_boot = cash_rf if isinstance(cash_rf, float) else 0.0  # performance_metrics' risk_free=None is 0
        draws = boot.apply(lambda x: boot_stats(x, rf_boot, 12.0), N_BOOT)
        lo, hi = np.nanpercentile(draws, [2.5, 97.5], axis=0)
        for part_name, col, i, est in (("cagr", "CAGR (%)", 0, 100 * head.annual_return),
                                       ("sharpe", "Sharpe", 1, head.sharpe)):
            parts.append(PartResult(claim="D2", part=part_name, estimate=float(est), ci=(float(lo[i]), float(hi[i])),
                                    n=head.n_periods, proxy="CSI 300 / CSI 1000 price indices",
                                    test=f"stationary bootstrap ({BLOCK_MONTHS}-month mean blocks, {N_BOOT} draws)",
                                    detail=f"headline reading {head_key}; across {len(art)} readings {col} "
                                           f"{art[col].min():.2f} to {art[col].max():.2f} (median {art[col].median():.2f})"))
            numbers.update({f"D2_{part_name}": float(est), f"D2_{part_name}_lo": float(lo[i]),
                            f"D2_{part_name}_hi": float(hi[i]), f"D2_{part_name}_min": float(art[col].min()),
                            f"D2_{part_name}_max": float(art[col].max()),
                            f"D2_{part_name}_median": float(art[col].median())})
        # CSI 1000 before 2014-10-17 is back-calculated (the article's 2010 start used it too): the headline's
        # months whose returns start from a live close, as a robustness row
        csi1000 = pair("CSI 1000", ASSETS["CSI 1000"], ASSETS["CSI 300"])
        first_close = rets.index[0] - pd.offsets.MonthEnd(1)
        live = from_launch(csi1000, first_close, lambda d: rets.index[(rets.index - pd.offsets.MonthEnd(1)) >= d])
        sample_span = f"{rets.index[0]:%Y-%m} to {rets.index[-1]:%Y-%m}"
        if live is not None:
            m = performance_metrics(head.returns.loc[live], risk_free=cash_rf if isinstance(cash_rf, float) else
                                    cash_rf.loc[live], periods_per_year=12)
            numbers.update(from_launch_numbers({"D2_cagr": 100 * m["annual_return"], "D2_sharpe": m["sharpe"],
                                                "D2_months": len(live)}))
        numbers["D2_readings"] = len(art)
        numbers["D2_in_csi300"] = 100 * float((head.positions["CSI 300"] > 0).mean())
        numbers["D2_in_csi1000"] = 100 * float((head.positions["CSI 1000"] > 0).mean())
        numbers["D2_months"] = head.n_periods
        for lag_label in LAGS:
            for cost in COSTS_BPS:
                sel = grid[(grid["Timing"] == lag_label) & (grid["Cost (bp)"] == cost)]
                tag = f"{'art' if lag_label == 'article timing' else 'lag'}_{int(cost)}"
                numbers[f"D2_median_cagr_{tag}"] = float(sel["CAGR (%)"].median())
                numbers[f"D2_median_sharpe_{tag}"] = float(sel["Sharpe"].median())

        # buy-and-hold
        bh_rows = []
        for a in rets.columns:
            r = rets[a].loc[head.returns.index]
            m = performance_metrics(r, periods_per_year=12)
            bh_rows.append({"Strategy": f"buy and hold {a}", "CAGR (%)": 100 * m["annual_return"], "Sharpe": m["sharpe"],
                            "Max DD (%)": 100 * m["max_drawdown"], "Months": len(r)})
            numbers[f"D2_bh_{a.replace(' ', '')}_cagr"] = 100 * m["annual_return"]
            numbers[f"D2_bh_{a.replace(' ', '')}_sharpe"] = m["sharpe"]

        # sub-periods of the headline reading, and its months from CSI 1000's launch
        strategies = (("rule (headline)", head.returns), *((f"buy and hold {a}", rets[a]) for a in rets.columns))
        periods = [(marked(f"{s} to {e}", csi1000, pd.Timestamp(s) - pd.offsets.MonthEnd(1)), slice(s, e))
                   for s, e in SUBPERIODS]
        if live is not None:
            periods.append((f"{from_launch_label(sample_span, csi1000, first_close)} ({live[0]:%Y-%m} to "
                            f"{live[-1]:%Y-%m})", live))
        sub_rows = []
        for period, sel in periods:
            for label, r in strategies:
                rr = r.loc[sel]
                m = performance_metrics(rr, periods_per_year=12)
                sub_rows.append({"Period": period, "Strategy": label, "CAGR (%)": 100 * m["annual_return"],
                                 "Sharpe": m["sharpe"], "Months": len(rr)})
        by_period = pd.DataFrame(sub_rows).iloc[:len(SUBPERIODS) * len(strategies)].groupby("Period", sort=False)
        numbers["D2_subperiods"] = len(SUBPERIODS)
        numbers["D2_subperiods_rule_beats_both"] = int(sum(
            g["CAGR (%)"].iloc[0] > g["CAGR (%)"].iloc[1:].max() for _, g in by_period))

        # data snooping: all readings, publication lag, 20 bp
        strat = pd.DataFrame({k: runs[(k, "one-month publication lag", SNOOP_COST)].returns
                              for k in (reading_key(r) for r in READINGS)}).dropna()
        snoop_rows = []
        for part_name, a in (("beats_csi300", "CSI 300"), ("beats_csi1000", "CSI 1000")):
            bench = rets[a].reindex(strat.index)
            ds = data_snooping_test(bench, strat, reps=N_BOOT, seed=SEED)
            best = float(100 * ds.mean_excess.max())
            parts.append(PartResult(claim="D2", part=part_name, estimate=best, pvalue=float(ds.pvalue_consistent),
                                    n=int(ds.n_obs), proxy=f"buy-and-hold {a}",
                                    test="Hansen SPA (consistent p), stationary bootstrap",
                                    detail=f"best reading {ds.best_strategy}; White RC p {ds.pvalue_upper:.3f}; "
                                           f"{ds.n_strategies} readings"))
            numbers.update({f"D2_{part_name}_best": best, f"D2_{part_name}_spa_p": float(ds.pvalue_consistent),
                            f"D2_{part_name}_rc_p": float(ds.pvalue_upper)})
            snoop_rows.append(_snoop_row(marked(f"buy and hold {a}", csi1000, strat.index[0] - pd.offsets.MonthEnd(1)),
                                         ds))
            if live is not None:
                months = strat.index.intersection(live)
                ds = data_snooping_test(bench.loc[months], strat.loc[months], reps=N_BOOT, seed=SEED)
                snoop_rows.append(_snoop_row(from_launch_label(f"buy and hold {a}", csi1000, first_close), ds))
                numbers.update(from_launch_numbers({f"D2_{part_name}_best": float(100 * ds.mean_excess.max()),
                                                    f"D2_{part_name}_spa_p": float(ds.pvalue_consistent),
                                                    f"D2_{part_name}_rc_p": float(ds.pvalue_upper)}))

        summary = (grid.groupby(["Timing", "Cost (bp)"])
                   .agg(**{"Readings": ("CAGR (%)", "size"), "CAGR min": ("CAGR (%)", "min"),
                           "CAGR median": ("CAGR (%)", "median"), "CAGR max": ("CAGR (%)", "max"),
                           "Sharpe min": ("Sharpe", "min"), "Sharpe median": ("Sharpe", "median"),
                           "Sharpe max": ("Sharpe", "max")}).reset_index())
        sample = marked(f"monthly returns {head.returns.index[0]:%Y-%m} to {head.returns.index[-1]:%Y-%m}", csi1000,
                        first_close)
        tables = [
            Table(name="d2_summary", caption="The timing rule across faithful readings: CAGR and Sharpe (D2; the article: "
                  "10.31% and 0.68 before costs)", frame=labelled(summary, 2), digits={"Readings": 0, "Cost (bp)": 0},
                  notes=[f"{len(READINGS)} readings: cross-border factor (spread, CNY) × global-liquidity factor (fed "
                         "funds, Fed assets, US 10Y) × combination of the two previous months' m/m changes (both, sum) × "
                         "2Y CGB tie-break (latest month's change, two-month change) × cash rate (zero, SHIBOR 1W). Article timing: the month-end signal is held the next month; "
                         "publication lag: one month later. Costs per side, per unit of turnover."], sample=sample),
            Table(name="d2_readings", caption="Every faithful reading, article timing, before costs (D2)",
                  frame=labelled(grid[(grid["Timing"] == "article timing") & (grid["Cost (bp)"] == 0.0)]
                                 .drop(columns=["Timing", "Cost (bp)"])), digits={"Months": 0}, sample=sample),
            Table(name="d2_benchmarks", caption="Buy-and-hold benchmarks and sub-periods of the headline reading (D2)",
                  frame=pd.concat([pd.DataFrame(bh_rows).assign(Period=marked("full", csi1000, first_close)), pd.DataFrame(sub_rows)], ignore_index=True)
                  [["Period", "Strategy", "CAGR (%)", "Sharpe", "Max DD (%)", "Months"]].pipe(labelled, 2), digits={"Months": 0},
                  notes=[f"Headline reading: {head_key}, article timing, no costs. 'From launch': the same monthly "
                         "returns from the first month that starts at a published CSI 1000 close."], sample=sample),
            Table(name="d2_snooping", caption="Data-snooping tests: does any faithful reading beat buy-and-hold? (D2)",
                  frame=labelled(pd.DataFrame(snoop_rows)), digits={"Best mean excess (% a month)": 3, "White RC p": 3,
                                                          "Hansen SPA p": 3, "Readings": 0, "Months": 0},
                  notes=[f"All {len(READINGS)} readings with a one-month publication lag and {SNOOP_COST:g} bp costs; "
                         f"stationary bootstrap, {N_BOOT} draws. White's Reality Check keeps every reading; Hansen's SPA "
                         "drops readings clearly worse than the benchmark. 'From launch': the same test on the months "
                         "that start at a published CSI 1000 close."], sample=sample),
        ]
        eq = pd.DataFrame({"rule (headline)": head.equity,
                           **{f"buy and hold {a}": (1 + rets[a].loc[head.returns.index]).cumprod() for a in rets.columns}})
        figures = [Figure(name="d2_equity", title="The timing rule (headline reading) and buy-and-hold", data=eq,
                          ylabel="growth of 1", logy=True)]
        return StudyResult(study=self.name, title=self.title, parts=parts, tables=[with_launch_note(t) for t in tables],
                           figures=figures,
                           numbers=numbers, headline_proxy="CSI 300 / CSI 1000", data_ids=list(self.series),
                           synthetic=self.is_synthetic(loader))


STUDY = TimingBacktestStudy()
