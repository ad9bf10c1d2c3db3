"""The replication study on the vault: its key numbers recomputed from the raw CSV files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.verdict import PartOutcome, judge_part
from studies.declared import part, registry

pytestmark = pytest.mark.vault


@pytest.fixture(scope="module")
def result(vault_loader):
    from studies.replications import STUDY

    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    return STUDY.run(vault_loader)


def _close(vault, name):
    return pd.read_csv(vault / name, parse_dates=["date"]).set_index("date")["close"].dropna()


def test_c1_annualised_returns_recomputed_from_the_files(result, vault):
    for key, name in (("C1.microcap", "idx_wind_microcap_8841431.csv"), ("C1.csi300", "idx_csi300_000300.csv"),
                      ("C1.sse", "idx_sse_composite_000001.csv")):
        c = _close(vault, name)
        seg = c[(c.index >= "2021-03-05") & (c.index <= "2024-03-31")]  # 2021-03-05 = last close before 03-08
        assert seg.index[0] == pd.Timestamp("2021-03-05")
        ours = 100 * ((seg.iloc[-1] / seg.iloc[0]) ** (250 / (len(seg) - 1)) - 1)
        assert result.part(key).estimate == pytest.approx(ours, abs=1e-9)
        assert judge_part(part(key), result.part(key)).outcome == PartOutcome.REPRODUCED
    assert result.part("C1.chinext").missing  # ChiNext ends 2022-07 in the vault


def test_c19_cumulative_returns_recomputed(result, vault):
    c = _close(vault, "idx_sse_composite_000001.csv")
    ours = 100 * (c[:"2012-12-31"].iloc[-1] / c[:"2010-12-31"].iloc[-1] - 1)
    assert result.part("C19.sse").estimate == pytest.approx(ours, abs=1e-9)
    small = _close(vault, "idx_sw_smallcap_801813_2000_2016.csv")
    assert result.part("C19.sw_small").estimate == pytest.approx(
        100 * (small[:"2012-12-31"].iloc[-1] / small[:"2010-12-31"].iloc[-1] - 1), abs=1e-9)
    assert result.part("C19.sw_large").missing


def test_c3_volatility_and_turnover_gaps_recomputed(result, vault):
    s = pd.read_csv(vault / "idx_sw_smallcap_801813_2015_2024.csv", parse_dates=["date"]).set_index("date")
    lg = pd.read_csv(vault / "idx_sw_largecap_801811_2015_2024.csv", parse_dates=["date"]).set_index("date")
    for years, key in ((3, "3y"), (5, "5y")):
        start = pd.Timestamp("2024-03-01") - pd.DateOffset(years=years)

        def vol(f, start=start):
            r = f["close"][:"2024-03-01"].pct_change()
            return r[r.index > start].std() * np.sqrt(250) * 100

        def turn(f, start=start, years=years):
            t = f["turnover_pct"][:"2024-03-01"]
            return t[t.index > start].sum() / years

        assert result.part(f"C3.vol_gap_{key}").estimate == pytest.approx(vol(s) - vol(lg), abs=1e-6)
        assert result.part(f"C3.turnover_gap_{key}").estimate == pytest.approx(turn(s) - turn(lg), abs=1e-6)
    assert result.part("C3.vol_gap_10y").missing and "2015" in result.part("C3.vol_gap_10y").missing
    # the ±5-day sensitivity range contains the unshifted gap
    for _, row in result.tables[[t.name for t in result.tables].index("c3_profile")].frame.iterrows():
        lo, hi = (float(x) for x in row["Vol gap, start/end ±5 days"].split(" to "))
        assert lo - 0.005 <= row["Vol gap, ours (pct)"] <= hi + 0.005


def test_e4_levels_and_a5_cagr(result, vault):
    f = pd.read_csv(vault / "idx_sse_composite_000001.csv", parse_dates=["date"]).set_index("date")
    assert result.part("E4.low_2016").estimate == pytest.approx(f.loc["2016", "low"].min())
    assert result.part("E4.high_2017").estimate == pytest.approx(f.loc["2017-01":"2017-11", "high"].max())
    tr = _close(vault, "idx_tr_csi300_H00300.csv")[:"2023-09-30"]
    years = (tr.index[-1] - tr.index[0]).days / 365
    assert result.part("A5.cagr_total_return").estimate == pytest.approx(
        100 * ((tr.iloc[-1] / tr.iloc[0]) ** (1 / years) - 1), abs=1e-9)
    lo, hi = result.part("A5.cagr_total_return").ci
    assert lo < result.part("A5.cagr_total_return").estimate < hi


def test_every_table_states_its_sample(result):
    assert all(t.has_sample_size() for t in result.tables)
