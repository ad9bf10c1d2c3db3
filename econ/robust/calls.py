"""Dated calls scored after publication against the base rate of the same move.

A *call* is a dated statement about a series over a horizon ("small caps keep winning for a
year from 2024-04-12", "CSI 300 will not fall below 3688"). It is scored on the data after
its publication date and compared with every earlier window of the same length that ended
before publication (month-end starts, overlapping windows): how often did a move at least as
favourable to the call happen anyway?

* :func:`score_move` — the change of the series over the horizon; ``right`` when it has the
  called sign; ``pvalue`` = ``(1 + #{earlier windows with direction * move >= direction *
  realised}) / (1 + #windows)``, the share of earlier windows at least as favourable to the
  call (the ``+1`` counts the realised window itself, so the p-value is never zero);
  ``base_rate`` = share of earlier windows that moved the called way.
* :func:`score_floor` — a floor ``F`` set when the series stood at ``P0``: ``right`` when
  the minimum over the horizon stays at or above ``F``; the comparison windows carry the
  same floor relative to their own start (``F / P0``), and the ``pvalue`` is the share of
  earlier windows whose worst log drawdown was no deeper than the realised one.
* :func:`rank_pvalue` — where a value sits in its own history: the percentile ``q`` and the
  two-sided rank p-value ``min(1, 2 min(q, 1 - q))`` (a uniform rank under the null that the
  value is an ordinary draw from its history; overlapping and persistent observations make
  it a descriptive benchmark, not an exact test).

Overlapping windows are strongly dependent: the p-values are descriptive base rates, the
benchmark the verdict policy asks for, not sampling-theory tests.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

__all__ = ["CallScore", "earlier_windows", "rank_pvalue", "score_floor", "score_move"]


@dataclasses.dataclass(frozen=True)
class CallScore:
    """A scored call.

    Attributes
    ----------
    start, end
        First and last observation of the scored window (``end`` is the last observation on
        or before publication + horizon, or the last one there is if the horizon is open).
    complete
        Whether the data reach the end of the horizon.
    move
        The realised statistic (a change for :func:`score_move`, the worst log drawdown
        relative to the floor for :func:`score_floor`), in the series' units.
    right
        Whether the call came true.
    pvalue
        Share of earlier windows at least as favourable to the call (see the module docstring).
    base_rate
        Share of earlier windows in which the called outcome happened.
    windows
        Number of earlier windows.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    complete: bool
    move: float
    right: bool
    pvalue: float
    base_rate: float
    windows: int

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def _start(s: pd.Series, published: pd.Timestamp) -> tuple[pd.Timestamp, float]:
    before = s.loc[:published]
    if before.empty:
        raise ValueError(f"no observation on or before {published.date()}")
    return before.index[-1], float(before.iloc[-1])


def earlier_windows(series: pd.Series, published: str | pd.Timestamp, months: int, *,
                    history_start: str | pd.Timestamp | None = None) -> list[pd.Series]:
    """Every earlier window of ``months`` months that ended on or before publication.

    Windows start at each month-end observation (the last observation of the month) of the
    history and run to the last observation on or before start + ``months``.
    """
    s = series.dropna().sort_index()
    pub = pd.Timestamp(published)
    hist = s.loc[pd.Timestamp(history_start):] if history_start is not None else s
    hist = hist.loc[:pub]
    if hist.empty:
        return []
    starts = hist.groupby(hist.index.to_period("M")).tail(1).index
    out = []
    for d in starts:
        end = d + pd.DateOffset(months=int(months))
        if end > pub:
            break
        out.append(hist.loc[d:end])
    return out


def window_moves(series: pd.Series, published: str | pd.Timestamp, months: int, *,
                 history_start: str | pd.Timestamp | None = None) -> np.ndarray:
    """Last minus first value of every window of :func:`earlier_windows`, the same floats.

    The window ends are found by binary search on the index instead of slicing a Series per
    window (the windows of a daily history number in the hundreds, and callers score many).
    """
    s = series.dropna().sort_index()
    pub = pd.Timestamp(published)
    hist = s.loc[pd.Timestamp(history_start):] if history_start is not None else s
    hist = hist.loc[:pub]
    if hist.empty:
        return np.array([])
    starts = hist.groupby(hist.index.to_period("M")).tail(1).index
    idx, values = hist.index, hist.to_numpy()
    out = []
    for d in starts:
        end = d + pd.DateOffset(months=int(months))
        if end > pub:
            break
        first, last = idx.searchsorted(d, side="left"), idx.searchsorted(end, side="right") - 1
        out.append(float(values[last] - values[first]))
    return np.array(out)


def _tail_p(past: np.ndarray, realised: float, direction: int) -> float:
    if len(past) == 0:
        return math.nan
    return float((1 + np.sum(direction * past >= direction * realised - 1e-12)) / (1 + len(past)))


def score_move(series: pd.Series, published: str | pd.Timestamp, direction: int, months: int, *,
               history_start: str | pd.Timestamp | None = None) -> CallScore:
    """Score a call that ``series`` moves in ``direction`` (+1 up, -1 down) over ``months``.

    Parameters
    ----------
    series
        Observations (e.g. ``100 log(small / large)``); the move is the difference of its
        values, so pass logs for relative moves.
    published
        Publication date: the window starts at the last observation on or before it.
    direction
        +1 or -1.
    months
        Horizon in calendar months.
    history_start
        First date of the history that supplies the earlier windows.
    """
    if direction not in (-1, 1):
        raise ValueError("direction must be +1 or -1")
    s = series.dropna().sort_index()
    pub = pd.Timestamp(published)
    start, v0 = _start(s, pub)
    target = pub + pd.DateOffset(months=int(months))
    upto = s.loc[:target]
    move = float(upto.iloc[-1] - v0)
    past = window_moves(s, pub, months, history_start=history_start)
    base = float(np.mean(np.sign(past) == direction)) if len(past) else math.nan
    return CallScore(start=start, end=upto.index[-1], complete=bool(s.index[-1] >= target), move=move,
                     right=bool(np.sign(move) == direction), pvalue=_tail_p(past, move, direction),
                     base_rate=base, windows=len(past))


def score_floor(series: pd.Series, published: str | pd.Timestamp, floor: float, months: int, *,
                history_start: str | pd.Timestamp | None = None) -> CallScore:
    """Score a call that ``series`` (a price level) stays at or above ``floor`` for ``months``.

    The realised ``move`` is ``log(min / floor)`` over the window after publication (>= 0
    when the floor held). An earlier window starting at ``P`` is held to the floor
    ``P * floor / P0``, with ``P0`` the level at publication; its statistic is
    ``log(min / P) - log(floor / P0)``.
    """
    s = series.dropna().sort_index()
    if (s <= 0).any() or floor <= 0:
        raise ValueError("score_floor needs a positive price level and floor")
    pub = pd.Timestamp(published)
    start, p0 = _start(s, pub)
    target = pub + pd.DateOffset(months=int(months))
    window = s.loc[start:target].iloc[1:]
    if window.empty:
        raise ValueError(f"no observation after {pub.date()}")
    rel = math.log(floor / p0)
    move = float(math.log(window.min() / floor))
    past = np.array([float(math.log(w.iloc[1:].min() / w.iloc[0]) - rel)
                     for w in earlier_windows(s, pub, months, history_start=history_start) if len(w) > 1])
    base = float(np.mean(past >= 0)) if len(past) else math.nan
    return CallScore(start=start, end=window.index[-1], complete=bool(s.index[-1] >= target), move=move,
                     right=bool(move >= 0), pvalue=_tail_p(past, move, +1), base_rate=base, windows=len(past))


def rank_pvalue(history: pd.Series | np.ndarray, value: float) -> tuple[float, float]:
    """Percentile of ``value`` in ``history`` (share <= value, in [0, 1]) and its two-sided rank p."""
    h = np.asarray(history, dtype=float)
    h = h[~np.isnan(h)]
    if len(h) == 0:
        raise ValueError("empty history")
    q = float((np.sum(h <= value) + 0.5) / (len(h) + 1))
    return q, float(min(1.0, 2 * min(q, 1 - q)))
