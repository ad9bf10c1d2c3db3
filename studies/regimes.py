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
* Ratio return ``y_t = 100 Δlog(small/large)`` (per cent), ``Δ US10Y`` in percentage points.
  Weeks (months) in which either index did not trade are dropped before differencing.
* **Hansen (2000) threshold regression** of ``y_t`` on ``(1, ΔUS10Y_t)`` with threshold
  variable ``q_t``: (i) *cumulative northbound flow* = sum of net flows over the previous 26
  weeks (headline) or 52 weeks, CNY bn, lagged one period so it is known before ``t``
  ("outflow" = negative values); (ii) *market turnover* = mean daily traded value of the
  CSI All Share over the previous 26 weeks, CNY trillion, lagged one period (a zero in the
  source is treated as missing). Heteroskedasticity-robust sup-LM test with the
  fixed-regressor bootstrap (``N_BOOT`` draws), trimming ``TRIM``, LR-inverted 95% interval
  for the threshold. The article predicts a *negative* slope on ΔUS10Y in the low-``q``
  regime (deep outflow / thin liquidity) and a *positive* one above the threshold; the
  effect size is ``Δβ = β(q ≤ γ) − β(q > γ)`` (predicted sign: negative).
* **Markov switching** (Hamilton 1989; ``econ.models.regimes.fit_markov``, multi-start):
  switching mean and variance of weekly and monthly ratio returns with 2 and 3 regimes
  (3 regimes for the headline proxy only, see "Left out"), compared by AIC/BIC; and a
  2-regime **switching regression** of weekly ratio returns on ΔUS10Y and the week's
  northbound flow (CNY 10 bn) with all coefficients and the variance switching: is there a
  regime in which the yield slope is negative, and is it the low-flow regime?
* **Regime dates against the narrative**: the regime in force and the nearest regime change
  around 2021-02-18 (the CSI 300 peak the article dates the small-cap era from) and
  2023-10-31 (the article's call that the style returns to large caps).
* **Rolling 52-week beta** of weekly ratio returns on ΔUS10Y: did it turn from positive to
  negative in 2023?
* **Out-of-sample forecast**: the ratio's log change over 3, 6 and 12 months after
  2023-10-31 for each proxy, scored against the unconditional distribution of overlapping
  month-end changes of the same horizon from the proxy's first date to 2023-10-31
  (percentile of the realised change; unconditional frequency of a fall).
* **Robustness grid**: proxy × frequency (W/M) × threshold variable (northbound 26 or 52
  weeks, turnover) × trimming (0.10/0.15), monthly with 10% trimming excluded; each spec
  reports ``Δβ`` with the threshold test's bootstrap p-value (``GRID_BOOT`` draws).

Parts (declared in ``studies/claims.toml``)
-------------------------------------------
A4: *threshold_flip* (Δβ of the headline threshold regression, sup-LM bootstrap p; its grid's
Romano–Wolf p from null draws enters the verdict), *markov_flip* (the lower-flow regime's
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
from econ.models.regimes import RegimeResult, fit_markov
from econ.models.threshold import ThresholdResult, threshold_regression
from econ.policy import ALPHA
from econ.robust import Grid, GridResult, NullDraws, Spec, SpecEstimate, run_grid
from econ.robust.curve import circular_shift
from econ.study import Figure, PartResult, Study, StudyResult, Table, z_ci
from studies import declared
from studies.common import PROXIES, Proxy, available_proxies, proxy_by_label

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
WINDOWS = {"W": {"nb26": 26, "nb52": 52, "turnover": 26}, "M": {"nb26": 6, "nb52": 12, "turnover": 6}}
TRIM = 0.15
N_BOOT = 999            # headline and per-proxy threshold tests
GRID_BOOT = 199         # robustness grid
NULL_DRAWS = 99         # null draws of the grid (Romano–Wolf); each re-estimates γ in every spec
NULL_SEED = 20231031
NULL_SHIFT = (0.1, 0.9)  # circular shift of the threshold variable, as a fraction of the sample
SEED = 0
K_REGIMES = (2, 3)
N_STARTS = 10           # Markov starts, headline proxy
N_STARTS_OTHER = 5      # Markov starts, other proxies (2-regime fits: 9-10 of 10 starts agree)
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
    memo = _FRAMES.setdefault(loader, {})
    key = (proxy.label, freq)
    if key not in memo:
        p = build_panel(loader, {"small": proxy.small, "large": proxy.large, "us10y": US10Y,
                                 "flow": FLOW, "turnover": TURNOVER},
                        freq=freq, start=START, agg={"turnover": "mean"})
        p = p.dropna(subset=["small", "large", "us10y"])
        log_ratio = np.log(p["small"] / p["large"])
        w = WINDOWS[freq]
        flow_bn = p["flow"] / 1e3
        to = p["turnover"].where(p["turnover"] > 0) / 1e4
        out = pd.DataFrame({
            "log_ratio": log_ratio, "y": 100 * log_ratio.diff(), "dx": p["us10y"].diff(),
            "flow": p["flow"] / 1e4,
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


def _slope_gap(res: ThresholdResult) -> tuple[float, float]:
    """Δβ = β(q ≤ γ) − β(q > γ) of ΔUS10Y and its standard error (independent regimes)."""
    c = res.coefs
    term, regime = c["term"].to_numpy(), c["regime"].to_numpy()
    est, se = c["estimate"].to_numpy(dtype=float), c["std_err"].to_numpy(dtype=float)
    lo, hi = (term == "dx") & (regime == "lower"), (term == "dx") & (regime == "upper")
    return float(est[lo][0] - est[hi][0]), float(np.hypot(se[lo][0], se[hi][0]))


# ---- robustness grid (module level, picklable) ------------------------------------------
def _exclude_short_monthly(spec: Spec) -> str | None:
    if spec["freq"] == "M" and spec["trim"] < TRIM:
        return "monthly samples (about 100 months with flows) leave 10 or fewer months in an edge regime at 10% trimming"
    return None


GRID = Grid({"proxy": [p.label for p in PROXIES], "freq": ["W", "M"], "q": list(THRESHOLD_VARS),
             "trim": [0.10, 0.15]}, exclude=[_exclude_short_monthly])
HEADLINE_SPEC = declared.headline("A4.threshold_flip")


def estimate(spec: Spec, loader: DataLoader, null: NullDraws | None = None) -> SpecEstimate | list[SpecEstimate]:
    """Δβ = β(q ≤ γ) − β(q > γ) of ratio returns on ΔUS10Y in a Hansen threshold regression.

    Parameters
    ----------
    spec
        Choices ``proxy`` (label), ``freq`` (W/M), ``q`` (a key of ``THRESHOLD_VARS``) and
        ``trim``.
    loader
        Serves the series.
    null
        Null draws (the joint-test hook): in draw k the threshold variable is circularly
        shifted against the returns by a common fraction U(NULL_SHIFT) of the sample, so it
        keeps its own dynamics but carries no regime information; γ is re-estimated in every
        draw (the search enters the null distribution of Δβ / se, which Romano–Wolf uses).
        Null draws skip the bootstrap, so their p-value is NaN (no joint test of the
        share-significant statistics for this grid).

    Returns
    -------
    SpecEstimate
        ``estimate`` = Δβ (per cent per pp), ``se`` from the two regimes' White errors,
        ``pvalue`` = the sup-LM threshold test's bootstrap p-value (``GRID_BOOT`` draws);
        ``extra`` holds γ, both slopes, the sign-flip flag and the Wald p of Δβ.
    """
    proxy = proxy_by_label(spec["proxy"])
    frame = ratio_frame(loader, proxy, spec["freq"])
    q, trim = spec["q"], float(spec["trim"])
    if null is not None:
        d = frame[["y", "dx", q]].dropna()
        out = []
        for k in null:
            qk = circular_shift(d[q], null.uniform(k, *NULL_SHIFT))
            try:
                res = threshold_regression(d["y"], d[["dx"]], qk, trim=trim, n_boot=0, seed=SEED)
            except ValueError as exc:
                out.append(SpecEstimate.failed(str(exc)))
                continue
            dbeta, dse = _slope_gap(res)
            out.append(SpecEstimate(estimate=dbeta, se=dse, pvalue=float("nan"), nobs=int(res.nobs)))
        return out
    _, r = _threshold(frame, q, trim, GRID_BOOT)
    return SpecEstimate(
        estimate=r["dbeta"], se=r["dbeta_se"], pvalue=r["p"], nobs=int(r["nobs"]),
        extra={"gamma": r["gamma"], "beta_low": r["beta_low"], "beta_high": r["beta_high"],
               "sign_flip": r["sign_flip"], "p_dbeta": r["p_dbeta"]})


# ---- Markov fits ------------------------------------------------------------------------
def _markov_job(key: tuple, y: pd.Series, exog: pd.DataFrame | None, k: int, n_starts: int
                ) -> tuple[tuple, RegimeResult]:
    res = fit_markov(y, k_regimes=k, exog=exog, n_starts=n_starts, seed=SEED)
    res.sm_result = None  # not needed downstream; keeps the inter-process transfer small
    return key, res


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
        fits: dict[tuple, RegimeResult] = dict(
            Parallel(n_jobs=MARKOV_JOBS)(delayed(_markov_job)(*j) for j in jobs))

        markov_fit, markov_reg = self._markov_tables(fits, labels, head)
        switching, msr_flip = self._switching_table(fits, frames, labels)
        dates_table, spells = self._narrative(fits, frames, head)

        # -- threshold regressions: every proxy, weekly, each threshold variable
        say("A4 threshold regressions")
        thr_rows, thr_res, skipped = [], {}, []
        for lab in labels:
            for q in THRESHOLD_VARS:
                try:
                    res, r = _threshold(frames[(lab, "W")], q, TRIM, N_BOOT)
                except (DataError, ValueError) as exc:  # reported in the notes, not fatal
                    skipped.append(f"{lab}/{q}: {exc}")
                    continue
                thr_res[(lab, q)] = res
                thr_rows.append({"proxy": lab, "q": q, **r})
        thr = pd.DataFrame(thr_rows).set_index(["proxy", "q"])
        if (head, HEADLINE_Q) not in thr.index:
            raise InsufficientDataError(f"the headline threshold regression ({head}, {HEADLINE_Q}) has no data")
        h = thr.loc[(head, HEADLINE_Q)]

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

        # -- tables, figures, numbers
        tables = [markov_fit, markov_reg, switching, dates_table, spells,
                  self._threshold_table(thr), self._forecast_table(fc), robust]
        figures = self._figures(fits, frames, head, thr_res[(head, HEADLINE_Q)], rbeta)
        ms2 = _regime_summary(fits[("ms", head, "W", 2)])
        msr_flow = switching.frame.loc[head, "26w flow"]
        numbers = {
            "A4_headline_proxy": head, "A4_threshold_p": h["p"], "A4_sup_lm": h["sup_lm"],
            "A4_gamma": h["gamma"], "A4_gamma_ci_low": h["ci_low"], "A4_gamma_ci_high": h["ci_high"],
            "A4_beta_low": h["beta_low"], "A4_beta_high": h["beta_high"], "A4_se_low": h["se_low"],
            "A4_se_high": h["se_high"], "A4_dbeta": h["dbeta"], "A4_nobs": int(h["nobs"]),
            "A4_n_low": int(h["n_low"]), "A4_n_high": int(h["n_high"]),
            "A4_threshold_p_nb52": thr["p"].get((head, "nb52"), np.nan),
            "A4_threshold_p_turnover": thr["p"].get((head, "turnover"), np.nan),
            "A4_n_boot": N_BOOT, "A4_grid_boot": GRID_BOOT,
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
            **{f"A4_forecast_{int(hz)}m_pctile": float(fh.loc[hz, "percentile"]) for hz in HORIZONS},
            **{f"A4_forecast_{int(hz)}m_pfall": float(fh.loc[hz, "p_fall"]) for hz in HORIZONS},
            "A4_forecast_falls_all": int((fc["change"] < 0).sum()), "A4_forecast_cells": len(fc),
            "A4_grid_n": len(gok), "A4_grid_share_flip": float(gok["x_sign_flip"].mean()),
            "A4_grid_share_reject": float((gok["pvalue"] < ALPHA).mean()),
            "A4_grid_share_negative": float((gok["estimate"] < 0).mean()),
            "A4_grid_min_p": float(gok["pvalue"].min()),
            "A4_grid_n_reject": int((gok["pvalue"] < ALPHA).sum()),
            "A4_grid_n_reject_wrong_sign": int(((gok["pvalue"] < ALPHA) & (gok["estimate"] > 0)).sum()),
            "A4_grid_n_reject_monthly": int(((gok["pvalue"] < ALPHA) & (gok["freq"] == "M")).sum()),
        }
        # rounded forms for the prose
        numbers.update({
            "A4_gamma_bn": int(round(h["gamma"])), "A4_gamma_ci_low_bn": int(round(h["ci_low"])),
            "A4_gamma_ci_high_bn": int(round(h["ci_high"])),
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
        return StudyResult(
            study=self.name, title=self.title, parts=parts, tables=tables,
            figures=figures, numbers=numbers, headline_proxy=head,
            synthetic=self.is_synthetic(loader),
            notes=[f"Headline proxy {head}/CSI 300: a live index over the whole Stock Connect sample "
                   "(CSI 2000 is back-calculated before August 2023). Markov fits: "
                   f"{N_STARTS} starts (headline), {N_STARTS_OTHER} (other proxies)."]
            + ([f"Threshold specifications skipped: {'; '.join(skipped)}."] if skipped else []),
            data_ids=sorted({p.small for p in proxies} | {p.large for p in proxies}
                            | {US10Y, FLOW, TURNOVER}),
            grids=[declared.grid_run("A4.threshold_flip", grid,
                                     label="Δβ = β(q ≤ γ) − β(q > γ), ratio return (%) on ΔUS10Y (pp)")],
        )

    # ---- pieces ---------------------------------------------------------------------------
    @staticmethod
    def _markov_tables(fits: dict, labels: list[str], head: str) -> tuple[Table, Table]:
        fit_rows, reg_rows = [], []
        for lab in labels:
            for f in ("W", "M"):
                for k in K_REGIMES:
                    res = fits.get(("ms", lab, f, k))
                    if res is None:
                        continue
                    fit_rows.append({"proxy": lab, "freq": FREQ_NAME[f], "k": k, "N": res.nobs,
                                     "llf": res.llf, "AIC": res.aic, "BIC": res.bic,
                                     "starts": res.n_starts, "converged": res.n_converged,
                                     "at best": res.n_at_best})
                    for r, row in _regime_summary(res).iterrows():
                        reg_rows.append({"proxy": lab, "freq": FREQ_NAME[f], "k": k, "regime": r, **row})
        fit = pd.DataFrame(fit_rows).set_index(["proxy", "freq", "k"])
        reg = pd.DataFrame(reg_rows).set_index(["proxy", "freq", "k", "regime"])
        short = reg[reg["duration"] < DEGENERATE_DURATION].reset_index()
        degenerate = "; ".join(f"{r.proxy} {r.freq} k={r.k} regime {r.regime}" for r in short.itertuples())
        t_fit = Table(
            name="a4_markov_fit", caption="Markov-switching models of ratio returns: fit, 2 vs 3 regimes",
            frame=fit, digits={"N": 0, "llf": 1, "AIC": 1, "BIC": 1, "starts": 0, "converged": 0, "at best": 0},
            notes=["Switching mean and variance of 100 Δlog(small/large), Stock Connect era to the last common "
                   "date; maximum likelihood (Hamilton filter) from several starts (statsmodels default plus "
                   f"seeded random starts; seed {SEED}). 'at best': converged starts within 0.001 of the best "
                   f"log-likelihood. 3-regime models for the headline proxy ({head}) only."])
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
    def _switching_table(fits: dict, frames: dict, labels: list[str]) -> tuple[Table, pd.DataFrame]:
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
            flips.append({"proxy": lab, "beta_0": b0, "beta_1": b1, "flow_0": flow_mean[0], "flow_1": flow_mean[1],
                          "se_0": float(se.loc["dx", 0]),
                          "se_1": float(se.loc["dx", 1]), "flip": flip,
                          "predicted": bool(flip and flow_mean[neg] < flow_mean[1 - neg]),
                          "nobs": res.nobs, "start": res.smoothed_probs.index[0],
                          "end": res.smoothed_probs.index[-1]})
        frame = pd.DataFrame(rows).set_index(["proxy", "regime"])
        t = Table(name="a4_switching", caption="Switching regression of weekly ratio returns on ΔUS10Y and northbound flow",
                  frame=frame, digits={"const": 2, "β ΔUS10Y": 2, "s.e.": 2, "p": 3, "β flow": 2, "s.e. ": 2,
                                       "σ": 2, "Duration": 1, "26w flow": 0},
                  sample="weekly; " + "; ".join(
                      f"{f['proxy']} {f['start']:%Y-%m-%d} to {f['end']:%Y-%m-%d}, N = {f['nobs']}" for f in flips),
                  notes=["Two-regime Markov-switching regression, all coefficients and the variance switching: "
                         "100 Δlog ratio on ΔUS10Y (pp) and the week's northbound net flow (CNY 10 bn), "
                         f"{START} to 2023-12-29 (flows end). Standard errors from the inverse numerical "
                         "Hessian. 26w flow: the regime's average (weighted by smoothed probabilities) of the "
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
        t0 = pd.Timestamp(FORECAST_DATE)
        for p in proxies:
            daily = build_panel(loader, {"s": p.small, "l": p.large}, freq="D", dropna="any")
            lr = np.log(daily["s"] / daily["l"])
            monthly = build_panel(loader, {"s": p.small, "l": p.large}, freq="M", dropna="any")
            lm = np.log(monthly["s"] / monthly["l"]).loc[:t0]
            start = lr.loc[:t0].index[-1]
            for hz in HORIZONS:
                target = t0 + pd.DateOffset(months=hz)
                if lr.index[-1] < target:
                    continue
                end = lr.loc[:target].index[-1]
                change = 100 * float(lr.loc[end] - lr.loc[start])
                hist = 100 * (lm.shift(-hz) - lm).dropna()
                rows.append({"proxy": p.label, "horizon": hz, "from": start, "to": end, "change": change,
                             "fell": change < 0, "percentile": float((hist <= change).mean()),
                             "p_fall": float((hist < 0).mean()), "n_hist": len(hist),
                             "hist_from": lm.index[0]})
        return pd.DataFrame(rows).set_index(["proxy", "horizon"])

    @staticmethod
    def _forecast_table(fc: pd.DataFrame) -> Table:
        frame = fc[["to", "change", "fell", "percentile", "p_fall", "n_hist"]].rename(columns={
            "to": "To", "change": "Δlog ratio (%)", "fell": "Fell", "percentile": "Percentile",
            "p_fall": "P(fall)", "n_hist": "N"})
        return Table(
            name="a4_forecast", caption=f"The article's call out of sample: the small/large ratio after {FORECAST_DATE}",
            frame=frame, digits={"Δlog ratio (%)": 1, "Percentile": 2, "P(fall)": 2, "N": 0},
            notes=[f"Change of 100 log(small/large) from the last trading day on or before {FORECAST_DATE} to the "
                   "last on or before the horizon (months). Percentile: share of the proxy's overlapping month-end "
                   f"changes of the same horizon, from its first month to {FORECAST_DATE}, at or below the "
                   "realised change (small = an unusually strong turn to large caps). P(fall): share of those "
                   "historical changes below zero (the base rate of the call). N: historical changes. "
                   f"The forecast part scores the {FORECAST_HEADLINE}-month horizon of the headline proxy."])

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
                   f"trimmed grid). sup-LM: heteroskedasticity-robust test of no threshold, trimming {TRIM}, p "
                   f"from {N_BOOT} fixed-regressor bootstrap draws. Slopes with White standard errors. Δβ = "
                   "β(q ≤ γ) − β(q > γ); the article predicts β(q ≤ γ) < 0 < β(q > γ). The yield is the US close of the "
                   "same Friday, after the Shanghai close, so part of a week's yield change postdates its ratio return."])

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
            name="a4_robustness", caption="Robustness grid of the threshold regression (A4)",
            frame=frame, digits={"Specs": 0, "Median Δβ": 2, "Δβ < 0": 2, "Sign flip": 2, f"p < {ALPHA}": 2,
                                 "Min p": 3},
            notes=[f"{len(grid.specs)} specifications = proxy × frequency × threshold variable × trimming, "
                   "monthly with 10% trimming excluded (too few months in an edge regime)"
                   + (f"; {failed} failed" if failed else "") + ". Δβ = β(q ≤ γ) − β(q > γ) (article: < 0). "
                   "Sign flip: share with β(q ≤ γ) < 0 < β(q > γ). p: sup-LM threshold test, "
                   f"{GRID_BOOT} bootstrap draws, not adjusted for the number of specifications. Headline: "
                   f"{HEADLINE_SPEC}."])

    @staticmethod
    def _a4_parts(h: pd.Series, hm: pd.Series, fh: pd.DataFrame, head: str) -> list[PartResult]:
        """Threshold sign flip, Markov-switching sign flip and the forecast, on the headline proxy."""
        test_thr = "Hansen (2000) threshold regression; sup-LM fixed-regressor bootstrap p"
        # Markov: the article predicts the lower-flow regime to have the lower (negative) yield slope
        lo_flow = int(np.argmin([hm["flow_0"], hm["flow_1"]]))
        b_lo, b_hi = float(hm[f"beta_{lo_flow}"]), float(hm[f"beta_{1 - lo_flow}"])
        se = float(np.hypot(hm["se_0"], hm["se_1"]))
        markov = PartResult(
            "A4", "markov_flip", estimate=b_lo - b_hi, se=se, ci=z_ci(b_lo - b_hi, se),
            pvalue=float(2 * stats.norm.sf(abs(b_lo - b_hi) / se)), proxy=head,
            test="2-regime Markov-switching regression; Wald test of equal yield slopes (numerical-Hessian errors)",
            detail=f"yield slope {b_lo:.2f} in the lower-flow regime vs {b_hi:.2f} in the higher-flow regime")
        if FORECAST_HEADLINE in fh.index:
            f = fh.loc[FORECAST_HEADLINE]
            forecast = PartResult(
                "A4", "forecast", estimate=float(f["change"]), right=bool(f["change"] < 0),
                pvalue=float(f["percentile"]), n=int(f["n_hist"]), proxy=head,
                test="realised move against every earlier overlapping move of the same horizon",
                detail=f"{FORECAST_DATE} to {f['to']:%Y-%m-%d}: {f['change']:+.1f}%; base rate of a fall "
                       f"{f['p_fall']:.2f}; " + ", ".join(f"{int(hz)}m {row['change']:+.1f}%" for hz, row in fh.iterrows()))
        else:
            forecast = PartResult("A4", "forecast", missing=f"{FORECAST_HEADLINE} months of data after {FORECAST_DATE}")
        return [
            PartResult("A4", "threshold_flip", estimate=float(h["dbeta"]), se=float(h["dbeta_se"]),
                       ci=z_ci(h["dbeta"], h["dbeta_se"]), pvalue=float(h["p"]), n=int(h["nobs"]), proxy=head,
                       test=test_thr,
                       detail=f"q = {HEADLINE_Q}: γ = {h['gamma']:.0f} CNY bn, sup-LM p {h['p']:.3f}; yield slope "
                              f"{h['beta_low']:.2f} below vs {h['beta_high']:.2f} above the threshold"),
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
