"""B2 (small-cap crowding): interior-peak dating on constructed series, the proxy-only path
through the verdict engine, and the study on the real vault.

Constructed tests need no vault: weekly series with peaks placed on known weeks (seeded
noise far smaller than the peaks), a series whose maximum is its last week, and the
proxy-only / missing-data paths. Vault tests (marked ``vault``) run the study once and check
its dates against the first run and the headline level against a recomputation from the
daily traded values with plain pandas.
"""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from econ.verdict import PartOutcome, judge_part
from studies.crowding import (
    HEADLINE,
    MIN_CYCLE_W,
    MIN_PHASE_W,
    SYMPTOMS,
    WINDOW,
    WINDOW_W,
    Crowding,
    back_calculated_mark,
    date_crowding,
)
from studies.declared import part
from tests.conftest import outcomes_of, verdicts_of

WEEKLY = {"window": WINDOW_W, "min_phase": MIN_PHASE_W, "min_cycle": MIN_CYCLE_W}
FRIDAYS = pd.date_range("2019-01-04", "2026-06-26", freq="W-FRI")


def _bumps(peaks: dict[str, float], width: float = 2.0, seed: int = 7) -> pd.Series:
    """Baseline 1 + Gaussian bumps of the given heights centred on the given Fridays, plus
    seeded noise with s.d. 0.002 (two orders of magnitude below the bumps)."""
    t = np.arange(len(FRIDAYS), dtype=float)
    y = np.ones_like(t)
    for day, height in peaks.items():
        c = FRIDAYS.get_loc(pd.Timestamp(day))
        y += height * np.exp(-0.5 * ((t - c) / width) ** 2)
    y += np.random.default_rng(seed).normal(0.0, 0.002, len(t))
    return pd.Series(y, index=FRIDAYS)


def _not_proxy(key: str):
    """The registry's spec of a B2 part with proxy_only switched off (to see what the dates score)."""
    return dataclasses.replace(part(key), proxy_only=False)


def test_two_interior_peaks_on_known_weeks_are_dated():
    # constructed data: crowding peaks on 2023-11-17 (height 0.5) and 2024-01-12 (0.4), an earlier
    # lower bump in 2022 (0.2): the two highest are the claimed ones, eight weeks apart
    s = _bumps({"2022-06-10": 0.2, "2023-11-17": 0.5, "2024-01-12": 0.4})
    d = date_crowding(s, **WEEKLY)
    assert d.first == pd.Timestamp("2023-11-17")
    assert d.second == pd.Timestamp("2024-01-12")
    assert d.window_max == pd.Timestamp("2023-11-17") and d.window_max_interior
    # the onset is the trough before the first peak: after the 2022 bump, before the run-up
    assert pd.Timestamp("2022-06-10") < d.onset < pd.Timestamp("2023-11-17")
    # scored by the engine (proxy_only off): both within ± 45 days of the article's dates
    assert judge_part(_not_proxy("B2.peak_nov2023"), {"date": f"{d.first:%Y-%m-%d}"}).outcome == PartOutcome.REPRODUCED
    assert judge_part(_not_proxy("B2.peak_jan2024"), {"date": f"{d.second:%Y-%m-%d}"}).outcome == PartOutcome.REPRODUCED


def test_peaks_are_taken_in_time_order_not_by_the_claimed_dates():
    # constructed data: the two highest peaks are in 2021 and 2022; a smaller bump in Nov 2023 is not chosen
    s = _bumps({"2021-11-19": 0.6, "2022-08-19": 0.5, "2023-11-17": 0.3})
    d = date_crowding(s, **WEEKLY)
    assert (d.first, d.second) == (pd.Timestamp("2021-11-19"), pd.Timestamp("2022-08-19"))
    assert judge_part(_not_proxy("B2.peak_nov2023"), {"date": f"{d.first:%Y-%m-%d}"}).outcome == PartOutcome.NOT_REPRODUCED


def test_a_maximum_at_the_last_week_is_not_a_dated_peak():
    # constructed data: a symptom rising steadily to its last observation (2024-12-27), with one
    # small interior bump in Nov 2023. The old rule (maximum inside the window) dated its last week.
    idx = pd.date_range("2021-01-01", "2024-12-27", freq="W-FRI")
    t = np.arange(len(idx), dtype=float)
    c = idx.get_loc(pd.Timestamp("2023-11-17"))
    y = pd.Series(1.0 + 0.004 * t + 0.05 * np.exp(-0.5 * ((t - c) / 2.0) ** 2), index=idx)
    old_rule = y.loc[WINDOW[0]:WINDOW[1]].idxmax()
    assert old_rule == idx[-1]
    d = date_crowding(y, **WEEKLY)
    assert d.window_max == idx[-1] and not d.window_max_interior
    assert idx[-1] not in d.peaks.index and d.first == pd.Timestamp("2023-11-17")
    assert pd.isna(d.second)  # one interior peak only: no second peak is dated
    # a series that only rises has no dated peak at all: the engine reads "no event dated"
    rising = pd.Series(1.0 + 0.004 * t, index=idx)
    r = date_crowding(rising, **WEEKLY)
    assert r.peaks.empty and pd.isna(r.first) and pd.isna(r.onset)
    parts = Crowding._parts(r, next(s for s in SYMPTOMS if s.key == HEADLINE))
    assert all(p.date is None for p in parts)
    v = judge_part(_not_proxy("B2.peak_nov2023"), parts[1])
    assert v.outcome == PartOutcome.NOT_REPRODUCED and "no event dated" in v.reason


def test_a_maximum_at_the_first_week_is_not_a_dated_peak():
    # constructed data: a series falling from its first observation (like the CSI 1000/CSI 300 P/E
    # ratio, which starts in 2021-11 at its highest)
    idx = pd.date_range("2021-11-05", "2024-11-29", freq="W-FRI")
    y = pd.Series(2.0 - 0.003 * np.arange(len(idx)), index=idx)
    d = date_crowding(y, **WEEKLY)
    assert d.window_max == idx[0] and not d.window_max_interior and d.peaks.empty


def test_proxy_only_parts_are_untestable_and_name_the_measure():
    # the registry marks every B2 part proxy-only: a dated symptom peak, even on the claimed date,
    # is untestable, and the reason names what would settle it
    for name in ("onset_2023q4", "peak_nov2023", "peak_jan2024"):
        spec = part(f"B2.{name}")
        assert spec.proxy_only and spec.kind == "dating"
        v = judge_part(spec, {"date": spec.date})
        assert v.outcome == PartOutcome.UNTESTABLE
        assert "valuation spread" in v.reason and "none of which is in the public vault" in v.reason
    # no data for the headline symptom: the parts say what is missing
    parts = Crowding._parts(None, next(s for s in SYMPTOMS if s.key == HEADLINE))
    assert all(p.missing and "cn.turnover.csi300.amount" in p.missing for p in parts)


def test_back_calculated_mark():
    # CSI 2000 launched 2023-08-11: a 2021 sample reads back-calculated history, a 2023-09 one does not
    assert back_calculated_mark(("cn.index.csi2000.close", "cn.index.csi300.close"), "2021-01-01") == "†"
    assert back_calculated_mark(("cn.index.csi2000.close",), "2023-09-01") == ""
    # micro-cap launch taken as 2015-01-01: the B2 window starts after it
    assert back_calculated_mark(("cn.index.microcap.close", "cn.index.csi300.close"), WINDOW[0]) == ""


# ---- the real vault -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cr(vault_loader):
    from studies.crowding import STUDY

    return STUDY.run(vault_loader)


@pytest.mark.vault
def test_vault_dates_and_verdict(cr):
    n = cr.numbers
    # values of the first run (2026-12-05): the turnover share peaks 2023-11-24, then 2024-12-06;
    # its run-up starts 2023-08-04
    assert (n["B2_peak1"], n["B2_peak2"], n["B2_onset"]) == ("2023-11-24", "2024-12-06", "2023-08-04")
    assert n["B2_peak1_gap_days"] == 9 and n["B2_peak2_gap_days"] == 331
    assert cr.part("B2.peak_nov2023").date == "2023-11-24"
    # the Shenwan relative turnover rate's monthly maximum is its last month: not a dated peak
    assert n["B2_wmax_rel_turnover_monthly"] == "2024-12" and n["B2_wmax_interior_rel_turnover_monthly"] == "no"
    assert n["B2_peak1_rel_turnover"] == "2021-11-19"
    v = verdicts_of(cr)["B2"]
    assert str(v.verdict) == "untestable with the data at hand"
    assert set(outcomes_of(v).values()) == {"untestable"}
    assert all("not in the vault" in p.detail for p in cr.parts)


@pytest.mark.vault
def test_vault_headline_level_recomputed(cr, vault_loader):
    # independent recomputation: weekly (Friday) sums of the daily traded values with pandas
    c = vault_loader.series("cn.turnover.csi300.amount")
    a = vault_loader.series("cn.turnover.allshare.amount")
    both = pd.concat({"c": c, "a": a}, axis=1, sort=True).dropna()
    wk = both.resample("W-FRI").sum()
    share = 1.0 - wk["c"] / wk["a"]
    assert share.loc["2023-11-24"] == pytest.approx(cr.numbers["B2_peak1_level"], abs=1e-9)
    assert share.loc["2024-12-06"] == pytest.approx(cr.numbers["B2_peak2_level"], abs=1e-9)
    # and it is the highest week of 2021-2024
    assert share.loc["2021-01-01":"2024-12-31"].idxmax() == pd.Timestamp("2023-11-24")
