"""A cap-weighted price index kept continuous by a divisor (the SSE Composite's rule).

The rule (SSE; Seed 004 quotes it): ``index_t = Σ_i p_{i,t} q_{i,t} / D_t × base`` with the
divisor ``D`` set so that the index equals ``base`` on the base date, and adjusted whenever the
market value changes for a non-trading reason — a new listing, a delisting, a change in the
number of shares (bonus shares, rights issues, placements, buy-backs), a suspension taken out
or put back — so that the index is the same just before and just after the change::

    index before = MV_old / D_old = MV_new / D_new = index after   ⇒   D_new = D_old × MV_new / MV_old

with both market values at the same prices. Cash dividends are **not** adjusted for: the ex-
dividend price drop lowers the index.

:func:`divisor_index` applies the rule to prices and share counts. Convention: the share count
(or membership) in row ``t`` of ``shares`` is the one in force *on* day ``t``; a change from
``t−1`` to ``t`` is an event effective before trading on ``t`` and is priced at the previous
close ``p_{t−1}``; a stock entering without a previous close (a new listing) is priced at its
``ref_prices`` value on ``t`` (e.g. the offer price), so its first-day move counts in the index.

:func:`chain_linked_index` is the same rule when only market caps are known at a few dates (a
quarterly panel): between two dates only stocks with a cap at both ends count, so listings and
delistings never move the index; what it cannot separate is a change in shares from a change in
price (a placement raises the cap and hence this index, where the real divisor would absorb
it).

Own code: the rule is arithmetic; no library implements an exchange's divisor.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from econ.models.base import Result

__all__ = ["DivisorIndexResult", "chain_linked_index", "divisor_index"]


@dataclasses.dataclass(repr=False)
class DivisorIndexResult(Result):
    """Index levels, divisors and the market values behind them."""

    index: pd.Series
    divisor: pd.Series
    market_value: pd.Series
    adjustments: pd.DataFrame  # date, mv_old, mv_new, divisor_old, divisor_new
    title = "Divisor-adjusted cap-weighted index"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"index": self.index, "divisor": self.divisor, "market_value": self.market_value})


def divisor_index(prices: pd.DataFrame, shares: pd.DataFrame, *, base_value: float = 100.0,
                  ref_prices: pd.DataFrame | None = None, tol: float = 1e-12) -> DivisorIndexResult:
    """Index of the constituents with a share count, divisor-adjusted for every event.

    Parameters
    ----------
    prices
        Dates × stocks closes.
    shares
        Dates × stocks share counts in force on each date; NaN (or 0) = not a constituent that day.
    base_value
        Index on the first date.
    ref_prices
        Optional dates × stocks prices at which an entering stock is valued on its entry day.
    """
    if not prices.index.equals(shares.index) or not prices.columns.equals(shares.columns):
        raise ValueError("prices and shares must have the same dates and stocks")
    p = prices.to_numpy(dtype=float)
    q = np.nan_to_num(shares.to_numpy(dtype=float), nan=0.0)
    ref = None if ref_prices is None else ref_prices.reindex_like(prices).to_numpy(dtype=float)
    if np.any(q < 0):
        raise ValueError("share counts must be non-negative")
    member = q > 0
    if np.any(member & ~np.isfinite(p)):
        t, j = np.argwhere(member & ~np.isfinite(p))[0]
        raise ValueError(f"constituent {prices.columns[j]} has no price on {prices.index[t]}")
    mv0 = float(np.sum(p[0, member[0]] * q[0, member[0]]))
    if mv0 <= 0:
        raise ValueError("no market value on the base date")
    d = mv0 / base_value
    idx, divs, mvs, adj = [base_value], [d], [mv0], []
    for t in range(1, len(p)):
        if not np.array_equal(q[t], q[t - 1]):
            # value both share sets at the previous close; an entering stock without one at its reference price
            px = p[t - 1].copy()
            entering = member[t] & ~np.isfinite(px)
            if entering.any():
                fill = np.full(len(px), np.nan) if ref is None else ref[t]
                if not np.all(np.isfinite(fill[entering])):
                    k = int(np.flatnonzero(entering & ~np.isfinite(fill))[0])
                    raise ValueError(f"{prices.columns[k]} enters on {prices.index[t]} without a previous close or a "
                                     "reference price")
                px[entering] = fill[entering]
            mv_old = float(np.sum(p[t - 1, member[t - 1]] * q[t - 1, member[t - 1]]))
            mv_new = float(np.sum(px[member[t]] * q[t, member[t]]))
            d_new = d * mv_new / mv_old
            if abs(d_new - d) > tol * d:
                adj.append({"date": prices.index[t], "mv_old": mv_old, "mv_new": mv_new, "divisor_old": d,
                            "divisor_new": d_new})
            d = d_new
        mv = float(np.sum(p[t, member[t]] * q[t, member[t]]))
        idx.append(mv / d)
        divs.append(d)
        mvs.append(mv)
    index = pd.Series(idx, index=prices.index, name="index")
    return DivisorIndexResult(index=index, divisor=pd.Series(divs, index=prices.index, name="divisor"),
                              market_value=pd.Series(mvs, index=prices.index, name="market_value"),
                              adjustments=pd.DataFrame(adj, columns=["date", "mv_old", "mv_new", "divisor_old",
                                                                     "divisor_new"]))


def chain_linked_index(caps: pd.DataFrame, *, base_value: float = 100.0, members: pd.DataFrame | None = None
                       ) -> pd.Series:
    """Cap-weighted index from market caps at a few dates, continuing stocks only between dates.

    ``index_{t+1} = index_t × Σ_{i∈C} cap_{i,t+1} / Σ_{i∈C} cap_{i,t}`` with ``C`` the stocks that
    have a cap at both dates (and are ``members`` at ``t`` when given). This is the divisor rule
    when the shares of every continuing stock are unchanged between the dates.
    """
    c = caps.to_numpy(dtype=float)
    ok_m = np.ones_like(c, dtype=bool) if members is None else members.reindex_like(caps).fillna(False).to_numpy(bool)
    out = [base_value]
    for t in range(len(c) - 1):
        both = np.isfinite(c[t]) & np.isfinite(c[t + 1]) & ok_m[t]
        if not both.any():
            raise ValueError(f"no stock with a cap at both {caps.index[t]} and {caps.index[t + 1]}")
        out.append(out[-1] * float(c[t + 1, both].sum() / c[t, both].sum()))
    return pd.Series(out, index=caps.index, name="chain_linked")
