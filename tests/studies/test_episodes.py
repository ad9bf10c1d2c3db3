"""episodes on the vault: B3 and B4 numbers recomputed from the raw files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.verdict import PartOutcome, judge_part
from studies.registry import part, registry

pytestmark = pytest.mark.vault


@pytest.fixture(scope="module")
def result(vault_loader):
    from studies.episodes import STUDY

    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    return STUDY.run(vault_loader)


def _close(vault, name):
    return pd.read_csv(vault / name, parse_dates=["date"]).set_index("date")["close"]


def test_b3_cumulative_excess_and_smb(result, vault):
    m, c = _close(vault, "idx_wind_microcap_8841431.csv"), _close(vault, "idx_csi300_000300.csv")
    ex = np.log(m["2020-12-31":"2023-11-30"]).diff().sum() - np.log(c["2020-12-31":"2023-11-30"]).diff().sum()
    assert result.part("B3.size_factor_return").estimate == pytest.approx(100 * ex, abs=1e-8)
    f = pd.read_csv(vault / "ff5_china_cufe_daily.csv", parse_dates=["date"]).set_index("date")["smb"]
    s = np.log1p(f[(f.index > "2020-12-31") & (f.index <= "2023-11-30")]).sum()
    assert result.part("B3.cufe_smb").estimate == pytest.approx(100 * s, abs=1e-8)


def test_b4_ladder_returns_and_exact_p(result, vault):
    ret = {}
    for label, name in (("SSE 50", "idx_sse50_000016.csv"), ("CSI 2000", "idx_csi2000_932000.csv")):
        s = _close(vault, name)
        ret[label] = 100 * (s[:"2024-01-31"].iloc[-1] / s[:"2023-12-29"].iloc[-1] - 1)
    t = result.tables[1].frame.set_index("Index")["January 2024 return (%)"]
    assert t["SSE 50"] == pytest.approx(ret["SSE 50"]) and t["CSI 2000"] == pytest.approx(ret["CSI 2000"])
    p = result.part("B4.cap_ladder")
    if p.estimate == -1.0:  # a perfectly ordered ladder of six: 2 of 720 orderings are as extreme
        assert p.pvalue == pytest.approx(2 / 720)
    assert judge_part(part("B4.cap_ladder"), p).outcome in (PartOutcome.SUPPORTED, PartOutcome.NO_EVIDENCE,
                                                            PartOutcome.CONTRADICTED)
