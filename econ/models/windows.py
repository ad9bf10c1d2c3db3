"""Are returns in a few dated windows unusual among all windows of the same lengths?

Given a return series (e.g. monthly log excess returns of small over large caps) and ``K``
dated windows of possibly different lengths ``L_k``, the statistic is the mean over windows
of the window's cumulative return minus the mean cumulative return of *all* windows of the
same length in the sample::

    S = (1/K) Σ_k [ C_k − mean_j C_j(L_k) ]

Its null distribution comes from drawing, for every window, a start uniformly among all
positions that fit a window of that length (so each draw is a contiguous block of actual
returns: the serial dependence inside a window is kept, as in a moving-block resample whose
block is the window). The p-value is ``(1 + #{S* ≥ S}) / (1 + B)`` for ``alternative="greater"``
(and its mirror for ``"less"``; twice the smaller for two-sided). Each window's percentile rank
among all same-length windows is reported beside it.

Own code: cumulative sums and random integers, no library needed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from econ.models.base import Result

__all__ = ["WindowTestResult", "windows_vs_all"]


@dataclasses.dataclass(repr=False)
class WindowTestResult(Result):
    """Per-window cumulative returns and the test of their mean excess over same-length windows."""

    windows: pd.DataFrame  # start, end, months (L), cum, mean_all (same length), excess, pct_rank
    statistic: float
    pvalue: float
    null_draws: np.ndarray
    alternative: str
    n_draws: int
    nobs: int
    title = "Dated windows against all same-length windows"

    def to_frame(self) -> pd.DataFrame:
        return self.windows.copy()

    @property
    def null_sd(self) -> float:
        return float(np.std(self.null_draws, ddof=1))


def _cum_all(csum: np.ndarray, length: int) -> np.ndarray:
    """Cumulative return of every window of ``length`` consecutive observations."""
    return csum[length:] - csum[:-length]


def windows_vs_all(returns: pd.Series, windows: Sequence[tuple[Any, Any]], *, n_draws: int = 9999,
                   alternative: Literal["greater", "less", "two-sided"] = "greater",
                   seed: int | np.random.Generator | None = 0) -> WindowTestResult:
    """Test whether the dated windows' cumulative returns exceed those of same-length windows.

    Parameters
    ----------
    returns
        Per-period returns (log returns so that sums are cumulative returns), ``DatetimeIndex``,
        no missing values.
    windows
        ``(start, end)`` dates; a window holds every observation with ``start <= date <= end``.
    n_draws
        Null draws.
    alternative
        ``"greater"`` (the windows are unusually high), ``"less"`` or ``"two-sided"``.
    seed
        Seed or Generator.
    """
    if not isinstance(returns, pd.Series) or not isinstance(returns.index, pd.DatetimeIndex):
        raise ValueError("returns must be a pandas Series with a DatetimeIndex")
    if returns.isna().any():
        raise ValueError("returns contain missing values")
    if not returns.index.is_monotonic_increasing:
        raise ValueError("returns' index must be increasing")
    if alternative not in ("greater", "less", "two-sided"):
        raise ValueError("alternative must be 'greater', 'less' or 'two-sided'")
    r = returns.to_numpy(dtype=float)
    n = len(r)
    csum = np.concatenate([[0.0], np.cumsum(r)])
    rows, lengths = [], []
    for a, b in windows:
        a, b = pd.Timestamp(a), pd.Timestamp(b)
        i0 = int(returns.index.searchsorted(a, side="left"))
        i1 = int(returns.index.searchsorted(b, side="right"))
        length = i1 - i0
        if length < 1:
            raise ValueError(f"window {a.date()} to {b.date()} holds no observation")
        if length >= n:
            raise ValueError(f"window {a.date()} to {b.date()} is as long as the sample")
        all_c = _cum_all(csum, length)
        c = float(csum[i1] - csum[i0])
        rows.append({"start": returns.index[i0], "end": returns.index[i1 - 1], "periods": length, "cum": c,
                     "mean_all": float(all_c.mean()), "excess": c - float(all_c.mean()),
                     "pct_rank": float(np.mean(all_c <= c)), "n_windows": len(all_c)})
        lengths.append(length)
    frame = pd.DataFrame(rows)
    stat = float(frame["excess"].mean())
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    draws = np.zeros(n_draws)
    for length, mean_all in zip(lengths, frame["mean_all"], strict=True):
        starts = rng.integers(0, n - length + 1, size=n_draws)
        draws += (csum[starts + length] - csum[starts]) - mean_all
    draws /= len(lengths)
    greater = (1.0 + np.sum(draws >= stat - 1e-12)) / (n_draws + 1.0)
    less = (1.0 + np.sum(draws <= stat + 1e-12)) / (n_draws + 1.0)
    p = greater if alternative == "greater" else less if alternative == "less" else min(1.0, 2 * min(greater, less))
    return WindowTestResult(windows=frame, statistic=stat, pvalue=float(p), null_draws=draws,
                            alternative=alternative, n_draws=n_draws, nobs=n)
