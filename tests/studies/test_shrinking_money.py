"""shrinking_money (C10) on the vault: premises and the state regression recomputed from raw files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from studies.declared import registry

pytestmark = pytest.mark.vault


@pytest.fixture(scope="module")
def result(vault_loader):
    from studies.shrinking_money import STUDY

    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    return STUDY.run(vault_loader)


def test_turnover_levels_and_outflow_months(result, vault):
    t = pd.read_csv(vault / "val_csi_allshare_000985_csindex.csv", parse_dates=["date"]).set_index("date")["turnover_yi"]
    t = t[t > 0]
    assert result.part("C10.turnover_2022").estimate == pytest.approx(t["2022"].mean())
    assert result.part("C10.turnover_decline").estimate == pytest.approx(
        100 * (np.log(t["2023"]).mean() - np.log(t["2021"]).mean()))
    nb = pd.read_csv(vault / "northbound_flow_daily.csv", parse_dates=["date"]).set_index("date")["north_net_mn"]
    m = nb.resample("ME").sum()["2022":"2023"]
    k = int((m < 0).sum())
    p = result.part("C10.northbound_outflow_months")
    assert p.estimate == pytest.approx(k / 24 - 0.5)
    assert p.pvalue == pytest.approx(stats.binomtest(k, 24).pvalue)


def test_state_regression_point_estimates_match_statsmodels(result, vault):
    def close(name):
        return pd.read_csv(vault / name, parse_dates=["date"]).set_index("date")["close"]

    ratio = np.log(close("idx_csi1000_000852.csv")) - np.log(close("idx_csi300_000300.csv"))
    r = 100 * ratio.dropna().resample("ME").last().diff()
    nb = pd.read_csv(vault / "northbound_flow_daily.csv", parse_dates=["date"]).set_index("date")["north_net_mn"]
    f = nb.resample("ME").sum() / 1e4
    d = pd.concat([r.rename("r"), f.rename("f")], axis=1).dropna()
    d = d[d.index >= "2014-12-01"]
    out = (d.f < 0).astype(float)
    X = sm.add_constant(pd.DataFrame({"out": out, "b": d.f * (1 - out), "c": -d.f * out}))
    fit = sm.OLS(d.r, X).fit()
    assert result.part("C10.leaving_money").estimate == pytest.approx(fit.params["c"], abs=1e-10)
    assert result.part("C10.leaving_money").n == len(d)
