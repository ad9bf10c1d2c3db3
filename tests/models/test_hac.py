"""Tests for econ.models.hac (the package's single HAC bandwidth decision)."""

import math

import numpy as np
import pytest
from arch.covariance.kernel import Bartlett
from scipy.signal import lfilter

from econ.models.hac import (
    andrews_ar1_bandwidth,
    bandwidth,
    choose_bandwidth,
    describe_bandwidth,
)


def _ar1(n, rho, seed):
    e = np.random.default_rng(seed).standard_normal(n + 200)
    return lfilter([1.0], [1.0, -rho], e)[200:]


@pytest.mark.parametrize(
    ("nobs", "expected"),
    # reference: hand computation of floor(4 (T/100)^(2/9)), Newey & West (1994, p. 644);
    # T = 202 gives 4, the lag(4) of statsmodels' Stata `newey` reference on macrodata.
    [(50, 3), (100, 4), (202, 4), (240, 4), (500, 5), (1000, 6), (5000, 9)],
)
def test_nw1994_rule(nobs, expected):
    assert bandwidth(nobs) == expected
    assert bandwidth(nobs, "nw1994") == expected


def test_describe_nw1994():
    text = describe_bandwidth(240)
    assert text == "Newey-West (1994) rule: floor(4(T/100)^(2/9)) = 4 lags (T = 240)"


def test_fixed_rule():
    assert bandwidth(100, "fixed", lags=7) == 7
    assert bandwidth(100, "fixed", lags=0) == 0
    assert "fixed bandwidth: 7 lags" in describe_bandwidth(100, "fixed", lags=7)


def test_horizon_floor_binds_and_describes():
    bw = choose_bandwidth(240, horizon=12)
    assert bw.lags == 11
    assert bw.rule_lags == 4
    assert "raised to h-1 = 11 lags for the 12-period overlapping horizon" in bw.description
    # not binding: the rule's lags stay
    assert bandwidth(1000, horizon=3) == 6
    assert bandwidth(1000, horizon=1) == 6
    assert bandwidth(100, "fixed", lags=2, horizon=6) == 5


def test_andrews_closed_form_univariate():
    # For one series alpha(1) = 4 rho^2 / (1 - rho^2)^2 (sigma cancels), so
    # S_T = 1.1447 (4 rho^2 T / (1 - rho^2)^2)^(1/3), Andrews (1991) eqs. 6.2/6.4 (the
    # same expression as blocklength.andrew in the R package for change-point tests).
    x = _ar1(5000, 0.6, seed=11)
    v = x - x.mean()
    rho = (v[:-1] @ v[1:]) / (v[:-1] @ v[:-1])
    expected = 1.1447 * (4 * rho**2 * len(x) / (1 - rho**2) ** 2) ** (1 / 3)
    assert andrews_ar1_bandwidth(x) == pytest.approx(expected, rel=1e-10)


def test_andrews_recovers_population_bandwidth():
    # reference: population S_T for rho = 0.5, T = 20000 is
    # 1.1447 (4 * 0.25 * 20000 / 0.75^2)^(1/3) = 37.64 (Andrews 1991, eq. 6.4).
    x = _ar1(20000, 0.5, seed=3)
    population = 1.1447 * (4 * 0.25 * 20000 / 0.75**2) ** (1 / 3)
    assert andrews_ar1_bandwidth(x) == pytest.approx(population, rel=0.03)
    bw = choose_bandwidth(20000, "andrews", data=x)
    assert bw.lags == round(andrews_ar1_bandwidth(x)) - 1
    assert "Andrews (1991)" in bw.description


def test_andrews_equal_weights_and_scale_invariance():
    x = _ar1(800, 0.7, seed=5)
    one = andrews_ar1_bandwidth(x)
    assert andrews_ar1_bandwidth(np.column_stack([x, x])) == pytest.approx(one, rel=1e-12)
    assert andrews_ar1_bandwidth(10 * x) == pytest.approx(one, rel=1e-12)
    # more persistence -> wider bandwidth
    assert (
        andrews_ar1_bandwidth(_ar1(800, 0.9, seed=5))
        > one
        > andrews_ar1_bandwidth(_ar1(800, 0.2, seed=5))
    )


def test_nw_auto_is_floor_of_arch_bartlett():
    # reference: arch.covariance.kernel.Bartlett.opt_bandwidth, Newey-West (1994)
    # nonparametric selection; NW truncate m-hat to an integer.
    x = _ar1(1000, 0.8, seed=9)
    expected = math.floor(Bartlett(x).opt_bandwidth)
    assert bandwidth(1000, "nw-auto", data=x) == expected
    white = np.random.default_rng(1).standard_normal(1000)
    assert bandwidth(1000, "nw-auto", data=white) < expected


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"nobs": 100, "rule": "bogus"}, "unknown bandwidth rule"),
        ({"nobs": 100, "rule": "fixed"}, "needs lags"),
        ({"nobs": 100, "rule": "fixed", "lags": -1}, "non-negative"),
        ({"nobs": 100, "rule": "nw1994", "lags": 3}, "only used with"),
        ({"nobs": 100, "rule": "andrews"}, "needs data"),
        ({"nobs": 100, "rule": "nw-auto", "data": np.ones(50)}, "rows but nobs"),
        ({"nobs": 1}, "too few observations"),
        ({"nobs": 10, "horizon": 12}, "too few observations"),
        ({"nobs": 100, "horizon": 0}, "horizon must be"),
        ({"nobs": 100.0}, "nobs must be an integer"),
    ],
)
def test_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        choose_bandwidth(**kwargs)


def test_andrews_rejects_bad_data():
    with pytest.raises(ValueError, match="NaN"):
        andrews_ar1_bandwidth(np.array([1.0, np.nan, 2.0, 3.0]))
    with pytest.raises(ValueError, match="constant"):
        andrews_ar1_bandwidth(np.ones(50))
