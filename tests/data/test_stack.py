"""User vaults on top of the public data: declared priority, origin-keyed cache, imports first."""

from __future__ import annotations

import os

import pytest

from econ.config import Settings
from econ.data.importer import import_file
from econ.data.loader import DataLoader
from econ.data.snapshot import SNAPSHOT_DIR

ROW = "cn.index.csi300.close,c300.csv,date,close,index points,business daily,CSI 300"
BODY = "date,close\n2024-01-02,3001.0\n2024-01-03,3002.0\n2024-01-04,3003.0\n"


def loader(tmp_path, vaults, snapshot=False):
    return DataLoader(Settings.resolve(vault=vaults, cache=tmp_path / "cache", live=False, snapshot=snapshot))


def test_user_vault_adds_to_the_snapshot(tmp_path, make_vault):
    v = make_vault(tmp_path / "v", {"c300.csv": BODY}, [ROW])
    ld = loader(tmp_path, [v], snapshot=True)
    mine = ld.fetch("cn.index.csi300.close")
    public = ld.fetch("cn.index.csi1000.close")
    assert mine.series.tolist() == [3001.0, 3002.0, 3003.0] and mine.origin == str(v.resolve())
    assert public.origin == str(SNAPSHOT_DIR) and len(public.series) > 5000
    st = ld.status().set_index("id")
    assert st.loc["cn.index.csi300.close", "origin"] == "vault 1"
    assert st.loc["cn.index.csi1000.close", "origin"] == "snapshot"
    assert (st["provider"] != "-").sum() >= 70


def test_priority_follows_the_order_given(tmp_path, make_vault, monkeypatch):
    a = make_vault(tmp_path / "a", {"c300.csv": BODY}, [ROW])
    b = make_vault(tmp_path / "b", {"c300.csv": BODY.replace("3.0", "9.0")}, [ROW])
    assert loader(tmp_path, [a, b]).series("cn.index.csi300.close").iloc[-1] == 3003.0
    assert loader(tmp_path, [b, a]).series("cn.index.csi300.close").iloc[-1] == 3009.0
    monkeypatch.setenv("ECON_VAULT", f"{b}{os.pathsep}{a}")
    s = Settings.resolve(cache=tmp_path / "c")
    assert s.vaults == (b.resolve(), a.resolve())


def test_a_cached_copy_is_never_credited_to_another_vault(tmp_path, make_vault):
    a = make_vault(tmp_path / "a", {"c300.csv": BODY}, [ROW])
    b = make_vault(tmp_path / "b", {"c300.csv": BODY}, [ROW])  # same bytes, same sha256
    first = loader(tmp_path, [a]).fetch("cn.index.csi300.close")
    assert first.origin == str(a.resolve())
    second = loader(tmp_path, [b]).fetch("cn.index.csi300.close")
    assert second.source_sha256 == first.source_sha256
    assert second.origin == str(b.resolve())
    row = loader(tmp_path, [b]).status().set_index("id").loc["cn.index.csi300.close"]
    assert row["folder"] == str(b.resolve())


def test_an_import_is_not_overwritten_by_a_vault(tmp_path, make_vault):
    f = tmp_path / "mine.csv"
    f.write_text("date,close\n2024-01-02,3007.0\n2024-01-03,3008.0\n2024-01-04,3009.0\n")
    s = Settings.resolve(cache=tmp_path / "cache", live=False)
    import_file(s, "cn.index.csi300.close", f)
    v = make_vault(tmp_path / "v", {"c300.csv": BODY}, [ROW])
    for _ in range(2):  # the next run, and the one after
        got = loader(tmp_path, [v], snapshot=True).fetch("cn.index.csi300.close")
        assert got.provider == "import" and got.series.tolist() == [3007.0, 3008.0, 3009.0]
    assert loader(tmp_path, [v]).status().set_index("id").loc["cn.index.csi300.close", "origin"] == "import"
    from econ.data.importer import remove_import

    assert remove_import(s, "cn.index.csi300.close")
    assert loader(tmp_path, [v]).fetch("cn.index.csi300.close").provider == "vault"


def test_status_does_not_write_the_cache(tmp_path, make_vault):
    v = make_vault(tmp_path / "v", {"c300.csv": BODY}, [ROW])
    ld = loader(tmp_path, [v], snapshot=True)
    st = ld.status()
    assert (st["provider"] != "-").sum() > 1
    cache = tmp_path / "cache"
    assert not cache.exists() or not any(cache.iterdir())


def test_a_broken_user_file_is_an_error_not_a_fall_through(tmp_path, make_vault):
    from econ.data.errors import VaultFileError

    v = make_vault(tmp_path / "v", {"c300.csv": "date,close\n2024-01-02,abc\n"}, [ROW])
    with pytest.raises(VaultFileError, match="c300.csv"):
        loader(tmp_path, [v], snapshot=True).fetch("cn.index.csi300.close")
