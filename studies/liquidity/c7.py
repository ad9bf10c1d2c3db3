"""C7 — Russell 2000 / S&P 500 rises when the Fed balance sheet expands.

Parts: direction (monthly; grid in ``studies/_liquidity_specs.py``) and episode_2008_10.
"""

from __future__ import annotations

import pandas as pd

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.models import ols_hac
from econ.study import Figure, Table
from studies import _liquidity_specs as S
from studies._liquidity_specs import Fit
from studies.liquidity.common import Collector, missing_parts, part_from_fit, row, span

C7_EPISODES = {"2008-09 → 2010-12": ("2008-09-01", "2010-12-31"), "2020-03 → 2021-06": ("2020-03-01", "2021-06-30")}


def run(loader: DataLoader, out: Collector) -> None:
    rows = []
    try:
        head = S.c7_fit(loader, "M", "full", "none")
        fits = {("M", "full", "β0"): head.contemp,
                ("M", "full", "sum β0..3"): S.c7_fit(loader, "M", "full", "short").total,
                ("W", "full", "β0"): S.c7_fit(loader, "W", "full", "none").contemp,
                ("W", "full", "sum β0..4"): S.c7_fit(loader, "W", "full", "short").total}
        for sample in ("2014–2020", "2021–"):
            fits[("M", sample, "β0")] = S.c7_fit(loader, "M", sample, "none").contemp
        w = S.fed_frame(loader, "W")
        episodes = {}
        for label, (a, b) in C7_EPISODES.items():
            d = S.cut(w, a, b)[["dy", "dx"]].dropna()
            episodes[label] = Fit.of(ols_hac(d["dy"], d[["dx"]]), "dx")
            fits[("W", label, "β0")] = episodes[label]
    except (DataError, ValueError) as exc:
        out.parts += missing_parts("C7", ("direction", "episode_2008_10"), exc, "Russell 2000, S&P 500 and Fed total assets")
        return
    for (freq, sample, coef), fit in fits.items():
        f = S.fed_frame(loader, freq)
        seg = S.cut(f, fit.start, fit.end)
        rows.append({"Freq": freq, "Sample": sample, "Coef.": coef, "Span": span(fit), "N": fit.nobs,
                     "β": fit.beta, "s.e.": fit.se, "p": fit.p, "Fed assets growth (%)": float(seg["dx"].sum()),
                     "Δ ratio (%)": float(seg["dy"].sum())})
    h = head.contemp
    out.parts += [part_from_fit("C7", "direction", h, proxy="Russell 2000 / S&P 500", test="monthly HAC regression in differences"),
                  part_from_fit("C7", "episode_2008_10", episodes["2008-09 → 2010-12"], proxy="Russell 2000 / S&P 500",
                        test="weekly HAC regression in the article's episode")]
    out.rows.append(row("C7", "Fed assets growth → Δ(R2000/S&P 500)", "M", h, +1))
    for k, f in episodes.items():
        out.rows.append(row("C7", f"… in episode {k}", "W", f, +1))
    table = pd.DataFrame(rows).set_index(["Freq", "Sample", "Coef."])
    out.tables.append(Table(
        name="lf_c7_fed", caption="C7: Russell 2000 / S&P 500 and Fed balance-sheet growth",
        frame=table,
        notes=["Δ100·log(Russell 2000 / S&P 500) on 100·Δlog Fed total assets (WALCL, Wednesday level, public the "
               f"next day), constant; β0 contemporaneous, the sum of β over the lags with its HAC s.e.; {h.desc}. Fed assets "
               "growth and Δ ratio: cumulated over the span. Episodes: the article's examples of rapid balance-sheet "
               "expansion (weekly data)."],
        digits={"N": 0, "β": 3, "s.e.": 3, "p": 3, "Fed assets growth (%)": 1, "Δ ratio (%)": 1}))
    m = S.fed_frame(loader, "M")
    out.figures.append(Figure(
        name="lf_c7_fed", title="C7: Russell 2000 / S&P 500 and the Fed's total assets (monthly)",
        data=pd.DataFrame({"100·log(Russell 2000 / S&P 500)": m["y"],
                           "Fed total assets (USD trillion)": m["fed"] / 1e6}),
        secondary=["Fed total assets (USD trillion)"], vlines=[a for a, _ in C7_EPISODES.values()]))
    out.numbers.update({
        "C7_beta": h.beta, "C7_se": h.se, "C7_p": h.p, "C7_nobs": h.nobs, "C7_lo": h.ci[0], "C7_hi": h.ci[1],
        "C7_weekly_beta": fits[("W", "full", "β0")].beta, "C7_weekly_p": fits[("W", "full", "β0")].p,
        "C7_sum_beta": fits[("M", "full", "sum β0..3")].beta, "C7_sum_p": fits[("M", "full", "sum β0..3")].p,
        "C7_ep0810_beta": episodes["2008-09 → 2010-12"].beta, "C7_ep0810_p": episodes["2008-09 → 2010-12"].p,
        "C7_ep2021_beta": episodes["2020-03 → 2021-06"].beta, "C7_ep2021_p": episodes["2020-03 → 2021-06"].p,
    })
    tab = table.reset_index()
    for label, key in (("2008-09 → 2010-12", "C7_ep0810"), ("2020-03 → 2021-06", "C7_ep2021")):
        r = tab[tab["Sample"] == label].iloc[0]
        out.numbers[f"{key}_dratio"] = r["Δ ratio (%)"]
        out.numbers[f"{key}_growth"] = r["Fed assets growth (%)"]
