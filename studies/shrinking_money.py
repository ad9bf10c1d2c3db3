"""C10 — in a shrinking-money market, the style moves against the preference of the money leaving.

Seed 002 (Apr 2024) argues: 2022–2023 were "money-decreasing" years (Wind All-A average daily
turnover 10483.80 / 9252.84 / 8772.26 / 8953.71 亿元 in 2021 / 2022 / 2023 / 2024Q1), northbound
money was "mostly flowing out" except in early 2023, and because foreign money prefers large
caps, its leaving pushed the market the other way, to small caps. Three premises and the claim:

* **Turnover levels** (premise): Wind All-A turnover is not public; the CSI All Share
  (000985) daily traded value stands in (it leaves out ST stocks, new listings and the Beijing
  exchange, so its level is lower). The levels are shown as proxy evidence; the parts that
  compare them with the article's numbers report it as the reason they cannot be tested.
* **Turnover decline** (premise): the log change of mean daily turnover from 2021 to 2023 on
  the proxy (a ratio, which the coverage difference affects far less than levels), Newey–West
  t-test of a 2023 dummy in daily turnover over 2021 and 2023.
* **Northbound outflow months** (premise): the share of months in 2022–2023 with a net
  northbound outflow, minus one half; exact binomial test.
* **The claim**: monthly ``Δlog(small/large) × 100`` on the month's net northbound flow, split by
  state, ``r = a + d·out + b·flow·(1 − out) + c·(−flow)·out + e`` with ``out`` = 1 in outflow
  months and flows in 100亿元; ``c`` > 0 means more money leaving goes with small caps beating
  large caps (the style moves against the leaving money's large-cap preference). Newey–West
  errors (NW 1994 bandwidth); 2014-12 to 2023-12 (the flow data end there); CSI 1000/CSI 300
  headline, the other small-cap proxies beside it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.models.regression import ols_hac
from econ.study import PartResult, Study, StudyResult, Table
from studies._tables import Sections, marked
from studies.common import PROXIES
from studies.declared import part

TURNOVER = "cn.turnover.allshare.amount"
NORTHBOUND = "cn.flow.northbound.net"
TURNOVER_PERIODS: tuple[tuple[str, str, str, str], ...] = (
    ("turnover_2021", "2021", "2021-01-01", "2021-12-31"),
    ("turnover_2022", "2022", "2022-01-01", "2022-12-31"),
    ("turnover_2023", "2023", "2023-01-01", "2023-12-31"),
    ("turnover_2024q1", "2024Q1", "2024-01-01", "2024-03-31"),
)
OUTFLOW_WINDOW = ("2022-01-01", "2023-12-31")
REGRESSION_START = "2014-12-01"
HEADLINE_PROXY = "CSI 1000"
FLOW_UNIT = 1e4  # CNY million -> 100亿元


def _turnover(loader: DataLoader) -> tuple[list[PartResult], Table | None, dict[str, float]]:
    try:
        t = loader.series(TURNOVER)
    except DataError as exc:
        why = str(exc).splitlines()[0]
        return ([PartResult(claim="C10", part=k, missing=why) for k, *_ in TURNOVER_PERIODS]
                + [PartResult(claim="C10", part="turnover_decline", missing=why)], None, {})
    t = t[t > 0]  # the source has one zero day (a missing value)
    parts, rows, numbers = [], [], {}
    for key, label, a, b in TURNOVER_PERIODS:
        seg = t[a:b]
        spec = part(f"C10.{key}")
        rows.append({"Period": label, "Article: Wind All-A (CNY 100m)": spec.value,
                     "Ours: CSI All Share (CNY 100m)": float(seg.mean()), "Ours / article": float(seg.mean()) / spec.value,
                     "days": len(seg)})
        parts.append(PartResult(claim="C10", part=key, estimate=float(seg.mean()), n=len(seg),
                                proxy="CSI All Share 000985 daily traded value",
                                test="mean daily turnover", detail=f"{a} to {b}"))
        numbers[f"C10_{key}"] = float(seg.mean())
    both = t["2021":"2023"]
    both = both[(both.index.year == 2021) | (both.index.year == 2023)]
    y = np.log(both).rename("log_turnover")
    d23 = pd.Series((both.index.year == 2023).astype(float), index=both.index, name="y2023")
    fit = ols_hac(y, d23)
    est = 100.0 * float(fit.params["y2023"])
    parts.append(PartResult(claim="C10", part="turnover_decline", estimate=est, se=100.0 * float(fit.bse["y2023"]),
                            pvalue=float(fit.pvalues["y2023"]), n=int(fit.nobs), proxy="CSI All Share 000985",
                            test=f"2023 dummy in daily log turnover over 2021 and 2023, HAC ({fit.bandwidth_description})",
                            detail="mean log difference 2023 vs 2021 × 100"))
    numbers["C10_turnover_decline"] = est
    table = Table(name="c10_turnover", caption="Average daily turnover: the article's Wind All-A beside CSI All Share",
                  frame=pd.DataFrame(rows), digits={"Article: Wind All-A (CNY 100m)": 2, "Ours: CSI All Share (CNY 100m)": 2,
                                                    "Ours / article": 3, "days": 0},
                  notes=["CSI All Share leaves out ST stocks, recent listings and the Beijing exchange, so its "
                         "turnover is a lower, proxy level; the comparison of levels is shown, not judged.",
                         f"Mean daily log turnover 2023 minus 2021 (× 100): {est:.2f}, Newey–West p "
                         f"{fit.pvalues['y2023']:.4f}."])
    return parts, table, numbers


def _monthly_flows(loader: DataLoader) -> pd.Series:
    nb = loader.series(NORTHBOUND)
    return (nb.resample("ME").sum() / FLOW_UNIT).rename("flow")


def _outflow_months(flows: pd.Series) -> tuple[PartResult, dict[str, float]]:
    f = flows[OUTFLOW_WINDOW[0]:OUTFLOW_WINDOW[1]]
    k, n = int((f < 0).sum()), len(f)
    test = stats.binomtest(k, n, 0.5, alternative="two-sided")
    est = k / n - 0.5
    ci = test.proportion_ci(confidence_level=0.95)
    return (PartResult(claim="C10", part="northbound_outflow_months", estimate=est, pvalue=float(test.pvalue), n=n,
                       ci=(ci.low - 0.5, ci.high - 0.5), proxy="northbound net flow, monthly sums",
                       test="share of outflow months minus 1/2, exact binomial test",
                       detail=f"{k} of {n} months with a net outflow; net sum {f.sum():.1f} (CNY 10bn)"),
            {"C10_outflow_months": k, "C10_months": n, "C10_net_flow_2022_2023_bn": 10.0 * float(f.sum())})


def _state_regression(loader: DataLoader, flows: pd.Series) -> tuple[PartResult | None, Table, dict[str, float]]:
    rows, headline, numbers = [], None, {}
    for proxy in PROXIES:
        try:
            small, large = loader.series(proxy.small), loader.series(proxy.large)
        except DataError:
            continue
        ratio = np.log(pd.concat([small, large], axis=1, join="inner").dropna())
        r = (100.0 * (ratio.iloc[:, 0] - ratio.iloc[:, 1]).resample("ME").last().diff()).rename("dlog_ratio")
        d = pd.concat([r, flows], axis=1, join="inner").dropna()
        d = d[d.index >= REGRESSION_START]
        if len(d) < 36:
            continue
        out = (d["flow"] < 0).astype(float)
        X = pd.DataFrame({"out": out, "inflow_slope": d["flow"] * (1 - out), "outflow_slope": -d["flow"] * out})
        fit = ols_hac(d["dlog_ratio"], X)
        label = f"{proxy.label} / CSI 300" if proxy.large.endswith("csi300.close") else proxy.label
        # the first monthly change starts from the previous month-end close
        rows.append({"Proxy": marked(label, proxy, d.index[0] - pd.offsets.MonthEnd(1)),
                     "Outflow slope c": float(fit.params["outflow_slope"]), "se (c)": float(fit.bse["outflow_slope"]),
                     "p (c)": float(fit.pvalues["outflow_slope"]), "Inflow slope b": float(fit.params["inflow_slope"]),
                     "p (b)": float(fit.pvalues["inflow_slope"]), "Outflow-month shift d": float(fit.params["out"]),
                     "N": int(fit.nobs), "Sample": f"{d.index[0]:%Y-%m} to {d.index[-1]:%Y-%m}"})
        if proxy.label == HEADLINE_PROXY:
            headline = PartResult(
                claim="C10", part="leaving_money", estimate=float(fit.params["outflow_slope"]),
                se=float(fit.bse["outflow_slope"]), pvalue=float(fit.pvalues["outflow_slope"]), n=int(fit.nobs),
                ci=(float(fit.conf_int.loc["outflow_slope", "lower"]), float(fit.conf_int.loc["outflow_slope", "upper"])),
                proxy="CSI 1000 / CSI 300", test=f"state-split OLS, HAC ({fit.bandwidth_description})",
                detail=f"monthly {d.index[0]:%Y-%m} to {d.index[-1]:%Y-%m}; inflow slope b "
                       f"{fit.params['inflow_slope']:.3f} (p {fit.pvalues['inflow_slope']:.3f})")
            numbers.update({"C10_outflow_slope": float(fit.params["outflow_slope"]),
                            "C10_outflow_slope_p": float(fit.pvalues["outflow_slope"]),
                            "C10_inflow_slope": float(fit.params["inflow_slope"])})
    table = Table(name="c10_state_regression",
                  caption="Monthly Δlog(small/large) × 100 on net northbound flow, split by outflow and inflow months",
                  frame=pd.DataFrame(rows), digits={"N": 0, "p (c)": 3, "p (b)": 3},
                  notes=["r = a + d·out + b·flow·(1 − out) + c·(−flow)·out; flow in CNY 10bn; c > 0: more money leaving "
                         "goes with small caps beating large. Newey–West errors, NW 1994 bandwidth."])
    return headline, table, numbers


class ShrinkingMoney(Study):
    name = "shrinking_money"
    title = "Shrinking money and the style (C10)"
    claims = ("C10",)
    parts = ("C10.leaving_money", "C10.northbound_outflow_months", "C10.turnover_decline", "C10.turnover_2021",
             "C10.turnover_2022", "C10.turnover_2023", "C10.turnover_2024q1")
    series = (TURNOVER, NORTHBOUND, *dict.fromkeys(s for p in PROXIES for s in (p.small, p.large)))

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        say("C10 turnover premises")
        parts, t_turn, numbers = _turnover(loader)
        out = Sections(parts, [t_turn] if t_turn is not None else [], numbers)
        say("C10 northbound")
        try:
            flows = _monthly_flows(loader)
        except DataError as exc:
            why = str(exc).splitlines()[0]
            out.add([PartResult(claim="C10", part=k, missing=why) for k in ("leaving_money", "northbound_outflow_months")])
        else:
            p, n = _outflow_months(flows)
            out.add(p, numbers=n)
            head, t_reg, n2 = _state_regression(loader, flows)
            out.add(head or PartResult(claim="C10", part="leaving_money",
                                       missing=f"{HEADLINE_PROXY} and CSI 300 closes over the flow sample"), t_reg, n2)
        return out.result(self, loader, headline_proxy="CSI 1000 / CSI 300", data_ids=list(self.series))


STUDY = ShrinkingMoney()
