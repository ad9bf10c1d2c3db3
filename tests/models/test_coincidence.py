"""Turning-point coincidence test: exact counts on constructed cases, size under independence."""

import numpy as np
import pandas as pd
import pytest

from econ.models.coincidence import turning_point_coincidence
from econ.models.turning_points import date_turning_points

IDX = pd.date_range("2000-01-31", periods=240, freq="ME")


def test_counts_and_pairs_by_hand():
    # A: peaks at 10, 70; troughs at 40, 100. B: troughs at 11 and 69 (paired with A's peaks),
    # a peak at 55 (15 away from A's trough at 40: outside window 3).
    res = turning_point_coincidence(IDX, IDX[[10, 70]], IDX[[40, 100]], IDX[[55]], IDX[[11, 69]], window=3)
    assert res.count == 2
    assert res.n_a == 4 and res.n_b == 3
    assert res.pairs["distance"].tolist()[:1] == [1.0]
    assert np.isnan(res.pairs.loc[res.pairs.a_date == IDX[40], "distance"]).all()


def test_same_pairing_and_validation():
    res = turning_point_coincidence(IDX, IDX[[10]], IDX[[40]], IDX[[12]], IDX[[41]], window=2, pairing="same")
    assert res.count == 2
    with pytest.raises(ValueError, match="pairing"):
        turning_point_coincidence(IDX, IDX[[10]], IDX[[40]], IDX[[12]], IDX[[41]], window=2, pairing="x")
    with pytest.raises(ValueError, match="not in index"):
        turning_point_coincidence(IDX, [pd.Timestamp("1990-01-31")], IDX[[40]], IDX[[12]], IDX[[41]], window=2)


def test_mirror_image_is_significant():
    rng = np.random.default_rng(1)
    a = pd.Series(np.cumsum(rng.normal(size=240)), index=IDX)
    tp = date_turning_points(a, window=5, min_phase=6, min_cycle=15)
    # B = -A: every peak of A is a trough of B at distance 0
    res = turning_point_coincidence(IDX, tp.peaks.index, tp.troughs.index, tp.troughs.index, tp.peaks.index, window=2)
    assert res.count == res.n_a
    assert res.pvalue < 0.05
    assert res.concordance == pytest.approx(1.0)


def test_size_under_independence():
    # independent random walks: rejections at 5% should be rare (p-values roughly uniform)
    rng = np.random.default_rng(7)
    pvals = []
    for _ in range(60):
        a = pd.Series(np.cumsum(rng.normal(size=240)), index=IDX)
        b = pd.Series(np.cumsum(rng.normal(size=240)), index=IDX)
        ta = date_turning_points(a, window=5, min_phase=6, min_cycle=15)
        tb = date_turning_points(b, window=5, min_phase=6, min_cycle=15)
        r = turning_point_coincidence(IDX, ta.peaks.index, ta.troughs.index, tb.peaks.index, tb.troughs.index, window=3)
        pvals.append(r.pvalue)
    rate = np.mean(np.array(pvals) < 0.05)
    assert rate <= 0.15  # nominal 5%; 60 draws: P(rate > 15% | true 5%) < 0.001
    assert 0.3 < np.mean(pvals) < 0.7
