"""C20, C21, C6 — size eras dated from the data, and earnings as the driver (Seed 002, 财信证券).

Claims:

* **C20** A-share eras: small caps led 2000–02, 2008–10, 2013–16 and 2021–; large caps 2002–07,
  2011–13 and 2016–21 (the article measures them with Shenwan small / Shenwan large).
* **C21** US eras (Russell 2000 / S&P 500): large caps led 1984–90, 1994–98, 2006–07,
  2011–19; small caps 1963–68, 1974–83 "and in turmoil" (undated).
* **C6** "当小盘股相对大盘股的业绩增速 … 提升时 … 小盘股风格通常占优": relative earnings
  growth drives the style; and the real-estate climate index (Guofang jingqi zhishu) above 100 favours
  large caps — no public copy of that index exists, so that part is untestable.

Data and method:

* The article's eras become monthly labels (+1 small-cap era, −1 large-cap era, 0 where it
  says nothing); a year shared by two eras is split at mid-year; "2021–" runs to the article
  (2024-03). The Shenwan large-cap index exists in the vault only from 2015, so the A-share
  headline spread is the cumulative CUFE Fama–French SMB (value-weighted, daily from 1994);
  CSI 1000 / CSI 300 and Shenwan small / CSI 300 (2005 on, back-calculated early years) stand
  beside it. US: Russell 2000 / S&P 500 price ratio from 1987-09 (the Russell 2000's start in
  the vault), so only the four large-cap eras after 1987 can be compared.
* Phases: Bry–Boschan turning points of the monthly log spread
  (:func:`econ.models.turning_points.date_turning_points`; a rising phase = small caps
  leading), and Bai–Perron mean shifts of its monthly change (a regime with a positive mean =
  small caps leading). Agreement with the article: share of its labelled months on which the
  phase agrees, against circular shifts of its chronology (:mod:`econ.models.agreement`).
* C6: relative EPS = (CSI 500 price / TTM P/E) / (CSI 300 price / TTM P/E) at quarter ends
  (csindex P/E from 2011; the TTM P/E moves only when reports are published, so the quarter-end
  value uses only published reports); the next quarter's ratio change on its year-on-year
  growth, Newey–West HAC; contemporaneous and lag variants beside it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from econ.data.loader import DataLoader
from econ.models.agreement import phase_agreement
from econ.models.breaks import bai_perron
from econ.models.regression import ols_hac
from econ.models.turning_points import date_turning_points
from econ.study import Figure, PartResult, Study, StudyResult, Table, z_ci
from studies._tables import labelled, marked, pair, with_launch_note

#: The article's eras (C20, A shares; C21, US), years inclusive, +1 small / -1 large.
CN_ERAS = ((2000, 2002, 1), (2002, 2007, -1), (2008, 2010, 1), (2011, 2013, -1), (2013, 2016, 1),
           (2016, 2021, -1), (2021, 2024, 1))
US_ERAS = ((1963, 1968, 1), (1974, 1983, 1), (1984, 1990, -1), (1994, 1998, -1), (2006, 2007, -1), (2011, 2019, -1))
ARTICLE_END = "2024-03-31"
#: Bry–Boschan settings: headline and a looser variant (months).
BB = {"headline": {"window": 8, "min_phase": 12, "min_cycle": 36},
      "looser": {"window": 6, "min_phase": 6, "min_cycle": 16}}
BP_TRIM = 0.10
MIN_SHIFT = 12
C6_LAGS = (0, 1, 4)


def era_labels(eras: tuple[tuple[int, int, int], ...], index: pd.DatetimeIndex) -> pd.Series:
    """Monthly labels of a chronology; a year shared by consecutive eras is split at mid-year."""
    out = pd.Series(0.0, index=index)
    for i, (y0, y1, s) in enumerate(eras):
        start = pd.Timestamp(f"{y0}-01-01")
        end = pd.Timestamp(f"{y1}-12-31")
        if i > 0 and eras[i - 1][1] == y0:
            start = pd.Timestamp(f"{y0}-07-01")
        if i + 1 < len(eras) and eras[i + 1][0] == y1:
            end = pd.Timestamp(f"{y1}-06-30")
        out[(index >= start) & (index <= end)] = float(s)
    return out


def _bp_states(logspread: pd.Series) -> tuple[pd.Series, list[str]]:
    dr = logspread.diff().dropna()
    res = bai_perron(dr, trim=BP_TRIM)
    ends = list(res.breaks) + [len(dr)]
    states = pd.Series(np.nan, index=logspread.index)
    start = 0
    for e in ends:
        seg = dr.iloc[start:e]
        states.loc[seg.index] = np.sign(seg.mean())
        start = e
    states.iloc[0] = states.iloc[1]
    return states, [pd.Timestamp(d).strftime("%Y-%m") for d in res.break_dates]


class ErasStudy(Study):
    """Size eras dated from the data against the article's, and relative earnings."""

    name = "eras"
    title = "Size eras in China and the US, and relative earnings (C20, C21, C6)"
    claims = ("C6", "C20", "C21")
    parts = ("C6.earnings_lead", "C6.real_estate_climate", "C20.era_agreement", "C21.era_agreement")
    series = ("cn.factor.cufe.smb", "cn.index.csi1000.close", "cn.index.csi300.close", "cn.index.sw_small.close",
              "us.index.russell2000.close", "us.index.sp500.close", "cn.index.csi500.close",
              "cn.valuation.csi500.pe", "cn.valuation.csi300.pe")

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        numbers: dict[str, object] = {}
        parts: list[PartResult] = []
        rows, phase_rows = [], []
        figs = {}
        smb = loader.series("cn.factor.cufe.smb")
        spreads = {
            ("C20", "CUFE SMB (cumulative)"): np.log1p(smb).cumsum().resample("ME").last().loc["2000-01":ARTICLE_END],
            ("C20", "CSI 1000 / CSI 300"): self._ratio(loader, "cn.index.csi1000.close", "cn.index.csi300.close"),
            ("C20", "SW small / CSI 300"): self._ratio(loader, "cn.index.sw_small.close", "cn.index.csi300.close"),
            ("C21", "Russell 2000 / S&P 500"): self._ratio(loader, "us.index.russell2000.close", "us.index.sp500.close"),
        }
        say("C20/C21: dating")
        legs = {"CSI 1000 / CSI 300": pair("CSI 1000 / CSI 300", "cn.index.csi1000.close")}
        for (claim, label), ls in spreads.items():
            ls = ls.dropna()
            shown = marked(label, legs[label], ls.index[0]) if label in legs else label
            ref = era_labels(CN_ERAS if claim == "C20" else US_ERAS, ls.index)
            bp_states, bp_dates = _bp_states(ls)
            for method in ("headline", "looser", "Bai–Perron"):
                if method == "Bai–Perron":
                    states = bp_states
                else:
                    tp = date_turning_points(ls, **BB[method])
                    states = tp.states
                    if method == "headline":
                        phase_rows += [{"Spread": shown, "Phase": "small caps lead" if ph["phase"] == "expansion"
                                        else "large caps lead", "Start": pd.Timestamp(ph["start"]).strftime("%Y-%m"),
                                        "End": pd.Timestamp(ph["end"]).strftime("%Y-%m"),
                                        "Change (100 log)": 100 * float(ls.loc[ph["end"]] - ls.loc[ph["start"]]),
                                        "Months": int(ph["duration"])} for _, ph in tp.phases.iterrows()]
                ag = phase_agreement(states.reindex(ls.index).ffill().bfill(), ref, min_shift=MIN_SHIFT)
                rows.append({"Claim": claim, "Spread": shown, "Dating": method,
                             "Sample": f"{ls.index[0]:%Y-%m} to {ls.index[-1]:%Y-%m}",
                             "Article months": ag.n_labelled, "Agreement (%)": 100 * ag.agreement,
                             "Shift mean (%)": 100 * ag.null_mean, "Excess (pp)": 100 * ag.excess, "p": ag.pvalue,
                             "Shifts": ag.n_shifts,
                             "Breaks": (", ".join(bp_dates) or "none") if method == "Bai–Perron" else ""})
                headline = (claim == "C20" and label.startswith("CUFE")) or claim == "C21"
                if headline and method == "headline":
                    parts.append(PartResult(claim=claim, part="era_agreement", estimate=100 * ag.excess,
                                            pvalue=ag.pvalue, n=ag.n_labelled, proxy=label,
                                            test=f"circular-shift permutation ({ag.n_shifts} shifts), two-sided",
                                            detail=f"agreement {100 * ag.agreement:.1f}% vs {100 * ag.null_mean:.1f}% "
                                                   f"under shifts, {ls.index[0]:%Y-%m} to {ls.index[-1]:%Y-%m}"))
                    numbers.update({f"{claim}_agreement": 100 * ag.agreement, f"{claim}_shift_mean": 100 * ag.null_mean,
                                    f"{claim}_excess": 100 * ag.excess, f"{claim}_p": ag.pvalue,
                                    f"{claim}_months": ag.n_labelled})
                if headline and method == "Bai–Perron":
                    numbers.update({f"{claim}_bp_agreement": 100 * ag.agreement, f"{claim}_bp_p": ag.pvalue,
                                    f"{claim}_bp_breaks": ", ".join(bp_dates) or "none"})
                if claim == "C20" and label.startswith("CSI 1000") and method == "headline":
                    numbers.update({"C20_csi1000_agreement": 100 * ag.agreement, "C20_csi1000_p": ag.pvalue})
            figs[label] = 100 * (ls - ls.iloc[0])
        say("C6: earnings")
        c6_rows = self._c6(loader, parts, numbers)
        parts.append(PartResult(claim="C6", part="real_estate_climate",
                                missing="the NBS real-estate climate index (Guofang jingqi zhishu): no public copy in the vault"))
        tables = [
            Table(name="eras_agreement", caption="Size eras dated from the data against the article's (C20, C21)",
                  frame=labelled(pd.DataFrame(rows), 3), digits={"Article months": 0, "Agreement (%)": 1, "Shift mean (%)": 1,
                                                    "Excess (pp)": 1, "p": 3, "Shifts": 0},
                  notes=["Article's eras as months (+1 small caps lead, −1 large caps lead); a shared year is split at "
                         "mid-year. Dating: Bry–Boschan phases of the monthly log spread (headline: window 8, phases ≥ 12, "
                         "cycles ≥ 36 months; looser: 6 / 6 / 16) or the sign of each Bai–Perron regime's mean monthly "
                         "change (trimming 10%). p: two-sided, against circular shifts of the article's chronology by at "
                         "least 12 months. Bai–Perron finds no break in the mean monthly change of any spread, so its "
                         "single regime says nothing about eras (agreement equals the shift mean)."],
                  sample="monthly; each row's sample in the Sample column"),
            Table(name="eras_phases", caption="Phases of the size spreads dated by Bry–Boschan (headline settings)",
                  frame=labelled(pd.DataFrame(phase_rows), 2), digits={"Change (100 log)": 1, "Months": 0}),
            Table(name="c6_earnings", caption="Relative earnings growth and the CSI 500 / CSI 300 ratio (C6)",
                  frame=labelled(pd.DataFrame(c6_rows)), digits={"β": 3, "SE (HAC)": 3, "p": 3, "R²": 3, "N": 0},
                  notes=["Relative EPS = (CSI 500 close / TTM P/E) / (CSI 300 close / TTM P/E) at quarter ends; "
                         "growth = 100 Δ4 log. Outcome: 100 Δlog(CSI 500 / CSI 300) over the quarter k quarters after "
                         "(k = 1: the next quarter, the headline; k = 0: the same quarter). Newey–West HAC."]),
        ]
        fig_cn = pd.DataFrame({k: v for k, v in figs.items() if k != "Russell 2000 / S&P 500"})
        figures = [
            Figure(name="eras_cn", title="A-share size spreads (100 log, start = 0) and the article's eras", data=fig_cn,
                   ylabel="100 log", vlines=[f"{y}-07-01" for y in (2002, 2013, 2016, 2021)]
                   + ["2008-01-01", "2011-01-01"]),
            Figure(name="eras_us", title="Russell 2000 / S&P 500 (100 log, start = 0)",
                   data=figs["Russell 2000 / S&P 500"].to_frame("Russell 2000 / S&P 500"), ylabel="100 log",
                   vlines=["1991-01-01", "1994-01-01", "1999-01-01", "2006-01-01", "2008-01-01", "2011-01-01",
                           "2020-01-01"]),
        ]
        return StudyResult(study=self.name, title=self.title, parts=parts, tables=[with_launch_note(t) for t in tables],
                           figures=figures,
                           numbers=numbers, headline_proxy="CUFE SMB; Russell 2000 / S&P 500",
                           data_ids=list(self.series), synthetic=self.is_synthetic(loader))

    @staticmethod
    def _ratio(loader: DataLoader, small: str, large: str) -> pd.Series:
        both = pd.concat([loader.series(small), loader.series(large)], axis=1, join="inner").dropna()
        return np.log(both.iloc[:, 0] / both.iloc[:, 1]).resample("ME").last().loc[:ARTICLE_END]

    def _c6(self, loader: DataLoader, parts: list, numbers: dict) -> list[dict]:
        q = {}
        for k, sid in (("p5", "cn.index.csi500.close"), ("p3", "cn.index.csi300.close"),
                       ("pe5", "cn.valuation.csi500.pe"), ("pe3", "cn.valuation.csi300.pe")):
            s = loader.series(sid)
            q[k] = s.groupby(s.index.to_period("Q")).last()
        d = pd.DataFrame(q).dropna()
        rel_eps = np.log((d["p5"] / d["pe5"]) / (d["p3"] / d["pe3"]))
        growth = 100 * rel_eps.diff(4)
        ratio = 100 * np.log(d["p5"] / d["p3"]).diff()
        rows = []
        for k in C6_LAGS:
            f = pd.DataFrame({"y": ratio.shift(-k), "g": growth}).dropna().loc[:"2024Q4"]
            r = ols_hac(f["y"], f[["g"]])
            label = {0: "same quarter", 1: "next quarter (headline)"}.get(k, f"{k} quarters ahead")
            rows.append({"Outcome": label, "β": float(r.params["g"]), "SE (HAC)": float(r.bse["g"]),
                         "p": float(r.pvalues["g"]), "R²": float(r.rsquared), "N": int(r.nobs),
                         "Sample": f"{f.index[0]} to {f.index[-1]}"})
            numbers[f"C6_beta_k{k}"] = float(r.params["g"])
            numbers[f"C6_p_k{k}"] = float(r.pvalues["g"])
            if k == 1:
                est, se = float(r.params["g"]), float(r.bse["g"])
                parts.append(PartResult(claim="C6", part="earnings_lead", estimate=est, se=se, ci=z_ci(est, se),
                                        pvalue=float(r.pvalues["g"]), n=int(r.nobs), proxy="CSI 500 / CSI 300",
                                        test=f"OLS, {r.bandwidth_description}", detail=f"{f.index[0]} to {f.index[-1]}"))
                numbers["C6_n"] = int(r.nobs)
        # contemporaneous co-movement of the ratio with relative EPS growth over the same year
        f = pd.DataFrame({"y": 100 * np.log(d["p5"] / d["p3"]).diff(4), "g": growth}).dropna().loc[:"2024Q4"]
        r = ols_hac(f["y"], f[["g"]], horizon=4)
        rows.append({"Outcome": "same year (Δ4 ratio)", "β": float(r.params["g"]), "SE (HAC)": float(r.bse["g"]),
                     "p": float(r.pvalues["g"]), "R²": float(r.rsquared), "N": int(r.nobs),
                     "Sample": f"{f.index[0]} to {f.index[-1]}"})
        numbers["C6_beta_year"] = float(r.params["g"])
        numbers["C6_p_year"] = float(r.pvalues["g"])
        return rows


STUDY = ErasStudy()
