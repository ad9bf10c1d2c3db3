"""Tests for econ.models.unitroot."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.signal import lfilter
from statsmodels.tsa.stattools import adfuller

from econ.models.unitroot import clean_series, integration_order, unit_root_battery


@pytest.fixture(scope="module")
def inflation():
    d = sm.datasets.macrodata.load_pandas().data
    idx = pd.period_range("1959Q1", periods=len(d), freq="Q")
    return np.log(pd.Series(d["cpi"].to_numpy(), index=idx)).diff().iloc[1:].rename("inflation")


def _rows(battery):
    return battery.to_frame().set_index("test")


def test_adf_known_answer(inflation):
    # reference: arch's test suite (arch/tests/unitroot/test_unitroot.py,
    # test_adf_no_options) on macrodata CPI inflation: stat -3.09310, 2 lags (AIC),
    # p = 0.027067; peer: statsmodels adfuller(autolag="AIC") on the same series.
    row = _rows(unit_root_battery(inflation, tests=["adf"])).loc["ADF"]
    assert row["stat"] == pytest.approx(-3.09310, abs=1e-4)
    assert row["lags"] == 2
    assert row["pvalue"] == pytest.approx(0.027067, abs=1e-5)
    assert row["verdict"] == "I(0)"
    sm_stat, sm_p, sm_lags, *_ = adfuller(inflation.to_numpy(), autolag="AIC", result_object=False)
    assert row["stat"] == pytest.approx(sm_stat, rel=1e-8)
    assert row["pvalue"] == pytest.approx(sm_p, rel=1e-6)
    assert row["lags"] == sm_lags


def test_fixed_lag_known_answers(inflation):
    # reference: arch's test suite on macrodata inflation: PP(lags=12) tau = -7.8076512
    # (test_pp), KPSS(trend="c", lags=12) = 0.3276290340191141 (test_kpss_c),
    # DF-GLS(trend="c", lags=0) = -6.017304 (test_dfgls_c), ADF(lags=10) = -2.28375.
    rows = _rows(unit_root_battery(inflation, tests=["pp", "kpss"], lags=12))
    assert rows.loc["Phillips-Perron", "stat"] == pytest.approx(-7.8076512, abs=1e-4)
    assert rows.loc["KPSS", "stat"] == pytest.approx(0.3276290340191141, abs=1e-6)
    assert rows.loc["KPSS", "lags"] == 12
    dfgls = _rows(unit_root_battery(inflation, tests=["dfgls"], lags=0)).loc["DF-GLS"]
    assert dfgls["stat"] == pytest.approx(-6.017304, abs=1e-4)
    adf10 = _rows(unit_root_battery(inflation, tests=["adf"], lags=10)).loc["ADF"]
    assert adf10["stat"] == pytest.approx(-2.28375, abs=1e-4)


def test_kpss_ct_known_answer(inflation):
    # reference: arch test_kpss, KPSS(trend="ct", lags=12) = 0.235581902996454.
    row = _rows(unit_root_battery(inflation, tests=["kpss"], trend="ct", lags=12)).loc["KPSS"]
    assert row["stat"] == pytest.approx(0.235581902996454, abs=1e-6)
    assert row["trend"] == "ct"


def test_variance_ratio_closed_form(inflation):
    # reference: closed form of the (non-debiased) 2-period variance ratio, as in arch's
    # test_variance_ratio: VR = sum((y_t - y_{t-2} - 2 mu)^2) / (2 nq) / sigma^2_1.
    from arch.unitroot import VarianceRatio

    y = inflation.to_numpy()
    dy = np.diff(y)
    mu = dy.mean()
    nq = len(dy)
    ratio = np.sum((y[2:] - y[:-2] - 2 * mu) ** 2) / (nq * 2) / (np.sum((dy - mu) ** 2) / nq)
    assert VarianceRatio(y, lags=2, debiased=False).vr == pytest.approx(ratio, rel=1e-10)
    row = _rows(unit_root_battery(inflation, tests=["vr"], vr_lags=2)).loc["Variance ratio"]
    expected = VarianceRatio(y, lags=2)  # battery defaults: debiased, robust
    assert row["stat"] == pytest.approx(expected.stat, rel=1e-12)
    assert row["lags"] == 2
    assert row["verdict"] in ("random walk", "not a random walk")


def test_battery_frame_and_verdicts():
    rng = np.random.default_rng(0)
    n = 400
    df = pd.DataFrame(
        {
            "rw": rng.standard_normal(n).cumsum(),
            "ar": lfilter([1.0], [1.0, -0.5], rng.standard_normal(n)),
        },
        index=pd.date_range("1990-01-31", periods=n, freq="ME"),
    )
    battery = unit_root_battery(df)
    frame = battery.to_frame()
    assert len(frame) == 2 * 4
    assert {"series", "test", "stat", "pvalue", "lags", "trend", "null", "verdict"} <= set(
        frame.columns
    )
    rw = frame[frame["series"] == "rw"].set_index("test")
    assert rw.loc["ADF", "verdict"] == "I(1)"
    assert rw.loc["KPSS", "verdict"] == "I(1)"
    assert rw.loc["Variance ratio", "verdict"] == "random walk"
    ar = frame[frame["series"] == "ar"].set_index("test")
    assert ar.loc["ADF", "verdict"] == "I(0)"
    assert ar.loc["Phillips-Perron", "verdict"] == "I(0)"
    assert ar.loc["Variance ratio", "verdict"] == "not a random walk"
    verdicts = battery.verdicts()
    assert verdicts.to_dict() == {"rw": "I(1)", "ar": "I(0)"}
    assert "ADF + KPSS verdict" in battery.summary()


def test_verdict_ambiguous_when_tests_disagree():
    from econ.models.unitroot import UnitRootBattery

    rows = [
        {"series": "s", "test": "ADF", "verdict": "I(1)"},
        {"series": "s", "test": "KPSS", "verdict": "I(0)"},
        {"series": "t", "test": "ADF", "verdict": "I(0)"},
    ]
    assert UnitRootBattery(rows=rows).verdicts().to_dict() == {"s": "ambiguous", "t": "ambiguous"}


def test_integration_order_sequence():
    rng = np.random.default_rng(1)
    e = rng.standard_normal(500)
    stationary = pd.Series(lfilter([1.0], [1.0, -0.5], e))
    i1 = stationary.cumsum()
    i2 = i1.cumsum()
    assert integration_order(stationary) == 0
    assert integration_order(i1) == 1
    assert integration_order(i2) == 2


def test_integration_order_trend_stationary():
    rng = np.random.default_rng(2)
    t = np.arange(400)
    y = pd.Series(0.05 * t + lfilter([1.0], [1.0, -0.6], rng.standard_normal(400)))
    assert integration_order(y, trend="ct") == 0


def test_clean_series_and_validation():
    s = pd.Series([np.nan, *np.arange(30, dtype=float), np.nan], name="s")
    assert len(clean_series(s)) == 30
    gap = s.copy()
    gap.iloc[10] = np.nan
    with pytest.raises(ValueError, match="interior missing"):
        unit_root_battery(gap)
    with pytest.raises(ValueError, match="not numeric"):
        unit_root_battery(pd.Series(["a"] * 30, dtype="str"))
    with pytest.raises(ValueError, match="too few observations"):
        unit_root_battery(pd.Series(np.arange(10.0)))
    rw = pd.Series(np.random.default_rng(0).standard_normal(100).cumsum())
    with pytest.raises(ValueError, match="unknown tests"):
        unit_root_battery(rw, tests=["zivot"])
    with pytest.raises(ValueError, match="trend must be"):
        unit_root_battery(rw, trend="ctt")
    with pytest.raises(ValueError, match="KPSS needs"):
        unit_root_battery(rw, trend="n")
    with pytest.raises(ValueError, match="Series or DataFrame"):
        unit_root_battery(rw.to_numpy())
    with pytest.raises(ValueError, match="alpha"):
        integration_order(rw, alpha=1.5)
