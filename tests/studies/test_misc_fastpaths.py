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

from econ.config import Settings
from econ.data.loader import DataLoader
from econ.robust import NullDraws
from studies import bands as B


@pytest.fixture(scope="module")
def loader(tmp_path_factory) -> DataLoader:
    return DataLoader(Settings.resolve(cache=tmp_path_factory.mktemp("c"), paper=tmp_path_factory.mktemp("p"),
                                       live=False))


# --------------------------------------------------------------------------- shared: null uniforms
@pytest.mark.parametrize(("n", "seed", "low", "high"), [(199, 7, 0.1, 0.9), (5, 0, 0.0, 1.0)])
def test_null_uniforms_equal_uniform_per_draw(n, seed, low, high):
    null = NullDraws(n, seed)
    assert null.uniforms(low, high) == tuple(null.uniform(k, low, high) for k in null)
    assert null.uniforms(low, high) is null.uniforms(low, high)  # computed once


# --------------------------------------------------------------------------- bands
def _same_regression(a, b) -> None:
    for field in ("params", "bse", "pvalues", "tvalues"):
        pd.testing.assert_series_equal(getattr(a, field), getattr(b, field), check_exact=True)
    pd.testing.assert_frame_equal(a.conf_int, b.conf_int, check_exact=True)
    assert (a.nobs, a.rsquared, a.bandwidth, a.start, a.end) == (b.nobs, b.rsquared, b.bandwidth, b.start, b.end)


def test_bands_cached_regressions_equal_the_direct_ones(loader):
    ratio = B.RATIOS[0]
    for freq in ("M", "W"):
        mp = B.MIN_HISTORY_YEARS * B.PERIODS_PER_YEAR[freq]
        h = B.horizon_periods(6, freq)
        panel = B.ratio_panel(loader, ratio, freq)
        for z in ("real-time", "in-sample"):
            for cov in ("hodrick", "hac"):
                fast = B.cached_predictive_regression(loader, ratio, freq, h, z=z, cov=cov, min_periods=mp)
                _same_regression(fast, B.predictive_regression(panel, h, z=z, cov=cov, min_periods=mp))
                assert B.cached_predictive_regression(loader, ratio, freq, h, z=z, cov=cov, min_periods=mp) is fast
            zf, rf = B.cached_predictive_inputs(loader, ratio, freq, z, mp)
            zs, rs = B.predictive_inputs(panel, z, mp)
            assert np.array_equal(zf, zs) and np.array_equal(rf, rs)


def test_bands_null_shifts_equal_the_per_draw_uniforms():
    null, n = NullDraws(199, B.NULL_SEED), 317
    fast = [int(round(u * n)) % n for u in null.uniforms(*B.NULL_SHIFT)]
    assert fast == [int(round(null.uniform(k, *B.NULL_SHIFT) * n)) % n for k in null]
    assert all(0 <= s < n for s in fast) and not math.isnan(sum(fast))
