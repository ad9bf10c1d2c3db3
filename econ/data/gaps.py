"""Holes in a series: found against its calendar, refused or masked, never a one-period change.

A series observed on a calendar (``calendar`` in the catalog, :data:`econ.data.calendar.CALENDARS`)
has gaps its calendar explains: weekends and holidays, at most 12 days on the Chinese
exchange calendar. A longer hole is missing data: an empty run of cells, a lost half-year.
Aligned onto a weekly or monthly panel and differenced, the change across it would enter a
regression as one period's return. :func:`econ.data.panel.build_panel` therefore finds the
holes inside the panel's window (:func:`panel_gaps`) and, per the study's declaration
(``on_gap``):

``"raise"`` (default)
    :class:`~econ.data.errors.SeriesGapError` naming the series, the hole's dates and length.
``"mask"``
    blanks the column on panel rows inside the hole and records the hole in the panel's
    ``attrs["gaps"]`` and the number of masked changes per column in ``attrs["masked"]``;
    the study takes changes with :func:`mask_gap_changes`, which blanks every change whose
    two ends straddle a hole, however the study later drops rows.

A hole declared real in an accept list (``check=gap``, :mod:`econ.data.checks`) passes in
either mode and is recorded with status ``accepted``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from econ.data.calendar import CALENDARS, long_gaps, observation_gaps, period_end_labels

#: Longest normal gap for a series whose catalog entry names no calendar, by native frequency.
DEFAULT_GAP_DAYS = {"D": 12, "W": 10, "M": 35, "Q": 95}
_PERIOD_DAYS = {"D": 1, "W": 7, "M": 31, "Q": 92, "H": 184, "A": 366}


def gap_bound(calendar: str, frequency: str, override: int | Mapping[str, int] | None = None,
              column: str = "") -> int:
    """Longest gap in days a series may have: the study's override, else its calendar's."""
    if isinstance(override, Mapping):
        override = override.get(column)
    if override is not None:
        return int(override)
    if calendar in CALENDARS:
        return CALENDARS[calendar][0]
    return DEFAULT_GAP_DAYS.get(frequency, 12)


def _label(dates: pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(dates) if freq == "D" else period_end_labels(pd.DatetimeIndex(dates), freq)


@functools.cache
def _no_holes(dtype: np.dtype, freq: str) -> pd.DataFrame:
    """What :func:`panel_gaps` returns when a series has no hole (columns and dtypes included)."""
    empty = pd.DataFrame({"last_before": pd.DatetimeIndex([], dtype=dtype),
                          "first_after": pd.DatetimeIndex([], dtype=dtype), "days": np.array([], dtype="int64")})
    empty["label_before"] = _label(pd.DatetimeIndex(empty["last_before"]), freq)
    empty["label_after"] = _label(pd.DatetimeIndex(empty["first_after"]), freq)
    return empty.copy()  # consolidated once here, so the callers' copies are cheap


def panel_gaps(dates: pd.DatetimeIndex, *, bound: int, freq: str, window: tuple[pd.Timestamp, pd.Timestamp],
               calendar: str = "") -> pd.DataFrame:
    """Holes longer than ``bound`` days whose change would enter a panel covering ``window``.

    Parameters
    ----------
    dates
        The series' observation dates (as dated in the panel, i.e. after release lags).
    bound
        Longest normal gap in calendar days.
    freq
        The panel's frequency (rows are dates for ``D``, period ends otherwise).
    window
        First and last row of the panel.
    calendar
        The series' calendar, whose declared long closures are not holes.

    Returns
    -------
    pandas.DataFrame
        ``last_before``, ``first_after``, ``days`` and the panel labels ``label_before`` /
        ``label_after`` of the two observations.
    """
    idx, _, at = long_gaps(dates, bound, calendar)
    if idx is not None and not at.size:  # the usual case, without building and relabelling frames
        return _no_holes(idx.dtype, freq).copy()
    gaps = observation_gaps(dates, bound, calendar)
    lo = window[0] - pd.Timedelta(days=_PERIOD_DAYS[freq])
    gaps = gaps[(gaps["last_before"] >= lo) & (gaps["first_after"] <= window[1])].reset_index(drop=True)
    gaps["label_before"] = _label(pd.DatetimeIndex(gaps["last_before"]), freq)
    gaps["label_after"] = _label(pd.DatetimeIndex(gaps["first_after"]), freq)
    return gaps


def straddles(index: pd.DatetimeIndex, label_after: pd.Timestamp) -> np.ndarray:
    """Rows of ``index`` whose change from the previous row crosses into ``label_after``."""
    idx = pd.DatetimeIndex(index).as_unit("ns")  # asi8 counts in the index's own unit
    if len(idx) < 2:
        return np.zeros(len(idx), dtype=bool)
    at = pd.Timestamp(label_after).as_unit("ns").value
    prev = np.concatenate([[np.iinfo("int64").max], idx.asi8[:-1]])
    return (prev < at) & (idx.asi8 >= at)


def mask_gap_changes(changes: pd.Series | pd.DataFrame, panel: pd.DataFrame,
                     columns: list[str] | None = None) -> pd.Series | pd.DataFrame:
    """Blank every change in ``changes`` that spans a masked hole of ``panel``'s ``columns``.

    Parameters
    ----------
    changes
        Period-to-period changes (differences, returns) computed on rows of ``panel``, in the
        order the study differenced them (rows it dropped are simply absent).
    panel
        The panel from :func:`econ.data.panel.build_panel` with ``on_gap="mask"``.
    columns
        Panel columns whose holes matter (default: all).

    Returns
    -------
    Same type as ``changes``, with NaN where a change crosses a hole.
    """
    out = changes.copy()
    gaps = [g for g in panel.attrs.get("gaps", []) if g["status"] == "masked"
            and (columns is None or g["column"] in columns)]
    if not gaps:
        return out
    mask = np.zeros(len(out), dtype=bool)
    for g in gaps:
        mask |= straddles(out.index, pd.Timestamp(g["label_after"]))
    if isinstance(out, pd.DataFrame):
        out.loc[mask, :] = np.nan
    else:
        out[mask] = np.nan
    return out


def gap_record(column: str, series_id: str, row: Any, bound: int, status: str) -> dict[str, Any]:
    """A plain-data description of one hole, for ``panel.attrs["gaps"]``."""
    return {"column": column, "series": series_id, "last_before": pd.Timestamp(row.last_before),
            "first_after": pd.Timestamp(row.first_after), "days": int(row.days), "bound": bound,
            "label_before": pd.Timestamp(row.label_before), "label_after": pd.Timestamp(row.label_after),
            "status": status}
