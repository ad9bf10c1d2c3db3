"""The paper builds from a fresh regeneration: no LaTeX errors, no undefined references, no
overfull boxes. Skipped where latexmk is not installed (CI installs it)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from econ.config import Settings
from econ.runner import run_studies

pytestmark = pytest.mark.vault
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("latexmk") is None, reason="latexmk not installed (apt-get install latexmk)")
def test_paper_builds_cleanly(vault, tmp_path):
    from studies import resolve

    paper = tmp_path / "paper"
    shutil.copytree(REPO / "paper", paper, ignore=shutil.ignore_patterns("*.aux", "*.log", "*.pdf", "*.fls",
                                                                           "*.fdb_latexmk", "*.out"))
    report = run_studies(resolve(["all"]), Settings.resolve(vault=vault, cache=tmp_path / "c", paper=paper),
                         png=False)
    assert not report.errors, report.errors
    proc = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "main.tex"],
                          cwd=paper, capture_output=True, text=True, timeout=600)
    log = (paper / "main.log").read_text(errors="replace")
    assert proc.returncode == 0, log[-3000:]
    assert (paper / "main.pdf").stat().st_size > 10_000
    assert not re.search(r"^! ", log, re.M)
    assert "undefined" not in log.lower().replace("undefined control", ""), re.findall(r".*undefined.*", log)[:5]
    overfull = re.findall(r"Overfull \\hbox \((\d+\.\d+)pt too wide\)", log)
    assert not [w for w in overfull if float(w) > 1.0], overfull
    assert "??" not in subprocess.run(["pdftotext", "main.pdf", "-"], cwd=paper, capture_output=True,
                                      text=True).stdout if shutil.which("pdftotext") else True
