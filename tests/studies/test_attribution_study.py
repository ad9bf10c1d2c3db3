"""C4 attribution study: a known decomposition recovered on a tiny vault, the grid's null draws
(centred on a share of 1/2, common to all specs, deterministic; the joint test quiet without
dominance and rejecting when valuation always dominates), and the real vault's key numbers
within tolerances, with one year's valuation part recomputed by hand from the CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.config import Settings
from econ.data.loader import DataLoader
from econ.robust import Spec
from studies import attribution as A
from tests.conftest import outcomes_of, verdicts_of

# --------------------------------------------------------------------------- synthetic
# Small leg: each year the P/E moves by VAL[y] and EPS by EARN[y] (log points); large leg flat.
VAL = {2012: 0.30, 2013: -0.05, 2014: 0.20, 2015: -0.40, 2016: 0.02, 2017: 0.10}
EARN = {2012: 0.05, 2013: 0.25, 2014: -0.10, 2015: 0.10, 2016: -0.15, 2017: 0.01}
DIV = 0.02  # small leg dividend yield per year (log), via its total-return index
ROWS = [
    "cn.index.csi500.close,p5.csv,date,v,index points,business daily,small price",
    "cn.index.csi300.close,p3.csv,date,v,index points,business daily,large price",
    "cn.valuation.csi500.pe,e5.csv,date,v,ratio,business daily,small pe",
    "cn.valuation.csi300.pe,e3.csv,date,v,ratio,business daily,large pe",
    "cn.index_tr.csi500.close,t5.csv,date,v,index points,business daily,small tr",
    "cn.index_tr.csi300.close,t3.csv,date,v,index points,business daily,large tr",
]


def _csv(s: pd.Series) -> str:
    return "date,v\n" + "".join(f"{d:%Y-%m-%d},{v:.12g}\n" for d, v in s.items())


def _known_loader(tmp_path_factory, val: dict[int, float], earn: dict[int, float]) -> DataLoader:
    """A vault whose small leg's P/E and EPS move by ``val[y]`` and ``earn[y]`` (log) in year ``y``."""
    from tests.conftest import _make_vault

    days = pd.bdate_range(f"{min(val) - 1}-12-30", f"{max(val)}-12-29")
    log_pe = pd.Series(np.log(20.0), index=days)
    log_eps = pd.Series(np.log(50.0), index=days)
    for y in val:  # geometric path inside each year, ending exactly at the year's total
        inside = days[days.year == y]
        frac = np.arange(1, len(inside) + 1) / len(inside)
        prev_pe = log_pe[days[days.year < y][-1]]
        prev_eps = log_eps[days[days.year < y][-1]]
        log_pe[inside] = prev_pe + val[y] * frac
        log_eps[inside] = prev_eps + earn[y] * frac
    price = np.exp(log_pe + log_eps)
    t = np.arange(len(days)) / 252.0
    files = {
        "p5.csv": _csv(price), "e5.csv": _csv(np.exp(log_pe)),
        "p3.csv": _csv(pd.Series(3000.0, index=days)), "e3.csv": _csv(pd.Series(12.0, index=days)),
        "t5.csv": _csv(price * np.exp(DIV * t)), "t3.csv": _csv(pd.Series(3000.0, index=days)),
    }
    root = _make_vault(tmp_path_factory.mktemp("v"), files, ROWS)
    return DataLoader(Settings.resolve(vault=root, cache=tmp_path_factory.mktemp("c"), live=False))


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    return _known_loader(tmp_path_factory, VAL, EARN)


@pytest.fixture(scope="module")
def dominant(tmp_path_factory):
    """Valuation dominates every year 2006–2019 (|P/E move| 0.3, |EPS move| 0.05, signs mixed)."""
    years = range(2006, 2020)
    return _known_loader(tmp_path_factory, {y: 0.3 * (-1) ** y for y in years},
                         {y: 0.05 * (-1) ** (y // 2) for y in years})


def _spec(**kw) -> Spec:
    base = {"pair": "CSI 500 vs CSI 300", "anchor": "prior_end", "returns": "total", "kind": "log",
            "years": "to 2023"}
    base.update(kw)
    return Spec(tuple(base.items()))


def test_known_parts_are_recovered(known):
    res = A.attribution(known, A.PAIR_BY_LABEL["CSI 500 vs CSI 300"])
    t = res.table
    assert [p.year for p in t.index] == list(VAL)
    assert np.allclose(t["valuation"], list(VAL.values()), atol=1e-9)
    assert np.allclose(t["earnings"], list(EARN.values()), atol=1e-9)
    # dividend part = TR growth over the calendar days of each year (business-day clock / 252)
    assert t["dividend"].between(0.9 * DIV, 1.1 * DIV).all()
    assert t["residual"].abs().max() < 1e-9


def test_estimate_counts_the_dominant_years(known):
    est = A.estimate(_spec(), known)
    n_val = sum(abs(VAL[y]) > abs(EARN[y]) for y in VAL)  # 2012, 2014, 2015, 2017
    assert n_val == 4
    assert est.ok and est.nobs == 6
    assert est.estimate == pytest.approx(4 / 6 - 0.5)
    assert est.pvalue == pytest.approx(0.6875)  # exact two-sided binomial, 4 of 6
    assert est.se == pytest.approx(0.5 / np.sqrt(6))  # binomial se at share 1/2
    assert (est.ci_low, est.ci_high) == pytest.approx((0.2228 - 0.5, 0.9567 - 0.5), abs=1e-4)  # Clopper–Pearson
    assert est.extra["n_valuation"] == 4


def test_null_counts_swap_the_parts_year_by_year():
    t = pd.DataFrame({"valuation": [0.3, -0.1, 0.2, 0.0], "earnings": [0.1, 0.4, -0.5, 0.0]},
                     index=pd.PeriodIndex(["2012", "2013", "2014", "2015"], freq="Y"))
    none = {y: False for y in range(2012, 2016)}
    every = {y: True for y in range(2012, 2016)}
    counts = A.null_counts(t, [none, every, none | {2013: True}])
    assert list(counts) == [1, 2, 2]  # a tie (2015) is never valuation-dominant
    flips = A.null_flips(np.random.default_rng(0))
    assert set(flips) == set(range(A.NULL_YEARS[0], A.NULL_YEARS[1] + 1))
    assert flips == A.null_flips(np.random.default_rng(0))


_SMALL_GRID = {"pair": ["CSI 500 vs CSI 300"], "anchor": ["prior_end", "within"], "returns": ["total", "price"],
               "kind": ["log", "simple"], "years": ["to 2023", "full years to 2023"]}


def _c4_null_run(loader, draws: int = 199, one_sided: bool = False):
    from econ.robust import Grid, run_grid
    from econ.robust.curve import spec_curve

    res = run_grid(A.estimate, Grid(_SMALL_GRID), loader=loader, null_draws=draws, seed=A.NULL_SEED)
    return res, spec_curve(res, sign_claimed=1, one_sided=one_sided)


def test_c4_null_is_centred_and_the_joint_test_quiet_without_dominance(known):
    res, curve = _c4_null_run(known)
    assert res.null_estimates.shape == (199, 16) and np.isfinite(res.null_estimates).all()
    share = res.null_estimates + 0.5
    assert share.mean() == pytest.approx(0.5, abs=0.03)       # exchangeable parts: no dominance
    assert share[:, 0].var() == pytest.approx(0.25 / 6, rel=0.25)  # Binomial(6, 1/2) / 6
    # every spec counts the same six years, so one draw flips them alike in every spec
    assert (res.null_estimates == res.null_estimates[:, :1]).all()
    # 4 of 6 years valuation-dominant: P(Bin(6, 1/2) >= 4) = 0.34 under the null
    assert curve.joint.pvalue("median") == pytest.approx(22 / 64, abs=0.08)
    assert all(curve.joint.pvalue(s) > 0.05 for s in ("median", "share_significant", "stouffer"))
    again, _ = _c4_null_run(known)
    assert np.array_equal(res.null_estimates, again.null_estimates)  # deterministic


def test_c4_joint_test_rejects_when_valuation_always_dominates(dominant):
    res, curve = _c4_null_run(dominant)
    assert np.allclose(curve.frame["estimate"], 0.5) and (curve.frame["nobs"] == 14).all()
    for s in ("median", "stouffer"):  # no null draw flips all 14 years to valuation (2^-14)
        assert curve.joint.pvalue(s) == pytest.approx(1 / 200)
    assert np.allclose(curve.frame["p_rw"], 1 / 200)


@pytest.fixture(scope="module")
def earnings_always(tmp_path_factory):
    """Earnings dominate every year 2006–2019 (|EPS move| 0.3, |P/E move| 0.05)."""
    years = range(2006, 2020)
    return _known_loader(tmp_path_factory, {y: 0.05 * (-1) ** (y // 2) for y in years},
                         {y: 0.3 * (-1) ** y for y in years})


def test_one_sided_romano_wolf_cannot_support_the_opposite_dominance(dominant, earnings_always):
    # constructed data: valuation dominates every year -> one-sided RW p = 1/200 (as two-sided);
    # earnings dominate every year -> the share is 0, far from 1/2, but not in the claimed
    # direction: two-sided RW p = 1/200, one-sided RW p = 1 ("most years valuation" not supported).
    _, one = _c4_null_run(dominant, one_sided=True)
    assert np.allclose(one.frame["p_rw"], 1 / 200)
    _, two = _c4_null_run(earnings_always)
    _, one = _c4_null_run(earnings_always, one_sided=True)
    assert np.allclose(two.frame["estimate"], -0.5)
    assert np.allclose(two.frame["p_rw"], 1 / 200)
    assert np.allclose(one.frame["p_rw"], 1.0)


def _dominance_table(n_val: int, n_earn: int, n_tie: int = 0) -> pd.DataFrame:
    """Years 2001..: the first n_val valuation-dominant, then n_earn earnings-dominant, then exact ties."""
    val = [0.3] * n_val + [0.05] * n_earn + [0.1] * n_tie
    earn = [-0.05] * n_val + [0.3] * n_earn + [-0.1] * n_tie
    years = pd.PeriodIndex([str(2001 + i) for i in range(len(val))], freq="Y")
    t = pd.DataFrame({"valuation": val, "earnings": earn, "dividend": 0.0, "residual": 0.0}, index=years)
    t["relative_return"] = t["valuation"] + t["earnings"]
    t["dominant"] = np.where(np.abs(t["valuation"]) > np.abs(t["earnings"]), "valuation", "earnings")
    return t


def _headline_parts(t: pd.DataFrame) -> dict:
    parts = A.Attribution._parts({A.HEADLINE: {"dom": A.dominance(t)}})
    return {p.part: p for p in parts}


@pytest.mark.parametrize(("n_val", "n_earn", "p_exact"), [
    (10, 4, 1471 / 16384),        # P(Bin(14, 1/2) >= 10)
    (9, 4, 1093 / 8192),          # P(Bin(13, 1/2) >= 9)
    (7, 7, 9908 / 16384),         # half the years: P(X >= 7) = 0.605, far from support
    (14, 0, 1 / 16384),           # every year: 2^-14
    (0, 14, 1.0),                 # earnings every year: one-sided p = 1, never support
])
def test_one_sided_binomial_rule_on_a_known_share(n_val, n_earn, p_exact):
    # constructed data: a known number of valuation-dominant years; the part's p is the exact
    # one-sided binomial P(X >= k | n, 1/2) (reference: scipy.stats.binomtest, alternative="greater",
    # and the hand counts in the comments).
    part = _headline_parts(_dominance_table(n_val, n_earn))["valuation_dominates"]
    n = n_val + n_earn
    assert part.n == n and part.estimate == pytest.approx(n_val / n - 0.5)
    assert part.pvalue == pytest.approx(p_exact, rel=1e-9)
    assert part.se == pytest.approx(0.5 / np.sqrt(n))


def test_a_tie_counts_for_earnings_and_the_article_share_is_untestable():
    t = _dominance_table(3, 1, n_tie=2)          # |0.1| == |-0.1| twice: not valuation-dominant
    d = A.dominance(t)
    assert (d["n"], d["n_valuation"]) == (6, 3)
    assert A.null_counts(t, [{y: False for y in range(2001, 2007)}])[0] == 3  # one definition in the null too
    parts = _headline_parts(t)
    assert parts["article_share"].missing.startswith("untestable") and "Shenwan large" in parts["article_share"].missing
    assert parts["article_share"].estimate is None
    none = A.Attribution._parts({})
    assert all(p.missing.startswith("untestable") for p in none)


@pytest.fixture(scope="module")
def through_2025(tmp_path_factory):
    """Valuation dominates 2020, 2022, 2024; earnings 2021, 2023, 2025 (data to 2025-12-29)."""
    val = {2020: 0.3, 2021: 0.05, 2022: -0.3, 2023: 0.05, 2024: 0.4, 2025: -0.05}
    earn = {2020: 0.05, 2021: -0.3, 2022: 0.05, 2023: 0.3, 2024: -0.1, 2025: 0.3}
    return _known_loader(tmp_path_factory, val, earn)


def test_only_years_complete_before_the_article_are_counted(through_2025):
    # constructed data: 2024 and 2025 exist in the data but the article appeared in April 2024.
    pair = A.PAIR_BY_LABEL[A.HEADLINE]
    t = A.attribution(through_2025, pair).table
    assert [p.year for p in A.counted(t).index] == [2020, 2021, 2022, 2023]
    assert [p.year for p in A.counted(t, "all years").index] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert A.dominance(A.counted(t))["n_valuation"] == 2
    est = A.estimate(_spec(), through_2025)
    assert est.nobs == 4 and est.estimate == pytest.approx(0.0)
    rows = {r["period"]: r for r in A.Attribution._partial_year(through_2025, pair)}
    assert set(rows) == {f"to {A.ARTICLE_DATA_END}", "calendar 2024"}
    q1, year = rows[f"to {A.ARTICLE_DATA_END}"], rows["calendar 2024"]
    assert q1["End"] == "2024-03-29" and year["Dominant"] == "valuation"
    assert year["Valuation"] == pytest.approx(40.0, abs=1e-6)        # the year's whole P/E move
    share = (pd.bdate_range("2024-01-01", "2024-03-29").size) / pd.bdate_range("2024-01-01", "2024-12-31").size
    assert q1["Valuation"] == pytest.approx(40.0 * share, rel=1e-6)  # the path to the article's data end


def test_price_and_total_return_give_the_same_count(known):
    tot = A.estimate(_spec(returns="total"), known)
    pri = A.estimate(_spec(returns="price"), known)
    assert tot.estimate == pri.estimate
    assert tot.extra["var_valuation"] != pri.extra["var_valuation"]


def test_simple_kind_residual_is_the_cross_term(known):
    res = A.attribution(known, A.PAIR_BY_LABEL["CSI 500 vs CSI 300"], returns="price", kind="simple")
    t = res.table
    v = np.expm1(np.array(list(VAL.values())))
    e = np.expm1(np.array(list(EARN.values())))
    assert np.allclose(t["residual"], v * e, atol=1e-9)


def test_dominance_binomial_and_variance_shares():
    t = pd.DataFrame({"dominant": ["valuation"] * 7 + ["earnings"] * 3,
                      "relative_return": np.linspace(-0.2, 0.25, 10)})
    t["valuation"] = 0.8 * t["relative_return"]
    t["earnings"] = 0.2 * t["relative_return"]
    t["dividend"] = 0.0
    t["residual"] = 0.0
    d = A.dominance(t)
    assert d["n"] == 10 and d["n_valuation"] == 7
    assert d["p_greater"] == pytest.approx(176 / 1024)  # P(X >= 7), X ~ Bin(10, 1/2)
    assert d["var_valuation"] == pytest.approx(0.8) and d["var_earnings"] == pytest.approx(0.2)
    assert d["ci_low"] < 0.7 < d["ci_high"]


def test_grid_excludes_pairs_without_total_return():
    assert len(A.GRID) >= 24
    why = {s["pair"] for s, _ in A.GRID.excluded()}
    assert why == {"SW small vs CSI 300", "SW small vs SSE 50", "CSI 2000 vs CSI 300"}
    assert A.HEADLINE_SPEC in {s.key for s in A.GRID}


# --------------------------------------------------------------------------- real vault
@pytest.fixture(scope="module")
def c4(vault_loader):
    return A.STUDY.run(vault_loader)


@pytest.mark.vault
def test_headline_count(c4):
    n = c4.numbers
    assert (n["C4_valuation_years"], n["C4_years"]) == (10, 13)       # 2011–2023
    assert (n["C4_csi500_first_year"], n["C4_csi500_last_year"]) == ("2011", "2023")
    assert n["C4_binom_p"] == pytest.approx(1 - 0.9539, abs=1e-3)     # P(Bin(13, 1/2) >= 10) = 0.0461
    assert n["C4_article_p"] == pytest.approx(0.2706, abs=1e-4)       # the article's 14/24, one-sided
    assert n["C4_partial_q1_dominant"] == "valuation" and n["C4_partial_year_dominant"] == "earnings"
    assert (n["C4_all_valuation_years"], n["C4_all_years"]) == (12, 16)
    assert (n["C4_sw_csi300_valuation_years"], n["C4_sw_csi300_years"]) == (5, 6)
    assert (n["C4_sw_sse50_first_year"], n["C4_sw_sse50_last_year"]) == ("2011", "2016")
    assert (n["C4_csi1000_first_year"], n["C4_csi1000_years"]) == ("2022", 2)  # 2021 is one month: not counted
    assert n["C4_csi2000_launch"] == "2023-08-11" and n["C4_csi2000_live_years"] == 1  # back-history row
    assert n["C4_csi500_max_residual"] < 1e-10
    assert n["C4_var_valuation"] == pytest.approx(0.982, abs=0.01)  # 2011–2023 (0.924 with 2024 counted)


@pytest.mark.vault
def test_one_year_by_hand_from_the_csv(c4, vault):
    pe = pd.read_csv(vault / "val_index_pe_csindex_2011_2026.csv", index_col="date", parse_dates=True)
    a, b = pe.loc["2014-12-31"], pe.loc["2015-12-31"]
    by_hand = np.log(b["pe_000905"] / a["pe_000905"]) - np.log(b["pe_000300"] / a["pe_000300"])
    years = c4.tables[1].frame
    assert years.loc[("CSI 500 vs CSI 300", "2015"), "Valuation"] == pytest.approx(100 * by_hand, abs=1e-6)
    p5 = pd.read_csv(vault / "idx_tr_csi500_H00905.csv", index_col="date", parse_dates=True)["close"]
    p3 = pd.read_csv(vault / "idx_tr_csi300_H00300.csv", index_col="date", parse_dates=True)["close"]
    rel = np.log(p5["2015-12-31"] / p5["2014-12-31"]) - np.log(p3["2015-12-31"] / p3["2014-12-31"])
    assert years.loc[("CSI 500 vs CSI 300", "2015"), "Relative"] == pytest.approx(100 * rel, abs=1e-6)


@pytest.mark.vault
def test_verdict_is_computed(c4):
    v = verdicts_of(c4)["C4"]
    assert str(v.verdict) == "not supported"
    assert outcomes_of(v) == {"valuation_dominates": "no evidence", "article_share": "untestable"}
    part = c4.part("C4.valuation_dominates")
    assert part.estimate == pytest.approx(10 / 13 - 0.5)
    assert part.pvalue == pytest.approx(c4.numbers["C4_binom_p"])  # one-sided: below 0.05 before adjustment
    p = next(p for p in v.parts if p.name == "valuation_dominates")
    assert 0.05 < p.pvalue_adjusted < 0.3 and "Romano–Wolf" in p.adjustment


@pytest.mark.vault
def test_grid_attached_and_summarised(c4):
    g = c4.grids[0]
    assert g.claim == "C4" and len(g.result.specs) >= 24
    assert g.headline in [s.key for s in g.result.specs]
    frame = g.result.to_frame()
    head = frame[(frame["pair"] == A.HEADLINE) & (frame["anchor"] == "prior_end") & (frame["returns"] == "total")
                 & (frame["kind"] == "log") & (frame["years"] == "to 2023")].iloc[0]
    assert head["estimate"] == pytest.approx(10 / 13 - 0.5)
    assert g.one_sided
    tables = {t.name: t.frame for t in c4.tables}
    assert tables["c4_robustness"].loc["All specifications", "Specs"] == len(g.result.specs)
    partial = tables["c4_partial_year"]
    assert (A.HEADLINE, "calendar 2024") in partial.index  # shown apart, not counted
