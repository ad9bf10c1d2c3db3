"""Shared fixtures: the real vault (skipped when absent), tiny vaults built by tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Small matrices on 2 shared cores: threaded BLAS is 10-30x slower here (measured by the
# estimator tests). Must be set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]


_ENV_VAULT = os.environ.get("ECON_VAULT")  # read once: tests run with ECON_* cleared (below)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch):
    """No test depends on the caller's ECON_* variables; tests that need one set it.

    The shipped snapshot of the public vault is left out (``ECON_SNAPSHOT=0``): a test sees
    exactly the vaults it names. Tests of the snapshot and of the default stack turn it on.
    """
    for var in ("ECON_VAULT", "ECON_CACHE", "ECON_PAPER", "ECON_LIVE", "ECON_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ECON_SNAPSHOT", "0")


def _vault_path() -> Path | None:
    env = _ENV_VAULT
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "data" / "raw")
    for c in candidates:
        if (c / "MANIFEST.csv").is_file():
            return c.resolve()
    return None


@pytest.fixture(scope="session")
def vault(tmp_path_factory) -> Path:
    """The real data vault: ``ECON_VAULT``, else ``../shared/data/raw``, else a plain copy of
    the snapshot shipped with the package (extracted and checked by sha256; the snapshot is
    compared file by file with ``../shared/data/raw`` by ``tests/data/test_snapshot.py``
    wherever that folder exists). Skipped only when none of the three is there."""
    path = _vault_path()
    if path is not None:
        return path
    from econ.data.snapshot import default_snapshot, extract

    if default_snapshot() is None:
        pytest.skip("real vault not found (set ECON_VAULT, place ../shared/data/raw, or restore econ/data/vault_snapshot)")
    return extract(tmp_path_factory.mktemp("vault") / "raw")


@pytest.fixture(scope="session")
def vault_loader(vault, tmp_path_factory):
    from econ.config import Settings
    from econ.data.loader import DataLoader

    return DataLoader(Settings.resolve(vault=vault, cache=tmp_path_factory.mktemp("cache"), live=False))


MANIFEST_HEADER = "series_id,file,date_column,value_column,unit,frequency,description\n"


def _make_vault(root: Path, files: dict[str, str], manifest_rows: list[str] | None) -> Path:
    """Write a small vault: ``files`` name -> CSV text; ``manifest_rows`` None = no MANIFEST."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    if manifest_rows is not None:
        (root / "MANIFEST.csv").write_text(MANIFEST_HEADER + "".join(r + "\n" for r in manifest_rows), encoding="utf-8")
    return root


@pytest.fixture
def make_vault():
    """Factory writing a small vault folder (see ``_make_vault``)."""
    return _make_vault


def verdicts_of(*results):
    """Claim id -> the engine's verdict for in-memory study results (``econ.runner.judge_results``)."""
    from econ.runner import judge_results

    return {v.claim: v for v in judge_results(list(results)) if v.study in {r.study for r in results}}


def outcomes_of(verdict):
    """Part name -> outcome (as text) of one claim verdict."""
    return {p.name: str(p.outcome) for p in verdict.parts}
