"""C7 — Russell 2000 / S&P 500 rises when the Fed balance sheet expands.

Issue 11 point 6: the Fed expands its balance sheet in reaction to crashes, in which small
caps fall hardest, so a same-period slope mixes the reaction with the claimed effect. The test
is predictive: Fed-asset growth over the past h periods (WALCL as published) against the
ratio's change over the next h periods, overlapping, with Hodrick (1992) 1B errors.

Parts: ``direction`` (monthly, h = 6; grid in ``studies/_liquidity_specs.py``) and
``episode_2008_10`` (the same design inside the article's 2008-09 → 2010-12 episode, weekly,
h = 13 weeks). The old same-period slopes are robustness rows.
"""

from __future__ import annotations

import pandas as pd

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.study import Figure, Table
from studies import _liquidity_specs as S
from studies._liquidity_specs import Fit
from studies.liquidity.common import Collector, missing_parts, part_from_fit, row, span

C7_EPISODES = {"2008-09 → 2010-12": ("2008-09-01", "2010-12-31"), "2020-03 → 2021-06": ("2020-03-01", "2021-06-30")}


def run(loader: DataLoader, out: Collector) -> None:
    rows = []
    try:
        head = S.c7_predictive_fit(loader)
        pred: dict[tuple[str, str, str, str], Fit] = {}
        for freq in ("M", "W"):
            for hz in S.C7_HORIZONS[freq]:
                for errors in ("hodrick", "hac"):
                    pred[(freq, "full", hz, errors)] = S.c7_predictive_fit(loader, freq, "full", hz, errors)
        for sample in ("2014–2020", "2021–"):
            pred[("M", sample, S.C7_HEADLINE_HORIZON, "hodrick")] = S.c7_predictive_fit(loader, "M", sample)
        episodes = {k: S.c7_episode_fit(loader, a, b) for k, (a, b) in C7_EPISODES.items()}
        w = S.fed_frame(loader, "W")
        same = {("M", "full"): S.c7_fit(loader, "M", "full", "none").contemp,
                ("W", "full"): S.c7_fit(loader, "W", "full", "none").contemp}
        for label, (a, b) in C7_EPISODES.items():
            d = S.cut(w, a, b)[["dy", "dx"]].dropna()
            same[("W", label)] = S.hac_fit(d["dy"], d[["dx"]], "dx")
    except (DataError, ValueError) as exc:
        out.parts += missing_parts("C7", ("direction", "episode_2008_10"), exc,
                                   "Russell 2000, S&P 500 and Fed total assets")
        return
    hz = S.C7_HORIZONS
    for (freq, sample, h, errors), fit in pred.items():
        rows.append({"Design": "predictive", "Freq": freq, "Sample": sample, "h": hz[freq][h],
                     "Errors": "Hodrick 1B" if errors == "hodrick" else "Newey–West, ≥ h−1 lags",
                     "Span": span(fit), "N": fit.nobs, "β": fit.beta, "s.e.": fit.se, "p": fit.p})
    for label, fit in episodes.items():
        rows.append({"Design": "predictive", "Freq": "W", "Sample": label, "h": S.C7_EPISODE_HORIZON,
                     "Errors": "Hodrick 1B", "Span": span(fit), "N": fit.nobs, "β": fit.beta, "s.e.": fit.se,
                     "p": fit.p})
    for (freq, sample), fit in same.items():
        rows.append({"Design": "same period (old)", "Freq": freq, "Sample": sample, "h": 1,
                     "Errors": "Newey–West", "Span": span(fit), "N": fit.nobs, "β": fit.beta, "s.e.": fit.se,
                     "p": fit.p})
    ep = episodes["2008-09 → 2010-12"]
    hm = hz["M"][S.C7_HEADLINE_HORIZON]
    out.parts += [
        part_from_fit("C7", "direction", head, proxy="Russell 2000 / S&P 500",
                      test=f"monthly predictive regression: past {hm}-month Fed-asset growth → next {hm}-month "
                           "Δratio, Hodrick (1992) errors"),
        part_from_fit("C7", "episode_2008_10", ep, proxy="Russell 2000 / S&P 500",
                      test=f"weekly predictive regression in the article's episode, h = {S.C7_EPISODE_HORIZON} weeks, "
                           "Hodrick errors"),
    ]
    out.rows.append(row("C7", f"past {hm}-month Fed-asset growth → next {hm}-month Δ(R2000/S&P 500)", "M", head, +1))
    for k, f in episodes.items():
        out.rows.append(row("C7", f"… in episode {k} (h = {S.C7_EPISODE_HORIZON} weeks)", "W", f, +1))
    table = pd.DataFrame(rows).set_index(["Design", "Freq", "Sample", "h", "Errors"])
    out.tables.append(Table(
        name="lf_c7_fed", caption="C7: does past Fed balance-sheet growth predict Russell 2000 / S&P 500?",
        frame=table,
        notes=["Predictive rows: 100·[log ratio(t+h) − log ratio(t)] on 100·[log assets(t) − log assets(t−h)], a "
               "constant, h periods (month ends or Fridays) at every period, so the outcomes overlap; WALCL (a "
               "Wednesday level) enters when published. Hodrick (1992) 1B errors (asymptotic normal), or Newey–West "
               f"with at least h−1 lags. Headline: monthly, h = {hm}, 2003–. Episode rows: inside the article's "
               f"episodes, weekly, h = {S.C7_EPISODE_HORIZON} weeks (every outcome inside the episode). Same-period "
               "rows: the pre-issue design, Δ ratio on the same period's asset growth; its sign mixes the Fed's "
               "reaction to crashes with any effect. All series on the US clock."],
        digits={"h": 0, "N": 0, "β": 3, "s.e.": 3, "p": 3}))
    m = S.fed_frame(loader, "M")
    out.figures.append(Figure(
        name="lf_c7_fed", title="C7: Russell 2000 / S&P 500 and the Fed's total assets (monthly)",
        data=pd.DataFrame({"100·log(Russell 2000 / S&P 500)": m["y"],
                           "Fed total assets (USD trillion)": m["fed"] / 1e6}),
        secondary=["Fed total assets (USD trillion)"], vlines=[a for a, _ in C7_EPISODES.values()]))
    ep21 = episodes["2020-03 → 2021-06"]
    out.numbers.update({
        "C7_beta": head.beta, "C7_se": head.se, "C7_p": head.p, "C7_nobs": head.nobs, "C7_lo": head.ci[0],
        "C7_hi": head.ci[1], "C7_h": hm, "C7_start": f"{pd.Timestamp(head.start):%Y-%m}",
        "C7_end": f"{pd.Timestamp(head.end):%Y-%m}",
        "C7_hac_beta_p": pred[("M", "full", S.C7_HEADLINE_HORIZON, "hac")].p,
        "C7_M3_beta": pred[("M", "full", "short", "hodrick")].beta, "C7_M3_p": pred[("M", "full", "short", "hodrick")].p,
        "C7_M12_beta": pred[("M", "full", "long", "hodrick")].beta, "C7_M12_p": pred[("M", "full", "long", "hodrick")].p,
        "C7_W26_beta": pred[("W", "full", "medium", "hodrick")].beta,
        "C7_W26_p": pred[("W", "full", "medium", "hodrick")].p,
        "C7_1420_beta": pred[("M", "2014–2020", S.C7_HEADLINE_HORIZON, "hodrick")].beta,
        "C7_1420_p": pred[("M", "2014–2020", S.C7_HEADLINE_HORIZON, "hodrick")].p,
        "C7_21_beta": pred[("M", "2021–", S.C7_HEADLINE_HORIZON, "hodrick")].beta,
        "C7_21_p": pred[("M", "2021–", S.C7_HEADLINE_HORIZON, "hodrick")].p,
        "C7_ep_h": S.C7_EPISODE_HORIZON,
        "C7_ep0810_beta": ep.beta, "C7_ep0810_p": ep.p, "C7_ep0810_nobs": ep.nobs,
        "C7_ep2021_beta": ep21.beta, "C7_ep2021_p": ep21.p,
        "C7_same_beta": same[("M", "full")].beta, "C7_same_p": same[("M", "full")].p,
        "C7_same_ep0810_beta": same[("W", "2008-09 → 2010-12")].beta,
        "C7_same_ep0810_p": same[("W", "2008-09 → 2010-12")].p,
    })
    for label, key in (("2008-09 → 2010-12", "C7_ep0810"), ("2020-03 → 2021-06", "C7_ep2021")):
        seg = S.cut(w, *C7_EPISODES[label])
        out.numbers[f"{key}_dratio"] = float(seg["dy"].sum())
        out.numbers[f"{key}_growth"] = float(seg["dx"].sum())
