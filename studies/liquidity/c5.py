"""C5 — DR007 acts on the size style at once, through valuation.

Parts (issue 11 points 1 and 4):

* ``direction`` — β0 of weekly Δ log ratio on ΔDR007, the rate taken at the week's last close
  (the instant of the prices), from 2015 (DR007 before December 2014 is Wind back-history);
  grid in ``studies/_liquidity_specs.py``;
* ``immediacy`` — in the same regression, the HAC Wald test that lags 1–4 are zero;
* ``pe_channel`` / ``eps_not_channel`` — quarterly: Δ log relative P/E and Δ log relative EPS of
  CSI 500 / CSI 300 on the quarter's ΔDR007 (quarter-end close), from 2015. Quarterly because
  EPS = price / trailing P/E changes only when reports arrive (deadlines end-April, August,
  October), so at weekly frequency relative EPS hardly moves and "not through EPS" would hold by
  construction; three quarters in four contain a reporting season.

Robustness rows: the period-mean rate, SHIBOR 1W, the 2007– span and the 2007–2014 back-history
(samples starting before CSI 1000's launch are marked), the old weekly channel regressions.
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
from studies.common import (
    BACK_CALCULATED_MARK,
    BACK_CALCULATED_NOTE,
    Proxy,
    back_calculated,
    proxy_by_label,
)
from studies.liquidity.common import (
    Collector,
    missing_parts,
    part_from_fit,
    row,
    span,
    valuation_frame,
)

#: The ratio rows: label → (rate, aggregation, sample). The first is the headline.
RATIO_ROWS: dict[str, tuple[str, str, str]] = {
    "DR007 week-end, 2015–": ("DR007", "end", "2015–"),
    "DR007 week mean, 2015–": ("DR007", "mean", "2015–"),
    "SHIBOR 1W week-end, 2015–": ("SHIBOR 1W", "end", "2015–"),
    "DR007 week-end, 2007–": ("DR007", "end", "2007–"),
    "DR007 week-end, 2007–2014 (back-history)": ("DR007", "end", "2007–2014"),
}
CHANNEL_START = S.DR007_LIVE
CHANNEL_PAIR = "CSI 500"


def channel_fits(loader: DataLoader, freq: str, agg: str, start: str | None = CHANNEL_START
                 ) -> tuple[dict[str, S.DistLag], pd.DataFrame]:
    """Δ ratio, Δ relative P/E and Δ relative EPS of CSI 500 / CSI 300 on ΔDR007 (β0 only)."""
    v = valuation_frame(loader, CHANNEL_PAIR, freq, {"rate": S.RATES[HEADLINE_RATE]}, start, None,
                        agg={"rate": S.RATE_AGG[agg]})
    return {col: S.distributed_lag(v, col, "drate", 0) for col in ("dy", "dpe", "deps")}, v


def eps_quiet_ratio(v: pd.DataFrame) -> float:
    """How much relative EPS moves in a typical period: median |Δeps| / median |Δy|.

    Trailing EPS jumps when reports arrive and is nearly flat otherwise, so the median (the
    typical period) rather than the variance (dominated by the reporting weeks) shows it.
    """
    d = v[["dy", "deps"]].dropna()
    return float(d["deps"].abs().median() / d["dy"].abs().median())


def run(loader: DataLoader, head: Proxy, out: Collector) -> None:
    rows: list[dict[str, Any]] = []
    fits: dict[str, S.DistLag] = {}

    def add(outcome: str, rate: str, sample: str, dl: S.DistLag, back: bool = False) -> None:
        c, ls = dl.contemp, dl.lag_sum
        rows.append({"Outcome": outcome, "Rate": rate,
                     "Sample": span(c) + (BACK_CALCULATED_MARK if back else ""), "N": c.nobs, "β0": c.beta,
                     "s.e.": c.se, "p": c.p, "sum β1..L": ls.beta if dl.lags else np.nan,
                     "s.e. ": ls.se if dl.lags else np.nan, "Wald p (lags)": dl.wald_p,
                     "β0 / sum β": c.beta / dl.total.beta if dl.lags and dl.total.beta else np.nan})

    try:
        for label, (rate, agg, sample) in RATIO_ROWS.items():
            fits[label] = dl = S.c5_fit(loader, head, "W", rate, sample, agg=agg)
            add(f"{head.label}/300 ratio (W)", label, sample, dl, back_calculated(head, dl.contemp.start))
        q_end, vq = channel_fits(loader, "Q", "end")
        q_mean, _ = channel_fits(loader, "Q", "mean")
        w_end, vw = channel_fits(loader, "W", "end")
    except (DataError, ValueError) as exc:
        out.parts += missing_parts("C5", ("direction", "immediacy", "pe_channel", "eps_not_channel"), exc,
                                   "DR007 (or SHIBOR 1W), index closes, CSI 500 and CSI 300 P/E")
        return
    back500 = back_calculated(proxy_by_label(CHANNEL_PAIR), CHANNEL_START)
    for tag, group in (("Q", q_end), ("Q, quarter mean", q_mean), ("W", w_end)):
        rate = "DR007 quarter-end" if tag == "Q" else ("DR007 quarter mean" if tag.startswith("Q,") else "DR007 week-end")
        for col, label in (("dy", "500/300 ratio"), ("dpe", "500/300 rel. P/E"), ("deps", "500/300 rel. EPS")):
            add(f"{label} ({tag.split(',')[0]})", rate, "2015–", group[col], back500)
    h = fits[next(iter(RATIO_ROWS))]
    pe, eps = q_end["dpe"].contemp, q_end["deps"].contemp
    proxy, test = f"{head.label} / CSI 300", "weekly distributed lag in differences (lags 0–4), HAC, DR007 week-end, 2015–"
    vproxy = f"{CHANNEL_PAIR} / CSI 300 (trailing P/E)"
    qtest = "quarterly regression in differences, HAC, DR007 quarter-end, 2015–"
    out.parts += [
        part_from_fit("C5", "direction", h.contemp, proxy=proxy, test=test),
        PartResult("C5", "immediacy", estimate=float(h.lag_sum.beta), se=float(h.lag_sum.se), pvalue=float(h.wald_p),
                   n=int(h.contemp.nobs), proxy=proxy, test="HAC Wald test that lags 1–4 are all zero (same regression)",
                   detail=f"lag sum {h.lag_sum.beta:.3f}; β0 / total = "
                          f"{h.contemp.beta / h.total.beta if h.total.beta else float('nan'):.2f}"),
        part_from_fit("C5", "pe_channel", pe, proxy=vproxy, test=qtest),
        PartResult("C5", "eps_not_channel", estimate=float(eps.beta), se=float(eps.se), ci=tuple(map(float, eps.ci)),
                   pvalue=float(eps.p), n=int(eps.nobs), proxy=vproxy, test=qtest,
                   detail=f"{span(eps)}, N = {eps.nobs}: β {eps.beta:.3f} (p {eps.p:.3f})"),
    ]
    out.rows += [row("C5", "ΔDR007 (week-end) → Δratio, β0", "W", h.contemp, -1),
                 {**row("C5", "ΔDR007 lags 1–4 → Δratio, sum β (Wald p)", "W", h.lag_sum, -1),
                  "p": h.wald_p, "Claimed": "0"},
                 row("C5", "ΔDR007 → Δrel. P/E 500/300", "Q", pe, -1),
                 {**row("C5", "ΔDR007 → Δrel. EPS 500/300", "Q", eps, -1), "Claimed": "0"}]
    table = pd.DataFrame(rows).set_index(["Outcome", "Rate"])
    share_w, share_q = eps_quiet_ratio(vw), eps_quiet_ratio(vq)
    out.tables.append(Table(
        name="lf_c5_distlag", caption="C5: does the size style react to DR007 at once, and through P/E?",
        frame=table,
        notes=[f"Ratio rows (W): Δ(100·log ratio)(t) = a + sum over j = 0..4 of βj·Δrate(t−j) + e_t, weekly (Friday). "
               "Headline: DR007 at the week's last close, the instant the prices are taken (the week mean and SHIBOR "
               "1W are robustness rows). DR007 before December 2014 is Wind back-history (the DR benchmark started "
               f"then), so the headline starts in 2015. {h.contemp.desc}. Wald p: HAC F test of β1 = … = β4 = 0; "
               "sum β1..L with its HAC s.e.; β0/sum β: share of the cumulated effect at lag 0. Channel rows: "
               "CSI 500 / CSI 300, Δ of 100·log relative trailing P/E and of relative EPS (= ratio − relative P/E, "
               "so the three β0 add up) on the period's ΔDR007, no lags; Q quarterly (the headline channel test: "
               "trailing EPS moves when reports arrive), W weekly (robustness). In a typical week relative EPS "
               f"moves little: its median absolute change is {share_w:.2f} times the ratio's (quarterly: "
               f"{share_q:.2f}). "
               + BACK_CALCULATED_NOTE + "."],
        digits={"N": 0, "β0": 3, "s.e.": 3, "p": 3, "sum β1..L": 3, "s.e. ": 3, "Wald p (lags)": 3,
                "β0 / sum β": 2}))
    lagfig = {f"{head.label}/300 ratio": np.cumsum(h.coefs.to_numpy())}
    for label, key in (("DR007 week mean", "DR007 week mean, 2015–"), ("DR007 week-end, 2007–", "DR007 week-end, 2007–")):
        lagfig[f"{head.label}/300 ratio, {label}"] = np.cumsum(fits[key].coefs.to_numpy())
    out.figures.append(Figure(
        name="lf_c5_lags", title="C5: cumulated response to a +1 pp weekly change in DR007",
        data=pd.DataFrame(lagfig, index=pd.Index([f"lag {j}" for j in range(h.lags + 1)], name="lag")),
        ylabel="% per pp, sum β0..j", hlines=[0.0]))
    mean, shib = fits["DR007 week mean, 2015–"], fits["SHIBOR 1W week-end, 2015–"]
    long, back = fits["DR007 week-end, 2007–"], fits["DR007 week-end, 2007–2014 (back-history)"]
    r500 = q_end["dy"].contemp
    out.numbers.update({
        "C5_contemp_beta": h.contemp.beta, "C5_contemp_se": h.contemp.se, "C5_contemp_p": h.contemp.p,
        "C5_contemp_lo": h.contemp.ci[0], "C5_contemp_hi": h.contemp.ci[1],
        "C5_lag_sum": h.lag_sum.beta, "C5_lag_sum_p": h.lag_sum.p, "C5_lag_wald_p": h.wald_p,
        "C5_share_contemp": h.contemp.beta / h.total.beta if h.total.beta else np.nan,
        "C5_nobs": h.contemp.nobs, "C5_start": f"{pd.Timestamp(h.contemp.start):%Y-%m-%d}",
        "C5_end": f"{pd.Timestamp(h.contemp.end):%Y-%m-%d}", "C5_hac_lags": h.contemp.hac_lags,
        "C5_mean_beta": mean.contemp.beta, "C5_mean_p": mean.contemp.p, "C5_mean_wald_p": mean.wald_p,
        "C5_shibor_beta": shib.contemp.beta, "C5_shibor_p": shib.contemp.p, "C5_shibor_wald_p": shib.wald_p,
        "C5_long_beta": long.contemp.beta, "C5_long_p": long.contemp.p, "C5_long_wald_p": long.wald_p,
        "C5_long_nobs": long.contemp.nobs,
        "C5_back_beta": back.contemp.beta, "C5_back_p": back.contemp.p, "C5_back_wald_p": back.wald_p,
        "C5_pe_beta": pe.beta, "C5_pe_p": pe.p, "C5_eps_beta": eps.beta, "C5_eps_p": eps.p,
        "C5_eps_lo": eps.ci[0], "C5_eps_hi": eps.ci[1], "C5_channel_nobs": pe.nobs,
        "C5_ratio500_beta": r500.beta, "C5_ratio500_p": r500.p,
        "C5_pe_share": pe.beta / r500.beta if r500.beta else np.nan,
        "C5_pe_mean_beta": q_mean["dpe"].contemp.beta, "C5_pe_mean_p": q_mean["dpe"].contemp.p,
        "C5_eps_mean_beta": q_mean["deps"].contemp.beta, "C5_eps_mean_p": q_mean["deps"].contemp.p,
        "C5_pe_weekly_beta": w_end["dpe"].contemp.beta, "C5_pe_weekly_p": w_end["dpe"].contemp.p,
        "C5_eps_weekly_beta": w_end["deps"].contemp.beta, "C5_eps_weekly_p": w_end["deps"].contemp.p,
        "C5_eps_share_W": share_w, "C5_eps_share_Q": share_q,
    })
