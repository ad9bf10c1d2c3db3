"""A rerun with nothing changed, answered without the numerical stack.

The study cache (:mod:`econ.studycache`) makes a rerun compute nothing, but to find that out it
imports pandas, builds the data loader and unpickles every result: about two seconds. The
ledger answers the commonest rerun -- nothing at all changed -- from file bytes alone.

After a run with no error, on vault data only (every input a vault fingerprint, no live
providers, not synthetic), :func:`record` writes ``<cache>/studies/ledger/<request>.json``:

* a fingerprint of everything the study-cache keys are made of, taken wholesale: the bytes of
  every file of the ``econ`` and ``studies`` packages (code, the series catalog, the claims
  registry, the shipped snapshot), of every vault folder and of the import folder, the
  versions of Python and of :data:`econ.versions.KEY_LIBRARIES`, the run's settings and the
  ``ECON_*`` environment;
* the SHA-256 of every output file the paper folder then holds (``tables``, ``figures``,
  ``results``).

:func:`unchanged` recomputes the fingerprint and re-hashes the outputs. Only when both match,
and no interrupted publication waits in the paper folder, is the run answered from the ledger;
any difference, unreadable file or error sends the run down the ordinary path, which decides
study by study. The fingerprint is a superset of every study key, so a ledger hit implies that
every study's key, and therefore its published bytes, are unchanged.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from econ.io import atomic_write_text
from econ.publication import file_sha256
from econ.versions import library_versions

__all__ = ["Ledger", "fingerprint", "record", "unchanged"]

LEDGER_VERSION = "1"
#: Folders of the paper that runs write.
OUTPUT_DIRS = ("tables", "figures", "results")
#: The publication's staging folder (:data:`econ.publication.STAGING`): present means interrupted.
STAGING = ".staging"
_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".ruff_cache"}


@dataclasses.dataclass(frozen=True)
class Ledger:
    """What the last unchanged-able run of a request published."""

    request: tuple[str, ...]
    studies: tuple[str, ...]
    claims: tuple[str, ...]
    synthetic: tuple[str, ...]  # studies whose result was synthetic (always empty: vault runs only)


def _files(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        out += [Path(dirpath) / f for f in sorted(filenames) if not f.endswith(".pyc")]
    return out


def _tree(root: Path) -> str:
    """SHA-256 over the relative paths and bytes of every file under ``root`` ("-" if absent)."""
    if not root.is_dir():
        return "-"
    h = hashlib.sha256()
    for path in _files(root):
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0" + file_sha256(path).encode("ascii"))
    return h.hexdigest()


def _package_roots() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [here, here.parent / "studies"]


def fingerprint(settings: Any, request: Sequence[str]) -> str:
    """Digest of every input of every study key of ``request`` under ``settings`` (a superset)."""
    parts: list[Any] = [
        LEDGER_VERSION, sorted(request), platform.python_version(), list(library_versions()),
        {k: v for k, v in sorted(os.environ.items()) if k.startswith("ECON_")},
        {"vaults": [str(p) for p in settings.vaults], "snapshot": str(settings.snapshot),
         "cache": str(settings.cache), "paper": str(Path(settings.paper).resolve()),
         "live": bool(settings.live), "synthetic": bool(settings.synthetic)},
        [[str(r), _tree(r)] for r in _package_roots()],
        [[str(r), _tree(Path(r))] for r in settings.roots],
        _tree(Path(settings.imports)),
    ]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def _outputs(paper: Path) -> dict[str, str]:
    return {path.relative_to(paper).as_posix(): file_sha256(path)
            for d in OUTPUT_DIRS for path in _files(paper / d)}


def _path(settings: Any, request: Sequence[str]) -> Path:
    name = hashlib.sha256(json.dumps(sorted(request)).encode("utf-8")).hexdigest()[:24]
    return Path(settings.cache) / "studies" / "ledger" / f"{name}.json"


def record(settings: Any, request: Sequence[str], studies: Iterable[Any],
           input_fingerprints: dict[str, dict[str, str]]) -> bool:
    """Write the ledger of a run that just finished without error; ``False`` when none applies.

    ``input_fingerprints`` are the study cache's input fingerprints per study (see
    :meth:`econ.studycache.StudyCache.input_hashes`). A run with live providers, synthetic data
    or any input not served by a vault gets no ledger (and an old one is removed): its inputs are
    not all files this module can fingerprint.
    """
    path = _path(settings, request)
    studies = list(studies)
    vault_only = (not settings.live and not settings.synthetic and studies
                  and all(s.name in input_fingerprints for s in studies)
                  and all(v.startswith("vault|") for s in studies for v in input_fingerprints[s.name].values()))
    if not vault_only:
        path.unlink(missing_ok=True)
        return False
    payload = {"version": LEDGER_VERSION, "fingerprint": fingerprint(settings, request),
               "request": sorted(request), "studies": [s.name for s in studies],
               "claims": sorted({c for s in studies for c in s.claims}), "synthetic": [],
               "outputs": _outputs(Path(settings.paper))}
    atomic_write_text(path, json.dumps(payload, indent=1, sort_keys=True) + "\n")
    return True


def unchanged(settings: Any, request: Sequence[str]) -> Ledger | None:
    """The ledger of ``request`` when nothing it depends on changed since it was written, else ``None``."""
    try:
        path = _path(settings, request)
        if not path.is_file() or settings.live or settings.synthetic:
            return None
        paper = Path(settings.paper)
        if (paper / STAGING).exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != LEDGER_VERSION or data.get("fingerprint") != fingerprint(settings, request):
            return None
        if data.get("outputs") != _outputs(paper):
            return None
        return Ledger(tuple(data["request"]), tuple(data["studies"]), tuple(data["claims"]),
                      tuple(data["synthetic"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
