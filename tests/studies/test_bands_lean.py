"""The bands study's predictive regressions and AR(1) half-lives by ``econ.robust.leanols``
against the ``ols_hac`` path they replaced (issue 15).

Exact comparisons (``==``): the lean path performs statsmodels' floating-point operations in
the same order, so the published numbers do not move.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from econ.models.regression import ols_hac
from studies import bands as B

SPECS = list(itertools.product(B.GRID.dimensions["freq"], B.GRID.dimensions["z"], B.HORIZONS,
                               B.GRID.dimensions["errors"]))


@pytest.mark.parametrize("ratio", B.RATIOS + B.LAUNCH_RATIOS, ids=lambda r: r.label)
def test_lean_predictive_fits_equal_ols_hac_on_every_spec(loader, ratio):
    """Every grid specification (and the study's monthly table) of every ratio."""
    for freq, z, months, errors in SPECS:
        panel = B.ratio_panel(loader, ratio, freq)
        h = B.horizon_periods(months, freq)
        mp = B.MIN_HISTORY_YEARS * B.PERIODS_PER_YEAR[freq]
        frame, y = B._predictive_frame(panel, h, z, mp)
        lean = B._lean_predictive(frame, y, h, errors)
        assert lean is not None, (freq, z, months, errors)  # the real data are the plain case
        ref = B.predictive_regression(panel, h, z=z, cov=errors, min_periods=mp)
        assert lean == B.PredictiveFit.of(ref), (freq, z, months, errors)
        assert B.predictive_fit(panel, h, z=z, cov=errors, min_periods=mp) == lean


def test_predictive_fit_falls_back_outside_the_plain_case(loader):
    panel = B.ratio_panel(loader, B.RATIOS[0], "M").copy()
    panel.iloc[len(panel) // 2, panel.columns.get_loc("log_rel")] = np.nan  # an interior gap
    frame, y = B._predictive_frame(panel, 6, "in-sample", 36)
    assert B._lean_predictive(frame, y, 6, "hac") is None
    with pytest.raises(ValueError, match="interior missing"):
        B.predictive_fit(panel, 6, z="in-sample", cov="hac", min_periods=36)


def _half_life_reference(log_ratio: pd.Series, periods_per_month: float = 1.0) -> dict[str, float]:
    """:func:`studies.bands.half_life` through ``ols_hac`` (the code it replaced)."""
    y = log_ratio.dropna()
    frame = pd.concat({"y": y, "lag": y.shift(1)}, axis=1).dropna()
    res = ols_hac(frame["y"], frame[["lag"]], cov="hac")
    rho = float(res.params["lag"])
    lo, hi = (float(v) for v in res.conf_int.loc["lag"])
    return B._half_lives(rho, float(res.bse["lag"]), lo, hi, res.nobs, periods_per_month)


@pytest.mark.parametrize("ratio", B.RATIOS + B.LAUNCH_RATIOS, ids=lambda r: r.label)
def test_lean_half_life_equals_ols_hac(loader, ratio):
    for freq, ppm in (("M", 1.0), ("W", 4.0)):
        lr = np.log(B.ratio_panel(loader, ratio, freq)["ratio"])
        assert B.half_life(lr, ppm) == _half_life_reference(lr, ppm)
