"""The quant-crash study (B1, B5) on the real vault, key numbers recomputed from the raw CSVs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.verdict import judge_part
from studies.declared import part, registry
from studies.quant_crash import EVENT_DATES, STUDY, article_dates


@pytest.fixture(scope="module")
def result(vault_loader):
    return STUDY.run(vault_loader)


def test_parts_match_the_registry(result):
    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    assert sorted(p.key for p in result.parts) == sorted(STUDY.parts)
    for p in result.parts:
        judge_part(part(p.key), p)


def test_article_dates_parsed_from_the_registry():
    assert article_dates("crash dates 2024-01-22, 02-05") == ("2024-01-22", "2024-02-05")
    assert len(EVENT_DATES) == 4 and all(d.startswith("2024-") for d in EVENT_DATES)
    with pytest.raises(ValueError):
        article_dates("02-05")


def test_event_day_returns_recomputed(result, vault):
    def close(name):
        return pd.read_csv(vault / name, parse_dates=["date"]).set_index("date")["close"]

    ex = 100 * np.log(close("idx_csi1000_000852.csv") / close("idx_csi300_000300.csv")).diff()
    table = next(t for t in result.tables if t.name == "qc_b1_events").frame
    for d in EVENT_DATES:
        pos = ex.index.get_loc(pd.Timestamp(d))
        mu = ex.iloc[pos - 250:pos - 29].mean()  # days -250..-30 (no other event that far back)
        assert table.loc["CSI 1000 − CSI 300†", d[5:]] == pytest.approx(ex.iloc[pos] - mu, abs=1e-9)


def test_back_calculated_rows_marked_and_headline_from_launch(result):
    """CSI 1000's placebo dates reach back to 2005 (launch 2014-10-17): marked, and re-drawn from the
    launch date; CSI 2000's estimation window starts in early 2023, before its 2023-08-11 launch."""
    events = next(t for t in result.tables if t.name == "qc_b1_events")
    rows = list(events.frame.index)
    assert "CSI 1000 − CSI 300†" in rows and "CSI 2000 − CSI 300†" in rows
    assert "CSI 1000 − CSI 300, from launch 2014-10-17" in rows
    head, live = events.frame.loc["CSI 1000 − CSI 300†"], events.frame.loc["CSI 1000 − CSI 300, from launch 2014-10-17"]
    # the event-day abnormal returns use 2023 estimation windows: identical; only the placebo p moves
    assert live["Mean AR (%)"] == pytest.approx(head["Mean AR (%)"], abs=1e-12)
    assert result.numbers["B1_ar_CSI1000_from_launch"] == pytest.approx(head["Mean AR (%)"], abs=1e-12)
    assert 0 < result.numbers["B1_ar_p_CSI1000_from_launch"] <= 1
    assert any("back-calculated" in n for n in events.notes)
    basis = next(t for t in result.tables if t.name == "qc_b1_basis_returns").frame
    marked = {i[0] for i in basis.index}
    assert "CSI 2000 − CSI 300†" in marked and "CSI 1000 − CSI 300" in marked  # 2022-07 sample: CSI 1000 is live


def test_b5_record_dated_in_the_raw_csv(result, vault):
    raw = pd.read_csv(vault / "futures_cffex_contracts_daily_2018_2026.csv", parse_dates=["date"])
    ic = raw[(raw["product"] == "IC") & (raw["cal_days_to_expiry"] >= 5) & (raw["open_interest"] > 0)].copy()
    ic["w"] = ic["basis_pct_of_spot"] * 365 / ic["cal_days_to_expiry"] * ic["open_interest"]
    g = ic.groupby("date")[["w", "open_interest"]].sum()
    b = (g["w"] / g["open_interest"]).loc["2020-02-09":"2024-02-08"]
    assert result.part("B5.deepest_in_four_years").date == b.idxmin().strftime("%Y-%m-%d")


def test_tables_state_their_sample(result):
    assert all(t.has_sample_size() for t in result.tables)
