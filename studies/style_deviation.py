"""A1 — the style deviation index (Seed 000).

Claim: rebase CSI 300 and a small-cap index to 1000 on 2021-02-18 (the CSI 300 peak);
deviation = CSI300_rebased − small_rebased. It fell to near −800, then rebounded about 100
points to −700 by the time of writing (Sept–Oct 2023).

What we do: build the index for every small-cap proxy with data; find its trough between
the base date and the article date and the largest rebound after that trough up to the
article date. The article does not name its small-cap index; the headline uses CSI 2000,
declared before estimation as the broadest small-cap index of the CSI family (launched
August 2023, just before the article). All proxies are reported.

Verdict rule (declared): the trough level is "matched" if within ±15% of −800, the rebound is
"matched" if between 50 and 150 points; both → supported, one → mixed, none → not supported.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from econ.data.loader import DataLoader
from econ.study import Figure, Outcome, Study, StudyResult, Table, Verdict
from econ.transforms import deviation_index
from studies.common import ARTICLES, available_proxies

BASE_DATE = "2021-02-18"
ARTICLE_DATE = "2023-09-30"
CLAIMED_TROUGH = -800.0
CLAIMED_REBOUND = 100.0
TROUGH_TOLERANCE = 0.15          # relative to |claimed trough|
REBOUND_RANGE = (50.0, 150.0)    # points
HEADLINE = "CSI 2000"


class StyleDeviation(Study):
    name = "style_deviation"
    title = "Style deviation index (CSI 300 vs small caps, base 2021-02-18)"
    claims = ("A1",)
    series = ("cn.index.csi300.close", "cn.index.csi2000.close", "cn.index.csi1000.close",
              "cn.index.csi500.close", "cn.index.microcap.close", "cn.index.sw_small.close",
              "cn.index.sw_large.close")

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        proxies = available_proxies(loader)
        rows, paths = [], {}
        for p in proxies:
            if progress:
                progress(f"A1 {p.label}")
            dev = deviation_index(loader.series(p.large), loader.series(p.small), BASE_DATE)
            window = dev.loc[:ARTICLE_DATE, "deviation"]
            trough_date = window.idxmin()
            after = window.loc[trough_date:]
            rebound_date = after.idxmax()
            lo = CLAIMED_TROUGH * (1 + TROUGH_TOLERANCE)
            hi = CLAIMED_TROUGH * (1 - TROUGH_TOLERANCE)
            rows.append({
                "proxy": p.label,
                "trough_date": trough_date.strftime("%Y-%m-%d"),
                "trough": float(window.min()),
                "rebound_date": rebound_date.strftime("%Y-%m-%d"),
                "rebound": float(after.max() - window.min()),
                "at_article_date": float(window.iloc[-1]),
                "latest_date": dev.index[-1].strftime("%Y-%m-%d"),
                "latest": float(dev["deviation"].iloc[-1]),
                "trough_matched": bool(lo <= window.min() <= hi),
                "rebound_matched": bool(REBOUND_RANGE[0] <= after.max() - window.min() <= REBOUND_RANGE[1]),
            })
            paths[p.label] = dev["deviation"]
        table = pd.DataFrame(rows).set_index("proxy")
        verdict = self._verdict(table)
        fig_data = pd.DataFrame(paths)
        synthetic = self.is_synthetic(loader)
        head = table.loc[HEADLINE] if HEADLINE in table.index else None
        numbers = {} if head is None else {
            "A1_trough": head["trough"], "A1_trough_date": head["trough_date"],
            "A1_rebound": head["rebound"], "A1_rebound_date": head["rebound_date"],
            "A1_latest": head["latest"], "A1_latest_date": head["latest_date"],
        }
        shown = table[["trough_date", "trough", "rebound_date", "rebound", "at_article_date", "latest_date", "latest"]]
        return StudyResult(
            study=self.name, title=self.title, claims=[verdict],
            tables=[Table(
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
                       f"Headline proxy: {HEADLINE}."],
                digits=0, index_label="Proxy")],
            figures=[Figure(name="a1_deviation", title="Style deviation index (base 2021-02-18 = 0)",
                            data=fig_data.drop(columns=["Micro-cap"], errors="ignore"),
                            ylabel="points", hlines=[CLAIMED_TROUGH, -700.0], vlines=[ARTICLE_DATE])],
            numbers=numbers, headline_proxy=HEADLINE, synthetic=synthetic,
            notes=["Micro-cap is left out of the figure: its deviation reaches several thousand points and "
                   "would flatten the other lines; it is in the table."],
            data_ids=sorted({p.small for p in proxies} | {p.large for p in proxies}),
        )

    def _verdict(self, table: pd.DataFrame) -> Verdict:
        rule = (f"trough within ±{TROUGH_TOLERANCE:.0%} of {CLAIMED_TROUGH:.0f} and rebound of "
                f"{REBOUND_RANGE[0]:.0f}–{REBOUND_RANGE[1]:.0f} points: both = supported, one = mixed")
        common = dict(claim="A1", article=ARTICLES["000"],
                      statement="Deviation index (CSI 300 − small cap, rebased 1000 on 2021-02-18) bottomed near −800, "
                                "then rebounded ~100 points to −700",
                      article_value="trough ≈ −800; rebound ≈ +100", rule=rule, test="descriptive replication")
        if HEADLINE not in table.index:
            return Verdict(**common, estimate=None, outcome=Outcome.UNTESTABLE,
                           reason=f"{HEADLINE} not available", needs=f"{HEADLINE} daily closes", proxy=HEADLINE)
        h = table.loc[HEADLINE]
        hits = int(h["trough_matched"]) + int(h["rebound_matched"])
        outcome = {2: Outcome.SUPPORTED, 1: Outcome.MIXED, 0: Outcome.NOT_SUPPORTED}[hits]
        others = [i for i in table.index if i != HEADLINE and table.loc[i, "trough_matched"]]
        reason = (f"{HEADLINE}: trough {h['trough']:.0f} on {h['trough_date']} "
                  f"({'within' if h['trough_matched'] else 'outside'} tolerance), rebound {h['rebound']:.0f} points "
                  f"to {h['rebound_date']} ({'within' if h['rebound_matched'] else 'outside'} range). "
                  f"Proxies with a trough within tolerance: {', '.join(others) if others else 'none'}.")
        return Verdict(**common, estimate=float(h["trough"]), outcome=outcome, reason=reason, proxy=HEADLINE)


STUDY = StyleDeviation()
