"""AkshareProvider without network: akshare functions are monkeypatched with small frames
that use akshare's real column names and units (see the citations in AKSHARE_TABLE)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from econ.config import Settings
from econ.data.catalog import default_catalog
from econ.data.errors import DataError, UnitMismatchError
from econ.data.loader import DataLoader
from econ.data.providers.akshare import (
    AKSHARE_TABLE,
    UNMAPPED,
    AkRoute,
    AkshareError,
    AkshareProvider,
    parse_dates,
)

ak = pytest.importorskip("akshare")


def spec(series_id: str):
    return default_catalog()[series_id]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Recorder:
    """A fake akshare function returning ``frame`` and recording its calls."""

    def __init__(self, frame: pd.DataFrame | Exception) -> None:
        self.frame = frame
        self.calls: list[dict] = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        if isinstance(self.frame, Exception):
            raise self.frame
        return self.frame.copy()


def sina_index_frame() -> pd.DataFrame:
    # stock_zh_index_daily: date as datetime.date objects, OHLC floats, volume
    return pd.DataFrame({
        "date": [d("2024-01-03"), d("2024-01-02"), d("2024-01-04")],
        "open": [3400.0, 3390.0, 3360.0],
        "high": [3410.0, 3420.0, 3370.0],
        "low": [3370.0, 3380.0, 3330.0],
        "close": [3385.95, 3386.35, 3355.60],
        "volume": [1.1e10, 1.2e10, 1.0e10],
    })


def bond_frame() -> pd.DataFrame:
    # bond_zh_us_rate: 日期 is datetime64; China columns empty on US-only dates
    return pd.DataFrame({
        "日期": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-15"]),
        "中国国债收益率2年": [2.1, 2.08, np.nan],
        "中国国债收益率5年": [2.4, 2.39, np.nan],
        "中国国债收益率10年": [2.55, 2.54, np.nan],
        "中国国债收益率30年": [2.8, 2.79, np.nan],
        "中国国债收益率10年-2年": [0.45, 0.46, np.nan],
        "中国GDP年增率": [np.nan, np.nan, np.nan],
        "美国国债收益率2年": [4.33, 4.38, 4.14],
        "美国国债收益率5年": [3.93, 3.99, 3.83],
        "美国国债收益率10年": [3.95, 3.91, 3.94],
        "美国国债收益率30年": [4.1, 4.05, 4.17],
        "美国国债收益率10年-2年": [-0.38, -0.47, -0.2],
        "美国GDP年增率": [np.nan, np.nan, np.nan],
    })


# -- the table -----------------------------------------------------------------------------
def test_table_ids_units_and_functions_match_catalog_and_installed_akshare():
    cat = default_catalog()
    for sid, route in AKSHARE_TABLE.items():
        assert sid in cat, sid
        assert route.unit == cat[sid].unit, sid
        lo, hi = route.bounds
        assert lo < hi
        for call in route.calls:
            func = getattr(ak, call.func, None)
            assert callable(func), f"akshare has no {call.func}"
            params = inspect.signature(func).parameters
            assert set(call.kwargs) <= set(params), (call.func, call.kwargs)


def test_every_akshare_catalog_id_is_mapped_or_explained():
    live = {s.id for s in default_catalog() if s.live == "akshare"}
    assert live - set(AKSHARE_TABLE) == set(UNMAPPED)
    assert "cn.rate.dr007" in UNMAPPED


def test_unit_factors_are_the_checked_ones():
    nb = AKSHARE_TABLE["cn.flow.northbound.net"]
    assert (nb.source_unit, nb.factor, nb.unit) == ("CNY 100m", 100.0, "CNY million")
    mg = AKSHARE_TABLE["cn.margin.financing_balance"]
    assert (mg.source_unit, mg.factor, mg.unit) == ("CNY", 1e-8, "CNY 100m")
    assert [c.func for c in mg.calls] == ["macro_china_market_margin_sh", "macro_china_market_margin_sz"]


# -- fetching ------------------------------------------------------------------------------
def test_sina_index_close(monkeypatch):
    fake = Recorder(sina_index_frame())
    monkeypatch.setattr(ak, "stock_zh_index_daily", fake)
    f = AkshareProvider().fetch(spec("cn.index.csi300.close"))
    assert fake.calls == [{"symbol": "sh000300"}]
    s = f.series
    assert s.name == "cn.index.csi300.close" and s.index.name == "date"
    assert s.dtype == np.float64 and s.index.dtype == "datetime64[ns]"
    assert s.index.is_monotonic_increasing and s.index.is_unique
    assert list(s.index) == list(pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"]))
    assert s.tolist() == [3386.35, 3385.95, 3355.60]
    assert f.provider == "akshare"
    assert f.source == "akshare.stock_zh_index_daily(symbol='sh000300')"
    assert f.unit == "index points" and f.source_sha256 is None and not f.synthetic
    assert f.notes[0] == f"akshare {ak.__version__}"


@pytest.mark.parametrize(("sid", "symbol"), [
    ("cn.index.csi500.close", "sh000905"), ("cn.index.csi1000.close", "sh000852"),
    ("cn.index.sse50.close", "sh000016"), ("cn.index.sse.close", "sh000001"),
    ("cn.index.chinext.close", "sz399006"),
])
def test_sina_symbols(monkeypatch, sid, symbol):
    fake = Recorder(sina_index_frame())
    monkeypatch.setattr(ak, "stock_zh_index_daily", fake)
    AkshareProvider().fetch(spec(sid))
    assert fake.calls == [{"symbol": symbol}]


def test_csindex_close_with_today_as_end_date(monkeypatch):
    frame = pd.DataFrame({
        "日期": [d("2024-01-02"), d("2024-01-03")], "指数代码": ["932000", "932000"],
        "指数中文全称": ["中证2000指数"] * 2, "指数中文简称": ["中证2000"] * 2,
        "指数英文全称": ["CSI 2000 Index"] * 2, "指数英文简称": ["CSI 2000"] * 2,
        "开盘": [2500.0, 2480.0], "最高": [2510.0, 2490.0], "最低": [2470.0, 2440.0],
        "收盘": [2481.2, 2445.7], "涨跌": [-20.0, -35.5], "涨跌幅": [-0.8, -1.43],
        "成交量": [1.0e6, 1.1e6], "成交金额": [1.2e3, 1.3e3], "样本数量": [2000, 2000],
        "滚动市盈率": [30.1, 29.8],
    })
    fake = Recorder(frame)
    monkeypatch.setattr(ak, "stock_zh_index_hist_csindex", fake)
    f = AkshareProvider().fetch(spec("cn.index.csi2000.close"))
    today = dt.date.today().strftime("%Y%m%d")
    assert fake.calls == [{"symbol": "932000", "start_date": "20041231", "end_date": today}]
    assert f.series.tolist() == [2481.2, 2445.7]
    assert f.source == ("akshare.stock_zh_index_hist_csindex(symbol='932000', "
                        f"start_date='20041231', end_date='{today}')")


def test_northbound_converts_100m_to_million_and_drops_unpublished_and_duplicates(monkeypatch):
    frame = pd.DataFrame({
        "日期": [d("2024-08-16"), d("2024-08-15"), d("2024-08-15"), d("2024-08-19")],
        "当日成交净买额": [12.3456, -45.0, -45.5, np.nan],  # 亿元; empty after 2024-08
        "买入成交额": [1200.0, 1100.0, 1100.0, np.nan], "卖出成交额": [1187.6, 1145.0, 1145.5, np.nan],
        "历史累计净买额": [1.8, 1.8, 1.8, np.nan], "当日资金流入": [np.nan] * 4,
        "当日余额": [np.nan] * 4, "持股市值": [0.0] * 4, "领涨股": ["x"] * 4,
        "领涨股-涨跌幅": [10.0] * 4, "沪深300": [3340.0] * 4, "沪深300-涨跌幅": [0.1] * 4,
        "领涨股-代码": ["600000.SH"] * 4,
    })
    fake = Recorder(frame)
    monkeypatch.setattr(ak, "stock_hsgt_hist_em", fake)
    f = AkshareProvider().fetch(spec("cn.flow.northbound.net"))
    assert fake.calls == [{"symbol": "北向资金"}]
    assert f.unit == "CNY million"
    assert list(f.series.index) == list(pd.to_datetime(["2024-08-15", "2024-08-16"]))
    np.testing.assert_allclose(f.series.to_numpy(), [-4550.0, 1234.56])  # last duplicate kept
    notes = " | ".join(f.notes)
    assert "dropped 1 row(s) without a value in '当日成交净买额'" in notes
    assert "dropped 1 duplicate date(s)" in notes and "1 with differing values" in notes
    assert "CNY 100m -> CNY million (x 100)" in notes
    assert "#6394" in notes


def test_margin_balance_sums_exchanges_in_yuan_to_100m(monkeypatch):
    cols = ["融资买入额", "融资余额", "融券卖出量", "融券余量", "融券余额", "融资融券余额"]
    sh = pd.DataFrame({"日期": [d("2024-01-02"), d("2024-01-03"), d("2024-01-04")],
                       "融资买入额": [3e10] * 3, "融资余额": [8.1e11, 8.2e11, 8.3e11],
                       "融券卖出量": [1e8] * 3, "融券余量": [5e9] * 3, "融券余额": [4e10] * 3,
                       "融资融券余额": [8.5e11, 8.6e11, 8.7e11]})
    sz = pd.DataFrame({"日期": [d("2024-01-02"), d("2024-01-04")],
                       **{c: [0.0, 0.0] for c in cols}})
    sz["融资余额"] = [6.9e11, 7.0e11]
    f_sh, f_sz = Recorder(sh), Recorder(sz)
    monkeypatch.setattr(ak, "macro_china_market_margin_sh", f_sh)
    monkeypatch.setattr(ak, "macro_china_market_margin_sz", f_sz)
    f = AkshareProvider().fetch(spec("cn.margin.financing_balance"))
    assert f_sh.calls == [{}] and f_sz.calls == [{}]
    assert list(f.series.index) == list(pd.to_datetime(["2024-01-02", "2024-01-04"]))
    np.testing.assert_allclose(f.series.to_numpy(), [15000.0, 15300.0])  # 亿元
    assert f.unit == "CNY 100m"
    assert f.source == "akshare.macro_china_market_margin_sh() + akshare.macro_china_market_margin_sz()"
    assert any("1 date(s) reported by only some parts dropped" in n for n in f.notes)


@pytest.mark.parametrize(("sid", "indicator"), [("cn.rate.shibor_on", "隔夜"), ("cn.rate.shibor_1w", "1周")])
def test_shibor(monkeypatch, sid, indicator):
    frame = pd.DataFrame({"报告日": [d("2024-01-02"), d("2024-01-03")],
                          "利率": [1.55, 1.62], "涨跌": [-3.0, 7.0]})
    fake = Recorder(frame)
    monkeypatch.setattr(ak, "rate_interbank", fake)
    f = AkshareProvider().fetch(spec(sid))
    assert fake.calls == [{"market": "上海银行同业拆借市场", "symbol": "Shibor人民币", "indicator": indicator}]
    assert f.series.tolist() == [1.55, 1.62] and f.unit == "percent"


def test_bond_yields_share_one_download_and_drop_us_only_dates(monkeypatch):
    fake = Recorder(bond_frame())
    monkeypatch.setattr(ak, "bond_zh_us_rate", fake)
    prov = AkshareProvider()
    f10 = prov.fetch(spec("cn.rate.cgb10y"))
    f2 = prov.fetch(spec("cn.rate.cgb2y"))
    assert fake.calls == [{"start_date": "19901219"}]  # memoised per provider
    assert f10.series.tolist() == [2.55, 2.54] and f2.series.tolist() == [2.1, 2.08]
    assert any("dropped 1 row(s) without a value" in n for n in f10.notes)
    # US yields: served only when the catalog does not name FRED; fetchable explicitly
    us = spec("us.rate.ust10y")
    assert not prov.serves(us)
    assert prov.serves(dataclasses.replace(us, live=""))
    fus = prov.fetch(us)
    assert fus.series.tolist() == [3.95, 3.91, 3.94]
    assert prov.fetch(spec("us.rate.ust2y")).series.tolist() == [4.33, 4.38, 4.14]


def test_money_supply_month_labels_go_to_month_end(monkeypatch):
    frame = pd.DataFrame({
        "月份": ["2024年02月份", "2024年01月份", "2023年12月份"],  # newest first, as served
        "货币和准货币(M2)-数量(亿元)": [2992100.0, 2976200.0, 2922700.0],
        "货币和准货币(M2)-同比增长": [8.7, 8.7, 9.7], "货币和准货币(M2)-环比增长": [0.5, 1.8, 0.5],
        "货币(M1)-数量(亿元)": [655900.0, 659900.0, 680400.0],
        "货币(M1)-同比增长": [1.2, 5.9, 1.3], "货币(M1)-环比增长": [-0.6, -3.0, 1.6],
        "流通中的现金(M0)-数量(亿元)": [121200.0, 121600.0, 113400.0],
        "流通中的现金(M0)-同比增长": [12.5, 5.9, 8.3], "流通中的现金(M0)-环比增长": [-0.3, 7.2, 2.5],
    })
    monkeypatch.setattr(ak, "macro_china_money_supply", Recorder(frame))
    prov = AkshareProvider()
    m1 = prov.fetch(spec("cn.macro.m1_yoy"))
    m2 = prov.fetch(spec("cn.macro.m2_yoy"))
    ends = list(pd.to_datetime(["2023-12-31", "2024-01-31", "2024-02-29"]))
    assert list(m1.series.index) == ends and list(m2.series.index) == ends
    assert m1.series.tolist() == [1.3, 5.9, 1.2] and m2.series.tolist() == [9.7, 8.7, 8.7]
    assert any("2025-01" in n for n in m1.notes)


def test_pmi(monkeypatch):
    frame = pd.DataFrame({"月份": ["2024年03月份", "2024年02月份"], "制造业-指数": [50.8, 49.1],
                          "制造业-同比增长": [-1.4, -5.0],
                          "非制造业-指数": [53.0, 51.4], "非制造业-同比增长": [-5.5, -9.5]})
    monkeypatch.setattr(ak, "macro_china_pmi", Recorder(frame))
    f = AkshareProvider().fetch(spec("cn.macro.pmi_mfg"))
    assert list(f.series.index) == list(pd.to_datetime(["2024-02-29", "2024-03-31"]))
    assert f.series.tolist() == [49.1, 50.8] and f.unit == "index"


# -- errors --------------------------------------------------------------------------------
def test_missing_columns_name_function_and_what_is_there(monkeypatch):
    monkeypatch.setattr(ak, "stock_zh_index_daily",
                        Recorder(pd.DataFrame({"date": [d("2024-01-02")], "收盘": [1.0]})))
    with pytest.raises(AkshareError) as exc:
        AkshareProvider().fetch(spec("cn.index.csi300.close"))
    msg = str(exc.value)
    assert "akshare.stock_zh_index_daily(symbol='sh000300')" in msg
    assert "'close'" in msg and "it has: date, 收盘" in msg


def test_network_error_becomes_data_error(monkeypatch):
    monkeypatch.setattr(ak, "bond_zh_us_rate",
                        Recorder(ConnectionError("Max retries exceeded with url: datacenter.eastmoney.com")))
    with pytest.raises(DataError) as exc:
        AkshareProvider().fetch(spec("cn.rate.cgb10y"))
    assert isinstance(exc.value, AkshareError)
    msg = str(exc.value)
    assert "akshare.bond_zh_us_rate(start_date='19901219') failed" in msg
    assert "ConnectionError" in msg and "eastmoney" in msg


def test_failed_call_is_not_memoised(monkeypatch):
    prov = AkshareProvider()
    monkeypatch.setattr(ak, "bond_zh_us_rate", Recorder(TimeoutError("timed out")))
    with pytest.raises(AkshareError):
        prov.fetch(spec("cn.rate.cgb10y"))
    monkeypatch.setattr(ak, "bond_zh_us_rate", Recorder(bond_frame()))
    assert prov.fetch(spec("cn.rate.cgb10y")).series.tolist() == [2.55, 2.54]


def test_non_dataframe_and_unparsable_dates_and_all_nonnumeric(monkeypatch):
    prov = AkshareProvider()
    monkeypatch.setattr(ak, "macro_china_pmi", lambda: None)
    with pytest.raises(AkshareError, match="returned NoneType, not a DataFrame"):
        prov.fetch(spec("cn.macro.pmi_mfg"))
    monkeypatch.setattr(ak, "rate_interbank", Recorder(pd.DataFrame(
        {"报告日": ["2024-01-02", "not a date"], "利率": [1.5, 1.6], "涨跌": [0.0, 1.0]})))
    with pytest.raises(AkshareError, match=r"1 unparsable date\(s\).*'not a date'"):
        prov.fetch(spec("cn.rate.shibor_on"))
    monkeypatch.setattr(ak, "stock_zh_index_daily", Recorder(pd.DataFrame(
        {"date": [d("2024-01-02")], "close": ["n/a"]})))
    with pytest.raises(AkshareError, match="'close' has no numeric values"):
        prov.fetch(spec("cn.index.sse.close"))


def test_unit_slip_is_caught_by_bounds(monkeypatch):
    # akshare starting to return 元 instead of 亿元 would make x100 give absurd flows
    frame = pd.DataFrame({"日期": [d("2020-01-02")], "当日成交净买额": [1.23e9]})
    monkeypatch.setattr(ak, "stock_hsgt_hist_em", Recorder(frame))
    with pytest.raises(AkshareError, match="outside the plausible range"):
        AkshareProvider().fetch(spec("cn.flow.northbound.net"))


def test_missing_function_and_unit_mismatch(monkeypatch):
    monkeypatch.delattr(ak, "macro_china_pmi")
    with pytest.raises(AkshareError, match="has no function 'macro_china_pmi'"):
        AkshareProvider().fetch(spec("cn.macro.pmi_mfg"))
    bad = {"cn.macro.pmi_mfg": dataclasses.replace(AKSHARE_TABLE["cn.macro.pmi_mfg"], unit="percent")}
    with pytest.raises(UnitMismatchError):
        AkshareProvider(table=bad).fetch(spec("cn.macro.pmi_mfg"))
    with pytest.raises(AkshareError, match="no route for 'cn.index.microcap.close'"):
        AkshareProvider().fetch(spec("cn.index.microcap.close"))


# -- serves / optional import ----------------------------------------------------------------
def test_serves():
    prov = AkshareProvider()
    assert prov.serves(spec("cn.index.csi300.close"))
    assert prov.serves(spec("cn.margin.financing_balance"))
    assert not prov.serves(spec("cn.index.microcap.close"))  # not in the table
    assert not prov.serves(spec("cn.rate.dr007"))  # live=akshare but unmapped
    assert not prov.serves(spec("us.fx.broad_dollar"))


def test_without_akshare(monkeypatch):
    monkeypatch.setitem(sys.modules, "akshare", None)  # makes `import akshare` raise ImportError
    prov = AkshareProvider()
    assert not prov.serves(spec("cn.index.csi300.close"))
    with pytest.raises(AkshareError, match="pip install"):
        prov.fetch(spec("cn.index.csi300.close"))


def test_module_imports_without_akshare():
    code = ("import sys; sys.modules['akshare'] = None\n"
            "from econ.data.providers.akshare import AkshareProvider\n"
            "from econ.data.catalog import default_catalog\n"
            "assert not AkshareProvider().serves(default_catalog()['cn.index.csi300.close'])\n"
            "assert 'akshare' not in [m for m in sys.modules if sys.modules[m] is not None]\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_parse_dates_variants():
    raw = pd.Series(["2024年1月份", "2024年02月", "2024-03-15", None])
    idx, empty = parse_dates(raw, frequency="M", where="x")
    assert empty == 1
    assert list(idx[:3]) == list(pd.to_datetime(["2024-01-31", "2024-02-29", "2024-03-31"]))
    idx, _ = parse_dates(pd.Series([pd.Timestamp("2024-01-02 15:00")]), frequency="D", where="x")
    assert list(idx) == [pd.Timestamp("2024-01-02")]


def test_route_is_declarative_data():
    route = AKSHARE_TABLE["cn.index.csi300.close"]
    assert isinstance(route, AkRoute)
    call = route.calls[0]
    assert (call.func, dict(call.kwargs), call.date_column, call.value_column) == (
        "stock_zh_index_daily", {"symbol": "sh000300"}, "date", "close")
    assert "index_stock_zh.py" in route.checked


# -- integration with the loader and the Parquet store -------------------------------------
def test_loader_caches_akshare_series(monkeypatch, tmp_path):
    fake = Recorder(sina_index_frame())
    monkeypatch.setattr(ak, "stock_zh_index_daily", fake)
    settings = Settings.resolve(vault=None, cache=tmp_path, live=True)
    first = DataLoader(settings, live_providers=[AkshareProvider()]).fetch("cn.index.csi300.close")
    assert first.provider == "akshare" and len(fake.calls) == 1
    assert (tmp_path / "cn.index.csi300.close.parquet").is_file()
    loader2 = DataLoader(settings, live_providers=[AkshareProvider()])
    assert loader2.store.provenance("cn.index.csi300.close")["provider"] == "akshare"
    monkeypatch.setattr(ak, "stock_zh_index_daily",
                        Recorder(AssertionError("akshare must not be called again")))
    again = loader2.fetch("cn.index.csi300.close")
    assert again.provider == "akshare"
    assert again.source == "akshare.stock_zh_index_daily(symbol='sh000300')"
    pd.testing.assert_series_equal(again.series, first.series)
    assert len(fake.calls) == 1
