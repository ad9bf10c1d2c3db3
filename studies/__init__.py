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
    reg = registry()
    if not names or any(n.lower() == "all" for n in names):
        return list(reg.values())
    chosen: list[Study] = []
    for n in names:
        hits = [s for key, s in reg.items() if key == n] or \
               [s for s in reg.values() if n.upper() in s.claims]
        if not hits:
            known = ", ".join(f"{k} ({'/'.join(s.claims)})" for k, s in reg.items())
            raise KeyError(f"no study is named or tests a claim '{n}'. Studies: {known}")
        for s in hits:
            if s not in chosen:
                chosen.append(s)
    return chosen
