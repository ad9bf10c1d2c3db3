"""A3, C5, C7, C8, C9, D1 — liquidity, foreign flows and leverage as drivers of size style.

Claims (see ``CLAIMS.md``): A3 (Seed 000) rising US 10Y → northbound outflows → large caps
fall more → the small/large ratio rises; C5 (Seed 002) the style reacts to DR007 at once
(high/rising DR007 favours large caps), through P/E, not earnings; C8 (Seed 002) falling
DR007 first expands relative P/E, then M1−M2 turning up lifts relative EPS; C9 (Seed 002)
northbound inflows favoured large caps in 2016–2020, margin-balance growth favoured small
caps in 2013–2015 and 2021; D1 (Seed 003) cross-border capital (northbound, China–US 10Y
spread, current account) favours CSI 300 and global liquidity easing (Fed cuts, Fed
balance-sheet growth, a weaker dollar) favours CSI 1000; C7 (Seed 002) Russell 2000 /
S&P 500 rises when the Fed balance sheet expands.

Data (vault): CSI 300/500/1000/2000, Wind micro-cap and Shenwan small/large closes; DR007
(Wind last-trade bar, noisy) and SHIBOR 1W; northbound net buying (2014-11 → 2023-12) and
CSI 300 turnover; margin financing balance; CSI 300/500 (2012–) and CSI 1000 (2021-11 →
2024-11) trailing P/E; M1 and M2 yoy (release-lagged 15 days by the panel; M1 on the old
definition through 2024); ChinaBond 10Y; China current account (quarterly, released 45 days
after quarter end); FRED DGS10, daily effective fed funds, Fed total assets (WALCL),
broad dollar; Russell 2000 and S&P 500.

How: weekly (Friday), month-end and quarter-end panels from ``econ.data.build_panel`` (prices
at period end, flows summed); panels mixing China and US series are read on the Shanghai clock
(a US close dated d is known on d+1). The ratio is ``y = 100·log(small/large)``; regressions
are in first differences with a constant and Newey–West HAC errors (NW 1994 bandwidth rule)
unless stated. Declared before estimation (constants here and in ``studies._liquidity_specs``):
headline proxy CSI 1000 / CSI 300; headline rate DR007 at the period's last close (the instant
of the prices; the period mean and SHIBOR 1W are robustness); northbound flow scaled by CSI 300
turnover of the same period. Samples that start before an index's launch are marked (†) and
each headline using them gets a launch-date row (``studies.common.live_start``).

* C5: weekly distributed lag ``Δy_t = a + Σ_{j=0..4} β_j Δrate_{t−j}`` from 2015 (DR007 before
  Dec 2014 is Wind back-history); direction β_0, immediacy the HAC Wald test of lags 1–4; the
  channel quarterly (trailing EPS moves when reports arrive): Δ relative P/E and Δ relative
  EPS of CSI 500 / CSI 300 on the quarter's ΔDR007.
* C8: monthly; stage 1 the cumulated (L = 3) response of relative P/E to ΔDR007, stage 2 the
  cumulated (L = 6) response of relative EPS to Δ(M1 yoy − M2 yoy).
* A3: the chain as parts on the net-buying era (from ``NET_BUYING_START``; the northbound
  series measures quota use before, dated from the data): flow on ΔUS10Y; Δy on the previous
  four weeks' flows given four lags of Δy (sum of the flow lags); Δy on ΔUS10Y. Same-week
  co-movement, large-outflow events, the same-week mediation product (descriptive: it needs
  sequential ignorability), Granger, Toda–Yamamoto and local projections are reported beside.
* C9: weekly Δy on the flow (or 100·Δlog margin balance) inside the article's windows,
  plus a binomial sign-concordance test; outside-window contrasts.
* D1: monthly, each factor in months t−1 and t−2 (the article's signal), the lag sum's HAC
  t-test, Holm-adjusted within each group; same-month and launch-date columns.
* C7: predictive: past h-month Fed-asset growth → the next h months' Δ100·log(Russell 2000 /
  S&P 500), overlapping, Hodrick (1992) errors, h = 6 headline; the same inside the 2008–10
  episode (weekly, h = 13 weeks).
* Every ratio specification runs for every small-cap proxy with data; three robustness
  grids (C5, A3 flows, C7) run through ``econ.robust.run_grid`` with NULL_DRAWS null worlds
  each (seeded) for the specification-curve joint test and Romano–Wolf p-values: a world
  rotates the claim's underlying series (the rate, northbound buying and turnover, Fed
  assets) over its whole history by one calendar shift, and every spec is re-estimated on
  its rows of that world (``studies._liquidity_specs.NullDesign`` / ``PredictiveNullDesign``).

Parts (declared in ``studies/claims.toml``): A3 us10y_to_flow / flow_to_ratio (grid) /
total_effect; C5 direction (grid) / immediacy / pe_channel / eps_not_channel; C7 direction
(grid) / episode_2008_10; C8 stage1_pe / stage2_eps; C9 one part per window; D1 one part per
factor. The verdict engine decides; p-values are two-sided.

Where the code is (one module per claim)
----------------------------------------
========  =====================================================================
A3        ``studies/liquidity/a3.py``
C5        ``studies/liquidity/c5.py``
C7        ``studies/liquidity/c7.py``
C8        ``studies/liquidity/c8.py``
C9        ``studies/liquidity/c9.py``
D1        ``studies/liquidity/d1.py``
grids     ``studies/_liquidity_specs.py`` (the A3, C5 and C7 grids, their ``estimate``
          and null draws); ``studies/liquidity/robustness.py`` (samples, levels,
          proxies, the grids' summary table)
========  =====================================================================
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from econ.data.loader import DataLoader
from econ.study import Study, StudyResult, Table
from studies import _liquidity_specs as S
from studies import declared
from studies._liquidity_specs import (  # re-exported: the grid contract lives in that module
    GRID,
    GRID_FED,
    GRID_FLOWS,
    HEADLINE_PROXY,
    HEADLINE_RATE,
    NULL_DRAWS,
    NULL_SEED,
    estimate,
)
from studies.common import Proxy, available_proxies, proxy_by_label
from studies.liquidity import a3, c5, c7, c8, c9, d1, robustness
from studies.liquidity.common import Collector

__all__ = ["GRID", "GRID_FED", "GRID_FLOWS", "NULL_DRAWS", "NULL_SEED", "STUDY", "estimate"]


class LiquidityFlows(Study):
    name = "liquidity_flows"
    title = "Liquidity, foreign flows and leverage (A3, C5, C7, C8, C9, D1)"
    claims = ("A3", "C5", "C7", "C8", "C9", "D1")
    parts = ("A3.us10y_to_flow", "A3.flow_to_ratio", "A3.total_effect", "C5.direction", "C5.immediacy",
             "C5.pe_channel", "C5.eps_not_channel", "C7.direction", "C7.episode_2008_10", "C8.stage1_pe",
             "C8.stage2_eps", "C9.northbound_2016_2020", "C9.margin_2013_2015", "C9.margin_2021", "D1.northbound",
             "D1.spread", "D1.current_account", "D1.fed_funds", "D1.fed_assets", "D1.dollar")
    series = tuple(sorted({
        "cn.index.csi300.close", "cn.index.csi500.close", "cn.index.csi1000.close", "cn.index.csi2000.close",
        "cn.index.microcap.close", "cn.index.sw_small.close", "cn.index.sw_large.close",
        *S.RATES.values(), S.US10Y, S.NORTHBOUND, S.TURNOVER, S.MARGIN, *S.PE["CSI 500"], *S.PE["CSI 1000"],
        S.M1, S.M2, S.CGB10Y, S.CURRENT_ACCOUNT, S.FED_FUNDS, S.FED_ASSETS, S.DOLLAR, S.RUSSELL, S.SP500}))

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        def say(msg: str) -> None:
            if progress:
                progress(msg)

        proxies = available_proxies(loader)
        labels = [p.label for p in proxies]
        head = proxy_by_label(HEADLINE_PROXY if HEADLINE_PROXY in labels else (labels[0] if labels else HEADLINE_PROXY))
        out = Collector()
        say("A3 chain")
        a3.run(loader, head, out)
        say("C5 distributed lags")
        c5.run(loader, head, out)
        say("C8 two stages")
        c8.run(loader, out)
        say("C9 flow windows")
        c9.run(loader, head, out)
        say("D1 two factors")
        d1.run(loader, head, out)
        say("C7 Fed balance sheet")
        c7.run(loader, out)
        say("frequencies and sub-samples")
        robustness.samples(loader, head, out)
        say("levels vs differences")
        robustness.levels(loader, head, out)
        say("proxies")
        robustness.proxies(loader, proxies, out)
        say("robustness grids")
        robustness.grids(loader, out, say)
        return self._assemble(loader, head, out)

    # ------------------------------------------------------------------------- assembly
    def _assemble(self, loader: DataLoader, head: Proxy, out: Collector) -> StudyResult:
        if out.rows:
            frame = pd.DataFrame(out.rows).set_index(["claim", "relation"])
            out.tables.insert(0, Table(
                name="lf_headline", caption="Headline estimates, one row per link of each claim",
                frame=frame,
                notes=["Headline proxy CSI 1000 / CSI 300 (C5 channel and C8: CSI 500 / CSI 300, the pair with long "
                       "P/E data; C7: Russell 2000 / S&P 500). Regressions in first differences with a constant; y = "
                       "100·log ratio, rates in pp, flows in % of CSI 300 turnover, growth in %. HAC errors with the "
                       f"Newey–West (1994) bandwidth floor(4(T/100)^(2/9)); e.g. the A3 rows: {out.headline_desc}; C7: "
                       "predictive, Hodrick (1992) errors. Claimed: the article's sign (0: no effect claimed); each "
                       "row's outcome under the package's verdict policy is in Table 1. The C5 lag row reports the "
                       "lag sum with the p of the HAC Wald test of the lag block. "
                       "† sample starts before the index's launch (back-calculated history)."],
                digits={"N": 0, "Estimate": 3, "s.e.": 3, "p": 3}))
        art = []
        article_text = {"A3": "US10Y up → outflows → ratio up", "C5": "DR007 acts at once, via P/E",
                        "C7": "R2000/S&P up with Fed assets", "C8": "P/E first, then EPS",
                        "C9": "north → large; margin → small", "D1": "flows → CSI 300; easing → 1000"}
        first = {c: next(p for p in out.parts if p.claim == c) for c in self.claims}
        for c, p in first.items():
            ours = "--" if p.estimate is None else (f"{p.estimate:.3f}".replace("-", "−")
                                                    + ("" if p.pvalue is None else f" (p {p.pvalue:.3f})"))
            art.append({"Claim": c, "Article says": article_text[c],
                        "Article's number": declared.registry().claim(c).article_numbers,
                        f"Ours ({p.part})": ours})
        out.tables.insert(1, Table(
            name="lf_articles", caption="The articles' statements beside our headline numbers",
            frame=pd.DataFrame(art).set_index("Claim"),
            sample="the headline specification of each claim (period and N in the claim's own table)",
            notes=["Ours: the first part of each claim (A3 US10Y → flow; C5 β0 of ΔDR007; C7 the predictive "
                   "Fed-assets slope; C8 the stage-1 sum β; C9 the 2016–2020 northbound slope; D1 the northbound "
                   "lag sum). Every part "
                   "and its outcome is in Table 1. None of the articles gives a coefficient; their evidence is "
                   "episodes and charts."]))
        return StudyResult(
            study=self.name, title=self.title, parts=out.parts, tables=out.tables, figures=out.figures,
            numbers=out.numbers, headline_proxy=f"{head.label} / CSI 300", synthetic=self.is_synthetic(loader),
            data_ids=sorted(self.series), grids=out.grids,
            notes=[f"Headline rate {HEADLINE_RATE} at the period's last Wind close (period mean: robustness), "
                   "alternative SHIBOR 1W; DR007 from 2015 (earlier: Wind back-history).",
                   f"Northbound flows end 2023-12; A3 starts {S.NET_BUYING_START} (net buying on every day).",
                   "Panels mixing China and US series are on the Shanghai clock (econ.data.build_panel).",
                   "The descriptive mediation CI is a moving-block bootstrap written in studies/_liquidity_specs.py "
                   "(econ.models has no mediation estimator)."])


STUDY = LiquidityFlows()
