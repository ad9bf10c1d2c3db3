"""Tests of econ.models.split (known-date split regression, HAC) against a threshold search.

Constructed data: a regime covering 6% of the weeks, in which the slope flips, is detected by
the known-date split test and not by a Hansen (2000) threshold test with 15% trimming; under
no regime the split test's rejection rate is near 5%. Reference for the point estimate:
statsmodels OLS on the interacted design (same numbers by construction of the estimator).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.models.split import split_regression
from econ.models.threshold import threshold_regression

T = 415
SHARE = 0.06


def _data(seed: int, dbeta: float) -> tuple[pd.Series, pd.DataFrame, pd.Series, np.ndarray]:
    rng = np.random.default_rng(seed)
    idx = pd.RangeIndex(T)
    q = pd.Series(np.cumsum(rng.standard_normal(T)) + rng.standard_normal(T), index=idx)
    episode = (q <= q.quantile(SHARE)).to_numpy()
    dx = rng.standard_normal(T) * 0.1
    y = -3.0 * dx + dbeta * dx * episode + rng.standard_normal(T) * 2.0
    return pd.Series(y, index=idx), pd.DataFrame({"dx": dx}, index=idx), q, episode


def test_point_estimates_match_interacted_ols() -> None:
    y, x, _, ep = _data(0, -20.0)
    r = split_regression(y, x["dx"], ep, hac_lags=4)
    d = ep.astype(float)
    X = np.column_stack([np.ones(T), x["dx"], d, d * x["dx"]])
    b = np.linalg.lstsq(X, y.to_numpy(), rcond=None)[0]
    assert r.diff == pytest.approx(b[3], abs=1e-10)
    assert r.slope_in == pytest.approx(b[1] + b[3], abs=1e-10)
    assert r.n_in == int(ep.sum()) and abs(r.n_in / T - SHARE) < 0.01


def test_six_percent_regime_split_detects_hansen15_cannot() -> None:
    """A flip in 6% of weeks: split test rejects in most samples, Hansen-15% rarely."""
    split_rej, hansen_rej = 0, 0
    n = 20
    for i in range(n):
        y, x, q, ep = _data(10 + i, -30.0)
        split_rej += split_regression(y, x["dx"], ep).diff_p < 0.05
        hansen_rej += threshold_regression(y, x, q, trim=0.15, n_boot=99, seed=i).pvalue < 0.05
    assert split_rej >= 0.8 * n
    assert hansen_rej <= 0.35 * n
    assert split_rej - hansen_rej >= 0.5 * n


def test_size_under_no_regime() -> None:
    """HC3 holds the 5% size; the Newey-West t over-rejects with a small clustered episode."""
    rej, rej_hac = 0, 0
    n = 200
    for i in range(n):
        y, x, _, ep = _data(1000 + i, 0.0)
        r = split_regression(y, x["dx"], ep)
        rej += r.diff_p < 0.05
        rej_hac += r.diff_p_hac < 0.05
    # binomial(200, 0.05): 99.9% band about 2..21
    assert 2 <= rej <= 21
    assert rej_hac > 21  # measured 28 of 200: why HC3 is the headline inference


def test_validation() -> None:
    y, x, _, ep = _data(0, 0.0)
    with pytest.raises(ValueError, match="episode periods"):
        split_regression(y, x["dx"], np.zeros(T, dtype=bool))
    with pytest.raises(ValueError, match="same length"):
        split_regression(y, x["dx"], ep[:-1])


def test_design_check_split_hc3_equals_split_regression():
    """studies.regimes._SplitHC3 (pinv and leverages once per design) gives split_regression's HC3 p exactly."""
    import numpy as np

    from econ.models.split import split_regression
    from studies.regimes import _SplitHC3

    rng = np.random.default_rng(1)
    n = 441
    dx = rng.standard_normal(n)
    ep = rng.random(n) < 0.06
    fast = _SplitHC3(dx, ep)
    for _ in range(50):
        y = rng.standard_normal(n) * (1 + np.abs(dx)) + 0.3 * dx
        assert fast.pvalue(y) == split_regression(y, dx, ep).diff_p
