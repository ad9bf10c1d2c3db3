"""Tests for econ.models.cointegration."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from econ.models.cointegration import (
    engle_granger,
    engle_granger_window_rank,
    johansen,
    window_engle_granger,
)

REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def jplv():
    data = pd.read_csv(
        REFERENCE / "johansen_jplv_test_coint.csv", header=None, sep=r"\s+", comment="#"
    )
    return data.set_axis([f"y{i}" for i in range(8)], axis=1)


# reference: jplv (Spatial Econometrics Toolbox for Matlab, johansen.m) on the reference
# data, as tabulated in statsmodels/tsa/vector_ar/tests/test_coint.py, TestCointJoh12
# (det_order=1, k_ar_diff=2) and TestCointJoh09 (det_order=0, k_ar_diff=9).
JPLV_12_TRACE = [
    241.985452556075, 166.4781461662553, 110.3298006342814, 70.79801574443575,
    44.90887371527634, 27.22385073668511, 11.74205493173769, 3.295435325623445,
]  # fmt: skip
JPLV_12_TRACE_CV95 = [175.1584, 139.278, 107.3429, 79.3422, 55.2459, 35.0116, 18.3985, 3.8415]
JPLV_12_MAXEIG = [
    75.50730638981975, 56.14834553197396, 39.5317848898456, 25.8891420291594,
    17.68502297859124, 15.48179580494741, 8.446619606114249, 3.295435325623445,
]  # fmt: skip
JPLV_12_MAXEIG_CV95 = [55.7302, 49.5875, 43.4183, 37.1646, 30.8151, 24.2522, 17.1481, 3.8415]
JPLV_09_TRACE = [
    307.6888935095814, 205.3839229398245, 129.1330243009336, 83.3101865760208,
    52.51955460357912, 30.20027050520502, 13.84158157562689, 0.4117390188204866,
]  # fmt: skip
JPLV_09_TRACE_CV95 = [159.529, 125.6185, 95.7542, 69.8189, 47.8545, 29.7961, 15.4943, 3.8415]


def test_johansen_matches_jplv(jplv):
    res = johansen(jplv, det_order=1, k_ar_diff=2)
    np.testing.assert_allclose(res.trace, JPLV_12_TRACE, rtol=1e-7)
    np.testing.assert_allclose(res.max_eig, JPLV_12_MAXEIG, rtol=1e-7)
    np.testing.assert_allclose(res.trace_crit["95%"], JPLV_12_TRACE_CV95, rtol=1e-6)
    np.testing.assert_allclose(res.max_eig_crit["95%"], JPLV_12_MAXEIG_CV95, rtol=1e-6)
    # Sequential choice read off the jplv tables: trace rejects r<=0,1,2 (110.33 > 107.34)
    # and stops at r<=3 (70.80 < 79.34); max-eig stops at r<=2 (39.53 < 43.42).
    assert res.rank_trace == 3
    assert res.rank_max_eig == 2
    assert res.nobs == 173
    frame = res.to_frame()
    assert len(frame) == 8
    assert frame.loc[0, "trace"] == pytest.approx(JPLV_12_TRACE[0], rel=1e-7)
    assert list(res.evec.index) == list(jplv.columns)


def test_johansen_other_case_and_alpha(jplv):
    res = johansen(jplv, det_order=0, k_ar_diff=9)
    np.testing.assert_allclose(res.trace, JPLV_09_TRACE, rtol=1e-7)
    np.testing.assert_allclose(res.trace_crit["95%"], JPLV_09_TRACE_CV95, rtol=1e-6)
    # 13.84 < 15.49 at r<=6 (95%) but > 13.43 (90%)
    assert res.rank_trace == 6
    assert johansen(jplv, det_order=0, k_ar_diff=9, alpha=0.10).rank_trace == 7


def test_johansen_recovers_simulated_rank():
    rng = np.random.default_rng(3)
    n = 500
    common = rng.standard_normal(n).cumsum()
    other = rng.standard_normal(n).cumsum()
    df = pd.DataFrame(
        {
            "a": common + rng.standard_normal(n),
            "b": 0.5 * common + rng.standard_normal(n),
            "c": other,
        }
    )
    res = johansen(df, det_order=0, k_ar_diff=1)
    assert res.rank_trace == 1
    assert res.rank_max_eig == 1


def test_johansen_validation(jplv):
    with pytest.raises(ValueError, match="det_order"):
        johansen(jplv, det_order=2)
    with pytest.raises(ValueError, match="alpha must be one of"):
        johansen(jplv, alpha=0.2)
    with pytest.raises(ValueError, match="2 to 12 series"):
        johansen(jplv[["y0"]])
    with pytest.raises(ValueError, match="too few observations"):
        johansen(jplv.iloc[:30], k_ar_diff=3)
    with pytest.raises(ValueError, match="k_ar_diff"):
        johansen(jplv, k_ar_diff=-1)


# reference: Stata `egranger` on a seeded sample, as tabulated in statsmodels'
# statsmodels/tsa/tests/test_stattools.py::test_coint (trend 'c' and 'ct', 4 lags).
def _egranger_sample():
    rs = np.random.RandomState(123)
    unit = rs.randn(200).cumsum()
    y = rs.randn(200, 4)
    y[:, :2] += unit[:, None]
    y += [1, 0, 0.5, 0]
    return pd.DataFrame(np.round(y, 4), columns=["y0", "y1", "y2", "y3"])


@pytest.mark.parametrize(
    ("x_cols", "trend", "stata"),
    [
        (["y1"], "c", -5.760696844656),
        (["y1", "y2"], "c", -5.781087068772),
        (["y2", "y3"], "c", -2.477444137366),
        (["y1", "y2", "y3"], "c", -5.778205811661),
        (["y1"], "ct", -5.615251442239),
        (["y2", "y3"], "ct", -2.892029275027),
    ],
)
def test_engle_granger_matches_stata_egranger(x_cols, trend, stata):
    df = _egranger_sample()
    res = engle_granger(df["y0"], df[x_cols], trend=trend, lags=4)
    assert res.stat == pytest.approx(stata, rel=1e-9)
    assert res.lags == 4
    assert res.nobs == 200


def test_engle_granger_stata_macrodata():
    # reference: Stata egranger realcons realgdp (no lags), via statsmodels'
    # test_stattools.py::TestCoint_t: -1.830170986148.
    d = sm.datasets.macrodata.load_pandas().data
    res = engle_granger(d["realcons"], d["realgdp"], trend="c", lags=0)
    assert res.stat == pytest.approx(-1.830170986148, rel=1e-9)
    assert not res.cointegrated
    # critical values: arch's simulated tables; MacKinnon (2010) via Stata gives 5% -3.3670
    # for 2 variables, T = 200 (same statsmodels table): agree to about 0.01.
    assert res.crit["5%"] == pytest.approx(-3.367, abs=0.02)
    frame = res.to_frame()
    assert frame.loc[0, "verdict"] == "not cointegrated"
    assert frame.loc[0, "x"] == "realgdp"


def test_engle_granger_cointegrated_pair_and_vector():
    df = _egranger_sample()
    res = engle_granger(df["y0"], df["y1"])  # AIC lags
    assert res.cointegrated
    assert res.pvalue < 0.01
    # y0 = 1 + unit + e, y1 = unit + e': slope near 1, vector normalised on y0
    assert res.cointegrating_vector["y0"] == 1.0
    assert res.cointegrating_vector["y1"] == pytest.approx(-1.0, abs=0.1)


def test_engle_granger_validation():
    df = _egranger_sample()
    with pytest.raises(ValueError, match="different indexes"):
        engle_granger(df["y0"], df["y1"].iloc[::-1])
    with pytest.raises(ValueError, match="trend"):
        engle_granger(df["y0"], df["y1"], trend="q")
    with pytest.raises(ValueError, match="also appears"):
        engle_granger(df["y0"], df[["y0", "y1"]])
    with pytest.raises(ValueError, match="not numeric"):
        engle_granger(df["y0"], df["y1"].astype("str"))
    with pytest.raises(ValueError, match="too few"):
        engle_granger(df["y0"].iloc[:10], df["y1"].iloc[:10])
    gap = df["y1"].copy()
    gap.iloc[50] = np.nan
    with pytest.raises(ValueError, match="interior missing"):
        engle_granger(df["y0"], gap)


# ----------------------------------------------------------------------------- window rank
def _dated(values: np.ndarray, name: str) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2000-01-07", periods=len(values), freq="W-FRI"), name=name)


def _one_window_pair(seed: int, n: int = 400, lo: int = 150, hi: int = 250):
    """y and x independent random walks except in [lo, hi), where y = 2 - 0.5 x + AR(1) noise."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n).cumsum()
    y = rng.standard_normal(n).cumsum()
    u = np.zeros(hi - lo)
    for t in range(1, len(u)):
        u[t] = 0.5 * u[t - 1] + 0.3 * rng.standard_normal()
    y[lo:hi] = 2.0 - 0.5 * x[lo:hi] + u
    return _dated(y, "y"), _dated(x, "x")


def test_window_statistics_match_arch_engle_granger():
    # reference: arch.unitroot.engle_granger (the package's engle_granger) on the same windows:
    # statsmodels coint and arch compute the same ADF t on the OLS residual.
    y, x = _one_window_pair(0, n=160, lo=40, hi=120)
    w = window_engle_granger(y, x, window=80, step=40, autolag=None, maxlag=2)
    assert list(w.index) == [y.index[0], y.index[40], y.index[80]]
    for start, row in w.iterrows():
        pos = y.index.get_loc(start)
        ref = engle_granger(y.iloc[pos:pos + 80], x.iloc[pos:pos + 80], lags=2)
        assert row["stat"] == pytest.approx(ref.stat, rel=1e-9)
        assert row["beta"] == pytest.approx(-ref.cointegrating_vector["x"], rel=1e-9)
        assert row["end"] == y.index[pos + 79]


def test_window_cointegrated_only_in_the_judged_window_ranks_first():
    # constructed data: cointegration only in weeks 150-249; every other 100-week window
    # straddles independent random walks, so the judged window is the most extreme of 61.
    y, x = _one_window_pair(1)
    res = engle_granger_window_rank(y, x, y.index[150], y.index[249], step=5)
    assert res.window == 100 and res.n_windows == 61 and res.start == y.index[150]
    assert res.rank == 1 and res.pvalue == pytest.approx(1 / 61)
    assert res.pvalue_nominal < 0.01 and res.beta == pytest.approx(-0.5, abs=0.05)
    assert res.windows.loc[res.start, "stat"] == res.stat
    assert res.share_nominal_reject < 0.2   # most windows find no cointegration
    frame = res.to_frame()
    assert frame.loc[0, "rank"] == 1 and frame.loc[0, "nobs"] == 100
    assert "Engle-Granger" in res.summary()


def test_window_rank_of_a_random_walk_pair_is_uniform():
    # constructed data: independent random walks, so every window is exchangeable in law and
    # the judged window's p (its share of windows at least as extreme) is close to uniform
    # across seeds: mean 1/2, no pile-up near zero.
    from scipy import stats as sps

    pvals = []
    for seed in range(60):
        rng = np.random.default_rng(1000 + seed)
        y = _dated(rng.standard_normal(300).cumsum(), "y")
        x = _dated(rng.standard_normal(300).cumsum(), "x")
        start = int(rng.integers(0, 201))
        res = engle_granger_window_rank(y, x, y.index[start], y.index[start + 99], step=10, autolag=None, maxlag=1)
        assert res.n_windows in (20, 21)
        pvals.append(res.pvalue)
    pvals = np.array(pvals)
    assert abs(pvals.mean() - 0.5) < 0.1
    assert np.mean(pvals <= 0.05) < 0.15
    assert sps.kstest(pvals, "uniform").pvalue > 0.01


def test_window_rank_restricted_and_offset():
    y, x = _one_window_pair(2)
    res = engle_granger_window_rank(y, x, y.index[152], y.index[251], step=10)
    assert y.index[152] in res.windows.index          # the step grid passes through the judged window
    assert (np.diff([y.index.get_loc(d) for d in res.windows.index]) == 10).all()
    sub = res.restricted(y.index[100])
    assert sub.n_windows == int((res.windows.index >= y.index[100]).sum())
    assert sub.rank == int((sub.windows["stat"] < res.stat).sum()) + 1
    assert sub.pvalue == pytest.approx(np.mean(sub.windows["stat"].to_numpy() <= res.stat))
    with pytest.raises(ValueError, match="before"):
        res.restricted(y.index[200])


def test_window_rank_validation():
    y, x = _one_window_pair(3, n=120, lo=20, hi=80)
    with pytest.raises(ValueError, match="window must be"):
        window_engle_granger(y, x, window=10)
    with pytest.raises(ValueError, match="step"):
        window_engle_granger(y, x, window=50, step=0)
    with pytest.raises(ValueError, match="observations"):
        engle_granger_window_rank(y, x, y.index[0], y.index[5])
    with pytest.raises(ValueError, match="alpha"):
        engle_granger_window_rank(y, x, y.index[0], y.index[50], alpha=1.5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_window_engle_granger_fast_equals_statsmodels_reference(seed):
    # reference: statsmodels coint per window (window_engle_granger(statsmodels_loop=True), the loop the fast
    # path replaced); the fast path reuses statsmodels' pinv OLS operations and batches only the
    # AIC lag search, so the statistics and p-values are the same floats, lags included.

    rng = np.random.default_rng(seed)
    y = _dated(rng.standard_normal(260).cumsum(), "y")
    x = _dated(rng.standard_normal(260).cumsum(), "x")
    fast = window_engle_granger(y, x, window=120, step=3, offset=7)
    ref = window_engle_granger(y, x, window=120, step=3, offset=7, statsmodels_loop=True)
    pd.testing.assert_frame_equal(fast, ref, check_exact=True)


def test_window_engle_granger_fast_equals_reference_on_vault(vault_loader):
    # real data: A2's weekly log CSI 300 on the US 10Y yield, the episode's 143-week windows
    # (every 7th start to keep the statsmodels reference quick); same floats as statsmodels coint.
    from econ.data.panel import build_panel

    w = build_panel(vault_loader, {"csi300": "cn.index.csi300.close", "us10y": "us.rate.ust10y"}, freq="W",
                    dropna="any")
    y, x = np.log(w["csi300"]), w["us10y"]
    fast = window_engle_granger(y, x, window=143, step=7)
    ref = window_engle_granger(y, x, window=143, step=7, statsmodels_loop=True)
    pd.testing.assert_frame_equal(fast, ref, check_exact=True)
