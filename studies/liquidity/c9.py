"""C9 — northbound inflows favour large caps (2016–2020); margin growth favours small caps (2013–2015, 2021).

Parts: one per window (weekly HAC slopes inside the article's windows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.study import Table
from studies import _liquidity_specs as S
from studies.common import (
    BACK_CALCULATED_MARK,
    BACK_CALCULATED_NOTE,
    LAUNCHED,
    Proxy,
    back_calculated,
)
from studies.liquidity.common import (
    SIGN,
    Collector,
    margin_frame,
    missing_parts,
    part_from_fit,
    row,
    window_fit,
)

C9_WINDOWS = {  # (flow, window label): (start, end, claimed sign on Δ log ratio)
    ("northbound", "2016–2020"): ("2016-01-01", "2020-12-31", -1),
    ("margin", "2013–2015"): ("2013-01-01", "2015-12-31", +1),
    ("margin", "2021"): ("2021-01-01", "2021-12-31", +1),
}
C9_PARTS = {("northbound", "2016–2020"): "northbound_2016_2020", ("margin", "2013–2015"): "margin_2013_2015",
            ("margin", "2021"): "margin_2021"}
C9_OUTSIDE = {
    ("northbound", "outside 2016–2020"): [(S.NB_START, "2015-12-31"), ("2021-01-01", S.NB_END)],
    ("margin", "outside windows"): [("2016-01-01", "2020-12-31"), ("2022-01-01", None)],
}
#: Robustness rows inside the windows (not parts): the northbound window's net-buying weeks
#: (the series measures quota use before S.NET_BUYING_START) and the margin window from CSI
#: 1000's launch (its earlier values are back-calculated).
C9_ROBUST = {
    ("northbound", "2016–2020, net-buying era"): ([(S.NET_BUYING_START, "2020-12-31")], -1),
    ("margin", "2013–2015, from CSI 1000's launch"): ([(str(LAUNCHED["cn.index.csi1000.close"]), "2015-12-31")], +1),
}


def run(loader: DataLoader, head: Proxy, out: Collector) -> None:
    rows = []
    holds = {}
    try:
        frames = {"northbound": (S.flow_frame(loader, head, "W"), "flow"),
                  "margin": (margin_frame(loader, head), "growth")}
        specs: list[tuple[str, str, list[tuple[str | None, str | None]], int, bool]] = [
            (flow, label, [(a, b)], sign, True) for (flow, label), (a, b, sign) in C9_WINDOWS.items()]
        specs += [(flow, label, wins, -1 if flow == "northbound" else +1, False)
                  for (flow, label), wins in C9_OUTSIDE.items()]
        specs += [(flow, label, wins, sign, False) for (flow, label), (wins, sign) in C9_ROBUST.items()]
        for flow, label, wins, sign, in_window in specs:
            f, x = frames[flow]
            fit = window_fit(f, x, wins)
            d = pd.concat([S.cut(f, a, b) for a, b in wins])[["dy", x, "y"]].dropna()
            nz = d[(d[x] != 0) & (d["dy"] != 0)]
            agree = int((np.sign(nz[x]) == sign * np.sign(nz["dy"])).sum())
            binom = stats.binomtest(agree, len(nz), 0.5)
            seg = pd.concat([S.cut(f, a, b) for a, b in wins])
            total = float(seg["nb"].sum() / 1e5) if flow == "northbound" else float(seg[x].sum())
            dratio = float(sum(S.cut(f, a, b)["dy"].dropna().sum() for a, b in wins))
            back = back_calculated(head, min(d.index)) if len(d) else False
            rows.append({"Flow": flow, "Window": label + (BACK_CALCULATED_MARK if back else ""), "Weeks": fit.nobs, "β": fit.beta, "s.e.": fit.se,
                         "p": fit.p, "Claimed": SIGN[sign], "Concordant": agree / len(nz), "Binomial p": binom.pvalue,
                         "Cum. flow / growth": total, "Δ ratio (%)": dratio})
            if in_window:
                holds[(flow, label)] = fit
    except (DataError, ValueError) as exc:
        out.parts += missing_parts("C9", tuple(C9_PARTS.values()), exc,
                              "northbound net flows, CSI 300 turnover, margin financing balance")
        return
    for key, fit in holds.items():
        out.parts.append(part_from_fit("C9", C9_PARTS[key], fit, proxy=f"{head.label} / CSI 300",
                               test="weekly HAC regression inside the article's window"))
    for (flow, label), fit in holds.items():
        rel = "northbound flow → Δratio" if flow == "northbound" else "margin growth → Δratio"
        out.rows.append(row("C9", f"{rel}, {label}", "W", fit, C9_WINDOWS[(flow, label)][2]))
    table = pd.DataFrame(rows).set_index(["Flow", "Window"])
    out.tables.append(Table(
        name="lf_c9_windows", caption="C9: northbound flows and margin growth against the size style, by window",
        frame=table,
        notes=["Weekly Δ100·log(CSI 1000/CSI 300) on the northbound net flow (% of CSI 300 turnover) or on margin "
               f"financing balance growth (100·Δlog), constant, {next(iter(holds.values())).desc}. Concordant: share of weeks in which the "
               "flow and the ratio move as claimed (inflow with a falling ratio; margin growth with a rising one); "
               "binomial p against one half. Cum. flow / growth: cumulated northbound net buying (CNY 100bn) or "
               "cumulated margin growth (%) over the window; Δ ratio: cumulated change of the log ratio (%). "
               "Outside rows: the same regression on the remaining weeks of each flow's data. Net-buying era: the "
               f"northbound series measures quota use before {S.NET_BUYING_START} (see the A3 table). "
               + BACK_CALCULATED_NOTE + "."],
        digits={"Weeks": 0, "β": 3, "s.e.": 3, "p": 3, "Concordant": 2, "Binomial p": 3, "Cum. flow / growth": 1,
                "Δ ratio (%)": 1}))
    keys = {("northbound", "2016–2020"): "C9_nb", ("margin", "2013–2015"): "C9_margin1315",
            ("margin", "2021"): "C9_margin21"}
    for k, fit in holds.items():
        out.numbers.update({f"{keys[k]}_beta": fit.beta, f"{keys[k]}_p": fit.p, f"{keys[k]}_nobs": fit.nobs})
    tab = table.reset_index()
    tab["Window"] = tab["Window"].str.rstrip(BACK_CALCULATED_MARK)
    for k, prefix in keys.items():
        r = tab[(tab.Flow == k[0]) & (tab.Window == k[1])].iloc[0]
        out.numbers.update({f"{prefix}_concordant": r["Concordant"], f"{prefix}_binom_p": r["Binomial p"],
                            f"{prefix}_total": r["Cum. flow / growth"], f"{prefix}_dratio": r["Δ ratio (%)"]})
    for (flow, label) in C9_OUTSIDE:
        r = tab[(tab.Flow == flow) & (tab.Window == label)].iloc[0]
        out.numbers.update({f"C9_{flow}_outside_beta": r["β"], f"C9_{flow}_outside_p": r["p"]})
    for (flow, label), key in zip(C9_ROBUST, ("C9_nb_netbuying", "C9_margin1315_live"), strict=True):
        r = tab[(tab.Flow == flow) & (tab.Window == label)].iloc[0]
        out.numbers.update({f"{key}_beta": r["β"], f"{key}_p": r["p"], f"{key}_nobs": r["Weeks"]})
