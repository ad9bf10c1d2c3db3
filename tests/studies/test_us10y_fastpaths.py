"""Fast paths of the us10y_csi300 study (issue 15) against the reference computations they replaced.

Every comparison is exact (``==`` on floats, ``numpy.array_equal`` or ``check_exact``): the
batched null draws apply to each draw the BLAS/LAPACK calls of its own fit, the lean spec
estimates perform statsmodels' operations in its order, and the shared panels are the frames a
fresh ``build_panel`` gives, so the published bytes do not move.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.data.panel import build_panel
from econ.models.hac import choose_bandwidth
from econ.models.regression import ols_hac
from econ.robust import NullDraws, Spec
from econ.robust.curve import circular_shift
from econ.robust.executor import RecordingLoader
from econ.robust.fastols import slope_hac
from studies import us10y_csi300 as U

SPECS = [s for s in U.GRID if U._andrews_needs_long_samples(s) is None]


def _null_reference(y: np.ndarray, x: np.ndarray, uniforms: tuple[float, ...], rule: str) -> list[tuple]:
    """The per-draw null hook the study ran before: one ``slope_hac`` per shifted regressor."""
    return [slope_hac(y, circular_shift(x, u), rule=rule) for u in uniforms]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_null_estimates_equal_one_slope_hac_per_draw(loader, spec):
    """Every estimable grid spec, the study's null draws."""
    frame = U._spec_frame(spec, loader)
    y, x = frame["y"].to_numpy(), frame["x"].to_numpy()
    uniforms = NullDraws(U.NULL_DRAWS, U.NULL_SEED).uniforms(*U.NULL_SHIFT)
    b, se, p, n = U.null_estimates(y, x, uniforms, spec["hac"])
    assert list(zip(b.tolist(), se.tolist(), p.tolist(), [n] * len(b), strict=True)) == _null_reference(
        y, x, uniforms, spec["hac"])


@pytest.mark.parametrize("rule", ["nw1994", "andrews"])
def test_null_estimates_equal_the_reference_on_simulated_data(rule):
    rng = np.random.default_rng(5)
    x = np.cumsum(rng.normal(size=150)) * 0.1
    x = np.diff(x, prepend=0.0) + 0.3 * np.roll(x, 1)  # persistent: the Andrews lags vary across shifts
    y = 0.2 * x + rng.normal(size=150)
    uniforms = tuple(rng.uniform(0.1, 0.9, 60))
    b, se, p, n = U.null_estimates(y, x, uniforms, rule)
    assert list(zip(b.tolist(), se.tolist(), p.tolist(), [n] * len(b), strict=True)) == _null_reference(
        y, x, uniforms, rule)


@pytest.mark.parametrize("spec", [s for s in SPECS if s["hac"] == "andrews"], ids=lambda s: s.key)
def test_null_andrews_lags_equal_choose_bandwidth_per_draw(loader, spec):
    """The integer lags of every draw's scores, all draws at once against one call per draw."""
    frame = U._spec_frame(spec, loader)
    y, x = frame["y"].to_numpy(), frame["x"].to_numpy()
    n = len(y)
    for u in NullDraws(U.NULL_DRAWS, U.NULL_SEED).uniforms(*U.NULL_SHIFT)[:50]:
        xs = circular_shift(x, u)
        Z = np.column_stack([np.ones(n), xs])
        beta = np.linalg.inv(Z.T @ Z) @ (Z.T @ y)
        scores = Z * (y - Z @ beta)[:, None]
        assert U._null_lags(scores[None], n, "andrews").tolist() == [
            choose_bandwidth(n, "andrews", data=scores[:, 1:]).lags]


def test_null_hook_returns_the_batched_draws(loader):
    spec = Spec((("freq", "W"), ("sample", U.HEADLINE_SAMPLE), ("hac", "andrews"), ("transform", "changes")))
    null = NullDraws(U.NULL_DRAWS, U.NULL_SEED)
    frame = U._spec_frame(spec, loader)
    ref = _null_reference(frame["y"].to_numpy(), frame["x"].to_numpy(), null.uniforms(*U.NULL_SHIFT), "andrews")
    assert [(e.estimate, e.se, e.pvalue, e.nobs) for e in U.estimate(spec, loader, null=null)] == ref


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_lean_spec_estimate_equals_ols_hac(loader, spec):
    frame = U._spec_frame(spec, loader)
    r = ols_hac(frame["y"], frame[["x"]], rule=spec["hac"])
    est = U.estimate(spec, loader)
    assert (est.estimate, est.se, est.pvalue, est.nobs, est.ci_low, est.ci_high, est.extra["hac_lags"]) == (
        float(r.params["x"]), float(r.bse["x"]), float(r.pvalues["x"]), r.nobs, float(r.conf_int.loc["x", "lower"]),
        float(r.conf_int.loc["x", "upper"]), r.bandwidth)
    assert (est.extra["start"], est.extra["end"]) == (f"{frame.index[0]:%Y-%m-%d}", f"{frame.index[-1]:%Y-%m-%d}")


@pytest.mark.parametrize(("freq", "start", "end", "min_rows", "clock"), [
    ("W", None, None, 1, None), ("M", None, None, 1, None), ("D", None, None, 1, None), ("D", None, None, 1, "native"),
    ("W", "2014-11-17", None, 24, None), ("W", "2014-11-17", None, 1, "native"), ("M", "2021-02-10", "2023-10-31", 24,
                                                                                  None)])
def test_shared_panels_equal_fresh_builds_and_record_the_reads(loader, fresh_loader, freq, start, end, min_rows, clock):
    run, grid = RecordingLoader(loader), RecordingLoader(RecordingLoader(loader))
    first = U._panel(run, freq, start, end, min_rows=min_rows, clock=clock)
    assert U._panel(grid, freq, start, end, min_rows=min_rows, clock=clock) is first
    kw = {} if clock is None else {"clock": clock}
    fresh = build_panel(fresh_loader, U.SERIES, freq=freq, start=start, end=end, dropna="any", min_rows=min_rows, **kw)
    pd.testing.assert_frame_equal(first, fresh, check_exact=True)
    assert first.attrs == fresh.attrs
    ids = set(U.SERIES.values())
    assert run.used == grid.used == grid.wrapped.used == ids


def test_connect_era_weekly_panel_is_the_one_without_min_rows(fresh_loader):
    """The run's rolling-beta panel reuses the loop's Connect-era panel (min_rows only checks the length)."""
    start = U.SAMPLES["Connect era"][0]
    pd.testing.assert_frame_equal(U._panel(fresh_loader, "W", start, min_rows=24),
                                  build_panel(fresh_loader, U.SERIES, freq="W", start=start, dropna="any"),
                                  check_exact=True)


def test_spec_frames_shared_across_proxies_equal_fresh_builds(loader, fresh_loader):
    run, grid = RecordingLoader(loader), RecordingLoader(RecordingLoader(loader))
    for spec in SPECS:
        fast = U._spec_frame(spec, grid)
        assert U._spec_frame(spec, run) is fast
        pd.testing.assert_frame_equal(fast, U._build_spec_frame(spec, fresh_loader), check_exact=True)
    assert run.used == grid.used == set(U.SERIES.values())
