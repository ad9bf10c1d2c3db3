"""What frequency a series' dates actually have, and the check against what it should be.

A monthly export imported under a daily id (or the reverse) would be aggregated by the
panel builder as if it were something else; the check makes that an error naming both
frequencies. The frequency is read from the median gap between consecutive dates, which
holidays, early-history gaps and the odd missing month do not move.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from econ.data.errors import FrequencyMismatchError

NAMES = {"D": "daily", "W": "weekly", "M": "monthly", "Q": "quarterly", "Y": "annual"}
# median gap in calendar days -> frequency
_BANDS = (("D", 0.5, 4.5), ("W", 5.5, 10.5), ("M", 26.0, 35.0), ("Q", 80.0, 100.0), ("Y", 350.0, 380.0))


def infer_frequency(index: pd.DatetimeIndex) -> str | None:
    """D, W, M, Q or Y from the median gap between dates; ``None`` if too few or irregular."""
    if len(index) < 3:
        return None
    gaps = np.diff(np.sort(index.asi8)) / 86_400e9
    med = float(np.median(gaps))
    for code, lo, hi in _BANDS:
        if lo <= med <= hi:
            return code
    return None


def frequency_problem(series_id: str, index: pd.DatetimeIndex, expected: str, *, where: str) -> str | None:
    """What is wrong when the dates are clearly not ``expected`` (D/W/M/Q); ``None`` if nothing."""
    got = infer_frequency(index)
    if got is None or got == expected:
        return None
    return (
        f"{where}: the dates are {NAMES[got]} (median gap {_median_days(index):.0f} days) but "
        f"'{series_id}' is a {NAMES.get(expected, expected)} series. Export it at "
        f"{NAMES.get(expected, expected)} frequency, or import it under an id of its own "
        "(`econ data import NEW.ID FILE --frequency ... --agg ...`)."
    )


def check_frequency(series_id: str, index: pd.DatetimeIndex, expected: str, *, where: str) -> None:
    """Raise :class:`FrequencyMismatchError` when the dates are clearly not ``expected``."""
    problem = frequency_problem(series_id, index, expected, where=where)
    if problem:
        raise FrequencyMismatchError(problem)


def _median_days(index: pd.DatetimeIndex) -> float:
    return float(np.median(np.diff(np.sort(index.asi8)) / 86_400e9))
