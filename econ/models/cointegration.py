"""Cointegration tests: Engle-Granger (via arch) and Johansen (via statsmodels).

``engle_granger`` wraps :func:`arch.unitroot.engle_granger`: an OLS cointegrating
regression followed by an ADF test (no deterministic terms) on its residuals, with
MacKinnon-type p-values and arch's simulated critical values. ``johansen`` wraps
:func:`statsmodels.tsa.vector_ar.vecm.coint_johansen` and adds the sequential rank choice:
the rank is the first ``r`` whose null ``rank <= r`` is not rejected at the chosen level
(Johansen 1995, ch. 12), separately for the trace and maximum-eigenvalue statistics.
``engle_granger_window_rank`` judges the Engle-Granger statistic of one window (for instance
a window chosen after looking at the data) against the same test, run with
:func:`statsmodels.tsa.stattools.coint`, on every window of the same length in the sample.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from arch.unitroot import engle_granger as _arch_engle_granger
from statsmodels.tsa.adfvalues import mackinnonp
from statsmodels.tsa.stattools import coint as _sm_coint
from statsmodels.tsa.tsatools import add_trend, lagmat
from statsmodels.tsa.vector_ar.vecm import coint_johansen

from econ.models.base import Result
from econ.models.unitroot import clean_series

__all__ = [
    "EngleGrangerResult",
    "JohansenResult",
    "WindowRankResult",
    "engle_granger",
    "engle_granger_window_rank",
    "johansen",
    "window_engle_granger",
]

_MIN_NOBS = 20
_SQRTEPS = np.sqrt(np.finfo(np.double).eps)  # statsmodels coint's collinearity guard
_JOHANSEN_LEVELS = {0.10: 0, 0.05: 1, 0.01: 2}  # column of statsmodels' critical values


def _clean_frame(data: pd.DataFrame, *, min_nobs: int = _MIN_NOBS) -> pd.DataFrame:
    """Numeric columns, joint sample with leading/trailing NaN rows dropped, no gaps."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame, got {type(data).__name__}")
    if data.shape[1] == 0:
        raise ValueError("data has no columns")
    if data.columns.duplicated().any():
        raise ValueError("duplicate column names")
    for col in data.columns:
        clean_series(data[col].rename(col), min_nobs=1)  # type and gap checks per column
    frame = data.astype("float64")
    complete = frame.notna().all(axis=1).to_numpy()
    if not complete.any():
        raise ValueError("the columns have no observation in common")
    first = int(np.argmax(complete))
    last = len(complete) - 1 - int(np.argmax(complete[::-1]))
    frame = frame.iloc[first : last + 1]
    if frame.isna().any().any():
        raise ValueError("the joint sample has interior missing values; align the series first")
    if len(frame) < min_nobs:
        raise ValueError(f"too few observations: {len(frame)} < {min_nobs} required")
    return frame


@dataclasses.dataclass(repr=False)
class EngleGrangerResult(Result):
    """Engle-Granger two-step cointegration test.

    Parameters
    ----------
    stat, pvalue
        ADF t-statistic on the cointegrating residual and its p-value.
    crit
        Critical values keyed ``"1%"``, ``"5%"``, ``"10%"``.
    lags
        ADF lags on the residual.
    trend
        Deterministic terms in the cointegrating regression.
    nobs
        Observations in the cointegrating regression.
    rho
        AR(1) coefficient of the residual implied by the ADF regression.
    cointegrating_vector
        Normalised vector (1 on ``y``, then ``-beta`` on each x and deterministic terms).
    y, x
        Variable names.
    alpha
        Level of :attr:`cointegrated`.
    """

    stat: float
    pvalue: float
    crit: dict[str, float]
    lags: int
    trend: str
    nobs: int
    rho: float
    cointegrating_vector: pd.Series
    y: str
    x: list[str]
    alpha: float = 0.05
    title: ClassVar[str] = "Engle-Granger cointegration test"

    @property
    def cointegrated(self) -> bool:
        """Whether the null of no cointegration is rejected at :attr:`alpha`."""
        return bool(self.pvalue < self.alpha)

    def to_frame(self) -> pd.DataFrame:
        row: dict[str, Any] = {
            "test": "Engle-Granger",
            "y": self.y,
            "x": ", ".join(self.x),
            "stat": self.stat,
            "pvalue": self.pvalue,
            "lags": self.lags,
            "trend": self.trend,
            "nobs": self.nobs,
            "null": "no cointegration",
            "verdict": "cointegrated" if self.cointegrated else "not cointegrated",
        }
        for k, v in self.crit.items():
            row[f"crit_{k}"] = v
        return pd.DataFrame([row])


def engle_granger(
    y: pd.Series,
    x: pd.Series | pd.DataFrame,
    *,
    trend: str = "c",
    lags: int | None = None,
    max_lags: int | None = None,
    method: str = "aic",
    alpha: float = 0.05,
) -> EngleGrangerResult:
    """Engle-Granger test of the null of no cointegration between ``y`` and ``x``.

    Parameters
    ----------
    y
        Dependent series of the cointegrating regression.
    x
        One series or a DataFrame of series; must share ``y``'s index.
    trend
        ``"n"``, ``"c"``, ``"ct"`` or ``"ctt"`` in the cointegrating regression.
    lags
        Fixed ADF lags on the residual; ``None`` selects them by ``method``.
    max_lags
        Largest lag considered by ``method``.
    method
        ``"aic"``, ``"bic"`` or ``"t-stat"``.
    alpha
        Level of the ``cointegrated`` verdict.

    Returns
    -------
    EngleGrangerResult
    """
    if not isinstance(y, pd.Series):
        raise ValueError(f"y must be a pandas Series, got {type(y).__name__}")
    if isinstance(x, pd.Series):
        x = x.to_frame(name=x.name if x.name is not None else "x")
    if not isinstance(x, pd.DataFrame):
        raise ValueError(f"x must be a pandas Series or DataFrame, got {type(x).__name__}")
    if not y.index.equals(x.index):
        raise ValueError("y and x have different indexes; align them first")
    if trend not in ("n", "c", "ct", "ctt"):
        raise ValueError(f"trend must be 'n', 'c', 'ct' or 'ctt', got {trend!r}")
    if method not in ("aic", "bic", "t-stat"):
        raise ValueError(f"method must be 'aic', 'bic' or 't-stat', got {method!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    y_name = str(y.name) if y.name is not None else "y"
    x_names = [str(c) for c in x.columns]
    if y_name in x_names:
        raise ValueError(f"y {y_name!r} also appears among x")
    frame = _clean_frame(pd.concat([y.rename(y_name), x.set_axis(x_names, axis=1)], axis=1))
    res = _arch_engle_granger(
        frame[y_name], frame[x_names], trend=trend, lags=lags, max_lags=max_lags, method=method
    )
    crit = {f"{int(k)}%": float(v) for k, v in res.critical_values.items()}
    return EngleGrangerResult(
        stat=float(res.stat),
        pvalue=float(res.pvalue),
        crit=dict(sorted(crit.items(), key=lambda kv: float(kv[0][:-1]))),
        lags=int(res.lags),
        trend=trend,
        nobs=len(frame),
        rho=float(res.rho),
        cointegrating_vector=res.cointegrating_vector.astype(float),
        y=y_name,
        x=x_names,
        alpha=alpha,
    )


@dataclasses.dataclass(repr=False)
class JohansenResult(Result):
    """Johansen trace and maximum-eigenvalue tests with the chosen cointegrating rank.

    Parameters
    ----------
    variables
        Names of the system's series.
    eig
        Eigenvalues, descending.
    evec
        Eigenvectors (columns ordered as ``eig``), rows indexed by variable.
    trace, max_eig
        Statistics for the nulls ``rank <= r``, ``r = 0..k-1``.
    trace_crit, max_eig_crit
        Critical values, rows ``r``, columns ``"90%"``, ``"95%"``, ``"99%"``.
    rank_trace, rank_max_eig
        Rank chosen by the sequential procedure at level ``alpha``.
    det_order
        -1 no deterministic terms, 0 constant, 1 linear trend.
    k_ar_diff
        Lagged differences in the VECM.
    nobs
        Observations in the levels sample.
    alpha
        Level of the rank choice.
    """

    variables: list[str]
    eig: np.ndarray
    evec: pd.DataFrame
    trace: np.ndarray
    max_eig: np.ndarray
    trace_crit: pd.DataFrame
    max_eig_crit: pd.DataFrame
    rank_trace: int
    rank_max_eig: int
    det_order: int
    k_ar_diff: int
    nobs: int
    alpha: float = 0.05
    title: ClassVar[str] = "Johansen cointegration rank tests"

    def to_frame(self) -> pd.DataFrame:
        """One row per null ``rank <= r``."""
        frame = pd.DataFrame(
            {
                "rank_null": np.arange(len(self.eig)),
                "eigenvalue": self.eig,
                "trace": self.trace,
                "max_eig": self.max_eig,
            }
        )
        for level in self.trace_crit.columns:
            frame[f"trace_crit_{level}"] = self.trace_crit[level].to_numpy()
        for level in self.max_eig_crit.columns:
            frame[f"max_eig_crit_{level}"] = self.max_eig_crit[level].to_numpy()
        return frame


def _sequential_rank(stats: np.ndarray, crit: np.ndarray) -> int:
    for r, (s, c) in enumerate(zip(stats, crit, strict=True)):
        if s < c:
            return r
    return len(stats)


def johansen(
    data: pd.DataFrame,
    *,
    det_order: int = 0,
    k_ar_diff: int = 1,
    alpha: float = 0.05,
) -> JohansenResult:
    """Johansen cointegration rank tests on a system of series.

    Parameters
    ----------
    data
        DataFrame of 2 to 12 numeric series (statsmodels' critical-value tables stop at 12).
    det_order
        -1 no deterministic terms, 0 constant, 1 linear trend.
    k_ar_diff
        Number of lagged differences in the VECM.
    alpha
        0.10, 0.05 or 0.01 (the levels with tabulated critical values).

    Returns
    -------
    JohansenResult
    """
    if det_order not in (-1, 0, 1):
        raise ValueError(f"det_order must be -1, 0 or 1, got {det_order!r}")
    if isinstance(k_ar_diff, bool) or not isinstance(k_ar_diff, (int, np.integer)) or k_ar_diff < 0:
        raise ValueError(f"k_ar_diff must be a non-negative integer, got {k_ar_diff!r}")
    level = next((v for k, v in _JOHANSEN_LEVELS.items() if np.isclose(alpha, k)), None)
    if level is None:
        raise ValueError(f"alpha must be one of {sorted(_JOHANSEN_LEVELS)}, got {alpha}")
    frame = _clean_frame(data)
    k = frame.shape[1]
    if not 2 <= k <= 12:
        raise ValueError(f"Johansen needs 2 to 12 series, got {k}")
    if len(frame) < max(_MIN_NOBS, k * (k_ar_diff + 1) + 10):
        raise ValueError(
            f"too few observations ({len(frame)}) for {k} series and {k_ar_diff} lagged differences"
        )
    res = coint_johansen(frame.to_numpy(), det_order, int(k_ar_diff))
    names = [str(c) for c in frame.columns]
    levels = ["90%", "95%", "99%"]
    ranks = [f"r<={r}" for r in range(k)]
    trace = np.asarray(res.lr1, dtype=float)
    max_eig = np.asarray(res.lr2, dtype=float)
    cvt = np.asarray(res.cvt, dtype=float)
    cvm = np.asarray(res.cvm, dtype=float)
    return JohansenResult(
        variables=names,
        eig=np.asarray(res.eig, dtype=float),
        evec=pd.DataFrame(res.evec, index=names, columns=[f"v{i + 1}" for i in range(k)]),
        trace=trace,
        max_eig=max_eig,
        trace_crit=pd.DataFrame(cvt, index=ranks, columns=levels),
        max_eig_crit=pd.DataFrame(cvm, index=ranks, columns=levels),
        rank_trace=_sequential_rank(trace, cvt[:, level]),
        rank_max_eig=_sequential_rank(max_eig, cvm[:, level]),
        det_order=int(det_order),
        k_ar_diff=int(k_ar_diff),
        nobs=len(frame),
        alpha=float(alpha),
    )


# ----------------------------------------------------------------------------- window rank
def window_engle_granger(
    y: pd.Series,
    x: pd.Series,
    *,
    window: int,
    step: int = 1,
    offset: int = 0,
    trend: str = "c",
    maxlag: int | None = None,
    autolag: str | None = "aic",
    statsmodels_loop: bool = False,
) -> pd.DataFrame:
    """Engle-Granger test (statsmodels ``coint``) on every window of ``window`` observations.

    Parameters
    ----------
    y, x
        Two series on one index (the cointegrating regression is ``y`` on ``x``).
    window
        Observations per window.
    step
        Observations between consecutive window starts.
    offset
        Position of one window start; the others are ``offset ± k * step`` (so a given
        window is always among them).
    trend, maxlag, autolag
        Passed to :func:`statsmodels.tsa.stattools.coint`.
    statsmodels_loop
        Call ``coint`` once per window (the slow reference) instead of the batched AIC lag
        search (:func:`_eg_windows_aic`, the same floats), which serves ``autolag="aic"``.

    Returns
    -------
    pandas.DataFrame
        One row per window, indexed by its first date: ``end``, ``stat`` (ADF t-statistic of
        the residual), ``pvalue`` (MacKinnon, nominal: one window, chosen in advance) and
        ``beta`` (slope of the cointegrating regression).
    """
    frame = _clean_frame(pd.concat([y.rename("y"), x.rename("x")], axis=1))
    n = len(frame)
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or not _MIN_NOBS <= window <= n:
        raise ValueError(f"window must be an integer in [{_MIN_NOBS}, {n}], got {window!r}")
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 1:
        raise ValueError(f"step must be a positive integer, got {step!r}")
    if not 0 <= offset <= n - window:
        raise ValueError(f"offset must be in [0, {n - window}], got {offset}")
    yv, xv = frame["y"].to_numpy(), frame["x"].to_numpy()
    starts = np.arange(offset % step, n - window + 1, step)
    if autolag == "aic" and not statsmodels_loop:
        stat, pvalue = _eg_windows_aic(yv, xv, starts, window, trend=trend, maxlag=maxlag)
    else:
        stat, pvalue = _eg_windows_statsmodels(yv, xv, starts, window, trend=trend, maxlag=maxlag, autolag=autolag)
    beta = np.array([np.polyfit(xv[s : s + window], yv[s : s + window], 1)[0] for s in starts])
    return pd.DataFrame({"end": frame.index[starts + window - 1], "stat": stat, "pvalue": pvalue, "beta": beta},
                        index=pd.Index(frame.index[starts], name="start"))


def _eg_windows_statsmodels(
    yv: np.ndarray, xv: np.ndarray, starts: np.ndarray, window: int, *, trend: str, maxlag: int | None,
    autolag: str | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Engle-Granger statistic and MacKinnon p of every window, one statsmodels ``coint`` call each."""
    out = np.array([_sm_coint(yv[s : s + window], xv[s : s + window], trend=trend, maxlag=maxlag,
                              autolag=autolag)[:2] for s in starts], dtype=float).reshape(-1, 2)
    return out[:, 0], out[:, 1]


def _pinv_ols(exog: np.ndarray, endog: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """statsmodels ``OLS(endog, exog).fit()`` (method "pinv") without the model machinery.

    The same operations in the same order as ``statsmodels.tools.tools.pinv_extended`` and
    ``RegressionModel.fit``, so the estimates are the same floats.

    Returns
    -------
    params, normalized_cov_params, resid, rank
    """
    u, s, vt = np.linalg.svd(exog.conjugate(), False)
    s_orig = np.copy(s)
    cutoff = 1e-15 * np.maximum.reduce(s)
    s = np.where(s > cutoff, 1.0 / np.where(s > cutoff, s, 1.0), 0.0)
    pinv = np.dot(np.transpose(vt), np.multiply(s[:, np.newaxis], np.transpose(u)))
    rank = int(np.linalg.matrix_rank(np.diag(s_orig)))
    params = np.dot(pinv, endog)
    resid = endog - np.dot(exog, params)
    return params, np.dot(pinv, np.transpose(pinv)), resid, rank


def _adf_design(resid: np.ndarray, lags: int) -> tuple[np.ndarray, np.ndarray]:
    """statsmodels ``adfuller``'s design (no deterministic terms): lagged level, ``lags`` lagged differences."""
    xdiff = np.diff(resid)
    xdall = lagmat(xdiff[:, None], lags, trim="both", original="in")
    nobs = xdall.shape[0]
    xdall[:, 0] = resid[-nobs - 1 : -1]
    return xdall, xdiff[-nobs:]


def _adf_aic_lags(resids: np.ndarray, maxlag: int) -> np.ndarray:
    """AIC-chosen lag of statsmodels ``adfuller(autolag="aic", regression="n")`` for every row of ``resids``.

    As in statsmodels, lags 0..maxlag are compared on the common sample of the largest lag;
    the residual sums of squares of the nested regressions come from one QR decomposition of
    ``[design | response]`` per row, all rows at once. Ties go to the smaller lag.
    """
    designs = [np.column_stack(_adf_design(r, maxlag)) for r in resids]
    r_aug = np.linalg.qr(np.stack(designs), mode="r")
    k = maxlag + 1
    tail = r_aug[:, :, k] ** 2  # squared effects of the response on each column, then the last residual term
    ssr = np.cumsum(tail[:, ::-1], axis=1)[:, ::-1][:, 1 : k + 1]  # ssr[:, j]: regression on the first j + 1 columns
    nobs = resids.shape[1] - 1 - maxlag
    nobs2 = nobs / 2.0
    llf = -nobs2 * np.log(2 * np.pi) - nobs2 * np.log(ssr / nobs) - nobs2
    aic = -2 * llf + 2 * np.arange(1, k + 1)
    return np.argmin(aic, axis=1)


def _eg_windows_aic(
    yv: np.ndarray, xv: np.ndarray, starts: np.ndarray, window: int, *, trend: str, maxlag: int | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Engle-Granger statistic and MacKinnon p of every window: statsmodels ``coint`` with AIC lags.

    Per window: the cointegrating regression and the final ADF regression are statsmodels'
    OLS operations (:func:`_pinv_ols`, same floats); the AIC lag search of every window is one
    batched QR (:func:`_adf_aic_lags`).
    """
    nobs = window
    if maxlag is None:
        maxlag = min(nobs // 2 - 1, int(np.ceil(12.0 * np.power(nobs / 100.0, 1 / 4.0))))
    elif maxlag > nobs // 2 - 1:
        raise ValueError("maxlag must be less than (nobs/2 - 1 - ntrend)")
    resids, collinear = np.empty((len(starts), window)), np.zeros(len(starts), dtype=bool)
    for i, s in enumerate(starts):
        ys = yv[s : s + window]
        exog = add_trend(xv[s : s + window, None], trend=trend, prepend=False) if trend != "n" else xv[s : s + window, None]
        _, _, resid, _ = _pinv_ols(exog, ys)
        resids[i] = resid
        centered = ys - ys.mean()
        tss = np.dot(centered, centered) if trend != "n" else np.dot(ys, ys)
        collinear[i] = not 1 - np.dot(resid, resid) / tss < 1 - 100 * _SQRTEPS
    lags = _adf_aic_lags(resids, maxlag)
    stat = np.full(len(starts), -np.inf)
    for i in np.flatnonzero(~collinear):
        exog, endog = _adf_design(resids[i], int(lags[i]))
        params, ncp, resid, rank = _pinv_ols(exog[:, : lags[i] + 1], endog)
        scale = np.dot(resid, resid) / (len(endog) - rank)
        stat[i] = float((params / np.sqrt(np.diag(ncp * scale)))[0])
    pvalue = np.array([mackinnonp(t, regression=trend, N=2) for t in stat], dtype=float)
    return stat, pvalue


@dataclasses.dataclass(repr=False)
class WindowRankResult(Result):
    """The Engle-Granger statistic of one window against every window of its length.

    Parameters
    ----------
    start, end
        First and last date of the judged window.
    stat
        Its ADF t-statistic on the cointegrating residual.
    pvalue_nominal
        Its MacKinnon p-value, valid only for a window fixed before seeing the data.
    pvalue
        Share of all windows whose statistic is at least as extreme (``<= stat``), the judged
        window included.
    rank
        Its rank among the windows, 1 = most negative statistic.
    n_windows, window, step
        Windows compared, observations per window, observations between starts.
    beta
        Slope of the judged window's cointegrating regression.
    share_nominal_reject
        Share of windows whose nominal p is below ``alpha`` (how often a window "finds"
        cointegration).
    windows
        Every window (see :func:`window_engle_granger`).
    alpha
        Level of ``share_nominal_reject``.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    stat: float
    pvalue_nominal: float
    pvalue: float
    rank: int
    n_windows: int
    window: int
    step: int
    beta: float
    share_nominal_reject: float
    windows: pd.DataFrame
    alpha: float = 0.05
    title: ClassVar[str] = "Engle-Granger statistic of a window against all windows of its length"

    def restricted(self, first: str | pd.Timestamp) -> WindowRankResult:
        """The same ranking among the windows that start on or after ``first`` only."""
        keep = self.windows[self.windows.index >= pd.Timestamp(first)]
        if self.start not in keep.index:
            raise ValueError(f"the judged window starts {self.start:%Y-%m-%d}, before {first}")
        stats = keep["stat"].to_numpy()
        return dataclasses.replace(
            self, pvalue=float(np.mean(stats <= self.stat)), rank=int(np.sum(stats < self.stat)) + 1,
            n_windows=len(keep), share_nominal_reject=float(np.mean(keep["pvalue"].to_numpy() < self.alpha)),
            windows=keep)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "start": self.start, "end": self.end, "nobs": self.window, "stat": self.stat, "beta": self.beta,
            "pvalue_nominal": self.pvalue_nominal, "rank": self.rank, "n_windows": self.n_windows,
            "step": self.step, "pvalue_windows": self.pvalue, "share_nominal_reject": self.share_nominal_reject,
        }])


def engle_granger_window_rank(
    y: pd.Series,
    x: pd.Series,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
    *,
    step: int = 1,
    trend: str = "c",
    maxlag: int | None = None,
    autolag: str | None = "aic",
    alpha: float = 0.05,
) -> WindowRankResult:
    """Judge the Engle-Granger test of the window ``[start, end]`` against all windows of its length.

    A window picked after looking at the data (say, from a peak to a trough) can show
    "cointegration" that the MacKinnon p-value, which assumes a window fixed in advance, cannot
    discount. The reference distribution here is the same test on every window with the same
    number of observations, starts ``step`` observations apart (the judged window among them).
    The p-value is the share of windows whose statistic is at least as negative as the judged
    window's. The windows overlap, so this is a rank among dependent windows, not a test with
    an exact size under a model; it answers whether the chosen window is unusual.

    Parameters
    ----------
    y, x
        Two series on one index, no interior gaps.
    start, end
        Inclusive dates of the judged window (its length sets every window's length).
    step, trend, maxlag, autolag
        See :func:`window_engle_granger`.
    alpha
        Level of the nominal rejections counted in ``share_nominal_reject``.

    Returns
    -------
    WindowRankResult
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    frame = _clean_frame(pd.concat([y.rename("y"), x.rename("x")], axis=1))
    inside = np.flatnonzero((frame.index >= pd.Timestamp(start)) & (frame.index <= pd.Timestamp(end)))
    if len(inside) < _MIN_NOBS:
        raise ValueError(f"the window {start} to {end} holds {len(inside)} observations, {_MIN_NOBS} needed")
    first, window = int(inside[0]), len(inside)
    windows = window_engle_granger(frame["y"], frame["x"], window=window, step=step, offset=first, trend=trend,
                                   maxlag=maxlag, autolag=autolag)
    own = windows.loc[frame.index[first]]
    stats = windows["stat"].to_numpy()
    return WindowRankResult(
        start=frame.index[first], end=frame.index[first + window - 1], stat=float(own["stat"]),
        pvalue_nominal=float(own["pvalue"]), pvalue=float(np.mean(stats <= own["stat"])),
        rank=int(np.sum(stats < own["stat"])) + 1, n_windows=len(windows), window=window, step=step,
        beta=float(own["beta"]), share_nominal_reject=float(np.mean(windows["pvalue"].to_numpy() < alpha)),
        windows=windows, alpha=alpha,
    )
