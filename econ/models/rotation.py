"""Two-factor rotation signals from month-on-month changes, with a tie-break and a cash state.

A rotation rule of the kind market reports describe ("each factor signals from the m/m
changes of the previous first and second months; when the two conflict a third series breaks
the tie; no signal → cash"), written once so that every reading of such a rule is the same
code with different inputs.

For a factor series ``x`` observed at period ends, at the close of period ``t``:

* ``mm1 = x_t - x_{t-1}`` (the latest period's change) and ``mm2 = x_{t-1} - x_{t-2}``;
* the factor *fires* when its changes point the favourable way (``favourable = +1`` for a
  rise, ``-1`` for a fall), combined by ``combine``:
  ``"both"`` — both ``mm1`` and ``mm2`` strictly favourable;
  ``"sum"`` — ``mm1 + mm2`` strictly favourable (the two-period change);
* factor A firing alone selects ``asset_a``, factor B alone ``asset_b``; both firing is a
  conflict, resolved by the tie-break series' change: ``tie_combine="last"`` uses the latest
  period's change ``tie_mm1``, ``"sum"`` the last two periods' change ``tie_mm1 + tie_mm2``;
  below zero selects ``tie_below``, otherwise ``tie_else``; neither firing selects ``cash``.

The signal is stamped at ``t`` and known at its close; :func:`econ.models.backtest.run_backtest`
then holds it over ``t + lag``.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["COMBINES", "TIE_COMBINES", "factor_fires", "two_factor_signals"]

COMBINES = ("both", "sum")
TIE_COMBINES = ("last", "sum")


def factor_fires(x: pd.Series, favourable: int, combine: str) -> pd.Series:
    """Boolean series: does the factor fire at each period end (NaN-safe: False when unknown)?"""
    if favourable not in (-1, 1):
        raise ValueError("favourable must be +1 or -1")
    if combine not in COMBINES:
        raise ValueError(f"combine must be one of {COMBINES}")
    d = x.diff()
    mm1, mm2 = d * favourable, d.shift(1) * favourable
    fires = (mm1 > 0) & (mm2 > 0) if combine == "both" else (mm1 + mm2) > 0
    return fires & mm1.notna() & mm2.notna()


def two_factor_signals(a: pd.Series, a_favourable: int, b: pd.Series, b_favourable: int, tie: pd.Series, *,
                       combine: str, asset_a: str, asset_b: str, tie_below: str, tie_else: str,
                       tie_combine: str = "last", cash: str = "cash") -> pd.Series:
    """Labels (an asset or ``cash``) per period end; see the module docstring.

    ``a``, ``b`` and ``tie`` must share one period-end index (e.g. month ends).
    """
    if not (a.index.equals(b.index) and a.index.equals(tie.index)):
        raise ValueError("the factor and tie-break series must share one index")
    fa, fb = factor_fires(a, a_favourable, combine), factor_fires(b, b_favourable, combine)
    if tie_combine not in TIE_COMBINES:
        raise ValueError(f"tie_combine must be one of {TIE_COMBINES}")
    tie_down = (tie.diff() if tie_combine == "last" else tie.diff(2)) < 0
    out = pd.Series(cash, index=a.index, dtype=object)
    out[fa & ~fb] = asset_a
    out[fb & ~fa] = asset_b
    both = fa & fb
    out[both & tie_down] = tie_below
    out[both & ~tie_down] = tie_else
    return out.rename("signal")
