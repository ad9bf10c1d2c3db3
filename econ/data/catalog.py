"""The series catalog: what each series id means, its unit, frequency and release lag.

The catalog is plain data (``catalog.csv`` beside this module) so it can be read, diffed
and extended without touching code. Columns:

id
    Series id (the ids of the vault's MANIFEST.csv).
meaning
    One line on what the series is.
unit
    The unit the package holds the series in (see :mod:`econ.data.units`).
frequency
    Native frequency: ``D`` (business daily), ``W``, ``M``, ``Q``.
kind
    ``price`` (index level), ``rate``, ``flow``, ``stock`` (a balance), ``valuation``,
    ``share``, ``return``: what the number is, which decides how it aggregates.
agg
    How the panel builder reduces it to a lower frequency: ``last``, ``mean``, ``sum`` or
    ``compound`` (returns).
release_lag_days
    Days after the end of the reference period at which the value becomes public. The panel
    builder dates a value at period end + lag when ``release_lags=True`` (no look-ahead).
parts
    For a spliced series, the vault ids joined end to end (``a|b``; the later part wins on
    overlap, after a check that the parts agree there). Empty for a plain series.
live
    The live provider that can fetch it (``akshare``, ``fred``) or empty.
value_range
    Interval every value must lie in (:mod:`econ.data.bounds` notation): ``(0;inf)`` for index
    levels, P/E and balances (strictly positive), ``[0;1]`` for fractions, ``[0;100]`` for
    percent shares, ``[-30;30]`` for yields and money-market rates. Empty: only finiteness.
typical
    Interval the median of ``|value|`` in every calendar year must lie in: the magnitude the
    unit implies (``[0.25;30]`` for a yield in percent), so decimals stored for percent (or the
    reverse) are an error even when each value lies in ``value_range``. Empty: no check.
max_dlog
    Largest one-observation move ``|Δlog|`` the series makes (positive series only): the jump
    screen. 0.25 for equity indices (a 20% limit move is 0.223), 0.75 for P/E and P/B. Empty:
    no screen.
max_flat
    Longest run of consecutive observations with the identical value the series makes (5 is
    safe for index levels: none in the vault repeats for more than 3). A longer run is a hole
    filled forward in an export. Empty (the shipped default): no check.
calendar
    The calendar the series is observed on (a key of :data:`econ.data.calendar.CALENDARS`):
    ``CN`` exchange days, ``CNIB`` interbank days, ``CNHK`` Stock Connect days, ``US`` US
    business days, ``D7`` every day, ``W``, ``M``, ``Q``. It bounds the gap between two
    observations the panel builder accepts (see :func:`econ.data.panel.build_panel`).

How the bounds were calibrated on the public vault, and how a user accepts a value the checks
flag (``ACCEPT.csv``), is documented in :mod:`econ.data.checks`.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

import pandas as pd

from econ.data.bounds import Interval
from econ.data.calendar import CALENDARS
from econ.data.errors import UnknownSeriesError
from econ.data.units import canonical_unit

FREQUENCIES = ("D", "W", "M", "Q")
AGGREGATIONS = ("last", "mean", "sum", "compound")


@dataclasses.dataclass(frozen=True)
class SeriesSpec:
    """One catalog entry."""

    id: str
    meaning: str
    unit: str
    frequency: str
    kind: str
    agg: str
    release_lag_days: int
    parts: tuple[str, ...] = ()
    live: str = ""
    value_range: str = ""
    typical: str = ""
    max_dlog: float | None = None
    calendar: str = ""
    max_flat: int | None = None

    @property
    def is_spliced(self) -> bool:
        return len(self.parts) > 1

    @property
    def vault_parts(self) -> tuple[str, ...]:
        """Vault ids to read: the parts of a spliced series, else the id itself."""
        return self.parts if self.parts else (self.id,)


def _check_columns(row: object) -> dict:
    """The value-check columns of a catalog row, validated (absent columns: no checks)."""
    sid = row.id  # type: ignore[attr-defined]
    out: dict = {}
    for col in ("value_range", "typical"):
        text = getattr(row, col, "")
        text = text.strip() if isinstance(text, str) else ""
        if text:
            try:
                Interval.parse(text)
            except ValueError as exc:
                raise ValueError(f"catalog row {sid}: {col}: {exc}") from None
        out[col] = text
    dlog = getattr(row, "max_dlog", "")
    dlog = dlog.strip() if isinstance(dlog, str) else "" if dlog is None or dlog != dlog else str(dlog)
    out["max_dlog"] = float(dlog) if dlog else None
    if out["max_dlog"] is not None and not out["max_dlog"] > 0:
        raise ValueError(f"catalog row {sid}: max_dlog must be positive")
    flat = getattr(row, "max_flat", "")
    flat = flat.strip() if isinstance(flat, str) else "" if flat is None or flat != flat else str(flat)
    out["max_flat"] = int(flat) if flat else None
    if out["max_flat"] is not None and out["max_flat"] < 1:
        raise ValueError(f"catalog row {sid}: max_flat must be at least 1")
    cal = getattr(row, "calendar", "")
    cal = cal.strip() if isinstance(cal, str) else ""
    if cal and cal not in CALENDARS:
        raise ValueError(f"catalog row {sid}: calendar {cal!r} not in {sorted(CALENDARS)}")
    out["calendar"] = cal
    return out


class Catalog:
    """Read-only mapping of series id -> :class:`SeriesSpec`."""

    def __init__(self, specs: list[SeriesSpec]) -> None:
        ids = [s.id for s in specs]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"catalog has duplicate ids: {dup}")
        self._specs = {s.id: s for s in specs}

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Catalog:
        specs = []
        for row in frame.itertuples(index=False):
            freq = str(row.frequency)
            agg = str(row.agg)
            if freq not in FREQUENCIES:
                raise ValueError(f"catalog row {row.id}: frequency {freq!r} not in {FREQUENCIES}")
            if agg not in AGGREGATIONS:
                raise ValueError(f"catalog row {row.id}: agg {agg!r} not in {AGGREGATIONS}")
            parts = tuple(p for p in str(row.parts).split("|") if p) if isinstance(row.parts, str) else ()
            checks = _check_columns(row)
            specs.append(
                SeriesSpec(
                    id=str(row.id),
                    meaning=str(row.meaning),
                    unit=canonical_unit(str(row.unit)),
                    frequency=freq,
                    kind=str(row.kind),
                    agg=agg,
                    release_lag_days=int(row.release_lag_days),
                    parts=parts,
                    live=str(row.live) if isinstance(row.live, str) else "",
                    **checks,
                )
            )
        return cls(specs)

    def __getitem__(self, series_id: str) -> SeriesSpec:
        try:
            return self._specs[series_id]
        except KeyError:
            close = difflib.get_close_matches(series_id, list(self._specs), n=3, cutoff=0.6)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise UnknownSeriesError(
                f"'{series_id}' is not a catalog series id.{hint} `econ data status` lists them."
            ) from None

    def __contains__(self, series_id: object) -> bool:
        return series_id in self._specs

    def __iter__(self) -> Iterator[SeriesSpec]:
        return iter(sorted(self._specs.values(), key=lambda s: s.id))

    def __len__(self) -> int:
        return len(self._specs)

    def ids(self) -> list[str]:
        return sorted(self._specs)

    def part_of(self, series_id: str) -> str | None:
        """The spliced series this id is a part of (other than itself), if any."""
        for s in self._specs.values():
            if s.is_spliced and series_id in s.parts and s.id != series_id:
                return s.id
        return None

    def to_frame(self) -> pd.DataFrame:
        rows = [dataclasses.asdict(s) | {"parts": "|".join(s.parts)} for s in self]
        return pd.DataFrame(rows)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The catalog shipped with the package."""
    with resources.files("econ.data").joinpath("catalog.csv").open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    frame["release_lag_days"] = frame["release_lag_days"].astype(int)
    frame["parts"] = frame["parts"].replace("", None)
    frame["live"] = frame["live"].replace("", None)
    return Catalog.from_frame(frame)
