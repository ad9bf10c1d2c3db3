"""A2 — the US 10Y yield drives CSI 300 (the "denominator"; Seed 000).

Claim: CSI 300's three extremes line up with US 10Y extremes (2021-02-10 at 1.11%,
2022-10-21 at 4.34% intraday, 2023-08-22 at 4.36%): rising US yields push CSI 300 down.

Timing: US closes are read on the Shanghai clock (``build_panel``'s default for a panel that
mixes China- and US-clock series): a FRED close dated d is known in Shanghai on d + 1, so a
Shanghai week ending Friday carries the US close of that Thursday and its "same-week" US 10Y
change runs from Thursday to Thursday (the US Friday move, made after Shanghai's close, falls
in the next week). The unaligned FRED week (Friday to Friday, ``clock="native"``) is kept as a
robustness row, together with its lag, which an earlier version filed among the placebos.

What we do, on weekly data (headline) and monthly data:

* Regressions of log CSI 300 on the US 10Y yield in levels and in first differences with
  HAC errors (Newey–West 1994 bandwidth rule, stated in the table). Levels are interpreted
  only where unit-root and Engle–Granger tests make them admissible; the differences
  regression is the headline because it is valid for I(0) and I(1) series alike.
* Samples (declared): the Stock Connect era 2014-11-17 → latest (headline), the article's
  episode 2021-02-10 → 2023-10-31, before it, and after it (out of sample).
* Rolling 52-week beta of weekly CSI 300 log returns on US 10Y changes.
* Turning points (Bry–Boschan on monthly data: window 6, minimum phase 6, minimum cycle 15
  months) of log CSI 300 and of the US 10Y yield; do CSI 300 peaks coincide with US 10Y
  troughs and troughs with peaks within ±2 months more often than circular shifts of the
  US 10Y dates give?
* The article's three dates: the US 10Y close in the vault (FRED DGS10, a close, not an
  intraday high) and the nearest CSI 300 daily extremum within ±10 trading days.

Robustness (declared; ``econ.robust``):

* a specification grid: frequency (W, M) x sample (the four above) x HAC bandwidth rule
  (Newey–West 1994, Andrews 1991) x regressor transform (changes; z-scored changes, i.e. each
  change minus its trailing mean over its trailing standard deviation, 52 weeks / 12 months,
  information through t-1 only). Rule: Andrews' plug-in is not used on the two short monthly
  samples (< 60 months). The curve's joint test re-fits every spec on NULL_DRAWS null worlds
  in which the US 10Y regressor is circularly shifted by a common fraction U(0.1, 0.9) of
  each spec's sample (the same world for every spec of a draw); Romano–Wolf adjusted p-values
  come from the same draws;
* timing and placebos on the headline weekly regression: the previous week's US 10Y change
  (a lag, not a placebo), US 10Y leads of 1–4 weeks (placebos), the unaligned FRED same-week
  change and its lag (what the Shanghai clock changes), shuffled / block-permuted / circularly
  shifted regressors, and three fake article dates drawn from the sample (does CSI 300 sit at
  an extremum as often?);
* out of sample: expanding-window forecasts (first 156 weeks) of next week's CSI 300 and
  small/large ratio log changes from this week's US 10Y change against the historical mean
  and a random walk (Clark–West, Diebold–Mariano);
* stability: Bai–Perron breaks in the headline differences relation (HAC, trim 0.15).

* back-calculated history: the out-of-sample ratio targets whose small-cap index was launched
  after the sample start (``studies.common.LAUNCHED``) are marked and re-run from the launch.

The article's episode (2021-02-10 → 2023-10-31) runs from a CSI 300 record and a US 10Y trough
to a US 10Y peak: a window chosen after looking at the data. Its Engle–Granger test on weekly
levels is therefore judged against the same test (statsmodels ``coint``, AIC lags) on every
window of the same number of weeks in the whole weekly history, one week apart
(``econ.models.cointegration.engle_granger_window_rank``): its p-value is the share of windows
whose statistic is at least as negative. The nominal MacKinnon p is shown beside it but does
not enter the verdict. The Connect-era windows are a robustness row.

Parts (declared in ``studies/claims.toml``): the headline differences beta (its grid's
Romano–Wolf p enters the verdict), the turning-point coincidence (count minus the number
expected by chance, circular-shift p) and the episode's levels cointegration (levels beta,
window-rank p of its Engle–Granger statistic). The verdict engine decides.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import special
from statsmodels.regression.rolling import RollingOLS

from econ.data.loader import DataLoader
from econ.data.panel import build_panel
from econ.models.coincidence import turning_point_coincidence
from econ.models.cointegration import WindowRankResult, engle_granger_window_rank
from econ.models.hac import andrews_lags, choose_bandwidth
from econ.models.regression import levels_vs_differences, ols_hac
from econ.models.turning_points import date_turning_points
from econ.robust import Grid, NullDraws, Spec, SpecEstimate, run_grid
from econ.robust.curve import spec_curve
from econ.robust.executor import underlying_loader
from econ.robust.leanols import lean_ols
from econ.robust.oos import oos_evaluation
from econ.robust.placebo import fake_event_dates, lead_lag_placebo, permutation_placebo
from econ.robust.stability import stability
from econ.study import Figure, PartResult, Study, StudyResult, Table, z_ci
from studies import declared
from studies.common import (
    BACK_CALCULATED_MARK,
    BACK_CALCULATED_NOTE,
    available_proxies,
    back_calculated,
    breaks_columns,
    launch_of,
    live_start,
)

BP_RENAME, BP_DIGITS = breaks_columns("β before", "β after")

SERIES = {"csi300": "cn.index.csi300.close", "us10y": "us.rate.ust10y"}
SAMPLES = {
    "Connect era": ("2014-11-17", None),
    "Episode 2021-23": ("2021-02-10", "2023-10-31"),
    "Before episode": ("2014-11-17", "2021-02-09"),
    "After article": ("2023-11-01", None),
}
HEADLINE_SAMPLE, HEADLINE_FREQ = "Connect era", "W"
ROLLING_WEEKS = 52
TP_RULES = {"window": 6, "min_phase": 6, "min_cycle": 15}
COINCIDENCE_WINDOW = 2  # months
ARTICLE_DATES = {"2021-02-10": 1.11, "2022-10-21": 4.34, "2023-08-22": 4.36}
EXTREMUM_WINDOW = 10  # trading days either side
EXTREMUM_WIDE = 60     # ... of the ±60-day window
EPISODE = "Episode 2021-23"
WINDOW_STEP = 1        # weeks between the starts of the windows the episode's EG test is ranked among
WINDOW_SAMPLES = {"whole weekly history": None, "Connect era": SAMPLES["Connect era"][0]}  # first is the part's

# -- robustness declarations ---------------------------------------------------------------
ZSCORE_WINDOW = {"W": 52, "M": 12}     # trailing window of the z-scored changes
SHORT_SAMPLES = ("Episode 2021-23", "After article")  # under 60 months by construction
TRANSFORMS = ("changes", "z-scored changes")


def _andrews_needs_long_samples(spec: Spec) -> str | None:
    if spec["freq"] == "M" and spec["hac"] == "andrews" and spec["sample"] in SHORT_SAMPLES:
        return "Andrews (1991) plug-in bandwidth not used on monthly samples under 60 months"
    return None


GRID = Grid({"freq": ["W", "M"], "sample": list(SAMPLES), "hac": ["nw1994", "andrews"],
             "transform": list(TRANSFORMS)}, exclude=[_andrews_needs_long_samples])
HEADLINE_SPEC = declared.headline("A2.beta_changes")
SIGN_CLAIMED = declared.part("A2.beta_changes").sign
NULL_DRAWS = 199           # joint test / Romano–Wolf
NULL_SEED = 20231031
NULL_SHIFT = (0.1, 0.9)    # circular shift of the regressor, as a fraction of the sample
PLACEBO_LEADS = (1, 2, 3, 4)
PLACEBO_DRAWS = 999
PLACEBO_BLOCK = 8          # weeks
PLACEBO_SEED = 7
FAKE_DATES_MIN_GAP = 90    # calendar days between pseudo-article dates
OOS_INITIAL = 156          # weeks in the first estimation window
OOS_MIN_FORECASTS = 52     # a launch-date row needs a year of forecasts after its first window
BP_TRIM = 0.15


_FRAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # loader -> {key: frame}


def _memo(loader: DataLoader) -> dict:
    """The frames built for the loader under ``loader``'s recording proxies, after reading
    :data:`SERIES` through ``loader`` (memoised reads) so that every proxy records them.

    The study's run and its grid read through different proxies of one loader and build the
    same panels; they share them here.
    """
    for sid in SERIES.values():
        loader.fetch(sid)
    return _FRAMES.setdefault(underlying_loader(loader), {})


def _panel(loader: DataLoader, freq: str, start: str | None = None, end: str | None = None, *,
           min_rows: int = 1, clock: str | None = None) -> pd.DataFrame:
    """``build_panel(loader, SERIES, freq=freq, start=start, end=end, dropna="any", ...)``, built
    once per loader (shared: never modify it)."""
    cache = _memo(loader)
    key = ("panel", freq, start, end, min_rows, clock)
    if key not in cache:
        kw = {} if clock is None else {"clock": clock}
        cache[key] = build_panel(loader, SERIES, freq=freq, start=start, end=end, dropna="any", min_rows=min_rows,
                                 **kw)
    return cache[key]


def _spec_frame(spec: Spec, loader: DataLoader) -> pd.DataFrame:
    """The spec's regression data: columns ``y`` (CSI 300) and ``x`` (US 10Y), transformed.

    Built once per loader and (frequency, sample, transform): the two bandwidth rules of a
    cell, its null hook and the stability checks read the same frame (never modified).
    """
    cache = _memo(loader)
    key = (spec["freq"], spec["sample"], spec["transform"])
    if key not in cache:
        cache[key] = _build_spec_frame(spec, loader)
    return cache[key]


def _build_spec_frame(spec: Spec, loader: DataLoader) -> pd.DataFrame:
    start, end = SAMPLES[spec["sample"]]
    freq = spec["freq"]
    if spec["transform"] == "changes":
        p = _panel(loader, freq, start, end, min_rows=24)
        frame = pd.DataFrame({"y": np.log(p["csi300"]).diff(), "x": p["us10y"].diff()})
    elif spec["transform"] == "z-scored changes":
        p = _panel(loader, freq)  # whole history: trailing windows
        w = ZSCORE_WINDOW[freq]
        cols = {"y": np.log(p["csi300"]).diff(), "x": p["us10y"].diff()}
        frame = pd.DataFrame({k: (v - v.rolling(w).mean().shift(1)) / v.rolling(w).std().shift(1)
                              for k, v in cols.items()})
        frame = frame.loc[frame.index >= pd.Timestamp(start)]
        if end is not None:
            frame = frame.loc[frame.index <= pd.Timestamp(end)]
    else:
        raise ValueError(f"unknown transform {spec['transform']!r}")
    frame = frame.dropna()
    if len(frame) < 24:
        raise ValueError(f"{len(frame)} observations, 24 needed")
    return frame


def estimate(spec: Spec, loader: DataLoader, null: NullDraws | None = None) -> SpecEstimate | list[SpecEstimate]:
    """β of CSI 300 log changes on US 10Y changes for one spec (HAC); the null hook shifts the regressor."""
    frame = _spec_frame(spec, loader)
    if null is not None:
        b, se, p, n = null_estimates(frame["y"].to_numpy(), frame["x"].to_numpy(), null.uniforms(*NULL_SHIFT),
                                     spec["hac"])
        return [SpecEstimate(estimate=bk, se=sk, pvalue=pk, nobs=n)
                for bk, sk, pk in zip(b.tolist(), se.tolist(), p.tolist(), strict=True)]
    extra = {"start": frame.index[0].strftime("%Y-%m-%d"), "end": frame.index[-1].strftime("%Y-%m-%d")}
    lean = lean_ols(frame["y"].to_numpy(), frame[["x"]].to_numpy(), cov="hac", rule=spec["hac"])
    if lean is not None:
        b, se, p, (lo, hi) = lean.coef(1)
        return SpecEstimate(estimate=b, se=se, pvalue=p, nobs=lean.nobs, ci_low=lo, ci_high=hi,
                            extra={"hac_lags": lean.bandwidth, **extra})
    r = ols_hac(frame["y"], frame[["x"]], rule=spec["hac"])
    return SpecEstimate(estimate=float(r.params["x"]), se=float(r.bse["x"]), pvalue=float(r.pvalues["x"]),
                        nobs=r.nobs, ci_low=float(r.conf_int.loc["x", "lower"]),
                        ci_high=float(r.conf_int.loc["x", "upper"]), extra={"hac_lags": r.bandwidth, **extra})


def null_estimates(y: np.ndarray, x: np.ndarray, uniforms: tuple[float, ...], rule: str
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """:func:`econ.robust.fastols.slope_hac` of ``y`` on ``circular_shift(x, u)`` for every ``u``, all at once.

    The draws are stacked and every step of :func:`econ.robust.fastols.ols_hac_cov` runs as one
    batched ``matmul`` / ``inv`` (numpy applies the same BLAS/LAPACK call to each matrix of a
    stack, so each draw's floats are those of its own fit). The lags of a data-dependent rule
    differ between draws: the draws sharing a lag length share its sandwich loop.

    Returns
    -------
    tuple
        ``(beta, se, pvalue, nobs)``: slope, its HAC standard error and two-sided t p-value per draw.
    """
    n, k = len(y), 2
    shifts = np.array([int(round(float(u) * n)) % max(n, 1) for u in uniforms])  # as circular_shift
    Z = np.empty((len(shifts), n, k))
    Z[:, :, 0] = 1.0
    Z[:, :, 1] = x[(np.arange(n)[None, :] - shifts[:, None]) % n]
    Zt = Z.transpose(0, 2, 1)
    zz_inv = np.linalg.inv(Zt @ Z)
    beta = np.matmul(zz_inv, (Zt @ y)[:, :, None])[:, :, 0]
    u = Z * (y[None, :] - np.matmul(Z, beta[:, :, None])[:, :, 0])[:, :, None]
    lags = _null_lags(u, n, rule)
    S = u.transpose(0, 2, 1) @ u
    for L in np.unique(lags).tolist():
        rows = np.flatnonzero(lags == L)
        ur = u[rows]
        for j in range(1, L + 1):
            g = ur[:, j:].transpose(0, 2, 1) @ ur[:, :-j]
            S[rows] += (1 - j / (L + 1)) * (g + g.transpose(0, 2, 1))
    V = zz_inv @ S @ zz_inv * n / (n - k)
    se = np.sqrt(V[:, 1, 1])
    b = beta[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(se > 0, 2 * special.stdtr(n - k, -np.abs(b / se)), np.nan)
    return b, se, p, n


def _null_lags(u: np.ndarray, n: int, rule: str) -> np.ndarray:
    """The HAC lags of every draw (``u``: the scores, intercept first): one for a rule that sees
    only ``n``, else each draw's own (Andrews' for all draws at once, :func:`andrews_lags`)."""
    if rule == "andrews":
        return andrews_lags(n, u[:, :, 1:])
    if rule == "nw-auto":
        return np.array([choose_bandwidth(n, rule, data=ud[:, 1:]).lags for ud in u])
    return np.full(len(u), choose_bandwidth(n, rule).lags)


def _log_ratio(q: pd.DataFrame) -> pd.Series:
    return np.log(q["s"] / q["l"])


def _extremum(close: pd.Series, when: pd.Timestamp) -> tuple[int, str, pd.Timestamp]:
    """Position nearest ``when``; "max"/"min" if the ±EXTREMUM_WINDOW-day window holds the
    maximum/minimum of the ±EXTREMUM_WIDE-day window (else "none"); the extremum's date."""
    pos = int(close.index.get_indexer([when], method="nearest")[0])
    return (pos, *_extremum_at(close.to_numpy(), close.index, pos))


def _extremum_at(values: np.ndarray, index: pd.Index, pos: int) -> tuple[str, pd.Timestamp]:
    lo, hi = max(pos - EXTREMUM_WINDOW, 0), min(pos + EXTREMUM_WINDOW + 1, len(values))
    wlo = max(pos - EXTREMUM_WIDE, 0)
    win, wide = values[lo:hi], values[wlo:pos + EXTREMUM_WIDE + 1]
    if lo + int(np.argmax(win)) == wlo + int(np.argmax(wide)):
        return "max", index[lo + int(np.argmax(win))]
    if lo + int(np.argmin(win)) == wlo + int(np.argmin(wide)):
        return "min", index[lo + int(np.argmin(win))]
    return "none", pd.NaT


def episode_window_ranks(loader: DataLoader) -> dict[str, WindowRankResult]:
    """The episode's Engle–Granger statistic ranked among all windows of its length, per reference sample.

    The windows run over the whole common weekly history (the part's reference) and, as a
    robustness row, over those starting in the Connect era (a subset of the same windows).
    """
    weekly = _panel(loader, "W")
    start, end = SAMPLES[EPISODE]
    whole = engle_granger_window_rank(np.log(weekly["csi300"]).rename("log_csi300"), weekly["us10y"], start, end,
                                      step=WINDOW_STEP)
    return {label: whole if first is None else whole.restricted(first) for label, first in WINDOW_SAMPLES.items()}


def _opposite_extreme_periods(rank: WindowRankResult) -> str:
    """The spans covered by windows at least as extreme as the judged one but with a positive slope.

    Windows whose starts are at most a quarter of the window length apart are one stretch; each
    stretch is given as the first window's first year to the last window's last year.
    """
    w = rank.windows[(rank.windows["stat"] <= rank.stat) & (rank.windows["beta"] > 0)]
    if w.empty:
        return "none"
    pos = np.array([rank.windows.index.get_loc(d) for d in w.index])
    breaks = np.flatnonzero(np.diff(pos) > max(rank.window // 4, rank.step)) + 1
    spans = [w.iloc[g] for g in np.split(np.arange(len(w)), breaks)]
    return ", ".join(f"{g.index[0]:%Y}–{g['end'].iloc[-1]:%Y}" for g in spans)


def _window_table(ranks: dict[str, WindowRankResult]) -> pd.DataFrame:
    rows = []
    for label, r in ranks.items():
        w = r.windows
        rows.append({"reference": label, "windows from": f"{w.index[0]:%Y-%m-%d}", "windows": r.n_windows,
                     "nobs": r.window, "stat": r.stat, "beta": r.beta, "p_nominal": r.pvalue_nominal,
                     "share_reject": r.share_nominal_reject, "rank": r.rank, "p_windows": r.pvalue,
                     "as_extreme_negative": int(((w["stat"] <= r.stat) & (w["beta"] < 0)).sum())})
    return pd.DataFrame(rows).set_index("reference")


class US10yCSI300(Study):
    name = "us10y_csi300"
    title = "US 10Y yield and CSI 300"
    claims = ("A2",)
    parts = ("A2.beta_changes", "A2.extrema_coincide", "A2.episode_cointegration")
    series = tuple(SERIES.values())

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        rows, fits = [], {}
        for freq in ("W", "M"):
            for label, (start, end) in SAMPLES.items():
                if progress:
                    progress(f"A2 {freq} {label}")
                p = _panel(loader, freq, start, end, min_rows=24)
                p = p.assign(log_csi300=np.log(p["csi300"]))
                r = levels_vs_differences("log_csi300", "us10y", p)
                fits[(freq, label)] = r
                d, lv = r.differences, r.levels
                rows.append({
                    "freq": freq, "sample": label, "start": p.index[0].strftime("%Y-%m-%d"),
                    "end": p.index[-1].strftime("%Y-%m-%d"), "nobs": d.nobs,
                    "beta_diff": d.params["us10y"], "se_diff": d.bse["us10y"], "p_diff": d.pvalues["us10y"],
                    "beta_level": lv.params["us10y"], "eg_p": r.cointegration.pvalue if r.cointegration else np.nan,
                    "recommended": r.recommended, "hac_lags": d.bandwidth,
                })
        reg = pd.DataFrame(rows)
        head = reg[(reg.freq == HEADLINE_FREQ) & (reg["sample"] == HEADLINE_SAMPLE)].iloc[0]
        episode = reg[(reg.freq == HEADLINE_FREQ) & (reg["sample"] == EPISODE)].iloc[0]
        if progress:
            progress("A2 episode windows")
        ranks = episode_window_ranks(loader)
        rank = ranks[next(iter(WINDOW_SAMPLES))]
        windows = _window_table(ranks)

        weekly = _panel(loader, "W", SAMPLES["Connect era"][0], min_rows=24)  # the loop's Connect-era panel
        dy = np.log(weekly["csi300"]).diff()
        dx = weekly["us10y"].diff()
        frame = pd.concat({"dlog_csi300": dy, "d_us10y": dx}, axis=1).dropna()
        roll = RollingOLS(frame["dlog_csi300"], frame[["d_us10y"]].assign(const=1.0), window=ROLLING_WEEKS).fit()
        rolling_beta = roll.params["d_us10y"].dropna()
        rolling = pd.DataFrame({"β": rolling_beta})

        monthly = _panel(loader, "M")
        tp_a = date_turning_points(np.log(monthly["csi300"]), **TP_RULES)
        tp_b = date_turning_points(monthly["us10y"], **TP_RULES)
        coin = turning_point_coincidence(monthly.index, tp_a.peaks.index, tp_a.troughs.index,
                                         tp_b.peaks.index, tp_b.troughs.index, window=COINCIDENCE_WINDOW)
        coin_rows = [{"window": w, **{k: getattr(c, k) for k in ("count", "n_a", "expected", "pvalue", "concordance")}}
                     for w in (1, 2, 3)
                     for c in [turning_point_coincidence(monthly.index, tp_a.peaks.index, tp_a.troughs.index,
                                                         tp_b.peaks.index, tp_b.troughs.index, window=w)]]

        daily = _panel(loader, "D")
        us_dated = _panel(loader, "D", clock="native")["us10y"]  # FRED's own dates
        date_rows = []
        for d, claimed in ARTICLE_DATES.items():
            pos, kind, when = _extremum(daily["csi300"], pd.Timestamp(d))
            date_rows.append({
                "date": d, "us10y_article": claimed,
                "us10y_vault": float(us_dated.iloc[int(us_dated.index.get_indexer([daily.index[pos]])[0])]),
                "csi300_extremum": kind, "extremum_date": when,
            })
        dates = pd.DataFrame(date_rows)

        parts = [
            PartResult("A2", "beta_changes", estimate=float(head.beta_diff), se=float(head.se_diff),
                       ci=z_ci(head.beta_diff, head.se_diff), pvalue=float(head.p_diff), n=int(head.nobs),
                       proxy="CSI 300 (large cap)", test="weekly HAC regression in differences",
                       detail=f"weekly Δlog CSI 300 on ΔUS10Y, {HEADLINE_SAMPLE}: β {head.beta_diff:.4f}"),
            PartResult("A2", "extrema_coincide", estimate=float(coin.count - coin.expected), pvalue=float(coin.pvalue),
                       n=int(coin.n_a), test="circular-shift coincidence test of Bry–Boschan turning points",
                       detail=f"{coin.count}/{coin.n_a} CSI 300 turns matched within ±{COINCIDENCE_WINDOW} months vs "
                              f"{coin.expected:.2f} expected by chance"),
            PartResult("A2", "episode_cointegration", estimate=float(rank.beta), pvalue=float(rank.pvalue),
                       n=int(rank.window),
                       test=f"Engle–Granger on weekly levels in the article's episode, ranked among all "
                            f"{rank.window}-week windows of the weekly history ({WINDOW_STEP}-week step)",
                       detail=f"episode 2021-23: levels β {rank.beta:.3f}, EG statistic {rank.stat:.2f} (nominal "
                              f"MacKinnon p {rank.pvalue_nominal:.4f}), rank {rank.rank} of {rank.n_windows} "
                              f"windows from {rank.windows.index[0]:%Y-%m-%d}; window p {rank.pvalue:.4f}"),
        ]
        desc = fits[(HEADLINE_FREQ, HEADLINE_SAMPLE)].differences.bandwidth_description
        reg_table = reg.set_index(["freq", "sample"])[["start", "end", "nobs", "beta_diff", "se_diff", "p_diff",
                                                       "beta_level", "eg_p", "recommended"]]
        numbers = {
            "A2_beta_diff": head.beta_diff, "A2_p_diff": head.p_diff, "A2_nobs": int(head.nobs),
            "A2_episode_beta_level": episode.beta_level, "A2_episode_eg_p": episode.eg_p,
            "A2_episode_nobs": int(rank.window), "A2_episode_eg_stat": rank.stat,
            "A2_episode_eg_p_nominal": rank.pvalue_nominal, "A2_episode_rank": rank.rank,
            "A2_episode_n_windows": rank.n_windows, "A2_episode_window_p": rank.pvalue,
            "A2_episode_windows_from": f"{rank.windows.index[0]:%Y-%m-%d}", "A2_episode_window_step": WINDOW_STEP,
            "A2_episode_share_nominal_reject": rank.share_nominal_reject,
            "A2_episode_as_extreme_negative": int(windows.iloc[0]["as_extreme_negative"]),
            "A2_episode_as_extreme_positive_periods": _opposite_extreme_periods(rank),
            "A2_episode_rank_connect": ranks["Connect era"].rank,
            "A2_episode_n_windows_connect": ranks["Connect era"].n_windows,
            "A2_episode_window_p_connect": ranks["Connect era"].pvalue,
            "A2_coincidence_count": coin.count, "A2_coincidence_n": coin.n_a,
            "A2_coincidence_expected": coin.expected, "A2_coincidence_p": coin.pvalue,
            "A2_rolling_beta_share_negative": float((rolling_beta < 0).mean()),
        }
        rob = self._robustness(loader, frame, daily, progress)
        numbers.update(rob["numbers"])
        return StudyResult(
            study=self.name, title=self.title, parts=parts,
            tables=[
                Table(name="a2_regressions",
                      caption="log CSI 300 on the US 10Y yield: differences (HAC) and levels, by frequency and sample",
                      frame=reg_table.rename(columns={
                          "start": "Start", "end": "End", "nobs": "N", "beta_diff": "β (diff.)",
                          "se_diff": "s.e.", "p_diff": "p", "beta_level": "β (levels)",
                          "eg_p": "EG p", "recommended": "Admissible"}),
                      notes=[f"Differences: Δlog CSI 300 on ΔUS 10Y (pp) with a constant. {desc}. "
                             "Levels: log CSI 300 on the yield; interpretable only where 'Admissible' says levels "
                             "(both I(1) and Engle–Granger rejects no cointegration at 5%). EG p: Engle–Granger "
                             "p-value (MacKinnon), nominal: the episode's is judged against all windows of its length in "
                             "the next table. W = weekly (Friday), M = month end; US closes on the Shanghai clock (a "
                             "FRED close dated d is known in Shanghai on d + 1)."],
                      digits={"N": 0, "β (diff.)": 4, "s.e.": 4, "p": 3, "β (levels)": 3, "EG p": 3}),
                Table(name="a2_episode_windows",
                      caption="The article's episode against every window of its length: Engle–Granger on "
                              "weekly levels",
                      frame=windows.rename(columns={
                          "windows from": "Windows from", "windows": "Windows", "nobs": "Weeks", "stat": "EG stat.",
                          "beta": "β (levels)", "p_nominal": "Nominal p", "share_reject": "Share nominal p < 0.05",
                          "rank": "Rank", "p_windows": "Window p", "as_extreme_negative": "As extreme, β < 0"}),
                      notes=[f"log CSI 300 on the US 10Y yield (levels, constant), weekly, Shanghai clock. Episode: "
                             f"the weeks of {SAMPLES[EPISODE][0]} to {SAMPLES[EPISODE][1]}. Every window of the same "
                             f"number of weeks is tested the same way (statsmodels coint: ADF on the residual, AIC "
                             f"lags), starts {WINDOW_STEP} week apart. Nominal p: MacKinnon, valid for a window fixed "
                             "in advance. Rank: 1 = most negative statistic. Window p: share of windows whose "
                             "statistic is at least as negative as the episode's (the episode included); the "
                             "windows overlap, so it is a rank among dependent windows. As extreme, β < 0: those "
                             "windows with a negative levels slope (the article's sign). The part's reference is "
                             "the first row."],
                      digits={"Windows": 0, "Weeks": 0, "EG stat.": 2, "β (levels)": 3, "Nominal p": 4,
                              "Share nominal p < 0.05": 2, "Rank": 0, "Window p": 4, "As extreme, β < 0": 0},
                      index_label="Windows"),
                Table(name="a2_coincidence",
                      caption="Do CSI 300 turning points coincide with opposite US 10Y turning points?",
                      frame=pd.DataFrame(coin_rows).set_index("window").rename(columns={
                          "count": "Matches", "n_a": "CSI 300 turns", "expected": "Expected by chance",
                          "pvalue": "p", "concordance": "Counter-concordance"}),
                      notes=["Monthly Bry–Boschan turning points (window 6, minimum phase 6, cycle 15 months). A match: "
                             "a CSI 300 peak (trough) with a US 10Y trough (peak) within the window (months). p: share of "
                             "circular shifts of the US 10Y turning-point sequence giving at least as many matches."],
                      digits={"Matches": 0, "CSI 300 turns": 0, "Expected by chance": 2, "p": 3,
                              "Counter-concordance": 2}, index_label="Window",
                      sample=f"month ends {monthly.index[0]:%Y-%m} to {monthly.index[-1]:%Y-%m}, N = {len(monthly)} months"),
                Table(name="a2_article_dates", caption="The article's three dates in the data",
                      frame=dates.set_index("date").rename(columns={
                          "us10y_article": "US 10Y (article)", "us10y_vault": "US 10Y (FRED close)",
                          "csi300_extremum": "CSI 300 extremum", "extremum_date": "on"}),
                      notes=[f"CSI 300 extremum: the date's ±{EXTREMUM_WINDOW}-day window holds the maximum (minimum) "
                             "of the ±60-day window. The article's 4.34% for 2022-10-21 is an intraday high; FRED "
                             "DGS10 is the close."], digits=2, index_label="Date",
                      sample=f"daily, common trading days {daily.index[0]:%Y-%m-%d} to {daily.index[-1]:%Y-%m-%d}, "
                             f"N = {len(daily)} days"),
                *rob["tables"],
            ],
            figures=[
                Figure(name="a2_rolling_beta", title=f"Rolling {ROLLING_WEEKS}-week beta of CSI 300 on US 10Y changes",
                       data=rolling, ylabel="log points per pp", hlines=[0.0],
                       vlines=list(ARTICLE_DATES)),
                Figure(name="a2_episode_windows",
                       title=f"Engle–Granger statistic of every {rank.window}-week window (plotted at its start)",
                       data=pd.DataFrame({"EG statistic": rank.windows["stat"]}), ylabel="ADF t on the residual",
                       hlines=[rank.stat], vlines=[f"{rank.start:%Y-%m-%d}"]),
                Figure(name="a2_levels", title="CSI 300 and the US 10Y yield (weekly)",
                       data=weekly[["csi300", "us10y"]].rename(columns={"csi300": "CSI 300", "us10y": "US 10Y (%)"}),
                       secondary=["US 10Y (%)"], vlines=list(ARTICLE_DATES)),
            ],
            numbers=numbers, headline_proxy="CSI 300 (large cap; the claim is about large caps)",
            synthetic=self.is_synthetic(loader), data_ids=sorted(set(SERIES.values()) | set(rob["data_ids"])),
            grids=[rob["grid"]],
        )

    # -- robustness ------------------------------------------------------------------------
    def _robustness(self, loader: DataLoader, frame: pd.DataFrame, daily: pd.DataFrame,
                    progress: Callable[[str], None] | None) -> dict:
        """Grid + curve, placebos, out-of-sample forecasts and breaks of the headline relation."""
        grid = run_grid(estimate, GRID, loader=loader, null_draws=NULL_DRAWS, seed=NULL_SEED, name="A2 grid",
                        progress=progress)
        curve = spec_curve(grid, sign_claimed=SIGN_CLAIMED, headline=HEADLINE_SPEC, name="a2", claim="A2")
        head = curve.headline_row
        p_rw = None if head is None or pd.isna(head["p_rw"]) else float(head["p_rw"])
        label = "β: log points per pp (changes); s.d. per s.d. (z-scored)"
        grid_run = declared.grid_run("A2.beta_changes", grid, label=label)

        # placebos on the headline weekly regression
        if progress:
            progress("A2 placebos")
        y, x = frame["dlog_csi300"], frame["d_us10y"]
        ll = lead_lag_placebo(y, x, leads=PLACEBO_LEADS, lags=(0, 1)).table
        rows = []
        for r in ll.itertuples(index=False):
            what = ("ΔUS10Y same Shanghai week, Thu→Thu (headline)" if r.shift == 0 else
                    f"ΔUS10Y previous Shanghai week (lag {-r.shift})" if r.shift < 0 else
                    f"ΔUS10Y {r.shift} week(s) ahead (lead, placebo)")
            rows.append({"test": what, "observed": r.beta, "se": r.se, "placebo_mean": np.nan,
                         "placebo_q95": np.nan, "p": r.pvalue})
        # what the Shanghai clock changes: the unaligned FRED week (Fri→Fri) and its lag
        native = _panel(loader, "W", SAMPLES[HEADLINE_SAMPLE][0], clock="native")
        nat = pd.concat({"y": np.log(native["csi300"]).diff(), "x": native["us10y"].diff()}, axis=1).dropna()
        nl = lead_lag_placebo(nat["y"], nat["x"], leads=(), lags=(0, 1)).table.set_index("shift")
        for shift, what in ((0, "Unaligned: FRED same week, Fri→Fri"),
                            (-1, "Unaligned: FRED previous week (formerly 'lag 1')")):
            rows.append({"test": what, "observed": nl.loc[shift, "beta"], "se": nl.loc[shift, "se"],
                         "placebo_mean": np.nan, "placebo_q95": np.nan, "p": nl.loc[shift, "pvalue"]})
        aligned_x = x.rename("aligned")
        corr_same = float(aligned_x.corr(nat["x"]))
        corr_lag = float(aligned_x.corr(nat["x"].shift(1)))
        perms = {m: permutation_placebo(y, x, method=m, block=PLACEBO_BLOCK if m == "block" else 26,
                                        n_draws=PLACEBO_DRAWS, seed=PLACEBO_SEED)
                 for m in ("shuffle", "block", "circular")}
        for res in perms.values():
            rows.append({"test": f"β with {res.name}", "observed": res.observed, "se": np.nan,
                         "placebo_mean": float(res.draws.mean()), "placebo_q95": float(np.quantile(np.abs(res.draws), 0.95)),
                         "p": res.pvalue})
        close = daily["csi300"]
        article_end = pd.Timestamp(SAMPLES["Episode 2021-23"][1])
        inside = close.index[(close.index >= pd.Timestamp(SAMPLES["Connect era"][0])) & (close.index <= article_end)]
        candidates = inside[EXTREMUM_WIDE:-EXTREMUM_WIDE]

        values = close.to_numpy()
        first = int(close.index.get_indexer([candidates[0]])[0])
        at_extremum = {d: _extremum_at(values, close.index, first + i)[0] != "none" for i, d in enumerate(candidates)}

        def n_extrema(dates: pd.DatetimeIndex) -> float:
            return float(sum(at_extremum[d] if d in at_extremum else _extremum(close, d)[1] != "none"
                             for d in dates))

        fake = fake_event_dates(n_extrema, list(ARTICLE_DATES), candidates, n_draws=PLACEBO_DRAWS,
                                seed=PLACEBO_SEED, min_gap_days=FAKE_DATES_MIN_GAP)
        rows.append({"test": f"CSI 300 extrema at {len(ARTICLE_DATES)} dates vs fake dates", "observed": fake.observed,
                     "se": np.nan, "placebo_mean": float(fake.draws.mean()),
                     "placebo_q95": float(np.quantile(fake.draws, 0.95)), "p": fake.pvalue})
        placebo = pd.DataFrame(rows).set_index("test")

        # out of sample: next week's log change from this week's ΔUS10Y
        if progress:
            progress("A2 out-of-sample")
        start = SAMPLES[HEADLINE_SAMPLE][0]
        oos_rows, oos = [], {}
        targets = [("CSI 300", {"p": "cn.index.csi300.close"}, lambda q: np.log(q["p"]), start, False)]
        for p in available_proxies(loader):
            name = p.label if "/" in p.label else f"{p.label} / CSI 300"
            ids = {"s": p.small, "l": p.large}
            if back_calculated(p, start):  # marked, and re-run from the launch as a robustness row
                targets.append((f"{name} {BACK_CALCULATED_MARK}", ids, _log_ratio, start, False))
                targets.append((f"{name} from launch {launch_of(p):%Y-%m-%d}", ids, _log_ratio, live_start(p, start), True))
            else:
                targets.append((name, ids, _log_ratio, start, False))
        used, live_targets = set(), []
        for label_t, ids, level, first, live in targets:
            q = build_panel(loader, {**ids, "us10y": SERIES["us10y"]}, freq="W", start=first, dropna="any")
            used |= set(ids.values())
            if live:
                live_targets.append(label_t)
            if len(q) - 1 < OOS_INITIAL + OOS_MIN_FORECASTS:
                oos_rows.append({"target": label_t, "benchmark": f"not run: {len(q) - 1} weeks < {OOS_INITIAL} + "
                                                                 f"{OOS_MIN_FORECASTS}", "n": len(q) - 1})
                continue
            res = oos_evaluation(level(q).diff().rename(label_t), q["us10y"].diff().rename("ΔUS10Y"),
                                 initial=OOS_INITIAL, target=label_t)
            oos[label_t] = res
            for r in res.table.itertuples(index=False):
                oos_rows.append({"target": label_t, "benchmark": r.benchmark, "n": r.n, "r2_oos": 100 * r.r2_oos,
                                 "cw": r.cw, "cw_p": r.cw_p, "dm": r.dm, "dm_p": r.dm_p})
        oos_table = pd.DataFrame(oos_rows).rename(columns={"target": "Target", "benchmark": "Benchmark"}).set_index(
            ["Target", "Benchmark"])

        # stability of the headline relation, weekly and monthly
        brows, stab = [], {}
        for freq, window in (("W", ROLLING_WEEKS), ("M", 12)):
            spec = Spec((("freq", freq), ("sample", HEADLINE_SAMPLE), ("hac", "nw1994"), ("transform", "changes")))
            fr = _spec_frame(spec, loader)
            stab[freq] = stability(fr["y"], fr["x"].rename("d_us10y"), window=window, trim=BP_TRIM,
                                   relation=f"Δlog CSI 300 on ΔUS10Y ({freq})")
            brows.append({"freq": freq, **stab[freq].summary_row("d_us10y")})
        breaks_table = pd.DataFrame(brows).set_index("freq")
        st = stab["W"]

        head_oos = oos["CSI 300"].table.set_index("benchmark")
        ratio_rows = oos_table.drop(index=["CSI 300", *live_targets], level=0)
        live_rows = oos_table.loc[oos_table.index.get_level_values(0).isin(live_targets)]
        numbers = {
            "A2_placebo_lead_min_p": float(ll.loc[ll["shift"] > 0, "pvalue"].min()),
            "A2_placebo_block_p": perms["block"].pvalue, "A2_placebo_shuffle_p": perms["shuffle"].pvalue,
            "A2_placebo_circular_p": perms["circular"].pvalue,
            "A2_fake_dates_observed": int(fake.observed), "A2_fake_dates_mean": float(fake.draws.mean()),
            "A2_fake_dates_p": fake.pvalue,
            "A2_oos_n": int(head_oos["n"].iloc[0]),
            "A2_oos_r2_mean": 100 * float(head_oos.loc["historical mean", "r2_oos"]),
            "A2_oos_cw_p_mean": float(head_oos.loc["historical mean", "cw_p"]),
            "A2_oos_cw_p_zero": float(head_oos.loc["random walk (zero change)", "cw_p"]),
            "A2_oos_ratio_cw_p_min": float(ratio_rows["cw_p"].min()),
            "A2_oos_n_ratio_tests": int(len(ratio_rows)),
            "A2_oos_live_cw_p_min": float(live_rows["cw_p"].min()),
            "A2_oos_n_live_tests": int(live_rows["cw_p"].notna().sum()),
            "A2_lag1_beta": float(ll.loc[ll["shift"] == -1, "beta"].iloc[0]),
            "A2_lag1_p": float(ll.loc[ll["shift"] == -1, "pvalue"].iloc[0]),
            "A2_native_beta": float(nl.loc[0, "beta"]), "A2_native_p": float(nl.loc[0, "pvalue"]),
            "A2_native_lag1_beta": float(nl.loc[-1, "beta"]), "A2_native_lag1_p": float(nl.loc[-1, "pvalue"]),
            "A2_corr_aligned_native": corr_same, "A2_corr_aligned_native_lag1": corr_lag,
            "A2_bp_n_breaks": st.n_breaks, "A2_bp_udmax": st.udmax, "A2_bp_udmax_crit": st.udmax_crit5,
            "A2_bp_supf1": st.supf1, "A2_bp_supf1_crit": st.supf1_crit5, "A2_bp_best_break": st.best_single_break,
            "A2_bp_beta_before": float(brows[0]["before"]), "A2_bp_beta_after": float(brows[0]["after"]),
            "A2_bp_n_breaks_monthly": stab["M"].n_breaks, "A2_bp_break_dates_monthly": brows[1]["break_dates"],
            "A2_bp_best_break_monthly": brows[1]["best_break"],
            "A2_bp_beta_before_monthly": float(brows[1]["before"]), "A2_bp_beta_after_monthly": float(brows[1]["after"]),
        }
        if p_rw is not None:
            numbers["A2_headline_p_rw"] = p_rw
        tables = [
            Table(name="a2_placebo", caption="Timing and placebo tests of the weekly CSI 300–US 10Y relation",
                  sample=f"weekly, {frame.index[0]:%Y-%m-%d} to {frame.index[-1]:%Y-%m-%d}, N = {len(frame)}",
                  frame=placebo.rename(columns={"observed": "Observed", "se": "s.e.", "placebo_mean": "Placebo mean",
                                                "placebo_q95": "Placebo 95th pct.", "p": "p"}),
                  notes=[f"Weekly Δlog CSI 300 on ΔUS10Y (pp), {HEADLINE_SAMPLE} sample, HAC (NW 1994 rule). US "
                         "closes on the Shanghai clock: a FRED close dated d is known in Shanghai on d + 1, so the "
                         "Shanghai week ending Friday carries that Thursday's US close and its change runs Thursday "
                         f"to Thursday. Rows 1–{len(ll)}: the regressor at other timings; the lag is known before "
                         "the week's Shanghai trading (a predictive timing, not a placebo); a lead is a placebo "
                         "(future yields cannot drive today's CSI 300). Unaligned rows: FRED's own weekly dates "
                         "(Friday to Friday; the US Friday move comes after Shanghai's close); the unaligned change "
                         f"correlates {corr_same:.2f} with the aligned one and its lag {corr_lag:.2f}. Next rows: "
                         "the slope with the regressor's timing destroyed "
                         f"({PLACEBO_DRAWS} draws: i.i.d. shuffle, blocks of {PLACEBO_BLOCK} weeks permuted, "
                         "circular shift of at least 26 weeks); p two-sided, 95th percentile of |β|. Last row: "
                         f"how many of the article's {len(ARTICLE_DATES)} dates have a CSI 300 extremum (±"
                         f"{EXTREMUM_WINDOW} days holding the ±{EXTREMUM_WIDE}-day max or min) against "
                         f"{PLACEBO_DRAWS} sets of random dates ≥ {FAKE_DATES_MIN_GAP} days apart in "
                         f"{SAMPLES['Connect era'][0]}–{SAMPLES['Episode 2021-23'][1]}; p one-sided."],
                  digits={"Observed": 4, "s.e.": 4, "Placebo mean": 4, "Placebo 95th pct.": 4, "p": 3},
                  index_label="Test"),
            Table(name="a2_oos", caption="Out of sample: does this week's US 10Y change forecast next week's move?",
                  frame=oos_table.rename(columns={"n": "N", "r2_oos": "R² OOS (%)", "cw": "CW", "cw_p": "CW p",
                                                  "dm": "DM", "dm_p": "DM p"}),
                  notes=[f"Expanding-window OLS of next week's log change on this week's ΔUS10Y, first window "
                         f"{OOS_INITIAL} weeks from {start}. R² OOS = 1 − MSPE(model)/MSPE(benchmark) "
                         "(Campbell–Thompson). CW: Clark–West (2007) test of the nested benchmark, one-sided p. DM: "
                         "Diebold–Mariano with the Harvey–Leybourne–Newbold correction, two-sided p (undersized for "
                         "nested models); DM > 0: the US 10Y model has the smaller squared error. Ratios are "
                         "small/large price ratios. 'from launch' rows: the same forecasts on the sample that "
                         "starts at the later launch of the ratio's indices (not run when it leaves fewer than "
                         f"{OOS_MIN_FORECASTS} forecasts after the first {OOS_INITIAL}-week window).",
                         BACK_CALCULATED_NOTE],
                  digits={"N": 0, "R² OOS (%)": 2, "CW": 2, "CW p": 3, "DM": 2, "DM p": 3}),
            Table(name="a2_breaks", caption="Bai–Perron breaks in the CSI 300–US 10Y relation",
                  frame=breaks_table.rename(columns=BP_RENAME),
                  notes=[f"Δlog CSI 300 on ΔUS10Y with a constant, {HEADLINE_SAMPLE} sample; Bai–Perron (2003) with "
                         f"both coefficients breaking, trim {BP_TRIM}, HAC (prewhitened quadratic spectral), "
                         "sequential selection at 5%. Best single break: the one-break SSR minimiser, reported "
                         "whether or not it is significant, with the OLS slope before and after it."],
                  digits={**BP_DIGITS, "β before": 4, "β after": 4}, index_label="Frequency"),
        ]
        return {"grid": grid_run, "curve": curve, "p_rw": p_rw, "tables": tables,
                "numbers": numbers, "data_ids": sorted(used)}


STUDY = US10yCSI300()
