"""The public vault shipped with the package: complete, hash-checked, equal to ../shared."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from econ.config import Settings
from econ.data.loader import DataLoader
from econ.data.snapshot import SNAPSHOT_DIR, build, default_snapshot, extract, read_index, verify

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data" / "raw"


def test_snapshot_is_installed_and_intact():
    assert default_snapshot() == SNAPSHOT_DIR
    entries = read_index()
    names = {e.file for e in entries}
    assert {"MANIFEST.csv", "SOURCES.md", "SOURCES_US.md", "README.md"} <= names
    assert verify() == []
    size = sum(p.stat().st_size for p in SNAPSHOT_DIR.iterdir())
    assert size < 10e6, f"snapshot is {size / 1e6:.1f} MB"


@pytest.mark.skipif(not (SHARED / "MANIFEST.csv").is_file(), reason="../shared/data/raw not on this machine")
def test_snapshot_equals_the_shared_vault_file_by_file():
    assert verify(against=SHARED) == []


def test_a_changed_file_is_caught(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "MANIFEST.csv").write_text("series_id,file,date_column,value_column,unit,frequency,description\n")
    (src / "a.csv").write_text("date,v\n2024-01-02,1\n")
    snap = build(src, tmp_path / "snap")
    assert [e.stored_as for e in snap] == ["MANIFEST.csv", "a.csv.xz"]
    assert verify(tmp_path / "snap", against=src) == []
    (src / "a.csv").write_text("date,v\n2024-01-02,2\n")
    assert verify(tmp_path / "snap", against=src) == [f"a.csv: differs from {src / 'a.csv'} (rebuild the snapshot)"]
    (tmp_path / "snap" / "a.csv.xz").write_bytes(b"junk")
    assert "a.csv.xz: stored bytes fail their sha256" in verify(tmp_path / "snap")


def test_extract_gives_the_original_bytes(tmp_path):
    out = extract(tmp_path / "raw")
    for e in read_index():
        assert hashlib.sha256((out / e.file).read_bytes()).hexdigest() == e.sha256


def test_no_vault_named_means_the_snapshot(tmp_path, monkeypatch):
    monkeypatch.delenv("ECON_SNAPSHOT")
    s = Settings.resolve(cache=tmp_path / "c")
    assert s.vaults == () and s.vault == SNAPSHOT_DIR
    f = DataLoader(s).fetch("cn.index.csi300.close")
    assert f.provider == "vault" and f.origin == str(SNAPSHOT_DIR)
    recorded = {e.file: e.sha256 for e in read_index()}
    assert f.source_sha256 == recorded["idx_csi300_000300.csv"]
    assert f.series.loc["2021-02-10"] == pytest.approx(5807.72, abs=0.005)


def test_snapshot_can_be_left_out(tmp_path, monkeypatch):
    monkeypatch.setenv("ECON_SNAPSHOT", "0")
    assert Settings.resolve(cache=tmp_path).roots == ()
    assert Settings.resolve(cache=tmp_path, snapshot=True).roots == (SNAPSHOT_DIR,)
