"""A1 and A2 on the real vault: key numbers within tolerances (values from this package's
first run, checked by hand against the raw CSV files; see the closing note of the spine issue)."""

import pytest

from econ.study import Outcome

pytestmark = pytest.mark.vault


@pytest.fixture(scope="module")
def a1(vault_loader):
    from studies.style_deviation import STUDY

    return STUDY.run(vault_loader)


@pytest.fixture(scope="module")
def a2(vault_loader):
    from studies.us10y_csi300 import STUDY

    return STUDY.run(vault_loader)


def test_a1_trough_of_csi2000(a1):
    t = a1.tables[0].frame
    assert t.loc["CSI 2000", "Trough date"] == "2023-06-30"
    assert t.loc["CSI 2000", "Trough"] == pytest.approx(-625.4, abs=1.0)
    assert t.loc["CSI 2000", "Rebound (pts)"] == pytest.approx(111, abs=2)


def test_a1_every_proxy_reported(a1):
    assert set(a1.tables[0].frame.index) == {"CSI 1000", "CSI 2000", "CSI 500", "Micro-cap", "SW small/large"}
    assert a1.headline_proxy == "CSI 2000"


def test_a1_by_hand(vault_loader):
    # independent recomputation straight from the two series
    c300, c2000 = vault_loader.series("cn.index.csi300.close"), vault_loader.series("cn.index.csi2000.close")
    base300, base2000 = c300.loc["2021-02-18"], c2000.loc["2021-02-18"]
    d = 1000 * c300.loc["2023-06-30"] / base300 - 1000 * c2000.loc["2023-06-30"] / base2000
    assert d == pytest.approx(-625.44, abs=0.01)


def test_a1_verdict_is_computed(a1):
    v = a1.claims[0]
    assert v.claim == "A1" and v.outcome == Outcome.MIXED  # rebound matches, depth does not
    assert "outside tolerance" in v.reason and "within range" in v.reason


def test_a2_numbers(a2):
    n = a2.numbers
    assert n["A2_nobs"] == 592
    assert n["A2_beta_diff"] == pytest.approx(0.0130, abs=0.001)
    assert n["A2_p_diff"] == pytest.approx(0.274, abs=0.01)
    assert n["A2_episode_beta_level"] == pytest.approx(-0.105, abs=0.005)
    assert n["A2_episode_eg_p"] < 0.01
    assert n["A2_coincidence_count"] == 2 and n["A2_coincidence_n"] == 12
    assert 0.3 < n["A2_coincidence_p"] < 0.6
    assert a2.claims[0].outcome == Outcome.MIXED


def test_a2_article_dates(a2):
    dates = a2.tables[2].frame
    assert dates.loc["2021-02-10", "US 10Y (FRED close)"] == pytest.approx(1.15)
    assert dates.loc["2021-02-10", "CSI 300 extremum"] == "max"
