"""Tests for econ.models.events (event-window CARs, bootstrap CI, placebo p-value)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from econ.models.events import EventStudyResult, event_study

IDX = pd.bdate_range("2010-01-01", periods=3000)
EVENT_POS = np.arange(300, 2900, 100)  # 26 events, windows far apart


def _noise(seed: int, sd: float = 0.01, drift: float = 0.0002) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(rng.normal(drift, sd, len(IDX)), index=IDX)


def test_exact_car_without_noise() -> None:
    # Known answer by construction: constant return 0.001 plus a jump of 0.03 on day 0 and
    # 0.02 on day +1. The estimation-mean benchmark removes the drift exactly -> CAR = 0.05;
    # with a zero benchmark CAR = 0.05 + 11 * 0.001 over the [-5, 5] window.
    r = pd.Series(0.001, index=IDX)
    r.iloc[EVENT_POS] += 0.03
    r.iloc[EVENT_POS + 1] += 0.02
    res = event_study(r, IDX[EVENT_POS], n_boot=200, n_placebo=200, seed=0)
    assert isinstance(res, EventStudyResult)
    np.testing.assert_allclose(res.cars["car"], 0.05, atol=1e-12)
    np.testing.assert_allclose(res.cars["benchmark_mean"], 0.001, atol=1e-15)
    assert res.mean_car == pytest.approx(0.05, abs=1e-12)
    assert res.ci_low == pytest.approx(0.05, abs=1e-12)
    assert res.ci_high == pytest.approx(0.05, abs=1e-12)
    # the mean CAR path: 0 before day 0, 0.03 at day 0, 0.05 from day 1
    np.testing.assert_allclose(res.path.loc[-5:-1, "mean_car"], 0.0, atol=1e-12)
    assert res.path.loc[0, "mean_car"] == pytest.approx(0.03, abs=1e-12)
    np.testing.assert_allclose(res.path.loc[1:, "mean_car"], 0.05, atol=1e-12)
    zero = event_study(r, IDX[EVENT_POS], benchmark="zero", n_boot=50, n_placebo=50, seed=0)
    np.testing.assert_allclose(zero.cars["car"], 0.05 + 11 * 0.001, atol=1e-12)
    assert zero.estimation_start is None
    # window [0, 1] holds the whole jump; [0, 0] (zero benchmark) only day 0 plus drift
    w01 = event_study(r, IDX[EVENT_POS], window=(0, 1), n_boot=50, n_placebo=50, seed=0)
    np.testing.assert_allclose(w01.cars["car"], 0.05, atol=1e-12)
    day0 = event_study(
        r, IDX[EVENT_POS], window=(0, 0), benchmark="zero", n_boot=50, n_placebo=50, seed=0
    )
    np.testing.assert_allclose(day0.cars["car"], 0.031, atol=1e-12)


def test_estimation_window_skips_other_event_windows() -> None:
    # Events 100 days apart with estimation window (-250, -30): earlier events' windows
    # fall in later estimation windows and are left out, so mu is the clean drift 0.001
    # (a contaminated mean would be 0.001 + 0.05 * 2 / 221 for most events).
    r = pd.Series(0.001, index=IDX)
    r.iloc[EVENT_POS] += 0.05
    res = event_study(r, IDX[EVENT_POS], window=(-1, 1), n_boot=10, n_placebo=10, seed=0)
    np.testing.assert_allclose(res.cars["benchmark_mean"], 0.001, atol=1e-15)


def test_injected_jump_recovered_with_noise() -> None:
    # Injected known effect 0.05 (0.03 on day 0, 0.02 on day 1) in N(0.0002, 0.01) noise.
    # SE of the mean CAR ~ 0.01 * sqrt(11) / sqrt(26) ~ 0.0065 -> tolerance 0.02 (3 SE).
    r = _noise(0)
    r.iloc[EVENT_POS] += 0.03
    r.iloc[EVENT_POS + 1] += 0.02
    res = event_study(r, IDX[EVENT_POS], seed=1)
    assert res.n_events == 26 and res.n_dropped == 0
    assert res.mean_car == pytest.approx(0.05, abs=0.02)
    assert res.ci_low < 0.05 < res.ci_high
    assert res.pvalue_placebo < 0.01 and res.pvalue_t < 0.01
    assert res.n_placebo_dates > 1000
    # placebo null distribution is centred near 0 (no effect at random dates)
    assert abs(np.mean(res.placebo_means)) < 0.005
    frame = res.to_frame()
    assert list(frame.columns) == ["event", "day0", "car", "benchmark_mean"]


def test_no_effect_rarely_significant_across_seeds() -> None:
    # Size check: with no effect, a 5% test should reject in about 5% of samples. Over 20
    # seeds, P(more than 4 rejections | size 5%) = 0.016 under Binomial(20, 0.05).
    rejections = 0
    coverage = 0
    for seed in range(20):
        res = event_study(_noise(100 + seed), IDX[EVENT_POS], n_boot=400, n_placebo=400, seed=seed)
        rejections += res.pvalue_placebo < 0.05
        coverage += res.ci_low < 0.0 < res.ci_high
    assert rejections <= 4
    assert coverage >= 16


def test_one_sided_alternatives() -> None:
    r = _noise(5)
    r.iloc[EVENT_POS] -= 0.03  # a negative effect
    less = event_study(r, IDX[EVENT_POS], alternative="less", n_placebo=500, seed=2)
    greater = event_study(r, IDX[EVENT_POS], alternative="greater", n_placebo=500, seed=2)
    assert less.pvalue_placebo < 0.01 < 0.99 < greater.pvalue_placebo


def test_event_mapping_and_dropping() -> None:
    r = _noise(7)
    events = [
        pd.Timestamp("2011-03-05"),  # a Saturday -> day 0 is Monday 2011-03-07
        IDX[600],
        IDX[600] - pd.Timedelta(days=0),  # duplicate day 0
        IDX[10],  # estimation window before the sample start
        IDX[-2],  # window runs past the end
        pd.Timestamp("2030-01-01"),  # after the sample
    ]
    with pytest.warns(UserWarning, match="4 event"):
        res = event_study(r, events, n_boot=50, n_placebo=50, seed=0)
    assert res.n_events == 2 and res.n_dropped == 4
    assert res.cars["day0"].iloc[0] == pd.Timestamp("2011-03-07")
    assert set(res.dropped["reason"]) == {
        "same day 0 as an earlier event",
        "window or estimation window outside sample",
        "after the last observation",
    }
    # with a zero benchmark no estimation window is needed: the early event is kept
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res0 = event_study(r, events, benchmark="zero", n_boot=50, n_placebo=50, seed=0)
    assert res0.n_events == 3


def test_overlapping_windows_warn() -> None:
    r = _noise(8)
    with pytest.warns(UserWarning, match="overlap"):
        event_study(r, IDX[[1000, 1005, 2000]], n_boot=50, n_placebo=50, seed=0)


def test_seed_reproducible() -> None:
    r = _noise(9)
    a = event_study(r, IDX[EVENT_POS], n_boot=300, n_placebo=300, seed=11)
    b = event_study(r, IDX[EVENT_POS], n_boot=300, n_placebo=300, seed=11)
    assert a.ci_low == b.ci_low and a.pvalue_placebo == b.pvalue_placebo


@pytest.mark.parametrize(
    ("kwargs", "msg"),
    [
        ({"window": (3, -3)}, "after its end"),
        ({"estimation_window": (-100, -3)}, "estimation window"),
        ({"benchmark": "market"}, "benchmark"),
        ({"alternative": "both"}, "alternative"),
        ({"ci_level": 1.5}, "ci_level"),
        ({"n_boot": 0}, "positive"),
    ],
)
def test_bad_settings(kwargs: dict, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        event_study(_noise(1), IDX[EVENT_POS], **kwargs)


def test_bad_inputs() -> None:
    r = _noise(1)
    with pytest.raises(ValueError, match="DatetimeIndex"):
        event_study(r.reset_index(drop=True), IDX[EVENT_POS])
    z = r.copy()
    z.iloc[4] = np.nan
    with pytest.raises(ValueError, match="missing"):
        event_study(z, IDX[EVENT_POS])
    with pytest.raises(ValueError, match="at least two"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            event_study(r, [IDX[500]])
    with pytest.raises(ValueError, match="no events"):
        event_study(r, [])
