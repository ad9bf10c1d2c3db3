"""The vault: a folder of CSV files plus a MANIFEST.csv mapping file columns to series ids.

MANIFEST.csv columns: ``series_id,file,date_column,value_column,unit,frequency,description``
and, optionally, ``agg`` (``last``/``mean``/``sum``/``compound``), ``kind`` and
``release_lag_days`` for ids the catalog does not know. The manifest must be UTF-8.
Dates are ISO (``YYYY-MM-DD``; ``YYYY-MM`` or ``YYYYQn`` for monthly/quarterly files).
Files may be gzip-compressed (``.csv.gz``), and a file ``X`` may be stored as ``X.xz`` (the
package's snapshot does so; the sha256 is that of the decompressed bytes). A user with
Wind/Choice exports lists them in a manifest of this schema and points ``--vault`` /
``ECON_VAULT`` at the folder; the files are read as the terminals write them (GBK or UTF-8,
``.xlsx``, a ``指标名称/频率/单位`` header block, a ``数据来源`` footer; see
:mod:`econ.data.exports`).

Reading is strict: a missing file or column, a duplicate or unparsable date, dates out of
order, a non-numeric value, a unit or declared frequency that contradicts the catalog is an error
naming the file, column and row. Empty cells are missing values (dropped), nothing else is.
One order is recognised rather than refused: a file entirely newest-first (as Choice and
Wind write them; at least three dates, strictly descending) is reversed, with a notice.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pandas as pd

from econ.data import exports
from econ.data.catalog import SeriesSpec
from econ.data.checks import check_date_years
from econ.data.errors import FrequencyMismatchError, ManifestError, VaultFileError
from econ.data.frequency import frequency_problem
from econ.data.providers.base import Fetched, Provider
from econ.data.splice import splice
from econ.data.units import check_unit

MANIFEST_COLUMNS = ("series_id", "file", "date_column", "value_column", "unit", "frequency", "description")
#: Optional manifest columns: how an id outside the catalog aggregates, what it is, its lag.
OPTIONAL_COLUMNS = ("agg", "kind", "release_lag_days")
_FREQ_WORDS = {
    "business daily": "D", "daily": "D", "d": "D", "b": "D",
    "weekly": "W", "w": "W",
    "monthly": "M", "m": "M",
    "quarterly": "Q", "q": "Q",
}


def parse_frequency(word: str) -> str:
    """Map a manifest frequency word (``business daily``, ``monthly``...) to D/W/M/Q."""
    try:
        return _FREQ_WORDS[word.strip().lower()]
    except KeyError:
        raise ManifestError(
            f"unknown frequency {word!r}; use one of {sorted(set(_FREQ_WORDS))}"
        ) from None


def parse_dates(raw: pd.Series, *, where: str) -> pd.DatetimeIndex:
    """Parse ISO dates; monthly (``YYYY-MM``) and quarterly (``YYYYQn``) labels become period ends.

    Raises :class:`VaultFileError` listing the first unparsable rows (with file line numbers).
    """
    text = raw.astype("string").str.strip()
    check_date_years(text, where=where)  # a year typo (0223-10-31) names its line: econ.data.checks
    is_month = text.str.fullmatch(r"\d{4}-\d{2}").fillna(False)
    is_quarter = text.str.fullmatch(r"\d{4}Q[1-4]").fillna(False)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    if is_month.any():
        per = pd.PeriodIndex(text[is_month], freq="M")
        out[is_month] = per.to_timestamp(how="end").normalize()
    if is_quarter.any():
        per = pd.PeriodIndex(text[is_quarter], freq="Q")
        out[is_quarter] = per.to_timestamp(how="end").normalize()
    rest = ~(is_month | is_quarter)
    if rest.any():
        out[rest] = pd.to_datetime(text[rest], format="ISO8601", errors="coerce")
    bad = out.isna()
    if bad.any():
        rows = [f"line {i + 2}: {raw.iloc[i]!r}" for i in np.flatnonzero(bad.to_numpy())[:3]]
        raise VaultFileError(
            f"{where}: {int(bad.sum())} unparsable date(s), e.g. {'; '.join(rows)}. "
            "Use ISO dates (YYYY-MM-DD, or YYYY-MM for monthly data)."
        )
    return pd.DatetimeIndex(out, name="date")


def parse_values(raw: pd.Series, *, where: str) -> pd.Series:
    """Parse numbers; empty cells are missing, any other non-numeric text is an error."""
    text = raw.astype("string").str.strip()
    empty = text.isna() | (text == "")
    num = pd.to_numeric(text.where(~empty), errors="coerce")
    bad = num.isna() & ~empty
    if bad.any():
        rows = [f"line {i + 2}: {raw.iloc[i]!r}" for i in np.flatnonzero(bad.to_numpy())[:3]]
        raise VaultFileError(
            f"{where}: {int(bad.sum())} non-numeric value(s), e.g. {'; '.join(rows)}. "
            "Leave missing values empty; remove thousands separators and footnotes."
        )
    return num.astype("float64")


def order_ascending(dates: pd.DatetimeIndex, values: pd.Series, *,
                    where: str) -> tuple[pd.DatetimeIndex, pd.Series, str | None]:
    """Dates ascending: kept; entirely newest-first (3+ dates): reversed with a notice; else an error.

    Duplicate dates are an error either way. Returns the dates, the values and the notice.
    """
    dup = dates.duplicated()
    if dup.any():
        first = np.flatnonzero(dup)[0]
        raise VaultFileError(
            f"{where}: duplicate date {dates[first].date()} (line {first + 2}); "
            f"{int(dup.sum())} duplicate(s) in all. Each date must appear once."
        )
    if dates.is_monotonic_increasing:
        return dates, values, None
    if len(dates) >= 3 and dates.is_monotonic_decreasing:
        note = (f"{where}: dates were newest-first ({dates[0].date()} .. {dates[-1].date()}); "
                "sorted ascending")
        return dates[::-1], values.iloc[::-1].reset_index(drop=True), note
    pos = int(np.flatnonzero(np.diff(dates.asi8) < 0)[0]) + 1
    raise VaultFileError(
        f"{where}: dates are not sorted ascending ({dates[pos - 1].date()} then "
        f"{dates[pos].date()} at line {pos + 2}). Sort the file by date."
    )


#: Parsed exports and series of this process, by file path and the sha256 of the bytes just
#: read: every study's loader reads the same files, and each read still hashes the file, so a
#: changed file is parsed again. Values are shared, never modified (pandas copy-on-write).
_EXPORTS: dict[tuple[str, str], exports.Export] = {}
_PARTS: dict[tuple[str, ...], tuple[pd.Series, tuple[str, ...]]] = {}


class VaultProvider(Provider):
    """Reads series from a vault folder.

    Parameters
    ----------
    root
        The vault folder (holding ``MANIFEST.csv``).
    name
        The provider name recorded with what it serves (``vault``; ``import`` for the folder
        ``econ data import`` writes).
    """

    name = "vault"

    def __init__(self, root: str | Path, *, name: str = "vault") -> None:
        self.name = name
        self.root = Path(root).expanduser().resolve()
        if not self.root.is_dir():
            raise ManifestError(f"vault folder {self.root} does not exist (set --vault or ECON_VAULT)")
        self.manifest = self._read_manifest()
        self._file_cache: dict[str, tuple[pd.DataFrame, str]] = {}
        self._exports: dict[str, exports.Export] = {}
        self.notices: dict[str, list[str]] = {}  # series id -> what was recognised reading it

    # -- manifest -------------------------------------------------------------------------
    def _read_manifest(self) -> pd.DataFrame:
        path = self.root / "MANIFEST.csv"
        if not path.is_file():
            raise ManifestError(
                f"no MANIFEST.csv in vault {self.root}. A vault needs one, with columns "
                f"{','.join(MANIFEST_COLUMNS)} (one row per series)."
            )
        raw = path.read_bytes()
        if not raw.strip():
            raise ManifestError(f"{path} is empty: write its header ({','.join(MANIFEST_COLUMNS)}) "
                                "and one row per series")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ManifestError(f"{path} is not UTF-8 (GBK/GB18030 or binary?): save it as CSV UTF-8") from None
        try:
            man = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except Exception as exc:  # pandas raises several parser errors
            raise ManifestError(f"{path}: not a readable CSV ({str(exc).splitlines()[0]})") from exc
        missing = [c for c in MANIFEST_COLUMNS[:6] if c not in man.columns]
        if missing:
            raise ManifestError(f"{path}: missing column(s) {missing}; expected {list(MANIFEST_COLUMNS)}")
        if man.empty:
            raise ManifestError(f"{path} lists no series (header only): add one row per series")
        dup = man["series_id"][man["series_id"].duplicated()].tolist()
        if dup:
            raise ManifestError(f"{path}: duplicate series_id(s) {dup}")
        for i, row in man.iterrows():
            for col in MANIFEST_COLUMNS[:6]:
                if not str(row[col]).strip():
                    raise ManifestError(f"{path} line {int(i) + 2}: empty '{col}' for series '{row['series_id']}'")
            try:
                parse_frequency(row["frequency"])
            except ManifestError as exc:
                raise ManifestError(f"{path} line {int(i) + 2}: {exc}") from None
        return man.set_index("series_id")

    def extra(self, series_id: str) -> dict[str, str]:
        """The optional columns (agg, kind, release_lag_days) the manifest gives for an id."""
        row = self.manifest.loc[series_id]
        return {c: str(row[c]).strip() for c in OPTIONAL_COLUMNS if c in row.index and str(row[c]).strip()}

    def ids(self) -> list[str]:
        return sorted(self.manifest.index)

    def serves(self, spec: SeriesSpec) -> bool:
        return all(p in self.manifest.index for p in spec.vault_parts)

    # -- files ----------------------------------------------------------------------------
    def _read_file(self, name: str, series_id: str) -> tuple[pd.DataFrame, str]:
        if name not in self._file_cache:
            export, digest = self._read_export(name, series_id)
            self._file_cache[name] = (export.frame, digest)
            self._exports[name] = export
        return self._file_cache[name]

    def _read_export(self, name: str, series_id: str) -> tuple[exports.Export, str]:
        path = self.root / name
        if not exports.exists(path):
            raise ManifestError(
                f"MANIFEST.csv lists file '{name}' for '{series_id}', but {path} does not exist"
            )
        data = exports.read_source_bytes(path)
        digest = hashlib.sha256(data).hexdigest()
        key = (str(path), digest)
        if key not in _EXPORTS:
            _EXPORTS[key] = exports.read_export(path, data)
        return _EXPORTS[key], digest

    def read_table(self, name: str) -> tuple[pd.DataFrame, str]:
        """Read a whole vault file (e.g. a long/panel file the manifest does not list).

        Returns the frame (all columns as read, types inferred by pandas) and the file's sha256.
        """
        path = self.root / name
        if not exports.exists(path):
            raise ManifestError(f"vault file {path} does not exist")
        data = exports.read_source_bytes(path)
        compression = {".gz": "gzip", ".xz": "xz", ".bz2": "bz2", ".zip": "zip"}.get(path.suffix)
        return pd.read_csv(io.BytesIO(data), compression=compression), hashlib.sha256(data).hexdigest()

    def read_part(self, series_id: str, *, expected_unit: str | None = None,
                  expected_frequency: str | None = None) -> tuple[pd.Series, str, str]:
        """Read one manifest series. Returns (series, file name, file sha256)."""
        if series_id not in self.manifest.index:
            raise ManifestError(f"'{series_id}' is not in {self.root / 'MANIFEST.csv'}")
        row = self.manifest.loc[series_id]
        where = f"{row['file']} (series '{series_id}')"
        frame, digest = self._read_file(row["file"], series_id)
        for col in (row["date_column"], row["value_column"]):
            if col not in frame.columns:
                raise ManifestError(
                    f"MANIFEST.csv maps '{series_id}' to column '{col}' of {row['file']}, "
                    f"which has columns {list(frame.columns)}"
                )
        export = self._exports.get(row["file"])
        notes = list(export.notices) if export is not None else []
        if expected_unit is not None:
            check_unit(series_id, row["unit"], expected_unit, where=f"MANIFEST.csv ({row['file']})")
            declared = export.units.get(row["value_column"]) if export is not None else None
            if declared:
                check_unit(series_id, declared, expected_unit, where=f"{row['file']} (its 单位 row)")
        if expected_frequency is not None and parse_frequency(row["frequency"]) != expected_frequency:
            raise ManifestError(
                f"MANIFEST.csv declares '{series_id}' as {row['frequency']!r}, the catalog as "
                f"frequency {expected_frequency!r}"
            )
        word = export.frequencies.get(row["value_column"]) if export is not None else None
        if expected_frequency is not None and word and exports.frequency_code(word) != expected_frequency:
            raise FrequencyMismatchError(
                f"{row['file']} declares frequency {word!r} (its 频率 row) for '{series_id}', "
                f"which the catalog holds at frequency {expected_frequency!r}"
            )
        key = (str(self.root / row["file"]), digest, series_id, row["date_column"], row["value_column"],
               str(expected_frequency))
        if key not in _PARTS:
            _PARTS[key] = self._parse_part(frame, row, series_id, expected_frequency, where)
        s, found = _PARTS[key]
        self.notices[series_id] = [*notes, *found]
        return s, row["file"], digest

    @staticmethod
    def _parse_part(frame: pd.DataFrame, row: pd.Series, series_id: str, expected_frequency: str | None,
                    where: str) -> tuple[pd.Series, tuple[str, ...]]:
        """The series of one manifest row and the notices reading it gave."""
        notes = []
        dates = parse_dates(frame[row["date_column"]], where=f"{where}, column '{row['date_column']}'")
        values = parse_values(frame[row["value_column"]], where=f"{where}, column '{row['value_column']}'")
        dates, values, note = order_ascending(dates, values, where=where)
        if note:
            notes.append(note)
        s = pd.Series(values.to_numpy(), index=dates, name=series_id).dropna()
        problem = frequency_problem(series_id, s.index, expected_frequency, where=where) if expected_frequency else None
        if problem:
            notes.append(f"notice: {problem}")
        return s, tuple(notes)

    def fetch(self, spec: SeriesSpec) -> Fetched:
        pieces, files, digests = [], [], []
        for part in spec.vault_parts:
            s, name, digest = self.read_part(part, expected_unit=spec.unit, expected_frequency=spec.frequency)
            pieces.append(s)
            files.append(name)
            digests.append(digest)
        notes: tuple[str, ...] = tuple(n for part in spec.vault_parts for n in self.notices.get(part, ()))
        if len(pieces) > 1:
            # percent-valued series (rates, turnover) are published to ~2 decimals by each source
            atol = 0.02 if spec.unit in ("percent", "percent of spot") else 0.0
            series, note = splice(pieces, spec.id, atol=atol)
            notes = (f"spliced from {' + '.join(spec.vault_parts)}: {note}", *notes)
        else:
            series = pieces[0].rename(spec.id)
        combined = hashlib.sha256("".join(digests).encode()).hexdigest() if len(digests) > 1 else digests[0]
        return Fetched(
            series=series,
            provider=self.name,
            source=" + ".join(f"{self.root.name}/{f}" for f in files),
            unit=spec.unit,
            source_sha256=combined,
            notes=notes,
            origin=str(self.root),
        )
