"""Intervals the catalog declares for values: ``[0;1]``, ``(0;inf)``, ``[-30;30]``.

Square brackets include the end point, round ones exclude it, ``inf``/``-inf`` leave a side
open. A semicolon separates the ends so the catalog CSV needs no quoting. ``(0;inf)`` is how
the catalog says *strictly positive* (index levels, P/E, balances); ``[0;inf)`` allows zero.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np

_PATTERN = re.compile(r"^\s*([\[(])\s*([^;\s]+)\s*;\s*([^;\s]+)\s*([\])])\s*$")


@dataclasses.dataclass(frozen=True)
class Interval:
    """A closed, open or half-open interval of the real line.

    Attributes
    ----------
    lo, hi
        End points (``-inf``/``inf`` for an unbounded side).
    lo_closed, hi_closed
        Whether each end point belongs to the interval.
    """

    lo: float
    hi: float
    lo_closed: bool = True
    hi_closed: bool = True

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Parse ``[a;b]``, ``(a;b)``, ``[a;b)`` or ``(a;b]``; raise ``ValueError`` otherwise."""
        m = _PATTERN.match(text)
        if not m:
            raise ValueError(f"bad interval {text!r}; write e.g. [0;1], (0;inf) or [-30;30]")
        lo, hi = float(m.group(2)), float(m.group(3))
        if not lo <= hi:
            raise ValueError(f"bad interval {text!r}: lower end above upper end")
        return cls(lo, hi, m.group(1) == "[" and math.isfinite(lo), m.group(4) == "]" and math.isfinite(hi))

    def contains(self, values: np.ndarray) -> np.ndarray:
        """Element-wise membership (NaN is never inside)."""
        v = np.asarray(values, dtype="float64")
        above = v >= self.lo if self.lo_closed else v > self.lo
        below = v <= self.hi if self.hi_closed else v < self.hi
        return above & below

    def __str__(self) -> str:
        def end(x: float) -> str:
            return "inf" if x == math.inf else "-inf" if x == -math.inf else f"{x:g}"

        return f"{'[' if self.lo_closed else '('}{end(self.lo)};{end(self.hi)}{']' if self.hi_closed else ')'}"
