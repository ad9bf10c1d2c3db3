"""The cross-border study (D3, D4, D5) on the real vault, key numbers recomputed from the raw CSVs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.verdict import judge_part
from studies.cross_border import CHAIN_END, CHAIN_START, D4_FROM, D4_TO, STUDY
from studies.declared import part, registry


@pytest.fixture(scope="module")
def result(vault_loader):
    return STUDY.run(vault_loader)


def _csv(vault, name: str, col: str, shift_days: int = 0) -> pd.Series:
    """A raw column; ``shift_days=1`` puts a US-close series on the Shanghai clock (dated d -> d + 1)."""
    df = pd.read_csv(vault / name, parse_dates=["date"])
    s = df.set_index("date")[col].astype(float).dropna()
    s.index = s.index + pd.Timedelta(days=shift_days)
    return s


def test_parts_match_the_registry(result):
    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    assert sorted(p.key for p in result.parts) == sorted(STUDY.parts)
    for p in result.parts:
        judge_part(part(p.key), p)


def test_d4_dates_recomputed(result, vault):
    """Each ChinaBond day against the last US 10Y close known at the Shanghai close (US close dated d known
    on d + 1), not the same-dated US close that comes after it."""
    cgb = _csv(vault, "cgb_yield_chinabond_2002_2025.csv", "y10").loc[D4_FROM:D4_TO]
    ust = _csv(vault, "us10y.csv", "value", shift_days=1)
    known = ust.reindex(ust.index.union(cgb.index)).ffill().reindex(cgb.index)
    spread = cgb - known
    assert result.part("D4.spread_inversion").date == spread[spread < 0].index[0].strftime("%Y-%m-%d")
    same_day = pd.concat([cgb, _csv(vault, "us10y.csv", "value")], axis=1, join="inner").dropna()
    same_day = same_day.iloc[:, 0] - same_day.iloc[:, 1]
    assert result.numbers["D4_inversion_native_clock"] == same_day[same_day < 0].index[0].strftime("%Y-%m-%d")
    fx = _csv(vault, "usdcny.csv", "value").loc[D4_FROM:D4_TO]
    assert result.part("D4.cny_weakens").date == fx.idxmin().strftime("%Y-%m-%d")


def test_d5_export_growth_and_slope_recomputed(result, vault):
    df = pd.read_csv(vault / "cn_trade_monthly.csv")
    df["q"] = pd.PeriodIndex(df["date"], freq="M").asfreq("Q")
    q = df.groupby("q")["exports_usd_bn"].agg(["sum", "count"])
    q = q.loc[q["count"] == 3, "sum"]
    g = 100 * (q / q.shift(4) - 1)
    csi = _csv(vault, "idx_csi300_000300.csv", "close")
    qc = csi.groupby(csi.index.to_period("Q")).last()
    yoy = 100 * np.log(qc / qc.shift(4))
    f = pd.DataFrame({"y": yoy, "g": g}).dropna().loc[:"2024Q4"]
    slope = np.polyfit(f["g"], f["y"], 1)[0]
    got = result.part("D5.exports_csi300")
    assert got.estimate == pytest.approx(slope, rel=1e-8) and got.n == len(f)


def test_d3_spread_to_cny_slope_recomputed(result, vault):
    cgb = _csv(vault, "cgb_yield_chinabond_2002_2025.csv", "y10").resample("ME").last()
    ust = _csv(vault, "us10y.csv", "value", shift_days=1).resample("ME").last()  # Shanghai clock
    fx = _csv(vault, "usdcny.csv", "value", shift_days=1).resample("ME").last()
    lv = pd.DataFrame({"s": cgb - ust, "fx": fx}).loc[CHAIN_START:CHAIN_END]
    m = pd.DataFrame({"ds": lv["s"].diff(), "cny": -100 * np.log(lv["fx"]).diff()}).dropna()
    slope = np.polyfit(m["ds"], m["cny"], 1)[0]
    assert result.part("D3.spread_to_cny").estimate == pytest.approx(slope, rel=1e-6)
    # the unaligned (native) robustness row: US closes on their own dates
    lv = pd.DataFrame({"s": cgb - _csv(vault, "us10y.csv", "value").resample("ME").last(),
                       "fx": _csv(vault, "usdcny.csv", "value").resample("ME").last()}).loc[CHAIN_START:CHAIN_END]
    m = pd.DataFrame({"ds": lv["s"].diff(), "cny": -100 * np.log(lv["fx"]).diff()}).dropna()
    assert result.numbers["D3_a_native_clock"] == pytest.approx(np.polyfit(m["ds"], m["cny"], 1)[0], rel=1e-6)


def test_tables_state_their_sample(result):
    assert all(t.has_sample_size() for t in result.tables)
