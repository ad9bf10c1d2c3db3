"""episodes on the vault: B3 and B4 numbers recomputed from the raw files."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from econ.verdict import PartOutcome, judge_part
from studies.declared import part, registry

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
    t = result.tables[1].frame["January 2024 return (%)"]
    assert t["SSE 50"] == pytest.approx(ret["SSE 50"]) and t["CSI 2000"] == pytest.approx(ret["CSI 2000"])
    p = result.part("B4.cap_ladder")
    assert p.estimate == pytest.approx(stats.spearmanr(range(len(t)), t.to_numpy()).statistic)
    # exact p: the share of the 6! orderings whose |rho| is at least the observed one
    rhos = np.array([stats.spearmanr(range(6), perm).statistic for perm in itertools.permutations(range(6))])
    assert p.pvalue == pytest.approx(np.mean(np.abs(rhos) >= abs(p.estimate) - 1e-12))
    # on the vault the six rungs fall in exact order of size (SSE 50 least, micro-cap most)
    assert p.estimate == pytest.approx(-1.0)
    assert judge_part(part("B4.cap_ladder"), p).outcome == PartOutcome.SUPPORTED
