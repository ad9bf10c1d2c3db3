"""Multiple-testing adjustment: Holm, Benjamini–Hochberg, Bonferroni and Romano–Wolf stepdown.

Two families are adjusted in this package:

* **the specifications of one grid** (same claim, many analysts' choices): Romano–Wolf
  stepdown over the grid's t-statistics, using their *joint* null distribution from the
  grid's null draws (see :mod:`econ.robust.curve`), plus Holm and Benjamini–Hochberg on the
  specs' own p-values for comparison;
* **the paper's claims** (different data, no joint distribution): Holm (family-wise error
  rate) and Benjamini–Hochberg (false discovery rate) on each claim's p-value.

Definitions
-----------
Holm (1979): sort ``p_(1) <= ... <= p_(m)``; ``p~_(j) = max_{i<=j} min(1, (m - i + 1) p_(i))``.

Benjamini–Hochberg (1995): ``p~_(j) = min_{i>=j} min(1, m p_(i) / i)``.

Romano–Wolf stepdown (Romano & Wolf 2005, *Econometrica* 73(4); adjusted p-values as in
Romano & Wolf 2016, *Statistics & Probability Letters* 113, Algorithm 4.1): with observed
statistics ``t_j`` (larger = more evidence against ``H_j``) and ``B`` joint draws ``t*_bj`` from
their distribution under the null, order ``t_(1) >= ... >= t_(m)`` and set
``p~_(j) = max(p~_(j-1), (1 + #{b : max_{k>=j} t*_b(k) >= t_(j)}) / (B + 1))``.
Two-sided tests use ``|t|``. The ``(1 + #)/(B + 1)`` form is the package's Monte Carlo
p-value convention (exact level under exchangeability).

:func:`stepm_superior` is the critical-value form of the same procedure as arch implements it
(:class:`arch.bootstrap.StepM`): reject every hypothesis whose statistic exceeds the
``1 - size`` percentile of the maximum null draw over the hypotheses still active, remove them
and repeat. The tests check it against ``arch.bootstrap.StepM`` on identical bootstrap draws.

NaN p-values or statistics (failed specifications) are left out of the family and stay NaN.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from econ.models.base import Result

__all__ = [
    "METHODS",
    "MultipleTestingResult",
    "adjust_pvalues",
    "benjamini_hochberg",
    "bonferroni",
    "holm",
    "multiple_testing",
    "romano_wolf",
    "stepm_superior",
]

METHODS: tuple[str, ...] = ("holm", "bh", "bonferroni")


def _valid(p: Any) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(p, dtype=float).reshape(-1)
    ok = ~np.isnan(arr)
    if np.any((arr[ok] < 0) | (arr[ok] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    return arr, ok


def holm(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values (FWER); NaN entries stay NaN."""
    arr, ok = _valid(pvalues)
    out = np.full_like(arr, np.nan)
    p = arr[ok]
    m = len(p)
    if m == 0:
        return out
    order = np.argsort(p, kind="mergesort")
    adj = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adj = np.maximum.accumulate(adj)
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out


def benjamini_hochberg(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg (1995) step-up adjusted p-values (FDR); NaN entries stay NaN."""
    arr, ok = _valid(pvalues)
    out = np.full_like(arr, np.nan)
    p = arr[ok]
    m = len(p)
    if m == 0:
        return out
    order = np.argsort(p, kind="mergesort")
    ranked = p[order] * m / np.arange(1, m + 1)
    adj = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out


def bonferroni(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Bonferroni adjusted p-values ``min(1, m p)``; NaN entries stay NaN."""
    arr, ok = _valid(pvalues)
    out = np.full_like(arr, np.nan)
    out[ok] = np.minimum(1.0, arr[ok] * ok.sum())
    return out


def adjust_pvalues(pvalues: Sequence[float] | np.ndarray, method: str) -> np.ndarray:
    """Adjusted p-values by ``method`` in :data:`METHODS` (``"bh"`` = Benjamini–Hochberg)."""
    funcs = {"holm": holm, "bh": benjamini_hochberg, "bonferroni": bonferroni}
    if method not in funcs:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return funcs[method](pvalues)


def _oriented(stats: Any, null_stats: Any, alternative: str) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(stats, dtype=float).reshape(-1)
    null = np.asarray(null_stats, dtype=float)
    if null.ndim != 2 or null.shape[1] != len(t):
        raise ValueError(f"null_stats must be (draws, {len(t)}), got {null.shape}")
    if alternative == "two-sided":
        return np.abs(t), np.abs(null)
    if alternative == "greater":
        return t, null
    if alternative == "less":
        return -t, -null
    raise ValueError("alternative must be 'two-sided', 'greater' or 'less'")


def romano_wolf(stats: Sequence[float] | np.ndarray, null_stats: np.ndarray, *,
                alternative: str = "two-sided") -> np.ndarray:
    """Romano–Wolf stepdown adjusted p-values.

    Parameters
    ----------
    stats
        Observed test statistics, one per hypothesis (e.g. t-statistics of the specs).
    null_stats
        ``(B, m)`` joint draws of the statistics under the null (null-world estimates, or
        bootstrap statistics re-centred at the estimate). A NaN draw (a failed fit) never
        counts as exceeding.
    alternative
        ``"two-sided"`` (use ``|t|``), ``"greater"`` or ``"less"``.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values (NaN where ``stats`` is NaN).
    """
    t, null = _oriented(stats, null_stats, alternative)
    out = np.full(len(t), np.nan)
    ok = np.flatnonzero(~np.isnan(t))
    if len(ok) == 0:
        return out
    b = null.shape[0]
    if b < 1:
        raise ValueError("need at least one null draw")
    order = ok[np.argsort(-t[ok], kind="mergesort")]
    sub = np.where(np.isnan(null[:, order]), -np.inf, null[:, order])
    # running maximum over the hypotheses k >= j (from the least significant upwards)
    tail_max = np.maximum.accumulate(sub[:, ::-1], axis=1)[:, ::-1]
    raw = (1.0 + (tail_max >= t[order][None, :]).sum(axis=0)) / (b + 1.0)
    out[order] = np.maximum.accumulate(raw)
    return out


def stepm_superior(stats: Sequence[float] | np.ndarray, null_stats: np.ndarray, *, size: float = 0.05,
                   alternative: str = "greater") -> list[int]:
    """Hypotheses rejected by the Romano–Wolf StepM procedure (critical-value form).

    Same steps as :meth:`arch.bootstrap.StepM.compute`: the critical value is
    ``numpy.percentile(max_k null[:, k], 100 (1 - size))`` over the active hypotheses; every
    active hypothesis with a statistic above it is rejected and removed; repeat until no new
    rejection (or none left).

    Returns
    -------
    list of int
        Indices of the rejected hypotheses, sorted.
    """
    if not 0 < size < 1:
        raise ValueError("size must be in (0, 1)")
    t, null = _oriented(stats, null_stats, alternative)
    active = ~np.isnan(t)
    rejected: list[int] = []
    while active.any():
        crit = np.percentile(np.nanmax(null[:, active], axis=1), 100.0 * (1 - size))
        new = np.flatnonzero(active & (t > crit))
        if len(new) == 0:
            break
        rejected.extend(int(i) for i in new)
        active[new] = False
    return sorted(rejected)


@dataclasses.dataclass(repr=False)
class MultipleTestingResult(Result):
    """Raw and adjusted p-values of a family of hypotheses.

    Attributes
    ----------
    names
        Hypothesis labels.
    pvalues
        Unadjusted p-values.
    adjusted
        Method -> adjusted p-values (same order as ``names``).
    """

    names: list[str]
    pvalues: np.ndarray
    adjusted: Mapping[str, np.ndarray]
    title: str = "Multiple-testing adjustment"

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame({"hypothesis": self.names, "pvalue": self.pvalues})
        for k, v in self.adjusted.items():
            frame[f"p_{k}"] = v
        return frame


def multiple_testing(pvalues: Mapping[str, float] | pd.Series, *, methods: Sequence[str] = ("holm", "bh"),
                     stats: Sequence[float] | None = None, null_stats: np.ndarray | None = None,
                     alternative: str = "two-sided") -> MultipleTestingResult:
    """Adjust a family of p-values by several methods (and Romano–Wolf when draws are given).

    Parameters
    ----------
    pvalues
        Hypothesis label -> unadjusted p-value.
    methods
        Any of :data:`METHODS`.
    stats, null_stats, alternative
        Optional observed statistics and their ``(B, m)`` null draws for Romano–Wolf
        (column ``"rw"`` in the result).
    """
    series = pd.Series(pvalues, dtype=float)
    adjusted = {m: adjust_pvalues(series.to_numpy(), m) for m in methods}
    if stats is not None and null_stats is not None:
        adjusted["rw"] = romano_wolf(stats, null_stats, alternative=alternative)
    return MultipleTestingResult(names=[str(i) for i in series.index], pvalues=series.to_numpy(),
                                 adjusted=adjusted)
