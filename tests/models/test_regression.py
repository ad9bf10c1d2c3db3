"""Tests for econ.models.regression."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.signal import lfilter

from econ.models.hac import choose_bandwidth
from econ.models.regression import (
    levels_vs_differences,
    ols_hac,
    overlapping_sum,
    run_specs,
)

# ----------------------------------------------------------------------------- known answers
# reference: Stata on statsmodels' macrodata, via statsmodels' test results
# statsmodels/regression/tests/results/results_macro_ols_robust.py (used by
# test_robustcov.py). Rows: g_realgdp, L.realint, _cons.
STATA_NEWEY4 = {  # newey g_realinv g_realgdp L.realint, lag(4)
    "params": [4.3742216647032, -0.61399696947899, -9.4816727746549],
    "bse": [0.33125644884286, 0.29582347593197, 1.1859338087713],
    "t": [13.204940401864, -2.0755518727668, -7.9951112823729],
    "pvalue": [5.282334606e-29, 0.03922090940364, 1.036821797e-13],
    "ll": [3.7209983425819, -1.1973480087863, -11.820282709911],
    "ul": [5.0274449868245, -0.03064593017165, -7.1430628393989],
    "cov": np.array(
        [
            [0.10973083489998, 0.0003953117603, -0.31803287070833],
            [0.0003953117603, 0.08751152891247, -0.06062111121649],
            [-0.31803287070833, -0.06062111121649, 1.4064389987868],
        ]
    ),
}
STATA_REGRESS_ROBUST_BSE = [0.32355452428856, 0.32772840315987, 1.3690593206013]  # vce(robust)
# ivreg2 g_realinv g_realgdp L.realint, robust bw(5): 4 Bartlett lags, no small-sample
# correction, normal inference.
STATA_IVREG2_BW5_BSE = [0.32878742225811, 0.29361854972141, 1.1770944273439]
STATA_IVREG2_BW5_P = [2.191074740e-40, 0.03651567605333, 7.938107001e-16]
STATA_ORDER = ["g_realgdp", "L_realint", "const"]


@pytest.fixture(scope="module")
def macro():
    d = sm.datasets.macrodata.load_pandas().data
    index = pd.period_range("1959Q1", periods=len(d), freq="Q")
    return pd.DataFrame(
        {
            "g_realinv": 400 * np.log(d["realinv"].to_numpy()),
            "g_realgdp": 400 * np.log(d["realgdp"].to_numpy()),
            "realint": d["realint"].to_numpy(),
        },
        index=index,
    ).assign(
        g_realinv=lambda f: f["g_realinv"].diff(),
        g_realgdp=lambda f: f["g_realgdp"].diff(),
        L_realint=lambda f: f["realint"].shift(1),
    )


def test_newey_lag4_matches_stata(macro):
    res = ols_hac(macro["g_realinv"], macro[["g_realgdp", "L_realint"]], rule="fixed", lags=4)
    np.testing.assert_allclose(res.params[STATA_ORDER], STATA_NEWEY4["params"], rtol=1e-6)
    np.testing.assert_allclose(res.bse[STATA_ORDER], STATA_NEWEY4["bse"], rtol=1e-6)
    np.testing.assert_allclose(res.tvalues[STATA_ORDER], STATA_NEWEY4["t"], rtol=1e-6)
    np.testing.assert_allclose(res.pvalues[STATA_ORDER], STATA_NEWEY4["pvalue"], rtol=1e-5)
    np.testing.assert_allclose(
        res.conf_int.loc[STATA_ORDER, "lower"], STATA_NEWEY4["ll"], rtol=1e-6
    )
    np.testing.assert_allclose(
        res.conf_int.loc[STATA_ORDER, "upper"], STATA_NEWEY4["ul"], rtol=1e-6
    )
    np.testing.assert_allclose(
        res.cov_params.loc[STATA_ORDER, STATA_ORDER], STATA_NEWEY4["cov"], rtol=1e-6
    )
    assert res.nobs == 202
    assert res.bandwidth == 4
    assert res.use_t
    assert res.rsquared == pytest.approx(0.6769775594319385, rel=1e-9)  # Stata e(r2)
    assert res.start == pd.Period("1959Q2", "Q")  # first row with a growth rate and L.realint
    assert res.end == pd.Period("2009Q3", "Q")


def test_nw1994_rule_gives_lag4_on_202_obs(macro):
    # floor(4 (202/100)^(2/9)) = 4, so the default rule reproduces Stata's lag(4).
    res = ols_hac(macro["g_realinv"], macro[["g_realgdp", "L_realint"]])
    np.testing.assert_allclose(res.bse[STATA_ORDER], STATA_NEWEY4["bse"], rtol=1e-6)
    assert "Newey-West (1994) rule" in res.bandwidth_description


def test_hc1_matches_stata_regress_robust(macro):
    res = ols_hac(macro["g_realinv"], macro[["g_realgdp", "L_realint"]], cov="hc1")
    np.testing.assert_allclose(res.bse[STATA_ORDER], STATA_REGRESS_ROBUST_BSE, rtol=1e-6)
    assert res.bandwidth is None


def test_large_sample_hac_matches_ivreg2(macro):
    res = ols_hac(
        macro["g_realinv"],
        macro[["g_realgdp", "L_realint"]],
        rule="fixed",
        lags=4,
        small_sample=False,
    )
    np.testing.assert_allclose(res.bse[STATA_ORDER], STATA_IVREG2_BW5_BSE, rtol=1e-6)
    np.testing.assert_allclose(res.pvalues[STATA_ORDER], STATA_IVREG2_BW5_P, rtol=1e-5)
    assert not res.use_t


def test_nonrobust_matches_textbook_formula(macro):
    # reference: s^2 (X'X)^{-1} computed directly with numpy.
    df = macro.dropna()
    res = ols_hac(df["g_realinv"], df[["g_realgdp", "L_realint"]], cov="nonrobust")
    X = np.column_stack([np.ones(len(df)), df[["g_realgdp", "L_realint"]].to_numpy()])
    y = df["g_realinv"].to_numpy()
    b = np.linalg.solve(X.T @ X, X.T @ y)
    u = y - X @ b
    V = (u @ u) / (len(y) - 3) * np.linalg.inv(X.T @ X)
    np.testing.assert_allclose(res.params.to_numpy(), b, rtol=1e-10)
    np.testing.assert_allclose(res.bse.to_numpy(), np.sqrt(np.diag(V)), rtol=1e-10)


def test_uniform_kernel_matches_direct_computation(macro):
    # reference: truncated (Hansen-Hodrick) kernel computed directly: S = G0 + sum_j (Gj + Gj').
    df = macro.dropna()
    res = ols_hac(
        df["g_realinv"],
        df[["g_realgdp", "L_realint"]],
        rule="fixed",
        lags=3,
        kernel="uniform",
        small_sample=False,
    )
    X = np.column_stack([np.ones(len(df)), df[["g_realgdp", "L_realint"]].to_numpy()])
    y = df["g_realinv"].to_numpy()
    u = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    g = X * u[:, None]
    S = g.T @ g
    for j in range(1, 4):
        gj = g[j:].T @ g[:-j]
        S += gj + gj.T
    XtXi = np.linalg.inv(X.T @ X)
    np.testing.assert_allclose(res.bse.to_numpy(), np.sqrt(np.diag(XtXi @ S @ XtXi)), rtol=1e-10)


def test_data_dependent_rule_uses_slope_scores(macro):
    df = macro.dropna()
    y, X = df["g_realinv"], df[["g_realgdp", "L_realint"]]
    res = ols_hac(y, X, rule="andrews")
    pre = sm.OLS(y, sm.add_constant(X)).fit()
    scores = X.to_numpy() * pre.resid.to_numpy()[:, None]
    expected = choose_bandwidth(len(df), "andrews", data=scores)
    assert res.bandwidth == expected.lags
    assert expected.description in res.bandwidth_description
    auto = ols_hac(y, X, rule="nw-auto")
    assert auto.bandwidth == choose_bandwidth(len(df), "nw-auto", data=scores).lags


def test_horizon_raises_lags(macro):
    res = ols_hac(macro["g_realinv"], macro[["g_realgdp"]], horizon=9)
    assert res.bandwidth == 8
    assert res.horizon == 9
    assert "raised to h-1 = 8" in res.bandwidth_description


def test_to_frame_layout(macro):
    res = ols_hac(macro["g_realinv"], macro[["g_realgdp", "L_realint"]])
    frame = res.to_frame()
    assert list(frame["term"]) == ["const", "g_realgdp", "L_realint"]
    assert {"coef", "se", "t", "pvalue", "ci_lower", "ci_upper", "nobs", "hac_lags"} <= set(
        frame.columns
    )
    assert frame["nobs"].eq(202).all()
    assert "g_realinv" in res.summary()


# ----------------------------------------------------------------------------- Hodrick
def _predictive_sample(T, rho, seed):
    rng = np.random.default_rng(seed)
    x = lfilter([1.0], [1.0, -rho], rng.standard_normal(T + 100))[100:]
    r = rng.standard_normal(T)
    return pd.Series(r, name="r"), pd.Series(x, name="x")


def test_overlapping_sum():
    s = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0])
    np.testing.assert_allclose(overlapping_sum(s, 3).to_numpy(), [6, 9, 12, np.nan, np.nan])
    pd.testing.assert_series_equal(overlapping_sum(s, 1), s)
    with pytest.raises(ValueError, match="horizon"):
        overlapping_sum(s, 0)


def test_hodrick_h1_is_hc0_with_null_residuals():
    # Closed form: with h = 1 the rolled-back regressor is X_t itself, so Hodrick 1B is
    # White's HC0 sandwich with residuals r_t - mean(r) (Hodrick 1992, eq. 12).
    r, x = _predictive_sample(300, 0.9, seed=2)
    res = ols_hac(r, x, cov="hodrick", horizon=1, one_period=r)
    X = np.column_stack([np.ones(len(x)), x.to_numpy()])
    e = r.to_numpy() - r.mean()
    XtXi = np.linalg.inv(X.T @ X)
    V = XtXi @ (X.T * e**2) @ X @ XtXi
    np.testing.assert_allclose(res.bse.to_numpy(), np.sqrt(np.diag(V)), rtol=1e-10)
    assert res.bandwidth is None and not res.use_t


def test_hodrick_params_equal_long_horizon_ols():
    r, x = _predictive_sample(240, 0.9, seed=4)
    y = overlapping_sum(r, 6).rename("r6")
    hod = ols_hac(y, x, cov="hodrick", horizon=6, one_period=r)
    nw = ols_hac(y, x, cov="hac", horizon=6)
    pd.testing.assert_series_equal(hod.params, nw.params)
    assert hod.nobs == nw.nobs == 235
    assert nw.bandwidth == 5


def test_hodrick_size_monte_carlo():
    # Property (Hodrick 1992; Ang & Bekaert 2007): under the null of no predictability
    # with a persistent predictor, 1B standard errors track the sampling s.d. of the
    # slope, while Newey-West with h-1 lags understates it. 200 seeded draws, T = 300,
    # h = 12, rho = 0.9: Monte Carlo error of the s.d. ratio is about 5%.
    h, slopes, se_hod, se_nw = 12, [], [], []
    rng_seeds = np.random.default_rng(2024).integers(0, 2**31, size=200)
    for seed in rng_seeds:
        r, x = _predictive_sample(300, 0.9, seed=int(seed))
        y = overlapping_sum(r, h).rename("y")
        hod = ols_hac(y, x, cov="hodrick", horizon=h, one_period=r)
        nw = ols_hac(y, x, cov="hac", horizon=h)
        slopes.append(hod.params["x"])
        se_hod.append(hod.bse["x"])
        se_nw.append(nw.bse["x"])
    sd = np.std(slopes)
    assert np.mean(se_hod) / sd == pytest.approx(1.0, abs=0.15)
    assert np.mean(se_nw) / sd < 0.9
    reject_hod = np.mean(np.abs(np.array(slopes) / se_hod) > 1.96)
    reject_nw = np.mean(np.abs(np.array(slopes) / se_nw) > 1.96)
    assert reject_hod < 0.09
    assert reject_nw > reject_hod


def test_hodrick_validation():
    r, x = _predictive_sample(100, 0.5, seed=1)
    y = overlapping_sum(r, 4).rename("y")
    with pytest.raises(ValueError, match="needs horizon= and one_period="):
        ols_hac(y, x, cov="hodrick", horizon=4)
    with pytest.raises(ValueError, match="not the overlapping sum"):
        ols_hac(y, x, cov="hodrick", horizon=3, one_period=r)
    with pytest.raises(ValueError, match="only used with"):
        ols_hac(y, x, one_period=r)


# ----------------------------------------------------------------------------- validation
def test_input_validation(macro):
    y, X = macro["g_realinv"], macro[["g_realgdp"]]
    with pytest.raises(ValueError, match="different indexes"):
        ols_hac(y, X.iloc[::-1])
    with pytest.raises(ValueError, match="rows but X has"):
        ols_hac(y.iloc[:-1], X)
    bad = X.assign(label=pd.Series(["a"] * len(X), index=X.index, dtype="str"))
    with pytest.raises(ValueError, match="not numeric"):
        ols_hac(y, bad)
    with pytest.raises(ValueError, match="too few observations"):
        ols_hac(y.iloc[:4], X.iloc[:4])
    with pytest.raises(ValueError, match="cov must be"):
        ols_hac(y, X, cov="hc3")
    with pytest.raises(ValueError, match="kernel must be"):
        ols_hac(y, X, kernel="parzen")
    with pytest.raises(ValueError, match="constant column"):
        ols_hac(y, X.assign(c=1.0))
    with pytest.raises(ValueError, match="collinear"):
        ols_hac(y, X.assign(g2=2 * X["g_realgdp"]))
    with pytest.raises(ValueError, match="also appears"):
        ols_hac(y, macro[["g_realinv", "g_realgdp"]])


def test_interior_gaps(macro):
    y = macro["g_realinv"].copy()
    y.iloc[100] = np.nan
    with pytest.raises(ValueError, match="interior missing values"):
        ols_hac(y, macro[["g_realgdp"]])
    # listwise deletion is fine without serial-correlation correction
    res = ols_hac(y, macro[["g_realgdp"]], cov="hc1")
    assert res.nobs == 201


def test_numpy_inputs():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 2))
    y = X @ [1.0, -1.0] + rng.standard_normal(80)
    res = ols_hac(y, X)
    assert list(res.params.index) == ["const", "x1", "x2"]
    assert res.params["x1"] == pytest.approx(1.0, abs=0.3)


# ----------------------------------------------------------------------------- run_specs
def test_run_specs_matches_individual_fits(macro):
    specs = {"gdp": ["g_realgdp"], "both": ["g_realgdp", "L_realint"]}
    samples = {"early": (None, "1984Q4"), "late": ("1985Q1", None)}
    table = run_specs("g_realinv", specs, macro, samples=samples, rule="fixed", lags=2)
    frame = table.to_frame()
    assert len(frame) == 2 * (2 + 3)
    assert list(frame.columns[:2]) == ["spec", "sample"]
    late = ols_hac(
        macro.loc["1985Q1":, "g_realinv"],
        macro.loc["1985Q1":, ["g_realgdp", "L_realint"]],
        rule="fixed",
        lags=2,
    )
    got = frame.query("spec == 'both' and sample == 'late'").set_index("term")
    np.testing.assert_allclose(got.loc[late.params.index, "se"], late.bse, rtol=1e-12)
    assert table.results[("both", "late")].start == pd.Period("1985Q1", "Q")
    assert table.results[("gdp", "early")].end == pd.Period("1984Q4", "Q")
    wide = table.table("coef")
    assert wide.shape == (3, 4)
    assert np.isnan(wide.loc["L_realint", ("gdp", "early")])


def test_run_specs_list_and_errors(macro):
    table = run_specs("g_realinv", [["g_realgdp"], ["L_realint"]], macro)
    assert set(table.results) == {("(1)", "full"), ("(2)", "full")}
    with pytest.raises(ValueError, match="not in data"):
        run_specs("g_realinv", {"a": ["nope"]}, macro)
    with pytest.raises(ValueError, match="not a column"):
        run_specs("nope", {"a": ["g_realgdp"]}, macro)
    with pytest.raises(ValueError, match="selects no rows"):
        run_specs("g_realinv", {"a": ["g_realgdp"]}, macro, samples={"x": ("2020Q1", None)})
    with pytest.raises(ValueError, match="sorted"):
        run_specs("g_realinv", {"a": ["g_realgdp"]}, macro.iloc[::-1])


def test_run_specs_hodrick_with_column_name():
    r, x = _predictive_sample(200, 0.8, seed=8)
    df = pd.DataFrame({"r": r, "x": x, "r4": overlapping_sum(r, 4)})
    table = run_specs("r4", {"x": ["x"]}, df, cov="hodrick", horizon=4, one_period="r")
    direct = ols_hac(df["r4"], df[["x"]], cov="hodrick", horizon=4, one_period=df["r"])
    np.testing.assert_allclose(table.results[("x", "full")].bse, direct.bse, rtol=1e-12)


# ----------------------------------------------------------------------------- levels vs differences
def _frame(**cols):
    n = len(next(iter(cols.values())))
    return pd.DataFrame(cols, index=pd.date_range("2000-01-31", periods=n, freq="ME"))


def test_levels_vs_differences_spurious():
    rng = np.random.default_rng(10)
    df = _frame(y=rng.standard_normal(400).cumsum(), x=rng.standard_normal(400).cumsum())
    out = levels_vs_differences("y", "x", df)
    assert out.orders == {"y": 1, "x": 1}
    assert out.cointegration is not None and not out.cointegration.cointegrated
    assert out.admissible == {"levels": False, "differences": True}
    assert out.recommended == "differences"
    assert out.differences.nobs == 399
    frame = out.to_frame()
    assert list(frame["spec"]) == ["levels", "differences"]
    assert list(frame["admissible"]) == [False, True]
    assert "integration orders: y I(1), x I(1)" in out.summary()


def test_levels_vs_differences_cointegrated():
    rng = np.random.default_rng(11)
    x = rng.standard_normal(400).cumsum()
    df = _frame(y=2.0 * x + rng.standard_normal(400), x=x)
    out = levels_vs_differences("y", "x", df)
    assert out.orders == {"y": 1, "x": 1}
    assert out.cointegration.cointegrated
    assert out.recommended == "levels"
    assert out.levels.params["x"] == pytest.approx(2.0, abs=0.02)


def test_levels_vs_differences_stationary_and_mixed():
    rng = np.random.default_rng(12)
    a = lfilter([1.0], [1.0, -0.5], rng.standard_normal(400))
    b = lfilter([1.0], [1.0, -0.3], rng.standard_normal(400))
    out = levels_vs_differences("y", "x", _frame(y=a, x=b))
    assert out.orders == {"y": 0, "x": 0}
    assert out.cointegration is None
    assert out.recommended == "levels"
    mixed = levels_vs_differences("y", "x", _frame(y=a, x=rng.standard_normal(400).cumsum()))
    assert mixed.orders == {"y": 0, "x": 1}
    assert mixed.admissible == {"levels": False, "differences": False}
    assert mixed.recommended == "neither"
    assert "unbalanced" in mixed.reason
