"""Fast paths of liquidity_flows (issue 15) against the slow paths they replaced.

* :func:`econ.models.hac.andrews_lags` (all null draws at once) against
  :func:`econ.models.hac.choose_bandwidth` one draw at a time: identical lags, ``S_T`` within
  1e-12 relative (einsum instead of BLAS dot products);
* the memoised frames of ``studies._liquidity_specs`` against a fresh build (identical, and a
  caller's mutation does not reach the memo);
* the cached null worlds of :class:`Underlying` against the rotation itself;
* :func:`null_fractions` against ``null.uniform`` draw by draw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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
