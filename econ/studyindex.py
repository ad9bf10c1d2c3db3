"""The studies of the ``studies`` package without importing them, when their code is unchanged.

Importing every study module to learn its name, claims, parts and series pulls in
statsmodels, arch, scipy and matplotlib (seconds), while a rerun with nothing changed needs
none of them: every result comes from the study cache (:mod:`econ.studycache`). This module
records, per study module and keyed by :func:`econ.studycache.code_digest` of that module (its
source, every project module it imports, the package data and the claims registry), what the
module's ``STUDY`` declares: ``<cache>/studies/modules/<module>-<digest>.json``. A
:class:`LazyStudy` built from such a record answers ``name``, ``claims``, ``parts``, ``series``
and the cache identity of its class; anything else (``run``, ``title``...) imports the module
first. A module whose code changed, or never seen, is imported (and recorded) at once.

The record is a function of the code only (the declarations are module constants and
registry look-ups); a study whose declarations depended on anything else would need the import.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path
from typing import Any

from econ.io import atomic_write_text
from econ.studycache import code_digest, study_identity

__all__ = ["LazyStudy", "lazy_registry", "lazy_resolve", "study_modules"]

#: Bump when the record's fields change.
INDEX_VERSION = "1"
PACKAGE = "studies"


class LazyStudy:
    """A study known from its record; imported on first use of anything not recorded.

    Parameters
    ----------
    module
        The module holding ``STUDY`` (e.g. ``studies.bands``).
    record
        Its recorded declarations (see the module docstring).
    """

    def __init__(self, module: str, record: dict[str, Any]) -> None:
        self.module = module
        self.name: str = record["name"]
        self.claims: tuple[str, ...] = tuple(record["claims"])
        self.parts: tuple[str, ...] = tuple(record["parts"])
        self.series: tuple[str, ...] = tuple(record["series"])
        #: ``(module, qualname)`` of the study's class (see :func:`econ.studycache.study_identity`)
        self.cache_identity: tuple[str, str] = (record["class_module"], record["class_qualname"])
        self._study: Any = None

    @property
    def study(self) -> Any:
        """The module's ``STUDY`` (imports the module)."""
        if self._study is None:
            self._study = importlib.import_module(self.module).STUDY
        return self._study

    def __getattr__(self, attr: str) -> Any:  # only for what the record does not hold
        if attr.startswith("__") or attr == "_study":
            raise AttributeError(attr)
        return getattr(self.study, attr)

    def __reduce__(self) -> tuple[Any, tuple[str]]:  # a worker process gets the real study
        return _import_study, (self.module,)

    def __repr__(self) -> str:
        return f"LazyStudy({self.module!r}, name={self.name!r})"


def _import_study(module: str) -> Any:
    return importlib.import_module(module).STUDY


def _record_of(study: Any) -> dict[str, Any]:
    module, qualname = study_identity(study)
    return {"version": INDEX_VERSION, "name": study.name, "claims": list(study.claims),
            "parts": list(study.parts), "series": list(study.series), "class_module": module,
            "class_qualname": qualname}


def study_modules() -> list[str]:
    """Study module names in the order of :func:`studies.registry` (module name), without importing them."""
    pkg = sys.modules.get(PACKAGE) or importlib.import_module(PACKAGE)
    return [f"{PACKAGE}.{m.name}" for m in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name)
            if not m.name.startswith("_") and m.name != "common"]


def lazy_registry(folder: str | Path) -> dict[str, Any]:
    """Module name (without the package) -> study, like :func:`studies.registry`.

    Studies whose module's code digest has a record under ``folder`` are :class:`LazyStudy`;
    the others are imported and recorded. Modules without a ``STUDY`` are recorded as such.
    """
    from econ.study import Study

    folder = Path(folder)
    out: dict[str, Any] = {}
    for module in study_modules():
        path = folder / f"{module}-{code_digest(module)}.json"
        record = None
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if record.get("version") != INDEX_VERSION:
                record = None
        except (OSError, ValueError, AttributeError):
            record = None
        short = module.rpartition(".")[2]
        if record is not None:
            if record.get("name") is not None:
                out[short] = LazyStudy(module, record)
            continue
        study = getattr(importlib.import_module(module), "STUDY", None)
        if isinstance(study, Study):
            out[short] = study
            record = _record_of(study)
        else:
            record = {"version": INDEX_VERSION, "name": None}
        try:
            atomic_write_text(path, json.dumps(record, sort_keys=True) + "\n")
        except OSError:  # a read-only cache: the next run imports again
            pass
    return out


def lazy_resolve(names: list[str] | tuple[str, ...], folder: str | Path) -> list[Any]:
    """:func:`studies.resolve` over :func:`lazy_registry` (module names, claim ids or ``all``)."""
    return select(lazy_registry(folder), names)


def select(reg: dict[str, Any], names: list[str] | tuple[str, ...]) -> list[Any]:
    """Studies of ``reg`` named by module name or by a claim id they test; ``all`` (or nothing) for all."""
    if not names or any(n.lower() == "all" for n in names):
        return list(reg.values())
    chosen: list[Any] = []
    for n in names:
        hits = [s for key, s in reg.items() if key == n] or [s for s in reg.values() if n.upper() in s.claims]
        if not hits:
            known = ", ".join(f"{k} ({'/'.join(s.claims)})" for k, s in reg.items())
            raise KeyError(f"no study is named or tests a claim '{n}'. Studies: {known}")
        for s in hits:
            if s not in chosen:
                chosen.append(s)
    return chosen
