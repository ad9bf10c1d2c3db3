"""A1 — the style deviation index (Seed 000).

Claim: rebase CSI 300 and a small-cap index to 1000 on 2021-02-18 (the CSI 300 peak);
deviation = CSI300_rebased − small_rebased. It fell to near −800, then rebounded about 100
points to −700 by the time of writing (Sept–Oct 2023).

What we do: build the index for every small-cap proxy with data; find its trough between
the base date and the article date and the largest rebound after that trough up to the
article date. The article does not name its small-cap index; the headline uses CSI 2000,
declared before estimation as the broadest small-cap index of the CSI family (launched
August 2023, just before the article). All proxies are reported.

Robustness (declared; ``econ.robust``):

* a specification grid: small-cap proxy (5) x base date (2021-02-18, the article's; 2021-02-10,
  the CSI 300 record close) x article-window end (2023-09-30, 2023-10-31) x daily or weekly
  (Friday) closes = 40 specs, each giving the trough, its date and the rebound; the curve
  reports the share of specs whose trough is within the tolerance of −800 (a descriptive
  claim: no p-values, no joint test);
* stability: Bai–Perron mean shifts in each proxy's weekly small-minus-large log return (the
  trend the index accumulates), with the best single break date;
* the articles' forecasts scored on the data after publication: A4 (Seed 000, "the style
  returns to large caps", published by 2023-10-31) and C18 (Seed 002, "small caps likely keep
  winning for a year", 2024-04-12), for every proxy at 3, 6 and 12 months, against the base
  rate of the same move in every earlier window of that length.

Back-calculated history (``studies.common.LAUNCHED``): CSI 2000 (launched 2023-08-11) rebased
on 2021-02-18 is the publisher's back-calculation; its rows are marked. An index rebased before
its launch has no launch-date version (the base would move), so there is no from-launch row;
the indices published over the whole window stand beside it.

Parts (declared in ``studies/claims.toml``): the trough level and the rebound, both value
parts with the tolerance and convention stated in the registry; the verdict engine decides.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from econ.data.loader import DataLoader
from econ.data.panel import build_panel
from econ.robust import Grid, Spec, SpecEstimate, run_grid
from econ.robust.oos import score_direction
from econ.robust.stability import stability
from econ.study import Figure, PartResult, Study, StudyResult, Table
from econ.transforms import deviation_index
from studies import declared
from studies._tables import marked, with_launch_note
from studies.common import PROXIES, available_proxies, breaks_columns, proxy_by_label

BP_RENAME, BP_DIGITS = breaks_columns("Mean before", "Mean after")

BASE_DATE = "2021-02-18"
ARTICLE_DATE = "2023-09-30"
CLAIMED_TROUGH = declared.part("A1.trough").value
CLAIMED_REBOUND = declared.part("A1.rebound").value
HEADLINE = "CSI 2000"

# -- robustness declarations ---------------------------------------------------------------
GRID = Grid({"proxy": [p.label for p in PROXIES], "base_date": [BASE_DATE, "2021-02-10"],
             "window_end": [ARTICLE_DATE, "2023-10-31"], "closes": ["daily", "weekly"]})
HEADLINE_SPEC = declared.headline("A1.trough")
BREAKS_START = "2014-11-17"      # weekly style returns from the Stock Connect era
BP_TRIM = 0.15
#: Dated directional forecasts scored after publication: claim -> (published, direction of
#: log(small/large), article).
ARTICLE_FORECASTS = {
    "A4": ("2023-10-31", -1, "000"),   # "the market returns to large caps" (written Sept–Oct 2023)
    "C18": ("2024-04-12", +1, "002"),  # "small-cap style likely persists for a year"
}
FORECAST_HORIZONS = (3, 6, 12)   # months
FORECAST_HISTORY_START = "2005-04-08"


def _trough_and_rebound(deviation: pd.Series) -> dict:
    """Trough (minimum) of ``deviation`` and the largest rise after it, with their dates."""
    trough_date = deviation.idxmin()
    after = deviation.loc[trough_date:]
    return {"trough": float(deviation.min()), "trough_date": trough_date.strftime("%Y-%m-%d"),
            "rebound": float(after.max() - deviation.min()), "rebound_date": after.idxmax().strftime("%Y-%m-%d")}


def estimate(spec: Spec, loader: DataLoader) -> SpecEstimate:
    """Trough of the deviation index for one spec (descriptive: no standard error)."""
    p = proxy_by_label(spec["proxy"])
    if spec["closes"] == "daily":
        large, small = loader.series(p.large), loader.series(p.small)
    else:
        w = build_panel(loader, {"large": p.large, "small": p.small}, freq="W", dropna="any")
        large, small = w["large"], w["small"]
    dev = deviation_index(large, small, spec["base_date"])
    window = dev.loc[:spec["window_end"], "deviation"]
    tr = _trough_and_rebound(window)
    tol = declared.part("A1.trough").tolerance
    return SpecEstimate(estimate=tr["trough"], se=float("nan"), pvalue=float("nan"), nobs=len(window), extra={
        **tr, "claim_matched": declared.reproduces("A1.trough", tr["trough"]),
        "rebound_matched": declared.reproduces("A1.rebound", tr["rebound"]),
        "claim_value": CLAIMED_TROUGH, "claim_low": CLAIMED_TROUGH - tol, "claim_high": CLAIMED_TROUGH + tol})


class StyleDeviation(Study):
    name = "style_deviation"
    title = "Style deviation index (CSI 300 vs small caps, base 2021-02-18)"
    claims = ("A1",)
    parts = ("A1.trough", "A1.rebound")
    series = ("cn.index.csi300.close", "cn.index.csi2000.close", "cn.index.csi1000.close",
              "cn.index.csi500.close", "cn.index.microcap.close", "cn.index.sw_small.close",
              "cn.index.sw_large.close")

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        proxies = available_proxies(loader)
        rows, paths, n_days = [], {}, {}
        for p in proxies:
            if progress:
                progress(f"A1 {p.label}")
            dev = deviation_index(loader.series(p.large), loader.series(p.small), BASE_DATE)
            window = dev.loc[:ARTICLE_DATE, "deviation"]
            trough_date = window.idxmin()
            after = window.loc[trough_date:]
            rebound_date = after.idxmax()
            rows.append({
                "proxy": p.label,
                "trough_date": trough_date.strftime("%Y-%m-%d"),
                "trough": float(window.min()),
                "rebound_date": rebound_date.strftime("%Y-%m-%d"),
                "rebound": float(after.max() - window.min()),
                "at_article_date": float(window.iloc[-1]),
                "latest_date": dev.index[-1].strftime("%Y-%m-%d"),
                "latest": float(dev["deviation"].iloc[-1]),
            })
            paths[p.label] = dev["deviation"]
            n_days[p.label] = len(dev)
        table = pd.DataFrame(rows).set_index("proxy")
        parts = self._parts(table)
        fig_data = pd.DataFrame(paths)
        synthetic = self.is_synthetic(loader)
        head = table.loc[HEADLINE] if HEADLINE in table.index else None
        numbers = {} if head is None else {
            "A1_trough": head["trough"], "A1_trough_date": head["trough_date"],
            "A1_rebound": head["rebound"], "A1_rebound_date": head["rebound_date"],
            "A1_latest": head["latest"], "A1_latest_date": head["latest_date"],
        }
        shown = table[["trough_date", "trough", "rebound_date", "rebound", "at_article_date", "latest_date", "latest"]]
        # the index is rebased on BASE_DATE: a proxy launched later has no live value on the base date, so
        # there is no launch-date version of the trough (the article's index, if CSI 2000, had the same history)
        shown = shown.rename(index=lambda label: marked(label, proxy_by_label(label), BASE_DATE))
        rob = self._robustness(loader, proxies, progress)
        numbers.update(rob["numbers"])
        return StudyResult(
            study=self.name, title=self.title, parts=parts,
            tables=[with_launch_note(t) for t in [Table(
                name="a1_deviation",
                caption="Style deviation index: trough before the article date and the rebound after it",
                frame=shown.rename(columns={
                    "trough_date": "Trough date", "trough": "Trough", "rebound_date": "Rebound peak",
                    "rebound": "Rebound (pts)", "at_article_date": f"On {ARTICLE_DATE}",
                    "latest_date": "Latest date", "latest": "Latest"}),
                notes=[f"Index = CSI 300 rebased to 1000 minus the small-cap index rebased to 1000 on {BASE_DATE} "
                       "(SW small/large: Shenwan large minus Shenwan small). Trough: minimum from the base date "
                       f"to {ARTICLE_DATE}; rebound: largest rise after the trough up to {ARTICLE_DATE}. "
                       f"Article: trough near {CLAIMED_TROUGH:.0f}, rebound of about {CLAIMED_REBOUND:.0f} points. "
                       f"Headline proxy: {HEADLINE}. A proxy launched after {BASE_DATE} has no published value "
                       "on the base date, so its row has no launch-date version: the rebased index needs the "
                       "back-calculated base."],
                digits=0, index_label="Proxy",
                sample=(f"daily closes from {BASE_DATE}; trough and rebound to {ARTICLE_DATE}, latest to each "
                        "pair's last common date; N = "
                        + ", ".join(f"{k} {v}" for k, v in n_days.items()) + " trading days")),
            *rob["tables"]]],
            figures=[Figure(name="a1_deviation", title="Style deviation index (base 2021-02-18 = 0)",
                            data=fig_data.drop(columns=["Micro-cap"], errors="ignore"),
                            ylabel="points", hlines=[CLAIMED_TROUGH, -700.0], vlines=[ARTICLE_DATE])],
            numbers=numbers, headline_proxy=HEADLINE, synthetic=synthetic,
            notes=["Micro-cap is left out of the figure: its deviation reaches several thousand points and "
                   "would flatten the other lines; it is in the table."],
            data_ids=sorted({p.small for p in proxies} | {p.large for p in proxies}),
            grids=[rob["grid"]],
        )

    # -- robustness ------------------------------------------------------------------------
    def _robustness(self, loader: DataLoader, proxies: list, progress: Callable[[str], None] | None) -> dict:
        """The A1 grid, Bai–Perron mean shifts of each proxy's style return, the A4/C18 forecasts."""
        grid = run_grid(estimate, GRID, loader=loader, name="A1 grid", progress=progress)
        grid_run = declared.grid_run("A1.trough", grid, label="trough of the deviation index (points)")
        ok = [e for e in grid.estimates if e.ok]
        numbers: dict = {
            "A1_grid_n": len(ok),
            "A1_grid_share_matched": float(np.mean([e.extra["claim_matched"] for e in ok])) if ok else float("nan"),
            "A1_grid_share_rebound_matched": float(np.mean([e.extra["rebound_matched"] for e in ok])) if ok else float("nan"),
        }
        if progress:
            progress("A1 breaks and article forecasts")
        brows, frows = [], []
        for p in proxies:
            w = build_panel(loader, {"small": p.small, "large": p.large}, freq="W", start=BREAKS_START, dropna="any")
            style = np.log(w["small"] / w["large"]).diff().dropna()
            st = stability(style, None, window=52, trim=BP_TRIM, scale=52 * 100,
                           relation=f"weekly log return of {p.label} over its large-cap index")
            brows.append({"proxy": marked(p.label, p, BREAKS_START), **st.summary_row("const")})
            ratio = np.log(loader.series(p.small) / loader.series(p.large)).dropna()
            for claim, (published, direction, _article) in ARTICLE_FORECASTS.items():
                sc = score_direction(ratio, published, direction, horizons_months=FORECAST_HORIZONS,
                                     history_start=FORECAST_HISTORY_START)
                for r in sc.itertuples(index=False):
                    frows.append({"claim": claim, "proxy": marked(p.label, p, FORECAST_HISTORY_START),
                                  "horizon": f"{r.horizon_months}m",
                                  "published": published, "call": "small/large up" if direction > 0 else
                                  "small/large down", "end": r.end.strftime("%Y-%m-%d"),
                                  "complete": r.complete, "change": 100 * r.change, "hit": r.hit,
                                  "base_rate": 100 * r.base_rate, "percentile": r.percentile})
        breaks = pd.DataFrame(brows).set_index("proxy")
        fc = pd.DataFrame(frows).sort_values("claim", kind="stable").reset_index(drop=True)
        head_label = marked(HEADLINE, proxy_by_label(HEADLINE), BREAKS_START)
        head_b = breaks.loc[head_label] if head_label in breaks.index else None
        if head_b is not None:
            numbers.update({"A1_bp_udmax": float(head_b["udmax"]), "A1_bp_udmax_crit": float(head_b["udmax_crit5"]),
                            "A1_bp_n_breaks": int(head_b["n_breaks"]), "A1_bp_best_break": head_b["best_break"],
                            "A1_bp_before": float(head_b["before"]), "A1_bp_after": float(head_b["after"])})
        numbers["A1_bp_n_significant"] = int((breaks["n_breaks"] > 0).sum())
        for claim in ARTICLE_FORECASTS:
            twelve = fc[(fc["claim"] == claim) & (fc["horizon"] == "12m")]
            numbers[f"oosfc_{claim}_hits_12m"] = int(twelve["hit"].sum())
            numbers[f"oosfc_{claim}_proxies"] = len(twelve)
            h = twelve[twelve["proxy"] == marked(HEADLINE, proxy_by_label(HEADLINE), FORECAST_HISTORY_START)]
            if len(h):
                numbers[f"oosfc_{claim}_change_12m"] = float(h["change"].iloc[0])
                numbers[f"oosfc_{claim}_base_rate_12m"] = float(h["base_rate"].iloc[0])
                numbers[f"oosfc_{claim}_end_12m"] = str(h["end"].iloc[0])
            six = fc[(fc["claim"] == claim) & (fc["horizon"] == "6m")]
            numbers[f"oosfc_{claim}_hits_6m"] = int(six["hit"].sum())
        fc_shown = fc.assign(hit=fc["hit"].map({True: "yes", False: "no"}),
                             end=[e if c else f"{e} (to date)" for e, c in zip(fc["end"], fc["complete"], strict=True)])
        tables = [
            Table(name="a1_breaks", caption="Bai–Perron mean shifts in weekly small-minus-large log returns",
                  frame=breaks.rename(columns=BP_RENAME),
                  notes=[f"Weekly (Friday) log return of each small-cap index over its large-cap index from "
                         f"{BREAKS_START}; Bai–Perron (2003) mean shifts, trim {BP_TRIM}, HAC, sequential selection "
                         "at 5%. Best single break: the one-break SSR minimiser whether or not significant; means "
                         "before and after it in % per year (52 x weekly mean x 100)."],
                  digits={**BP_DIGITS, "Mean before": 1, "Mean after": 1}, index_label="Proxy"),
            Table(name="oos_article_forecasts", caption="The articles' style forecasts scored after publication",
                  frame=fc_shown.rename(columns={"claim": "Claim", "proxy": "Proxy", "horizon": "Horizon"}).set_index(
                      ["Claim", "Proxy", "Horizon"])[
                      ["published", "call", "end", "change", "hit", "base_rate", "percentile"]].rename(columns={
                          "published": "From", "call": "Call", "end": "To", "change": "Δlog ratio (%)", "hit": "Right",
                          "base_rate": "Base rate (%)", "percentile": "Percentile"}),
                  sample=(f"daily closes; each call from its publication date to 3, 6 and 12 months later; base rates "
                          f"from month-end windows since {FORECAST_HISTORY_START}"),
                  notes=["Δlog ratio: change of log(small/large) from the last close on or before publication to the "
                         "last close on or before the horizon ('to date' when the horizon is not yet complete). "
                         "Right: moved the way the article said. Base rate: share of every earlier window of the "
                         f"same length (month-end starts from {FORECAST_HISTORY_START}, ending before publication) "
                         "that moved that way; Percentile: where the realised change falls among those windows. "
                         "A4 (Seed 000): 'the style returns to large caps', dated at the latest writing date "
                         "2023-10-31; C18 (Seed 002, 2024-04-12): 'small-cap style likely persists for a year'."],
                  digits={"Δlog ratio (%)": 1, "Base rate (%)": 0, "Percentile": 0}),
        ]
        return {"grid": grid_run, "tables": tables, "numbers": numbers}

    @staticmethod
    def _parts(table: pd.DataFrame) -> list[PartResult]:
        """Trough and rebound of the headline proxy (descriptive: exact numbers, no sampling error)."""
        if HEADLINE not in table.index:
            missing = f"{HEADLINE} daily closes"
            return [PartResult("A1", "trough", missing=missing), PartResult("A1", "rebound", missing=missing)]
        h = table.loc[HEADLINE]
        test = "descriptive replication"
        return [
            PartResult("A1", "trough", estimate=float(h["trough"]), proxy=HEADLINE, test=test,
                       detail=f"{HEADLINE}: trough {h['trough']:.0f} on {h['trough_date']}"),
            PartResult("A1", "rebound", estimate=float(h["rebound"]), proxy=HEADLINE, test=test,
                       detail=f"{HEADLINE}: rebound of {h['rebound']:.0f} points to {h['rebound_date']}"),
        ]


STUDY = StyleDeviation()
