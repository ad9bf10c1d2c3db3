"""Fault injection on a copy of the real vault: one fault per test, built at test time.

The real vault is copied once per session into a temporary folder (never into the
repository); each test gets its own vault of symbolic links to that copy and replaces only
the file it breaks (:meth:`FaultVault.write` removes the link first, so the copy is never
written through). Tests are skipped when the real vault is absent, as in ``tests/conftest.py``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from econ.config import Settings
from econ.data.loader import DataLoader


class FaultVault:
    """A writable vault folder whose files are links to a pristine copy of the real vault."""

    def __init__(self, root: Path, pristine: Path, cache: Path) -> None:
        self.root, self.pristine, self.cache = root, pristine, cache
        root.mkdir(parents=True)
        for f in pristine.iterdir():
            (root / f.name).symlink_to(f)

    def read(self, name: str) -> pd.DataFrame:
        """A vault file as text cells (exactly what the file holds)."""
        return pd.read_csv(self.pristine / name, dtype=str, keep_default_na=False)

    def write(self, name: str, frame: pd.DataFrame | str) -> Path:
        """Replace ``name`` in this vault only (the link is removed, the copy untouched)."""
        path = self.root / name
        if path.is_symlink() or path.exists():
            path.unlink()
        if isinstance(frame, str):
            path.write_text(frame, encoding="utf-8")
        else:
            frame.to_csv(path, index=False, lineterminator="\n")
        return path

    def edit(self, name: str, change: Callable[[pd.DataFrame], pd.DataFrame | None]) -> Path:
        """Read ``name``, apply ``change`` (in place or returning a new frame) and write it back."""
        frame = self.read(name)
        out = change(frame)
        return self.write(name, frame if out is None else out)

    def manifest_unit(self, series_id: str, unit: str) -> None:
        """Declare another unit for ``series_id`` in this vault's MANIFEST.csv."""
        man = self.read("MANIFEST.csv")
        man.loc[man["series_id"] == series_id, "unit"] = unit
        self.write("MANIFEST.csv", man)

    def loader(self) -> DataLoader:
        """A fresh loader on this vault with its own cache."""
        return DataLoader(Settings.resolve(vault=self.root, cache=self.cache, live=False))


@pytest.fixture(scope="session")
def pristine_vault(vault, tmp_path_factory) -> Path:
    """A copy of the real vault, made once per test session."""
    dest = tmp_path_factory.mktemp("vault_copy") / "raw"
    shutil.copytree(vault, dest)
    return dest


@pytest.fixture
def fault_vault(pristine_vault, tmp_path) -> FaultVault:
    """A vault to break: links to the session copy, files replaced one at a time."""
    return FaultVault(tmp_path / "vault", pristine_vault, tmp_path / "cache")


@pytest.fixture(scope="session")
def real_loader(pristine_vault, tmp_path_factory) -> DataLoader:
    """A loader on the untouched copy (the reference every fault is compared with)."""
    return DataLoader(Settings.resolve(vault=pristine_vault, cache=tmp_path_factory.mktemp("real_cache"), live=False))
