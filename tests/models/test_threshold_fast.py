"""The fast paths of econ.models.threshold give the numbers of the exact (eigen) path.

The bootstrap draws' 2 x 2 quadratic forms are computed in closed form and
:func:`threshold_sup_test` computes the sup statistic of many dependent variables at once;
both must agree with the eigen-decomposition path that the known-answer tests
(``test_threshold.py``, Hansen's published output) check. Constructed data throughout.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.models import threshold as T
from econ.models.threshold import threshold_regression, threshold_sup_test


def _exact_quad_inv2(A, s, d, pos, singular):
    """The eigen path for the 2 x 2 case (what ``_quad_inv2`` replaces in the bootstrap)."""
    return T._quad_inv(A, s, singular, fast=False)


def _data(n: int = 240, seed: int = 7, het: bool = True) -> tuple[pd.Series, pd.DataFrame, pd.Series]:
    """y = x (1 + 1.5 [q > 0.7]) + e, e heteroskedastic in q: a threshold the test should see."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2015-01-02", periods=n, freq="W-FRI")
    q = pd.Series(rng.uniform(size=n), index=idx, name="q")
    x = pd.Series(rng.standard_normal(n), index=idx, name="x")
    e = rng.standard_normal(n) * ((0.5 + q) if het else 1.0)
    y = (x * (1 + 1.5 * (q > 0.7)) + e).rename("y")
    return y, x.to_frame(), q


def test_closed_form_quadratic_form_matches_eigen_path():
    rng = np.random.default_rng(0)
    L = rng.standard_normal((500, 2, 2))
    A = L @ np.swapaxes(L, -1, -2) * rng.uniform(1e-3, 1e3, (500, 1, 1))  # SPD, mixed scales
    A[:20, 1, 1] = A[:20, 0, 0] * (1 + 1e-13)  # nearly singular: both paths must call them singular
    A[:20, 0, 1] = A[:20, 1, 0] = A[:20, 0, 0]
    A[20:25, 0, 0] = 0.0  # a zero diagonal: singular on both paths
    s = rng.standard_normal((500, 2))
    exact = T._quad_inv(A, s, singular=-1.0)
    fast = T._quad_inv(A, s, singular=-1.0, fast=True)
    np.testing.assert_array_equal(exact == -1.0, fast == -1.0)
    assert (exact[:25] == -1.0).all()
    ok = exact != -1.0
    # either path loses about cond(A) * eps; the random stack holds some ill-conditioned matrices
    cond = np.linalg.cond(A[ok])
    np.testing.assert_allclose(fast[ok], exact[ok], rtol=1e-9)
    well = cond < 1e3
    np.testing.assert_allclose(fast[ok][well], exact[ok][well], rtol=1e-13)


@pytest.mark.parametrize("het_robust", [True, False])
def test_bootstrap_fast_path_same_pvalue_and_draws(monkeypatch, het_robust):
    y, X, q = _data(het=het_robust)
    fast = threshold_regression(y, X, q, n_boot=299, seed=11, het_robust=het_robust)
    monkeypatch.setattr(T, "_quad_inv2", _exact_quad_inv2)
    exact = threshold_regression(y, X, q, n_boot=299, seed=11, het_robust=het_robust)
    assert fast.sup_stat == exact.sup_stat and fast.gamma == exact.gamma  # estimates: the exact path
    pd.testing.assert_frame_equal(fast.coefs, exact.coefs, check_exact=True)
    assert fast.pvalue == exact.pvalue
    np.testing.assert_allclose(fast.boot_stats, exact.boot_stats, rtol=1e-11)
    assert fast.pvalue < 0.05  # the constructed threshold is found (a check that the data have one)


@pytest.mark.parametrize("het_robust", [True, False])
def test_sup_test_of_many_y_equals_one_fit_per_column(het_robust):
    y, X, q = _data()
    rng = np.random.default_rng(3)
    Y = pd.DataFrame({f"d{j}": rng.permutation(y.to_numpy()) for j in range(12)}, index=y.index)
    Y["observed"] = y
    got = threshold_sup_test(Y, X, q, trim=0.1, het_robust=het_robust)
    want = [threshold_regression(Y[c], X, q, trim=0.1, n_boot=0, het_robust=het_robust).sup_stat for c in Y]
    np.testing.assert_allclose(got, want, rtol=1e-10)
    np.testing.assert_allclose(threshold_sup_test(y, X, q, trim=0.1, het_robust=het_robust), want[-1:], rtol=1e-10)


def test_sup_test_checks_its_input():
    y, X, q = _data(n=120)
    with pytest.raises(ValueError, match="NaN"):
        threshold_sup_test(np.where(np.arange(120) == 5, np.nan, y.to_numpy()), X.to_numpy(), q.to_numpy())
    with pytest.raises(ValueError, match="same length"):
        threshold_sup_test(np.ones((119, 2)), X.to_numpy(), q.to_numpy())
    with pytest.raises(ValueError, match="indexes"):
        threshold_sup_test(y.iloc[::-1], X, q)
