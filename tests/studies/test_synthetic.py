"""On synthetic data with a known truth, the studies recover it and say SYNTHETIC."""

import numpy as np
import pytest

from econ.config import Settings
from econ.data.loader import DataLoader
from econ.data.providers.synthetic import SyntheticWorld


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return DataLoader(Settings.resolve(vault=None, cache=tmp_path_factory.mktemp("c"), synthetic=True))


def test_a2_recovers_the_true_beta(synth):
    # constructed data with a known look-ahead: the synthetic world moves CSI 300 with the US yield
    # change of the same calendar day, although a US close comes after Shanghai's. On FRED's own
    # dates (clock="native") the weekly β recovers the truth; on the Shanghai clock (the study's
    # default) the same-week change keeps only the moves Shanghai could have seen (4 of 5 days), so
    # its β is the truth times cov(aligned, native) / var(aligned), about 0.8.
    from econ.data.panel import build_panel
    from econ.models.regression import ols_hac
    from studies.us10y_csi300 import SAMPLES, SERIES, STUDY

    res = STUDY.run(synth)
    truth = SyntheticWorld().truth["beta_us10y"]
    part = res.part("A2.beta_changes")

    def weekly(clock):
        p = build_panel(synth, SERIES, freq="W", start=SAMPLES["Connect era"][0], dropna="any", clock=clock)
        return np.log(p["csi300"]).diff().iloc[1:], p["us10y"].diff().iloc[1:]

    y, x_native = weekly("native")
    native = ols_hac(y, x_native.to_frame("x"))
    lo, hi = native.conf_int.loc["x", "lower"], native.conf_int.loc["x", "upper"]
    assert lo < truth < hi  # the 95% CI covers the truth (fixed seed)
    assert res.numbers["A2_native_beta"] == pytest.approx(float(native.params["x"]), rel=1e-9)

    _, x_aligned = weekly("auto")
    kept = float(np.cov(x_aligned, x_native)[0, 1] / np.var(x_aligned, ddof=1))
    assert 0.7 < kept < 0.9
    est, (lo, hi) = part.estimate, part.ci
    se = (hi - lo) / (2 * 1.96)
    assert lo < truth * kept < hi and abs(est - truth * kept) < 3 * se
    assert 0.005 < se < 0.02  # weekly noise 0.027 over ~600 weeks of 0.11 pp yield moves
    assert res.synthetic and part.pvalue < 0.01


def test_a1_runs_and_is_flagged(synth):
    from studies.style_deviation import STUDY

    res = STUDY.run(synth)
    assert res.synthetic
    assert "SYNTHETIC" in res.summary()


def test_synthetic_world_is_deterministic():
    from econ.data.catalog import default_catalog

    spec = default_catalog()["cn.index.csi1000.close"]
    a = SyntheticWorld().series(spec)
    b = SyntheticWorld().series(spec)
    assert a.equals(b)
    assert not a.equals(SyntheticWorld(seed=1).series(spec))


def test_a2_grid_joint_test_detects_the_true_effect(synth):
    """The synthetic world has a real US 10Y effect: the curve's joint test and Romano–Wolf reject."""
    from econ.robust import execution
    from econ.robust.curve import spec_curve
    from studies.us10y_csi300 import STUDY

    truth_sign = int(np.sign(SyntheticWorld().truth["beta_us10y"]))
    with execution(max_null_draws=39):
        res = STUDY.run(synth)
    (run,) = res.grids
    assert run.result.null_draws == 39
    curve = spec_curve(run.result, sign_claimed=truth_sign, headline=run.headline)
    assert curve.share_significant_claimed > 0.5
    assert curve.joint.pvalue("stouffer") == pytest.approx(1 / 40)
    from tests.conftest import verdicts_of

    p = next(p for p in verdicts_of(res)["A2"].parts if p.name == "beta_changes")
    assert p.pvalue_adjusted == pytest.approx(1 / 40) and str(p.outcome) == "supported"  # truth: β < 0, as claimed
    assert verdicts_of(res)["A2"].synthetic
