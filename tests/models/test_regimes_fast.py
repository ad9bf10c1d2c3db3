"""The exact-score path of ``fit_markov`` (order 0) against statsmodels' own likelihood and fit.

The fast path must evaluate statsmodels' likelihood exactly, its gradient must equal the
numerical gradient of that likelihood, and its multi-start fit must reach at least the
log-likelihood of statsmodels' fit from the same starts (to 1e-6).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.tools.numdiff import approx_fprime
from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression

from econ.models import regimes as R


def _simulated(n: int = 400, seed: int = 5) -> tuple[pd.Series, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    s = np.zeros(n, dtype=int)
    for t in range(1, n):
        s[t] = s[t - 1] if rng.uniform() < (0.95 if s[t - 1] == 0 else 0.9) else 1 - s[t - 1]
    x = rng.standard_normal(n)
    y = np.where(s == 0, 0.5 + 0.3 * x, -0.8 - 0.6 * x) + np.where(s == 0, 0.5, 1.5) * rng.standard_normal(n)
    return pd.Series(y, name="y"), pd.DataFrame({"x": x})


MODELS = {
    "switching mean and variance, k=2": dict(k_regimes=2, switching_variance=True),
    "k=3": dict(k_regimes=3, switching_variance=True),
    "common variance": dict(k_regimes=2, switching_variance=False),
    "switching exog": dict(k_regimes=2, exog=True, switching_variance=True),
    "non-switching exog": dict(k_regimes=2, exog=True, switching_exog=False),
}


def _model(spec: dict) -> MarkovRegression:
    y, x = _simulated()
    spec = dict(spec)
    return MarkovRegression(y, exog=x if spec.pop("exog", False) else None, **spec)


@pytest.mark.parametrize("name", list(MODELS))
def test_likelihood_and_exact_score_equal_statsmodels(name: str) -> None:
    model = _model(MODELS[name])
    score = R._ExactScore(model)
    rng = np.random.default_rng(11)
    for _ in range(3):
        u = R._random_start(model, rng)
        llf, grad = score(u)
        assert llf == pytest.approx(model.loglike(model.transform_params(u)), abs=1e-9)
        np.testing.assert_allclose(score.constrained(u), model.transform_params(u), rtol=1e-13, atol=1e-15)
        num = approx_fprime(u, lambda v: model.loglike(model.transform_params(v)), centered=True)
        np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-5 * (1 + np.abs(num).max()))


@pytest.mark.parametrize("k", [2, 3])
def test_fast_fit_reaches_statsmodels_llf(k: int, monkeypatch: pytest.MonkeyPatch) -> None:
    y, x = _simulated(300, seed=9)
    fast = R.fit_markov(y, k_regimes=k, n_starts=4, seed=2)
    monkeypatch.setattr(R, "_ExactScore", lambda model: None)  # statsmodels' own fit, same starts
    slow = R.fit_markov(y, k_regimes=k, n_starts=4, seed=2)
    assert fast.llf >= slow.llf - 1e-6
    # the reported llf is statsmodels' likelihood at the reported parameters
    model = MarkovRegression(y, k_regimes=k, switching_variance=True)
    assert fast.sm_result.llf == pytest.approx(fast.llf, abs=1e-9)
    assert model.loglike(np.asarray(fast.sm_result.params)) == pytest.approx(fast.llf, abs=1e-8)
    if k == 2:  # a well-identified model: both reach the same optimum
        assert fast.llf == pytest.approx(slow.llf, abs=1e-4)
        np.testing.assert_allclose(fast.params["estimate"], slow.params["estimate"], atol=5e-3)


def test_lean_pinv_and_steady_state_equal_numpy_bit_for_bit() -> None:
    """``_pinv`` (numpy's pinv operations without the wrapper) and the steady-state system of
    ``_ExactScore._steady`` give the floats of ``np.linalg.pinv(np.c_[(I - P)', 1]')``, the
    code they replaced; the logistic transform equals the ``np.r_`` form it replaced."""
    rng = np.random.default_rng(11)
    for k in (2, 3, 4):
        for _ in range(200):
            P = rng.dirichlet(np.ones(k), size=k).T  # columns sum to one
            if rng.uniform() < 0.1:
                P[:, 0] = np.eye(k)[0]  # an absorbing regime: rank-deficient system
            old = np.linalg.pinv(np.c_[(np.eye(k) - P).T, np.ones(k)].T)
            pi, Ainv = R._ExactScore._steady(P)
            assert np.array_equal(Ainv, old)
            assert np.array_equal(pi, np.maximum(old[:, -1], 1e-20))
            A = rng.standard_normal((k + 1, k))
            assert np.array_equal(R._pinv(A), np.linalg.pinv(A))
    model = _model(MODELS["k=3"])
    score = R._ExactScore(model)
    for _ in range(50):
        u = rng.standard_normal(model.k_params) * 3
        old = np.array(u, dtype=float)
        for ix in score.ix_from:
            e = old[ix]
            old[ix] = np.exp(e - np.logaddexp.reduce(np.r_[0.0, e]))
        old[score.ix_varall] = u[score.ix_varall] ** 2
        assert np.array_equal(score.constrained(u), old)
