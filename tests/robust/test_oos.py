"""Out-of-sample tools: Diebold–Mariano against known answers, Clark–West against its formula.

Provenance
----------
Diebold–Mariano: R ``forecast::dm.test`` (R/DM2.R, Hyndman's forecast package) computes
``d = |e1|^p - |e2|^p``, ``V = (g0 + 2 sum_{k<h} g_k)/n`` (acf covariances, divisor n),
``DM = mean(d)/sqrt(V) * sqrt((n + 1 - 2h + h(h-1)/n)/n)``, p from t(n-1). The two cases below
are the test cases of the pure-Python ``dieboldmariano`` package (github.com/edoannunziata/
dieboldmariano, tests/dieboldmarianotest.py), which implements that formula; case 1 is also
worked by hand here: d = [0, -3, -5, 0, -9, -11], mean -14/3, biased variance 158/9,
DM = (-14/3)/sqrt(158/54) * sqrt(5/6) = -2.4905, p = 2 pt(-2.4905, 5) = 0.05513.

Clark–West (2007, eq. 3.3): the adjusted MSPE difference regressed on a constant; its t-stat
is compared with statsmodels OLS (h = 1: conventional s.e.; h > 1: Newey–West with h-1 lags,
no small-sample correction) on a simulated nested pair.
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from econ.robust.oos import (
    clark_west,
    diebold_mariano,
    expanding_window_forecasts,
    oos_evaluation,
    score_direction,
)


def test_dm_case_1_hand_and_reference():
    target = np.zeros(6)
    p1, p2 = np.arange(6.0), np.array([0, 2, 3, 3, 5, 6.0])
    res = diebold_mariano(target - p1, target - p2)
    assert res.stat == pytest.approx(-2.4905, abs=1e-4)
    assert res.pvalue == pytest.approx(0.05513, abs=1e-5)
    d = (target - p1) ** 2 - (target - p2) ** 2
    hand = d.mean() / np.sqrt(np.mean((d - d.mean()) ** 2) / 6) * np.sqrt(5 / 6)
    assert res.stat == pytest.approx(hand, rel=1e-12)


P1 = [0.3675225224615024, 0.5450608127223211, 0.22044990720021074, 0.8688743471040006, 0.6072512228948467,
      0.8582283746501538, 0.41662295816718187, 0.3812100211114714, 0.7185133356116706, 0.30827323290318875,
      0.4297093624074402, 0.8615974488577858, 0.7240514514808826, 0.3450839595261038, 0.19675301374013598]
P2 = [0.12794132529988733, 0.3679643204341153, 0.768715420996091, 0.09972248964114683, 0.27197653636654284,
      0.28797629010039505, 0.9160213458582482, 0.6112628048698798, 0.5452873235576241, 0.06785907231746158,
      0.6072666485541124, 0.6241575753989782, 0.39998026828867217, 0.19895665605941748, 0.8094941215215619]


def test_dm_case_2_absolute_loss_h3_one_sided():
    # reference: stat 1.2109, one-sided p 0.877 (R's alternative="less": pt(DM, n-1))
    res = diebold_mariano(np.array(P1), np.array(P2), h=3, power=1, alternative="less")
    assert res.stat == pytest.approx(1.2109, abs=1e-4)
    assert res.pvalue == pytest.approx(0.877, abs=1e-3)
    greater = diebold_mariano(np.array(P1), np.array(P2), h=3, power=1, alternative="greater")
    assert greater.pvalue == pytest.approx(1 - res.pvalue)


def test_dm_without_hln_is_normal():
    rng = np.random.default_rng(0)
    e1, e2 = rng.standard_normal(200), rng.standard_normal(200) * 1.2
    raw = diebold_mariano(e1, e2, hln=False)
    d = e1**2 - e2**2
    assert raw.stat == pytest.approx(d.mean() / np.sqrt(np.mean((d - d.mean()) ** 2) / 200))


@pytest.fixture(scope="module")
def nested():
    """y = 0.3 x_{t-1} + e; restricted forecast = 0, unrestricted = fitted slope times x."""
    rng = np.random.default_rng(42)
    n = 300
    x = rng.standard_normal(n)
    y = 0.3 * np.r_[0, x[:-1]] + rng.standard_normal(n)
    f1 = np.zeros(n)
    f2 = 0.25 * np.r_[0, x[:-1]] + 0.05 * rng.standard_normal(n)
    return y, f1, f2


@pytest.mark.parametrize("h", [1, 3])
def test_clark_west_formula(nested, h):
    y, f1, f2 = nested
    res = clark_west(y, f1, f2, h=h)
    c = (y - f1) ** 2 - ((y - f2) ** 2 - (f1 - f2) ** 2)
    ones = np.ones((len(c), 1))
    if h == 1:
        fit = sm.OLS(c, ones).fit()
    else:
        fit = sm.OLS(c, ones).fit(cov_type="HAC", cov_kwds={"maxlags": h - 1, "use_correction": False})
    assert res.stat == pytest.approx(float(fit.tvalues[0]), rel=1e-10)
    assert res.stat > 2 and res.pvalue < 0.05  # the true model forecasts better


def test_expanding_window_has_no_look_ahead():
    rng = np.random.default_rng(1)
    idx = pd.date_range("2020-01-03", periods=80, freq="W-FRI")
    x = pd.Series(rng.standard_normal(80), index=idx, name="x")
    y = pd.Series(0.5 * x.shift(1).fillna(0).to_numpy() + rng.standard_normal(80), index=idx, name="y")
    fc = expanding_window_forecasts(y, x, initial=30)
    # forecast of y at position 40 (origin 39) uses pairs (x_s, y_{s+1}) with s+1 <= 39
    t = 39
    Z = np.column_stack([np.ones(t), x.to_numpy()[:t]])
    coef = np.linalg.lstsq(Z, y.to_numpy()[1 : t + 1], rcond=None)[0]
    assert fc.loc[idx[t + 1], "model"] == pytest.approx(coef[0] + coef[1] * x.iloc[t])
    assert fc.loc[idx[t + 1], "mean"] == pytest.approx(y.iloc[: t + 1].mean())
    # changing the future leaves earlier forecasts untouched
    y2 = y.copy()
    y2.iloc[60:] += 100
    fc2 = expanding_window_forecasts(y2, x, initial=30)
    pd.testing.assert_series_equal(fc.loc[: idx[60], "model"], fc2.loc[: idx[60], "model"])
    assert fc.index[0] == idx[31] and len(fc) == 80 - 31


def test_oos_evaluation_detects_a_real_predictor():
    rng = np.random.default_rng(2)
    idx = pd.date_range("2010-01-01", periods=600, freq="W-FRI")
    x = pd.Series(rng.standard_normal(600), index=idx)
    y = pd.Series(0.4 * x.shift(1).fillna(0).to_numpy() + rng.standard_normal(600), index=idx)
    res = oos_evaluation(y, x.rename("x"), initial=150)
    t = res.to_frame().set_index("benchmark")
    assert t.loc["historical mean", "r2_oos"] > 0.05 and t.loc["historical mean", "cw_p"] < 0.01
    noise = oos_evaluation(pd.Series(rng.standard_normal(600), index=idx), x.rename("x"), initial=150)
    assert noise.to_frame().loc[0, "r2_oos"] < 0.02


def test_score_direction_known_path():
    idx = pd.bdate_range("2015-01-01", "2020-12-31")
    s = pd.Series(np.linspace(0, 1, len(idx)), index=idx)  # rises steadily
    out = score_direction(s, "2019-06-30", +1, horizons_months=(3, 12))
    assert out["hit"].all() and out["complete"].all()
    assert (out["base_rate"] == 1.0).all()  # every earlier window rose too
    assert out.loc[0, "start"] == pd.Timestamp("2019-06-28")
    down = score_direction(s, "2019-06-30", -1, horizons_months=(3,))
    assert not down.loc[0, "hit"] and down.loc[0, "base_rate"] == 0.0
    late = score_direction(s, "2020-10-01", +1, horizons_months=(12,))
    assert not late.loc[0, "complete"] and late.loc[0, "end"] == idx[-1]
