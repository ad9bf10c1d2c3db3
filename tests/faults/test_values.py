"""Wrong values in a copy of the real vault: each is an error naming file, series and bound.

Issue 10 part 1 (values are never checked) and the year typo of part 4. Every case loads
only the series it breaks, so the file runs in seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.data.errors import (
    AcceptListError,
    DataError,
    DateRangeError,
    JumpError,
    ScaleError,
    SpliceScaleError,
    ValueRangeError,
)

pytestmark = pytest.mark.vault

CSI1000 = "idx_csi1000_000852.csv"
CSI300 = "idx_csi300_000300.csv"


def _scale(frame: pd.DataFrame, column: str, factor: float, rows: slice | list | None = None) -> pd.DataFrame:
    """Multiply a text column by ``factor`` (on ``rows`` or all), keeping empty cells empty."""
    sel = frame.index if rows is None else frame.index[rows]
    vals = pd.to_numeric(frame.loc[sel, column].replace("", np.nan))
    frame.loc[sel, column] = [("" if np.isnan(v) else repr(float(v) * factor)) for v in vals]
    return frame


def _row_of(frame: pd.DataFrame, date: str) -> int:
    return int(np.flatnonzero(frame["date"].to_numpy() == date)[0])


def test_the_real_vault_passes_every_value_check(pristine_vault, tmp_path):
    from econ.config import Settings
    from econ.data.loader import DataLoader

    loader = DataLoader(Settings.resolve(vault=pristine_vault, cache=tmp_path, live=False))
    for sid in loader.ids():
        loader.fetch(sid)  # raises on any failure
    assert len(loader.ids()) >= 73 and loader.integrity_errors == []


def test_us10y_in_decimals_while_the_manifest_says_percent(fault_vault):
    # today: A2 β 1.302 instead of 0.013, exit 0
    fault_vault.edit("us10y.csv", lambda f: _scale(f, "value", 0.01))
    with pytest.raises(ScaleError) as err:
        fault_vault.loader().fetch("us.rate.ust10y")
    msg = str(err.value)
    assert "us.rate.ust10y" in msg and "us10y.csv" in msg and "[0.25;30]" in msg
    assert "Multiply the column by 100" in msg and "\n" not in msg


def test_dr007_wind_export_in_decimals(fault_vault):
    # a user's Wind export with rates as fractions, labelled percent in the manifest
    fault_vault.edit("dr007_wind_daily.csv", lambda f: _scale(f, "close", 0.01))
    with pytest.raises(ScaleError, match=r"cn.rate.dr007: values look too small .*dr007_wind_daily.csv"):
        fault_vault.loader().fetch("cn.rate.dr007")


def test_concentration_share_times_100(fault_vault):
    # today: 5215% in a table
    fault_vault.edit("mktcap_concentration_quarterly_2005_2025.csv", lambda f: _scale(f, "share_top50", 100.0))
    with pytest.raises(ValueRangeError) as err:
        fault_vault.loader().fetch("cn.concentration.top50_share")
    msg = str(err.value)
    assert "cn.concentration.top50_share" in msg and "[0;1]" in msg
    assert "mktcap_concentration_quarterly_2005_2025.csv line 2, column 'share_top50'" in msg
    assert "51.677" in msg  # the first offending value, 2005-03-31


def test_spliced_shibor_part_in_decimals(fault_vault):
    # today: C5 β0 moves; the parts do not overlap, so only their scale where they meet tells
    fault_vault.edit("shibor_ext.csv", lambda f: _scale(f, "1W", 0.01))
    with pytest.raises(SpliceScaleError) as err:
        fault_vault.loader().fetch("cn.rate.shibor_1w")
    msg = str(err.value)
    assert "'cn.rate.shibor_1w'" in msg and "'cn.rate.shibor_1w_ext'" in msg and "bound 5x" in msg
    ratio = float(msg.split("), ")[-1].split("x apart")[0])
    assert ratio == pytest.approx(100, rel=0.1)


@pytest.mark.parametrize(("cell", "kind"), [("0", "outside the declared range (0;inf)"),
                                            ("-3386.35", "outside the declared range (0;inf)"),
                                            ("inf", "is not a finite number")])
def test_zero_negative_or_infinite_index_level(fault_vault, cell, kind):
    # today: flips A1, A2 and A4 verdicts
    frame = fault_vault.read(CSI300)
    i = _row_of(frame, "2024-01-02")
    frame.loc[i, "close"] = cell
    fault_vault.write(CSI300, frame)
    with pytest.raises(ValueRangeError) as err:
        fault_vault.loader().fetch("cn.index.csi300.close")
    msg = str(err.value)
    assert kind in msg and "2024-01-02" in msg
    assert f"{CSI300} line {i + 2}, column 'close'" in msg


def test_one_day_times_100_in_csi1000(fault_vault):
    # today: one 100x day made A4 "supported" (p 0.007)
    frame = fault_vault.read(CSI1000)
    i = _row_of(frame, "2019-03-05")
    _scale(frame, "close", 100.0, [i])
    fault_vault.write(CSI1000, frame)
    with pytest.raises(JumpError) as err:
        fault_vault.loader().fetch("cn.index.csi1000.close")
    msg = str(err.value)
    assert "cn.index.csi1000.close" in msg and "2019-03-05" in msg and "|Δlog| <= 0.25" in msg
    assert f"{CSI1000} line {i + 2}, column 'close'" in msg
    # 5482.30 on 2019-03-04, then 100 x 5654.31: Δlog = log(103.1)
    assert "Δlog +4.636 (x103.1)" in msg and "2 such move(s)" in msg  # up on the day, down the next


def test_a_lost_digit_is_a_jump(fault_vault):
    # 5654.3058 typed as 565.43058: a 10x slip on one day
    frame = fault_vault.read(CSI1000)
    _scale(frame, "close", 0.1, [_row_of(frame, "2019-03-05")])
    fault_vault.write(CSI1000, frame)
    with pytest.raises(JumpError, match=r"Δlog -2\.272 \(x0\.1031\) on 2019-03-05"):
        fault_vault.loader().fetch("cn.index.csi1000.close")


def test_turnover_in_wan_yuan_instead_of_yi(fault_vault):
    # a user exports turnover in 万元 (x10,000) under the manifest's 亿元
    fault_vault.edit("val_csi_allshare_000985_csindex.csv", lambda f: _scale(f, "turnover_yi", 1e4))
    with pytest.raises(ValueRangeError, match=r"cn.turnover.allshare.amount.*\[0;100000\]"):
        fault_vault.loader().fetch("cn.turnover.allshare.amount")


def test_a_flagged_value_passes_only_when_declared(fault_vault, real_loader):
    # the declared fix: an ACCEPT.csv row with a reason lets the value through, as it is
    frame = fault_vault.read(CSI1000)
    _scale(frame, "close", 1.5, [_row_of(frame, "2019-03-05")])
    fault_vault.write(CSI1000, frame)
    with pytest.raises(JumpError):
        fault_vault.loader().fetch("cn.index.csi1000.close")
    fault_vault.write("ACCEPT.csv", "series_id,check,first,last,reason\n"
                      "cn.index.csi1000.close,jump,2019-03-05,2019-03-06,checked against the exchange\n")
    s = fault_vault.loader().series("cn.index.csi1000.close")
    real = real_loader.series("cn.index.csi1000.close")
    assert s.loc["2019-03-05"] == pytest.approx(1.5 * real.loc["2019-03-05"], rel=1e-9)
    pd.testing.assert_series_equal(s.drop(pd.Timestamp("2019-03-05")), real.drop(pd.Timestamp("2019-03-05")),
                                   check_names=False)


def test_a_declaration_covers_only_its_dates(fault_vault):
    frame = fault_vault.read(CSI1000)
    _scale(frame, "close", 1.5, [_row_of(frame, "2019-03-05")])
    fault_vault.write(CSI1000, frame)
    fault_vault.write("ACCEPT.csv", "series_id,check,first,last,reason\n"
                      "cn.index.csi1000.close,jump,2019-03-05,2019-03-05,only the first move\n")
    with pytest.raises(JumpError, match="on 2019-03-06"):  # the move back down is not declared
        fault_vault.loader().fetch("cn.index.csi1000.close")


def test_a_declaration_needs_a_reason_and_a_known_check(fault_vault):
    fault_vault.write("ACCEPT.csv", "series_id,check,first,last,reason\ncn.index.csi1000.close,jump,2019-03-05,2019-03-05,\n")
    with pytest.raises(AcceptListError, match=r"ACCEPT.csv line 2: give a reason"):
        fault_vault.loader().fetch("cn.index.csi1000.close")
    fault_vault.write("ACCEPT.csv", "series_id,check,first,last,reason\ncn.index.csi1000.close,finite,2019-03-05,2019-03-05,x\n")
    with pytest.raises(AcceptListError, match="check .finite. is not one of range, typical, jump, flat, calendar, gap"):
        fault_vault.loader().fetch("cn.index.csi1000.close")


@pytest.mark.parametrize("typo", ["0223-10-31", "2203-10-31"])
def test_year_typo_names_file_and_line(fault_vault, typo):
    # today: pandas OutOfBoundsDatetime traceback (0223) or a 200-year daily calendar (2203)
    frame = fault_vault.read(CSI300)
    i = _row_of(frame, "2023-10-31")
    frame.loc[i, "date"] = typo
    fault_vault.write(CSI300, frame)
    with pytest.raises(DateRangeError) as err:
        fault_vault.loader().fetch("cn.index.csi300.close")
    msg = str(err.value)
    assert CSI300 in msg and f"'{typo}' on line {i + 2}" in msg and "year typo" in msg
    assert isinstance(err.value, DataError) and "\n" not in msg


def test_a_wrong_value_fails_the_study_that_swallowed_it(fault_vault):
    # studies treat a DataError as "series missing"; wrong values must not be skipped that way
    from econ.data.errors import DataIntegrityError
    from econ.study import Study, StudyResult

    class Lenient(Study):
        name, title, claims = "lenient", "t", ()

        def run(self, loader, *, progress=None):
            try:
                loader.fetch("cn.concentration.top50_share")
            except DataError:
                pass  # "untestable": exactly what must not happen to wrong data
            return StudyResult(study=self.name, parts=[], title=self.title)

    fault_vault.edit("mktcap_concentration_quarterly_2005_2025.csv", lambda f: _scale(f, "share_top50", 100.0))
    with pytest.raises(DataIntegrityError, match="cn.concentration.top50_share"):
        Lenient().run(fault_vault.loader())


def _estimate_top50(spec, loader):
    from econ.robust import SpecEstimate

    s = loader.series("cn.concentration.top50_share")
    return SpecEstimate(estimate=float(s.mean()), se=float("nan"), pvalue=float("nan"), nobs=len(s))


def test_a_wrong_value_stops_a_grid_instead_of_failing_one_spec(fault_vault):
    # the executor reports a failing spec and carries on; wrong data must stop the run instead
    from econ.robust import Grid, run_grid

    grid = Grid({"k": [1, 2]})
    ok = run_grid(_estimate_top50, grid, loader=fault_vault.loader())
    assert len(ok.ok()) == 2 and ok.ok()["estimate"].between(0.25, 0.75).all()  # real shares: a fraction
    fault_vault.edit("mktcap_concentration_quarterly_2005_2025.csv", lambda f: _scale(f, "share_top50", 100.0))
    with pytest.raises(ValueRangeError, match=r"cn.concentration.top50_share.*\[0;1\]"):
        run_grid(_estimate_top50, grid, loader=fault_vault.loader())


@pytest.mark.slow
def test_end_to_end_a2_on_us10y_in_decimals_fails_and_publishes_nothing(fault_vault, tmp_path):
    # the headline case through the runner: A2 must stop, not report β 1.302 with exit 0
    from econ.config import Settings
    from econ.runner import run_studies
    from studies import resolve

    fault_vault.edit("us10y.csv", lambda f: _scale(f, "value", 0.01))
    paper = tmp_path / "paper"
    report = run_studies(resolve(["A2"]), Settings.resolve(vault=fault_vault.root, cache=fault_vault.cache,
                                                          paper=paper, live=False), png=False)
    assert list(report.errors) == ["us10y_csi300"] and not report.results
    assert report.errors["us10y_csi300"].startswith("ScaleError: us.rate.ust10y")
    assert not (paper / "results" / "us10y_csi300.json").exists()
