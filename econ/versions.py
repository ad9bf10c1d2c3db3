"""The library versions that are part of every cache key (kept free of heavy imports)."""

from __future__ import annotations

import functools

__all__ = ["KEY_LIBRARIES", "library_versions"]

#: Libraries whose version is part of every cache key (their upgrade may change a number).
KEY_LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "arch", "linearmodels")


@functools.lru_cache(maxsize=1)
def library_versions() -> tuple[tuple[str, str], ...]:
    """``(name, version)`` of each of :data:`KEY_LIBRARIES` (``"-"`` when not installed)."""
    from importlib import metadata

    out = []
    for lib in KEY_LIBRARIES:
        try:
            out.append((lib, metadata.version(lib)))
        except metadata.PackageNotFoundError:
            out.append((lib, "-"))
    return tuple(out)
