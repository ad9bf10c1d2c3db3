"""The Parquet store: provenance, hash check, repair from source, atomic writes."""

import hashlib
import json

import pandas as pd
import pytest

from econ.config import Settings
from econ.data.errors import CacheCorruptError
from econ.data.loader import DataLoader
from econ.data.providers.base import Fetched
from econ.data.store import Store

ROW = "cn.index.csi300.close,c300.csv,date,close,index points,business daily,CSI 300"
BODY = "date,close\n2024-01-02,3386.35\n2024-01-03,3378.30\n"


def _fetched():
    s = pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2024-01-02", "2024-01-03"], name="date"), name="x.y")
    return Fetched(series=s, provider="import", source="test", unit="percent", source_sha256="abc")


def test_roundtrip_and_provenance(tmp_path):
    store = Store(tmp_path)
    meta = store.put(_fetched())
    got = store.get("x.y")
    expected = _fetched().series
    expected.index = expected.index.as_unit("ns")  # the store's canonical resolution
    pd.testing.assert_series_equal(got.series, expected, check_freq=False)
    assert meta["sha256"] == hashlib.sha256((tmp_path / "x.y.parquet").read_bytes()).hexdigest()
    on_disk = json.loads((tmp_path / "x.y.json").read_text())
    assert on_disk["provider"] == "import" and on_disk["rows"] == 2 and on_disk["first"] == "2024-01-02"
    assert "retrieved_at" in on_disk and on_disk["source_sha256"] == "abc"


def test_corruption_is_detected(tmp_path):
    store = Store(tmp_path)
    store.put(_fetched())
    p = tmp_path / "x.y.parquet"
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0xFF
    p.write_bytes(bytes(data))
    with pytest.raises(CacheCorruptError, match="fails its sha256 check"):
        store.get("x.y")


def test_corrupt_cache_is_rebuilt_from_the_vault(tmp_path, make_vault):
    v = make_vault(tmp_path / "v", {"c300.csv": BODY}, [ROW])
    settings = Settings.resolve(vault=v, cache=tmp_path / "cache", live=False)
    DataLoader(settings).fetch("cn.index.csi300.close")
    p = tmp_path / "cache" / "cn.index.csi300.close.parquet"
    p.write_bytes(b"garbage" + p.read_bytes()[7:])
    loader = DataLoader(settings)
    s = loader.series("cn.index.csi300.close")
    assert s.tolist() == [3386.35, 3378.30]
    assert any("fails its sha256 check" in e for e in loader.events)
    assert Store(tmp_path / "cache").get("cn.index.csi300.close") is not None  # repaired


def test_cache_is_refreshed_when_the_vault_file_changes(tmp_path, make_vault):
    v = make_vault(tmp_path / "v", {"c300.csv": BODY}, [ROW])
    settings = Settings.resolve(vault=v, cache=tmp_path / "cache", live=False)
    DataLoader(settings).fetch("cn.index.csi300.close")
    (v / "c300.csv").write_text(BODY + "2024-01-04,3347.05\n")
    assert len(DataLoader(settings).series("cn.index.csi300.close")) == 3


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    store = Store(tmp_path)
    store.put(_fetched())
    before = (tmp_path / "x.y.parquet").read_bytes()
    import econ.data.store as store_mod

    def boom(path, data):
        raise OSError("disk full")

    monkeypatch.setattr(store_mod, "atomic_write_bytes", boom)
    with pytest.raises(OSError):
        store.put(_fetched())
    assert (tmp_path / "x.y.parquet").read_bytes() == before
    assert store.get("x.y") is not None


def test_atomic_write_leaves_no_temp_on_failure(tmp_path):
    from econ.io import atomic_write_with

    target = tmp_path / "f.txt"
    target.write_text("old")

    def writer(tmp):
        open(tmp, "w").write("half")
        raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        atomic_write_with(target, writer)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_cached_live_series_served_without_vault(tmp_path):
    settings = Settings.resolve(vault=None, cache=tmp_path, live=False)
    s = pd.Series([2.0], index=pd.DatetimeIndex(["2024-01-02"], name="date"), name="cn.rate.dr007")
    Store(tmp_path).put(Fetched(series=s, provider="akshare", source="fake", unit="percent"))
    assert DataLoader(settings).fetch("cn.rate.dr007").provider == "akshare"
