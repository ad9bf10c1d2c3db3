"""C11 — mean-reversion bands of the small/large ratios (Seed 002, 财信证券).

Claim: the Shenwan small/large price ratio (both indices based 1000 on 1999-12-30) moves in a
band: mean 122.11%, ±1 sd [82.46%, 161.75%], ±2 sd [42.82%, 201.40%], 128.91% on 2024-03-12;
likewise the P/E ratio (mean 238.71%, ±1 sd 159.97–317.45%, 176.42%) and the turnover ratio
(mean 354.06%, 294.25%). Touching ±2 sd triggers a reversal.

Data (what is possible, declared):

* **Price ratios** of every small-cap proxy: Shenwan small 801813 / Shenwan large 801811
  (headline: the article's own ratio; the published levels are both based 1000 on
  1999-12-30, so their ratio is the article's ratio without rebasing, but 801811 exists in
  the vault only from 2015-01-05, so mean and sd are over 2015–2024, not 2000–2024),
  CSI 1000, CSI 2000, CSI 500 and the Wind micro-cap index over CSI 300.
* **P/E ratio**: CSI 500 / CSI 300 published TTM P/E (2011-06 on). Shenwan large has no
  public P/E, so the article's Shenwan P/E ratio cannot be rebuilt; the CSI pair stands in.
* **Turnover ratio**: Shenwan small / Shenwan large daily turnover rate (2015–2024).
* The article's P/B ratio (mean 144.15%) is untestable: no public P/B for Shenwan large.

What we do, for each ratio ``R`` (in %):

1. **Bands** on daily data: mean, sd (ddof 1), mean ± 1 and ± 2 sd, the value on
   2024-03-12, beside the article's numbers.
2. **Unit root / stationarity** of the monthly log ratio: ADF (AIC lags), Phillips–Perron,
   KPSS (null: stationary) and the Lo–MacKinlay variance ratio at 12 months, constant only.
3. **Half-life** from an AR(1) of the monthly log ratio, ``log R_t = c + ρ log R_{t-1} + e``:
   ``ln 0.5 / ln ρ`` months, with the 95% interval mapped from ρ's HAC interval (infinite
   when it reaches 1) and a Kendall (1954) bias-corrected ``ρ + (1 + 3ρ)/T`` beside it.
4. **Predictive regressions** of the future h-month log relative price return of the pair
   (h = 3, 6, 12) on the z-score of ``R``: ``Σ_{j=1..h} r_{t+j} = a + b z_t + u``.
   The z-score is either *in-sample* (full-sample mean and sd: the article's bands, with
   look-ahead) or *real-time* (expanding mean and sd of data up to t, after a burn-in of
   MIN_HISTORY_YEARS; no look-ahead). Standard errors: Hodrick (1992) 1B and Newey–West
   HAC with at least h − 1 lags. Because ``z`` is a near-unit-root regressor whose
   innovations are the returns themselves (Stambaugh 1999 bias), the headline slope also
   gets a **random-walk bootstrap** p-value: the monthly relative returns are resampled
   i.i.d. (drift kept), the ratio rebuilt, z recomputed the same way and the slope
   re-estimated (N_BOOT draws; one-sided, small slopes count against the claim).
5. **Band touches** on daily data: an upper (lower) touch is the first day with
   ``z ≥ +2`` (``z ≤ −2``) after the ratio was inside the band; the side re-arms only once
   ``|z|`` is back within REARM_Z = 1 sd, so one excursion counts once. After each touch,
   the log relative price return over the next 63/126/252 trading days (3/6/12 months)
   is compared with the unconditional distribution by ``econ.models.events.event_study``
   (zero benchmark; placebo p-value from random dates outside the touch windows; one-sided
   in the reversal direction). In-sample and real-time bands are both reported.

Parts (declared in ``studies/claims.toml``), on the headline ratio (SW small/large, monthly):
*stationary* (AR(1) ρ − 1 with the ADF p), *predictive* (12-month slope on the real-time
z-score; its grid's Romano–Wolf p enters the verdict) and *on_article_date* (the level the
article quotes for 2024-03-12). The band-touch events are reported as evidence. The verdict
engine decides.

Robustness grid (declared; ``econ.robust``): ratio × frequency (M, W) × z-score (real-time,
in-sample) × horizon (3, 6, 12 months) × errors (Hodrick 1B, HAC), the slope of step 4 in every
cell. **Null of the joint test** (Simonsohn–Simmons–Nelson) and of the Romano–Wolf p-values: no
predictability with both series' own dynamics kept — each spec's z-score is circularly shifted
against its forward returns by a common fraction U(NULL_SHIFT) of that spec's sample (one
``u = null.uniform(k)`` per draw ``k``, the same for every spec, as A2 does), and the slope is
re-estimated with the spec's own errors (Hodrick 1B and HAC(max(NW 1994, h − 1)) both computed
in closed form for all draws at once, :func:`null_slopes`; equal to ``ols_hac`` to rounding);
NULL_DRAWS draws. Caveat (measured): a rotation breaks the timing between z and the returns but
not the mechanical link of a level-based z with its own past returns, so under a random walk the
observed slopes keep their finite-sample (Stambaugh, look-ahead) downward bias while the rotated
ones are centred near zero: the joint test is liberal for the claimed negative sign, and the
random-walk bootstrap of step 4 remains the test of the headline slope.

All three → supported; none → not supported; otherwise mixed. The same criteria are shown for
every ratio. Private helpers here: z-scores, the AR(1) half-life transform, the touch rule and
the random-walk bootstrap of the predictive slope (econ.models has no generic piece for them);
regressions, unit-root tests and event statistics come from econ.models.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
import weakref
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import special

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.data.panel import build_panel
from econ.models.events import event_study
from econ.models.hac import choose_bandwidth
from econ.models.predictive_power import ReversionPowerResult, reversion_power
from econ.models.regression import RegressionResult, ols_hac, overlapping_sum
from econ.models.unitroot import unit_root_battery
from econ.policy import ALPHA
from econ.robust import Grid, NullDraws, Spec, SpecEstimate, run_grid
from econ.robust.executor import underlying_loader
from econ.robust.leanols import LeanOLS, lean_ols
from econ.study import Figure, PartResult, Study, StudyResult, Table, z_ci
from studies import declared
from studies.common import BACK_CALCULATED_MARK, BACK_CALCULATED_NOTE, LAUNCHED, Proxy, launch_of


@dataclasses.dataclass(frozen=True)
class Ratio:
    """A ratio ``small / large`` and the price pair whose relative return it should predict."""

    label: str
    kind: str  # "price", "P/E" or "turnover"
    small: str
    large: str
    price_small: str
    price_large: str
    start: str | None = None  # first date used (launch-date robustness rows); None = the whole history

    @property
    def launch(self) -> pd.Timestamp | None:
        """The later publisher launch of the two price indices (``None``: not back-calculated in the vault)."""
        return launch_of(Proxy(self.label, self.price_small, self.price_large))


def _price(label: str, small: str, large: str = "cn.index.csi300.close", start: str | None = None) -> Ratio:
    return Ratio(label, "price", small, large, small, large, start)


RATIOS: tuple[Ratio, ...] = (
    _price("SW small/large", "cn.index.sw_small.close", "cn.index.sw_large.close"),
    _price("CSI 1000/CSI 300", "cn.index.csi1000.close"),
    _price("CSI 2000/CSI 300", "cn.index.csi2000.close"),
    _price("CSI 500/CSI 300", "cn.index.csi500.close"),
    _price("Micro-cap/CSI 300", "cn.index.microcap.close"),
    Ratio("P/E CSI 500/CSI 300", "P/E", "cn.valuation.csi500.pe", "cn.valuation.csi300.pe",
          "cn.index.csi500.close", "cn.index.csi300.close"),
    Ratio("Turnover SW small/large", "turnover", "cn.index.sw_small.turnover", "cn.index.sw_large.turnover",
          "cn.index.sw_small.close", "cn.index.sw_large.close"),
)
#: Launch-date robustness rows (point 13): the back-calculated price ratios re-estimated from the
#: later launch of their two indices. Not in the grid. CSI 2000 (launched 2023-08-11) leaves too
#: few months after its launch for the monthly tests and has no row.
LAUNCH_RATIOS: tuple[Ratio, ...] = tuple(
    _price(f"{r.label} from launch", r.small, r.large, start=LAUNCHED[r.small])
    for r in RATIOS if r.kind == "price" and r.small in LAUNCHED and r.small != "cn.index.csi2000.close")
RATIO_BY_LABEL = {r.label: r for r in (*RATIOS, *LAUNCH_RATIOS)}

HEADLINE = "SW small/large"
LONGEST = "CSI 1000/CSI 300"
HEADLINE_FREQ = "M"
HEADLINE_HORIZON = 12  # months
ARTICLE_DATE = "2024-03-12"
#: The article's numbers (percent); the P/E row is Shenwan small/large P/E, ours CSI 500/CSI 300.
ARTICLE = {
    "SW small/large": {"mean": 122.11, "-1 sd": 82.46, "+1 sd": 161.75, "-2 sd": 42.82, "+2 sd": 201.40,
                       "on_date": 128.91},
    "P/E CSI 500/CSI 300": {"mean": 238.71, "-1 sd": 159.97, "+1 sd": 317.45, "on_date": 176.42},
    "Turnover SW small/large": {"mean": 354.06, "on_date": 294.25},
}
ARTICLE_LABEL = {
    "SW small/large": "Article: SW small/large 2000–2024",
    "P/E CSI 500/CSI 300": "Article: SW small/large P/E",
    "Turnover SW small/large": "Article: SW turnover ratio",
}
BAND_Z = 2.0
REARM_Z = 1.0
MIN_HISTORY_YEARS = 3
HORIZONS = (3, 6, 12)  # months
PERIODS_PER_YEAR = {"D": 252, "W": 52, "M": 12}
VR_LAGS = 12  # months
N_BOOT = 999
N_EVENT_DRAWS = 2000
SEED = 20240312
NULL_DRAWS = 199           # joint test / Romano–Wolf of the grid
NULL_SEED = SEED
NULL_SHIFT = (0.1, 0.9)    # circular shift of the z-score, as a fraction of each spec's sample
#: Power of the headline predictive regression (econ.models.predictive_power): AR(1) half-lives
#: of the log ratio in months (inf = random walk, the null) and the declared alternative.
POWER_HALF_LIVES = (math.inf, 60.0, 36.0, 24.0, 12.0, 6.0)
POWER_HALF_LIFE = 12.0      # "touching the band triggers a reversal": half the deviation gone within a year
POWER_REPS = 2000
SHENWAN_NOTE = ("The headline pair, Shenwan small 801813 over Shenwan large 801811, is not in the package's list of "
                "back-calculated indices (studies.common.LAUNCHED): its vault history (from 2015) is taken as "
                "published, so the headline needs no launch-date row.")

GRID = Grid(
    {"ratio": [r.label for r in RATIOS], "freq": ["M", "W"], "z": ["real-time", "in-sample"],
     "horizon": list(HORIZONS), "errors": ["hodrick", "hac"]},
    exclude=[],  # every combination is estimable: each ratio has ≥ 9 years of data
)
HEADLINE_SPEC = declared.headline("C11.predictive")


def _mark(ratio: Ratio, first: pd.Timestamp) -> str:
    """The ratio's label, with the back-calculation mark when its sample starts before its launch."""
    launch = ratio.launch
    return f"{ratio.label} {BACK_CALCULATED_MARK}" if launch is not None and first < launch else ratio.label


# ----------------------------------------------------------------------------- data
_PANELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _panel_ids(ratio: Ratio) -> dict[str, str]:
    """The panel columns of ``ratio`` and their series ids (the prices only where the ratio is not one)."""
    cols = {"small": ratio.small, "large": ratio.large}
    if ratio.kind != "price":
        cols |= {"price_small": ratio.price_small, "price_large": ratio.price_large}
    return cols


def ratio_panel(loader: DataLoader, ratio: Ratio, freq: str) -> pd.DataFrame:
    """The ratio (percent) and the log price ratio of its pair at ``freq`` (built once per loader).

    The study's run and its grid read through different recording proxies of one loader: the
    panel is kept for the loader under them, while its series are still fetched through
    ``loader`` (a memoised read) so that every proxy records them.

    Returns
    -------
    pandas.DataFrame
        Columns ``ratio`` (100 × small / large, period-end value; for turnover the ratio of
        period means) and ``log_rel`` (log of the small/large price ratio), on dates where all
        inputs are observed.
    """
    cols = _panel_ids(ratio)
    for sid in cols.values():
        loader.fetch(sid)
    cache = _PANELS.setdefault(underlying_loader(loader), {})
    key = (ratio.label, freq)
    if key not in cache:
        p = build_panel(loader, cols, freq=freq, dropna="any", calendar="inner" if freq == "D" else None,
                        min_rows=24, start=ratio.start)
        ps, pl = (p["small"], p["large"]) if ratio.kind == "price" else (p["price_small"], p["price_large"])
        cache[key] = pd.DataFrame({"ratio": 100.0 * p["small"] / p["large"], "log_rel": np.log(ps / pl)})
    return cache[key]


def zscore(x: pd.Series, how: str, min_periods: int) -> pd.Series:
    """In-sample (full-sample mean/sd) or real-time (expanding mean/sd up to t) z-score.

    Every reversal test passes the *log* ratio: a ratio that trends multiplicatively has
    bands symmetric in logs, and a level band ``mean − 2 sd`` can fall below zero.
    """
    if how == "in-sample":
        return (x - x.mean()) / x.std()
    if how == "real-time":
        ex = x.expanding(min_periods=min_periods)
        return (x - ex.mean()) / ex.std()
    raise ValueError(f"how must be 'in-sample' or 'real-time', got {how!r}")


def horizon_periods(months: int, freq: str) -> int:
    """A horizon in months as a number of periods at ``freq`` (3 months = 13 weeks = 63 days)."""
    return int(round(months * PERIODS_PER_YEAR[freq] / 12))


def _memo(loader: DataLoader, key: tuple, compute: Callable[[], object]) -> object:
    """``compute()`` once per loader and ``key`` (in the same per-loader cache as the panels).

    The study's own table and the grid's monthly specs run the same regressions on the same
    panels; the grid's null hook needs each (ratio, frequency, z) sample once, not once per spec.
    """
    cache = _PANELS.setdefault(loader, {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def cached_predictive_regression(loader: DataLoader, ratio: Ratio, freq: str, horizon: int, *, z: str, cov: str,
                                 min_periods: int) -> PredictiveFit:
    """:func:`predictive_fit` on :func:`ratio_panel` ``(loader, ratio, freq)``, computed once per loader.

    Keyed by the loader under the recording proxies: the study's table and its grid (each with
    its own proxy) share the monthly regressions.
    """
    panel = ratio_panel(loader, ratio, freq)  # read through ``loader``, so its proxy records the inputs
    base, h, mp = underlying_loader(loader), int(horizon), int(min_periods)

    def frame_and_y() -> tuple[pd.DataFrame, pd.Series]:
        frame = _cached_base(base, panel, ratio, freq, z, mp)
        return frame, overlapping_sum(frame["r"], h).rename(f"r_{h}")

    def fit() -> PredictiveFit:
        # the Hodrick and the HAC fit of a sample share its frame
        frame, y = _memo(base, ("predictive_frame", ratio.label, freq, h, z, mp), frame_and_y)
        return _fit_on_frame(panel, frame, y, h, z=z, cov=cov, min_periods=mp)

    return _memo(base, ("predictive_regression", ratio.label, freq, h, z, cov, mp), fit)


def cached_predictive_inputs(loader: DataLoader, ratio: Ratio, freq: str, z: str,
                             min_periods: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`predictive_inputs` on :func:`ratio_panel` ``(loader, ratio, freq)``, computed once per loader."""
    panel = ratio_panel(loader, ratio, freq)  # read through ``loader``, so its proxy records the inputs
    base, mp = underlying_loader(loader), int(min_periods)
    return _memo(base, ("predictive_inputs", ratio.label, freq, z, mp),
                 lambda: _inputs_of(_cached_base(base, panel, ratio, freq, z, mp)))


def _cached_base(base: DataLoader, panel: pd.DataFrame, ratio: Ratio, freq: str, z: str,
                 min_periods: int) -> pd.DataFrame:
    """:func:`_predictive_base` of the panel, once per loader: every horizon and the null draws share it."""
    return _memo(base, ("predictive_base", ratio.label, freq, z, min_periods),
                 lambda: _predictive_base(panel, z, min_periods))


# ----------------------------------------------------------------------------- estimates
@dataclasses.dataclass(frozen=True)
class PredictiveFit:
    """The slope on ``z`` of a predictive regression: what the study reads of its
    :class:`RegressionResult` (``params``, ``bse``, ``pvalues``, ``conf_int`` at ``"z"``,
    ``nobs``, ``rsquared``, ``start``, ``end``, ``bandwidth``)."""

    beta: float
    se: float
    p: float
    ci: tuple[float, float]
    nobs: int
    rsquared: float
    start: pd.Timestamp
    end: pd.Timestamp
    bandwidth: int | None

    @classmethod
    def of(cls, res: RegressionResult) -> PredictiveFit:
        """The fit as ``ols_hac`` reports it."""
        lo, hi = res.conf_int.loc["z"]
        return cls(beta=float(res.params["z"]), se=float(res.bse["z"]), p=float(res.pvalues["z"]),
                   ci=(float(lo), float(hi)), nobs=res.nobs, rsquared=res.rsquared, start=res.start,
                   end=res.end, bandwidth=res.bandwidth)


def _predictive_base(panel: pd.DataFrame, z: str, min_periods: int) -> pd.DataFrame:
    """Row ``t``: ``z_t`` and ``r_{t+1}``, from the first valid z-score."""
    zs = zscore(np.log(panel["ratio"]), z, min_periods).rename("z")
    r1 = panel["log_rel"].diff().shift(-1).rename("r")
    return pd.concat([zs, r1], axis=1).loc[zs.first_valid_index():]


def _predictive_frame(panel: pd.DataFrame, horizon: int, z: str, min_periods: int) -> tuple[pd.DataFrame, pd.Series]:
    """Row ``t``: ``z_t`` and ``r_{t+1}`` from the first valid z-score (:func:`_predictive_base`);
    and ``y`` = the forward ``horizon``-sum of ``r``."""
    frame = _predictive_base(panel, z, min_periods)
    return frame, overlapping_sum(frame["r"], horizon).rename(f"r_{horizon}")


def predictive_regression(panel: pd.DataFrame, horizon: int, *, z: str, cov: str,
                          min_periods: int) -> RegressionResult:
    """Regress the forward ``horizon``-period log relative return on the ratio's z-score.

    Row ``t`` holds ``z_t`` and the one-period return ``r_{t+1} = log_rel_{t+1} − log_rel_t``;
    the dependent variable is ``overlapping_sum(r, horizon)``. ``cov``: ``"hodrick"`` or
    ``"hac"`` (Newey–West, lags ≥ horizon − 1).
    """
    frame, y = _predictive_frame(panel, horizon, z, min_periods)
    if cov == "hodrick":
        return ols_hac(y, frame[["z"]], cov="hodrick", horizon=horizon, one_period=frame["r"])
    return ols_hac(y, frame[["z"]], cov="hac", horizon=horizon)


def predictive_fit(panel: pd.DataFrame, horizon: int, *, z: str, cov: str, min_periods: int) -> PredictiveFit:
    """:func:`predictive_regression` as a :class:`PredictiveFit`, by :func:`lean_ols` where it
    applies (the same floats, ~30x faster), else through ``ols_hac``."""
    frame, y = _predictive_frame(panel, horizon, z, min_periods)
    return _fit_on_frame(panel, frame, y, horizon, z=z, cov=cov, min_periods=min_periods)


def _fit_on_frame(panel: pd.DataFrame, frame: pd.DataFrame, y: pd.Series, horizon: int, *, z: str, cov: str,
                  min_periods: int) -> PredictiveFit:
    """:func:`predictive_fit` given ``_predictive_frame(panel, horizon, z, min_periods)``."""
    fit = _lean_predictive(frame, y, horizon, cov)
    if fit is None:
        return PredictiveFit.of(predictive_regression(panel, horizon, z=z, cov=cov, min_periods=min_periods))
    return fit


def _lean_predictive(frame: pd.DataFrame, y: pd.Series, horizon: int, cov: str) -> PredictiveFit | None:
    """The lean fit on ``ols_hac``'s sample, or ``None`` where that sample is not the plain one.

    Plain: ``z`` and ``r`` complete on one unbroken block of rows and ``y`` present exactly on
    its first ``len − h + 1`` rows. Then ``ols_hac`` regresses on those rows, and Hodrick's
    rolled-back sums run over the whole block (its ``_trim`` of ``r`` and ``z``).
    """
    valid = frame.notna().all(axis=1).to_numpy()
    if not valid.any():
        return None
    first, last = int(np.argmax(valid)), len(valid) - int(np.argmax(valid[::-1]))
    m = last - first - horizon + 1
    yv = y.to_numpy(dtype=float)
    expected = np.zeros(len(yv), dtype=bool)
    expected[first:first + max(m, 0)] = True
    if m < 1 or not valid[first:last].all() or not np.array_equal(~np.isnan(yv), expected):
        return None
    zv, rv = frame["z"].to_numpy(dtype=float), frame["r"].to_numpy(dtype=float)
    ys = yv[first:first + m]
    if cov == "hodrick":
        lean = lean_ols(ys, zv[first:last], cov="hodrick", horizon=horizon, one_period=rv[first:last])
    else:
        lean = lean_ols(ys, zv[first:first + m], cov="hac", horizon=horizon)
    if lean is None:
        return None
    beta, se, p, ci = lean.coef(1)
    return PredictiveFit(beta=beta, se=se, p=p, ci=ci, nobs=lean.nobs, rsquared=_rsquared(lean, ys, zv[first:first + m]),
                         start=frame.index[first], end=frame.index[first + m - 1], bandwidth=lean.bandwidth)


def _rsquared(lean: LeanOLS, y: np.ndarray, x: np.ndarray) -> float:
    """statsmodels' ``rsquared`` with an intercept: ``1 − ssr / centered_tss``, on the design
    laid out as statsmodels receives it (Fortran order). ``OLS`` is a ``WLS`` with unit
    weights, so ``centered_tss`` takes its weighted branch."""
    Z = np.empty((2, len(x))).T
    Z[:, 0] = 1.0
    Z[:, 1] = x
    resid = y - np.dot(Z, lean.params)
    weights = np.ones(len(y))
    mean = np.average(y, weights=weights)
    return float(1 - np.dot(resid, resid) / np.sum(weights * (y - mean) ** 2))


def half_life(log_ratio: pd.Series, periods_per_month: float = 1.0) -> dict[str, float]:
    """AR(1) of a (log) ratio and its half-life in months.

    Returns ``rho``, its HAC ``se`` and 95% bounds, ``halflife`` = ln 0.5 / ln ρ (in months:
    periods / ``periods_per_month``), its interval from ρ's interval (``inf`` once ρ ≥ 1),
    the Kendall bias-corrected ``rho_bc`` = ρ + (1 + 3ρ)/T with its half-life, and ``nobs``.
    """
    y = log_ratio.dropna()
    frame = pd.concat({"y": y, "lag": y.shift(1)}, axis=1).dropna()
    lean = lean_ols(frame["y"].to_numpy(dtype=float), frame[["lag"]].to_numpy(dtype=float), cov="hac")
    if lean is None:
        res = ols_hac(frame["y"], frame[["lag"]], cov="hac")
        lo, hi = (float(v) for v in res.conf_int.loc["lag"])
        return _half_lives(float(res.params["lag"]), float(res.bse["lag"]), lo, hi, res.nobs, periods_per_month)
    rho, se, _, (lo, hi) = lean.coef(1)
    return _half_lives(rho, se, lo, hi, lean.nobs, periods_per_month)


def _half_lives(rho: float, se: float, lo: float, hi: float, nobs: int, periods_per_month: float) -> dict[str, float]:
    """:func:`half_life`'s dictionary from the AR(1) fit (``rho``, its ``se`` and 95% bounds)."""
    rho_bc = rho + (1 + 3 * rho) / nobs

    def hl(r: float) -> float:
        if r >= 1:
            return math.inf
        if r <= 0:
            return 0.0
        return math.log(0.5) / math.log(r) / periods_per_month

    return {"rho": rho, "se": se, "rho_lo": lo, "rho_hi": hi, "halflife": hl(rho),
            "halflife_lo": hl(lo), "halflife_hi": hl(hi), "rho_bc": rho_bc, "halflife_bc": hl(rho_bc),
            "nobs": nobs}


def band_touches(z: pd.Series, band: float = BAND_Z, rearm: float = REARM_Z) -> pd.DataFrame:
    """First crossings of ``±band`` after being inside the band; a side re-arms at ``|z| ≤ rearm``.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``side`` (+1 upper, −1 lower) and ``z`` of each touch.
    """
    s = z.dropna()
    rows = []
    if s.empty:
        return pd.DataFrame(columns=["date", "side", "z"])
    values = s.to_numpy(dtype=float)
    up_armed, down_armed = values[0] < band, values[0] > -band
    for i, v in enumerate(values.tolist()):  # plain floats: a pandas item per day costs more than the rule
        if up_armed and v >= band:
            rows.append((s.index[i], 1, v))
            up_armed = False
        elif not up_armed and v <= rearm:
            up_armed = True
        if down_armed and v <= -band:
            rows.append((s.index[i], -1, v))
            down_armed = False
        elif not down_armed and v >= -rearm:
            down_armed = True
    return pd.DataFrame(rows, columns=["date", "side", "z"])


def _zscore_rows(levels: np.ndarray, z: str, min_periods: int) -> tuple[np.ndarray, int]:
    """The z-score of every row of the (B, T) log ratio ``levels`` and its first row of the sample
    (same rule as :func:`predictive_regression`)."""
    if z == "in-sample":
        return (levels - levels.mean(axis=1, keepdims=True)) / levels.std(axis=1, ddof=1, keepdims=True), 0
    t = levels.shape[1]
    n = np.arange(1, t + 1)
    c1, c2 = np.cumsum(levels, axis=1), np.cumsum(levels**2, axis=1)
    mean = c1 / n
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (c2 - n * mean**2) / (n - 1)
        zs = (levels - mean) / np.sqrt(var)
    return zs, min_periods - 1


def _return_sums(log_rel: np.ndarray) -> np.ndarray:
    """Cumulative one-period changes of every row of the (B, T) ``log_rel``, a zero first column."""
    r = np.diff(log_rel, axis=1)  # r[:, t] = log_rel[t+1] - log_rel[t]
    return np.concatenate([np.zeros((log_rel.shape[0], 1)), np.cumsum(r, axis=1)], axis=1)


def _row_slopes(zs: np.ndarray, first: int, cs: np.ndarray, horizon: int) -> np.ndarray:
    """OLS slopes of forward ``horizon``-sums of the changes (:func:`_return_sums` ``cs``) on ``zs``, row by row."""
    y = cs[:, horizon:] - cs[:, :-horizon]  # y[:, t] = sum r[t..t+h-1], t = 0..T-1-h
    x = zs[:, first: zs.shape[1] - horizon]
    y = y[:, first:]
    xd = x - x.mean(axis=1, keepdims=True)
    return (xd * (y - y.mean(axis=1, keepdims=True))).sum(axis=1) / (xd**2).sum(axis=1)


def rw_bootstrap_pvalues(panel: pd.DataFrame, horizons: tuple[int, ...], zs: tuple[str, ...], *, min_periods: int,
                         n_boot: int = N_BOOT, seed: int = SEED) -> dict[tuple[int, str], tuple[float, float]]:
    """One-sided p-values of the predictive slopes under a random-walk null for the ratio.

    The one-period changes of ``log ratio`` and ``log_rel`` are resampled jointly (same
    periods, i.i.d., drift kept), both paths rebuilt from their first value, and the slope
    recomputed. The draws depend on ``seed`` and the sample only, so every horizon and z-score
    is judged on the same random-walk paths (built once).

    Returns
    -------
    dict
        ``(horizon, z)`` → ``(observed slope, share of draws with a slope ≤ observed)``, with
        the usual ``(1 + count) / (1 + n_boot)`` correction.
    """
    lr = np.log(panel["ratio"].to_numpy(dtype=float))
    rel = panel["log_rel"].to_numpy(dtype=float)
    d_lr, d_rel = np.diff(lr), np.diff(rel)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(d_lr), size=(n_boot, len(d_lr)))
    zeros = np.zeros((n_boot, 1))
    lr_b = lr[0] + np.concatenate([zeros, np.cumsum(d_lr[idx], axis=1)], axis=1)
    rel_b = rel[0] + np.concatenate([zeros, np.cumsum(d_rel[idx], axis=1)], axis=1)
    cs, cs_b = _return_sums(rel[None, :]), _return_sums(rel_b)
    out = {}
    for z in zs:
        (z_obs, first), (z_b, _) = _zscore_rows(lr[None, :], z, min_periods), _zscore_rows(lr_b, z, min_periods)
        for h in horizons:
            obs = float(_row_slopes(z_obs, first, cs, h)[0])
            draws = _row_slopes(z_b, first, cs_b, h)
            out[(h, z)] = obs, float((1 + np.sum(draws <= obs)) / (1 + n_boot))
    return out


def predictive_inputs(panel: pd.DataFrame, z: str, min_periods: int) -> tuple[np.ndarray, np.ndarray]:
    """The one-period sample of :func:`predictive_regression`: ``z_t`` and ``r_{t+1}``, rows in time order.

    Row ``t`` runs from the first valid z-score to the last row with a next-period return
    (the rows Hodrick's rolled-back regressor sums use); the regression uses its first
    ``len − h + 1`` rows.
    """
    return _inputs_of(_predictive_base(panel, z, min_periods))


def _inputs_of(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """:func:`predictive_inputs` given its :func:`_predictive_base` ``frame``."""
    valid = frame.notna().all(axis=1).to_numpy()
    first, last = int(np.argmax(valid)), len(valid) - int(np.argmax(valid[::-1]))
    if not valid[first:last].all():
        raise ValueError("interior missing values in z or r")
    return frame["z"].to_numpy(dtype=float)[first:last], frame["r"].to_numpy(dtype=float)[first:last]


@dataclasses.dataclass(frozen=True)
class ShiftedRegressor:
    """The z-score circularly shifted once per null draw, with the running sums Hodrick's errors use.

    Attributes
    ----------
    X
        ``(B, N)``; row ``b`` = ``np.roll(z, shifts[b])``.
    cums
        ``(B, N + 1)``: a zero column, then the cumulative sums of each row of ``X``.
    """

    X: np.ndarray
    cums: np.ndarray

    @classmethod
    def of(cls, z: np.ndarray, shifts: np.ndarray | list[int]) -> ShiftedRegressor:
        """Every row of the shifted design (shared by all horizons and errors of a sample)."""
        z = np.asarray(z, dtype=float)
        n = len(z)
        shifts = np.asarray(shifts, dtype=int)
        X = z[(np.arange(n)[None, :] - shifts[:, None]) % n]
        return cls(X, np.concatenate([np.zeros((len(shifts), 1)), np.cumsum(X, axis=1)], axis=1))


def null_slopes(design: ShiftedRegressor, r: np.ndarray, horizon: int, errors: str
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The predictive slope, its standard error and p-value for every circular shift of ``z``
    (``design``, :meth:`ShiftedRegressor.of`, built once for all horizons and errors of a sample).

    Row ``b`` regresses ``y_t = r_t + ... + r_{t+h-1}`` (``t = 0..N−h``) on a constant and
    ``np.roll(z, shifts[b])[t]``, exactly as :func:`predictive_regression` does with
    ``cov=errors`` on that regressor: ``"hodrick"`` = Hodrick (1992) 1B (null-imposed residuals
    ``r − mean(r)``, rolled-back regressor sums over all ``N`` rows, normal p), ``"hac"`` =
    Newey–West with max(NW 1994 rule, h − 1) lags, ``T/(T−2)`` correction and t(T−2) p
    (:func:`econ.robust.fastols.slope_hac`). Closed forms for the slope entry of the sandwich,
    vectorised over shifts; the tests check them against ``ols_hac`` to 1e-10.

    Returns
    -------
    tuple
        ``(beta, se, pvalue, nobs)``, the first three of length ``len(shifts)``.
    """
    r = np.asarray(r, dtype=float)
    h, X = int(horizon), design.X
    cs = np.concatenate([[0.0], np.cumsum(r)])
    y = cs[h:] - cs[:-h]                                # y_t = r_t + ... + r_{t+h-1}
    m = len(y)
    if m < 4:
        raise ValueError(f"too few observations: {m}")
    x = X[:, :m]
    xbar = x.mean(axis=1, keepdims=True)
    xd = x - xbar
    sxx = (xd**2).sum(axis=1)
    yd = y - y.mean()
    beta = (xd @ yd) / sxx
    if errors == "hodrick":
        e = r - r.mean()
        rolled = design.cums[:, h:] - design.cums[:, :-h]  # rows s = h-1..n-1: X_s + ... + X_{s-h+1}
        e_s = e[h - 1:]
        g = rolled - h * xbar                           # slope row of (X'X)^-1 applied to the rolled sums, x sxx
        var = m * ((g**2) @ (e_s**2)) / len(e_s) / sxx**2
        se = np.sqrt(var)
        pvalue = special.erfc(np.abs(beta / se) / np.sqrt(2.0))
    elif errors == "hac":
        lags = choose_bandwidth(m, "nw1994", horizon=h).lags
        e = yd[None, :] - beta[:, None] * xd
        w = e * xd                                      # slope score (the intercept's is orthogonal)
        s = (w**2).sum(axis=1)
        for j in range(1, lags + 1):
            s += 2 * (1 - j / (lags + 1)) * (w[:, j:] * w[:, :-j]).sum(axis=1)
        se = np.sqrt(s * m / (m - 2)) / sxx
        pvalue = 2 * special.stdtr(m - 2, -np.abs(beta / se))
    else:
        raise ValueError(f"errors must be 'hodrick' or 'hac', got {errors!r}")
    return beta, se, pvalue, m


def _null_design(loader: DataLoader, key: tuple, z: np.ndarray, shifts: tuple[int, ...]) -> ShiftedRegressor:
    """The shifted design of the sample ``key``, kept for the next spec (one at a time, per loader).

    The grid runs the horizons and errors of a sample one after the other, and they share the
    design; keeping only the last one bounds the memory (a design is draws × sample floats).
    """
    cache = _PANELS.setdefault(loader, {})
    last = cache.get("null_design")
    if last is None or last[0] != key:
        last = cache["null_design"] = (key, ShiftedRegressor.of(z, shifts))
    return last[1]


def estimate(spec: Spec, loader: DataLoader, null: NullDraws | None = None) -> SpecEstimate | list[SpecEstimate]:
    """Grid estimate: slope of the forward relative return on the ratio's z-score.

    With ``null``: the slope on the z-score circularly shifted by ``null.uniform(k, *NULL_SHIFT)``
    of the spec's sample, one estimate per draw (the joint-test hook, module docstring).
    """
    ratio = RATIO_BY_LABEL[spec["ratio"]]
    freq = spec["freq"]
    h = horizon_periods(int(spec["horizon"]), freq)
    min_periods = MIN_HISTORY_YEARS * PERIODS_PER_YEAR[freq]
    if null is not None:
        z, r = cached_predictive_inputs(loader, ratio, freq, spec["z"], min_periods)
        n = len(z)
        shifts = tuple(int(round(u * n)) % n for u in null.uniforms(*NULL_SHIFT))  # as circular_shift(z, u)
        design = _null_design(loader, (ratio.label, freq, spec["z"], min_periods, shifts), z, shifts)
        beta, se, p, m = null_slopes(design, r, h, spec["errors"])
        return [SpecEstimate(estimate=b, se=s, pvalue=q, nobs=m)
                for b, s, q in zip(beta.tolist(), se.tolist(), p.tolist(), strict=True)]
    res = cached_predictive_regression(loader, ratio, freq, h, z=spec["z"], cov=spec["errors"],
                                       min_periods=min_periods)
    lo, hi = res.ci
    return SpecEstimate(estimate=res.beta, se=res.se, pvalue=res.p,
                        nobs=res.nobs, ci_low=lo, ci_high=hi,
                        extra={"r2": res.rsquared, "start": str(res.start.date()), "end": str(res.end.date()),
                               "hac_lags": res.bandwidth if res.bandwidth is not None else np.nan})


# ----------------------------------------------------------------------------- events
def _forward(log_rel: pd.Series, days: int) -> pd.Series:
    return log_rel.shift(-days) - log_rel


def touch_events(panel: pd.DataFrame, z: str) -> tuple[pd.DataFrame, list[dict]]:
    """Touches of the daily ratio's ±2 sd band and what followed (one dict per side and horizon)."""
    zs = zscore(np.log(panel["ratio"]), z, MIN_HISTORY_YEARS * PERIODS_PER_YEAR["D"])
    touches = band_touches(zs)
    rets = panel["log_rel"].diff().dropna()
    fwds = {m: _forward(panel["log_rel"], horizon_periods(m, "D")) for m in HORIZONS}
    when = pd.DatetimeIndex(touches["date"])
    for m in HORIZONS:
        touches[f"fwd_{m}m"] = fwds[m].reindex(when).to_numpy()
    touches["level"] = panel["ratio"].reindex(when).to_numpy()
    unconditional = {m: float((fwds[m][zs.notna()] if z == "real-time" else fwds[m]).mean()) for m in HORIZONS}
    stats = []
    for side in (1, -1):
        dates = touches.loc[touches["side"] == side, "date"]
        for m in HORIZONS:
            days = horizon_periods(m, "D")
            row = {"side": side, "horizon": m, "n": len(dates), "n_used": 0, "mean": np.nan, "p": np.nan,
                   "unconditional": unconditional[m]}
            used = touches.loc[touches["side"] == side, f"fwd_{m}m"].dropna()
            row["n_used"], row["mean"] = len(used), float(used.mean()) if len(used) else np.nan
            if len(used) >= 2:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    try:
                        es = event_study(rets, dates, window=(1, days), benchmark="zero", n_boot=N_EVENT_DRAWS,
                                         n_placebo=N_EVENT_DRAWS, alternative="less" if side == 1 else "greater",
                                         seed=SEED)
                        row["n_used"], row["mean"], row["p"] = es.n_events, es.mean_car, es.pvalue_placebo
                    except ValueError:
                        pass
            stats.append(row)
    return touches, stats


def log_bands(ratio: pd.Series) -> dict[str, float]:
    """Bands in logs, back in the ratio's units: ``exp(mean ± k sd)`` of ``log ratio``.

    Returns ``mean`` (the geometric mean), ``-2 sd`` … ``+2 sd`` and ``sd_log`` (the sd of
    the log ratio). Unlike the level bands ``mean ± k sd`` of the article, these are positive
    and symmetric for a ratio that moves multiplicatively.
    """
    lx = np.log(ratio.dropna())
    m, sd = float(lx.mean()), float(lx.std())
    out = {"mean": math.exp(m), "sd_log": sd}
    for k in (-2, -1, 1, 2):
        out[f"{k:+d} sd"] = math.exp(m + k * sd)
    return out


def reversal_after_touches(panel: pd.DataFrame, z: str, horizon_months: int = HEADLINE_HORIZON, *,
                           n_draws: int = N_EVENT_DRAWS, seed: int = SEED) -> dict:
    """Reversal-signed forward return after the ±2 sd touches of the log band, with a placebo p-value.

    Each touch's forward log relative return over ``horizon_months`` (in trading days) is
    signed so that a reversal is positive (``−side × return``: down after an upper touch, up
    after a lower one); the estimate is their mean. The placebo draws as many upper and lower
    pseudo-touches as there are real ones from the other dates (z-score defined, forward window
    complete, outside every touch's window) and recomputes the statistic; the p-value is
    two-sided, ``2 × min`` of the one-sided shares with the ``(1 + count)/(1 + n_draws)`` rule.

    Returns
    -------
    dict
        ``n_touches`` (all touches), ``n_used`` (touches with a complete forward window),
        ``estimate`` (percent), ``pvalue``, ``start``/``end`` of the z-score sample and
        ``reason`` (empty, or why there is no test: no touch at all = *no event*, or fewer
        than two usable touches).
    """
    days = horizon_periods(horizon_months, "D")
    zs = zscore(np.log(panel["ratio"]), z, MIN_HISTORY_YEARS * PERIODS_PER_YEAR["D"])
    valid = zs.dropna()
    out = {"n_touches": 0, "n_used": 0, "estimate": np.nan, "pvalue": np.nan, "reason": "",
           "start": f"{valid.index[0]:%Y-%m-%d}" if len(valid) else "", "end": f"{valid.index[-1]:%Y-%m-%d}"
           if len(valid) else ""}
    touches = band_touches(zs)
    out["n_touches"] = len(touches)
    if touches.empty:
        out["reason"] = (f"no event: the {z} z-score of the log ratio never reached ±{BAND_Z:g} sd from "
                         f"{out['start']} to {out['end']}, so no reversal after a touch can be observed")
        return out
    fwd = _forward(panel["log_rel"], days)
    t_fwd = fwd.reindex(pd.DatetimeIndex(touches["date"])).to_numpy()
    side = touches["side"].to_numpy()
    ok = np.isfinite(t_fwd)
    out["n_used"] = int(ok.sum())
    if ok.sum() < 2:
        out["reason"] = (f"too few events: {len(touches)} touch(es) of ±{BAND_Z:g} sd, {int(ok.sum())} with "
                         f"{horizon_months} months of data after them; the reversal test needs at least 2")
        return out
    obs = float(np.mean(-side[ok] * t_fwd[ok]))
    pos = {d: i for i, d in enumerate(panel.index)}
    blocked = np.zeros(len(panel), dtype=bool)
    for d in touches["date"]:
        i = pos[pd.Timestamp(d)]
        blocked[i: i + days + 1] = True
    cand = np.flatnonzero(zs.notna().to_numpy() & np.isfinite(fwd.to_numpy()) & ~blocked)
    n_up, n_down = int(((side == 1) & ok).sum()), int(((side == -1) & ok).sum())
    if len(cand) < n_up + n_down:
        out["reason"] = "too few placebo dates outside the touch windows"
        return out
    draws = placebo_means(fwd.to_numpy(), cand, n_up, n_down, n_draws=n_draws, seed=seed)
    lo = (1 + np.sum(draws <= obs)) / (1 + n_draws)
    hi = (1 + np.sum(draws >= obs)) / (1 + n_draws)
    out |= {"estimate": 100 * obs, "pvalue": float(min(1.0, 2 * min(lo, hi)))}
    return out


def placebo_means(f: np.ndarray, cand: np.ndarray, n_up: int, n_down: int, *, n_draws: int, seed: int) -> np.ndarray:
    """Reversal-signed mean forward return of ``n_up`` upper and ``n_down`` lower pseudo-touches per draw.

    Each draw picks ``n_up + n_down`` distinct positions of ``cand`` (one ``rng.choice`` per
    draw, in order); the first ``n_up`` count as upper touches (``−f``), the rest as lower
    (``+f``). The means of all draws are taken at once, row by row.
    """
    rng = np.random.default_rng(seed)
    picks = np.array([rng.choice(cand, size=n_up + n_down, replace=False) for _ in range(n_draws)])
    return np.concatenate([-f[picks[:, :n_up]], f[picks[:, n_up:]]], axis=1).mean(axis=1)


def reversal_part(ev: dict, proxy: str) -> PartResult:
    """The *reversal_after_touch* part from :func:`reversal_after_touches` (no touch = no event, untestable)."""
    test = ("mean reversal-signed 12-month log return of small over large after the ±2 sd touches of the "
            "real-time log band; placebo p (random dates outside the touch windows, same mix of sides)")
    if ev["reason"]:
        return PartResult("C11", "reversal_after_touch", n=int(ev["n_touches"]), proxy=proxy, test=test,
                          missing=ev["reason"], detail=f"{ev['n_touches']} touch(es), {ev['n_used']} usable")
    return PartResult("C11", "reversal_after_touch", estimate=float(ev["estimate"]), pvalue=float(ev["pvalue"]),
                      n=int(ev["n_used"]), proxy=proxy, test=test,
                      detail=f"{ev['n_used']} touches with 12 months after them ({ev['start']} to {ev['end']}); "
                             f"mean reversal-signed return {ev['estimate']:.1f}%")


# ----------------------------------------------------------------------------- study
def _available(loader: DataLoader) -> list[Ratio]:
    out = []
    for r in (*RATIOS, *LAUNCH_RATIOS):
        try:
            for sid in {r.small, r.large, r.price_small, r.price_large}:
                loader.fetch(sid)
        except DataError:
            continue
        out.append(r)
    return out


class Bands(Study):
    name = "bands"
    title = "Mean-reversion bands of the small/large ratios"
    claims = ("C11",)
    parts = ("C11.stationary", "C11.predictive", "C11.reversal_after_touch", "C11.on_article_date")
    series = tuple(sorted({sid for r in RATIOS for sid in (r.small, r.large, r.price_small, r.price_large)}))

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        ratios = _available(loader)
        band_rows, test_rows, pred_rows, touch_rows, touch_lists = [], [], [], [], []
        per_ratio: dict[str, dict] = {}
        for r in ratios:
            if progress:
                progress(f"C11 {r.label}")
            daily = ratio_panel(loader, r, "D")
            monthly = ratio_panel(loader, r, "M")
            x = daily["ratio"]
            mean, sd = float(x.mean()), float(x.std())
            lb = log_bands(x)
            on = x.loc[:ARTICLE_DATE]
            on_val = (float(on.iloc[-1]) if len(on) and on.index[-1] >= pd.Timestamp(ARTICLE_DATE)
                      - pd.Timedelta(days=7) else np.nan)
            shown = _mark(r, x.index[0])
            sample = f"{x.index[0]:%Y-%m}–{x.index[-1]:%Y-%m}"
            band_rows.append({
                "ratio": shown, "Bands": "log", "Sample": sample, "Mean": lb["mean"],
                "−2 sd": lb["-2 sd"], "−1 sd": lb["-1 sd"], "+1 sd": lb["+1 sd"], "+2 sd": lb["+2 sd"],
                f"On {ARTICLE_DATE}": on_val, "Latest": float(x.iloc[-1]),
                "z latest": float((math.log(x.iloc[-1]) - math.log(lb["mean"])) / lb["sd_log"]),
            })
            band_rows.append({
                "ratio": shown, "Bands": "level", "Sample": sample, "Mean": mean,
                "−2 sd": mean - 2 * sd, "−1 sd": mean - sd, "+1 sd": mean + sd, "+2 sd": mean + 2 * sd,
                f"On {ARTICLE_DATE}": on_val, "Latest": float(x.iloc[-1]), "z latest": float((x.iloc[-1] - mean) / sd),
            })
            if r.label in ARTICLE:
                a = ARTICLE[r.label]
                band_rows.append({"ratio": ARTICLE_LABEL[r.label], "Bands": "level",
                                  "Sample": "2000–2024" if r.kind == "price" else "",
                                  "Mean": a["mean"], "−2 sd": a.get("-2 sd", np.nan), "−1 sd": a.get("-1 sd", np.nan),
                                  "+1 sd": a.get("+1 sd", np.nan), "+2 sd": a.get("+2 sd", np.nan),
                                  f"On {ARTICLE_DATE}": a["on_date"], "Latest": np.nan, "z latest": np.nan})

            ur = unit_root_battery(np.log(monthly["ratio"]).rename(r.label), tests=("adf", "pp", "kpss", "vr"),
                                   vr_lags=VR_LAGS, alpha=ALPHA).to_frame()
            urp = dict(zip(ur["test"], ur["pvalue"], strict=True))
            hl = half_life(np.log(monthly["ratio"]))
            test_rows.append({"ratio": _mark(r, monthly.index[0]), "N": len(monthly), "ADF p": urp["ADF"], "PP p": urp["Phillips-Perron"],
                              "KPSS p": urp["KPSS"], f"VR({VR_LAGS}) p": urp["Variance ratio"], "rho": hl["rho"],
                              "HL": hl["halflife"], "HL low": hl["halflife_lo"], "HL high": hl["halflife_hi"],
                              "rho b.c.": hl["rho_bc"], "HL b.c.": hl["halflife_bc"]})

            min_m = MIN_HISTORY_YEARS * 12
            head_pred = {}
            boot = rw_bootstrap_pvalues(monthly, HORIZONS, ("real-time", "in-sample"), min_periods=min_m)
            for h in HORIZONS:
                row = {"ratio": _mark(r, monthly.index[0]), "h": h}
                for zt in ("real-time", "in-sample"):
                    hod = cached_predictive_regression(loader, r, "M", h, z=zt, cov="hodrick", min_periods=min_m)
                    hac = cached_predictive_regression(loader, r, "M", h, z=zt, cov="hac", min_periods=min_m)
                    _, pb = boot[(h, zt)]
                    tag = "rt" if zt == "real-time" else "is"
                    row |= {f"N_{tag}": hod.nobs, f"β_{tag}": hod.beta,
                            f"p_hod_{tag}": hod.p, f"p_hac_{tag}": hac.p,
                            f"p_boot_{tag}": pb, f"r2_{tag}": hod.rsquared}
                    if h == HEADLINE_HORIZON and zt == "real-time":
                        head_pred = {"beta": hod.beta, "p_hodrick": hod.p,
                                     "p_hac": hac.p, "p_boot": pb, "nobs": hod.nobs,
                                     "se": hod.se, "start": hod.start, "end": hod.end,
                                     "hac_lags": hac.bandwidth}
                pred_rows.append(row)

            per_ratio[r.label] = {"bands": (mean, sd), "log_bands": lb, "ur": urp, "hl": hl, "pred": head_pred,
                                  "daily": daily, "monthly": monthly}
            if r in LAUNCH_RATIOS:  # launch-date robustness: bands, unit roots and slopes only
                continue
            ev_all = {}
            for zt in ("in-sample", "real-time"):
                touches, ev = touch_events(daily, zt)
                ev_all[zt] = ev
                for e in ev:
                    touch_rows.append({"ratio": _mark(r, daily.index[0]), "bands": zt, **e})
                touch_lists.append(touches.assign(ratio=_mark(r, daily.index[0]), bands=zt))
            per_ratio[r.label] |= {"ev": ev_all, "touches": touch_lists[-2:]}

        # ---------------------------------------------------------------- reversal part and power
        power = None
        if HEADLINE in per_ratio:
            if progress:
                progress("C11 reversal and power")
            h = per_ratio[HEADLINE]
            h["reversal"] = reversal_after_touches(h["daily"], "real-time")
            h["reversal_is"] = reversal_after_touches(h["daily"], "in-sample")
            lm = np.log(h["monthly"]["ratio"])
            power = reversion_power(len(lm), float(lm.diff().std()), POWER_HALF_LIVES, horizon=HEADLINE_HORIZON,
                                    min_periods=MIN_HISTORY_YEARS * 12, reps=POWER_REPS, alpha=ALPHA, seed=SEED)

        # ---------------------------------------------------------------- grid
        if progress:
            progress("C11 grid")
        grid = run_grid(estimate, GRID, loader=loader, null_draws=NULL_DRAWS, seed=NULL_SEED, name="C11 grid",
                        progress=progress)
        gframe = grid.ok()
        parts = self._parts(per_ratio, power)
        numbers = self._numbers(per_ratio, gframe, power)
        figures = self._figures(per_ratio)

        bands = pd.DataFrame(band_rows).set_index(["ratio", "Bands"]).rename_axis(["Ratio", "Bands"])
        tests = pd.DataFrame(test_rows).set_index("ratio").replace([np.inf, -np.inf], np.nan)  # "--" = unbounded
        pred = pd.DataFrame(pred_rows).set_index(["ratio", "h"]).rename_axis(["Ratio", "h"])
        pred_shown = pred[["N_rt", "β_rt", "p_hod_rt", "p_hac_rt", "p_boot_rt", "r2_rt",
                           "β_is", "p_hod_is", "p_boot_is"]].rename(columns={
                               "N_rt": "N", "β_rt": "β (real-time z)", "p_hod_rt": "p Hodrick",
                               "p_hac_rt": "p HAC", "p_boot_rt": "p RW boot", "r2_rt": "R²",
                               "β_is": "β (in-sample z)", "p_hod_is": "p Hodrick ", "p_boot_is": "p RW boot "})
        touch_tab = self._touch_table(pd.DataFrame(touch_rows))
        tl = pd.concat(touch_lists, ignore_index=True)
        tl = tl[(tl["bands"] == "in-sample") & ~tl["ratio"].str.startswith("Turnover")]
        tl = tl.assign(side=tl["side"].map({1: "+2 sd", -1: "−2 sd"}),
                       **{f"fwd_{m}m": 100 * tl[f"fwd_{m}m"] for m in HORIZONS})
        touch_list = self._touch_list(tl)
        marks = {r.label: _mark(r, per_ratio[r.label]["daily"].index[0]) for r in ratios}
        robust = self._grid_summary(grid.to_frame().assign(ratio=lambda f: f["ratio"].map(lambda v: marks.get(v, v))))

        min_d = MIN_HISTORY_YEARS
        tables = [
            Table(name="c11_bands", caption="Bands of the small/large ratios (percent), ours beside the article's",
                  frame=bands, digits={"Mean": 1, "−2 sd": 1, "−1 sd": 1, "+1 sd": 1, "+2 sd": 1,
                                       f"On {ARTICLE_DATE}": 1, "Latest": 1, "z latest": 2},
                  index_label="Ratio",
                  sample="daily ratios over each pair's common history (first date and monthly N in the stationarity table)",
                  notes=["Daily ratios 100 × small / large. Log bands (the ones every reversal test uses): "
                         "exp(m ± k s) with m and s the mean and standard deviation of the log ratio, so Mean is the "
                         "geometric mean and the bands stay positive; z latest in sd of the log ratio. Level bands "
                         "(the article's convention, kept only to replicate its printed numbers): mean ± k sd of the "
                         "ratio itself, which for a trending ratio can fall below zero. "
                         "SW small/large uses the published 801813 and 801811 levels (both based 1000 on "
                         "1999-12-30, so no rebasing is needed), but 801811 is public only from 2015-01-05: our "
                         "mean and sd cover 2015–2024, the article's 2000–2024. The article's P/E ratio is Shenwan "
                         "small/large, which has no public P/E after 2016 for the small index and none for the "
                         "large one; CSI 500/CSI 300 TTM P/E stands in (2011–). Turnover: daily turnover rate of "
                         "801813 over that of 801811. The article's P/B ratio (mean 144.15%) is not testable: no "
                         "public P/B of 801811. Rows 'from launch': the same ratio from the later launch "
                         "date of its two indices (launch-date robustness); CSI 2000 has too short a history after its "
                         f"2023-08 launch for one. {SHENWAN_NOTE}", BACK_CALCULATED_NOTE]),
            Table(name="c11_stationarity",
                  caption="Unit-root and stationarity tests and AR(1) half-life of the monthly log ratios",
                  frame=tests, index_label="Ratio",
                  digits={"N": 0, "ADF p": 3, "PP p": 3, "KPSS p": 3, f"VR({VR_LAGS}) p": 3, "rho": 3, "HL": 1,
                          "HL low": 1, "HL high": 1, "rho b.c.": 3, "HL b.c.": 1},
                  notes=["Month-end log ratio, constant only. ADF: lags by AIC; PP: Newey–West long-run variance; "
                         "KPSS: null of stationarity, data-dependent lags; VR: Lo–MacKinlay variance ratio at "
                         f"{VR_LAGS} months, heteroskedasticity-robust (null: random walk). HL: half-life in months "
                         "= ln 0.5 / ln rho from the AR(1) with a constant; HL low/high map rho's 95% HAC interval "
                         "(-- = unbounded: the interval reaches 1; likewise HL b.c. when rho b.c. ≥ 1). "
                         "b.c.: Kendall (1954) bias correction rho + (1 + 3 rho)/T. Rows 'from launch': the sample "
                         f"starts at the later launch of the two indices. {SHENWAN_NOTE}", BACK_CALCULATED_NOTE]),
            Table(name="c11_predictive",
                  caption="Predictive regressions of the future h-month log relative return on the ratio's z-score",
                  frame=pred_shown, index_label="Ratio",
                  digits={"N": 0, "β (real-time z)": 3, "p Hodrick": 3, "p HAC": 3, "p RW boot": 3, "R²": 2,
                          "β (in-sample z)": 3, "p Hodrick ": 3, "p RW boot ": 3},
                  notes=["Monthly. Dependent: sum of the next h monthly log returns of small over large (price "
                         "indices; for P/E and turnover ratios the same pair's prices). Real-time z: expanding mean "
                         f"and sd up to the month, after {min_d} years of burn-in (no look-ahead); in-sample z: "
                         "full-sample mean and sd (the article's bands). p Hodrick: Hodrick (1992) 1B; p HAC: "
                         "Newey–West with max(NW 1994 rule, h − 1) lags; p RW boot: one-sided, share of "
                         f"{N_BOOT} random-walk resamples (i.i.d. monthly changes, drift kept, z rebuilt) with a "
                         "slope at or below ours. A negative β is mean reversion. z-scores are of the log ratio. "
                         f"N counts overlapping h-month sums (N/h non-overlapping). Rows 'from launch': the sample "
                         f"starts at the later launch of the two indices. {SHENWAN_NOTE}", BACK_CALCULATED_NOTE]),
            Table(name="c11_touches", caption="After a ±2 sd touch: the next 3, 6 and 12 months of relative return",
                  frame=touch_tab, index_label="",
                  digits={"Touches": 0, "3m (%)": 1, "p 3m": 3, "6m (%)": 1, "p 6m": 3, "12m (%)": 1, "p 12m": 3,
                          "All 12m (%)": 1},
                  notes=["Daily; z is the z-score of the log ratio (log bands). "
                         "A touch: first day with z ≥ 2 (≤ −2) after being inside the band; a side re-arms "
                         f"when |z| returns within {REARM_Z:g} sd. 3m/6m/12m: mean log relative return (small over "
                         "large, percent) over trading days 1–63, 1–126 and 1–252 after the touch, over the touches "
                         "with that many days left; All 12m: the unconditional 12-month mean over the same sample. "
                         f"p: placebo p-value from econ.models.events.event_study, {N_EVENT_DRAWS} draws of random "
                         "dates outside the touch windows, one-sided in the reversal direction (down after +2 sd, up "
                         f"after −2 sd); needs ≥ 2 touches. Real-time bands start after {min_d} years of data.",
                         BACK_CALCULATED_NOTE]),
            Table(name="c11_touch_list",
                  caption="Every ±2 sd touch of the in-sample bands of the price and P/E ratios and what followed",
                  frame=touch_list, index_label="",
                  sample="daily, in-sample bands over each ratio's full history; one row per touch",
                  digits={"z": 2, "Ratio (%)": 1, "3m (%)": 1, "6m (%)": 1, "12m (%)": 1},
                  notes=["In-sample bands (the article's construction). Forward log relative return of small over "
                         "large (percent) over 63, 126 and 252 trading days after the touch; -- where the sample "
                         "ends first. Log bands: z is the z-score of the log ratio. The turnover ratio's touches are "
                         "summarised in the previous table.", BACK_CALCULATED_NOTE]),
            Table(name="c11_robustness",
                  caption="Robustness grid: slope of the forward relative return on the z-score across specifications",
                  frame=robust, index_label="",
                  digits={"Specs": 0, "Estimated": 0, "Median β": 3, "β < 0": 2, f"β < 0, p < {ALPHA}": 2,
                          f"β > 0, p < {ALPHA}": 2},
                  notes=[f"Grid ({len(grid.specs)} specifications): ratio × frequency (month, week) × z-score "
                         "(real-time, in-sample) × horizon (3, 6, 12 months = 13, 26, 52 weeks) × errors (Hodrick "
                         "1B, Newey–West HAC with ≥ h − 1 lags); none excluded. Shares are of estimated "
                         "specifications; p two-sided, not adjusted for the number of specifications (the joint test "
                         f"and Romano–Wolf p-values use {grid.null_draws} null draws that shift each z-score "
                         "circularly against its forward returns: specification-curve table). The grid uses each "
                         f"ratio's whole history (no launch-date rows). {SHENWAN_NOTE}", BACK_CALCULATED_NOTE]),
        ]
        if power is not None:
            tables.append(self._power_table(power))
        grid_run = declared.grid_run("C11.predictive", grid, label="slope of the future relative return on the ratio z-score")
        return StudyResult(
            study=self.name, title=self.title, parts=parts, tables=tables, figures=figures, numbers=numbers,
            headline_proxy=f"{HEADLINE} (the article's ratio; 2015–2024 only)", synthetic=self.is_synthetic(loader),
            data_ids=sorted({sid for r in ratios for sid in (r.small, r.large, r.price_small, r.price_large)}),
            grids=[grid_run],
            notes=["801811 (Shenwan large) starts 2015-01-05 in the vault: the article's 2000–2024 bands cannot be "
                   "rebuilt; ours use 2015–2024 on the same published levels.",
                   "P/B ratio untestable: no public P/B for Shenwan large."],
        )

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _power_table(power: ReversionPowerResult) -> Table:
        t = power.table.reset_index()
        t["Half-life (months)"] = ["random walk (null)" if math.isinf(v) else f"{v:g}" for v in t["half_life"]]
        frame = t.set_index("Half-life (months)")[["rho", "implied_beta", "mean_beta", "reject", "power",
                                                   "power_size_adjusted"]].rename(columns={
            "implied_beta": "β implied", "mean_beta": "Mean β estimate", "reject": "Reject (either sign)",
            "power": "Power", "power_size_adjusted": "Power, size-adjusted"})
        return Table(
            name="c11_power", caption="Power of the headline predictive regression at its own sample size",
            frame=frame, digits={"rho": 3, "β implied": 3, "Mean β estimate": 3, "Reject (either sign)": 2, "Power": 2,
                                 "Power, size-adjusted": 2},
            sample=(f"Monte Carlo, {power.reps} replications per row; {power.n_periods} months, {power.min_periods}-month "
                    f"burn-in, {power.horizon}-month horizon: N = {power.nobs} overlapping observations"),
            notes=["The monthly log Shenwan small/large ratio is simulated as an AR(1) with the stated half-life "
                   "(random walk in the first row), innovation sd equal to the sd of its observed monthly changes, "
                   "and the headline regression is run on each path: forward 12-month change on the real-time "
                   f"z-score, Hodrick (1992) 1B errors, level {ALPHA:g}. β implied: population slope per sd of the "
                   "log ratio, (rho^12 − 1) sd. Power: share of samples with p < level and β < 0 (what the policy "
                   "needs to back the claim). Reject: two-sided rejection rate; in the first row it is the test's true size. "
                   "Power, size-adjusted: share of Hodrick t-statistics below the 2.5% quantile of their "
                   "random-walk distribution (a test of exact size). The verdict's Romano–Wolf adjustment over the "
                   "grid lowers both."])

    @staticmethod
    def _touch_table(rows: pd.DataFrame) -> pd.DataFrame:
        out = []
        for (ratio, bands, side), grp in rows.groupby(["ratio", "bands", "side"], sort=False):
            by_h = grp.set_index("horizon")
            row = {"ratio": ratio, "bands": bands, "side": "+2 sd" if side == 1 else "−2 sd",
                   "Touches": int(by_h["n"].iloc[0])}
            for m in HORIZONS:
                row[f"{m}m (%)"] = 100 * by_h.loc[m, "mean"]
                row[f"p {m}m"] = by_h.loc[m, "p"]
            row["All 12m (%)"] = 100 * by_h.loc[HEADLINE_HORIZON, "unconditional"]
            out.append(row)
        return pd.DataFrame(out).set_index(["ratio", "bands", "side"])

    @staticmethod
    def _touch_list(tl: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame({
            "Ratio ": tl["ratio"].to_numpy(), "Date": pd.DatetimeIndex(tl["date"]).strftime("%Y-%m-%d"),
            "Side": tl["side"].to_numpy(), "z": tl["z"].to_numpy(dtype=float),
            "Ratio (%)": tl["level"].to_numpy(dtype=float),
        })
        for m in HORIZONS:
            out[f"{m}m (%)"] = tl[f"fwd_{m}m"].to_numpy(dtype=float)
        return out.set_index(["Ratio ", "Date"])

    @staticmethod
    def _grid_summary(full: pd.DataFrame) -> pd.DataFrame:
        rows = []
        groups = [("ratio", v) for v in full["ratio"].unique()]
        groups += [(d, v) for d in ("z", "errors", "freq", "horizon") for v in GRID.dimensions[d]]
        for dim, val in [*groups, ("all", "all")]:
            sub = full if dim == "all" else full[full[dim] == val]
            ok = sub[sub["error"] == ""]
            label = "All specifications" if dim == "all" else (val if dim == "ratio" else f"{dim} = {val}")
            rows.append({"": label, "Specs": len(sub), "Estimated": len(ok), "Median β": float(ok["estimate"].median()),
                         "β < 0": float((ok["estimate"] < 0).mean()),
                         f"β < 0, p < {ALPHA}": float(((ok["estimate"] < 0) & (ok["pvalue"] < ALPHA)).mean()),
                         f"β > 0, p < {ALPHA}": float(((ok["estimate"] > 0) & (ok["pvalue"] < ALPHA)).mean())})
        return pd.DataFrame(rows).set_index("")

    @staticmethod
    def _parts(per: dict, power: ReversionPowerResult | None) -> list[PartResult]:
        """Stationarity, the predictive slope (with its power), the reversal after touches and the level on
        the article's date, for the headline ratio."""
        keys = ("stationary", "predictive", "reversal_after_touch", "on_article_date")
        if HEADLINE not in per:
            return [PartResult("C11", k, missing="Shenwan small 801813 and large 801811 daily closes") for k in keys]
        h = per[HEADLINE]
        pr, ur, hl = h["pred"], h["ur"], h["hl"]
        on = h["daily"]["ratio"].loc[:ARTICLE_DATE]
        on_date = on.index[-1] >= pd.Timestamp(ARTICLE_DATE) if len(on) else False
        on_part = (PartResult("C11", "on_article_date", estimate=float(on.iloc[-1]), proxy=HEADLINE,
                              test="ratio of the published closes", detail=f"close of {on.index[-1]:%Y-%m-%d}")
                   if on_date else PartResult("C11", "on_article_date", missing=f"{HEADLINE} close on {ARTICLE_DATE}"))
        return [
            PartResult("C11", "stationary", estimate=float(hl["rho"] - 1), se=float(hl["se"]), pvalue=float(ur["ADF"]),
                       proxy=HEADLINE, test="ADF (p) on the monthly log ratio; AR(1) ρ − 1 as the estimate",
                       detail=f"ADF p {ur['ADF']:.3f}, KPSS p {ur['KPSS']:.3f}; half-life {hl['halflife']:.1f} months"),
            PartResult("C11", "predictive", estimate=float(pr["beta"]), se=float(pr["se"]),
                       ci=z_ci(pr["beta"], pr["se"]), pvalue=float(pr["p_hodrick"]), n=int(pr["nobs"]), proxy=HEADLINE,
                       power=None if power is None else power.power_at(POWER_HALF_LIFE, size_adjusted=True),
                       test="predictive regression on the real-time z-score of the log ratio, Hodrick (1992) errors",
                       detail=f"12-month β {pr['beta']:.3f} per sd (HAC p {pr['p_hac']:.3f}, random-walk bootstrap "
                              f"p {pr['p_boot']:.3f})" + ("" if power is None else
                              f"; at N = {power.nobs} the Hodrick test rejects a random walk in "
                              f"{power.size:.2f} of simulated samples (nominal {ALPHA:g}); power against a "
                              f"{POWER_HALF_LIFE:g}-month half-life {power.power_at(POWER_HALF_LIFE):.2f} at that "
                              f"size, {power.power_at(POWER_HALF_LIFE, size_adjusted=True):.2f} size-adjusted "
                              f"({power.reps} replications)")),
            reversal_part(h["reversal"], HEADLINE) if "reversal" in h else
            PartResult("C11", "reversal_after_touch", missing="Shenwan small 801813 and large 801811 daily closes"),
            on_part,
        ]

    @staticmethod
    def _numbers(per: dict, g: pd.DataFrame, power: ReversionPowerResult | None = None) -> dict:
        out: dict = {}
        keys = {HEADLINE: "sw", LONGEST: "csi1000", "P/E CSI 500/CSI 300": "pe", "Turnover SW small/large": "turnover",
                "Micro-cap/CSI 300": "micro", "CSI 500/CSI 300": "csi500", "CSI 2000/CSI 300": "csi2000",
                f"{LONGEST} from launch": "csi1000_live", "Micro-cap/CSI 300 from launch": "micro_live",
                "CSI 500/CSI 300 from launch": "csi500_live"}
        for label, k in keys.items():
            if label not in per:
                continue
            v = per[label]
            mean, sd = v["bands"]
            x = v["daily"]["ratio"]
            on = x.loc[:ARTICLE_DATE]
            out |= {f"C11_{k}_mean": mean, f"C11_{k}_sd": sd, f"C11_{k}_lo1": mean - sd, f"C11_{k}_hi1": mean + sd,
                    f"C11_{k}_lo2": mean - 2 * sd, f"C11_{k}_hi2": mean + 2 * sd,
                    f"C11_{k}_start": f"{x.index[0]:%Y-%m-%d}", f"C11_{k}_end": f"{x.index[-1]:%Y-%m-%d}",
                    f"C11_{k}_latest": float(x.iloc[-1]),
                    f"C11_{k}_adf_p": v["ur"]["ADF"], f"C11_{k}_kpss_p": v["ur"]["KPSS"],
                    f"C11_{k}_vr_p": v["ur"]["Variance ratio"],
                    f"C11_{k}_rho": v["hl"]["rho"], f"C11_{k}_halflife_months": v["hl"]["halflife"],
                    f"C11_{k}_halflife_lo": v["hl"]["halflife_lo"], f"C11_{k}_halflife_hi": v["hl"]["halflife_hi"],
                    f"C11_{k}_halflife_bc": v["hl"]["halflife_bc"],
                    f"C11_{k}_slope12": v["pred"]["beta"], f"C11_{k}_slope12_p_hodrick": v["pred"]["p_hodrick"],
                    f"C11_{k}_slope12_p_hac": v["pred"]["p_hac"], f"C11_{k}_slope12_p_boot": v["pred"]["p_boot"],
                    f"C11_{k}_slope12_n": int(v["pred"]["nobs"])}
            lb = v["log_bands"]
            out |= {f"C11_{k}_log_mean": lb["mean"], f"C11_{k}_log_lo1": lb["-1 sd"], f"C11_{k}_log_hi1": lb["+1 sd"],
                    f"C11_{k}_log_lo2": lb["-2 sd"], f"C11_{k}_log_hi2": lb["+2 sd"], f"C11_{k}_sd_log": lb["sd_log"]}
            if len(on):
                out[f"C11_{k}_on_date"] = float(on.iloc[-1])
            for bands_kind, tag in (("in-sample", "is"), ("real-time", "rt")):
                for e in v.get("ev", {}).get(bands_kind, []):
                    side = "up" if e["side"] == 1 else "down"
                    m = e["horizon"]
                    out[f"C11_{k}_touch_{tag}_{side}_mean{m}"] = 100 * e["mean"] if not np.isnan(e["mean"]) else np.nan
                    out[f"C11_{k}_touch_{tag}_{side}_p{m}"] = e["p"]
                    if m != HEADLINE_HORIZON:
                        continue
                    out[f"C11_{k}_touch_{tag}_{side}_n"] = int(e["n"])
                    out[f"C11_{k}_touch_{tag}_{side}_mean12"] = 100 * e["mean"] if not np.isnan(e["mean"]) else np.nan
                    out[f"C11_{k}_touch_{tag}_{side}_p"] = e["p"]
        if HEADLINE in per:
            h = per[HEADLINE]
            out["C11_halflife_months"] = h["hl"]["halflife"]
            for tag, ev in (("rt", h.get("reversal")), ("is", h.get("reversal_is"))):
                if ev is None:
                    continue
                out[f"C11_reversal_{tag}_touches"] = int(ev["n_touches"])
                out[f"C11_reversal_{tag}_used"] = int(ev["n_used"])
                out[f"C11_reversal_{tag}_zstart"] = ev["start"]
                if not ev["reason"]:
                    out[f"C11_reversal_{tag}_mean12"] = float(ev["estimate"])
                    out[f"C11_reversal_{tag}_p"] = float(ev["pvalue"])
        if power is not None:
            out["C11_power_n"] = power.nobs
            out["C11_power_months"] = power.n_periods
            out["C11_power_burnin_months"] = power.min_periods
            out["C11_power_reps"] = power.reps
            out["C11_power_sigma"] = power.sigma
            out["C11_power_size"] = power.size
            out["C11_power_halflife"] = int(POWER_HALF_LIFE)
            out["C11_power_hl12"] = power.power_at(POWER_HALF_LIFE)
            out["C11_power_hl12_adj"] = power.power_at(POWER_HALF_LIFE, size_adjusted=True)
            out["C11_power_hl6"] = power.power_at(6.0)
            out["C11_power_hl6_adj"] = power.power_at(6.0, size_adjusted=True)
            out["C11_power_implied_beta_hl12"] = float(power.table.loc[POWER_HALF_LIFE, "implied_beta"])
            out["C11_power_nonoverlap"] = power.nobs // power.horizon
        for k, a in ARTICLE.items():
            tag = keys[k]
            names = {"mean": "mean", "on_date": "on_date", "-1 sd": "lo1", "+1 sd": "hi1", "-2 sd": "lo2",
                     "+2 sd": "hi2"}
            out |= {f"C11_article_{tag}_{names[f]}": v for f, v in a.items()}
        levels = ("_mean", "_sd", "_lo1", "_hi1", "_lo2", "_hi2", "_on_date", "_latest", "_log_mean", "_log_lo1",
                  "_log_hi1", "_log_lo2", "_log_hi2")
        out |= {f"{k}_txt": f"{v:.2f}" for k, v in list(out.items())  # percent levels to 2 dp for the prose
                if k.endswith(levels) and isinstance(v, float) and np.isfinite(v)}
        out["C11_grid_n"] = int(len(g))
        out["C11_grid_share_neg"] = float((g["estimate"] < 0).mean())
        out["C11_grid_share_sig_neg"] = float(((g["estimate"] < 0) & (g["pvalue"] < ALPHA)).mean())
        rt = g[g["z"] == "real-time"]
        out["C11_grid_share_sig_neg_rt"] = float(((rt["estimate"] < 0) & (rt["pvalue"] < ALPHA)).mean())
        ins = g[g["z"] == "in-sample"]
        out["C11_grid_share_sig_neg_is"] = float(((ins["estimate"] < 0) & (ins["pvalue"] < ALPHA)).mean())
        return out

    @staticmethod
    def _figures(per: dict) -> list[Figure]:
        figs = []
        names = {HEADLINE: ("c11_sw_ratio", "Shenwan small/large price ratio (%) and its bands"),
                 LONGEST: ("c11_csi1000_ratio", "CSI 1000/CSI 300 price ratio (%) and its bands"),
                 "P/E CSI 500/CSI 300": ("c11_pe_ratio", "CSI 500/CSI 300 P/E ratio (%) and its bands"),
                 "Turnover SW small/large": ("c11_turnover_ratio",
                                             "Shenwan small/large turnover ratio (%, 20-day mean) and its bands")}
        for label, (name, title) in names.items():
            if label not in per:
                continue
            v = per[label]
            lb = v["log_bands"]
            x = v["daily"]["ratio"]
            shown = x.rolling(20).mean() if label.startswith("Turnover") else x
            ex = np.log(x).expanding(min_periods=MIN_HISTORY_YEARS * PERIODS_PER_YEAR["D"])
            data = pd.DataFrame({"ratio": shown, "real-time +2 sd": np.exp(ex.mean() + 2 * ex.std()),
                                 "real-time −2 sd": np.exp(ex.mean() - 2 * ex.std())})
            tl = v["touches"][0]  # in-sample touches
            marks = [(f"{d:%Y-%m-%d}", float(x.loc[d]), "▼" if s == 1 else "▲")
                     for d, s in zip(tl["date"], tl["side"], strict=True)]
            figs.append(Figure(name=name, title=title, data=data, ylabel="percent (log scale)", logy=True,
                               hlines=[lb["-2 sd"], lb["-1 sd"], lb["mean"], lb["+1 sd"], lb["+2 sd"]], marks=marks))
        return figs


STUDY = Bands()
