"""FredProvider without network: ``_download`` (or ``urlopen``) is monkeypatched."""

from __future__ import annotations

import dataclasses
import io
import urllib.error

import numpy as np
import pandas as pd
import pytest

from econ.config import Settings
from econ.data.catalog import default_catalog
from econ.data.errors import DataError, UnitMismatchError
from econ.data.loader import DataLoader
from econ.data.providers import fred
from econ.data.providers.fred import FRED_TABLE, FredError, FredProvider, parse_fred_csv

NEW_STYLE = "observation_date,DGS10\n2024-01-02,3.95\n2024-01-01,.\n2024-01-03,3.91\n2024-01-04,\n"
OLD_STYLE = "DATE,DGS10\n2024-01-02,3.95\n2024-01-03,3.91\n2024-01-15,.\n"


def spec(series_id: str):
    return default_catalog()[series_id]


@pytest.fixture
def downloads(monkeypatch):
    """Serve CSV texts by FRED code; record the codes asked for."""
    texts: dict[str, str] = {}
    asked: list[str] = []

    def fake(code: str) -> str:
        asked.append(code)
        if code not in texts:
            raise FredError(f"FRED download of {code} failed: HTTP 404 Not Found")
        return texts[code]

    monkeypatch.setattr(fred, "_download", fake)
    return texts, asked


def test_table_matches_catalog():
    cat = default_catalog()
    assert set(FRED_TABLE) == {s.id for s in cat if s.live == "fred"}
    for sid, route in FRED_TABLE.items():
        assert route.unit == cat[sid].unit, sid
    assert {sid: r.code for sid, r in FRED_TABLE.items()} == {
        "us.rate.ust10y": "DGS10", "us.rate.ust2y": "DGS2", "us.rate.tips10y": "DFII10",
        "us.rate.fed_funds": "FEDFUNDS", "us.rate.fed_funds_daily": "DFF",
        "us.fed.total_assets": "WALCL", "us.fx.broad_dollar": "DTWEXBGS",
        "us.index.sp500.close": "SP500", "cn.fx.usdcny": "DEXCHUS"}


@pytest.mark.parametrize("text", [NEW_STYLE, OLD_STYLE], ids=["observation_date", "DATE"])
def test_daily_both_headers_and_missing_dots(downloads, text):
    texts, asked = downloads
    texts["DGS10"] = text
    f = FredProvider().fetch(spec("us.rate.ust10y"))
    assert asked == ["DGS10"]
    s = f.series
    assert list(s.index) == list(pd.to_datetime(["2024-01-02", "2024-01-03"]))
    assert s.tolist() == [3.95, 3.91]
    assert s.name == "us.rate.ust10y" and s.index.name == "date" and s.dtype == np.float64
    assert f.provider == "fred" and f.unit == "percent" and f.source_sha256 is None
    assert f.source == "https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS10"
    assert f.notes[0].startswith("FRED DGS10")


def test_monthly_dates_move_to_month_end(downloads):
    texts, _ = downloads
    texts["FEDFUNDS"] = "observation_date,FEDFUNDS\n2024-01-01,5.33\n2024-02-01,5.33\n2024-03-01,.\n"
    f = FredProvider().fetch(spec("us.rate.fed_funds"))
    assert spec("us.rate.fed_funds").frequency == "M"
    assert list(f.series.index) == list(pd.to_datetime(["2024-01-31", "2024-02-29"]))
    assert f.series.tolist() == [5.33, 5.33]
    assert any("period end" in n for n in f.notes)


def test_weekly_and_daily_dates_kept(downloads):
    texts, _ = downloads
    texts["WALCL"] = "observation_date,WALCL\n2024-01-03,7713479\n2024-01-10,7681467\n"
    f = FredProvider().fetch(spec("us.fed.total_assets"))
    assert list(f.series.index) == list(pd.to_datetime(["2024-01-03", "2024-01-10"]))  # Wednesdays
    assert f.unit == "USD million" and f.series.iloc[0] == 7713479.0
    texts["DEXCHUS"] = "observation_date,DEXCHUS\n2024-01-02,7.1104\n"
    g = FredProvider().fetch(spec("cn.fx.usdcny"))
    assert g.unit == "CNY per USD" and g.series.tolist() == [7.1104]


def test_bad_payloads():
    with pytest.raises(FredError, match="HTML"):
        parse_fred_csv("<!DOCTYPE html><html><body>Error</body></html>", "DGS10")
    with pytest.raises(FredError, match="expected 'observation_date'"):
        parse_fred_csv("observation_date,DGS2\n2024-01-02,4.3\n", "DGS10")
    with pytest.raises(FredError, match="non-numeric values, e.g. 'n/a'"):
        parse_fred_csv("observation_date,DGS10\n2024-01-02,n/a\n", "DGS10")
    with pytest.raises(FredError, match="unparsable dates"):
        parse_fred_csv("observation_date,DGS10\n02/01/2024,3.9\n", "DGS10")
    with pytest.raises(FredError, match="no CSV"):
        parse_fred_csv("", "DGS10")


def test_all_missing_is_an_error(downloads):
    texts, _ = downloads
    texts["DGS2"] = "observation_date,DGS2\n2024-01-01,.\n"
    with pytest.raises(FredError, match="no observations"):
        FredProvider().fetch(spec("us.rate.ust2y"))


def test_download_failures_become_data_errors(monkeypatch):
    def offline(req, timeout):
        assert timeout == fred.TIMEOUT_SECONDS
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(fred.urllib.request, "urlopen", offline)
    with pytest.raises(DataError) as exc:
        FredProvider().fetch(spec("us.rate.ust10y"))
    msg = str(exc.value)
    assert isinstance(exc.value, FredError)
    assert "DGS10" in msg and "name resolution" in msg and "fredgraph.csv?id=DGS10" in msg

    def not_found(req, timeout):
        raise urllib.error.HTTPError(req.full_url, 404, "Not Found", {}, io.BytesIO(b""))

    monkeypatch.setattr(fred.urllib.request, "urlopen", not_found)
    with pytest.raises(FredError, match="HTTP 404 Not Found"):
        fred._download("NOPE")


def test_download_reads_body(monkeypatch):
    class Resp(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    seen = {}

    def ok(req, timeout):
        seen["url"] = req.full_url
        return Resp(("\ufeff" + NEW_STYLE).encode("utf-8"))

    monkeypatch.setattr(fred.urllib.request, "urlopen", ok)
    assert fred._download("DGS10") == NEW_STYLE
    assert seen["url"] == "https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS10"


def test_serves_and_unit_check():
    prov = FredProvider()
    assert prov.serves(spec("us.rate.ust10y"))
    assert prov.serves(spec("cn.fx.usdcny"))
    assert not prov.serves(spec("cn.index.csi300.close"))  # not in the table
    assert not prov.serves(spec("us.fx.dxy"))  # no FRED code for the ICE index
    bad = {"us.rate.ust10y": dataclasses.replace(FRED_TABLE["us.rate.ust10y"], unit="decimal")}
    with pytest.raises(UnitMismatchError):
        FredProvider(table=bad).fetch(spec("us.rate.ust10y"))
    with pytest.raises(FredError, match="no series code for 'us.fx.dxy'"):
        prov.fetch(spec("us.fx.dxy"))


def test_loader_caches_fred_series(downloads, tmp_path):
    texts, asked = downloads
    texts["DGS2"] = "observation_date,DGS2\n2024-01-02,4.33\n2024-01-03,4.38\n"
    settings = Settings.resolve(vault=None, cache=tmp_path, live=True)
    first = DataLoader(settings, live_providers=[FredProvider()]).fetch("us.rate.ust2y")
    assert first.provider == "fred" and (tmp_path / "us.rate.ust2y.parquet").is_file()
    again = DataLoader(settings, live_providers=[FredProvider()]).fetch("us.rate.ust2y")
    assert asked == ["DGS2"]
    assert again.provider == "fred"
    pd.testing.assert_series_equal(again.series, first.series)
