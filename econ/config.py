"""Where things are: the vault, the cache and the paper folder, from options or environment.

Precedence for each setting: explicit argument (CLI option) > environment variable > default.

``ECON_VAULT``
    Vault folder (CSV files + MANIFEST.csv). No default: without it only the cache, live
    providers or ``--synthetic`` can serve series.
``ECON_CACHE``
    Parquet cache folder. Default ``~/.cache/econ-sizestyle``.
``ECON_PAPER``
    Paper folder receiving ``tables/`` and ``figures/``. Default ``./paper``.
``ECON_LIVE``
    ``1`` to let live providers (akshare, FRED) fetch what the vault lacks.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclasses.dataclass(frozen=True)
class Settings:
    """Resolved locations and switches for one run."""

    vault: Path | None
    cache: Path
    paper: Path
    live: bool = False
    synthetic: bool = False

    @classmethod
    def resolve(
        cls,
        *,
        vault: str | Path | None = None,
        cache: str | Path | None = None,
        paper: str | Path | None = None,
        live: bool | None = None,
        synthetic: bool = False,
    ) -> Settings:
        v = vault if vault is not None else os.environ.get("ECON_VAULT") or None
        c = cache if cache is not None else os.environ.get("ECON_CACHE") or Path.home() / ".cache" / "econ-sizestyle"
        p = paper if paper is not None else os.environ.get("ECON_PAPER") or Path.cwd() / "paper"
        return cls(
            vault=Path(v).expanduser().resolve() if v else None,
            cache=Path(c).expanduser(),
            paper=Path(p).expanduser(),
            live=_flag("ECON_LIVE") if live is None else live,
            synthetic=synthetic,
        )
