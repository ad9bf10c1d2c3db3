"""A3 — rising US 10Y → northbound outflows → large caps fall more → the ratio rises.

Parts (issue 11 point 3), on the net-buying era (``S.A3_HEADLINE_SAMPLE``, from the first whole
month in which every daily northbound value is net buying; the full Connect span is a row):

* ``us10y_to_flow`` — the week's flow on the week's ΔUS10Y (Shanghai clock);
* ``flow_to_ratio`` — the sum of the previous four weeks' flow coefficients in Δ log ratio,
  given four lags of Δ log ratio (grid in ``studies/_liquidity_specs.py``): a same-week
  flow/return co-movement is reported beside it but is not a link of the chain;
* ``total_effect`` — Δ log ratio on ΔUS10Y.

The product-of-coefficients mediation share needs sequential ignorability (no confounder of
the flow and the ratio), which same-week flows and prices violate; it stays as a descriptive
row, as do large-outflow events, Granger and Toda–Yamamoto tests and local projections.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.models import granger, local_projection, ols_hac, toda_yamamoto
from econ.models.regression import overlapping_sum
from econ.study import Figure, Table
from studies import _liquidity_specs as S
from studies._liquidity_specs import Fit
from studies.common import Proxy
from studies.liquidity.common import Collector, missing_parts, part_from_fit, row, span

#: Large-outflow events: weeks whose flow is in the bottom decile of the sample; the response
#: is the ratio's change over the next EVENT_WEEKS weeks (Hodrick errors for the overlap).
EVENT_QUANTILE = 0.10
EVENT_WEEKS = 4


def outflow_event_fit(frame: pd.DataFrame, quantile: float = EVENT_QUANTILE, weeks: int = EVENT_WEEKS) -> Fit:
    """Ratio change over the next ``weeks`` weeks after a large-outflow week, against other weeks.

    ``frame``: consecutive periods with ``flow`` and ``dy``. Slope of the forward sum
    ``Δy_{t+1} + … + Δy_{t+weeks}`` on an indicator of ``flow_t`` at or below its ``quantile``,
    with Hodrick (1992) errors (the sums overlap). Claimed sign: positive.
    """
    d = frame[["flow", "dy"]].copy()
    d["r"] = d["dy"].shift(-1)
    d = d.dropna()
    d["event"] = (d["flow"] <= d["flow"].quantile(quantile)).astype(float)
    d["Y"] = overlapping_sum(d["r"], weeks)
    res = ols_hac(d["Y"], d[["event"]], cov="hodrick", horizon=weeks, one_period=d["r"])
    return Fit.of(res, "event", events=int(d["event"].sum()))


def run(loader: DataLoader, head: Proxy, out: Collector) -> None:
    sample = S.A3_HEADLINE_SAMPLE
    try:
        f = S.cut(S.flow_frame(loader, head, "W"), *S.A3_SAMPLES[sample])
        d = f[["y", "dy", "flow", "dus", "us"]].dropna()
        links = S.a3_links(loader, head, "W", sample)
        full = S.a3_links(loader, head, "W", "full")
        lagged = S.a3_flow_fit(loader, head, "W", sample=sample)
        lagged_full = S.a3_flow_fit(loader, head, "W", sample="full")
        event = outflow_event_fit(f)
        med = S.mediation(d, "dy", "dus", "flow")
        g_us_flow = granger(d["flow"], d["dus"], cov_type="HC1")
        g_flow_ratio = granger(d["dy"], d["flow"], cov_type="HC1")
        g_ratio_flow = granger(d["flow"], d["dy"], cov_type="HC1")
        g_us_ratio = granger(d["dy"], d["dus"], cov_type="HC1")
        lv = S.cut(S.flow_frame(loader, head, "W", "cumulated"), *S.A3_SAMPLES[sample])[["y", "flow", "us"]].dropna()
        ty_us_flow = toda_yamamoto(lv["flow"], lv["us"])
        ty_flow_ratio = toda_yamamoto(lv["y"], lv["flow"])
        lp_flow = local_projection("flow", "dus", d, horizons=S.LP_HORIZONS, y_lags=S.LP_LAGS,
                                   x_lags=S.LP_LAGS, response="cumulative")
        lp_ratio = local_projection("y", "dus", d, horizons=S.LP_HORIZONS, y_lags=S.LP_LAGS,
                                    x_lags=S.LP_LAGS, response="change")
        evidence = S.northbound_definition_evidence(loader)
    except (DataError, ValueError) as exc:
        out.parts += missing_parts("A3", ("us10y_to_flow", "flow_to_ratio", "total_effect"), exc,
                                   "northbound net flows, CSI 300 turnover, US 10Y and the index closes")
        return
    proxy = f"{head.label} / CSI 300"
    era = f"net-buying era from {S.NET_BUYING_START[:7]}"
    a, b, c, b0 = links["a"], lagged.total, links["c"], links["b0"]
    out.parts += [
        part_from_fit("A3", "us10y_to_flow", a, proxy=proxy,
                      test=f"weekly HAC regression, flow on ΔUS10Y (Shanghai clock), {era}"),
        part_from_fit("A3", "flow_to_ratio", b, proxy=proxy,
                      test=f"weekly HAC regression of Δratio on flows of weeks t−1..t−4 and 4 lags of Δratio; "
                           f"sum of the flow lags, {era}",
                      detail=f"{span(b)}, N = {b.nobs}: sum β {b.beta:.3f} (p {b.p:.3f}); Wald p of the 4 flow lags "
                             f"{lagged.wald_p:.3f}; same-week co-movement (not a link) {b0.beta:.3f} (p {b0.p:.3f})"),
        part_from_fit("A3", "total_effect", c, proxy=proxy,
                      test=f"weekly HAC regression, Δratio on ΔUS10Y (Shanghai clock), {era}"),
    ]
    out.rows += [
        row("A3", "(a) ΔUS10Y → northbound flow", "W", a, -1),
        row("A3", "(b) flows of weeks t−1..t−4 → Δratio, sum", "W", b, -1),
        row("A3", "(c) ΔUS10Y → Δratio, total", "W", c, +1),
    ]

    def test_row(label: str, stat: float, p: float, n: int, detail: str) -> dict[str, Any]:
        return {"Statistic": stat, "s.e.": np.nan, "p": p, "95% CI": "", "N": n, "Detail": detail, "_": label}

    def fit_row(label: str, fit: Fit, detail: str) -> dict[str, Any]:
        return {"Statistic": fit.beta, "s.e.": fit.se, "p": fit.p, "95% CI": f"[{fit.ci[0]:.3f}, {fit.ci[1]:.3f}]",
                "N": fit.nobs, "Detail": f"{span(fit)}; {detail}" if detail else span(fit), "_": label}

    ci = med.indirect_ci
    rows = [
        fit_row("(a) flow on ΔUS10Y", a, "part us10y_to_flow; claimed < 0"),
        fit_row("(b) Δratio on flows t−1..t−4, sum", b, f"part flow_to_ratio; claimed < 0; Wald p of the lags "
                                                      f"{lagged.wald_p:.3f}"),
        fit_row("(c) Δratio on ΔUS10Y, total", c, "part total_effect; claimed > 0"),
        fit_row("(a) full Connect span", full["a"], "robustness: includes quota-use values"),
        fit_row("(b) full Connect span", lagged_full.total, f"robustness; Wald p {lagged_full.wald_p:.3f}"),
        fit_row("(c) full Connect span", full["c"], "robustness"),
        fit_row("same-week flow and Δratio | ΔUS10Y", b0, "co-movement, not a link (descriptive)"),
        fit_row(f"large outflows (bottom {EVENT_QUANTILE:.0%}) → Δratio over {EVENT_WEEKS} weeks", event,
                f"{event.extra['events']} event weeks; Hodrick errors; claimed > 0"),
        {"Statistic": med.indirect, "s.e.": med.sobel_se, "p": med.indirect_boot_p,
         "95% CI": f"[{ci[0]:.3f}, {ci[1]:.3f}]", "N": med.a.nobs,
         "Detail": f"descriptive only: same-week a·b, block bootstrap, {med.reps} draws, block {med.block}",
         "_": "mediation a·b (same week)"},
        {"Statistic": med.share, "s.e.": np.nan, "p": np.nan,
         "95% CI": f"[{med.share_ci[0]:.2f}, {med.share_ci[1]:.2f}]", "N": med.a.nobs,
         "Detail": "descriptive only: a·b / total", "_": "mediation share"},
    ]
    for label, g in (("Granger: ΔUS10Y → flow", g_us_flow), ("Granger: flow → Δratio", g_flow_ratio),
                     ("Granger: Δratio → flow", g_ratio_flow), ("Granger: ΔUS10Y → Δratio", g_us_ratio)):
        rows.append(test_row(label, g.f_stat, g.f_pvalue, g.nobs, f"F, {g.lags} lags (AIC), HC1"))
    for label, t in (("Toda–Yamamoto: US10Y → cum. flow", ty_us_flow),
                     ("Toda–Yamamoto: cum. flow → log ratio", ty_flow_ratio)):
        rows.append(test_row(label, t.stat, t.pvalue, int(t.extra["nobs"]),
                             f"Wald chi2, p = {t.extra['p']}, dmax = {t.extra['dmax']}"))
    for name, lp in (("cum. flow", lp_flow), ("log ratio", lp_ratio)):
        for h in (0, 4, 12):
            rows.append({"Statistic": lp.irf[h], "s.e.": lp.se[h],
                         "p": 2 * stats.norm.sf(abs(lp.irf[h] / lp.se[h])), "95% CI": "",
                         "N": int(lp.nobs[h]), "Detail": f"HAC lags {int(lp.hac_lags[h])}",
                         "_": f"LP: {name}, h = {h} weeks"})
    chain = pd.DataFrame(rows).set_index("_")
    chain.index.name = None
    ev = evidence
    out.tables.append(Table(
        name="lf_a3_chain", caption="A3: US 10Y, northbound flows and the CSI 1000/CSI 300 ratio (weekly)",
        frame=chain,
        notes=[f"Weekly (Friday), headline rows {span(a)}: the net-buying era. Flow: northbound net buying in % of "
               "CSI 300 turnover of the week; ratio: 100·log(CSI 1000/CSI 300); US 10Y in pp, read on the Shanghai "
               "clock (the last US close before the China close). (a), (c): OLS in differences with a constant; "
               f"(b): Δratio on the flows of the four previous weeks and four lags of Δratio, the sum of the flow "
               f"coefficients with its HAC s.e. and the HAC Wald test of the four; {a.desc}. The northbound series "
               "changes definition (Tushare's early values are the exchanges' quota use): the share of daily "
               "Shanghai Connect values that are whole CNY millions, as quota-balance figures were published, is "
               + "; ".join(f"{p}: Mon–Thu {r['Whole millions, Mon–Thu']:.2f}, Fri {r['Whole millions, Fri']:.2f}"
                           for p, r in ev.iterrows())
               + f"; the headline starts with {S.NET_BUYING_START}, the first whole month of net buying on every "
               "day. Mediation rows: the product of the same-week links, descriptive only — it needs sequential "
               "ignorability, which same-week flows and prices violate; its p and CI are from a moving-block "
               f"bootstrap ({med.reps} draws, block {med.block} weeks, seed {S.SEED}). Large outflows: weeks with "
               f"the flow in its bottom decile; slope of the ratio's change over the next {EVENT_WEEKS} weeks on the "
               "event indicator. Granger: F tests in differences, HC1. Toda–Yamamoto: lag-augmented levels VAR of "
               "cumulated flows (CNY 100bn), the US 10Y level and the log ratio. LP: Jordà local projections on a "
               "+1 pp ΔUS10Y, 4 lags of each, HAC lags ≥ h. CSI 1000 is published over every sample here "
               "(launched 2014-10-17)."],
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
        secondary=["100·log(CSI 1000/CSI 300)"], vlines=["2016-01-01", S.NET_BUYING_START, "2021-01-01"]))
    wm = ev["Whole millions, Mon–Thu"].to_numpy()
    wf = ev["Whole millions, Fri"].to_numpy()
    out.numbers.update({
        "A3_a": a.beta, "A3_a_p": a.p, "A3_b": b.beta, "A3_b_p": b.p, "A3_b_wald_p": lagged.wald_p,
        "A3_b_lag1": lagged.contemp.beta, "A3_b0": b0.beta, "A3_b0_p": b0.p,
        "A3_total": c.beta, "A3_total_p": c.p,
        "A3_full_a": full["a"].beta, "A3_full_a_p": full["a"].p, "A3_full_b": lagged_full.total.beta,
        "A3_full_b_p": lagged_full.total.p, "A3_full_total": full["c"].beta, "A3_full_total_p": full["c"].p,
        "A3_event": event.beta, "A3_event_p": event.p, "A3_event_n": event.extra["events"],
        "A3_direct": med.direct.beta, "A3_indirect": med.indirect, "A3_indirect_lo": ci[0], "A3_indirect_hi": ci[1],
        "A3_indirect_p": med.indirect_boot_p, "A3_share": med.share, "A3_share_lo": med.share_ci[0],
        "A3_share_hi": med.share_ci[1], "A3_nobs": a.nobs, "A3_b_nobs": b.nobs,
        "A3_start": f"{pd.Timestamp(a.start):%Y-%m-%d}", "A3_end": f"{pd.Timestamp(a.end):%Y-%m-%d}",
        "A3_net_buying_start": S.NET_BUYING_START, "A3_hac_lags": a.hac_lags, "A3_block": med.block,
        "A3_whole_early": float(wm[0]), "A3_whole_mid_monthu": float(wm[1]), "A3_whole_mid_fri": float(wf[1]),
        "A3_whole_late": float(max(wm[2], wf[2])),
        "A3_granger_us_flow_p": g_us_flow.f_pvalue, "A3_granger_flow_ratio_p": g_flow_ratio.f_pvalue,
        "A3_granger_ratio_flow_p": g_ratio_flow.f_pvalue, "A3_granger_us_ratio_p": g_us_ratio.f_pvalue,
        "A3_ty_us_flow_p": ty_us_flow.pvalue, "A3_ty_flow_ratio_p": ty_flow_ratio.pvalue,
        "A3_lp_flow_h4": float(lp_flow.irf[4]), "A3_lp_flow_h4_se": float(lp_flow.se[4]),
        "A3_lp_flow_h12": float(lp_flow.irf[12]), "A3_lp_flow_h12_se": float(lp_flow.se[12]),
        "A3_lp_ratio_h4": float(lp_ratio.irf[4]), "A3_lp_ratio_h4_se": float(lp_ratio.se[4]),
    })
    out.headline_desc = a.desc
