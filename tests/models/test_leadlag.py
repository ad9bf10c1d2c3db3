"""Tests of econ.models.leadlag: lead-lag cross-correlations and best-lead fits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.linear_model import OLS

from econ.models.leadlag import (
    LeadFitResult,
    LeadLagResult,
    _argmax_set,
    _bootstrap_indices,
    best_lead_fit,
    cross_correlation,
)


def _leading_pair(rng: np.random.Generator, T: int, lead: int = 2, beta: float = 0.8):
    """x AR(1) (phi = 0.5); y_t = beta * x_{t-lead} + N(0, 1): x leads y by `lead`."""
    e = rng.standard_normal(T + 50)
    x = np.zeros(T + 50)
    for t in range(1, T + 50):
        x[t] = 0.5 * x[t - 1] + e[t]
    x = x[50:]
    y = np.r_[rng.standard_normal(lead), beta * x[:-lead]] + rng.standard_normal(T)
    return x, y


# ---------------------------------------------------------------------------------------
# estimator and sign convention
# ---------------------------------------------------------------------------------------
def test_corr_matches_pandas_shift_convention():
    # Reference: pandas Series.corr on y shifted by -k, i.e. corr(x_t, y_{t+k}) over the
    # overlapping pairs -- the documented convention.
    rng = np.random.default_rng(0)
    x, y = _leading_pair(rng, 50)
    leads = range(-5, 6)
    res = cross_correlation(x, y, leads, n_boot=9)
    xs, ys = pd.Series(x), pd.Series(y)
    expected = [xs.corr(ys.shift(-k)) for k in leads]
    np.testing.assert_allclose(res.corr, expected, rtol=1e-12)
    np.testing.assert_array_equal(res.n_pairs, [50 - abs(k) for k in leads])


def test_positive_lead_means_x_leads_y():
    # y_{t+3} = x_t exactly: the correlation at lead +3 is 1, at -3 it is not.
    rng = np.random.default_rng(1)
    z = rng.standard_normal(43)
    x = z[:40]
    y = np.r_[rng.standard_normal(3), z[:37]]  # y_{t+3} = x_t
    res = cross_correlation(x, y, range(-4, 5), n_boot=49)
    assert res.corr[res.leads == 3][0] == pytest.approx(1.0, abs=1e-12)
    assert res.best_lead == 3
    assert abs(res.corr[res.leads == -3][0]) < 0.6
    fit = best_lead_fit(y, x, range(-4, 5), common_sample=False)
    assert fit.best_lead == 3
    assert fit.best_rsquared == pytest.approx(1.0, abs=1e-12)


def test_declared_sign():
    # y_t = -x_{t-1} + 0.7 x_{t-3} + noise: |corr| peaks at 1 (negative), corr at 3.
    rng = np.random.default_rng(2)
    T = 200
    x = rng.standard_normal(T)
    y = np.zeros(T)
    y[3:] = -x[2:-1] + 0.7 * x[:-3]
    y += 0.3 * rng.standard_normal(T)
    leads = range(-4, 5)
    assert cross_correlation(x, y, leads, n_boot=19, sign="abs").best_lead == 1
    assert cross_correlation(x, y, leads, n_boot=19, sign="neg").best_lead == 1
    pos = cross_correlation(x, y, leads, n_boot=19, sign="pos")
    assert pos.best_lead == 3 and pos.best_corr > 0


# ---------------------------------------------------------------------------------------
# recovery and the confidence set
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
def test_recovers_known_lead(seed):
    rng = np.random.default_rng(seed)
    x, y = _leading_pair(rng, 80, lead=2)
    res = cross_correlation(x, y, range(-5, 6), n_boot=299, seed=seed)
    assert res.best_lead == 2
    assert 2 in res.confidence_set
    assert len(res.confidence_set) <= 2  # informative, not the whole grid
    row = res.to_frame().set_index("lead").loc[2]
    assert row["lower"] > 0.2  # band at the true lead well away from 0
    assert bool(row["in_set"]) and bool(row["best"])
    fit = best_lead_fit(y, x, range(-5, 6))
    assert fit.best_lead == 2


def test_confidence_set_coverage_small_monte_carlo():
    # Weak signal (T = 40, beta = 0.3): the best lead is wrong about a third of the time,
    # yet the 90% set should contain the true lead in most samples while staying well
    # below the full grid of 9 leads. A singleton set would cover only ~2/3; a full set
    # would have size 9.
    rng = np.random.default_rng(123)
    cover, size = [], []
    for r in range(40):
        x, y = _leading_pair(rng, 40, beta=0.3)
        res = cross_correlation(x, y, range(-4, 5), n_boot=199, seed=r)
        cover.append(2 in res.confidence_set)
        size.append(len(res.confidence_set))
    assert np.mean(cover) >= 0.8, np.mean(cover)
    assert np.mean(size) < 6.5, np.mean(size)


def test_confidence_set_wide_under_independence():
    rng = np.random.default_rng(5)
    sizes = []
    for s in range(3):
        x, y = rng.standard_normal((2, 60))
        sizes.append(len(cross_correlation(x, y, range(-4, 5), n_boot=199, seed=s).confidence_set))
    assert min(sizes) >= 3, sizes


def test_argmax_set_rule():
    leads = np.array([-1, 0, 1, 2, 3])
    freq = np.array([0.05, 0.10, 0.30, 0.50, 0.05])
    assert _argmax_set(freq, leads, best=2, level=0.75) == (1, 2)
    assert _argmax_set(freq, leads, best=2, level=0.90) == (0, 1, 2)
    # tie at 0.05 between -1 and 3: the one closer to the best lead (3) enters first
    assert _argmax_set(freq, leads, best=2, level=0.95) == (0, 1, 2, 3)
    assert _argmax_set(freq, leads, best=2, level=0.50) == (2,)


def test_bootstrap_bands_shares_and_reproducibility():
    rng = np.random.default_rng(6)
    x, y = _leading_pair(rng, 60)
    a = cross_correlation(x, y, range(-3, 4), n_boot=199, seed=11, method="moving")
    b = cross_correlation(x, y, range(-3, 4), n_boot=199, seed=11, method="moving")
    c = cross_correlation(x, y, range(-3, 4), n_boot=199, seed=12, method="moving")
    np.testing.assert_array_equal(a.boot_corr, b.boot_corr)
    assert not np.array_equal(a.boot_corr, c.boot_corr)
    assert a.boot_corr.shape == (199, 7)
    assert (a.lower <= a.upper).all()
    assert a.argmax_share.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(a.lower, np.quantile(a.boot_corr, 0.05, axis=0))
    frame = a.to_frame()
    assert list(frame.columns) == [
        "lead",
        "corr",
        "lower",
        "upper",
        "n_pairs",
        "argmax_share",
        "in_set",
        "best",
    ]
    assert isinstance(a, LeadLagResult)
    assert "confidence_set" in a.summary()


@pytest.mark.parametrize("method", ["stationary", "moving", "circular"])
def test_bootstrap_indices_come_in_blocks(method):
    idx = _bootstrap_indices(30, 50, method, 5, np.random.default_rng(0))
    assert idx.shape == (50, 30)
    assert idx.min() >= 0 and idx.max() < 30
    # consecutive indices (mod T) dominate: blocks, not iid draws
    steps = (np.diff(idx, axis=1) % 30) == 1
    assert steps.mean() > 0.6


def test_default_block_size_and_leads():
    rng = np.random.default_rng(7)
    x, y = _leading_pair(rng, 27)
    res = cross_correlation(x, y, n_boot=49)
    np.testing.assert_array_equal(res.leads, np.arange(-6, 7))  # m = 27 // 4
    assert 1 <= res.block_size <= 27 // 4


# ---------------------------------------------------------------------------------------
# best_lead_fit
# ---------------------------------------------------------------------------------------
def test_best_lead_fit_rsquared_is_squared_corr_and_ols():
    rng = np.random.default_rng(8)
    x, y = _leading_pair(rng, 60)
    leads = range(-3, 4)
    fit = best_lead_fit(y, x, leads, common_sample=False)
    cc = cross_correlation(x, y, leads, n_boot=9)
    # simple regression identity R^2 = corr^2 on each lead's own sample
    np.testing.assert_allclose(fit.table["rsquared"], cc.corr**2, rtol=1e-10)
    # common sample: every regression on t = 3..56 (statsmodels OLS by hand for k = 2)
    common = best_lead_fit(y, x, leads)
    assert (common.table["nobs"] == 54).all()
    t = np.arange(3, 57)
    ols = OLS(y[t], np.column_stack([np.ones(54), x[t - 2]])).fit()
    row = common.table.set_index("lead").loc[2]
    assert row["coef"] == pytest.approx(ols.params[1], rel=1e-10)
    assert row["rsquared"] == pytest.approx(ols.rsquared, rel=1e-10)
    assert isinstance(common, LeadFitResult)
    assert common.to_frame()["best"].sum() == 1


def test_best_lead_fit_own_lags_and_hac():
    rng = np.random.default_rng(9)
    x, y = _leading_pair(rng, 80)
    fit = best_lead_fit(y, x, range(0, 4), own_lags=2, cov_type="HAC")
    assert fit.best_lead == 2
    assert (fit.table["nobs"] == 77).all()
    t = np.arange(3, 80)
    X = np.column_stack([np.ones(77), y[t - 1], y[t - 2], x[t - 2]])
    from econ.models.hac import bandwidth

    ols = OLS(y[t], X).fit(cov_type="HAC", cov_kwds={"maxlags": bandwidth(77)})
    row = fit.table.set_index("lead").loc[2]
    assert row["se"] == pytest.approx(ols.bse[-1], rel=1e-10)


def test_leadlag_validation():
    rng = np.random.default_rng(10)
    x, y = rng.standard_normal((2, 20))
    with pytest.raises(ValueError, match="overlapping"):
        cross_correlation(x, y, range(-18, 19), n_boot=9)
    with pytest.raises(ValueError, match="integers"):
        cross_correlation(x, y, [0.5, 1], n_boot=9)
    with pytest.raises(ValueError, match="NaN"):
        cross_correlation(np.r_[np.nan, x[1:]], y, n_boot=9)
    with pytest.raises(ValueError, match="misaligned"):
        cross_correlation(
            pd.Series(x, index=pd.date_range("2000", periods=20, freq="YS")),
            pd.Series(y, index=pd.date_range("2001", periods=20, freq="YS")),
            n_boot=9,
        )
    with pytest.raises(ValueError, match="sign"):
        cross_correlation(x, y, n_boot=9, sign="max")
    with pytest.raises(ValueError, match="method"):
        cross_correlation(x, y, n_boot=9, method="iid")
    with pytest.raises(ValueError, match="level"):
        cross_correlation(x, y, n_boot=9, level=1.5)
    with pytest.raises(ValueError, match="cov_type"):
        best_lead_fit(y, x, [0, 1], cov_type="HC3")
    with pytest.raises(ValueError, match="overlapping"):
        best_lead_fit(y, x, [0, 18])
