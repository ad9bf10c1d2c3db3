"""Fault injection: a run publishes each study whole or not at all (issue 10, part 3).

Two small studies over a tiny vault built here stand in for the real ones (the machinery
under test is the runner's, not a study's). Each case injects one fault (an exception in the
writer, a kill after the switch, a folder in the way of a table, a stray ``.bak.json``, a
conflict-marked file, a crashed run's leftovers, a umask) and asserts the promise: the old
outputs intact or the new ones whole, the claims count unchanged, and a notice.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from econ import publication as pub
from econ import runner
from econ.config import Settings
from econ.data.loader import DataLoader
from econ.publication import PublishWarning
from econ.runner import load_results, rebuild_summaries, run_studies
from econ.study import Figure, PartResult, Study, StudyResult, Table
from econ.verdict import Registry

MANIFEST = "series_id,file,date_column,value_column,unit,frequency,description\n"
ROWS = ["cn.index.csi300.close,c300.csv,date,close,index points,business daily,CSI 300",
        "cn.index.csi1000.close,c1000.csv,date,close,index points,business daily,CSI 1000",
        "us.rate.ust10y,us10y.csv,date,value,percent,business daily,US 10Y"]


def _write_vault(root: Path, bump: float = 0.0) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    days = pd.bdate_range("2021-01-04", "2022-12-30")
    t = np.arange(len(days))
    cols = {"c300.csv": ("close", 5000 + 300 * np.sin(t / 90)),
            "c1000.csv": ("close", 6000 + 500 * np.cos(t / 70)),
            "us10y.csv": ("value", 1.5 + 0.5 * np.sin(t / 50) + bump * (t > 300))}
    for name, (col, values) in cols.items():
        (root / name).write_text(f"date,{col}\n" + "".join(f"{d:%Y-%m-%d},{v:.4f}\n" for d, v in
                                                         zip(days, values, strict=True)), encoding="utf-8")
    (root / "MANIFEST.csv").write_text(MANIFEST + "".join(r + "\n" for r in ROWS), encoding="utf-8")
    return root


class _Fake(Study):
    """A study of the mean of some series: one claim, one table, one figure."""

    version = 1

    def run(self, loader, *, progress=None) -> StudyResult:
        means = {sid: float(loader.series(sid).mean()) for sid in self.series}
        est = sum(means.values()) * self.version
        part = PartResult(self.claims[0], "mean", estimate=est, ci=(est - 1.0, est + 1.0))
        frame = pd.DataFrame({"mean": list(means.values()), "N": [10] * len(means)}, index=list(means))
        fig = Figure(name=f"{self.name}_fig", title="means",
                     data=pd.DataFrame({"m": list(means.values())}, index=pd.RangeIndex(len(means))))
        return StudyResult(study=self.name, parts=[part], title=self.name, data_ids=list(self.series),
                           tables=[Table(name=f"{self.name}_tab", caption="means", frame=frame)],
                           figures=[fig], numbers={f"{self.name}_est": est})


REGISTRY = Registry.from_dict({"claims": [
    {"id": c, "seed": "x", "statement": "a mean", "study": study,
     "parts": [{"name": "mean", "kind": "value", "quantity": "mean", "headline": "h", "value": 1.0}]}
    for c, study in (("Y1", "fake_a"), ("Y2", "fake_b"))]})


class FakeA(_Fake):
    name, title, claims, parts = "fake_a", "A", ("Y1",), ("Y1.mean",)
    series = ("cn.index.csi300.close", "cn.index.csi1000.close")


class FakeB(_Fake):
    name, title, claims, parts = "fake_b", "B", ("Y2",), ("Y2.mean",)
    series = ("us.rate.ust10y",)


@pytest.fixture
def world(tmp_path):
    vault = _write_vault(tmp_path / "vault")
    settings = Settings.resolve(vault=vault, cache=tmp_path / "cache", paper=tmp_path / "paper", live=False)
    return settings, [FakeA(), FakeB()]


def _run(settings, studies, **kw):
    return run_studies(studies, settings, png=False, loader=DataLoader(settings), registry=REGISTRY, **kw)


def _snapshot(paper: Path) -> dict[str, bytes]:
    return {p.relative_to(paper).as_posix(): p.read_bytes() for p in sorted(paper.rglob("*")) if p.is_file()}


def _published(paper: Path) -> dict[str, bytes]:
    """Everything but the run manifest (it records times and so differs between runs by design)."""
    return {k: v for k, v in _snapshot(paper).items() if k not in ("results/manifest.json", "tables/manifest.tex")}


def _claims(paper: Path) -> list[dict]:
    return json.loads((paper / "results" / "claims.json").read_text(encoding="utf-8"))


def test_run_all_then_one_study_keeps_the_full_appendix_and_claims(world):
    settings, studies = world
    rep = _run(settings, studies)
    assert not rep.errors and set(rep.results) == {"fake_a", "fake_b"}
    paper = settings.paper
    appendix = (paper / "tables" / "data_appendix.tex").read_text(encoding="utf-8")
    assert "ust10y" in appendix and "csi1000" in appendix
    index = pub.read_index(paper)
    assert set(index) == {"fake_a", "fake_b"}
    assert index["fake_b"]["vault"] == str(settings.vault)
    assert len(index["fake_b"]["inputs"]["us.rate.ust10y"]["source_sha256"]) == 64
    FakeA.version = 2  # `econ run A1` after a change of A only
    try:
        rep = _run(settings, [FakeA()], cache_studies=False)
    finally:
        FakeA.version = 1
    assert set(rep.results) == {"fake_a"}
    assert (paper / "tables" / "data_appendix.tex").read_text(encoding="utf-8") == appendix
    assert [c["claim"] for c in _claims(paper)] == ["Y1", "Y2"]
    manifest = json.loads((paper / "results" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["studies"]) == {"fake_a", "fake_b"} and "us.rate.ust10y" in manifest["inputs"]


def test_an_exception_while_writing_publishes_nothing(world, monkeypatch):
    settings, studies = world
    _run(settings, studies)
    before = _published(settings.paper)
    calls = {"n": 0}
    real = runner.render_table

    def failing(*a, **k):  # the writer dies half-way through the study's outputs
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(28, "No space left on device")
        return real(*a, **k)

    monkeypatch.setattr(runner, "render_table", failing)
    FakeA.version = 3
    try:
        rep = _run(settings, [FakeA()], cache_studies=False)
    finally:
        FakeA.version = 1
    assert "nothing was published" in rep.errors["fake_a"]
    assert _published(settings.paper) == before  # old outputs intact, byte for byte
    assert not (settings.paper / pub.STAGING).exists()


def test_a_failure_during_the_switch_restores_the_old_outputs(world, monkeypatch):
    settings, studies = world
    _run(settings, studies)
    before = _published(settings.paper)
    real_replace = os.replace
    calls = {"n": 0}

    def flaky(src, dst):
        if ".staging" in str(src) and ".staging" not in str(dst):  # the switch, not the staging writes
            calls["n"] += 1
            if calls["n"] == 2:  # the first file is already switched in
                raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(pub.os, "replace", flaky)
    FakeA.version = 4
    try:
        rep = _run(settings, [FakeA()], cache_studies=False)
    finally:
        FakeA.version = 1
    assert "previous outputs are restored" in rep.errors["fake_a"]
    assert calls["n"] >= 2
    assert _published(settings.paper) == before
    assert [c["claim"] for c in _claims(settings.paper)] == ["Y1", "Y2"]


def test_a_kill_after_the_switch_is_completed_by_the_next_run(world, tmp_path, monkeypatch):
    settings, studies = world
    _run(settings, studies)
    # what a clean publication of version 5 looks like
    ref = Settings.resolve(vault=settings.vault, cache=settings.cache, paper=tmp_path / "ref", live=False)
    shutil.copytree(settings.paper, ref.paper)
    FakeA.version = 5
    try:
        _run(ref, [FakeA()], cache_studies=False)
        real_replace = os.replace
        calls = {"n": 0}

        def killed(src, dst):
            if ".staging" in str(src) and "fake_a" in str(src) and ".staging" not in str(dst):
                calls["n"] += 1
                if calls["n"] == 2:
                    raise KeyboardInterrupt  # like SIGKILL: no cleanup code of the writer runs
            return real_replace(src, dst)

        monkeypatch.setattr(pub.os, "replace", killed)
        with pytest.raises(KeyboardInterrupt):
            _run(settings, [FakeA()], cache_studies=False)
        monkeypatch.setattr(pub.os, "replace", real_replace)
        assert list((settings.paper / pub.STAGING).glob("*/COMMIT.json"))  # the journal survived
        with pytest.warns(PublishWarning, match="completed the interrupted publication of fake_a"):
            rep = _run(settings, [FakeB()])  # any next run finishes it first
        assert any("completed the interrupted publication" in n for n in rep.notices)
    finally:
        FakeA.version = 1
    assert _published(settings.paper) == _published(ref.paper)  # the new outputs, whole
    assert not (settings.paper / pub.STAGING).exists()


def test_a_folder_in_the_way_of_a_table_publishes_nothing_of_that_study(world):
    settings, studies = world
    _run(settings, studies)
    before = _published(settings.paper)
    table = settings.paper / "tables" / "fake_a_tab.tex"
    table.unlink()
    table.mkdir()  # root can write anywhere; a folder in the way cannot be replaced by a file
    (table / "keep").write_text("x")
    FakeA.version = 6
    try:
        rep = _run(settings, studies, cache_studies=False)
    finally:
        FakeA.version = 1
    assert "in the way" in rep.errors["fake_a"] and "fake_b" not in rep.errors
    after = _published(settings.paper)
    changed = {k for k in before if after.get(k) != before[k]}
    assert not any("fake_a" in k for k in changed - {"tables/fake_a_tab.tex"})  # A's old outputs intact
    assert [c["claim"] for c in _claims(settings.paper)] == ["Y1", "Y2"]


def test_stray_bak_and_copies_never_enter_the_claims(world):
    settings, studies = world
    _run(settings, studies)
    results = settings.paper / "results"
    shutil.copy(results / "fake_a.json", results / "fake_a.bak.json")
    shutil.copy(results / "fake_b.json", results / "fake_b (copy).json")
    (results / "old_study.json").write_text(json.dumps({"study": "old_study", "parts": [
        {"claim": "Z9", "part": "x", "estimate": 1, "ci": None, "pvalue": 0.5}]}))
    assert len(load_results(settings.paper)) == 2
    rebuild_summaries(settings.paper, REGISTRY)
    assert [c["claim"] for c in _claims(settings.paper)] == ["Y1", "Y2"]
    assert "Z9" not in (settings.paper / "tables" / "claims.tex").read_text(encoding="utf-8")


def test_a_conflict_marked_results_file_neither_crashes_nor_changes_the_claims(world):
    settings, studies = world
    _run(settings, studies)
    path = settings.paper / "results" / "fake_a.json"
    text = path.read_text(encoding="utf-8")
    path.write_text("<<<<<<< HEAD\n" + text + "=======\n" + text.replace("Y1", "Y9") + ">>>>>>> other\n")
    with pytest.warns(PublishWarning, match="conflict-marked"):
        results = load_results(settings.paper)
    assert [r["study"] for r in results] == ["fake_a", "fake_b"]
    with pytest.warns(PublishWarning):
        rebuild_summaries(settings.paper, REGISTRY)
    assert [c["claim"] for c in _claims(settings.paper)] == ["Y1", "Y2"]
    # a conflict-marked index falls back to the strict read of the result files
    index = settings.paper / "results" / "index.json"
    index.write_text("<<<<<<< HEAD\n" + index.read_text(encoding="utf-8") + ">>>>>>> other\n")
    path.write_text(text)
    with pytest.warns(PublishWarning, match="index.json is unreadable"):
        assert [r["study"] for r in load_results(settings.paper)] == ["fake_a", "fake_b"]
    rep = _run(settings, studies)  # the next run rewrites the index
    assert not rep.errors and json.loads(index.read_text(encoding="utf-8"))["format"] == 1


def test_a_crashed_runs_leftovers_are_cleaned(world):
    settings, studies = world
    _run(settings, studies)
    before = _published(settings.paper)
    dead = settings.paper / pub.STAGING / "fake_a.999999999.deadbeef"
    (dead / "tables").mkdir(parents=True)
    (dead / "tables" / "fake_a_tab.tex").write_text("half-written")
    tmp = settings.paper / "tables" / ".claims.tex.abc123.tmp"
    tmp.write_text("partial")
    os.utime(tmp, (0, 0))
    with pytest.warns(PublishWarning, match="leftovers of an interrupted run"):
        rep = _run(settings, studies)
    assert any("leftovers" in n for n in rep.notices) and any("temporary file" in n for n in rep.notices)
    assert not dead.exists() and not tmp.exists() and not (settings.paper / pub.STAGING).exists()
    assert _published(settings.paper) == before


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_file_modes_follow_the_umask(world, umask):
    settings, studies = world
    old = os.umask(umask)
    try:
        _run(settings, studies)
        FakeA.version = 7  # rewritten files too, not only new ones
        _run(settings, studies, cache_studies=False)
    finally:
        FakeA.version = 1
        os.umask(old)
    modes = {p.relative_to(settings.paper).as_posix(): p.stat().st_mode & 0o777
             for p in settings.paper.rglob("*") if p.is_file()}
    assert modes and set(modes.values()) == {0o666 & ~umask}, modes


def test_warm_rerun_reads_the_cache_and_a_changed_input_reruns_only_its_study(world, tmp_path):
    settings, studies = world
    first = _run(settings, studies)
    assert not first.cached
    before = _snapshot(settings.paper)
    stamps = {p: p.stat().st_mtime_ns for p in settings.paper.rglob("*") if p.is_file()}
    warm = _run(settings, studies)
    assert warm.cached == {"fake_a", "fake_b"} and not warm.errors
    assert {p: p.stat().st_mtime_ns for p in settings.paper.rglob("*") if p.is_file()} == stamps  # nothing rewritten
    assert _snapshot(settings.paper) == before
    # the US 10Y file changes: only fake_b (which reads it) recomputes
    _write_vault(settings.vault, bump=0.25)
    changed = _run(settings, studies)
    assert changed.cached == {"fake_a"} and set(changed.results) == {"fake_a", "fake_b"}
    assert pub.read_index(settings.paper)["fake_b"]["result"]["numbers"]["fake_b_est"] != \
        json.loads(before["results/index.json"])["studies"]["fake_b"]["result"]["numbers"]["fake_b_est"]


def test_a_damaged_study_cache_entry_is_recomputed(world):
    from econ.robust.cache import CacheWarning

    settings, studies = world
    _run(settings, studies)
    for entry in (settings.cache / "studies" / "entries").glob("*.pkl"):
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0x10
        entry.write_bytes(bytes(data))
    with pytest.warns(CacheWarning, match="study-cache entry"):
        rep = _run(settings, studies)
    assert not rep.cached and not rep.errors
