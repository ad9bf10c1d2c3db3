"""C12, C13, C14 — do fund holdings and research visits lead the size style? (Seed 002)

Claims. C12: the share of all-fund stock holdings in the 50 largest stocks (and beyond rank
500) leads the style by about a year (semi-annual 2010H1-2023H1). C13: fund holdings by cap
bucket peak in order of size (rotation walks down the cap ladder). C14: the share of
institutional research visits to CSI 300 members (and to CSI 2000 + others) leads the style
by about two years.

What the public data allow. Fund holdings by stock and research-visit records are public
through Eastmoney (the package's akshare builder, ``python -m econ.data.holdings_akshare``,
writes them), but they are not in the public vault (vault ``SOURCES.md``, "Size-style micro
data"). So C12 and C14 are untestable on the public vault; the study says which files would
settle them (``econ.data.holdings``: declared schema, aggregates, Granger / Toda–Yamamoto /
bootstrap Granger and lead–lag correlation with a bootstrap distribution of the best lead)
and runs that pipeline when the user has imported them. On user data the signal is the
*active* weight, the fund (visit) share of a bucket minus the bucket's share of total market
cap (the vault's concentration file), dated when it becomes public: fund reports by their
statutory deadlines (``econ.data.holdings.REPORT_LAG_MONTHS``: 2 months after 30 June, 3 after
31 December), visit aggregates one month after the year. The raw share and the active weight
at its report date are shown beside it, and the headline again from the CSI 1000 launch.
What the study computes from public data, on what, and how:

1. *Style cycle.* Bry–Boschan (BBQ) turning points of log(CSI 300 / CSI 1000), monthly
   (headline; window 6, minimum phase 6, minimum cycle 15 months), for every small-cap proxy
   and for SSE 50 as the large-cap side; the count of complete cycles in the articles'
   windows. The market-cap share of the 50 largest stocks (and of ranks beyond 500) from the
   vault's concentration file is dated too (quarterly; window 2, phase 2, cycle 5 quarters):
   it is the market-weight benchmark for the fund shares.
2. *Implied leads.* The article's reported turning points (typed from CLAIMS.md; they are the
   article's numbers, not data) are matched to the nearest style turning point of the
   corresponding type within ±36 months: a top-50 fund-share peak (trough) with a large/small
   peak (trough), a beyond-500 peak (trough) with a large/small trough (peak), a CSI 300
   visit-share peak and a CSI 2000+others trough with a large/small peak. Implied lead =
   style date − article date (positive: holdings / visits first). The article's sample-end
   values are not turning points and get no lead.
3. *Power.* Monte Carlo power of the Granger F at T = 27 half-years (C12) and 13 years (C14)
   for leads 1-3 and effect sizes ρ = corr(y_t, x_{t−lead}) (``econ.data.holdings.lead_power``;
   200 replications here, the full table in ``benchmarks/leadlag_power.py``).
4. *C13 on market data.* Relative strength log(index / CSI All Share) of the size ladder
   SSE 50, CSI 300, CSI 500, CSI 1000, CSI 2000, micro-cap; BBQ peaks of each; anchors = peaks
   of the top rung (SSE 50); for each anchor every other rung's first peak from 6 months
   before to 36 months after it. Per episode, Spearman ρ between size order and peak date
   (anchor rung excluded, >= 3 rungs); pooled mean ρ with a one-sided permutation p-value
   (rung labels shuffled within episodes, 9,999 draws). Robustness grid (36 specs):
   frequency M/W, base All Share / CSI 300 / SSE 50 (the base rung leaves the ladder),
   turning-point rules A/B/C, sample start 2005/2010. Each spec's standard error is the
   permutation standard deviation of its mean ρ (its null standard error; the curve's interval
   ±1.96 se is therefore wide). **Null of the joint test** (Simonsohn–Simmons–Nelson) and of
   the Romano–Wolf p-values: the size order carries no information. Draw k applies one random
   permutation of the ladder (``null.rng(k).permutation`` of LADDER, the same for every spec;
   each spec keeps its own rungs in that order, its episodes and anchor unchanged) and
   recomputes mean ρ, its permutation p-value and its se (``econ.data.holdings.
   ladder_order_null``: equal to ``ladder_order_test`` under the permuted order, one set of
   permutation draws for all orders); NULL_DRAWS draws. The null is coarse: only the order
   of the five rungs below SSE 50 enters any spec (120 worlds), and the 24 specs with base
   CSI 300 or SSE 50 rank just the four from CSI 500 down, which one draw in 24 leaves in
   size order; so even a perfect ladder gets a joint p-value of the median near 1/24, not
   1/(NULL_DRAWS + 1).

Parts (declared in ``studies/claims.toml``). C12 and C14: *granger* (bootstrap Granger p of
the active weight, signed by the best lead's correlation) and the claimed lead, a direction
part whose p-value is an intersection–union test: the larger of the bootstrap Granger p and
the bootstrap p-value of "the best lead lies more than ``LEAD_TOLERANCE`` period from the
claim (or at 0)". It is supported only when the data reject no causality *and* leads away from
the claim; the claimed lead merely lying in a confidence set is not support. Without user
data both parts are untestable and the implied leads, the cycle count and the power are shown
as evidence. C13: *price_ladder* (mean Spearman ρ of the
size order, permutation p; its grid's Romano–Wolf p enters the verdict) and
*holdings_ladder* (needs fund holdings by stock). The verdict engine decides.
"""

from __future__ import annotations

import dataclasses
import math
import weakref
from collections.abc import Callable

import numpy as np
import pandas as pd

from econ.data import holdings as H
from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.data.panel import build_panel
from econ.models.turning_points import TurningPointResult, date_turning_points, peak_dates
from econ.policy import ALPHA
from econ.robust import Grid, GridResult, NullDraws, Spec, SpecEstimate, run_grid
from econ.robust.executor import underlying_loader
from econ.study import Figure, GridRun, PartResult, Study, StudyResult, Table
from studies import declared
from studies.common import BACK_CALCULATED_MARK, BACK_CALCULATED_NOTE, LAUNCHED, Proxy, launch_of

INDEX = {
    "SSE 50": "cn.index.sse50.close", "CSI 300": "cn.index.csi300.close", "CSI 500": "cn.index.csi500.close",
    "CSI 1000": "cn.index.csi1000.close", "CSI 2000": "cn.index.csi2000.close",
    "Micro-cap": "cn.index.microcap.close", "All Share": "cn.index.allshare.close",
}
CONCENTRATION = {"top50": "cn.concentration.top50_share", "gt500": "cn.concentration.rank_gt500_share"}
LARGE = ("CSI 300", "SSE 50")
SMALL = ("CSI 1000", "CSI 500", "CSI 2000", "Micro-cap")
LADDER = ("SSE 50", "CSI 300", "CSI 500", "CSI 1000", "CSI 2000", "Micro-cap")
BASES = ("All Share", "CSI 300", "SSE 50")
HEADLINE = {"freq": "M", "large": "CSI 300", "small": "CSI 1000", "rule": "A"}
C13_HEADLINE = {"freq": "M", "base": "All Share", "rule": "A", "start": "2005-01-01"}
#: BBQ rules in months (window, minimum phase, minimum cycle); weekly = months x 52/12.
TP_RULES = {"A": (6, 6, 15), "B": (4, 4, 12), "C": (8, 6, 16)}
QUARTERLY_RULE = (2, 2, 5)
MATCH_WINDOW_MONTHS = 36
LADDER_SLACK_MONTHS, LADDER_HORIZON_MONTHS = 6, 36
N_PERM = 9999
NULL_DRAWS = 199           # C13 grid: joint test / Romano–Wolf
NULL_SEED = 20240402
#: Launch-date robustness of the C13 ladder: rungs launched after this date leave no episode
#: (CSI 2000, 2023-08) and are dropped; the others start at their latest launch.
LADDER_LIVE_LATEST = "2020-12-31"
WINDOWS = {"C12": ("2010-01-01", "2023-06-30"), "C14": ("2013-01-01", "2024-12-31")}
CLAIMED_LEAD = {"C12": 2, "C14": 2}        # in the claim's periods
PERIOD_MONTHS = {"C12": 6, "C14": 12}
POWER_T = {"C12": 27, "C14": 13}
POWER_LEADS = {"C12": (1, 2), "C14": (1, 2, 3)}
POWER_RHOS = (0.0, 0.3, 0.5, 0.7, 0.9)
POWER_REPS = 200
POWER_TARGET = 0.8
#: The signals of C12 and C14 and the claimed sign of corr(Δsignal_t, Δlog(large/small)_{t+k}).
C12_SIGNALS = (("share_top50", 1), ("share_rank_gt500", -1))
C14_SIGNALS = (("share_csi300", 1), ("share_outside_csi1800", -1))
#: Lead-analysis variants on user data; the first is the headline that enters the verdict.
VARIANTS = ("active, published", "raw share, published", "active, at report date (no lag)",
            "active, published, from CSI 1000 launch")


@dataclasses.dataclass(frozen=True)
class ArticleTP:
    """A turning point the article reports (its numbers, typed from CLAIMS.md)."""

    claim: str
    series: str
    kind: str            # "peak", "trough" or "sample end"
    when: str            # date used (year-only labels: mid-year, ± 6 months)
    label: str           # as the article says it
    value: float         # percent, as the article prints it
    style_type: str      # the large/small turning point it should precede ("" = none)
    market: str = ""     # concentration series to compare with ("top50", "gt500", "")


ARTICLE_TPS: tuple[ArticleTP, ...] = (
    ArticleTP("C12", "Fund share, top-50", "trough", "2010-06-30", "2010", 37.23, "trough", "top50"),
    ArticleTP("C12", "Fund share, top-50", "peak", "2012-12-31", "end-2012", 44.66, "peak", "top50"),
    ArticleTP("C12", "Fund share, top-50", "trough", "2015-12-31", "end-2015", 18.71, "trough", "top50"),
    ArticleTP("C12", "Fund share, top-50", "peak", "2020-12-31", "end-2020", 43.36, "peak", "top50"),
    ArticleTP("C12", "Fund share, rank > 500", "trough", "2012-12-31", "end-2012", 7.59, "peak", "gt500"),
    ArticleTP("C12", "Fund share, rank > 500", "peak", "2016-06-30", "mid-2016", 33.01, "trough", "gt500"),
    ArticleTP("C12", "Fund share, rank > 500", "trough", "2020-12-31", "end-2020", 11.46, "peak", "gt500"),
    ArticleTP("C12", "Fund share, rank > 500", "sample end", "2023-06-30", "mid-2023", 27.80, "", "gt500"),
    ArticleTP("C14", "Visit share, CSI 300", "peak", "2018-06-30", "2018", 20.95, "peak"),
    ArticleTP("C14", "Visit share, CSI 300", "sample end", "2024-06-30", "2024", 6.10, ""),
    ArticleTP("C14", "Visit share, CSI 2000 + others", "trough", "2019-06-30", "2019", 29.05, "peak"),
    ArticleTP("C14", "Visit share, CSI 2000 + others", "sample end", "2024-06-30", "2024", 62.44, ""),
)


# ------------------------------------------------------------------------------------------
# data helpers (memoised per loader: the grids ask for the same panels many times)
# ------------------------------------------------------------------------------------------
_PANELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _panel(loader: DataLoader, freq: str) -> pd.DataFrame:
    cache = _PANELS.setdefault(loader, {})
    if freq not in cache:
        cache[freq] = build_panel(loader, INDEX, freq=freq)
    return cache[freq]


def _rule(rule: str, freq: str) -> dict[str, int]:
    w, p, c = TP_RULES[rule]
    if freq == "W":
        w, p, c = (round(v * 52 / 12) for v in (w, p, c))
    return {"window": w, "min_phase": p, "min_cycle": c}


def style_ratio(loader: DataLoader, freq: str, large: str, small: str) -> pd.Series:
    """log(large / small) at ``freq`` on the dates both exist."""
    p = _panel(loader, freq)[[large, small]].dropna()
    return np.log(p[large] / p[small]).rename(f"log({large}/{small})")


def style_turning_points(loader: DataLoader, freq: str, large: str, small: str, rule: str) -> TurningPointResult:
    """Turning points of :func:`style_ratio` under ``rule`` (once per loader: the table and the grid share them)."""
    ratio = style_ratio(loader, freq, large, small)  # read through ``loader``, so its proxy records the inputs
    cache = _PANELS.setdefault(underlying_loader(loader), {})  # the run's and the grid's proxies share it
    key = ("style_turning_points", freq, large, small, rule)
    if key not in cache:
        cache[key] = date_turning_points(ratio, **_rule(rule, freq))
    return cache[key]


def _month_diff(a: pd.Timestamp, b: pd.Timestamp) -> int:
    """Whole months from a to b."""
    return (b.year - a.year) * 12 + (b.month - a.month)


def implied_leads(tp: TurningPointResult, claims: tuple[str, ...] = ("C12", "C14")) -> pd.DataFrame:
    """Each article turning point against the nearest style turning point of its type.

    The candidates of a type are selected once per call from plain arrays (the grid calls this
    for every spec); the same dates and gaps as the frame-filtering loop it replaced (kept in tests/studies/test_misc_fastpaths.py).
    """
    frame = tp.turning_points
    types = frame["type"].to_numpy()
    dates = list(frame["date"])
    of_type: dict[str, list[pd.Timestamp]] = {}
    rows = []
    for a in ARTICLE_TPS:
        if a.claim not in claims:
            continue
        when = pd.Timestamp(a.when)
        row = {"claim": a.claim, "series": a.series, "type": a.kind, "article": a.label, "value": a.value,
               "style_type": a.style_type, "style_date": pd.NaT, "lead_months": np.nan}
        if a.style_type:
            if a.style_type not in of_type:
                of_type[a.style_type] = [d for d, t in zip(dates, types, strict=True) if t == a.style_type]
            cand = of_type[a.style_type]
            if len(cand):
                gap = np.array([abs(_month_diff(when, d)) for d in cand])
                j = int(gap.argmin())
                if gap[j] <= MATCH_WINDOW_MONTHS:
                    d = pd.Timestamp(cand[j])
                    row["style_date"] = d
                    row["lead_months"] = float(_month_diff(when, d))
        rows.append(row)
    return pd.DataFrame(rows)


def cycles_in(tp: TurningPointResult, start: str, end: str) -> tuple[int, int]:
    """(turning points, complete cycles) of ``tp`` between two dates."""
    f = tp.turning_points
    f = f[(f["date"] >= pd.Timestamp(start)) & (f["date"] <= pd.Timestamp(end))]
    n_p, n_t = int((f["type"] == "peak").sum()), int((f["type"] == "trough").sum())
    return len(f), max(n_p - 1, n_t - 1, 0)


# ------------------------------------------------------------------------------------------
# C12/C14 power: a batched replica of H.lead_power(..., aic=False)
# ------------------------------------------------------------------------------------------
def lead_power(T: int, lead: int, rho: float, *, reps: int = 500, phi: float = 0.5, alpha: float = 0.05,
               seed: int = 0, max_lead: int = 4) -> dict[str, float]:
    """:func:`econ.data.holdings.lead_power` with ``aic=False``, the same draws and the same floats.

    The samples are drawn first, in the reference's order; the Granger p-values of all of them
    come from one batched fit (:func:`econ.models.causality.granger_fixed_pvalues`, equal to
    the per-sample ``granger_fixed_pvalue`` to 1e-12) and the cross-correlations from row-wise
    sums (``np.corrcoef`` to rounding). Counts can differ from the reference only if a p-value
    sits within rounding of ``alpha`` or two leads' correlations within rounding of each other:
    the tests check that the study's configurations give the reference's numbers.
    """
    from econ.models.causality import granger_fixed_pvalues

    if lead < 1:
        raise ValueError("lead must be >= 1 for a Granger test")
    rng = np.random.default_rng([seed, T, lead, int(round(rho * 1000)), int(round(phi * 1000))])
    samples = [H._simulate_lead(T, lead, rho, phi, rng) for _ in range(reps)]
    try:
        pvalues = granger_fixed_pvalues(np.array([y for y, _ in samples]), np.array([x for _, x in samples]), lead)
    except ValueError:  # too few observations: the reference skips every sample
        pvalues = np.full(reps, np.nan)
    rej = int(np.sum(pvalues <= alpha))
    leads = [k for k in range(0, max_lead + 1) if T - k >= 4]
    if not leads:
        return {"granger": rej / reps, "granger_aic": float("nan"), "lead_hit": 0.0}
    Y, X = np.array([y for y, _ in samples]), np.array([x for _, x in samples])
    corr = np.column_stack([_row_corr(X[:, : T - k], Y[:, k:]) for k in leads])   # (reps, leads)
    best = np.asarray(leads)[np.argmax(corr, axis=1)]  # the first largest, as the reference's strict ">"
    hits = int(np.sum(best == lead))
    return {"granger": rej / reps, "granger_aic": float("nan"), "lead_hit": hits / reps}


def _row_corr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation of ``a[r]`` with ``b[r]`` for every row (``np.corrcoef`` to rounding, clipped)."""
    ad = a - a.mean(axis=1, keepdims=True)
    bd = b - b.mean(axis=1, keepdims=True)
    c = (ad * bd).sum(axis=1) / np.sqrt((ad * ad).sum(axis=1) * (bd * bd).sum(axis=1))
    return np.clip(c, -1.0, 1.0)


# ------------------------------------------------------------------------------------------
# C13: the ladder
# ------------------------------------------------------------------------------------------
def ladder_episodes(loader: DataLoader, freq: str, base: str, rule: str, start: str,
                    exclude: tuple[str, ...] = ()) -> tuple[dict[str, dict[str, pd.Timestamp | None]], list[str]]:
    """Peak dates of each rung's relative strength around each peak of the top rung (``exclude``: rungs left out)."""
    p = _panel(loader, freq)
    rungs = [r for r in LADDER if r != base and r not in exclude]
    peaks: dict[str, pd.DatetimeIndex] = {}
    for r in rungs:
        rs = np.log(p[r] / p[base]).dropna()
        rs = rs[rs.index >= pd.Timestamp(start)]
        if len(rs) < 4 * TP_RULES[rule][0] + 1:
            peaks[r] = pd.DatetimeIndex([])
            continue
        peaks[r] = peak_dates(rs, **_rule(rule, freq))  # = date_turning_points(...).peaks.index
    anchor, others = rungs[0], rungs[1:]
    episodes: dict[str, dict[str, pd.Timestamp | None]] = {}
    for a in peaks[anchor]:
        lo, hi = a - pd.DateOffset(months=LADDER_SLACK_MONTHS), a + pd.DateOffset(months=LADDER_HORIZON_MONTHS)
        ep: dict[str, pd.Timestamp | None] = {anchor: a}
        for r in others:
            inside = peaks[r][(peaks[r] >= lo) & (peaks[r] <= hi)]
            ep[r] = inside[0] if len(inside) else None
        episodes[a.strftime("%Y-%m-%d")] = ep
    return episodes, others


def ladder_test(loader: DataLoader, freq: str, base: str, rule: str, start: str,
                exclude: tuple[str, ...] = ()) -> H.LadderResult:
    episodes, order = ladder_episodes(loader, freq, base, rule, start, exclude)
    return H.ladder_order_test(episodes, order, n_perm=N_PERM, seed=0)


def ladder_live(loader: DataLoader) -> tuple[H.LadderResult, str, tuple[str, ...]]:
    """The headline ladder on published history only (launch-date robustness).

    Starts at the latest launch among the rungs kept and leaves out the rungs launched too late
    to leave an episode (CSI 2000, launched 2023-08). Returns the result, the start and the
    rungs left out.
    """
    exclude = tuple(r for r in LADDER if INDEX[r] in LAUNCHED and pd.Timestamp(LAUNCHED[INDEX[r]]) >
                    pd.Timestamp(LADDER_LIVE_LATEST))
    kept = [INDEX[r] for r in LADDER if r not in exclude]
    start = max([pd.Timestamp(C13_HEADLINE["start"]), *(pd.Timestamp(LAUNCHED[s]) for s in kept if s in LAUNCHED)])
    res = ladder_test(loader, C13_HEADLINE["freq"], C13_HEADLINE["base"], C13_HEADLINE["rule"],
                      start.strftime("%Y-%m-%d"), exclude)
    return res, start.strftime("%Y-%m-%d"), exclude


_LAST_EPISODES: tuple = (None, "", None)  # (loader, spec key, episodes) of the last call: the null hook reuses it


def _spec_episodes(spec: Spec, loader: DataLoader) -> tuple[dict, list[str]]:
    global _LAST_EPISODES
    last_loader, last_key, last = _LAST_EPISODES  # one read: safe with threaded workers
    if last_loader is loader and last_key == spec.key:
        return last
    out = ladder_episodes(loader, spec["freq"], spec["base"], spec["rule"], spec["start"])
    _LAST_EPISODES = (loader, spec.key, out)
    return out


def null_order(order: list[str], rng: np.random.Generator) -> list[str]:
    """``order``'s rungs in the order of one random permutation of the whole LADDER (a null draw)."""
    shuffled = [LADDER[i] for i in rng.permutation(len(LADDER))]
    return [r for r in shuffled if r in order]


def estimate(spec: Spec, loader: DataLoader, null: NullDraws | None = None) -> SpecEstimate | list[SpecEstimate]:
    """C13 grid: mean Spearman rho (size order vs peak date) and its permutation p-value.

    se = the permutation standard deviation of the mean rho. With ``null``: the same under
    a random order of the ladder per draw (module docstring), one estimate per draw.
    """
    episodes, order = _spec_episodes(spec, loader)
    if null is not None:
        f = H.ladder_order_null(episodes, [null_order(order, null.rng(k)) for k in null], n_perm=N_PERM, seed=0)
        return [SpecEstimate(estimate=float(r.mean_rho), se=float(r.null_sd), pvalue=float(r.pvalue),
                             nobs=int(r.n_episodes)) if r.n_episodes else SpecEstimate.failed("no episode")
                for r in f.itertuples()]
    res = H.ladder_order_test(episodes, order, n_perm=N_PERM, seed=0)
    if res.n_episodes == 0:
        return SpecEstimate.failed("no episode with >= 3 rungs peaking")
    return SpecEstimate(estimate=res.mean_rho, se=res.null_sd, pvalue=res.pvalue, nobs=res.n_episodes,
                        extra={"share_positive": res.share_positive})


GRID = Grid({"freq": ["M", "W"], "base": list(BASES), "rule": list(TP_RULES),
             "start": ["2005-01-01", "2010-01-01"]})


def estimate_cycle(spec: Spec, loader: DataLoader) -> SpecEstimate:
    """Style-cycle grid: median implied lead (months) of the article's C12 turning points."""
    tp = style_turning_points(loader, spec["freq"], spec["large"], spec["small"], spec["rule"])
    leads = implied_leads(tp)
    c12 = leads.loc[leads["claim"] == "C12", "lead_months"].dropna()
    c14 = leads.loc[leads["claim"] == "C14", "lead_months"].dropna()
    n_tp, n_cyc = cycles_in(tp, *WINDOWS["C12"])
    if c12.empty:
        return SpecEstimate.failed("no article turning point matched a style turning point")
    return SpecEstimate(estimate=float(c12.median()), se=float("nan"), pvalue=float("nan"), nobs=len(c12),
                        ci_low=float(c12.min()), ci_high=float(c12.max()),
                        extra={"c14_lead": float(c14.median()) if len(c14) else float("nan"),
                               "c14_n": len(c14), "tps_c12_window": n_tp, "cycles_c12_window": n_cyc})


CYCLE_GRID = Grid({"freq": ["M", "W"], "large": list(LARGE), "small": list(SMALL), "rule": list(TP_RULES)})


def _c14_view(res: GridResult) -> GridResult:
    """The C14 lead out of the cycle grid (same specs, estimate = extra c14_lead)."""
    est = []
    for e in res.estimates:
        v = e.extra.get("c14_lead", float("nan")) if e.ok else float("nan")
        est.append(SpecEstimate(estimate=v, se=float("nan"), pvalue=float("nan"), nobs=int(e.extra.get("c14_n", 0)))
                   if e.ok and not math.isnan(v) else SpecEstimate.failed(e.error or "no C14 match"))
    return GridResult(dimensions=res.dimensions, specs=res.specs, estimates=est, title="C14 implied lead")


def _grid_summary(res: GridResult, value: str, extra_cols: dict[str, Callable[[pd.DataFrame], float]]
                  ) -> pd.DataFrame:
    frame = res.to_frame()
    ok = frame[frame["error"] == ""]
    rows = [("All specifications", ok, len(frame))]
    for dim in res.dimensions:
        for v in frame[dim].unique():
            rows.append((f"{dim} = {v}", ok[ok[dim] == v], int((frame[dim] == v).sum())))
    out = []
    for label, sub, n in rows:
        r = {"": label, "Specs": n, "Estimated": len(sub), f"Median {value}": sub["estimate"].median()}
        for k, fn in extra_cols.items():
            r[k] = fn(sub) if len(sub) else np.nan
        out.append(r)
    return pd.DataFrame(out).set_index("")


def _tidy(v: object) -> object:
    """Whole-number floats (leads in months) as ints, so the prose prints 5, not 5.00."""
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        return int(v)
    return v


# ------------------------------------------------------------------------------------------
# the study
# ------------------------------------------------------------------------------------------
class LeadLagHoldings(Study):
    name = "leadlag_holdings"
    title = "Fund holdings, research visits and the cap ladder"
    claims = ("C12", "C13", "C14")
    parts = ("C12.granger", "C12.lead_one_year", "C13.price_ladder", "C13.holdings_ladder", "C14.granger",
             "C14.lead_two_years")
    series = tuple(INDEX.values()) + tuple(CONCENTRATION.values())

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        synthetic = self.is_synthetic(loader)
        # 1. style cycle, every proxy (headline rule, monthly)
        say("C12 style cycle")
        cycle_rows, tps = [], {}
        for large in LARGE:
            for small in SMALL:
                tp = style_turning_points(loader, "M", large, small, HEADLINE["rule"])
                tps[(large, small)] = tp
                n12, c12 = cycles_in(tp, *WINDOWS["C12"])
                n14, c14 = cycles_in(tp, *WINDOWS["C14"])
                launch = launch_of(Proxy(small, INDEX[small], INDEX[large]))
                mark = f" {BACK_CALCULATED_MARK}" if launch is not None and tp.series.index[0] < launch else ""
                cycle_rows.append({
                    "Ratio": f"{large} / {small}{mark}", "From": tp.series.index[0].strftime("%Y-%m"),
                    "Peaks": ", ".join(d.strftime("%Y-%m") for d in tp.peaks.index),
                    "Troughs": ", ".join(d.strftime("%Y-%m") for d in tp.troughs.index),
                    "TPs 2010-23H1": n12, "Cycles 2010-23H1": c12, "TPs 2013-24": n14, "Cycles 2013-24": c14})
        head_tp = tps[(HEADLINE["large"], HEADLINE["small"])]
        # launch-date robustness of the headline cycle: CSI 1000 from its launch (no back-history)
        launch = launch_of(Proxy(HEADLINE["small"], INDEX[HEADLINE["small"]], INDEX[HEADLINE["large"]]))
        live = style_ratio(loader, "M", HEADLINE["large"], HEADLINE["small"]).loc[launch:]
        live_tp = date_turning_points(live, **_rule(HEADLINE["rule"], "M"))
        n12, c12 = cycles_in(live_tp, *WINDOWS["C12"])
        n14, c14 = cycles_in(live_tp, *WINDOWS["C14"])
        cycle_rows.append({
            "Ratio": f"{HEADLINE['large']} / {HEADLINE['small']} from launch", "From": live.index[0].strftime("%Y-%m"),
            "Peaks": ", ".join(d.strftime("%Y-%m") for d in live_tp.peaks.index),
            "Troughs": ", ".join(d.strftime("%Y-%m") for d in live_tp.troughs.index),
            "TPs 2010-23H1": n12, "Cycles 2010-23H1": c12, "TPs 2013-24": n14, "Cycles 2013-24": c14})
        cycles = pd.DataFrame(cycle_rows).set_index("Ratio")

        # 2. implied leads (headline) + market-weight benchmark
        leads = implied_leads(head_tp)
        conc = {k: loader.series(v) for k, v in CONCENTRATION.items()}
        conc_tp = {k: date_turning_points(s.dropna(), window=QUARTERLY_RULE[0], min_phase=QUARTERLY_RULE[1],
                                          min_cycle=QUARTERLY_RULE[2]) for k, s in conc.items()}
        market_share, market_lead = [], []
        for a in ARTICLE_TPS:
            if not a.market:
                market_share.append(np.nan)
                market_lead.append(np.nan)
                continue
            s = conc[a.market]
            when = pd.Timestamp(a.when)
            market_share.append(100 * float(s.asof(when)) if when >= s.index[0] else np.nan)
            same = "trough" if a.kind == "trough" else "peak"
            f = conc_tp[a.market].turning_points
            cand = f[f["type"] == same] if a.kind in ("peak", "trough") else f.iloc[:0]
            gaps = [_month_diff(when, d) for d in cand["date"]]
            best = min(gaps, key=abs) if gaps else None
            market_lead.append(float(best) if best is not None and abs(best) <= MATCH_WINDOW_MONTHS else np.nan)
        leads["market_share"] = market_share
        leads["market_tp_lead"] = market_lead

        # 3. power (small Monte Carlo; the full one is benchmarks/leadlag_power.py)
        say("C12/C14 power")
        power_rows = []
        for claim in ("C12", "C14"):
            for lead in POWER_LEADS[claim]:
                for rho in POWER_RHOS:
                    r = lead_power(POWER_T[claim], lead, rho, reps=POWER_REPS, seed=20240401)  # = H.lead_power(aic=False)
                    power_rows.append({"claim": claim, "T": POWER_T[claim], "lead": lead, "rho": rho,
                                       "granger": r["granger"], "lead_hit": r["lead_hit"]})
        power = pd.DataFrame(power_rows)
        mde = {(c, k): H.minimum_detectable(g["rho"], g["granger"], POWER_TARGET)
               for (c, k), g in power.groupby(["claim", "lead"])}

        # 4. C13 ladder, headline and grid
        say("C13 ladder")
        ladder = ladder_test(loader, C13_HEADLINE["freq"], C13_HEADLINE["base"], C13_HEADLINE["rule"],
                             C13_HEADLINE["start"])
        ladder_launch = ladder_live(loader)
        grid13 = run_grid(estimate, GRID, loader=loader, null_draws=NULL_DRAWS, seed=NULL_SEED, name="C13 grid",
                          progress=lambda m: say(f"C13 {m}"))
        gridcyc = run_grid(estimate_cycle, CYCLE_GRID, loader=loader, progress=lambda m: say(f"C12 {m}"))
        grid14 = _c14_view(gridcyc)

        # 5. user data, if any
        user = self._user_data(loader, say)

        numbers = self._numbers(leads, cycles, power, mde, ladder, grid13, gridcyc, user)
        live, live_start_, live_excl = ladder_launch
        numbers |= {"C13_live_rho_mean": live.mean_rho, "C13_live_p": live.pvalue, "C13_live_n_episodes": live.n_episodes,
                    "C13_live_start": live_start_}
        parts = [*self._parts_c12_c14("C12", leads, power, mde, numbers, user), *self._parts_c13(ladder),
                 *self._parts_c12_c14("C14", leads, power, mde, numbers, user)]
        tables = self._tables(leads, cycles, power, mde, ladder, grid13, gridcyc, grid14, user, ladder_launch)
        figures = self._figures(loader, head_tp, conc, power)
        headcyc = "|".join(f"{k}={HEADLINE[k]}" for k in ("freq", "large", "small", "rule"))
        grids = [
            declared.grid_run("C13.price_ladder", grid13,
                              label="mean Spearman rho of size order vs relative-strength peak date"),
            GridRun(name="c12_implied_lead", claim="C12", sign_claimed=0, result=gridcyc, headline=headcyc,
                    label="median implied lead of the article's fund-share turning points (months; claimed +12, "
                          "a magnitude, not a sign)"),
            GridRun(name="c14_implied_lead", claim="C14", sign_claimed=0, result=grid14, headline=headcyc,
                    label="median implied lead of the article's visit-share turning points (months; claimed +24)"),
        ]
        return StudyResult(
            study=self.name, title=self.title, parts=parts, tables=tables, figures=figures, numbers=numbers,
            headline_proxy=f"{HEADLINE['large']} / {HEADLINE['small']} (style cycle); ladder vs CSI All Share",
            synthetic=synthetic, grids=grids, data_ids=sorted(set(self.series)),
            notes=["The article's turning points (Table c12_c14_turning_points) are the article's numbers, "
                   "typed from CLAIMS.md. Fund holdings and research visits are public through Eastmoney (akshare "
                   "builder: python -m econ.data.holdings_akshare) but not in the public vault; with them imported "
                   "the lead parts are tested on active weights dated at publication."])

    # -- user data ----------------------------------------------------------------------------
    def _user_data(self, loader: DataLoader, say: Callable[[str], None]) -> dict:
        root = loader.vault.root if loader.vault is not None else None
        files = H.find_user_files(root)
        out: dict = {"files": sorted(p.name for p in files.values()), "C12": None, "C14": None, "missing": {}}
        if not files:
            return out
        say("user data")
        style = style_ratio(loader, "M", HEADLINE["large"], HEADLINE["small"])

        def benchmark(claim: str, shares: pd.DataFrame, cols: list[str]) -> pd.DataFrame | None:
            try:
                return H.market_benchmark(loader.vault.read_table(H.CONCENTRATION_FILE)[0], shares.index, cols)
            except DataError as exc:
                out["missing"][claim] = f"{H.CONCENTRATION_FILE} ({exc})"
                return None

        # C12: active weight = fund share - market-cap share of the bucket, known from the report's deadline
        cols12 = [c for c, _ in C12_SIGNALS]
        shares = market = None
        if "aggregates" in files:
            shares = H.read_user_file(files["aggregates"], "aggregates")
            market = benchmark("C12", shares, cols12)
        elif "holdings" in files:
            try:
                mk = H.prepare_mktcap(loader.vault.read_table(H.MKTCAP_FILE)[0])
            except DataError as exc:
                out["missing"]["C12"] = f"{H.MKTCAP_FILE} ({exc})"
            else:
                shares = H.holdings_rank_shares(H.read_user_file(files["holdings"], "holdings"), mk)
                market = shares[["market_top50", "market_rank_gt500"]].set_axis(cols12, axis=1)
        if shares is not None and market is not None:
            out["C12"] = self._analyse(shares, market, style, "C12", C12_SIGNALS, range(0, 5), "holdings")
        # C14: active visit share = visit share - market-cap share of the same index bucket
        cols14 = [c for c, _ in C14_SIGNALS]
        vshares = vmarket = None
        if "visit_aggregates" in files:
            vshares = H.read_user_file(files["visit_aggregates"], "visit_aggregates")
        elif "visits" in files:
            try:
                mem = H.prepare_members(loader.vault.read_table(H.MEMBERS_FILE)[0])
            except DataError as exc:
                out["missing"]["C14"] = f"{H.MEMBERS_FILE} ({exc})"
            else:
                vshares = H.visit_membership_shares(H.read_user_file(files["visits"], "visits"), mem, freq="YE")
        if vshares is not None:
            vmarket = benchmark("C14", vshares, cols14)
        if vshares is not None and vmarket is not None:
            out["C14"] = self._analyse(vshares, vmarket, style, "C14", C14_SIGNALS, range(0, 4), "visits")
        return out

    @staticmethod
    def _analyse(shares: pd.DataFrame, market: pd.DataFrame, style: pd.Series, claim: str,
                 cols: tuple[tuple[str, int], ...], leads: range, kind: str) -> dict[tuple[str, str], H.LeadAnalysis]:
        """Lead analyses by (variant, signal); the first key is the headline (active weight, published).

        Variants: the active weight dated when it becomes public (headline); the raw share (no
        market benchmark) and the active weight at its report date (look-ahead of the
        publication lag) as comparisons; the headline from the CSI 1000 launch (back-history
        left out).
        """
        names = [c for c, _ in cols]
        active = H.active_weights(shares, market, names).set_axis(names, axis=1)
        published = H.to_publication_dates(active, kind)
        launch = launch_of(Proxy("CSI 1000", INDEX[HEADLINE["small"]], INDEX[HEADLINE["large"]]))
        variants = {
            VARIANTS[0]: published,
            VARIANTS[1]: H.to_publication_dates(shares[names], kind),
            VARIANTS[2]: active,
            VARIANTS[3]: published[published.index >= launch],
        }
        res: dict[tuple[str, str], H.LeadAnalysis] = {}
        for variant, frame in variants.items():
            s = style.reindex(frame.index, method="ffill")
            for col, sign in cols:
                try:
                    res[(variant, col)] = H.lead_analysis(
                        frame[col].rename(col), s.rename("log large/small"), leads=leads,
                        claimed_lead=CLAIMED_LEAD[claim], sign=sign, n_boot=999, seed=0)
                except ValueError:
                    if variant == VARIANTS[0]:
                        raise
        return res

    # -- numbers ------------------------------------------------------------------------------
    @staticmethod
    def _numbers(leads, cycles, power, mde, ladder, grid13, gridcyc, user) -> dict:
        n: dict = {}
        head = f"{HEADLINE['large']} / {HEADLINE['small']}"
        for claim in ("C12", "C14"):
            sub = leads[(leads["claim"] == claim) & leads["lead_months"].notna()]
            n[f"{claim}_n_article_tps"] = len(sub)
            n[f"{claim}_lead_median_months"] = float(sub["lead_months"].median()) if len(sub) else float("nan")
            n[f"{claim}_lead_min_months"] = float(sub["lead_months"].min()) if len(sub) else float("nan")
            n[f"{claim}_lead_max_months"] = float(sub["lead_months"].max()) if len(sub) else float("nan")
            n[f"{claim}_lead_median_years"] = n[f"{claim}_lead_median_months"] / 12
            n[f"{claim}_n_style_tps_matched"] = int(sub["style_date"].nunique())
            key = "2010-23H1" if claim == "C12" else "2013-24"
            row = next(r for r in cycles.index if r.startswith(head) and "launch" not in r)
            n[f"{claim}_style_tps"] = int(cycles.loc[row, f"TPs {key}"])
            n[f"{claim}_style_cycles"] = int(cycles.loc[row, f"Cycles {key}"])
            n[f"{claim}_style_cycles_live"] = int(cycles.loc[f"{head} from launch", f"Cycles {key}"])
            T = POWER_T[claim]
            for lead in POWER_LEADS[claim]:
                g = power[(power["claim"] == claim) & (power["lead"] == lead)].set_index("rho")
                for rho in (0.3, 0.5, 0.7):
                    n[f"{claim}_power_T{T}_lead{lead}_r{int(rho * 10):02d}"] = float(g.loc[rho, "granger"])
                n[f"{claim}_size_T{T}_lead{lead}"] = float(g.loc[0.0, "granger"])
                n[f"{claim}_mde80_T{T}_lead{lead}"] = mde[(claim, lead)]
                n[f"{claim}_leadhit_T{T}_lead{lead}_r05"] = float(g.loc[0.5, "lead_hit"])
        for _, r in leads.iterrows():
            if not math.isnan(r["lead_months"]):
                tag = ("top50" if "top-50" in r["series"] else "gt500" if "500" in r["series"]
                       else "csi300" if "CSI 300" in r["series"] else "csi2000")
                n[f"{r['claim']}_lead_{tag}_{r['type']}_{r['article'].replace('-', '')}"] = float(r["lead_months"])
        for _, r in leads.iterrows():  # the article's values (labelled) beside the market's share, percent
            if r["claim"] == "C12":
                tag = "top50" if "top-50" in r["series"] else "gt500"
                when = r["article"].replace("-", "")
                n[f"C12_article_{tag}_{when}"] = float(r["value"])
                n[f"C12_market_{tag}_{when}"] = float(r["market_share"])
        n["C12_power_reps"] = POWER_REPS
        n["C13_rho_mean"] = ladder.mean_rho
        n["C13_p"] = ladder.pvalue
        n["C13_n_episodes"] = ladder.n_episodes
        n["C13_share_positive"] = ladder.share_positive
        g13 = grid13.ok()
        n["C13_grid_specs"] = len(grid13.specs)
        n["C13_grid_estimated"] = len(g13)
        n["C13_grid_share_p05"] = float(((g13["pvalue"] < ALPHA) & (g13["estimate"] > 0)).mean()) if len(g13) else 0.0
        n["C13_grid_median_rho"] = float(g13["estimate"].median()) if len(g13) else float("nan")
        if len(g13):  # position of the headline in the sorted curve (1 = lowest estimate)
            n["C13_headline_rank"] = int((g13["estimate"] < ladder.mean_rho - 1e-12).sum()) + 1
        gc = gridcyc.ok()
        n["C12_grid_specs"] = len(gridcyc.specs)
        n["C12_grid_lead_median_months"] = float(gc["estimate"].median()) if len(gc) else float("nan")
        n["C12_grid_lead_min_months"] = float(gc["estimate"].min()) if len(gc) else float("nan")
        n["C12_grid_lead_max_months"] = float(gc["estimate"].max()) if len(gc) else float("nan")
        n["C12_grid_share_lead_ge6"] = float((gc["estimate"] >= 6).mean()) if len(gc) else float("nan")
        c14 = gc["x_c14_lead"].dropna() if "x_c14_lead" in gc else pd.Series(dtype=float)
        n["C14_grid_lead_median_months"] = float(c14.median()) if len(c14) else float("nan")
        n["C14_grid_lead_min_months"] = float(c14.min()) if len(c14) else float("nan")
        n["C14_grid_lead_max_months"] = float(c14.max()) if len(c14) else float("nan")
        for claim in ("C12", "C14"):
            res = user.get(claim)
            n[f"{claim}_user_data"] = bool(res)
            if res:
                for (variant, col), la in res.items():
                    tag = {VARIANTS[0]: "", VARIANTS[1]: "_raw", VARIANTS[2]: "_nolag", VARIANTS[3]: "_live"}[variant]
                    n[f"{claim}_{col}{tag}_boot_p"] = la.boot_p
                    n[f"{claim}_{col}{tag}_best_lead"] = la.best_lead
                    n[f"{claim}_{col}{tag}_lead_p"] = la.lead_p
                    n[f"{claim}_{col}{tag}_lead_mass"] = la.lead_mass
        n["C12_report_lag_semiannual"] = H.REPORT_LAG_MONTHS[6]
        n["C12_report_lag_annual"] = H.REPORT_LAG_MONTHS[12]
        n["C14_visit_lag"] = H.VISIT_LAG_MONTHS
        n["C12_lead_tolerance"] = H.LEAD_TOLERANCE
        n = {k: v for k, v in n.items() if not (isinstance(v, float) and math.isnan(v))}  # none quoted as "None"
        return {k: _tidy(v) if "lead" in k and "power" not in k and "hit" not in k else v for k, v in n.items()}

    # -- parts ---------------------------------------------------------------------------------
    @staticmethod
    def _parts_c12_c14(claim, leads, power, mde, n, user) -> list[PartResult]:
        T, k, per = POWER_T[claim], CLAIMED_LEAD[claim], PERIOD_MONTHS[claim]
        unit = "half-years" if claim == "C12" else "years"
        lead_part = "lead_one_year" if claim == "C12" else "lead_two_years"
        proxy = f"{HEADLINE['large']} / {HEADLINE['small']}"
        sub = leads[(leads["claim"] == claim) & leads["lead_months"].notna()]
        g = power[(power["claim"] == claim) & (power["lead"] == k)].set_index("rho")
        mde_k = mde[(claim, k)]
        mde_txt = (f"80% power needs rho ≥ {mde_k:.2f}" if not math.isnan(mde_k)
                   else f"80% power is not reached for rho ≤ {max(POWER_RHOS):.1f}")
        lo, hi = n.get(f"{claim}_grid_lead_min_months", math.nan), n.get(f"{claim}_grid_lead_max_months", math.nan)
        grid_txt = (f"across the {n['C12_grid_specs']} style-cycle specifications the median implied lead runs from "
                    f"{lo:+.0f} to {hi:+.0f} months")
        power_txt = (f"with T = {T} {unit}, a Granger F test at lead {k} rejects at 5% with probability "
                     f"{g.loc[0.5, 'granger']:.2f} for rho = 0.5 and {g.loc[0.3, 'granger']:.2f} for rho = 0.3; "
                     f"{mde_txt}")
        n_styles = int(sub["style_date"].nunique())
        lead_txt = (f"the article's {len(sub)} turning points imply leads of {sub['lead_months'].median():+.0f} months "
                    f"(median; range {sub['lead_months'].min():+.0f} to {sub['lead_months'].max():+.0f}) against the "
                    f"claimed {k * per:+d}, resting on {n_styles} style turning point(s)"
                    if len(sub) else "no article turning point matched a style turning point")
        detail = f"{lead_txt}; {grid_txt}; {power_txt}"
        test = "bootstrap Granger; lead–lag correlation confidence set; Monte Carlo power"
        res = user.get(claim)
        if not res:
            needs = (f"{H.needs_text('holdings')} (or {H.needs_text('aggregates')})" if claim == "C12"
                     else f"{H.needs_text('visits')} (or {H.needs_text('visit_aggregates')})")
            if claim in user.get("missing", {}):
                needs += f"; and {user['missing'][claim]}"
            implied = float(sub["lead_months"].median()) if len(sub) else None
            return [PartResult(claim, "granger", missing=needs, proxy=proxy, test=test, detail=detail),
                    PartResult(claim, lead_part, estimate=None if implied is None else implied / per, missing=needs,
                               proxy=proxy, test="implied lead from the article's turning points (evidence only)",
                               detail=detail)]
        (variant, first_col), first = next(iter(res.items()))
        cs = [int(x) for x in first.confidence_set]
        signal = f"active {first_col} (share minus the bucket's market-cap share, dated at its publication)"
        return [
            PartResult(claim, "granger", estimate=float(first.best_corr),
                       pvalue=float(first.boot_p), proxy=proxy, test=test,
                       detail=f"user data ({', '.join(user['files'])}), {signal}: bootstrap Granger p "
                              f"{first.boot_p:.3f}, TY p {first.ty_p:.3f}; {detail}"),
            PartResult(claim, lead_part, estimate=float(first.best_lead), pvalue=float(first.lead_p), proxy=proxy,
                       test="intersection–union test: bootstrap Granger rejects no causality and the bootstrap best "
                            f"lead lies within {H.LEAD_TOLERANCE} period(s) of the claimed lead (never 0)",
                       detail=f"{signal}: best lead {first.best_lead} (corr {first.best_corr:+.2f}); share of bootstrap "
                              f"best leads near the claimed {k}: {first.lead_mass:.2f}; bootstrap Granger p "
                              f"{first.boot_p:.3f}; 90% set {cs}"),
        ]

    @staticmethod
    def _parts_c13(ladder: H.LadderResult) -> list[PartResult]:
        needs = "fund holdings by stock (fund_holdings_by_stock.csv) for holdings by cap bucket"
        proxy = "SSE 50 → CSI 300 → CSI 500 → CSI 1000 → CSI 2000 → micro-cap (relative strength vs CSI All Share)"
        return [
            PartResult("C13", "price_ladder", estimate=float(ladder.mean_rho), pvalue=float(ladder.pvalue),
                       se=float(ladder.null_sd) if ladder.null_sd == ladder.null_sd else None,
                       n=int(ladder.n_episodes), proxy=proxy,
                       test="Spearman rho of size order vs BBQ peak dates per episode; permutation p-value",
                       detail=f"{ladder.n_episodes} episodes anchored on SSE 50 relative-strength peaks, mean rho "
                              f"{ladder.mean_rho:+.2f}, share of episodes with rho > 0 {ladder.share_positive:.2f}"),
            PartResult("C13", "holdings_ladder", missing=needs),
        ]

    # -- tables and figures -------------------------------------------------------------------
    @staticmethod
    def _tables(leads, cycles, power, mde, ladder, grid13, gridcyc, grid14, user, ladder_launch) -> list[Table]:
        tp = leads.assign(style_date=leads["style_date"].map(lambda d: "" if pd.isna(d) else d.strftime("%Y-%m")))
        tp = tp[["claim", "series", "type", "article", "value", "market_share", "style_type", "style_date",
                 "lead_months", "market_tp_lead"]].rename(columns={
                     "claim": "Claim", "series": "Series (article)", "type": "Type", "article": "When (article)",
                     "value": "Article %", "market_share": "Market-cap %", "style_type": "Style TP",
                     "style_date": "Style date", "lead_months": "Lead (m)", "market_tp_lead": "vs market TP (m)"})
        pw = power.pivot_table(index=["claim", "T", "lead"], columns="rho", values="granger")
        pw.columns = [f"rho={c:.1f}" for c in pw.columns]
        pw["MDE 80%"] = [mde[(c, k)] for c, _, k in pw.index]
        hit = power[power["rho"] == 0.5].set_index(["claim", "T", "lead"])["lead_hit"]
        pw["Lead hit rho=0.5"] = hit
        pw.index = [f"{c}: T={t}, lead {k}" for c, t, k in pw.index]
        ep = ladder.episodes.copy()
        for c in ep.columns:
            if pd.api.types.is_datetime64_any_dtype(ep[c]):
                ep[c] = ep[c].map(lambda d: "" if pd.isna(d) else d.strftime("%Y-%m"))
        ep = ep.set_index("episode")
        ep = ep[[c for c in ["rungs", "rho", *LADDER] if c in ep.columns]].rename(columns={"rungs": "Rungs",
                                                                                             "rho": "rho"})
        s13 = _grid_summary(grid13, "rho", {
            "Share rho>0": lambda d: float((d["estimate"] > 0).mean()),
            "Share p<0.05": lambda d: float(((d["pvalue"] < ALPHA) & (d["estimate"] > 0)).mean()),
            "Median p": lambda d: float(d["pvalue"].median())})
        live, live_start_, live_excl = ladder_launch
        s13.index = [f"{i} {BACK_CALCULATED_MARK}" if i == "All specifications" else i for i in s13.index]
        s13.loc[f"Headline from launch ({live_start_[:7]}, without {', '.join(live_excl)})"] = {
            "Specs": 1, "Estimated": int(live.n_episodes > 0), "Median rho": live.mean_rho,
            "Share rho>0": float(live.mean_rho > 0) if live.n_episodes else np.nan,
            "Share p<0.05": float(live.pvalue < ALPHA and live.mean_rho > 0) if live.n_episodes else np.nan,
            "Median p": live.pvalue}
        s12 = _grid_summary(gridcyc, "lead C12 (m)", {
            "Min": lambda d: float(d["estimate"].min()), "Max": lambda d: float(d["estimate"].max()),
            "Median lead C14 (m)": lambda d: float(d["x_c14_lead"].median()),
            "Median matched": lambda d: float(d["nobs"].median())})
        tables = [
            Table(name="c12_c14_turning_points",
                  caption="The articles' fund-holding and visit-share turning points against the style cycle",
                  frame=tp.set_index("Claim"),
                  sample="monthly style cycle 2010-01 to 2023-06 (C12) and 2013-01 to 2024-12 (C14); article turning points as published",
                  notes=["Article % and the dates are the article's numbers (CLAIMS.md), not data. Year-only dates "
                         "are placed mid-year (± 6 months). Style TP: the log(CSI 300/CSI 1000) turning point the "
                         "article's turning point should precede (monthly BBQ, window 6, phase 6, cycle 15); the "
                         f"nearest of that type within ±{MATCH_WINDOW_MONTHS} months. Lead = style date − article "
                         "date (months; positive = holdings or visits first; claimed: +12 for C12, +24 for C14). "
                         "Market-cap %: share of total A-share market cap in the same rank bucket on that date "
                         "(vault concentration file; the neutral benchmark). vs market TP: months from the article's "
                         "turning point to the nearest same-type turning point of that market-cap share (quarterly "
                         "BBQ). Sample-end values are not turning points."],
                  digits={"Article %": 2, "Market-cap %": 1, "Lead (m)": 0, "vs market TP (m)": 0}),
            Table(name="c12_style_cycle", caption="Style-cycle turning points by proxy (monthly BBQ, rule A)",
                  frame=cycles, digits=0,
                  sample="monthly closes from 2005; cycles counted inside 2010-01 to 2023-06 (C12) and 2013-01 to 2024-12 (C14)",
                  notes=["log(large/small) monthly; BBQ window 6, minimum phase 6, minimum cycle 15 months. "
                         "Complete cycles: peak-to-peak or trough-to-trough intervals inside the window "
                         "(2010-01 to 2023-06 for C12; 2013-01 to 2024-12 for C14). 'from launch': the headline "
                         "ratio from the CSI 1000 launch (launch-date robustness; the C12 window then starts there).",
                         BACK_CALCULATED_NOTE]),
            Table(name="c12_c14_power",
                  caption="Power of a Granger test of the claimed lead at the articles' frequencies",
                  frame=pw, digits=2,
                  sample=f"Monte Carlo, {POWER_REPS} replications per cell; T = 27 half-years (C12) and 13 years (C14)",
                  notes=[f"Rejection rate at 5% of the Granger F (lags = true lead) in {POWER_REPS} replications: "
                         "the signal is AR(1) with coefficient 0.5 and the style change equals rho times the signal "
                         "lead periods earlier plus independent noise, so rho is their correlation (rho = 0: size). "
                         "MDE 80%: smallest rho with 80% power (interpolated). "
                         "Lead hit: share of samples whose best lead-lag correlation (leads 0-4) is the true lead. "
                         "Full Monte Carlo: benchmarks/leadlag_power.py."]),
            Table(name="c13_ladder", caption="Do relative-strength peaks walk down the size ladder?",
                  frame=ep, digits={"Rungs": 0, "rho": 2}, index_label="Anchor (SSE 50 peak)",
                  sample="monthly relative strength from 2005 to the last common month; Rungs gives each episode's size",
                  notes=[f"Episodes: each BBQ peak of SSE 50 relative strength (log SSE 50 / CSI All Share, monthly, "
                         f"rule A, from 2005); for every other rung its first peak from {LADDER_SLACK_MONTHS} months "
                         f"before to {LADDER_HORIZON_MONTHS} months after. rho: Spearman correlation of size order "
                         f"with peak date (anchor excluded; >= 3 rungs). Mean rho = {ladder.mean_rho:+.2f}, one-sided "
                         f"permutation p = {ladder.pvalue:.3f} ({N_PERM} draws)."]),
            Table(name="c13_robustness", caption="C13 ladder test across the specification grid", frame=s13,
                  digits={"Specs": 0, "Estimated": 0, "Median rho": 2, "Share rho>0": 2, "Share p<0.05": 2,
                          "Median p": 3},
                  notes=["Grid: frequency (M, W; weekly lengths = months × 52/12), base of relative strength "
                         "(CSI All Share, CSI 300, SSE 50; the base rung leaves the ladder, the next largest "
                         "anchors), BBQ rule (A 6/6/15, B 4/4/12, C 8/6/16 months), sample start (2005, 2010). "
                         "Every grid sample uses back-calculated CSI 1000, CSI 2000 and micro-cap history. Last row: "
                         "the headline specification on published history only (from the latest launch of the rungs "
                         "kept; CSI 2000, launched 2023-08, leaves no episode and is dropped).", BACK_CALCULATED_NOTE]),
            Table(name="c12_lead_robustness",
                  caption="Implied leads of the article's turning points across style-cycle specifications",
                  frame=s12, digits={"Specs": 0, "Estimated": 0, "Median lead C12 (m)": 1, "Min": 1, "Max": 1,
                                     "Median lead C14 (m)": 1, "Median matched": 1},
                  notes=["Grid: frequency (M, W), large side (CSI 300, SSE 50), small side (CSI 1000, CSI 500, "
                         "CSI 2000, micro-cap), BBQ rule (A, B, C). Estimate: median implied lead (months) of the "
                         "article's C12 turning points; C14 likewise. Matched: article turning points with a style "
                         "turning point of the corresponding type within ±36 months."]),
        ]
        rows = []
        for claim in ("C12", "C14"):
            for (variant, col), la in (user.get(claim) or {}).items():
                label = f"{claim}: {col}, {variant}"
                if variant != VARIANTS[3]:
                    label += f" {BACK_CALCULATED_MARK}"  # samples from 2010 (C12) / 2013 (C14) use CSI 1000 back-history
                rows.append({"": label, "N": la.nobs, "Granger p": la.granger_p, "TY p": la.ty_p,
                             "Bootstrap p": la.boot_p, "Best lead": la.best_lead, "Corr": la.best_corr,
                             "90% set": ", ".join(map(str, la.confidence_set)), "Near claim": la.lead_mass,
                             "Lead p": la.lead_p})
        if rows:
            tables.append(Table(name="c12_c14_leadlag", caption="Lead analysis on the user's holdings / visit data",
                                frame=pd.DataFrame(rows).set_index(""),
                                digits={"N": 0, "Granger p": 3, "TY p": 3, "Bootstrap p": 3, "Best lead": 0,
                                        "Corr": 2, "Near claim": 2, "Lead p": 3},
                                notes=["Signal (headline 'active, published'): the fund (visit) share of a bucket minus "
                                       "the bucket's share of total market cap (vault concentration file), dated at the "
                                       f"month end its report must be public: {H.REPORT_LAG_MONTHS[6]} months after a "
                                       f"30 June report, {H.REPORT_LAG_MONTHS[12]} after a 31 December one (CSRC "
                                       f"disclosure deadlines); visits {H.VISIT_LAG_MONTHS} month after the year end. "
                                       "Comparisons: the raw share, and the active weight at its report date (uses "
                                       "information before it is public). Style: log(CSI 300/CSI 1000) at the signal's "
                                       "dates. Granger F and residual bootstrap (999 draws) on differences, "
                                       "Toda–Yamamoto on levels (dmax 1), lags = claimed lead; lead-lag correlations of "
                                       "differences, 90% confidence set of the best lead by stationary block bootstrap. "
                                       f"Near claim: bootstrap share of best leads within {H.LEAD_TOLERANCE} period of "
                                       "the claimed lead (lead 0 excluded). Lead p: the larger of the bootstrap Granger p "
                                       "and the bootstrap p of a best lead away from the claim (intersection–union "
                                       "test; the verdict's lead part).", BACK_CALCULATED_NOTE]))
        return tables

    @staticmethod
    def _figures(loader, head_tp, conc, power) -> list[Figure]:
        ratio = head_tp.series[head_tp.series.index >= pd.Timestamp("2008-01-01")]
        top50 = conc["top50"][conc["top50"].index >= pd.Timestamp("2008-01-01")]
        data = pd.concat({"log(CSI 300 / CSI 1000)": ratio, "Top-50 share of market cap": top50}, axis=1)
        marks = []
        for _, row in head_tp.turning_points.iterrows():
            if row["date"] >= ratio.index[0]:
                marks.append((row["date"].strftime("%Y-%m-%d"), float(ratio.asof(row["date"])),
                              "P" if row["type"] == "peak" else "T"))
        short = {"Fund share, top-50": "F50", "Fund share, rank > 500": "F>500", "Visit share, CSI 300": "V300",
                 "Visit share, CSI 2000 + others": "V2000"}
        labels: dict[str, list[str]] = {}
        for a in ARTICLE_TPS:
            if a.kind != "sample end":
                labels.setdefault(a.when, []).append(f"{short[a.series]} {'P' if a.kind == 'peak' else 'T'}")
        vlines = sorted(labels)
        top = float(ratio.max())
        for i, when in enumerate(vlines):  # article marks along the top, staggered
            marks.append((when, top - 0.05 - 0.1 * (i % 2), " / ".join(labels[when])))
        pw = power.copy()
        pw["curve"] = [f"{c}: T={t}, lead {k}" for c, t, k in zip(pw["claim"], pw["T"], pw["lead"], strict=True)]
        curves = pw.pivot_table(index="rho", columns="curve", values="granger")
        curves.index.name = "rho"
        return [
            Figure(name="c12_style_cycle", title="Style cycle, its turning points and the articles' turning points",
                   data=data, ylabel="log(CSI 300 / CSI 1000)", secondary=["Top-50 share of market cap"],
                   vlines=vlines, marks=marks),
            Figure(name="c12_c14_power", title="Power of a Granger test at the articles' sample sizes",
                   data=curves, ylabel="rejection rate at 5%", hlines=[0.05, POWER_TARGET]),
        ]


STUDY = LeadLagHoldings()
