"""Study leadlag_holdings (C12-C14) on the real vault, and the C13 grid's null draws on synthetic episodes.

What is tested: the style-cycle turning points (checked by hand from the raw index closes),
the implied leads of the article's turning points, the market-weight benchmark against the
concentration file, the three verdicts and their declared rules, the power numbers, the
robustness grids; and, on a copy of the vault with user aggregates built to lead the real
style by two half-years, that the study switches from "untestable" to a computed verdict
and finds the lead. Without the vault: the ladder statistic under permuted orders equals
``ladder_order_test`` under those orders, and the C13 joint test is quiet when peak dates are
random and rejects when every episode peaks in size order.
"""

from __future__ import annotations

import time
import zlib

import numpy as np
import pandas as pd
import pytest

from studies import declared
from tests.conftest import outcomes_of, verdicts_of


@pytest.fixture(scope="module")
def run(vault_loader):
    from studies.leadlag_holdings import STUDY

    t0 = time.process_time()  # CPU time: the < 60 s budget, independent of other load on the machine
    res = STUDY.run(vault_loader)
    return res, time.process_time() - t0


def table(res, name):
    return next(t for t in res.tables if t.name == name).frame


@pytest.mark.vault
def test_runs_fast_and_is_real(run):
    res, seconds = run
    assert seconds < 60
    assert not res.synthetic
    assert sorted({p.claim for p in res.parts}) == ["C12", "C13", "C14"]


@pytest.mark.vault
def test_style_cycle_turning_points(run):
    cyc = table(run[0], "c12_style_cycle")
    row = cyc.loc["CSI 300 / CSI 1000 †"]  # starts 2005, before the 2014-10 launch: back-calculated
    assert row["Peaks"] == "2007-10, 2012-12, 2021-01, 2024-08"
    assert row["Troughs"] == "2007-04, 2010-11, 2015-12, 2022-10"
    assert row["TPs 2010-23H1"] == 5 and row["Cycles 2010-23H1"] == 2
    assert set(cyc.index) == {f"{a} / {b} †" for a in ("CSI 300", "SSE 50")
                              for b in ("CSI 1000", "CSI 500", "CSI 2000", "Micro-cap")} | {"CSI 300 / CSI 1000 from launch"}
    live = cyc.loc["CSI 300 / CSI 1000 from launch"]
    assert live["From"] == "2014-10"  # launch-date robustness row
    # the back-history does not move the later peaks: the same dates after the launch
    assert live["Peaks"] == ", ".join(p for p in row["Peaks"].split(", ") if p >= "2014-10") == "2021-01, 2024-08"


@pytest.mark.vault
def test_style_peak_by_hand(vault_loader):
    # the 2021-01 peak and the 2015-12 trough straight from the daily closes
    large = vault_loader.series("cn.index.csi300.close").resample("ME").last()
    small = vault_loader.series("cn.index.csi1000.close").resample("ME").last()
    r = np.log(large / small)
    assert r.loc["2019-01":"2022-06"].idxmax().strftime("%Y-%m") == "2021-01"
    assert r.loc["2014-06":"2017-06"].idxmin().strftime("%Y-%m") == "2015-12"


@pytest.mark.vault
def test_implied_leads(run):
    n = run[0].numbers
    assert (n["C12_lead_top50_trough_2010"], n["C12_lead_top50_peak_end2012"], n["C12_lead_top50_trough_end2015"],
            n["C12_lead_top50_peak_end2020"]) == (5, 0, 0, 1)
    assert (n["C12_lead_gt500_trough_end2012"], n["C12_lead_gt500_peak_mid2016"],
            n["C12_lead_gt500_trough_end2020"]) == (0, -6, 1)
    assert n["C12_lead_median_months"] == 0 and n["C12_n_article_tps"] == 7 and n["C12_n_style_tps_matched"] == 4
    assert (n["C14_lead_csi300_peak_2018"], n["C14_lead_csi2000_trough_2019"]) == (31, 19)
    assert n["C14_n_style_tps_matched"] == 1


@pytest.mark.vault
def test_market_weight_benchmark(run, vault):
    tp = table(run[0], "c12_c14_turning_points").reset_index()
    conc = pd.read_csv(vault / "mktcap_concentration_quarterly_2005_2025.csv", index_col="date", parse_dates=True)
    row = tp[(tp["Series (article)"] == "Fund share, top-50") & (tp["When (article)"] == "end-2015")].iloc[0]
    assert row["Market-cap %"] == pytest.approx(100 * conc.loc["2015-12-31", "share_top50"])
    assert row["Article %"] == 18.71  # the article's number, not data
    row = tp[(tp["Series (article)"] == "Fund share, rank > 500") & (tp["When (article)"] == "mid-2023")].iloc[0]
    assert row["Market-cap %"] == pytest.approx(100 * conc.loc["2023-06-30", "share_rank_gt500"])
    assert np.isnan(row["Lead (m)"])  # a sample end is not a turning point


@pytest.mark.vault
def test_verdicts(run):
    v = verdicts_of(run[0])
    c12, c13, c14 = run[0].part("C12.granger"), run[0].part("C13.price_ladder"), run[0].part("C14.granger")
    for claim, p in (("C12", c12), ("C14", c14)):
        assert str(v[claim].verdict) == "untestable with the data at hand"
        assert "power" in p.detail and "style turning point" in p.detail
    assert c12.missing.startswith("fund_holdings_by_stock.csv with columns report_date, ts_code, hold_value")
    assert "fund_holdings_aggregates.csv" in c12.missing
    assert c14.missing.startswith("research_visits.csv with columns visit_date, ts_code")
    assert c12.estimate is None and c14.estimate is None  # untestable: the evidence is in the detail
    lead12 = run[0].part("C12.lead_one_year")
    assert lead12.missing and lead12.pvalue is None  # no holdings in the public vault: untestable, not "reproduced"
    assert {p.kind for c in ("C12", "C14") for p in declared.registry().claim(c).parts} == {"direction"}
    assert "imply leads of +0 months" in c12.detail and "imply leads of +25 months" in c14.detail
    n = run[0].numbers
    # the headline ladder is not significant; the holdings ladder needs fund holdings
    assert outcomes_of(v["C13"]) == {"price_ladder": "no evidence", "holdings_ladder": "untestable"}
    assert str(v["C13"].verdict) == "not supported" and c13.estimate == pytest.approx(1 / 3, abs=1e-6)
    assert n["C13_n_episodes"] == 3 and n["C13_rho_mean"] == pytest.approx(1 / 3, abs=1e-6)
    assert 0.15 < n["C13_p"] < 0.25
    assert n["C13_grid_share_p05"] >= 0.5
    assert n["C13_headline_rank"] == 5  # low in the specification curve


@pytest.mark.vault
def test_power_numbers(run):
    n = run[0].numbers
    assert 0.02 <= n["C12_size_T27_lead2"] <= 0.09 and 0.02 <= n["C14_size_T13_lead2"] <= 0.09
    assert 0.4 < n["C12_power_T27_lead2_r05"] < 0.65
    assert 0.1 < n["C14_power_T13_lead2_r05"] < 0.3
    assert 0.55 < n["C12_mde80_T27_lead2"] < 0.72
    assert n["C14_mde80_T13_lead2"] > 0.8
    assert n["C12_power_T27_lead1_r05"] > n["C12_power_T27_lead2_r05"] > n["C14_power_T13_lead2_r05"]


@pytest.mark.vault
def test_grids(run):
    from studies.leadlag_holdings import CYCLE_GRID, GRID

    res = run[0]
    assert len(GRID) >= 24 and len(CYCLE_GRID) >= 24
    names = {g.name: g for g in res.grids}
    assert set(names) == {"c13_ladder", "c12_implied_lead", "c14_implied_lead"}
    g13 = names["c13_ladder"]
    assert g13.headline in [s.key for s in g13.result.specs]
    head = g13.result.to_frame().set_index(g13.result.dimensions).loc[("M", "All Share", "A", "2005-01-01")]
    assert head["estimate"] == pytest.approx(res.numbers["C13_rho_mean"])
    assert g13.result.null_draws == 199 and np.isfinite(g13.result.null_estimates).all()
    assert np.isfinite(g13.result.null_se).all() and (g13.result.null_se > 0).all()
    rob = table(res, "c13_robustness")
    assert rob.loc["All specifications †", "Specs"] == len(GRID)  # every grid sample uses back-history
    # launch-date robustness: the headline on published history only (from 2015, CSI 2000 dropped)
    n = res.numbers
    assert n["C13_live_start"] == "2015-01-01" and n["C13_live_n_episodes"] >= 1
    live = rob.loc["Headline from launch (2015-01, without CSI 2000)"]
    assert live["Median rho"] == pytest.approx(n["C13_live_rho_mean"]) and live["Median p"] == pytest.approx(n["C13_live_p"])
    assert table(res, "c12_lead_robustness").loc["All specifications", "Specs"] == len(CYCLE_GRID)


@pytest.mark.vault
def test_figures(run):
    figs = {f.name: f for f in run[0].figures}
    assert set(figs) == {"c12_style_cycle", "c12_c14_power"}
    assert len(figs["c12_style_cycle"].vlines) == 7  # distinct dates of the articles' turning points
    assert list(figs["c12_c14_power"].data.index) == [0.0, 0.3, 0.5, 0.7, 0.9]


# ------------------------------------------------------------------------------------------
# with user data in the vault
# ------------------------------------------------------------------------------------------
@pytest.fixture
def user_vault(vault, tmp_path, vault_loader):
    """A copy of the vault (symlinks) plus aggregates whose *active* weights, dated at their
    publication, lead the real style by 2 periods (the market-cap shares are the vault's)."""
    from econ.data import holdings as H

    root = tmp_path / "vault"
    root.mkdir()
    for f in vault.iterdir():
        (root / f.name).symlink_to(f)
    large = vault_loader.series("cn.index.csi300.close")
    small = vault_loader.series("cn.index.csi1000.close")
    style = np.log(large / small)
    conc = pd.read_csv(vault / H.CONCENTRATION_FILE)
    rng = np.random.default_rng(5)
    half = pd.date_range("2008-06-30", "2024-12-31", freq="6ME")
    lead = style.asof(H.publication_dates(half)).shift(-2).to_numpy()  # two published half-years ahead
    mk = H.market_benchmark(conc, half, ["share_top50", "share_rank_gt500"])
    act = 0.2 * (lead - np.nanmean(lead))
    agg = pd.DataFrame({"date": half.strftime("%Y-%m-%d"),
                        "share_top50": mk["share_top50"].to_numpy() + act + rng.normal(0, 0.002, len(half)),
                        "share_rank_gt500": mk["share_rank_gt500"].to_numpy() - act + rng.normal(0, 0.002, len(half))})
    agg.dropna().to_csv(root / "fund_holdings_aggregates.csv", index=False)
    years = pd.date_range("2012-12-31", "2024-12-31", freq="YE")
    ys = style.asof(H.publication_dates(years, "visits")).shift(-2).to_numpy()
    vm = H.market_benchmark(conc, years, ["share_csi300", "share_outside_csi1800"])
    va = 0.1 * (ys - np.nanmean(ys))
    noise = rng.normal(0, 0.002, (len(years), 2))
    vis = pd.DataFrame({"date": years.strftime("%Y-%m-%d"),
                        "share_csi300": vm["share_csi300"].to_numpy() + va + noise[:, 0],
                        "share_outside_csi1800": vm["share_outside_csi1800"].fillna(0.4).to_numpy() - va + noise[:, 1]})
    vis.dropna().to_csv(root / "research_visit_aggregates.csv", index=False)
    return root


@pytest.mark.vault
def test_user_data_turns_untestable_into_a_verdict(user_vault, tmp_path, monkeypatch):
    import studies.leadlag_holdings as S
    from econ.config import Settings
    from econ.data.loader import DataLoader
    from econ.robust import Grid

    # keep this run short: one spec per grid, a tiny power Monte Carlo
    monkeypatch.setattr(S, "GRID", Grid({"freq": ["M"], "base": ["All Share"], "rule": ["A"],
                                         "start": ["2005-01-01"]}))
    monkeypatch.setattr(S, "CYCLE_GRID", Grid({"freq": ["M"], "large": ["CSI 300"], "small": ["CSI 1000"],
                                               "rule": ["A"]}))
    monkeypatch.setattr(S, "POWER_REPS", 20)
    loader = DataLoader(Settings.resolve(vault=user_vault, cache=tmp_path / "cache", live=False))
    res = S.STUDY.run(loader)
    v = verdicts_of(res)
    assert outcomes_of(v["C12"]) == {"granger": "supported", "lead_one_year": "supported"}  # leads by 2 half-years
    assert str(v["C12"].verdict) == "supported"
    assert "fund_holdings_aggregates.csv" in res.part("C12.granger").detail and not res.part("C12.granger").missing
    assert str(v["C14"].verdict) != "untestable with the data at hand"
    n = res.numbers
    assert n["C12_share_top50_best_lead"] == 2 and n["C12_share_rank_gt500_best_lead"] == 2
    assert n["C12_share_top50_boot_p"] < 0.05
    assert n["C14_share_csi300_best_lead"] == 2
    assert n["C12_share_top50_lead_p"] < 0.05 and n["C12_share_top50_lead_mass"] > 0.95
    lead = table(res, "c12_c14_leadlag")
    assert lead.loc["C12: share_top50, active, published †", "Near claim"] > 0.95


# ------------------------------------------------------------------------------------------
# C13 null draws on synthetic episodes (no vault)
# ------------------------------------------------------------------------------------------
def _episodes(names, n_episodes: int, ordered: bool, seed: int) -> dict:
    """Peak dates per episode: in size order one month apart, or random months (some rungs missing)."""
    rng = np.random.default_rng(seed)
    out = {}
    for e in range(n_episodes):
        start = pd.Timestamp(f"{2000 + 3 * e}-01-31")
        months = np.arange(len(names)) * 2 if ordered else rng.integers(0, 24, len(names))
        out[f"ep{e}"] = {n: (start + pd.DateOffset(months=int(m)) if ordered or rng.random() < 0.85 else None)
                         for n, m in zip(names, months, strict=True)}
    return out


def test_ladder_order_null_equals_the_test_under_each_order():
    from econ.data import holdings as H

    names = ["b", "c", "d", "e", "f"]
    eps = _episodes(names, 5, ordered=False, seed=1)
    rng = np.random.default_rng(2)
    orders = [names] + [list(rng.permutation(names)) for _ in range(6)]
    f = H.ladder_order_null(eps, orders, n_perm=999, seed=3)
    for o, row in zip(orders, f.itertuples(), strict=True):
        ref = H.ladder_order_test(eps, o, n_perm=999, seed=3)
        assert row.mean_rho == pytest.approx(ref.mean_rho, abs=1e-12)
        assert row.pvalue == ref.pvalue and row.null_sd == pytest.approx(ref.null_sd, rel=1e-10)
        assert row.n_episodes == ref.n_episodes
    assert 0 < f["null_sd"].iloc[0] < 1
    with pytest.raises(ValueError, match="permutation"):
        H.ladder_order_null(eps, [names, names[:-1]])


def _c13_null_run(monkeypatch, tmp_path, ordered: bool, draws: int = 99):
    import studies.leadlag_holdings as S
    from econ.config import Settings
    from econ.data.loader import DataLoader
    from econ.robust import run_grid
    from econ.robust.curve import spec_curve

    def fake(loader, freq, base, rule, start):  # each spec its own episodes, on its own rungs
        rungs = [r for r in S.LADDER if r != base]
        seed = zlib.crc32(f"{freq}|{base}|{rule}|{start}".encode()) if not ordered else 0
        return _episodes(rungs[1:], 4, ordered, seed), rungs[1:]

    monkeypatch.setattr(S, "ladder_episodes", fake)
    monkeypatch.setattr(S, "N_PERM", 999)
    loader = DataLoader(Settings.resolve(vault=None, cache=tmp_path / "c", live=False))
    res = run_grid(S.estimate, S.GRID, loader=loader, null_draws=draws, seed=S.NULL_SEED)
    return res, spec_curve(res, sign_claimed=1)


def test_c13_joint_test_quiet_under_random_peaks_and_rejects_size_order(monkeypatch, tmp_path):
    res, curve = _c13_null_run(monkeypatch, tmp_path, ordered=False)
    assert res.null_estimates.shape == (99, 36) and np.isfinite(res.null_estimates).all()
    assert all(curve.joint.pvalue(s) > 0.05 for s in ("median", "share_significant", "stouffer"))
    res, strong = _c13_null_run(monkeypatch, tmp_path, ordered=True)
    assert np.allclose(strong.frame["estimate"], 1.0)
    assert abs(np.nanmean(res.null_estimates)) < 0.1  # the null ladder has no order
    # 24 of the 36 specs rank only CSI 500 → micro-cap: a draw keeping those four in order (1 in 24)
    # gives them rho = 1 and the null curve a median of 1, as extreme as the data; no other draw does
    import studies.leadlag_holdings as S

    lower = ["CSI 500", "CSI 1000", "CSI 2000", "Micro-cap"]
    kept = np.array([S.null_order(lower, np.random.default_rng([S.NULL_SEED, k])) == lower for k in range(99)])
    assert np.array_equal(np.isclose(np.median(res.null_estimates, axis=1), 1.0), kept)
    assert strong.joint.pvalue("median") == pytest.approx((1 + kept.sum()) / 100) and kept.sum() < 5
    assert strong.joint.pvalue("stouffer") <= strong.joint.pvalue("median") < 0.06
    five = strong.frame["base"] == "All Share"  # the specs ranking five rungs: 1 draw in 120 keeps them
    assert (strong.frame.loc[five, "p_rw"] < 0.05).all() and (strong.frame["p_rw"] <= 0.1).all()


def test_c13_null_draws_are_deterministic_and_share_one_order(monkeypatch, tmp_path):
    import studies.leadlag_holdings as S

    a, _ = _c13_null_run(monkeypatch, tmp_path, ordered=True, draws=19)
    b, _ = _c13_null_run(monkeypatch, tmp_path, ordered=True, draws=19)
    assert np.array_equal(a.null_estimates, b.null_estimates) and np.array_equal(a.null_pvalues, b.null_pvalues)
    # ordered episodes: a spec's null rho is the Spearman rho of the draw's order with the true one,
    # so specs on the same rungs agree in every draw (one permutation of the ladder per draw)
    same = [i for i, s in enumerate(a.specs) if s["base"] == "All Share"]
    assert np.allclose(a.null_estimates[:, same], a.null_estimates[:, same[:1]])
    order = [r for r in S.LADDER if r != "All Share"][1:]
    k = 7
    drawn = S.null_order(order, np.random.default_rng([S.NULL_SEED, k]))
    expected = pd.Series(range(len(order))).corr(pd.Series([drawn.index(r) for r in order]), method="spearman")
    assert a.null_estimates[k, same[0]] == pytest.approx(expected)


def test_lead_power_granger_rate_equals_the_statsmodels_loop():
    """lead_power (aic=False, the lean Granger p-value) rejects exactly as often as a loop of
    statsmodels' granger(...).f_pvalue over the same seeded draws (the slow path it replaced)."""
    import numpy as np

    from econ.data import holdings as H
    from econ.models.causality import granger

    for T, lead, rho in ((27, 1, 0.0), (27, 2, 0.5), (13, 3, 0.9), (13, 1, 0.3)):
        rng = np.random.default_rng([20240401, T, lead, int(round(rho * 1000)), 500])
        rej = 0
        for _ in range(60):
            y, x = H._simulate_lead(T, lead, rho, 0.5, rng)
            try:
                rej += granger(y, x, lags=lead).f_pvalue <= 0.05
            except ValueError:
                pass
        assert H.lead_power(T, lead, rho, reps=60, aic=False, seed=20240401)["granger"] == rej / 60


def test_granger_fixed_pvalue_is_granger_f_pvalue():
    """granger_fixed_pvalue is the same float as granger(...).f_pvalue on simulated draws."""
    import numpy as np

    from econ.data.holdings import _simulate_lead
    from econ.models.causality import granger, granger_fixed_pvalue

    rng = np.random.default_rng(3)
    for T, lead in ((27, 1), (27, 2), (13, 3), (40, 2)):
        for _ in range(25):
            y, x = _simulate_lead(T, lead, 0.4, 0.5, rng)
            assert granger_fixed_pvalue(y, x, lead) == granger(y, x, lags=lead).f_pvalue
