"""Strict readers of the vault's panel files (econ.data.panels) on tiny files built here."""

from __future__ import annotations

import gzip

import pytest

from econ.config import Settings
from econ.data import panels
from econ.data.errors import DataError, VaultFileError


def _mktcap(tmp_path, text):
    with gzip.open(tmp_path / panels.MKTCAP_FILE, "wt", encoding="utf-8") as fh:
        fh.write(text)
    return tmp_path


GOOD = ("date,ts_code,total_mv_yi,rank_total_mv\n"
        "2017-12-31,600519.SH,8000,1\n2017-12-31,000001.SZ,2000,2\n2018-03-31,600519.SH,9000,1\n")


def test_market_cap_reads_and_hashes(tmp_path):
    p = panels.market_cap(_mktcap(tmp_path, GOOD))
    assert len(p.frame) == 3 and p.frame["rank"].tolist() == [1, 2, 1]
    assert len(p.sha256) == 64 and "亿元" in p.units["total_mv_yi"]


def test_market_cap_parses_the_same_bytes_once_and_hands_out_copies(tmp_path, monkeypatch):
    calls = []
    real = panels._market_cap
    monkeypatch.setattr(panels, "_market_cap", lambda *a: calls.append(a[2]) or real(*a))
    monkeypatch.setattr(panels, "_MARKET_CAP", {})
    folder = _mktcap(tmp_path, GOOD)
    first = panels.market_cap(folder)
    first.frame.loc[0, "total_mv_yi"] = -1.0  # a caller's edit stays in its copy
    first.units["rank"] = "edited"
    second = panels.market_cap(folder)
    assert len(calls) == 1 and second.frame is not first.frame
    assert second.frame["total_mv_yi"].tolist() == [8000.0, 2000.0, 9000.0] and second.units["rank"] == "1 = largest"
    changed = _mktcap(tmp_path, GOOD.replace("9000,1", "9500,1"))  # new bytes: parsed and checked again
    assert panels.market_cap(changed).frame["total_mv_yi"].tolist() == [8000.0, 2000.0, 9500.0]
    assert len(calls) == 2


@pytest.mark.parametrize(("bad", "match"), [
    (GOOD.replace("2018-03-31", "2018-03-30"), "line 4: 2018-03-30 is not a quarter end"),
    (GOOD.replace("8000,1", "-5,1"), "line 2: market cap must be a positive number"),
    (GOOD.replace("8000,1", "8000,2").replace("2000,2", "2000,1"), "does not match the market-cap order"),
    (GOOD.replace("000001.SZ", "ABC"), "line 3: not a stock code"),
    (GOOD + "2017-12-31,600519.SH,1,3\n", "twice on 2017-12-31"),
])
def test_market_cap_errors_name_the_line(tmp_path, bad, match):
    with pytest.raises(VaultFileError, match=match):
        panels.market_cap(_mktcap(tmp_path, bad))


def test_trading_periods_flags_delisted_and_checks_order(tmp_path):
    (tmp_path / panels.PERIODS_FILE).write_text(
        "ts_code,first_date,last_date\n600001.SH,2005-01-04,2009-12-31\n600519.SH,2005-01-04,2025-08-06\n",
        encoding="utf-8")
    f = panels.trading_periods(tmp_path).frame
    assert f["delisted"].tolist() == [True, False]
    (tmp_path / panels.PERIODS_FILE).write_text("ts_code,first_date,last_date\n600001.SH,2010-01-04,2009-12-31\n",
                                                encoding="utf-8")
    with pytest.raises(VaultFileError, match="first_date after last_date"):
        panels.trading_periods(tmp_path)


def test_index_members_rejects_overlaps(tmp_path):
    text = ("index_code,ts_code,start,end\n000300,600519.SH,2020-01-01,2020-06-30\n"
            "000300,600519.SH,2020-06-30,2020-12-31\n")
    with gzip.open(tmp_path / panels.MEMBERS_FILE, "wt", encoding="utf-8") as fh:
        fh.write(text)
    with pytest.raises(VaultFileError, match="overlaps"):
        panels.index_members(tmp_path)


def test_cufe_rejects_percent_returns(tmp_path):
    cols = ",".join(panels.CUFE_COLUMNS)
    row = ",".join(["0.01"] * len(panels.CUFE_COLUMNS))
    (tmp_path / panels.CUFE_FILE).write_text(f"date,{cols}\n2020-01-02,{row}\n2020-01-03,{row.replace('0.01', '5', 1)}\n",
                                             encoding="utf-8")
    with pytest.raises(VaultFileError, match="decimal returns expected"):
        panels.cufe_factors(tmp_path)


def test_synthetic_runs_never_read_real_panels(tmp_path):
    s = Settings.resolve(vault=_mktcap(tmp_path, GOOD), cache=tmp_path / "c", synthetic=True)
    assert panels.panel_vault(s) is None
    with pytest.raises(DataError, match="no live or synthetic provider"):
        panels.market_cap(panels.panel_vault(s))
    assert panels.panel_vault(Settings.resolve(vault=tmp_path, cache=tmp_path / "c"))[0] == tmp_path.resolve()


@pytest.mark.vault
def test_real_panels_match_known_facts(vault):
    """Spot checks stated in the vault's SOURCES.md, read through the package's readers."""
    mc = panels.market_cap(vault).frame
    moutai = mc[(mc.ts_code == "600519.SH") & (mc.date == "2020-12-31")]["total_mv_yi"].iloc[0]
    assert moutai == pytest.approx(25098.8, abs=0.1)
    assert mc[(mc.date == "2010-12-31") & (mc["rank"] == 1)]["ts_code"].iloc[0] == "601857.SH"  # PetroChina
    members = panels.index_members(vault)
    assert len(panels.members_on(members, "2021-12-31", "000300")) == 300
    assert "300750.SZ" in panels.members_on(members, "2021-12-31", "000300")  # CATL enters at 2021-12-31
    periods = panels.trading_periods(vault).frame
    assert len(periods) == 5708
    smb = panels.cufe_factors(vault).frame["smb"]
    assert smb["2024-02-05"] == pytest.approx(-0.0805, abs=5e-4)
