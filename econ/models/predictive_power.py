"""Power of a long-horizon predictive regression of returns on a ratio's real-time z-score.

The design the C11 bands study tests: ``x_t`` is the log of a small/large ratio, ``z_t`` its
real-time z-score (expanding mean and sd of ``x`` up to ``t`` after a burn-in), and the
forward ``h``-period change ``x_{t+h} - x_t = r_{t+1} + ... + r_{t+h}`` is regressed on
``z_t`` with Hodrick (1992) 1B standard errors. Under a mean-reverting alternative the log
ratio is a stationary AR(1), ``x_t = rho x_{t-1} + sigma e_t`` with half-life
``ln 0.5 / ln rho``; under the null it is a random walk (``rho = 1``). :func:`reversion_power`
simulates the design at the study's own sample length and returns the rejection rate in the
claimed (negative) direction for each half-life, so a non-rejection is read with its power.

:func:`hodrick_slopes` is the closed form of the slope entry of ``ols_hac(cov="hodrick")``
for many series at once (one series per row); the tests check it against
``econ.models.regression.ols_hac`` to 1e-10.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

from econ.models.base import Result

__all__ = ["ReversionPowerResult", "hodrick_slopes", "realtime_zscore", "reversion_power"]


def hodrick_slopes(z: np.ndarray, r: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Slope, Hodrick (1992) 1B standard error and two-sided normal p-value, row by row.

    Row ``b`` regresses ``y_t = r_t + ... + r_{t+h-1}`` (``t = 0..n-h``) on a constant and
    ``z_t``; the 1B variance uses the null-imposed one-period residuals ``r - mean(r)`` and
    the rolled-back regressor sums over all ``n`` rows, as ``ols_hac(cov="hodrick")`` does.

    Parameters
    ----------
    z, r
        Arrays of shape (B, n): the regressor ``z_t`` and the next-period return ``r_{t+1}``
        stored in the same row ``t``.
    horizon
        ``h``, in periods.

    Returns
    -------
    tuple
        ``(beta, se, pvalue, nobs)``; the first three of length B, ``nobs = n - h + 1``.
    """
    z = np.atleast_2d(np.asarray(z, dtype=float))
    r = np.atleast_2d(np.asarray(r, dtype=float))
    if z.shape != r.shape:
        raise ValueError(f"z and r must have the same shape; got {z.shape} and {r.shape}")
    b, n = z.shape
    h = int(horizon)
    m = n - h + 1
    if h < 1 or m < 4:
        raise ValueError(f"too few observations: {m} for horizon {h}")
    zeros = np.zeros((b, 1))
    cs = np.concatenate([zeros, np.cumsum(r, axis=1)], axis=1)
    y = cs[:, h:] - cs[:, :-h]
    x = z[:, :m]
    xbar = x.mean(axis=1, keepdims=True)
    xd = x - xbar
    sxx = (xd**2).sum(axis=1)
    beta = (xd * (y - y.mean(axis=1, keepdims=True))).sum(axis=1) / sxx
    e = r - r.mean(axis=1, keepdims=True)
    csx = np.concatenate([zeros, np.cumsum(z, axis=1)], axis=1)
    rolled = csx[:, h:] - csx[:, :-h]            # rows s = h-1..n-1: z_s + ... + z_{s-h+1}
    e_s = e[:, h - 1:]
    g = rolled - h * xbar
    var = m * ((g**2) * (e_s**2)).sum(axis=1) / e_s.shape[1] / sxx**2
    se = np.sqrt(var)
    pvalue = special.erfc(np.abs(beta / se) / math.sqrt(2.0))
    return beta, se, pvalue, m


def realtime_zscore(x: np.ndarray, min_periods: int) -> np.ndarray:
    """Expanding z-score of each row of ``x`` (mean and sd with ddof 1 up to t; NaN before ``min_periods``)."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    t = np.arange(1, x.shape[1] + 1)
    mean = np.cumsum(x, axis=1) / t
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (np.cumsum(x**2, axis=1) - t * mean**2) / (t - 1)
        zs = (x - mean) / np.sqrt(var)
    zs[:, : min_periods - 1] = np.nan
    return zs


@dataclasses.dataclass(repr=False)
class ReversionPowerResult(Result):
    """Result of :func:`reversion_power`.

    Attributes
    ----------
    table
        One row per half-life (months; ``inf`` = random walk, the null): ``rho``, the implied
        population slope per sd of the log ratio (``(rho^h - 1) sd(x)``), ``power`` (share of
        replications with p < alpha and a negative slope), ``reject`` (two-sided rejection
        rate, either sign), ``mean_beta`` and ``power_size_adjusted`` (share of Hodrick
        t-statistics below the ``alpha / 2`` quantile of the random-walk ones: the
        claimed-direction half of a two-sided test whose size is exact by construction).
    nobs
        Observations of each simulated regression (``n_periods - min_periods - horizon + 1``).
    n_periods, horizon, min_periods, sigma, alpha, reps, seed
        The design.
    critical_t
        The size-adjusted critical value of the Hodrick t-statistic (``alpha / 2`` quantile
        under the random walk, or the one passed in).
    """

    table: pd.DataFrame
    nobs: int
    n_periods: int
    horizon: int
    min_periods: int
    sigma: float
    alpha: float
    reps: int
    seed: int
    critical_t: float = float("nan")
    title = "Power of the predictive regression on the real-time z-score"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def power_at(self, half_life: float, *, size_adjusted: bool = False) -> float:
        """Power against the AR(1) alternative with this half-life (must be in the table)."""
        return float(self.table.loc[float(half_life), "power_size_adjusted" if size_adjusted else "power"])

    @property
    def size(self) -> float:
        """Two-sided rejection rate of the Hodrick test under the random walk (nominal: ``alpha``)."""
        return float(self.table.loc[math.inf, "reject"])


def reversion_power(n_periods: int, sigma: float, half_lives: Sequence[float], *, horizon: int,
                    min_periods: int, reps: int = 2000, alpha: float = 0.05, seed: int = 0,
                    critical_t: float | None = None) -> ReversionPowerResult:
    """Monte Carlo power of the Hodrick-error predictive regression on the real-time z-score.

    Parameters
    ----------
    n_periods
        Length of the simulated log ratio (the study's monthly sample).
    sigma
        Innovation sd of the log ratio per period (e.g. the sd of its monthly changes).
    half_lives
        Half-lives (periods) of the AR(1) alternatives; must include ``math.inf``, the random
        walk (the null, whose slopes give the size-adjusted critical value).
    horizon, min_periods
        Forecast horizon and burn-in of the real-time z-score, in periods.
    reps, alpha, seed
        Replications, test level (two-sided, rejection counted in the negative direction for
        ``power``) and seed.
    critical_t
        Size-adjusted critical value to use instead of the one estimated from this run's
        random-walk replications (to check its calibration on fresh draws).

    Returns
    -------
    ReversionPowerResult

    Notes
    -----
    Under the random walk the real-time z-score is built from the returns' own past, so the
    slope is biased downwards (Stambaugh 1999) and its t-statistic has a Dickey–Fuller-like,
    left-skewed distribution: the Hodrick test over-rejects in the claimed direction even in
    long samples: ``reject`` at ``inf`` is the test's true size and
    ``power_size_adjusted`` the power it would have at its nominal size. The stationary
    alternatives start from their stationary distribution; the random walk starts at zero. The return is the change of the log ratio itself (a price ratio), and
    the regression uses the rows from the first valid z-score to the last row with a
    next-period return, as the study does.
    """
    if n_periods - min_periods - horizon + 1 < 4:
        raise ValueError("sample too short for the design")
    rng = np.random.default_rng(seed)
    first = min_periods - 1
    rows = []
    nobs = 0
    for hl in half_lives:
        rho = 1.0 if math.isinf(hl) else 0.5 ** (1.0 / float(hl))
        eps = rng.standard_normal((reps, n_periods)) * sigma
        x = np.empty((reps, n_periods))
        x[:, 0] = 0.0 if rho >= 1 else eps[:, 0] / math.sqrt(1 - rho**2)
        for t in range(1, n_periods):
            x[:, t] = rho * x[:, t - 1] + eps[:, t]
        zs = realtime_zscore(x, min_periods)
        r = np.diff(x, axis=1)
        beta, se, p, nobs = hodrick_slopes(zs[:, first:n_periods - 1], r[:, first:], horizon)
        sd_x = math.inf if rho >= 1 else sigma / math.sqrt(1 - rho**2)
        implied = 0.0 if rho >= 1 else (rho**horizon - 1) * sd_x
        rows.append({"half_life": float(hl), "rho": rho, "implied_beta": implied,
                     "power": float(np.mean((p < alpha) & (beta < 0))), "reject": float(np.mean(p < alpha)),
                     "mean_beta": float(np.mean(beta)), "_t": beta / se})
    null_t = next((row["_t"] for row in rows if math.isinf(row["half_life"])), None)
    if null_t is None:
        raise ValueError("half_lives must include math.inf (the random-walk null) for the size-adjusted power")
    critical = float(np.quantile(null_t, alpha / 2)) if critical_t is None else float(critical_t)
    for row in rows:
        row["power_size_adjusted"] = float(np.mean(row.pop("_t") < critical))
    table = pd.DataFrame(rows).set_index("half_life")
    return ReversionPowerResult(table=table, nobs=int(nobs), n_periods=int(n_periods), horizon=int(horizon),
                                min_periods=int(min_periods), sigma=float(sigma), alpha=float(alpha),
                                reps=int(reps), seed=int(seed), critical_t=critical)
