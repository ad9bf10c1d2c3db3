"""Tests for econ.models.attribution (valuation / earnings / dividend split)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.models.attribution import AttributionResult, decompose_relative_return


# --------------------------------------------------------------------------------------
# synthetic data: the log identity holds to rounding
# --------------------------------------------------------------------------------------
def _synthetic(seed: int = 1) -> dict[str, pd.Series]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2014-01-02", "2021-12-31")
    n = len(idx)

    def walk(sd: float, level: float) -> pd.Series:
        return pd.Series(level * np.exp(np.cumsum(rng.normal(0, sd, n))), index=idx)

    ps, pl = walk(0.015, 5000.0), walk(0.010, 3500.0)
    pes, pel = walk(0.010, 35.0), walk(0.008, 12.0)
    trs = ps * np.exp(np.arange(n) * 0.008 / 252)
    trl = pl * np.exp(np.arange(n) * 0.025 / 252)
    return {"ps": ps, "pl": pl, "pes": pes, "pel": pel, "trs": trs, "trl": trl}


def test_log_identity_exact_on_synthetic() -> None:
    d = _synthetic()
    res = decompose_relative_return(
        d["ps"], d["pl"], d["pes"], d["pel"], tr_small=d["trs"], tr_large=d["trl"]
    )
    assert isinstance(res, AttributionResult)
    t = res.table
    # identity (known answer: 0 by construction, EPS = P/PE)
    np.testing.assert_allclose(
        t["relative_return"], t["valuation"] + t["earnings"] + t["dividend"], rtol=0, atol=1e-12
    )
    assert res.max_abs_residual < 1e-12
    # per leg: dlog P = dlog PE + dlog EPS
    for leg in ("small", "large"):
        np.testing.assert_allclose(
            res.legs[f"{leg}_price_return"],
            res.legs[f"{leg}_valuation"] + res.legs[f"{leg}_earnings"],
            atol=1e-12,
        )
    # 8 calendar years, chained: period log returns sum to the full-sample log return
    assert res.n_periods == 8 and list(t.index.astype(str)) == [str(y) for y in range(2014, 2022)]
    full = np.log(d["trs"].iloc[-1] / d["trs"].iloc[0]) - np.log(
        d["trl"].iloc[-1] / d["trl"].iloc[0]
    )
    assert t["relative_return"].sum() == pytest.approx(full, abs=1e-12)
    # dividend gap: (0.008 - 0.025)/252 per business day, known from construction
    ndays = (
        t["end"].map(d["ps"].index.get_loc).to_numpy()
        - t["start"].map(d["ps"].index.get_loc).to_numpy()
    )
    np.testing.assert_allclose(t["dividend"], ndays * (0.008 - 0.025) / 252, atol=1e-12)
    # counts and dominance are consistent with the table
    assert res.n_valuation_dominant + res.n_earnings_dominant == res.n_periods
    expected_dom = np.where(t["valuation"].abs() > t["earnings"].abs(), "valuation", "earnings")
    assert (t["dominant"].to_numpy() == expected_dom).all()
    assert res.share_valuation_dominant == pytest.approx(res.n_valuation_dominant / 8)


def test_quarterly_and_monthly_frequencies_chain() -> None:
    d = _synthetic(2)
    total = None
    for f in ("QE", "ME", "YE"):
        res = decompose_relative_return(d["ps"], d["pl"], d["pes"], d["pel"], freq=f)
        s = res.table["relative_return"].sum()
        total = s if total is None else total
        assert s == pytest.approx(total, abs=1e-12)
        assert res.max_abs_residual < 1e-12
    assert (
        decompose_relative_return(d["ps"], d["pl"], d["pes"], d["pel"], freq="QE").n_periods == 32
    )


# --------------------------------------------------------------------------------------
# hand-computed two-year example
# --------------------------------------------------------------------------------------
def _two_years() -> dict[str, pd.Series]:
    idx = pd.DatetimeIndex(["2019-12-31", "2020-06-30", "2020-12-31", "2021-12-31"])
    return {
        "ps": pd.Series([100.0, 105.0, 120.0, 90.0], index=idx),  # EPS = 5, 4.2, 4, 5
        "pes": pd.Series([20.0, 25.0, 30.0, 18.0], index=idx),
        "pl": pd.Series([100.0, 98.0, 110.0, 121.0], index=idx),  # EPS = 10, 9.8, 10, 11
        "pel": pd.Series([10.0, 10.0, 11.0, 11.0], index=idx),
        # TR = P times 1% (small) / 2% (large) extra per year
        "trs": pd.Series([100.0, 106.0, 120.0 * 1.01, 90.0 * 1.01**2], index=idx),
        "trl": pd.Series([100.0, 99.0, 110.0 * 1.02, 121.0 * 1.02**2], index=idx),
    }


def test_hand_computed_two_year_log() -> None:
    # Hand computation (year-end to year-end):
    # 2020 small: r = ln(120/100) = ln 1.2, v = ln(30/20) = ln 1.5, e = ln(4/5) = ln 0.8
    #      large: r = ln 1.1, v = ln 1.1, e = ln(10/10) = 0
    # 2021 small: r = ln 0.75, v = ln(18/30) = ln 0.6, e = ln(5/4) = ln 1.25
    #      large: r = ln 1.1, v = 0, e = ln(11/10) = ln 1.1
    # dividends: ln 1.01 (small) and ln 1.02 (large) per year
    d = _two_years()
    res = decompose_relative_return(
        d["ps"], d["pl"], d["pes"], d["pel"], tr_small=d["trs"], tr_large=d["trl"]
    )
    t = res.table
    assert list(t.index.astype(str)) == ["2020", "2021"]  # 2019 has one observation only
    ln = np.log
    dgap = ln(1.01) - ln(1.02)
    np.testing.assert_allclose(t["valuation"], [ln(1.5) - ln(1.1), ln(0.6)], atol=1e-14)
    np.testing.assert_allclose(t["earnings"], [ln(0.8), ln(1.25) - ln(1.1)], atol=1e-14)
    np.testing.assert_allclose(t["dividend"], [dgap, dgap], atol=1e-14)
    np.testing.assert_allclose(
        t["relative_return"], [ln(1.2) - ln(1.1) + dgap, ln(0.75) - ln(1.1) + dgap], atol=1e-14
    )
    # 0.310 vs -0.223 and -0.511 vs 0.128: valuation dominates both years
    assert t["dominant"].tolist() == ["valuation", "valuation"]
    assert res.n_valuation_dominant == 2 and res.n_earnings_dominant == 0
    assert (t["start"] == pd.to_datetime(["2019-12-31", "2020-12-31"])).all()
    frame = res.to_frame()
    assert frame.columns[0] == "period" and len(frame) == 2


def test_hand_computed_simple_with_interaction() -> None:
    # 2020 simple: small r = 0.2, v = 0.5, e = -0.2, v*e = -0.1; large r = v = 0.1, e = 0
    # relative 0.1 = 0.4 (valuation) - 0.2 (earnings) + 0 (dividend) - 0.1 (interaction)
    d = _two_years()
    res = decompose_relative_return(d["ps"], d["pl"], d["pes"], d["pel"], kind="simple")
    row = res.table.loc[pd.Period("2020", freq="Y")]
    assert row["relative_return"] == pytest.approx(0.1, abs=1e-14)
    assert row["valuation"] == pytest.approx(0.4, abs=1e-14)
    assert row["earnings"] == pytest.approx(-0.2, abs=1e-14)
    assert row["dividend"] == 0.0
    assert row["interaction"] == pytest.approx(-0.1, abs=1e-14)
    assert row["residual"] == pytest.approx(-0.1, abs=1e-14)
    # 2021: small r=-0.25, v=-0.4, e=0.25 -> v*e=-0.1; large r=0.1, v=0, e=0.1 -> 0
    row = res.table.loc[pd.Period("2021", freq="Y")]
    assert row["relative_return"] == pytest.approx(-0.35, abs=1e-14)
    assert row["residual"] == pytest.approx(-0.1, abs=1e-14)


def test_anchor_within_uses_first_and_last_in_year() -> None:
    d = _two_years()
    res = decompose_relative_return(d["ps"], d["pl"], d["pes"], d["pel"], anchor="within")
    # only 2020 has two observations: 2020-06-30 -> 2020-12-31
    assert list(res.table.index.astype(str)) == ["2020"]
    row = res.table.iloc[0]
    assert row["start"] == pd.Timestamp("2020-06-30")
    assert row["relative_return"] == pytest.approx(np.log(120 / 105) - np.log(110 / 98), abs=1e-14)
    assert row["valuation"] == pytest.approx(np.log(30 / 25) - np.log(11 / 10), abs=1e-14)


def test_supplied_eps_gives_nonzero_residual() -> None:
    # reported EPS differs from P/PE: residual = implied minus supplied EPS growth gap
    d = _two_years()
    eps_s = pd.Series([5.0, 4.2, 4.4, 5.0], index=d["ps"].index)  # implied at 2020-12-31 is 4
    eps_l = d["pl"] / d["pel"]
    res = decompose_relative_return(
        d["ps"], d["pl"], d["pes"], d["pel"], eps_small=eps_s, eps_large=eps_l
    )
    assert res.eps_source == "supplied"
    # 2020: residual = ln(4/5) - ln(4.4/5) = ln(4/4.4); 2021: ln(5/4) - ln(5/4.4) = ln(4.4/4)
    np.testing.assert_allclose(
        res.table["residual"], [np.log(4 / 4.4), np.log(4.4 / 4)], atol=1e-14
    )


# --------------------------------------------------------------------------------------
# non-positive P/E and input validation
# --------------------------------------------------------------------------------------
def test_negative_pe_excluded_with_warning_or_error() -> None:
    d = _two_years()
    pel = d["pel"].copy()
    pel.iloc[3] = -5.0  # loss-making large-cap aggregate at end-2021
    with pytest.warns(UserWarning, match="2021"):
        res = decompose_relative_return(d["ps"], d["pl"], d["pes"], pel)
    assert list(res.table.index.astype(str)) == ["2020"]
    assert res.n_excluded == 1 and res.excluded["reason"].iloc[0] == "pe_large<=0"
    with pytest.raises(ValueError, match="negative P/E"):
        decompose_relative_return(d["ps"], d["pl"], d["pes"], pel, nonpositive_pe="raise")
    pes = d["pes"].copy()
    pes.iloc[2] = 0.0  # boundary of both years
    with pytest.raises(ValueError, match="every period"), pytest.warns(UserWarning):
        decompose_relative_return(d["ps"], d["pl"], pes, d["pel"])


def test_input_validation() -> None:
    d = _two_years()
    args = (d["ps"], d["pl"], d["pes"], d["pel"])
    with pytest.raises(ValueError, match="both tr_small"):
        decompose_relative_return(*args, tr_small=d["trs"])
    with pytest.raises(ValueError, match="both eps_small"):
        decompose_relative_return(*args, eps_large=d["pl"])
    with pytest.raises(ValueError, match="kind"):
        decompose_relative_return(*args, kind="arith")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="anchor"):
        decompose_relative_return(*args, anchor="start")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="DatetimeIndex"):
        decompose_relative_return(d["ps"].reset_index(drop=True), *args[1:])
    bad = d["ps"].copy()
    bad.iloc[1] = -1.0
    with pytest.raises(ValueError, match="positive"):
        decompose_relative_return(bad, *args[1:])
    with pytest.raises(ValueError, match="freq"):
        decompose_relative_return(*args, freq="not-a-freq")
    other = d["pl"].copy()
    other.index = other.index + pd.Timedelta(days=1)
    with pytest.raises(ValueError, match="share no date"):
        decompose_relative_return(d["ps"], other, d["pes"], d["pel"])
