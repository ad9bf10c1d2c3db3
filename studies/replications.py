"""C1, C3, C19, E4, A5 — the articles' own return, volatility and level numbers, replicated.

The articles quote numbers computed from index closes; a replication has to find the
*convention* (which start close, which end close, which day count) under which our number is
theirs, state it, and apply it to the whole table (never tuned per row). Everything here
uses :mod:`econ.models.returns` and one convention per table:

* **C1** (Seed 002: annualised returns 20210308 → 20240331). Convention R1: from the close
  of the last trading day *before* the start date to the last close on or before the end
  date, simple price return, annualised ``(1 + R) ** (250 / N) − 1`` with ``N`` the number of
  one-day returns (Wind's interval statistics count 250 trading days a year). Rows the vault
  cannot serve (Wind small-cap 200, the smallest-cap index, dividend low-vol, ChiNext after
  2022-07) say so; CSI 500 / 1000 / 2000 stand beside them.
* **C19** (Seed 002: returns 20110101 → 20130101). Convention R1 without annualising.
  Shenwan large 801811 exists in the vault only from 2015: the part reports the data as missing.
* **C3** (Seed 002: Shenwan small minus large annualised volatility and turnover over 3 / 5 /
  10 years to 20240301). Convention V1: one-day simple returns dated after the same calendar
  day N years before 2024-03-01 through 2024-03-01, sd (ddof 1) × √250; turnover = the sum of
  the daily turnover rates (% of float) over the window divided by N years. The 10-year
  window needs Shenwan large before 2015 (absent): we show the gap over the 9.2 years the
  data reach, marked as such. "Far higher turnover" is also tested as a direction: the mean
  daily turnover gap over 3 years, HAC t-test (NW 1994 bandwidth).
* **E4** (Seed 004: the SSE Composite rose from 2638 (2016) to hold 3300 and touch 3400,
  written in November 2017). The 2016 low under both readings (lowest close, lowest
  intraday low) and the 2017 high up to 2017-11-30 (the article's "touch").
* **A5** (Seed 000: CSI 300 grows about 5.5% a year). Long-run growth from the first close
  to the article's date (2023-09-30): the log-linear trend of the price index (OLS slope of
  log close on time in years; CI from the block bootstrap of the returns, path rebuilt) and the CAGR of the total-return index H00300 (block-
  bootstrap CI of the annualised mean of one-day log returns). The article gives no window
  or definition, so no tolerance: the 95% interval decides.

Inference: a stationary block bootstrap (Politis–Romano; optimal mean block length) of the
one-day returns gives a 95% interval for every replicated number (it shows how much such a
number moves with the path, not a test of the convention), and every window number is
recomputed with its start and end moved by ±1 and ±5 trading days.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.data.panels import panel_vault, sse_composite_bars
from econ.models.regression import ols_hac
from econ.models.returns import (
    BootstrapCI,
    WindowReturn,
    annualised_return_stat,
    block_bootstrap_ci,
    start_end_sensitivity,
    window_return,
    window_returns,
)
from econ.study import PartResult, Study, StudyResult, Table
from studies._tables import Sections, marked, pair
from studies.declared import part

N_BOOT = 999
SEED = 20240331
SHIFTS = (-5, -1, 0, 1, 5)
PPY = 250.0  # trading days a year in conventions R1 / V1

CONVENTION_R1 = ("close of the last trading day before the start date to the last close on or before the end "
                 "date; simple price return; annualised (1+R)^(250/N)−1, N = one-day returns")


@dataclasses.dataclass(frozen=True)
class Row:
    """A row of an article's table: its part in the registry (if any) and our series."""

    label: str
    series: str | None
    part: str = ""  # "<claim>.<part>" when the article gives a number for it
    needs: str = ""  # what would serve the row when the vault cannot


C1_WINDOW = ("2021-03-08", "2024-03-31")
C1_ROWS: tuple[Row, ...] = (
    Row("Wind micro-cap 8841431", "cn.index.microcap.close", "C1.microcap"),
    Row("Wind small-cap 200", None, "C1.smallcap200", "Wind small-cap 200 index closes (not public)"),
    Row("Smallest-cap index", None, "C1.smallest_cap", "Wind smallest-cap index closes (not public)"),
    Row("Dividend low-vol", None, "C1.dividend_lowvol", "CSI dividend low-vol index closes"),
    Row("SSE Composite", "cn.index.sse.close", "C1.sse"),
    Row("CSI 300", "cn.index.csi300.close", "C1.csi300"),
    Row("ChiNext 399006", "cn.index.chinext.close", "C1.chinext", "ChiNext closes after 2022-07-29"),
    Row("CSI 500", "cn.index.csi500.close"),
    Row("CSI 1000", "cn.index.csi1000.close"),
    Row("CSI 2000", "cn.index.csi2000.close"),
)

C19_WINDOW = ("2011-01-01", "2013-01-01")
C19_ROWS: tuple[Row, ...] = (
    Row("Shenwan small 801813", "cn.index.sw_small.close", "C19.sw_small"),
    Row("Shenwan large 801811", "cn.index.sw_large.close", "C19.sw_large", "Shenwan large 801811 closes before 2015"),
    Row("ChiNext 399006", "cn.index.chinext.close", "C19.chinext"),
    Row("SSE Composite", "cn.index.sse.close", "C19.sse"),
    Row("CSI 300", "cn.index.csi300.close"),
    Row("CSI 500", "cn.index.csi500.close"),
    Row("CSI 1000", "cn.index.csi1000.close"),
)

C3_END = "2024-03-01"
C3_YEARS = (3, 5, 10)
C3_SMALL, C3_LARGE = "cn.index.sw_small.close", "cn.index.sw_large.close"
C3_SMALL_TURN, C3_LARGE_TURN = "cn.index.sw_small.turnover", "cn.index.sw_large.turnover"

E4_LOW_YEAR = "2016"
E4_HIGH_WINDOW = ("2017-01-01", "2017-11-30")  # the article quotes returns "to November" 2017
SSE_FILE_ID = "cn.index.sse.close"

A5_END = "2023-09-30"
A5_PRICE, A5_TR = "cn.index.csi300.close", "cn.index_tr.csi300.close"
A5_START_YEARS = (2008, 2010, 2013, 2016, 2019)  # start-date sensitivity of the price CAGR


# ----------------------------------------------------------------------------- helpers
def _series(loader: DataLoader, sid: str | None) -> tuple[pd.Series | None, str]:
    if sid is None:
        return None, "no public series"
    try:
        return loader.series(sid), ""
    except DataError as exc:
        return None, str(exc).splitlines()[0]


def _boot_window(prices: pd.Series, start: str, end: str, annualised: bool) -> BootstrapCI:
    r = window_returns(prices, start, end).to_numpy()
    if annualised:
        stat: Callable[[np.ndarray], float] = annualised_return_stat(PPY)
    else:
        def stat(a: np.ndarray) -> float:
            return float(np.expm1(np.sum(np.log1p(np.asarray(a).ravel()))))
    return block_bootstrap_ci(r, lambda a: 100.0 * stat(a), n_boot=N_BOOT, seed=SEED)


def _to_data_end(prices: pd.Series | None, start: str, end: str) -> WindowReturn | None:
    """The window return up to the series' last close when the series stops inside the window."""
    if prices is None or prices.index[-1] >= pd.Timestamp(end) or prices.index[-1] <= pd.Timestamp(start):
        return None
    try:
        return window_return(prices, start, prices.index[-1], periods_per_year=PPY)
    except ValueError:
        return None


def _shown(row: Row, start: str) -> str:
    """The row's label, marked when its window starts before the index's launch (back-calculated history)."""
    return marked(row.label, pair(row.label, row.series), start) if row.series else row.label


def _window_table(loader: DataLoader, rows: tuple[Row, ...], window: tuple[str, str], *, annualised: bool,
                  claim: str) -> tuple[list[PartResult], pd.DataFrame, pd.DataFrame]:
    """Replicate one article table under convention R1; parts, the table and the sensitivity rows."""
    start, end = window
    parts, table, sens = [], [], []
    what = "annualised" if annualised else "cumulative"
    for row in rows:
        shown = _shown(row, start)
        spec = part(row.part) if row.part else None
        article = spec.value if spec else float("nan")
        prices, why = _series(loader, row.series)
        res = None
        if prices is not None:
            try:
                res = window_return(prices, start, end, periods_per_year=PPY)
            except ValueError as exc:
                why = str(exc)
        if res is None:
            table.append({"Index": shown, "Article (%)": article, "Ours (%)": float("nan"), "95% CI": "",
                          "Start close": "", "End close": "", "N": np.nan,
                          "Note": f"not in the vault: {row.needs or why}"})
            partial = _to_data_end(prices, start, end)
            if partial is not None:  # the series stops inside the window: shown to where the data reach
                table.append({"Index": f"{shown}, to {partial.end.date()} (data end)", "Article (%)": float("nan"),
                              "Ours (%)": 100.0 * (partial.annualised if annualised else partial.total), "95% CI": "",
                              "Start close": f"{partial.start.date()} ({partial.start_close:.2f})",
                              "End close": f"{partial.end.date()} ({partial.end_close:.2f})", "N": partial.n_returns,
                              "Note": "shorter window: not compared with the article"})
            if row.part:
                parts.append(PartResult(claim=claim, part=spec.name, missing=row.needs or why, proxy=row.label))
            continue
        ours = 100.0 * (res.annualised if annualised else res.total)
        boot = _boot_window(prices, start, end, annualised)

        def stat(p: pd.Series, a: pd.Timestamp, b: pd.Timestamp) -> float:
            w = window_return(p, a, b, periods_per_year=PPY)
            return 100.0 * (w.annualised if annualised else w.total)

        sv = start_end_sensitivity(prices, start, end, stat, shifts=SHIFTS)
        sv.insert(0, "Index", shown)
        sens.append(sv)
        table.append({"Index": shown, "Article (%)": article, "Ours (%)": ours,
                      "95% CI": f"[{boot.low:.2f}, {boot.high:.2f}]",
                      "Start close": f"{res.start.date()} ({res.start_close:.2f})",
                      "End close": f"{res.end.date()} ({res.end_close:.2f})", "N": res.n_returns,
                      "Note": f"±5-day range {sv['value'].min():.2f} to {sv['value'].max():.2f}"})
        if row.part:
            parts.append(PartResult(
                claim=claim, part=spec.name, estimate=ours, ci=boot.ci, se=boot.se, n=res.n_returns, proxy=row.label,
                test=f"{what} return under convention R1; stationary block bootstrap (mean block {boot.block:.1f} days)",
                detail=(f"{res.start.date()} close {res.start_close:.2f} to {res.end.date()} close {res.end_close:.2f}, "
                        f"N = {res.n_returns}; start/end ±5 trading days: {sv['value'].min():.2f} to "
                        f"{sv['value'].max():.2f}")))
    return parts, pd.DataFrame(table), pd.concat(sens, ignore_index=True) if sens else pd.DataFrame()


def _alternative_conventions(loader: DataLoader, rows: tuple[Row, ...], window: tuple[str, str]) -> pd.DataFrame:
    """The article's rows under R1 and the other start-close / day-count conventions (shown, not chosen)."""
    start, end = window
    out = []
    for row in rows:
        if not row.part:
            continue
        prices, _ = _series(loader, row.series)
        if prices is None:
            continue
        try:
            r = {"Index": _shown(row, start), "Article (%)": part(row.part).value,
                 "R1": 100 * window_return(prices, start, end, periods_per_year=PPY).annualised,
                 "close on start, 250 days": 100 * window_return(prices, start, end, start_rule="close_on",
                                                                 periods_per_year=PPY).annualised,
                 "close before, 365 calendar days": 100 * window_return(prices, start, end,
                                                                        periods_per_year=None).annualised,
                 "close on start, 365 calendar days": 100 * window_return(prices, start, end, start_rule="close_on",
                                                                          periods_per_year=None).annualised}
        except ValueError:
            continue
        out.append(r)
    return pd.DataFrame(out)


# ----------------------------------------------------------------------------- C3
def _vol_gap_range(small: pd.Series, large: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """Range of the volatility gap (pct) when the window's start and end move by up to ±5 trading days."""
    pair = pd.concat([small, large], axis=1, join="inner").dropna()
    ret = pair.pct_change().iloc[1:]

    def gap(_p: pd.Series, a: pd.Timestamp, b: pd.Timestamp) -> float:  # returns dated a..b
        r = ret[(ret.index >= a) & (ret.index <= b)]
        return 100.0 * math.sqrt(PPY) * float(r.iloc[:, 0].std(ddof=1) - r.iloc[:, 1].std(ddof=1))

    first = ret.index[ret.index.searchsorted(start, side="right")]  # first return date of the window
    sv = start_end_sensitivity(pair.iloc[:, 0], first, end, gap, shifts=SHIFTS)  # closes give the trading days
    return f"{sv['value'].min():.2f} to {sv['value'].max():.2f}"


def _c3(loader: DataLoader) -> tuple[list[PartResult], Table, dict[str, float]]:
    small, why_s = _series(loader, C3_SMALL)
    large, why_l = _series(loader, C3_LARGE)
    ts, _ = _series(loader, C3_SMALL_TURN)
    tl, _ = _series(loader, C3_LARGE_TURN)
    parts: list[PartResult] = []
    rows, numbers = [], {}
    end = pd.Timestamp(C3_END)
    if small is None or large is None or ts is None or tl is None:
        why = why_s or why_l or "turnover rates missing"
        for name in ("vol_gap_3y", "vol_gap_5y", "vol_gap_10y", "turnover_gap_3y", "turnover_gap_5y", "turnover_gap"):
            parts.append(PartResult(claim="C3", part=name, missing=why))
        return parts, Table(name="c3_profile", caption="Shenwan small minus large", frame=pd.DataFrame(), sample=why), {}
    for years in C3_YEARS:
        start = end - pd.DateOffset(years=years)
        reach = max(start, large.index[0] - pd.Timedelta(days=1))
        r = pd.concat([window_returns(small, reach, end, start_rule="close_on"),
                       window_returns(large, reach, end, start_rule="close_on")], axis=1, join="inner").dropna()
        r = r[r.index > reach]
        gap = lambda a: 100.0 * math.sqrt(PPY) * (np.std(a[:, 0], ddof=1) - np.std(a[:, 1], ddof=1))  # noqa: E731
        boot = block_bootstrap_ci(r.to_numpy(), gap, n_boot=N_BOOT, seed=SEED)
        t = pd.concat([ts, tl], axis=1, join="inner").dropna()
        t = t[(t.index > reach) & (t.index <= end)]
        span = (t.index[-1] - reach).days / 365.25 if reach > start else float(years)
        turn_gap = (t.iloc[:, 0].sum() - t.iloc[:, 1].sum()) / span
        complete = reach <= start
        vol_key, turn_key = f"vol_gap_{years}y", f"turnover_gap_{years}y"
        vspec = part(f"C3.{vol_key}")
        tspec_value = part(f"C3.{turn_key}").value
        rows.append({"Window": f"{years} years to {C3_END}" + ("" if complete else f" (data from {r.index[0].date()})"),
                     "Vol gap, article (pct)": vspec.value, "Vol gap, ours (pct)": boot.estimate,
                     "Vol 95% CI": f"[{boot.low:.2f}, {boot.high:.2f}]",
                     "Turnover gap, article (pct/yr)": tspec_value, "Turnover gap, ours (pct/yr)": turn_gap,
                     "Vol gap, start/end ±5 days": _vol_gap_range(small, large, reach, end),
                     "N": len(r)})
        numbers[f"C3_vol_gap_{years}y"] = boot.estimate
        numbers[f"C3_years_{years}y"] = float(span)
        numbers[f"C3_turnover_gap_{years}y"] = float(turn_gap)
        numbers[f"C3_turnover_gap_{years}y_txt"] = f"{turn_gap:.2f}"
        detail = f"{len(r)} daily returns {r.index[0].date()} to {r.index[-1].date()}"
        if complete:
            parts.append(PartResult(claim="C3", part=vol_key, estimate=boot.estimate, ci=boot.ci, se=boot.se, n=len(r),
                                    proxy="SW small 801813 − SW large 801811",
                                    test="convention V1; stationary block bootstrap of the paired daily returns",
                                    detail=detail))
        else:
            parts.append(PartResult(claim="C3", part=vol_key, n=len(r), estimate=boot.estimate,
                                    missing=f"Shenwan large 801811 before {large.index[0].date()} "
                                            f"(the data reach {span:.1f} of {years} years: gap {boot.estimate:.2f})"))
        if complete:
            parts.append(PartResult(claim="C3", part=turn_key, estimate=float(turn_gap), n=len(t),
                                    proxy="SW small 801813 − SW large 801811",
                                    test="convention V1 (sum of daily turnover rates / years)", detail=detail))
        else:
            parts.append(PartResult(claim="C3", part=turn_key, estimate=float(turn_gap), n=len(t),
                                    missing=f"Shenwan large 801811 turnover before {large.index[0].date()} "
                                            f"(over the {span:.1f} years the data reach: {turn_gap:.2f})"))
    # direction: the daily turnover gap over 3 years, HAC t-test of its mean
    start3 = end - pd.DateOffset(years=3)
    d = (ts - tl).dropna()
    d = d[(d.index > start3) & (d.index <= end)]
    fit = ols_hac(d.rename("gap"), pd.Series(1.0, index=d.index, name="const"), add_const=False)
    est, se = float(fit.params["const"]) * PPY, float(fit.bse["const"]) * PPY
    parts.append(PartResult(claim="C3", part="turnover_gap", estimate=est, se=se,
                            ci=(est - 1.96 * se, est + 1.96 * se), pvalue=float(fit.pvalues["const"]), n=len(d),
                            proxy="SW small 801813 − SW large 801811",
                            test=f"mean daily turnover gap × 250, HAC ({fit.bandwidth_description})",
                            detail=f"{len(d)} days {d.index[0].date()} to {d.index[-1].date()}"))
    numbers["C3_turnover_gap_t"] = float(fit.tvalues["const"])
    frame = pd.DataFrame(rows)
    table = Table(name="c3_profile",
                  caption="Shenwan small minus Shenwan large: annualised volatility and turnover gaps to 2024-03-01",
                  frame=frame, digits={"N": 0},
                  notes=["Convention V1: one-day simple returns dated after the same calendar day N years before "
                         "2024-03-01, sd (ddof 1) × sqrt(250); turnover = sum of daily turnover rates (% of float) / N "
                         "years. Small minus large.",
                         "95% CI: stationary block bootstrap of the paired daily returns (999 draws).",
                         "Shenwan large 801811 starts 2015-01-05 in the vault: the 10-year row covers only the "
                         "years the data reach and is not compared with the article's number."])
    return parts, table, numbers


# ----------------------------------------------------------------------------- E4
def _e4(loader: DataLoader) -> tuple[list[PartResult], Table, dict[str, float]]:
    close, why = _series(loader, SSE_FILE_ID)
    try:
        raw = sse_composite_bars(panel_vault(loader.settings)).frame  # intraday highs and lows: the panel reader
    except DataError as exc:
        why = why or str(exc).splitlines()[0]
        raw = None
    if close is None or raw is None:
        return ([PartResult(claim="E4", part=n, missing=why) for n in ("low_2016", "high_2017")],
                Table(name="e4_sse_levels", caption="SSE Composite", frame=pd.DataFrame(), sample=why), {})
    y16 = raw.loc[E4_LOW_YEAR]
    h17 = raw.loc[E4_HIGH_WINDOW[0]:E4_HIGH_WINDOW[1]]
    low_spec, high_spec = part("E4.low_2016"), part("E4.high_2017")
    rows = [
        {"Level": "2016 low: lowest intraday low", "Article": low_spec.value, "Ours": float(y16["low"].min()),
         "Date": str(y16["low"].idxmin().date())},
        {"Level": "2016 low: lowest close", "Article": low_spec.value, "Ours": float(y16["close"].min()),
         "Date": str(y16["close"].idxmin().date())},
        {"Level": "2017 high to 30 Nov: highest intraday high", "Article": high_spec.value,
         "Ours": float(h17["high"].max()), "Date": str(h17["high"].idxmax().date())},
        {"Level": "2017 high to 30 Nov: highest close", "Article": high_spec.value, "Ours": float(h17["close"].max()),
         "Date": str(h17["close"].idxmax().date())},
        {"Level": "Closes ≥ 3300, Jul–Nov 2017 (share)", "Article": float("nan"),
         "Ours": float((h17.loc["2017-07":, "close"] >= 3300).mean()), "Date": ""},
    ]
    parts = [
        PartResult(claim="E4", part="low_2016", estimate=float(y16["low"].min()), n=len(y16),
                   date=str(y16["low"].idxmin().date()), proxy="SSE Composite 000001",
                   test="lowest daily low of 2016",
                   detail=f"lowest close {y16['close'].min():.2f} on {y16['close'].idxmin().date()}"),
        PartResult(claim="E4", part="high_2017", estimate=float(h17["high"].max()), n=len(h17),
                   date=str(h17["high"].idxmax().date()), proxy="SSE Composite 000001",
                   test="highest daily high, 2017-01-01 to 2017-11-30",
                   detail=f"highest close {h17['close'].max():.2f} on {h17['close'].idxmax().date()}"),
    ]
    table = Table(name="e4_sse_levels", caption="SSE Composite: the 2016 low and the 2017 high beside the article's",
                  frame=pd.DataFrame(rows), digits=2,
                  sample=f"daily, 2016-01-04 to {E4_HIGH_WINDOW[1]}, N = {len(y16) + len(h17)} trading days",
                  notes=["Daily high, low and close of the SSE Composite (000001) from the vault file."])
    numbers = {"E4_low_2016_intraday_txt": f"{y16['low'].min():.2f}", "E4_high_2017_txt": f"{h17['high'].max():.2f}",
               "E4_low_2016_close_txt": f"{y16['close'].min():.2f}",
               "E4_low_2016_intraday": float(y16["low"].min()), "E4_low_2016_close": float(y16["close"].min()),
               "E4_high_2017": float(h17["high"].max()), "E4_high_2017_close": float(h17["close"].max())}
    return parts, table, numbers


# ----------------------------------------------------------------------------- A5
def _a5(loader: DataLoader) -> tuple[list[PartResult], Table, dict[str, float]]:
    price, why_p = _series(loader, A5_PRICE)
    tr, why_t = _series(loader, A5_TR)
    parts, rows, numbers = [], [], {}
    if price is None:
        parts.append(PartResult(claim="A5", part="trend_growth", missing=why_p))
    else:
        p = price[:A5_END]
        years = np.asarray((p.index - p.index[0]).days / 365.25, dtype=float)
        xc = years - years.mean()

        def slope(r: np.ndarray) -> float:  # trend slope of the log path rebuilt from one-day log returns
            path = np.concatenate([[0.0], np.cumsum(np.asarray(r).ravel())])
            return float(xc @ (path - path.mean()) / (xc @ xc))

        logret = np.diff(np.log(p.to_numpy()))
        boot = block_bootstrap_ci(logret, slope, n_boot=N_BOOT, seed=SEED)
        b, lo, hi = boot.estimate, boot.low, boot.high
        g = lambda v: 100.0 * math.expm1(v)  # noqa: E731
        parts.append(PartResult(claim="A5", part="trend_growth", estimate=g(b), ci=(g(lo), g(hi)), se=None,
                                n=len(p), proxy="CSI 300 000300 (price)",
                                test="OLS slope of log close on years; CI: stationary block bootstrap of the one-day "
                                     "log returns, path rebuilt and slope refitted",
                                detail=f"daily closes {p.index[0].date()} to {p.index[-1].date()}"))
        rows.append({"Measure": "Log-linear trend, price index", "Article (%/yr)": part("A5.trend_growth").value,
                     "Ours (%/yr)": g(b), "95% CI": f"[{g(lo):.2f}, {g(hi):.2f}]",
                     "Window": f"{p.index[0].date()} to {p.index[-1].date()}", "N": len(p)})
        numbers["A5_trend_growth"] = g(b)
        numbers["A5_trend_ci_width"] = g(hi) - g(lo)
    for sid, label, key, why in ((A5_TR, "CAGR, total-return index H00300", "A5.cagr_total_return", why_t),
                                 (A5_PRICE, "CAGR, price index 000300", "A5.cagr_price", why_p)):
        s = tr if sid == A5_TR else price
        name = key.split(".")[1]
        if s is None:
            parts.append(PartResult(claim="A5", part=name, missing=why))
            continue
        s = s[:A5_END]
        w = window_return(s, s.index[1], s.index[-1], periods_per_year=None)  # first to last close, calendar days
        ppy = w.n_returns / ((w.end - w.start).days / 365.0)
        r = window_returns(s, s.index[1], s.index[-1]).to_numpy()
        boot = block_bootstrap_ci(r, lambda a, k=ppy: 100.0 * annualised_return_stat(k)(a), n_boot=N_BOOT, seed=SEED)
        parts.append(PartResult(claim="A5", part=name, estimate=100.0 * w.annualised, ci=boot.ci, se=boot.se,
                                n=w.n_returns, proxy=label,
                                test="CAGR first to last close by calendar days; stationary block-bootstrap CI",
                                detail=f"{w.start.date()} {w.start_close:.2f} to {w.end.date()} {w.end_close:.2f}"))
        rows.append({"Measure": label, "Article (%/yr)": part(key).value, "Ours (%/yr)": 100.0 * w.annualised,
                     "95% CI": f"[{boot.low:.2f}, {boot.high:.2f}]",
                     "Window": f"{w.start.date()} to {w.end.date()}", "N": w.n_returns})
        numbers[f"A5_{name}"] = 100.0 * w.annualised
    if price is not None:  # start-date sensitivity: the CAGR of the price index from later starts
        s = price[:A5_END]
        cagrs = []
        for year in A5_START_YEARS:
            w = window_return(s, f"{year}-01-01", s.index[-1], start_rule="close_on", periods_per_year=None)
            cagrs.append(100.0 * w.annualised)
            rows.append({"Measure": f"CAGR, price index, from {w.start.date()}", "Article (%/yr)": float("nan"),
                         "Ours (%/yr)": 100.0 * w.annualised, "95% CI": "",
                         "Window": f"{w.start.date()} to {w.end.date()}", "N": w.n_returns})
        numbers["A5_start_min"], numbers["A5_start_max"] = min(cagrs), max(cagrs)
    table = Table(name="a5_growth", caption="CSI 300 long-run growth to the article's date (2023-09-30)",
                  frame=pd.DataFrame(rows), digits={"N": 0},
                  notes=["Trend: OLS of log close on time in years, growth = exp(slope) − 1; its CI resamples the "
                         "one-day log returns (stationary bootstrap), rebuilds the path and refits the slope (a "
                         "Newey–West CI would be too narrow: the residuals of a trend through a random walk are "
                         "not stationary). "
                         "CAGR: (end/start)^(365/days) − 1; CI from a stationary block bootstrap of the one-day "
                         "returns (999 draws).",
                         "The article states no window or index definition: no tolerance; its 5.5% is compared "
                         "with our 95% interval."])
    return parts, table, numbers


# ----------------------------------------------------------------------------- study
class Replications(Study):
    name = "replications"
    title = "The articles' return, volatility and level numbers, replicated"
    claims = ("A5", "C1", "C3", "C19", "E4")
    parts = ("A5.trend_growth", "A5.cagr_total_return", "A5.cagr_price",
             "C1.microcap", "C1.smallcap200", "C1.smallest_cap", "C1.dividend_lowvol", "C1.sse", "C1.csi300",
             "C1.chinext",
             "C3.vol_gap_3y", "C3.vol_gap_5y", "C3.vol_gap_10y", "C3.turnover_gap_3y", "C3.turnover_gap_5y",
             "C3.turnover_gap_10y",
             "C3.turnover_gap",
             "C19.sw_small", "C19.sw_large", "C19.chinext", "C19.sse",
             "E4.low_2016", "E4.high_2017")
    series = ("cn.index.microcap.close", "cn.index.sse.close", "cn.index.csi300.close", "cn.index.chinext.close",
              "cn.index.csi500.close", "cn.index.csi1000.close", "cn.index.csi2000.close", "cn.index.sw_small.close",
              "cn.index.sw_large.close", "cn.index.sw_small.turnover", "cn.index.sw_large.turnover",
              "cn.index_tr.csi300.close")

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        parts: list[PartResult] = []
        tables: list[Table] = []
        numbers: dict[str, float | str] = {}

        say("C1 annualised returns")
        p1, t1, s1 = _window_table(loader, C1_ROWS, C1_WINDOW, annualised=True, claim="C1")
        parts += p1
        tables.append(Table(
            name="c1_returns", caption="Annualised returns 2021-03-08 to 2024-03-31 beside the article's (Seed 002)",
            frame=t1, digits={"N": 0},
            notes=[f"Convention R1: {CONVENTION_R1}.", "95% CI: stationary block bootstrap of the one-day returns "
                   "(999 draws). Note: the annualised return when start and end move by ±1 and ±5 trading days."]))
        conv = _alternative_conventions(loader, C1_ROWS, C1_WINDOW)
        if not conv.empty:
            tables.append(Table(
                name="c1_conventions", caption="C1 under other conventions: which one reproduces the article",
                frame=conv, digits=2, sample="daily closes, 2021-03-05 to 2024-03-29",
                notes=["R1 = close before the start date, 250-day annualisation (the stated convention). "
                       "Alternatives: the close on the start date, and/or annualising by 365 calendar days."]))
            gaps = conv.drop(columns=["Index", "Article (%)", "R1"]).sub(conv["Article (%)"], axis=0).abs()
            numbers["C1_alt_min_gap"] = float(gaps.max(axis=0).min())
            numbers["C1_alt_max_gap"] = float(gaps.max(axis=0).max())
        if not s1.empty:
            base = s1[(s1.start_shift == 0) & (s1.end_shift == 0)].set_index("Index")["value"]
            numbers["C1_sens_max"] = float((s1.set_index("Index")["value"] - base).abs().max())
        say("C19 2011-2012 returns")
        p19, t19, s19 = _window_table(loader, C19_ROWS, C19_WINDOW, annualised=False, claim="C19")
        parts += p19
        tables.append(Table(
            name="c19_returns", caption="Cumulative returns 2011-01-01 to 2013-01-01 beside the article's (Seed 002)",
            frame=t19, digits={"N": 0},
            notes=[f"Convention R1 (not annualised): {CONVENTION_R1.split('; annualised')[0]}.",
                   "95% CI: stationary block bootstrap of the one-day returns (999 draws)."]))
        sens = pd.concat([s1.assign(Table="C1 (annualised)"), s19.assign(Table="C19 (cumulative)")],
                         ignore_index=True)
        if not sens.empty:
            sens["start"] = sens["start"].dt.strftime("%Y-%m-%d")
            sens["end"] = sens["end"].dt.strftime("%Y-%m-%d")
            wide = sens.pivot_table(index=["Table", "Index"], columns=["start_shift", "end_shift"], values="value",
                                    sort=False)
            keep = [(k, k) for k in SHIFTS if (k, k) in wide.columns] + [(-5, 0), (0, -5), (5, 0), (0, 5)]
            wide = wide[[c for c in keep if c in wide.columns]]
            wide.columns = [f"start {a:+d}, end {b:+d}" for a, b in wide.columns]
            tables.append(Table(name="rep_sensitivity", caption="Replicated returns with start and end moved "
                                "(trading days; percent)", frame=wide.reset_index(), digits=2,
                                sample="daily closes; each cell a window of the convention R1 with shifted dates"))
        for p in p1 + p19:
            if p.estimate is not None:
                numbers[f"{p.claim}_{p.part}"] = p.estimate
        say("C3 volatility and turnover")
        out = Sections(parts, tables, numbers)
        out.add(*_c3(loader))
        say("E4 SSE levels")
        out.add(*_e4(loader))
        say("A5 CSI 300 growth")
        out.add(*_a5(loader))
        return out.result(self, loader, headline_proxy="each article's own indices", data_ids=list(self.series),
                          notes=[f"Convention R1: {CONVENTION_R1}"])


STUDY = Replications()
