"""The ledger: a rerun with nothing changed is answered from file bytes, anything changed is not.

End to end through the command (typer's CliRunner) on the vault with one cheap study, and the
fingerprint's parts on constructed folders.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from econ import ledger
from econ.cli import app
from econ.config import Settings

runner = CliRunner()
STUDY = "shrinking_money"  # C10: tables only, under a second


def _snapshot(paper: Path) -> dict[str, int]:
    return {p.relative_to(paper).as_posix(): p.stat().st_mtime_ns for p in paper.rglob("*") if p.is_file()}


@pytest.fixture
def run_env(tmp_path, monkeypatch, vault):
    monkeypatch.setenv("ECON_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("ECON_LIVE", raising=False)
    paper = tmp_path / "paper"
    args = ["run", STUDY, "--vault", str(vault), "--paper", str(paper)]
    return paper, args, Settings.resolve(vault=vault, cache=tmp_path / "cache", paper=paper, live=False)


@pytest.mark.vault
def test_unchanged_rerun_is_answered_by_the_ledger_and_writes_nothing(run_env):
    paper, args, settings = run_env
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "(unchanged)" not in first.output
    assert ledger.unchanged(settings, [STUDY]) is not None
    before = _snapshot(paper)
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert f"{STUDY} (unchanged)" in again.output
    assert "C10:" in again.output  # the verdict line, read from results/claims.json as after a run
    assert _snapshot(paper) == before  # nothing written, not even the manifest


@pytest.mark.vault
def test_a_changed_or_missing_output_sends_the_run_down_the_ordinary_path(run_env):
    paper, args, settings = run_env
    assert runner.invoke(app, args).exit_code == 0
    table = next((paper / "tables").glob("c10_*.tex"))
    good = table.read_bytes()
    table.write_bytes(good + b"% edited by hand\n")
    assert ledger.unchanged(settings, [STUDY]) is None
    res = runner.invoke(app, args)
    assert res.exit_code == 0 and "(unchanged)" not in res.output
    assert table.read_bytes() == good  # republished by the ordinary path
    table.unlink()
    assert ledger.unchanged(settings, [STUDY]) is None
    assert runner.invoke(app, args).exit_code == 0 and table.read_bytes() == good
    assert ledger.unchanged(settings, [STUDY]) is not None
    (paper / ledger.STAGING).mkdir()  # an interrupted publication waits: the ordinary path recovers it
    assert ledger.unchanged(settings, [STUDY]) is None


@pytest.mark.vault
def test_the_ledger_is_per_request(run_env):
    paper, args, settings = run_env
    assert runner.invoke(app, args).exit_code == 0
    assert ledger.unchanged(settings, [STUDY]) is not None
    assert ledger.unchanged(settings, ["C10"]) is None  # the same study asked for by claim id: its own ledger


def _settings(tmp_path: Path, vault: Path) -> Settings:
    return Settings(vaults=(vault,), cache=tmp_path / "cache", paper=tmp_path / "paper", snapshot=None)


def test_fingerprint_changes_with_a_vault_byte_code_settings_and_environment(tmp_path, monkeypatch, make_vault):
    vault = make_vault(tmp_path / "v", {"a.csv": "date,value\n2020-01-01,1\n"}, [])
    code = tmp_path / "code"
    (code / "__pycache__").mkdir(parents=True)
    (code / "m.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(ledger, "_package_roots", lambda: [code])
    monkeypatch.delenv("ECON_SNAPSHOT", raising=False)
    s = _settings(tmp_path, vault)
    base = ledger.fingerprint(s, ["all"])
    assert ledger.fingerprint(s, ["all"]) == base
    (code / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"compiled")  # byte code is not code
    assert ledger.fingerprint(s, ["all"]) == base
    (vault / "a.csv").write_text("date,value\n2020-01-01,2\n", encoding="utf-8")
    changed_vault = ledger.fingerprint(s, ["all"])
    (code / "m.py").write_text("x = 2\n", encoding="utf-8")
    changed_code = ledger.fingerprint(s, ["all"])
    monkeypatch.setenv("ECON_SNAPSHOT", "0")
    changed_env = ledger.fingerprint(s, ["all"])
    live = ledger.fingerprint(Settings(**{**s.__dict__, "live": True}), ["all"])
    assert len({base, changed_vault, changed_code, changed_env, live}) == 5
    assert ledger.fingerprint(s, ["A1"]) != changed_env


class _Study:
    def __init__(self, name: str, claims: tuple[str, ...]) -> None:
        self.name, self.claims = name, claims


def test_no_ledger_unless_every_input_is_a_vault_file(tmp_path, make_vault, monkeypatch):
    vault = make_vault(tmp_path / "v", {"a.csv": "date,value\n2020-01-01,1\n"}, [])
    monkeypatch.setattr(ledger, "_package_roots", lambda: [])
    s = _settings(tmp_path, vault)
    (s.paper / "tables").mkdir(parents=True)
    (s.paper / "tables" / "t.tex").write_text("x\n", encoding="utf-8")
    study = _Study("s", ("A1",))
    assert ledger.record(s, ["s"], [study], {"s": {"x": "vault|abc|pct"}})
    assert ledger.unchanged(s, ["s"]) == ledger.Ledger(("s",), ("s",), ("A1",), ())
    # one input served from elsewhere (the cache store, a live provider): no ledger, the old one goes
    assert not ledger.record(s, ["s"], [study], {"s": {"x": "vault|abc|pct", "y": "0f3a|pct|akshare|False"}})
    assert ledger.unchanged(s, ["s"]) is None
    assert not ledger.record(s, ["s"], [study], {})  # a study without recorded inputs
    assert not ledger.record(Settings(**{**s.__dict__, "synthetic": True}), ["s"], [study],
                             {"s": {"x": "vault|abc|pct"}})
