"""Study modules, one per claim family. Each module defines ``STUDY`` (an ``econ.study.Study``).

:func:`registry` finds them; :func:`resolve` turns command-line names (a module name, a
claim id such as ``A1``, or ``all``) into studies.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from econ.study import Study


@lru_cache(maxsize=1)
def registry() -> dict[str, Study]:
    """Module name → study, in module-name order."""
    out: dict[str, Study] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "common":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        study = getattr(module, "STUDY", None)
        if isinstance(study, Study):
            out[info.name] = study
    return out


def resolve(names: list[str] | tuple[str, ...]) -> list[Study]:
    """Studies named by module name or by any claim id they test; ``all`` (or nothing) for all."""
    from econ.studyindex import select

    return select(registry(), names)
