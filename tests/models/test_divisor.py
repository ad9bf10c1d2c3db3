"""Hand-checked constructed events for econ.models.divisor (the SSE divisor rule)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.models.divisor import chain_linked_index, divisor_index

DATES = pd.date_range("1990-12-19", periods=6, freq="B")


def _frames(prices, shares):
    cols = ["A", "B", "C"]
    return (pd.DataFrame(prices, index=DATES, columns=cols, dtype=float),
            pd.DataFrame(shares, index=DATES, columns=cols, dtype=float))


def test_listing_share_change_delisting_and_cash_dividend_by_hand():
    nan = np.nan
    prices = [[10, 20, nan],   # base: MV = 10*100 + 20*50 = 2000, D = 20
              [11, 20, nan],   # index 2100/20 = 105
              [11, 20, 6],     # C lists at offer 5, 200 shares: D = 20*(2100+1000)/2100; C's pop to 6 counts
              [11, 19, 6],     # B goes ex-dividend 1 a share: no adjustment, the index falls
              [11, 19, 6],     # A's rights issue: 100 -> 150 shares at the previous close 11
              [12, 19, 6]]     # B delisted before today: priced at the previous close 19
    shares = [[100, 50, nan], [100, 50, nan], [100, 50, 200], [100, 50, 200], [150, 50, 200], [150, nan, 200]]
    p, q = _frames(prices, shares)
    ref = pd.DataFrame(np.nan, index=DATES, columns=p.columns)
    ref.loc[DATES[2], "C"] = 5.0
    r = divisor_index(p, q, ref_prices=ref)
    d0 = 20.0
    d2 = d0 * 3100 / 2100
    d4 = d2 * (11 * 150 + 19 * 50 + 6 * 200) / (11 * 100 + 19 * 50 + 6 * 200)
    d5 = d4 * (11 * 150 + 6 * 200) / (11 * 150 + 19 * 50 + 6 * 200)
    assert list(r.divisor) == pytest.approx([d0, d0, d2, d2, d4, d5])
    expected = [100, 105, (1100 + 1000 + 1200) / d2, (1100 + 950 + 1200) / d2, (1650 + 950 + 1200) / d4,
                (1800 + 1200) / d5]
    assert list(r.index) == pytest.approx(expected)
    # continuity: without price moves an event leaves the index where it was
    assert r.index.iloc[4] == pytest.approx(r.index.iloc[3])
    # the dividend day is not an adjustment
    assert pd.Timestamp(DATES[3]) not in set(r.adjustments["date"])
    assert len(r.adjustments) == 3


def test_new_listing_without_reference_price_is_an_error():
    p, q = _frames([[10, 20, np.nan], [10, 20, 5]] + [[10, 20, 5]] * 4,
                   [[1, 1, np.nan], [1, 1, 1]] + [[1, 1, 1]] * 4)
    with pytest.raises(ValueError, match="without a previous close"):
        divisor_index(p, q)


def test_chain_linked_index_counts_only_continuing_stocks():
    caps = pd.DataFrame({"A": [100.0, 110.0, 121.0], "B": [np.nan, 50.0, 40.0], "C": [100.0, np.nan, np.nan]},
                        index=pd.date_range("2017-03-31", periods=3, freq="QE"))
    s = chain_linked_index(caps)
    # t0->t1: only A continues (+10%); t1->t2: A and B: (121 + 40) / (110 + 50)
    assert list(s) == pytest.approx([100.0, 110.0, 110.0 * 161 / 160])


def test_chain_linked_equals_divisor_index_when_shares_do_not_change():
    rng = np.random.default_rng(3)
    prices = pd.DataFrame(np.exp(np.cumsum(rng.normal(0, 0.02, (6, 3)), axis=0)) * 10, index=DATES,
                          columns=["A", "B", "C"])
    shares = pd.DataFrame([[1.0, 2.0, 3.0]] * 6, index=DATES, columns=prices.columns)
    d = divisor_index(prices, shares)
    c = chain_linked_index(prices * shares)
    assert np.allclose(d.index.to_numpy(), c.to_numpy())
