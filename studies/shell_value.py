"""C15 — shell value: IPO suspensions and small-cap outperformance; the shrinking smallest caps.

Seed 002 argues that under the approval system every listed company carried a "shell value",
so small caps outperformed when IPOs were suspended (2005-06 → 2006-05, 2008-10 → 2009-05,
2012-11 → 2013-12), and that after the registration reform the shell value shrank: the Wind
smallest-cap index (the 100 smallest A shares, listed at least a month) had an average market
cap of about 23亿 in 2017H2 and about 7亿 in early March 2024. Tested here:

* **Suspension windows**: the monthly log excess return of small over large caps
  (headline: Wind micro-cap over CSI 300, the article's own micro-cap; CSI 500 and CSI 1000
  over CSI 300 beside it; all back-calculated before their launch) summed over each window,
  against all windows of the same length (``econ.models.windows.windows_vs_all``: mean excess
  over the three windows, null from random same-length blocks, two-sided p).
* **IPO counts**: monthly ``Δlog(small/large) × 100`` on the number of SH+SZ listings in the
  month and its three lags (per 10 listings); the sum of the four coefficients with its
  Newey–West standard error (NW 1994 bandwidth). Listings are counted by listing month. The
  headline starts in 2005, before the micro-cap's launch; a robustness row re-estimates it
  from the launch date (``studies.common.LAUNCHED``). The suspension windows all precede the
  launch and have no such version.
* **Registration-reform dates** (table only): shifts in the mean monthly excess return after
  the STAR (2019-07-22), ChiNext (2020-08-24) and full (2023-02-17) registration reforms,
  step dummies with Newey–West errors.
* **Smallest caps**: from the quarter-end market-cap panel, the mean total cap of the 100
  smallest stocks with at least a month of trading, averaged over 2017-09-30 and 2017-12-31
  (the article's 2017H2) and at 2024-03-31 (the quarter end nearest "early March 2024"). The
  article's numbers are daily averages of free-floating index members; ours are quarter-end
  snapshots of total cap.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.data.panels import market_cap, panel_vault, trading_periods
from econ.models.regression import ols_hac
from econ.models.windows import windows_vs_all
from econ.study import PartResult, Study, StudyResult, Table
from studies._tables import (
    Sections,
    from_launch,
    from_launch_label,
    from_launch_numbers,
    marked,
    pair,
)
from studies.declared import part

WINDOWS: tuple[tuple[str, str], ...] = (("2005-06-01", "2006-05-31"), ("2008-10-01", "2009-05-31"),
                                        ("2012-11-01", "2013-12-31"))
LEGS: tuple[tuple[str, str, str], ...] = (
    ("Micro-cap / CSI 300", "cn.index.microcap.close", "cn.index.csi300.close"),
    ("CSI 500 / CSI 300", "cn.index.csi500.close", "cn.index.csi300.close"),
    ("CSI 1000 / CSI 300", "cn.index.csi1000.close", "cn.index.csi300.close"),
)
HEADLINE = "Micro-cap / CSI 300"
IPO = "cn.ipo.listings_sh_sz"
IPO_LAGS = 3
IPO_SCALE = 10.0  # coefficients per 10 listings
SAMPLE_END = "2024-12-31"
REFORMS: tuple[tuple[str, str], ...] = (("STAR registration", "2019-07-22"), ("ChiNext registration", "2020-08-24"),
                                        ("Full registration", "2023-02-17"))
SMALLEST_N = 100
MIN_LISTED = pd.DateOffset(months=1)
SMALLEST_DATES: dict[str, tuple[str, ...]] = {"smallest_cap_2017h2": ("2017-09-30", "2017-12-31"),
                                              "smallest_cap_2024": ("2024-03-31",)}
N_DRAWS = 9999
SEED = 2013


def _excess(loader: DataLoader, small: str, large: str, start: pd.Timestamp | None = None) -> pd.Series:
    """Monthly ``100 Δlog(small/large)`` to :data:`SAMPLE_END`, from the first month-end on or after ``start``."""
    p = pd.concat([loader.series(small), loader.series(large)], axis=1, join="inner").dropna()
    if start is not None:
        p = p.loc[start:]
    m = np.log(p).resample("ME").last()
    r = (100.0 * (m.iloc[:, 0] - m.iloc[:, 1]).diff()).dropna()
    return r[r.index <= SAMPLE_END].rename("excess")


def _windows(loader: DataLoader) -> tuple[PartResult | None, Table, dict[str, float]]:
    rows, head, numbers = [], None, {}
    for label, small, large in LEGS:
        try:
            r = _excess(loader, small, large)
            res = windows_vs_all(r, WINDOWS, n_draws=N_DRAWS, alternative="two-sided", seed=SEED)
        except (DataError, ValueError):  # no data, or the data do not reach a window
            continue
        for _, w in res.windows.iterrows():
            rows.append({"Pair": marked(label, pair(label, small, large), r.index[0]),
                         "Window": f"{w['start']:%Y-%m} to {w['end']:%Y-%m}", "months": int(w["periods"]),
                         "Cumulative (log %)": w["cum"], "Mean of same-length windows": w["mean_all"],
                         "Percentile rank": w["pct_rank"]})
        rows.append({"Pair": marked(label, pair(label, small, large), r.index[0]),
                     "Window": "mean excess over the three", "months": np.nan,
                     "Cumulative (log %)": res.statistic, "Mean of same-length windows": np.nan,
                     "Percentile rank": np.nan, "p (two-sided)": res.pvalue})
        if label == HEADLINE:
            head = PartResult(claim="C15", part="suspension_windows", estimate=res.statistic, se=res.null_sd,
                              pvalue=res.pvalue, n=res.nobs, proxy=label,
                              test=f"windows vs all same-length windows, {N_DRAWS} random-block draws, two-sided",
                              detail="; ".join(f"{w['start']:%Y-%m}–{w['end']:%Y-%m}: {w['cum']:.1f} (rank "
                                               f"{w['pct_rank']:.2f})" for _, w in res.windows.iterrows()))
            numbers.update({"C15_windows_excess": res.statistic, "C15_windows_p": res.pvalue})
    table = Table(name="c15_windows", caption="Small minus large caps in the IPO suspension windows (monthly, log %)",
                  frame=pd.DataFrame(rows), digits={"months": 0, "Percentile rank": 2, "p (two-sided)": 4},
                  sample=f"monthly, from each pair's first month to {SAMPLE_END[:7]}",
                  notes=["Mean excess = mean over the three windows of (window cumulative − mean cumulative of all "
                         "same-length windows); p from random same-length blocks (9999 draws).",
                         "All three suspension windows (2005–2013) precede the launch of the micro-cap (2015) and CSI "
                         "1000 (2014-10) indices, and the first precedes CSI 500's (2007-01): no launch-date version "
                         "of the test exists; the article measured the same back-calculated history."])
    return head, table, numbers


def _ipo_regression(loader: DataLoader) -> tuple[PartResult | None, Table, dict[str, float]]:
    try:
        ipo = loader.series(IPO)
    except DataError as exc:
        return (PartResult(claim="C15", part="ipo_counts", missing=str(exc).splitlines()[0]),
                Table(name="c15_ipo", caption="IPO counts", frame=pd.DataFrame(), sample="no data"), {})
    ipo = ipo.copy()
    ipo.index = ipo.index + pd.offsets.MonthEnd(0)
    X = pd.concat({f"ipo_l{k}": ipo.shift(k) / IPO_SCALE for k in range(IPO_LAGS + 1)}, axis=1)
    names = [f"ipo_l{k}" for k in range(IPO_LAGS + 1)]

    def fit_row(label: str, r: pd.Series) -> dict:
        d = pd.concat([r, X], axis=1, join="inner").dropna()
        fit = ols_hac(d["excess"], d.drop(columns="excess"))
        w = np.ones(len(names))
        est = float(fit.params[names].sum())
        se = float(np.sqrt(w @ fit.cov_params.loc[names, names].to_numpy() @ w))
        p = float(2 * stats.t.sf(abs(est / se), df=int(fit.nobs) - len(names) - 1))
        return {"Pair": label, "Sum of lags 0–3": est, "se": se, "p": p,
                **{f"lag {k}": float(fit.params[f"ipo_l{k}"]) for k in range(IPO_LAGS + 1)},
                "N": int(fit.nobs), "Sample": f"{d.index[0]:%Y-%m} to {d.index[-1]:%Y-%m}",
                "hac": fit.bandwidth_description}

    rows, head, numbers = [], None, {}
    for label, small, large in LEGS:
        try:
            r = _excess(loader, small, large)
        except DataError:
            continue
        legs = pair(label, small, large)
        row = fit_row(marked(label, legs, r.index[0]), r)
        rows.append(row)
        if label == HEADLINE:
            est, se, p = row["Sum of lags 0–3"], row["se"], row["p"]
            head = PartResult(claim="C15", part="ipo_counts", estimate=est, se=se, pvalue=p, n=row["N"],
                              ci=(est - 1.96 * se, est + 1.96 * se), proxy=label,
                              test=f"sum of lag 0–3 coefficients, HAC ({row['hac']}), t test",
                              detail=f"per {IPO_SCALE:g} listings; {row['Sample']}")
            numbers.update({"C15_ipo_sum": est, "C15_ipo_p": p})
            live = from_launch(legs, r.index[0], lambda d, legs=legs, r0=r.index[0]: fit_row(
                from_launch_label(HEADLINE, legs, r0), _excess(loader, legs.small, legs.large, start=d)))
            if live is not None:
                rows.append(live)
                numbers.update(from_launch_numbers({"C15_ipo_sum": live["Sum of lags 0–3"], "C15_ipo_p": live["p"],
                                                    "C15_ipo_n": live["N"]}))
    rows = [{k: v for k, v in row.items() if k != "hac"} for row in rows]
    table = Table(name="c15_ipo", caption="Monthly small-minus-large log return (%) on SH+SZ listings (per 10), lags 0–3",
                  frame=pd.DataFrame(rows), digits={"N": 0, "p": 3},
                  notes=["Newey–West errors (NW 1994 bandwidth); the sum's se from the coefficient covariance. "
                         "Listings by listing month, a few non-IPO listings included. 'From launch': the headline "
                         "re-estimated on month-end closes from the index's launch on."])
    return head, table, numbers


def _reforms(loader: DataLoader) -> Table:
    rows = []
    for label, small, large in LEGS:
        try:
            r = _excess(loader, small, large)
        except DataError:
            continue
        X = pd.DataFrame({name: (r.index >= pd.Timestamp(d)).astype(float) for name, d in REFORMS}, index=r.index)
        if X.nunique().min() < 2:  # the data do not straddle every reform date
            continue
        fit = ols_hac(r, X)
        row = {"Pair": marked(label, pair(label, small, large), r.index[0]), "Mean before (const)": float(fit.params["const"])}
        for name, _ in REFORMS:
            row[f"{name} shift"] = float(fit.params[name])
            row[f"{name} p"] = float(fit.pvalues[name])
        row["N"] = int(fit.nobs)
        rows.append(row)
    return Table(name="c15_reforms", caption="Shifts in the mean monthly small-minus-large return (log %) after the "
                 "registration reforms", frame=pd.DataFrame(rows), digits=3,
                 notes=["Step dummies from each reform date; Newey–West errors (NW 1994 bandwidth). Descriptive: "
                        "the reforms coincide with other changes."])


def _smallest(loader: DataLoader) -> tuple[list[PartResult], Table, dict[str, float]]:
    try:
        mc = market_cap(panel_vault(loader.settings)).frame
        first = trading_periods(panel_vault(loader.settings)).frame.set_index("ts_code")["first_date"]
    except DataError as exc:
        why = str(exc).splitlines()[0]
        return ([PartResult(claim="C15", part=k, missing=why) for k in SMALLEST_DATES],
                Table(name="c15_smallest", caption="Smallest caps", frame=pd.DataFrame(), sample=why), {})
    mc = mc.join(first, on="ts_code")
    rows, parts, numbers = [], [], {}
    for key, dates in SMALLEST_DATES.items():
        means = []
        for d in dates:
            ts = pd.Timestamp(d)
            x = mc[(mc["date"] == ts) & (mc["first_date"] <= ts - MIN_LISTED)]
            s = x.nsmallest(SMALLEST_N, "total_mv_yi")["total_mv_yi"]
            means.append(float(s.mean()))
            rows.append({"Quarter end": d, "Article (CNY 100m)": part(f"C15.{key}").value,
                         f"Mean cap of the {SMALLEST_N} smallest (CNY 100m)": float(s.mean()),
                         "Median (CNY 100m)": float(s.median()), "Stocks ranked": len(x)})
        est = float(np.mean(means))
        parts.append(PartResult(claim="C15", part=key, estimate=est, n=SMALLEST_N * len(dates),
                                proxy="market-cap panel", test=f"mean total cap of the {SMALLEST_N} smallest stocks",
                                detail=f"quarter ends {', '.join(dates)}"))
        numbers[f"C15_{key}"] = est
    table = Table(name="c15_smallest", caption="Average market cap of the 100 smallest A shares (market-cap panel)",
                  frame=pd.DataFrame(rows), digits=2, sample="quarter-end snapshots; stocks listed at least a month",
                  notes=["Total cap at quarter ends; the article's Wind smallest-cap index averages daily values of its "
                         "members."])
    return parts, table, numbers


class ShellValue(Study):
    name = "shell_value"
    title = "Shell value: IPO suspensions, IPO counts and the smallest caps (C15)"
    claims = ("C15",)
    parts = ("C15.suspension_windows", "C15.ipo_counts", "C15.smallest_cap_2017h2", "C15.smallest_cap_2024")
    series = (IPO, *dict.fromkeys(s for _, a, b in LEGS for s in (a, b)))

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        out = Sections()
        say("C15 windows")
        head, t, n = _windows(loader)
        out.add(head or PartResult(claim="C15", part="suspension_windows", missing="micro-cap and CSI 300 closes"), t, n)
        say("C15 IPO counts")
        head, t, n = _ipo_regression(loader)
        out.add(head or PartResult(claim="C15", part="ipo_counts", missing="micro-cap and CSI 300 closes"),
                [t, _reforms(loader)], n)
        say("C15 smallest caps")
        out.add(*_smallest(loader))
        return out.result(self, loader, headline_proxy=HEADLINE, data_ids=list(self.series))


STUDY = ShellValue()
