"""D1 — cross-border capital favours CSI 300; global liquidity easing favours CSI 1000.

Parts: one per factor. Seed 003 signals "from the month-on-month changes of the previous first
and second months" (以前第1个月和第2个月的环比数据作为择时信号), so each factor enters with lags 1
and 2: ``Δy_t = a + b1·x_{t−1} + b2·x_{t−2} + e_t`` (monthly, HAC). The part is the sum
``b1 + b2`` (its HAC t-test; the joint Wald test of both lags is reported beside it). The
same-month regression is a robustness column, and so is the sample from CSI 1000's launch.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.models import ols_hac
from econ.robust.leanols import lean_ols
from econ.study import Table
from studies import _liquidity_specs as S
from studies._liquidity_specs import Fit
from studies.common import (
    BACK_CALCULATED_MARK,
    BACK_CALCULATED_NOTE,
    Proxy,
    back_calculated,
    live_start,
)
from studies.liquidity.common import SIGN, Collector, fit_or_nan, missing_parts, part_from_fit, span

D1_SAMPLE = ("2010-01-01", "2025-01-31")   # the article's backtest span
D1_LAGS = (1, 2)                           # the article's "previous first and second months"
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


_D1_SERIES = {"nb": S.NORTHBOUND, "to": S.TURNOVER, "cgb": S.CGB10Y, "us": S.US10Y, "ca": S.CURRENT_ACCOUNT,
              "ff": S.FED_FUNDS, "fed": S.FED_ASSETS, "usd": S.DOLLAR}


def d1_frame(loader: DataLoader, proxy: Proxy, start: str | None = D1_SAMPLE[0]) -> pd.DataFrame:
    """Monthly Δy, the six D1 factors (columns named as in :data:`D1_FACTORS`) and their lags
    ``"<factor> (t−j)"``, built before the sample is cut. The panel mixes China and US series,
    so ``build_panel`` reads it on the Shanghai clock. Memoised (a copy is returned)."""
    return S._frame_memo(loader, ("d1_frame", proxy, start), [proxy.small, proxy.large, *_D1_SERIES.values()],
                         lambda: _d1_build(loader, proxy, start))


def _d1_build(loader: DataLoader, proxy: Proxy, start: str | None) -> pd.DataFrame:
    f = S.style_frame(loader, proxy, "M", _D1_SERIES)
    names = list(D1_FACTORS)
    f["dy"] = f["y"].diff()
    f[names[0]] = f["nb"] / f["to"]
    f[names[1]] = (f["cgb"] - f["us"]).diff()
    f[names[2]] = (f["ca"] - f["ca"].shift(12)) / 1000.0
    f[names[3]] = f["ff"].diff()
    f[names[4]] = 100.0 * np.log(f["fed"]).diff()
    f[names[5]] = 100.0 * np.log(f["usd"]).diff()
    for n in names:
        for j in D1_LAGS:
            f[lag_name(n, j)] = f[n].shift(j)
    return S.cut(f, start, D1_SAMPLE[1])


def lag_name(factor: str, j: int) -> str:
    return f"{factor} (t−{j})"


@dataclasses.dataclass
class LagSum:
    """The sum of a factor's lag coefficients (``total``) and the joint Wald p of the lags."""

    total: Fit
    wald_p: float
    coefs: pd.Series


def lag_sum_fit(frame: pd.DataFrame, factor: str, lags: tuple[int, ...] = D1_LAGS) -> LagSum:
    """Δy on the factor's ``lags`` with HAC errors: the lag sum (t-test) and the joint Wald test.

    Fitted by :func:`econ.robust.leanols.lean_ols` (:func:`lag_sum_fit_reference`: statsmodels,
    the same floats, and the path taken where the lean one does not apply).
    """
    names = [lag_name(factor, j) for j in lags]
    d = frame[["dy", *names]].dropna()
    rows = S.Rows.of(d, "dy", names)
    lean = lean_ols(rows.y, rows.X) if len(d) else None
    if lean is None:
        return lag_sum_fit_reference(frame, factor, lags)
    pos = list(range(1, len(names) + 1))
    return LagSum(total=S.lean_combo(lean, pos, rows.start, rows.end), wald_p=S.lean_wald(lean, pos)[1],
                  coefs=pd.Series(lean.params[pos], index=names))


def lag_sum_fit_reference(frame: pd.DataFrame, factor: str, lags: tuple[int, ...] = D1_LAGS) -> LagSum:
    """:func:`lag_sum_fit` through :func:`econ.models.ols_hac` and statsmodels' tests."""
    names = [lag_name(factor, j) for j in lags]
    d = frame[["dy", *names]].dropna()
    res = ols_hac(d["dy"], d[names])
    model, params = res.model, list(res.params.index)
    r = np.zeros(len(params))
    for n in names:
        r[params.index(n)] = 1.0
    tt = model.t_test(r)
    lo, hi = np.asarray(tt.conf_int(alpha=0.05)).ravel()
    total = Fit(beta=float(np.squeeze(tt.effect)), se=float(np.squeeze(tt.sd)), p=float(np.squeeze(tt.pvalue)),
                nobs=res.nobs, start=res.start, end=res.end, hac_lags=res.bandwidth, desc=res.bandwidth_description,
                ci=(float(lo), float(hi)))
    R = np.zeros((len(names), len(params)))
    for i, n in enumerate(names):
        R[i, params.index(n)] = 1.0
    w = model.wald_test(R, use_f=True, scalar=True)
    return LagSum(total=total, wald_p=float(np.squeeze(w.pvalue)), coefs=res.params[names])


def d1_fits(loader: DataLoader, proxy: Proxy, start: str | None = D1_SAMPLE[0]) -> dict[str, LagSum]:
    """The headline (lags 1 and 2) fit of every factor; a factor without data gets a missing fit."""
    f = d1_frame(loader, proxy, start)
    out: dict[str, LagSum] = {}
    for name in D1_FACTORS:
        try:
            out[name] = lag_sum_fit(f, name)
        except (DataError, ValueError) as exc:
            out[name] = LagSum(Fit.missing(f"{type(exc).__name__}: {exc}"), np.nan, pd.Series(dtype=float))
    return out


def d1_same_month_fits(loader: DataLoader, proxy: Proxy, start: str | None = D1_SAMPLE[0]) -> dict[str, Fit]:
    """Robustness: the same-month regression of Δy on each factor."""
    f = d1_frame(loader, proxy, start)
    out = {}
    for name in D1_FACTORS:
        d = f[["dy", name]].dropna()
        out[name] = fit_or_nan(lambda d=d, name=name: S.hac_fit(d["dy"], d[[name]], name))
    return out


def run(loader: DataLoader, head: Proxy, out: Collector) -> None:
    live = live_start(head, D1_SAMPLE[0])
    live_str = None if live is None else f"{live:%Y-%m-%d}"
    try:
        fits = d1_fits(loader, head)
        same = d1_same_month_fits(loader, head)
        launched = d1_fits(loader, head, live_str)
    except (DataError, ValueError) as exc:
        out.parts += missing_parts("D1", tuple(D1_PARTS.values()), exc,
                                   "northbound, CGB/UST 10Y, current account, fed funds, Fed assets, dollar")
        return
    rows = []
    for group in ("cross-border", "global liquidity"):
        names = [n for n, (g, _) in D1_FACTORS.items() if g == group and fits[n].total.ok]
        padj = multipletests([fits[n].total.p for n in names], method="holm")[1] if names else []
        for n, pa in zip(names, padj, strict=True):
            fit, ls = fits[n].total, fits[n]
            back = back_calculated(head, fit.start)
            rows.append({"Group": group, "Factor": n, "Sample": span(fit) + (BACK_CALCULATED_MARK if back else ""),
                         "N": fit.nobs, "b1 + b2": fit.beta, "s.e.": fit.se, "p": fit.p, "Holm p": pa,
                         "Wald p (b1 = b2 = 0)": ls.wald_p, "Claimed": SIGN[D1_FACTORS[n][1]],
                         "Same month β": same[n].beta, "Same month p": same[n].p,
                         "From launch b1 + b2": launched[n].total.beta, "From launch p": launched[n].total.p})
    for n, part_name in D1_PARTS.items():
        ls = fits[n]
        detail = (f"{span(ls.total)}, N = {ls.total.nobs}: b1 + b2 = {ls.total.beta:.3f} (p {ls.total.p:.3f}); "
                  f"Wald p {ls.wald_p:.3f}; same month {same[n].beta:.3f} (p {same[n].p:.3f})")
        out.parts.append(part_from_fit("D1", part_name, ls.total, proxy=f"{head.label} / CSI 300",
                                       test="monthly HAC regression of Δratio on the factor's previous first and "
                                            "second months, one factor at a time; t-test of the lag sum",
                                       detail=detail if ls.total.ok else ""))
    table = pd.DataFrame(rows).set_index(["Group", "Factor"])
    nb = fits[list(D1_FACTORS)[0]].total
    for r in rows:
        out.rows.append({"claim": "D1", "relation": f"{r['Factor']}, months t−1 and t−2 → Δratio, sum", "Freq": "M",
                         "Sample": r["Sample"], "N": r["N"], "Estimate": r["b1 + b2"], "s.e.": r["s.e."],
                         "p": r["p"], "Claimed": r["Claimed"]})
    out.tables.append(Table(
        name="lf_d1_factors", caption="D1: cross-border capital and global liquidity factors against CSI 1000/CSI 300 (monthly)",
        frame=table,
        notes=[f"Monthly Δ100·log(CSI 1000/CSI 300)(t) on the factor in months t−1 and t−2 (the article's signal), "
               f"constant, one factor at a time; b1 + b2 with its HAC s.e., {nb.desc}; Wald p: HAC F test that both "
               f"lags are zero. Sample {D1_SAMPLE[0][:7]} to {D1_SAMPLE[1][:7]} (the article's backtest span) within "
               f"each factor's data; 'From launch': the same from {live_str} (CSI 1000's launch). Same month: Δratio "
               "on the factor in month t (robustness). Northbound: monthly net buying in % of CSI 300 turnover "
               "(2014-11 to 2023-12). Spread: ChinaBond 10Y − US 10Y, month end (Shanghai clock: the last US close "
               "before the China close). Current account: latest released quarter minus the same quarter a year "
               "earlier (released 45 days after quarter end). Fed funds: monthly mean of the daily effective rate. "
               "Fed assets (WALCL, as published) and the broad dollar in 100·Δlog. Claimed: the article's sign for "
               "the ratio (cross-border inflows favour CSI 300: negative; easing favours CSI 1000: cuts and a weaker "
               "dollar negative, balance-sheet growth positive). Holm: within each group. " + BACK_CALCULATED_NOTE
               + "."],
        digits={"N": 0, "b1 + b2": 3, "s.e.": 3, "p": 3, "Holm p": 3, "Wald p (b1 = b2 = 0)": 3,
                "Same month β": 3, "Same month p": 3, "From launch b1 + b2": 3, "From launch p": 3}))
    slug = {n: s for n, s in zip(D1_FACTORS, ("nb", "spread", "ca", "ff", "fed", "usd"), strict=True)}
    for r in rows:
        key = slug[r["Factor"]]
        out.numbers.update({f"D1_{key}_beta": r["b1 + b2"], f"D1_{key}_p": r["p"], f"D1_{key}_holm_p": r["Holm p"],
                            f"D1_{key}_wald_p": r["Wald p (b1 = b2 = 0)"], f"D1_{key}_same_beta": r["Same month β"],
                            f"D1_{key}_same_p": r["Same month p"], f"D1_{key}_live_beta": r["From launch b1 + b2"],
                            f"D1_{key}_live_p": r["From launch p"]})
    out.numbers["D1_live_start"] = live_str or ""
