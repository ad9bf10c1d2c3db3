"""Sub-sample stability: rolling estimates and Bai–Perron break dates of a headline relation.

:func:`rolling_estimates` refits ``y = a + b'x`` on every window of ``window`` consecutive
observations (statsmodels ``RollingOLS``; conventional standard errors, so the bands show
sampling noise only). :func:`stability` adds :func:`econ.models.breaks.bai_perron` on the full
sample (HAC by default) and tabulates the regimes between the selected break dates with their
95% date intervals (Bai 1997), together with the sup-F / UDmax evidence and, when no break is
selected, where the single best break would be.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.rolling import RollingOLS

from econ.models.base import Result
from econ.models.breaks import BreakResult, bai_perron

__all__ = ["StabilityResult", "regime_table", "rolling_estimates", "stability"]


def rolling_estimates(y: pd.Series, x: pd.DataFrame | pd.Series | None, window: int) -> pd.DataFrame:
    """Rolling OLS of ``y`` on a constant and ``x`` (``None``: the rolling mean of ``y``).

    Returns
    -------
    pandas.DataFrame
        Indexed by window end: per term ``<term>``, ``<term>__se``, ``<term>__lo``,
        ``<term>__hi`` (95% normal interval), for windows with a full sample.
    """
    exog = pd.DataFrame({"const": 1.0}, index=y.index)
    if x is not None:
        exog = pd.concat([exog, x.to_frame() if isinstance(x, pd.Series) else x], axis=1)
    frame = pd.concat([y.rename("__y__"), exog], axis=1).dropna()
    res = RollingOLS(frame["__y__"], frame.drop(columns="__y__"), window=window).fit()
    out = {}
    z = stats.norm.ppf(0.975)
    for term in res.params.columns:
        out[term] = res.params[term]
        out[f"{term}__se"] = res.bse[term]
        out[f"{term}__lo"] = res.params[term] - z * res.bse[term]
        out[f"{term}__hi"] = res.params[term] + z * res.bse[term]
    return pd.DataFrame(out).dropna()


def _fmt_date(x: Any) -> str:
    return pd.Timestamp(x).strftime("%Y-%m-%d") if x is not None and not pd.isna(x) else ""


def regime_table(bp: BreakResult, *, scale: float = 1.0) -> pd.DataFrame:
    """One row per regime of the selected break dates: dates, N, coefficients (x ``scale``)."""
    coefs = bp.coefs[bp.coefs["regime"] > 0]
    rows = []
    for reg, grp in coefs.groupby("regime", sort=True):
        first = grp.iloc[0]
        row: dict[str, Any] = {"regime": int(reg), "start": _fmt_date(first["start"]), "end": _fmt_date(first["end"]),
                               "nobs": int(first["nobs"])}
        for _, r in grp.iterrows():
            row[str(r["term"])] = float(r["coef"]) * scale
            row[f"{r['term']}__se"] = float(r["std_err"]) * scale
        rows.append(row)
    table = pd.DataFrame(rows)
    ends = ["" for _ in rows]
    for i, (_, r) in enumerate(bp.ci.iterrows()):
        ends[i] = f"{_fmt_date(r['lower95_date'])} – {_fmt_date(r['upper95_date'])}"
    table["break_ci95"] = ends
    return table


@dataclasses.dataclass(repr=False)
class StabilityResult(Result):
    """Rolling estimates and Bai–Perron breaks of one relation.

    Attributes
    ----------
    relation
        What was fitted, in words.
    rolling
        :func:`rolling_estimates` output.
    breaks
        The :class:`~econ.models.breaks.BreakResult`.
    regimes
        :func:`regime_table` of the selected breaks.
    best_single_break
        Date of the global one-break SSR minimiser (reported even when no break is selected).
    """

    relation: str
    rolling: pd.DataFrame
    breaks: BreakResult
    regimes: pd.DataFrame
    best_single_break: str
    best_split: pd.DataFrame
    supf1: float
    supf1_crit5: float
    udmax: float
    udmax_crit5: float
    title: str = "Sub-sample stability"

    def to_frame(self) -> pd.DataFrame:
        return self.regimes

    @property
    def n_breaks(self) -> int:
        return int(self.breaks.n_breaks)

    def summary_row(self, term: str = "const") -> dict[str, Any]:
        """Tests, selected breaks and ``term`` before/after the best single break, as one row."""
        dates = ", ".join(_fmt_date(d) for d in self.breaks.break_dates) or "none"
        split = self.best_split.set_index("segment") if len(self.best_split) else None
        return {"nobs": int(self.breaks.nobs), "supf1": self.supf1, "supf1_crit5": self.supf1_crit5,
                "udmax": self.udmax, "udmax_crit5": self.udmax_crit5, "n_breaks": self.n_breaks,
                "break_dates": dates, "best_break": self.best_single_break,
                "before": np.nan if split is None else float(split.loc["before", term]),
                "after": np.nan if split is None else float(split.loc["after", term])}


def stability(y: pd.Series, x: pd.DataFrame | pd.Series | None, *, window: int, relation: str = "",
              scale: float = 1.0, **bp_kwargs: Any) -> StabilityResult:
    """Rolling estimates and Bai–Perron breaks (all coefficients break) of ``y`` on ``x``.

    Parameters
    ----------
    y, x
        Outcome and regressors (``x=None``: mean shifts of ``y``).
    window
        Rolling window length (observations).
    relation
        Label.
    scale
        Multiplies coefficients in the regime table (e.g. 52 x 100 for annualised % of a
        weekly log return).
    **bp_kwargs
        Passed to :func:`econ.models.breaks.bai_perron` (default ``trim=0.15``, HAC).
    """
    exog = None if x is None else (x.to_frame() if isinstance(x, pd.Series) else x)
    frame = pd.concat([y.rename("__y__")] + ([] if exog is None else [exog]), axis=1).dropna()
    yy = frame["__y__"]
    z = None
    if exog is not None:
        z = pd.concat([pd.Series(1.0, index=frame.index, name="const"), frame[list(exog.columns)]], axis=1)
    bp = bai_perron(yy, z, **{"trim": 0.15, **bp_kwargs})
    tests = bp.tests.set_index("test")
    one = bp.global_breaks.get(1, ())
    best = _fmt_date(bp.index[one[0] - 1]) if one else ""
    split_rows = []
    if one:
        zz = np.ones((len(yy), 1)) if z is None else z.to_numpy(float)
        names = ["const"] if z is None else list(z.columns)
        for seg, sl in (("before", slice(0, one[0])), ("after", slice(one[0], None))):
            coef = np.linalg.lstsq(zz[sl], yy.to_numpy(float)[sl], rcond=None)[0] * scale
            split_rows.append({"segment": seg, **dict(zip(names, coef, strict=True))})
    return StabilityResult(
        relation=relation, rolling=rolling_estimates(yy, None if exog is None else frame[list(exog.columns)], window),
        breaks=bp, regimes=regime_table(bp, scale=scale), best_single_break=best, best_split=pd.DataFrame(split_rows),
        supf1=float(tests.loc["supF(1)", "stat"]), supf1_crit5=float(tests.loc["supF(1)", "crit_5%"]),
        udmax=float(tests.loc["UDmax", "stat"]), udmax_crit5=float(np.asarray(tests.loc["UDmax", "crit_5%"])),
    )
