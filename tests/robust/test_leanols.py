"""econ.robust.leanols against the path it replaces: ``ols_hac`` and statsmodels' tests.

The lean fit promises the same floats (same operations in the same order), so every
comparison here is ``==``, not a tolerance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from econ.models import ols_hac
from econ.models.regression import overlapping_sum
from econ.robust.leanols import f_sf, lean_ols, norm_sf, t_ppf, t_sf


def _data(seed: int, n: int, k: int) -> tuple[pd.Series, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    e = rng.normal(size=(n, k + 1))
    for t in range(1, n):  # serially correlated regressors and errors
        e[t] += 0.6 * e[t - 1]
    X = pd.DataFrame(e[:, :k] * rng.uniform(0.1, 20, size=k), index=pd.date_range("2010-01-01", periods=n, freq="W-FRI"),
                     columns=[f"x{j}" for j in range(k)])
    y = pd.Series(0.3 + X.to_numpy() @ rng.normal(size=k) + e[:, k], index=X.index, name="dy")
    return y, X


def _coef(res, i: int) -> tuple[float, float, float, tuple[float, float]]:
    term = res.params.index[i]
    return (float(res.params[term]), float(res.bse[term]), float(res.pvalues[term]),
            (float(res.conf_int.loc[term, "lower"]), float(res.conf_int.loc[term, "upper"])))


@pytest.mark.parametrize(("seed", "n", "k", "rule", "horizon"),
                         [(0, 503, 5, "nw1994", None), (1, 120, 8, "andrews", None), (2, 300, 3, "nw-auto", None),
                          (3, 60, 1, "nw1994", 6), (4, 1040, 9, "andrews", None), (5, 40, 2, "nw1994", None)])
def test_hac_fit_and_tests_equal_statsmodels(seed, n, k, rule, horizon):
    y, X = _data(seed, n, k)
    ref = ols_hac(y, X, rule=rule, horizon=horizon)
    lean = lean_ols(y.to_numpy(), X.to_numpy(), rule=rule, horizon=horizon)
    assert lean is not None
    assert lean.bandwidth == ref.bandwidth and lean.description == ref.bandwidth_description
    assert lean.nobs == ref.nobs
    for i in range(k + 1):
        assert lean.coef(i) == _coef(ref, i)
    r = np.zeros(k + 1)
    r[1:] = 1.0
    tt = ref.model.t_test(r)
    lo, hi = np.asarray(tt.conf_int(alpha=0.05)).ravel()
    assert lean.t_test(r) == (float(np.squeeze(tt.effect)), float(np.squeeze(tt.sd)), float(np.squeeze(tt.pvalue)),
                              (float(lo), float(hi)))
    if k > 1:
        R = np.zeros((k - 1, k + 1))
        R[np.arange(k - 1), np.arange(2, k + 1)] = 1.0
        w = ref.model.wald_test(R, use_f=True, scalar=True)
        assert lean.wald_test(R) == (float(np.squeeze(w.statistic)), float(np.squeeze(w.pvalue)))


@pytest.mark.parametrize(("seed", "n", "h"), [(0, 240, 6), (1, 1200, 26), (2, 30, 3), (3, 50, 1)])
def test_hodrick_fit_equals_ols_hac(seed, n, h):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2003-01-31", periods=n, freq="ME")
    r = pd.Series(rng.normal(size=n).cumsum() * 0.1 + rng.normal(size=n), index=idx, name="r")
    g = pd.Series(rng.normal(size=n) * 3, index=idx, name="g")
    Y = overlapping_sum(r, h).rename("Y")
    ref = ols_hac(Y, g.to_frame(), cov="hodrick", horizon=h, one_period=r)
    lean = lean_ols(Y.to_numpy()[: n - h + 1], g.to_numpy(), cov="hodrick", horizon=h, one_period=r.to_numpy())
    assert lean is not None and lean.nobs == ref.nobs and lean.bandwidth is None
    assert lean.description == ref.bandwidth_description
    assert [lean.coef(i) for i in range(2)] == [_coef(ref, i) for i in range(2)]


def test_outside_the_lean_case_it_declines():
    y, X = _data(7, 50, 3)
    yv, Xv = y.to_numpy(), X.to_numpy()
    constant = Xv.copy()
    constant[:, 1] = 2.0
    collinear = np.column_stack([Xv, Xv[:, 0] * 2.0])
    holed = Xv.copy()
    holed[10, 0] = np.nan
    assert lean_ols(yv, constant) is None          # ols_hac: "X already contains a constant column"
    assert lean_ols(yv, collinear) is None         # "regressors are perfectly collinear"
    assert lean_ols(yv, holed) is None             # interior missing values
    assert lean_ols(yv[:5], Xv[:5]) is None        # "too few observations"
    with pytest.raises(ValueError):                # the bandwidth rule's own error propagates
        lean_ols(yv[:8], Xv[:8, :1], rule="nw1994", horizon=9)
    with pytest.raises(ValueError):
        ols_hac(y.iloc[:8], X.iloc[:8, :1], rule="nw1994", horizon=9)


def test_distribution_shortcuts_equal_scipy_stats():
    rng = np.random.default_rng(3)
    x = np.abs(np.concatenate([rng.normal(size=500) * 3, rng.standard_cauchy(500) * 10, [0.0, 1e-300, 40.0, 1e5]]))
    for df in (3.0, 17.0, 95.0, 503.0, 1040.0):
        assert np.array_equal(t_sf(x, df), stats.t.sf(x, df))
        assert t_ppf(0.975, df) == stats.t.ppf(0.975, df)
        for J in (1.0, 3.0, 4.0):
            assert [f_sf(F, J, df) for F in x[:100]] == [stats.f.sf(F, J, df) for F in x[:100]]
    assert np.array_equal(norm_sf(x), stats.norm.sf(x))
    inf = np.array([np.inf, 1.0])
    assert np.array_equal(t_sf(inf, 5.0), stats.t.sf(inf, 5.0)) and np.array_equal(norm_sf(inf), stats.norm.sf(inf))
