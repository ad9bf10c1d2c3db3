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


# -- the contract: version, flags, exit codes, JSON, width, one-line errors -------------------

def test_version():
    from econ import __version__

    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout.strip() == f"econ-sizestyle {__version__}"


def test_boolean_flags_display_as_flags():
    res = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "100"})
    assert res.exit_code == 0
    lines = {ln.split()[0]: ln for ln in res.stdout.splitlines() if ln.strip().startswith("--")}
    for flag in ("--synthetic", "--live", "--help"):
        assert "<bool>" not in lines[flag], lines[flag]
    assert "--vault PATH" in res.stdout


def test_status_json_has_full_hashes_and_origin(env, monkeypatch):
    monkeypatch.delenv("ECON_SNAPSHOT")
    res = runner.invoke(app, ["data", "status", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows and all(len(r["sha256"]) == 64 and r["origin"] == "snapshot" for r in rows)
    assert not (env / "cache").exists()  # status never writes the cache


def test_status_fits_80_columns(env, monkeypatch, tmp_path, make_vault):
    monkeypatch.delenv("ECON_SNAPSHOT")
    v = make_vault(tmp_path / "v", {"c300.csv": "date,close\n2024-01-02,3000\n2024-01-03,3010\n"},
                   ["cn.index.csi300.close,c300.csv,date,close,index points,business daily,x"])
    res = runner.invoke(app, ["data", "status", "--vault", str(v)], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert max(len(ln) for ln in res.stdout.splitlines()) <= 80
    assert "cn.index.csi300.close" in res.stdout and "vault 1" in res.stdout and "snapshot" in res.stdout


def test_pull_fails_when_nothing_could_be_pulled_and_says_why(env, monkeypatch):
    import econ.data.providers.akshare as ak_mod
    from econ.data.errors import DataError

    def no_akshare():
        raise ak_mod.AkshareError("akshare is not importable (ModuleNotFoundError: No module named 'akshare'); "
                                  + ak_mod._INSTALL_HINT)

    monkeypatch.setattr(ak_mod, "_import_akshare", no_akshare)
    assert issubclass(ak_mod.AkshareError, DataError)
    res = runner.invoke(app, ["data", "pull", "cn.rate.dr007", "cn.index.csi300.close", "--live"],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 1
    assert "pulled 0 of 2" in res.stdout
    assert "no akshare mapping for 'cn.rate.dr007'" in res.stdout
    assert "akshare is not importable" in res.stdout and "econ-sizestyle[live]" in res.stdout


def test_pull_succeeds_when_some_series_come(env, tmp_path, make_vault):
    v = make_vault(tmp_path / "v", {"c300.csv": "date,close\n2024-01-02,3000\n2024-01-03,3010\n"},
                   ["cn.index.csi300.close,c300.csv,date,close,index points,business daily,x"])
    res = runner.invoke(app, ["data", "pull", "cn.index.csi300.close", "cn.rate.dr007", "--vault", str(v)])
    assert res.exit_code == 0 and "pulled 1 of 2" in res.stdout


def test_unexpected_error_is_one_line_unless_debug(env, monkeypatch):
    import econ.data.loader as loader_mod

    def boom(self):
        raise RuntimeError("something broke\nsecond line")

    monkeypatch.setattr(loader_mod.DataLoader, "status", boom)
    res = runner.invoke(app, ["data", "status"])
    assert res.exit_code == 1
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "RuntimeError: something broke" in lines[0] and "--debug" in lines[0]
    assert "Traceback" not in res.output
    res = runner.invoke(app, ["--debug", "data", "status"])
    assert isinstance(res.exception, RuntimeError)
    res = runner.invoke(app, ["data", "status"], env={"ECON_DEBUG": "1"})
    assert isinstance(res.exception, RuntimeError)


def test_data_error_is_exit_2(env, tmp_path):
    v = tmp_path / "v"
    v.mkdir()
    (v / "MANIFEST.csv").write_text("series_id,file\n")
    res = runner.invoke(app, ["data", "status", "--vault", str(v)])
    assert res.exit_code == 2 and "missing column" in res.stderr


def test_run_progress_moves_with_grid_specs():
    from rich.progress import Progress

    from econ.cli import RunProgress

    with Progress(disable=True) as prog:
        bars = RunProgress(prog, 2)
        bars.start("regimes")
        bars.message("a4_threshold_grid: 3/40 specs (0 cached)")
        task = prog.tasks[bars.specs]
        assert (task.completed, task.total, task.visible) == (3, 40, True)
        bars.message("Markov switching")
        assert not prog.tasks[bars.specs].visible
        assert "Markov switching" in prog.tasks[bars.studies].description
        bars.done()
        assert prog.tasks[bars.studies].completed == 1


def test_cli_runs_one_blas_thread_per_process_unless_told_otherwise():
    import os
    import subprocess
    import sys

    code = ("import os, sys; import econ.cli; print('numpy' in sys.modules, os.environ['OPENBLAS_NUM_THREADS'], "
            "os.environ['OMP_NUM_THREADS'])")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == ["False", "1", "1"]  # set before numpy (and its BLAS) is loaded
    env["OPENBLAS_NUM_THREADS"] = "4"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == ["False", "4", "1"]  # the user's own setting is kept


def test_paper_runs_the_studies_on_all_cores_unless_told(env, monkeypatch):
    import econ.cli as cli

    seen = []
    monkeypatch.setattr(cli, "run", lambda *a, **k: seen.append(k["jobs"]))
    paper = env / "p"  # no main.tex: the command stops after the run with exit code 2
    assert runner.invoke(app, ["paper", "--paper", str(paper)]).exit_code == 2
    assert runner.invoke(app, ["paper", "--paper", str(paper), "--jobs", "1"]).exit_code == 2
    assert seen == [-1, 1]
