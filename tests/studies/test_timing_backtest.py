"""The D2 timing backtest on the real vault; the headline reading recomputed independently."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.verdict import judge_part
from studies.declared import part, registry
from studies.timing_backtest import READINGS, SAMPLE, STUDY


@pytest.fixture(scope="module")
def result(vault_loader):
    return STUDY.run(vault_loader)


def _me(vault, name: str, col: str, shift_days: int = 0) -> pd.Series:
    s = pd.read_csv(vault / name, parse_dates=["date"]).set_index("date")[col].astype(float).dropna()
    s.index = s.index + pd.Timedelta(days=shift_days)
    return s.resample("ME").last()


def test_parts_match_the_registry(result):
    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    assert sorted(p.key for p in result.parts) == sorted(STUDY.parts)
    for p in result.parts:
        judge_part(part(p.key), p)


def _headline_by_loop(vault, us_shift_days: int) -> pd.Series:
    """Monthly returns of the headline reading; the US 10Y close dated d is moved to d + ``us_shift_days``."""
    spread = _me(vault, "cgb_yield_chinabond_2002_2025.csv", "y10") - _me(vault, "us10y.csv", "value", us_shift_days)
    ff = _me(vault, "fed_funds.csv", "value")  # FRED dates monthly averages on the 1st: a day later, same month
    cgb2 = _me(vault, "cgb_yield_chinabond_2002_2025.csv", "y2")
    px = pd.DataFrame({"L": _me(vault, "idx_csi300_000300.csv", "close"),
                       "S": _me(vault, "idx_csi1000_000852.csv", "close")})
    r = px.pct_change().loc[SAMPLE[0]:SAMPLE[1]]
    net = []
    for t in r.index:
        prev = [t - pd.offsets.MonthEnd(k) for k in (1, 2, 3)]  # decision at the end of the previous month
        ds = [spread[prev[0]] - spread[prev[1]], spread[prev[1]] - spread[prev[2]]]
        df = [ff[prev[0]] - ff[prev[1]], ff[prev[1]] - ff[prev[2]]]
        a, b = ds[0] > 0 and ds[1] > 0, df[0] < 0 and df[1] < 0
        if a and b:
            pick = "S" if cgb2[prev[0]] - cgb2[prev[1]] < 0 else "L"
        else:
            pick = "L" if a else "S" if b else None
        net.append(0.0 if pick is None else r.loc[t, pick])
    return pd.Series(net, index=r.index)


def _cagr(net: pd.Series) -> float:
    return 100 * (np.prod(1 + net.to_numpy()) ** (12 / len(net)) - 1)


def test_headline_reading_recomputed_by_a_loop(result, vault):
    """Shanghai clock: the month-end spread uses the last US 10Y close dated before the month's last day
    (a US close dated d is known in Shanghai on d + 1); the native clock is the robustness number."""
    assert part("D2.cagr").headline.startswith("cross-border=spread|liquidity=fed_funds|combine=both|tie=last|cash=zero")
    net = _headline_by_loop(vault, us_shift_days=1)
    assert result.part("D2.cagr").estimate == pytest.approx(_cagr(net), abs=1e-9)
    assert result.numbers["D2_months"] == len(net)
    assert result.numbers["D2_cagr_native_clock"] == pytest.approx(_cagr(_headline_by_loop(vault, 0)), abs=1e-9)


def test_headline_from_the_csi1000_launch(result, vault):
    """CSI 1000 before 2014-10-17 is back-calculated: the from-launch row keeps the months whose return starts
    at a published close (2014-10-31 on), i.e. 2014-11 to 2025-01."""
    net = _headline_by_loop(vault, us_shift_days=1).loc["2014-11-01":]
    assert result.numbers["D2_months_from_launch"] == len(net)
    assert result.numbers["D2_cagr_from_launch"] == pytest.approx(_cagr(net), abs=1e-9)
    bench = next(t for t in result.tables if t.name == "d2_benchmarks")
    assert "†" in bench.sample and any("back-calculated" in n for n in bench.notes)
    snoop = next(t for t in result.tables if t.name == "d2_snooping").frame
    assert list(snoop.index) == ["buy and hold CSI 300†", "buy and hold CSI 300, from launch 2014-10-17",
                                 "buy and hold CSI 1000†", "buy and hold CSI 1000, from launch 2014-10-17"]
    assert (snoop["Months"].iloc[[1, 3]] == len(net)).all()


def test_grid_and_snooping(result):
    summary = next(t for t in result.tables if t.name == "d2_summary").frame.reset_index()
    assert (summary["Readings"] == len(READINGS)).all()
    # costs can only lower the median CAGR
    art = summary[summary["Timing"] == "article timing"].sort_values("Cost (bp)")
    assert art["CAGR median"].is_monotonic_decreasing
    for key in ("D2.beats_csi300", "D2.beats_csi1000"):
        p = result.part(key)
        assert 0 < p.pvalue <= 1 and p.n == result.numbers["D2_months"]


def test_tables_state_their_sample(result):
    assert all(t.has_sample_size() for t in result.tables)
