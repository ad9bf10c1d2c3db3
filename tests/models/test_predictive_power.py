"""Power of the predictive regression on a real-time z-score (C11): the closed-form Hodrick
slopes equal ``ols_hac``; the power function is about alpha at zero effect where the test is
well sized, rises with the effect, and shows the size distortion of the short design."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from econ.models.predictive_power import hodrick_slopes, realtime_zscore, reversion_power
from econ.models.regression import ols_hac, overlapping_sum


def test_hodrick_slopes_equal_ols_hac_row_by_row():
    # reference: econ.models.regression.ols_hac(cov="hodrick"), itself checked against Hodrick (1992) 1B
    rng = np.random.default_rng(0)
    n, h = 90, 6
    z = rng.normal(size=(3, n)).cumsum(axis=1)
    r = rng.normal(0.01, 0.05, size=(3, n))
    beta, se, p, m = hodrick_slopes(z, r, h)
    idx = pd.date_range("2000-01-31", periods=n, freq="ME")
    for b in range(3):
        rs = pd.Series(r[b], idx, name="r")
        y = overlapping_sum(rs, h)
        res = ols_hac(y, pd.DataFrame({"z": z[b]}, index=idx), cov="hodrick", horizon=h, one_period=rs)
        assert res.nobs == m == n - h + 1
        assert beta[b] == pytest.approx(float(res.params["z"]), abs=1e-10)
        assert se[b] == pytest.approx(float(res.bse["z"]), abs=1e-10)
        assert p[b] == pytest.approx(float(res.pvalues["z"]), abs=1e-10)


def test_realtime_zscore_matches_pandas_expanding():
    x = np.random.default_rng(1).normal(size=(2, 50)).cumsum(axis=1)
    zs = realtime_zscore(x, 10)
    for b in range(2):
        s = pd.Series(x[b])
        ex = s.expanding(min_periods=10)
        np.testing.assert_allclose(zs[b], ((s - ex.mean()) / ex.std()).to_numpy(), atol=1e-10, equal_nan=True)


def test_size_adjusted_power_is_alpha_at_zero_effect_on_fresh_draws():
    # constructed data: the critical value from one set of random walks, applied to another
    a = reversion_power(120, 0.05, [math.inf], horizon=12, min_periods=36, reps=3000, seed=5)
    b = reversion_power(120, 0.05, [math.inf], horizon=12, min_periods=36, reps=3000, seed=6, critical_t=a.critical_t)
    assert a.critical_t < -1.96  # left-skewed null of the t-statistic
    assert b.table.loc[math.inf, "power_size_adjusted"] == pytest.approx(0.025, abs=0.01)  # alpha/2: one tail


def test_power_rises_with_the_effect_in_a_long_sample():
    # constructed data: 1,500 periods, one-period horizon
    res = reversion_power(1500, 0.05, [math.inf, 120, 60, 24], horizon=1, min_periods=36, reps=800, seed=3)
    t = res.table
    assert 0.05 < res.size < 0.16  # Dickey-Fuller-like null: over-rejects even in a long sample
    power = t["power"].to_numpy()
    assert np.all(np.diff(power) > 0)  # monotone in the effect (shorter half-life = stronger reversion)
    assert t.loc[24.0, "power"] > 0.8
    assert np.all(np.diff(t["power_size_adjusted"].to_numpy()) > 0)
    assert t.loc[math.inf, "power_size_adjusted"] == pytest.approx(0.025, abs=0.005)  # exact by construction
    assert t.loc[24.0, "implied_beta"] == pytest.approx((0.5 ** (1 / 24) - 1) * 0.05 / math.sqrt(1 - 0.5 ** (2 / 24)))


def test_the_short_overlapping_design_over_rejects_a_random_walk():
    # the C11 design: 120 months, 36-month burn-in, 12-month horizon -> N = 73 overlapping sums
    res = reversion_power(120, 0.05, [math.inf, 12], horizon=12, min_periods=36, reps=1000, seed=4)
    assert res.nobs == 73
    assert res.size > 0.08  # Stambaugh bias of a z-score built from the returns' own past
    assert res.table.loc[math.inf, "mean_beta"] < 0
    assert res.power_at(12, size_adjusted=True) < res.power_at(12)


def test_power_needs_the_null_and_a_long_enough_sample():
    with pytest.raises(ValueError, match="random-walk null"):
        reversion_power(200, 0.05, [12], horizon=12, min_periods=36, reps=10)
    with pytest.raises(ValueError, match="too short"):
        reversion_power(40, 0.05, [math.inf], horizon=12, min_periods=36, reps=10)
