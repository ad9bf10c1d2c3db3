"""Do dated phases agree with a reference chronology more than chance? (circular-shift test)

Given a state per period from the data (e.g. +1 while small caps lead, -1 while large caps
lead, from :func:`econ.models.turning_points.date_turning_points`) and a reference chronology
(+1 / -1 on the periods it labels, 0 or NaN where it says nothing), the statistic is the share
of labelled periods on which the two agree (the concordance of Harding & Pagan 2006 restricted
to the labelled periods).

Null distribution: the reference labels shifted circularly against the data by every offset
at least ``min_shift`` periods away from zero (an exact randomisation over shifts, as in
:mod:`econ.models.coincidence`): a shift keeps the number, lengths and order of the
reference's eras, so persistence cannot produce a spurious rejection; only their alignment
with the data is broken. The two-sided p-value is ``min(1, 2 min(p_hi, p_lo))`` with
``p_hi = (1 + #{shifts with agreement >= observed}) / (1 + #shifts)`` and ``p_lo`` the same
with ``<=``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

__all__ = ["AgreementResult", "phase_agreement"]


@dataclasses.dataclass(frozen=True)
class AgreementResult:
    """Observed agreement, its circular-shift null and p-values."""

    agreement: float
    null_mean: float
    excess: float
    pvalue: float
    pvalue_greater: float
    n_labelled: int
    n_shifts: int


def phase_agreement(data: pd.Series, reference: pd.Series, *, min_shift: int = 12) -> AgreementResult:
    """Share of the reference's labelled periods on which ``data`` has the same sign.

    Parameters
    ----------
    data
        States (+1 / -1) per period; the sample is its index.
    reference
        Labels (+1 / -1, 0 or NaN = unlabelled) on the same index.
    min_shift
        Smallest circular shift of the null, in periods.
    """
    if not data.index.equals(reference.index):
        raise ValueError("data and reference must share one index")
    d = np.sign(data.to_numpy(float))
    ref = np.nan_to_num(reference.to_numpy(float), nan=0.0)
    n = len(d)
    if n <= 2 * min_shift:
        raise ValueError(f"{n} periods leave no circular shift of at least {min_shift}")

    def agree(r: np.ndarray) -> float:
        lab = r != 0
        return float(np.mean(d[lab] == np.sign(r[lab]))) if lab.any() else np.nan

    obs = agree(ref)
    null = np.array([agree(np.roll(ref, k)) for k in range(min_shift, n - min_shift + 1)])
    hi = (1 + np.sum(null >= obs - 1e-12)) / (1 + len(null))
    lo = (1 + np.sum(null <= obs + 1e-12)) / (1 + len(null))
    return AgreementResult(agreement=obs, null_mean=float(null.mean()), excess=float(obs - null.mean()),
                           pvalue=float(min(1.0, 2 * min(hi, lo))), pvalue_greater=float(hi),
                           n_labelled=int(np.sum(ref != 0)), n_shifts=len(null))
