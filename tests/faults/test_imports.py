"""Fault cases of issue 10 part 4 (imports, manifests, no vault) and of issue 14 part 2:
each ends in a one-line error naming the file and what to do (exit 2), or in a declared fix;
``econ data status`` never crashes afterwards. Files are built at test time."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from econ.cli import app

runner = CliRunner()
WIND = ("指标名称,中证1000\n频率,日\n单位,点\n指标ID,M0330171\n来源,中证指数有限公司\n"
        "2024-01-02,5490.20\n2024-01-03,5420.44\n2024-01-04,5352.11\n,\n数据来源：Wind\n")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ECON_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def one_line_error(res) -> str:
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.output
    assert "Traceback" not in res.output
    return lines[0]


def status_ok() -> list[dict]:
    res = runner.invoke(app, ["data", "status", "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.mark.parametrize(("content", "expect"), [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    (bytes(range(256)) * 8, "not a text table"),
    (b"date,value\n", "no data rows"),
    (b"date,value\n2024-01-02,\n2024-01-03,\n2024-01-04,\n", "no values"),
    ("日期,数值\n2024-01-02,\n".encode("gbk"), "no values"),
    (b"\xff\xfe\x00\x00garbage\xc3\x28\x81", "not a text table"),
])
def test_bad_import_is_one_line_and_status_survives(cache, tmp_path, content, expect):
    f = tmp_path / "bad.csv"
    f.write_bytes(content)
    res = runner.invoke(app, ["data", "import", "cn.rate.dr007", str(f)])
    assert res.exit_code == 2
    line = one_line_error(res)
    assert expect in line and "bad.csv" in line
    rows = status_ok()
    assert next(r for r in rows if r["id"] == "cn.rate.dr007")["provider"] == "-"


def test_gbk_wind_export_imports_and_status_shows_it(cache, tmp_path):
    f = tmp_path / "wind.csv"
    f.write_bytes(WIND.encode("gbk"))
    res = runner.invoke(app, ["data", "import", "cn.index.csi1000.close", str(f)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "imported cn.index.csi1000.close: 3 rows 2024-01-02..2024-01-04" in res.stdout
    assert "GBK" in res.stdout and "数据来源：Wind" in res.stdout
    row = next(r for r in status_ok() if r["id"] == "cn.index.csi1000.close")
    assert (row["provider"], row["origin"], row["rows"]) == ("import", "import", 3)


def test_import_of_a_missing_file(cache, tmp_path):
    res = runner.invoke(app, ["data", "import", "cn.rate.dr007", str(tmp_path / "nope.csv")])
    assert res.exit_code == 2 and "nope.csv does not exist" in one_line_error(res)


@pytest.mark.parametrize(("content", "expect"), [
    (b"", "is empty"),
    ("series_id,file,date_column,value_column,unit,frequency,description\n"
     "cn.index.csi300.close,c.csv,日期,收盘,点,日,沪深300\n".encode("gbk"), "not UTF-8"),
    (b"series_id,file,date_column,value_column,unit,frequency,description\n", "lists no series"),
])
def test_bad_manifest_is_one_line_naming_it(cache, tmp_path, content, expect):
    v = tmp_path / "v"
    v.mkdir()
    (v / "MANIFEST.csv").write_bytes(content)
    for cmd in (["data", "status", "--vault", str(v)], ["run", "A1", "--vault", str(v), "--paper", str(tmp_path / "p")]):
        res = runner.invoke(app, cmd)
        assert res.exit_code == 2, res.output
        line = one_line_error(res)
        assert expect in line and str(v / "MANIFEST.csv") in line


def test_no_vault_falls_back_to_the_snapshot(cache, monkeypatch):
    monkeypatch.delenv("ECON_SNAPSHOT")
    rows = status_ok()
    assert all(r["origin"] == "snapshot" for r in rows) and len(rows) >= 70


def test_no_vault_and_no_snapshot_is_one_line(cache, tmp_path):
    res = runner.invoke(app, ["run", "A1", "--paper", str(tmp_path / "p")])
    assert res.exit_code == 2
    line = one_line_error(res)
    assert "no data" in line and "--vault" in line and "--synthetic" in line


def test_vault_list_in_environment(cache, tmp_path, make_vault, monkeypatch):
    a = make_vault(tmp_path / "a", {"c.csv": "date,close\n2024-01-02,3000\n2024-01-03,3010\n"},
                   ["cn.index.csi300.close,c.csv,date,close,index points,business daily,x"])
    b = make_vault(tmp_path / "b", {"c.csv": "date,close\n2024-01-02,5000\n2024-01-03,5020\n"},
                   ["cn.index.csi500.close,c.csv,date,close,index points,business daily,y"])
    monkeypatch.setenv("ECON_VAULT", f"{a}{os.pathsep}{b}")
    rows = {r["id"]: r for r in status_ok()}
    assert rows["cn.index.csi300.close"]["origin"] == "vault 1"
    assert rows["cn.index.csi500.close"]["origin"] == "vault 2"
    assert rows["cn.index.csi1000.close"]["provider"] == "-"
