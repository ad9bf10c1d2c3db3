"""The eras study (C20, C21, C6) on the real vault, key numbers recomputed from the raw CSVs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.verdict import PartOutcome, judge_part
from studies.declared import part, registry
from studies.eras import CN_ERAS, STUDY, era_labels


@pytest.fixture(scope="module")
def result(vault_loader):
    return STUDY.run(vault_loader)


def test_parts_match_the_registry(result):
    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    assert sorted(p.key for p in result.parts) == sorted(STUDY.parts)
    for p in result.parts:
        judge_part(part(p.key), p)
    assert judge_part(part("C6.real_estate_climate"), result.part("C6.real_estate_climate")).outcome \
        == PartOutcome.UNTESTABLE


def test_era_labels_split_shared_years():
    idx = pd.date_range("2000-01-31", "2024-03-31", freq="ME")
    lab = era_labels(CN_ERAS, idx)
    assert lab["2002-06-30"] == 1 and lab["2002-07-31"] == -1  # 2002 is in both 2000-02 and 2002-07
    assert lab["2007-12-31"] == -1 and lab["2008-01-31"] == 1
    assert (lab != 0).all()


def test_c6_relative_eps_growth_recomputed(result, vault):
    pe = pd.read_csv(vault / "val_index_pe_csindex_2011_2026.csv", parse_dates=["date"]).set_index("date")

    def close(name):
        return pd.read_csv(vault / name, parse_dates=["date"]).set_index("date")["close"]

    d = pd.DataFrame({"p5": close("idx_csi500_000905.csv"), "p3": close("idx_csi300_000300.csv"),
                      "pe5": pe["pe_000905"], "pe3": pe["pe_000300"]})
    q = pd.DataFrame({c: d[c].dropna().groupby(d[c].dropna().index.to_period("Q")).last() for c in d}).dropna()
    g = 100 * np.log((q["p5"] / q["pe5"]) / (q["p3"] / q["pe3"])).diff(4)
    y = 100 * np.log(q["p5"] / q["p3"]).diff().shift(-1)
    f = pd.DataFrame({"y": y, "g": g}).dropna().loc[:"2024Q4"]
    assert result.part("C6.earnings_lead").estimate == pytest.approx(np.polyfit(f["g"], f["y"], 1)[0], rel=1e-8)


def test_tables_state_their_sample(result):
    assert all(t.has_sample_size() for t in result.tables)
