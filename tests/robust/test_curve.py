"""Specification curves and the SSN joint test on hand-built grid results with known answers."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from econ.robust import Grid, GridResult, NullDraws, SpecEstimate
from econ.robust.curve import circular_shift, joint_test, spec_curve
from econ.robust.multiple import holm, romano_wolf


def _grid_result(estimates, ses, pvals, null=None):
    grid = Grid({"a": ["x", "y"], "b": [1, 2, 3]}, exclude=[lambda s: "no" if s["a"] == "y" and s["b"] == 3 else None])
    specs = list(grid)
    est = [SpecEstimate(estimate=e, se=s, pvalue=p, nobs=100) for e, s, p in zip(estimates, ses, pvals, strict=True)]
    res = GridResult(dimensions=list(grid.dimensions), specs=specs, estimates=est,
                     excluded=[(s.key, w) for s, w in grid.excluded()])
    if null is not None:
        ne, nse, npv = null
        res.null_draws, res.null_estimates, res.null_se, res.null_pvalues = ne.shape[0], ne, nse, npv
    return res


def test_shares_sorting_and_headline():
    res = _grid_result([-0.3, 0.1, -0.2, -0.05, 0.4], [0.1] * 5, [0.003, 0.32, 0.045, 0.62, 0.0001])
    c = spec_curve(res, sign_claimed=-1, headline="a=x|b=3", name="g", claim="Z1", label="β")
    assert c.n_specs == 5 and len(c.excluded) == 1 and not c.failed
    assert list(c.frame["estimate"]) == sorted([-0.3, 0.1, -0.2, -0.05, 0.4])
    assert c.share_claimed_sign == pytest.approx(3 / 5)
    assert c.share_significant == pytest.approx(3 / 5)            # 0.003, 0.045, 0.0001
    assert c.share_significant_claimed == pytest.approx(2 / 5)    # -0.3 and -0.2
    h = c.headline_row
    assert h["estimate"] == -0.2 and h["rank"] == 2
    by_key = c.frame.set_index("key")
    np.testing.assert_allclose([by_key.loc[s.key, "p_holm"] for s in res.specs],
                               holm([0.003, 0.32, 0.045, 0.62, 0.0001]))
    assert by_key["p_rw"].isna().all()  # no null draws, no Romano–Wolf
    row = c.summary_row()
    assert row["n_excluded"] == 1 and math.isnan(row["joint_p_median"]) and row["median_estimate"] == -0.05


def test_failed_and_nan_estimates_are_left_out():
    res = _grid_result([-0.3, 0.1, -0.2, -0.05, 0.4], [0.1] * 5, [0.003, 0.32, 0.045, 0.62, 0.0001])
    res.estimates[1] = SpecEstimate.failed("ValueError: too short")
    res.estimates[4] = SpecEstimate(estimate=float("nan"), se=float("nan"), pvalue=float("nan"), nobs=0)
    c = spec_curve(res, sign_claimed=1)
    assert c.n_specs == 3 and len(c.failed) == 2
    assert c.failed[1][1] == "no estimate (NaN)"


def test_joint_test_and_romano_wolf_with_known_null():
    rng = np.random.default_rng(0)
    B, S = 199, 5
    ne = rng.normal(0, 0.1, (B, S))
    nse = np.full((B, S), 0.1)
    npv = 2 * stats.norm.sf(np.abs(ne / nse))
    obs = [-0.5, -0.45, -0.4, -0.6, -0.55]  # every spec far in the claimed direction
    res = _grid_result(obs, [0.1] * 5, [2 * stats.norm.sf(abs(e) / 0.1) for e in obs], (ne, nse, npv))
    c = spec_curve(res, sign_claimed=-1)
    j = c.joint
    assert j.n_draws == B
    for k in ("median", "share_significant", "stouffer"):
        assert j.pvalue(k) == pytest.approx(1 / (B + 1))  # no null curve is as extreme
    assert j.statistics.loc["median", "observed"] == pytest.approx(0.5)
    assert j.statistics.loc["share_significant", "observed"] == 1.0
    z = stats.norm.isf([stats.norm.sf(abs(e) / 0.1) for e in obs])
    assert j.statistics.loc["stouffer", "observed"] == pytest.approx(z.sum() / math.sqrt(5))
    expected_rw = romano_wolf(np.array(obs) / 0.1, ne / nse)
    by_key = c.frame.set_index("key")
    got = [by_key.loc[s.key, "p_rw"] for s in res.specs]
    np.testing.assert_allclose(got, expected_rw)
    # the opposite claim: nothing is extreme in the claimed direction
    assert spec_curve(res, sign_claimed=1).joint.pvalue("median") > 0.99


def test_one_sided_romano_wolf_tests_only_the_claimed_sign():
    # known null: N(0, 0.1) slopes; one spec far in the claimed (negative) direction, one far the
    # other way. Two-sided, both are significant; one-sided against the claimed sign, only the first.
    rng = np.random.default_rng(1)
    B = 199
    ne = rng.normal(0, 0.1, (B, 5))
    nse = np.full((B, 5), 0.1)
    npv = 2 * stats.norm.sf(np.abs(ne / nse))
    obs = [-0.6, 0.6, 0.0, 0.01, -0.01]
    res = _grid_result(obs, [0.1] * 5, [2 * stats.norm.sf(abs(e) / 0.1) for e in obs], (ne, nse, npv))
    two = spec_curve(res, sign_claimed=-1).frame.set_index("key")["p_rw"]
    one = spec_curve(res, sign_claimed=-1, one_sided=True).frame.set_index("key")["p_rw"]
    keys = [s.key for s in res.specs]
    np.testing.assert_allclose([one[k] for k in keys], romano_wolf(np.array(obs) / 0.1, ne / nse, alternative="less"))
    assert two[keys[0]] < 0.05 and two[keys[1]] < 0.05
    assert one[keys[0]] < 0.05 and one[keys[1]] > 0.95
    up = spec_curve(res, sign_claimed=1, one_sided=True).frame.set_index("key")["p_rw"]
    assert up[keys[1]] < 0.05 and up[keys[0]] > 0.95


def test_joint_test_none_without_draws():
    res = _grid_result([0.1] * 5, [0.1] * 5, [0.3] * 5)
    assert joint_test(res, sign_claimed=1) is None


def test_descriptive_grid_share_matched_and_figure():
    res = _grid_result([-700, -650, -900, -500, -820], [float("nan")] * 5, [float("nan")] * 5)
    for e in res.estimates:
        e.extra = {"claim_matched": -920 <= e.estimate <= -680, "claim_value": -800.0,
                   "claim_low": -920.0, "claim_high": -680.0}
    c = spec_curve(res, sign_claimed=0)
    assert c.share_matched == pytest.approx(3 / 5) and math.isnan(c.share_significant)
    fig = c.figure("z1_curve")
    assert fig.kind == "spec_curve"
    assert {"claim_value", "claim_low", "claim_high", "a", "b"} <= set(fig.data.columns)
    assert list(fig.data["b"].cat.categories) == ["1", "2", "3"]  # grid order kept


def test_null_draws_and_circular_shift():
    nd = NullDraws(n=3, seed=5)
    assert list(nd) == [0, 1, 2]
    assert nd.uniform(1) == nd.uniform(1) != nd.uniform(2)  # same world in every spec
    x = pd.Series([1.0, 2, 3, 4, 5], index=list("abcde"))
    out = circular_shift(x, 0.4)
    assert list(out) == [4.0, 5, 1, 2, 3] and list(out.index) == list("abcde")
