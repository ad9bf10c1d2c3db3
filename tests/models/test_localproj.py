"""Tests for econ.models.localproj."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from econ.models.localproj import local_projection
from econ.models.regression import ols_hac


def _dl_sample(T, seed):
    """y_t = 0.5 y_{t-1} + x_t + 0.5 x_{t-1} + e_t with iid x: known IRF."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(T)
    e = rng.standard_normal(T)
    y = np.zeros(T)
    for t in range(1, T):
        y[t] = 0.5 * y[t - 1] + x[t] + 0.5 * x[t - 1] + e[t]
    index = pd.period_range("1960-01", periods=T, freq="M")
    return pd.DataFrame({"y": y, "x": x}, index=index)


def _true_irf(H):
    # reference: analytic IRF of the DGP, psi_0 = 1, psi_1 = 0.5 + 0.5, psi_h = 0.5 psi_{h-1}.
    psi = [1.0, 1.0]
    while len(psi) < H + 1:
        psi.append(0.5 * psi[-1])
    return np.array(psi[: H + 1])


@pytest.fixture(scope="module")
def sample():
    return _dl_sample(1500, seed=7)


def test_recovers_known_irf(sample):
    H = 8
    res = local_projection("y", "x", sample, horizons=H, y_lags=2, x_lags=2, response="level")
    truth = _true_irf(H)
    np.testing.assert_allclose(res.irf.to_numpy(), truth, atol=0.15)
    # errors consistent with the HAC standard errors: no |z| beyond 3 over 9 horizons
    assert (np.abs(res.irf.to_numpy() - truth) / res.se.to_numpy() < 3).all()
    band = res.band(95)
    assert (band["lower"] < res.irf).all() and (res.irf < band["upper"]).all()
    # HAC lags at least h and never below the NW (1994) rule
    assert (res.hac_lags.to_numpy() >= np.arange(H + 1)).all()
    assert res.hac_lags[0] == 7  # floor(4 (1498/100)^(2/9)) = floor(7.29)


def test_change_equals_level_when_lagged_y_is_controlled(sample):
    # FWL: with y_{t-1} among the controls, regressing y_{t+h} - y_{t-1} or y_{t+h} gives
    # the same coefficient on x_t (only the y_{t-1} coefficient shifts by one).
    level = local_projection("y", "x", sample, horizons=4, response="level")
    change = local_projection("y", "x", sample, horizons=4, response="change")
    np.testing.assert_allclose(change.irf, level.irf, rtol=1e-8)
    np.testing.assert_allclose(change.se, level.se, rtol=1e-8)


def test_cumulative_response_of_a_flow(sample):
    # y here is a flow; the cumulative response is the running sum of the level IRF.
    H = 6
    cum = local_projection("y", "x", sample, horizons=H, y_lags=2, x_lags=2, response="cumulative")
    np.testing.assert_allclose(cum.irf.to_numpy(), np.cumsum(_true_irf(H)), atol=0.25)


def test_horizon0_equals_plain_ols(sample):
    res = local_projection("y", "x", sample, horizons=3, y_lags=2, x_lags=1, response="level")
    X = pd.DataFrame(
        {
            "x": sample["x"],
            "y_lag1": sample["y"].shift(1),
            "y_lag2": sample["y"].shift(2),
            "x_lag1": sample["x"].shift(1),
        }
    )
    ols = ols_hac(sample["y"], X, rule="nw1994", horizon=1)
    assert res.irf[0] == pytest.approx(ols.params["x"], rel=1e-12)
    assert res.se[0] == pytest.approx(ols.bse["x"], rel=1e-12)
    assert res.nobs[0] == ols.nobs == len(sample) - 2


def test_matches_statsmodels_local_projections():
    # reference (peer implementation): statsmodels.tsa.vector_ar.local_proj.LocalProjections
    # (statsmodels 0.15) with endog [x, y], shock x, 2 lags of both, constant, fixed
    # Newey-West lags and a common sample; same regression, no small-sample correction.
    lp_mod = pytest.importorskip("statsmodels.tsa.vector_ar.local_proj")
    df = _dl_sample(600, seed=3)
    ours = local_projection(
        "y", "x", df, horizons=6, y_lags=2, x_lags=2, response="level",
        rule="fixed", lags=6, small_sample=False, common_sample=True,
    )  # fmt: skip
    theirs = lp_mod.LocalProjections(df[["x", "y"]], shock_idx=0, lags=2, horizons=6, nw_lags=6)
    fit = theirs.fit()
    np.testing.assert_allclose(ours.irf.to_numpy(), fit.irfs[:, 1, 0], rtol=1e-10)
    np.testing.assert_allclose(ours.se.to_numpy(), fit.stderr[:, 1, 0], rtol=1e-10)
    assert (ours.nobs == fit.nobs).all()


def test_frame_bands_and_nobs(sample):
    res = local_projection("y", "x", sample.iloc[:400], horizons=5, levels=(68, 90))
    frame = res.to_frame()
    assert list(frame["horizon"]) == list(range(6))
    assert {"irf", "se", "lower_68", "upper_68", "lower_90", "upper_90", "nobs", "hac_lags"} <= set(
        frame.columns
    )
    z90 = stats.norm.ppf(0.95)
    np.testing.assert_allclose(frame["upper_90"] - frame["irf"], z90 * frame["se"], rtol=1e-12)
    # change response: lose y_lags=4 rows at the start and h rows at the end
    assert list(frame["nobs"]) == [400 - 4 - h for h in range(6)]
    common = local_projection("y", "x", sample.iloc[:400], horizons=5, common_sample=True)
    assert common.nobs.nunique() == 1 and common.nobs[0] == 400 - 4 - 5
    assert "Local projection" in res.summary()


def test_controls_enter(sample):
    df = sample.assign(z=np.random.default_rng(0).standard_normal(len(sample)))
    res = local_projection("y", "x", df, horizons=1, controls=["z"])
    assert "z" in res.regressions[0].params.index


def test_validation(sample):
    with pytest.raises(ValueError, match="not in data"):
        local_projection("y", "nope", sample)
    with pytest.raises(ValueError, match="response must be"):
        local_projection("y", "x", sample, response="growth")
    with pytest.raises(ValueError, match="horizons"):
        local_projection("y", "x", sample, horizons=-1)
    with pytest.raises(ValueError, match="levels"):
        local_projection("y", "x", sample, levels=(95, 100))
    with pytest.raises(ValueError, match="not numeric"):
        local_projection("y", "x", sample.assign(x=sample["x"].astype("str")))
    with pytest.raises(ValueError, match="increasing"):
        local_projection("y", "x", sample.iloc[::-1])
    with pytest.raises(ValueError, match="distinct"):
        local_projection("y", "x", sample, controls=["x"])
    with pytest.raises(ValueError, match=r"horizon \d+: too few observations"):
        local_projection("y", "x", sample.iloc[:20], horizons=10, y_lags=4, x_lags=4)
    gap = sample.copy()
    gap.iloc[100, 0] = np.nan
    with pytest.raises(ValueError, match="interior missing"):
        local_projection("y", "x", gap, horizons=2)
