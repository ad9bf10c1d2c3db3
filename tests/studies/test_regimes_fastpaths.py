"""Fast paths of the regimes study (issue 15) against the slow paths they replaced.

* ``threshold_sup_test(..., exact=True)`` against ``threshold_regression(...).sup_stat``
  column by column: the same floats;
* ``studies.regimes._design_check`` (samples drawn up front, Hansen statistics batched)
  against its original loop of ``threshold_regression`` fits (``_design_check_reference``
  below, the code it replaced): the same dictionary, exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.config import Settings
from econ.data.loader import DataLoader
from econ.models.threshold import threshold_regression, threshold_sup_test
from studies import regimes as R
from studies.common import proxy_by_label


@pytest.fixture(scope="module")
def loader(tmp_path_factory):
    return DataLoader(Settings.resolve(cache=tmp_path_factory.mktemp("c"), live=False))


@pytest.fixture(scope="module")
def frame(loader):
    return R.ratio_frame(loader, proxy_by_label(R.HEADLINE), "W")


def _design_check_reference(frame: pd.DataFrame) -> dict:
    """The design check as it was: one ``threshold_regression`` per sample and trimming."""
    d = frame[["y", "dx", R.EPISODE_Q]].dropna()
    y, dx, q = d["y"].to_numpy(), d["dx"].to_numpy(), d[R.EPISODE_Q]
    episode = (q < R.EPISODE_LEVEL).to_numpy()
    X = np.column_stack([np.ones_like(dx), dx])
    b = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ b
    dbeta = -R.ALT_DBETA_SD * float(np.std(y) / np.std(dx))
    rng = np.random.default_rng(R.SIM_SEED)
    xdf = d[["dx"]]
    out: dict = {"alt_dbeta": dbeta, "reps": R.SIM_REPS, "share_out": float(episode.mean())}
    stats_null = {t: [] for t in (R.TRIM, R.TRIM_SMALL)}
    stats_boot = {t: [] for t in (R.TRIM, R.TRIM_SMALL)}
    stats_alt = {t: [] for t in (R.TRIM, R.TRIM_SMALL)}
    rej_null, rej_alt = [], []
    split_p = R._SplitHC3(dx, episode).pvalue
    for _ in range(R.SIM_REPS):
        y0 = X @ b + e * rng.standard_normal(len(y))
        y1 = y0 + dbeta * dx * episode
        rej_null.append(split_p(y0) < R.ALPHA)
        rej_alt.append(split_p(y1) < R.ALPHA)
        for t in (R.TRIM, R.TRIM_SMALL):
            r0 = threshold_regression(pd.Series(y0, index=d.index), xdf, q, trim=t, n_boot=0, seed=R.SEED)
            stats_null[t].append(r0.sup_stat)
            fit0 = y0 - X @ np.linalg.lstsq(X, y0, rcond=None)[0]
            yb = pd.Series(fit0 * rng.standard_normal(len(y)), index=d.index)
            stats_boot[t].append(threshold_regression(yb, xdf, q, trim=t, n_boot=0, seed=R.SEED).sup_stat)
            stats_alt[t].append(threshold_regression(pd.Series(y1, index=d.index), xdf, q, trim=t, n_boot=0,
                                                     seed=R.SEED).sup_stat)
    out["size_split"], out["power_split"] = float(np.mean(rej_null)), float(np.mean(rej_alt))
    for t, tag in ((R.TRIM, "15"), (R.TRIM_SMALL, "05")):
        crit = float(np.quantile(stats_boot[t], 1 - R.ALPHA))
        out[f"size_hansen{tag}"] = float(np.mean(np.asarray(stats_null[t]) > crit))
        out[f"power_hansen{tag}"] = float(np.mean(np.asarray(stats_alt[t]) > crit))
    return out


@pytest.mark.parametrize("trim", [0.15, 0.05])
def test_exact_sup_test_equals_threshold_regression(frame, trim):
    d = frame[["y", "dx", "nb26"]].dropna()
    rng = np.random.default_rng(3)
    Y = d["y"].to_numpy()[:, None] * rng.uniform(0.5, 2.0, 12) + rng.standard_normal((len(d), 12))
    got = threshold_sup_test(Y, d[["dx"]].to_numpy(), d["nb26"].to_numpy(), trim=trim, exact=True)
    want = [threshold_regression(pd.Series(Y[:, j], index=d.index), d[["dx"]], d["nb26"], trim=trim,
                                 n_boot=0).sup_stat for j in range(Y.shape[1])]
    assert got.tolist() == want


def test_exact_sup_test_equals_threshold_regression_constructed():
    rng = np.random.default_rng(8)
    n = 300
    x = rng.standard_normal((n, 2))
    q = np.round(rng.standard_normal(n), 1)  # ties in q
    Y = rng.standard_normal((n, 5)) * (1 + np.abs(x[:, :1]))
    for het in (True, False):
        got = threshold_sup_test(Y, x, q, trim=0.1, het_robust=het, exact=True)
        want = [threshold_regression(Y[:, j], x, q, trim=0.1, het_robust=het, n_boot=0).sup_stat for j in range(5)]
        assert got.tolist() == want


def test_design_check_equals_the_loop(frame, monkeypatch):
    monkeypatch.setattr(R, "SIM_REPS", 40)
    assert R._design_check(frame) == _design_check_reference(frame)


def _estimate_null_reference(spec, loader, null):
    """The grid's null draws as they were: one ``split_regression`` (HAC and HC3 fits) per draw."""
    from econ.models.split import split_regression
    from econ.robust import SpecEstimate
    from econ.robust.curve import circular_shift

    frame = R.ratio_frame(loader, proxy_by_label(spec["proxy"]), spec["freq"])
    q = spec["q"]
    d = frame[["y", "dx", q]].dropna()
    out = []
    for k in null:
        qk = circular_shift(d[q], null.uniform(k, *R.NULL_SHIFT))
        try:
            r = split_regression(d["y"], d["dx"], qk < R.EPISODE_LEVEL, min_episode=R.MIN_EPISODE)
        except ValueError as exc:
            out.append(SpecEstimate.failed(str(exc)))
            continue
        out.append(SpecEstimate(estimate=r.diff, se=r.diff_se, pvalue=r.diff_p, nobs=r.nobs))
    return out


@pytest.mark.parametrize("key", [("CSI 1000", "W", "nb26"), ("CSI 1000", "M", "nb13"), ("CSI 500", "M", "nb26")])
def test_grid_null_draws_equal_split_regression(loader, key):
    from econ.robust import NullDraws, Spec

    spec = Spec(tuple(zip(("proxy", "freq", "q"), key, strict=True)))
    null = NullDraws(R.NULL_DRAWS, R.NULL_SEED)
    got, want = R.estimate(spec, loader, null=null), _estimate_null_reference(spec, loader, null)
    assert len(got) == len(want) == R.NULL_DRAWS
    for a, b in zip(got, want, strict=True):
        assert (a.ok, a.error, a.nobs) == (b.ok, b.error, b.nobs)
        if a.ok:
            assert (a.estimate, a.se, a.pvalue) == (b.estimate, b.se, b.pvalue)


def test_null_split_refuses_short_episodes_as_split_regression():
    from econ.models.split import split_regression

    rng = np.random.default_rng(0)
    y, dx = rng.standard_normal(60), rng.standard_normal(60)
    ep = np.zeros(60, dtype=bool)
    ep[:4] = True
    with pytest.raises(ValueError) as exc:
        split_regression(y, dx, ep, min_episode=R.MIN_EPISODE)
    assert R._null_split(y, dx, ep).error == str(exc.value)


def test_ratio_frame_memo_serves_a_grid_recording_proxy(loader):
    """The grid's RecordingLoader shares the study loader's memo (no second build) and still
    records the series the frame reads; the frame equals a fresh build."""
    from econ.robust.executor import RecordingLoader

    proxy = proxy_by_label("CSI 500")
    first = R.ratio_frame(loader, proxy, "M")
    rec = RecordingLoader(loader)
    again = R.ratio_frame(rec, proxy, "M")
    assert rec.used == {proxy.small, proxy.large, R.US10Y, R.FLOW, R.TURNOVER}
    assert again is not first and R._FRAMES[loader][(proxy.label, "M")] is not again
    fresh = R.ratio_frame(DataLoader(loader.settings), proxy, "M")
    pd.testing.assert_frame_equal(again, fresh, check_exact=True)
    pd.testing.assert_frame_equal(first, fresh, check_exact=True)


def test_fit_markov_detached_is_fit_markov_without_the_statsmodels_result(frame):
    from econ.models.regimes import fit_markov, fit_markov_detached

    y = frame["y"].dropna()
    a = fit_markov(y, k_regimes=2, n_starts=2, seed=R.SEED, llf_tol=R.LLF_TOL, cov_type=R.COV_TYPE)
    b = fit_markov_detached(y, k_regimes=2, n_starts=2, seed=R.SEED, llf_tol=R.LLF_TOL, cov_type=R.COV_TYPE)
    assert a.sm_result is not None and b.sm_result is None
    assert a.llf == b.llf and a.n_at_best == b.n_at_best
    pd.testing.assert_frame_equal(a.params, b.params, check_exact=True)
    pd.testing.assert_frame_equal(a.smoothed_probs, b.smoothed_probs, check_exact=True)
