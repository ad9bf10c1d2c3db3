"""Cointegration tests: Engle-Granger (via arch) and Johansen (via statsmodels).

``engle_granger`` wraps :func:`arch.unitroot.engle_granger`: an OLS cointegrating
regression followed by an ADF test (no deterministic terms) on its residuals, with
MacKinnon-type p-values and arch's simulated critical values. ``johansen`` wraps
:func:`statsmodels.tsa.vector_ar.vecm.coint_johansen` and adds the sequential rank choice:
the rank is the first ``r`` whose null ``rank <= r`` is not rejected at the chosen level
(Johansen 1995, ch. 12), separately for the trace and maximum-eigenvalue statistics.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from arch.unitroot import engle_granger as _arch_engle_granger
from statsmodels.tsa.vector_ar.vecm import coint_johansen

from econ.models.base import Result
from econ.models.unitroot import clean_series

__all__ = [
    "EngleGrangerResult",
    "JohansenResult",
    "engle_granger",
    "johansen",
]

_MIN_NOBS = 20
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
