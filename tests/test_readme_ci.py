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


def test_readme_main_command_names_the_vault_and_the_paper():
    cmd = _readme_block("**Install and run the main job**")
    assert "pip install -e ." in cmd and "econ paper" in cmd and "ECON_VAULT=" in cmd
