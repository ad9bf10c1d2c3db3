"""Tests of econ.models.threshold (Hansen 2000 threshold regression).

Known answers: Hansen's (2000) growth application on the Durlauf-Johnson (1995) data. The
data (tests/models/reference/dur_john_raw.csv) and the printed output of Hansen's
procedures come from the R package thrreg (github.com/mlkremer/thrreg: data-raw/
dur_john_raw.dat and output/output.tex, produced by thr_test_het / thr_est, a port of
Hansen's thr_het.R / thr_est.R); gamma = 863 with 95% interval [594, 1794] and the second
split on literacy at 45 are the estimates reported in Hansen (2000). Bootstrap p-values
are Monte Carlo quantities (thrreg used 1,000 draws of R's RNG) and are compared within
Monte Carlo error.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from econ.models.threshold import (
    ThresholdResult,
    hansen_critical_value,
    threshold_regression,
)

REF = Path(__file__).parent / "reference"


def _dur_john() -> tuple[pd.Series, pd.DataFrame, pd.DataFrame]:
    """Hansen's growth.R sample: 96 non-oil countries with complete data."""
    d = pd.read_csv(REF / "dur_john_raw.csv")
    keep = ((d["gdp60"] != -999) & (d["gdp85"] != -999) & (d["school"] != -999)
            & (d["literacy"] != -999) & (d["nonoil"] == 1))
    d = d[keep]
    y = (np.log(d["gdp85"]) - np.log(d["gdp60"])).rename("growth")
    X = pd.DataFrame({
        "log_gdp60": np.log(d["gdp60"]),
        "log_inv": np.log(d["inv_gdp"] / 100),
        "log_pop": np.log(d["popgrowth"] / 100 + 0.05),
        "log_school": np.log(d["school"] / 100),
    })
    Q = pd.DataFrame({"GDP1960": d["gdp60"].astype(float),
                      "Literacy": d["literacy"].astype(float)})
    return y, X, Q


@pytest.fixture(scope="module")
def dj() -> tuple[pd.Series, pd.DataFrame, pd.DataFrame]:
    return _dur_john()


@pytest.fixture(scope="module")
def first_split(dj) -> ThresholdResult:
    y, X, Q = dj
    return threshold_regression(y, X, Q["GDP1960"], est_trim=0.0, n_boot=1000, seed=1)


# ---------------------------------------------------------------------------------------
# Hansen (2000) growth application
# ---------------------------------------------------------------------------------------


def test_sample_matches_hansen_linear_model(dj) -> None:
    # thrreg output.tex, "Global OLS Estimation, Without Threshold": n = 96,
    # SSE 9.622743, White SEs 0.72473 0.05335 0.10435 0.23278 0.06560
    y, X, _ = dj
    assert len(y) == 96
    res = sm.OLS(y, sm.add_constant(X)).fit(cov_type="HC0")
    assert res.ssr == pytest.approx(9.622743, abs=1e-6)
    np.testing.assert_allclose(res.params, [2.8262, -0.2816, 0.4919, -0.5467, 0.2395],
                               atol=1e-4)
    np.testing.assert_allclose(res.bse, [0.72473, 0.05335, 0.10435, 0.23278, 0.06560],
                               atol=1e-5)


def test_first_split_on_output(first_split: ThresholdResult) -> None:
    r = first_split
    # Hansen (2000): gamma = 863, 95% CI [594, 1794]; thrreg output.tex: SSE 8.024881,
    # 18 / 78 observations
    assert r.gamma == 863
    assert (r.ci_lower, r.ci_upper) == (594, 1794)
    assert not r.ci_censored
    assert r.ssr == pytest.approx(8.024881, abs=1e-6)
    assert r.ssr_linear == pytest.approx(9.622743, abs=1e-6)
    assert (r.n_lower, r.n_upper) == (18, 78)
    # thrreg output.tex, regime estimates with White standard errors
    lower = r.coefs[r.coefs["regime"] == "lower"]
    upper = r.coefs[r.coefs["regime"] == "upper"]
    np.testing.assert_allclose(lower["estimate"],
                               [4.31203, -0.65697, 0.22774, -0.29487, 0.01806], atol=1e-5)
    np.testing.assert_allclose(lower["std_err"],
                               [1.62680, 0.21762, 0.07160, 0.33678, 0.09686], atol=1e-5)
    np.testing.assert_allclose(upper["estimate"],
                               [3.6631, -0.3234, 0.4957, -0.4877, 0.3569], atol=1e-4)
    np.testing.assert_allclose(upper["std_err"],
                               [0.71905, 0.06144, 0.14497, 0.25532, 0.08997], atol=1e-5)


def test_first_split_test_statistic(first_split: ThresholdResult) -> None:
    # thrreg output.tex, thr_test_het on GDP_1960: LM 12.60184 maximised at 833,
    # bootstrap p-value 0.091 (1000 draws); Monte Carlo tolerance 0.04 (~3 sd of a
    # difference of two 1000-draw p-values near 0.09)
    t = first_split.test
    assert t.stat == pytest.approx(12.60184, abs=1e-5)
    assert t.extra["gamma_sup"] == 833
    assert t.pvalue == pytest.approx(0.091, abs=0.04)
    assert set(t.crit) == {"10%", "5%", "1%"}
    assert t.crit["10%"] < t.crit["5%"] < t.crit["1%"]


@pytest.mark.parametrize(("level", "lo", "hi"), [(0.90, 594, 1794), (0.99, 539, 4802)])
def test_first_split_other_levels(dj, level: float, lo: float, hi: float) -> None:
    # thrreg output.tex: 0.9 interval [594, 1794], 0.99 interval [539, 4802]
    y, X, Q = dj
    r = threshold_regression(y, X, Q["GDP1960"], est_trim=0.0, n_boot=0, ci_level=level)
    assert (r.ci_lower, r.ci_upper) == (lo, hi)
    assert np.isnan(r.pvalue)


def test_literacy_tests_full_sample(dj) -> None:
    # thrreg output.tex, thr_test_het on Literacy: LM 10.78627 at 10, p-value 0.208
    y, X, Q = dj
    r = threshold_regression(y, X, Q["Literacy"], n_boot=1000, seed=2)
    assert r.sup_stat == pytest.approx(10.78627, abs=1e-5)
    assert r.test.extra["gamma_sup"] == 10
    assert r.pvalue == pytest.approx(0.208, abs=0.06)


def test_second_split_on_literacy(dj) -> None:
    # Hansen (2000): among countries with GDP1960 > 863, a split on literacy at 45.
    # thrreg output.tex: 95% CI [19, 57], 90% [29, 57], 99% [14, 62]; SSE 6.198249;
    # 30 / 48 observations; LM 12.09135 at 57, p-value 0.073.
    y, X, Q = dj
    hi = Q["GDP1960"] > 863
    r = threshold_regression(y[hi], X[hi], Q.loc[hi, "Literacy"], est_trim=0.0,
                             n_boot=1000, seed=3)
    assert r.gamma == 45
    assert (r.ci_lower, r.ci_upper) == (19, 57)
    assert r.ssr == pytest.approx(6.198249, abs=1e-6)
    assert (r.n_lower, r.n_upper) == (30, 48)
    assert r.sup_stat == pytest.approx(12.09135, abs=1e-5)
    assert r.test.extra["gamma_sup"] == 57
    assert r.pvalue == pytest.approx(0.073, abs=0.04)
    lower = r.coefs[r.coefs["regime"] == "lower"]
    np.testing.assert_allclose(lower["estimate"], [2.0923, -0.1163, 0.1726, -0.3902, 0.4525],
                               atol=1e-4)
    np.testing.assert_allclose(lower["std_err"], [1.8702, 0.1649, 0.2161, 0.5161, 0.1168],
                               atol=1e-4)
    for level, lo, up in ((0.90, 29, 57), (0.99, 14, 62)):
        rl = threshold_regression(y[hi], X[hi], Q.loc[hi, "Literacy"], est_trim=0.0,
                                  n_boot=0, ci_level=level)
        assert (rl.ci_lower, rl.ci_upper) == (lo, up)


@pytest.mark.parametrize(
    ("subsample", "qvar", "stat", "gamma_sup"),
    [
        # thrreg output.tex, second-level thr_test_het statistics
        ("low", "GDP1960", 7.103181, 594),
        ("low", "Literacy", 5.16476, 10),
        ("high", "GDP1960", 11.00934, 1410),
    ],
)
def test_second_level_test_statistics(dj, subsample: str, qvar: str, stat: float,
                                      gamma_sup: float) -> None:
    y, X, Q = dj
    m = Q["GDP1960"] > 863 if subsample == "high" else Q["GDP1960"] <= 863
    r = threshold_regression(y[m], X[m], Q.loc[m, qvar], n_boot=0)
    assert r.sup_stat == pytest.approx(stat, abs=1e-5)
    assert r.test.extra["gamma_sup"] == gamma_sup


def test_default_trimming_flags_censored_interval(dj) -> None:
    # with est_trim = trim = 0.15 the grid starts at the 14th smallest GDP1960 (777), so
    # Hansen's lower limit 594 is out of reach and the interval is flagged as censored
    y, X, Q = dj
    r = threshold_regression(y, X, Q["GDP1960"], n_boot=0)
    assert r.gamma == 863
    assert r.ci_upper == 1794
    assert r.ci_lower == r.lr_profile.index.min() == 777
    assert r.ci_censored


# ---------------------------------------------------------------------------------------
# Internal consistency against brute force (independent code paths)
# ---------------------------------------------------------------------------------------


def test_profiles_match_brute_force_split_regressions(dj) -> None:
    y, X, Q = dj
    q = Q["GDP1960"]
    r = threshold_regression(y, X, q, het_robust=False, n_boot=0, est_trim=0.0)
    Xc = sm.add_constant(X)
    ssr0 = sm.OLS(y, Xc).fit().ssr
    for g in r.ssr_profile.index[::7]:
        low = q <= g
        s = sm.OLS(y[low], Xc[low]).fit().ssr + sm.OLS(y[~low], Xc[~low]).fit().ssr
        assert r.ssr_profile[g] == pytest.approx(s, rel=1e-9)
        # homoskedastic LR(gamma) = n (S(gamma) - S_hat) / S_hat
        assert r.lr_profile[g] == pytest.approx(96 * (s - r.ssr) / r.ssr, rel=1e-8)
    # homoskedastic sup-F over the trimmed grid = max n (S0 - S) / S
    f = [96 * (ssr0 - r.ssr_profile[g]) / r.ssr_profile[g] for g in r.sup_profile.index]
    assert r.sup_stat == pytest.approx(max(f), rel=1e-9)
    assert r.lr_profile.min() == pytest.approx(0.0, abs=1e-9)
    assert r.lr_profile.idxmin() == r.gamma
    assert r.eta2 == 1.0


def test_het_lm_matches_direct_robust_score_statistic(dj) -> None:
    # LM(gamma) = e'Z~ (sum z~ z~' e^2)^{-1} Z~'e with Z = X 1{q <= gamma} partialled on X
    y, X, Q = dj
    q = Q["GDP1960"]
    r = threshold_regression(y, X, q, n_boot=0)
    Xc = sm.add_constant(X).to_numpy()
    e = sm.OLS(y.to_numpy(), Xc).fit().resid
    for g in r.sup_profile.index[::9]:
        Z = Xc * (q.to_numpy() <= g)[:, None]
        Zt = Z - Xc @ np.linalg.lstsq(Xc, Z, rcond=None)[0]
        s = Zt.T @ e
        V = (Zt * e[:, None] ** 2).T @ Zt
        assert r.sup_profile[g] == pytest.approx(s @ np.linalg.solve(V, s), rel=1e-7)


# ---------------------------------------------------------------------------------------
# Simulation: recovery, coverage, size
# ---------------------------------------------------------------------------------------


def _sim(n: int, rng: np.random.Generator, delta: float, gamma: float = 6.0,
         het: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    q = rng.uniform(0, 10, n)
    x = rng.standard_normal(n)
    sd = np.sqrt(0.5 + 0.1 * q) if het else 1.0
    y = 1.0 + 1.0 * x + delta * (q > gamma) * (1.0 + x) + sd * rng.standard_normal(n)
    return y, x, q


def test_recovers_known_threshold() -> None:
    rng = np.random.default_rng(11)
    y, x, q = _sim(400, rng, delta=1.5)
    r = threshold_regression(y, x, q, n_boot=199, seed=0)
    # design: gamma = 6, lower (1, 1), upper (2.5, 2.5)
    assert r.gamma == pytest.approx(6.0, abs=0.25)
    assert r.ci_lower <= 6.0 <= r.ci_upper
    assert r.pvalue < 0.01
    est = r.regime_coefs()
    np.testing.assert_allclose(est["lower"], [1.0, 1.0], atol=0.25)
    np.testing.assert_allclose(est["upper"], [2.5, 2.5], atol=0.3)
    # lower regime is q <= gamma_hat
    assert r.n_lower == int(np.sum(q <= r.gamma))


def test_ci_coverage_small_monte_carlo() -> None:
    # Hansen (2000, Sec. 4): the LR interval covers at or above its nominal level for
    # non-vanishing threshold effects. The interval's endpoints are values of q, so the
    # true split gamma0 = 6 is covered when the interval holds g0 = max{q_i <= 6}, the
    # data point giving the same sample split. 200 seeded draws; binomial sd at 0.95 is
    # 0.015. The interval must also be informative (median width well below the range 10).
    rng = np.random.default_rng(12345)
    hits, widths = 0, []
    reps = 200
    for _ in range(reps):
        y, x, q = _sim(150, rng, delta=1.0)
        r = threshold_regression(y, x, q, n_boot=0, est_trim=0.05, het_robust=False)
        g0 = q[q <= 6.0].max()
        hits += r.ci_lower <= g0 <= r.ci_upper
        widths.append(r.ci_upper - r.ci_lower)
    assert hits / reps >= 0.90
    assert np.median(widths) < 1.5


@pytest.mark.parametrize("het", [False, True])
def test_size_of_sup_test_under_no_threshold(het: bool) -> None:
    # no threshold (delta = 0): bootstrap p-values should reject about 5% / 10% of the
    # time; 120 seeded replications with 99 bootstrap draws each, bounds ~3 binomial sd
    rng = np.random.default_rng(2024 + het)
    pvals = []
    for i in range(120):
        y, x, q = _sim(100, rng, delta=0.0, het=het)
        r = threshold_regression(y, x, q, n_boot=99, seed=i, het_robust=het)
        pvals.append(r.pvalue)
    pvals = np.array(pvals)
    assert np.mean(pvals < 0.05) <= 0.12
    assert 0.02 <= np.mean(pvals < 0.10) <= 0.20


# ---------------------------------------------------------------------------------------
# Interface, ties, validation
# ---------------------------------------------------------------------------------------


def test_ties_and_column_name_and_constant_handling() -> None:
    rng = np.random.default_rng(5)
    n = 300
    q = rng.integers(0, 10, n).astype(float)  # heavy ties
    x = rng.standard_normal(n)
    y = np.where(q <= 4, 0.0, 1.0) + x + 0.5 * rng.standard_normal(n)
    X = pd.DataFrame({"const": 1.0, "x": x, "q": q})
    r = threshold_regression(y, X[["const", "x"]].assign(q=q), "q", n_boot=0,
                             add_const=True)
    assert r.gamma == 4
    assert r.n_lower == int(np.sum(q <= 4))
    assert set(r.lr_profile.index) <= set(np.unique(q))
    # the existing constant column is not duplicated
    assert r.coefs["term"].tolist()[:3] == ["const", "x", "q"]
    assert r.threshold_var == "q"


def test_tidy_outputs(first_split: ThresholdResult) -> None:
    f = first_split.to_frame()
    assert list(f.columns) == ["regime", "term", "estimate", "std_err", "zstat", "pvalue",
                               "ci_lower", "ci_upper"]
    thr = f[f["regime"] == "threshold"].iloc[0]
    assert thr["estimate"] == 863 and thr["ci_lower"] == 594 and thr["ci_upper"] == 1794
    assert len(f) == 11
    wide = first_split.regime_coefs("std_err")
    assert list(wide.columns) == ["lower", "upper"]
    assert wide.loc["const", "lower"] == pytest.approx(1.62680, abs=1e-5)
    text = first_split.summary()
    assert "863" in text and "[594, 1794]" in text and "sup-LM" in text
    assert isinstance(first_split.lr_profile, pd.Series)
    assert first_split.lr_profile.index.name == "GDP1960"
    assert first_split.boot_stats.shape == (1000,)


def test_hansen_critical_values() -> None:
    # Hansen (2000, Sec. 3.4): c(.90) = 5.94, c(.95) = 7.35, c(.99) = 10.59
    assert hansen_critical_value(0.95) == pytest.approx(7.35, abs=5e-3)
    assert hansen_critical_value(0.90) == pytest.approx(5.94, abs=5e-3)
    assert hansen_critical_value(0.99) == pytest.approx(10.59, abs=5e-3)
    with pytest.raises(ValueError):
        hansen_critical_value(1.0)


@pytest.mark.parametrize(
    ("kwargs", "msg"),
    [
        ({"trim": 0.5}, "trim"),
        ({"est_trim": -0.1}, "est_trim"),
        ({"n_boot": -1}, "n_boot"),
        ({"ci_level": 1.5}, "ci_level"),
        ({"eta2_method": "spline"}, "eta2_method"),
    ],
)
def test_validation_options(kwargs: dict, msg: str) -> None:
    rng = np.random.default_rng(0)
    y, x, q = _sim(60, rng, 0.0)
    with pytest.raises(ValueError, match=msg):
        threshold_regression(y, x, q, **kwargs)


def test_validation_data() -> None:
    rng = np.random.default_rng(0)
    y, x, q = _sim(60, rng, 0.0)
    with pytest.raises(ValueError, match="same length"):
        threshold_regression(y[:-1], x, q)
    with pytest.raises(ValueError, match="NaN"):
        threshold_regression(np.r_[y[:-1], np.nan], x, q)
    with pytest.raises(ValueError, match="numeric"):
        threshold_regression(y, pd.DataFrame({"s": ["a"] * 60}), q)
    with pytest.raises(ValueError, match="indexes"):
        threshold_regression(pd.Series(y), x, pd.Series(q, index=np.arange(60) + 1))
    with pytest.raises(ValueError, match="column"):
        threshold_regression(y, x, "q")
    with pytest.raises(ValueError, match="rank"):
        threshold_regression(y, np.c_[x, 2 * x], q)
    with pytest.raises(ValueError, match="admissible"):
        threshold_regression(y, x, np.r_[np.zeros(59), 1.0], n_boot=0)
