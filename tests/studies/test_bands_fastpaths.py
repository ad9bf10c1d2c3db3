"""Fast paths of the bands study (issue 15) against the reference computations they replaced.

Every comparison is exact (``==`` on floats, ``numpy.array_equal`` or ``check_exact``): the
fast paths share work between calls (one set of random-walk paths for every horizon and
z-score, one shifted design for every horizon and errors of a sample, one panel for the
study's run and its grid) and run the same floating-point operations on it, so the published
bytes do not move.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from econ.models.events import event_study
from econ.models.regression import overlapping_sum
from econ.robust import NullDraws, Spec
from econ.robust.executor import RecordingLoader
from studies import bands as B


# --------------------------------------------------------------------------- references (the replaced code)
def _slopes_reference(levels: np.ndarray, log_rel: np.ndarray, horizon: int, z: str, min_periods: int) -> np.ndarray:
    b, t = levels.shape
    if z == "in-sample":
        zs = (levels - levels.mean(axis=1, keepdims=True)) / levels.std(axis=1, ddof=1, keepdims=True)
        first = 0
    else:
        n = np.arange(1, t + 1)
        c1, c2 = np.cumsum(levels, axis=1), np.cumsum(levels**2, axis=1)
        mean = c1 / n
        with np.errstate(invalid="ignore", divide="ignore"):
            var = (c2 - n * mean**2) / (n - 1)
            zs = (levels - mean) / np.sqrt(var)
        first = min_periods - 1
    r = np.diff(log_rel, axis=1)
    cs = np.concatenate([np.zeros((b, 1)), np.cumsum(r, axis=1)], axis=1)
    y = cs[:, horizon:] - cs[:, :-horizon]
    x = zs[:, first: t - horizon]
    y = y[:, first:]
    xd = x - x.mean(axis=1, keepdims=True)
    return (xd * (y - y.mean(axis=1, keepdims=True))).sum(axis=1) / (xd**2).sum(axis=1)


def _rw_bootstrap_reference(panel: pd.DataFrame, horizon: int, *, z: str, min_periods: int,
                            n_boot: int = B.N_BOOT, seed: int = B.SEED) -> tuple[float, float]:
    """The one-call-per-horizon-and-z bootstrap the study ran before."""
    lr = np.log(panel["ratio"].to_numpy(dtype=float))
    rel = panel["log_rel"].to_numpy(dtype=float)
    obs = float(_slopes_reference(lr[None, :], rel[None, :], horizon, z, min_periods)[0])
    d_lr, d_rel = np.diff(lr), np.diff(rel)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(d_lr), size=(n_boot, len(d_lr)))
    zeros = np.zeros((n_boot, 1))
    lr_b = lr[0] + np.concatenate([zeros, np.cumsum(d_lr[idx], axis=1)], axis=1)
    rel_b = rel[0] + np.concatenate([zeros, np.cumsum(d_rel[idx], axis=1)], axis=1)
    draws = _slopes_reference(lr_b, rel_b, horizon, z, min_periods)
    return obs, float((1 + np.sum(draws <= obs)) / (1 + n_boot))


def _band_touches_reference(z: pd.Series, band: float = B.BAND_Z, rearm: float = B.REARM_Z) -> pd.DataFrame:
    s = z.dropna()
    rows = []
    if s.empty:
        return pd.DataFrame(columns=["date", "side", "z"])
    up_armed, down_armed = s.iloc[0] < band, s.iloc[0] > -band
    for when, v in s.items():
        if up_armed and v >= band:
            rows.append((when, 1, v))
            up_armed = False
        elif not up_armed and v <= rearm:
            up_armed = True
        if down_armed and v <= -band:
            rows.append((when, -1, v))
            down_armed = False
        elif not down_armed and v >= -rearm:
            down_armed = True
    return pd.DataFrame(rows, columns=["date", "side", "z"])


def _null_slopes_reference(z: np.ndarray, r: np.ndarray, horizon: int, errors: str, shifts: list[int]):
    """The per-spec null draws: the shifted design built afresh for every spec."""
    n = len(z)
    X = np.asarray(z, dtype=float)[(np.arange(n)[None, :] - np.asarray(shifts)[:, None]) % n]
    csx = np.concatenate([np.zeros((len(shifts), 1)), np.cumsum(X, axis=1)], axis=1)
    return B.null_slopes(B.ShiftedRegressor(X, csx), r, horizon, errors)


def _predictive_frame_reference(panel: pd.DataFrame, horizon: int, z: str, min_periods: int):
    zs = B.zscore(np.log(panel["ratio"]), z, min_periods).rename("z")
    r1 = panel["log_rel"].diff().shift(-1).rename("r")
    frame = pd.concat([zs, r1], axis=1).loc[zs.first_valid_index():]
    return frame, overlapping_sum(frame["r"], horizon).rename(f"r_{horizon}")


def _predictive_inputs_reference(panel: pd.DataFrame, z: str, min_periods: int):
    zs = B.zscore(np.log(panel["ratio"]), z, min_periods)
    r1 = panel["log_rel"].diff().shift(-1)
    frame = pd.concat([zs.rename("z"), r1.rename("r")], axis=1).loc[zs.first_valid_index():]
    valid = frame.notna().all(axis=1).to_numpy()
    first, last = int(np.argmax(valid)), len(valid) - int(np.argmax(valid[::-1]))
    return frame["z"].to_numpy(dtype=float)[first:last], frame["r"].to_numpy(dtype=float)[first:last]


def _touch_events_reference(panel: pd.DataFrame, z: str):
    """The forward returns recomputed per side and horizon, as before."""
    zs = B.zscore(np.log(panel["ratio"]), z, B.MIN_HISTORY_YEARS * B.PERIODS_PER_YEAR["D"])
    touches = B.band_touches(zs)
    rets = panel["log_rel"].diff().dropna()
    for m in B.HORIZONS:
        fwd = B._forward(panel["log_rel"], B.horizon_periods(m, "D"))
        touches[f"fwd_{m}m"] = fwd.reindex(pd.DatetimeIndex(touches["date"])).to_numpy()
    touches["level"] = panel["ratio"].reindex(pd.DatetimeIndex(touches["date"])).to_numpy()
    stats = []
    for side in (1, -1):
        dates = touches.loc[touches["side"] == side, "date"]
        for m in B.HORIZONS:
            days = B.horizon_periods(m, "D")
            fwd = B._forward(panel["log_rel"], days)
            if z == "real-time":
                fwd = fwd[zs.notna()]
            row = {"side": side, "horizon": m, "n": len(dates), "n_used": 0, "mean": np.nan, "p": np.nan,
                   "unconditional": float(fwd.mean())}
            used = touches.loc[touches["side"] == side, f"fwd_{m}m"].dropna()
            row["n_used"], row["mean"] = len(used), float(used.mean()) if len(used) else np.nan
            if len(used) >= 2:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    try:
                        es = event_study(rets, dates, window=(1, days), benchmark="zero", n_boot=B.N_EVENT_DRAWS,
                                         n_placebo=B.N_EVENT_DRAWS, alternative="less" if side == 1 else "greater",
                                         seed=B.SEED)
                        row["n_used"], row["mean"], row["p"] = es.n_events, es.mean_car, es.pvalue_placebo
                    except ValueError:
                        pass
            stats.append(row)
    return touches, stats


def _same(a: dict, b: dict) -> bool:
    """Dictionaries equal value for value, NaN equal to NaN."""
    return a.keys() == b.keys() and all(
        (isinstance(a[k], float) and math.isnan(a[k]) and math.isnan(b[k])) or a[k] == b[k] for k in a)


# --------------------------------------------------------------------------- predictive frames
@pytest.mark.parametrize("ratio", B.RATIOS + B.LAUNCH_RATIOS, ids=lambda r: r.label)
def test_shared_predictive_frames_equal_the_per_horizon_builds(loader, ratio):
    """The grid's and the table's frames, built on one z-score sample per (ratio, frequency, z)."""
    for freq in ("M", "W"):
        panel = B.ratio_panel(loader, ratio, freq)
        mp = B.MIN_HISTORY_YEARS * B.PERIODS_PER_YEAR[freq]
        for z in ("real-time", "in-sample"):
            zf, rf = B.cached_predictive_inputs(RecordingLoader(loader), ratio, freq, z, mp)
            zr, rr = _predictive_inputs_reference(panel, z, mp)
            assert np.array_equal(zf, zr) and np.array_equal(rf, rr)
            for months in B.HORIZONS:
                h = B.horizon_periods(months, freq)
                frame, y = B._predictive_frame(panel, h, z, mp)
                f_ref, y_ref = _predictive_frame_reference(panel, h, z, mp)
                pd.testing.assert_frame_equal(frame, f_ref, check_exact=True)
                pd.testing.assert_series_equal(y, y_ref, check_exact=True)
                for cov in ("hodrick", "hac"):
                    fit = B.cached_predictive_regression(loader, ratio, freq, h, z=z, cov=cov, min_periods=mp)
                    assert fit == B._fit_on_frame(panel, f_ref, y_ref, h, z=z, cov=cov, min_periods=mp)


# --------------------------------------------------------------------------- touch events
@pytest.mark.parametrize("ratio", B.RATIOS, ids=lambda r: r.label)
def test_touch_events_equal_the_per_side_recomputation(loader, ratio):
    daily = B.ratio_panel(loader, ratio, "D")
    for z in ("in-sample", "real-time"):
        touches, stats = B.touch_events(daily, z)
        t_ref, s_ref = _touch_events_reference(daily, z)
        pd.testing.assert_frame_equal(touches, t_ref, check_exact=True)
        assert len(stats) == len(s_ref) and all(_same(a, b) for a, b in zip(stats, s_ref, strict=True))


# --------------------------------------------------------------------------- bootstrap
@pytest.mark.parametrize("ratio", B.RATIOS + B.LAUNCH_RATIOS, ids=lambda r: r.label)
def test_rw_bootstrap_pvalues_equal_one_call_per_horizon_and_z(loader, ratio):
    """The study's own monthly panels, every horizon and z-score, the study's draws."""
    panel = B.ratio_panel(loader, ratio, "M")
    mp = B.MIN_HISTORY_YEARS * 12
    fast = B.rw_bootstrap_pvalues(panel, B.HORIZONS, ("real-time", "in-sample"), min_periods=mp)
    assert fast == {(h, z): _rw_bootstrap_reference(panel, h, z=z, min_periods=mp)
                    for h in B.HORIZONS for z in ("real-time", "in-sample")}


def test_rw_bootstrap_pvalues_equal_the_reference_on_a_simulated_walk():
    rng = np.random.default_rng(11)
    y = np.cumsum(rng.normal(0, 0.04, 300))
    idx = pd.date_range("1990-01-31", periods=300, freq="ME")
    panel = pd.DataFrame({"ratio": 100 * np.exp(y + rng.normal(0, 0.01, 300)), "log_rel": y}, index=idx)
    fast = B.rw_bootstrap_pvalues(panel, (1, 5, 24), ("in-sample", "real-time"), min_periods=24, n_boot=301, seed=3)
    for (h, z), got in fast.items():
        assert got == _rw_bootstrap_reference(panel, h, z=z, min_periods=24, n_boot=301, seed=3)


# --------------------------------------------------------------------------- touches
@pytest.mark.parametrize("ratio", B.RATIOS, ids=lambda r: r.label)
def test_band_touches_equal_the_pandas_loop_on_the_daily_ratios(loader, ratio):
    daily = B.ratio_panel(loader, ratio, "D")
    for z in ("in-sample", "real-time"):
        zs = B.zscore(np.log(daily["ratio"]), z, B.MIN_HISTORY_YEARS * B.PERIODS_PER_YEAR["D"])
        pd.testing.assert_frame_equal(B.band_touches(zs), _band_touches_reference(zs), check_exact=True)


@pytest.mark.parametrize("values", [[], [np.nan, np.nan], [0.0, 0.5, -0.3], [2.5, 2.4, 0.0, 2.1, -2.0, -1.0, -3.0],
                                    [-2.0, -2.0, 1.0, 2.0, 1.0, 0.9, 2.0]])
def test_band_touches_equal_the_pandas_loop_on_edge_cases(values):
    z = pd.Series(values, index=pd.date_range("2020-01-01", periods=len(values)), dtype=float)
    pd.testing.assert_frame_equal(B.band_touches(z), _band_touches_reference(z), check_exact=True)


def _placebo_draws_reference(f: np.ndarray, cand: np.ndarray, n_up: int, n_down: int, n_draws: int,
                             seed: int) -> np.ndarray:
    """The per-draw loop of :func:`studies.bands.reversal_after_touches`' placebo, as before."""
    rng = np.random.default_rng(seed)
    draws = np.empty(n_draws)
    for b in range(n_draws):
        pick = rng.choice(cand, size=n_up + n_down, replace=False)
        draws[b] = np.mean(np.concatenate([-f[pick[:n_up]], f[pick[n_up:]]]))
    return draws


@pytest.mark.parametrize("ratio", B.RATIOS, ids=lambda r: r.label)
def test_placebo_means_equal_the_per_draw_loop_on_the_study_inputs(loader, ratio):
    """Each ratio's real-time and in-sample touches: the candidates and touch counts the study uses."""
    daily = B.ratio_panel(loader, ratio, "D")
    days = B.horizon_periods(B.HEADLINE_HORIZON, "D")
    fwd = B._forward(daily["log_rel"], days)
    f = fwd.to_numpy()
    for z in ("real-time", "in-sample"):
        zs = B.zscore(np.log(daily["ratio"]), z, B.MIN_HISTORY_YEARS * B.PERIODS_PER_YEAR["D"])
        touches = B.band_touches(zs)
        at = daily.index.get_indexer(pd.DatetimeIndex(touches["date"]))
        side, ok = touches["side"].to_numpy(), np.isfinite(f[at])
        blocked = np.zeros(len(daily), dtype=bool)
        for i in at:
            blocked[i: i + days + 1] = True
        cand = np.flatnonzero(zs.notna().to_numpy() & np.isfinite(f) & ~blocked)
        n_up, n_down = int(((side == 1) & ok).sum()), int(((side == -1) & ok).sum())
        if n_up + n_down < 2:  # the study draws no placebo then
            continue
        fast = B.placebo_means(f, cand, n_up, n_down, n_draws=B.N_EVENT_DRAWS, seed=B.SEED)
        assert np.array_equal(fast, _placebo_draws_reference(f, cand, n_up, n_down, B.N_EVENT_DRAWS, B.SEED),
                              equal_nan=True)


@pytest.mark.parametrize(("n_up", "n_down"), [(0, 2), (3, 0), (1, 1), (5, 9)])
def test_placebo_means_equal_the_per_draw_loop_on_simulated_returns(n_up, n_down):
    f = np.random.default_rng(8).normal(0, 0.1, 400)
    cand = np.arange(10, 380, 3)
    assert np.array_equal(B.placebo_means(f, cand, n_up, n_down, n_draws=500, seed=2),
                          _placebo_draws_reference(f, cand, n_up, n_down, 500, 2))


# --------------------------------------------------------------------------- grid null draws
def test_null_hook_with_a_shared_design_equals_fresh_designs(loader):
    """Every spec of the headline ratio's two samples, the shifted design shared in grid order."""
    null = NullDraws(B.NULL_DRAWS, B.NULL_SEED)
    grid_loader = RecordingLoader(loader)
    for spec in B.GRID:
        if spec["ratio"] != B.HEADLINE:
            continue
        freq = spec["freq"]
        mp = B.MIN_HISTORY_YEARS * B.PERIODS_PER_YEAR[freq]
        z, r = B.predictive_inputs(B.ratio_panel(loader, B.RATIO_BY_LABEL[spec["ratio"]], freq), spec["z"], mp)
        shifts = [int(round(u * len(z))) % len(z) for u in null.uniforms(*B.NULL_SHIFT)]
        beta, se, p, m = _null_slopes_reference(z, r, B.horizon_periods(int(spec["horizon"]), freq), spec["errors"],
                                                shifts)
        fast = B.estimate(spec, grid_loader, null=null)
        assert [(e.estimate, e.se, e.pvalue, e.nobs) for e in fast] == [
            (float(b), float(s), float(q), m) for b, s, q in zip(beta, se, p, strict=True)], spec.key


def test_shifted_regressor_rows_are_the_rolled_z():
    z = np.arange(7.0) ** 1.5
    design = B.ShiftedRegressor.of(z, [0, 3, 6])
    for row, k in zip(design.X, (0, 3, 6), strict=True):
        assert np.array_equal(row, np.roll(z, k))
    assert np.array_equal(design.cums[:, 1:], np.cumsum(design.X, axis=1)) and not design.cums[:, 0].any()


# --------------------------------------------------------------------------- panels shared by the run and its grid
def test_ratio_panel_shared_across_proxies_equals_a_fresh_build_and_records_the_reads(loader, fresh_loader):
    run, grid = RecordingLoader(loader), RecordingLoader(RecordingLoader(loader))
    for ratio in (B.RATIOS[0], B.RATIO_BY_LABEL["P/E CSI 500/CSI 300"], B.LAUNCH_RATIOS[0]):
        for freq in ("M", "W"):
            first = B.ratio_panel(run, ratio, freq)
            assert B.ratio_panel(grid, ratio, freq) is first
            pd.testing.assert_frame_equal(first, B.ratio_panel(fresh_loader, ratio, freq), check_exact=True)
            ids = set(B._panel_ids(ratio).values())
            assert ids <= run.used and ids <= grid.used and ids <= grid.wrapped.used


def test_grid_spec_estimates_unchanged_by_the_shared_panels(loader, fresh_loader):
    """A grid estimate through a second proxy (panel built by the first) equals one on a fresh loader."""
    spec = Spec((("ratio", B.HEADLINE), ("freq", "M"), ("z", "real-time"), ("horizon", 12), ("errors", "hac")))
    B.ratio_panel(RecordingLoader(loader), B.RATIO_BY_LABEL[B.HEADLINE], "M")
    shared = B.estimate(spec, RecordingLoader(loader))
    fresh = B.estimate(spec, fresh_loader)
    assert (shared.estimate, shared.se, shared.pvalue, shared.nobs) == (fresh.estimate, fresh.se, fresh.pvalue,
                                                                        fresh.nobs)
    assert math.isfinite(shared.estimate)
