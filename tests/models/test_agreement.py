"""Phase agreement against a chronology, on synthetic states whose answer is known by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.models.agreement import phase_agreement

IDX = pd.date_range("2000-01-31", periods=120, freq="ME")


def _blocks(lengths: list[int], start: int = 1) -> np.ndarray:
    out, s = [], start
    for n in lengths:
        out += [s] * n
        s = -s
    return np.array(out, dtype=float)


def test_identical_chronology_agrees_fully_and_beats_shifts():
    states = pd.Series(_blocks([20, 45, 25, 30]), index=IDX)  # synthetic: four eras of unequal length
    res = phase_agreement(states, states.copy(), min_shift=6)
    assert res.agreement == 1.0 and res.n_labelled == 120
    assert res.null_mean < 0.8 and res.pvalue_greater == pytest.approx(1 / (1 + res.n_shifts))


def test_opposite_chronology_and_unlabelled_months():
    states = pd.Series(_blocks([30, 30, 30, 30]), index=IDX)
    ref = -states.copy()
    ref.iloc[:60] = 0.0  # says nothing about the first half
    res = phase_agreement(states, ref, min_shift=6)
    assert res.agreement == 0.0 and res.n_labelled == 60 and res.excess < 0


def test_needs_room_to_shift():
    s = pd.Series(np.ones(10), index=IDX[:10])
    with pytest.raises(ValueError):
        phase_agreement(s, s, min_shift=5)
