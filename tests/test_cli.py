"""The econ command end to end (typer's CliRunner; the real vault where needed)."""

import json

import pytest
from typer.testing import CliRunner

from econ.cli import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("ECON_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("ECON_LIVE", raising=False)
    return tmp_path


@pytest.mark.vault
def test_data_status_lists_every_manifest_id(vault, env):
    import pandas as pd

    res = runner.invoke(app, ["data", "status", "--vault", str(vault), "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    ids = {r["id"] for r in rows}
    assert set(pd.read_csv(vault / "MANIFEST.csv")["series_id"]) <= ids
    assert all(r["provider"] == "vault" and r["first"] and r["rows"] > 0 for r in rows)


def test_data_status_without_vault_says_why(env, monkeypatch):
    monkeypatch.delenv("ECON_VAULT", raising=False)
    res = runner.invoke(app, ["data", "status", "--json"])
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    assert all(r["provider"] == "-" and "no vault configured" in r["note"] for r in rows)


@pytest.mark.vault
def test_run_a1_a2_then_claims(vault, env):
    paper = env / "paper"
    res = runner.invoke(app, ["run", "A1", "A2", "--vault", str(vault), "--paper", str(paper)])
    assert res.exit_code == 0, res.output
    for name in ("a1_deviation", "a2_regressions", "a2_coincidence", "a2_article_dates", "claims", "numbers"):
        assert (paper / "tables" / f"{name}.tex").is_file(), name
    for name in ("a1_deviation", "a2_rolling_beta", "a2_levels"):
        assert (paper / "figures" / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    manifest = json.loads((paper / "results" / "manifest.json").read_text())
    assert set(manifest["studies"]) == {"style_deviation", "us10y_csi300"}
    assert len(manifest["inputs"]["cn.index.csi300.close"]["source_sha256"]) == 64
    res = runner.invoke(app, ["claims", "--paper", str(paper), "--json"])
    assert res.exit_code == 0
    records = json.loads(res.stdout)  # strict JSON: every catalogued id, studied or not
    verdicts = {r["claim"]: r["verdict"] for r in records}
    assert verdicts["A1"] == "mixed" and verdicts["A2"] == "mixed" and verdicts["C17"].startswith("untestable")
    assert verdicts["A3"] == "not yet studied" and len(records) >= 45  # not run here: no results for A3
    assert all({"claim", "verdict", "parts", "needs", "registry_sha256"} <= set(r) for r in records)


def test_run_unknown_study_is_a_clear_error(env):
    res = runner.invoke(app, ["run", "Z9"])
    assert res.exit_code == 2
    assert "no study is named or tests a claim 'Z9'" in res.output


def test_claims_before_any_run(env):
    res = runner.invoke(app, ["claims", "--paper", str(env / "empty")])
    assert res.exit_code == 1
    assert "econ run all" in res.output


def test_synthetic_run_is_labelled(env):
    paper = env / "paper"
    res = runner.invoke(app, ["run", "A2", "--synthetic", "--paper", str(paper)])
    assert res.exit_code == 0, res.output
    assert "SYNTHETIC" in res.output
    assert "SYNTHETIC DATA" in (paper / "tables" / "a2_regressions.tex").read_text()
    assert "(synthetic)" in (paper / "tables" / "claims.tex").read_text()


def test_import_then_status(env, tmp_path):
    f = tmp_path / "dr.csv"
    f.write_text("day,rate\n2024-01-02,1.8\n2024-01-03,1.9\n")
    res = runner.invoke(app, ["data", "import", "cn.rate.dr007", str(f), "--date-column", "day",
                              "--value-column", "rate", "--unit", "percent"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["data", "status", "--json"])
    row = next(r for r in json.loads(res.stdout) if r["id"] == "cn.rate.dr007")
    assert row["provider"] == "import" and row["rows"] == 2


def test_import_with_wrong_unit(env, tmp_path):
    f = tmp_path / "dr.csv"
    f.write_text("date,value\n2024-01-02,0.018\n")
    res = runner.invoke(app, ["data", "import", "cn.rate.dr007", str(f), "--unit", "decimal"])
    assert res.exit_code == 2
    assert "unit mismatch" in res.output


def test_paper_without_latexmk_explains(env, monkeypatch, tmp_path):
    import shutil

    paper = tmp_path / "p"
    (paper).mkdir()
    (paper / "main.tex").write_text("x")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    res = runner.invoke(app, ["paper", "--no-run", "--paper", str(paper)])
    assert res.exit_code == 0
    assert "texlive-latex-extra" in res.output and "latexmk" in res.output
