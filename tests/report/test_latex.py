"""Table engine: escaping, number formatting, determinism, failure keeps old files."""

import numpy as np
import pandas as pd
import pytest

from econ.report.latex import escape, fmt_number, render_table
from econ.report.macros import format_value, render_macros
from econ.study import Table


def _table():
    frame = pd.DataFrame({"β (diff.)": [0.01304, -0.0198], "p": [0.2745, np.nan], "Note": ["a_b", "50%"]},
                         index=pd.Index(["W", "M"], name="freq"))
    return Table(name="t1", caption="A & B", frame=frame, notes=["x^2 costs $5"], digits={"β (diff.)": 4, "p": 3})


def test_escape_and_numbers():
    assert escape("a_b & 50% $x$") == r"a\_b \& 50\% \$x\$"
    assert fmt_number(np.nan, 2) == "--"
    assert fmt_number(-0.0001, 2) == "0.00"  # no negative zero
    assert fmt_number(1.23456, 3) == "1.235"
    assert fmt_number(float("inf"), 2) == r"{$\infty$}"  # must be braced inside siunitx S columns


def test_render_table_structure():
    tex = render_table(_table())
    assert r"\begin{threeparttable}" in tex and r"\toprule" in tex and r"\bottomrule" in tex
    assert r"\caption{A \& B}" in tex and r"\label{tab:t1}" in tex
    assert "S[table-format=-1.4]" in tex and "S[table-format=1.3]" in tex
    assert "W & 0.0130 & 0.275 & a\\_b \\\\" in tex
    assert "M & -0.0198 & {--} & 50\\% \\\\" in tex
    assert r"\item x\textasciicircum{}2 costs \$5" in tex
    assert r"\documentclass" not in tex  # a fragment, Overleaf-ready


def test_synthetic_warning_and_determinism():
    a = render_table(_table(), synthetic=True)
    assert "SYNTHETIC DATA" in a
    assert a == render_table(_table(), synthetic=True)


def test_estimates_table_stars():
    frame = pd.DataFrame({"(1)": [0.5, 0.1, 0.001], "(2)": [0.2, 0.2, 0.4]}, index=["x", "x__se", "x__p"])
    tex = render_table(Table(name="e", caption="c", frame=frame, kind="estimates", digits=2))
    assert "0.50$^{***}$" in tex and "(0.10)" in tex and "0.20 &" not in tex.split("x & ")[1].split("\\\\")[0][:5]
    assert "Standard errors in parentheses" in tex


def test_macros():
    tex = render_macros({"A1_trough": -625.44, "A2_p": 0.2745, "n": 592, "d": "2023-06-30"})
    assert r"\csname res@A1_trough\endcsname{\textminus{}625}" in tex
    assert r"\csname res@A2_p\endcsname{0.275}" in tex
    assert format_value(1.234) == "1.23"


def test_failed_study_keeps_previous_tables(tmp_path):
    from econ.config import Settings
    from econ.runner import run_studies
    from econ.study import PartResult, Study, StudyResult
    from econ.verdict import Registry

    registry = Registry.from_dict({"claims": [{"id": "Z1", "seed": "x", "statement": "s", "study": "good", "parts": [
        {"name": "b", "kind": "value", "quantity": "q", "headline": "h", "value": 1.0}]}]})

    class Good(Study):
        name, title, claims, parts = "good", "g", ("Z1",), ("Z1.b",)

        def run(self, loader, *, progress=None):
            return StudyResult(study="good", parts=[PartResult("Z1", "b", estimate=1.0, ci=(0.5, 1.5))],
                               tables=[_table()])

    class Bad(Good):
        def run(self, loader, *, progress=None):
            raise RuntimeError("boom")

    settings = Settings.resolve(vault=None, cache=tmp_path / "c", paper=tmp_path / "p", synthetic=True)
    run_studies([Good()], settings, registry=registry)
    before = (tmp_path / "p" / "tables" / "t1.tex").read_bytes()
    report = run_studies([Bad()], settings, registry=registry)
    assert "boom" in report.errors["good"]
    assert (tmp_path / "p" / "tables" / "t1.tex").read_bytes() == before


@pytest.mark.vault
def test_regenerating_gives_identical_bytes(vault, tmp_path):
    from econ.config import Settings
    from econ.runner import run_studies
    from studies import resolve

    outs = []
    for k in range(2):
        settings = Settings.resolve(vault=vault, cache=tmp_path / f"c{k}", paper=tmp_path / f"p{k}")
        run_studies(resolve(["A1", "A2"]), settings, png=False)
        outs.append({p.name: p.read_bytes() for p in sorted((tmp_path / f"p{k}").rglob("*"))
                     if p.is_file() and p.name not in ("manifest.json", "manifest.tex")})
    assert outs[0].keys() == outs[1].keys() and len(outs[0]) > 10
    for name in outs[0]:
        assert outs[0][name] == outs[1][name], name


def test_claims_table_shows_parts_and_source():
    from econ.report.claims import render_claims_table, short_article
    from econ.verdict import Registry, judge_all

    registry = Registry.from_dict({
        "articles": {"000": "Seed 000: 关于股票市场大小市值风格的再平衡 (Sept–Oct 2023)"},
        "claims": [{"id": "A2", "seed": "000", "statement": "s", "article_numbers": "3 dates", "study": "x",
                    "parts": [{"name": "beta", "kind": "direction", "quantity": "β", "sign": "negative",
                               "headline": "h", "grid": "x/g"}]}]})
    verdicts = judge_all(registry, {"A2.beta": {"estimate": 0.013, "ci": [-0.01, 0.036], "pvalue": 0.274,
                                                "pvalue_adjusted": 0.96}})
    tex = render_claims_table(verdicts, registry)
    assert r"\begin{longtable}" in tex and r"\label{tab:claims}" in tex
    assert "Seed 000 (Sept–Oct 2023)" in tex and r"\textbf{not supported}" in tex
    assert "0.013 [-0.01, 0.036]" in tex and "p 0.274; RW 0.96; Holm 0.96; BH 0.96" in tex
    assert short_article("Seed 002: 财信证券 (Apr 2024)") == "Seed 002 (Apr 2024)"
