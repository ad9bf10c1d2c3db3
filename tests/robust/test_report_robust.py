"""Report side of robustness: curve figures and files, the curve summary, adjusted p in the claims table."""

import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from econ.report import figures as figs
from econ.robust import Grid, GridResult, SpecEstimate
from econ.robust.curve import spec_curve
from econ.runner import publish, rebuild_summaries
from econ.study import GridRun, PartResult, StudyResult
from econ.verdict import Registry

REGISTRY = Registry.from_dict({"claims": [
    {"id": "Z1", "seed": "x", "statement": "s", "study": "zz",
     "parts": [{"name": "beta", "kind": "direction", "quantity": "β", "sign": "negative",
                "headline": "freq=W|sample=all", "grid": "zz/g1"}]},
    {"id": "Z2", "seed": "x", "statement": "s", "study": "zz_other",
     "parts": [{"name": "beta", "kind": "direction", "quantity": "β", "sign": "negative",
                "headline": "freq=W|sample=all"}]}]})


def _grid_run(name="g1", claim="Z1", shift=0.0):
    grid = Grid({"freq": ["W", "M"], "sample": ["all", "late"]})
    specs = list(grid)
    est = [SpecEstimate(estimate=v + shift, se=0.1, pvalue=p, nobs=50)
           for v, p in zip([-0.3, 0.05, -0.2, 0.1], [0.01, 0.6, 0.04, 0.3], strict=True)]
    rng = np.random.default_rng(0)
    res = GridResult(dimensions=list(grid.dimensions), specs=specs, estimates=est)
    res.null_draws = 19
    res.null_estimates = rng.normal(0, 0.1, (19, 4))
    res.null_se = np.full((19, 4), 0.1)
    res.null_pvalues = np.full((19, 4), 0.5)
    return GridRun(name=name, claim=claim, sign_claimed=-1, result=res, headline="freq=W|sample=all", label="β")


def _result(study="zz", grids=None, parts=None):
    default = PartResult("Z1", "beta", estimate=-0.3, se=0.1, pvalue=0.01) if study == "zz" else \
        PartResult("Z2", "beta", estimate=-0.3, se=0.1, pvalue=0.01)
    return StudyResult(study=study, parts=parts or [default], grids=grids or [])


def test_publish_draws_curves_and_rebuild_tabulates(tmp_path):
    res = _result(grids=[_grid_run()])
    written = publish(res, tmp_path, png=False)
    assert tmp_path / "figures" / "zz_g1_curve.pdf" in written
    data = json.loads((tmp_path / "results" / "curves" / "zz_g1.json").read_text())
    assert data["summary"]["n_specs"] == 4 and data["summary"]["share_claimed_sign"] == 0.5
    assert data["figure"] == "figures/zz_g1_curve.pdf" and len(data["specs"]) == 4
    paths = rebuild_summaries(tmp_path, REGISTRY)
    table = (tmp_path / "tables" / "spec_curves.tex").read_text()
    assert "Z1 & g1 & 4 &" in table and "Joint p" in table
    figs_tex = (tmp_path / "tables" / "spec_curve_figures.tex").read_text()
    assert r"\label{fig:curve_zz_g1}" in figs_tex and figs_tex.count(r"\begin{figure}[htbp]") == 1
    macros = (tmp_path / "tables" / "numbers.tex").read_text()
    assert "res@curve_zz_g1_share_significant_claimed" in macros
    # regenerating gives identical bytes
    before = {p: p.read_bytes() for p in paths}
    publish(res, tmp_path, png=False)
    rebuild_summaries(tmp_path, REGISTRY)
    assert {p: p.read_bytes() for p in paths} == before
    assert (tmp_path / "figures" / "zz_g1_curve.pdf").read_bytes() == figs_bytes(res)


def figs_bytes(res):
    import io

    gr = res.grids[0]
    curve = spec_curve(gr.result, sign_claimed=gr.sign_claimed, headline=gr.headline, name=gr.name, claim=gr.claim,
                       label=gr.label)
    fig = figs.draw(curve.figure(name="zz_g1_curve", title=f"{gr.claim}: specification curve (4 specifications)"))
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf", metadata={"CreationDate": None, "ModDate": None, "Producer": "econ",
                                              "Creator": "econ"})
    return buf.getvalue()


def test_stale_curves_are_removed_only_for_their_study(tmp_path):
    publish(_result(grids=[_grid_run("g1"), _grid_run("g2")]), tmp_path, png=False)
    publish(_result(study="zz_other", grids=[_grid_run("g9")]), tmp_path, png=False)
    publish(_result(grids=[_grid_run("g1")]), tmp_path, png=False)
    names = sorted(p.name for p in (tmp_path / "results" / "curves").glob("*.json"))
    assert names == ["zz_g1.json", "zz_other_g9.json"]


def test_grid_p_enters_and_holm_bh_across_parts(tmp_path):
    from econ.runner import judge_published

    publish(_result(grids=[_grid_run()]), tmp_path, png=False)
    publish(_result(study="zz_other", parts=[PartResult("Z2", "beta", estimate=-0.2, se=0.1, pvalue=0.2)]),
            tmp_path, png=False)
    rebuild_summaries(tmp_path, REGISTRY)
    v = {c.claim: c for c in judge_published(tmp_path, REGISTRY)}
    z1, z2 = v["Z1"].parts[0], v["Z2"].parts[0]
    curve = json.loads((tmp_path / "results" / "curves" / "zz_g1.json").read_text())
    head = next(r for r in curve["specs"] if r["key"] == "freq=W|sample=all")
    assert z1.pvalue_adjusted == pytest.approx(head["p_rw"]) and "Romano–Wolf" in z1.adjustment
    base = [z1.pvalue_adjusted, 0.2]  # the grid-adjusted p for Z1, the raw p for Z2 (no grid)
    assert [z1.pvalue_holm, z2.pvalue_holm] == pytest.approx(list(multipletests(base, method="holm")[1]))
    assert [z1.pvalue_bh, z2.pvalue_bh] == pytest.approx(list(multipletests(base, method="fdr_bh")[1]))
    text = (tmp_path / "results" / "claims.json").read_text()
    rows = json.loads(text)
    assert "NaN" not in text and {r["claim"] for r in rows} == {"Z1", "Z2"}
    assert set(rows[0]) >= {"claim", "verdict", "parts", "needs", "registry_sha256"}
    assert set(rows[0]["parts"][0]) >= {"name", "kind", "estimate", "ci", "pvalue", "pvalue_adjusted", "outcome"}


def test_grid_headline_estimate_must_match_its_part(tmp_path):
    from econ.verdict import RegistryError

    publish(_result(grids=[_grid_run()], parts=[PartResult("Z1", "beta", estimate=0.7, pvalue=0.01)]), tmp_path,
            png=False)
    with pytest.raises(RegistryError, match="claim Z1, part beta: estimate 0.7 differs"):
        rebuild_summaries(tmp_path, REGISTRY)


def test_spec_curve_figure_is_deterministic(tmp_path):
    gr = _grid_run()
    curve = spec_curve(gr.result, sign_claimed=-1, headline=gr.headline)
    a = figs.save(curve.figure("c1"), tmp_path / "a", png=True)
    b = figs.save(curve.figure("c1"), tmp_path / "b", png=True)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert a[0].read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("synthetic", [False, True])
def test_lines_figures_unchanged_by_the_new_kind(tmp_path, synthetic):
    # kind="lines" never reaches the curve drawer: same bytes as drawing with kind left at its default
    from econ.study import Figure

    idx = pd.date_range("2020-01-03", periods=60, freq="W-FRI")
    d = pd.DataFrame({"a": np.sin(np.arange(60) / 5)}, index=idx)
    f = Figure(name="l", title="t", data=d, hlines=[0.0])
    assert f.kind == "lines"
    p1 = figs.save(f, tmp_path / "x", synthetic=synthetic, png=False)[0].read_bytes()
    p2 = figs.save(Figure(name="l", title="t", data=d, hlines=[0.0], kind="lines"), tmp_path / "y",
                   synthetic=synthetic, png=False)[0].read_bytes()
    assert p1 == p2


def test_an_output_that_moved_to_another_study_is_not_removed_as_a_leftover(tmp_path):
    from econ.study import Table

    table = Table(name="moved", caption="moved", frame=pd.DataFrame({"a": [1.0]}))
    old_owner = _result()
    old_owner.tables.append(table)
    publish(old_owner, tmp_path, png=False)
    new_owner = _result(study="zz_new_owner")
    new_owner.tables.append(table)
    publish(new_owner, tmp_path, png=False)
    publish(_result(), tmp_path, png=False)  # the old owner no longer produces it
    assert (tmp_path / "tables" / "moved.tex").is_file()
    publish(_result(study="zz_new_owner"), tmp_path, png=False)  # nor, now, the new one
    assert not (tmp_path / "tables" / "moved.tex").exists()
