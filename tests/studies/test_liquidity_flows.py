"""liquidity_flows (A3, C5, C7, C8, C9, D1).

Synthetic: the distributed-lag helper recovers known contemporaneous and lagged effects and its
Wald test sees the lag; the mediation helper (a descriptive row of A3) recovers known paths
(total − direct = a·b exactly) and its bootstrap interval covers the truth; the grid's
``estimate`` recovers a known DR007 effect end to end from a tiny vault of daily CSV files; the
whole study runs on the synthetic world (where the ratio depends on nothing) and its intervals
cover zero. (The issue-11 designs on constructed data: ``test_liquidity_designs.py``.)

Null draws (the joint-test hook): in a tiny world with all three drivers (DR007, northbound
flows acting with a two-week lag, persistent Fed-asset growth acting eight weeks later) a zero
shift reproduces every spec's reported estimate, s.e. and p (so the null re-fits the same
regressions; the batched path equals the one-at-a-time path), the joint test is small for
strong effects and not small when the ratios depend on nothing, and draw ``k`` is the same
world in every spec and in every run.

Real vault (marked ``vault``): headline numbers within tolerances (values from this study's
run), the C5 and A3 headline regressions recomputed independently from the raw daily series
with pandas resampling and statsmodels, the northbound definition switch in the data, computed
verdicts, the grids' size and headline, the grids' null draws (zero shift = reported estimate)
and joint tests.
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.signal import lfilter

from econ.config import Settings
from econ.data.catalog import default_catalog
from econ.data.loader import DataLoader
from econ.robust import Grid, NullDraws, run_grid
from econ.robust.curve import circular_shift, spec_curve
from studies import _liquidity_specs as S
from studies import liquidity_flows as LF
from tests.conftest import outcomes_of, verdicts_of

vault = pytest.mark.vault


# --------------------------------------------------------------------------- synthetic
def _weekly_frame(n: int, seed: int) -> tuple[pd.DataFrame, np.random.Generator]:
    idx = pd.date_range("2001-01-05", periods=n, freq="W-FRI")
    return pd.DataFrame(index=idx), np.random.default_rng(seed)


def test_distributed_lag_recovers_known_lags():
    frame, rng = _weekly_frame(3000, 1)
    x = rng.normal(0, 0.2, 3000)
    b0, b1 = -0.8, -0.4
    frame["x"] = x
    frame["y"] = b0 * x + b1 * np.roll(x, 1) + rng.normal(0, 0.3, 3000)
    dl = S.distributed_lag(frame.iloc[1:], "y", "x", 4)
    assert dl.contemp.beta == pytest.approx(b0, abs=4 * dl.contemp.se)
    assert dl.coefs["x_l1"] == pytest.approx(b1, abs=0.1)
    assert dl.lag_sum.beta == pytest.approx(b1, abs=4 * dl.lag_sum.se)
    assert dl.total.beta == pytest.approx(dl.coefs.sum(), rel=1e-10)
    assert dl.wald_p < 1e-6 and dl.lags == 4
    quiet = frame.assign(y=b0 * x + rng.normal(0, 0.3, 3000)).iloc[1:]
    dq = S.distributed_lag(quiet, "y", "x", 4)
    assert dq.wald_p > 0.01 and dq.contemp.beta < 0 and dq.contemp.p < 0.05


def test_mediation_recovers_known_paths():
    frame, rng = _weekly_frame(1500, 2)
    a, b, direct = -0.5, -0.3, 0.2
    frame["x"] = rng.normal(0, 1, 1500)
    frame["m"] = a * frame["x"] + rng.normal(0, 1, 1500)
    frame["y"] = direct * frame["x"] + b * frame["m"] + rng.normal(0, 0.5, 1500)
    med = S.mediation(frame, "y", "x", "m", reps=399)
    assert med.a.beta == pytest.approx(a, abs=4 * med.a.se)
    assert med.b.beta == pytest.approx(b, abs=4 * med.b.se)
    assert med.total.beta - med.direct.beta == pytest.approx(med.indirect, abs=1e-10)
    lo, hi = med.indirect_ci
    assert lo < a * b < hi and lo > 0  # a·b = 0.15 is clearly positive
    assert med.share == pytest.approx(0.15 / 0.35, abs=0.1)
    assert med.block == round(1500 ** (1 / 3)) and med.indirect_boot_p < 0.01
    again = S.mediation(frame, "y", "x", "m", reps=399)
    assert again.indirect_ci == med.indirect_ci  # seeded


def _tiny_vault(make_vault, root, beta: float, seed: int = 2):
    """Daily CSI 300, CSI 1000 and DR007 where the weekly log ratio moves β % per pp of DR007.

    DR007 changes only on Mondays, so its weekly mean equals its level that week and the
    weekly change of the mean is the change between Fridays.
    """
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2012-01-02", "2021-12-31")
    week = days.to_period("W-FRI")
    n_weeks = week.nunique()
    step = rng.normal(0, 0.15, n_weeks)
    level = 2.5 + np.cumsum(step) - np.cumsum(step).mean()
    codes = pd.factorize(week)[0]
    rate = level[codes]
    first = np.r_[True, codes[1:] != codes[:-1]]
    d_rate = np.where(first, np.r_[0.0, np.diff(rate)], 0.0)
    log300 = np.log(3000) + np.cumsum(rng.normal(0, 0.01, len(days)))
    log_ratio = beta / 100 * np.cumsum(d_rate) + np.cumsum(rng.normal(0, 0.001, len(days)))
    frame = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "c300": np.exp(log300),
                          "c1000": np.exp(log300 + log_ratio), "dr": rate})
    files = {"idx.csv": frame.to_csv(index=False)}
    rows = ["cn.index.csi300.close,idx.csv,date,c300,index points,business daily,CSI 300",
            "cn.index.csi1000.close,idx.csv,date,c1000,index points,business daily,CSI 1000",
            "cn.rate.dr007,idx.csv,date,dr,percent,business daily,DR007"]
    return make_vault(root, files, rows)


def test_estimate_recovers_a_known_dr007_effect(make_vault, tmp_path):
    beta = -1.5
    root = _tiny_vault(make_vault, tmp_path / "v", beta)
    loader = DataLoader(Settings.resolve(vault=root, cache=tmp_path / "c", live=False))
    spec = next(s for s in LF.GRID if s.key == S.GRID_HEADLINE)
    est = LF.estimate(spec, loader)
    assert est.ok and est.nobs > 300
    # unbiased: over 20 seeds of this world the mean is −1.49, s.d. 0.076 against a mean s.e. of 0.066
    assert abs(est.estimate - beta) < 4 * est.se and est.se < 0.1 and est.pvalue < 1e-6
    assert est.extra["lag_wald_p"] > 0.01  # no lagged effect in this world
    # a small grid through run_grid: every spec of this proxy/rate estimable, all negative
    small = Grid({"relation": ["C5"], "proxy": ["CSI 1000"], "freq": ["W", "M"], "rate": ["DR007"],
                  "sample": ["2015–", "2015–2020"], "hac": ["nw1994", "andrews"], "lags": ["short", "none"]})
    res = run_grid(LF.estimate, small, loader=loader).ok()
    assert len(res) == 16 and (res["estimate"] < 0).all()
    assert (res["pvalue"] < 0.01).all()


def test_estimate_is_picklable_and_grids_are_declared():
    assert pickle.loads(pickle.dumps(LF.estimate)) is LF.estimate
    assert len(LF.GRID) == 240 and len(LF.GRID_FLOWS) == 240 and len(LF.GRID_FED) == 48
    for grid, head in ((LF.GRID, S.GRID_HEADLINE), (LF.GRID_FLOWS, S.GRID_FLOWS_HEADLINE),
                       (LF.GRID_FED, S.GRID_FED_HEADLINE)):
        keys = [s.key for s in grid]
        assert head in keys and len(set(keys)) == len(keys)


# --------------------------------------------------------------------------- null draws
def _tiny_world(root, effect: float, seed: int = 5):
    """Daily data for one pair and all three drivers; ``effect`` scales every true effect.

    CSI 1000/CSI 300: 100·Δlog ratio = effect·(−1.5 ΔDR007 − 2·flow two weeks earlier), flow =
    northbound net buying in % of CSI 300 turnover (turnover constant, so weekly flow sums
    exactly); Russell 2000/S&P 500: 100·Δlog ratio = effect·0.5·100·Δlog Fed assets eight weeks
    earlier (Fed assets move on Wednesdays, their growth is persistent: AR(1), 0.97 a day), so
    past growth predicts the ratio's future change.
    The US 10Y is an independent random walk.
    """
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2012-01-02", "2021-12-31")
    n = len(days)
    week = days.to_period("W-FRI")
    codes = pd.factorize(week)[0]
    first = np.r_[True, codes[1:] != codes[:-1]]
    step = rng.normal(0, 0.15, codes.max() + 1)
    rate = 2.5 + np.cumsum(step)[codes]
    d_rate = np.where(first, np.r_[0.0, np.diff(rate)], 0.0)
    turnover = 3000.0                                    # CNY 100m a day
    nb = rng.normal(0, 3000, n)                          # CNY mn a day
    flow = nb / (5 * turnover)                           # daily share of the week's % of turnover
    wed = days.day_of_week == 2
    weekly = lfilter([1.0], [1.0, -0.97], rng.normal(0.0, 0.25, n))   # persistent growth (QE episodes)
    dlog_fed = np.where(wed, 0.2 + weekly, 0.0)              # 100·Δlog, weekly moves
    log300 = np.log(3000) + np.cumsum(rng.normal(0, 0.01, n))
    flow_lagged = np.r_[np.zeros(10), flow[:-10]]          # two weeks of business days
    ratio = np.cumsum(effect * (-1.5 * d_rate - 2.0 * flow_lagged) + rng.normal(0, 0.1, n)) / 100
    spx = np.log(2000) + np.cumsum(rng.normal(0, 0.01, n))
    r2k = np.cumsum(effect * 0.5 * np.r_[np.zeros(40), dlog_fed[:-40]] + rng.normal(0, 0.1, n)) / 100
    frame = pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "c300": np.exp(log300),
                          "c1000": np.exp(log300 + ratio), "dr": rate, "nb": nb, "to": turnover,
                          "us": 2.0 + np.cumsum(rng.normal(0, 0.05, n)), "spx": np.exp(spx),
                          "r2k": np.exp(spx + r2k)})
    fed = pd.DataFrame({"date": frame["date"], "fed": 4e6 * np.exp(np.cumsum(dlog_fed) / 100)})[wed]
    catalog = default_catalog()
    rows = [f"{sid},{file},date,{col},{catalog[sid].unit},{freq},{sid}" for sid, file, col, freq in (
        *((sid, "d.csv", col, "business daily") for sid, col in (
            ("cn.index.csi300.close", "c300"), ("cn.index.csi1000.close", "c1000"), ("cn.rate.dr007", "dr"),
            (S.NORTHBOUND, "nb"), (S.TURNOVER, "to"), (S.US10Y, "us"), (S.SP500, "spx"), (S.RUSSELL, "r2k"))),
        (S.FED_ASSETS, "fed.csv", "fed", "weekly"))]
    root.mkdir(parents=True, exist_ok=True)
    frame.to_csv(root / "d.csv", index=False)
    fed.to_csv(root / "fed.csv", index=False)
    (root / "MANIFEST.csv").write_text("series_id,file,date_column,value_column,unit,frequency,description\n"
                                       + "".join(r + "\n" for r in rows), encoding="utf-8")
    return root


#: One small grid per relation, every spec estimable on the tiny world.
SMALL_GRIDS = {
    "C5": Grid({"relation": ["C5"], "proxy": ["CSI 1000"], "freq": ["W", "M"], "rate": ["DR007", "DR007 mean"],
                "sample": ["2015–", "2015–2020"], "hac": ["nw1994", "andrews"], "lags": ["short", "none"]}),
    "A3": Grid({"relation": ["A3"], "proxy": ["CSI 1000"], "freq": ["W", "M"],
                "flow": ["% turnover", "trailing z", "CNY 100bn"], "sample": ["full", "2014–2020"],
                "hac": ["nw1994", "andrews"]}),
    "C7": Grid({"relation": ["C7"], "freq": ["W", "M"], "sample": ["full", "2014–2020"], "horizon": ["short", "medium"],
                "errors": ["hodrick", "hac"]}),
}
SIGNS = {"C5": -1, "A3": -1, "C7": +1}


@pytest.fixture(scope="module")
def tiny_worlds(tmp_path_factory):
    """Loaders on the tiny world with strong effects and with none (the ratios depend on nothing)."""
    out = {}
    for label, effect in (("effect", 1.0), ("null", 0.0)):
        root = _tiny_world(tmp_path_factory.mktemp(label) / "vault", effect)
        out[label] = DataLoader(Settings.resolve(vault=root, cache=tmp_path_factory.mktemp(f"c{label}"), live=False))
    return out


def test_zero_shift_reproduces_every_spec(tiny_worlds):
    loader = tiny_worlds["effect"]
    us = [NullDraws(7, 3).uniform(k, *S.NULL_SHIFT) for k in range(7)]
    for grid in SMALL_GRIDS.values():
        for spec in grid:
            obs = LF.estimate(spec, loader)
            assert obs.ok, spec.key
            design = S.null_design(spec, loader)
            zero = design.fit(0.0)  # statsmodels (ols_hac, t_test) vs numpy (slope_hac, hac_sum)
            assert zero.estimate == pytest.approx(obs.estimate, rel=1e-9), spec.key
            assert zero.se == pytest.approx(obs.se, rel=1e-9) and zero.pvalue == pytest.approx(obs.pvalue, rel=1e-7)
            assert zero.nobs == obs.nobs
            many = design.fit_many(us)  # batched path = one draw at a time
            for u, e in zip(us, many, strict=True):
                one = design.fit(u)
                assert (e.estimate, e.se, e.nobs) == pytest.approx((one.estimate, one.se, one.nobs), rel=1e-10)
            assert abs(many[0].estimate - obs.estimate) > 1e-6  # a shift changes the data


def test_null_worlds_rotate_the_underlying_series():
    rng = np.random.default_rng(4)
    dates = pd.date_range("2010-01-08", periods=300, freq="W-FRI")
    level = np.r_[np.full(20, np.nan), 3 + np.cumsum(rng.normal(0, 0.1, 280))]
    level[150] = np.nan  # a gap stays a gap
    for kind in ("level", "flow"):
        und = S.Underlying(dates=dates, values=level, kind=kind)
        ok = np.isfinite(level)
        for shift in (0, 37, 211):
            w = und.worlds([shift])[0]
            assert np.array_equal(np.isfinite(w), ok)
            if kind == "flow":
                expect = circular_shift(level[ok], shift / ok.sum())
            else:  # increments rotated, re-cumulated from the first value
                inc = circular_shift(np.diff(level[ok]), shift / (ok.sum() - 1))
                expect = level[ok][0] + np.r_[0.0, np.cumsum(inc)]
            np.testing.assert_allclose(w[ok], expect, rtol=1e-12)
    # weekly and monthly worlds move the drivers by the same calendar time
    for u in (0.1, 0.37, 0.9):
        weeks, months = S.null_shift(u, 200.0, "W"), S.null_shift(u, 200.0, "M")
        assert months == round(u * 200) and abs(weeks * 7 - months * 365.25 / 12) <= 3.5


def test_hac_sum_is_the_lag_sum_of_distributed_lag():
    frame, rng = _weekly_frame(400, 9)
    x = np.cumsum(rng.normal(0, 0.2, 400)) * 0.1 + rng.normal(0, 0.2, 400)  # persistent regressor
    frame["x"] = x
    frame["y"] = 0.5 * x - 0.3 * np.roll(x, 2) + rng.normal(0, 0.3, 400)
    for rule in ("nw1994", "andrews"):
        dl = S.distributed_lag(frame.iloc[2:], "y", "x", 3, rule=rule)
        data = dl.res.model.model.exog[:, 1:]
        b, se, p, n = S.hac_sum(dl.res.model.model.endog, data, rule=rule)
        assert (b, se, p, n) == pytest.approx((dl.total.beta, dl.total.se, dl.total.p, dl.total.nobs), rel=1e-9)


def _joint(loader, claim: str, draws: int = 99):
    res = run_grid(LF.estimate, SMALL_GRIDS[claim], loader=loader, null_draws=draws, seed=LF.NULL_SEED)
    return res, spec_curve(res, sign_claimed=SIGNS[claim], name=claim)


@pytest.mark.parametrize("claim", ["C5", "A3", "C7"])
def test_joint_test_small_under_an_effect_not_under_the_null(tiny_worlds, claim):
    res, curve = _joint(tiny_worlds["effect"], claim)
    assert res.null_draws == 99 and np.isfinite(res.null_estimates).all()
    assert curve.share_significant_claimed == 1.0
    for stat in ("median", "share_significant", "stouffer"):
        assert curve.joint.pvalue(stat) == pytest.approx(1 / 100), stat  # no null curve as extreme
    _, null_curve = _joint(tiny_worlds["null"], claim)
    for stat in ("median", "share_significant", "stouffer"):
        assert null_curve.joint.pvalue(stat) > 0.01, stat


def test_draw_k_is_one_world_in_every_spec_and_every_run(tiny_worlds):
    loader = tiny_worlds["null"]
    grid = SMALL_GRIDS["C5"]
    a = run_grid(LF.estimate, grid, loader=loader, null_draws=20, seed=LF.NULL_SEED)
    b = run_grid(LF.estimate, grid, loader=loader, null_draws=20, seed=LF.NULL_SEED)
    np.testing.assert_array_equal(a.null_estimates, b.null_estimates)
    np.testing.assert_array_equal(a.null_pvalues, b.null_pvalues)
    # draw k does not depend on how many draws are asked for
    spec = next(iter(grid))
    first = LF.estimate(spec, loader, null=NullDraws(5, LF.NULL_SEED))
    assert [e.estimate for e in first] == list(a.null_estimates[:5, 0])
    # the same world in every spec: specs that differ only in the HAC rule share each draw's slope
    keys = [s.key for s in a.specs]
    for i, s in enumerate(a.specs):
        if s["hac"] == "nw1994":
            j = keys.index(s.key.replace("hac=nw1994", "hac=andrews"))
            np.testing.assert_allclose(a.null_estimates[:, i], a.null_estimates[:, j], rtol=1e-12)
    # nested samples are cut from one world: the driver's whole history is rotated, then cut
    u = NullDraws(1, LF.NULL_SEED).uniform(0, *S.NULL_SHIFT)
    nested = {"2014–2020": "full", "2015–2020": "2015–"}
    for g in SMALL_GRIDS.values():
        for s in g:
            if s["sample"] in nested:
                full = next(f for f in g if f.key == s.key.replace(f"sample={s['sample']}",
                                                                   f"sample={nested[s['sample']]}"))
                np.testing.assert_array_equal(S.null_design(s, loader).drivers([u]),
                                              S.null_design(full, loader).drivers([u]))
    # a different seed is a different set of worlds
    c = run_grid(LF.estimate, grid, loader=loader, null_draws=20, seed=LF.NULL_SEED + 1)
    assert not np.allclose(a.null_estimates, c.null_estimates)


@pytest.fixture(scope="module")
def synth_result(tmp_path_factory):
    loader = DataLoader(Settings.resolve(vault=None, cache=tmp_path_factory.mktemp("c"), synthetic=True))
    return LF.STUDY.run(loader)


def test_synthetic_world_runs_flags_and_finds_nothing(synth_result):
    res = synth_result
    assert res.synthetic and "SYNTHETIC" in res.summary()
    assert sorted(p.key for p in res.parts) == sorted(LF.STUDY.parts)
    n = res.numbers
    # the synthetic ratio depends on nothing: intervals cover zero (fixed seed)
    assert n["C5_contemp_lo"] < 0 < n["C5_contemp_hi"]
    assert n["A3_indirect_lo"] < 0 < n["A3_indirect_hi"]
    assert outcomes_of(verdicts_of(res)["C5"])["direction"] == "no evidence"
    # the grids carry null draws, and their joint tests find nothing either
    for g in res.grids:
        assert g.result.null_draws == LF.NULL_DRAWS and g.result.null_seed == LF.NULL_SEED
        joint = spec_curve(g.result, sign_claimed=g.sign_claimed, headline=g.headline).joint
        assert joint.n_draws == LF.NULL_DRAWS
        assert (joint.statistics["pvalue"] > 0.01).all(), (g.claim, joint.statistics)


# --------------------------------------------------------------------------- real vault
@pytest.fixture(scope="module")
def result(vault_loader):
    return LF.STUDY.run(vault_loader)


@vault
def test_verdicts_are_computed(result):
    assert sorted({p.claim for p in result.parts}) == ["A3", "C5", "C7", "C8", "C9", "D1"]
    assert all(p.estimate is not None and not p.missing for p in result.parts)
    v = verdicts_of(result)
    got = {c: str(v[c].verdict) for c in LF.STUDY.claims}
    assert got == {"A3": "not supported", "C5": "mixed", "C7": "not supported", "C8": "not supported",
                   "C9": "mixed", "D1": "not supported"}
    assert outcomes_of(v["A3"]) == {"us10y_to_flow": "no evidence", "flow_to_ratio": "no evidence",
                                    "total_effect": "no evidence"}
    # "reproduced" for immediacy is a non-rejection: the lag sum is large but imprecise
    assert outcomes_of(v["C5"]) == {"direction": "no evidence", "immediacy": "reproduced",
                                    "pe_channel": "no evidence", "eps_not_channel": "reproduced"}
    assert outcomes_of(v["C7"]) == {"direction": "no evidence", "episode_2008_10": "no evidence"}
    assert outcomes_of(v["C9"])["margin_2013_2015"] == "supported"
    assert set(outcomes_of(v["D1"]).values()) == {"no evidence"}
    c5 = next(p for p in v["C5"].parts if p.name == "direction")
    assert c5.pvalue == pytest.approx(0.0997, abs=0.002) and c5.pvalue_adjusted > 0.5
    assert result.headline_proxy == "CSI 1000 / CSI 300"


@vault
def test_headline_numbers(result):
    # values from this study's run on the vault (issue-11 designs)
    n = result.numbers
    assert n["C5_contemp_beta"] == pytest.approx(-0.505, abs=0.01) and n["C5_contemp_p"] == pytest.approx(0.10, abs=0.01)
    assert n["C5_start"] == "2015-01-02" and n["C5_nobs"] == 509 and n["C5_lag_wald_p"] == pytest.approx(0.272, abs=0.01)
    assert n["C5_lag_sum"] == pytest.approx(-2.558, abs=0.02)
    assert n["C5_mean_beta"] == pytest.approx(-0.515, abs=0.01)            # week mean: robustness
    assert n["C5_long_beta"] == pytest.approx(-0.461, abs=0.01) and n["C5_long_nobs"] == 917
    assert n["C5_back_p"] < 0.05                                           # the back-history alone
    assert n["C5_channel_nobs"] == 39 and n["C5_pe_beta"] == pytest.approx(3.209, abs=0.05)
    assert n["C5_pe_mean_beta"] == pytest.approx(-4.702, abs=0.05)
    assert n["C5_eps_share_W"] < n["C5_eps_share_Q"]                      # EPS moves where reports arrive
    assert n["A3_start"] == "2018-06-01" and n["A3_nobs"] == 285 and n["A3_b_nobs"] == 281
    assert n["A3_a"] == pytest.approx(-0.583, abs=0.01) and n["A3_a_p"] > 0.4
    assert n["A3_b"] == pytest.approx(0.131, abs=0.005) and n["A3_b_p"] == pytest.approx(0.229, abs=0.005)
    assert n["A3_b0"] == pytest.approx(-0.178, abs=0.005) and n["A3_b0_p"] < 0.05  # same-week co-movement
    assert n["A3_total"] == pytest.approx(-0.955, abs=0.01)
    assert n["A3_full_b"] == pytest.approx(-0.007, abs=0.005)
    assert n["A3_indirect"] == pytest.approx(n["A3_total"] - n["A3_direct"], abs=1e-9)
    assert n["A3_whole_early"] > 0.99 and n["A3_whole_mid_fri"] > 0.95
    assert n["A3_whole_mid_monthu"] < 0.05 and n["A3_whole_late"] < 0.05
    assert n["C8_s1_sum"] == pytest.approx(0.688, abs=0.02) and n["C8_s2_p"] > 0.3
    assert n["C9_nb_beta"] == pytest.approx(-0.004, abs=0.005)
    assert n["C9_margin1315_beta"] == pytest.approx(0.315, abs=0.005) and n["C9_margin1315_p"] < 0.01
    assert n["C9_margin1315_live_nobs"] == 63 and n["C9_margin1315_live_p"] < 0.01
    assert n["D1_nb_beta"] == pytest.approx(0.590, abs=0.01) and n["D1_nb_same_beta"] == pytest.approx(-0.973, abs=0.01)
    assert n["D1_fed_beta"] == pytest.approx(0.273, abs=0.01) and n["D1_live_start"] == "2014-10-17"
    assert n["C7_beta"] == pytest.approx(0.111, abs=0.003) and n["C7_nobs"] == 267 and n["C7_h"] == 6
    assert n["C7_p"] == pytest.approx(0.125, abs=0.005)
    assert n["C7_same_beta"] == pytest.approx(-0.070, abs=0.003)           # the old same-month slope
    assert n["C7_ep0810_beta"] == pytest.approx(-0.039, abs=0.005) and n["C7_ep0810_nobs"] == 109
    assert n["LF_levels_admissible"] == 0


@vault
def test_c5_headline_recomputed_from_raw_series(result, vault_loader):
    c300 = vault_loader.series("cn.index.csi300.close")
    c1000 = vault_loader.series("cn.index.csi1000.close")
    dr = vault_loader.series("cn.rate.dr007")
    px = pd.DataFrame({"a": c1000, "b": c300}).resample("W-FRI").last()
    w = px.assign(r=dr.resample("W-FRI").last()).dropna()     # DR007 at the week's last close
    w["y"] = 100 * np.log(w["a"] / w["b"])
    w = w.assign(dy=w["y"].diff(), dr=w["r"].diff())
    X = pd.concat({f"l{j}": w["dr"].shift(j) for j in range(5)}, axis=1)
    d = pd.concat([w["dy"], X], axis=1).loc["2015-01-01":].dropna()
    T = len(d)
    fit = sm.OLS(d["dy"], sm.add_constant(d[[f"l{j}" for j in range(5)]])).fit(
        cov_type="HAC", cov_kwds={"maxlags": math.floor(4 * (T / 100) ** (2 / 9)), "use_correction": True},
        use_t=True)
    n = result.numbers
    assert T == n["C5_nobs"]
    assert fit.params["l0"] == pytest.approx(n["C5_contemp_beta"], rel=1e-8)
    assert fit.bse["l0"] == pytest.approx(n["C5_contemp_se"], rel=1e-8)
    wald = fit.wald_test(np.eye(6)[2:], use_f=True, scalar=True)
    assert float(wald.pvalue) == pytest.approx(n["C5_lag_wald_p"], rel=1e-6)


@vault
def test_a3_link_b_recomputed_from_raw_series(result, vault_loader):
    s = {k: vault_loader.series(i) for k, i in (("a", "cn.index.csi1000.close"), ("b", "cn.index.csi300.close"))}
    nb, to = vault_loader.series("cn.flow.northbound.net"), vault_loader.series("cn.turnover.csi300.amount")
    w = pd.DataFrame(s).resample("W-FRI").last()
    w["nb"] = nb.resample("W-FRI").sum(min_count=1)
    w["to"] = to.resample("W-FRI").sum(min_count=1)
    w = w.dropna(subset=["a", "b"]).loc[S.NB_START:S.NB_END]
    w = w.assign(dy=100 * np.log(w["a"] / w["b"]).diff(), flow=w["nb"] / w["to"]).loc[S.NET_BUYING_START:]
    X = pd.concat({**{f"f{j}": w["flow"].shift(j) for j in range(1, 5)},
                   **{f"y{j}": w["dy"].shift(j) for j in range(1, 5)}}, axis=1)
    d = pd.concat([w["dy"], X], axis=1).dropna()
    T = len(d)
    fit = sm.OLS(d["dy"], sm.add_constant(X.loc[d.index])).fit(
        cov_type="HAC", cov_kwds={"maxlags": math.floor(4 * (T / 100) ** (2 / 9)), "use_correction": True},
        use_t=True)
    tt = fit.t_test(np.r_[0, np.ones(4), np.zeros(4)])
    assert T == result.numbers["A3_b_nobs"]
    assert float(np.squeeze(tt.effect)) == pytest.approx(result.numbers["A3_b"], rel=1e-8)
    assert float(np.squeeze(tt.pvalue)) == pytest.approx(result.numbers["A3_b_p"], rel=1e-6)


@vault
def test_northbound_definition_switch_in_the_data(vault_loader):
    ev = S.northbound_definition_evidence(vault_loader)
    early, mid, late = ev.iloc[0], ev.iloc[1], ev.iloc[2]
    assert early["Whole millions, Mon–Thu"] > 0.99 and early["Whole millions, Fri"] == 1.0   # quota use
    assert mid["Whole millions, Mon–Thu"] < 0.05 and mid["Whole millions, Fri"] > 0.95        # mixed
    assert late["Whole millions, Mon–Thu"] < 0.05 and late["Whole millions, Fri"] < 0.05      # net buying
    assert pd.Timestamp(S.NET_BUYING_START) > pd.Timestamp("2018-05-11")


@vault
def test_grids_follow_the_contract(result):
    assert [g.claim for g in result.grids] == ["C5", "A3", "C7"]
    for g in result.grids:
        assert len(g.result.specs) >= 24 and g.sign_claimed in (-1, 1)
        keys = [s.key for s in g.result.specs]
        frame = g.result.to_frame()
        assert (frame["error"] == "").sum() >= 24
        head = frame.iloc[keys.index(g.headline)]
        assert head["error"] == ""
    for g, number in zip(result.grids, ("C5_contemp_beta", "A3_b", "C7_beta"), strict=True):
        frame = g.result.to_frame()
        head = frame.iloc[[s.key for s in g.result.specs].index(g.headline)]
        assert head["estimate"] == pytest.approx(result.numbers[number], rel=1e-12), g.claim
    assert result.numbers["C5_grid_share_sign"] > 0.8 and result.numbers["A3_grid_share_sig"] == 0


@vault
def test_grids_null_draws_and_joint_tests(result, vault_loader):
    grids = {g.claim: g for g in result.grids}
    for g in grids.values():
        r = g.result
        assert r.null_draws == LF.NULL_DRAWS and r.null_estimates.shape == (LF.NULL_DRAWS, len(r.specs))
        for spec, est in zip(r.specs, r.estimates, strict=True):
            assert est.ok, spec.key
            zero = S.null_design(spec, vault_loader).fit(0.0)  # the null re-fits the reported regression
            assert zero.estimate == pytest.approx(est.estimate, rel=1e-9) and zero.nobs == est.nobs, spec.key
            assert zero.pvalue == pytest.approx(est.pvalue, rel=1e-6, abs=1e-12), spec.key
        assert np.isfinite(r.null_estimates).all(), g.claim
    curves = {c: spec_curve(g.result, sign_claimed=g.sign_claimed, headline=g.headline) for c, g in grids.items()}
    np.testing.assert_allclose(curves["C5"].joint.statistics["pvalue"], 1 / (LF.NULL_DRAWS + 1))
    for claim in ("A3", "C7"):  # neither curve leans the claimed way more than null curves do
        assert (curves[claim].joint.statistics["pvalue"] > 0.2).all(), claim
    head = {c: float(cv.headline_row["p_rw"]) for c, cv in curves.items()}
    assert all(p > 0.5 for p in head.values()), head


@vault
def test_tables_figures_and_proxies(result):
    names = [t.name for t in result.tables]
    assert names[:2] == ["lf_headline", "lf_articles"]
    assert {"lf_a3_chain", "lf_c5_distlag", "lf_c8_stages", "lf_c9_windows", "lf_d1_factors", "lf_c7_fed",
            "lf_samples", "lf_levels", "lf_proxies", "lf_robustness"} <= set(names)
    samples = next(t for t in result.tables if t.name == "lf_samples").frame
    assert list(samples.columns) == [f"{f}, {s}" for f in ("W", "M") for s in ("headline", "to 2020", "2021–")]
    assert samples.loc["C5: ΔDR007 (period-end) → Δratio, β0", "W, headline"] == pytest.approx(
        result.numbers["C5_contemp_beta"])
    table = next(t for t in result.tables if t.name == "lf_proxies")
    # marked: a sample starts before the launch (CSI 1000 and micro-cap in D1 from 2010, CSI 2000 everywhere)
    assert list(table.frame.columns) == ["CSI 1000†", "CSI 2000†", "CSI 500", "Micro-cap†", "SW small/large"]
    assert (table.frame.loc["C5: ΔDR007 → Δratio, β0 (W)"] < 0).all()
    d1 = next(t for t in result.tables if t.name == "lf_d1_factors").frame
    assert d1["Sample"].str.endswith("†").sum() == 5          # every factor but northbound starts in 2010
    assert {f.name for f in result.figures} == {"lf_a3_lp", "lf_flows", "lf_c5_lags", "lf_c7_fed"}
    assert all(k.split("_")[0] in {"A3", "C5", "C7", "C8", "C9", "D1", "LF"} for k in result.numbers)
