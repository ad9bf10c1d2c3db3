"""Value checks, intervals, accept lists and hole finding on small series built here (no vault)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from econ.data.bounds import Interval
from econ.data.calendar import observation_gaps
from econ.data.catalog import SeriesSpec, default_catalog
from econ.data.checks import AcceptList, check_date_years, check_series
from econ.data.errors import (
    AcceptListError,
    CalendarError,
    DateRangeError,
    JumpError,
    ScaleError,
    SpliceScaleError,
    StaleValueError,
    ValueRangeError,
)
from econ.data.gaps import mask_gap_changes
from econ.data.splice import check_join_scale


def _spec(**kw) -> SeriesSpec:
    base = dict(id="x.test", meaning="m", unit="percent", frequency="D", kind="rate", agg="last",
                release_lag_days=0)
    return SeriesSpec(**(base | kw))


def _days(n: int, start: str = "2024-01-01") -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n, name="date")


def test_interval_notation():
    pos = Interval.parse("(0;inf)")
    assert pos.contains(np.array([0.0, 1e-9, 1e12, np.inf, np.nan])).tolist() == [False, True, True, False, False]
    unit = Interval.parse("[0;1]")
    assert unit.contains(np.array([0.0, 1.0, 1.0001, -0.0])).tolist() == [True, True, False, True]
    assert str(pos) == "(0;inf)" and str(Interval.parse("[-30;30]")) == "[-30;30]"
    for bad in ("[0,1]", "(1;0)", "0;1", "[a;1]"):
        with pytest.raises(ValueError):
            Interval.parse(bad)


def test_every_catalog_row_declares_parsable_checks():
    cat = default_catalog()
    prices = [s for s in cat if s.kind == "price"]
    assert prices and all(s.value_range == "(0;inf)" and s.max_dlog is not None for s in prices)
    assert all(s.calendar for s in cat)
    percent_rates = [s for s in cat if s.unit == "percent" and s.kind == "rate"]
    assert all(s.value_range for s in percent_rates)
    assert cat["us.rate.ust10y"].typical == "[0.25;30]" and cat["cn.rate.dr007"].typical == "[0.15;30]"


def test_range_and_finiteness():
    s = pd.Series([3.1, 0.0, 2.9], index=_days(3))
    with pytest.raises(ValueRangeError, match=r"value 0 on 2024-01-02 .*outside the declared range \(0;inf\)"):
        check_series(_spec(value_range="(0;inf)"), s)
    check_series(_spec(value_range="[0;inf)"), s)
    with pytest.raises(ValueRangeError, match="not a finite number"):
        check_series(_spec(), pd.Series([1.0, math.inf], index=_days(2)))


def test_typical_magnitude_catches_decimals_by_year():
    idx = _days(520, "2022-01-03")
    s = pd.Series(np.r_[np.full(260, 3.0), np.full(260, 0.03)], index=idx)  # 2024 onwards in decimals
    with pytest.raises(ScaleError, match=r"median \|value\| in 2023 is 0.03, .*Multiply the column by 100"):
        check_series(_spec(typical="[0.25;30]"), s)
    ok = AcceptList([_accept("x.test", "typical", "2023-01-01", "2024-12-31")])
    check_series(_spec(typical="[0.25;30]"), s, accept=ok)


def _accept(sid, check, first, last):
    from econ.data.checks import Acceptance

    return Acceptance(sid, check, pd.Timestamp(first), pd.Timestamp(last), "test", "here")


def test_jump_screen_and_its_declaration():
    s = pd.Series([100.0, 101.0, 130.0, 129.0], index=_days(4))
    with pytest.raises(JumpError, match=r"Δlog \+0.252 .* on 2024-01-03, .*\|Δlog\| <= 0.25"):
        check_series(_spec(max_dlog=0.25), s)
    check_series(_spec(max_dlog=0.25), s, accept=AcceptList([_accept("x.test", "jump", "2024-01-03", "2024-01-03")]))
    check_series(_spec(max_dlog=0.26), s)


def test_flat_runs_and_weekends():
    s = pd.Series([5.0, 5.0, 5.0, 6.0], index=_days(4))
    with pytest.raises(StaleValueError, match="repeats on 3 consecutive observations from 2024-01-01"):
        check_series(_spec(max_flat=2), s)
    check_series(_spec(max_flat=3), s)
    sat = pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2024-01-05", "2024-01-06"]))
    with pytest.raises(CalendarError, match=r"2024-01-06 \(Saturday\)"):
        check_series(_spec(calendar="CN"), sat)
    check_series(_spec(calendar="CNIB"), sat)  # interbank make-up days are weekends


def test_accept_file_format():
    good = AcceptList.read("series_id,check,first,last,reason\na,gap,2020-01-01,2020-02-01,closed\n", source="f")
    assert good.covers_span(["a"], "gap", pd.Timestamp("2020-01-03"), pd.Timestamp("2020-01-30"))
    assert not good.covers_span(["a"], "gap", pd.Timestamp("2019-12-31"), pd.Timestamp("2020-01-30"))
    assert not good.covers_span(["b"], "gap", pd.Timestamp("2020-01-03"), pd.Timestamp("2020-01-30"))
    with pytest.raises(AcceptListError, match="f line 2: last"):
        AcceptList.read("series_id,check,first,last,reason\na,gap,2020-02-01,2020-01-01,x\n", source="f")
    with pytest.raises(AcceptListError, match="missing column"):
        AcceptList.read("series_id,check,first\n", source="f")


def test_year_typos():
    text = pd.Series(["2023-10-30", "0223-10-31", "2023-11"])
    with pytest.raises(DateRangeError, match="'0223-10-31' on line 3"):
        check_date_years(text, where="f.csv")
    check_date_years(pd.Series(["1990-12-19", "2023Q4", "2026-07"]), where="f.csv", today=pd.Timestamp("2026-12-04"))
    with pytest.raises(DateRangeError, match="1900..2027"):
        check_date_years(pd.Series(["2028-01-01"]), where="f.csv", today=pd.Timestamp("2026-12-04"))


def test_gaps_respect_declared_closures():
    idx = pd.DatetimeIndex(["2000-01-27", "2000-01-28", "2000-02-14", "2000-02-15", "2000-03-20"])
    g = observation_gaps(idx, 12)
    assert g["days"].tolist() == [17, 34]
    g = observation_gaps(idx, 12, "CN")  # the 2000 Spring Festival closure is on the calendar
    assert g["days"].tolist() == [34] and g["first_after"].iloc[0] == pd.Timestamp("2000-03-20")


def test_mask_gap_changes_blanks_only_changes_across_the_hole():
    idx = pd.DatetimeIndex(["2024-01-05", "2024-01-12", "2024-03-01", "2024-03-08"])
    panel = pd.DataFrame({"x": [1.0, 2.0, 4.0, 8.0]}, index=idx)
    panel.attrs["gaps"] = [{"column": "x", "status": "masked", "label_after": pd.Timestamp("2024-03-01")}]
    ch = panel["x"].diff()
    out = mask_gap_changes(ch, panel)
    assert np.isnan(out.iloc[2]) and out.iloc[3] == 4.0 and out.iloc[1] == 1.0
    assert mask_gap_changes(ch, panel, columns=["y"]).iloc[2] == 2.0


def test_join_scale():
    a = pd.Series(np.full(30, 2.0), index=_days(30), name="a")
    b = pd.Series(np.full(30, 0.02), index=_days(30, "2024-03-01"), name="b")
    with pytest.raises(SpliceScaleError, match="100x apart"):
        check_join_scale(a, b, "ab")
    assert check_join_scale(a, b * 100 * 1.3, "ab") == pytest.approx(1.3)
