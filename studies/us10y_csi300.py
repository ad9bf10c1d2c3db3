"""A2 — the US 10Y yield drives CSI 300 (the "denominator"; Seed 000).

Claim: CSI 300's three extremes line up with US 10Y extremes (2021-02-10 at 1.11%,
2022-10-21 at 4.34% intraday, 2023-08-22 at 4.36%): rising US yields push CSI 300 down.

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

Verdict rule (declared): criterion 1 = headline differences beta < 0 with p < ALPHA;
criterion 2 = coincidence p < ALPHA. Both → supported; one → mixed; none → mixed if the
episode's levels are cointegrated (Engle–Granger p < ALPHA) with a negative beta (the
article's evidence holds in its own window only), otherwise not supported.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from statsmodels.regression.rolling import RollingOLS

from econ.data.loader import DataLoader
from econ.data.panel import build_panel
from econ.models.coincidence import turning_point_coincidence
from econ.models.regression import levels_vs_differences
from econ.models.turning_points import date_turning_points
from econ.policy import ALPHA
from econ.study import Figure, Outcome, Study, StudyResult, Table, Verdict
from studies.common import ARTICLES

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


class US10yCSI300(Study):
    name = "us10y_csi300"
    title = "US 10Y yield and CSI 300"
    claims = ("A2",)
    series = tuple(SERIES.values())

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        rows, fits = [], {}
        for freq in ("W", "M"):
            for label, (start, end) in SAMPLES.items():
                if progress:
                    progress(f"A2 {freq} {label}")
                p = build_panel(loader, SERIES, freq=freq, start=start, end=end, dropna="any", min_rows=24)
                p["log_csi300"] = np.log(p["csi300"])
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
        episode = reg[(reg.freq == HEADLINE_FREQ) & (reg["sample"] == "Episode 2021-23")].iloc[0]

        weekly = build_panel(loader, SERIES, freq="W", start=SAMPLES["Connect era"][0], dropna="any")
        dy = np.log(weekly["csi300"]).diff()
        dx = weekly["us10y"].diff()
        frame = pd.concat({"dlog_csi300": dy, "d_us10y": dx}, axis=1).dropna()
        roll = RollingOLS(frame["dlog_csi300"], frame[["d_us10y"]].assign(const=1.0), window=ROLLING_WEEKS).fit()
        rolling_beta = roll.params["d_us10y"].dropna()
        rolling = pd.DataFrame({"β": rolling_beta})

        monthly = build_panel(loader, SERIES, freq="M", dropna="any")
        tp_a = date_turning_points(np.log(monthly["csi300"]), **TP_RULES)
        tp_b = date_turning_points(monthly["us10y"], **TP_RULES)
        coin = turning_point_coincidence(monthly.index, tp_a.peaks.index, tp_a.troughs.index,
                                         tp_b.peaks.index, tp_b.troughs.index, window=COINCIDENCE_WINDOW)
        coin_rows = [{"window": w, **{k: getattr(c, k) for k in ("count", "n_a", "expected", "pvalue", "concordance")}}
                     for w in (1, 2, 3)
                     for c in [turning_point_coincidence(monthly.index, tp_a.peaks.index, tp_a.troughs.index,
                                                         tp_b.peaks.index, tp_b.troughs.index, window=w)]]

        daily = build_panel(loader, SERIES, freq="D", dropna="any")
        date_rows = []
        for d, claimed in ARTICLE_DATES.items():
            when = pd.Timestamp(d)
            pos = daily.index.get_indexer([when], method="nearest")[0]
            lo, hi = max(pos - EXTREMUM_WINDOW, 0), min(pos + EXTREMUM_WINDOW + 1, len(daily))
            win = daily["csi300"].iloc[lo:hi]
            wide = daily["csi300"].iloc[max(pos - 60, 0):pos + 61]
            is_max = win.idxmax() == wide.idxmax()
            is_min = win.idxmin() == wide.idxmin()
            date_rows.append({
                "date": d, "us10y_article": claimed, "us10y_vault": float(daily["us10y"].iloc[pos]),
                "csi300_extremum": "max" if is_max else ("min" if is_min else "none"),
                "extremum_date": (win.idxmax() if is_max else win.idxmin() if is_min else pd.NaT),
            })
        dates = pd.DataFrame(date_rows)

        c1 = bool(head.beta_diff < 0 and head.p_diff < ALPHA)
        c2 = bool(coin.pvalue < ALPHA)
        episode_coint = bool(episode.eg_p < ALPHA and episode.beta_level < 0)
        if c1 and c2:
            outcome = Outcome.SUPPORTED
        elif c1 or c2 or episode_coint:
            outcome = Outcome.MIXED
        else:
            outcome = Outcome.NOT_SUPPORTED
        reason = (f"weekly Δlog CSI 300 on ΔUS10Y, {HEADLINE_SAMPLE}: beta {head.beta_diff:.4f} "
                  f"(HAC p = {head.p_diff:.3f}); turning-point coincidence {coin.count}/{coin.n_a} within "
                  f"±{COINCIDENCE_WINDOW} months vs {coin.expected:.2f} by chance (p = {coin.pvalue:.3f}); "
                  f"episode 2021-23 levels: beta {episode.beta_level:.3f}, Engle–Granger p = {episode.eg_p:.3f}.")
        verdict = Verdict(
            claim="A2", article=ARTICLES["000"],
            statement="Rising US 10Y yields drive CSI 300 down; CSI 300 extremes coincide with US 10Y extremes",
            article_value="3 coinciding extremes (2021-02-10, 2022-10-21, 2023-08-22)",
            estimate=float(head.beta_diff), ci=(float(head.beta_diff - 1.96 * head.se_diff),
                                               float(head.beta_diff + 1.96 * head.se_diff)),
            pvalue=float(head.p_diff), outcome=outcome, proxy="CSI 300 (large cap)",
            test="HAC regression in differences; Engle–Granger; circular-shift coincidence test",
            rule=(f"supported: Δ-regression beta < 0 with p < {ALPHA} and coincidence p < {ALPHA}; mixed: one of "
                  "them, or only the episode's levels cointegrated with beta < 0"),
            reason=reason,
        )
        desc = fits[(HEADLINE_FREQ, HEADLINE_SAMPLE)].differences.bandwidth_description
        reg_table = reg.set_index(["freq", "sample"])[["start", "end", "nobs", "beta_diff", "se_diff", "p_diff",
                                                       "beta_level", "eg_p", "recommended"]]
        numbers = {
            "A2_beta_diff": head.beta_diff, "A2_p_diff": head.p_diff, "A2_nobs": int(head.nobs),
            "A2_episode_beta_level": episode.beta_level, "A2_episode_eg_p": episode.eg_p,
            "A2_coincidence_count": coin.count, "A2_coincidence_n": coin.n_a,
            "A2_coincidence_expected": coin.expected, "A2_coincidence_p": coin.pvalue,
            "A2_rolling_beta_share_negative": float((rolling_beta < 0).mean()),
        }
        return StudyResult(
            study=self.name, title=self.title, claims=[verdict],
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
                             "p-value (MacKinnon). W = weekly (Friday), M = month end."],
                      digits={"N": 0, "β (diff.)": 4, "s.e.": 4, "p": 3, "β (levels)": 3, "EG p": 3}),
                Table(name="a2_coincidence",
                      caption="Do CSI 300 turning points coincide with opposite US 10Y turning points?",
                      frame=pd.DataFrame(coin_rows).set_index("window").rename(columns={
                          "count": "Matches", "n_a": "CSI 300 turns", "expected": "Expected by chance",
                          "pvalue": "p", "concordance": "Counter-concordance"}),
                      notes=["Monthly Bry–Boschan turning points (window 6, minimum phase 6, cycle 15 months). A match: "
                             "a CSI 300 peak (trough) with a US 10Y trough (peak) within the window (months). p: share of "
                             "circular shifts of the US 10Y turning-point sequence giving at least as many matches."],
                      digits={"Matches": 0, "CSI 300 turns": 0, "Expected by chance": 2, "p": 3,
                              "Counter-concordance": 2}, index_label="Window"),
                Table(name="a2_article_dates", caption="The article's three dates in the data",
                      frame=dates.set_index("date").rename(columns={
                          "us10y_article": "US 10Y (article)", "us10y_vault": "US 10Y (FRED close)",
                          "csi300_extremum": "CSI 300 extremum", "extremum_date": "on"}),
                      notes=[f"CSI 300 extremum: the date's ±{EXTREMUM_WINDOW}-day window holds the maximum (minimum) "
                             "of the ±60-day window. The article's 4.34% for 2022-10-21 is an intraday high; FRED "
                             "DGS10 is the close."], digits=2, index_label="Date"),
            ],
            figures=[
                Figure(name="a2_rolling_beta", title=f"Rolling {ROLLING_WEEKS}-week beta of CSI 300 on US 10Y changes",
                       data=rolling, ylabel="log points per pp", hlines=[0.0],
                       vlines=list(ARTICLE_DATES)),
                Figure(name="a2_levels", title="CSI 300 and the US 10Y yield (weekly)",
                       data=weekly[["csi300", "us10y"]].rename(columns={"csi300": "CSI 300", "us10y": "US 10Y (%)"}),
                       secondary=["US 10Y (%)"], vlines=list(ARTICLE_DATES)),
            ],
            numbers=numbers, headline_proxy="CSI 300 (large cap; the claim is about large caps)",
            synthetic=self.is_synthetic(loader), data_ids=sorted(SERIES.values()),
        )


STUDY = US10yCSI300()
