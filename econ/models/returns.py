"""Window returns and volatilities of price series, with block-bootstrap intervals.

Replicating a published return means fixing a *convention*; this module makes every piece
of it an argument, so a study states it once and applies it to a whole table:

* **start close**: ``"close_before"`` = the close of the last trading day *before* the start
  date (a return "from 2021-03-08" then includes that day's move; Wind's interval returns
  work this way) or ``"close_on"`` = the first close on or after the start date;
* **end close**: the last close on or before the end date;
* **return type**: simple (``P_end / P_start − 1``);
* **annualisation**: ``(1 + R) ** (periods_per_year / N) − 1`` with ``N`` the number of
  one-day returns in the window (trading-day count), or ``365 / calendar days``
  (``periods_per_year=None``).

Volatility over a window is the sample standard deviation (ddof 1) of the simple one-day
returns dated inside the window, times ``sqrt(periods_per_year)``.

Intervals: :func:`block_bootstrap_ci` resamples the one-day returns with the stationary
bootstrap of Politis & Romano (1994) (``arch.bootstrap.StationaryBootstrap``; mean block
length from Politis & White (2004) / Patton, Politis & White (2009),
``arch.bootstrap.optimal_block_length``, unless given) and reports the percentile interval
of any statistic of them. :func:`start_end_sensitivity` recomputes a window statistic with
the start and end moved by a few trading days.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from typing import Literal

import numpy as np
import pandas as pd

from econ.models.base import Result

__all__ = [
    "BootstrapCI",
    "WindowReturn",
    "annualise",
    "annualised_return_stat",
    "block_bootstrap_ci",
    "start_end_sensitivity",
    "window_returns",
    "window_return",
    "window_volatility",
]

StartRule = Literal["close_before", "close_on"]


@dataclasses.dataclass(repr=False)
class WindowReturn(Result):
    """The return of a price series over a window under a stated convention."""

    start: pd.Timestamp  # date of the start close used
    end: pd.Timestamp  # date of the end close used
    start_close: float
    end_close: float
    total: float  # simple return, decimal
    n_returns: int  # one-day returns in the window
    annualised: float  # decimal
    periods_per_year: float | None
    start_rule: str
    title = "Window return"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "start": self.start, "end": self.end, "start_close": self.start_close, "end_close": self.end_close,
            "total": self.total, "n_returns": self.n_returns, "annualised": self.annualised}])


def _prices(prices: pd.Series) -> pd.Series:
    if not isinstance(prices, pd.Series) or not isinstance(prices.index, pd.DatetimeIndex):
        raise ValueError("prices must be a pandas Series with a DatetimeIndex")
    p = prices.dropna()
    if not p.index.is_monotonic_increasing or p.index.has_duplicates:
        raise ValueError("prices' index must be strictly increasing")
    if (p <= 0).any():
        raise ValueError("prices must be positive")
    return p


def _bounds(p: pd.Series, start: str | pd.Timestamp, end: str | pd.Timestamp, start_rule: StartRule) -> tuple[int, int]:
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if start_rule == "close_before":
        i0 = int(p.index.searchsorted(s, side="left")) - 1
    elif start_rule == "close_on":
        i0 = int(p.index.searchsorted(s, side="left"))
    else:
        raise ValueError("start_rule must be 'close_before' or 'close_on'")
    i1 = int(p.index.searchsorted(e, side="right")) - 1
    if i0 < 0:
        raise ValueError(f"no close before {s.date()} (series starts {p.index[0].date()})")
    if i1 <= i0:
        raise ValueError(f"no one-day return between {s.date()} and {e.date()}")
    if e > p.index[-1] + pd.Timedelta(days=7):
        raise ValueError(f"series ends {p.index[-1].date()}, before the window end {e.date()}")
    return i0, i1


def annualise(total: float, n_returns: int, periods_per_year: float | None = 250.0, *,
              calendar_days: int | None = None) -> float:
    """``(1 + total) ** (periods_per_year / n_returns) − 1`` (or ``365 / calendar_days``)."""
    if periods_per_year is None:
        if not calendar_days:
            raise ValueError("calendar-day annualisation needs calendar_days")
        return float((1.0 + total) ** (365.0 / calendar_days) - 1.0)
    return float((1.0 + total) ** (periods_per_year / n_returns) - 1.0)


def window_return(prices: pd.Series, start: str | pd.Timestamp, end: str | pd.Timestamp, *,
                  start_rule: StartRule = "close_before", periods_per_year: float | None = 250.0) -> WindowReturn:
    """Simple and annualised return from the start close to the end close (see module doc)."""
    p = _prices(prices)
    i0, i1 = _bounds(p, start, end, start_rule)
    total = float(p.iloc[i1] / p.iloc[i0] - 1.0)
    n = i1 - i0
    days = int((p.index[i1] - p.index[i0]).days)
    return WindowReturn(start=p.index[i0], end=p.index[i1], start_close=float(p.iloc[i0]), end_close=float(p.iloc[i1]),
                        total=total, n_returns=n,
                        annualised=annualise(total, n, periods_per_year, calendar_days=days),
                        periods_per_year=periods_per_year, start_rule=start_rule)


def window_returns(prices: pd.Series, start: str | pd.Timestamp, end: str | pd.Timestamp, *,
                   start_rule: StartRule = "close_before") -> pd.Series:
    """The simple one-day returns inside the window (the first is the start close's next day)."""
    p = _prices(prices)
    i0, i1 = _bounds(p, start, end, start_rule)
    seg = p.iloc[i0:i1 + 1]
    return seg.pct_change().iloc[1:]


def window_volatility(prices: pd.Series, start: str | pd.Timestamp, end: str | pd.Timestamp, *,
                      start_rule: StartRule = "close_before", periods_per_year: float = 250.0) -> float:
    """Annualised volatility (decimal) of the one-day simple returns in the window."""
    r = window_returns(prices, start, end, start_rule=start_rule)
    if len(r) < 2:
        raise ValueError("volatility needs at least two returns")
    return float(r.std(ddof=1) * math.sqrt(periods_per_year))


def annualised_return_stat(periods_per_year: float = 250.0) -> Callable[[np.ndarray], float]:
    """Statistic for :func:`block_bootstrap_ci`: annualised compound return of one-day returns."""
    def stat(r: np.ndarray) -> float:
        r = np.asarray(r, dtype=float).reshape(len(r), -1)[:, 0]
        return float(np.exp(np.sum(np.log1p(r)) * periods_per_year / len(r)) - 1.0)
    return stat


@dataclasses.dataclass(repr=False)
class BootstrapCI(Result):
    """A statistic with its percentile stationary-bootstrap interval."""

    estimate: float
    low: float
    high: float
    level: float
    block: float
    n_boot: int
    nobs: int
    draws: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    title = "Stationary block-bootstrap interval"

    @property
    def ci(self) -> tuple[float, float]:
        return (self.low, self.high)

    @property
    def se(self) -> float:
        return float(np.std(self.draws, ddof=1)) if len(self.draws) > 1 else float("nan")


def block_bootstrap_ci(data: pd.Series | pd.DataFrame | np.ndarray, statistic: Callable[[np.ndarray], float], *,
                       block: float | None = None, n_boot: int = 2000, level: float = 0.95,
                       seed: int = 0) -> BootstrapCI:
    """Percentile interval of ``statistic(data)`` under the stationary bootstrap.

    Parameters
    ----------
    data
        ``T`` observations (rows resampled together when 2-D, so cross-sectional dependence
        is kept), no missing values.
    statistic
        Function of a ``T × k`` (or length-``T``) array returning a number.
    block
        Mean block length; default the Politis–White optimal length for the stationary
        bootstrap (largest over columns, at least 1).
    n_boot, level, seed
        Replications, confidence level and seed.
    """
    from arch.bootstrap import StationaryBootstrap, optimal_block_length

    x = np.asarray(data, dtype=float)
    if x.ndim == 1:
        x2 = x
    elif x.ndim == 2:
        x2 = x
    else:
        raise ValueError("data must be 1-D or 2-D")
    if not np.isfinite(x2).all():
        raise ValueError("data contain missing or infinite values")
    if len(x2) < 10:
        raise ValueError("block bootstrap needs at least 10 observations")
    if block is None:
        b = optimal_block_length(x2)["stationary"].to_numpy()
        block = float(max(1.0, np.nanmax(b)))
    bs = StationaryBootstrap(block, x2, seed=seed)
    draws = np.array([statistic(pos[0]) for pos, _ in bs.bootstrap(n_boot)], dtype=float)
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(draws, [tail, 1.0 - tail])
    return BootstrapCI(estimate=float(statistic(x2)), low=float(lo), high=float(hi), level=level, block=float(block),
                       n_boot=n_boot, nobs=len(x2), draws=draws)


def start_end_sensitivity(prices: pd.Series, start: str | pd.Timestamp, end: str | pd.Timestamp,
                          statistic: Callable[[pd.Series, pd.Timestamp, pd.Timestamp], float], *,
                          shifts: Iterable[int] = (-5, -1, 0, 1, 5)) -> pd.DataFrame:
    """A window statistic with the start and end dates moved by ``shifts`` trading days.

    The start (end) date is replaced by the trading day ``k`` positions from the first
    trading day on or after it (the last on or before it); ``statistic(prices, start, end)``
    is evaluated for every pair. Returns rows ``start_shift, end_shift, start, end, value``.
    """
    p = _prices(prices)
    s0 = int(p.index.searchsorted(pd.Timestamp(start), side="left"))
    e0 = int(p.index.searchsorted(pd.Timestamp(end), side="right")) - 1
    rows = []
    ks = list(shifts)
    for ks_ in ks:
        for ke in ks:
            i, j = s0 + ks_, e0 + ke
            if i < 1 or j >= len(p) or j <= i:
                continue
            rows.append({"start_shift": ks_, "end_shift": ke, "start": p.index[i], "end": p.index[j],
                         "value": float(statistic(p, p.index[i], p.index[j]))})
    return pd.DataFrame(rows)
