"""A4 — "concavity": past a critical level of liquidity the size style's response to US
yields flips sign (Seed 000). B2 (small-cap crowding) is in ``studies.crowding``.

Claims
------
A4 (Seed 000, Sept–Oct 2023). Rising US 10Y yields drive foreign money out and large caps
(high foreign ownership) down, so the small/large ratio rises with US yields. Past a
critical level of outflow / deleveraging the sign flips ("凹性的反叛"): large caps turn
resilient, small caps fragile, and the market "returns to large caps".

Data
----
Weekly (Friday) and month-end closes of every small-cap proxy with data and its large-cap
partner (``studies.common.PROXIES``), the US 10Y yield (FRED DGS10), northbound net flows
(2014-11-17 .. 2023-12-29; none after) and CSI All Share daily traded value. Sample: the Stock Connect era from
2014-11-17 to the last common date.

What we do (A4)
---------------
* Ratio return ``y_t = 100 Δlog(small/large)`` (per cent), ``Δ US10Y`` in percentage points on
  the Shanghai clock (``build_panel``: the last US close before the Shanghai close).
  Weeks (months) in which either index did not trade are dropped before differencing.
* **Headline: known outflow episodes.** Outflow weeks are those whose northbound net flow over
  the previous 26 weeks (lagged, known before the week) is below ``EPISODE_LEVEL`` = 0 — the
  article's "cumulative outflow", a level declared before looking at the ratio (about 6% of
  weeks). Split regression ``y ~ 1 + dx + D + D·dx`` (``econ.models.split``); effect size
  ``Δβ = β(outflow) − β(other weeks)`` (predicted sign: negative), HC3 t (Newey–West beside it;
  it over-rejects with a small clustered episode). No threshold is searched for, so the test
  has its usual distribution and can see a regime of 6% of the weeks.
* **Design check** (``_design_check``): ``SIM_REPS`` samples simulated with the data's
  regressors and heteroskedasticity: size at 5% of the split test and of Hansen's threshold
  test with 15% and 5% trimming (warp-speed bootstrap critical values), and their power
  against ``Δβ = −ALT_DBETA_SD sd(y)/sd(dx)`` in the outflow weeks.
* **Hansen (2000) threshold regression** (robustness) of ``y_t`` on ``(1, ΔUS10Y_t)`` with
  threshold variable nb26 / nb52 (northbound sums over 26 / 52 weeks, lagged) or turnover (CSI
  All Share mean daily traded value over 26 weeks, lagged), sup-LM fixed-regressor bootstrap
  (``N_BOOT`` draws), trimming ``TRIM`` (and ``TRIM_SMALL`` for the headline proxy and nb26).
* **Markov switching** (Hamilton 1989; ``econ.models.regimes.fit_markov``, multi-start, robust
  sandwich errors): switching mean and variance with 2 and 3 regimes, and a 2-regime switching
  regression on ΔUS10Y and the week's northbound flow. For each fit: the Carrasco–Hu–Ploberger
  (2014) test of linearity (``econ.models.markov_tests``, headline proxy), the regime
  classification measure (Ang–Bekaert), starts at the best optimum within ``LLF_TOL``, and a
  degeneracy flag (a regime s.d. below ``DEGENERATE_SIGMA_RATIO`` of the other's or an expected
  duration above ``DEGENERATE_DURATION_SHARE`` of the sample); a degenerate fit does not enter
  the verdict.
* **Regime dates against the narrative** and a **rolling 52-week beta**, as descriptions.
* **Out-of-sample forecast**: the ratio's log change over 3, 6 and 12 months after 2023-10-31,
  scored by ``econ.robust.calls.score_move`` against every earlier window of the same horizon
  (the base rate, as for every dated call); 12 months is the headline, the others robustness;
  the same from the launch date as a robustness column.
* **Robustness grid**: proxy × frequency × outflow window (26 or 13 weeks) of the split test,
  with ``NULL_DRAWS`` null draws that shift the outflow marker circularly (Romano–Wolf).

Parts (declared in ``studies/claims.toml``)
-------------------------------------------
A4: *threshold_flip* (Δβ of the known-date outflow split, HC3 p; its grid's Romano–Wolf p
from null draws enters the verdict), *markov_flip* (the lower-flow regime's
yield slope minus the higher-flow regime's in the switching regression) and *forecast* (the
headline ratio's move over ``FORECAST_HEADLINE`` months after the call, against the base
rate). The rolling beta is reported beside them. The verdict engine decides.

Left out
--------
3-regime Markov models for non-headline proxies and monthly switching regressions (each
weekly 3-regime fit takes ~15 s from ten starts; the monthly switching regression has ten
parameters for about 100 months); 3-regime switching regressions (a regime collapses onto a
handful of weeks). The SSE Composite turnover rate in the vault changes units around 2018
and has zeros from 2020, so turnover is measured by the CSI All Share traded value instead.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import stats
from statsmodels.regression.rolling import RollingOLS

from econ.data.errors import DataError, InsufficientDataError
from econ.data.loader import DataLoader
from econ.data.panel import build_panel
from econ.models.markov_tests import CHPResult, chp_test
from econ.models.regimes import RegimeResult, fit_markov_detached
from econ.models.split import split_regression
from econ.models.threshold import ThresholdResult, threshold_regression, threshold_sup_test
from econ.policy import ALPHA
from econ.robust import Grid, GridResult, NullDraws, Spec, SpecEstimate, run_grid
from econ.robust.calls import score_move
from econ.robust.curve import circular_shift
from econ.robust.executor import RecordingLoader
from econ.study import Figure, PartResult, Study, StudyResult, Table, z_ci
from studies import declared
from studies.common import (
    BACK_CALCULATED_MARK,
    BACK_CALCULATED_NOTE,
    PROXIES,
    Proxy,
    available_proxies,
    back_calculated,
    live_start,
    proxy_by_label,
)

# ---- data -------------------------------------------------------------------------------
US10Y = "us.rate.ust10y"
FLOW = "cn.flow.northbound.net"             # CNY million per day
TURNOVER = "cn.turnover.allshare.amount"    # CNY 100 m per day
START = "2014-11-17"                        # first day of Stock Connect

# ---- declared choices -------------------------------------------------------------------
HEADLINE = "CSI 1000"   # live index over the whole Connect era (CSI 2000 is back-calculated before 2023-08)
HEADLINE_FREQ = "W"
HEADLINE_Q = "nb26"     # the 52-week sum never turns negative in the data: it cannot measure "outflow"
THRESHOLD_VARS = {
    "nb26": "northbound net flow, sum over the previous 26 weeks (6 months), CNY bn",
    "nb52": "northbound net flow, sum over the previous 52 weeks (12 months), CNY bn",
    "turnover": "CSI All Share mean daily traded value over the previous 26 weeks (6 months), CNY trillion",
}
WINDOWS = {"W": {"nb13": 13, "nb26": 26, "nb52": 52, "turnover": 26},
           "M": {"nb13": 3, "nb26": 6, "nb52": 12, "turnover": 6}}
# headline design: known outflow episodes = periods whose trailing northbound sum (lagged,
# known before the period) is below zero, i.e. net outflow over the window. The critical
# level 0 is the article's "cumulative outflow", declared before looking at the ratio.
EPISODE_Q = "nb26"
EPISODE_LEVEL = 0.0     # CNY bn
EPISODE_QS = ("nb26", "nb13")  # grid: 6-month and 3-month outflow windows
MIN_EPISODE = 5         # periods in (and out of) the episodes; fewer -> the spec fails
TRIM = 0.15             # Hansen (2000) as before (robustness)
TRIM_SMALL = 0.05       # Hansen with small trimming, its size checked by simulation
N_BOOT = 499            # Hansen fixed-regressor bootstrap draws (tables)
SIM_REPS = 200          # design check: simulated samples under the null and under the alternative
SIM_SEED = 6
ALT_DBETA_SD = 0.5      # alternative of the power check: Δβ = −0.5 sd(y)/sd(ΔUS10Y) in the outflow weeks
NULL_DRAWS = 99         # null draws of the grid (Romano–Wolf)
NULL_SEED = 20231031
NULL_SHIFT = (0.1, 0.9)  # circular shift of the threshold variable, as a fraction of the sample
SEED = 0
K_REGIMES = (2, 3)
N_STARTS = 10           # Markov starts, headline proxy
N_STARTS_OTHER = 5      # Markov starts, other proxies (2-regime fits: 9-10 of 10 starts agree)
LLF_TOL = 1e-6          # a start "reached the best optimum" within this log-likelihood distance
COV_TYPE = "robust"     # Markov standard errors: sandwich (QML), statsmodels cov_type="robust"
DEGENERATE_SIGMA_RATIO = 1e-3    # a regime s.d. below this share of the other's: collapsed variance
DEGENERATE_DURATION_SHARE = 0.5  # expected duration above this share of the sample: not switching
CHP_BOOT = 99           # parametric-bootstrap draws of the CHP linearity test
CHP_SEED = 14
MARKOV_JOBS = 2         # Markov fits run in parallel processes (joblib)
DEGENERATE_DURATION = 1.5  # periods: a regime this short is a set of isolated outliers
MIN_THRESHOLD_OBS = 60  # periods; below this a threshold specification is skipped
SPELL_MIN = {"W": 4, "M": 2}
NARRATIVE = {"2021-02-18": "CSI 300 peak", "2023-10-31": "article's call"}
SWITCH_WINDOW = 13      # weeks: a regime change this close to a narrative date "matches" it
ROLLING_WEEKS = 52
FORECAST_DATE = "2023-10-31"
HORIZONS = (3, 6, 12)   # months
FORECAST_HEADLINE = 12  # months: the horizon the forecast part scores (the others are shown)

FREQ_NAME = {"W": "weekly", "M": "monthly"}


# ---- panels -----------------------------------------------------------------------------
_FRAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def ratio_frame(loader: DataLoader, proxy: Proxy, freq: str) -> pd.DataFrame:
    """Ratio returns, yield changes, flows and the threshold variables of one proxy.

    Parameters
    ----------
    loader
        Serves the series.
    proxy
        Small/large pair.
    freq
        ``"W"`` or ``"M"``.

    Returns
    -------
    pandas.DataFrame
        Index = period end (trading periods of both indices). Columns ``log_ratio``,
        ``y`` (100 Δlog ratio), ``dx`` (ΔUS10Y, pp), ``flow`` (period's northbound net flow,
        CNY 10 bn), ``nb26``, ``nb52`` (lagged trailing flow sums, CNY bn) and ``turnover``
        (lagged trailing mean daily traded value, CNY trillion); cached per loader.
    """
    ids = {"small": proxy.small, "large": proxy.large, "us10y": US10Y, "flow": FLOW, "turnover": TURNOVER}
    if isinstance(loader, RecordingLoader):
        # a grid's recording proxy shares the memo of the study's loader; the series a frame
        # reads are recorded as if the proxy had fetched them (the grid cache keys on them)
        loader.used.update(ids.values())
        loader = loader.wrapped
    memo = _FRAMES.setdefault(loader, {})
    key = (proxy.label, freq)
    if key not in memo:
        p = build_panel(loader, ids, freq=freq, start=START, agg={"turnover": "mean"})
        p = p.dropna(subset=["small", "large", "us10y"])
        log_ratio = np.log(p["small"] / p["large"])
        w = WINDOWS[freq]
        flow_bn = p["flow"] / 1e3
        to = p["turnover"].where(p["turnover"] > 0) / 1e4
        out = pd.DataFrame({
            "log_ratio": log_ratio, "y": 100 * log_ratio.diff(), "dx": p["us10y"].diff(),
            "flow": p["flow"] / 1e4,
            "nb13": flow_bn.rolling(w["nb13"], min_periods=w["nb13"]).sum().shift(1),
            "nb26": flow_bn.rolling(w["nb26"], min_periods=w["nb26"]).sum().shift(1),
            "nb52": flow_bn.rolling(w["nb52"], min_periods=w["nb52"]).sum().shift(1),
            "turnover": to.rolling(w["turnover"], min_periods=w["turnover"]).mean().shift(1),
        }, index=p.index)
        memo[key] = out.iloc[1:]
    return memo[key].copy()


def _threshold(frame: pd.DataFrame, q: str, trim: float, n_boot: int) -> tuple[ThresholdResult, dict]:
    d = frame[["y", "dx", q]].dropna()
    if len(d) < MIN_THRESHOLD_OBS:
        raise InsufficientDataError(f"{len(d)} periods with {q}; the threshold regression needs {MIN_THRESHOLD_OBS}")
    res = threshold_regression(d["y"], d[["dx"]], d[q], trim=trim, n_boot=n_boot, seed=SEED)
    est, se = res.regime_coefs("estimate"), res.regime_coefs("std_err")
    pv = res.regime_coefs("pvalue")
    b_lo, b_hi = float(est.loc["dx", "lower"]), float(est.loc["dx", "upper"])
    s_lo, s_hi = float(se.loc["dx", "lower"]), float(se.loc["dx", "upper"])
    dse = float(np.hypot(s_lo, s_hi))
    out = {
        "start": d.index[0], "end": d.index[-1], "nobs": res.nobs, "gamma": res.gamma,
        "ci_low": res.ci_lower, "ci_high": res.ci_upper, "censored": res.ci_censored,
        "beta_low": b_lo, "se_low": s_lo, "p_low": float(pv.loc["dx", "lower"]),
        "beta_high": b_hi, "se_high": s_hi, "p_high": float(pv.loc["dx", "upper"]),
        "dbeta": b_lo - b_hi, "dbeta_se": dse,
        "p_dbeta": float(2 * stats.norm.sf(abs(b_lo - b_hi) / dse)),
        "sup_lm": res.sup_stat, "p": res.pvalue, "n_low": res.n_lower, "n_high": res.n_upper,
        "sign_flip": bool(b_lo < 0 < b_hi),
    }
    return res, out


def _split(frame: pd.DataFrame, q: str) -> dict:
    """Known-date split regression of the ratio return on ΔUS10Y, outflow periods vs the rest."""
    d = frame[["y", "dx", q]].dropna()
    episode = d[q] < EPISODE_LEVEL
    r = split_regression(d["y"], d["dx"], episode, min_episode=MIN_EPISODE)
    return {"start": d.index[0], "end": d.index[-1], "nobs": r.nobs, "n_out": r.n_in,
            "share_out": r.n_in / r.nobs, "beta_out": r.slope_in, "se_out": r.se_in,
            "beta_rest": r.slope_out, "se_rest": r.se_out, "dbeta": r.diff, "dbeta_se": r.diff_se,
            "p": r.diff_p, "dbeta_se_hac": r.diff_se_hac, "p_hac": r.diff_p_hac, "hac_lags": r.hac_lags, "sign_flip": bool(r.slope_in < 0 < r.slope_out)}


class _SplitHC3:
    """HC3 p-value of the split test's Δβ for many ``y`` on one design (the design check).

    The operations of :func:`econ.models.split.split_regression` (statsmodels ``OLS`` with
    ``cov_type="HC3"``), with the design's pinv and leverages computed once: the same floats.
    """

    def __init__(self, x: np.ndarray, episode: np.ndarray) -> None:
        from statsmodels.tools.tools import pinv_extended

        d = np.asarray(episode, dtype=float)
        self.X = np.column_stack([np.ones_like(x), x, d, d * x])
        self.pinv, _ = pinv_extended(self.X)
        norm_cov = np.dot(self.pinv, np.transpose(self.pinv))
        self.lev = np.einsum("ij,ik,kj->i", self.X, self.X, norm_cov)

    def _fit(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        beta = np.dot(self.pinv, y)
        resid = y - np.dot(self.X, beta)
        scale = (resid / (1 - self.lev)) ** 2
        V = np.dot(self.pinv, scale[:, None] * self.pinv.T)
        t = beta / np.sqrt(np.diag(V))
        return beta, V, t

    def pvalue(self, y: np.ndarray) -> float:
        """Two-sided HC3 p-value of the interaction (``split_regression(...).diff_p``)."""
        _, _, t = self._fit(y)
        return float((stats.norm.sf(np.abs(t)) * 2)[3])

    def diff(self, y: np.ndarray) -> tuple[float, float, float]:
        """``diff``, ``diff_se`` and ``diff_p`` of ``split_regression(y, x, episode)`` (HC3)."""
        beta, V, t = self._fit(y)
        return float(beta[3]), float(np.sqrt(V[3, 3])), float((stats.norm.sf(np.abs(t)) * 2)[3])


def _null_split(y: np.ndarray, dx: np.ndarray, episode: np.ndarray) -> SpecEstimate:
    """One null draw of the grid: the HC3 Δβ of ``split_regression`` without its Newey–West fit.

    The null draws use only ``diff``, ``diff_se`` and ``diff_p``; :class:`_SplitHC3` gives them
    as the same floats, with the same refusal of too few episode periods.
    """
    n_in = int(np.asarray(episode, dtype=float).sum())
    if min(n_in, y.size - n_in) < MIN_EPISODE:
        return SpecEstimate.failed(f"{n_in} episode periods of {y.size}; need at least {MIN_EPISODE} in and out")
    est, se, p = _SplitHC3(dx, episode).diff(y)
    return SpecEstimate(estimate=est, se=se, pvalue=p, nobs=int(y.size))


def _design_check(frame: pd.DataFrame) -> dict:
    """Size and power of the three designs, simulated with the data's regressors.

    Null: ``y* = X b + e_t z_t`` (``b``, ``e`` from the linear fit on the data, ``z`` standard
    normal: the data's heteroskedasticity pattern, no threshold). Alternative: the same plus
    ``Δβ dx_t`` in the declared outflow weeks (``Δβ = −ALT_DBETA_SD sd(y) / sd(dx)``). Split
    test: HAC t at 5%. Hansen tests: the fixed-regressor bootstrap critical value estimated by
    the warp-speed method (Giacomini, Politis and White 2013: one bootstrap draw per simulated
    sample; the 95% quantile of those draws is the critical value), at 15% and 5% trimming.
    """
    d = frame[["y", "dx", EPISODE_Q]].dropna()
    y, dx, q = d["y"].to_numpy(), d["dx"].to_numpy(), d[EPISODE_Q]
    episode = (q < EPISODE_LEVEL).to_numpy()
    X = np.column_stack([np.ones_like(dx), dx])
    b = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ b
    dbeta = -ALT_DBETA_SD * float(np.std(y) / np.std(dx))
    y0, y1, yb = _design_samples(y, X, b, e, dbeta * dx * episode, np.random.default_rng(SIM_SEED))
    split_p = _SplitHC3(dx, episode).pvalue
    out: dict = {"alt_dbeta": dbeta, "reps": SIM_REPS, "share_out": float(episode.mean()),
                 "size_split": float(np.mean([split_p(v) < ALPHA for v in y0])),
                 "power_split": float(np.mean([split_p(v) < ALPHA for v in y1]))}
    xdf = d[["dx"]]
    for j, (t, tag) in enumerate(((TRIM, "15"), (TRIM_SMALL, "05"))):
        null, boot, alt = (threshold_sup_test(v.T, xdf.to_numpy(), q.to_numpy(), trim=t, exact=True)
                           for v in (y0, yb[j], y1))
        crit = float(np.quantile(boot, 1 - ALPHA))
        out[f"size_hansen{tag}"] = float(np.mean(null > crit))
        out[f"power_hansen{tag}"] = float(np.mean(alt > crit))
    return out


def _design_samples(y: np.ndarray, X: np.ndarray, b: np.ndarray, e: np.ndarray, shift: np.ndarray,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The design check's simulated samples, drawn in the order of its original loop.

    Returns ``y0`` (null) and ``y1 = y0 + shift`` (alternative), each ``(SIM_REPS, n)``, and
    ``yb`` ``(2, SIM_REPS, n)``: one wild-bootstrap draw of each null sample per trimming
    (``TRIM``, ``TRIM_SMALL``), the warp-speed draws. Samples are rows, so each one is a
    contiguous vector as in the loop (BLAS may round a strided vector differently).
    """
    n = len(y)
    y0, y1 = np.empty((SIM_REPS, n)), np.empty((SIM_REPS, n))
    yb = np.empty((2, SIM_REPS, n))
    for r in range(SIM_REPS):
        y0[r] = X @ b + e * rng.standard_normal(n)
        y1[r] = y0[r] + shift
        fit0 = y0[r] - X @ np.linalg.lstsq(X, y0[r], rcond=None)[0]
        for j in range(2):
            yb[j, r] = fit0 * rng.standard_normal(n)
    return y0, y1, yb


# ---- robustness grid (module level, picklable) ------------------------------------------
GRID = Grid({"proxy": [p.label for p in PROXIES], "freq": ["W", "M"], "q": list(EPISODE_QS)})
HEADLINE_SPEC = declared.headline("A4.threshold_flip")


def estimate(spec: Spec, loader: DataLoader, null: NullDraws | None = None) -> SpecEstimate | list[SpecEstimate]:
    """Δβ = β(outflow periods) − β(other periods) of ratio returns on ΔUS10Y (known dates).

    Parameters
    ----------
    spec
        Choices ``proxy`` (label), ``freq`` (W/M) and ``q`` (trailing northbound window,
        ``nb26`` or ``nb13``); outflow periods have ``q < EPISODE_LEVEL``.
    loader
        Serves the series.
    null
        Null draws (the joint-test hook): in draw k the outflow marker is circularly shifted
        against the returns by a common fraction U(NULL_SHIFT) of the sample, so the episodes
        keep their length and clustering but carry no information about the returns.

    Returns
    -------
    SpecEstimate
        ``estimate`` = Δβ (per cent per pp) with its HAC standard error and two-sided p.
    """
    proxy = proxy_by_label(spec["proxy"])
    frame = ratio_frame(loader, proxy, spec["freq"])
    q = spec["q"]
    if null is not None:
        d = frame[["y", "dx", q]].dropna()
        y, dx, qv = (d[c].to_numpy(dtype=float) for c in ("y", "dx", q))
        return [_null_split(y, dx, circular_shift(qv, null.uniform(k, *NULL_SHIFT)) < EPISODE_LEVEL) for k in null]
    r = _split(frame, q)
    return SpecEstimate(
        estimate=r["dbeta"], se=r["dbeta_se"], pvalue=r["p"], nobs=int(r["nobs"]),
        extra={"beta_out": r["beta_out"], "beta_rest": r["beta_rest"], "sign_flip": r["sign_flip"],
               "n_out": r["n_out"]})


# ---- Markov fits ------------------------------------------------------------------------
def _degenerate(res: RegimeResult) -> str:
    return res.degeneracy(sigma_ratio=DEGENERATE_SIGMA_RATIO, duration_share=DEGENERATE_DURATION_SHARE)


def _regime_summary(res: RegimeResult) -> pd.DataFrame:
    est = res.regime_params("estimate")
    cls = res.classify(0.5)
    rows = []
    for r in range(res.k_regimes):
        rows.append({"regime": r, "mean": float(est.loc["const", r]),
                     "sd": float(np.sqrt(est.loc["sigma2", r])),
                     "duration": float(res.expected_durations[r]),
                     "share": float((cls == r).sum() / len(cls))})
    return pd.DataFrame(rows).set_index("regime")


def _changes(res: RegimeResult, freq: str) -> pd.DatetimeIndex:
    spells = res.regime_dates(0.5, SPELL_MIN[freq])
    return pd.DatetimeIndex(spells["start"].iloc[1:]) if len(spells) > 1 else pd.DatetimeIndex([])


class Regimes(Study):
    name = "regimes"
    title = "Regimes in the size style: concavity (A4)"
    claims = ("A4",)
    parts = ("A4.threshold_flip", "A4.markov_flip", "A4.forecast")
    series = tuple(dict.fromkeys([p.small for p in PROXIES] + [p.large for p in PROXIES]
                                 + [US10Y, FLOW, TURNOVER]))

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        def say(msg: str) -> None:
            if progress:
                progress(msg)

        proxies = available_proxies(loader)
        labels = [p.label for p in proxies]
        head = HEADLINE if HEADLINE in labels else labels[0]
        frames = {(p.label, f): ratio_frame(loader, p, f) for p in proxies for f in ("W", "M")}

        # -- Markov jobs (longest first so two workers balance)
        jobs = []
        for f in ("W", "M"):
            jobs.append((("ms", head, f, 3), frames[(head, f)]["y"].dropna(), None, 3, N_STARTS))
        hw = frames[(head, "W")][["y", "dx", "flow"]].dropna()
        jobs.append((("msr", head, "W", 2), hw["y"], hw[["dx", "flow"]], 2, N_STARTS))
        for lab in labels:
            if lab != head:
                d = frames[(lab, "W")][["y", "dx", "flow"]].dropna()
                jobs.append((("msr", lab, "W", 2), d["y"], d[["dx", "flow"]], 2, N_STARTS_OTHER))
        for lab in labels:
            for f in ("W", "M"):
                jobs.append((("ms", lab, f, 2), frames[(lab, f)]["y"].dropna(), None, 2,
                             N_STARTS if lab == head else N_STARTS_OTHER))
        say(f"A4 Markov: {len(jobs)} fits on {MARKOV_JOBS} workers")
        # forked workers (the multiprocessing backend) start with this process's modules: a
        # loky worker would first import statsmodels and the study again (seconds of CPU each)
        fitted = Parallel(n_jobs=MARKOV_JOBS, backend="multiprocessing")(
            delayed(fit_markov_detached)(y, k_regimes=k, exog=x, n_starts=n, seed=SEED, llf_tol=LLF_TOL,
                                         cov_type=COV_TYPE) for _, y, x, k, n in jobs)
        fits: dict[tuple, RegimeResult] = dict(zip((j[0] for j in jobs), fitted, strict=True))

        # -- CHP linearity tests of the headline proxy's models (cheap: only the linear fit)
        say("A4 linearity tests (CHP)")
        chp: dict[tuple, CHPResult] = {}
        for f in ("W", "M"):
            yv = frames[(head, f)]["y"].dropna()
            chp[("ms", head, f, 2)] = chp_test(yv, None, n_boot=CHP_BOOT, seed=CHP_SEED)
        chp[("msr", head, "W", 2)] = chp_test(hw["y"], hw[["dx", "flow"]], n_boot=CHP_BOOT, seed=CHP_SEED)
        markov_fit, markov_reg = self._markov_tables(fits, labels, head, chp)
        switching, msr_flip = self._switching_table(fits, frames, labels, chp)
        dates_table, spells = self._narrative(fits, frames, head)

        # -- known-date split regressions (headline design): every proxy, weekly
        say("A4 outflow-episode split regressions")
        split_rows = []
        for p in proxies:
            try:
                r = _split(frames[(p.label, "W")], EPISODE_Q)
            except (DataError, ValueError):
                continue
            mark = BACK_CALCULATED_MARK if back_calculated(p, r["start"]) else ""
            split_rows.append({"proxy": p.label + mark, **r})
        splits = pd.DataFrame(split_rows).set_index("proxy")
        if head not in splits.index:
            raise InsufficientDataError(f"the headline split regression ({head}, {EPISODE_Q}) has no data")
        h = splits.loc[head]
        say("A4 design check (size and power by simulation)")
        design = _design_check(frames[(head, "W")])

        # -- Hansen threshold regressions (robustness): every proxy, weekly, each threshold variable
        say("A4 threshold regressions")
        thr_rows, thr_res, skipped = [], {}, []
        for p in proxies:
            lab = p.label
            for q in THRESHOLD_VARS:
                for trim in ((TRIM, TRIM_SMALL) if (lab == head and q == HEADLINE_Q) else (TRIM,)):
                    try:
                        res, r = _threshold(frames[(lab, "W")], q, trim, N_BOOT)
                    except (DataError, ValueError) as exc:  # reported in the notes, not fatal
                        skipped.append(f"{lab}/{q}: {exc}")
                        continue
                    if trim == TRIM:
                        thr_res[(lab, q)] = res
                    mark = BACK_CALCULATED_MARK if back_calculated(p, r["start"]) else ""
                    thr_rows.append({"proxy": lab + mark, "q": q, "trim": trim, **r})
        thr = pd.DataFrame(thr_rows).set_index(["proxy", "q", "trim"])
        if (head, HEADLINE_Q, TRIM) not in thr.index:
            raise InsufficientDataError(f"the threshold regression ({head}, {HEADLINE_Q}) has no data")
        ht = thr.loc[(head, HEADLINE_Q, TRIM)]
        ht5 = thr.loc[(head, HEADLINE_Q, TRIM_SMALL)]

        # -- rolling beta (headline)
        fw = frames[(head, "W")][["y", "dx"]].dropna()
        roll = RollingOLS(fw["y"], fw[["dx"]].assign(const=1.0), window=ROLLING_WEEKS).fit()
        rbeta = roll.params["dx"].dropna()
        call = pd.Timestamp(FORECAST_DATE)
        before_call = rbeta.loc[:call]
        rb_at_call = float(before_call.iloc[-1])
        rb_2122 = float(rbeta.loc["2021-02-18":"2022-12-31"].mean())
        rb_2023 = float(rbeta.loc["2023-01-01":call].mean())

        # -- out-of-sample forecast
        say("A4 forecast scoring")
        fc = self._forecast(loader, proxies)
        fh = fc.loc[head]
        hits = int((fh["change"] < 0).sum())

        # -- robustness grid
        say(f"A4 grid ({len(GRID)} specs)")
        grid: GridResult = run_grid(estimate, GRID, loader=loader, null_draws=NULL_DRAWS, seed=NULL_SEED,
                                    progress=(lambda k: say(f"A4 grid {k}")) if progress else None)
        robust = self._grid_table(grid)
        gok = grid.ok()

        hm = msr_flip.loc[head]
        parts = self._a4_parts(h, hm, fc.loc[head], head)
        splits_table = self._split_table(splits, design, head)

        # -- tables, figures, numbers
        tables = [markov_fit, markov_reg, switching, dates_table, spells, splits_table,
                  self._threshold_table(thr), self._forecast_table(fc), robust]
        figures = self._figures(fits, frames, head, thr_res[(head, HEADLINE_Q)], rbeta)
        ms2 = _regime_summary(fits[("ms", head, "W", 2)])
        msr_flow = switching.frame.loc[head, "26w flow"]
        numbers = {
            "A4_headline_proxy": head,
            # headline: known outflow episodes
            "A4_split_dbeta": h["dbeta"], "A4_split_se": h["dbeta_se"], "A4_split_p": h["p"],
            "A4_split_beta_out": h["beta_out"], "A4_split_se_out": h["se_out"],
            "A4_split_beta_rest": h["beta_rest"], "A4_split_se_rest": h["se_rest"],
            "A4_split_p_hac": h["p_hac"], "A4_split_nobs": int(h["nobs"]), "A4_split_n_out": int(h["n_out"]),
            "A4_split_pct_out": 100 * float(h["share_out"]), "A4_split_hac_lags": int(h["hac_lags"]),
            "A4_split_flip_proxies": int(splits["sign_flip"].sum()),
            "A4_split_reject_proxies": int((splits["p"] < ALPHA).sum()), "A4_split_n_proxies": len(splits),
            "A4_sim_reps": SIM_REPS, "A4_sim_alt_dbeta": design["alt_dbeta"],
            "A4_sim_size_split": design["size_split"], "A4_sim_power_split": design["power_split"],
            "A4_sim_size_hansen15": design["size_hansen15"], "A4_sim_power_hansen15": design["power_hansen15"],
            "A4_sim_size_hansen05": design["size_hansen05"], "A4_sim_power_hansen05": design["power_hansen05"],
            # Hansen threshold regressions (robustness)
            "A4_threshold_p": ht["p"], "A4_sup_lm": ht["sup_lm"],
            "A4_gamma": ht["gamma"], "A4_gamma_ci_low": ht["ci_low"], "A4_gamma_ci_high": ht["ci_high"],
            "A4_beta_low": ht["beta_low"], "A4_beta_high": ht["beta_high"], "A4_se_low": ht["se_low"],
            "A4_se_high": ht["se_high"], "A4_dbeta": ht["dbeta"], "A4_nobs": int(ht["nobs"]),
            "A4_n_low": int(ht["n_low"]), "A4_n_high": int(ht["n_high"]),
            "A4_threshold_p_trim05": ht5["p"], "A4_gamma_trim05": ht5["gamma"], "A4_n_low_trim05": int(ht5["n_low"]),
            "A4_dbeta_trim05": ht5["dbeta"],
            "A4_threshold_p_nb52": thr["p"].get((head, "nb52", TRIM), np.nan),
            "A4_threshold_p_turnover": thr["p"].get((head, "turnover", TRIM), np.nan),
            "A4_n_boot": N_BOOT,
            "A4_ms2_duration_calm": float(ms2.loc[0, "duration"]),
            "A4_ms2_duration_volatile": float(ms2.loc[1, "duration"]),
            "A4_ms2_sd_calm": float(ms2.loc[0, "sd"]), "A4_ms2_sd_volatile": float(ms2.loc[1, "sd"]),
            "A4_ms_bic_prefers": min(K_REGIMES, key=lambda k: fits[("ms", head, "W", k)].bic),
            "A4_ms_bic_prefers_monthly": min(K_REGIMES, key=lambda k: fits[("ms", head, "M", k)].bic),
            "A4_msr_beta_0": float(hm["beta_0"]), "A4_msr_beta_1": float(hm["beta_1"]),
            "A4_msr_se_0": float(hm["se_0"]), "A4_msr_se_1": float(hm["se_1"]),
            "A4_msr_flip_proxies": int(msr_flip["flip"].sum()), "A4_n_proxies": len(labels),
            "A4_rolling_beta_at_call": rb_at_call, "A4_rolling_beta_2021_22": rb_2122,
            "A4_rolling_beta_2023": rb_2023,
            "A4_rolling_share_negative_2021_22": float((rbeta.loc["2021-02-18":"2022-12-31"] < 0).mean()),
            "A4_rolling_share_negative_2023": float((rbeta.loc["2023-01-01":call] < 0).mean()),
            "A4_forecast_hits": hits,
            **{f"A4_forecast_{int(hz)}m": float(fh.loc[hz, "change"]) for hz in HORIZONS},
            **{f"A4_forecast_{int(hz)}m_p": float(fh.loc[hz, "pvalue"]) for hz in HORIZONS},
            **{f"A4_forecast_{int(hz)}m_pfall": float(fh.loc[hz, "base_rate"]) for hz in HORIZONS},
            "A4_forecast_headline_months": FORECAST_HEADLINE,
            "A4_forecast_12m_p_live": float(fh.loc[FORECAST_HEADLINE, "p_live"]) if FORECAST_HEADLINE in fh.index else np.nan,
            "A4_forecast_falls_all": int((fc["change"] < 0).sum()), "A4_forecast_cells": len(fc),
            "A4_grid_n": len(gok), "A4_grid_share_flip": float(gok["x_sign_flip"].mean()),
            "A4_grid_specs": len(GRID), "A4_null_draws": NULL_DRAWS,
            "A4_grid_share_reject": float((gok["pvalue"] < ALPHA).mean()),
            "A4_grid_share_negative": float((gok["estimate"] < 0).mean()),
            "A4_grid_min_p": float(gok["pvalue"].min()),
            "A4_grid_n_reject": int((gok["pvalue"] < ALPHA).sum()),
            "A4_grid_n_reject_wrong_sign": int(((gok["pvalue"] < ALPHA) & (gok["estimate"] > 0)).sum()),
            "A4_grid_n_reject_monthly": int(((gok["pvalue"] < ALPHA) & (gok["freq"] == "M")).sum()),
        }
        # rounded forms for the prose
        numbers.update({
            "A4_gamma_bn": int(round(ht["gamma"])), "A4_gamma_ci_low_bn": int(round(ht["ci_low"])),
            "A4_gamma_ci_high_bn": int(round(ht["ci_high"])),
            "A4_sim_pct_size_split": int(round(100 * design["size_split"])),
            "A4_sim_pct_power_split": int(round(100 * design["power_split"])),
            "A4_sim_pct_size_hansen05": int(round(100 * design["size_hansen05"])),
            "A4_sim_pct_power_hansen05": int(round(100 * design["power_hansen05"])),
            "A4_sim_pct_size_hansen15": int(round(100 * design["size_hansen15"])),
            "A4_sim_pct_power_hansen15": int(round(100 * design["power_hansen15"])),
            "A4_ms3_at_best_weekly": fits[("ms", head, "W", 3)].n_at_best,
            "A4_ms3_at_best_monthly": fits[("ms", head, "M", 3)].n_at_best, "A4_n_starts": N_STARTS,
            "A4_ms2_weeks_calm": int(round(ms2.loc[0, "duration"])),
            "A4_ms2_weeks_volatile": int(round(ms2.loc[1, "duration"])),
            "A4_grid_pct_flip": int(round(100 * numbers["A4_grid_share_flip"])),
            "A4_grid_pct_reject": int(round(100 * numbers["A4_grid_share_reject"])),
            "A4_rolling_pct_negative_2021_22": int(round(100 * numbers["A4_rolling_share_negative_2021_22"])),
            "A4_rolling_pct_negative_2023": int(round(100 * numbers["A4_rolling_share_negative_2023"])),
            "A4_msr_flow_calm": int(round(msr_flow.loc[0])), "A4_msr_flow_volatile": int(round(msr_flow.loc[1])),
            **{f"A4_forecast_{int(hz)}m_txt": f"{fh.loc[hz, 'change']:.1f}".replace("-", "−") for hz in HORIZONS},
        })
        msr_h, ms2_h = fits[("msr", head, "W", 2)], fits[("ms", head, "W", 2)]
        numbers.update({
            "A4_msr_rcm": msr_h.rcm, "A4_ms2_rcm": ms2_h.rcm,
            "A4_msr_chp_p": chp[("msr", head, "W", 2)].sup_pvalue, "A4_msr_chp_sup": chp[("msr", head, "W", 2)].sup_ts,
            "A4_ms2_chp_p": chp[("ms", head, "W", 2)].sup_pvalue,
            "A4_ms2_chp_p_monthly": chp[("ms", head, "M", 2)].sup_pvalue, "A4_chp_boot": CHP_BOOT,
            "A4_msr_at_best": msr_h.n_at_best, "A4_msr_starts": msr_h.n_starts,
            "A4_ms2_at_best": ms2_h.n_at_best, "A4_ms2_starts": ms2_h.n_starts,
            "A4_msr_degenerate": _degenerate(msr_h) or "no", "A4_ms2_degenerate": _degenerate(ms2_h) or "no",
            "A4_msr_n_degenerate": int(sum(bool(_degenerate(fits[("msr", lab, "W", 2)])) for lab in labels)),
            "A4_msr_duration_max": float(msr_h.expected_durations.max()), "A4_msr_nobs": msr_h.nobs,
            "A4_degenerate_share": DEGENERATE_DURATION_SHARE, "A4_degenerate_sigma_ratio": DEGENERATE_SIGMA_RATIO,
        })
        return StudyResult(
            study=self.name, title=self.title, parts=parts, tables=tables,
            figures=figures, numbers=numbers, headline_proxy=head,
            synthetic=self.is_synthetic(loader),
            notes=[f"Headline proxy {head}/CSI 300: a live index over the whole Stock Connect sample "
                   f"(the headline sample starts {h['start']:%Y-%m-%d}, after the launch, so no launch-date row is "
                   "needed; CSI 2000 is back-calculated before August 2023). Markov fits: "
                   f"{N_STARTS} starts (headline), {N_STARTS_OTHER} (other proxies).", BACK_CALCULATED_NOTE]
            + ([f"Threshold specifications skipped: {'; '.join(skipped)}."] if skipped else []),
            data_ids=sorted({p.small for p in proxies} | {p.large for p in proxies}
                            | {US10Y, FLOW, TURNOVER}),
            grids=[declared.grid_run("A4.threshold_flip", grid,
                                     label="Δβ = β(outflow) − β(other periods), ratio return (%) on ΔUS10Y (pp)")],
        )

    # ---- pieces ---------------------------------------------------------------------------
    @staticmethod
    def _markov_tables(fits: dict, labels: list[str], head: str, chp: dict) -> tuple[Table, Table]:
        fit_rows, reg_rows = [], []
        for lab in labels:
            for f in ("W", "M"):
                for k in K_REGIMES:
                    res = fits.get(("ms", lab, f, k))
                    if res is None:
                        continue
                    t = chp.get(("ms", lab, f, k))
                    fit_rows.append({"proxy": lab, "freq": FREQ_NAME[f], "k": k, "N": res.nobs,
                                     "llf": res.llf, "AIC": res.aic, "BIC": res.bic,
                                     "starts": res.n_starts, "converged": res.n_converged,
                                     "at best": res.n_at_best, "RCM": res.rcm,
                                     "CHP p": t.sup_pvalue if t is not None else np.nan,
                                     "Degenerate": _degenerate(res) or "no"})
                    for r, row in _regime_summary(res).iterrows():
                        reg_rows.append({"proxy": lab, "freq": FREQ_NAME[f], "k": k, "regime": r, **row})
        fit = pd.DataFrame(fit_rows).set_index(["proxy", "freq", "k"])
        reg = pd.DataFrame(reg_rows).set_index(["proxy", "freq", "k", "regime"])
        short = reg[reg["duration"] < DEGENERATE_DURATION].reset_index()
        degenerate = "; ".join(f"{r.proxy} {r.freq} k={r.k} regime {r.regime}" for r in short.itertuples())
        t_fit = Table(
            name="a4_markov_fit", caption="Markov-switching models of ratio returns: fit, 2 vs 3 regimes",
            frame=fit, digits={"N": 0, "llf": 1, "AIC": 1, "BIC": 1, "starts": 0, "converged": 0, "at best": 0,
                               "RCM": 1, "CHP p": 3},
            notes=["Switching mean and variance of 100 Δlog(small/large), Stock Connect era to the last common "
                   "date; maximum likelihood (Hamilton filter) from several starts (statsmodels default plus "
                   f"seeded random starts; seed {SEED}). 'at best': converged starts within {LLF_TOL:g} of the best "
                   "log-likelihood. RCM: regime classification measure (Ang and Bekaert 2002), 100 K^K × mean "
                   "product of smoothed probabilities (0 = sharp, 100 = no information). CHP p: Carrasco–Hu–"
                   f"Ploberger (2014) supTS test of the linear model against switching mean and variance, {CHP_BOOT} "
                   "parametric-bootstrap draws (headline proxy, 2 regimes). Degenerate: a regime s.d. below "
                   f"{DEGENERATE_SIGMA_RATIO:g} of the other's, or an expected duration above "
                   f"{DEGENERATE_DURATION_SHARE:g} of the sample (a one-off break, not switching); degenerate fits "
                   f"are excluded from the verdict. 3-regime models for the headline proxy ({head}) only."])
        t_reg = Table(
            name="a4_markov_regimes", caption="Markov-switching regimes of ratio returns",
            frame=reg.rename(columns={"mean": "Mean (%)", "sd": "s.d. (%)", "duration": "Duration",
                                      "share": "Share"}),
            digits={"Mean (%)": 2, "s.d. (%)": 2, "Duration": 1, "Share": 2},
            sample="the models of the Markov-fit table, whose N column gives each model's sample size",
            notes=["Regimes ordered by variance (0 = calmest). Mean and s.d. of the ratio return per period "
                   "(week or month, per cent); Duration = expected duration 1/(1 − p_ii) in periods; Share = "
                   "share of periods with smoothed probability above 0.5."
                   + (f" Regimes with an expected duration below {DEGENERATE_DURATION} periods pick out isolated "
                      f"periods rather than persistent states ({degenerate})." if degenerate else "")])
        return t_fit, t_reg

    @staticmethod
    def _switching_table(fits: dict, frames: dict, labels: list[str], chp: dict) -> tuple[Table, pd.DataFrame]:
        rows, flips = [], []
        for lab in labels:
            res = fits[("msr", lab, "W", 2)]
            est, se, pv = (res.regime_params(c) for c in ("estimate", "std_err", "pvalue"))
            probs = res.smoothed_probs
            nb = frames[(lab, "W")]["nb26"].reindex(probs.index)
            ok = nb.notna()
            flow_mean = {r: float(np.average(nb[ok], weights=probs.loc[ok, r])) for r in range(2)}
            for r in range(2):
                rows.append({"proxy": lab, "regime": r, "const": est.loc["const", r],
                             "β ΔUS10Y": est.loc["dx", r], "s.e.": se.loc["dx", r], "p": pv.loc["dx", r],
                             "β flow": est.loc["flow", r], "s.e. ": se.loc["flow", r],
                             "σ": float(np.sqrt(est.loc["sigma2", r])),
                             "Duration": float(res.expected_durations[r]),
                             "26w flow": flow_mean[r]})
            b0, b1 = float(est.loc["dx", 0]), float(est.loc["dx", 1])
            flip = bool(b0 * b1 < 0)
            neg = 0 if b0 < 0 else 1
            t = chp.get(("msr", lab, "W", 2))
            for row in rows[-2:]:
                row.update({"RCM": res.rcm, "CHP p": t.sup_pvalue if t is not None else np.nan,
                            "at best": f"{res.n_at_best}/{res.n_starts}", "Degenerate": _degenerate(res) or "no"})
            flips.append({"proxy": lab, "beta_0": b0, "beta_1": b1, "flow_0": flow_mean[0], "flow_1": flow_mean[1],
                          "se_0": float(se.loc["dx", 0]),
                          "se_1": float(se.loc["dx", 1]), "flip": flip,
                          "predicted": bool(flip and flow_mean[neg] < flow_mean[1 - neg]),
                          "degenerate": _degenerate(res), "chp_p": t.sup_pvalue if t is not None else np.nan,
                          "nobs": res.nobs, "start": res.smoothed_probs.index[0],
                          "end": res.smoothed_probs.index[-1]})
        frame = pd.DataFrame(rows).set_index(["proxy", "regime"])
        t = Table(name="a4_switching", caption="Switching regression of weekly ratio returns on ΔUS10Y and northbound flow",
                  frame=frame, digits={"const": 2, "β ΔUS10Y": 2, "s.e.": 2, "p": 3, "β flow": 2, "s.e. ": 2,
                                       "σ": 2, "Duration": 1, "26w flow": 0, "RCM": 1, "CHP p": 3},
                  sample="weekly; " + "; ".join(
                      f"{f['proxy']} {f['start']:%Y-%m-%d} to {f['end']:%Y-%m-%d}, N = {f['nobs']}" for f in flips),
                  notes=["Two-regime Markov-switching regression, all coefficients and the variance switching: "
                         "100 Δlog ratio on ΔUS10Y (pp) and the week's northbound net flow (CNY 10 bn), "
                         f"{START} to 2023-12-29 (flows end). Robust (sandwich, QML) standard errors "
                         "(statsmodels cov_type='robust'). at best: starts within "
                         f"{LLF_TOL:g} of the best log-likelihood / starts. RCM and Degenerate as in the Markov-fit "
                         "table; CHP p: Carrasco–Hu–Ploberger supTS test of the linear regression against all "
                         f"coefficients and the variance switching ({CHP_BOOT} parametric-bootstrap draws, headline "
                         "proxy). 26w flow: the regime's average (weighted by smoothed probabilities) of the "
                         "previous 26 weeks' northbound flow, CNY bn. The article predicts a regime with a "
                         "negative ΔUS10Y slope, the one with lower flows."])
        return t, pd.DataFrame(flips).set_index("proxy")

    @staticmethod
    def _narrative(fits: dict, frames: dict, head: str) -> tuple[Table, Table]:
        models = {"MS 2 regimes": fits[("ms", head, "W", 2)], "MS 3 regimes": fits[("ms", head, "W", 3)],
                  "Switching regression": fits[("msr", head, "W", 2)]}
        rows = []
        for mname, res in models.items():
            cls = res.classify(0.0)
            changes = _changes(res, "W")
            for d, what in NARRATIVE.items():
                when = pd.Timestamp(d)
                idx = res.smoothed_probs.index
                t = idx[idx <= when][-1]
                reg = int(cls.loc[t])
                if len(changes):
                    near = changes[np.argmin(np.abs((changes - when).days))]
                    weeks = (near - when).days / 7
                else:
                    near, weeks = pd.NaT, np.nan
                rows.append({"model": mname, "date": d, "event": what, "regime": reg,
                             "P(regime)": float(res.smoothed_probs.loc[t, reg]),
                             "nearest change": near, "weeks": weeks,
                             "match": bool(abs(weeks) <= SWITCH_WINDOW) if weeks == weeks else False})
        dates = pd.DataFrame(rows).set_index(["model", "date"])
        t_dates = Table(
            name="a4_regime_dates", caption=f"Regimes around the article's dates ({head}/CSI 300, weekly)",
            frame=dates.rename(columns={"event": "Event", "regime": "Regime", "nearest change": "Nearest change",
                                        "weeks": "Weeks", "match": "Within window"}),
            digits={"Regime": 0, "P(regime)": 2, "Weeks": 0},
            sample="weekly regime models of the Markov-fit and switching-regression tables (samples and N there)",
            notes=["Dates: the CSI 300 peak from which the article dates the small-cap era, and the end of the "
                   "month in which it called the return to large caps. "
                   "Regime: most probable smoothed regime in the week of the date (0 = calmest). Nearest "
                   f"change: start of the nearest spell of at least {SPELL_MIN['W']} weeks classified (smoothed "
                   f"probability > 0.5) in a new regime; Weeks = change − date. Within window: |Weeks| ≤ "
                   f"{SWITCH_WINDOW}. The switching regression ends 2023-12-29 (flows end)."])
        rows = []
        for mname in ("MS 2 regimes", "Switching regression"):
            sp = models[mname].regime_dates(0.5, SPELL_MIN["W"])
            sp = sp[sp["end"] >= pd.Timestamp("2020-01-01")]
            for _, s in sp.iterrows():
                rows.append({"model": mname, "start": s["start"], "end": s["end"], "regime": int(s["regime"]),
                             "weeks": int(s["length"])})
        spells = pd.DataFrame(rows).set_index(["model", "start"])
        t_spells = Table(
            name="a4_regime_spells", caption=f"Regime spells in force from 2020 on ({head}/CSI 300, weekly)",
            frame=spells.rename(columns={"end": "End", "regime": "Regime", "weeks": "Weeks"}),
            sample="weekly regime models of the Markov-fit and switching-regression tables (samples and N there)",
            digits={"Regime": 0, "Weeks": 0}, index_label="",
            notes=[f"Spells of at least {SPELL_MIN['W']} weeks with smoothed probability above 0.5 (shorter "
                   "spells and unclassified weeks are left out). MS: regime 0 calm, 1 volatile. Switching "
                   "regression: each regime's slopes are in the switching-regression table."])
        return t_dates, t_spells

    @staticmethod
    def _forecast(loader: DataLoader, proxies: list[Proxy]) -> pd.DataFrame:
        rows = []
        for p in proxies:
            daily = build_panel(loader, {"s": p.small, "l": p.large}, freq="D", dropna="any")
            lr = 100 * np.log(daily["s"] / daily["l"])
            for hz in HORIZONS:
                if lr.index[-1] < pd.Timestamp(FORECAST_DATE) + pd.DateOffset(months=hz):
                    continue
                sc = score_move(lr, FORECAST_DATE, -1, hz)
                live = score_move(lr, FORECAST_DATE, -1, hz, history_start=live_start(p, None))
                rows.append({"proxy": p.label, "horizon": hz, "from": sc.start, "to": sc.end, "change": sc.move,
                             "fell": sc.right, "pvalue": sc.pvalue, "base_rate": sc.base_rate,
                             "n_hist": sc.windows, "hist_from": lr.index[0], "p_live": live.pvalue,
                             "n_live": live.windows,
                             "back": back_calculated(p, lr.index[0])})
        return pd.DataFrame(rows).set_index(["proxy", "horizon"])

    @staticmethod
    def _forecast_table(fc: pd.DataFrame) -> Table:
        frame = fc.reset_index()
        frame["proxy"] = [lab + (BACK_CALCULATED_MARK if back else "") for lab, back in zip(frame["proxy"], frame["back"], strict=True)]
        frame = frame.set_index(["proxy", "horizon"])[["to", "change", "fell", "pvalue", "base_rate", "n_hist",
                                                 "p_live", "n_live"]].rename(
            columns={"to": "To", "change": "Δlog ratio (%)", "fell": "Fell", "pvalue": "p (base rate)",
                     "base_rate": "P(fall)", "n_hist": "Windows", "p_live": "p (from launch)",
                     "n_live": "Windows "})
        return Table(
            name="a4_forecast", caption=f"The article's call out of sample: the small/large ratio after {FORECAST_DATE}",
            sample=(f"each proxy from {FORECAST_DATE} to the horizon; base rates from its earlier windows of the same "
                    "horizon (count in Windows)"),
            frame=frame, digits={"Δlog ratio (%)": 1, "p (base rate)": 3, "P(fall)": 2, "Windows": 0,
                                 "p (from launch)": 3, "Windows ": 0},
            notes=[f"Change of 100 log(small/large) from the last trading day on or before {FORECAST_DATE} to the "
                   "last on or before the horizon (months). p (base rate): share of the proxy's earlier windows of "
                   f"the same horizon (month-end starts, ending by {FORECAST_DATE}) that fell at least as much "
                   "(econ.robust.calls.score_move, as for every dated call). P(fall): share of those windows that "
                   f"fell at all (the base rate of the call). The forecast part scores the {FORECAST_HEADLINE}-month "
                   "horizon of the headline proxy; the other horizons are robustness. p (from launch): the same with "
                   "the history restricted to windows starting on or after the later launch of the two indices "
                   "(launch-date robustness).", BACK_CALCULATED_NOTE])

    @staticmethod
    def _split_table(splits: pd.DataFrame, design: dict, head: str) -> Table:
        frame = splits[["nobs", "n_out", "beta_out", "se_out", "beta_rest", "se_rest", "dbeta", "dbeta_se",
                        "p", "p_hac"]].rename(columns={
            "nobs": "N", "n_out": "Outflow weeks", "beta_out": "β outflow", "se_out": "s.e.",
            "beta_rest": "β other", "se_rest": "s.e. ", "dbeta": "Δβ", "dbeta_se": "s.e.  ", "p": "p",
            "p_hac": "p (NW)"})
        return Table(
            name="a4_outflow_split", caption="Known outflow episodes: the ratio's yield slope in outflow weeks and the rest",
            frame=frame, digits={"N": 0, "Outflow weeks": 0, "β outflow": 2, "s.e.": 2, "β other": 2, "s.e. ": 2,
                                 "Δβ": 2, "s.e.  ": 2, "p": 3, "p (NW)": 3},
            notes=["Weekly 100 Δlog(small/large) on a constant, ΔUS10Y (pp), an outflow dummy and their product. "
                   "Outflow weeks: the northbound net flow summed over the previous 26 weeks (known before the "
                   f"week) is below {EPISODE_LEVEL:g} CNY bn — net outflow over six months, the article's "
                   "'cumulative outflow', a level declared before looking at the ratio. Δβ = β outflow − β other "
                   "(article: < 0), HC3 standard errors and two-sided p; p (NW): Newey–West (NW 1994 lags), "
                   "which over-rejects with a small clustered episode (see the design check). "
                   f"Design check ({head}, {SIM_REPS} simulated samples with the data's regressors and "
                   "heteroskedasticity): rejection rate at 5% under no threshold — split test (HC3) "
                   f"{design['size_split']:.3f}, Hansen 15% trimming {design['size_hansen15']:.3f}, Hansen 5% "
                   f"trimming {design['size_hansen05']:.3f}; power against Δβ = {design['alt_dbeta']:.1f} in the "
                   f"outflow weeks ({100 * design['share_out']:.1f}% of weeks): {design['power_split']:.3f}, "
                   f"{design['power_hansen15']:.3f}, {design['power_hansen05']:.3f}. Hansen critical values by "
                   "the warp-speed bootstrap (Giacomini, Politis and White 2013).", BACK_CALCULATED_NOTE])

    @staticmethod
    def _threshold_table(thr: pd.DataFrame) -> Table:
        frame = thr[["nobs", "gamma", "ci_low", "ci_high", "beta_low", "se_low", "beta_high", "se_high",
                     "dbeta", "sup_lm", "p", "n_low"]].rename(columns={
            "nobs": "N", "gamma": "γ", "ci_low": "CI low", "ci_high": "CI high", "beta_low": "β (q ≤ γ)",
            "se_low": "s.e.", "beta_high": "β (q > γ)", "se_high": "s.e. ", "dbeta": "Δβ",
            "sup_lm": "sup-LM", "p": "p", "n_low": "N (q ≤ γ)"})
        return Table(
            name="a4_threshold", caption="Hansen threshold regression of the ratio's sensitivity to the US 10Y yield",
            frame=frame, digits={"N": 0, "γ": 2, "CI low": 2, "CI high": 2, "β (q ≤ γ)": 2, "s.e.": 2,
                                 "β (q > γ)": 2, "s.e. ": 2, "Δβ": 2, "sup-LM": 2, "p": 3, "N (q ≤ γ)": 0},
            notes=["Weekly 100 Δlog(small/large) on a constant and ΔUS10Y (pp), both switching at the threshold "
                   "γ of q. q: nb26 / nb52 = northbound net flow over the previous 26 / 52 weeks (CNY bn; "
                   "negative = outflow; flows end 2023-12-29); turnover = CSI All Share mean daily traded value "
                   "over the previous 26 weeks (CNY trillion). γ by least squares; 95% interval by inverting "
                   "the LR statistic (Hansen 2000, heteroskedasticity-scaled; censored where it reaches the "
                   f"trimmed grid). sup-LM: heteroskedasticity-robust test of no threshold, trimming {TRIM} (and "
                   f"{TRIM_SMALL} for the headline proxy and nb26, its size checked by simulation: see the outflow "
                   f"split table), p from {N_BOOT} fixed-regressor bootstrap draws. Slopes with White standard "
                   "errors. Δβ = β(q ≤ γ) − β(q > γ); the article predicts β(q ≤ γ) < 0 < β(q > γ). The yield "
                   "change is on the Shanghai clock (the last US close before the week's Shanghai close). A "
                   "regime smaller than the trimming share is never considered: robustness, not the headline.",
                   BACK_CALCULATED_NOTE])

    @staticmethod
    def _grid_table(grid: GridResult) -> Table:
        g = grid.ok()
        rows = []

        def summ(name: str, value: str, sub: pd.DataFrame) -> dict:
            return {"dimension": name, "choice": value, "Specs": len(sub), "Median Δβ": sub["estimate"].median(),
                    "Δβ < 0": (sub["estimate"] < 0).mean(), "Sign flip": sub["x_sign_flip"].mean(),
                    f"p < {ALPHA}": (sub["pvalue"] < ALPHA).mean(), "Min p": sub["pvalue"].min()}

        rows.append(summ("all", "", g))
        for dim in grid.dimensions:
            for v in dict.fromkeys(g[dim]):
                rows.append(summ(dim, str(v), g[g[dim] == v]))
        frame = pd.DataFrame(rows).set_index(["dimension", "choice"])
        failed = len(grid.specs) - len(g)
        return Table(
            name="a4_robustness", caption="Robustness grid of the outflow-episode split regression (A4)",
            frame=frame, digits={"Specs": 0, "Median Δβ": 2, "Δβ < 0": 2, "Sign flip": 2, f"p < {ALPHA}": 2,
                                 "Min p": 3},
            notes=[f"{len(grid.specs)} specifications = proxy × frequency × outflow window (northbound sum over "
                   "the previous 26 or 13 weeks / 6 or 3 months below zero)"
                   + (f"; {failed} failed (fewer than {MIN_EPISODE} outflow periods)" if failed else "")
                   + ". Δβ = β(outflow) − β(other periods) (article: < 0). Sign flip: share with β(outflow) < 0 < "
                   f"β(other). p: HC3 t, not adjusted for the number of specifications ({NULL_DRAWS} null "
                   f"draws shift the outflow marker circularly for the Romano–Wolf p). Headline: {HEADLINE_SPEC}."])

    @staticmethod
    def _a4_parts(h: pd.Series, hm: pd.Series, fh: pd.DataFrame, head: str) -> list[PartResult]:
        """Outflow-episode sign flip, Markov-switching sign flip and the forecast, on the headline proxy."""
        # Markov: the article predicts the lower-flow regime to have the lower (negative) yield slope
        if hm["degenerate"]:
            markov = PartResult(
                "A4", "markov_flip", proxy=head,
                missing=f"untestable: the 2-regime switching regression is degenerate ({hm['degenerate']}); "
                        "needs a fit with two persistent, recurring regimes")
        else:
            lo_flow = int(np.argmin([hm["flow_0"], hm["flow_1"]]))
            b_lo, b_hi = float(hm[f"beta_{lo_flow}"]), float(hm[f"beta_{1 - lo_flow}"])
            se = float(np.hypot(hm["se_0"], hm["se_1"]))
            markov = PartResult(
                "A4", "markov_flip", estimate=b_lo - b_hi, se=se, ci=z_ci(b_lo - b_hi, se),
                pvalue=float(2 * stats.norm.sf(abs(b_lo - b_hi) / se)), proxy=head,
                test="2-regime Markov-switching regression; Wald test of equal yield slopes (robust sandwich errors)",
                detail=f"yield slope {b_lo:.2f} in the lower-flow regime vs {b_hi:.2f} in the higher-flow regime; "
                       f"CHP linearity p {hm['chp_p']:.3f}")
        if FORECAST_HEADLINE in fh.index:
            f = fh.loc[FORECAST_HEADLINE]
            forecast = PartResult(
                "A4", "forecast", estimate=float(f["change"]), right=bool(f["change"] < 0),
                pvalue=float(f["pvalue"]), n=int(f["n_hist"]), proxy=head,
                test=f"{FORECAST_HEADLINE}-month move against every earlier {FORECAST_HEADLINE}-month window "
                     "(econ.robust.calls.score_move: base rate)",
                detail=f"{FORECAST_DATE} to {f['to']:%Y-%m-%d}: {f['change']:+.1f}%; base rate of a fall "
                       f"{f['base_rate']:.2f}; other horizons (robustness): "
                       + ", ".join(f"{int(hz)}m {row['change']:+.1f}%" for hz, row in fh.iterrows()
                                   if hz != FORECAST_HEADLINE))
        else:
            forecast = PartResult("A4", "forecast", missing=f"{FORECAST_HEADLINE} months of data after {FORECAST_DATE}")
        return [
            PartResult("A4", "threshold_flip", estimate=float(h["dbeta"]), se=float(h["dbeta_se"]),
                       ci=z_ci(h["dbeta"], h["dbeta_se"]), pvalue=float(h["p"]), n=int(h["nobs"]), proxy=head,
                       test="known-date split regression, outflow weeks (26-week northbound sum < 0) vs the rest; "
                            "HC3 t (Newey–West beside it)",
                       detail=f"yield slope {h['beta_out']:.2f} in {int(h['n_out'])} outflow weeks vs "
                              f"{h['beta_rest']:.2f} in the other {int(h['nobs'] - h['n_out'])}"),
            markov, forecast,
        ]

    # ---- figures --------------------------------------------------------------------------
    @staticmethod
    def _figures(fits: dict, frames: dict, head: str, thr: ThresholdResult, rbeta: pd.Series) -> list[Figure]:
        fw = frames[(head, "W")]
        ms = fits[("ms", head, "W", 2)]
        msr = fits[("msr", head, "W", 2)]
        est = msr.regime_params("estimate")
        neg = [r for r in range(2) if est.loc["dx", r] < 0]
        data = pd.DataFrame({f"log {head}/CSI 300": fw["log_ratio"],
                             "P(volatile)": ms.smoothed_probs[1]})
        if neg:
            data["P(β < 0)"] = msr.smoothed_probs[neg[0]]
        secondary = [c for c in data.columns if c.startswith("P(")]
        narrative = list(NARRATIVE)
        lr = thr.lr_profile.dropna()
        return [
            Figure(name="a4_regime_prob", title=f"{head}/CSI 300 and smoothed regime probabilities (weekly)",
                   data=data, ylabel="log ratio", secondary=secondary, vlines=narrative),
            Figure(name="a4_threshold_lr",
                   title=f"LR profile of the threshold ({HEADLINE_Q}: 26-week northbound flow)",
                   data=pd.DataFrame({"LR(γ)": lr.to_numpy()}, index=pd.Index(lr.index.to_numpy(), name="q")),
                   ylabel="LR", hlines=[thr.crit_value]),
            Figure(name="a4_rolling_beta",
                   title=f"Rolling {ROLLING_WEEKS}-week beta of {head}/CSI 300 returns on ΔUS10Y",
                   data=pd.DataFrame({"β": rbeta}), ylabel="% per pp", hlines=[0.0], vlines=narrative),
        ]


STUDY = Regimes()
