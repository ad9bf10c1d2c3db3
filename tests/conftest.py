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
    """No test depends on the caller's ECON_* variables; tests that need one set it."""
    for var in ("ECON_VAULT", "ECON_CACHE", "ECON_PAPER", "ECON_LIVE"):
        monkeypatch.delenv(var, raising=False)


def _vault_path() -> Path | None:
    env = _ENV_VAULT
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "data" / "raw")
    for c in candidates:
        if (c / "MANIFEST.csv").is_file():
            return c.resolve()
    return None


@pytest.fixture(scope="session")
def vault() -> Path:
    """The real data vault; tests using it are skipped when it is not on this machine."""
    path = _vault_path()
    if path is None:
        pytest.skip("real vault not found (set ECON_VAULT or place ../shared/data/raw)")
    return path


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
