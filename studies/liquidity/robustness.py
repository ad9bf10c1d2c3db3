"""Robustness of the liquidity-and-flows claims: frequencies and sub-samples, levels vs
differences, every small-cap proxy, and the three specification grids (A3, C5, C7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.models import levels_vs_differences
from econ.policy import ALPHA
from econ.robust import run_grid
from econ.study import Table
from studies import _liquidity_specs as S
from studies import declared
from studies._liquidity_specs import (
    GRID,
    GRID_FED,
    GRID_FLOWS,
    HEADLINE_RATE,
    NULL_DRAWS,
    NULL_SEED,
    Fit,
    estimate,
)
from studies.common import BACK_CALCULATED_MARK, BACK_CALCULATED_NOTE, Proxy, back_calculated
from studies.liquidity.c9 import C9_WINDOWS
from studies.liquidity.common import (
    Collector,
    fit_or_nan,
    grid_summary,
    margin_frame,
    valuation_frame,
    window_fit,
)
from studies.liquidity.d1 import D1_FACTORS, d1_fits


def proxy_fits(loader: DataLoader, proxy: Proxy) -> dict[str, Fit]:
    """The ratio-based headline specifications for one proxy (rows of the proxies table)."""
    out: dict[str, Fit] = {}
    out["C5: ΔDR007 → Δratio, β0 (W)"] = fit_or_nan(lambda: S.c5_fit(loader, proxy).contemp)
    out["C5: ΔSHIBOR 1W → Δratio, β0 (W)"] = fit_or_nan(lambda: S.c5_fit(loader, proxy, rate="SHIBOR 1W").contemp)
    out["A3 (b): flows t−1..t−4 → Δratio, sum (W)"] = fit_or_nan(lambda: S.a3_flow_fit(loader, proxy).total)
    out["A3 (c): ΔUS10Y → Δratio, total (W)"] = fit_or_nan(lambda: S.a3_links(loader, proxy)["c"])
    for (flow, label), (a, b, _sign) in C9_WINDOWS.items():
        if flow == "northbound":
            out[f"C9: northbound {label} (W)"] = fit_or_nan(
                lambda a=a, b=b: window_fit(S.flow_frame(loader, proxy, "W"), "flow", [(a, b)]))
        else:
            out[f"C9: margin growth {label} (W)"] = fit_or_nan(
                lambda a=a, b=b: window_fit(margin_frame(loader, proxy), "growth", [(a, b)]))
    try:
        d1 = {k: v.total for k, v in d1_fits(loader, proxy).items()}
    except DataError as exc:
        d1 = {k: Fit.missing(str(exc)) for k in D1_FACTORS}
    for name, fit in d1.items():
        out[f"D1: {name}, t−1 and t−2 (M)"] = fit
    return out


# ----------------------------------------------------------------------------- grid summary


#: Columns of the samples table: each relation's headline span, its span to 2020, and 2021–.
SAMPLE_COLUMNS = {"headline": "head", "to 2020": "1420", "2021–": "21"}
_C5_SAMPLE = {"headline": S.C5_HEADLINE_SAMPLE, "to 2020": "2015–2020", "2021–": "2021–"}
_A3_SAMPLE = {"headline": S.A3_HEADLINE_SAMPLE, "to 2020": "2014–2020", "2021–": "2021–"}
_C7_SAMPLE = {"headline": "full", "to 2020": "2014–2020", "2021–": "2021–"}


def samples(loader: DataLoader, head: Proxy, out: Collector) -> None:
    """The headline relations by frequency (W, M) and sample (headline span, to 2020, 2021–)."""
    rel: dict[str, tuple[str | None, Callable[[str, str], Fit]]] = {
        "C5: ΔDR007 (period-end) → Δratio, β0": (
            "C5", lambda f, s: S.c5_fit(loader, head, f, "DR007", _C5_SAMPLE[s]).contemp),
        "C5: ΔSHIBOR 1W (period-end) → Δratio, β0": (
            None, lambda f, s: S.c5_fit(loader, head, f, "SHIBOR 1W", _C5_SAMPLE[s]).contemp),
        "A3 (a): ΔUS10Y → flow": ("A3_a", lambda f, s: S.a3_links(loader, head, f, _A3_SAMPLE[s])["a"]),
        "A3 (b): lagged flows → Δratio, sum": ("A3_b", lambda f, s: S.a3_flow_fit(loader, head, f,
                                                                                 sample=_A3_SAMPLE[s]).total),
        "A3 (c): ΔUS10Y → Δratio": ("A3_c", lambda f, s: S.a3_links(loader, head, f, _A3_SAMPLE[s])["c"]),
        "C7: past Fed-asset growth → next Δ(R2000/S&P 500)": (
            "C7", lambda f, s: S.c7_predictive_fit(loader, f, _C7_SAMPLE[s])),
    }
    cols: dict[str, dict[str, float]] = {}
    for freq in ("W", "M"):
        for sample, tag in SAMPLE_COLUMNS.items():
            col: dict[str, float] = {}
            for name, (key, fn) in rel.items():
                fit = fit_or_nan(lambda fn=fn, freq=freq, sample=sample: fn(freq, sample))
                col[name], col[f"{name}__se"], col[f"{name}__p"] = fit.beta, fit.se, fit.p
                if key and not (freq == "W" and sample == "headline"):
                    out.numbers[f"{key}_{freq}_{tag}_beta"] = fit.beta
                    out.numbers[f"{key}_{freq}_{tag}_p"] = fit.p
            cols[f"{freq}, {sample}"] = col
    out.tables.append(Table(
        name="lf_samples", caption="Headline relations by frequency and sample",
        frame=pd.DataFrame(cols), kind="estimates", index_label="Relation (CSI 1000/CSI 300)",
        sample="weekly and monthly, over the spans in the note; N of the headline samples in the per-claim tables",
        notes=["W weekly (Friday), M month end; HAC s.e. (Newey–West 1994 rule) except C7 (Hodrick 1992). "
               "'headline' is each relation's headline span: C5 from 2015 (DR007 before is back-history), A3 the "
               f"net-buying era {S.NET_BUYING_START[:7]} to 2023-12, C7 from 2003; 'to 2020': C5 2015–2020, A3 the "
               "Connect era 2014-11 to 2020 (quota-use values before 2018-05), C7 2014–2020; 2021– ends where the "
               "data end. C5 rows: β0 of the distributed-lag regression (4 weekly or 3 monthly lags), rate at the "
               "period's last close. A3 (b): sum of the flow lags (4 weeks or 3 months) given as many lags of "
               "Δratio. C7: predictive slope at h = 6 months or 26 weeks."],
        digits=3))


def levels(loader: DataLoader, head: Proxy, out: Collector) -> None:
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
        f = S.cut(S.c5_frame(loader, head, "W", HEADLINE_RATE), *S.C5_SAMPLES[S.C5_HEADLINE_SAMPLE])
        return levels_vs_differences("y", "rate", f[["y", "rate"]].dropna())

    def nb_on_us() -> Any:
        f = S.cut(S.flow_frame(loader, head, "W", "cumulated"), *S.A3_SAMPLES[S.A3_HEADLINE_SAMPLE])
        return levels_vs_differences("flow", "us", f[["flow", "us"]].dropna())

    def c8(col: str, x: str) -> Callable[[], Any]:
        def fn() -> Any:
            v = valuation_frame(loader, "CSI 500", "M", {"rate": S.RATES[HEADLINE_RATE], "m1": S.M1, "m2": S.M2},
                                S.VALUATION_START, S.M1_BASIS_END)
            v["gap"] = v["m1"] - v["m2"]
            return levels_vs_differences(col, x, v[[col, x]].dropna())
        return fn

    add("C5", "log ratio on DR007", "W", c5_levels, "rate")
    add("A3", "log ratio on cum. flow and US10Y", "W", lambda: S.a3_levels(loader, head, "W", S.A3_HEADLINE_SAMPLE), "flow")
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


def proxies(loader: DataLoader, proxies: list[Proxy], out: Collector) -> None:
    """Every proxy's headline specifications; a column is marked when one of its samples starts
    before the proxy's launch (back-calculated history)."""
    cols, labels, back_rows = {}, {}, {}
    for p in proxies:
        fits = proxy_fits(loader, p)
        col = {}
        for k, f in fits.items():
            col[k], col[f"{k}__se"], col[f"{k}__p"] = f.beta, f.se, f.p
        back = [k for k, f in fits.items() if f.ok and back_calculated(p, f.start)]
        labels[p.label] = p.label + (BACK_CALCULATED_MARK if back else "")
        back_rows[p.label] = back
        cols[p.label] = col
    if not cols:
        return
    frame = pd.DataFrame(cols)
    marked = "; ".join(f"{p}: {len(r)} of {len(frame.index) // 3} rows" for p, r in back_rows.items() if r)
    out.tables.append(Table(
        name="lf_proxies", caption="Every small-cap proxy: the headline specifications",
        frame=frame.rename(columns=labels), kind="estimates", index_label="Specification (vs CSI 300; SW: small vs large)",
        sample="each pair's longest common span for the headline specification; N as in the per-claim tables",
        notes=["Each cell: the headline specification's coefficient for that small/large pair (HAC s.e.), as in "
               "the C5, A3, C9 and D1 tables. Samples end where each "
               "pair's data end: Shenwan small/large covers 2015–2024. W weekly, M monthly; blank: not estimable. "
               f"Rows whose sample starts before the proxy's launch ({marked or 'none'}). " + BACK_CALCULATED_NOTE
               + "."],
        digits=3))
    for p in proxies:
        slug = "".join(ch for ch in p.label if ch.isalnum())
        c = cols[p.label]
        out.numbers[f"C5_proxy_{slug}_beta"] = c["C5: ΔDR007 → Δratio, β0 (W)"]
        out.numbers[f"C5_proxy_{slug}_p"] = c["C5: ΔDR007 → Δratio, β0 (W)__p"]
        out.numbers[f"A3_proxy_{slug}_b"] = c["A3 (b): flows t−1..t−4 → Δratio, sum (W)"]
        out.numbers[f"A3_proxy_{slug}_b_p"] = c["A3 (b): flows t−1..t−4 → Δratio, sum (W)__p"]
    out.proxy_table = frame


def grids(loader: DataLoader, out: Collector, say: Callable[[str], None]) -> None:
    specs = (
        ("C5", "C5.direction", GRID, "C5: β0, Δrate", "β0 of Δ100·log ratio on Δrate (pp)"),
        ("A3", "A3.flow_to_ratio", GRID_FLOWS, "A3: lagged flows",
         "sum of the lagged northbound-flow coefficients in Δ100·log ratio"),
        ("C7", "C7.direction", GRID_FED, "C7: Fed assets, predictive",
         "slope of the next-h Δ100·log(R2000/S&P 500) on past-h 100·Δlog Fed assets"),
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
               "C5: proxy × frequency (W/M) × rate (DR007 period-end / DR007 period mean / SHIBOR 1W period-end) × "
               "sample (2015– / 2007– / 2015–2020 / 2021–) × lags (4 weeks or 3 months / none), NW 1994 bandwidth; "
               "estimate β0. A3: proxy × frequency × flow scaling (% of CSI 300 turnover / flow over trailing mean "
               "|flow| / CNY 100bn) × sample (net-buying era 2018-06– / 2014-11– / 2014-11–2020 / 2021–) × HAC rule "
               "(NW 1994 / Andrews AR(1)); estimate: the sum of the lagged-flow coefficients (4 weeks or 3 months, "
               "given as many lags of Δratio). C7: frequency × sample (2003– / 2008–2010 / 2014–2020 / 2021–) × "
               "horizon (3/6/12 months, 13/26/52 weeks) × errors (Hodrick 1992 / Newey–West with ≥ h−1 lags); "
               "estimate: the predictive slope of the next-h ratio change on past-h Fed-asset growth. "
               "Shares are over estimated specifications; p<.05: two-sided p < "
               f"{ALPHA}, unadjusted for multiplicity; the joint test of each grid and Romano–Wolf adjusted "
               f"p-values ({NULL_DRAWS} null worlds) are in the specification-curve summary. Headline "
               f"specifications: {heads}."],
        digits={"Specs": 0, "Estimated": 0, "Claimed sign": 2, "Claimed sign, p<.05": 2, "Opposite, p<.05": 2,
                "Median est.": 3}, index_label=""))
