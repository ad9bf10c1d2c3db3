"""Data layer: catalog, providers, Parquet store, panel builder.

Typical use::

    from econ.config import Settings
    from econ.data import DataLoader, build_panel

    loader = DataLoader(Settings.resolve(vault="../shared/data/raw"))
    panel = build_panel(loader, {"large": "cn.index.csi300.close",
                                 "small": "cn.index.csi1000.close"}, freq="W")
"""

from econ.data.catalog import Catalog, SeriesSpec, default_catalog
from econ.data.errors import (
    CacheCorruptError,
    DataError,
    InsufficientDataError,
    ManifestError,
    SeriesNotFoundError,
    UnitMismatchError,
    UnknownSeriesError,
    VaultFileError,
)
from econ.data.loader import DataLoader
from econ.data.panel import build_panel

__all__ = [
    "CacheCorruptError", "Catalog", "DataError", "DataLoader", "InsufficientDataError",
    "ManifestError", "SeriesNotFoundError", "SeriesSpec", "UnitMismatchError", "UnknownSeriesError",
    "VaultFileError", "build_panel", "default_catalog",
]
