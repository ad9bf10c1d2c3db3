"""Dated calls against the base rate, on synthetic paths whose answer is known by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.robust.calls import earlier_windows, rank_pvalue, score_floor, score_move, window_moves


def _monthly_path(values: list[float]) -> pd.Series:
    """Synthetic: one observation per month end."""
    return pd.Series(values, index=pd.date_range("2010-01-31", periods=len(values), freq="ME"))


def test_score_move_counts_earlier_windows_by_hand():
    # synthetic: +1 a month for 24 months, then a +30 jump in the scored year
    s = _monthly_path(list(range(25)) + [24 + 30 / 12 * k for k in range(1, 13)])
    pub = s.index[24]
    sc = score_move(s, pub, +1, 12)
    assert sc.right and sc.complete and sc.move == pytest.approx(30.0)
    # earlier 12-month windows ending on or before pub: starts at months 0..12 -> 13 windows, each +12
    assert sc.windows == 13 and sc.base_rate == 1.0
    assert sc.pvalue == pytest.approx(1 / 14)  # none as large as +30
    down = score_move(s, pub, -1, 12)
    assert not down.right and down.base_rate == 0.0 and down.pvalue == pytest.approx(1.0)


def test_score_move_open_horizon_and_no_history():
    s = _monthly_path(list(range(30)))
    sc = score_move(s, s.index[25], +1, 12)
    assert not sc.complete and sc.end == s.index[-1] and sc.move == 4
    with pytest.raises(ValueError):
        score_move(s, "2009-01-01", +1, 12)


def test_score_floor_by_hand():
    # synthetic: flat at 100 with a dip to 90 in month 5 of history; after publication it dips to 95
    vals = [100.0] * 30
    vals[5] = 90.0
    vals += [100.0, 95.0, 100.0] + [100.0] * 9
    s = _monthly_path(vals)
    pub = s.index[29]
    held = score_floor(s, pub, 92.0, 12)
    assert held.right and held.move == pytest.approx(np.log(95 / 92))
    # earlier windows hold a floor of 92% of their start: only windows containing month 5 break it
    windows = earlier_windows(s, pub, 12)
    broke = sum(w.iloc[1:].min() / w.iloc[0] < 0.92 for w in windows)
    assert broke == 5 and held.base_rate == pytest.approx(1 - broke / len(windows))
    broken = score_floor(s, pub, 96.0, 12)
    assert not broken.right and broken.move < 0


def test_rank_pvalue():
    q, p = rank_pvalue(np.arange(100.0), -1.0)
    assert q < 0.01 and p < 0.02
    q, p = rank_pvalue(np.arange(100.0), 49.5)
    assert abs(q - 0.5) < 0.01 and p > 0.95


@pytest.mark.parametrize("months", [1, 3, 12])
@pytest.mark.parametrize("history_start", [None, "2013-06-17"])
def test_window_moves_equal_the_sliced_windows(months, history_start):
    """window_moves (binary search) against earlier_windows (a Series slice per window): the
    same floats, on a daily business-day random walk with gaps, unsorted, with missing values."""
    rng = np.random.default_rng(months)
    idx = pd.bdate_range("2010-01-04", "2024-06-28")
    idx = idx[rng.random(len(idx)) > 0.05]
    s = pd.Series(np.cumsum(rng.standard_normal(len(idx))), index=idx)
    s.iloc[::97] = np.nan
    s = s.sample(frac=1.0, random_state=1)
    pub = "2023-10-31"
    want = [float(w.iloc[-1] - w.iloc[0]) for w in earlier_windows(s, pub, months, history_start=history_start)]
    assert window_moves(s, pub, months, history_start=history_start).tolist() == want
    assert window_moves(s, "2009-01-01", months).size == 0
