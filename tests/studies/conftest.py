"""Loaders on the real vault for the studies' tests (a test module may define its own)."""

from __future__ import annotations

import pytest

from econ.config import Settings
from econ.data.loader import DataLoader


@pytest.fixture(scope="module")
def loader(vault, tmp_path_factory) -> DataLoader:
    """One loader per test module: its memos are shared by the module's tests."""
    return DataLoader(Settings.resolve(vault=vault, cache=tmp_path_factory.mktemp("c"), live=False))


@pytest.fixture
def fresh_loader(vault, tmp_path) -> DataLoader:
    """A second loader on the same vault: nothing memoised yet."""
    return DataLoader(Settings.resolve(vault=vault, cache=tmp_path / "c", live=False))
