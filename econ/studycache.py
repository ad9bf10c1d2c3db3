"""Content-addressed cache of whole study results: a rerun with nothing changed computes nothing.

A study's :class:`~econ.study.StudyResult` is pickled whole (new fields travel with it) under a
key that hashes

* the study's name and class and the *code it runs*: the source of its module and of every module of
  the project it imports, directly or not (found by reading the ``import`` statements of
  each file, including imports inside functions), plus the package data files of ``econ``
  (the series catalog) and the claims registry ``studies/claims.toml`` where it exists;
* the versions of Python and of the numerical libraries (see
  :func:`econ.robust.cache.library_versions`), and whether the run is synthetic;
* every input series: the SHA-256 of its dates and values as the loader serves them (so the
  loader's checks still run on every rerun, and a series that no longer loads is part of
  the key as "missing"). The inputs are the series the study read the last time, recorded
  per code key (like the grid cache), plus the series it declares.

A change in an input or in the code a study imports therefore reruns that study only.
Entries are sealed with a checksum (:func:`econ.robust.cache.seal`): a damaged entry is
removed with a notice and the study recomputes. The wall time of the last computation of
each study is kept in ``costs.json``, so parallel runs can start the costliest first.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import re
import sys
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from econ.io import atomic_write_text
from econ.robust.cache import (
    library_versions,
    read_sealed_pickle,
    series_sha256,
    write_sealed_pickle,
)

__all__ = ["StudyCache", "code_digest", "import_closure", "study_identity"]

#: Bump to invalidate every cached study result.
STUDY_CACHE_VERSION = "1"
#: Project packages whose modules count as the study's code.
PROJECT_PACKAGES = ("econ", "studies")


def _sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def _roots() -> dict[str, Path]:
    """Folder of each project package (``econ`` beside this file; ``studies`` beside it)."""
    here = Path(__file__).resolve().parent
    out = {"econ": here}
    mod = sys.modules.get("studies")
    path = getattr(mod, "__path__", None)
    out["studies"] = Path(list(path)[0]).resolve() if path else here.parent / "studies"
    return out


def _module_file(name: str, roots: Mapping[str, Path]) -> Path | None:
    top, _, rest = name.partition(".")
    if top not in roots:
        return None
    return _module_file_in(name, str(roots[top]))


@functools.lru_cache(maxsize=8192)
def _module_file_in(name: str, root: str) -> Path | None:
    """The file of module ``name`` under its package folder ``root`` (memoised per process, like
    :func:`code_digest`: a closure walk asks for the same names thousands of times)."""
    rest = name.partition(".")[2]
    base = Path(root).joinpath(*rest.split(".")) if rest else Path(root)
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def _module_name(path: Path, roots: Mapping[str, Path]) -> str:
    for top, root in roots.items():
        try:
            rel = path.relative_to(root)
        except ValueError:
            continue
        parts = [top, *rel.with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)
    raise ValueError(path)


_FROM = re.compile(r"^[ \t]*from[ \t]+([.\w]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#]+)", re.M)


@functools.lru_cache(maxsize=1024)
def _imports_of(path: str, mtime_ns: int, size: int, module: str, is_package: bool) -> frozenset[str]:
    """Absolute names of the modules a file imports (and of the names it imports from them).

    Read from ``import`` / ``from ... import`` lines anywhere in the file (imports inside
    functions count); a match inside a string only adds a module, which is conservative.
    """
    text = Path(path).read_text(encoding="utf-8")
    package = module if is_package else module.rpartition(".")[0]
    out: set[str] = set()
    for m in _IMPORT.finditer(text):
        out.update(part.split(" as ")[0].strip() for part in m.group(1).split(","))
    for m in _FROM.finditer(text):
        src = m.group(1)
        if src.startswith("."):
            level = len(src) - len(src.lstrip("."))
            base = package.split(".")
            base = base[: len(base) - level + 1]
            rest = src.lstrip(".")
            src = ".".join(base + ([rest] if rest else []))
        out.add(src)
        for name in re.split(r"[\s,()]+", m.group(2)):
            name = name.split(" as ")[0].strip()
            if name and name != "as" and name.isidentifier():
                out.add(f"{src}.{name}")  # `from pkg import module`
    return frozenset(out)


def _imports(path: Path, module: str) -> frozenset[str]:
    st = path.stat()
    return _imports_of(str(path), st.st_mtime_ns, st.st_size, module, path.name == "__init__.py")


def _prefix_modules(names: Iterable[str], roots: Mapping[str, Path]) -> dict[str, Path]:
    """Every project module that importing ``names`` runs: each name and its parent packages
    that are files (``econ.models.x.f`` -> ``econ``, ``econ.models``, ``econ.models.x``)."""
    out: dict[str, Path] = {}
    for name in names:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            sub = ".".join(parts[:i])
            if sub not in out:
                path = _module_file(sub, roots)
                if path is not None:
                    out[sub] = path
    return out


@functools.lru_cache(maxsize=2048)
def _direct_modules(path: str, mtime_ns: int, size: int, module: str,
                    roots_key: tuple[tuple[str, str], ...]) -> tuple[tuple[str, Path], ...]:
    """The project modules one file imports, directly (memoised by the file's version)."""
    roots = {k: Path(v) for k, v in roots_key}
    names = _imports_of(path, mtime_ns, size, module, Path(path).name == "__init__.py")
    return tuple(_prefix_modules(sorted(names), roots).items())


def import_closure(module: str) -> list[Path]:
    """Files of every project module that importing ``module`` may execute (sorted).

    Parent packages' ``__init__`` files count (importing ``econ.models.x`` runs
    ``econ/models/__init__.py``).
    """
    roots = _roots()
    roots_key = tuple(sorted((k, str(v)) for k, v in roots.items()))
    seen: dict[str, Path] = {}
    outside = getattr(sys.modules.get(module), "__file__", None)
    if module.partition(".")[0] not in roots and outside:  # a study kept outside the project
        out = Path(outside).resolve()
        seen[module] = out
        todo = list(_prefix_modules(sorted(_imports_of(str(outside), out.stat().st_mtime_ns, out.stat().st_size,
                                                       module, out.name == "__init__.py")), roots).items())
    else:
        todo = list(_prefix_modules([module], roots).items())
    while todo:
        name, path = todo.pop()
        if name in seen:
            continue
        seen[name] = path
        st = os.stat(path)
        todo.extend(d for d in _direct_modules(str(path), st.st_mtime_ns, st.st_size, name, roots_key)
                    if d[0] not in seen)
    return sorted(set(seen.values()))


def _data_files(root: Path) -> list[Path]:
    return list(_data_files_in(str(root)))


@functools.lru_cache(maxsize=16)
def _data_files_in(root: str) -> tuple[Path, ...]:
    """Package data files under ``root`` (listed once per process)."""
    return tuple(sorted(p for p in Path(root).rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
                        and "__pycache__" not in p.parts and not p.name.startswith(".")))


@functools.lru_cache(maxsize=64)
def code_digest(module: str) -> str:
    """SHA-256 of the code a study module runs (see the module docstring)."""
    roots = _roots()
    h = hashlib.sha256()
    files = import_closure(module) + _data_files(roots["econ"])
    claims = roots["studies"] / "claims.toml"
    if claims.is_file():
        files.append(claims)
    base = str(roots["econ"].parent) + os.sep
    for p in files:
        name = str(p)  # its path relative to the project folder where it lies inside it
        h.update((name[len(base):] if name.startswith(base) else name).encode())
        h.update(b"\0")
        st = os.stat(name)
        h.update(_file_sha256(name, st.st_mtime_ns, st.st_size).encode())  # read once per process and version
    return h.hexdigest()


@functools.lru_cache(maxsize=4096)
def _file_sha256(path: str, mtime_ns: int, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _sha_file(path: Path) -> str:
    st = path.stat()
    return _file_sha256(str(path), st.st_mtime_ns, st.st_size)


def _vault_file(root: Path, name: str) -> Path:
    """The vault file ``name`` as stored: ``X`` or, in the shipped snapshot, ``X.xz``."""
    path = root / name
    return path if path.is_file() else path.with_name(path.name + ".xz")


_ROWS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _manifest_rows(vault: Any) -> dict[str, list[str]]:
    """Series id -> its manifest row as text (``file`` first), once per vault provider (a
    provider reads its manifest once, when it is made)."""
    if vault not in _ROWS:
        man = vault.manifest
        cols = ["file", *[c for c in man.columns if c != "file"]]
        _ROWS[vault] = {str(sid): [str(v) for v in vals] for sid, vals in zip(man.index, man[cols].to_numpy().tolist(),
                                                                             strict=True)}
    return _ROWS[vault]


def _vault_fingerprint(loader: Any, sid: str) -> str | None:
    """Fingerprint of a vault-served series from file bytes; ``None`` when no vault serves it.

    The vault that serves it (the first of the stack whose manifest lists every part), that
    vault's whole ``MANIFEST.csv``, the part's manifest row and file (or its ``.xz`` form), and
    the ``ACCEPT.csv`` of every vault (the declared acceptances the loader's checks use).
    """
    stack = getattr(loader, "vault", None)
    if stack is None or getattr(loader.settings, "synthetic", False):
        return None
    try:
        spec = loader.spec(sid)
        finder = getattr(stack, "provider_for", None)
        vault = finder(spec) if finder is not None else (stack if stack.serves(spec) else None)
        if vault is None:
            return None
        root = Path(vault.root)
        parts = [f"{vault.name}:{root}", f"manifest:{_sha_file(root / 'MANIFEST.csv')}"]
        for r in getattr(stack, "roots", [root]):
            accept = Path(r) / "ACCEPT.csv"
            parts.append(f"accept:{r}:{_sha_file(accept) if accept.is_file() else '-'}")
        rows = _manifest_rows(vault)
        for part in spec.vault_parts:
            row = rows[part]
            parts.append(json.dumps([part, row, _sha_file(_vault_file(root, row[0]))]))
    except (AttributeError, KeyError, OSError, TypeError, ValueError):
        return None  # anything unexpected: fall back to reading the series
    return "vault|" + _sha("|".join(parts)) + f"|{spec.unit}"


def _served_fingerprint(loader: Any, sid: str) -> str:
    f = loader.fetch(sid)
    return f"{series_sha256(f.series)}|{f.unit}|{f.provider}|{bool(f.synthetic)}"


def study_identity(study: Any) -> tuple[str, str]:
    """``(module, qualname)`` of a study's class, part of its cache key.

    A :class:`econ.studyindex.LazyStudy` carries the recorded identity of the class of the
    study it stands for, so a study not yet imported has the same key as the imported one.
    """
    ident = study.__dict__.get("cache_identity") if hasattr(study, "__dict__") else None
    return tuple(ident) if ident else (type(study).__module__, type(study).__qualname__)  # type: ignore[return-value]


class StudyCache:
    """Pickled study results under ``folder`` (``entries/``, ``inputs/``, ``costs.json``)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    # ---- keys
    def base_key(self, study: Any, *, synthetic: bool) -> str:
        """Key of everything but the input data (study, code, versions, synthetic)."""
        module, qualname = study_identity(study)
        return _sha(json.dumps([STUDY_CACHE_VERSION, study.name, module, qualname, code_digest(module),
                                library_versions(), platform.python_version(), bool(synthetic)]))

    def recorded_inputs(self, base: str) -> list[str] | None:
        try:
            return list(json.loads((self.folder / "inputs" / f"{base}.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    @staticmethod
    def input_hashes(loader: Any, ids: Iterable[str]) -> dict[str, str]:
        """A fingerprint of each input series, or why it cannot be served.

        A series the vault serves is fingerprinted by the bytes of its vault file(s), its
        manifest row and the whole ``MANIFEST.csv`` (without parsing: the reading and checking
        code is part of the code key, so unchanged bytes read the same way). Any other series
        by the SHA-256 of its dates and values as the loader serves it.
        """
        from econ.data.errors import DataError

        out = {}
        for sid in sorted(set(ids)):
            try:
                out[sid] = _vault_fingerprint(loader, sid) or _served_fingerprint(loader, sid)
            except DataError as exc:
                out[sid] = f"missing|{type(exc).__name__}"
        return out

    @staticmethod
    def full_key(base: str, hashes: Mapping[str, str]) -> str:
        return _sha(json.dumps([base, sorted(hashes.items())]))

    # ---- entries
    def get(self, key: str) -> Any | None:
        """The cached StudyResult, or ``None`` (missing; damaged: removed with a notice)."""
        return read_sealed_pickle(self.folder / "entries" / f"{key}.pkl", "study-cache entry")

    def put(self, base: str, hashes: Mapping[str, str], result: Any) -> str:
        key = self.full_key(base, hashes)
        write_sealed_pickle(self.folder / "entries" / f"{key}.pkl", result)
        atomic_write_text(self.folder / "inputs" / f"{base}.json", json.dumps(sorted(hashes)))
        return key

    # ---- measured costs (for balancing parallel runs)
    def costs(self) -> dict[str, float]:
        try:
            data = json.loads((self.folder / "costs.json").read_text(encoding="utf-8"))
            return {str(k): float(v) for k, v in data.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            return {}

    def record_costs(self, seconds: Mapping[str, float]) -> None:
        if not seconds:
            return
        costs = self.costs()
        costs.update({k: round(float(v), 3) for k, v in seconds.items()})
        atomic_write_text(self.folder / "costs.json", json.dumps(dict(sorted(costs.items())), indent=1) + "\n")
