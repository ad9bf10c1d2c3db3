"""On synthetic data with a known truth, the studies recover it and say SYNTHETIC."""

import pytest

from econ.config import Settings
from econ.data.loader import DataLoader
from econ.data.providers.synthetic import SyntheticWorld


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return DataLoader(Settings.resolve(vault=None, cache=tmp_path_factory.mktemp("c"), synthetic=True))


def test_a2_recovers_the_true_beta(synth):
    from studies.us10y_csi300 import STUDY

    res = STUDY.run(synth)
    truth = SyntheticWorld().truth["beta_us10y"]
    est, (lo, hi) = res.claims[0].estimate, res.claims[0].ci
    se = (hi - lo) / (2 * 1.96)
    assert lo < truth < hi  # the 95% CI covers the truth (fixed seed)
    assert abs(est - truth) < 3 * se
    assert 0.005 < se < 0.02  # weekly noise 0.027 over ~600 weeks of 0.11 pp yield moves
    assert res.synthetic and res.claims[0].pvalue < 0.01 and res.claims[0].outcome != "not supported"


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
