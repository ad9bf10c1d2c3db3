"""C5 — DR007 acts on the size style at once, through valuation.

Parts: direction (β0; grid in ``studies/_liquidity_specs.py``), immediacy (HAC Wald test of
lags 1–4), pe_channel and eps_not_channel (CSI 500 / CSI 300 relative P/E and EPS).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.study import Figure, PartResult, Table
from studies import _liquidity_specs as S
from studies._liquidity_specs import HEADLINE_RATE
from studies.common import Proxy
from studies.liquidity.common import (
    Collector,
    missing_parts,
    part_from_fit,
    row,
    span,
    valuation_frame,
)


def run(loader: DataLoader, head: Proxy, out: Collector) -> None:
    rows: list[dict[str, Any]] = []
    fits: dict[tuple[str, str], S.DistLag] = {}

    def add(outcome: str, pair: str, rate: str, dl: S.DistLag) -> None:
        fits[(outcome, rate)] = dl
        c, ls = dl.contemp, dl.lag_sum
        rows.append({"Outcome": outcome, "Rate": rate, "Sample": span(c), "N": c.nobs, "β0": c.beta,
                     "s.e.": c.se, "p": c.p, "sum β1..L": ls.beta, "s.e. ": ls.se, "Wald p (lags)": dl.wald_p,
                     "β0 / sum β": c.beta / dl.total.beta if dl.total.beta else np.nan, "_pair": pair})

    try:
        for rate in (*S.RATES, "DR007 (period-end)"):
            r, agg = (rate, "mean") if rate in S.RATES else (HEADLINE_RATE, "last")
            add(f"{head.label}/300 ratio", head.label, rate, S.c5_fit(loader, head, rate=r, agg=agg))
        for pair, start, end in (("CSI 500", S.VALUATION_START, None), ("CSI 1000", None, None)):
            for rate in (S.RATES if pair == "CSI 500" else (HEADLINE_RATE,)):
                try:
                    v = valuation_frame(loader, pair, "W", {"rate": S.RATES[rate]}, start, end)
                except DataError:
                    continue
                short = pair.replace("CSI ", "")
                for col, label in (("dy", f"{short}/300 ratio, P/E span"), ("dpe", f"{short}/300 rel. P/E"),
                                   ("deps", f"{short}/300 rel. EPS")):
                    add(label, pair, rate, S.distributed_lag(v, col, "drate", S.LAGS["W"]["short"]))
    except (DataError, ValueError) as exc:
        out.parts += missing_parts("C5", ("direction", "immediacy", "pe_channel", "eps_not_channel"), exc,
                              "DR007 (or SHIBOR 1W), index closes, CSI 500 and CSI 300 P/E")
        return
    h = fits[(f"{head.label}/300 ratio", HEADLINE_RATE)]
    pe = fits.get(("500/300 rel. P/E", HEADLINE_RATE))
    eps = fits.get(("500/300 rel. EPS", HEADLINE_RATE))
    proxy, test = f"{head.label} / CSI 300", "weekly distributed lag in differences, HAC"
    vproxy = "CSI 500 / CSI 300 (P/E from 2012)"
    out.parts += [
        part_from_fit("C5", "direction", h.contemp, proxy=proxy, test=test),
        PartResult("C5", "immediacy", estimate=float(h.lag_sum.beta), se=float(h.lag_sum.se), pvalue=float(h.wald_p),
                   n=int(h.contemp.nobs), proxy=proxy, test="HAC Wald test that lags 1–4 are all zero",
                   detail=f"lag sum {h.lag_sum.beta:.3f}; β0 / total = "
                          f"{h.contemp.beta / h.total.beta if h.total.beta else float('nan'):.2f}"),
        part_from_fit("C5", "pe_channel", pe.contemp, proxy=vproxy, test=test) if pe is not None
        else PartResult("C5", "pe_channel", missing="CSI 500 and CSI 300 P/E"),
        PartResult("C5", "eps_not_channel", estimate=float(eps.contemp.beta), se=float(eps.contemp.se),
                   ci=tuple(map(float, eps.contemp.ci)), pvalue=float(eps.contemp.p), n=int(eps.contemp.nobs),
                   proxy=vproxy, test=test) if eps is not None
        else PartResult("C5", "eps_not_channel", missing="CSI 500 and CSI 300 P/E"),
    ]
    out.rows += [row("C5", "ΔDR007 → Δratio, β0", "W", h.contemp, -1),
                 {**row("C5", "ΔDR007 lags 1–4 → Δratio, sum β (Wald p)", "W", h.lag_sum, -1),
                  "p": h.wald_p, "Claimed": "0"}]
    if pe is not None and eps is not None:
        out.rows += [row("C5", "ΔDR007 → Δrel. P/E 500/300, β0", "W", pe.contemp, -1),
                     {**row("C5", "ΔDR007 → Δrel. EPS 500/300, β0", "W", eps.contemp, -1), "Claimed": "0"}]
    table = pd.DataFrame(rows).set_index(["Outcome", "Rate"]).drop(columns="_pair")
    out.tables.append(Table(
        name="lf_c5_distlag", caption="C5: does the size style react to DR007 at once? Weekly distributed lags",
        frame=table,
        notes=[f"Δ(100·log outcome)(t) = a + sum over j = 0..4 of βj·Δrate(t−j) + e_t, weekly (Friday). Rate: period "
               "mean of daily DR007 last-trade closes (headline), SHIBOR 1W, or the DR007 close of the last "
               f"trading day of the week. {h.contemp.desc}. Wald p: HAC F test of β1 = … = β4 = 0. "
               "sum β1..L with its HAC s.e. β0/sum β: share of the cumulated effect at lag 0. Relative P/E: "
               "trailing P/E of the small index over CSI 300; relative EPS = ratio − relative P/E, so the "
               "ratio's coefficients are the sum of the two on the same rows. P/E of CSI 500 and CSI 300 "
               f"from {S.VALUATION_START} (a gap in early 2012 excluded); CSI 1000 P/E 2021-11 to 2024-11 only."],
        digits={"N": 0, "β0": 3, "s.e.": 3, "p": 3, "sum β1..L": 3, "s.e. ": 3, "Wald p (lags)": 3,
                "β0 / sum β": 2}))
    lagfig = {}
    for key, label in (((f"{head.label}/300 ratio", HEADLINE_RATE), f"{head.label}/300 ratio"),
                       (("500/300 rel. P/E", HEADLINE_RATE), "500/300 relative P/E"),
                       (("500/300 rel. EPS", HEADLINE_RATE), "500/300 relative EPS")):
        if key in fits:
            lagfig[label] = np.cumsum(fits[key].coefs.to_numpy())
    out.figures.append(Figure(
        name="lf_c5_lags", title="C5: cumulated response to a +1 pp weekly change in DR007",
        data=pd.DataFrame(lagfig, index=pd.Index([f"lag {j}" for j in range(h.lags + 1)], name="lag")),
        ylabel="% per pp, sum β0..j", hlines=[0.0]))
    shib = fits[(f"{head.label}/300 ratio", "SHIBOR 1W")]
    end = fits[(f"{head.label}/300 ratio", "DR007 (period-end)")]
    out.numbers.update({
        "C5_contemp_beta": h.contemp.beta, "C5_contemp_se": h.contemp.se, "C5_contemp_p": h.contemp.p,
        "C5_contemp_lo": h.contemp.ci[0], "C5_contemp_hi": h.contemp.ci[1],
        "C5_lag_sum": h.lag_sum.beta, "C5_lag_sum_p": h.lag_sum.p, "C5_lag_wald_p": h.wald_p,
        "C5_share_contemp": h.contemp.beta / h.total.beta if h.total.beta else np.nan,
        "C5_nobs": h.contemp.nobs, "C5_start": f"{pd.Timestamp(h.contemp.start):%Y-%m-%d}",
        "C5_end": f"{pd.Timestamp(h.contemp.end):%Y-%m-%d}", "C5_hac_lags": h.contemp.hac_lags,
        "C5_shibor_beta": shib.contemp.beta, "C5_shibor_p": shib.contemp.p, "C5_shibor_wald_p": shib.wald_p,
        "C5_periodend_beta": end.contemp.beta, "C5_periodend_p": end.contemp.p,
    })
    if pe is not None and eps is not None:
        r500 = fits[("500/300 ratio, P/E span", HEADLINE_RATE)]
        out.numbers.update({
            "C5_pe_beta": pe.contemp.beta, "C5_pe_p": pe.contemp.p, "C5_pe_wald_p": pe.wald_p,
            "C5_eps_beta": eps.contemp.beta, "C5_eps_p": eps.contemp.p, "C5_eps_wald_p": eps.wald_p,
            "C5_ratio500_beta": r500.contemp.beta, "C5_ratio500_p": r500.contemp.p,
            "C5_pe_share": pe.contemp.beta / r500.contemp.beta if r500.contemp.beta else np.nan,
        })
