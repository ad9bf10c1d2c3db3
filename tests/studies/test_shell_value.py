"""shell_value (C15) on the vault: window returns and smallest caps recomputed from raw files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.verdict import PartOutcome, judge_part
from studies.declared import part, registry

pytestmark = pytest.mark.vault


@pytest.fixture(scope="module")
def result(vault_loader):
    from studies.shell_value import STUDY

    registry().check_study(STUDY.name, STUDY.claims, STUDY.parts)
    return STUDY.run(vault_loader)


def test_window_cumulative_returns_from_the_files(result, vault):
    def close(name):
        return pd.read_csv(vault / name, parse_dates=["date"]).set_index("date")["close"]

    m = np.log(pd.concat([close("idx_wind_microcap_8841431.csv"), close("idx_csi300_000300.csv")], axis=1,
                         join="inner").dropna()).resample("ME").last()
    ex = 100 * (m.iloc[:, 0] - m.iloc[:, 1]).diff()
    t = result.tables[0].frame.reset_index()
    row = t[(t["Pair"] == "Micro-cap / CSI 300†") & (t["Window"] == "2008-10 to 2009-05")].iloc[0]
    assert row["Cumulative (log %)"] == pytest.approx(ex["2008-10":"2009-05"].sum())
    assert 0 <= result.part("C15.suspension_windows").pvalue <= 1


def test_ipo_headline_re_estimated_from_the_micro_cap_launch(result, vault):
    """The headline (micro-cap from 2005, launched about 2014) is marked; the from-launch row is the same
    regression on month-end closes from 2015-01-01, recomputed here from the raw files with statsmodels."""
    import statsmodels.api as sm

    def close(name):
        return pd.read_csv(vault / name, parse_dates=["date"]).set_index("date")["close"]

    p = pd.concat([close("idx_wind_microcap_8841431.csv"), close("idx_csi300_000300.csv")], axis=1,
                  join="inner").dropna().loc["2015-01-01":]
    m = np.log(p).resample("ME").last()
    ex = (100 * (m.iloc[:, 0] - m.iloc[:, 1]).diff()).loc[:"2024-12-31"].rename("y")
    ipo = pd.read_csv(vault / "ipo_listings_monthly.csv", parse_dates=["date"]).set_index("date")["listings_sh_sz"]
    ipo.index = ipo.index + pd.offsets.MonthEnd(0)
    X = pd.concat({f"l{k}": ipo.shift(k) / 10 for k in range(4)}, axis=1)
    d = pd.concat([ex, X], axis=1, join="inner").dropna()
    fit = sm.OLS(d["y"], sm.add_constant(d.drop(columns="y"))).fit()
    table = next(t for t in result.tables if t.name == "c15_ipo").frame
    assert "Micro-cap / CSI 300†" in table.index
    live = table.loc["Micro-cap / CSI 300, from launch 2015-01-01"]
    assert live["Sum of lags 0–3"] == pytest.approx(fit.params[[f"l{k}" for k in range(4)]].sum(), abs=1e-10)
    assert live["N"] == len(d) and result.numbers["C15_ipo_n_from_launch"] == len(d)
    assert result.numbers["C15_ipo_sum_from_launch"] == pytest.approx(live["Sum of lags 0–3"])
    assert result.part("C15.ipo_counts").estimate == pytest.approx(table.loc["Micro-cap / CSI 300†", "Sum of lags 0–3"])


def test_smallest_cap_means_from_the_panel(result, vault):
    mc = pd.read_csv(vault / "mktcap_total_quarterly_2005_2025.csv.gz", parse_dates=["date"])
    tp = pd.read_csv(vault / "a_share_trading_periods_qlib_2005_2025.csv", parse_dates=["first_date"])
    mc = mc.merge(tp[["ts_code", "first_date"]], on="ts_code", how="left")

    def mean_small(d):
        d = pd.Timestamp(d)
        x = mc[(mc.date == d) & (mc.first_date <= d - pd.DateOffset(months=1))]
        return x.nsmallest(100, "total_mv_yi")["total_mv_yi"].mean()

    assert result.part("C15.smallest_cap_2017h2").estimate == pytest.approx(
        (mean_small("2017-09-30") + mean_small("2017-12-31")) / 2)
    assert result.part("C15.smallest_cap_2024").estimate == pytest.approx(mean_small("2024-03-31"))
    assert judge_part(part("C15.smallest_cap_2017h2"), result.part("C15.smallest_cap_2017h2")).outcome == \
        PartOutcome.REPRODUCED
