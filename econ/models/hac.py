"""HAC bandwidth (number of Bartlett lags): the single place where the package decides it.

Every estimator that needs a Newey-West / HAC covariance asks this module for its lag
truncation, so a table note can state exactly one rule. The lag count ``L`` follows the
statsmodels convention: Bartlett weights ``1 - j/(L + 1)`` for ``j = 0..L``.

Rules
-----
``"fixed"``
    The user's ``lags``.
``"nw1994"``
    Newey & West (1994) plug-in rate ``floor(4 (T/100)^(2/9))``.
``"andrews"``
    Andrews (1991) data-dependent AR(1) plug-in for the Bartlett kernel (eqs. 6.2 and
    6.4): ``S_T = 1.1447 (alpha(1) T)^(1/3)`` with
    ``alpha(1) = sum_a 4 rho_a^2 s_a^4 / ((1-rho_a)^6 (1+rho_a)^2) /
    sum_a s_a^4 / (1-rho_a)^4``, one AR(1) per column of ``data``. Andrews' weights
    are ``1 - j/S_T``, so ``L = round(S_T) - 1``.
``"nw-auto"``
    Newey & West (1994) nonparametric automatic selection for the Bartlett kernel,
    computed by :class:`arch.covariance.kernel.Bartlett` on ``data``; NW (1994) truncate
    the estimate to an integer, ``L = floor(m_hat)``.

For a regression whose dependent variable is an overlapping ``horizon``-period sum, the
error is MA(``horizon - 1``) under the null, so the lag count is raised to at least
``horizon - 1`` whatever the rule.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
from arch.covariance.kernel import Bartlett

__all__ = [
    "RULES",
    "Bandwidth",
    "andrews_ar1_bandwidth",
    "andrews_ar1_bandwidths",
    "andrews_lags",
    "bandwidth",
    "choose_bandwidth",
    "describe_bandwidth",
]

RULES: tuple[str, ...] = ("fixed", "nw1994", "andrews", "nw-auto")

# Andrews (1991), Table 1 / eq. 6.2: optimal-bandwidth constant of the Bartlett kernel.
_BARTLETT_CONST = 1.1447


@dataclasses.dataclass(frozen=True)
class Bandwidth:
    """A bandwidth decision.

    Parameters
    ----------
    lags
        Number of Bartlett lags ``L`` (weights ``1 - j/(L+1)``).
    rule
        Rule name (one of :data:`RULES`).
    nobs
        Sample size the rule was applied to.
    rule_lags
        Lags the rule alone gives, before the horizon floor.
    horizon
        Overlapping horizon (``None`` if not an overlapping regression).
    description
        Human-readable sentence for table notes.
    """

    lags: int
    rule: str
    nobs: int
    rule_lags: int
    horizon: int | None
    description: str


def _as_2d(data: object) -> np.ndarray:
    arr = np.asarray(data, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError("data must be 1-d or 2-d (observations x series)")
    if not np.all(np.isfinite(arr)):
        raise ValueError("data contains NaN or infinite values")
    return arr


def andrews_ar1_bandwidth(data: np.ndarray | pd.Series | pd.DataFrame) -> float:
    """Andrews (1991) AR(1) plug-in bandwidth ``S_T`` for the Bartlett kernel.

    Parameters
    ----------
    data
        ``T x k`` array of moment contributions (e.g. regressor x residual scores, the
        intercept's column excluded) or a single series. Each column gets equal weight.

    Returns
    -------
    float
        ``S_T = 1.1447 (alpha(1) T)^(1/3)`` in Andrews' scale (weights ``1 - j/S_T``).

    Notes
    -----
    Each column is demeaned and fitted by OLS as an AR(1), ``v_t = rho v_{t-1} + e_t``,
    with innovation variance ``s^2`` (the formula of R ``sandwich::bwAndrews`` with
    ``approx = "AR(1)"``, no prewhitening). ``rho`` is clipped to ``[-0.97, 0.97]`` so
    that a near-unit-root score does not send the bandwidth to infinity.
    """
    arr = _as_2d(data)
    nobs = arr.shape[0]
    if nobs < 3:
        raise ValueError(f"need at least 3 observations for an AR(1) fit, got {nobs}")
    num = 0.0
    den = 0.0
    for col in arr.T:
        v = col - col.mean()
        lagged, current = v[:-1], v[1:]
        ss = float(lagged @ lagged)
        if ss == 0.0:
            continue  # constant column carries no information about persistence
        rho = float(lagged @ current) / ss
        rho = min(max(rho, -0.97), 0.97)  # keep the plug-in finite for near-unit roots
        s2 = float(np.mean((current - rho * lagged) ** 2))
        num += 4 * rho**2 * s2**2 / ((1 - rho) ** 6 * (1 + rho) ** 2)
        den += s2**2 / (1 - rho) ** 4
    if den == 0.0:
        raise ValueError("all columns of data are constant; bandwidth undefined")
    alpha1 = num / den
    return _BARTLETT_CONST * (alpha1 * nobs) ** (1.0 / 3.0)


def andrews_ar1_bandwidths(data: np.ndarray) -> np.ndarray:
    """:func:`andrews_ar1_bandwidth` of a stack of data sets at once.

    Parameters
    ----------
    data
        ``B x T x k`` array: ``B`` data sets of ``T x k`` moment contributions, finite.

    Returns
    -------
    numpy.ndarray
        ``S_T`` of each data set, shape ``(B,)``.

    Notes
    -----
    The same formula per column, with the columns' terms added in column order as the
    loop of :func:`andrews_ar1_bandwidth` adds them. The column dot products run through
    ``einsum`` instead of BLAS, so an ``S_T`` may differ from the single-set value in the last
    bits (tested <= 1e-12 relative); :func:`andrews_lags` rounds it to the same lags.
    A set whose columns are all constant gets ``nan``.
    """
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 3:
        raise ValueError("data must be 3-d (sets x observations x series)")
    if not np.all(np.isfinite(arr)):
        raise ValueError("data contains NaN or infinite values")
    nobs = arr.shape[1]
    if nobs < 3:
        raise ValueError(f"need at least 3 observations for an AR(1) fit, got {nobs}")
    cols = np.ascontiguousarray(arr.transpose(0, 2, 1))  # (B, k, T): each column's mean is a contiguous sum
    v = cols - cols.mean(axis=2, keepdims=True)
    lagged, current = v[..., :-1], v[..., 1:]
    ss = np.einsum("bkt,bkt->bk", lagged, lagged)
    live = ss != 0.0  # a constant column carries no information about persistence
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.clip(np.einsum("bkt,bkt->bk", lagged, current) / ss, -0.97, 0.97)
    rho = np.where(live, rho, 0.0)
    s2 = np.mean((current - rho[..., None] * lagged) ** 2, axis=2)
    num_terms = np.where(live, 4 * rho**2 * s2**2 / ((1 - rho) ** 6 * (1 + rho) ** 2), 0.0)
    den_terms = np.where(live, s2**2 / (1 - rho) ** 4, 0.0)
    num = np.zeros(arr.shape[0])
    den = np.zeros(arr.shape[0])
    for j in range(arr.shape[2]):
        num += num_terms[:, j]
        den += den_terms[:, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha1 = np.where(den != 0.0, num / den, np.nan)
    return _BARTLETT_CONST * (alpha1 * nobs) ** (1.0 / 3.0)


def andrews_lags(nobs: int, data: np.ndarray) -> np.ndarray:
    """``choose_bandwidth(nobs, "andrews", data=d).lags`` for every ``d`` of a stack ``data``.

    Parameters
    ----------
    nobs
        Observations per data set.
    data
        ``B x nobs x k`` moment contributions.

    Returns
    -------
    numpy.ndarray
        Integer lags, shape ``(B,)``.

    Notes
    -----
    Through :func:`andrews_ar1_bandwidths`. When a data set is degenerate (non-finite
    values, all columns constant, lags not below ``nobs``) every set goes through
    :func:`choose_bandwidth` one at a time, which raises its own error.
    """
    arr = np.asarray(data, dtype=float)
    try:
        s_t = andrews_ar1_bandwidths(arr) if arr.shape[1] == nobs else np.array([np.nan])
    except ValueError:
        s_t = np.array([np.nan])
    if np.all(np.isfinite(s_t)):
        lags = np.array([max(round(float(s)) - 1, 0) for s in s_t], dtype=int)
        if lags.size == 0 or int(lags.max()) < nobs:
            return lags
    return np.array([choose_bandwidth(nobs, "andrews", data=d).lags for d in arr], dtype=int)


def choose_bandwidth(
    nobs: int,
    rule: str = "nw1994",
    *,
    lags: int | None = None,
    horizon: int | None = None,
    data: np.ndarray | pd.Series | pd.DataFrame | None = None,
) -> Bandwidth:
    """Decide the HAC lag truncation and describe the decision.

    Parameters
    ----------
    nobs
        Number of observations in the regression.
    rule
        One of ``"fixed"``, ``"nw1994"``, ``"andrews"``, ``"nw-auto"`` (see module doc).
    lags
        Number of lags; required for ``"fixed"`` and rejected otherwise.
    horizon
        Length of the overlapping period of the dependent variable (``h`` in an
        ``h``-period sum). The lags are raised to at least ``horizon - 1``.
    data
        Moment contributions for the data-dependent rules (``"andrews"``, ``"nw-auto"``),
        ``nobs`` rows.

    Returns
    -------
    Bandwidth
        The chosen lags with their description.

    Raises
    ------
    ValueError
        On an unknown rule, a missing or superfluous argument, or when the chosen lags
        would be at least ``nobs``.
    """
    if isinstance(nobs, bool) or not isinstance(nobs, (int, np.integer)):
        raise ValueError(f"nobs must be an integer, got {nobs!r}")
    nobs = int(nobs)
    if nobs < 2:
        raise ValueError(f"too few observations for a HAC bandwidth: nobs={nobs}")
    if rule not in RULES:
        raise ValueError(f"unknown bandwidth rule {rule!r}; choose one of {RULES}")
    if horizon is not None and (
        isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1
    ):
        raise ValueError(f"horizon must be a positive integer, got {horizon!r}")
    if rule == "fixed":
        if lags is None:
            raise ValueError('rule="fixed" needs lags=')
        if isinstance(lags, bool) or not isinstance(lags, (int, np.integer)) or lags < 0:
            raise ValueError(f"lags must be a non-negative integer, got {lags!r}")
    elif lags is not None:
        raise ValueError(f'lags= is only used with rule="fixed", not rule={rule!r}')
    if rule in ("andrews", "nw-auto"):
        if data is None:
            raise ValueError(f"rule={rule!r} is data-dependent and needs data=")
        if np.asarray(data).shape[0] != nobs:
            raise ValueError(f"data has {np.asarray(data).shape[0]} rows but nobs={nobs}")

    if rule == "fixed":
        assert lags is not None
        rule_lags = int(lags)
        text = f"fixed bandwidth: {rule_lags} lags"
    elif rule == "nw1994":
        rule_lags = math.floor(4 * (nobs / 100) ** (2 / 9))
        text = f"Newey-West (1994) rule: floor(4(T/100)^(2/9)) = {rule_lags} lags (T = {nobs})"
    elif rule == "andrews":
        s_t = andrews_ar1_bandwidth(data)  # type: ignore[arg-type]
        rule_lags = max(round(s_t) - 1, 0)
        text = (
            f"Andrews (1991) AR(1) plug-in, Bartlett kernel: S_T = {s_t:.2f}, "
            f"{rule_lags} lags (T = {nobs})"
        )
    else:
        m_hat = float(Bartlett(_as_2d(data)).opt_bandwidth)
        rule_lags = math.floor(m_hat)
        text = (
            f"Newey-West (1994) automatic selection, Bartlett kernel: m = {m_hat:.2f}, "
            f"{rule_lags} lags (T = {nobs})"
        )

    chosen = rule_lags
    if horizon is not None and horizon - 1 > rule_lags:
        chosen = int(horizon) - 1
        text += f"; raised to h-1 = {chosen} lags for the {horizon}-period overlapping horizon"
    elif horizon is not None and horizon > 1:
        text += f" (>= h-1 = {horizon - 1} for the {horizon}-period horizon)"
    if chosen >= nobs:
        raise ValueError(
            f"too few observations: {chosen} HAC lags need more than nobs={nobs} observations"
        )
    return Bandwidth(
        lags=int(chosen),
        rule=rule,
        nobs=nobs,
        rule_lags=int(rule_lags),
        horizon=None if horizon is None else int(horizon),
        description=text,
    )


def bandwidth(
    nobs: int,
    rule: str = "nw1994",
    *,
    lags: int | None = None,
    horizon: int | None = None,
    data: np.ndarray | pd.Series | pd.DataFrame | None = None,
) -> int:
    """Number of HAC (Bartlett) lags; see :func:`choose_bandwidth` for the arguments."""
    return choose_bandwidth(nobs, rule, lags=lags, horizon=horizon, data=data).lags


def describe_bandwidth(
    nobs: int,
    rule: str = "nw1994",
    *,
    lags: int | None = None,
    horizon: int | None = None,
    data: np.ndarray | pd.Series | pd.DataFrame | None = None,
) -> str:
    """Sentence describing the bandwidth decision, for table notes.

    Examples
    --------
    >>> describe_bandwidth(240)
    'Newey-West (1994) rule: floor(4(T/100)^(2/9)) = 4 lags (T = 240)'
    """
    return choose_bandwidth(nobs, rule, lags=lags, horizon=horizon, data=data).description
