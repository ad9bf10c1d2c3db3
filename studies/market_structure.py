"""E2, E5, E6, C16 — the 2017 concentration, breadth and market size, and the delisting rate.

Data: the quarter-end total market-cap panel (``econ.data.panels.market_cap``: close × total
shares by stock, SH+SZ, 亿元) and the trading-periods panel (``trading_periods``: first and
last trading day by stock). Both are read through ``econ.data.panels`` and their sha256 is
recorded in the result's notes.

One dating convention for Seed 004 (written in November 2017): the article's "now" is the
quarter end nearest it, **2017-12-31**; "since the 2016 low" (2016-01-27) starts at the quarter
end nearest the low, **2015-12-31**; "2017" is 2016-12-31 → 2017-12-31.

* **E2** (concentration): among SSE-listed stocks with a market cap at both ends of 2017, the
  cap-weighted return (Σ cap_end / Σ cap_start − 1) against the median stock's; Ping An
  (601318.SH) and Moutai (600519.SH) beside the article's +103.29% / +107%. The difference
  cap-weighted − median gets a 95% interval and p-value from a bootstrap over stocks.
* **E5** (breadth): the share of SSE stocks whose market-cap change since 2015-12-31 is below
  the SSE Composite's price return over the same dates, with a bootstrap interval over stocks.
* **E6** (size): the sum of total market cap over all stocks on 2017-12-31, in trillion yuan.
* **C16** (delisting): each year, stocks whose last trading day falls in the year (and is
  before the end of the dump) over stocks trading on 1 January (SH, SZ and BJ: "A shares");
  the article's 0.88% is the 2022–2023 rate; the 2006–2024 mean has a bootstrap CI over years.

Caveats stated in the tables: market-cap change is not a price return (it includes new shares
from issuance, placements and bonus shares, and leaves out dividends); total cap counts H/B
and restricted shares; the "record highs" half of E5 needs daily prices by stock (not in
the vault); a code that stops trading after a merger counts as a delisting.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.data.panels import PERIODS_END_OF_DUMP, Panel, market_cap, panel_vault, trading_periods
from econ.study import PartResult, Study, StudyResult, Table
from studies._tables import Sections
from studies.declared import part

N_BOOT = 1999
SEED = 2017

YEAR_2017 = ("2016-12-31", "2017-12-31")
SINCE_LOW = ("2015-12-31", "2017-12-31")
NOW = "2017-12-31"
PINGAN, MOUTAI = "601318.SH", "600519.SH"
SSE_CLOSE = "cn.index.sse.close"
C16_YEARS = (2022, 2023)
C16_RANGE = (2006, 2024)

CAP_CAVEAT = ("Market-cap change (close × total shares), not a price return: it includes new shares from issuance, "
              "placements and bonus shares and leaves out dividends.")


def _bootstrap_over(n: int, stat: Callable[[np.ndarray], float], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.array([stat(rng.integers(0, n, n)) for _ in range(N_BOOT)])


def _two_ends(wide: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    x = wide[[pd.Timestamp(a), pd.Timestamp(b)]].dropna()
    x.columns = ["start", "end"]
    return x


def _e2(wide: pd.DataFrame, sse: pd.Series) -> tuple[list[PartResult], Table, dict[str, float]]:
    sh = _two_ends(wide[wide.index.str.endswith(".SH")], *YEAR_2017)
    g = sh["end"] / sh["start"] - 1.0
    capw = sh["end"].sum() / sh["start"].sum() - 1.0
    med, ew = float(g.median()), float(g.mean())
    s0, s1, gv = sh["start"].to_numpy(), sh["end"].to_numpy(), g.to_numpy()

    def diff(i: np.ndarray) -> float:
        return 100.0 * (s1[i].sum() / s0[i].sum() - 1.0 - np.median(gv[i]))

    draws = _bootstrap_over(len(sh), diff, SEED)
    est = 100.0 * (capw - med)
    p = float(min(1.0, 2.0 * min((1 + np.sum(draws <= 0)) / (N_BOOT + 1), (1 + np.sum(draws >= 0)) / (N_BOOT + 1))))
    med_draws = _bootstrap_over(len(sh), lambda i: 100.0 * float(np.median(gv[i])), SEED + 1)
    parts = [
        PartResult(claim="E2", part="cap_minus_median", estimate=est, se=float(np.std(draws, ddof=1)),
                   ci=(float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))), pvalue=p, n=len(sh),
                   proxy="SSE-listed stocks, market-cap panel",
                   test=f"bootstrap over stocks ({N_BOOT} draws), two-sided p of a zero difference",
                   detail=f"cap-weighted {100 * capw:.2f}%, median {100 * med:.2f}%, equal-weighted {100 * ew:.2f}%"),
        PartResult(claim="E2", part="median_stock", estimate=100.0 * med,
                   ci=(float(np.quantile(med_draws, 0.025)), float(np.quantile(med_draws, 0.975))), n=len(sh),
                   proxy="SSE-listed stocks, market-cap panel", test="median 2017 market-cap change",
                   detail=f"{len(sh)} stocks with a cap on {YEAR_2017[0]} and {YEAR_2017[1]}"),
    ]
    rows = [{"Measure": "Cap-weighted (sum of end caps / sum of start caps − 1)", "Ours (%)": 100 * capw},
            {"Measure": "Equal-weighted mean", "Ours (%)": 100 * ew},
            {"Measure": "Median stock", "Article (%)": part("E2.median_stock").value, "Ours (%)": 100 * med,
             "Note": "article: 'fell 20–30%' (midpoint)"},
            {"Measure": "Cap-weighted − median (95% CI)", "Ours (%)": est,
             "Note": f"[{parts[0].ci[0]:.2f}, {parts[0].ci[1]:.2f}], p {p:.4f}"}]
    r_sse = 100.0 * float(sse[:YEAR_2017[1]].iloc[-1] / sse[:YEAR_2017[0]].iloc[-1] - 1.0)
    rows.insert(0, {"Measure": "SSE Composite (price index)", "Ours (%)": r_sse})
    numbers = {"E2_sse_2017": r_sse, "E2_capw": 100 * capw, "E2_median": 100 * med, "E2_ew": 100 * ew, "E2_n": len(sh)}
    for code, name in ((PINGAN, "pingan"), (MOUTAI, "moutai")):
        if code in sh.index:
            r = 100.0 * float(g[code])
            parts.append(PartResult(claim="E2", part=name, estimate=r, n=1, proxy=code,
                                    test="market-cap change 2016-12-31 to 2017-12-31",
                                    detail=f"cap {sh.loc[code, 'start']:.0f} → {sh.loc[code, 'end']:.0f} (CNY 100m)"))
            rows.append({"Measure": f"{code} market-cap change", "Article (%)": part(f"E2.{name}").value, "Ours (%)": r})
            numbers[f"E2_{name}"] = r
            numbers[f"E2_{name}_txt"] = f"{r:.2f}"
        else:
            parts.append(PartResult(claim="E2", part=name, missing=f"{code} in the market-cap panel at both dates"))
    table = Table(name="e2_concentration", caption="2017: cap-weighted versus typical SSE stock (market-cap panel)",
                  frame=pd.DataFrame(rows)[["Measure", "Article (%)", "Ours (%)", "Note"]], digits=2,
                  sample=f"SSE-listed stocks with a market cap on {YEAR_2017[0]} and {YEAR_2017[1]}, N = {len(sh)}",
                  notes=[CAP_CAVEAT, "The article: SSE +10%, Ping An +103.29%, Moutai +107%, the typical stock −20% "
                         "to −30% (its dates: 2017 'to now', November 2017)."])
    return parts, table, numbers


def _e5(wide: pd.DataFrame, sse: pd.Series) -> tuple[list[PartResult], Table, dict[str, float]]:
    a, b = SINCE_LOW
    r_sse = float(sse[:b].iloc[-1] / sse[:a].iloc[-1] - 1.0)
    rows, parts, numbers = [], [], {}
    for label, sub in (("SSE-listed", wide[wide.index.str.endswith(".SH")]), ("SH + SZ", wide)):
        x = _two_ends(sub, a, b)
        below = ((x["end"] / x["start"] - 1.0) < r_sse).to_numpy()
        draws = _bootstrap_over(len(x), lambda i, bl=below: float(bl[i].mean()), SEED + 2)
        ci = (float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975)))
        rows.append({"Stocks": label, "SSE return (%)": 100 * r_sse, "Article": part("E5.share_below_sse").value,
                     "Share below the SSE": float(below.mean()),
                     "95% CI": f"[{ci[0]:.3f}, {ci[1]:.3f}]", "N": len(x)})
        if label == "SSE-listed":
            parts.append(PartResult(claim="E5", part="share_below_sse", estimate=float(below.mean()), ci=ci, n=len(x),
                                    proxy="SSE-listed stocks, market-cap panel",
                                    test=f"share of market-cap changes below the SSE's price return; bootstrap over "
                                         f"stocks ({N_BOOT} draws)",
                                    detail=f"{a} to {b}; SSE {100 * r_sse:.2f}%"))
            parts.append(PartResult(claim="E5", part="record_highs",
                                    missing="daily adjusted prices by stock back to listing (not in the vault)"))
            numbers["E5_share_below"] = float(below.mean())
            numbers["E5_sse_return"] = 100 * r_sse
    table = Table(name="e5_breadth", caption="Share of stocks below the SSE Composite since the 2016 low",
                  frame=pd.DataFrame(rows), digits={"SSE return (%)": 2, "Share below the SSE": 3, "N": 0},
                  notes=[f"From {a} (the quarter end nearest the 2016-01-27 low) to {b}. " + CAP_CAVEAT,
                         "The article's other half (about a tenth of companies at record highs) needs daily prices "
                         "by stock, which the vault does not hold."])
    return parts, table, numbers


def _e6(wide: pd.DataFrame) -> tuple[list[PartResult], Table, dict[str, float]]:
    rows = []
    for d in ("2017-09-30", NOW):
        col = wide[pd.Timestamp(d)].dropna()
        rows.append({"Quarter end": d, "Article (trillion yuan)": part("E6.total_cap").value,
                     "Total market cap (trillion yuan)": col.sum() / 1e4, "N": len(col)})
    now = rows[-1]
    parts = [PartResult(claim="E6", part="total_cap", estimate=float(now["Total market cap (trillion yuan)"]),
                        n=int(now["N"]), proxy="market-cap panel (SH + SZ)",
                        test="sum of total market cap over stocks", detail=f"{NOW}, {now['N']} stocks")]
    table = Table(name="e6_market_size", caption="Total A-share market cap in 2017 (market-cap panel)",
                  frame=pd.DataFrame(rows), digits={"Total market cap (trillion yuan)": 2, "N": 0},
                  notes=["Total cap = close × total shares, including H/B and restricted shares (a wider "
                         "measure than the A-share tradable value); growth of this sum includes new listings and "
                         "new shares, not only price."])
    return parts, table, {"E6_total_cap": float(now["Total market cap (trillion yuan)"])}


def delisting_rates(periods: pd.DataFrame, years: range) -> pd.DataFrame:
    """Per year: stocks trading on 1 January, those whose last trading day falls in the year, the rate (%)."""
    rows = []
    for y in years:
        s, e = pd.Timestamp(f"{y}-01-01"), pd.Timestamp(f"{y}-12-31")
        listed = int(((periods["first_date"] <= s) & (periods["last_date"] >= s)).sum())
        gone = int(((periods["last_date"] >= s) & (periods["last_date"] <= e)
                    & (periods["last_date"] < PERIODS_END_OF_DUMP)).sum())
        rows.append({"Year": y, "Listed on 1 Jan": listed, "Delisted": gone, "Rate (%)": 100.0 * gone / listed})
    return pd.DataFrame(rows)


def _c16(periods: Panel) -> tuple[list[PartResult], Table, dict[str, float]]:
    rates = delisting_rates(periods.frame, range(C16_RANGE[0], C16_RANGE[1] + 1))
    art = rates[rates["Year"].isin(C16_YEARS)]
    est = float(art["Rate (%)"].mean())
    r = rates["Rate (%)"].to_numpy()
    draws = _bootstrap_over(len(r), lambda i: float(r[i].mean()), SEED + 3)
    parts = [PartResult(claim="C16", part="delisting_rate", estimate=est, n=int(art["Listed on 1 Jan"].sum()),
                        proxy="trading-periods panel (SH, SZ, BJ)",
                        test="delisted in year / trading on 1 January, mean of 2022 and 2023",
                        detail=(f"2022 {art['Rate (%)'].iloc[0]:.2f}%, 2023 {art['Rate (%)'].iloc[1]:.2f}%; "
                                f"{C16_RANGE[0]}–{C16_RANGE[1]} mean {r.mean():.2f}% (bootstrap over years "
                                f"[{np.quantile(draws, 0.025):.2f}, {np.quantile(draws, 0.975):.2f}])"))]
    summary = pd.DataFrame([{"Year": f"{C16_YEARS[0]}–{C16_YEARS[1]} mean", "Rate (%)": est,
                             "Article (%)": part("C16.delisting_rate").value}])
    frame = pd.concat([rates.assign(Year=rates["Year"].astype(str)), summary], ignore_index=True)
    table = Table(name="c16_delisting", caption="A-share delisting rates by year (trading-periods panel)",
                  frame=frame, digits={"Listed on 1 Jan": 0, "Delisted": 0, "Rate (%)": 2, "Article (%)": 2},
                  sample=f"{C16_RANGE[0]}–{C16_RANGE[1]}, SH + SZ + BJ codes of the qlib dump",
                  notes=["Delisted = last trading day in the year and before the dump's end (2025-08-06); a code that "
                         "stops after a merger counts. The article also gives US rates of 4.5–8.6% a year (2017–2022)."])
    numbers = {"C16_rate_2022_2023": est, "C16_rate_mean": float(r.mean()),
               "C16_rate_ci_lo": float(np.quantile(draws, 0.025)), "C16_rate_ci_hi": float(np.quantile(draws, 0.975))}
    return parts, table, numbers


class MarketStructure(Study):
    name = "market_structure"
    title = "Concentration, breadth and size of the A-share market in 2017; delisting rates"
    claims = ("C16", "E2", "E5", "E6")
    parts = ("C16.delisting_rate", "E2.cap_minus_median", "E2.median_stock", "E2.pingan", "E2.moutai",
             "E5.share_below_sse", "E5.record_highs", "E6.total_cap")
    series = (SSE_CLOSE,)

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        out = Sections()
        notes: list[str] = []
        try:
            mc = market_cap(panel_vault(loader.settings))
            sse = loader.series(SSE_CLOSE)
        except DataError as exc:
            why = str(exc).splitlines()[0]
            mc = None
            out.add([PartResult(claim=k.split(".")[0], part=k.split(".")[1], missing=why)
                     for k in self.parts if not k.startswith("C16")])
        if mc is not None:
            notes.append(f"market-cap panel: {mc.provenance()}")
            wide = mc.frame.pivot(index="ts_code", columns="date", values="total_mv_yi")
            say("E2 concentration")
            for fn in (lambda: _e2(wide, sse), lambda: _e5(wide, sse), lambda: _e6(wide)):
                out.add(*fn())
        say("C16 delisting")
        try:
            periods = trading_periods(panel_vault(loader.settings))
        except DataError as exc:
            out.add(PartResult(claim="C16", part="delisting_rate", missing=str(exc).splitlines()[0]))
        else:
            notes.append(f"trading periods: {periods.provenance()}")
            out.add(*_c16(periods))
        return out.result(self, loader, headline_proxy="stock-level panels", synthetic=loader.settings.synthetic,
                          data_ids=list(self.series), notes=notes)


STUDY = MarketStructure()
