"""microcap_sources (C2) on the vault: the quarterly bottom-400 legs recomputed from the raw panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from studies.declared import registry

pytestmark = pytest.mark.vault


@pytest.fixture(scope="module")
def result(vault_loader):
    from studies.microcap_sources import STUDY

    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    return STUDY.run(vault_loader)


def test_equal_minus_cap_weight_recomputed_with_pandas(result, vault):
    mc = pd.read_csv(vault / "mktcap_total_quarterly_2005_2025.csv.gz", parse_dates=["date"])
    tp = pd.read_csv(vault / "a_share_trading_periods_qlib_2005_2025.csv", parse_dates=["first_date"])
    w = mc.pivot(index="date", columns="ts_code", values="total_mv_yi")
    w = w[w.index >= "2007-03-31"]
    first = tp.set_index("ts_code")["first_date"].reindex(w.columns)
    diffs = []
    for t0, t1 in zip(w.index[:-1], w.index[1:], strict=True):
        ok = w.loc[t0].notna() & (first <= t0 - pd.DateOffset(months=3))
        pick = w.loc[t0][ok].nsmallest(400).index
        c0, c1 = w.loc[t0, pick], w.loc[t1, pick].fillna(w.loc[t0, pick])  # exits at last value
        diffs.append((c1 / c0 - 1).mean() - (c1.sum() / c0.sum() - 1))
    assert result.part("C2.equal_weight_premium").estimate == pytest.approx(400 * np.mean(diffs), rel=1e-9)
    assert result.part("C2.daily_rebalancing").missing
