"""Fast paths of the bands, leadlag_holdings, us10y_csi300, timing_backtest, attribution and
style_deviation studies (issue 15) against the slow reference computations they replaced.

Every comparison is exact (``==`` on floats or ``numpy.array_equal``): the fast paths reuse
results or run the same operations in the same order, so the published bytes do not move.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from econ.robust import NullDraws
from studies import bands as B


# --------------------------------------------------------------------------- shared: null uniforms
@pytest.mark.parametrize(("n", "seed", "low", "high"), [(199, 7, 0.1, 0.9), (5, 0, 0.0, 1.0)])
def test_null_uniforms_equal_uniform_per_draw(n, seed, low, high):
    null = NullDraws(n, seed)
    assert null.uniforms(low, high) == tuple(null.uniform(k, low, high) for k in null)
    assert null.uniforms(low, high) is null.uniforms(low, high)  # computed once


# --------------------------------------------------------------------------- bands
def test_bands_cached_regressions_equal_the_direct_ones(loader):
    ratio = B.RATIOS[0]
    for freq in ("M", "W"):
        mp = B.MIN_HISTORY_YEARS * B.PERIODS_PER_YEAR[freq]
        h = B.horizon_periods(6, freq)
        panel = B.ratio_panel(loader, ratio, freq)
        for z in ("real-time", "in-sample"):
            for cov in ("hodrick", "hac"):
                fast = B.cached_predictive_regression(loader, ratio, freq, h, z=z, cov=cov, min_periods=mp)
                assert fast == B.PredictiveFit.of(B.predictive_regression(panel, h, z=z, cov=cov, min_periods=mp))
                assert B.cached_predictive_regression(loader, ratio, freq, h, z=z, cov=cov, min_periods=mp) is fast
            zf, rf = B.cached_predictive_inputs(loader, ratio, freq, z, mp)
            zs, rs = B.predictive_inputs(panel, z, mp)
            assert np.array_equal(zf, zs) and np.array_equal(rf, rs)


def test_bands_null_shifts_equal_the_per_draw_uniforms():
    null, n = NullDraws(199, B.NULL_SEED), 317
    fast = [int(round(u * n)) % n for u in null.uniforms(*B.NULL_SHIFT)]
    assert fast == [int(round(null.uniform(k, *B.NULL_SHIFT) * n)) % n for k in null]
    assert all(0 <= s < n for s in fast) and not math.isnan(sum(fast))


# --------------------------------------------------------------------------- turning points (leadlag_holdings)
def test_candidates_equal_the_per_date_loop():
    from econ.models.turning_points import _candidates, _candidates_reference

    rng = np.random.default_rng(3)
    for n in (1, 5, 13, 40, 400):
        for window in (1, 2, 6, 8):
            y = np.round(np.cumsum(rng.normal(size=n)), 0)  # rounded: many ties (plateaus) to classify
            assert _candidates(y, window) == _candidates_reference(y, window)
            z = np.cumsum(rng.normal(size=n))
            assert _candidates(z, window) == _candidates_reference(z, window)


def test_peak_dates_equal_date_turning_points_peaks(loader):
    from econ.models.turning_points import date_turning_points, peak_dates
    from studies import leadlag_holdings as L

    p = L._panel(loader, "M")
    for rule in L.TP_RULES:
        for freq in ("M", "W"):
            for rung in L.LADDER:
                rs = np.log(L._panel(loader, freq)[rung] / L._panel(loader, freq)["All Share"]).dropna()
                if len(rs) < 4 * L.TP_RULES[rule][0] + 1:
                    continue
                ref = pd.DatetimeIndex(date_turning_points(rs, **L._rule(rule, freq)).peaks.index)
                assert peak_dates(rs, **L._rule(rule, freq)).equals(ref)
    assert len(p)


def test_style_turning_points_cached_equal_direct(loader):
    from econ.models.turning_points import date_turning_points
    from studies import leadlag_holdings as L

    tp = L.style_turning_points(loader, "M", "CSI 300", "CSI 1000", "A")
    ref = date_turning_points(L.style_ratio(loader, "M", "CSI 300", "CSI 1000"), **L._rule("A", "M"))
    pd.testing.assert_frame_equal(tp.turning_points, ref.turning_points, check_exact=True)
    pd.testing.assert_frame_equal(tp.phases, ref.phases, check_exact=True)
    assert L.style_turning_points(loader, "M", "CSI 300", "CSI 1000", "A") is tp


# --------------------------------------------------------------------------- power (leadlag_holdings)
def test_row_corr_matches_numpy_corrcoef():
    from studies import leadlag_holdings as L

    rng = np.random.default_rng(4)
    for n in (4, 9, 23, 27):
        a, b = rng.standard_normal((300, n)), 3 * rng.standard_normal((300, n)) + 1
        ref = np.array([np.corrcoef(x, y)[0, 1] for x, y in zip(a, b, strict=True)])
        assert np.max(np.abs(L._row_corr(a, b) - ref)) <= 1e-12
    a = rng.standard_normal((1, 30))
    assert L._row_corr(a, 2 * a + 1)[0] <= 1.0  # clipped as np.corrcoef


def test_granger_fixed_pvalues_match_the_per_sample_pvalue():
    from econ.data import holdings as H
    from econ.models.causality import granger_fixed_pvalue, granger_fixed_pvalues

    rng = np.random.default_rng(9)
    for T, lead in ((27, 1), (27, 2), (13, 3)):
        for rho in (0.0, 0.7):
            pairs = [H._simulate_lead(T, lead, rho, 0.5, rng) for _ in range(100)]
            fast = granger_fixed_pvalues(np.array([y for y, _ in pairs]), np.array([x for _, x in pairs]), lead)
            ref = np.array([granger_fixed_pvalue(y, x, lead) for y, x in pairs])
            assert np.max(np.abs(fast - ref)) <= 1e-12
    y = np.arange(20.0)
    with pytest.raises(ValueError, match="too few"):
        granger_fixed_pvalues(y[None, :6], y[None, :6], 2)
    assert np.isnan(granger_fixed_pvalues(np.ones((1, 20)), rng.standard_normal((1, 20)), 1)[0])  # perfect fit


def test_lead_power_gives_the_reference_numbers_in_every_study_configuration():
    from econ.data import holdings as H
    from studies import leadlag_holdings as L

    for claim in ("C12", "C14"):
        for lead in L.POWER_LEADS[claim]:
            for rho in L.POWER_RHOS:
                ref = H.lead_power(L.POWER_T[claim], lead, rho, reps=L.POWER_REPS, seed=20240401, aic=False)
                fast = L.lead_power(L.POWER_T[claim], lead, rho, reps=L.POWER_REPS, seed=20240401)
                assert (fast["granger"], fast["lead_hit"]) == (ref["granger"], ref["lead_hit"]), (claim, lead, rho)


@pytest.mark.parametrize(("T", "lead", "rho"), [(27, 1, 0.0), (27, 2, 0.5), (13, 3, 0.7), (13, 1, 0.9)])
def test_lead_power_equals_the_holdings_reference(T, lead, rho):
    from econ.data import holdings as H
    from studies import leadlag_holdings as L

    ref = H.lead_power(T, lead, rho, reps=60, seed=20240401, aic=False)
    fast = L.lead_power(T, lead, rho, reps=60, seed=20240401)
    assert (fast["granger"], fast["lead_hit"]) == (ref["granger"], ref["lead_hit"])
    assert math.isnan(fast["granger_aic"]) and math.isnan(ref["granger_aic"])


# --------------------------------------------------------------------------- us10y_csi300
def test_us10y_cached_spec_frames_equal_fresh_builds(loader, fresh_loader):
    from econ.robust import Spec
    from studies import us10y_csi300 as U

    for freq in ("W", "M"):
        for transform in U.TRANSFORMS:
            spec = Spec((("freq", freq), ("sample", U.HEADLINE_SAMPLE), ("hac", "nw1994"), ("transform", transform)))
            other = Spec((("freq", freq), ("sample", U.HEADLINE_SAMPLE), ("hac", "andrews"), ("transform", transform)))
            fast = U._spec_frame(spec, loader)
            pd.testing.assert_frame_equal(fast, U._build_spec_frame(spec, fresh_loader), check_exact=True)
            assert U._spec_frame(other, loader) is fast  # the bandwidth rule does not change the data



# --------------------------------------------------------------------------- timing_backtest
def test_boot_stats_equal_performance_metrics():
    from studies import timing_backtest as T

    rng = np.random.default_rng(5)
    for n in (2, 3, 50, 171):
        for _ in range(100):
            x = rng.normal(0.01, 0.07, n)
            for rf in (0.0, 0.002):
                fast = T.boot_stats(x, rf, 12.0)
                ref = T.boot_stats_reference(x, rf if rf else None, 12.0)
                assert fast[0] == ref[0] and (fast[1] == ref[1] or (np.isnan(fast[1]) and np.isnan(ref[1])))
    assert np.isnan(T.boot_stats(np.full(5, 0.01), 0.01, 12.0)[1])  # no excess-return variance: no Sharpe


def _same_backtest(a, b) -> None:
    for f in ("returns", "gross_returns", "turnover", "equity"):
        pd.testing.assert_series_equal(getattr(a, f), getattr(b, f), check_exact=True)
    pd.testing.assert_frame_equal(a.positions, b.positions, check_exact=True)
    for f in ("n_periods", "total_return", "annual_return", "annual_volatility", "sharpe", "max_drawdown",
              "turnover_per_period", "annual_turnover", "hit_rate", "total_cost", "lag", "cost_bps",
              "periods_per_year"):
        va, vb = getattr(a, f), getattr(b, f)
        assert va == vb or (isinstance(va, float) and np.isnan(va) and np.isnan(vb)), f


def test_run_backtest_costs_equal_one_run_per_cost():
    from econ.models.backtest import run_backtest, run_backtest_costs

    rng = np.random.default_rng(8)
    idx = pd.date_range("2010-01-31", periods=120, freq="ME")
    rets = pd.DataFrame(rng.normal(0.005, 0.06, (120, 2)), index=idx, columns=["CSI 300", "CSI 1000"])
    sig = pd.Series(rng.choice(["CSI 300", "CSI 1000", "cash"], 120), index=idx)
    rf = pd.Series(rng.uniform(0, 0.003, 120), index=idx)
    costs = (0.0, 10.0, 20.0, 30.0)
    for lag in (1, 2):
        for risk_free in (0.0, rf, None):
            fast = run_backtest_costs(rets, sig, costs, lag=lag, risk_free=risk_free, periods_per_year=12)
            for c, bt in zip(costs, fast, strict=True):
                _same_backtest(bt, run_backtest(rets, sig, lag=lag, cost_bps=c, risk_free=risk_free,
                                                periods_per_year=12))
    assert fast[0].positions is not fast[1].positions
    with pytest.raises(ValueError, match="cost_bps"):
        run_backtest_costs(rets, sig, (10.0, -1.0))


# --------------------------------------------------------------------------- attribution
def test_attribution_cached_equals_fresh(loader, fresh_loader):
    from studies import attribution as A

    pair = A.PAIRS[0]
    for kind in ("log", "simple"):
        fast = A.full_attribution(loader, pair, returns="price", kind=kind)
        pd.testing.assert_frame_equal(fast.table, A.attribution(fresh_loader, pair, returns="price", kind=kind).table,
                                      check_exact=True)
        assert A.full_attribution(loader, pair, returns="price", kind=kind) is fast


def test_attribution_draw_flips_equal_per_draw_flips():
    from studies import attribution as A

    null = NullDraws(199, 20240404)
    assert list(A._draw_flips(null.n, null.seed)) == [A.null_flips(null.rng(k)) for k in null]


# --------------------------------------------------------------------------- style_deviation (econ.robust.oos)
def test_past_changes_equal_the_per_window_slices(loader):
    from econ.robust.oos import _past_changes, _past_changes_reference

    ratio = np.log(loader.series("cn.index.csi2000.close") / loader.series("cn.index.csi300.close")).dropna()
    hist = ratio.sort_index().loc["2010-01-01":]
    for pub in ("2023-10-31", "2024-04-12", "2016-02-29"):
        month_ends = hist.loc[:pd.Timestamp(pub)].resample("ME").last().dropna()
        for m in (3, 6, 12):
            fast = _past_changes(hist, month_ends, m, pd.Timestamp(pub))
            assert fast == _past_changes_reference(hist, month_ends, m, pd.Timestamp(pub)) and len(fast) > 10
    dup = pd.Series([1.0, 2.0, 3.0, 5.0], index=pd.to_datetime(["2020-01-31", "2020-02-28", "2020-02-28", "2020-04-30"]))
    me = pd.Series([1.0], index=pd.to_datetime(["2020-01-31"]))
    assert _past_changes(dup, me, 1, pd.Timestamp("2020-12-31")) == _past_changes_reference(
        dup, me, 1, pd.Timestamp("2020-12-31"))


def _implied_leads_reference(tp, claims=("C12", "C14")) -> pd.DataFrame:
    """The frame-filtering loop ``leadlag_holdings.implied_leads`` replaced (the reference)."""
    from studies.leadlag_holdings import ARTICLE_TPS, MATCH_WINDOW_MONTHS, _month_diff

    frame = tp.turning_points
    rows = []
    for a in ARTICLE_TPS:
        if a.claim not in claims:
            continue
        when = pd.Timestamp(a.when)
        row = {"claim": a.claim, "series": a.series, "type": a.kind, "article": a.label, "value": a.value,
               "style_type": a.style_type, "style_date": pd.NaT, "lead_months": np.nan}
        if a.style_type:
            cand = frame[frame["type"] == a.style_type]
            if len(cand):
                gap = np.array([abs(_month_diff(when, d)) for d in cand["date"]])
                j = int(gap.argmin())
                if gap[j] <= MATCH_WINDOW_MONTHS:
                    d = pd.Timestamp(cand["date"].iloc[j])
                    row["style_date"] = d
                    row["lead_months"] = float(_month_diff(when, d))
        rows.append(row)
    return pd.DataFrame(rows)


def test_implied_leads_equal_the_frame_filtering_reference(loader):
    from studies import leadlag_holdings as L

    n = 0
    for spec in L.CYCLE_GRID:
        try:
            tp = L.style_turning_points(loader, spec["freq"], spec["large"], spec["small"], spec["rule"])
        except ValueError:
            continue
        for claims in (("C12", "C14"), ("C12",)):
            pd.testing.assert_frame_equal(L.implied_leads(tp, claims), _implied_leads_reference(tp, claims),
                                          check_exact=True)
        n += 1
    assert n >= 40


# --------------------------------------------------------------------------- memo across recording proxies
def test_memo_across_proxies_records_the_reads(loader):
    from econ.robust.executor import RecordingLoader, underlying_loader
    from studies import attribution as A

    a, b = RecordingLoader(loader), RecordingLoader(RecordingLoader(loader))
    assert underlying_loader(b) is loader and underlying_loader(loader) is loader
    pair = A.PAIRS[0]
    first = A.full_attribution(a, pair, returns="price")
    assert A.full_attribution(b, pair, returns="price") is first  # shared through the loader under the proxies
    assert a.used == b.used == {pair.price_small, pair.price_large, pair.pe_small, pair.pe_large}
    ratio = B.RATIOS[0]
    r1 = B.cached_predictive_regression(a, ratio, "M", 6, z="real-time", cov="hac", min_periods=36)
    assert B.cached_predictive_regression(b, ratio, "M", 6, z="real-time", cov="hac", min_periods=36) is r1
    assert {ratio.small, ratio.large} <= b.used
