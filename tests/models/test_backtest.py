"""Tests for econ.models.backtest (lagged signal backtests, data-snooping tests)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from arch.bootstrap import SPA, RealityCheck

from econ.models.backtest import (
    BacktestResult,
    LookAheadWarning,
    data_snooping_test,
    infer_periods_per_year,
    max_drawdown,
    performance_metrics,
    positions_from_signals,
    run_backtest,
)


# --------------------------------------------------------------------------------------
# metrics by hand
# --------------------------------------------------------------------------------------
def test_metrics_by_hand_tiny_series() -> None:
    # r = [0.10, -0.20, 0.05, 0.10], quarterly (ppy=4). By hand:
    # equity 1.1, 0.88, 0.924, 1.0164 -> total 0.0164; 4 quarters = 1 year -> annual 0.0164
    # max drawdown 0.88/1.1 - 1 = -0.2
    # mean 0.0125; sum sq dev = 0.061875; sd = sqrt(0.061875/3) = 0.1436141; vol = 2 sd
    # Sharpe (rf 0) = 0.0125 / 0.1436141 * 2 = 0.1740777
    idx = pd.period_range("2020Q1", periods=4, freq="Q")
    r = pd.Series([0.10, -0.20, 0.05, 0.10], index=idx)
    m = performance_metrics(r)
    assert m["periods_per_year"] == 4
    assert m["total_return"] == pytest.approx(0.0164, abs=1e-12)
    assert m["annual_return"] == pytest.approx(0.0164, abs=1e-12)
    assert m["max_drawdown"] == pytest.approx(-0.2, abs=1e-12)
    assert m["annual_volatility"] == pytest.approx(2 * np.sqrt(0.061875 / 3), abs=1e-12)
    assert m["sharpe"] == pytest.approx(0.0125 / np.sqrt(0.061875 / 3) * 2, abs=1e-12)
    # same four numbers read as months: annual = 1.0164 ** 3 - 1 = 0.04999... (by hand)
    m12 = performance_metrics(r, periods_per_year=12)
    assert m12["annual_return"] == pytest.approx(1.0164**3 - 1, abs=1e-12)
    # a loss in period one counts: the curve starts at 1
    assert max_drawdown(pd.Series([-0.1, 0.05])) == pytest.approx(-0.1)
    # Sharpe with a constant per-period risk-free of 0.0125 (the mean): 0
    assert performance_metrics(r, risk_free=0.0125)["sharpe"] == pytest.approx(0.0, abs=1e-12)


def test_infer_periods_per_year() -> None:
    assert infer_periods_per_year(pd.bdate_range("2020-01-01", periods=30)) == 252
    assert infer_periods_per_year(pd.date_range("2020-01-01", periods=30, freq="W")) == 52
    assert infer_periods_per_year(pd.date_range("2020-01-31", periods=30, freq="ME")) == 12
    assert infer_periods_per_year(pd.date_range("2020-03-31", periods=30, freq="QE")) == 4
    assert infer_periods_per_year(pd.date_range("2020-12-31", periods=5, freq="YE")) == 1
    with pytest.raises(ValueError, match="periods_per_year"):
        infer_periods_per_year(pd.RangeIndex(10))


# --------------------------------------------------------------------------------------
# a backtest by hand
# --------------------------------------------------------------------------------------
def _hand_case() -> tuple[pd.DataFrame, pd.Series]:
    idx = pd.date_range("2021-01-31", periods=5, freq="ME")
    rets = pd.DataFrame(
        {"A": [0.01, 0.02, -0.01, 0.03, 0.00], "B": [0.00, -0.01, 0.02, 0.01, 0.05]}, index=idx
    )
    signals = pd.Series(["A", "B", "cash", "A", "B"], index=idx)
    return rets, signals


def test_backtest_by_hand_with_lag_costs_and_cash() -> None:
    # lag 1: held = A, B, cash, A in months 2..5 (month 1 has no prior signal)
    # gross = 0.02, 0.02, rf=0.001, 0.00; turnover = 1 (cash->A), 2 (A->B), 1, 1
    # cost 10 bps/unit -> 0.001, 0.002, 0.001, 0.001; net = 0.019, 0.018, 0.000, -0.001
    rets, signals = _hand_case()
    res = run_backtest(rets, signals, cost_bps=10.0, risk_free=0.001)
    assert isinstance(res, BacktestResult)
    np.testing.assert_allclose(res.returns, [0.019, 0.018, 0.0, -0.001], atol=1e-15)
    np.testing.assert_allclose(res.turnover, [1, 2, 1, 1])
    assert res.n_periods == 4 and res.periods_per_year == 12
    total = 1.019 * 1.018 * 1.0 * 0.999 - 1
    assert res.total_return == pytest.approx(total, abs=1e-14)
    assert res.annual_return == pytest.approx((1 + total) ** 3 - 1, abs=1e-14)
    assert res.max_drawdown == pytest.approx(-0.001, abs=1e-14)
    assert res.total_cost == pytest.approx(0.005, abs=1e-15)
    assert res.turnover_per_period == pytest.approx(1.25)
    assert res.annual_turnover == pytest.approx(15.0)
    # invested months 2, 3, 5: excess 0.018, 0.017, -0.002 -> 2 of 3
    assert res.hit_rate == pytest.approx(2 / 3)
    assert res.equity.iloc[-1] == pytest.approx(1 + total, abs=1e-14)
    frame = res.to_frame()
    assert set(frame.columns) == {"metric", "value"}
    assert frame.set_index("metric").loc["max_drawdown", "value"] == pytest.approx(-0.001)


def test_weight_signals_and_lag_two() -> None:
    rets, _ = _hand_case()
    w = pd.DataFrame({"A": [0.5] * 5, "B": [0.5] * 5}, index=rets.index)
    res = run_backtest(rets, w, lag=2)
    # 50/50 from month 3 on: gross = mean of A and B; turnover 1 on entry, then 0
    np.testing.assert_allclose(res.returns, rets.mean(axis=1).iloc[2:], atol=1e-15)
    np.testing.assert_allclose(res.turnover, [1.0, 0.0, 0.0])
    # partial weights leave the rest in cash earning rf
    w2 = pd.DataFrame({"A": [0.25] * 5}, index=rets.index)
    res2 = run_backtest(rets, w2, risk_free=0.002)
    np.testing.assert_allclose(res2.returns, 0.25 * rets["A"].iloc[1:] + 0.75 * 0.002, atol=1e-15)


# --------------------------------------------------------------------------------------
# the lag is enforced: perfect foresight only pays with an explicit, warned lag=0
# --------------------------------------------------------------------------------------
def test_lookahead_signal_needs_explicit_lag_zero() -> None:
    rng = np.random.default_rng(42)
    idx = pd.bdate_range("2018-01-01", periods=750)
    rets = pd.DataFrame(rng.normal(0.0, 0.01, (750, 2)), index=idx, columns=["small", "large"])
    foresight = rets.idxmax(axis=1)  # uses the very return it then "trades"

    # default: no warning, position at t is the signal of t-1
    with warnings.catch_warnings():
        warnings.simplefilter("error", LookAheadWarning)
        lagged = run_backtest(rets, foresight)
    held = lagged.positions.idxmax(axis=1)
    assert (held.to_numpy() == foresight.shift(1).iloc[1:].to_numpy()).all()
    # iid returns: yesterday's winner carries no edge (|Sharpe| small; known: E = 0)
    assert abs(lagged.sharpe) < 1.0

    with pytest.warns(LookAheadWarning, match="look-ahead"):
        cheat = run_backtest(rets, foresight, lag=0)
    np.testing.assert_allclose(cheat.returns, rets.max(axis=1), atol=1e-15)
    assert cheat.sharpe > 5  # theory: E max / sd max = 0.564 / 0.826 per day, x sqrt(252) = 10.8

    with pytest.raises(ValueError, match="negative lag"):
        run_backtest(rets, foresight, lag=-1)
    with pytest.raises(ValueError, match="integer"):
        run_backtest(rets, foresight, lag=1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="integer"):
        run_backtest(rets, foresight, lag=True)  # type: ignore[arg-type]


def test_backtest_validation() -> None:
    rets, signals = _hand_case()
    with pytest.raises(ValueError, match="neither return columns"):
        run_backtest(rets, signals.replace("B", "C"))
    late = signals.copy()
    late.index = late.index + pd.Timedelta(days=1)
    with pytest.raises(ValueError, match="not return dates"):
        run_backtest(rets, late)
    holes = signals.copy()
    holes.iloc[2] = None
    with pytest.raises(ValueError, match="missing signal"):
        run_backtest(rets, holes)
    with pytest.raises(ValueError, match="cash label"):
        run_backtest(rets.rename(columns={"B": "cash"}), signals)
    with pytest.raises(ValueError, match="cost_bps"):
        run_backtest(rets, signals, cost_bps=-1)
    with pytest.raises(ValueError, match="not in returns"):
        run_backtest(rets, pd.DataFrame({"Z": 1.0}, index=rets.index))
    # a leading gap is fine: positions start after the first signal
    lead = signals.copy()
    lead.iloc[:2] = None
    assert run_backtest(rets, lead).n_periods == 2
    pos = positions_from_signals(signals, rets.index, ["A", "B"])
    assert pos.iloc[0].isna().all() and pos.iloc[1].tolist() == [1.0, 0.0]


# --------------------------------------------------------------------------------------
# data snooping: the wrapper reproduces arch exactly
# --------------------------------------------------------------------------------------
def _snoop_data(edge: float = 0.0, seed: int = 3) -> tuple[pd.Series, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2015-01-01", periods=600)
    bench = pd.Series(rng.normal(0.0002, 0.01, 600), index=idx)
    strats = pd.DataFrame(
        {f"rule{i}": bench + rng.normal(0.0, 0.004, 600) for i in range(8)}, index=idx
    )
    strats["rule0"] += edge
    return bench, strats


def test_data_snooping_matches_arch_spa_exactly() -> None:
    # Known answer: arch.bootstrap.SPA on losses = -returns with the same seed (we wrap it).
    bench, strats = _snoop_data()
    res = data_snooping_test(bench, strats, block_size=10, reps=500, seed=7)
    ref = SPA(-bench, -strats, block_size=10, reps=500, seed=7)
    ref.compute()
    assert res.pvalue_lower == ref.pvalues["lower"]
    assert res.pvalue_consistent == ref.pvalues["consistent"]
    assert res.pvalue_upper == ref.pvalues["upper"]
    crit = ref.critical_values(0.05)
    assert res.crit_5pct == {k: float(v) for k, v in crit.items()}
    # arch's RealityCheck is the same computation: its upper p-value is White's RC
    rc = RealityCheck(-bench, -strats, block_size=10, reps=500, seed=7)
    rc.compute()
    assert res.pvalue_upper == rc.pvalues["upper"]
    # statistic = best mean excess return; lower <= consistent <= upper
    assert res.stat == pytest.approx(strats.sub(bench, axis=0).mean().max(), abs=1e-15)
    assert res.pvalue_lower <= res.pvalue_consistent <= res.pvalue_upper
    assert res.block_size == 10 and res.n_strategies == 8 and res.n_obs == 600
    frame = res.to_frame()
    assert frame["variant"].tolist() == ["upper", "consistent", "lower"]
    assert frame["pvalue"].iloc[0] == res.pvalue_upper


def test_data_snooping_detects_a_real_edge() -> None:
    # An edge of 0.2%/day with noise sd 0.4%/day over 600 days (t ~ 12) must be found;
    # with no edge the best of 8 noise rules is not significant.
    bench, strats = _snoop_data(edge=0.002)
    res = data_snooping_test(bench, strats, reps=300, seed=1)
    assert res.best_strategy == "rule0" and res.pvalue_consistent < 0.01
    bench0, strats0 = _snoop_data(edge=0.0)
    res0 = data_snooping_test(bench0, strats0, reps=300, seed=1)
    assert res0.pvalue_consistent > 0.05


def test_data_snooping_validation() -> None:
    bench, strats = _snoop_data()
    with pytest.raises(ValueError, match="Series"):
        data_snooping_test(bench.to_frame(), strats)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="missing"):
        s2 = strats.copy()
        s2.iloc[5, 0] = np.nan
        data_snooping_test(bench, s2)
    with pytest.raises(ValueError, match="at least 10"):
        data_snooping_test(bench.iloc[:5], strats.iloc[:5])
    with pytest.raises(ValueError, match="block_size"):
        data_snooping_test(bench, strats, block_size=0)
