"""Bottom-N size portfolios from a panel of market caps, by weighting and rebalancing frequency.

Input: a wide frame ``caps`` (rows = period ends, columns = stocks) of market caps, NaN where a
stock has no value (not listed, delisted, or missing). A stock's return over a period is its
cap ratio ``cap[t+1] / cap[t] − 1`` (which is a price return only when its share count did not
change; a study must state this).

Every ``every`` periods (formation dates ``t0, t0 + every, …``) the portfolio selects the
``n`` smallest stocks among those ``eligible`` at the formation date. Between formations:

* ``weight="equal"``: weights are equal at formation and **drift** with returns (buy and hold)
  until the next formation; with ``every=1`` this is an equal-weight portfolio rebalanced each
  period;
* ``weight="cap"``: weights proportional to cap at formation, drifting (= cap weighted).

A stock that has no cap at ``t+1`` (delisted, suspended, dropped from the panel) leaves the
portfolio at ``t`` with return 0 on its weight that period (its value is held in cash until the
next formation); the number of such exits is reported so a study can state the bias.

Turnover at a formation is ``Σ |w_new − w_drifted| / 2`` (one-way): the fraction of the portfolio
traded; a study multiplies it by a stated cost per unit traded.

Own code: weights and arithmetic, no library needed.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np
import pandas as pd

from econ.models.base import Result

__all__ = ["PortfolioResult", "bottom_n_portfolio"]


@dataclasses.dataclass(repr=False)
class PortfolioResult(Result):
    """Per-period returns of a bottom-N portfolio with its turnover and exits."""

    returns: pd.Series  # indexed by the period end at which the return is realised
    turnover: pd.Series  # one-way turnover at each formation date
    exits: pd.Series  # weight lost to stocks without a next-period cap, by period
    n: int
    every: int
    weight: str
    title = "Bottom-N portfolio"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"return": self.returns, "exits": self.exits})


def bottom_n_portfolio(caps: pd.DataFrame, n: int, *, every: int = 1, weight: Literal["equal", "cap"] = "equal",
                       eligible: pd.DataFrame | None = None, start: int = 0) -> PortfolioResult:
    """Returns of the ``n`` smallest eligible stocks re-formed every ``every`` periods (module doc).

    Parameters
    ----------
    caps
        Period ends × stocks, positive market caps, NaN = no value.
    n
        Number of stocks held.
    every
        Periods between formations (1 = each period).
    weight
        ``"equal"`` or ``"cap"`` weights at formation, drifting in between.
    eligible
        Optional boolean frame (same shape): stocks allowed at a formation date.
    start
        Position of the first formation date.
    """
    if n < 1 or every < 1:
        raise ValueError("n and every must be positive")
    if weight not in ("equal", "cap"):
        raise ValueError("weight must be 'equal' or 'cap'")
    c = caps.to_numpy(dtype=float)
    if np.any(c[np.isfinite(c)] <= 0):
        raise ValueError("market caps must be positive")
    elig = np.isfinite(c) if eligible is None else (eligible.to_numpy(dtype=bool) & np.isfinite(c))
    t_n = len(caps)
    rets, exits, turns, turn_dates = [], [], [], []
    w = np.zeros(c.shape[1])  # current (drifted) weights, fraction of portfolio value
    cash = 0.0
    for t in range(start, t_n - 1):
        if (t - start) % every == 0:
            cand = np.flatnonzero(elig[t])
            if len(cand) < n:
                raise ValueError(f"only {len(cand)} eligible stocks at {caps.index[t]}, fewer than n = {n}")
            pick = cand[np.argsort(c[t, cand], kind="stable")[:n]]
            new = np.zeros_like(w)
            new[pick] = 1.0 / n if weight == "equal" else c[t, pick] / c[t, pick].sum()
            turns.append(float((np.abs(new - w).sum() + cash) / 2.0) if t > start else 1.0)
            turn_dates.append(caps.index[t])
            w, cash = new, 0.0
        held = np.flatnonzero(w > 0)
        nxt = c[t + 1, held]
        ok = np.isfinite(nxt)
        gross = np.zeros(len(held))
        gross[ok] = nxt[ok] / c[t, held[ok]]
        lost = float(w[held[~ok]].sum())
        value = float(w[held] @ np.where(ok, gross, 1.0)) + cash  # exits held at their last value as cash
        rets.append(value - 1.0)
        exits.append(lost)
        w_new = np.zeros_like(w)
        w_new[held[ok]] = w[held[ok]] * gross[ok] / value
        cash = (cash + lost) / value
        w = w_new
    idx = caps.index[start + 1:]
    return PortfolioResult(returns=pd.Series(rets, index=idx, name=f"bottom{n}_{weight}_every{every}"),
                           turnover=pd.Series(turns, index=pd.Index(turn_dates)),
                           exits=pd.Series(exits, index=idx), n=n, every=every, weight=weight)
