"""``econ data import``: bring a file the user has into the package as a series.

The file comes in as the terminal wrote it (CSV in UTF-8 or GBK, ``.xlsx``, Wind's and
Choice's header block and footer, newest-first order; see :mod:`econ.data.exports`) and is
then checked exactly like a vault file: dates, numbers, unit (Chinese spellings such as
``点`` or ``亿元`` are understood) and frequency against the catalog. An id the catalog does
not know is accepted when its frequency and aggregation are declared.

Where it goes, and why: the clean series is written as a small vault of its own,
``<cache>/imports/`` (``<id>.csv`` + ``MANIFEST.csv`` recording the original file and its
sha256), which comes *first* in the vault priority (:mod:`econ.config`). An explicit import
is the user's own source: a vault never overwrites it on a later run. ``econ data import
ID --remove`` takes it out again.
"""

from __future__ import annotations

import difflib
import hashlib
import io
from pathlib import Path
from typing import Any

import pandas as pd

from econ.config import Settings
from econ.data import exports
from econ.data.catalog import AGGREGATIONS, SeriesSpec, default_catalog
from econ.data.errors import DataError, VaultFileError
from econ.data.frequency import NAMES, check_frequency
from econ.data.providers.base import Fetched
from econ.data.providers.vault import (
    OPTIONAL_COLUMNS,
    order_ascending,
    parse_dates,
    parse_frequency,
    parse_values,
)
from econ.data.store import Store
from econ.data.units import canonical_unit, check_unit
from econ.io import atomic_write_text

DATE_NAMES = ("date", "Date", "DATE", "日期", "时间", "交易日期", "指标日期", "trade_date", "day")
IMPORT_COLUMNS = ("series_id", "file", "date_column", "value_column", "unit", "frequency", "description",
                  *OPTIONAL_COLUMNS, "source_file", "source_sha256")


class ImportSpecError(DataError):
    """What the user asked to import cannot be imported as asked (names the fix)."""


def _spec(series_id: str, *, frequency: str | None, agg: str | None, unit: str, description: str) -> SeriesSpec:
    catalog = default_catalog()
    if series_id in catalog:
        return catalog[series_id]
    if not (frequency and agg and unit):
        close = difflib.get_close_matches(series_id, catalog.ids(), n=3, cutoff=0.6)
        hint = f"Did you mean {', '.join(close)}? " if close else ""
        raise ImportSpecError(
            f"'{series_id}' is not a catalog series id. {hint}To import it as a "
            "series of your own, declare --frequency (daily/weekly/monthly/quarterly), --agg "
            f"({'/'.join(AGGREGATIONS)}) and --unit."
        )
    if agg not in AGGREGATIONS:
        raise ImportSpecError(f"--agg {agg!r} is not one of {list(AGGREGATIONS)}")
    return SeriesSpec(id=series_id, meaning=description or f"{series_id} (imported)", unit=canonical_unit(unit),
                      frequency=parse_frequency(frequency), kind="user", agg=agg, release_lag_days=0)


def _pick_columns(frame: pd.DataFrame, date_column: str | None, value_column: str | None,
                  where: str) -> tuple[str, str]:
    cols = list(frame.columns)
    if frame.empty:
        raise VaultFileError(f"{where} holds no data rows (columns {cols}): export the series again "
                             "with its dates and values")
    if date_column is None:
        date_column = next((c for c in DATE_NAMES if c in cols), None)
        if date_column is None:
            raise VaultFileError(f"{where}: no date column found among {cols}; name it with --date-column")
    elif date_column not in cols:
        raise VaultFileError(f"{where} has no column '{date_column}' (columns: {cols})")
    if value_column is None:
        rest = [c for c in cols if c != date_column]
        if len(rest) > 1:
            rest = [c for c in rest if (frame[c] != "").any()]
        if len(rest) != 1:
            raise VaultFileError(f"{where}: {len(rest)} value columns {rest}; choose one with --value-column")
        value_column = rest[0]
    elif value_column not in cols:
        raise VaultFileError(f"{where} has no column '{value_column}' (columns: {cols})")
    return date_column, value_column


def import_file(settings: Settings, series_id: str, file: str | Path, *, date_column: str | None = None,
                value_column: str | None = None, unit: str = "", frequency: str | None = None,
                agg: str | None = None, description: str = "") -> dict[str, Any]:
    """Read, check and store ``file`` as ``series_id``; return its provenance record.

    The record (see :meth:`econ.data.store.Store.put`) gains ``notices``: what was
    recognised on the way (encoding, header block, footer, order).
    """
    path = Path(file)
    if not path.is_file():
        raise VaultFileError(f"{path} does not exist")
    spec = _spec(series_id, frequency=frequency, agg=agg, unit=unit, description=description)
    raw = path.read_bytes()
    export = exports.read_export(path, raw, where=str(path))
    dcol, vcol = _pick_columns(export.frame, date_column, value_column, str(path))
    notices = list(export.notices)
    declared = export.units.get(vcol, "")
    if unit and declared and canonical_unit(unit) != canonical_unit(declared):
        raise ImportSpecError(f"{path.name}: --unit {unit!r} contradicts the file's 单位 row {declared!r}")
    if not (unit or declared):
        notices.append(f"{path.name}: no unit declared; taken as the catalog's '{spec.unit}'")
    check_unit(series_id, unit or declared or spec.unit, spec.unit,
               where=f"--unit for {path.name}" if unit else f"{path.name} (its 单位 row)")
    word = export.frequencies.get(vcol)
    if word and exports.frequency_code(word) != spec.frequency:
        raise ImportSpecError(f"{path.name} declares frequency {word!r} (its 频率 row) but '{series_id}' is "
                           f"{NAMES[spec.frequency]}; import it under an id of that frequency")
    where = f"{path.name}, column"
    dates = parse_dates(export.frame[dcol], where=f"{where} '{dcol}'")
    values = parse_values(export.frame[vcol], where=f"{where} '{vcol}'")
    dates, values, note = order_ascending(dates, values, where=path.name)
    if note:
        notices.append(note)
    s = pd.Series(values.to_numpy(), index=dates, name=series_id).dropna()
    if s.empty:
        raise VaultFileError(f"{path} has no values in column '{vcol}' (all {len(values)} cells empty): "
                             "export the series with its values")
    check_frequency(series_id, s.index, spec.frequency, where=str(path))
    digest = hashlib.sha256(raw).hexdigest()
    stored = _write_import(settings, spec, s, source=str(path.resolve()), source_sha256=digest)
    fetched = Fetched(series=s, provider="import", source=str(path.resolve()), unit=spec.unit,
                      source_sha256=digest, notes=tuple(notices), origin=str(stored))
    meta = Store(settings.cache).put(fetched)
    return meta | {"notices": notices}


def _read_import_manifest(folder: Path) -> pd.DataFrame:
    path = folder / "MANIFEST.csv"
    if path.is_file():
        man = pd.read_csv(path, dtype=str, keep_default_na=False)
        return man.reindex(columns=list(IMPORT_COLUMNS), fill_value="")
    return pd.DataFrame(columns=list(IMPORT_COLUMNS))


def _write_manifest(folder: Path, man: pd.DataFrame) -> None:
    buf = io.StringIO()
    man.sort_values("series_id").to_csv(buf, index=False, lineterminator="\n")
    atomic_write_text(folder / "MANIFEST.csv", buf.getvalue())


def _write_import(settings: Settings, spec: SeriesSpec, s: pd.Series, *, source: str, source_sha256: str) -> Path:
    folder = settings.imports
    name = f"{spec.id}.csv"
    body = "date,value\n" + "".join(f"{d:%Y-%m-%d},{v!r}\n" for d, v in s.items())
    atomic_write_text(folder / name, body)
    man = _read_import_manifest(folder)
    man = man[man["series_id"] != spec.id]
    row = {"series_id": spec.id, "file": name, "date_column": "date", "value_column": "value",
           "unit": spec.unit, "frequency": NAMES[spec.frequency], "description": spec.meaning,
           "agg": spec.agg, "kind": spec.kind, "release_lag_days": str(spec.release_lag_days),
           "source_file": source, "source_sha256": source_sha256}
    _write_manifest(folder, pd.concat([man, pd.DataFrame([row])], ignore_index=True))
    return folder / name


def remove_import(settings: Settings, series_id: str) -> bool:
    """Take an imported series out (its file, manifest row and cache entry). True if it was there."""
    folder = settings.imports
    man = _read_import_manifest(folder)
    if series_id not in set(man["series_id"]):
        return False
    rest = man[man["series_id"] != series_id]
    if rest.empty:
        (folder / "MANIFEST.csv").unlink()
    else:
        _write_manifest(folder, rest)
    (folder / f"{series_id}.csv").unlink(missing_ok=True)
    for suffix in (".parquet", ".json"):
        (Store(settings.cache).root / f"{series_id}{suffix}").unlink(missing_ok=True)
    return True
