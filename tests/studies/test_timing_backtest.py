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


def _me(vault, name: str, col: str) -> pd.Series:
    s = pd.read_csv(vault / name, parse_dates=["date"]).set_index("date")[col].astype(float).dropna()
    return s.resample("ME").last()


def test_parts_match_the_registry(result):
    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    assert sorted(p.key for p in result.parts) == sorted(STUDY.parts)
    for p in result.parts:
        judge_part(part(p.key), p)


def test_headline_reading_recomputed_by_a_loop(result, vault):
    assert part("D2.cagr").headline.startswith("cross-border=spread|liquidity=fed_funds|combine=both|tie=last|cash=zero")
    spread = _me(vault, "cgb_yield_chinabond_2002_2025.csv", "y10") - _me(vault, "us10y.csv", "value")
    ff = _me(vault, "fed_funds.csv", "value")
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
    cagr = 100 * (np.prod(1 + np.array(net)) ** (12 / len(net)) - 1)
    assert result.part("D2.cagr").estimate == pytest.approx(cagr, abs=1e-9)
    assert result.numbers["D2_months"] == len(net)


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
