"""The hole finders' fast paths give the frames of the former pandas implementation, exactly.

``observation_gaps`` now takes whole days from the integer stamps and skips sorting a sorted
index; ``panel_gaps`` returns a prepared empty frame when there is no hole. The reference
below is the former code, kept here only to check them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.data.calendar import CALENDAR_CLOSURES, observation_gaps, period_end_labels
from econ.data.gaps import _PERIOD_DAYS, panel_gaps


def _observation_gaps_before(index: pd.DatetimeIndex, max_days: int, calendar: str = "") -> pd.DataFrame:
    idx = pd.DatetimeIndex(index).sort_values()
    if len(idx) < 2:
        return pd.DataFrame({"last_before": pd.DatetimeIndex([]), "first_after": pd.DatetimeIndex([]),
                             "days": np.array([], dtype="int64")})
    days = (idx[1:] - idx[:-1]).days.to_numpy()
    long = days > max_days
    for before, after in CALENDAR_CLOSURES.get(calendar, ()):
        long &= ~((idx[:-1] >= pd.Timestamp(before)) & (idx[1:] <= pd.Timestamp(after)))
    at = np.flatnonzero(long)
    return pd.DataFrame({"last_before": idx[:-1][at], "first_after": idx[1:][at], "days": days[at]})


def _label(dates: pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(dates) if freq == "D" else period_end_labels(pd.DatetimeIndex(dates), freq)


def _panel_gaps_before(dates, *, bound, freq, window, calendar=""):
    gaps = _observation_gaps_before(dates, bound, calendar)
    lo = window[0] - pd.Timedelta(days=_PERIOD_DAYS[freq])
    gaps = gaps[(gaps["last_before"] >= lo) & (gaps["first_after"] <= window[1])].reset_index(drop=True)
    gaps["label_before"] = _label(pd.DatetimeIndex(gaps["last_before"]), freq)
    gaps["label_after"] = _label(pd.DatetimeIndex(gaps["first_after"]), freq)
    return gaps


def _indexes() -> dict[str, pd.DatetimeIndex]:
    rng = np.random.default_rng(7)
    days = pd.bdate_range("1996-01-02", "2012-12-31")
    holed = days[(days < "2001-03-01") | (days > "2001-06-30")]          # a four-month hole
    shuffled = holed[rng.permutation(len(holed))]
    stamped = pd.DatetimeIndex(days[::3] + pd.Timedelta(hours=15))       # times of day: days floor
    return {"clean": days, "holed": holed, "holed_ns": holed.as_unit("ns"), "shuffled": shuffled,
            "stamped": stamped, "monthly": pd.date_range("1996-01-31", "2012-12-31", freq="ME"),
            "one": days[:1], "none": days[:0]}


@pytest.mark.parametrize("calendar", ["", "CN"])
@pytest.mark.parametrize("bound", [3, 12, 40])
@pytest.mark.parametrize("name", list(_indexes()))
def test_observation_gaps_equal_the_former_frames(name: str, bound: int, calendar: str) -> None:
    idx = _indexes()[name]
    pd.testing.assert_frame_equal(observation_gaps(idx, bound, calendar),
                                  _observation_gaps_before(idx, bound, calendar), check_exact=True)


@pytest.mark.parametrize("freq", ["D", "W", "M", "Q"])
@pytest.mark.parametrize("bound", [3, 12, 40])
@pytest.mark.parametrize("name", [n for n in _indexes() if n not in ("one", "none")])
def test_panel_gaps_equal_the_former_frames(name: str, bound: int, freq: str) -> None:
    idx = _indexes()[name]
    for window in ((idx.min(), idx.max()), (pd.Timestamp("2002-01-04"), pd.Timestamp("2010-12-31"))):
        got = panel_gaps(idx, bound=bound, freq=freq, window=window, calendar="CN")
        pd.testing.assert_frame_equal(got, _panel_gaps_before(idx, bound=bound, freq=freq, window=window,
                                                              calendar="CN"), check_exact=True)
        got.loc[len(got)] = got.iloc[0] if len(got) else [pd.NaT] * 2 + [0] + [pd.NaT] * 2  # callers may edit
    assert panel_gaps(idx, bound=bound, freq=freq, window=window, calendar="CN").equals(
        _panel_gaps_before(idx, bound=bound, freq=freq, window=window, calendar="CN"))
