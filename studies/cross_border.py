"""D3, D4, D5 — cross-border money: the rate spread, the CNY, flows, the current account, exports.

Claims (Seed 003, 国联期货):

* **D3** "经常账户与国内股指走势呈正相关" and "当国内利率相对境外上升时 … 推升本币汇率 …
  吸引更多外资流入": the current account moves with CSI 300; a wider China−US spread
  strengthens the CNY, which draws northbound money in.
  - quarterly CSI 300 log return on the year-on-year change of the quarterly current account,
    the current account entering only once public (45 days after the quarter, via the panel
    builder's release lags), Newey–West HAC;
  - the chain, monthly 2014-12 → 2023-12 (the northbound series' span), month-end levels read
    on the Shanghai clock by ``build_panel`` (the US 10Y and the New York noon USD/CNY dated d
    count from d + 1): (a) CNY appreciation
    ``−100 Δlog USD/CNY`` on the spread change; (b) northbound net buying on the CNY
    appreciation, controlling for the spread change; the indirect effect ``a·b`` with a
    delta-method (Sobel) standard error; a local projection of cumulated flows on the spread
    change (h = 0..6 months) beside it.
* **D4** "2021年12月我国央行开启新一轮降息降准周期,2022年3月美联储开启加息周期 … 中美利差
  缩窄甚至倒挂。人民币汇率 … 走弱": dated from the data — the Fed's first hike (daily
  effective rate), the first day the 10Y spread (ChinaBond 10Y against the last US 10Y close
  known at the Shanghai close) closes below zero, and
  the start of the CNY's weakening (its strongest close in 2021-12 → 2022-12).
* **D5** (the article's Fig. 4, "整体呈现出明显的负相关关系"): CSI 300 and quarterly export
  growth. Year-on-year CSI 300 log change (quarter-end) on year-on-year quarterly export growth,
  contemporaneous (headline) and with lags 1–4 of export growth; also quarterly returns.

Caveat (SOURCES.md): the northbound series follows the exchanges' quota-usage definition early
on and net buying later; it ends 2023-12. USD/CNY is the New York noon rate, not the CFETS close.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from econ.data.loader import DataLoader
from econ.data.panel import build_panel
from econ.models.localproj import local_projection
from econ.models.regression import RegressionResult, ols_hac
from econ.study import Figure, PartResult, Study, StudyResult, Table, z_ci
from studies._tables import labelled
from studies.declared import part

CSI300 = "cn.index.csi300.close"
CA = "cn.macro.current_account"
EXPORTS = "cn.macro.exports_usd"
CGB10Y, UST10Y, USDCNY, NB = "cn.rate.cgb10y", "us.rate.ust10y", "cn.fx.usdcny", "cn.flow.northbound.net"
EFFR = "us.rate.fed_funds_daily"

#: The chain's sample: the northbound series' span, whole months.
CHAIN_START, CHAIN_END = "2014-12-01", "2023-12-31"
#: Quarterly samples start where both series exist (current account from 1998, CSI 300 from 2005;
#: export yoy from 2009).
D5_LAGS = (0, 1, 2, 3, 4)
#: Minimum HAC lags for regressions on overlapping year-on-year changes (four quarters overlap).
YOY_OVERLAP = 4
#: The D4 window in which the inversion and the CNY turn are sought.
D4_FROM, D4_TO = "2021-12-01", "2022-12-31"
#: The daily spread's span (the D4 window and the figure around it).
D4_SPREAD_SPAN = ("2021-01-01", "2023-06-30")
#: A Fed hike: the daily effective rate this many pp above its level on D4_FROM.
FED_MOVE_PP = 0.2
LP_HORIZONS = 6


def _direction_part(key: str, r: RegressionResult, term: str, *, scale: float = 1.0, proxy: str = "",
                    detail: str = "") -> PartResult:
    claim, _, name = key.partition(".")
    est, se = float(r.params[term]) * scale, float(r.bse[term]) * scale
    return PartResult(claim=claim, part=name, estimate=est, se=se, ci=z_ci(est, se), pvalue=float(r.pvalues[term]),
                      n=int(r.nobs), proxy=proxy, test=f"OLS, {r.bandwidth_description}",
                      detail=detail or f"{r.start} to {r.end}")


def _reg_row(label: str, r: RegressionResult, term: str, sample: str) -> dict[str, object]:
    return {"Regression": label, "β": float(r.params[term]), "SE (HAC)": float(r.bse[term]),
            "p": float(r.pvalues[term]), "R²": float(r.rsquared), "N": int(r.nobs), "Sample": sample}


def _chain_fit(loader: DataLoader, clock: str) -> tuple[pd.DataFrame, RegressionResult, RegressionResult,
                                                      tuple[float, float, float, float, float]]:
    """The D3 chain: monthly changes, links (a) and (b), and ``(a, b, a·b, Sobel se, p)``.

    Month-end levels come from :func:`~econ.data.panel.build_panel`; with ``clock="auto"`` the
    panel is read on the Shanghai clock (the US 10Y and the New York noon USD/CNY dated d count from
    d + 1, so a month's value is the last one known at the Shanghai close); ``"native"`` keeps every
    series' own dates. Flows are summed in the month.
    """
    m = build_panel(loader, {"cgb": CGB10Y, "ust": UST10Y, "fx": USDCNY, "nb": NB}, freq="M",
                    start=CHAIN_START, end=CHAIN_END, clock=clock)
    d = pd.DataFrame({"dspread": (m["cgb"] - m["ust"]).diff(), "cny": -100 * np.log(m["fx"]).diff(),
                      "nb": m["nb"] / 1000}).dropna()  # CNY million -> CNY bn
    ra = ols_hac(d["cny"], d[["dspread"]])
    rb = ols_hac(d["nb"], d[["cny", "dspread"]])
    a, sa = float(ra.params["dspread"]), float(ra.bse["dspread"])
    b, sb = float(rb.params["cny"]), float(rb.bse["cny"])
    ind = a * b
    se = math.sqrt(a * a * sb * sb + b * b * sa * sa)
    p_ind = float(2 * stats.norm.sf(abs(ind / se))) if se > 0 else math.nan
    return d, ra, rb, (a, b, ind, se, p_ind)


def _span(r: RegressionResult) -> str:
    return f"{pd.Timestamp(r.start):%Y-%m} to {pd.Timestamp(r.end):%Y-%m}"


class CrossBorderStudy(Study):
    """The spread, the CNY, northbound flows, the current account and exports (Seed 003)."""

    name = "cross_border"
    title = "Cross-border money: spread, CNY, flows, current account and exports (D3, D4, D5)"
    claims = ("D3", "D4", "D5")
    parts = ("D3.current_account_csi300", "D3.spread_to_cny", "D3.cny_to_flows", "D3.spread_cny_flows",
             "D4.spread_inversion", "D4.cny_weakens", "D5.exports_csi300")
    series = (CSI300, CA, EXPORTS, CGB10Y, UST10Y, USDCNY, NB, EFFR)

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        numbers: dict[str, object] = {}
        parts: list[PartResult] = []
        say("D3: current account and CSI 300")
        ca_rows = self._current_account(loader, parts, numbers)
        say("D3: spread -> CNY -> flows")
        chain_rows, lp_frame = self._chain(loader, parts, numbers)
        say("D4: dating")
        d4_rows, d4_fig = self._d4(loader, parts, numbers)
        say("D5: exports")
        d5_rows = self._d5(loader, parts, numbers)

        tables = [
            Table(name="cb_d3_regressions", caption="Current account, spread, CNY and northbound flows (D3)",
                  frame=labelled(pd.DataFrame(ca_rows + chain_rows)), digits={"β": 3, "SE (HAC)": 3, "p": 3, "R²": 3, "N": 0},
                  notes=["Quarterly: CSI 300 log return ×100 on the year-on-year change of the quarterly current "
                         "account (USD bn), the current account entering 45 days after its quarter. Monthly: "
                         "month-end spread (ChinaBond 10Y − US 10Y, pp) and USD/CNY on the Shanghai clock (a US "
                         "value dated d counts from d + 1, so a month ends with the last US close before the "
                         "Shanghai close); CNY appreciation = "
                         "−100 Δlog USD/CNY; northbound net buying summed by month (CNY bn). Indirect effect: "
                         "product of the two slopes, delta-method (Sobel) standard error. Newey–West HAC errors."]),
            Table(name="cb_d3_lp", caption="Local projection: cumulated northbound net buying (CNY bn) after a 1 pp "
                  "wider China−US 10Y spread (D3)", frame=labelled(lp_frame), digits={"Response": 2, "SE": 2, "N": 0},
                  notes=["Jordà local projection, outcome cumulated from month t to t+h, shock the spread change, "
                         "2 lags of both, Newey–West HAC with at least h lags."]),
            Table(name="cb_d4_dates", caption="Dating the 2021–22 policy divergence (D4)", frame=labelled(pd.DataFrame(d4_rows)),
                  notes=["Window searched: 2021-12-01 to 2022-12-31. Spread: each ChinaBond day against the last "
                         "US 10Y close known at the Shanghai close (US dated d counts from d + 1). Fed hike: first "
                         "day the daily effective fed funds "
                         "rate is 0.2 pp above its 2021-12-01 level. China's cut is the article's (Dec 2021); the vault "
                         "has no policy-rate series to date it."],
                  sample="daily, 2021-12-01 to 2022-12-31"),
            Table(name="cb_d5_exports", caption="CSI 300 and quarterly export growth (D5)", frame=labelled(pd.DataFrame(d5_rows)),
                  digits={"β": 3, "SE (HAC)": 3, "p": 3, "R²": 3, "N": 0},
                  notes=["Export growth: quarterly sum of monthly merchandise exports (USD) over the same quarter a "
                         "year earlier, %. CSI 300: quarter-end closes. Lag k: export growth k quarters earlier. "
                         "Newey–West HAC, at least 3 lags for overlapping year-on-year changes."]),
        ]
        figures = [d4_fig]
        return StudyResult(study=self.name, title=self.title, parts=parts, tables=tables, figures=figures,
                           numbers=numbers, headline_proxy="CSI 300", data_ids=list(self.series),
                           synthetic=self.is_synthetic(loader))

    # ------------------------------------------------------------------------- D3
    def _current_account(self, loader: DataLoader, parts: list, numbers: dict) -> list[dict]:
        csi = loader.series(CSI300)
        qc = csi.groupby(csi.index.to_period("Q")).last()
        qc.index = qc.index.to_timestamp("Q").normalize()
        raw = loader.series(CA)
        ca_yoy = ((raw - raw.shift(4)) / 10).dropna()  # USD 100m -> USD bn, same quarter a year earlier
        # each quarter's value is public release_lag_days after the quarter ends (the catalog's lag)
        lag = pd.Timedelta(days=loader.spec(CA).release_lag_days)
        public = pd.DataFrame({"public": ca_yoy.index.to_period("Q").to_timestamp("Q").normalize() + lag,
                               "ca_yoy": ca_yoy.to_numpy()})
        ret = pd.DataFrame({"date": qc.index, "ret": 100 * np.log(qc).diff().to_numpy()})
        frame = pd.merge_asof(ret, public, left_on="date", right_on="public",
                              tolerance=pd.Timedelta(days=92)).set_index("date")  # no value older than a quarter
        frame = frame[["ret", "ca_yoy"]].dropna()
        r = ols_hac(frame["ret"], frame[["ca_yoy"]])
        parts.append(_direction_part("D3.current_account_csi300", r, "ca_yoy", proxy="CSI 300",
                                     detail=f"quarterly {_span(r)}"))
        numbers.update({"D3_ca_beta": float(r.params["ca_yoy"]), "D3_ca_p": float(r.pvalues["ca_yoy"]),
                        "D3_ca_n": int(r.nobs)})
        return [_reg_row("CSI 300 return on Δ4 current account (public)", r, "ca_yoy", f"quarterly {_span(r)}")]

    def _chain(self, loader: DataLoader, parts: list, numbers: dict) -> tuple[list[dict], pd.DataFrame]:
        d, ra, rb, (a, b, ind, se, p_ind) = _chain_fit(loader, clock="auto")
        parts.append(_direction_part("D3.spread_to_cny", ra, "dspread", proxy="USD/CNY (NY noon)",
                                     detail=f"monthly {_span(ra)}"))
        parts.append(_direction_part("D3.cny_to_flows", rb, "cny", proxy="northbound net buying",
                                     detail=f"monthly {_span(rb)}"))
        parts.append(PartResult(claim="D3", part="spread_cny_flows", estimate=ind, se=se, ci=z_ci(ind, se),
                                pvalue=p_ind, n=int(rb.nobs), proxy="northbound net buying",
                                test="product of HAC slopes, Sobel standard error",
                                detail=f"a = {a:.3f} (% per pp), b = {b:.3f} (CNY bn per %)"))
        numbers.update({"D3_a": a, "D3_a_p": float(ra.pvalues["dspread"]), "D3_b": b, "D3_b_p": float(rb.pvalues["cny"]),
                        "D3_indirect": ind, "D3_indirect_p": p_ind, "D3_chain_n": int(rb.nobs),
                        "D3_spread_direct": float(rb.params["dspread"]), "D3_spread_direct_p": float(rb.pvalues["dspread"])})
        lp = local_projection("nb", "dspread", d, horizons=LP_HORIZONS, y_lags=2, x_lags=2, response="cumulative")
        lp_frame = pd.DataFrame({"Horizon (months)": lp.irf.index, "Response": lp.irf.to_numpy(),
                                 "SE": lp.se.to_numpy(), "N": lp.nobs.to_numpy()})
        numbers["D3_lp_h0"] = float(lp.irf.iloc[0])
        numbers[f"D3_lp_h{LP_HORIZONS}"] = float(lp.irf.iloc[-1])
        rows = [_reg_row("CNY appreciation on Δspread (a)", ra, "dspread", f"monthly {_span(ra)}"),
                _reg_row("Northbound on CNY appreciation | Δspread (b)", rb, "cny", f"monthly {_span(rb)}"),
                _reg_row("Northbound on Δspread | CNY (direct)", rb, "dspread", f"monthly {_span(rb)}"),
                {"Regression": "Indirect effect a·b (Sobel)", "β": ind, "SE (HAC)": se, "p": p_ind, "R²": math.nan,
                 "N": int(rb.nobs), "Sample": f"monthly {_span(rb)}"}]
        # what the Shanghai clock changes: the same chain on every series' own dates (the earlier design)
        _, na, _, (_, _, n_ind, n_se, n_p) = _chain_fit(loader, clock="native")
        rows += [_reg_row("(a) on unaligned dates (US dated d read on d)", na, "dspread", f"monthly {_span(na)}"),
                 {"Regression": "a·b on unaligned dates", "β": n_ind, "SE (HAC)": n_se, "p": n_p, "R²": math.nan,
                  "N": int(na.nobs), "Sample": f"monthly {_span(na)}"}]
        numbers.update({"D3_a_native_clock": float(na.params["dspread"]),
                        "D3_a_p_native_clock": float(na.pvalues["dspread"]),
                        "D3_indirect_native_clock": n_ind, "D3_indirect_p_native_clock": n_p})
        return rows, lp_frame

    # ------------------------------------------------------------------------- D4
    def _d4(self, loader: DataLoader, parts: list, numbers: dict) -> tuple[list[dict], Figure]:
        fx = loader.series(USDCNY)
        # each ChinaBond day against the last US 10Y close known at it (Shanghai clock: a US close dated d
        # counts from d + 1)
        both = build_panel(loader, {"cgb": CGB10Y, "ust": UST10Y}, freq="D", start=D4_SPREAD_SPAN[0],
                           end=D4_SPREAD_SPAN[1], dropna="any")
        spread = (both["cgb"] - both["ust"]).rename("China − US 10Y (pp)")
        native = build_panel(loader, {"cgb": CGB10Y, "ust": UST10Y}, freq="D", start=D4_FROM, end=D4_TO,
                             calendar="inner", clock="native")  # the earlier design: same-dated closes
        below = native.index[(native["cgb"] - native["ust"]) < 0]
        numbers["D4_inversion_native_clock"] = below[0].strftime("%Y-%m-%d") if len(below) else "none"
        win = spread.loc[D4_FROM:D4_TO]
        neg = win[win < 0]
        rows = []
        effr = loader.series(EFFR).loc[D4_FROM:D4_TO]
        up = effr[effr >= effr.iloc[0] + FED_MOVE_PP]
        hike = up.index[0].strftime("%Y-%m-%d") if len(up) else "none"
        numbers["D4_fed_hike"] = hike
        rows.append({"Event": "Fed's first hike (effective rate +0.2 pp)", "Article": "2022-03", "Dated": hike,
                     "Value": float(up.iloc[0]) if len(up) else math.nan})
        spec = part("D4.spread_inversion")
        numbers["D4_spread_start"] = float(win.iloc[0])
        if neg.empty:
            parts.append(PartResult(claim="D4", part=spec.name, detail="the spread never closed below zero"))
            rows.append({"Event": "10Y spread first below zero", "Article": "after 2022-03", "Dated": "none",
                         "Value": math.nan})
        else:
            d = neg.index[0]
            me = win.resample("ME").last()
            first_me = me[me < 0].index[0].strftime("%Y-%m-%d") if (me < 0).any() else "none"
            parts.append(PartResult(claim="D4", part=spec.name, date=d.strftime("%Y-%m-%d"), estimate=float(neg.iloc[0]),
                                    proxy="ChinaBond 10Y − US 10Y", test="first close below zero",
                                    detail=f"first month-end below zero {first_me}; spread {win.iloc[0]:.2f} pp on "
                                           f"{win.index[0].date()}"))
            numbers.update({"D4_inversion": d.strftime("%Y-%m-%d"), "D4_inversion_month_end": first_me,
                            "D4_spread_min": float(win.min()), "D4_spread_min_date": win.idxmin().strftime("%Y-%m-%d")})
            rows.append({"Event": "10Y spread first below zero", "Article": "after 2022-03",
                         "Dated": d.strftime("%Y-%m-%d"), "Value": float(neg.iloc[0])})
        spec = part("D4.cny_weakens")
        fxw = fx.loc[D4_FROM:D4_TO]
        low = fxw.idxmin()
        numbers.update({"D4_cny_turn": low.strftime("%Y-%m-%d"), "D4_cny_low": float(fxw.min()),
                        "D4_cny_high": float(fxw.max()), "D4_cny_high_date": fxw.idxmax().strftime("%Y-%m-%d"),
                        "D4_cny_depreciation": float(100 * np.log(fxw.max() / fxw.min()))})
        parts.append(PartResult(claim="D4", part=spec.name, date=low.strftime("%Y-%m-%d"), estimate=float(fxw.min()),
                                proxy="USD/CNY (NY noon)", test="strongest CNY close in the window",
                                detail=f"USD/CNY {fxw.min():.4f} on {low.date()}, {fxw.max():.4f} on {fxw.idxmax().date()}"))
        rows.append({"Event": "CNY starts to weaken (lowest USD/CNY)", "Article": "after 2022-03",
                     "Dated": low.strftime("%Y-%m-%d"), "Value": float(fxw.min())})
        fig_data = pd.concat([spread.loc["2021-01-01":"2023-06-30"], fx.loc["2021-01-01":"2023-06-30"].rename("USD/CNY")],
                             axis=1, sort=True).ffill().dropna()
        fig = Figure(name="cb_d4_spread_cny", title="China−US 10Y spread and USD/CNY, 2021–2023", data=fig_data,
                     ylabel="pp", secondary=["USD/CNY"], hlines=[0.0],
                     vlines=[v for v in (hike, numbers.get("D4_inversion", "")) if v and v != "none"])
        return rows, fig

    # ------------------------------------------------------------------------- D5
    def _d5(self, loader: DataLoader, parts: list, numbers: dict) -> list[dict]:
        ex = loader.series(EXPORTS)
        qx = ex.groupby(ex.index.to_period("Q")).agg(["sum", "count"])
        qx = qx.loc[qx["count"] == 3, "sum"]
        growth = 100 * (qx / qx.shift(4) - 1)
        csi = loader.series(CSI300)
        qc = csi.groupby(csi.index.to_period("Q")).last()
        yoy = 100 * np.log(qc / qc.shift(4))
        ret = 100 * np.log(qc / qc.shift(1))
        frame = pd.DataFrame({"yoy": yoy, "ret": ret, "g": growth}).loc[:"2024Q4"]
        frame.index = frame.index.to_timestamp("Q")
        rows = []
        head = None
        for k in D5_LAGS:
            f = pd.DataFrame({"y": frame["yoy"], "g": frame["g"].shift(k)}).dropna()
            r = ols_hac(f["y"], f[["g"]], horizon=YOY_OVERLAP)
            rows.append(_reg_row(f"CSI 300 yoy on export growth, lag {k}", r, "g", f"quarterly {_span(r)}"))
            numbers[f"D5_beta_lag{k}"] = float(r.params["g"])
            numbers[f"D5_p_lag{k}"] = float(r.pvalues["g"])
            if k == 0:
                head = r
        for k in (0, 1):
            f = pd.DataFrame({"y": frame["ret"], "g": frame["g"].shift(k)}).dropna()
            r = ols_hac(f["y"], f[["g"]])
            rows.append(_reg_row(f"CSI 300 quarterly return on export growth, lag {k}", r, "g", f"quarterly {_span(r)}"))
            numbers[f"D5_ret_beta_lag{k}"] = float(r.params["g"])
            numbers[f"D5_ret_p_lag{k}"] = float(r.pvalues["g"])
        assert head is not None
        numbers["D5_corr"] = float(frame[["yoy", "g"]].dropna().corr().iloc[0, 1])
        numbers["D5_n"] = int(head.nobs)
        parts.append(_direction_part("D5.exports_csi300", head, "g", proxy="CSI 300",
                                     detail=f"quarterly {_span(head)}, contemporaneous"))
        return rows


STUDY = CrossBorderStudy()
