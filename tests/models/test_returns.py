"""Known-answer tests of econ.models.returns (constructed price paths; hand-computed values)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from econ.models.returns import (
    annualise,
    annualised_return_stat,
    block_bootstrap_ci,
    start_end_sensitivity,
    window_return,
    window_returns,
    window_volatility,
)


def _path(values, start="2021-03-01"):
    idx = pd.bdate_range(start, periods=len(values))
    return pd.Series(np.asarray(values, dtype=float), index=idx)


def test_start_rules_pick_the_close_before_or_on_the_start_date():
    p = _path([100, 110, 121, 133.1, 146.41])  # Mon..Fri, +10% a day
    before = window_return(p, "2021-03-02", "2021-03-05")  # close of Mon -> close of Fri
    on = window_return(p, "2021-03-02", "2021-03-05", start_rule="close_on")  # Tue -> Fri
    assert before.start == pd.Timestamp("2021-03-01") and before.n_returns == 4
    assert before.total == pytest.approx(0.4641)
    assert on.start == pd.Timestamp("2021-03-02") and on.n_returns == 3
    assert on.total == pytest.approx(146.41 / 110 - 1)


def test_end_is_last_close_on_or_before_end_date_and_annualisation_by_trading_days():
    p = _path([100 * 1.001 ** k for k in range(600)])
    fri = p.index[p.index.day_of_week == 4][100]
    k = int(p.index.get_loc(fri))
    r = window_return(p, p.index[1], fri + pd.Timedelta(days=1), periods_per_year=250)  # a Saturday
    assert r.end == fri and r.n_returns == k
    assert r.annualised == pytest.approx(1.001 ** 250 - 1, rel=1e-12)
    assert annualise(0.21, 500, 250) == pytest.approx(0.1, rel=1e-12)
    assert annualise(0.21, 0, None, calendar_days=730) == pytest.approx(1.21 ** 0.5 - 1)


def test_window_volatility_is_sd_of_simple_returns_times_sqrt_ppy():
    p = _path([100, 102, 99.96, 101.9592, 99.920016])  # +2%, -2%, +2%, -2%
    r = window_returns(p, "2021-03-02", "2021-03-05")
    assert list(np.round(r.to_numpy(), 10)) == [0.02, -0.02, 0.02, -0.02]
    sd = np.std([0.02, -0.02, 0.02, -0.02], ddof=1)
    assert window_volatility(p, "2021-03-02", "2021-03-05") == pytest.approx(sd * math.sqrt(250))


def test_window_outside_the_data_is_an_error():
    p = _path([100, 101, 102])
    with pytest.raises(ValueError, match="no close before"):
        window_return(p, "2021-03-01", "2021-03-03")
    with pytest.raises(ValueError, match="ends"):
        window_return(p, "2021-03-02", "2021-06-30")


def test_bootstrap_interval_of_a_mean_matches_the_normal_interval_for_iid_data():
    rng = np.random.default_rng(1)
    x = rng.normal(0.5, 2.0, size=2000)
    ci = block_bootstrap_ci(x, lambda a: float(np.mean(a)), block=1.0, n_boot=2000, seed=3)
    half = 1.96 * 2.0 / math.sqrt(len(x))
    assert ci.estimate == pytest.approx(x.mean())
    assert ci.high - ci.low == pytest.approx(2 * half, rel=0.1)
    assert ci.low < x.mean() < ci.high
    again = block_bootstrap_ci(x, lambda a: float(np.mean(a)), block=1.0, n_boot=2000, seed=3)
    assert (again.low, again.high) == (ci.low, ci.high)  # seeded


def test_bootstrap_widens_for_dependent_data_with_the_optimal_block():
    rng = np.random.default_rng(2)
    e = rng.normal(size=3000)
    x = np.empty_like(e)
    x[0] = e[0]
    for t in range(1, len(e)):
        x[t] = 0.8 * x[t - 1] + e[t]
    iid = block_bootstrap_ci(x, lambda a: float(np.mean(a)), block=1.0, n_boot=1000, seed=0)
    blk = block_bootstrap_ci(x, lambda a: float(np.mean(a)), n_boot=1000, seed=0)
    assert blk.block > 3
    # long-run sd of an AR(1) mean is 1/(1-0.8) = 5 times the innovation sd: the interval must widen a lot
    assert (blk.high - blk.low) > 2 * (iid.high - iid.low)


def test_annualised_return_stat_equals_window_return():
    rng = np.random.default_rng(5)
    p = _path(100 * np.cumprod(1 + rng.normal(0.0005, 0.01, 300)))
    r = window_returns(p, p.index[1], p.index[-1])
    w = window_return(p, p.index[1], p.index[-1])
    assert annualised_return_stat(250)(r.to_numpy()) == pytest.approx(w.annualised, rel=1e-10)


def test_sensitivity_grid_moves_start_and_end_by_trading_days():
    p = _path(np.arange(100, 140, dtype=float))
    out = start_end_sensitivity(p, p.index[10], p.index[30], lambda s, a, b: window_return(s, a, b).total,
                                shifts=(-1, 0, 1))
    assert len(out) == 9
    row = out[(out.start_shift == 0) & (out.end_shift == 0)].iloc[0]
    assert row["value"] == pytest.approx(p.iloc[30] / p.iloc[9] - 1)
    row = out[(out.start_shift == 1) & (out.end_shift == -1)].iloc[0]
    assert row["start"] == p.index[11] and row["end"] == p.index[29]
