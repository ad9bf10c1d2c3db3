"""The panel builder: series on one calendar and frequency, release lags applied, units attached.

>>> panel = build_panel(loader, {"csi300": "cn.index.csi300.close", "us10y": "us.rate.ust10y"},
...                     freq="W", start="2014-01-01")            # doctest: +SKIP
>>> panel.attrs["units"]                                          # doctest: +SKIP
{'csi300': 'index points', 'us10y': 'percent'}

Steps for each series:

1. **Release lag** (``release_lags=True``, the default): a value for a reference period is
   re-dated to period end + the catalog's ``release_lag_days``, the first day it was public.
   A monthly M2 figure for January is then usable from mid-February, not from 31 January.
2. **Clock** (``clock="auto"``, the default): a panel that mixes China-clock and US-clock series
   is read on the Shanghai clock (unless it is a daily panel on a US calendar), so each US
   value is re-dated to the next calendar day (:data:`econ.data.calendar.US_TO_CN_DAYS`): a
   Friday US 10Y close comes after the Friday Shanghai close and belongs to the next week; a
   Shanghai week or day sees the last US close before its own close.
3. **Frequency**: at a coarser target than the series' own, values reduce within each
   period by the catalog's aggregation (levels ``last``, flows ``sum``, noisy rates ``mean``);
   override per column with ``agg``. A series coarser than the target is carried forward
   as of each target date.
4. **Calendar** (daily panels): the trading days of ``calendar`` (default: the first
   series); other series are aligned as of each date, carried at most ``max_stale_days``.
5. **Coverage and holes**: a series with no observation in the requested window is an
   error naming it and the window (:class:`~econ.data.errors.SeriesCoverageError`); a hole
   longer than the series' calendar allows (catalog ``calendar``; a study may set
   ``max_gap_days``) inside the panel is refused (:class:`~econ.data.errors.SeriesGapError`)
   or, where the study declares ``on_gap="mask"``, masked (:mod:`econ.data.gaps`), so a
   multi-week hole never becomes one period's change.

The returned ``DataFrame`` has ``attrs``: ``units`` (column → unit), ``ids`` (column →
series id), ``freq``, ``synthetic`` (True if any input is synthetic) and ``provenance``
(column → provider/source/sha256 record), ``gaps`` (holes inside the panel that were
accepted or masked) and ``masked`` (column → number of changes masked).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from econ.data.calendar import (
    TARGET_FREQUENCIES,
    US_TO_CN_DAYS,
    aggregate,
    asof_align,
    clock_of,
    coarser_or_equal,
    period_end_labels,
)
from econ.data.errors import InsufficientDataError, SeriesCoverageError, SeriesGapError
from econ.data.gaps import gap_bound, gap_record, panel_gaps, straddles
from econ.data.loader import DataLoader

_NATIVE_TO_TARGET = {"D": "D", "W": "W", "M": "M", "Q": "Q"}


def _release_dated(s: pd.Series, native: str, lag_days: int) -> pd.Series:
    if lag_days <= 0:
        return s
    if native in ("D", "W"):
        # daily and weekly values are dated by their observation day (WALCL: the Wednesday level,
        # published Thursday); monthly/quarterly values by their period end
        idx = s.index + pd.Timedelta(days=lag_days)
    else:
        idx = period_end_labels(s.index, native) + pd.Timedelta(days=lag_days)
    return pd.Series(s.to_numpy(), index=pd.DatetimeIndex(idx, name="date"), name=s.name)


_PERIOD_DAYS = {"D": 0, "W": 7, "M": 31, "Q": 92}


def _carry_days(native: str, max_stale_days: int | None) -> int | None:
    """How long a coarse value may be carried: its own period plus the staleness bound."""
    return None if max_stale_days is None else _PERIOD_DAYS[native] + max_stale_days


def _onto_calendar(s: pd.Series, cal: pd.DatetimeIndex, how: str, max_stale_days: int | None) -> pd.Series:
    """Daily alignment. Flows and returns belong to their own day: never carried forward."""
    if how in ("sum", "compound"):
        return s.reindex(cal)
    return asof_align(s, cal, tolerance_days=max_stale_days)


def build_panel(
    loader: DataLoader,
    series: Sequence[str] | Mapping[str, str],
    *,
    freq: str = "D",
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    agg: Mapping[str, str] | None = None,
    release_lags: bool = True,
    calendar: str | None = None,
    max_stale_days: int | None = 10,
    dropna: str | None = None,
    min_rows: int = 1,
    on_gap: str = "raise",
    max_gap_days: int | Mapping[str, int] | None = None,
    clock: str = "auto",
) -> pd.DataFrame:
    """Build an aligned panel.

    Parameters
    ----------
    loader
        Serves the series.
    series
        Series ids, or a mapping column name → series id.
    freq
        ``D``, ``W``, ``M``, ``Q``, ``H`` (half-year) or ``A``.
    start, end
        Inclusive date bounds applied after alignment.
    agg
        Column → aggregation override (``last``, ``mean``, ``sum``, ``compound``).
    release_lags
        Re-date values to when they became public (see module docstring).
    calendar
        For ``freq="D"``: a column name whose dates form the calendar, ``"union"`` or
        ``"inner"``. Default: the first column.
    max_stale_days
        Longest a value may be carried forward onto a later date (daily alignment and
        up-sampling); ``None`` for no bound.
    dropna
        ``"any"`` to keep rows with every column present, ``"all"`` to drop empty rows.
    min_rows
        Raise :class:`InsufficientDataError` when fewer rows remain.
    on_gap
        A hole in a series longer than its calendar allows, inside the panel: ``"raise"``
        (:class:`SeriesGapError`) or ``"mask"`` (blank the column inside the hole, record it in
        ``attrs["gaps"]``/``attrs["masked"]``; take changes with
        :func:`econ.data.gaps.mask_gap_changes`). Holes declared in an accept list pass.
    max_gap_days
        The longest gap (calendar days) to allow instead of the calendar's, for all columns
        or per column.
    clock
        ``"auto"``: a panel mixing China- and US-clock series is read on the Shanghai clock
        (a daily panel on a US-clock calendar column stays on the US clock); ``"CN"``: always
        the Shanghai clock; ``"native"``: every series keeps its own dates (the pre-alignment
        design, for robustness rows that show what the alignment changes).

    Raises
    ------
    SeriesCoverageError
        A series has no observation between ``start`` and ``end``.
    SeriesGapError
        A series has an undeclared hole inside the panel (``on_gap="raise"``).
    """
    if freq not in TARGET_FREQUENCIES:
        raise ValueError(f"freq must be one of {TARGET_FREQUENCIES}, got {freq!r}")
    if on_gap not in ("raise", "mask"):
        raise ValueError(f"on_gap must be 'raise' or 'mask', got {on_gap!r}")
    mapping = dict(series) if isinstance(series, Mapping) else {s: s for s in series}
    if not mapping:
        raise ValueError("no series requested")
    agg = dict(agg or {})
    shift = _us_shift(loader, mapping, clock, freq, calendar)
    unknown = set(agg) - set(mapping)
    if unknown:
        raise ValueError(f"agg names columns not in the panel: {sorted(unknown)}")

    prepared: dict[str, pd.Series] = {}
    units: dict[str, str] = {}
    provenance: dict[str, dict] = {}
    synthetic = False
    coarse: set[str] = set()  # columns coarser than the target frequency (carried forward)
    observed: dict[str, pd.DatetimeIndex] = {}  # observation dates as dated in the panel
    for col, sid in mapping.items():
        spec = loader.spec(sid)
        fetched = loader.fetch(sid)
        s = fetched.series.rename(col)
        if release_lags:
            s = _release_dated(s, spec.frequency, spec.release_lag_days)
        if col in shift:
            s = pd.Series(s.to_numpy(), index=pd.DatetimeIndex(s.index + pd.Timedelta(days=US_TO_CN_DAYS), name="date"),
                          name=s.name)
        observed[col] = s.dropna().index
        _check_coverage(col, sid, fetched.source, observed[col], spec.frequency, start, end)
        how = agg.get(col, spec.agg)
        native = _NATIVE_TO_TARGET[spec.frequency]
        upsampled = freq != "D" and not coarser_or_equal(freq, native)
        if freq != "D" and not upsampled:
            s = aggregate(s, freq, how, unit=spec.unit)
        if upsampled:
            coarse.add(col)
        prepared[col] = s
        units[col] = spec.unit
        synthetic = synthetic or fetched.synthetic
        provenance[col] = {
            "id": sid, "provider": fetched.provider, "source": fetched.source,
            "source_sha256": fetched.source_sha256, "agg": "asof" if freq == "D" or col in coarse else how,
            "release_lag_days": spec.release_lag_days if release_lags else 0,
            "clock_shift_days": US_TO_CN_DAYS if col in shift else 0,
        }

    cols = list(mapping)
    if freq == "D":
        if calendar in (None, *cols):
            cal = prepared[calendar or cols[0]].dropna().index
        elif calendar == "union":
            cal = pd.DatetimeIndex(sorted(set().union(*(s.index for s in prepared.values()))))
        elif calendar == "inner":
            cal = prepared[cols[0]].index
            for s in prepared.values():
                cal = cal.intersection(s.index)
        else:
            raise ValueError(f"calendar must be a column name, 'union' or 'inner', got {calendar!r}")
        frame = pd.DataFrame({c: _onto_calendar(prepared[c], cal, loader.spec(mapping[c]).agg, max_stale_days)
                              for c in cols})
    else:
        fine = [c for c in cols if c not in coarse] or cols
        span = pd.date_range(min(prepared[c].index.min() for c in fine),
                             max(prepared[c].index.max() for c in fine), freq="D")
        labels = period_end_labels(span, freq).unique() if not [c for c in cols if c not in coarse] else \
            pd.DatetimeIndex(sorted(set().union(*(prepared[c].index for c in fine))))
        frame = pd.DataFrame({
            c: asof_align(prepared[c], labels, tolerance_days=_carry_days(
                loader.spec(mapping[c]).frequency, max_stale_days)) if c in coarse
            else prepared[c].reindex(labels)
            for c in cols
        })
    frame.index.name = "date"
    if start is not None:
        frame = frame.loc[frame.index >= pd.Timestamp(start)]
    if end is not None:
        frame = frame.loc[frame.index <= pd.Timestamp(end)]
    if dropna:
        frame = frame.dropna(how=dropna)
    if len(frame) < min_rows:
        raise InsufficientDataError(
            f"panel of {cols} at freq {freq} from {start or 'start'} to {end or 'end'} has {len(frame)} "
            f"rows after alignment; at least {min_rows} needed"
        )
    gaps, masked = _holes(loader, frame, mapping, observed, provenance, freq, on_gap, max_gap_days)
    frame.attrs = {"units": units, "ids": dict(mapping), "freq": freq, "synthetic": synthetic,
                   "provenance": provenance, "gaps": gaps, "masked": masked}
    return frame


def _us_shift(loader: DataLoader, mapping: Mapping[str, str], clock: str, freq: str,
              calendar: str | None) -> set[str]:
    """Columns on the US clock that move to the Shanghai clock in this panel."""
    if clock not in ("auto", "CN", "native"):
        raise ValueError(f"clock must be 'auto', 'CN' or 'native', got {clock!r}")
    if clock == "native":
        return set()
    clocks = {c: clock_of(sid, loader.spec(sid).calendar) for c, sid in mapping.items()}
    us = {c for c, k in clocks.items() if k == "US"}
    if clock == "CN":
        return us
    if len(us) in (0, len(clocks)):
        return set()
    if freq == "D" and calendar not in ("union", "inner"):
        if clocks[calendar or next(iter(mapping))] == "US":
            return set()  # a US-calendar day: a Shanghai close of the same date is already past
    return us


def _check_coverage(col: str, sid: str, source: str, dates: pd.DatetimeIndex, native: str,
                    start: str | pd.Timestamp | None, end: str | pd.Timestamp | None) -> None:
    """A series with no observation in ``start``..``end`` cannot serve the panel: say so."""
    if start is None and end is None:
        return
    carry = pd.Timedelta(days=_PERIOD_DAYS[native] + 10)  # a coarse value dated just before start counts
    lo = pd.Timestamp(start) - carry if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    inside = dates[((dates >= lo) if lo is not None else True) & ((dates <= hi) if hi is not None else True)]
    if len(inside):
        return
    span = f"{dates.min().date()}..{dates.max().date()}" if len(dates) else "no observations"
    window = f"{pd.Timestamp(start).date() if start is not None else 'start'}..{pd.Timestamp(end).date() if end is not None else 'end'}"
    raise SeriesCoverageError(
        f"series '{sid}' (column '{col}', from {source}) covers {span}, nothing in the window {window} "
        "this panel asks for. Extend the series in the vault (or pull a longer copy), or choose a window it covers."
    )


def _holes(loader: DataLoader, frame: pd.DataFrame, mapping: Mapping[str, str],
           observed: Mapping[str, pd.DatetimeIndex], provenance: Mapping[str, dict], freq: str,
           on_gap: str, max_gap_days: int | Mapping[str, int] | None) -> tuple[list[dict], dict[str, int]]:
    """Find holes inside the panel; raise, or mask them in ``frame`` (in place) and record them."""
    records: list[dict] = []
    masked: dict[str, int] = {}
    if frame.empty:
        return records, masked
    window = (frame.index.min(), frame.index.max())
    for col, sid in mapping.items():
        spec = loader.spec(sid)
        bound = gap_bound(spec.calendar, spec.frequency, max_gap_days, col)
        holes = panel_gaps(observed[col], bound=bound, freq=freq, window=window, calendar=spec.calendar)
        if holes.empty:
            continue
        for row in holes.itertuples(index=False):
            ids = (spec.id, *spec.parts)
            if loader.accept.covers_span(ids, "gap", row.last_before, row.first_after):
                records.append(gap_record(col, sid, row, bound, "accepted"))
                continue
            if on_gap == "raise":
                cal = spec.calendar or f"frequency {spec.frequency}"
                raise loader.record(SeriesGapError(
                    f"series '{sid}' (column '{col}', from {provenance[col]['source']}) has no observation from "
                    f"{row.last_before.date()} to {row.first_after.date()} ({row.days} days; its calendar {cal} "
                    f"allows {bound}) inside this panel ({window[0].date()}..{window[1].date()}, freq {freq}): the "
                    f"change across the hole would enter as one period's change ({len(holes)} such hole(s)). Fill the "
                    "hole in the source; if it is real, declare it in ACCEPT.csv (check=gap) or build the panel with "
                    "on_gap='mask'."
                ))
            rec = gap_record(col, sid, row, bound, "masked")
            inside = (frame.index > rec["label_before"]) & (frame.index < rec["label_after"])
            frame.loc[inside, col] = float("nan")
            masked[col] = masked.get(col, 0) + int(straddles(frame.index, rec["label_after"]).sum()
                                                   if rec["label_before"] < rec["label_after"] else 0)
            records.append(rec)
    return records, masked
