"""A synthetic run is stamped SYNTHETIC everywhere a reader looks: title, abstract, every
number quoted in the prose, tables and figures (issue 10 part 4). Needs no vault."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from econ.report.macros import render_macros

REPO = Path(__file__).resolve().parents[2]


def test_macros_mark_every_synthetic_value_and_set_the_flag():
    numbers = {"A1_trough": -625.44, "A2_p": 0.2745, "n": 592, "d": "2023-06-30"}
    real, synth = render_macros(numbers), render_macros(numbers, synthetic=True)
    assert r"\synthetictrue" not in real and r"\synmark" not in real
    assert r"\synthetictrue" in synth and r"\@ifundefined{ifsynthetic}{\newif\ifsynthetic}{}" in synth
    defs = [ln for ln in synth.splitlines() if ln.startswith(r"\expandafter\def")]
    assert len(defs) == len(numbers) and all(ln.endswith(r"\synmark{}}") for ln in defs)
    assert r"\csname res@A1_trough\endcsname{\textminus{}625\synmark{}}" in synth
    # the values themselves are the same in both
    assert [re.sub(r"\\synmark\{\}", "", ln) for ln in defs] == \
        [ln for ln in real.splitlines() if ln.startswith(r"\expandafter\def")]


def test_main_tex_stamps_title_and_abstract():
    tex = (REPO / "paper" / "main.tex").read_text(encoding="utf-8")
    assert tex.index(r"\newif\ifsynthetic") < tex.index(r"\input{tables/numbers.tex}")
    title = tex[tex.index(r"\title{"):tex.index(r"\author{")]
    abstract = tex[tex.index(r"\begin{abstract}"):tex.index(r"\end{abstract}")]
    for part in (title, abstract):
        assert re.search(r"\\ifsynthetic.*SYNTHETIC DATA.*\\fi", part, flags=re.S), part[:80]


@pytest.mark.slow
def test_a_synthetic_run_stamps_prose_tables_and_figures(tmp_path):
    from econ.config import Settings
    from econ.runner import run_studies
    from studies import resolve

    paper = tmp_path / "paper"
    settings = Settings.resolve(vault=None, cache=tmp_path / "c", paper=paper, synthetic=True)
    report = run_studies(resolve(["A1"]), settings, png=False)
    assert not report.errors, report.errors
    numbers = (paper / "tables" / "numbers.tex").read_text(encoding="utf-8")
    assert r"\synthetictrue" in numbers
    defs = [ln for ln in numbers.splitlines() if ln.startswith(r"\expandafter\def")]
    assert defs and all(ln.endswith(r"\synmark{}}") for ln in defs)
    tables = [p for p in (paper / "tables").glob("a1_*.tex")]
    assert tables and all("SYNTHETIC DATA" in p.read_text(encoding="utf-8") for p in tables)
    assert "(synthetic)" in (paper / "tables" / "claims.tex").read_text(encoding="utf-8")
    assert list((paper / "figures").glob("a1_*.pdf"))
