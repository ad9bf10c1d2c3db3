"""C4 — is the small-vs-large excess return driven by valuation or by earnings? (Seed 002)

Claim (财信证券, Apr 2024): split the Shenwan small-cap minus Shenwan large-cap return of each
year 2001–2024 into a valuation (P/E change) part and an earnings (EPS growth) part;
valuation dominates in 14 of the 24 years.

Data (what public P/E allows, declared): Shenwan large 801811 has no public P/E and Shenwan
small 801813 has P/E only 2000-01 → 2016-08; the large-cap P/E series in the vault (SSE 50,
CSI 300, CSI-published TTM) start 2011-06-28. So the article's own pair and its 2001–2024
span cannot be rebuilt. We decompose every pair for which both legs have a P/E:

* Shenwan small vs CSI 300 and vs SSE 50: 2011 (from 28 June) → 2016 (to 1 August);
* CSI 500 vs CSI 300: 2011 (from 28 June) → latest — the **headline**, declared in advance
  because it is the longest pair (14 periods inside the article's window 2001–2024);
* CSI 1000 vs CSI 300: 2021-11-30 → 2024-11-28; CSI 2000 vs CSI 300: 2023-06-13 → 2024-11-28
  (CSI 2000 launched 2023-08-11: its first months are back-calculated history, marked, with a
  row from the launch). The Shenwan indices are not in ``studies.common.LAUNCHED`` (no public
  launch date; the vault has them from their 1999-12-30 base); the headline pair starts after
  CSI 500's 2007 launch, so it uses no back-history.

Years counted: the calendar years complete before the article's publication (April 2024), i.e.
2001–2023 (COUNTED_YEARS). The article's 2024 was a partial year (its data end 2024-03-31); it is
shown in a separate table, to that date and as the full calendar year, and never counted.

How: ``econ.models.attribution.decompose_relative_return`` per calendar year, exact in logs,
``r_s − r_l = Δlog(PE_s/PE_l) + Δlog(EPS_s/EPS_l) + (div_s − div_l) + residual`` with EPS
implied as P/PE (the residual is then zero to rounding; in simple returns it holds the
valuation × earnings cross term). The dividend part uses the CSI total-return indices
H00905/H00852/H00300 where they exist (CSI 500, CSI 1000, CSI 300); Shenwan small, SSE 50 and
CSI 2000 have no public total-return index, so those pairs are price-only. Valuation
*dominates* a year when ``|valuation| > |earnings|`` (one definition everywhere; a tie is not
valuation-dominant). Periods shorter than MIN_PERIOD_DAYS (a partial first or last year of the
data) are shown but not counted.

The rule for "most years" is one-sided: H0 share of valuation-dominant years ≤ 1/2 against
> 1/2, the exact binomial test (``p_greater``); its Romano–Wolf p over the grid is one-sided too
(``declared.grid_run(..., one_sided=True)``). Besides the count we give the
variance shares ``cov(part, r)/var(r)`` of the parts across years (they sum to one).

Caveats stated in the tables: index P/E moves with constituent changes (a small-cap index that
drops its winners at each review books that as valuation); CSI P/E is TTM, the Shenwan P/E
definition is not stated by the source.

Robustness grid (``econ.robust``): pair × period anchor × returns × parts × years (below). Each
spec reports share − 1/2 with the exact two-sided binomial p (the grid machinery's convention:
its joint test halves it in the claimed direction), the Clopper–Pearson interval and,
as its standard error, the binomial one under share = 1/2, ``0.5/sqrt(n)`` (so est/se is the
binomial score statistic, finite when every year goes one way). **Null of the joint test**
(Simonsohn–Simmons–Nelson) and of the Romano–Wolf p-values: valuation and earnings parts are
exchangeable, so neither dominates. Draw k flips, for each calendar year independently with
probability 1/2, which part is called "valuation" (``null.rng(k)``, one coin per year keyed by
the year, so every spec of draw k flips the same years), and recomputes the share and its
binomial p; NULL_DRAWS draws. Under it each spec's count is Binomial(n, 1/2) (the null share is
centred on 1/2) while the specs stay dependent through their common years.

Parts (declared in ``studies/claims.toml``): *valuation dominates* — the headline pair's
share of valuation-dominant years minus one-half (its grid's one-sided Romano–Wolf p enters
the verdict); *the article's share* — the article's own count, 14 of 24 years for Shenwan small
vs Shenwan large 2001–2024, is untestable: that pair needs Shenwan large P/E, which is not
public, and a 95% interval around a share of another pair over 13 years would "reproduce"
almost any count (our share, its interval and the exact test of 14/24 are still shown). The
verdict engine decides.
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
import weakref
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.models.attribution import AttributionResult, decompose_relative_return
from econ.policy import ALPHA
from econ.robust import Grid, NullDraws, Spec, SpecEstimate, run_grid
from econ.robust.executor import underlying_loader
from econ.study import Figure, PartResult, Study, StudyResult, Table
from studies import declared
from studies.common import (
    BACK_CALCULATED_MARK,
    BACK_CALCULATED_NOTE,
    Proxy,
    back_calculated,
    launch_of,
)


@dataclasses.dataclass(frozen=True)
class Pair:
    """A small-vs-large pair with P/E on both legs (and total-return indices when public)."""

    label: str
    price_small: str
    price_large: str
    pe_small: str
    pe_large: str
    tr_small: str | None = None
    tr_large: str | None = None

    @property
    def has_tr(self) -> bool:
        return self.tr_small is not None and self.tr_large is not None


_C300 = ("cn.index.csi300.close", "cn.valuation.csi300.pe", "cn.index_tr.csi300.close")
PAIRS: tuple[Pair, ...] = (
    Pair("SW small vs CSI 300", "cn.index.sw_small.close", _C300[0], "cn.index.sw_small_hist.pe", _C300[1]),
    Pair("SW small vs SSE 50", "cn.index.sw_small.close", "cn.index.sse50.close", "cn.index.sw_small_hist.pe",
         "cn.valuation.sse50.pe"),
    Pair("CSI 500 vs CSI 300", "cn.index.csi500.close", _C300[0], "cn.valuation.csi500.pe", _C300[1],
         "cn.index_tr.csi500.close", _C300[2]),
    Pair("CSI 1000 vs CSI 300", "cn.index.csi1000.close", _C300[0], "cn.valuation.csi1000.pe", _C300[1],
         "cn.index_tr.csi1000.close", _C300[2]),
    Pair("CSI 2000 vs CSI 300", "cn.index.csi2000.close", _C300[0], "cn.valuation.csi2000.pe", _C300[1]),
)
PAIR_BY_LABEL = {p.label: p for p in PAIRS}
HEADLINE = "CSI 500 vs CSI 300"

ARTICLE_VALUATION_YEARS = 14
ARTICLE_YEARS = 24
ARTICLE_SHARE = declared.part("C4.article_share").value
ARTICLE_WINDOW = (2001, 2024)   # the article's span (its 2024 ends with its data, 2024-03-31)
COUNTED_YEARS = (2001, 2023)    # years complete before the article's publication (April 2024)
ARTICLE_DATA_END = "2024-03-31"  # the article's own data end (its micro-cap returns run "至 20240331")
PARTIAL_YEAR = 2024
MIN_PERIOD_DAYS = 85  # a counted period spans ≥ ~3 months (the article's own 2024 is Jan–Mar/Apr)
FULL_YEAR_DAYS = 330  # "full years only": ≥ 11 months
MIN_PERIODS_SPEC = 2
NULL_DRAWS = 199               # joint test / Romano–Wolf of the grid
NULL_SEED = 20240415
NULL_YEARS = (1990, 2100)      # calendar years a null draw flips a coin for (one coin per year)

YEARS = {  # grid choice -> (first year, last year, minimum days)
    "to 2023": (COUNTED_YEARS[0], COUNTED_YEARS[1], MIN_PERIOD_DAYS),
    "full years to 2023": (COUNTED_YEARS[0], COUNTED_YEARS[1], FULL_YEAR_DAYS),
    "all years": (COUNTED_YEARS[0], 9999, MIN_PERIOD_DAYS),
}
COUNTED = "to 2023"  # the headline's years

GRID = Grid(
    {"pair": [p.label for p in PAIRS], "anchor": ["prior_end", "within"], "returns": ["total", "price"],
     "kind": ["log", "simple"], "years": list(YEARS)},
    exclude=[lambda s: "no public total-return index for this pair"
             if s["returns"] == "total" and not PAIR_BY_LABEL[s["pair"]].has_tr else None],
)
HEADLINE_SPEC = declared.headline("C4.valuation_dominates")


# ----------------------------------------------------------------------------- estimates
def attribution(loader: DataLoader, pair: Pair, *, anchor: str = "prior_end", returns: str = "total",
                kind: str = "log", start: str | pd.Timestamp | None = None,
                end: str | pd.Timestamp | None = None) -> AttributionResult:
    """Yearly decomposition of ``pair``'s relative return (total-return based only if asked and public).

    ``start``/``end`` cut every series first (a launch-date sample; a year cut at a given date).
    """
    def s(sid: str) -> pd.Series:
        return loader.series(sid).loc[start:end]

    tr = {}
    if returns == "total":
        if not pair.has_tr:
            raise ValueError(f"{pair.label}: no public total-return index")
        tr = {"tr_small": s(pair.tr_small), "tr_large": s(pair.tr_large)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # non-positive P/E periods are listed in result.excluded
        return decompose_relative_return(s(pair.price_small), s(pair.price_large), s(pair.pe_small),
                                         s(pair.pe_large), **tr, freq="YE", anchor=anchor, kind=kind)


_RESULTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # loader -> {(pair, anchor, returns, kind): result}


def full_attribution(loader: DataLoader, pair: Pair, *, anchor: str = "prior_end", returns: str = "total",
                     kind: str = "log") -> AttributionResult:
    """:func:`attribution` on the whole history, once per loader (its table is never modified).

    The grid's ``years`` dimension only selects periods of the same decomposition, and the
    study's own tables use the grid's headline cells.
    """
    cache = _RESULTS.setdefault(underlying_loader(loader), {})  # the run's and the grid's proxies share it
    key = (pair.label, anchor, returns, kind)
    if key not in cache:
        cache[key] = attribution(loader, pair, anchor=anchor, returns=returns, kind=kind)
    else:  # read the inputs through ``loader`` all the same, so its proxy records them
        ids = [pair.price_small, pair.price_large, pair.pe_small, pair.pe_large]
        for sid in ids + ([pair.tr_small, pair.tr_large] if returns == "total" else []):
            loader.fetch(sid)
    return cache[key]


def counted(table: pd.DataFrame, years: str = COUNTED) -> pd.DataFrame:
    """The periods a count uses: inside the ``years`` window and long enough (see ``YEARS``)."""
    first, last, min_days = YEARS[years]
    year = np.array([p.year for p in table.index])
    days = (pd.to_datetime(table["end"]) - pd.to_datetime(table["start"])).dt.days.to_numpy()
    return table[(year >= first) & (year <= last) & (days >= min_days)]


def dominance(table: pd.DataFrame) -> dict[str, float]:
    """Count of valuation-dominant periods, binomial inference and variance shares of the parts.

    Returns ``n``, ``n_valuation``, ``share``, ``p_greater`` (exact binomial, H0 share ≤ 1/2: the
    rule for "most years"), ``p_two`` (two-sided, share = 1/2), ``ci_low``/``ci_high``
    (Clopper–Pearson 95%), ``p_vs_article`` (two-sided exact binomial test of share = 14/24) and
    ``var_valuation``,
    ``var_earnings``, ``var_dividend``, ``var_residual`` (``cov(part, r)/var(r)``; NaN when
    fewer than three periods).
    """
    n = len(table)
    k = int((table["dominant"] == "valuation").sum())
    out: dict[str, float] = {"n": n, "n_valuation": k, "share": k / n if n else np.nan}
    if n:
        bt = stats.binomtest(k, n, 0.5, alternative="greater")
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
        out |= {"p_greater": bt.pvalue, "p_two": stats.binomtest(k, n, 0.5).pvalue, "ci_low": ci.low,
                "ci_high": ci.high, "p_vs_article": stats.binomtest(k, n, ARTICLE_SHARE).pvalue}
    rel = table["relative_return"].to_numpy(dtype=float)
    for part in ("valuation", "earnings", "dividend", "residual"):
        if n >= 3 and np.var(rel) > 0:
            out[f"var_{part}"] = float(np.cov(table[part].to_numpy(dtype=float), rel)[0, 1] / np.var(rel, ddof=1))
        else:
            out[f"var_{part}"] = np.nan
    return out


_LAST_TABLE: tuple = (None, "", None)  # (loader, spec key, counted table) of the last call: the null hook reuses it


def _spec_table(spec: Spec, loader: DataLoader) -> pd.DataFrame:
    global _LAST_TABLE
    last_loader, last_key, last = _LAST_TABLE  # one read: safe with threaded workers
    if last_loader is loader and last_key == spec.key:
        return last
    pair = PAIR_BY_LABEL[spec["pair"]]
    res = full_attribution(loader, pair, anchor=spec["anchor"], returns=spec["returns"], kind=spec["kind"])
    t = counted(res.table, spec["years"])
    _LAST_TABLE = (loader, spec.key, t)
    return t


def null_flips(rng: np.random.Generator) -> dict[int, bool]:
    """One null draw's coins: calendar year -> whether its valuation and earnings parts swap roles."""
    first, last = NULL_YEARS
    return dict(zip(range(first, last + 1), (rng.random(last - first + 1) < 0.5).tolist(), strict=True))


@functools.lru_cache(maxsize=8)
def _draw_flips(n: int, seed: int) -> tuple[dict[int, bool], ...]:
    """``null_flips(NullDraws(n, seed).rng(k))`` for every draw ``k``: the same in every spec (read-only)."""
    null = NullDraws(n, seed)
    return tuple(null_flips(null.rng(k)) for k in null)


def null_counts(table: pd.DataFrame, flips: list[dict[int, bool]]) -> np.ndarray:
    """Valuation-dominant years of ``table`` in each null draw (its years' parts swapped where flipped)."""
    val, earn = np.abs(table["valuation"].to_numpy(dtype=float)), np.abs(table["earnings"].to_numpy(dtype=float))
    years = [p.year for p in table.index]
    swap = np.array([[f[y] for y in years] for f in flips], dtype=bool)   # (draws, years)
    return np.where(swap, earn > val, val > earn).sum(axis=1)


def _share_estimate(k: int, n: int, **kw) -> SpecEstimate:
    return SpecEstimate(estimate=k / n - 0.5, se=0.5 / np.sqrt(n), pvalue=float(stats.binomtest(k, n, 0.5).pvalue),
                        nobs=n, **kw)


def estimate(spec: Spec, loader: DataLoader, null: NullDraws | None = None) -> SpecEstimate | list[SpecEstimate]:
    """Grid estimate: share of valuation-dominant years minus one-half (two-sided binomial p).

    se = 0.5 / sqrt(n), the binomial standard error at share 1/2. With ``null``: the same after
    each draw's year-by-year coin flips of the two parts (module docstring), one per draw.
    """
    t = _spec_table(spec, loader)
    if len(t) < MIN_PERIODS_SPEC:
        return SpecEstimate.failed(f"only {len(t)} counted period(s)")
    n = len(t)
    if null is not None:
        counts = null_counts(t, list(_draw_flips(int(null.n), int(null.seed))))  # = null_flips(null.rng(k)), k in null
        memo = {k: _share_estimate(k, n) for k in set(counts.tolist())}
        return [dataclasses.replace(memo[k]) for k in counts.tolist()]
    d = dominance(t)
    return _share_estimate(int(d["n_valuation"]), n, ci_low=d["ci_low"] - 0.5, ci_high=d["ci_high"] - 0.5,
                           extra={"n_valuation": d["n_valuation"], "share": d["share"],
                                  "var_valuation": d["var_valuation"],
                                  "max_abs_residual": float(t["residual"].abs().max())})


# ----------------------------------------------------------------------------- study
def _available(loader: DataLoader) -> list[Pair]:
    out = []
    for p in PAIRS:
        try:
            for sid in (p.price_small, p.price_large, p.pe_small, p.pe_large, p.tr_small, p.tr_large):
                if sid is not None:
                    loader.fetch(sid)
        except DataError:
            continue
        out.append(p)
    return out


def _proxy(pair: Pair) -> Proxy:
    return Proxy(pair.label, pair.price_small, pair.price_large)


def _span(t: pd.DataFrame) -> str:
    if t.empty:
        return ""
    return f"{t['start'].min():%Y-%m-%d} → {t['end'].max():%Y-%m-%d}"


class Attribution(Study):
    name = "attribution"
    title = "Valuation vs earnings in the small-vs-large excess return"
    claims = ("C4",)
    parts = ("C4.valuation_dominates", "C4.article_share")
    series = tuple(sorted({sid for p in PAIRS for sid in (p.price_small, p.price_large, p.pe_small, p.pe_large,
                                                          p.tr_small, p.tr_large) if sid is not None}))

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        pairs = _available(loader)
        summary_rows, year_frames, results, partial_rows = [], [], {}, []
        for p in pairs:
            if progress:
                progress(f"C4 {p.label}")
            res = full_attribution(loader, p, returns="total" if p.has_tr else "price")
            simple = full_attribution(loader, p, returns="total" if p.has_tr else "price", kind="simple")
            t = res.table
            used = counted(t)
            d = dominance(used)
            results[p.label] = {"res": res, "counted": used, "dom": d, "all": dominance(counted(t, "all years"))}
            simple_used = counted(simple.table)
            mark = f" {BACK_CALCULATED_MARK}" if back_calculated(_proxy(p), t["start"].min()) else ""
            summary_rows.append(self._summary_row(
                p.label + mark, used, d, "total" if p.has_tr else "price",
                100 * float(simple_used["residual"].abs().max()) if len(simple_used) else np.nan))
            if mark:  # launch-date robustness row: the same count on the sample from the launch
                launch = launch_of(_proxy(p))
                live = counted(attribution(loader, p, returns="total" if p.has_tr else "price", start=launch).table)
                dl = dominance(live)
                results[p.label]["live"] = (launch, dl)
                summary_rows.append(self._summary_row(f"{p.label} from launch {launch:%Y-%m-%d}", live, dl,
                                                      "total" if p.has_tr else "price"))
            partial_rows += self._partial_year(loader, p)
            yt = t.copy()
            yt["days"] = (pd.to_datetime(yt["end"]) - pd.to_datetime(yt["start"])).dt.days
            yt["counted"] = yt.index.isin(used.index)
            yt.index = pd.MultiIndex.from_arrays([[p.label] * len(yt), [str(i) for i in yt.index]],
                                                 names=["pair", "year"])
            year_frames.append(yt)
        article_p = stats.binomtest(ARTICLE_VALUATION_YEARS, ARTICLE_YEARS, 0.5, alternative="greater").pvalue
        article_ci = stats.binomtest(ARTICLE_VALUATION_YEARS, ARTICLE_YEARS).proportion_ci(method="exact")
        summary_rows.append({"pair": "Article: SW small vs SW large",
                             "Years": f"{ARTICLE_WINDOW[0]}–{ARTICLE_WINDOW[1]} (to {ARTICLE_DATA_END[:7]})",
                             "N": ARTICLE_YEARS,
                             "Val.": ARTICLE_VALUATION_YEARS, "Share": ARTICLE_SHARE, "p": article_p,
                             "95% CI": f"{article_ci.low:.2f}–{article_ci.high:.2f}", "Var. val.": np.nan,
                             "Var. earn.": np.nan, "Var. div.": np.nan, "Resid. simple": np.nan, "Returns": ""})

        if progress:
            progress("C4 grid")
        grid = run_grid(estimate, GRID, loader=loader, null_draws=NULL_DRAWS, seed=NULL_SEED, name="C4 grid",
                        progress=progress)
        parts = self._parts(results)
        numbers = self._numbers(results, grid, article_p)

        summary = pd.DataFrame(summary_rows).set_index("pair")
        years = pd.concat(year_frames) if year_frames else pd.DataFrame()
        years_shown = pd.DataFrame({
            "End": pd.to_datetime(years["end"]).dt.strftime("%Y-%m-%d"), "Days": years["days"],
            "Relative": 100 * years["relative_return"], "Valuation": 100 * years["valuation"],
            "Earnings": 100 * years["earnings"], "Dividend": 100 * years["dividend"],
            "Residual": 100 * years["residual"], "Dominant": years["dominant"],
            "Counted": years["counted"]}, index=years.index)
        partial = pd.DataFrame(partial_rows).set_index(["pair", "period"]) if partial_rows else pd.DataFrame()
        for key, period in (("q1", f"to {ARTICLE_DATA_END}"), ("year", f"calendar {PARTIAL_YEAR}")):
            if (HEADLINE, period) in partial.index:
                numbers[f"C4_partial_{key}_dominant"] = str(partial.loc[(HEADLINE, period), "Dominant"])
        figures = self._figures(results)
        tables = [
            Table(name="c4_attribution",
                  caption="How often valuation dominates the yearly small-vs-large excess return, by pair",
                  frame=summary, index_label="Pair",
                  digits={"N": 0, "Val.": 0, "Share": 2, "p": 3, "Var. val.": 2, "Var. earn.": 2, "Var. div.": 2,
                          "Resid. simple": 1},
                  notes=["Calendar years, each from the last trading day of the previous year to the last of this "
                         "one (the first year from the first day with both P/E). Exact log decomposition "
                         "r_small − r_large = ΔlogPE ratio + ΔlogEPS ratio + dividends, EPS implied as price/PE, so "
                         "the log residual is zero (below 1e-12 in every pair). Years: counted years, the calendar "
                         f"years complete before the article's publication (April 2024), {COUNTED_YEARS[0]}–"
                         f"{COUNTED_YEARS[1]}, with at least {MIN_PERIOD_DAYS} days of data; {PARTIAL_YEAR} is not "
                         "counted (table of the partial year). N: counted years; Val.: years with |valuation part| "
                         "> |earnings part| (a tie counts for earnings). p: exact binomial test of H0 share ≤ 1/2 "
                         "against > 1/2 (one-sided: the rule for 'most years'); 95% CI: Clopper–Pearson. The "
                         "article's row is its own count (its 2024 runs to March); even granting it, the one-sided "
                         "p is shown. Var.: cov(part, excess return)/var(excess "
                         "return) across counted years for the valuation, earnings and dividend parts. Resid. "
                         "simple: largest absolute residual (percentage points) with simple growth rates, i.e. the "
                         "valuation × earnings cross term. Returns: total = CSI total-return indices (H00905, "
                         "H00852, H00300) give the dividend part; price = no public total-return index for a leg. "
                         "Shenwan large 801811 has no public P/E and the large-cap P/E series start 2011-06-28, so "
                         f"the article's pair and its 2001–2024 span cannot be rebuilt. Headline pair: {HEADLINE} "
                         "(longest); it starts after CSI 500's launch (2007-01-15), so it uses no back-calculated "
                         "history. The Shenwan indices have no launch date in the vault's sources and are not "
                         "marked. 'from launch' rows: the same count on the sample from the index's launch.",
                         BACK_CALCULATED_NOTE]),
            Table(name="c4_years", caption="Yearly decomposition of the small-vs-large log excess return (percent)",
                  frame=years_shown, index_label="",
                  digits={"Days": 0, "Relative": 1, "Valuation": 1, "Earnings": 1, "Dividend": 1, "Residual": 1},
                  notes=["Relative = Valuation + Earnings + Dividend + Residual (log points × 100). Valuation: change "
                         "in the log P/E ratio of small over large; earnings: change in the log ratio of implied EPS "
                         "(price/PE); dividend: total-return minus price return, small minus large (0 where no "
                         f"total-return index). Counted: inside {COUNTED_YEARS[0]}–{COUNTED_YEARS[1]} and at least "
                         f"{MIN_PERIOD_DAYS} days; later years are shown as out-of-sample. Index P/E also moves when "
                         "constituents change at reviews; CSI P/E is trailing (TTM)."]),
            Table(name="c4_partial_year",
                  caption=f"The article's partial year {PARTIAL_YEAR}: not counted",
                  frame=partial, index_label="",
                  digits={"Days": 0, "Relative": 1, "Valuation": 1, "Earnings": 1, "Dividend": 1},
                  notes=[f"{PARTIAL_YEAR} was not complete when the article appeared (April 2024; its data end "
                         f"{ARTICLE_DATA_END}). Rows: the year to {ARTICLE_DATA_END} (what the article could see) and "
                         f"the calendar year in our data. Same decomposition as the yearly table (log points × "
                         "100); neither row enters any count of the headline or the grid's first two year choices."]),
            Table(name="c4_robustness",
                  caption="Robustness grid: share of valuation-dominant years across specifications",
                  frame=self._grid_summary(grid.to_frame()), index_label="",
                  digits={"Specs": 0, "Estimated": 0, "Median share": 2, "Share > 1/2": 2,
                          f"one-sided p < {ALPHA}": 2, "Min share": 2, "Max share": 2},
                  notes=[f"Grid ({len(grid.specs)} specifications, {len(GRID.excluded())} excluded because the pair "
                         "has no public total-return index): pair × period (prior-year-end anchor; within-year, "
                         "first to last trading day of the year) × returns (total, price) × parts (log, simple "
                         f"growth with the cross term in the residual) × years ({COUNTED_YEARS[0]}–{COUNTED_YEARS[1]} "
                         f"with ≥ {MIN_PERIOD_DAYS} days; full years only, ≥ {FULL_YEAR_DAYS} days; all years to the "
                         "latest data, 2024 on included). Specifications with fewer than "
                         f"{MIN_PERIODS_SPEC} counted years are not estimated. p: exact binomial test of share ≤ 1/2, "
                         "one-sided, not adjusted for the number of specifications (the joint test and the "
                         "one-sided Romano–Wolf p-values use "
                         f"{grid.null_draws} null draws that swap the two parts year by year with probability 1/2: "
                         "specification-curve table). Price vs total return cannot change the count "
                         "(dividends enter neither part); it changes the excess return and the variance shares."]),
        ]
        grid_run = declared.grid_run("C4.valuation_dominates", grid, label="share of valuation-dominant years minus 1/2",
                                     one_sided=True)
        return StudyResult(
            study=self.name, title=self.title, parts=parts, tables=tables, figures=figures, numbers=numbers,
            headline_proxy=f"{HEADLINE} (longest pair with public P/E on both legs)",
            synthetic=self.is_synthetic(loader), grids=[grid_run],
            data_ids=sorted({sid for p in pairs for sid in (p.price_small, p.price_large, p.pe_small, p.pe_large,
                                                            p.tr_small, p.tr_large) if sid is not None}),
            notes=["Shenwan large 801811 has no public P/E: the article's Shenwan small-vs-large pair is not "
                   "reproducible; Shenwan small P/E (to 2016-08) is paired with CSI 300 and SSE 50 from 2011-06.",
                   "The residual is zero by construction in logs because EPS is implied as price/PE."],
        )

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _summary_row(label: str, used: pd.DataFrame, d: dict, returns: str, resid_simple: float = np.nan) -> dict:
        return {"pair": label, "Years": f"{used.index.min()}–{used.index.max()}" if len(used) else "",
                "N": d["n"], "Val.": d["n_valuation"], "Share": d["share"], "p": d.get("p_greater", np.nan),
                "95% CI": f"{d['ci_low']:.2f}–{d['ci_high']:.2f}" if d["n"] else "",
                "Var. val.": d["var_valuation"], "Var. earn.": d["var_earnings"], "Var. div.": d["var_dividend"],
                "Resid. simple": resid_simple, "Returns": returns}

    @staticmethod
    def _partial_year(loader: DataLoader, pair: Pair) -> list[dict]:
        """The article's partial year for ``pair``: to the article's data end, and the calendar year."""
        returns = "total" if pair.has_tr else "price"
        rows = []
        for period, end in ((f"to {ARTICLE_DATA_END}", ARTICLE_DATA_END), (f"calendar {PARTIAL_YEAR}", None)):
            t = attribution(loader, pair, returns=returns, end=end).table
            t = t[[per.year == PARTIAL_YEAR for per in t.index]]
            if t.empty:
                continue
            r = t.iloc[0]
            rows.append({"pair": pair.label, "period": period, "End": f"{pd.Timestamp(r['end']):%Y-%m-%d}",
                         "Days": (pd.Timestamp(r["end"]) - pd.Timestamp(r["start"])).days,
                         "Relative": 100 * r["relative_return"], "Valuation": 100 * r["valuation"],
                         "Earnings": 100 * r["earnings"], "Dividend": 100 * r["dividend"], "Dominant": r["dominant"]})
        return rows

    @staticmethod
    def _grid_summary(full: pd.DataFrame) -> pd.DataFrame:
        full = full.assign(share=full["estimate"] + 0.5)
        rows = []
        groups = [(d, v) for d in GRID.dimensions for v in GRID.dimensions[d]]
        for dim, val in [*groups, ("all", "all")]:
            sub = full if dim == "all" else full[full[dim] == val]
            ok = sub[sub["error"] == ""]
            label = "All specifications" if dim == "all" else (val if dim == "pair" else f"{dim} = {val}")
            rows.append({"": label, "Specs": len(sub), "Estimated": len(ok),
                         "Median share": float(ok["share"].median()) if len(ok) else np.nan,
                         "Min share": float(ok["share"].min()) if len(ok) else np.nan,
                         "Max share": float(ok["share"].max()) if len(ok) else np.nan,
                         "Share > 1/2": float((ok["share"] > 0.5).mean()) if len(ok) else np.nan,
                         # the grid's p is two-sided at share 1/2 (symmetric): one-sided = half of it above 1/2
                         f"one-sided p < {ALPHA}": float(((ok["share"] > 0.5) & (ok["pvalue"] / 2 < ALPHA)).mean())
                         if len(ok) else np.nan})
        return pd.DataFrame(rows).set_index("")

    @staticmethod
    def _parts(results: dict) -> list[PartResult]:
        """The headline pair's count of valuation-dominant years (one-sided exact binomial inference).

        The article's own share is untestable: its pair needs Shenwan large P/E (not public).
        """
        article = ("untestable: the article's count is for Shenwan small vs Shenwan large 2001–2024; needs "
                   "Shenwan large 801811 P/E (not public) and Shenwan small P/E after 2016-08")
        if HEADLINE not in results or results[HEADLINE]["dom"]["n"] == 0:
            missing = "untestable: needs P/E of CSI 500 and CSI 300 (or Shenwan small and large P/E 2001–2023)"
            return [PartResult("C4", "valuation_dominates", missing=missing),
                    PartResult("C4", "article_share", missing=article)]
        d = results[HEADLINE]["dom"]
        every = "; ".join(f"{k} {v['dom']['n_valuation']}/{v['dom']['n']}" for k, v in results.items())
        detail = (f"{HEADLINE}: valuation dominates in {d['n_valuation']} of {d['n']} years "
                  f"{COUNTED_YEARS[0]}–{COUNTED_YEARS[1]}; by pair: {every}")
        test = "exact log decomposition; exact binomial test of share ≤ 1/2 (one-sided)"
        return [
            PartResult("C4", "valuation_dominates", estimate=float(d["share"] - 0.5),
                       se=float(np.sqrt(0.25 / d["n"])), pvalue=float(d["p_greater"]), n=int(d["n"]), proxy=HEADLINE,
                       ci=(float(d["ci_low"] - 0.5), float(d["ci_high"] - 0.5)), test=test, detail=detail),
            PartResult("C4", "article_share", proxy=HEADLINE, missing=article,
                       detail=f"{detail}; our share {d['share']:.3f} (95% CI {d['ci_low']:.2f}–{d['ci_high']:.2f}) is "
                              f"for another pair and span, so it cannot reproduce or reject the article's count"),
        ]

    @staticmethod
    def _numbers(results: dict, grid, article_p: float) -> dict:
        keys = {"SW small vs CSI 300": "sw_csi300", "SW small vs SSE 50": "sw_sse50", "CSI 500 vs CSI 300": "csi500",
                "CSI 1000 vs CSI 300": "csi1000", "CSI 2000 vs CSI 300": "csi2000"}
        out: dict = {"C4_article_valuation_years": ARTICLE_VALUATION_YEARS, "C4_article_years": ARTICLE_YEARS,
                     "C4_article_share": ARTICLE_SHARE, "C4_article_p": float(article_p),
                     "C4_counted_first": COUNTED_YEARS[0], "C4_counted_last": COUNTED_YEARS[1],
                     "C4_partial_year": PARTIAL_YEAR, "C4_article_data_end": ARTICLE_DATA_END}
        # the article's own count without its partial 2024, whichever way 2024 went
        for k, n_val in (("low", ARTICLE_VALUATION_YEARS - 1), ("high", ARTICLE_VALUATION_YEARS)):
            out[f"C4_article_valuation_years_2023_{k}"] = n_val
            out[f"C4_article_p_2023_{k}"] = float(stats.binomtest(n_val, ARTICLE_YEARS - 1, 0.5,
                                                                  alternative="greater").pvalue)
        out["C4_article_years_2023"] = ARTICLE_YEARS - 1
        for label, k in keys.items():
            if label not in results:
                continue
            d, t = results[label]["dom"], results[label]["counted"]
            out |= {f"C4_{k}_valuation_years": int(d["n_valuation"]), f"C4_{k}_years": int(d["n"]),
                    f"C4_{k}_share": d["share"], f"C4_{k}_p": d.get("p_greater", np.nan),
                    f"C4_{k}_var_valuation": d["var_valuation"],
                    f"C4_{k}_first_year": str(t.index.min()) if len(t) else "",
                    f"C4_{k}_last_year": str(t.index.max()) if len(t) else "",
                    f"C4_{k}_max_residual": float(results[label]["res"].table["residual"].abs().max())}
            if "live" in results[label]:
                launch, dl = results[label]["live"]
                out |= {f"C4_{k}_launch": f"{launch:%Y-%m-%d}", f"C4_{k}_live_valuation_years": int(dl["n_valuation"]),
                        f"C4_{k}_live_years": int(dl["n"])}
        if HEADLINE in results:
            d, al = results[HEADLINE]["dom"], results[HEADLINE]["all"]
            out |= {"C4_valuation_years": int(d["n_valuation"]), "C4_years": int(d["n"]), "C4_share": d["share"],
                    "C4_binom_p": d["p_greater"], "C4_ci_low": d["ci_low"], "C4_ci_high": d["ci_high"],
                    "C4_p_vs_article": d["p_vs_article"], "C4_var_valuation": d["var_valuation"],
                    "C4_var_earnings": d["var_earnings"], "C4_var_dividend": d["var_dividend"],
                    "C4_all_valuation_years": int(al["n_valuation"]), "C4_all_years": int(al["n"]),
                    "C4_all_binom_p": al["p_greater"]}
        g = grid.ok()
        share = g["estimate"] + 0.5
        out |= {"C4_grid_n": len(grid.specs), "C4_grid_estimated": len(g),
                "C4_grid_share_above_half": float((share > 0.5).mean()),
                "C4_grid_share_significant": float(((share > 0.5) & (g["pvalue"] / 2 < ALPHA)).mean()),
                "C4_grid_median_share": float(share.median())}
        return out

    @staticmethod
    def _figures(results: dict) -> list[Figure]:
        figs = []
        for label, name in ((HEADLINE, "c4_csi500_years"), ("SW small vs CSI 300", "c4_sw_years")):
            if label not in results:
                continue
            t = results[label]["res"].table
            idx = pd.DatetimeIndex([pd.Timestamp(per.year, 7, 1) for per in t.index])  # mid-year
            data = pd.DataFrame({"excess return": 100 * t["relative_return"].to_numpy(),
                                 "valuation part": 100 * t["valuation"].to_numpy(),
                                 "earnings part": 100 * t["earnings"].to_numpy()}, index=idx)
            figs.append(Figure(name=name, title=f"{label}: yearly excess return and its parts (plotted mid-year)",
                               data=data,
                               ylabel="log points × 100", hlines=[0.0]))
        return figs


STUDY = Attribution()
