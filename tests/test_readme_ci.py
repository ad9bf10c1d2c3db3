"""README's test command and .ci/run stay identical; the README's install command works as written."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _readme_block(title: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    part = text.split(title, 1)[1]
    return re.search(r"```bash\n(.+?)\n```", part, re.S).group(1).strip()


def test_ci_runs_exactly_the_readme_test_command():
    readme_cmd = _readme_block("**Run the tests**")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert readme_cmd in ci


def test_readme_main_command_needs_nothing_beside_the_clone():
    """Command one installs and builds the paper from the data shipped with the package."""
    from econ.data.snapshot import SNAPSHOT_DIR, verify

    cmd = _readme_block("**Install and run the main job**")
    assert "pip install -e ." in cmd and "econ paper" in cmd
    assert "../shared" not in cmd and "ECON_VAULT" not in cmd
    assert SNAPSHOT_DIR.is_relative_to(REPO) and verify() == []


def test_packaging_ships_the_snapshot_and_the_test_extra_has_akshare():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "data/vault_snapshot/*" in project["tool"]["setuptools"]["package-data"]["econ"]
    assert any(d.startswith("akshare") for d in project["project"]["optional-dependencies"]["test"])
    assert any(d.startswith("openpyxl") for d in project["project"]["dependencies"])
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
