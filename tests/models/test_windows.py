"""Known-answer tests of econ.models.windows.windows_vs_all (constructed series)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.models.windows import windows_vs_all


def _monthly(values):
    return pd.Series(np.asarray(values, dtype=float), index=pd.date_range("2000-01-31", periods=len(values), freq="ME"))


def test_cumulative_mean_of_all_windows_and_rank_by_hand():
    r = _monthly([0, 1, 0, 0, 5, 0, 0, 0, 0, 0])
    res = windows_vs_all(r, [("2000-05-01", "2000-06-30")], n_draws=999, seed=1)
    row = res.windows.iloc[0]
    assert row["periods"] == 2 and row["cum"] == 5.0
    # the 9 two-month windows: 1,1,0,5,5,0,0,0,0 -> mean 12/9
    assert row["mean_all"] == pytest.approx(12 / 9)
    assert row["pct_rank"] == pytest.approx(1.0)
    assert res.statistic == pytest.approx(5 - 12 / 9)
    # exact null: P(random window cum >= 5) = 2/9
    assert res.pvalue == pytest.approx(2 / 9, abs=0.03)


def test_two_windows_of_different_lengths_exact_null_by_enumeration():
    rng = np.random.default_rng(0)
    r = _monthly(rng.normal(size=30))
    wins = [("2001-01-01", "2001-03-31"), ("2001-07-01", "2001-08-31")]
    res = windows_vs_all(r, wins, n_draws=40000, seed=2)
    x = r.to_numpy()
    c3 = np.array([x[i:i + 3].sum() for i in range(28)])
    c2 = np.array([x[i:i + 2].sum() for i in range(29)])
    null = ((c3[:, None] - c3.mean()) + (c2[None, :] - c2.mean())) / 2
    exact = np.mean(null >= res.statistic - 1e-12)
    assert res.pvalue == pytest.approx(exact, abs=0.01)


def test_no_effect_series_gives_large_p_and_bad_windows_raise():
    r = _monthly(np.zeros(24))
    res = windows_vs_all(r, [("2000-03-01", "2000-05-31")], n_draws=199, seed=0)
    assert res.statistic == 0.0 and res.pvalue == 1.0
    with pytest.raises(ValueError, match="no observation"):
        windows_vs_all(r, [("2010-01-01", "2010-02-01")])
