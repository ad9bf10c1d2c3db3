"""Holes in a copy of the real vault never become one-period changes (issue 10 part 2), and a
series that ends before a study's window is an error naming it (part 4).

The A4 panel (``studies.regimes.ratio_frame``: weekly CSI 1000 / CSI 300, US 10Y, flows,
turnover from 2014-11-17) is the case the issue found: a 6-month hole in CSI 1000 made the
threshold test "pass" (p 0.104 -> 0.016) without a word. Each case builds that one panel,
not the study.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.data.errors import SeriesCoverageError, SeriesGapError
from econ.data.gaps import mask_gap_changes
from econ.data.panel import build_panel

pytestmark = pytest.mark.vault

CSI1000 = "idx_csi1000_000852.csv"
PAIR = {"small": "cn.index.csi1000.close", "large": "cn.index.csi300.close"}


def _blank(fault_vault, first: str, last: str) -> None:
    """Empty the CSI 1000 close cells dated ``first``..``last`` (rows kept, values missing)."""
    frame = fault_vault.read(CSI1000)
    inside = (frame["date"] >= first) & (frame["date"] <= last)
    frame.loc[inside, "close"] = ""
    fault_vault.write(CSI1000, frame)


def _drop(fault_vault, first: str, last: str) -> None:
    """Remove the CSI 1000 rows dated ``first``..``last``."""
    frame = fault_vault.read(CSI1000)
    fault_vault.write(CSI1000, frame[(frame["date"] < first) | (frame["date"] > last)])


def test_real_panels_have_only_holiday_gaps(real_loader):
    from studies.common import PROXIES
    from studies.regimes import ratio_frame

    ratio_frame(real_loader, PROXIES[0], "W")  # the A4 headline panel builds
    p = build_panel(real_loader, PAIR, freq="W", start="2014-11-17", dropna="any")
    assert p.attrs["gaps"] == [] and p.attrs["masked"] == {}
    d = build_panel(real_loader, PAIR, freq="D", dropna="any")  # 2005-2026, every Spring Festival
    assert d.attrs["gaps"] == [] and len(d) > 5000
    # Shenwan small-cap from 2000: the exchanges' two-week Spring Festival closures until 2004
    sw = build_panel(real_loader, {"sw": "cn.index.sw_small.close"}, freq="W")
    assert sw.attrs["gaps"] == [] and sw.index.min() == pd.Timestamp("2000-01-07")


def test_empty_run_of_30_cells_in_csi1000(fault_vault):
    _blank(fault_vault, "2019-03-01", "2019-04-12")  # 30 trading days
    with pytest.raises(SeriesGapError) as err:
        build_panel(fault_vault.loader(), PAIR, freq="W", start="2014-11-17")
    msg = str(err.value)
    assert "cn.index.csi1000.close" in msg and CSI1000 in msg
    assert "from 2019-02-28 to 2019-04-15 (46 days; its calendar CN allows 12)" in msg
    assert "on_gap='mask'" in msg and "\n" not in msg


def test_six_month_hole_in_csi1000_stops_a4(fault_vault):
    from studies.common import PROXIES
    from studies.regimes import ratio_frame

    _drop(fault_vault, "2019-01-01", "2019-06-30")
    with pytest.raises(SeriesGapError, match=r"from 2018-12-28 to 2019-07-01 \(185 days"):
        ratio_frame(fault_vault.loader(), PROXIES[0], "W")


def test_a_declared_mask_blanks_the_one_change_across_the_hole(fault_vault, real_loader):
    _drop(fault_vault, "2019-01-01", "2019-06-30")
    p = build_panel(fault_vault.loader(), PAIR, freq="W", start="2014-11-17", on_gap="mask", dropna="any")
    real = build_panel(real_loader, PAIR, freq="W", start="2014-11-17", dropna="any")
    assert p.attrs["masked"] == {"small": 1}
    (gap,) = p.attrs["gaps"]
    assert (gap["series"], gap["days"], gap["bound"], gap["status"]) == ("cn.index.csi1000.close", 185, 12, "masked")
    assert gap["label_after"] == pd.Timestamp("2019-07-05")
    # the study's own returns: log ratio, differenced over the rows it kept
    y = np.log(p["small"] / p["large"]).diff()
    masked = mask_gap_changes(y, p)
    assert np.isnan(masked.loc["2019-07-05"]) and not np.isnan(y.loc["2019-07-05"])  # 27 weeks in one "week"
    assert masked.notna().sum() == y.notna().sum() - 1
    # every other change equals the real panel's
    y_real = np.log(real["small"] / real["large"]).diff()
    common = masked.dropna().index.difference(pd.DatetimeIndex(["2019-07-05"]))
    np.testing.assert_allclose(masked.loc[common], y_real.loc[common], rtol=0, atol=1e-12)


def test_the_mask_holds_when_the_study_drops_rows_itself(fault_vault):
    _drop(fault_vault, "2019-01-01", "2019-06-30")
    p = build_panel(fault_vault.loader(), {**PAIR, "us10y": "us.rate.ust10y"}, freq="W", start="2014-11-17",
                    on_gap="mask")
    kept = p.dropna(subset=["small", "large"]).iloc[:, :2]
    kept = kept.drop(pd.Timestamp("2019-07-05"))  # a study may drop the first row after the hole too
    y = mask_gap_changes(np.log(kept["small"] / kept["large"]).diff(), p)
    assert np.isnan(y.loc["2019-07-12"])  # still spans the hole: still masked
    assert y.loc["2019-07-19"] == pytest.approx(np.log(kept["small"] / kept["large"]).diff().loc["2019-07-19"])


def test_a_real_hole_can_be_declared_in_accept_csv(fault_vault):
    _drop(fault_vault, "2019-01-01", "2019-06-30")
    fault_vault.write("ACCEPT.csv", "series_id,check,first,last,reason\n"
                      "cn.index.csi1000.close,gap,2018-12-28,2019-07-01,exchange closed (hypothetical)\n")
    p = build_panel(fault_vault.loader(), PAIR, freq="W", start="2014-11-17")
    assert [g["status"] for g in p.attrs["gaps"]] == ["accepted"] and p.attrs["masked"] == {}


def test_a_study_may_declare_a_tighter_staleness(real_loader):
    # 12 days is the Spring Festival closure with its weekends; a study asking for 7 is refused there
    with pytest.raises(SeriesGapError, match=r"cn.index.csi1000.close.*allows 7"):
        build_panel(real_loader, PAIR, freq="W", start="2024-01-01", end="2024-03-31", max_gap_days=7)
    build_panel(real_loader, PAIR, freq="W", start="2024-01-01", end="2024-03-31", max_gap_days={"small": 12, "large": 12})


def test_real_pe_gap_of_2012_is_declared(real_loader):
    # csindex P/E has multi-week holes in 2011-2012 (SOURCES.md); the 69-day one is declared real
    p = build_panel(real_loader, {"pe": "cn.valuation.csi300.pe"}, freq="W", start="2011-07-01", end="2012-12-31")
    holes = [(g["last_before"], g["first_after"], g["days"], g["status"]) for g in p.attrs["gaps"]]
    assert (pd.Timestamp("2011-12-30"), pd.Timestamp("2012-03-08"), 69, "accepted") in holes
    assert [h[2] for h in holes] == [17, 69, 13] and {h[3] for h in holes} == {"accepted"}


def test_series_ending_before_the_window(fault_vault):
    # today: "argmin of an empty sequence"
    from studies.common import PROXIES
    from studies.regimes import ratio_frame

    _drop(fault_vault, "2014-01-01", "2099-12-31")
    with pytest.raises(SeriesCoverageError) as err:
        ratio_frame(fault_vault.loader(), PROXIES[0], "W")
    msg = str(err.value)
    assert "'cn.index.csi1000.close'" in msg and "covers 2005-04-05..2013-12-31" in msg
    assert "window 2014-11-17..end" in msg and "\n" not in msg


def test_a_hole_filled_forward_is_still_a_hole(fault_vault):
    # Excel "fill down" over the 6-month hole: 26 weeks of zero returns instead of a gap
    from econ.data.errors import StaleValueError

    frame = fault_vault.read(CSI1000)
    inside = (frame["date"] >= "2019-01-01") & (frame["date"] <= "2019-06-30")
    frame.loc[inside, "close"] = frame.loc[frame["date"] == "2018-12-28", "close"].iloc[0]
    fault_vault.write(CSI1000, frame)
    # max_flat is declared per series (none by default: the package's toy test vaults use flat
    # levels); a catalog or user declaring 5 for an index close catches the filled hole
    import dataclasses

    from econ.data.checks import check_series, locate_in_vault

    loader = fault_vault.loader()
    spec = dataclasses.replace(loader.spec("cn.index.csi1000.close"), max_flat=5)
    with pytest.raises(StaleValueError) as err:
        check_series(spec, loader.fetch("cn.index.csi1000.close").series,
                     locate=locate_in_vault(loader.vault, spec))
    msg = str(err.value)
    assert "cn.index.csi1000.close" in msg and "from 2018-12-28" in msg and "to 2019-06-28" in msg
    assert "more than the 5 this series ever repeats" in msg and CSI1000 in msg


def test_a_calendar_day_export_filled_over_weekends(fault_vault):
    from econ.data.errors import CalendarError

    frame = fault_vault.read("idx_csi300_000300.csv")
    days = pd.to_datetime(frame["date"])
    full = frame.set_index(days).reindex(pd.date_range(days.min(), days.max(), freq="D")).ffill()
    full = full[full.index.day_of_week < 7]  # weekends included, holidays too: Wind "calendar days"
    full["date"] = full.index.strftime("%Y-%m-%d")
    fault_vault.write("idx_csi300_000300.csv", full.reset_index(drop=True))
    with pytest.raises(CalendarError, match=r"cn.index.csi300.close: \d+ observation\(s\) on weekends, e.g. "
                                            r"2005-04-09 \(Saturday\)"):
        fault_vault.loader().fetch("cn.index.csi300.close")
