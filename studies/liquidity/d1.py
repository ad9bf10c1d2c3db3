"""D1 — cross-border capital favours CSI 300; global liquidity easing favours CSI 1000.

Parts: one per factor (monthly HAC regressions, one factor at a time).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.models import ols_hac
from econ.study import Table
from studies import _liquidity_specs as S
from studies._liquidity_specs import Fit
from studies.common import Proxy
from studies.liquidity.common import SIGN, Collector, fit_or_nan, missing_parts, part_from_fit, span

D1_SAMPLE = ("2010-01-01", "2025-01-31")   # the article's backtest span
#: D1 factors: label → (group, claimed sign on Δ log(CSI 1000/CSI 300)).
D1_FACTORS = {
    "Northbound net flow (% of CSI 300 turnover)": ("cross-border", -1),
    "Δ China−US 10Y spread (pp)": ("cross-border", -1),
    "Current account, yoy change (USD 100bn)": ("cross-border", -1),
    "Δ Fed funds (pp)": ("global liquidity", -1),
    "Fed total assets growth (%)": ("global liquidity", +1),
    "Broad dollar change (%)": ("global liquidity", -1),
}
D1_PARTS = dict(zip(D1_FACTORS, ("northbound", "spread", "current_account", "fed_funds", "fed_assets", "dollar"),
                    strict=True))
def d1_frame(loader: DataLoader, proxy: Proxy) -> pd.DataFrame:
    """Monthly Δy and the six D1 factors (columns named as in :data:`D1_FACTORS`)."""
    f = S.style_frame(loader, proxy, "M", {"nb": S.NORTHBOUND, "to": S.TURNOVER, "cgb": S.CGB10Y, "us": S.US10Y,
                                           "ca": S.CURRENT_ACCOUNT, "ff": S.FED_FUNDS, "fed": S.FED_ASSETS,
                                           "usd": S.DOLLAR})
    names = list(D1_FACTORS)
    f["dy"] = f["y"].diff()
    f[names[0]] = f["nb"] / f["to"]
    f[names[1]] = (f["cgb"] - f["us"]).diff()
    f[names[2]] = (f["ca"] - f["ca"].shift(12)) / 1000.0
    f[names[3]] = f["ff"].diff()
    f[names[4]] = 100.0 * np.log(f["fed"]).diff()
    f[names[5]] = 100.0 * np.log(f["usd"]).diff()
    return S.cut(f, *D1_SAMPLE)


def d1_fits(loader: DataLoader, proxy: Proxy) -> dict[str, Fit]:
    f = d1_frame(loader, proxy)
    out = {}
    for name in D1_FACTORS:
        d = f[["dy", name]].dropna()
        out[name] = fit_or_nan(lambda d=d, name=name: Fit.of(ols_hac(d["dy"], d[[name]]), name))
    return out


def run(loader: DataLoader, head: Proxy, out: Collector) -> None:
    try:
        fits = d1_fits(loader, head)
    except (DataError, ValueError) as exc:
        out.parts += missing_parts("D1", tuple(D1_PARTS.values()), exc,
                              "northbound, CGB/UST 10Y, current account, fed funds, Fed assets, dollar")
        return
    rows = []
    for group in ("cross-border", "global liquidity"):
        names = [n for n, (g, _) in D1_FACTORS.items() if g == group and fits[n].ok]
        padj = multipletests([fits[n].p for n in names], method="holm")[1] if names else []
        for n, pa in zip(names, padj, strict=True):
            fit = fits[n]
            rows.append({"Group": group, "Factor": n, "Sample": span(fit), "N": fit.nobs, "β": fit.beta,
                         "s.e.": fit.se, "p": fit.p, "Holm p": pa, "Claimed": SIGN[D1_FACTORS[n][1]]})
    for n, part_name in D1_PARTS.items():
        out.parts.append(part_from_fit("D1", part_name, fits[n], proxy=f"{head.label} / CSI 300",
                               test="monthly HAC regression in differences, one factor at a time"))
    table = pd.DataFrame(rows).set_index(["Group", "Factor"])
    nb = fits[list(D1_FACTORS)[0]]
    for r in rows:
        out.rows.append({"claim": "D1", "relation": f"{r['Factor']} → Δratio", "Freq": "M", "Sample": r["Sample"],
                         "N": r["N"], "Estimate": r["β"], "s.e.": r["s.e."], "p": r["p"],
                         "Claimed": r["Claimed"]})
    out.tables.append(Table(
        name="lf_d1_factors", caption="D1: cross-border capital and global liquidity factors against CSI 1000/CSI 300 (monthly)",
        frame=table,
        notes=[f"Monthly Δ100·log(CSI 1000/CSI 300) on one factor at a time, constant, {nb.desc}; sample "
               f"{D1_SAMPLE[0][:7]} to {D1_SAMPLE[1][:7]} (the article's backtest span) within each factor's data. "
               "Northbound: monthly net buying in % of CSI 300 turnover (2014-11 to 2023-12). Spread: ChinaBond 10Y − "
               "US 10Y, month end. Current account: latest released quarter minus the same quarter a year earlier "
               "(released 45 days after quarter end). Fed funds: monthly mean of the daily effective rate (public "
               "the same day, so no release lag). Fed assets (WALCL) and the broad dollar in 100·Δlog. Claimed: the "
               "article's sign for the ratio (cross-border inflows favour CSI 300: negative; easing favours CSI 1000: "
               "cuts and a weaker dollar negative, balance-sheet growth positive). Holm: within each group."],
        digits={"N": 0, "β": 3, "s.e.": 3, "p": 3, "Holm p": 3}))
    slug = {n: s for n, s in zip(D1_FACTORS, ("nb", "spread", "ca", "ff", "fed", "usd"), strict=True)}
    for r in rows:
        key = slug[r["Factor"]]
        out.numbers.update({f"D1_{key}_beta": r["β"], f"D1_{key}_p": r["p"], f"D1_{key}_holm_p": r["Holm p"]})
