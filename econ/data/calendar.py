"""Calendars and resampling: the one place that decides how a series moves between frequencies.

Target frequencies: ``D`` (a daily calendar), ``W`` (weeks ending Friday), ``M`` (month
end), ``Q`` (quarter end), ``H`` (half-year end: 30 June / 31 December), ``A`` (year end).
Each observation is labelled with the end of the period containing it; values in a period
reduce by the series' declared aggregation:

``last``     last valid observation (levels, balances, yields at period end)
``mean``     average (noisy daily rates: DR007, SHIBOR)
``sum``      total (flows); a period with no observation is missing, never 0
``compound`` compounded return, for returns in ``percent``/``percent per month`` or ``decimal``
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TARGET_FREQUENCIES = ("D", "W", "M", "Q", "H", "A")

#: Observation calendars of the catalog (``calendar`` column): the longest run of calendar days
#: between two consecutive observations that the calendar itself produces (weekends and
#: holidays), and what it is. A longer hole is missing data, and a change across it is not a
#: one-period change. Calibrated on the public vault (see ``econ.data.checks``): Spring
#: Festival closures with their weekends last up to 12 days since 2001 (e.g. 2006-01-25 to
#: 2006-02-06; 17-20 days in 1999-2000); Stock Connect closes when either market does
#: (northbound: 12); US markets and FRED series: 7 days after 9/11 (8 for FRED's H.10 rates).
CALENDARS: dict[str, tuple[int, str]] = {
    "CN": (12, "Shanghai/Shenzhen exchange trading days"),
    "CNIB": (12, "China interbank/ChinaBond business days (incl. weekend make-up days)"),
    "CNHK": (12, "Stock Connect days (both mainland and Hong Kong open)"),
    "US": (8, "US business days (NYSE / Federal Reserve H.10/H.15)"),
    "D7": (4, "every calendar day (FRED DFF carries weekends)"),
    "W": (10, "one observation a week"),
    "M": (35, "one observation a month (dated at month end)"),
    "Q": (95, "one observation a quarter (dated at quarter end)"),
}

#: Calendars without weekend days: an exchange series dated on a Saturday or Sunday comes from
#: a calendar-day export that filled the weekends forward (China's interbank market, in
#: contrast, opens on weekend make-up working days, and FRED's DFF carries every day).
WEEKDAY_CALENDARS = frozenset({"CN", "CNHK", "US"})

#: Closures longer than a calendar's bound that are part of the calendar: (last trading day
#: before, first trading day after). Until 2004 the Shanghai and Shenzhen exchanges closed for
#: two weeks or more at the Spring Festival; every CN series in the vault that covers those
#: years (SSE Composite, Shenwan small-cap, CUFE factors) has exactly these holes.
CALENDAR_CLOSURES: dict[str, tuple[tuple[str, str], ...]] = {
    "CN": (("1996-02-16", "1996-03-04"), ("1997-01-31", "1997-02-17"), ("1998-01-23", "1998-02-09"),
           ("1999-02-09", "1999-03-01"), ("2000-01-28", "2000-02-14"), ("2001-01-19", "2001-02-05"),
           ("2002-02-08", "2002-02-25"), ("2004-01-16", "2004-01-29")),
}
#: The clock each observation calendar is stamped on. A US close (16:00 New York) falls at 04:00
#: or 05:00 the next morning in Shanghai, after the Shanghai close (15:00) of the same calendar
#: date; a US value dated d is therefore first known in Shanghai on calendar day d + 1.
#: Calendars without an intraday stamp (``W``, ``M``, ``Q``) take the clock of their id's market
#: (``us.`` ids are US), see :func:`clock_of`.
CLOCKS: dict[str, str] = {"CN": "CN", "CNIB": "CN", "CNHK": "CN", "US": "US", "D7": "US"}

#: Calendar days a US-clock value moves forward to be dated on the Shanghai clock.
US_TO_CN_DAYS = 1


def clock_of(series_id: str, calendar: str) -> str:
    """``"US"`` or ``"CN"``: the market clock a series' dates are stamped on."""
    if calendar in CLOCKS:
        return CLOCKS[calendar]
    return "US" if series_id.startswith("us.") else "CN"


_ORDER = {"D": 0, "W": 1, "M": 2, "Q": 3, "H": 4, "A": 5}
_PERIOD = {"W": "W-FRI", "M": "M", "Q": "Q", "A": "Y"}


def coarser_or_equal(a: str, b: str) -> bool:
    """Whether frequency ``a`` is at least as coarse as ``b``."""
    return _ORDER[a] >= _ORDER[b]


def period_end_labels(index: pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex:
    """Label each date with the end (a date, no time) of its period at ``freq``."""
    if freq not in TARGET_FREQUENCIES or freq == "D":
        raise ValueError(f"freq must be one of {TARGET_FREQUENCIES[1:]}, got {freq!r}")
    if freq == "H":
        first_half = index.month <= 6
        years = index.year
        out = np.where(
            first_half,
            pd.to_datetime({"year": years, "month": 6, "day": 30}).to_numpy(),
            pd.to_datetime({"year": years, "month": 12, "day": 31}).to_numpy(),
        )
        return pd.DatetimeIndex(out, name="date")
    per = index.to_period(_PERIOD[freq])
    return pd.DatetimeIndex(per.to_timestamp(how="end").normalize(), name="date")


def _compound(values: pd.Series, unit: str) -> float:
    v = values.dropna()
    if v.empty:
        return np.nan
    if unit in ("percent", "percent per month"):
        return float((np.prod(1.0 + v.to_numpy() / 100.0) - 1.0) * 100.0)
    return float(np.prod(1.0 + v.to_numpy()) - 1.0)


def _compound_sorted(s: pd.Series, labels: pd.DatetimeIndex, unit: str) -> pd.Series:
    """:func:`_compound` of every period at once when the labels are sorted: each period is one
    contiguous run, multiplied by ``np.multiply.reduceat`` in the order ``np.prod`` uses (same
    floats; one call instead of a Python function per period)."""
    percent = unit in ("percent", "percent per month")
    x = s.to_numpy(dtype=float)
    growth = 1.0 + x / 100.0 if percent else 1.0 + x
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    prod = np.multiply.reduceat(growth, starts)
    return pd.Series((prod - 1.0) * 100.0 if percent else prod - 1.0, index=labels[starts])


def aggregate(series: pd.Series, freq: str, how: str, *, unit: str = "") -> pd.Series:
    """Reduce ``series`` to period-end labels at ``freq`` by ``how``.

    Parameters
    ----------
    series
        Values on a sorted ``DatetimeIndex``.
    freq
        Target frequency (``W``, ``M``, ``Q``, ``H``, ``A``).
    how
        ``last``, ``mean``, ``sum`` or ``compound``.
    unit
        Needed for ``compound`` (percent vs decimal returns).
    """
    s = series.dropna()
    labels = period_end_labels(s.index, freq)
    g = s.groupby(labels)
    if how == "last":
        out = g.last()
    elif how == "mean":
        out = g.mean()
    elif how == "sum":
        out = g.sum(min_count=1)
    elif how == "compound":
        out = _compound_sorted(s, labels, unit) if len(s) and labels.is_monotonic_increasing else None
        if out is None:
            out = g.apply(lambda v: _compound(v, unit))
    else:
        raise ValueError(f"unknown aggregation {how!r}")
    out.index.name = "date"
    out.name = series.name
    return out


def asof_align(series: pd.Series, calendar: pd.DatetimeIndex, *, tolerance_days: int | None) -> pd.Series:
    """Value of ``series`` known on each calendar date: the last observation on or before it.

    ``tolerance_days`` bounds how stale a carried value may be (``None`` = unbounded), so a
    series that stops (e.g. northbound flows after 2023) becomes missing rather than frozen.
    """
    s = series.dropna().sort_index()
    # pandas 3 mixes datetime resolutions (us by default, ns from Parquet); merge_asof needs one
    calendar = pd.DatetimeIndex(calendar).as_unit("ns")
    left = pd.DataFrame({"date": calendar})
    right = pd.DataFrame({"date": pd.DatetimeIndex(s.index).as_unit("ns"), "value": s.to_numpy()})
    tol = None if tolerance_days is None else pd.Timedelta(days=tolerance_days)
    merged = pd.merge_asof(left, right, on="date", direction="backward", tolerance=tol)
    return pd.Series(merged["value"].to_numpy(), index=pd.DatetimeIndex(calendar, name="date"), name=series.name)


def observation_gaps(index: pd.DatetimeIndex, max_days: int, calendar: str = "") -> pd.DataFrame:
    """Holes longer than ``max_days`` between consecutive dates of ``index``.

    A hole inside one of ``calendar``'s declared closures (:data:`CALENDAR_CLOSURES`) is
    part of the calendar, not a hole.

    Returns
    -------
    pandas.DataFrame
        One row per hole: ``last_before`` and ``first_after`` (the observations either side)
        and ``days`` (calendar days between them); empty when there is none.
    """
    idx, days, at = long_gaps(index, max_days, calendar)
    if idx is None:
        return pd.DataFrame({"last_before": pd.DatetimeIndex([]), "first_after": pd.DatetimeIndex([]),
                             "days": np.array([], dtype="int64")})
    return pd.DataFrame({"last_before": idx[:-1][at], "first_after": idx[1:][at], "days": days[at]})


def long_gaps(index: pd.DatetimeIndex, max_days: int,
              calendar: str = "") -> tuple[pd.DatetimeIndex | None, np.ndarray, np.ndarray]:
    """The arrays behind :func:`observation_gaps`: the sorted dates, the whole days between
    neighbours and the positions of the holes (``(None, ...)`` with fewer than two dates).

    Panels ask this of every column and most have no hole, so the frame is built only when needed.
    """
    idx = pd.DatetimeIndex(index)
    if not idx.is_monotonic_increasing:
        idx = idx.sort_values()
    if len(idx) < 2:
        return None, np.array([], dtype="int64"), np.array([], dtype="int64")
    # floored whole days, as Timedelta.days, from the integer stamps
    days = np.diff(idx.to_numpy()) // np.timedelta64(1, "D")
    long = days > max_days
    if long.any():
        for before, after in CALENDAR_CLOSURES.get(calendar, ()):
            long &= ~((idx[:-1] >= pd.Timestamp(before)) & (idx[1:] <= pd.Timestamp(after)))
    return idx, days, np.flatnonzero(long)
