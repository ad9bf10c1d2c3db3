"""Where things are: the vaults, the cache and the paper folder, from options or environment.

Precedence for each setting: explicit argument (CLI option) > environment variable > default.

``ECON_VAULT``
    Vault folder(s) (CSV/xlsx files + MANIFEST.csv), highest priority first, separated by
    ``os.pathsep`` (``:`` on Linux/macOS, ``;`` on Windows); ``--vault A --vault B`` on the
    command line does the same. They sit on top of the public snapshot shipped with the
    package, which always comes last (see *Vault priority* below).
``ECON_SNAPSHOT``
    ``0`` to leave the shipped snapshot of the public vault out (then only the named
    vaults, the cache, live providers or ``--synthetic`` serve series).
``ECON_CACHE``
    Parquet cache folder. Default ``~/.cache/econ-sizestyle``.
``ECON_PAPER``
    Paper folder receiving ``tables/`` and ``figures/``. Default ``./paper``.
``ECON_LIVE``
    ``1`` to let live providers (akshare, FRED) fetch what the vaults lack.

Vault priority (the first that lists a series serves all of it; sources are never mixed):

1. series brought in with ``econ data import`` (``<cache>/imports``): an explicit import is
   the user's own source and is never overwritten by a vault on a later run;
2. the vaults named by ``--vault`` / ``ECON_VAULT``, in the order given;
3. the public snapshot (``econ/data/vault_snapshot``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _off(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"0", "false", "no", "off"}


def _paths(value: str | Path | Sequence[str | Path] | None) -> tuple[Path, ...]:
    if value is None:
        env = os.environ.get("ECON_VAULT") or ""
        items: list[str | Path] = [p for p in env.split(os.pathsep) if p.strip()]
    elif isinstance(value, str | Path):
        items = [value]
    else:
        items = list(value)
    out: list[Path] = []
    for item in items:
        p = Path(item).expanduser().resolve()
        if p not in out:
            out.append(p)
    return tuple(out)


@dataclasses.dataclass(frozen=True)
class Settings:
    """Resolved locations and switches for one run.

    Attributes
    ----------
    vaults
        The user's vault folders, highest priority first (may be empty).
    cache, paper
        Parquet cache and paper folder.
    live, synthetic
        Live providers on; synthetic data only.
    snapshot
        The shipped public snapshot (last in priority), or ``None`` when left out/absent.
    """

    vaults: tuple[Path, ...]
    cache: Path
    paper: Path
    live: bool = False
    synthetic: bool = False
    snapshot: Path | None = None

    @property
    def roots(self) -> tuple[Path, ...]:
        """Every vault folder in priority order: the user's, then the snapshot."""
        return self.vaults + ((self.snapshot,) if self.snapshot is not None else ())

    @property
    def vault(self) -> Path | None:
        """The highest-priority vault folder (the snapshot when no other is named), or ``None``."""
        return self.roots[0] if self.roots else None

    @property
    def imports(self) -> Path:
        """The folder ``econ data import`` writes (a vault of its own, first in priority)."""
        return self.cache / "imports"

    @classmethod
    def resolve(
        cls,
        *,
        vault: str | Path | Sequence[str | Path] | None = None,
        cache: str | Path | None = None,
        paper: str | Path | None = None,
        live: bool | None = None,
        synthetic: bool = False,
        snapshot: bool | None = None,
    ) -> Settings:
        from econ.data.snapshot import default_snapshot

        c = cache if cache is not None else os.environ.get("ECON_CACHE") or Path.home() / ".cache" / "econ-sizestyle"
        p = paper if paper is not None else os.environ.get("ECON_PAPER") or Path.cwd() / "paper"
        use_snapshot = (not _off("ECON_SNAPSHOT")) if snapshot is None else snapshot
        return cls(
            vaults=_paths(vault if vault not in ([], ()) else None),
            cache=Path(c).expanduser(),
            paper=Path(p).expanduser(),
            live=_flag("ECON_LIVE") if live is None else live,
            synthetic=synthetic,
            snapshot=default_snapshot() if use_snapshot else None,
        )
