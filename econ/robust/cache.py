"""Content-addressed cache of specification results: an unchanged spec never recomputes.

A result is stored under a key that hashes

* the spec's :attr:`~econ.robust.grid.Spec.digest` (its choices),
* the estimate function's qualified name and a SHA-256 of its source *and* of its module's
  source (module constants such as sample bounds are part of what a spec means), and of the
  Python sources of the ``econ`` library and of the function's top-level package (e.g. every
  module of ``studies``): a change of estimator or study code recomputes, conservatively,
* the null-draw settings (number of draws and seed), and
* the SHA-256 of every input series (values and dates, see :func:`series_sha256`) of the
  grid: the series any spec of the grid read through its loader (or the ``inputs`` the
  caller declares).

The input series are only known after a first run, so a small *inputs record* per
``(spec, function, null settings)`` lists the series ids of the last run; a lookup hashes
those series as they are now and the result is used only if every hash matches. Keying every
spec by all of the grid's inputs is conservative (a change in any input recomputes the grid)
and stays correct when a study memoises panels per loader. Data read outside the loader are
not seen: declare them with ``inputs`` or run without a cache. Files are pickles written
atomically; an unreadable entry is treated as a miss and rewritten.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import pickle
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from econ.io import atomic_write_bytes, atomic_write_text
from econ.robust.grid import Spec

__all__ = ["GridCache", "function_fingerprint", "series_sha256"]

#: Bump to invalidate every cached result (a change of the cache format or of SpecEstimate).
CACHE_VERSION = "1"


def _sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def series_sha256(series: pd.Series) -> str:
    """SHA-256 of a series' dates (int64 ns) and values (float64), in order."""
    idx = pd.DatetimeIndex(series.index).as_unit("ns").asi8 if isinstance(series.index, pd.DatetimeIndex) \
        else np.asarray(series.index.astype(str)).astype("U").view(np.uint8)
    values = np.ascontiguousarray(series.to_numpy(dtype=float, na_value=np.nan))
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(idx).tobytes())
    h.update(values.tobytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=16)
def package_digest(folder: str) -> str:
    """SHA-256 over the relative paths and contents of every ``*.py`` file under ``folder``."""
    root = Path(folder)
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _package_folder(module_name: str) -> str:
    top = sys.modules.get(module_name.split(".")[0])
    path = getattr(top, "__path__", None)
    return str(list(path)[0]) if path else ""


def function_fingerprint(fn: Callable[..., Any]) -> str:
    """Qualified name + SHA-256 of the function's source, its module's source and the code it builds on."""
    name = f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
    try:
        src = inspect.getsource(fn)
    except (OSError, TypeError):
        code = getattr(fn, "__code__", None)
        src = code.co_code.hex() if code is not None else repr(fn)
    module = sys.modules.get(getattr(fn, "__module__", ""), None)
    try:
        msrc = inspect.getsource(module) if module is not None else ""
    except (OSError, TypeError):
        msrc = ""
    packages = sorted({_package_folder("econ"), _package_folder(getattr(fn, "__module__", "") or "")} - {""})
    return _sha(json.dumps([CACHE_VERSION, name, _sha(src), _sha(msrc), [package_digest(p) for p in packages]]))


class GridCache:
    """Pickled spec results under ``folder`` (``entries/``) with their inputs records (``inputs/``).

    Parameters
    ----------
    folder
        Cache folder; created on first write.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def base_key(self, spec: Spec, fingerprint: str, extra: str = "") -> str:
        """Key of everything but the input data: spec digest, function fingerprint, ``extra``."""
        return _sha(json.dumps([spec.digest, spec.key, fingerprint, extra]))

    @staticmethod
    def full_key(base: str, input_hashes: Mapping[str, str]) -> str:
        """Base key combined with the SHA-256 of each input series (sorted by id)."""
        return _sha(json.dumps([base, sorted(input_hashes.items())]))

    def recorded_inputs(self, base: str) -> list[str] | None:
        """Series ids the estimate read the last time this base key was computed."""
        path = self.folder / "inputs" / f"{base}.json"
        try:
            return list(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None

    def get(self, key: str) -> Any | None:
        """The cached value, or ``None`` (missing or unreadable)."""
        path = self.folder / "entries" / f"{key}.pkl"
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return None

    def put(self, base: str, input_hashes: Mapping[str, str], value: Any) -> str:
        """Store ``value``; record the input ids for ``base``. Returns the full key."""
        key = self.full_key(base, input_hashes)
        atomic_write_bytes(self.folder / "entries" / f"{key}.pkl", pickle.dumps(value, protocol=4))
        atomic_write_text(self.folder / "inputs" / f"{base}.json", json.dumps(sorted(input_hashes)))
        return key

    def __len__(self) -> int:
        folder = self.folder / "entries"
        return sum(1 for _ in folder.glob("*.pkl")) if folder.is_dir() else 0


class InputHasher:
    """SHA-256 of series by id from one loader, each computed once."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self._memo: dict[str, str] = {}

    def __call__(self, ids: Sequence[str]) -> dict[str, str]:
        out = {}
        for sid in ids:
            if sid not in self._memo:
                self._memo[sid] = series_sha256(self.loader.fetch(sid).series)
            out[sid] = self._memo[sid]
        return out
