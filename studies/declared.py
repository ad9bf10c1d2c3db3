"""The claims registry of this package's studies (``studies/claims.toml``) and grid helpers.

A study reads its parts' declarations from here (claimed sign, headline specification, grid)
so every such decision lives in the registry, once.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from econ import verdict
from econ.study import GridRun
from econ.verdict import PartSpec, Registry

PATH = Path(__file__).with_name("claims.toml")


@functools.cache
def registry() -> Registry:
    """The package's claims registry (read and validated once per process)."""
    return Registry.load(PATH)


def part(key: str) -> PartSpec:
    """The declaration of part ``"<claim>.<part>"``."""
    claim, _, name = key.partition(".")
    return registry().claim(claim).part(name)


def headline(key: str) -> str:
    """The headline specification of a part (a grid's spec key where the part has a grid)."""
    return part(key).headline


def grid_run(key: str, result: Any, *, label: str = "", one_sided: bool = False) -> GridRun:
    """The :class:`GridRun` of the grid that part ``key`` declares, with its sign and headline.

    ``one_sided``: its Romano–Wolf p-values test against the claimed sign only.
    """
    p = part(key)
    if not p.grid:
        raise ValueError(f"part {key} declares no grid in the registry")
    return GridRun(name=p.grid.split("/", 1)[1], claim=p.claim, sign_claimed=p.sign, result=result,
                   headline=p.headline, label=label, one_sided=one_sided)


def reproduces(key: str, estimate: float) -> bool:
    """Whether ``estimate`` reproduces the article's number of value part ``key`` (the engine's rule).

    For descriptive specification grids that mark each spec as matching the article or not.
    """
    return verdict.reproduces(part(key), estimate)
