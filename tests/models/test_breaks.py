"""Tests of econ.models.breaks (Bai–Perron multiple structural change).

Known answers come from
* R strucchange's saved example output ``tests/Examples/strucchange-Ex.Rout.save``
  (CRAN mirror github.com/cran/strucchange; R 3.2.0 run): Nile and RealInt;
* Pierre Perron's GAUSS program output ``mbreak/real.out`` (repository
  aptech/gauss-structural-break), i.e. Bai & Perron (2003a, JAE) Table 1 set-up for
  the US ex-post real interest rate (eps = 0.15, h = 15, M = 5, robust = 1,
  prewhit = 1, hetdat = hetvar = hetomega = hetq = 1);
* the R package mbreaks vignette ``inst/doc/examples_mbreaks.html`` (CRAN mirror
  github.com/cran/mbreaks), same data and options, printed to 3 decimals;
* EViews' Bai–Perron output posted at forums.eviews.com/viewtopic.php?t=12241
  (critical values only).
See tests/models/reference/README.md for the data files.
"""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.datasets import nile
from statsmodels.stats.sandwich_covariance import S_hac_simple

from econ.models import _bp_critical as cv
from econ.models.breaks import (
    BreakResult,
    _long_run_cov,
    _partial_dating,
    _ssr_full,
    bai_perron,
    critical_value,
    global_breaks,
    segment_ssr,
)
from econ.models.hac import bandwidth

REF = Path(__file__).parent / "reference"


# ----------------------------------------------------------------------------- data
@pytest.fixture(scope="module")
def nile_series() -> pd.Series:
    d = nile.load_pandas().data
    return pd.Series(d["volume"].to_numpy(), index=d["year"].astype(int).to_numpy(), name="Nile")


@pytest.fixture(scope="module")
def realint() -> pd.Series:
    d = pd.read_csv(REF / "bp_realint.csv")
    return pd.Series(d["rate"].to_numpy(), index=pd.PeriodIndex(d["quarter"], freq="Q"))


@pytest.fixture(scope="module")
def ri_seq(realint: pd.Series) -> BreakResult:
    # BP (2003a) / GAUSS real.out options: eps=.15, M=5, robust, prewhitened QS HAC
    return bai_perron(realint, trim=0.15, max_breaks=5, cov_type="hac", select="sequential")


@pytest.fixture(scope="module")
def ri_bic(realint: pd.Series) -> BreakResult:
    return bai_perron(realint, trim=0.15, max_breaks=5, cov_type="hac", select="bic")


# ------------------------------------------------------------------ critical values
@pytest.mark.parametrize("kind", ["supF", "supF_next", "Dmax"])
def test_critical_tables_match_mbreaks_csv(kind: str) -> None:
    # Module tables were typed from Perron's GAUSS BRCODE.SRC (getcv1/getcv2/getdmax);
    # the CSVs were typed independently from R mbreaks' R/{supF,supF_next,Dmax}/cv_*.csv
    # (file i <-> eps = .05, .10, .15, .20, .25). Every one of the 4400 values must agree.
    tables = {"supF": cv.SUPF, "supF_next": cv.SEQ, "Dmax": cv.DMAX}[kind]
    for i, eps in enumerate(cv.EPSILONS, start=1):
        ref = np.loadtxt(REF / "bp_critical" / f"{kind}_{i}.csv", delimiter=",")
        np.testing.assert_array_equal(tables[eps], ref.reshape(4, 10, -1))


def test_critical_values_printed_by_gauss_and_eviews() -> None:
    # GAUSS real.out (q=1, eps=.15) prints supF(k), supF(l+1|l), UDmax and WDmax
    # critical values for 10/5/2.5/1 %:
    gauss_supf = {
        0.10: [7.04, 6.28, 5.21, 4.41, 3.47],
        0.05: [8.58, 7.22, 5.96, 4.99, 3.91],
        0.025: [10.18, 8.14, 6.72, 5.51, 4.34],
        0.01: [12.29, 9.36, 7.60, 6.19, 4.91],
    }
    gauss_seq = {
        0.10: [7.04, 8.51, 9.41, 10.04, 10.58],
        0.05: [8.58, 10.13, 11.14, 11.83, 12.25],
        0.025: [10.18, 11.86, 12.66, 13.40, 13.89],
        0.01: [12.29, 13.89, 14.80, 15.28, 15.76],
    }
    gauss_ud = {0.10: 7.46, 0.05: 8.88, 0.025: 10.39, 0.01: 12.37}
    gauss_wd = {0.10: 8.20, 0.05: 9.91, 0.025: 11.67, 0.01: 13.83}
    for lev in cv.LEVELS:
        for k in range(1, 6):
            assert critical_value("supF", 1, 0.15, lev, k) == gauss_supf[lev][k - 1]
            assert critical_value("seq", 1, 0.15, lev, k) == gauss_seq[lev][k - 1]
        assert critical_value("UDmax", 1, 0.15, lev) == gauss_ud[lev]
        assert critical_value("WDmax", 1, 0.15, lev) == gauss_wd[lev]
    # EViews output (eps=.15, M=5, q=4 breaking regressors, 5 %), "Bai-Perron
    # (Econometric Journal, 2003) critical values": 16.19 13.77 12.17 10.79 9.09;
    # UDmax 16.37, WDmax 17.83.
    for k, val in enumerate([16.19, 13.77, 12.17, 10.79, 9.09], start=1):
        assert critical_value("supF", 4, 0.15, 0.05, k) == val
    assert critical_value("UDmax", 4, 0.15, 0.05) == 16.37
    assert critical_value("WDmax", 4, 0.15, 0.05) == 17.83
    assert np.isnan(critical_value("supF", 1, 0.20, 0.05, 4))  # table holds k <= 3
    with pytest.raises(ValueError):
        critical_value("supF", 1, 0.12, 0.05)


def _sim_supf1(q: int, eps: float, reps: int, n: int, seed: int) -> np.ndarray:
    """Draws of sup_{eps<=l<=1-eps} |W(l) - l W(1)|^2 / (l (1 - l)), W a q-dim BM."""
    rng = np.random.default_rng(seed)
    lam = np.arange(1, n + 1) / n
    i0, i1 = int(np.floor(eps * n)), n - int(np.floor(eps * n))
    out = []
    for _ in range(reps // 1000):
        w = np.cumsum(rng.standard_normal((1000, n, q)), axis=1) / np.sqrt(n)
        b = w[:, i0 - 1 : i1] - lam[None, i0 - 1 : i1, None] * w[:, -1:, :]
        lm = lam[i0 - 1 : i1]
        out.append(((b**2).sum(-1) / (lm * (1 - lm))).max(1))
    return np.concatenate(out)


@pytest.mark.parametrize("q", [1, 2])
def test_supf1_critical_values_by_simulation(q: int) -> None:
    # supF_T(1) limit = sup of a squared Bessel bridge ratio (BP 1998, Andrews 1993).
    # 8000 draws on a 1000-point grid: s.e. of the 90/95 % quantiles ~0.06-0.1, and
    # the grid biases the sup down slightly; tolerance 0.3. A table mix-up between
    # q=1 (8.58) and q=2 (11.47) or between eps values would fail.
    draws = _sim_supf1(q, 0.15, 8000, 1000, seed=20240 + q)
    for lev, qt in ((0.10, 0.90), (0.05, 0.95)):
        assert np.quantile(draws, qt) == pytest.approx(
            critical_value("supF", q, 0.15, lev), abs=0.3
        )


# ------------------------------------------------------------------ SSR and the DP
def test_segment_ssr_equals_direct_ols() -> None:
    rng = np.random.default_rng(1)
    n = 30
    z = np.column_stack([np.ones(n) * 1e3, rng.standard_normal(n) + 50.0])  # badly scaled
    y = 1e4 + z @ [2.0, 3.0] + rng.standard_normal(n)
    f = segment_ssr(y, z)
    for a in range(n):
        for b in range(a + 3, n + 1):
            xs = z[a:b]
            r = y[a:b] - xs @ np.linalg.lstsq(xs, y[a:b], rcond=None)[0]
            assert f(a, b) == pytest.approx(r @ r, rel=1e-7, abs=1e-8)


def test_dynamic_programme_equals_brute_force() -> None:
    rng = np.random.default_rng(7)
    n, h = 40, 6
    z = np.column_stack([np.ones(n), rng.standard_normal(n)])
    y = rng.standard_normal(n) + (np.arange(n) > 20) + 0.5 * z[:, 1] * (np.arange(n) > 30)
    ssr, dates = global_breaks(y, z, h=h, max_breaks=3)
    f = segment_ssr(y, z)
    for m in (1, 2, 3):
        best, arg = np.inf, None
        for c in itertools.combinations(range(h, n - h + 1), m):
            bd = [0, *c, n]
            if min(np.diff(bd)) < h:
                continue
            s = sum(float(f(bd[i], bd[i + 1])) for i in range(m + 1))
            if s < best - 1e-12:
                best, arg = s, c
        assert ssr[m] == pytest.approx(best, rel=1e-12)
        assert dates[m] == arg


# ----------------------------------------------------------- Nile (R strucchange)
def test_nile_breakpoints_rss_bic(nile_series: pd.Series) -> None:
    # strucchange-Ex.Rout.save, example "breakpoints": summary(breakpoints(Nile ~ 1))
    # (h = 0.15 -> 15 observations).
    ssr, dates = global_breaks(nile_series, h=15, max_breaks=5)
    assert dates[1] == (28,)
    assert dates[2] == (28, 83)
    assert dates[3] == (28, 68, 83)
    assert dates[4] == (28, 45, 68, 83)
    assert dates[5] == (15, 30, 45, 68, 83)
    rss = [2835157, 1597457, 1552924, 1538097, 1507888, 1659994]  # printed to 7 digits
    np.testing.assert_allclose(ssr, rss, atol=0.5)
    res = bai_perron(nile_series, trim=0.15, cov_type="homo", select="bic")
    bic = [1318, 1270, 1276, 1285, 1292, 1311]  # strucchange BIC, printed to integers
    np.testing.assert_allclose(res.info_criteria["bic_loglik"], bic, atol=0.5)
    assert res.n_breaks_bic == 1  # "the BIC also chooses one breakpoint"
    assert res.breaks == (28,)
    assert res.break_dates == [1898]


def test_nile_supf_and_confint(nile_series: pd.Series) -> None:
    res = bai_perron(nile_series, trim=0.15, cov_type="homo", select="bic")
    # strucchange-Ex.Rout.save, example "Fstats": sctest(Fstats(Nile ~ 1)) sup.F = 75.93
    # (the homoskedastic BP supF(1) is the Chow F maximised over the same 15..85 range).
    assert res.tests.set_index("test").loc["supF(1)", "stat"] == pytest.approx(75.93, abs=0.005)
    # strucchange-Ex.Rout.save, examples "breakdates"/"breakpoints": confint(bp.nile)
    # 2.5 % 25 / 28 / 97.5 % 32, i.e. 1895 / 1898 / 1902 (het.reg = het.err = TRUE,
    # the defaults, = our het_q = het_omega = True without HAC).
    ci = res.ci.iloc[0]
    assert (ci["lower95"], ci["position"], ci["upper95"]) == (25, 28, 32)
    assert (ci["lower95_date"], ci["date"], ci["upper95_date"]) == (1895, 1898, 1902)


# ------------------------------------------------------ RealInt (strucchange, BP 2003)
def test_realint_data_and_strucchange(realint: pd.Series) -> None:
    # strucchange-Ex.Rout.save, example "RealInt": summary(breakpoints(RealInt ~ 1, h = 15))
    ssr, dates = global_breaks(realint, h=15, max_breaks=5)
    assert [dates[m] for m in range(1, 6)] == [
        (79,),
        (47, 79),
        (24, 47, 79),
        (24, 47, 64, 79),
        (16, 31, 47, 64, 79),
    ]
    np.testing.assert_allclose(
        ssr, [1214.9, 645.0, 456.0, 445.2, 444.9, 449.6], atol=0.05
    )  # printed to 1 decimal
    res = bai_perron(realint, trim=0.15, cov_type="homo", select="bic")
    np.testing.assert_allclose(
        res.info_criteria["bic_loglik"], [555.7, 499.8, 473.3, 480.1, 489.3, 499.7], atol=0.05
    )
    # coef(bp.ri, breaks = 3): 1.8236167 0.8660848 -1.7961384 5.6428896, with
    # breakdates 1966(4), 1972(3), 1980(3); these also validate the data file.
    r3 = bai_perron(realint, trim=0.15, select="sequential")
    np.testing.assert_allclose(
        r3.coefs["coef"], [1.8236167, 0.8660848, -1.7961384, 5.6428896], atol=5e-8
    )
    assert [str(d) for d in r3.break_dates] == ["1966Q4", "1972Q3", "1980Q3"]


def test_realint_global_and_tests_gauss(ri_seq: BreakResult) -> None:
    # GAUSS real.out: SSR of the global optima and supF tests (4 decimals printed);
    # mbreaks vignette prints the same supF values to 3 decimals.
    np.testing.assert_allclose(
        ri_seq.info_criteria["ssr"][1:],
        [644.9955, 455.9502, 445.1819, 444.8797, 449.6395],
        atol=5e-5,
    )
    t = ri_seq.tests.set_index("test")
    supf = [57.9058, 43.0143, 33.3228, 24.7706, 18.3259]
    np.testing.assert_allclose([t.loc[f"supF({k})", "stat"] for k in range(1, 6)], supf, atol=5e-5)
    assert ri_seq.udmax == pytest.approx(57.9058, abs=5e-5)
    assert ri_seq.wdmax == pytest.approx(57.9058, abs=5e-5)  # all four levels in real.out
    # supF(l+1|l) with global minimisers: 33.9275 (new break 47), 14.7246 (24),
    # 0.0330 (64), 0.0000 (no room left)
    for name, val, nb in [
        ("supF(2|1)", 33.9275, 47),
        ("supF(3|2)", 14.7246, 24),
        ("supF(4|3)", 0.0330, 64),
    ]:
        assert t.loc[name, "stat"] == pytest.approx(val, abs=5e-5)
        assert t.loc[name, "new_break"] == nb
    assert t.loc["supF(5|4)", "stat"] == 0.0
    assert pd.isna(t.loc["supF(5|4)", "new_break"])


def test_realint_selection_gauss(ri_seq: BreakResult) -> None:
    ic = ri_seq.info_criteria
    # GAUSS real.out "Values of BIC and lwz with i breaks"
    np.testing.assert_allclose(
        ic["bic"], [2.4677, 1.9245, 1.6676, 1.7337, 1.8231, 1.9237], atol=5e-5
    )
    np.testing.assert_allclose(
        ic["lwz"], [2.4775, 2.0095, 1.8282, 1.9703, 2.1360, 2.3136], atol=5e-5
    )
    assert (ri_seq.n_breaks_bic, ri_seq.n_breaks_lwz) == (2, 2)
    # sequential procedure: 3 breaks (79, 47, 24) at 10, 5, 2.5 %; 2 (79, 47) at 1 %
    seq = ri_seq.sequential.set_index("level")
    assert list(seq["n_breaks"]) == [3, 3, 3, 2]
    assert seq.loc[0.05, "breaks"] == (24, 47, 79)
    assert seq.loc[0.01, "breaks"] == (47, 79)
    assert ri_seq.n_breaks == 3 and ri_seq.n_breaks_supf_next == 3
    # Bai & Perron (2003a) dates 1966:4, 1972:3, 1980:3
    assert [str(d) for d in ri_seq.break_dates] == ["1966Q4", "1972Q3", "1980Q3"]


def test_realint_se_and_intervals_gauss(ri_seq: BreakResult, ri_bic: BreakResult) -> None:
    # GAUSS real.out, model of the sequential method (3 breaks): corrected s.e.
    # 0.1899 0.1535 0.5110 0.6029; 95 % C.I. [17,35] [32,48] [77,81];
    # 90 % C.I. [19,32] [36,48] [77,81].
    np.testing.assert_allclose(ri_seq.coefs["std_err"], [0.1899, 0.1535, 0.5110, 0.6029], atol=5e-5)
    ci = ri_seq.ci
    assert list(zip(ci["lower95"], ci["upper95"], strict=True)) == [(17, 35), (32, 48), (77, 81)]
    assert list(zip(ci["lower90"], ci["upper90"], strict=True)) == [(19, 32), (36, 48), (77, 81)]
    # model selected by BIC (2 breaks): coefficients 1.355037 -1.796138 5.642890,
    # corrected s.e. 0.1555 0.5110 0.6029 (mbreaks vignette: 1.355 (0.155),
    # -1.796 (0.511), 5.643 (0.603)); 95 % C.I. [36,48] [77,81]; 90 % [39,48] [77,81].
    assert ri_bic.breaks == (47, 79)
    np.testing.assert_allclose(ri_bic.coefs["coef"], [1.355037, -1.796138, 5.642890], atol=5e-7)
    np.testing.assert_allclose(ri_bic.coefs["std_err"], [0.1555, 0.5110, 0.6029], atol=5e-5)
    ci = ri_bic.ci
    assert list(zip(ci["lower95"], ci["upper95"], strict=True)) == [(36, 48), (77, 81)]
    assert list(zip(ci["lower90"], ci["upper90"], strict=True)) == [(39, 48), (77, 81)]
    assert [str(d) for d in ci["lower95_date"]] == ["1969Q4", "1980Q1"]


# ----------------------------------------------------------- other consistency checks
def test_homoskedastic_supf_is_q_times_chow_f() -> None:
    # With cov_type="homo" the BP statistic (Wald / k, BP table scaling) equals q times
    # the classical Chow F at the estimated break; Chow F from statsmodels' OLS.
    rng = np.random.default_rng(3)
    n = 120
    z = np.column_stack([np.ones(n), rng.standard_normal(n)])
    y = z @ [1.0, 0.5] + rng.standard_normal(n)
    y[70:] += 0.8 * z[70:, 1]
    res = bai_perron(y, z, trim=0.15, cov_type="homo", max_breaks=2)
    (k,) = res.global_breaks[1]
    dummy = (np.arange(n) >= k).astype(float)
    restricted = sm.OLS(y, z).fit()
    full = sm.OLS(y, np.column_stack([z, z * dummy[:, None]])).fit()
    chow = full.compare_f_test(restricted)[0]
    stat = res.tests.set_index("test").loc["supF(1)", "stat"]
    assert stat == pytest.approx(2 * chow, rel=1e-10)


def test_bartlett_long_run_cov_matches_statsmodels() -> None:
    # Without prewhitening our kernel sum (scaled back by n - d) is the Newey-West
    # "S" matrix of statsmodels' S_hac_simple, with lags from econ.models.hac
    # (NW 1994 rule).
    rng = np.random.default_rng(0)
    v = rng.standard_normal((250, 3))
    v[1:] += 0.5 * v[:-1]
    lags = bandwidth(250)
    assert lags == 4  # floor(4 * 2.5 ** (2/9)) = floor(4.90)
    ours = _long_run_cov(v, prewhiten=False, kernel="bartlett") * (250 - 3)
    np.testing.assert_allclose(ours, S_hac_simple(v, nlags=lags), rtol=1e-10)


def test_partial_change_matches_brute_force() -> None:
    # The iterative BP estimator of the partial-change model reaches the global
    # minimum found by enumerating all partitions (beta re-estimated each time).
    rng = np.random.default_rng(1)
    n, h = 60, 9
    x = rng.standard_normal((n, 1))
    z = np.ones((n, 1))
    y = 0.8 * x[:, 0] + rng.standard_normal(n)
    y[20:] += 2.0
    y[42:] -= 2.5
    for m in (1, 2):
        s, ends, _ = _partial_dating(y, z, x, h, m, 1e-10, 50)
        best, arg = np.inf, None
        for c in itertools.combinations(range(h, n - h + 1), m):
            if min(np.diff([0, *c, n])) < h:
                continue
            v = _ssr_full(y, z, x, c)
            if v < best - 1e-12:
                best, arg = v, c
        assert s == pytest.approx(best, rel=1e-10)
        assert ends == arg
    res = bai_perron(y, z, x, trim=0.15, cov_type="het")
    assert res.breaks == (20, 42) and res.p == 1
    assert list(res.coefs["regime"]) == [1, 2, 3, 0]


# ------------------------------------------------------------------- simulations
@pytest.mark.parametrize("seed", [11, 12, 13])
@pytest.mark.parametrize("cov_type", ["hac", "het"])
def test_two_large_breaks_recovered_exactly(seed: int, cov_type: str) -> None:
    # Mean 0 -> 8 -> 2 (shifts of 8 and 6 error s.d.) after observations 100 and 220:
    # misdating needs a draw beyond half the shift, P < 2 * 2 * Phi(-3) ~ 0.5 %.
    # (With 4-s.d. shifts seed 12 misdates the first break by one, as it may.)
    rng = np.random.default_rng(seed)
    n = 300
    y = rng.standard_normal(n)
    y[100:] += 8.0
    y[220:] -= 6.0
    res = bai_perron(
        pd.Series(y, index=pd.date_range("2000-01-31", periods=n, freq="ME")), cov_type=cov_type
    )
    assert res.breaks == (100, 220)
    assert res.n_breaks_sequential == res.n_breaks_bic == res.n_breaks_lwz == 2
    assert res.break_dates == [res.index[99], res.index[219]]
    for _, r in res.ci.iterrows():
        assert r["lower95"] <= r["position"] <= r["upper95"]
        assert r["upper95"] - r["lower95"] <= 6


def test_no_breaks_selected_under_the_null() -> None:
    # iid N(0,1), T = 150: sequential at 5 % should pick 0 breaks in most draws
    # (asymptotic false-positive rate 5 %); LWZ is even more conservative.
    zero_seq = zero_lwz = 0
    n_draws = 40
    for seed in range(n_draws):
        y = np.random.default_rng(1000 + seed).standard_normal(150)
        res = bai_perron(y, cov_type="het", max_breaks=3)
        zero_seq += res.n_breaks_sequential == 0
        zero_lwz += res.n_breaks_lwz == 0
    assert zero_seq >= 34  # >= 85 %
    assert zero_lwz >= 38


# ------------------------------------------------------------------------- API
def test_result_api(realint: pd.Series, ri_seq: BreakResult) -> None:
    frame = ri_seq.to_frame()
    assert set(frame["section"]) == {"test", "break", "coef", "n_breaks"}
    assert frame.loc[frame["name"] == "supF(1)", "estimate"].item() == pytest.approx(
        57.9058, abs=5e-5
    )
    assert (
        frame.loc[(frame["section"] == "n_breaks") & (frame["name"] == "bic"), "estimate"].item()
        == 2
    )
    text = ri_seq.summary()
    assert "supF(2|1)" in text and "1972Q3" in text
    sc = ri_seq.scalars()
    assert sc["n_breaks"] == 3 and sc["h"] == 15
    # plain arrays: break dates are 1-based observation numbers
    arr = bai_perron(realint.to_numpy(), select="bic")
    assert arr.break_dates == [47, 79]
    with pytest.raises(ValueError, match="trim"):
        bai_perron(realint, trim=0.12)
    with pytest.raises(ValueError, match="cov_type"):
        bai_perron(realint, cov_type="nw")  # type: ignore[arg-type]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = bai_perron(realint, trim=0.20, max_breaks=5)
    assert r.max_breaks == 3 and any("reduced" in str(x.message) for x in w)
