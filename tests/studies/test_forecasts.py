"""The forecasts study (A6, C18, C22, C23) on the real vault, key numbers recomputed from the raw CSVs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.verdict import PartOutcome, judge_part
from studies.declared import part, registry
from studies.forecasts import STUDY


@pytest.fixture(scope="module")
def result(vault_loader):
    return STUDY.run(vault_loader)


def _close(vault, name: str) -> pd.Series:
    df = pd.read_csv(vault / name, parse_dates=["date"])
    return df.set_index("date")["close"].astype(float)


def test_parts_match_the_registry(result):
    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    assert sorted(p.key for p in result.parts) == sorted(STUDY.parts)
    for p in result.parts:  # every part is judged without error
        judge_part(part(p.key), p)


def test_a6_floor_recomputed(result, vault):
    spec = part("A6.floor_holds")
    csi = _close(vault, "idx_csi300_000300.csv")
    start = csi.loc[:spec.date].index[-1]
    window = csi.loc[start:pd.Timestamp(spec.date) + pd.DateOffset(months=12)].iloc[1:]
    got = result.part("A6.floor_holds")
    assert got.estimate == pytest.approx(100 * np.log(window.min() / spec.value), abs=1e-9)
    assert got.right == bool(window.min() >= spec.value)
    assert result.numbers["A6_low_date"] == window.idxmin().strftime("%Y-%m-%d")


def test_c18_move_recomputed(result, vault):
    spec = part("C18.persists")
    r = 100 * np.log(_close(vault, "idx_csi1000_000852.csv") / _close(vault, "idx_csi300_000300.csv")).dropna()
    end = pd.Timestamp(spec.date) + pd.DateOffset(months=12)
    move = r.loc[:end].iloc[-1] - r.loc[:spec.date].iloc[-1]
    got = result.part("C18.persists")
    assert got.estimate == pytest.approx(move, abs=1e-9)
    assert got.right == (move > 0)
    assert 0 < got.pvalue <= 1 and got.n > 150


def test_c18_base_rate_from_the_csi1000_launch(result, vault):
    """CSI 1000 before 2014-10-17 is back-calculated: the from-launch row takes its earlier 12-month windows
    only from month ends on or after the launch (a loop over the raw closes)."""
    spec = part("C18.persists")
    r = 100 * np.log(_close(vault, "idx_csi1000_000852.csv") / _close(vault, "idx_csi300_000300.csv")).dropna()
    live = r.loc["2014-10-17":spec.date]
    ups = []
    for d in live.groupby(live.index.to_period("M")).tail(1).index:
        end = d + pd.DateOffset(months=12)
        if end > pd.Timestamp(spec.date):
            break
        ups.append(live.loc[:end].iloc[-1] - live.loc[d] > 0)
    assert result.numbers["C18_windows_from_launch"] == len(ups)
    assert result.numbers["C18_base_rate_pct_from_launch"] == pytest.approx(100 * np.mean(ups), abs=1e-9)
    calls = next(t for t in result.tables if t.name == "fc_calls").frame
    series = set(calls["Series"])
    assert "CSI 1000 / CSI 300†" in series and "CSI 1000 / CSI 300, from launch 2014-10-17" in series
    assert "SW small/large" in series  # never launched late: not marked


def test_c22_ipo_count_recomputed(result, vault):
    df = pd.read_csv(vault / "ipo_listings_monthly.csv")
    df["year"], df["month"] = df["date"].str[:4].astype(int), df["date"].str[5:7].astype(int)
    q1 = df[df["month"] <= 3].groupby("year")["listings_sh_sz"].sum()
    got = result.part("C22.ipo_reduced")
    assert got.estimate == pytest.approx(q1[2024] - q1[[2021, 2022, 2023]].mean())


def test_c22_pmi_crossing(result, vault):
    df = pd.read_csv(vault / "pmi_official_monthly.csv")
    pmi = df.set_index("date")["pmi_mfg"]
    assert pmi["2024-03"] > 50 >= pmi["2024-02"]
    got = judge_part(part("C22.pmi_back_above_50"), result.part("C22.pmi_back_above_50"))
    assert got.outcome == PartOutcome.REPRODUCED


def test_c23_needs_2024_flows_and_dates_the_cut(result):
    got = result.part("C23.inflows_rise")
    assert got.missing and judge_part(part("C23.inflows_rise"), got).outcome == PartOutcome.UNTESTABLE
    assert result.numbers["C23_first_cut"].startswith("2024-09")


def test_tables_state_their_sample(result):
    assert all(t.has_sample_size() for t in result.tables)


def test_flow_call_scored_when_the_flows_exist(tmp_path):
    """Synthetic world (northbound flows through 2024): the inflow half of C23 is scored, not missing."""
    from econ.config import Settings
    from econ.data.loader import DataLoader

    synth = DataLoader(Settings.resolve(vault=None, cache=tmp_path, synthetic=True))
    res = STUDY.run(synth)
    got = res.part("C23.inflows_rise")
    nb = synth.series("cn.flow.northbound.net")
    h1, h2 = nb.loc["2024-01-01":"2024-06-30"].sum(), nb.loc["2024-07-01":"2024-12-28"].sum()
    assert not got.missing and res.synthetic
    assert got.estimate == pytest.approx((h2 - h1) / 1000)
    assert got.right == (h2 > h1) and 0 < got.pvalue <= 1
