"""index_arithmetic (E1) on the vault: tracking differences recomputed from the raw files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from studies.declared import registry

pytestmark = pytest.mark.vault


@pytest.fixture(scope="module")
def result(vault_loader):
    from studies.index_arithmetic import STUDY

    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    return STUDY.run(vault_loader)


def test_chain_linked_tracking_difference_from_the_files(result, vault):
    mc = pd.read_csv(vault / "mktcap_total_quarterly_2005_2025.csv.gz", parse_dates=["date"])
    w = mc[mc.ts_code.str.endswith(".SH")].pivot(index="date", columns="ts_code", values="total_mv_yi")
    sse = pd.read_csv(vault / "idx_sse_composite_000001.csv", parse_dates=["date"]).set_index("date")["close"]
    pub = np.log(sse.resample("QE").last().reindex(w.index)).diff()
    chain = []
    for t0, t1 in zip(w.index[:-1], w.index[1:], strict=True):
        both = w.loc[t0].notna() & w.loc[t1].notna()
        chain.append(np.log(w.loc[t1, both].sum() / w.loc[t0, both].sum()))
    e_chain = 100 * (pd.Series(chain, index=w.index[1:]) - pub.iloc[1:])
    e_naive = 100 * (np.log(w.sum(axis=1)).diff().iloc[1:] - pub.iloc[1:])
    assert result.part("E1.divisor_tracks_index").estimate == pytest.approx(e_chain.mean())
    assert result.part("E1.chain_vs_naive").estimate == pytest.approx((e_naive.abs() - e_chain.abs()).mean())
