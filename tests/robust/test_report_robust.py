"""Report side of robustness: curve figures and files, the curve summary, adjusted p in the claims table."""

import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from econ.report import figures as figs
from econ.report.claims import adjust_across_claims, claims_frame, claims_json, render_claims_table
from econ.robust import Grid, GridResult, SpecEstimate
from econ.robust.curve import spec_curve
from econ.runner import publish, rebuild_summaries
from econ.study import GridRun, Outcome, StudyResult, Verdict


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


def _verdict(claim, p, p_adj=None):
    return Verdict(claim=claim, article="a", statement="s", article_value="v", estimate=0.1, outcome=Outcome.MIXED,
                   rule="r", reason="why", pvalue=p, pvalue_adjusted=p_adj,
                   adjustment="Romano–Wolf over 4 specs" if p_adj is not None else "")


def _result(study="zz", grids=None, claims=None):
    return StudyResult(study=study, claims=claims or [_verdict("Z1", 0.01, 0.04)], grids=grids or [])


def test_publish_draws_curves_and_rebuild_tabulates(tmp_path):
    res = _result(grids=[_grid_run()])
    written = publish(res, tmp_path, png=False)
    assert tmp_path / "figures" / "zz_g1_curve.pdf" in written
    data = json.loads((tmp_path / "results" / "curves" / "zz_g1.json").read_text())
    assert data["summary"]["n_specs"] == 4 and data["summary"]["share_claimed_sign"] == 0.5
    assert data["figure"] == "figures/zz_g1_curve.pdf" and len(data["specs"]) == 4
    paths = rebuild_summaries(tmp_path)
    table = (tmp_path / "tables" / "spec_curves.tex").read_text()
    assert "Z1 & g1 & 4 &" in table and "Joint p" in table
    figs_tex = (tmp_path / "tables" / "spec_curve_figures.tex").read_text()
    assert r"\label{fig:curve_zz_g1}" in figs_tex and figs_tex.count(r"\begin{figure}[htbp]") == 1
    macros = (tmp_path / "tables" / "numbers.tex").read_text()
    assert "res@curve_zz_g1_share_significant_claimed" in macros
    # regenerating gives identical bytes
    before = {p: p.read_bytes() for p in paths}
    publish(res, tmp_path, png=False)
    rebuild_summaries(tmp_path)
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


def test_claims_adjusted_across_claims():
    results = [{"study": "s1", "synthetic": False,
                "claims": [_verdict("A1", 0.01, 0.04).to_dict(), _verdict("A2", 0.2).to_dict()]},
               {"study": "s2", "synthetic": False,
                "claims": [_verdict("B1", 0.003).to_dict(), _verdict("B2", None).to_dict()]}]
    frame = claims_frame(results).set_index("claim")
    base = [0.04, 0.2, 0.003]  # grid-adjusted p for A1, raw p otherwise; B2 has none
    np.testing.assert_allclose(frame.loc[["A1", "A2", "B1"], "pvalue_holm"].astype(float),
                               multipletests(base, method="holm")[1])
    np.testing.assert_allclose(frame.loc[["A1", "A2", "B1"], "pvalue_bh"].astype(float),
                               multipletests(base, method="fdr_bh")[1])
    assert pd.isna(frame.loc["B2", "pvalue_holm"]) and frame.loc["A1", "pvalue_family"] == "grid-adjusted"
    tex = render_claims_table(frame.reset_index())
    assert "adjusted p" in tex and "p = 0.01; grid 0.04, Holm 0.08, BH 0.06" in tex and "across the 3 claims" in tex
    text = claims_json(frame.reset_index())
    rows = json.loads(text)
    assert {"pvalue_adjusted", "adjustment", "pvalue_holm", "pvalue_bh"} <= set(rows[0])
    assert "NaN" not in text and rows[3]["pvalue_holm"] is None  # strict JSON


def test_adjust_across_claims_without_any_p():
    frame = pd.DataFrame({"claim": ["X1"], "pvalue": [None], "pvalue_adjusted": [None]})
    out = adjust_across_claims(frame)
    assert pd.isna(out.loc[0, "pvalue_holm"]) and out.loc[0, "pvalue_family"] == ""


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
