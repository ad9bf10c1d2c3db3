"""The panel builder: series on one calendar and frequency, release lags applied, units attached.

>>> panel = build_panel(loader, {"csi300": "cn.index.csi300.close", "us10y": "us.rate.ust10y"},
...                     freq="W", start="2014-01-01")            # doctest: +SKIP
>>> panel.attrs["units"]                                          # doctest: +SKIP
{'csi300': 'index points', 'us10y': 'percent'}

Steps for each series:

1. **Release lag** (``release_lags=True``, the default): a value for a reference period is
   re-dated to period end + the catalog's ``release_lag_days``, the first day it was public.
   A monthly M2 figure for January is then usable from mid-February, not from 31 January.
2. **Frequency**: at a coarser target than the series' own, values reduce within each
   period by the catalog's aggregation (levels ``last``, flows ``sum``, noisy rates ``mean``);
   override per column with ``agg``. A series coarser than the target is carried forward
   as of each target date.
3. **Calendar** (daily panels): the trading days of ``calendar`` (default: the first
   series); other series are aligned as of each date, carried at most ``max_stale_days``.

The returned ``DataFrame`` has ``attrs``: ``units`` (column → unit), ``ids`` (column →
series id), ``freq``, ``synthetic`` (True if any input is synthetic) and ``provenance``
(column → provider/source/sha256 record).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from econ.data.calendar import (
    TARGET_FREQUENCIES,
    aggregate,
    asof_align,
    coarser_or_equal,
    period_end_labels,
)
from econ.data.errors import InsufficientDataError
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
    """
    if freq not in TARGET_FREQUENCIES:
        raise ValueError(f"freq must be one of {TARGET_FREQUENCIES}, got {freq!r}")
    mapping = dict(series) if isinstance(series, Mapping) else {s: s for s in series}
    if not mapping:
        raise ValueError("no series requested")
    agg = dict(agg or {})
    unknown = set(agg) - set(mapping)
    if unknown:
        raise ValueError(f"agg names columns not in the panel: {sorted(unknown)}")

    prepared: dict[str, pd.Series] = {}
    units: dict[str, str] = {}
    provenance: dict[str, dict] = {}
    synthetic = False
    coarse: set[str] = set()  # columns coarser than the target frequency (carried forward)
    for col, sid in mapping.items():
        spec = loader.spec(sid)
        fetched = loader.fetch(sid)
        s = fetched.series.rename(col)
        if release_lags:
            s = _release_dated(s, spec.frequency, spec.release_lag_days)
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
    frame.attrs = {"units": units, "ids": dict(mapping), "freq": freq, "synthetic": synthetic,
                   "provenance": provenance}
    return frame
