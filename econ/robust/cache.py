"""Content-addressed cache of specification results: an unchanged spec never recomputes.

A result is stored under a key that hashes

* the spec's :attr:`~econ.robust.grid.Spec.digest` (its choices),
* the estimate function's qualified name and a SHA-256 of its source *and* of its module's
  source (module constants such as sample bounds are part of what a spec means), and of the
  Python sources of the ``econ`` library and of the function's top-level package (e.g. every
  module of ``studies``): a change of estimator or study code recomputes, conservatively,
* the null-draw settings (number of draws and seed),
* the versions of the numerical libraries (numpy, pandas, scipy, statsmodels, arch,
  linearmodels): an upgrade may change a result, so it recomputes, and
* the SHA-256 of every input series (values and dates, see :func:`series_sha256`) of the
  grid: the series any spec of the grid read through its loader (or the ``inputs`` the
  caller declares).

The input series are only known after a first run, so a small *inputs record* per
``(spec, function, null settings)`` lists the series ids of the last run; a lookup hashes
those series as they are now and the result is used only if every hash matches. Keying every
spec by all of the grid's inputs is conservative (a change in any input recomputes the grid)
and stays correct when a study memoises panels per loader. Data read outside the loader are
not seen: declare them with ``inputs`` or run without a cache.

Entries are pickles written atomically behind a header that carries the SHA-256 of the
pickled bytes (:func:`seal` / :func:`unseal`). An entry whose bytes do not match its checksum
(a bit flip, random bytes, a truncated file) is never unpickled: it is removed, reported with
a :class:`CacheWarning` naming the file, and the spec recomputes.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import logging
import pickle
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from econ.io import atomic_write_bytes, atomic_write_text
from econ.robust.grid import Spec
from econ.versions import library_versions

__all__ = ["CacheWarning", "GridCache", "function_fingerprint", "library_versions", "seal",
           "series_sha256", "unseal"]

log = logging.getLogger(__name__)

#: Bump to invalidate every cached result (a change of the cache format or of SpecEstimate).
CACHE_VERSION = "2"

_MAGIC = b"econ-cache sha256 "


class CacheWarning(UserWarning):
    """A cache entry failed its checksum (or could not be read) and is recomputed."""


def seal(payload: bytes) -> bytes:
    """``payload`` behind a one-line header carrying its SHA-256 (see :func:`unseal`)."""
    return _MAGIC + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload


def unseal(data: bytes) -> bytes | None:
    """The payload of :func:`seal` output, or ``None`` when the header or checksum is wrong."""
    head, sep, payload = data.partition(b"\n")
    if not sep or not head.startswith(_MAGIC) or len(head) != len(_MAGIC) + 64:
        return None
    if hashlib.sha256(payload).hexdigest().encode("ascii") != head[len(_MAGIC):]:
        return None
    return payload


def read_sealed_pickle(path: Path, what: str = "cache entry") -> Any | None:
    """Unpickle a sealed file; ``None`` when it is missing. A damaged file is removed and
    reported (:class:`CacheWarning`) and ``None`` returned, so the caller recomputes."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        _notice(path, what, f"unreadable ({exc})")
        return None
    payload = unseal(data)
    if payload is None:
        _notice(path, what, "fails its checksum (damaged or not written by this version)")
        return None
    try:
        return pickle.loads(payload)
    except Exception as exc:  # checksum right but the pickle no longer loads (code moved)
        _notice(path, what, f"cannot be unpickled ({type(exc).__name__}: {exc})")
        return None


def write_sealed_pickle(path: Path, value: Any) -> None:
    """Pickle ``value`` and write it sealed (atomically)."""
    atomic_write_bytes(path, seal(pickle.dumps(value, protocol=4)))


def _notice(path: Path, what: str, why: str) -> None:
    msg = f"{what} {path} {why}; removed, recomputing"
    log.warning(msg)
    warnings.warn(msg, CacheWarning, stacklevel=3)
    try:
        path.unlink()
    except OSError:
        pass


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
    return _sha(json.dumps([CACHE_VERSION, name, _sha(src), _sha(msrc), [package_digest(p) for p in packages],
                            library_versions()]))


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
        """The cached value, or ``None`` (missing, or damaged: then removed with a
        :class:`CacheWarning`)."""
        return read_sealed_pickle(self.folder / "entries" / f"{key}.pkl", "grid-cache entry")

    def put(self, base: str, input_hashes: Mapping[str, str], value: Any) -> str:
        """Store ``value`` (sealed with its checksum); record the input ids for ``base``.
        Returns the full key."""
        key = self.full_key(base, input_hashes)
        write_sealed_pickle(self.folder / "entries" / f"{key}.pkl", value)
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
