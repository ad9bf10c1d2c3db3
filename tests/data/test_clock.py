"""The Shanghai clock: a US close dated d is known in Shanghai only on d + 1.

Constructed data: a China index whose daily return answers the US 10Y change of the previous
US session (the last one closed before the Shanghai close). Read on each market's own dates, a
same-week regression of China returns on the US change mixes in the Friday US session, which
closes after Shanghai; read on the Shanghai clock it recovers the true response exactly.
"""

import numpy as np
import pandas as pd
import pytest

from econ.config import Settings
from econ.data.calendar import clock_of
from econ.data.loader import DataLoader
from econ.data.panel import build_panel

ROWS = [
    "cn.index.csi300.close,c300.csv,date,close,index points,business daily,CSI 300",
    "us.rate.ust10y,us10y.csv,date,v,percent,business daily,US 10Y",
]
BETA = -2.0  # percent of index per percentage point of yield


@pytest.fixture
def loader(tmp_path, make_vault):
    rng = np.random.default_rng(7)
    days = pd.bdate_range("2018-01-01", "2021-12-31")
    y = np.empty(len(days))                                           # US close on each US day: AR(1) near 3%
    y[0] = 3.0
    for i in range(1, len(days)):
        y[i] = 3.0 + 0.99 * (y[i - 1] - 3.0) + rng.normal(0, 0.05)
    dy_prev = np.r_[0.0, np.diff(y)][:-1]                             # change of the previous US session
    r = BETA * np.r_[0.0, dy_prev] / 100.0 + rng.normal(0, 0.0002, len(days))
    c300 = 3000.0 * np.exp(np.cumsum(r))
    files = {
        "c300.csv": "date,close\n" + "".join(f"{d:%Y-%m-%d},{v:.6f}\n" for d, v in zip(days, c300, strict=True)),
        "us10y.csv": "date,v\n" + "".join(f"{d:%Y-%m-%d},{v:.6f}\n" for d, v in zip(days, y, strict=True)),
    }
    v = make_vault(tmp_path / "v", files, ROWS)
    return DataLoader(Settings.resolve(vault=v, cache=tmp_path / "c", live=False))


def _slope(panel: pd.DataFrame) -> float:
    d = pd.DataFrame({"r": 100 * np.log(panel["c300"]).diff(), "dy": panel["y"].diff()}).dropna()
    x = d["dy"] - d["dy"].mean()
    return float((x * (d["r"] - d["r"].mean())).sum() / (x * x).sum())


def test_clocks_of_the_catalog():
    assert clock_of("us.rate.ust10y", "US") == "US"
    assert clock_of("us.fed.total_assets", "W") == "US"
    assert clock_of("cn.rate.dr007", "CNIB") == "CN"
    assert clock_of("cn.macro.m2_yoy", "M") == "CN"


def test_weekly_value_is_the_last_us_close_before_the_shanghai_close(loader):
    p = build_panel(loader, {"c300": "cn.index.csi300.close", "y": "us.rate.ust10y"}, freq="W")
    us = loader.fetch("us.rate.ust10y").series
    friday = pd.Timestamp("2020-03-13")
    assert p.loc[friday, "y"] == pytest.approx(us.loc["2020-03-12"])  # Thursday's US close, not Friday's
    assert p.attrs["provenance"]["y"]["clock_shift_days"] == 1
    native = build_panel(loader, {"c300": "cn.index.csi300.close", "y": "us.rate.ust10y"}, freq="W", clock="native")
    assert native.loc[friday, "y"] == pytest.approx(us.loc["2020-03-13"])
    assert native.attrs["provenance"]["y"]["clock_shift_days"] == 0


def test_aligned_week_recovers_the_response_the_native_week_attenuates(loader):
    cols = {"c300": "cn.index.csi300.close", "y": "us.rate.ust10y"}
    aligned = _slope(build_panel(loader, cols, freq="W").dropna())
    native = _slope(build_panel(loader, cols, freq="W", clock="native").dropna())
    assert aligned == pytest.approx(BETA, abs=0.1)
    # a fifth of the native week's change is the Friday session, unseen by Shanghai: attenuation to 4/5
    assert native == pytest.approx(BETA * 4 / 5, abs=0.15)
    assert abs(native - BETA) > 0.2


def test_daily_panel_sees_the_previous_us_session(loader):
    cols = {"c300": "cn.index.csi300.close", "y": "us.rate.ust10y"}
    aligned = _slope(build_panel(loader, cols, freq="D"))
    native = _slope(build_panel(loader, cols, freq="D", clock="native"))
    assert aligned == pytest.approx(BETA, abs=0.05)
    assert abs(native) < 0.2  # same-date US change comes after the Shanghai close: no response


def test_us_only_and_us_calendar_panels_keep_their_dates(loader):
    us = loader.fetch("us.rate.ust10y").series
    alone = build_panel(loader, {"y": "us.rate.ust10y"}, freq="W")
    assert alone.loc["2020-03-13", "y"] == pytest.approx(us.loc["2020-03-13"])
    us_day = build_panel(loader, {"y": "us.rate.ust10y", "c300": "cn.index.csi300.close"}, freq="D")
    assert us_day.loc["2020-03-13", "y"] == pytest.approx(us.loc["2020-03-13"])
    with pytest.raises(ValueError, match="clock"):
        build_panel(loader, {"y": "us.rate.ust10y"}, freq="W", clock="NY")
