"""``econ data import``: bring a CSV the user has into the cache as a catalog series.

The file is checked exactly like a vault file (dates, numbers, unit), so an imported series
is as trustworthy as a vault one, and its provenance says it was imported.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd

from econ.config import Settings
from econ.data.catalog import default_catalog
from econ.data.errors import VaultFileError
from econ.data.providers.base import Fetched
from econ.data.providers.vault import parse_dates, parse_values
from econ.data.store import Store
from econ.data.units import check_unit


def import_csv(settings: Settings, series_id: str, file: str | Path, *, date_column: str = "date",
               value_column: str = "value", unit: str = "") -> dict[str, Any]:
    """Validate ``file`` and store it as ``series_id``; return the provenance record."""
    spec = default_catalog()[series_id]
    path = Path(file)
    if not path.is_file():
        raise VaultFileError(f"{path} does not exist")
    raw = path.read_bytes()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in (date_column, value_column):
        if col not in frame.columns:
            raise VaultFileError(f"{path} has no column '{col}' (columns: {list(frame.columns)})")
    check_unit(series_id, unit or spec.unit, spec.unit, where=f"--unit for {path.name}")
    dates = parse_dates(frame[date_column], where=f"{path.name}, column '{date_column}'")
    values = parse_values(frame[value_column], where=f"{path.name}, column '{value_column}'")
    if dates.duplicated().any() or not dates.is_monotonic_increasing:
        raise VaultFileError(f"{path.name}: dates must be unique and sorted ascending")
    s = pd.Series(values.to_numpy(), index=dates, name=series_id).dropna()
    fetched = Fetched(series=s, provider="import", source=str(path.resolve()), unit=spec.unit,
                      source_sha256=hashlib.sha256(raw).hexdigest())
    return Store(settings.cache).put(fetched)
