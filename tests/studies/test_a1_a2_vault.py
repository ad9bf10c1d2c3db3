"""A1 and A2 on the real vault: key numbers within tolerances (values from this package's
first run, checked by hand against the raw CSV files; see the closing note of the spine issue)."""

import pytest

from tests.conftest import outcomes_of, verdicts_of

pytestmark = pytest.mark.vault


@pytest.fixture(scope="module")
def a1(vault_loader):
    from studies.style_deviation import STUDY

    return STUDY.run(vault_loader)


@pytest.fixture(scope="module")
def a2(vault_loader):
    from studies.us10y_csi300 import STUDY

    return STUDY.run(vault_loader)


def test_a1_trough_of_csi2000(a1):
    t = a1.tables[0].frame
    # CSI 2000 (launched 2023-08-11) rebased on 2021-02-18: back-calculated history, marked
    assert t.loc["CSI 2000†", "Trough date"] == "2023-06-30"
    assert t.loc["CSI 2000†", "Trough"] == pytest.approx(-625.4, abs=1.0)
    assert t.loc["CSI 2000†", "Rebound (pts)"] == pytest.approx(111, abs=2)
    assert "CSI 1000" in t.index and "SW small/large" in t.index  # live on the base date: unmarked
    assert any("back-calculated" in n for n in a1.tables[0].notes)


def test_a1_every_proxy_reported(a1):
    assert set(a1.tables[0].frame.index) == {"CSI 1000", "CSI 2000†", "CSI 500", "Micro-cap", "SW small/large"}
    assert a1.headline_proxy == "CSI 2000"


def test_a1_by_hand(vault_loader):
    # independent recomputation straight from the two series
    c300, c2000 = vault_loader.series("cn.index.csi300.close"), vault_loader.series("cn.index.csi2000.close")
    base300, base2000 = c300.loc["2021-02-18"], c2000.loc["2021-02-18"]
    d = 1000 * c300.loc["2023-06-30"] / base300 - 1000 * c2000.loc["2023-06-30"] / base2000
    assert d == pytest.approx(-625.44, abs=0.01)


def test_a1_verdict_is_computed(a1):
    v = verdicts_of(a1)["A1"]
    assert str(v.verdict) == "mixed"  # rebound matches, depth does not
    assert outcomes_of(v) == {"trough": "not reproduced", "rebound": "reproduced"}
    assert a1.part("A1.trough").estimate == pytest.approx(-625.4, abs=1.0)


def test_a2_numbers(a2):
    n = a2.numbers
    assert n["A2_nobs"] == 592
    # Shanghai clock (US close of d known on d + 1): the same-week change runs Thursday to Thursday
    assert n["A2_beta_diff"] == pytest.approx(-0.0023, abs=0.001)
    assert n["A2_p_diff"] == pytest.approx(0.825, abs=0.01)
    assert n["A2_episode_beta_level"] == pytest.approx(-0.105, abs=0.005)
    assert n["A2_episode_eg_p"] < 0.01
    # the episode's EG statistic among all 138-week windows since 2005 (1-week step)
    assert n["A2_episode_nobs"] == 138 and n["A2_episode_n_windows"] == 1081 - 138 + 1
    assert n["A2_episode_eg_stat"] == pytest.approx(-4.519, abs=0.01)
    assert n["A2_episode_eg_p_nominal"] == pytest.approx(n["A2_episode_eg_p"], abs=1e-4)  # statsmodels = arch
    assert n["A2_episode_rank"] == 5 and n["A2_episode_window_p"] == pytest.approx(5 / 944)
    assert n["A2_episode_rank_connect"] <= n["A2_episode_rank"]
    assert n["A2_episode_as_extreme_negative"] == 2   # the other as-extreme windows have a positive slope
    assert n["A2_coincidence_count"] == 2 and n["A2_coincidence_n"] == 12
    assert 0.3 < n["A2_coincidence_p"] < 0.6
    v = verdicts_of(a2)["A2"]
    assert str(v.verdict) == "mixed"
    assert outcomes_of(v) == {"beta_changes": "no evidence", "extrema_coincide": "no evidence",
                              "episode_cointegration": "supported"}
    assert a2.part("A2.episode_cointegration").pvalue == pytest.approx(n["A2_episode_window_p"])


def test_a2_article_dates(a2):
    dates = {t.name: t.frame for t in a2.tables}["a2_article_dates"]
    assert dates.loc["2021-02-10", "US 10Y (FRED close)"] == pytest.approx(1.15)  # FRED's own date, not re-dated
    assert dates.loc["2021-02-10", "CSI 300 extremum"] == "max"


# -- robustness (grids, curves, placebos, out of sample, stability) -------------------------
def test_a1_grid_and_headline_spec(a1):
    from econ.robust.curve import spec_curve
    from studies.style_deviation import HEADLINE_SPEC

    (run,) = a1.grids
    res = run.result
    assert len(res.specs) == 40 and all(e.ok for e in res.estimates)
    head = res.estimates[res.index(HEADLINE_SPEC)]
    assert head.estimate == pytest.approx(a1.numbers["A1_trough"], abs=1e-9)  # the headline is unchanged
    assert head.extra["trough_date"] == "2023-06-30"
    curve = spec_curve(res, sign_claimed=run.sign_claimed, headline=run.headline)
    assert curve.share_matched == 0.0  # no proxy/base/window/frequency reaches -800 ± 15%
    assert a1.numbers["A1_grid_share_rebound_matched"] == pytest.approx(0.55)


def test_a1_breaks_and_article_forecasts(a1):
    tables = {t.name: t.frame for t in a1.tables}
    b = tables["a1_breaks"]
    assert b.loc["CSI 2000†", "Best single break"] == "2021-02-12" and (b["Breaks"] == 0).all()
    assert "CSI 1000" in b.index and "Micro-cap†" in b.index  # from 2014-11-17: after CSI 1000's launch only
    fc = tables["oos_article_forecasts"]
    row = fc.loc[("A4", "CSI 2000†", "12m")]
    assert row["Right"] == "yes" and row["Δlog ratio (%)"] == pytest.approx(-6.83, abs=0.05)
    assert fc.loc[("C18", "CSI 2000†", "12m"), "Right"] == "yes"
    assert fc.loc[("C18", "CSI 2000†", "6m"), "Right"] == "no"
    assert a1.numbers["oosfc_A4_hits_12m"] == 4 and a1.numbers["oosfc_C18_hits_12m"] == 4


def test_a2_grid_curve_and_adjusted_p(a2):
    from econ.robust.curve import spec_curve
    from studies.us10y_csi300 import HEADLINE_SPEC, NULL_DRAWS

    (run,) = a2.grids
    res = run.result
    assert len(res.specs) == 28 and len(res.excluded) == 4 and res.null_draws == NULL_DRAWS
    head = res.estimates[res.index(HEADLINE_SPEC)]
    assert head.estimate == pytest.approx(a2.numbers["A2_beta_diff"], rel=1e-12)  # headline unchanged
    assert head.pvalue == pytest.approx(a2.numbers["A2_p_diff"], rel=1e-12)
    assert head.nobs == a2.numbers["A2_nobs"]
    curve = spec_curve(res, sign_claimed=-1, headline=HEADLINE_SPEC)
    assert curve.share_significant_claimed <= 2 / 28
    p = next(p for p in verdicts_of(a2)["A2"].parts if p.name == "beta_changes")
    assert p.pvalue_adjusted > 0.5 and "Romano–Wolf" in p.adjustment


def test_a2_placebo_oos_breaks(a2):
    tables = {t.name: t.frame for t in a2.tables}
    pl = tables["a2_placebo"]
    assert pl.loc["ΔUS10Y same Shanghai week, Thu→Thu (headline)", "Observed"] == pytest.approx(a2.numbers["A2_beta_diff"])
    assert a2.numbers["A2_placebo_lead_min_p"] > 0.1 and a2.numbers["A2_placebo_block_p"] > 0.3
    # the unaligned rows reproduce the previous (FRED-dated) version: same week 0.0130 (p 0.27),
    # its lag -0.0195 (p 0.032); the aligned same-week change is mostly the unaligned same week
    n = a2.numbers
    assert n["A2_native_beta"] == pytest.approx(0.0130, abs=0.001) and n["A2_native_p"] == pytest.approx(0.274, abs=0.01)
    assert n["A2_native_lag1_beta"] == pytest.approx(-0.0195, abs=0.001) and n["A2_native_lag1_p"] < 0.05
    assert pl.loc["Unaligned: FRED previous week (formerly 'lag 1')", "p"] == pytest.approx(n["A2_native_lag1_p"])
    assert n["A2_corr_aligned_native"] > 0.7 and n["A2_corr_aligned_native_lag1"] < 0.3
    assert a2.numbers["A2_fake_dates_observed"] == 2 and 0.05 < a2.numbers["A2_fake_dates_p"] < 0.25
    oos = tables["a2_oos"]
    assert ("CSI 300", "historical mean") in oos.index and oos.dropna(subset=["CW p"])["N"].min() >= 300
    assert a2.numbers["A2_oos_n"] == 435
    marked = [t for t in oos.index.get_level_values(0).unique() if t.endswith("†")]
    assert {"CSI 2000 / CSI 300 †", "Micro-cap / CSI 300 †"} <= set(marked)
    assert ("Micro-cap / CSI 300 from launch 2015-01-01", "historical mean") in oos.index
    assert a2.numbers["A2_oos_n_ratio_tests"] == 10
    br = tables["a2_breaks"]
    assert list(br.index) == ["W", "M"] and br.loc["W", "Breaks"] == 0
    assert br.loc["W", "UDmax"] == pytest.approx(5.37, abs=0.01)  # Shanghai clock (8.22 on FRED dates)
    assert br.loc["W", "UDmax 5% c.v."] == 11.7
