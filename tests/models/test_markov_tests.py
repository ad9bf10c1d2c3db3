"""Tests of econ.models.markov_tests (Carrasco-Hu-Ploberger 2014 linearity test).

No numeric reference output of CHP's statistic for a regression with exogenous regressors
was found (MSTest's CHPTest covers autoregressions); the test is validated on constructed
data: analytic score and Hessian against finite differences, size in a small simulation of a
linear model, power against a persistent two-regime model, invariance to rescaling.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import lfilter
from scipy.special import log_ndtr, logsumexp
from scipy.stats import norm

from econ.models.markov_tests import _Stat, chp_test


def _linear(rng: np.random.Generator, T: int = 300) -> tuple[np.ndarray, np.ndarray]:
    x = rng.standard_normal((T, 2))
    return 0.3 + x @ np.array([0.5, -0.2]) + rng.standard_normal(T), x


def test_two_regime_data_rejected() -> None:
    """Constructed data: persistent regimes (p_stay 0.95) with a mean and variance shift."""
    rng = np.random.default_rng(1)
    T = 400
    x = rng.standard_normal((T, 2))
    s = np.zeros(T, dtype=int)
    for t in range(1, T):
        s[t] = s[t - 1] if rng.random() < 0.95 else 1 - s[t - 1]
    y = np.where(s == 1, -1.0, 0.3) + x @ np.array([0.5, -0.2]) + np.where(s == 1, 2.5, 1.0) * rng.standard_normal(T)
    r = chp_test(y, x, n_boot=99, seed=0)
    assert r.sup_pvalue <= 0.02 and r.exp_pvalue <= 0.02
    assert r.sup_ts > np.quantile(r.boot_sup, 0.99)


def test_size_on_linear_data() -> None:
    """Constructed linear Gaussian data: rejection rate at 5% near 5% (60 samples, 39 draws each)."""
    rej = 0
    n = 60
    for i in range(n):
        y, x = _linear(np.random.default_rng(100 + i), T=200)
        rej += chp_test(y, x, n_boot=39, n_directions=10, n_rho=5, seed=i).sup_pvalue <= 0.05
    # binomial(60, 0.05): 0..8 rejections cover 99.9%
    assert rej <= 8


def test_invariant_to_rescaling() -> None:
    y, x = _linear(np.random.default_rng(3))
    a = chp_test(y, x, n_boot=9, seed=1)
    b = chp_test(5 * y - 2, x * np.array([10.0, 0.1]) + 3, n_boot=9, seed=1)
    assert b.sup_ts == pytest.approx(a.sup_ts, rel=1e-8)
    assert b.exp_ts == pytest.approx(a.exp_ts, rel=1e-8)


def test_score_and_hessian_match_finite_differences() -> None:
    """mu_t uses the analytic score and Hessian of the Gaussian log density: check by differences."""
    rng = np.random.default_rng(4)
    T = 50
    X = np.column_stack([np.ones(T), rng.standard_normal(T)])
    y = X @ np.array([0.2, 0.5]) + rng.standard_normal(T)
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    s2 = float(np.mean((y - X @ beta) ** 2))
    theta = np.r_[beta, s2]

    def ll(th: np.ndarray) -> np.ndarray:
        return norm.logpdf(y, X @ th[:2], np.sqrt(th[2]))

    h = 1e-5
    num_score = np.column_stack([(ll(theta + h * e) - ll(theta - h * e)) / (2 * h) for e in np.eye(3)])
    e = y - X @ beta
    score = np.column_stack([X * (e / s2)[:, None], -0.5 / s2 + e**2 / (2 * s2**2)])
    np.testing.assert_allclose(score, num_score, rtol=1e-5, atol=1e-6)
    # second derivative in sigma2
    num = (ll(theta + h * np.eye(3)[2]) - 2 * ll(theta) + ll(theta - h * np.eye(3)[2])) / h**2
    np.testing.assert_allclose(0.5 / s2**2 - e**2 / s2**3, num, rtol=1e-3, atol=1e-3)
    # the statistic is finite and non-negative
    stat = _Stat(X, np.arange(3), np.linspace(-0.7, 0.7, 3), np.eye(3))
    sup, expo = stat((y - y.mean()) / y.std())
    assert sup >= 0 and np.isfinite(expo)


def _plain_stat(stat: _Stat, y: np.ndarray) -> tuple[float, float]:
    """The statistic as written before it was computed in place (allocating every array)."""
    X, sel, H = stat.X, stat.sel, stat.dirs
    T, k = X.shape
    beta = stat.XtX_inv @ (X.T @ y)
    e = y - X @ beta
    s2 = float(e @ e) / T
    score = np.column_stack([X * (e / s2)[:, None], -0.5 / s2 + e**2 / (2 * s2**2)])
    hess = np.zeros((T, k + 1, k + 1))
    hess[:, :k, :k] = -np.einsum("ti,tj->tij", X, X) / s2
    hess[:, :k, k] = hess[:, k, :k] = -X * (e / s2**2)[:, None]
    hess[:, k, k] = 0.5 / s2**2 - e**2 / s2**3
    ls = score[:, sel]
    A = hess[np.ix_(np.arange(T), sel, sel)] + np.einsum("ti,tj->tij", ls, ls)
    quad = 0.5 * np.einsum("tij,hi,hj->th", A, H, H)
    lh = ls @ H.T
    mu = np.empty((len(stat.rhos), T, len(H)))
    for i, rho in enumerate(stat.rhos):
        mu[i] = quad + lh * (lfilter([0.0, rho], [1.0, -rho], ls, axis=0) @ H.T)
    flat = mu.transpose(1, 0, 2).reshape(T, -1)
    eps = flat - score @ (np.linalg.pinv(score) @ flat)
    gamma = flat.sum(axis=0) / np.sqrt(T)
    scale = np.sqrt(np.mean(eps**2, axis=0))
    z = np.where(scale > 1e-12, gamma / np.where(scale > 1e-12, scale, 1.0), 0.0)
    log_psi = 0.5 * np.log(2 * np.pi) + 0.5 * (z - 1) ** 2 + log_ndtr(z - 1)
    return float(np.max(0.5 * np.maximum(z, 0.0) ** 2)), float(np.exp(logsumexp(log_psi) - np.log(log_psi.size)))


@pytest.mark.parametrize("n_exog", [0, 2])
def test_in_place_statistic_equals_the_plain_formula_bit_for_bit(n_exog: int) -> None:
    """The statistic fills its arrays in place (speed); same IEEE operations, so the same floats."""
    rng = np.random.default_rng(11)
    T = 400
    X = np.column_stack([np.ones(T), rng.standard_normal((T, n_exog))])
    sel = np.arange(X.shape[1] + 1)
    dirs = np.vstack([np.eye(sel.size), rng.standard_normal((6, sel.size))])
    stat = _Stat(X, sel, np.linspace(-0.7, 0.7, 8), dirs)
    for _ in range(5):
        y = rng.standard_normal(T) * (1 + (rng.random(T) < 0.3))
        y = (y - y.mean()) / y.std()
        assert stat(y) == _plain_stat(stat, y)


def test_validation() -> None:
    y, x = _linear(np.random.default_rng(5))
    with pytest.raises(ValueError, match="switching"):
        chp_test(y, x, switching=["nope"])
    with pytest.raises(ValueError, match="rho_bound"):
        chp_test(y, x, rho_bound=1.0)
