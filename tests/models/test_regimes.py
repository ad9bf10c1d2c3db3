"""Tests of econ.models.regimes (Markov switching, multi-start, stable labels).

Known answers come from the statsmodels test-suite, which transcribes EViews and Stata 14
output; the data are copied into tests/models/reference/ (see README.md there).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from econ.models.regimes import RegimeResult, fit_markov

REF = Path(__file__).parent / "reference"


def _quarterly(name: str, column: str) -> pd.Series:
    d = pd.read_csv(REF / name, parse_dates=["date"]).set_index("date")
    return d[column]


@pytest.fixture(scope="module")
def fedfunds_fit() -> RegimeResult:
    y = _quarterly("stata_fedfunds.csv", "fedfunds")
    return fit_markov(y, switching_variance=False, n_starts=4, seed=1)


@pytest.fixture(scope="module")
def rgnp_fit() -> RegimeResult:
    y = _quarterly("hamilton_rgnp.csv", "rgnp")
    return fit_markov(y, order=4, switching_variance=False, switching_ar=False, n_starts=2,
                      seed=0)


# ---------------------------------------------------------------------------------------
# Known answers
# ---------------------------------------------------------------------------------------


def test_fedfunds_matches_stata(fedfunds_fit: RegimeResult) -> None:
    # Stata 14 `mswitch dr fedfunds` (manual [TS] mswitch, example 1): switching constant,
    # common variance. Values as transcribed in statsmodels
    # tsa/regime_switching/tests/test_markov_regression.py::TestFedFundsConst.
    r = fedfunds_fit
    assert r.llf == pytest.approx(-508.63592, abs=1e-4)
    p = r.params["estimate"]
    assert r.transition.loc[0, 0] == pytest.approx(0.9820939, abs=2e-4)
    assert r.transition.loc[1, 0] == pytest.approx(0.0503587, abs=2e-4)
    assert p["const[0]"] == pytest.approx(3.70877, abs=2e-3)
    assert p["const[1]"] == pytest.approx(9.556793, abs=2e-3)
    assert p["sigma2"] == pytest.approx(2.107562**2, rel=1e-3)
    # Stata OIM standard errors (statsmodels "approx" = inverse numerical Hessian)
    se = r.params["std_err"]
    assert se["const[0]"] == pytest.approx(0.1767083, rel=5e-3)
    assert se["const[1]"] == pytest.approx(0.2999889, rel=5e-3)
    assert se["p[0->0]"] == pytest.approx(0.0104002, rel=5e-3)
    # all starts reach the same optimum on this well-behaved problem
    assert r.n_converged == r.n_starts == r.n_at_best
    assert r.llf_spread < 1e-4


def test_fedfunds_smoothed_probabilities_match_stata(fedfunds_fit: RegimeResult) -> None:
    # Stata 14 `predict, smethod` smoothed probabilities (statsmodels
    # tests/results/results_predict_fedfunds.csv, columns const_sm1/const_sm2); Stata's
    # regime 1 is the low-rate regime = our regime 0 (lowest mean, common variance).
    ref = pd.read_csv(REF / "stata_fedfunds.csv")
    sm = fedfunds_fit.smoothed_probs
    np.testing.assert_allclose(sm[0].to_numpy(), ref["const_sm1"].to_numpy(), atol=1e-4)
    np.testing.assert_allclose(sm[1].to_numpy(), ref["const_sm2"].to_numpy(), atol=1e-4)
    assert sm.index.equals(pd.DatetimeIndex(pd.to_datetime(ref["date"]), name="date"))


def test_hamilton_rgnp_ar4_matches_eviews(rgnp_fit: RegimeResult) -> None:
    # Hamilton (1989) model: AR(4), switching mean only. EViews SWITCHREG results as
    # transcribed in statsmodels test_markov_autoregression.py::TestHamiltonAR4.
    r = rgnp_fit
    assert r.model == "MarkovAutoregression"
    assert r.nobs == 131
    assert r.llf == pytest.approx(-181.26339, abs=1e-4)
    p = r.params["estimate"]
    # regime 0 = recession (lowest mean, the variance is common)
    assert p["const[0]"] == pytest.approx(-0.358811, abs=1e-3)
    assert p["const[1]"] == pytest.approx(1.163516, abs=1e-3)
    assert r.transition.loc[0, 0] == pytest.approx(0.754673, abs=1e-3)
    assert r.transition.loc[1, 0] == pytest.approx(0.095915, abs=1e-3)
    assert p["sigma2"] == pytest.approx(np.exp(-0.262658) ** 2, rel=1e-3)
    np.testing.assert_allclose(p[["ar.L1", "ar.L2", "ar.L3", "ar.L4"]].to_numpy(),
                               [0.013486, -0.057521, -0.246983, -0.212923], atol=1e-3)
    # EViews OIM standard errors for the switching means
    assert r.params.loc["const[0]", "std_err"] == pytest.approx(0.2645396, rel=5e-3)
    assert r.params.loc["const[1]", "std_err"] == pytest.approx(0.0745187, rel=5e-3)


def test_hamilton_rgnp_probabilities_match_eviews(rgnp_fit: RegimeResult) -> None:
    # EViews filtered/smoothed P(expansion) from statsmodels test_markov_autoregression.py
    # (hamilton_ar4_filtered / hamilton_ar4_smoothed); probabilities start after 4 lags.
    ref = pd.read_csv(REF / "hamilton_rgnp_ar4_probs_eviews.csv", parse_dates=["date"])
    r = rgnp_fit
    assert r.smoothed_probs.index[0] == ref["date"].iloc[0]
    np.testing.assert_allclose(r.filtered_probs[1].to_numpy(), ref["filtered_p1"], atol=1e-4)
    np.testing.assert_allclose(r.smoothed_probs[1].to_numpy(), ref["smoothed_p1"], atol=1e-4)
    # the 1974-75 recession is a spell of regime 0
    spells = r.regime_dates(min_length=2)
    rec = spells[(spells["regime"] == 0) & (spells["start"].dt.year.isin([1973, 1974]))]
    assert len(rec) == 1 and rec["end"].iloc[0].year == 1975


def test_switching_variance_matches_stata() -> None:
    # Stata 14 mswitch example (absolute returns, switching constant, AR(1)-type exog and
    # switching variance): statsmodels test_markov_regression.py::TestAreturnsConstL1Variance.
    a = pd.read_csv(REF / "stata_areturns.csv")["areturns"].to_numpy()
    r = fit_markov(a[1:], exog=pd.DataFrame({"lag": a[:-1]}), switching_variance=True,
                   n_starts=4, seed=0)
    assert r.llf == pytest.approx(-745.7977, abs=1e-4)
    p = r.params["estimate"]
    # Stata's regime 1 has the smaller variance = our regime 0 under order_by="variance"
    assert np.sqrt(p["sigma2[0]"]) == pytest.approx(0.5895792, rel=2e-3)
    assert np.sqrt(p["sigma2[1]"]) == pytest.approx(1.605333, rel=2e-3)
    assert p["const[0]"] == pytest.approx(0.7641424, abs=2e-3)
    assert p["const[1]"] == pytest.approx(1.972771, abs=5e-3)
    assert p["lag[0]"] == pytest.approx(0.0790744, abs=2e-3)
    assert p["lag[1]"] == pytest.approx(0.527953, abs=5e-3)
    assert r.transition.loc[0, 0] == pytest.approx(0.7530865, abs=2e-3)
    assert r.transition.loc[1, 0] == pytest.approx(0.6825357, abs=2e-3)


# ---------------------------------------------------------------------------------------
# Simulation: recovery and stable labels
# ---------------------------------------------------------------------------------------


def _simulate(n: int, seed: int) -> tuple[pd.Series, np.ndarray]:
    """Two regimes: 0 = calm (mean 1, var 0.25, stay 0.95); 1 = turbulent (mean -1,
    var 2.25, stay 0.90)."""
    rng = np.random.default_rng(seed)
    stay = np.array([0.95, 0.90])
    mu, sd = np.array([1.0, -1.0]), np.array([0.5, 1.5])
    s = np.empty(n, dtype=int)
    s[0] = 0
    for t in range(1, n):
        s[t] = s[t - 1] if rng.random() < stay[s[t - 1]] else 1 - s[t - 1]
    y = mu[s] + sd[s] * rng.standard_normal(n)
    idx = pd.date_range("2000-01-03", periods=n, freq="B")
    return pd.Series(y, index=idx, name="y"), s


@pytest.fixture(scope="module")
def simulated() -> tuple[pd.Series, np.ndarray]:
    return _simulate(800, seed=20240601)


def test_recovers_simulated_parameters(simulated: tuple[pd.Series, np.ndarray]) -> None:
    y, s = simulated
    r = fit_markov(y, n_starts=4, seed=0)
    p = r.params["estimate"]
    # true values are the simulation design above; tolerances ~3-4 standard errors at n=800
    assert p["const[0]"] == pytest.approx(1.0, abs=0.12)
    assert p["const[1]"] == pytest.approx(-1.0, abs=0.35)
    assert p["sigma2[0]"] == pytest.approx(0.25, rel=0.2)
    assert p["sigma2[1]"] == pytest.approx(2.25, rel=0.3)
    assert r.transition.loc[0, 0] == pytest.approx(0.95, abs=0.03)
    assert r.transition.loc[1, 1] == pytest.approx(0.90, abs=0.06)
    # the smoothed classification finds the true state most of the time
    lab = r.classify(0.5)
    assert lab.notna().mean() > 0.9
    acc = np.mean(lab.to_numpy(dtype=float, na_value=-1) == s)
    assert acc > 0.85
    # durations are consistent with the transition matrix
    np.testing.assert_allclose(r.expected_durations.to_numpy(),
                               1 / (1 - np.diag(r.transition.to_numpy())))
    np.testing.assert_allclose(r.transition.sum(axis=1), 1.0)
    np.testing.assert_allclose(r.smoothed_probs.sum(axis=1), 1.0, atol=1e-10)
    assert r.smoothed_probs.index.equals(y.index)


def test_labels_stable_across_seeds(simulated: tuple[pd.Series, np.ndarray]) -> None:
    y, _ = simulated
    fits = [fit_markov(y, n_starts=3, seed=sd) for sd in (1, 2, 3)]
    ref = fits[0]
    for r in fits[1:]:
        assert r.llf == pytest.approx(ref.llf, abs=1e-4)
        np.testing.assert_allclose(r.params["estimate"], ref.params["estimate"], atol=2e-3)
        np.testing.assert_allclose(r.smoothed_probs, ref.smoothed_probs, atol=2e-3)
    for r in fits:
        assert r.params.loc["sigma2[0]", "estimate"] < r.params.loc["sigma2[1]", "estimate"]


def test_order_by_mean_mirrors_order_by_variance(
        simulated: tuple[pd.Series, np.ndarray]) -> None:
    # In the design the calm regime has the HIGHER mean, so the two labelling rules give
    # mirror-image labels; every output must be permuted consistently.
    y, _ = simulated
    rv = fit_markov(y, n_starts=2, seed=0, order_by="variance")
    rm = fit_markov(y, n_starts=2, seed=0, order_by="mean")
    assert rv.llf == pytest.approx(rm.llf, abs=1e-6)
    pv, pm = rv.params["estimate"], rm.params["estimate"]
    assert pv["const[0]"] > pv["const[1]"] and pm["const[0]"] < pm["const[1]"]
    for term in ("const", "sigma2"):
        assert pv[f"{term}[0]"] == pytest.approx(pm[f"{term}[1]"], abs=1e-6)
        assert pv[f"{term}[1]"] == pytest.approx(pm[f"{term}[0]"], abs=1e-6)
    np.testing.assert_allclose(rv.transition.to_numpy(), rm.transition.to_numpy()[::-1, ::-1],
                               atol=1e-8)
    np.testing.assert_allclose(rv.expected_durations.to_numpy(),
                               rm.expected_durations.to_numpy()[::-1])
    np.testing.assert_allclose(rv.smoothed_probs[0], rm.smoothed_probs[1], atol=1e-8)
    np.testing.assert_allclose(rv.filtered_probs[1], rm.filtered_probs[0], atol=1e-8)
    # standard errors travel with their parameters
    assert rv.params.loc["const[0]", "std_err"] == pytest.approx(
        rm.params.loc["const[1]", "std_err"], rel=1e-3)


def test_multistart_reports_every_start() -> None:
    y, _ = _simulate(300, seed=7)
    r = fit_markov(y.to_numpy(), n_starts=5, seed=3)
    assert r.llf_starts.shape == (5,)
    assert 1 <= r.n_at_best <= r.n_converged <= 5
    assert r.llf == pytest.approx(np.nanmax(r.llf_starts[np.isfinite(r.llf_starts)]), abs=1e-6)
    assert r.llf_spread >= 0
    assert isinstance(r.smoothed_probs.index, pd.RangeIndex)


# ---------------------------------------------------------------------------------------
# Spells, tidy output, validation
# ---------------------------------------------------------------------------------------


def test_regime_dates_on_known_probabilities(fedfunds_fit: RegimeResult) -> None:
    idx = pd.date_range("2020-01-31", periods=10, freq="ME")
    p1 = np.array([0.1, 0.2, 0.9, 0.8, 0.55, 0.5, 0.3, 0.95, 0.2, 0.1])
    probs = pd.DataFrame({0: 1 - p1, 1: p1}, index=idx)
    r = dataclasses.replace(fedfunds_fit, smoothed_probs=probs)
    spells = r.regime_dates(0.5)
    # month 6 has P = 0.5 for both regimes, which is not > 0.5: it is unclassified, ends
    # the regime-1 run of months 3-5 and belongs to no spell.
    expected = pd.DataFrame({
        "regime": [0, 1, 0, 1, 0],
        "start": idx[[0, 2, 6, 7, 8]],
        "end": idx[[1, 4, 6, 7, 9]],
        "length": [2, 3, 1, 1, 2],
    })
    pd.testing.assert_frame_equal(spells, expected)
    long = r.regime_dates(0.5, min_length=2)
    assert long["length"].tolist() == [2, 3, 2]
    # with 0.85 only months 1, 3, 8 and 10 are classified
    strict = r.regime_dates(0.85)
    assert strict["length"].tolist() == [1, 1, 1, 1]
    assert strict["regime"].tolist() == [0, 1, 1, 0]
    assert list(strict["start"]) == list(idx[[0, 2, 7, 9]])


def test_tidy_frame_and_summary(fedfunds_fit: RegimeResult) -> None:
    f = fedfunds_fit.to_frame()
    assert list(f.columns) == ["term", "regime", "switching", "estimate", "std_err", "zstat",
                               "pvalue", "name"]
    assert f.loc[f["name"] == "const[1]", "regime"].iloc[0] == 1
    assert f.loc[f["name"] == "sigma2", "regime"].isna().all()
    wide = fedfunds_fit.regime_params()
    assert wide.loc["const", 0] == pytest.approx(fedfunds_fit.params.loc["const[0]", "estimate"])
    assert wide.loc["sigma2", 0] == wide.loc["sigma2", 1]
    text = fedfunds_fit.summary()
    assert "Transition matrix" in text and "Expected durations" in text and "llf" in text


@pytest.mark.parametrize(
    ("kwargs", "msg"),
    [
        ({"k_regimes": 1}, "k_regimes"),
        ({"order": -1}, "order"),
        ({"n_starts": 0}, "n_starts"),
        ({"trend": "x"}, "trend"),
        ({"order_by": "median"}, "order_by"),
        ({"exog": np.ones((5, 1))}, "rows"),
    ],
)
def test_validation(kwargs: dict, msg: str) -> None:
    y = np.random.default_rng(0).standard_normal(100)
    with pytest.raises(ValueError, match=msg):
        fit_markov(y, **kwargs)


def test_validation_data() -> None:
    y = np.random.default_rng(0).standard_normal(100)
    with pytest.raises(ValueError, match="NaN"):
        fit_markov(np.r_[y, np.nan])
    with pytest.raises(ValueError, match="numeric"):
        fit_markov(pd.Series(["a"] * 100))
    with pytest.raises(ValueError, match="too few"):
        fit_markov(y[:12])
    with pytest.raises(ValueError, match="no mean"):
        fit_markov(y, trend="n")
    s = pd.Series(y, index=pd.date_range("2000", periods=100, freq="D"))
    with pytest.raises(ValueError, match="index"):
        fit_markov(s, exog=pd.DataFrame({"x": y}, index=pd.RangeIndex(100) + 5))
    with pytest.raises(ValueError, match="prob_threshold"):
        fit_markov(y, n_starts=1).regime_dates(1.0)
