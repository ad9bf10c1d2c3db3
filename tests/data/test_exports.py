"""Files as Wind and Choice write them: GBK, BOM, .xlsx, header block, footer, newest-first,
Chinese units, frequency checks, ids outside the catalog.

The layouts: Wind's economic database (EDB) export puts ``指标名称 / 频率 / 单位 / 指标ID / 来源``
rows above the data (label in the first column, one value per series column) and a
``数据来源：Wind`` line below it; Choice's EDB export has the same block (its own order) and a
``数据来源：东方财富Choice数据`` footer, newest date first. Both are written by Excel on Chinese
Windows in GBK unless saved as "CSV UTF-8" (with a byte-order mark).
"""

from __future__ import annotations

import codecs

import pandas as pd
import pytest

from econ.config import Settings
from econ.data.errors import FrequencyMismatchError, UnitMismatchError, VaultFileError
from econ.data.exports import read_export
from econ.data.importer import ImportSpecError, import_file
from econ.data.loader import DataLoader
from econ.data.units import canonical_unit

WIND_CSI1000 = (
    "指标名称,中证1000\n"
    "频率,日\n"
    "单位,点\n"
    "指标ID,M0330171\n"
    "来源,中证指数有限公司\n"
    "2024-01-02,5490.20\n"
    "2024-01-03,5420.44\n"
    "2024-01-04,5352.11\n"
    "2024-01-05,5290.73\n"
    ",\n"
    "数据来源：Wind\n"
)
CHOICE_M2 = (
    "指标名称,中国:货币供应量:M2:同比\n"
    "单位,%\n"
    "频率,月\n"
    "来源,中国人民银行\n"
    "指标ID,EMM00087086\n"
    "2024-04-30,7.2\n"
    "2024-03-31,8.3\n"
    "2024-02-29,8.7\n"
    "2024-01-31,8.7\n"
    "数据来源：东方财富Choice数据\n"
)


def settings(tmp_path, vault=None):
    return Settings.resolve(vault=vault, cache=tmp_path / "cache", live=False)


def write_gbk(path, text):
    path.write_bytes(text.encode("gbk"))
    return path


def wind_xlsx(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in [["指标名称", "中证1000"], ["频率", "日"], ["单位", "点"], ["指标ID", "M0330171"],
              ["来源", "中证指数有限公司"], *rows, [], ["数据来源：Wind"]]:
        ws.append(r)
    wb.save(path)
    return path


def test_wind_gbk_header_block_and_footer_are_recognised(tmp_path):
    f = write_gbk(tmp_path / "wind.csv", WIND_CSI1000)
    ex = read_export(f)
    assert ex.encoding == "gb18030"
    assert list(ex.frame.columns) == ["date", "中证1000"]
    assert ex.frame["date"].tolist() == ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]
    assert ex.units == {"中证1000": "点"} and ex.frequencies == {"中证1000": "日"}
    assert any("数据来源：Wind" in n for n in ex.notices)


def test_utf8_bom_and_slash_dates(tmp_path):
    f = tmp_path / "bom.csv"
    f.write_bytes(codecs.BOM_UTF8 + "日期,收盘价\n2024/1/2,3386.35\n2024/1/3,3378.30\n".encode())
    ex = read_export(f)
    assert ex.encoding == "utf-8-sig"
    assert list(ex.frame.columns) == ["日期", "收盘价"]
    assert ex.frame["日期"].tolist() == ["2024-01-02", "2024-01-03"]


def test_wind_gbk_export_in_a_user_vault(tmp_path, make_vault):
    v = tmp_path / "v"
    v.mkdir()
    write_gbk(v / "wind.csv", WIND_CSI1000)
    make_vault(v, {}, ["cn.index.csi1000.close,wind.csv,date,中证1000,点,business daily,CSI 1000 from Wind"])
    f = DataLoader(settings(tmp_path, v)).fetch("cn.index.csi1000.close")
    assert f.series.tolist() == [5490.20, 5420.44, 5352.11, 5290.73]
    assert f.unit == "index points" and f.origin == str(v.resolve())
    assert any("GBK" in n for n in f.notes)


def test_choice_newest_first_is_sorted_with_a_notice(tmp_path):
    f = write_gbk(tmp_path / "choice.csv", CHOICE_M2)
    meta = import_file(settings(tmp_path), "cn.macro.m2_yoy", f)
    assert (meta["first"], meta["last"], meta["rows"]) == ("2024-01-31", "2024-04-30", 4)
    assert any("newest-first" in n and "sorted ascending" in n for n in meta["notices"])
    s = DataLoader(settings(tmp_path)).series("cn.macro.m2_yoy")
    assert s.tolist() == [8.7, 8.7, 8.3, 7.2]
    assert s.attrs["provider"] == "import"


def test_a_row_out_of_place_is_still_an_error(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("date,v\n2024-01-31,1\n2024-03-31,2\n2024-02-29,3\n2024-04-30,4\n")
    with pytest.raises(VaultFileError, match="not sorted ascending.*line 4"):
        import_file(settings(tmp_path), "cn.macro.m2_yoy", f)


def test_xlsx_wind_layout_imports(tmp_path):
    import datetime as dt

    rows = [[dt.datetime(2024, 1, d), v] for d, v in [(2, 5490.2), (3, 5420.44), (4, 5352.11)]]
    f = wind_xlsx(tmp_path / "wind.xlsx", rows)
    meta = import_file(settings(tmp_path), "cn.index.csi1000.close", f)
    assert (meta["first"], meta["last"], meta["rows"]) == ("2024-01-02", "2024-01-04", 3)
    s = DataLoader(settings(tmp_path)).series("cn.index.csi1000.close")
    assert s.tolist() == [5490.2, 5420.44, 5352.11]


def test_legacy_xls_is_refused_with_a_hint(tmp_path):
    f = tmp_path / "old.xls"
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(VaultFileError, match=r"\.xls.*save it as \.xlsx or CSV"):
        import_file(settings(tmp_path), "cn.index.csi1000.close", f)


@pytest.mark.parametrize(("word", "canonical"), [("点", "index points"), ("亿元", "CNY 100m"), ("%", "percent"),
                                                 ("万元", "CNY 10k"), ("百万元", "CNY million"), ("倍", "ratio"),
                                                 ("亿美元", "USD 100m")])
def test_chinese_unit_spellings(word, canonical):
    assert canonical_unit(word) == canonical


def test_unit_row_contradicting_the_catalog_names_the_factor(tmp_path):
    text = "指标名称,融资余额\n频率,日\n单位,万元\n2024-01-02,155000000\n2024-01-03,155100000\n2024-01-04,155200000\n"
    f = write_gbk(tmp_path / "margin.csv", text)
    with pytest.raises(UnitMismatchError, match="declares '万元'.*'CNY 100m'.*Multiply the column by 0.0001"):
        import_file(settings(tmp_path), "cn.margin.financing_balance", f)


def test_monthly_data_into_a_daily_id_names_both(tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("date,close\n2024-01-31,1\n2024-02-29,2\n2024-03-29,3\n2024-04-30,4\n")
    with pytest.raises(FrequencyMismatchError, match="monthly.*'cn.index.csi300.close' is a daily series"):
        import_file(settings(tmp_path), "cn.index.csi300.close", f)


def test_monthly_data_into_a_daily_id_in_a_user_vault_is_noted(tmp_path, make_vault):
    v = make_vault(tmp_path / "v", {"m.csv": "date,close\n2024-01-31,3001\n2024-02-29,3002\n2024-03-29,3003\n"},
                   ["cn.index.csi300.close,m.csv,date,close,index points,business daily,x"])
    f = DataLoader(settings(tmp_path, v)).fetch("cn.index.csi300.close")
    assert any("monthly" in n and "daily series" in n for n in f.notes)


def test_frequency_row_contradicting_the_catalog(tmp_path):
    text = CHOICE_M2.replace("频率,月", "频率,日")
    f = write_gbk(tmp_path / "choice.csv", text)
    with pytest.raises(ImportSpecError, match="frequency '日'.*monthly"):
        import_file(settings(tmp_path), "cn.macro.m2_yoy", f)


def test_id_outside_the_catalog_needs_frequency_and_aggregation(tmp_path):
    f = write_gbk(tmp_path / "choice.csv", CHOICE_M2)
    with pytest.raises(ImportSpecError, match="--frequency.*--agg.*--unit"):
        import_file(settings(tmp_path), "my.m2_yoy", f)
    meta = import_file(settings(tmp_path), "my.m2_yoy", f, frequency="monthly", agg="mean", unit="%")
    assert meta["rows"] == 4
    loader = DataLoader(settings(tmp_path))
    spec = loader.spec("my.m2_yoy")
    assert (spec.frequency, spec.agg, spec.unit) == ("M", "mean", "percent")
    assert "my.m2_yoy" in loader.ids()
    assert loader.series("my.m2_yoy").index[0] == pd.Timestamp("2024-01-31")


def test_user_vault_id_outside_the_catalog_declares_its_aggregation(tmp_path):
    v = tmp_path / "v"
    v.mkdir()
    (v / "x.csv").write_text("date,v\n2024-01-02,1\n2024-01-03,2\n2024-01-04,3\n")
    (v / "MANIFEST.csv").write_text("series_id,file,date_column,value_column,unit,frequency,description,agg\n"
                                    "my.flow,x.csv,date,v,CNY 100m,business daily,my flow,sum\n")
    spec = DataLoader(settings(tmp_path, v)).spec("my.flow")
    assert (spec.agg, spec.frequency) == ("sum", "D")
    (v / "MANIFEST.csv").write_text("series_id,file,date_column,value_column,unit,frequency,description,agg\n"
                                    "my.flow,x.csv,date,v,CNY 100m,business daily,my flow,median\n")
    from econ.data.errors import ManifestError

    with pytest.raises(ManifestError, match="agg 'median'"):
        DataLoader(settings(tmp_path, v)).spec("my.flow")
