"""The vault: a folder of CSV files plus a MANIFEST.csv mapping file columns to series ids.

MANIFEST.csv columns: ``series_id,file,date_column,value_column,unit,frequency,description``.
Dates are ISO (``YYYY-MM-DD``; ``YYYY-MM`` or ``YYYYQn`` for monthly/quarterly files).
Files may be gzip-compressed (``.csv.gz``). A user with Wind/Choice exports writes their
own manifest of this schema and points ``--vault`` / ``ECON_VAULT`` at the folder.

Reading is strict: a missing file or column, a duplicate, unsorted or unparsable date, a
non-numeric value, or a unit that contradicts the catalog is an error naming the file,
column and row. Empty cells are missing values (dropped), nothing else is.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from econ.data.catalog import SeriesSpec
from econ.data.checks import check_date_years
from econ.data.errors import ManifestError, VaultFileError
from econ.data.providers.base import Fetched, Provider
from econ.data.splice import splice
from econ.data.units import check_unit

MANIFEST_COLUMNS = ("series_id", "file", "date_column", "value_column", "unit", "frequency", "description")
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


class VaultProvider(Provider):
    """Reads series from a vault folder.

    Parameters
    ----------
    root
        The vault folder (holding ``MANIFEST.csv``).
    """

    name = "vault"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        if not self.root.is_dir():
            raise ManifestError(f"vault folder {self.root} does not exist (set --vault or ECON_VAULT)")
        self.manifest = self._read_manifest()
        self._file_cache: dict[str, tuple[pd.DataFrame, str]] = {}

    # -- manifest -------------------------------------------------------------------------
    def _read_manifest(self) -> pd.DataFrame:
        path = self.root / "MANIFEST.csv"
        if not path.is_file():
            raise ManifestError(
                f"no MANIFEST.csv in vault {self.root}. A vault needs one, with columns "
                f"{','.join(MANIFEST_COLUMNS)} (one row per series)."
            )
        man = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = [c for c in MANIFEST_COLUMNS[:6] if c not in man.columns]
        if missing:
            raise ManifestError(f"{path}: missing column(s) {missing}; expected {list(MANIFEST_COLUMNS)}")
        dup = man["series_id"][man["series_id"].duplicated()].tolist()
        if dup:
            raise ManifestError(f"{path}: duplicate series_id(s) {dup}")
        for i, row in man.iterrows():
            for col in MANIFEST_COLUMNS[:6]:
                if not str(row[col]).strip():
                    raise ManifestError(f"{path} line {int(i) + 2}: empty '{col}' for series '{row['series_id']}'")
            parse_frequency(row["frequency"])
        return man.set_index("series_id")

    def ids(self) -> list[str]:
        return sorted(self.manifest.index)

    def serves(self, spec: SeriesSpec) -> bool:
        return all(p in self.manifest.index for p in spec.vault_parts)

    # -- files ----------------------------------------------------------------------------
    def _read_file(self, name: str, series_id: str) -> tuple[pd.DataFrame, str]:
        if name not in self._file_cache:
            path = self.root / name
            if not path.is_file():
                raise ManifestError(
                    f"MANIFEST.csv lists file '{name}' for '{series_id}', but {path} does not exist"
                )
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            try:
                frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            except Exception as exc:  # pandas raises several parser errors
                raise VaultFileError(f"{path}: not a readable CSV ({exc})") from exc
            self._file_cache[name] = (frame, digest)
        return self._file_cache[name]

    def read_table(self, name: str) -> tuple[pd.DataFrame, str]:
        """Read a whole vault file (e.g. a long/panel file the manifest does not list).

        Returns the frame (all columns as read) and the file's sha256.
        """
        path = self.root / name
        if not path.is_file():
            raise ManifestError(f"vault file {path} does not exist")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return pd.read_csv(path), digest

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
        if expected_unit is not None:
            check_unit(series_id, row["unit"], expected_unit, where=f"MANIFEST.csv ({row['file']})")
        if expected_frequency is not None and parse_frequency(row["frequency"]) != expected_frequency:
            raise ManifestError(
                f"MANIFEST.csv declares '{series_id}' as {row['frequency']!r}, the catalog as "
                f"frequency {expected_frequency!r}"
            )
        dates = parse_dates(frame[row["date_column"]], where=f"{where}, column '{row['date_column']}'")
        values = parse_values(frame[row["value_column"]], where=f"{where}, column '{row['value_column']}'")
        dup = dates.duplicated()
        if dup.any():
            first = np.flatnonzero(dup)[0]
            raise VaultFileError(
                f"{where}: duplicate date {dates[first].date()} (line {first + 2}); "
                f"{int(dup.sum())} duplicate(s) in all. Each date must appear once."
            )
        if not dates.is_monotonic_increasing:
            pos = int(np.flatnonzero(np.diff(dates.asi8) < 0)[0]) + 1
            raise VaultFileError(
                f"{where}: dates are not sorted ascending ({dates[pos - 1].date()} then "
                f"{dates[pos].date()} at line {pos + 2}). Sort the file by date."
            )
        s = pd.Series(values.to_numpy(), index=dates, name=series_id).dropna()
        return s, row["file"], digest

    def fetch(self, spec: SeriesSpec) -> Fetched:
        pieces, files, digests = [], [], []
        for part in spec.vault_parts:
            s, name, digest = self.read_part(part, expected_unit=spec.unit, expected_frequency=spec.frequency)
            pieces.append(s)
            files.append(name)
            digests.append(digest)
        notes: tuple[str, ...] = ()
        if len(pieces) > 1:
            # percent-valued series (rates, turnover) are published to ~2 decimals by each source
            atol = 0.02 if spec.unit in ("percent", "percent of spot") else 0.0
            series, note = splice(pieces, spec.id, atol=atol)
            notes = (f"spliced from {' + '.join(spec.vault_parts)}: {note}",)
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
        )
