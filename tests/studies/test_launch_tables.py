"""The back-calculated-history helpers of ``studies._tables`` (issue 11, point 13).

Constructed data: a ratio whose back-calculated part (before the CSI 1000 launch, 2014-10-17)
has a different mean from its live part. A sample starting before the launch is marked and
re-estimated from the launch date (the re-estimate equals the live part's mean); a sample
starting after the launch is left alone.
"""

import numpy as np
import pandas as pd
import pytest

from econ.study import PartResult, Table
from studies._tables import (
    Sections,
    from_launch,
    from_launch_label,
    from_launch_numbers,
    marked,
    pair,
    with_launch_note,
)
from studies.common import BACK_CALCULATED_MARK, BACK_CALCULATED_NOTE, proxy_by_label

CSI1000 = proxy_by_label("CSI 1000")
LAUNCH = pd.Timestamp("2014-10-17")


@pytest.fixture
def ratio() -> pd.Series:
    days = pd.bdate_range("2010-01-04", "2019-12-31")
    rng = np.random.default_rng(13)
    back = days < LAUNCH
    values = np.where(back, 5.0, 1.0) + rng.normal(0.0, 0.1, len(days))
    return pd.Series(values, index=days)


def test_a_sample_before_launch_is_marked_and_re_estimated_from_it(ratio):
    start = ratio.index[0]
    assert marked("CSI 1000", CSI1000, start) == "CSI 1000" + BACK_CALCULATED_MARK
    live = from_launch(CSI1000, start, lambda d: ratio.loc[d:].mean())
    assert live == pytest.approx(ratio.loc[LAUNCH:].mean(), abs=1e-12)
    assert live == pytest.approx(1.0, abs=0.01)           # the live part only: the back-history mean is 5
    assert ratio.mean() > 2.5                             # the full sample mixes the two
    assert from_launch_label("CSI 1000", CSI1000, start) == "CSI 1000, from launch 2014-10-17"


def test_a_sample_after_launch_is_left_alone(ratio):
    start = pd.Timestamp("2016-01-04")
    calls = []
    assert marked("CSI 1000", CSI1000, start) == "CSI 1000"
    assert from_launch(CSI1000, start, lambda d: calls.append(d)) is None
    assert calls == []


def test_a_later_start_wins_over_the_launch_and_an_unlaunched_pair_is_never_marked():
    # a sample that starts before the launch but whose live start is the launch itself
    assert from_launch(CSI1000, "2012-06-01", lambda d: d) == LAUNCH
    sw = proxy_by_label("SW small/large")
    assert marked("SW", sw, None) == "SW" and from_launch(sw, None, lambda d: d) is None
    # a pair built from series ids takes the later launch of its two legs
    assert from_launch(pair("CSI 2000 / CSI 1000", "cn.index.csi2000.close", "cn.index.csi1000.close"), "2020-01-01",
                       lambda d: d) == pd.Timestamp("2023-08-11")


def test_numbers_and_notes():
    assert from_launch_numbers({"C15_ipo_sum": -0.5}) == {"C15_ipo_sum_from_launch": -0.5}
    plain = Table(name="t", caption="c", frame=pd.DataFrame({"x": [1.0]}, index=["CSI 500"]))
    assert with_launch_note(plain).notes == []
    for shown in (pd.DataFrame({"x": [1.0]}, index=["CSI 1000†"]),
                  pd.DataFrame({"Pair": ["CSI 1000†"], "x": [1.0]}),
                  pd.DataFrame({"x†": [1.0]})):
        noted = with_launch_note(Table(name="t", caption="c", frame=shown))
        assert noted.notes == [BACK_CALCULATED_NOTE]
        assert with_launch_note(noted).notes == [BACK_CALCULATED_NOTE]  # once
    by_sample = Table(name="t", caption="c", frame=pd.DataFrame({"x": [1.0]}), sample="monthly 2010-01 to 2025-01†")
    assert with_launch_note(by_sample).notes == [BACK_CALCULATED_NOTE]


class _Study:
    name, title, parts = "demo", "Demo", ("C15.ipo_counts",)

    @staticmethod
    def is_synthetic(loader):
        return False


def test_sections_gather_parts_tables_and_numbers_in_order():
    out = Sections()
    first = Table(name="a", caption="a", frame=pd.DataFrame({"Pair": ["CSI 1000†"], "x": [1.0]}))
    second = Table(name="b", caption="b", frame=pd.DataFrame({"Pair": ["CSI 500"], "x": [2.0]}))
    out.add(PartResult("C15", "ipo_counts", estimate=1.0), first, {"n1": 1})
    out.add([], [second], {"n2": 2})
    res = out.result(_Study(), loader=None, headline_proxy="h")
    assert [p.key for p in res.parts] == ["C15.ipo_counts"]
    assert [t.name for t in res.tables] == ["a", "b"]
    assert list(res.tables[0].frame.index) == ["CSI 1000†"]             # label column became the index
    assert res.tables[0].notes == [BACK_CALCULATED_NOTE] and res.tables[1].notes == []
    assert res.numbers == {"n1": 1, "n2": 2} and res.headline_proxy == "h" and res.synthetic is False
