"""Fast paths of liquidity_flows (issue 15) against the slow paths they replaced.

* :func:`econ.models.hac.andrews_lags` (all null draws at once) against
  :func:`econ.models.hac.choose_bandwidth` one draw at a time: identical lags, ``S_T`` within
  1e-12 relative (einsum instead of BLAS dot products);
* the memoised frames of ``studies._liquidity_specs`` against a fresh build (identical, and a
  caller's mutation does not reach the memo);
* the cached null worlds of :class:`Underlying` against the rotation itself;
* :func:`null_fractions` against ``null.uniform`` draw by draw;
* the lean fits (:func:`econ.robust.leanols.lean_ols`) of every specification of the three
  grids and of the study's other distributed-lag, lagged-flow and predictive designs against
  the statsmodels reference paths (``*_reference``): every reported float identical (``==``);
* :meth:`NullDesign.fit_many`, whose OLS core and kernel terms the HAC rules of one design
  share (``paths_memo["core"]``) and which skips the cointegration check when none is asked,
  against its former one-design-at-a-time code (:func:`_fit_many_reference`): identical.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import special

from econ.config import Settings
from econ.data.loader import DataLoader
from econ.models.hac import (
    andrews_ar1_bandwidth,
    andrews_ar1_bandwidths,
    andrews_lags,
    choose_bandwidth,
)
from econ.robust import NullDraws
from studies import _liquidity_specs as S
from studies.common import proxy_by_label


def _scores(seed: int, draws: int = 60, n: int = 300, k: int = 8) -> np.ndarray:
    rng = np.random.default_rng(seed)
    e = rng.normal(size=(draws, n, k))
    rho = rng.uniform(-0.9, 0.95, size=(draws, 1, k))
    out = np.empty_like(e)
    out[:, 0] = e[:, 0]
    for t in range(1, n):
        out[:, t] = rho[:, 0] * out[:, t - 1] + e[:, t]
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batched_andrews_equals_the_per_draw_rule(seed):
    data = _scores(seed)
    data[3, :, 2] = 1.5  # a constant column is skipped, as in the loop
    fast = andrews_ar1_bandwidths(data)
    slow = np.array([andrews_ar1_bandwidth(d) for d in data])
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=0)
    lags = andrews_lags(data.shape[1], data)
    assert lags.tolist() == [choose_bandwidth(data.shape[1], "andrews", data=d).lags for d in data]


def test_batched_andrews_falls_back_to_the_per_draw_errors():
    data = np.ones((2, 50, 3))
    with pytest.raises(ValueError, match="constant"):
        andrews_lags(50, data)


@pytest.fixture(scope="module")
def loader(tmp_path_factory):
    return DataLoader(Settings.resolve(cache=tmp_path_factory.mktemp("c"), live=False))


def test_null_design_on_the_vault_matches_the_per_draw_bandwidths(loader):
    spec = next(s for s in S.GRID_FLOWS if s["hac"] == "andrews" and s["freq"] == "W")
    design = S.null_design(spec, loader)
    us = S.null_fractions(NullDraws(40, S.NULL_SEED))
    fast = design.fit_many(us)
    slow = [design.fit(u) for u in us]
    for a, b in zip(fast, slow, strict=True):
        assert a.ok and b.ok
        np.testing.assert_allclose([a.estimate, a.se, a.pvalue], [b.estimate, b.se, b.pvalue], rtol=1e-10)


def test_memoised_frames_equal_a_fresh_build(loader):
    proxy = proxy_by_label("CSI 500")
    memo_c5 = S.c5_frame(loader, proxy, "W", "DR007", "mean")
    memo_c5["junk"] = 1.0  # a caller's column must not reach the memo
    again = S.c5_frame(loader, proxy, "W", "DR007", "mean")
    assert "junk" not in again
    S._MEMO.clear()
    pd.testing.assert_frame_equal(again, S.c5_frame(loader, proxy, "W", "DR007", "mean"))
    for build in (lambda: S.flow_frame(loader, proxy, "M", "trailing z"),
                  lambda: S.a3_flow_data(loader, proxy, "W", "% turnover", "full"),
                  lambda: S.c5_lag_data(loader, proxy, "W", "SHIBOR 1W", "end", 4, "2015–2020"),
                  lambda: S.c7_predictive_data(loader, "W", "2021–", "long"),
                  lambda: S.fed_frame(loader, "M")):
        first = build()
        S._MEMO.clear()
        pd.testing.assert_frame_equal(first, build())


def test_c5_lag_data_is_the_distributed_lag_rows(loader):
    proxy = proxy_by_label("CSI 1000")
    f = S.c5_frame(loader, proxy, "M", "DR007", "end")
    ref = S._lag_data(f, "dy", "drate", 3, (), *S.C5_SAMPLES["2007–"])
    pd.testing.assert_frame_equal(S.c5_lag_data(loader, proxy, "M", "DR007", "end", 3, "2007–"), ref)


def test_cached_worlds_equal_the_rotation():
    values = np.r_[np.nan, np.cumsum(np.random.default_rng(5).normal(size=200)), np.nan]
    u = S.Underlying(dates=pd.date_range("2010-01-01", periods=len(values), freq="W-FRI"), values=values)
    shifts = [3, 50, 120]
    first = u.worlds(shifts)
    np.testing.assert_array_equal(first, u._rotate(shifts))
    assert u.worlds(shifts) is first and not first.flags.writeable


def test_null_fractions_are_the_draws_uniforms():
    null = NullDraws(25, 7)
    assert S.null_fractions(null) == tuple(null.uniform(k, *S.NULL_SHIFT) for k in null)


def _fit_fields(f: S.Fit) -> tuple:
    return (f.beta, f.se, f.p, f.nobs, f.start, f.end, f.hac_lags, f.desc, f.ci, f.extra)


def _same(a: tuple, b: tuple) -> bool:
    """Equal field by field, NaN equal to NaN."""
    return all(x == y or (isinstance(x, float) and isinstance(y, float) and np.isnan(x) and np.isnan(y))
               for x, y in zip(a, b, strict=True))


def _dist_lag_fields(d: S.DistLag) -> tuple:
    return (*_fit_fields(d.contemp), *_fit_fields(d.total), *_fit_fields(d.lag_sum), d.wald_F, d.wald_p, d.lags,
            tuple(d.coefs.index), tuple(d.coefs.to_numpy()))


def test_lean_grid_fits_equal_the_statsmodels_reference(vault_loader):
    for spec in [*S.GRID, *S.GRID_FLOWS, *S.GRID_FED]:
        freq = spec["freq"]
        if spec["relation"] == "C5":
            rate, agg = S.C5_RATE_MEASURES[spec["rate"]]
            proxy, lags = proxy_by_label(spec["proxy"]), S.LAGS[freq][spec["lags"]]
            fast = S.c5_fit(vault_loader, proxy, freq, rate, spec["sample"], spec["lags"], spec["hac"], agg)
            slow = S.distributed_lag_fit_reference(
                S.c5_lag_data(vault_loader, proxy, freq, rate, agg, lags, spec["sample"]), "dy", "drate", lags,
                rule=spec["hac"])
            assert _same(_dist_lag_fields(fast), _dist_lag_fields(slow)), spec
        elif spec["relation"] == "A3":
            proxy = proxy_by_label(spec["proxy"])
            fast = S.a3_flow_fit(vault_loader, proxy, freq, spec["flow"], spec["sample"], spec["hac"])
            slow = S.lagged_flow_fit_reference(
                S.a3_flow_data(vault_loader, proxy, freq, spec["flow"], spec["sample"]), spec["hac"])
            assert _same(_dist_lag_fields(fast), _dist_lag_fields(slow)), spec
        else:
            h = S.C7_HORIZONS[freq][spec["horizon"]]
            fast = S.c7_predictive_fit(vault_loader, freq, spec["sample"], spec["horizon"], spec["errors"])
            slow = S.predictive_fit_reference(
                S.c7_predictive_data(vault_loader, freq, spec["sample"], spec["horizon"]), h, spec["errors"])
            assert _same(_fit_fields(fast), _fit_fields(slow)), spec


def test_lean_fits_of_the_other_designs_equal_the_reference(vault_loader):
    v = S.c5_frame(vault_loader, proxy_by_label("CSI 500"), "M", "DR007")
    fed = S.fed_frame(vault_loader, "W")
    for frame, y, x, lags in ((v, "dy", "drate", 0), (v, "dy", "drate", 6), (fed, "dy", "dx", 4)):
        data = S._lag_data(frame, y, x, lags)
        fast = S.distributed_lag_fit(data, y, x, lags)
        assert _same(_dist_lag_fields(fast), _dist_lag_fields(S.distributed_lag_fit_reference(data, y, x, lags)))
        assert fast.res.params.to_numpy()[1:lags + 2].tolist() == fast.coefs.tolist()   # the lazy statsmodels fit
    d = S.predictive_data(fed, "x", "y", 13, "2008-09-01", "2010-12-31")
    for errors in ("hodrick", "hac"):
        assert _same(_fit_fields(S.predictive_fit(d, 13, errors)), _fit_fields(S.predictive_fit_reference(d, 13, errors)))


def test_lean_fits_fall_back_to_the_reference_errors():
    idx = pd.date_range("2020-01-03", periods=6, freq="W-FRI")
    data = pd.DataFrame({"dy": [1.0, 2, 0, 3, 1, 2], "x": [0.5, 0.1, 0.3, 0.2, 0.9, 0.4],
                         "x_l1": [1.0, 1, 1, 1, 1, 1]}, index=idx)
    with pytest.raises(ValueError, match="constant"):
        S.distributed_lag_fit(data, "dy", "x", 1)


def test_rows_built_in_numpy_equal_the_prepared_frames(vault_loader):
    for proxy in ("CSI 1000", "SW small/large"):
        p = proxy_by_label(proxy)
        for freq, lags, sample in (("W", 4, "2015–"), ("M", 0, "2021–"), ("M", 3, "2007–2014")):
            frame = S.c5_lag_data(vault_loader, p, freq, "DR007", "mean", lags, sample)
            rows = S.c5_rows(vault_loader, p, freq, "DR007", "mean", lags, sample)
            ref = S.Rows.of(frame, "dy", S.lag_names("drate", lags))
            assert np.array_equal(rows.y, ref.y) and np.array_equal(rows.X, ref.X)
            assert (rows.names, rows.start, rows.end) == (ref.names, ref.start, ref.end)
            panel = S.c5_frame(vault_loader, p, freq, "DR007", "mean")
            assert rows.at.tolist() == panel.index.get_indexer(frame.index).tolist()
        for freq, how, sample in (("W", "trailing z", "net buying"), ("M", "CNY 100bn", "2014–2020")):
            frame = S.a3_flow_data(vault_loader, p, freq, how, sample)
            rows = S.a3_rows(vault_loader, p, freq, how, sample)
            ref = S.Rows.of(frame, "dy", list(frame.columns[1:]))
            assert np.array_equal(rows.y, ref.y) and np.array_equal(rows.X, ref.X)
            assert (rows.names, rows.start, rows.end) == (ref.names, ref.start, ref.end)
            panel = S.flow_frame(vault_loader, p, freq, how)
            assert rows.at.tolist() == panel.index.get_indexer(frame.index).tolist()


def test_shared_driver_paths_equal_a_fresh_build(vault_loader):
    us = S.null_fractions(NullDraws(30, S.NULL_SEED))
    for spec in (next(iter(S.GRID)), next(iter(S.GRID_FLOWS)), next(iter(S.GRID_FED))):
        design = S.null_design(spec, vault_loader)
        paths = design.drivers(us)
        assert design.drivers(us) is paths and not paths.flags.writeable
        inner = design._paths if isinstance(design, S.PredictiveNullDesign) else design
        assert np.array_equal(paths, inner._drivers(us), equal_nan=True)


def test_batched_c7_null_worlds_equal_the_world_by_world_fits(vault_loader):
    us = S.null_fractions(NullDraws(40, S.NULL_SEED))
    for spec in S.GRID_FED:
        design = S.null_design(spec, vault_loader)
        x = design.drivers(us)
        g = x[:, design.rows] - x[:, design.rows - design.horizon]
        slow = [design._fit_g(g[i]) for i in range(len(us))]
        fast = design.fit_many(us)
        assert [(e.estimate, e.se, e.pvalue, e.nobs, e.error) for e in fast] == \
            [(e.estimate, e.se, e.pvalue, e.nobs, e.error) for e in slow], spec


def test_null_design_with_constant_is_the_concatenated_design(vault_loader):
    us = S.null_fractions(NullDraws(20, S.NULL_SEED))
    for spec in (next(iter(S.GRID)), next(iter(S.GRID_FLOWS))):
        design = S.null_design(spec, vault_loader)
        x = design.drivers(us)
        X = design._design(x)
        ref = np.concatenate([np.ones((len(us), X.shape[1], 1)), X], axis=2)
        fast = design._design_const(x)
        assert np.array_equal(fast, ref) and fast.flags.c_contiguous and ref.flags.c_contiguous


def _fit_many_reference(design: S.NullDesign, us) -> list:
    """``NullDesign.fit_many`` before the HAC rules shared its core (every float its own)."""
    Z = np.concatenate([np.ones((len(us), len(design.y), 1)), design._design(design.drivers(us))], axis=2)
    X = Z[:, :, 1:]
    n, k = len(design.y), Z.shape[2]
    if n <= k or not (np.isfinite(X).all() and np.isfinite(design.y).all()):
        return [design.fit(u) for u in us]
    Y = np.broadcast_to(design.y, (len(us), n))
    Zt = Z.transpose(0, 2, 1)
    inv = np.linalg.inv(Zt @ Z)
    beta = (inv @ (Zt @ Y[:, :, None]))[:, :, 0]
    U = Z * (Y - np.einsum("bnk,bk->bn", Z, beta))[:, :, None]
    if design.rule == "andrews":
        L = andrews_lags(n, U[:, :, 1:])
    else:
        L = np.full(len(us), choose_bandwidth(n, design.rule).lags)
    S_ = U.transpose(0, 2, 1) @ U
    for j in range(1, int(L.max()) + 1):
        w = np.clip(1 - j / (L + 1), 0.0, None)[:, None, None]
        G = U[:, j:].transpose(0, 2, 1) @ U[:, :-j]
        S_ += w * (G + G.transpose(0, 2, 1))
    V = inv @ S_ @ inv * n / (n - k)
    r = np.zeros(k)
    r[1:1 + (design.lags - design.first_lag + 1 if design.target == "sum" and design.lags else 1)] = 1.0
    est = beta @ r
    se = np.sqrt(np.einsum("i,bij,j->b", r, V, r))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(se > 0, 2 * special.stdtr(n - k, -np.abs(est / se)), np.nan)
    return [S.SpecEstimate.failed(S._SPURIOUS) if design._spurious(X[i])
            else S.SpecEstimate(estimate=float(est[i]), se=float(se[i]), pvalue=float(p[i]), nobs=n)
            for i in range(len(us))]


def _fields(estimates: list) -> list:
    return [(e.estimate, e.se, e.pvalue, e.nobs, e.error) for e in estimates]


def test_hac_rules_sharing_a_core_equal_the_unshared_fits(vault_loader):
    us = S.null_fractions(NullDraws(S.NULL_DRAWS, S.NULL_SEED))
    specs = [s for s in S.GRID_FLOWS if s["proxy"] in ("CSI 1000", "SW small/large")]
    specs += [s for s in S.GRID if s["proxy"] == "CSI 500" and s["rate"] != "SHIBOR 1W"]
    shared = 0
    for spec in specs:   # grid order: the two HAC rules of an A3 design are neighbours
        design = S.null_design(spec, vault_loader)
        held = design.paths_memo.get("core")
        fast = design.fit_many(us)
        shared += held is not None and design.paths_memo["core"] is held
        assert _fields(fast) == _fields(_fit_many_reference(design, us)), spec
        alone = dataclasses.replace(design, paths_memo=None)
        assert _fields(alone.fit_many(us)) == _fields(fast), spec
    assert shared == sum(s["relation"] == "A3" and s["hac"] == "andrews" for s in specs)


def test_kernel_terms_are_computed_once_and_equal_a_fresh_product(vault_loader):
    us = S.null_fractions(NullDraws(20, S.NULL_SEED))
    design = S.null_design(next(iter(S.GRID_FLOWS)), vault_loader)
    core = S._fit_core(design._design_const(design.drivers(us)), design.y)
    few, more = core.kernel_terms(2), core.kernel_terms(4)
    assert len(few) == 2 and len(more) == 4 and all(a is b for a, b in zip(few, more[:2], strict=False))
    for j, term in enumerate(more, start=1):
        G = core.U[:, j:].transpose(0, 2, 1) @ core.U[:, :-j]
        assert np.array_equal(term, G + G.transpose(0, 2, 1)) and not term.flags.writeable


def test_the_cointegration_check_runs_only_when_asked(vault_loader):
    us = S.null_fractions(NullDraws(8, S.NULL_SEED))
    spec = next(s for s in S.GRID if s["freq"] == "M" and s["lags"] == "none")
    base = dataclasses.replace(S.null_design(spec, vault_loader), paths_memo=None)
    for alpha in (None, 1e-9):   # at 1e-9 no null world passes the Engle–Granger test
        design = dataclasses.replace(base, how="level", coint_alpha=alpha)
        fast = design.fit_many(us)
        assert _fields(fast) == _fields(_fit_many_reference(design, us))
        if alpha is not None:
            assert all(e.error == S._SPURIOUS for e in fast)
