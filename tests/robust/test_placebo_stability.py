"""Placebo tests, sub-sample stability and the fast null-draw OLS, on data with a known truth."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.regression.rolling import RollingOLS

from econ.models.regression import ols_hac
from econ.robust.fastols import slope_hac
from econ.robust.placebo import fake_event_dates, lead_lag_placebo, permutation_placebo
from econ.robust.stability import rolling_estimates, stability


@pytest.fixture(scope="module")
def related():
    rng = np.random.default_rng(8)
    idx = pd.date_range("2015-01-02", periods=400, freq="W-FRI")
    x = pd.Series(rng.standard_normal(400), index=idx, name="x")
    y = pd.Series(0.5 * x.to_numpy() + rng.standard_normal(400), index=idx, name="y")
    return y, x


@pytest.mark.parametrize("method", ["shuffle", "block", "circular"])
def test_permutation_placebo_rejects_a_real_relation(related, method):
    y, x = related
    res = permutation_placebo(y, x, method=method, n_draws=199, seed=1)
    assert res.observed == pytest.approx(float(np.polyfit(x, y, 1)[0]))
    assert res.pvalue == pytest.approx(1 / 200)        # no permuted slope comes close
    assert abs(res.draws.mean()) < 0.05
    again = permutation_placebo(y, x, method=method, n_draws=199, seed=1)
    np.testing.assert_array_equal(res.draws, again.draws)  # seeded


def test_permutation_placebo_keeps_size_under_the_null():
    rng = np.random.default_rng(0)
    rejections = 0
    for _ in range(60):
        y, x = rng.standard_normal(120), rng.standard_normal(120)
        rejections += permutation_placebo(y, x, method="shuffle", n_draws=99, seed=int(rng.integers(1e6))).pvalue <= 0.05
    assert rejections <= 8  # nominal 3 of 60; binomial(60, 0.05) exceeds 8 with prob < 0.3%


def test_block_permutation_keeps_the_values():
    from econ.robust.placebo import _permute

    x = np.arange(23.0)
    out = _permute(x, np.random.default_rng(0), "block", 5)
    assert sorted(out) == list(x)
    i = 0
    while i < len(out):  # whole blocks moved: each starts at a multiple of 5 and runs on
        start = int(out[i])
        length = min(5, 23 - start)
        assert start % 5 == 0 and list(out[i:i + length]) == list(range(start, start + length))
        i += length


def test_lead_lag_placebo(related):
    y, x = related
    t = lead_lag_placebo(y, x, leads=(1, 2), lags=(0, 1)).table.set_index("shift")
    direct = ols_hac(y, x.to_frame())
    assert t.loc[0, "beta"] == pytest.approx(float(direct.params["x"]))
    assert t.loc[0, "pvalue"] < 1e-6
    assert (t.loc[[1, 2], "pvalue"] > 0.01).all() and t.loc[1, "role"] == "lead (placebo)"
    assert t.loc[1, "nobs"] == 399


def test_fake_event_dates_hypergeometric():
    cand = pd.date_range("2020-01-01", periods=100, freq="D")
    special = set(cand[::10])  # 10 special dates

    def stat(dates):
        return float(sum(d in special for d in dates))

    res = fake_event_dates(stat, list(cand[[0, 10, 20]]), cand, n_draws=999, seed=3)
    assert res.observed == 3
    assert res.draws.mean() == pytest.approx(3 * 10 / 100, abs=0.06)  # hypergeometric mean
    exact = stats.hypergeom(100, 10, 3).sf(2)  # P(all three special) = 7.4e-4
    assert res.pvalue <= 0.005 and exact < 0.001


def test_stability_finds_a_known_mean_shift():
    rng = np.random.default_rng(4)
    idx = pd.date_range("2010-01-01", periods=300, freq="W-FRI")
    y = pd.Series(np.r_[np.zeros(150), np.full(150, 1.0)] + 0.5 * rng.standard_normal(300), index=idx)
    st = stability(y, None, window=52, max_breaks=3)
    assert st.n_breaks == 1
    assert abs(idx.get_loc(pd.Timestamp(st.breaks.break_dates[0])) - 149) <= 2
    row = st.summary_row("const")
    assert row["best_break"] == st.breaks.break_dates[0].strftime("%Y-%m-%d")
    assert row["before"] == pytest.approx(0.0, abs=0.15) and row["after"] == pytest.approx(1.0, abs=0.15)
    assert len(st.regimes) == 2 and st.udmax > st.udmax_crit5


def test_rolling_estimates_match_statsmodels(related):
    y, x = related
    got = rolling_estimates(y, x, 52)
    ref = RollingOLS(y, pd.concat([pd.Series(1.0, index=x.index, name="const"), x], axis=1), window=52).fit()
    np.testing.assert_allclose(got["x"], ref.params["x"].dropna())
    np.testing.assert_allclose(got["x__se"], ref.bse["x"].dropna())


@pytest.mark.parametrize("rule", ["nw1994", "andrews", "nw-auto"])
def test_slope_hac_equals_ols_hac(rule):
    rng = np.random.default_rng(9)
    n = 250
    x = np.convolve(rng.standard_normal(n + 3), [1, 0.6, 0.3, 0.1], "valid")[:n]
    y = 0.2 * x + np.convolve(rng.standard_normal(n + 2), [1, 0.5, 0.2], "valid")[:n]
    ref = ols_hac(pd.Series(y), pd.DataFrame({"x": x}), rule=rule)
    b, se, p, nobs = slope_hac(y, x, rule=rule)
    assert (b, se, p, nobs) == pytest.approx((ref.params["x"], ref.bse["x"], ref.pvalues["x"], ref.nobs), rel=1e-10)


def test_slope_hac_fixed_lags_two_regressors():
    rng = np.random.default_rng(10)
    X = rng.standard_normal((200, 2))
    y = X @ [0.3, -0.2] + rng.standard_normal(200)
    ref = ols_hac(pd.Series(y), pd.DataFrame(X, columns=["a", "b"]), rule="fixed", lags=6)
    b, se, p, _ = slope_hac(y, X, rule="fixed", lags=6)
    assert (b, se, p) == pytest.approx((ref.params["a"], ref.bse["a"], ref.pvalues["a"]), rel=1e-10)
