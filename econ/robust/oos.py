"""Out-of-sample evidence: expanding-window forecasts, Diebold–Mariano, Clark–West, article forecasts.

Expanding-window forecasts
--------------------------
At each origin ``t`` (from ``initial`` on) the model ``y_{s+h} = a + b'x_s + e`` is fitted by OLS
on every pair with ``s + h <= t`` (only information available at ``t``) and forecasts
``y_{t+h}`` from ``x_t``. Benchmarks: the **historical mean** of ``y`` up to ``t`` (the model with
``b = 0``) and **zero** (a random walk in the level whose change ``y`` is: the model with
``a = b = 0``). Both are nested in the model, so Clark–West is the right test of "the driver
adds forecasting power"; Diebold–Mariano is reported as the familiar equal-accuracy test
(undersized for nested models: Clark & McCracken 2001).

Diebold–Mariano (1995) with the Harvey–Leybourne–Newbold (1997) correction, exactly as R's
``forecast::dm.test``: ``d_t = |e1_t|^power - |e2_t|^power``; ``V = (g_0 + 2 sum_{k=1}^{h-1} g_k) / n``
with autocovariances ``g_k`` of ``d`` (divisor ``n``); ``DM = mean(d) / sqrt(V)`` times
``sqrt((n + 1 - 2h + h(h-1)/n) / n)``; p-values from Student-t with ``n - 1`` df.
``alternative="less"``: method 2 is less accurate; ``"greater"``: method 2 is more accurate.

Clark–West (2007, *J. Econometrics* 138(1), eq. 3.3): with the restricted (benchmark)
forecast ``f1`` and unrestricted ``f2``, ``c_t = (y - f1)^2 - [(y - f2)^2 - (f1 - f2)^2]``;
``CW = mean(c) / se(mean(c))``, one-sided standard-normal p-value (reject "no improvement"
for large CW). ``se``: the OLS standard error of a regression of ``c`` on a constant
(``sd(c, ddof=1) / sqrt(n)``) for ``h = 1``, Newey–West with ``h - 1`` lags otherwise.

Article forecasts
-----------------
:func:`score_direction` scores a dated directional call ("small caps keep winning for a
year") on the data after its publication date: the realised change of the series over each
horizon, whether it went the claimed way, and how unusual that was against every earlier
window of the same length (base rate of the claimed direction; percentile of the change).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from econ.models.base import Result, TestResult

__all__ = [
    "OOSResult",
    "clark_west",
    "diebold_mariano",
    "expanding_window_forecasts",
    "oos_evaluation",
    "score_direction",
]


def _autocov(d: np.ndarray, k: int) -> float:
    n = len(d)
    dc = d - d.mean()
    return float(dc[k:] @ dc[: n - k] / n)


def diebold_mariano(e1: Sequence[float] | np.ndarray, e2: Sequence[float] | np.ndarray, *, h: int = 1,
                    power: float = 2, alternative: str = "two-sided", hln: bool = True) -> TestResult:
    """Diebold–Mariano test of equal forecast accuracy (R ``forecast::dm.test``).

    Parameters
    ----------
    e1, e2
        Forecast errors of method 1 (e.g. the benchmark) and method 2.
    h
        Forecast horizon (autocovariances up to ``h - 1`` enter the variance).
    power
        Loss ``|e|^power`` (2 squared error, 1 absolute error).
    alternative
        ``"two-sided"``, ``"less"`` (method 2 less accurate) or ``"greater"`` (method 2
        more accurate), as in R.
    hln
        Harvey–Leybourne–Newbold small-sample factor and Student-t p-values (R's only
        form); ``False`` gives the original statistic with normal p-values.

    Returns
    -------
    TestResult
        ``stat`` (DM), ``pvalue``; ``extra`` holds ``mean_loss_diff``, ``n``, ``h``.
    """
    a, b = np.asarray(e1, dtype=float), np.asarray(e2, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("e1 and e2 must be 1-d arrays of the same length")
    if h < 1:
        raise ValueError("h must be a positive integer")
    d = np.abs(a) ** power - np.abs(b) ** power
    d = d[~np.isnan(d)]
    n = len(d)
    if n < 3:
        raise ValueError("need at least 3 loss differentials")
    var = (_autocov(d, 0) + 2 * sum(_autocov(d, k) for k in range(1, h))) / n
    if var <= 0:
        if h == 1:
            raise ValueError("variance of the loss differential is zero")
        return diebold_mariano(a, b, h=1, power=power, alternative=alternative, hln=hln)
    stat = d.mean() / math.sqrt(var)
    if hln:
        stat *= math.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
        dist: Any = stats.t(df=n - 1)
    else:
        dist = stats.norm()
    if alternative == "two-sided":
        p = 2 * dist.cdf(-abs(stat))
    elif alternative == "less":
        p = dist.cdf(stat)
    elif alternative == "greater":
        p = dist.sf(stat)
    else:
        raise ValueError("alternative must be 'two-sided', 'less' or 'greater'")
    return TestResult(name="Diebold-Mariano" + (" (HLN)" if hln else ""), stat=float(stat), pvalue=float(p),
                      df=n - 1 if hln else None, null="equal expected loss",
                      extra={"mean_loss_diff": float(d.mean()), "n": n, "h": h, "alternative": alternative})


def clark_west(actual: Sequence[float] | np.ndarray, f_restricted: Sequence[float] | np.ndarray,
               f_unrestricted: Sequence[float] | np.ndarray, *, h: int = 1) -> TestResult:
    """Clark–West (2007) test that the larger (unrestricted) model forecasts better.

    Parameters
    ----------
    actual
        Realised values.
    f_restricted
        Forecasts of the nested benchmark (e.g. historical mean, zero).
    f_unrestricted
        Forecasts of the model that nests it.
    h
        Horizon; Newey–West (Bartlett, ``h - 1`` lags) standard error for ``h > 1``.

    Returns
    -------
    TestResult
        ``stat`` (CW), one-sided ``pvalue``; ``extra``: ``mean_adjusted_diff``,
        ``mspe_restricted``, ``mspe_unrestricted``, ``n``.
    """
    y, f1, f2 = (np.asarray(v, dtype=float) for v in (actual, f_restricted, f_unrestricted))
    if not (y.shape == f1.shape == f2.shape) or y.ndim != 1:
        raise ValueError("actual and forecasts must be 1-d arrays of the same length")
    ok = ~(np.isnan(y) | np.isnan(f1) | np.isnan(f2))
    y, f1, f2 = y[ok], f1[ok], f2[ok]
    n = len(y)
    if n < 3:
        raise ValueError("need at least 3 forecasts")
    c = (y - f1) ** 2 - ((y - f2) ** 2 - (f1 - f2) ** 2)
    if h == 1:
        se = float(np.std(c, ddof=1) / math.sqrt(n))
    else:
        lags = h - 1
        v = _autocov(c, 0) + 2 * sum((1 - k / (lags + 1)) * _autocov(c, k) for k in range(1, lags + 1))
        se = math.sqrt(v / n)
    stat = float(c.mean() / se) if se > 0 else math.nan
    return TestResult(name="Clark-West", stat=stat, pvalue=float(stats.norm.sf(stat)),
                      null="the benchmark's MSPE is not larger (no improvement from the extra regressors)",
                      extra={"mean_adjusted_diff": float(c.mean()), "mspe_restricted": float(np.mean((y - f1) ** 2)),
                             "mspe_unrestricted": float(np.mean((y - f2) ** 2)), "n": n, "h": h})


def expanding_window_forecasts(y: pd.Series, X: pd.DataFrame | pd.Series, *, initial: int,
                               horizon: int = 1) -> pd.DataFrame:
    """Expanding-window OLS forecasts of ``y_{t+h}`` from ``x_t``, with the two benchmarks.

    Parameters
    ----------
    y
        Target (e.g. the weekly log change of a price ratio).
    X
        Predictor(s) on the same index.
    initial
        Number of ``(x_s, y_{s+h})`` pairs in the first estimation window.
    horizon
        ``h``: forecast ``y`` h periods after the predictor.

    Returns
    -------
    pandas.DataFrame
        Indexed by the target date: ``actual``, ``model``, ``mean`` (historical mean of ``y``
        through the origin), ``zero``, and ``origin`` (forecast origin date).
    """
    Xf = X.to_frame() if isinstance(X, pd.Series) else X
    frame = pd.concat([y.rename("__y__"), Xf], axis=1).dropna()
    yv = frame["__y__"].to_numpy(float)
    xv = frame.drop(columns="__y__").to_numpy(float)
    n, h = len(yv), int(horizon)
    if initial < xv.shape[1] + 2 or initial + h > n:
        raise ValueError(f"initial={initial} leaves no room for forecasts in {n} observations")
    Z = np.column_stack([np.ones(n), xv])
    rows = []
    for t in range(initial + h - 1, n - h):  # origin t: pairs s = 0..t-h (target s+h <= t)
        zs, ys = Z[: t - h + 1], yv[h : t + 1]
        coef = np.linalg.lstsq(zs, ys, rcond=None)[0]
        rows.append({"date": frame.index[t + h], "origin": frame.index[t], "actual": yv[t + h],
                     "model": float(Z[t] @ coef), "mean": float(yv[: t + 1].mean()), "zero": 0.0})
    return pd.DataFrame(rows).set_index("date")


@dataclasses.dataclass(repr=False)
class OOSResult(Result):
    """Out-of-sample comparison of a driver model with its benchmarks.

    Attributes
    ----------
    target, predictor
        Labels.
    forecasts
        :func:`expanding_window_forecasts` output.
    table
        One row per benchmark: MSPEs, their ratio, out-of-sample R², Clark–West and
        Diebold–Mariano statistics and p-values.
    """

    target: str
    predictor: str
    horizon: int
    initial: int
    forecasts: pd.DataFrame
    table: pd.DataFrame
    title: str = "Out-of-sample forecast evaluation"

    def to_frame(self) -> pd.DataFrame:
        return self.table


def oos_evaluation(y: pd.Series, X: pd.DataFrame | pd.Series, *, initial: int, horizon: int = 1,
                   benchmarks: Sequence[str] = ("mean", "zero"), target: str = "", predictor: str = "") -> OOSResult:
    """Forecast ``y`` from ``X`` with an expanding window and test it against nested benchmarks.

    Returns
    -------
    OOSResult
        Per benchmark: ``n``, ``first``/``last`` forecast dates, ``mspe_model``,
        ``mspe_benchmark``, ``mspe_ratio`` (model / benchmark), ``r2_oos``
        (``1 - ratio``, Campbell–Thompson), ``cw``/``cw_p`` (Clark–West, one-sided) and
        ``dm``/``dm_p`` (Diebold–Mariano HLN, two-sided; benchmark = method 1).
    """
    fc = expanding_window_forecasts(y, X, initial=initial, horizon=horizon)
    rows = []
    for b in benchmarks:
        if b not in ("mean", "zero"):
            raise ValueError("benchmarks must be 'mean' and/or 'zero'")
        e_model = fc["actual"] - fc["model"]
        e_bench = fc["actual"] - fc[b]
        cw = clark_west(fc["actual"], fc[b], fc["model"], h=horizon)
        dm = diebold_mariano(e_bench, e_model, h=horizon)
        mspe_m, mspe_b = float(np.mean(e_model**2)), float(np.mean(e_bench**2))
        rows.append({"benchmark": {"mean": "historical mean", "zero": "random walk (zero change)"}[b],
                     "n": len(fc), "first": fc.index[0], "last": fc.index[-1],
                     "mspe_model": mspe_m, "mspe_benchmark": mspe_b, "mspe_ratio": mspe_m / mspe_b,
                     "r2_oos": 1 - mspe_m / mspe_b, "cw": cw.stat, "cw_p": cw.pvalue, "dm": dm.stat, "dm_p": dm.pvalue})
    name_x = predictor or ", ".join(map(str, X.columns if isinstance(X, pd.DataFrame) else [X.name]))
    return OOSResult(target=target or str(y.name), predictor=name_x, horizon=int(horizon), initial=int(initial),
                     forecasts=fc, table=pd.DataFrame(rows))


def _past_changes(hist: pd.Series, month_ends: pd.Series, months: int, pub: pd.Timestamp) -> list[float]:
    """Change of ``hist`` over every ``months``-month window from a month end that ended by ``pub``.

    The window's end value is the last observation on or before its end date (``hist`` is
    sorted): found by binary search rather than by slicing ``hist`` once per window, as
    :func:`_past_changes_reference` does; the same values.
    """
    values = hist.to_numpy()
    past = []
    for d, v in month_ends.items():
        end = d + pd.DateOffset(months=months)
        if end > pub:
            break
        past.append(float(values[hist.index.searchsorted(end, side="right") - 1] - v))
    return past


def _past_changes_reference(hist: pd.Series, month_ends: pd.Series, months: int, pub: pd.Timestamp) -> list[float]:
    """The per-window slicing :func:`_past_changes` replaced (kept for the tests)."""
    past = []
    for d, v in month_ends.items():
        end = d + pd.DateOffset(months=months)
        if end > pub:
            break
        past.append(float(hist.loc[:end].iloc[-1] - v))
    return past


def score_direction(series: pd.Series, published: str | pd.Timestamp, direction: int, *,
                    horizons_months: Sequence[int] = (3, 6, 12), history_start: str | pd.Timestamp | None = None,
                    ) -> pd.DataFrame:
    """Score a dated directional forecast of ``series`` (e.g. a log price ratio).

    Parameters
    ----------
    series
        Daily (or any) observations, e.g. ``log(small / large)``.
    published
        Publication date: the forecast starts from the last observation on or before it.
    direction
        +1 (the series will rise) or -1 (fall).
    horizons_months
        Calendar-month horizons after publication.
    history_start
        First date of the history used for the base rate (default: the series' start).

    Returns
    -------
    pandas.DataFrame
        One row per horizon: ``start``, ``end`` (last observation on or before publication +
        horizon, or the last observation if the horizon is not complete), ``complete``,
        ``change``, ``hit`` (sign of ``change`` == ``direction``), ``base_rate`` (share of
        earlier month-end-started windows of the same length, ending before publication,
        that moved in ``direction``), ``percentile`` (rank of ``change`` among those
        windows' changes, %) and ``windows``.
    """
    if direction not in (-1, 1):
        raise ValueError("direction must be +1 or -1")
    s = series.dropna().sort_index()
    pub = pd.Timestamp(published)
    before = s.loc[:pub]
    if before.empty:
        raise ValueError(f"no observation on or before {pub.date()}")
    start_date, start_value = before.index[-1], float(before.iloc[-1])
    hist = s.loc[pd.Timestamp(history_start):] if history_start is not None else s
    month_ends = hist.loc[:pub].resample("ME").last().dropna()
    rows = []
    for m in horizons_months:
        target = pub + pd.DateOffset(months=int(m))
        upto = s.loc[:target]
        end_date = upto.index[-1]
        complete = bool(s.index[-1] >= target)
        change = float(upto.iloc[-1] - start_value)
        past_arr = np.array(_past_changes(hist, month_ends, int(m), pub))
        base = float(np.mean(np.sign(past_arr) == direction)) if len(past_arr) else math.nan
        pct = float(100 * np.mean(past_arr <= change)) if len(past_arr) else math.nan
        rows.append({"horizon_months": int(m), "start": start_date, "end": end_date, "complete": complete,
                     "change": change, "hit": bool(np.sign(change) == direction), "base_rate": base,
                     "percentile": pct, "windows": len(past_arr)})
    return pd.DataFrame(rows)
