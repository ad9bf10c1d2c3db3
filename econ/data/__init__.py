"""Data layer: catalog, providers, Parquet store, panel builder.

Typical use::

    from econ.config import Settings
    from econ.data import DataLoader, build_panel

    loader = DataLoader(Settings.resolve(vault="../shared/data/raw"))
    panel = build_panel(loader, {"large": "cn.index.csi300.close",
                                 "small": "cn.index.csi1000.close"}, freq="W")
"""

import importlib
from typing import Any

#: name -> submodule; imported on first use (PEP 562), so ``from econ.data.errors import
#: DataError`` (the CLI's start-up, ``econ --help``) does not import pandas
_LAZY = {
    "Catalog": "catalog", "SeriesSpec": "catalog", "default_catalog": "catalog",
    "CacheCorruptError": "errors", "DataError": "errors", "InsufficientDataError": "errors",
    "ManifestError": "errors", "SeriesNotFoundError": "errors", "UnitMismatchError": "errors",
    "UnknownSeriesError": "errors", "VaultFileError": "errors",
    "DataLoader": "loader", "build_panel": "panel",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CacheCorruptError", "Catalog", "DataError", "DataLoader", "InsufficientDataError",
    "ManifestError", "SeriesNotFoundError", "SeriesSpec", "UnitMismatchError", "UnknownSeriesError",
    "VaultFileError", "build_panel", "default_catalog",
]
