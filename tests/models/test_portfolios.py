"""Known-answer tests of econ.models.portfolios.bottom_n_portfolio on a hand-built panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.models.portfolios import bottom_n_portfolio


def _caps():
    # four stocks, four quarter ends; A and B are the two smallest at the first date
    return pd.DataFrame({"A": [1.0, 2.0, 2.0, 4.0], "B": [2.0, 2.0, 1.0, 1.0], "C": [10.0, 10.0, 20.0, 20.0],
                         "D": [20.0, 10.0, 10.0, 10.0]}, index=pd.date_range("2020-03-31", periods=4, freq="QE"))


def test_equal_weight_rebalanced_each_period_by_hand():
    r = bottom_n_portfolio(_caps(), 2, every=1, weight="equal")
    # t0: A,B equal: (2/1 + 2/2)/2 - 1 = 0.5 ; t1: smallest are A(2),B(2): (2/2 + 1/2)/2 - 1 = -0.25
    # t2: smallest B(1), A(2): (1/1 + 4/2)/2 - 1 = 0.5
    assert list(np.round(r.returns.to_numpy(), 12)) == [0.5, -0.25, 0.5]
    assert r.turnover.iloc[0] == 1.0


def test_cap_weight_and_buy_and_hold_equal_weight_by_hand():
    cw = bottom_n_portfolio(_caps(), 2, every=1, weight="cap")
    # t0: (2 + 2) / (1 + 2) - 1 = 1/3
    assert cw.returns.iloc[0] == pytest.approx(1 / 3)
    bh = bottom_n_portfolio(_caps(), 2, every=3, weight="equal")
    # formed once at t0 with A, B equal; value path = (A_t/1 + B_t/2)/2
    vals = [(a / 1 + b / 2) / 2 for a, b in zip(_caps()["A"], _caps()["B"], strict=True)]
    expected = np.array(vals[1:]) / np.array(vals[:-1]) - 1
    assert np.allclose(bh.returns.to_numpy(), expected)


def test_a_stock_without_next_cap_exits_at_its_last_value():
    caps = _caps()
    caps.loc[caps.index[1], "B"] = np.nan  # B disappears after the first date
    caps.loc[caps.index[2:], "B"] = np.nan
    r = bottom_n_portfolio(caps, 2, every=3, weight="equal")
    # t0 -> t1: A doubles, B exits flat: (2 + 1)/2 - 1 = 0.5; the exit weight is reported
    assert r.returns.iloc[0] == pytest.approx(0.5)
    assert r.exits.iloc[0] == pytest.approx(0.5)
    # t1 -> t2: A flat (2 -> 2), cash flat: 0
    assert r.returns.iloc[1] == pytest.approx(0.0)


def test_too_few_eligible_stocks_is_an_error():
    with pytest.raises(ValueError, match="fewer than"):
        bottom_n_portfolio(_caps(), 5)
