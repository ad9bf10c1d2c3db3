"""market_structure on the vault: key numbers recomputed from the raw panel files with pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from econ.verdict import PartOutcome, judge_part
from studies.declared import part, registry

pytestmark = pytest.mark.vault


@pytest.fixture(scope="module")
def result(vault_loader):
    from studies.market_structure import STUDY

    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    return STUDY.run(vault_loader)


@pytest.fixture(scope="module")
def caps(vault):
    f = pd.read_csv(vault / "mktcap_total_quarterly_2005_2025.csv.gz")
    return f.pivot(index="ts_code", columns="date", values="total_mv_yi")


def test_e2_cap_weighted_and_median_from_the_file(result, caps):
    x = caps[caps.index.str.endswith(".SH")][["2016-12-31", "2017-12-31"]].dropna()
    g = x["2017-12-31"] / x["2016-12-31"] - 1
    capw = x["2017-12-31"].sum() / x["2016-12-31"].sum() - 1
    assert result.part("E2.cap_minus_median").estimate == pytest.approx(100 * (capw - g.median()))
    assert result.part("E2.median_stock").estimate == pytest.approx(100 * g.median())
    assert result.part("E2.pingan").estimate == pytest.approx(100 * g["601318.SH"])
    assert judge_part(part("E2.pingan"), result.part("E2.pingan")).outcome == PartOutcome.REPRODUCED
    lo, hi = result.part("E2.cap_minus_median").ci
    assert lo < result.part("E2.cap_minus_median").estimate < hi


def test_e5_share_below_and_e6_total_cap(result, caps, vault):
    sse = pd.read_csv(vault / "idx_sse_composite_000001.csv", parse_dates=["date"]).set_index("date")["close"]
    r = sse[:"2017-12-31"].iloc[-1] / sse[:"2015-12-31"].iloc[-1] - 1
    x = caps[caps.index.str.endswith(".SH")][["2015-12-31", "2017-12-31"]].dropna()
    share = ((x["2017-12-31"] / x["2015-12-31"] - 1) < r).mean()
    assert result.part("E5.share_below_sse").estimate == pytest.approx(share)
    assert result.part("E6.total_cap").estimate == pytest.approx(caps["2017-12-31"].sum() / 1e4)


def test_c16_delisting_rate_from_the_periods_file(result, vault):
    t = pd.read_csv(vault / "a_share_trading_periods_qlib_2005_2025.csv", parse_dates=["first_date", "last_date"])
    rates = []
    for y in (2022, 2023):
        s, e = pd.Timestamp(f"{y}-01-01"), pd.Timestamp(f"{y}-12-31")
        listed = ((t.first_date <= s) & (t.last_date >= s)).sum()
        gone = ((t.last_date >= s) & (t.last_date <= e) & (t.last_date < t.last_date.max())).sum()
        rates.append(100 * gone / listed)
    assert result.part("C16.delisting_rate").estimate == pytest.approx(sum(rates) / 2)


def test_every_table_states_its_sample(result):
    assert all(t.has_sample_size() for t in result.tables)
