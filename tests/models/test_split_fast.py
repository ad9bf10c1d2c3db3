"""The design check's lean split test (studies.regimes._SplitHC3) against split_regression."""

import numpy as np

from econ.models.split import split_regression
from studies.regimes import _SplitHC3


def test_design_check_split_hc3_equals_split_regression():
    """Pinv and leverages once per design give split_regression's HC3 p-value exactly."""
    rng = np.random.default_rng(1)
    n = 441
    dx = rng.standard_normal(n)
    ep = rng.random(n) < 0.06
    fast = _SplitHC3(dx, ep)
    for _ in range(50):
        y = rng.standard_normal(n) * (1 + np.abs(dx)) + 0.3 * dx
        assert fast.pvalue(y) == split_regression(y, dx, ep).diff_p
