"""run_grid: grid order, failures, null draws, joblib = serial = Dask, content cache, context.

The parallel tests use the A2 study's own estimate function (importable by worker processes)
on synthetic data, on a 4-spec sub-grid with 5 null draws.
"""

import numpy as np
import pandas as pd
import pytest

from econ.config import Settings
from econ.data.loader import DataLoader
from econ.models.regression import ols_hac
from econ.robust import Grid, SpecEstimate, execution, run_grid
from econ.robust.cache import GridCache, function_fingerprint, series_sha256

SMALL_A2 = Grid({"freq": ["W"], "sample": ["Connect era", "Before episode"], "hac": ["nw1994", "andrews"],
                 "transform": ["changes"]})


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return DataLoader(Settings.resolve(vault=None, cache=tmp_path_factory.mktemp("c"), synthetic=True))


@pytest.fixture(scope="module")
def serial(synth):
    from studies.us10y_csi300 import estimate

    return run_grid(estimate, SMALL_A2, loader=synth, null_draws=5, seed=3)


def _numbers(res):
    est = np.array([[e.estimate, e.se, e.pvalue, e.nobs] for e in res.estimates])
    return est, res.null_estimates, res.null_se, res.null_pvalues


def _same(a, b):
    for x, y in zip(_numbers(a), _numbers(b), strict=True):
        np.testing.assert_array_equal(x, y)


def test_serial_order_and_headline(serial, synth):
    from econ.data.panel import build_panel
    from studies.us10y_csi300 import SERIES

    assert [s.key for s in serial.specs] == [s.key for s in SMALL_A2]
    assert serial.executor == "serial" and serial.null_estimates.shape == (5, 4)
    assert not np.isnan(serial.null_estimates).any()
    p = build_panel(synth, SERIES, freq="W", start="2014-11-17", dropna="any", min_rows=24)
    d = pd.DataFrame({"y": np.log(p["csi300"]).diff(), "x": p["us10y"].diff()}).dropna()
    direct = ols_hac(d["y"], d[["x"]])
    assert serial.estimates[0].estimate == pytest.approx(float(direct.params["x"]), rel=1e-12)
    # null draw k shifts the regressor by the same fraction in every spec: specs 0 and 1 share
    # the data and differ only in the bandwidth rule, so their null slopes coincide
    np.testing.assert_allclose(serial.null_estimates[:, 0], serial.null_estimates[:, 1])


def test_joblib_equals_serial(serial, synth):
    from studies.us10y_csi300 import estimate

    par = run_grid(estimate, SMALL_A2, loader=synth, null_draws=5, seed=3, n_jobs=2)
    assert par.executor == "joblib(2)"
    _same(par, serial)


def test_dask_local_cluster_equals_joblib(serial, synth):
    distributed = pytest.importorskip("distributed")
    from studies.us10y_csi300 import estimate

    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        res = run_grid(estimate, SMALL_A2, loader=synth, null_draws=5, seed=3, scheduler=client)
    assert res.executor == "dask"
    _same(res, serial)  # serial == joblib (test above), so dask == joblib


def test_cache_reads_back_unchanged_specs(serial, synth, tmp_path):
    from studies.us10y_csi300 import estimate

    first = run_grid(estimate, SMALL_A2, loader=synth, null_draws=5, seed=3, cache_dir=tmp_path)
    assert not any(first.cached) and len(GridCache(tmp_path)) == 4
    second = run_grid(estimate, SMALL_A2, loader=synth, null_draws=5, seed=3, cache_dir=tmp_path)
    assert all(second.cached) and second.executor == "cache"
    _same(second, serial)
    other = run_grid(estimate, SMALL_A2, loader=synth, null_draws=5, seed=4, cache_dir=tmp_path)
    assert not any(other.cached)  # the null seed is part of the key


ROWS = ["cn.index.csi300.close,c300.csv,date,close,index points,business daily,CSI 300",
        "cn.index.csi1000.close,c1000.csv,date,close,index points,business daily,CSI 1000"]


def _vault(make_vault, root, bump: float = 0.0):
    days = pd.bdate_range("2020-12-01", "2023-12-29")
    t = np.arange(len(days))
    big = 5000 + 300 * np.sin(t / 90)
    small = 6000 + 500 * np.cos(t / 70) + bump * (t > 500)
    c300 = "date,close\n" + "".join(f"{d:%Y-%m-%d},{v:.4f}\n" for d, v in zip(days, big, strict=True))
    c1000 = "date,close\n" + "".join(f"{d:%Y-%m-%d},{v:.4f}\n" for d, v in zip(days, small, strict=True))
    return make_vault(root, {"c300.csv": c300, "c1000.csv": c1000}, ROWS)


def test_cache_key_follows_the_input_series(make_vault, tmp_path):
    from studies.style_deviation import estimate

    grid = Grid({"proxy": ["CSI 1000"], "base_date": ["2021-02-18"], "window_end": ["2023-09-30"],
                 "closes": ["daily", "weekly"]})
    cache = tmp_path / "grid"
    v1 = _vault(make_vault, tmp_path / "v1")
    load1 = DataLoader(Settings.resolve(vault=v1, cache=tmp_path / "c1", live=False))
    a = run_grid(estimate, grid, loader=load1, cache_dir=cache)
    b = run_grid(estimate, grid, loader=DataLoader(Settings.resolve(vault=v1, cache=tmp_path / "c1b", live=False)),
                 cache_dir=cache)
    assert all(b.cached) and [e.estimate for e in a.estimates] == [e.estimate for e in b.estimates]
    v2 = _vault(make_vault, tmp_path / "v2", bump=400.0)  # same files, different values after day 500
    c = run_grid(estimate, grid, loader=DataLoader(Settings.resolve(vault=v2, cache=tmp_path / "c2", live=False)),
                 cache_dir=cache)
    assert not any(c.cached)
    assert [e.estimate for e in c.estimates] != [e.estimate for e in a.estimates]
    assert series_sha256(load1.series("cn.index.csi1000.close")) != series_sha256(
        DataLoader(Settings.resolve(vault=v2, cache=tmp_path / "c3", live=False)).series("cn.index.csi1000.close"))


def _one(spec, loader):
    if spec["b"] == 2:
        raise ValueError("too short")
    return SpecEstimate(estimate=float(spec["b"]), se=1.0, pvalue=0.5, nobs=10)


def _two(spec, loader):
    return SpecEstimate(estimate=2.0 * spec["b"], se=1.0, pvalue=0.5, nobs=10)


def test_failures_reported_and_contract_kept(synth):
    grid = Grid({"b": [1, 2, 3]})
    res = run_grid(_one, grid, loader=synth, some_future_option=True)  # unknown keywords are accepted
    assert [e.ok for e in res.estimates] == [True, False, True]
    assert res.estimates[1].error == "ValueError: too short"
    assert res.to_frame()["estimate"].tolist()[::2] == [1.0, 3.0]
    with pytest.raises(TypeError, match="no `null` keyword"):
        run_grid(_one, grid, loader=synth, null_draws=3)
    assert function_fingerprint(_one) != function_fingerprint(_two)
    with pytest.raises(ValueError, match="loader or settings"):
        run_grid(_one, grid)


def test_execution_context(synth, tmp_path):
    from studies.us10y_csi300 import estimate

    seen = []
    with execution(max_null_draws=2, progress=seen.append, cache_dir=tmp_path):
        res = run_grid(estimate, SMALL_A2, loader=synth, null_draws=50, seed=3, name="small")
    assert res.null_draws == 2 and len(GridCache(tmp_path)) == 4
    assert seen[-1] == "small: 4/4 specs (0 cached)"
    res2 = run_grid(estimate, SMALL_A2, loader=synth)  # outside the block: defaults again
    assert res2.null_draws == 0 and not any(res2.cached)


def test_code_changes_change_the_key(tmp_path):
    from econ.robust.cache import package_digest

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("X = 1\n")
    before = package_digest(str(tmp_path / "pkg"))
    (tmp_path / "pkg" / "a.py").write_text("X = 2\n")
    package_digest.cache_clear()
    assert package_digest(str(tmp_path / "pkg")) != before
