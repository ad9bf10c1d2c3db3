"""Value checks: a series' numbers must be plausible for what the catalog says it is.

Unit declarations catch a wrong *label*; these checks catch wrong *values* (a US 10Y yield
stored in decimals while the manifest says percent, a concentration share ×100, a zero,
negative or infinite index level, one day ×100). The loader runs them on every series it
serves from the vault, the cache, an import or a live provider (not on synthetic data); all
are vectorised, so loading stays fast (all 73 vault series in well under a second).

The checks (bounds come from the catalog, :mod:`econ.data.catalog`):

``finite``
    No value is ``inf``/``-inf``. Always on; cannot be accepted.
``range``
    Every value lies in the series' ``value_range``: index levels, P/E and balances
    ``(0;inf)`` (strictly positive), fractions ``[0;1]``, percent shares ``[0;100]``,
    yields and money-market rates ``[-30;30]``.
``typical``
    In every calendar year (with enough observations) the median of ``|value|`` lies in the
    series' ``typical`` interval, the magnitude its unit implies; decimals stored for percent
    fail by a factor 100.
``jump``
    No move between consecutive observations exceeds ``max_dlog`` in ``|Δlog|`` (a robust
    screen for one-day slips: ×100, ÷10, a digit lost).
``flat``
    No value repeats over more than ``max_flat`` consecutive observations (where declared): a hole filled forward in an export is a hole, not a run of zero returns.
``calendar``
    No observation on a weekend for a series on an exchange calendar (``CN``, ``CNHK``,
    ``US``): a calendar-day export filled forward over weekends.
``gap``
    (panel builder, :func:`econ.data.panel.build_panel`) no hole between observations longer
    than the series' calendar allows inside a panel's window.
``date``
    (vault and import reading, :func:`check_date_years`) every date's year lies between 1900
    and next year, so a year typo (``0223-10-31``) is an error naming its line rather than a
    pandas ``OutOfBoundsDatetime`` traceback (or, for ``2223``, a 200-year daily calendar).

Calibration on the public vault (``../shared/data/raw``, all 73 catalog series pass):

* equity indices: largest one-day ``|Δlog|`` since 2005 is 0.147 (Wind micro-cap,
  2024-02-05), CSI 2000 0.137 and CSI 1000 0.121 (2025-04-07); ChiNext/STAR stocks move up
  to 20% a day (0.223), so the bound is 0.25. The SSE Composite moved +105% on 1992-05-21
  when price limits were lifted (and more before 1993): accepted in ``accept.csv``.
* USD/CNY: 0.405 on 1994-01-03 (exchange-rate unification), accepted; otherwise < 0.24
  (the 1989 devaluation). Dollar indices: ≤ 0.05, bound 0.1.
* P/E and P/B: ≤ 0.62 (Shenwan small-cap reconstitution days 2008-09-01, 2010-07-01), bound
  0.75; balances (margin financing, Fed assets): ≤ 0.22, bound 0.35.
* yearly median ``|value|``: yields and interbank rates in percent ≥ 0.74 (US 10Y, 2020) and
  ≥ 1.0 (China), bound 0.25 (China 0.15, which toy test vaults need) (decimals are ≤ 0.16); US 2Y ≥ 0.17 (bound 0.1); fed funds ≥ 0.08
  (bound 0.03; decimals 0.0008); basis in percent of spot ≥ 0.12 (bound 0.03); turnover rates
  ≥ 0.28 (bound 0.05); CH-3 factors in percent per month ≥ 0.95 (bound 0.3); CUFE daily SMB
  in decimals 0.0019-0.0078 (bound [0.0005;0.05]). TIPS real yields (near zero for years)
  and the CSI 1000 dividend yield (zero before publication) have no magnitude check; the SSE
  turnover rate is a known defect (fraction until 2018, see its catalog meaning) and has none.
* repeated values: the longest run of one identical close is 1 observation for every CN
  index but the SSE Composite (2), 2 for the Russell 2000 and 3 for the S&P 500, so 5 is a
  safe ``max_flat`` for index closes (declared per series; empty in the shipped catalog
  because the package's own test vaults use flat toy levels);
  FX pegs (USD/CNY 668 days), DXY (12, 1970s) and rates repeat for long and have no bound.
* weekends: no series on the CN, CNHK or US calendars has a weekend date; the interbank
  series have 128-166 (make-up working days), FRED's DFF every weekend.
* holes: see :data:`econ.data.calendar.CALENDARS`; the only holes beyond the calendars in
  the vault are the csindex P/E copy's three in 2011-2012, declared in ``accept.csv``.

Accepting a flagged value
-------------------------
A value the checks flag is never dropped or repaired silently. If it is real, declare it in
an ``ACCEPT.csv`` in the vault folder (beside ``MANIFEST.csv``)::

    series_id,check,first,last,reason
    cn.index.csi1000.close,jump,2024-02-05,2024-02-05,micro-cap crash; checked against csindex.com.cn

``check`` is ``range``, ``typical``, ``jump``, ``flat``, ``calendar`` or ``gap``; the flagged dates (a value's date,
the day of a move, a year for ``typical``, both ends of a hole for ``gap``) must lie in
``first``..``last``; ``reason`` is required. The package's own ``econ/data/accept.csv``
declares the public vault's documented quirks the same way.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from econ.data.bounds import Interval
from econ.data.calendar import WEEKDAY_CALENDARS
from econ.data.catalog import SeriesSpec
from econ.data.errors import (
    AcceptListError,
    CalendarError,
    DateRangeError,
    JumpError,
    ScaleError,
    StaleValueError,
    ValueRangeError,
)

ACCEPT_FILE = "ACCEPT.csv"
ACCEPT_COLUMNS = ("series_id", "check", "first", "last", "reason")
ACCEPTABLE_CHECKS = ("range", "typical", "jump", "flat", "calendar", "gap")
FIRST_PLAUSIBLE = pd.Timestamp("1900-01-01")
#: Observations a calendar year needs before its median magnitude is judged.
MIN_YEAR_OBS = {"D": 20, "W": 10, "M": 6, "Q": 2}
_DECLARE = "if the value is right, declare it in ACCEPT.csv in the vault (series_id,check,first,last,reason; check={check})"

#: Describes where a date's value sits in the source: "file line N, column 'c'" (or "").
Locator = Callable[[pd.Timestamp], str]


@dataclasses.dataclass(frozen=True)
class Acceptance:
    """One declared acceptance: ``series_id``'s ``check`` may flag dates in ``first``..``last``."""

    series_id: str
    check: str
    first: pd.Timestamp
    last: pd.Timestamp
    reason: str
    source: str


class AcceptList:
    """Declared acceptances, read from the package's ``accept.csv`` and the vault's ``ACCEPT.csv``."""

    def __init__(self, entries: Iterable[Acceptance] = ()) -> None:
        self.entries = tuple(entries)

    @classmethod
    def read(cls, text: str, *, source: str) -> AcceptList:
        """Parse one accept file's text; malformed rows are an :class:`AcceptListError`."""
        from io import StringIO

        frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, comment="#")
        missing = [c for c in ACCEPT_COLUMNS if c not in frame.columns]
        if missing:
            raise AcceptListError(f"{source}: missing column(s) {missing}; expected {','.join(ACCEPT_COLUMNS)}")
        out = []
        for i, row in enumerate(frame.itertuples(index=False), start=2):
            where = f"{source} line {i}"
            if row.check not in ACCEPTABLE_CHECKS:
                raise AcceptListError(f"{where}: check {row.check!r} is not one of {', '.join(ACCEPTABLE_CHECKS)}")
            if not str(row.reason).strip():
                raise AcceptListError(f"{where}: give a reason for accepting {row.series_id} ({row.check})")
            try:
                first, last = pd.Timestamp(row.first), pd.Timestamp(row.last)
            except ValueError:
                raise AcceptListError(f"{where}: first/last must be ISO dates, got {row.first!r}, {row.last!r}") from None
            if last < first:
                raise AcceptListError(f"{where}: last ({row.last}) is before first ({row.first})")
            out.append(Acceptance(str(row.series_id).strip(), row.check, first, last, str(row.reason), where))
        return cls(out)

    @classmethod
    def load(cls, vault_roots: Iterable[str | Path] = ()) -> AcceptList:
        """The package's declarations plus each vault root's ``ACCEPT.csv`` (when present)."""
        entries: list[Acceptance] = []
        text = resources.files("econ.data").joinpath("accept.csv").read_text(encoding="utf-8")
        entries += cls.read(text, source="econ/data/accept.csv").entries
        for root in vault_roots:
            path = Path(root) / ACCEPT_FILE
            if path.is_file():
                entries += cls.read(path.read_text(encoding="utf-8-sig"), source=str(path)).entries
        return cls(entries)

    def _spans(self, series_ids: Iterable[str], check: str) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
        ids = set(series_ids)
        return [(e.first, e.last) for e in self.entries if e.series_id in ids and e.check == check]

    def covers(self, series_ids: Iterable[str], check: str, dates: pd.DatetimeIndex) -> np.ndarray:
        """Boolean mask: which ``dates`` a declaration for any of ``series_ids`` covers."""
        mask = np.zeros(len(dates), dtype=bool)
        for first, last in self._spans(series_ids, check):
            mask |= (dates >= first) & (dates <= last)
        return mask

    def overlaps(self, series_ids: Iterable[str], check: str, start: pd.Timestamp, end: pd.Timestamp) -> bool:
        """Whether a declaration overlaps ``start``..``end`` (a calendar year for ``typical``)."""
        return any(first <= end and start <= last for first, last in self._spans(series_ids, check))

    def covers_span(self, series_ids: Iterable[str], check: str, start: pd.Timestamp, end: pd.Timestamp) -> bool:
        """Whether one declaration covers the whole span ``start``..``end`` (a hole, a year)."""
        return any(first <= start and end <= last for first, last in self._spans(series_ids, check))


def check_date_years(text: pd.Series, *, where: str, today: pd.Timestamp | None = None) -> None:
    """Raise :class:`DateRangeError` for a date whose year is before 1900 or after next year.

    Parameters
    ----------
    text
        Date cells as text, in file order (position ``i`` is file line ``i + 2``); cells that
        do not start with a 4-digit year are left to the date parser.
    where
        File and column, for the message.
    """
    if len(text) == 0:
        return
    latest = (today or pd.Timestamp.today()).year + 1
    years = pd.to_numeric(text.astype("string").str.extract(r"^\s*(\d{4})", expand=False), errors="coerce")
    bad = np.flatnonzero(((years < FIRST_PLAUSIBLE.year) | (years > latest)).fillna(False).to_numpy(dtype=bool))
    if len(bad):
        i = int(bad[0])
        raise DateRangeError(
            f"{where}: date {str(text.iloc[i]).strip()!r} on line {i + 2} is outside the years "
            f"{FIRST_PLAUSIBLE.year}..{latest} ({len(bad)} such date(s)); a year typo? Correct the year in the file."
        )


def _ids(spec: SeriesSpec) -> tuple[str, ...]:
    return (spec.id, *spec.parts)


def _at(locate: Locator | None, when: pd.Timestamp) -> str:
    if locate is None:
        return ""
    try:
        where = locate(when)
    except Exception:  # locating is best effort: never hide the real error behind another
        return ""
    return f" ({where})" if where else ""


def check_finite_and_range(spec: SeriesSpec, s: pd.Series, accept: AcceptList, locate: Locator | None) -> None:
    """Non-finite values and values outside ``spec.value_range`` (unless accepted)."""
    v = s.to_numpy(dtype="float64")
    inf = np.flatnonzero(~np.isfinite(v))
    if len(inf):
        when = s.index[inf[0]]
        raise ValueRangeError(
            f"{spec.id}: value {v[inf[0]]} on {when.date()}{_at(locate, when)} is not a finite number "
            f"({len(inf)} such value(s)). Replace it with the published value or leave the cell empty."
        )
    if not spec.value_range:
        return
    bound = Interval.parse(spec.value_range)
    out = ~bound.contains(v) & ~accept.covers(_ids(spec), "range", s.index)
    if out.any():
        pos = np.flatnonzero(out)
        when = s.index[pos[0]]
        raise ValueRangeError(
            f"{spec.id}: value {v[pos[0]]:g} on {when.date()}{_at(locate, when)} is outside the declared "
            f"range {bound} for {spec.kind or 'this'} series in '{spec.unit}' (catalog value_range; "
            f"{len(pos)} value(s) outside). Correct the file; {_DECLARE.format(check='range')}."
        )


def check_typical(spec: SeriesSpec, s: pd.Series, accept: AcceptList, locate: Locator | None) -> None:
    """Yearly median of ``|value|`` inside ``spec.typical``: the magnitude the unit implies."""
    if not spec.typical or s.empty:
        return
    band = Interval.parse(spec.typical)
    years = s.index.year
    grouped = s.abs().groupby(years)
    med, n = grouped.median(), grouped.size()
    med = med[n >= MIN_YEAR_OBS.get(spec.frequency, 1)]
    bad = med[~band.contains(med.to_numpy())]
    bad = bad[[not accept.overlaps(_ids(spec), "typical", pd.Timestamp(f"{y}-01-01"), pd.Timestamp(f"{y}-12-31"))
               for y in bad.index]]
    if bad.empty:
        return
    year, m = int(bad.index[0]), float(bad.iloc[0])
    first = s.index[years == year][0]
    side = "small" if m < band.lo else "large"
    factor = (band.lo / m) if side == "small" and m > 0 else (m / band.hi) if side == "large" else math.inf
    hint = ""
    if spec.unit in ("percent", "percent of spot", "percent per month") and side == "small":
        hint = " Decimals stored for percent? Multiply the column by 100."
    elif spec.unit == "decimal" and side == "large":
        hint = " Percent stored for a fraction? Divide the column by 100."
    raise ScaleError(
        f"{spec.id}: values look too {side} for its unit '{spec.unit}': the median |value| in {year} is "
        f"{m:.4g}{_at(locate, first)}, outside the declared typical magnitude {band} (catalog typical; "
        f"{len(bad)} year(s) outside; {factor:.3g}x {'below' if side == 'small' else 'above'} it).{hint} Fix the file or its unit; "
        f"{_DECLARE.format(check='typical')}."
    )


def check_jumps(spec: SeriesSpec, s: pd.Series, accept: AcceptList, locate: Locator | None) -> None:
    """No ``|Δlog|`` between consecutive positive observations beyond ``spec.max_dlog``."""
    if spec.max_dlog is None or len(s) < 2:
        return
    v = s.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        lv = np.where(v > 0, np.log(np.where(v > 0, v, 1.0)), np.nan)
    d = np.diff(lv)
    flagged = np.abs(d) > spec.max_dlog
    flagged &= ~accept.covers(_ids(spec), "jump", s.index[1:])
    if not flagged.any():
        return
    pos = np.flatnonzero(flagged)
    i = int(pos[0]) + 1
    when, before = s.index[i], s.index[i - 1]
    raise JumpError(
        f"{spec.id}: one-observation move of Δlog {d[i - 1]:+.3f} (x{v[i] / v[i - 1]:.4g}) on {when.date()}"
        f"{_at(locate, when)}, from {v[i - 1]:g} on {before.date()} to {v[i]:g}: beyond the declared bound "
        f"|Δlog| <= {spec.max_dlog:g} (catalog max_dlog; {len(pos)} such move(s)). A typo or a unit slip? "
        f"Correct the value; {_DECLARE.format(check='jump')}."
    )


def check_flat(spec: SeriesSpec, s: pd.Series, accept: AcceptList, locate: Locator | None) -> None:
    """No run of identical consecutive values longer than ``spec.max_flat`` observations."""
    if spec.max_flat is None or len(s) <= spec.max_flat:
        return
    v = s.to_numpy(dtype="float64")
    change = np.r_[True, v[1:] != v[:-1]]
    starts = np.flatnonzero(change)
    lengths = np.diff(np.r_[starts, len(v)])
    long = np.flatnonzero(lengths > spec.max_flat)
    long = [k for k in long if not accept.covers_span(_ids(spec), "flat", s.index[starts[k]],
                                                       s.index[starts[k] + lengths[k] - 1])]
    if not long:
        return
    k = long[0]
    first, last = s.index[starts[k]], s.index[starts[k] + lengths[k] - 1]
    raise StaleValueError(
        f"{spec.id}: the value {v[starts[k]]:g} repeats on {lengths[k]} consecutive observations from "
        f"{first.date()}{_at(locate, first)} to {last.date()}, more than the {spec.max_flat} this series ever "
        f"repeats (catalog max_flat; {len(long)} such run(s)). A hole filled forward? Leave missing days "
        f"empty (or delete their rows); {_DECLARE.format(check='flat')}."
    )


def check_calendar(spec: SeriesSpec, s: pd.Series, accept: AcceptList, locate: Locator | None) -> None:
    """No weekend observation for a series on an exchange calendar."""
    if spec.calendar not in WEEKDAY_CALENDARS:
        return
    weekend = (s.index.day_of_week >= 5) & ~accept.covers(_ids(spec), "calendar", s.index)
    if not weekend.any():
        return
    pos = np.flatnonzero(weekend)
    when = s.index[pos[0]]
    raise CalendarError(
        f"{spec.id}: {len(pos)} observation(s) on weekends, e.g. {when.date()} ({when.day_name()})"
        f"{_at(locate, when)}, but its calendar {spec.calendar} has no weekend days. A calendar-day export "
        f"filled forward? Export trading days only; {_DECLARE.format(check='calendar')}."
    )


def check_series(spec: SeriesSpec, series: pd.Series, *, accept: AcceptList | None = None,
                 locate: Locator | None = None) -> None:
    """Run every value check of ``spec`` on ``series``; raise the first failure.

    Parameters
    ----------
    spec
        The catalog entry (its ``value_range``, ``typical``, ``max_dlog``, ``max_flat`` and
        ``calendar``).
    series
        Values on a sorted ``DatetimeIndex`` (missing values already dropped).
    accept
        Declared acceptances; none by default.
    locate
        Maps a date to where its value sits in the source, for messages.

    Raises
    ------
    ValueRangeError, ScaleError, JumpError, StaleValueError, CalendarError
        Subclasses of :class:`~econ.data.errors.ValueCheckError` naming series, date, source
        line and bound.
    """
    accept = accept or AcceptList()
    s = series.dropna()
    check_finite_and_range(spec, s, accept, locate)
    check_typical(spec, s, accept, locate)
    check_jumps(spec, s, accept, locate)
    check_calendar(spec, s, accept, locate)  # before flat: weekend rows explain a filled export best
    check_flat(spec, s, accept, locate)


def locate_in_vault(vault: object, spec: SeriesSpec) -> Locator:
    """A :data:`Locator` for a vault series: the file, line and column holding a date's value.

    Reads the part files again, only when an error message needs a line (never on success).
    """

    def locate(when: pd.Timestamp) -> str:
        from econ.data.providers.vault import parse_dates

        manifest = getattr(vault, "manifest", None)
        if manifest is None:
            return ""
        for part in reversed(spec.vault_parts):  # the later part wins on overlap
            if part not in manifest.index:
                continue
            row = manifest.loc[part]
            frame, _ = vault.read_table(row["file"])  # type: ignore[attr-defined]
            dates = parse_dates(frame[row["date_column"]].astype(str), where=row["file"])
            hits = np.flatnonzero(dates == when)
            if len(hits):
                return f"{row['file']} line {int(hits[0]) + 2}, column '{row['value_column']}'"
        return ""

    return locate
