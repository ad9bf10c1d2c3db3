"""The two-factor rotation rule and the backtest engine on constructed series (answers by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.models.backtest import run_backtest
from econ.models.rotation import factor_fires, two_factor_signals

IDX = pd.date_range("2020-01-31", periods=6, freq="ME")


def test_factor_fires_by_hand():
    x = pd.Series([0.0, 1.0, 2.0, 1.5, 3.0, 4.0], index=IDX)
    # changes: -, +1, +1, -0.5, +1.5, +1
    assert factor_fires(x, +1, "both").tolist() == [False, False, True, False, False, True]
    assert factor_fires(x, +1, "sum").tolist() == [False, False, True, True, True, True]
    assert factor_fires(x, -1, "sum").tolist() == [False] * 6


def test_two_factor_signals_by_hand():
    a = pd.Series([0, 1, 2, 3, 3, 3], index=IDX, dtype=float)   # rises to month 4
    b = pd.Series([5, 4, 3, 2, 1, 0], index=IDX, dtype=float)   # falls throughout (favourable -1)
    tie = pd.Series([1, 1, 1, 0.5, 0.6, 0.6], index=IDX)
    s = two_factor_signals(a, +1, b, -1, tie, combine="both", asset_a="L", asset_b="S", tie_below="S", tie_else="L")
    # month 3, 4: both fire; tie falls in month 4 only -> S; month 3: tie flat -> L; month 5, 6: only b -> S
    assert s.tolist() == ["cash", "cash", "L", "S", "S", "S"]
    # two-month tie-break: month 3 tie change 0 (L), month 4 change -0.5 (S)
    s2 = two_factor_signals(a, +1, b, -1, tie, combine="both", asset_a="L", asset_b="S", tie_below="S",
                            tie_else="L", tie_combine="sum")
    assert s2.tolist()[2:4] == ["L", "S"]


def test_backtest_engine_on_a_constructed_series():
    # constructed: L earns +1% a month, S +2%; hold L, L, S, cash, S, S (signal at t held over t+1)
    rets = pd.DataFrame({"L": [0.01] * 7, "S": [0.02] * 7}, index=pd.date_range("2020-01-31", periods=7, freq="ME"))
    sig = pd.Series(["L", "L", "S", "cash", "S", "S", "S"], index=rets.index)
    bt = run_backtest(rets, sig, lag=1, cost_bps=0.0, periods_per_year=12)
    by_hand = [0.01, 0.01, 0.02, 0.0, 0.02, 0.02]
    assert bt.returns.tolist() == pytest.approx(by_hand)
    assert bt.annual_return == pytest.approx(np.prod(1 + np.array(by_hand)) ** (12 / 6) - 1)
    # 20 bp per unit of turnover: enter L (1), switch to S (2), to cash (1), into S (1)
    costly = run_backtest(rets, sig, lag=1, cost_bps=20.0, periods_per_year=12)
    assert costly.total_cost == pytest.approx(5 * 0.002)
