"""A3 — rising US 10Y → northbound outflows → large caps fall more → the ratio rises.

Parts: us10y_to_flow, flow_to_ratio (its grid lives in ``studies/_liquidity_specs.py``), total_effect;
the mediation share, Granger, Toda–Yamamoto and local projections are reported beside them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.models import granger, local_projection, toda_yamamoto
from econ.study import Figure, Table
from studies import _liquidity_specs as S
from studies._liquidity_specs import Fit
from studies.common import Proxy
from studies.liquidity.common import Collector, missing_parts, part_from_fit, row, span


def run(loader: DataLoader, head: Proxy, out: Collector) -> None:
    try:
        f = S.flow_frame(loader, head, "W")
        d = f[["y", "dy", "flow", "dus", "us"]].dropna()
        med = S.mediation(d, "dy", "dus", "flow")
        g_us_flow = granger(d["flow"], d["dus"], cov_type="HC1")
        g_flow_ratio = granger(d["dy"], d["flow"], cov_type="HC1")
        g_ratio_flow = granger(d["flow"], d["dy"], cov_type="HC1")
        g_us_ratio = granger(d["dy"], d["dus"], cov_type="HC1")
        lv = S.flow_frame(loader, head, "W", "cumulated")[["y", "flow", "us"]].dropna()
        ty_us_flow = toda_yamamoto(lv["flow"], lv["us"])
        ty_flow_ratio = toda_yamamoto(lv["y"], lv["flow"])
        lp_flow = local_projection("flow", "dus", d, horizons=S.LP_HORIZONS, y_lags=S.LP_LAGS,
                                   x_lags=S.LP_LAGS, response="cumulative")
        lp_ratio = local_projection("y", "dus", d, horizons=S.LP_HORIZONS, y_lags=S.LP_LAGS,
                                    x_lags=S.LP_LAGS, response="change")
    except (DataError, ValueError) as exc:
        out.parts += missing_parts("A3", ("us10y_to_flow", "flow_to_ratio", "total_effect"), exc,
                              "northbound net flows, CSI 300 turnover, US 10Y and the index closes")
        return
    proxy, test = f"{head.label} / CSI 300", "weekly HAC regressions in differences"
    chain = (f"indirect a·b = {med.indirect:.3f}, bootstrap 95% CI [{med.indirect_ci[0]:.3f}, "
             f"{med.indirect_ci[1]:.3f}]; Granger ΔUS10Y → flow p {g_us_flow.f_pvalue:.3f}, flow → Δratio p "
             f"{g_flow_ratio.f_pvalue:.3f}")
    out.parts += [part_from_fit("A3", "us10y_to_flow", med.a, proxy=proxy, test=test),
                  part_from_fit("A3", "flow_to_ratio", med.b, proxy=proxy, test=test + " (given ΔUS10Y)",
                        detail=f"{span(med.b)}, N = {med.b.nobs}; {chain}"),
                  part_from_fit("A3", "total_effect", med.total, proxy=proxy, test=test)]
    rel = "ratio"
    out.rows += [
        row("A3", "(a) ΔUS10Y → northbound flow", "W", med.a, -1),
        row("A3", f"(b) northbound flow → Δ{rel} | ΔUS10Y", "W", med.b, -1),
        row("A3", f"(c) ΔUS10Y → Δ{rel}, total", "W", med.total, +1),
    ]
    ci = med.indirect_ci
    out.rows.append({"claim": "A3", "relation": "indirect effect a·b (bootstrap p)", "Freq": "W",
                     "Sample": span(med.a), "N": med.a.nobs, "Estimate": med.indirect,
                     "s.e.": np.nan, "p": med.indirect_boot_p, "Claimed": "+"})

    def test_row(label: str, stat: float, p: float, n: int, detail: str) -> dict[str, Any]:
        return {"Statistic": stat, "s.e.": np.nan, "p": p, "95% CI": "", "N": n, "Detail": detail, "_": label}

    def fit_row(label: str, fit: Fit, detail: str) -> dict[str, Any]:
        return {"Statistic": fit.beta, "s.e.": fit.se, "p": fit.p, "95% CI": f"[{fit.ci[0]:.3f}, {fit.ci[1]:.3f}]",
                "N": fit.nobs, "Detail": detail, "_": label}

    rows = [
        fit_row("(a) flow on ΔUS10Y", med.a, "claimed < 0"),
        fit_row("(b) Δratio on flow | ΔUS10Y", med.b, "claimed < 0"),
        fit_row("(c) Δratio on ΔUS10Y, total", med.total, "claimed > 0"),
        fit_row("(c') Δratio on ΔUS10Y | flow, direct", med.direct, ""),
        {"Statistic": med.indirect, "s.e.": med.sobel_se, "p": med.indirect_boot_p,
         "95% CI": f"[{ci[0]:.3f}, {ci[1]:.3f}]", "N": med.a.nobs,
         "Detail": f"block bootstrap, {med.reps} draws, block {med.block}", "_": "indirect a·b"},
        {"Statistic": med.share, "s.e.": np.nan, "p": np.nan,
         "95% CI": f"[{med.share_ci[0]:.2f}, {med.share_ci[1]:.2f}]", "N": med.a.nobs,
         "Detail": "a·b / total", "_": "share through flows"},
    ]
    for label, g in (("Granger: ΔUS10Y → flow", g_us_flow), ("Granger: flow → Δratio", g_flow_ratio),
                     ("Granger: Δratio → flow", g_ratio_flow), ("Granger: ΔUS10Y → Δratio", g_us_ratio)):
        rows.append(test_row(label, g.f_stat, g.f_pvalue, g.nobs, f"F, {g.lags} lags (AIC), HC1"))
    for label, t in (("Toda–Yamamoto: US10Y → cum. flow", ty_us_flow),
                     ("Toda–Yamamoto: cum. flow → log ratio", ty_flow_ratio)):
        rows.append(test_row(label, t.stat, t.pvalue, int(t.extra["nobs"]),
                             f"Wald chi2, p = {t.extra['p']}, dmax = {t.extra['dmax']}"))
    for h in (0, 4, 12):
        rows.append({"Statistic": lp_flow.irf[h], "s.e.": lp_flow.se[h],
                     "p": 2 * stats.norm.sf(abs(lp_flow.irf[h] / lp_flow.se[h])), "95% CI": "",
                     "N": int(lp_flow.nobs[h]), "Detail": f"HAC lags {int(lp_flow.hac_lags[h])}",
                     "_": f"LP: cum. flow, h = {h} weeks"})
    for h in (0, 4, 12):
        rows.append({"Statistic": lp_ratio.irf[h], "s.e.": lp_ratio.se[h],
                     "p": 2 * stats.norm.sf(abs(lp_ratio.irf[h] / lp_ratio.se[h])), "95% CI": "",
                     "N": int(lp_ratio.nobs[h]), "Detail": f"HAC lags {int(lp_ratio.hac_lags[h])}",
                     "_": f"LP: log ratio, h = {h} weeks"})
    chain = pd.DataFrame(rows).set_index("_")
    chain.index.name = None
    out.tables.append(Table(
        name="lf_a3_chain", caption="A3: US 10Y, northbound flows and the CSI 1000/CSI 300 ratio (weekly)",
        frame=chain,
        notes=[f"Weekly (Friday) {span(med.a)}. Flow: northbound net buying in % of CSI 300 turnover of the week; "
               "ratio: 100·log(CSI 1000/CSI 300); US 10Y in pp. Rows (a)–(c'): OLS in differences with a constant; "
               f"{med.a.desc}. Indirect effect: a·b; s.e. by the delta method (Sobel), p and CI from a moving-block "
               f"bootstrap ({med.reps} draws, block {med.block} weeks, seed {S.SEED}); the share CI is a percentile "
               "interval of the bootstrap ratio and is wide when the total effect is near zero. Granger: F tests in "
               "differences, HC1 covariance. Toda–Yamamoto: lag-augmented levels VAR of cumulated flows (CNY 100bn), "
               "the US 10Y level and the log ratio. LP: Jordà local projections on a +1 pp ΔUS10Y, 4 lags of each, "
               "cumulated flow (% of turnover) and change of the log ratio (%), HAC lags ≥ h."],
        digits={"Statistic": 3, "s.e.": 3, "p": 3, "N": 0}, index_label="A3"))
    band = lp_flow.band(95)
    out.figures.append(Figure(
        name="lf_a3_lp", title="A3: cumulated northbound flow after a +1 pp US 10Y change (local projection)",
        data=pd.DataFrame({"Response (% of CSI 300 turnover)": lp_flow.irf, "95% band (lower)": band["lower"],
                           "95% band (upper)": band["upper"]}).rename_axis("weeks"),
        ylabel="% of weekly turnover, cumulated", hlines=[0.0]))
    cum = S.flow_frame(loader, head, "W", "cumulated")
    out.figures.append(Figure(
        name="lf_flows", title="Cumulated northbound net buying and the CSI 1000/CSI 300 ratio (weekly)",
        data=pd.DataFrame({"Cumulated northbound (CNY 100bn)": cum["flow"],
                           "100·log(CSI 1000/CSI 300)": cum["y"]}).dropna(),
        secondary=["100·log(CSI 1000/CSI 300)"], vlines=["2016-01-01", "2021-01-01"]))
    out.numbers.update({
        "A3_a": med.a.beta, "A3_a_p": med.a.p, "A3_b": med.b.beta, "A3_b_p": med.b.p,
        "A3_total": med.total.beta, "A3_total_p": med.total.p, "A3_direct": med.direct.beta,
        "A3_indirect": med.indirect, "A3_indirect_lo": ci[0], "A3_indirect_hi": ci[1],
        "A3_indirect_p": med.indirect_boot_p, "A3_share": med.share, "A3_share_lo": med.share_ci[0],
        "A3_share_hi": med.share_ci[1], "A3_nobs": med.a.nobs, "A3_start": f"{pd.Timestamp(med.a.start):%Y-%m-%d}",
        "A3_end": f"{pd.Timestamp(med.a.end):%Y-%m-%d}", "A3_hac_lags": med.a.hac_lags, "A3_block": med.block,
        "A3_granger_us_flow_p": g_us_flow.f_pvalue, "A3_granger_flow_ratio_p": g_flow_ratio.f_pvalue,
        "A3_granger_ratio_flow_p": g_ratio_flow.f_pvalue, "A3_granger_us_ratio_p": g_us_ratio.f_pvalue,
        "A3_ty_us_flow_p": ty_us_flow.pvalue, "A3_ty_flow_ratio_p": ty_flow_ratio.pvalue,
        "A3_lp_flow_h4": float(lp_flow.irf[4]), "A3_lp_flow_h4_se": float(lp_flow.se[4]),
        "A3_lp_flow_h12": float(lp_flow.irf[12]), "A3_lp_flow_h12_se": float(lp_flow.se[12]),
        "A3_lp_ratio_h4": float(lp_ratio.irf[4]), "A3_lp_ratio_h4_se": float(lp_ratio.se[4]),
    })
    out.headline_desc = med.a.desc
