"""Panel builder: release lags, aggregation by kind, calendars, staleness, units."""

import numpy as np
import pandas as pd
import pytest

from econ.config import Settings
from econ.data.calendar import _compound, aggregate, period_end_labels
from econ.data.errors import InsufficientDataError
from econ.data.loader import DataLoader
from econ.data.panel import build_panel

ROWS = [
    "cn.index.csi300.close,c300.csv,date,close,index points,business daily,CSI 300",
    "cn.flow.northbound.net,nb.csv,date,v,CNY million,business daily,northbound",
    "cn.macro.m2_yoy,m2.csv,date,v,percent,monthly,M2 yoy",
    "cn.macro.current_account,ca.csv,date,v,USD 100m,quarterly,current account",
]


@pytest.fixture
def loader(tmp_path, make_vault):
    days = pd.bdate_range("2024-01-01", "2024-03-29")
    c300 = "date,close\n" + "".join(f"{d:%Y-%m-%d},{1000 + i}\n" for i, d in enumerate(days))
    # flows only in January, one per day = 1.0
    nb = "date,v\n" + "".join(f"{d:%Y-%m-%d},1\n" for d in days if d.month == 1)
    m2 = "date,v\n2023-12,9.7\n2024-01,8.7\n2024-02,8.7\n"
    ca = "date,v\n2023Q4,500\n"
    v = make_vault(tmp_path / "v", {"c300.csv": c300, "nb.csv": nb, "m2.csv": m2, "ca.csv": ca}, ROWS)
    return DataLoader(Settings.resolve(vault=v, cache=tmp_path / "c", live=False))


def test_monthly_levels_last_flows_summed(loader):
    p = build_panel(loader, {"px": "cn.index.csi300.close", "nb": "cn.flow.northbound.net"}, freq="M")
    days = pd.bdate_range("2024-01-01", "2024-03-29")
    jan = days[days.month == 1]
    assert p.loc["2024-01-31", "px"] == 1000 + len(jan) - 1
    assert p.loc["2024-01-31", "nb"] == len(jan)
    assert np.isnan(p.loc["2024-02-29", "nb"])  # no flow data: missing, not zero
    assert p.attrs["units"] == {"px": "index points", "nb": "CNY million"}
    assert p.attrs["provenance"]["nb"]["agg"] == "sum"


def test_release_lag_moves_macro_data_to_when_it_was_public(loader):
    lagged = build_panel(loader, {"m2": "cn.macro.m2_yoy"}, freq="M")
    raw = build_panel(loader, {"m2": "cn.macro.m2_yoy"}, freq="M", release_lags=False)
    # December's 9.7 (public mid-January) is the value known at the end of January
    assert lagged.loc["2024-01-31", "m2"] == 9.7
    assert raw.loc["2023-12-31", "m2"] == 9.7 and raw.loc["2024-01-31", "m2"] == 8.7


def test_daily_flows_never_carried_forward(loader):
    p = build_panel(loader, {"px": "cn.index.csi300.close", "nb": "cn.flow.northbound.net"}, freq="D")
    assert p.loc["2024-01-31", "nb"] == 1.0
    assert p.loc["2024-02-01":, "nb"].isna().all()


def test_daily_levels_carried_with_staleness_bound(loader):
    p = build_panel(loader, {"px": "cn.index.csi300.close", "m2": "cn.macro.m2_yoy"}, freq="D",
                    max_stale_days=20)
    assert p.loc["2024-02-01", "m2"] == 9.7  # released 2024-01-15, within 20 days
    assert np.isnan(p.loc["2024-02-14", "m2"])  # 30 days stale, January's figure not out until 02-15
    assert p.loc["2024-02-15", "m2"] == 8.7


def test_quarterly_carried_into_monthly(loader):
    p = build_panel(loader, {"px": "cn.index.csi300.close", "ca": "cn.macro.current_account"}, freq="M")
    # 2023Q4 released 45 days after 2023-12-31 = 2024-02-14
    assert np.isnan(p.loc["2024-01-31", "ca"])
    assert p.loc["2024-02-29", "ca"] == 500 and p.loc["2024-03-31", "ca"] == 500


def test_half_year_and_year_labels():
    idx = pd.DatetimeIndex(["2024-01-02", "2024-06-30", "2024-07-01", "2024-12-31"])
    assert [d.strftime("%m-%d") for d in period_end_labels(idx, "H")] == ["06-30", "06-30", "12-31", "12-31"]
    assert period_end_labels(idx, "A").unique().tolist() == [pd.Timestamp("2024-12-31")]
    assert period_end_labels(pd.DatetimeIndex(["2024-01-03"]), "W")[0] == pd.Timestamp("2024-01-05")  # Friday


def test_compound_aggregation_of_returns():
    s = pd.Series([10.0, 10.0], index=pd.DatetimeIndex(["2024-01-31", "2024-02-29"]))
    out = aggregate(s, "Q", "compound", unit="percent per month")
    assert out.iloc[0] == pytest.approx(21.0)
    d = pd.Series([0.1, 0.1], index=pd.DatetimeIndex(["2024-01-02", "2024-01-03"]))
    assert aggregate(d, "M", "compound", unit="decimal").iloc[0] == pytest.approx(0.21)


@pytest.mark.parametrize("unit", ["percent", "decimal"])
@pytest.mark.parametrize("freq", ["W", "M", "Q", "A"])
def test_compound_of_all_periods_at_once_equals_one_product_per_period(freq, unit):
    """The sorted fast path (one reduceat) gives the floats of ``_compound`` per period, exactly."""
    rng = np.random.default_rng(3)
    idx = pd.bdate_range("2005-01-03", "2024-12-31")
    s = pd.Series(rng.standard_normal(len(idx)) * (1.0 if unit == "percent" else 0.01), index=idx)
    s[rng.random(len(idx)) < 0.05] = np.nan
    clean = s.dropna()
    labels = period_end_labels(clean.index, freq)
    reference = clean.groupby(labels).apply(lambda v: _compound(v, unit))
    out = aggregate(s, freq, "compound", unit=unit)
    assert np.array_equal(out.to_numpy(), reference.to_numpy())
    assert out.index.equals(reference.index) and out.index.dtype == reference.index.dtype
    # unsorted input takes the per-period path and agrees with it
    shuffled = s.sample(frac=1.0, random_state=1)
    assert np.array_equal(aggregate(shuffled, freq, "compound", unit=unit).to_numpy(),
                          shuffled.dropna().groupby(period_end_labels(shuffled.dropna().index, freq))
                          .apply(lambda v: _compound(v, unit)).to_numpy())


def test_too_short_sample_is_a_clear_error(loader):
    with pytest.raises(InsufficientDataError, match="has 3 rows.*at least 24"):
        build_panel(loader, {"px": "cn.index.csi300.close"}, freq="M", min_rows=24)


def test_bad_arguments(loader):
    with pytest.raises(ValueError, match="freq"):
        build_panel(loader, ["cn.index.csi300.close"], freq="X")
    with pytest.raises(ValueError, match="agg names columns not in the panel"):
        build_panel(loader, ["cn.index.csi300.close"], agg={"nope": "sum"})


def test_weekly_release_lag_counts_from_the_observation_day(tmp_path, make_vault):
    # WALCL: Wednesday level, published Thursday (lag 1): it belongs to the same Friday week
    row = "us.fed.total_assets,fa.csv,date,value,USD million,weekly,Fed assets"
    v = make_vault(tmp_path / "v", {"fa.csv": "date,value\n2020-03-04,4241000\n2020-03-11,4311911\n"}, [row])
    loader = DataLoader(Settings.resolve(vault=v, cache=tmp_path / "c", live=False))
    p = build_panel(loader, {"fa": "us.fed.total_assets"}, freq="W")
    assert p.loc["2020-03-13", "fa"] == 4311911  # not pushed into the week of 2020-03-20
