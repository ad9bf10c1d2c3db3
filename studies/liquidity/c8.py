"""C8 — falling DR007 first lifts relative P/E, then M1−M2 lifts relative EPS.

Parts: stage1_pe and stage2_eps (monthly distributed-lag sums with HAC errors).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.study import Table
from studies import _liquidity_specs as S
from studies._liquidity_specs import HEADLINE_RATE
from studies.liquidity.common import (
    Collector,
    missing_parts,
    part_from_fit,
    row,
    span,
    valuation_frame,
)


def run(loader: DataLoader, out: Collector) -> None:
    rows: list[dict[str, Any]] = []
    res: dict[str, S.DistLag] = {}

    def add(key: str, stage: str, outcome: str, regressor: str, pair: str, dl: S.DistLag) -> None:
        res[key] = dl
        coefs = dl.coefs.to_numpy()
        rows.append({"Stage": stage, "Outcome": outcome, "Regressor": regressor, "Pair": pair,
                     "Sample": span(dl.total), "N": dl.total.nobs, "β0": dl.contemp.beta, "p(β0)": dl.contemp.p,
                     "sum β": dl.total.beta, "s.e.": dl.total.se, "p(sum β)": dl.total.p,
                     "Peak lag": int(np.argmax(np.abs(coefs))), "Wald p (lags)": dl.wald_p})

    try:
        for pair in ("CSI 500", "CSI 1000"):
            start = S.VALUATION_START if pair == "CSI 500" else None
            try:
                v = valuation_frame(loader, pair, "M", {"rate": S.RATES[HEADLINE_RATE], "m1": S.M1, "m2": S.M2},
                                    start, S.M1_BASIS_END)
            except DataError:
                if pair == "CSI 500":
                    raise
                continue
            v["dgap"] = (v["m1"] - v["m2"]).diff()
            short = pair.replace("CSI ", "") + "/300"
            lag1, lag2 = S.LAGS["M"]["short"], S.C8_EPS_LAGS
            for key, stage, col, x, lags, lab in (
                    ("s1_pe", "1", "dpe", "drate", lag1, "ΔDR007"), ("s1_eps", "1 (contrast)", "deps", "drate", lag1,
                                                                    "ΔDR007"),
                    ("s2_eps", "2", "deps", "dgap", lag2, "Δ(M1−M2)"), ("s2_pe", "2 (contrast)", "dpe", "dgap", lag2,
                                                                         "Δ(M1−M2)")):
                try:
                    add(f"{key}_{pair}", stage, f"rel. {'P/E' if col == 'dpe' else 'EPS'}", lab, short,
                        S.distributed_lag(v, col, x, lags))
                except ValueError:
                    if pair == "CSI 500":
                        raise
        # stage 1 with SHIBOR 1W (CSI 500/300)
        v = valuation_frame(loader, "CSI 500", "M", {"rate": S.RATES["SHIBOR 1W"]}, S.VALUATION_START,
                            S.M1_BASIS_END)
        add("s1_pe_shibor", "1", "rel. P/E", "ΔSHIBOR 1W", "500/300",
            S.distributed_lag(v, "dpe", "drate", S.LAGS["M"]["short"]))
    except (DataError, ValueError) as exc:
        out.parts += missing_parts("C8", ("stage1_pe", "stage2_eps"), exc, "DR007, M1/M2 yoy, CSI 500 and CSI 300 P/E")
        return
    s1, s2 = res["s1_pe_CSI 500"].total, res["s2_eps_CSI 500"].total
    vproxy = "CSI 500 / CSI 300 (P/E available 2012–)"
    test = "monthly distributed lag in differences, HAC t-test of the lag sum"
    out.parts += [part_from_fit("C8", "stage1_pe", s1, proxy=vproxy, test=test),
                  part_from_fit("C8", "stage2_eps", s2, proxy=vproxy, test=test)]
    out.rows += [row("C8", "stage 1: ΔDR007 → Δrel. P/E, sum β0..3", "M", s1, -1),
                 row("C8", "stage 2: Δ(M1−M2) → Δrel. EPS, sum β0..6", "M", s2, +1)]
    table = pd.DataFrame(rows).set_index(["Stage", "Outcome", "Regressor", "Pair"])
    out.tables.append(Table(
        name="lf_c8_stages", caption="C8: DR007 → relative P/E, then M1−M2 → relative EPS (monthly)",
        frame=table,
        notes=[f"Month-end data; Δ(100·log relative P/E or EPS)_t on the regressor's change at lags 0..L "
               f"(L = {S.LAGS['M']['short']} for stage 1, {S.C8_EPS_LAGS} for stage 2), constant, {s1.desc}. "
               "sum β: cumulated response with its HAC s.e. and p; peak lag: lag with the largest |β|. DR007 and "
               "SHIBOR 1W are monthly means; M1−M2 is the gap of the yoy growth rates (pp), entered from the month "
               f"it was published (15-day lag); sample ends {S.M1_BASIS_END} because M1 is redefined from 2025. "
               "Contrast rows: the other outcome on the same regressor (the claim expects them to be weaker). "
               "Claimed signs: stage 1 negative, stage 2 positive (small-cap EPS recovers faster)."],
        digits={"N": 0, "β0": 3, "p(β0)": 3, "sum β": 3, "s.e.": 3, "p(sum β)": 3, "Peak lag": 0,
                "Wald p (lags)": 3}))
    out.numbers.update({
        "C8_s1_sum": s1.beta, "C8_s1_se": s1.se, "C8_s1_p": s1.p, "C8_s2_sum": s2.beta, "C8_s2_se": s2.se,
        "C8_s2_p": s2.p, "C8_nobs": s1.nobs, "C8_s2_nobs": s2.nobs,
        "C8_s1_contemp": res["s1_pe_CSI 500"].contemp.beta, "C8_s1_contemp_p": res["s1_pe_CSI 500"].contemp.p,
        "C8_s1_shibor_sum": res["s1_pe_shibor"].total.beta, "C8_s1_shibor_p": res["s1_pe_shibor"].total.p,
        "C8_s2_pe_sum": res["s2_pe_CSI 500"].total.beta, "C8_s2_pe_p": res["s2_pe_CSI 500"].total.p,
        "C8_s1_eps_sum": res["s1_eps_CSI 500"].total.beta, "C8_s1_eps_p": res["s1_eps_CSI 500"].total.p,
    })
