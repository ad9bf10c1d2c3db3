"""Placebo tests: leads instead of lags, shuffled or block-permuted regressors, fake event dates.

* :func:`lead_lag_placebo` fits ``y_t`` on ``x_{t+k}`` for leads ``k > 0`` (and lags
  ``k <= 0``): if ``x`` drives ``y`` with the timing claimed, future values of ``x`` should not
  "explain" today's ``y``; a lead as large as the claimed lag says the relation is
  contemporaneous co-movement or reverse timing, not the story.
* :func:`permutation_placebo` recomputes a statistic (default: the OLS slope) after destroying
  the timing between ``y`` and ``x``: ``"shuffle"`` (i.i.d. permutation of ``x``), ``"block"``
  (``x`` cut into consecutive blocks whose order is permuted, keeping short-run dependence) or
  ``"circular"`` (``x`` rotated by a random offset of at least one block, keeping all of its
  dependence). p-value ``(1 + #{|draw| >= |observed|}) / (B + 1)`` (two-sided).
* :func:`fake_event_dates` evaluates an event statistic at random pseudo-event dates drawn from
  candidate dates: is the statistic at the article's dates unusual?

All draws come from ``numpy.random.default_rng(seed)``: same seed, same numbers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from econ.models.base import Result
from econ.models.regression import ols_hac

__all__ = ["LeadLagPlacebo", "PlaceboResult", "fake_event_dates", "lead_lag_placebo", "permutation_placebo"]


@dataclasses.dataclass(repr=False)
class PlaceboResult(Result):
    """A statistic against its placebo distribution.

    Attributes
    ----------
    name
        What was done, e.g. ``"block-permuted regressor (8)"``.
    observed
        The statistic on the actual data.
    draws
        The statistic under each placebo draw.
    pvalue
        ``(1 + #{draw at least as extreme}) / (B + 1)``.
    alternative
        ``"two-sided"`` (compare ``|.|``), ``"greater"`` or ``"less"``.
    """

    name: str
    observed: float
    draws: np.ndarray
    pvalue: float
    alternative: str
    title: str = "Placebo test"

    def to_frame(self) -> pd.DataFrame:
        d = self.draws[~np.isnan(self.draws)]
        return pd.DataFrame([{"placebo": self.name, "observed": self.observed,
                              "placebo_mean": float(d.mean()) if len(d) else np.nan,
                              "placebo_q05": float(np.quantile(d, 0.05)) if len(d) else np.nan,
                              "placebo_q95": float(np.quantile(d, 0.95)) if len(d) else np.nan,
                              "pvalue": self.pvalue, "draws": len(d), "alternative": self.alternative}])


def _pvalue(observed: float, draws: np.ndarray, alternative: str) -> float:
    d = draws[~np.isnan(draws)]
    if len(d) == 0 or np.isnan(observed):
        return float("nan")
    tol = 1e-12 * max(1.0, abs(observed))
    if alternative == "two-sided":
        hits = np.sum(np.abs(d) >= abs(observed) - tol)
    elif alternative == "greater":
        hits = np.sum(d >= observed - tol)
    elif alternative == "less":
        hits = np.sum(d <= observed + tol)
    else:
        raise ValueError("alternative must be 'two-sided', 'greater' or 'less'")
    return float((1 + hits) / (len(d) + 1))


def _slope(y: np.ndarray, x: np.ndarray) -> float:
    xc = x - x.mean()
    return float(xc @ (y - y.mean()) / (xc @ xc))


def _aligned(y: pd.Series | np.ndarray, x: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(y, pd.Series) and isinstance(x, pd.Series):
        frame = pd.concat([y.rename("y"), x.rename("x")], axis=1).dropna()
        return frame["y"].to_numpy(float), frame["x"].to_numpy(float)
    yy, xx = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    if yy.shape != xx.shape:
        raise ValueError("y and x must have the same length")
    ok = ~np.isnan(yy) & ~np.isnan(xx)
    return yy[ok], xx[ok]


def _permute(x: np.ndarray, rng: np.random.Generator, method: str, block: int) -> np.ndarray:
    n = len(x)
    if method == "shuffle":
        return x[rng.permutation(n)]
    if method == "block":
        starts = np.arange(0, n, block)
        order = rng.permutation(len(starts))
        return np.concatenate([x[starts[i]:starts[i] + block] for i in order])
    if method == "circular":
        if n <= 2 * block:
            raise ValueError("series too short for a circular shift of at least one block")
        return np.roll(x, int(rng.integers(block, n - block + 1)))
    raise ValueError("method must be 'shuffle', 'block' or 'circular'")


def permutation_placebo(y: pd.Series | np.ndarray, x: pd.Series | np.ndarray, *,
                        statistic: Callable[[np.ndarray, np.ndarray], float] | None = None,
                        method: str = "block", block: int = 8, n_draws: int = 999, seed: int = 0,
                        alternative: str = "two-sided") -> PlaceboResult:
    """The statistic with ``x``'s timing relative to ``y`` destroyed.

    Parameters
    ----------
    y, x
        Outcome and regressor (Series are aligned on their index; rows with a NaN dropped).
    statistic
        ``f(y, x) -> float``; default the OLS slope of ``y`` on ``x`` with an intercept.
    method
        ``"shuffle"``, ``"block"`` (blocks of ``block`` observations permuted) or
        ``"circular"`` (rotation by at least ``block`` observations).
    n_draws, seed
        Number of placebo draws and their seed.
    alternative
        ``"two-sided"``, ``"greater"`` or ``"less"``.
    """
    if n_draws < 1:
        raise ValueError("n_draws must be positive")
    if block < 1:
        raise ValueError("block must be a positive integer")
    yy, xx = _aligned(y, x)
    stat = statistic or _slope
    rng = np.random.default_rng(seed)
    observed = float(stat(yy, xx))
    draws = np.array([stat(yy, _permute(xx, rng, method, block)) for _ in range(n_draws)], dtype=float)
    label = {"shuffle": "shuffled regressor", "block": f"block-permuted regressor (blocks of {block})",
             "circular": f"circularly shifted regressor (shift >= {block})"}[method]
    return PlaceboResult(name=label, observed=observed, draws=draws, pvalue=_pvalue(observed, draws, alternative),
                         alternative=alternative)


@dataclasses.dataclass(repr=False)
class LeadLagPlacebo(Result):
    """``y_t`` on ``x_{t+k}``, one regression per shift ``k`` (``k > 0`` leads, ``k <= 0`` lags)."""

    table: pd.DataFrame
    title: str = "Lead/lag placebo"

    def to_frame(self) -> pd.DataFrame:
        return self.table


def lead_lag_placebo(y: pd.Series, x: pd.Series, *, leads: Sequence[int] = (1, 2, 3, 4),
                     lags: Sequence[int] = (0,), **fit_kwargs: Any) -> LeadLagPlacebo:
    """Regress ``y_t`` on ``x_{t+k}`` for each lead ``k`` and on ``x_{t-l}`` for each lag ``l``.

    Parameters
    ----------
    y, x
        Series on the same index (consecutive periods).
    leads, lags
        Positive leads and non-negative lags (0 = contemporaneous, the usual headline).
    **fit_kwargs
        Passed to :func:`econ.models.regression.ols_hac` (default HAC, NW 1994 rule).

    Returns
    -------
    LeadLagPlacebo
        Table with ``shift`` (``+k`` lead, ``-l`` lag), ``role``, ``beta``, ``se``, ``pvalue``,
        ``nobs``.
    """
    if any(k <= 0 for k in leads) or any(lag < 0 for lag in lags):
        raise ValueError("leads must be positive and lags non-negative")
    rows = []
    for shift, role in [(-lag, "lag" if lag else "contemporaneous") for lag in sorted(lags)] + \
            [(k, "lead (placebo)") for k in sorted(leads)]:
        xs = x.shift(-shift).rename("x")
        frame = pd.concat([y.rename("y"), xs], axis=1).dropna()
        res = ols_hac(frame["y"], frame[["x"]], **fit_kwargs)
        rows.append({"shift": shift, "role": role, "beta": float(res.params["x"]), "se": float(res.bse["x"]),
                     "pvalue": float(res.pvalues["x"]), "nobs": res.nobs})
    return LeadLagPlacebo(table=pd.DataFrame(rows))


def fake_event_dates(statistic: Callable[[pd.DatetimeIndex], float], observed_dates: Sequence[Any],
                     candidates: pd.DatetimeIndex, *, n_draws: int = 999, seed: int = 0,
                     alternative: str = "greater", min_gap_days: int = 0,
                     name: str = "fake event dates") -> PlaceboResult:
    """An event statistic at the actual dates against random pseudo-event dates.

    Parameters
    ----------
    statistic
        ``f(dates) -> float`` (e.g. how many dates sit at a local extremum).
    observed_dates
        The article's dates.
    candidates
        Dates pseudo-events may fall on (e.g. trading days of the sample, away from its ends).
    n_draws, seed
        Number of placebo sets (each of ``len(observed_dates)`` distinct dates) and the seed.
    alternative
        Direction of "more extreme".
    min_gap_days
        Pseudo-event dates at least this many calendar days apart (redrawn otherwise; up to
        100 attempts per set, then the set is kept as drawn).
    """
    obs = pd.DatetimeIndex(pd.to_datetime(list(observed_dates)))
    cand = pd.DatetimeIndex(candidates).sort_values()
    k = len(obs)
    if k == 0 or len(cand) < k:
        raise ValueError("need at least one observed date and as many candidates")
    rng = np.random.default_rng(seed)
    draws = np.empty(n_draws)
    for b in range(n_draws):
        for _ in range(100):
            pick = cand[np.sort(rng.choice(len(cand), size=k, replace=False))]
            if min_gap_days <= 0 or k == 1 or (np.diff(pick.values) >= np.timedelta64(min_gap_days, "D")).all():
                break
        draws[b] = statistic(pick)
    observed = float(statistic(obs))
    return PlaceboResult(name=name, observed=observed, draws=draws, pvalue=_pvalue(observed, draws, alternative),
                         alternative=alternative)
