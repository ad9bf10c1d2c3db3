"""A6, C18, C22, C23 — the articles' dated calls, scored after publication, and C18's premises.

Claims (the registry, ``studies/claims.toml``, declares each part with its publication date,
horizon and called direction):

* **A6** (Seed 000, Sept–Oct 2023): "本轮沪深300指数的社融底在3688点" — CSI 300's
  credit-cycle floor is 3688. Scored as: CSI 300's lowest close in the 12 months after the
  last close before the article stays at or above 3688.
* **C18** (Seed 002, 2024-04-12): "预计未来一年小盘股风格延续概率偏大" — small caps keep
  leading for a year. Scored on ``100 log(CSI 1000 / CSI 300)`` over 12 months; the other
  small-cap proxies are shown beside it.
* **C23** (Seed 002): "如 2024 年中美联储大概率降息,下半年外资流入或增加,此时大盘风格容易
  占优" — if the Fed cuts in 2024, foreign inflows rise in 2024H2 and large caps lead. The
  condition (first 2024 cut) is dated from the daily effective fed funds rate; the style call
  is scored on 2024H2; the inflow call needs northbound flows for 2024, which the public
  record lacks (the part is returned as missing).
* **C22**: the premises of C18 as of the publication date — the March 2024 PMI back above 50
  (dated as the latest up-crossing of 50 in the data released by then), DR007 and the 10Y CGB
  low (percentile in their previous ten years, two-sided rank p), the margin balance rising
  (one-month change, rank p among the previous ten years of one-month changes), IPOs reduced
  (SSE+SZSE listings Jan–Mar 2024 against the 2021–23 mean of the same months, exact Poisson).

Scoring (``econ.robust.calls``): a call's realised move is compared with every earlier window
of the same length that ended before the scored window starts (month-end starts); the p-value
is the share of those windows at least as favourable to the call. Windows overlap, so this is
the base rate the verdict policy asks for, not a sampling-theory test.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.robust.calls import CallScore, rank_pvalue, score_floor, score_move
from econ.study import Figure, PartResult, Study, StudyResult, Table
from studies._tables import (
    from_launch,
    from_launch_label,
    from_launch_numbers,
    labelled,
    marked,
    with_launch_note,
)
from studies.common import PROXIES, Proxy
from studies.declared import part

#: Days per calendar month, to turn the registry's horizons (days) into months.
_DAYS_PER_MONTH = 365.25 / 12
#: Trailing history for "is it low / is it rising" premises, in years.
PREMISE_HISTORY_YEARS = 10
#: Moving-average window of the noisy daily DR007 (trading days).
DR007_SMOOTH_DAYS = 20
#: A Fed cut: the daily effective rate this many pp below its level on the first day of the year.
FED_CUT_PP = 0.2
#: Years whose Jan–Mar listings are the IPO baseline (the article compares 2024 with 2021–2023).
IPO_BASE_YEARS = (2021, 2022, 2023)

CSI300 = "cn.index.csi300.close"
HEADLINE_PROXY = PROXIES[0]  # CSI 1000 / CSI 300: the registry's headline for C18 and C23


def _months(days: int | None) -> int:
    if days is None:
        raise ValueError("a forecast part needs its horizon (window_days) in the registry")
    return int(round(days / _DAYS_PER_MONTH))


def _log_ratio(loader: DataLoader, proxy: Proxy) -> pd.Series:
    s, lg = loader.series(proxy.small), loader.series(proxy.large)
    both = pd.concat([s, lg], axis=1, join="inner").dropna()
    return (100 * np.log(both.iloc[:, 0] / both.iloc[:, 1])).rename(proxy.label)


def _call_part(key: str, sc: CallScore, *, proxy: str, test: str, detail: str) -> PartResult:
    claim, _, name = key.partition(".")
    if not sc.complete:
        return PartResult(claim=claim, part=name, estimate=sc.move, proxy=proxy, n=sc.windows, test=test,
                          detail=detail, missing=f"the horizon ends after the data ({sc.end.date()})")
    return PartResult(claim=claim, part=name, estimate=sc.move, right=sc.right, pvalue=sc.pvalue, n=sc.windows,
                      proxy=proxy, test=test, date=sc.end.strftime("%Y-%m-%d"), detail=detail)


def _call_row(label: str, claim: str, series: str, sc: CallScore, direction: str) -> dict[str, object]:
    return {"Claim": claim, "Call": label, "Series": series, "Called": direction,
            "Start": sc.start.strftime("%Y-%m-%d"), "End (last close)": sc.end.strftime("%Y-%m-%d"),
            "Complete": "yes" if sc.complete else "no", "Realised": sc.move,
            "Came true": "yes" if sc.right else "no", "Base rate": sc.base_rate,
            "p (base rate)": sc.pvalue, "Windows": sc.windows}


class ForecastsStudy(Study):
    """The articles' dated calls and the premises of the C18 call."""

    name = "forecasts"
    title = "Dated calls scored after publication (A6, C18, C23) and the premises of C18 (C22)"
    claims = ("A6", "C18", "C22", "C23")
    parts = ("A6.floor_holds", "C18.persists", "C22.pmi_back_above_50", "C22.dr007_low", "C22.cgb10y_low",
             "C22.margin_rising", "C22.ipo_reduced", "C23.large_caps_lead", "C23.inflows_rise")
    series = (CSI300, "cn.index.csi1000.close", "cn.index.csi2000.close", "cn.index.microcap.close",
              "cn.index.sw_small.close", "cn.index.sw_large.close", "us.rate.fed_funds_daily",
              "cn.flow.northbound.net", "cn.macro.pmi_mfg", "cn.rate.dr007", "cn.rate.cgb10y",
              "cn.margin.financing_balance", "cn.ipo.listings_sh_sz")

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        parts: list[PartResult] = []
        rows: list[dict[str, object]] = []
        numbers: dict[str, object] = {}
        figures: list[Figure] = []

        say("A6: CSI 300 floor")
        parts.append(self._a6(loader, rows, numbers, figures))
        say("C18 / C23: style calls")
        parts += self._style_calls(loader, rows, numbers, figures)
        say("C22: premises")
        premise_parts, premise_rows = self._premises(loader, numbers)
        parts += premise_parts

        calls = pd.DataFrame(rows)
        tables = [
            Table(name="fc_calls", caption="Dated calls scored after publication against the base rate of the "
                  "same move in every earlier window of that length", frame=labelled(calls, 2),
                  digits={"Realised": 2, "Base rate": 2, "p (base rate)": 3, "Windows": 0},
                  notes=["Realised: A6, 100 log(lowest CSI 300 close in the window / 3688) (≥ 0: the floor "
                         "held); the others, the change of 100 log(small / large). Base rate: share of earlier "
                         "windows (month-end starts, same length, ended before the start) with the called outcome. "
                         "p: share of those windows at least as favourable to the call (counting the realised one). "
                         "Windows overlap: a descriptive benchmark, not a sampling-theory test."],
                  sample="daily closes; earlier windows from each series' first month (from the launch date in "
                         "the 'from launch' row) to the call's start"),
            Table(name="fc_premises", caption="Premises of the April 2024 call (C22), with the data public on "
                  "2024-04-12", frame=labelled(pd.DataFrame(premise_rows)),
                  digits={"Value": 2, "Benchmark": 2, "Percentile": 1, "p": 3, "N": 0},
                  notes=["Percentile: rank in the previous ten years (DR007: of 20-day means; margin: of "
                         "one-month changes); p: two-sided rank p-value (2 min(q, 1 − q)). IPOs: exact two-sided "
                         "Poisson test of the 2024 count against the 2021–2023 mean of the same months."],
                  sample="as of 2024-04-12; histories 2014-04 to 2024-04 (N column)"),
        ]
        return StudyResult(study=self.name, title=self.title, parts=parts, tables=[with_launch_note(t) for t in tables],
                           figures=figures, numbers=numbers, headline_proxy=HEADLINE_PROXY.label, data_ids=list(self.series),
                           synthetic=self.is_synthetic(loader))

    # ------------------------------------------------------------------------- A6
    def _a6(self, loader: DataLoader, rows: list, numbers: dict, figures: list) -> PartResult:
        spec = part("A6.floor_holds")
        csi = loader.series(CSI300)
        months = _months(spec.window_days)
        sc = score_floor(csi, spec.date, float(spec.value), months)
        sc = dataclasses.replace(sc, move=100 * sc.move)  # in 100 log points, as the registry states
        window = csi.loc[sc.start:sc.end]
        low_date = window.idxmin()
        rows.append(_call_row(f"CSI 300 stays ≥ {spec.value:g} for {months} months", "A6", "CSI 300", sc,
                              "floor holds"))
        numbers.update({"A6_floor": float(spec.value), "A6_start_close": float(csi.loc[sc.start]),
                        "A6_low": float(window.min()), "A6_low_date": low_date.strftime("%Y-%m-%d"),
                        "A6_move": sc.move, "A6_p": sc.pvalue, "A6_base_rate_pct": 100 * sc.base_rate,
                        "A6_first_break": window[window < spec.value].index[0].strftime("%Y-%m-%d")
                        if (window < spec.value).any() else "none"})
        fig = csi.loc[pd.Timestamp(spec.date) - pd.DateOffset(months=6):sc.end + pd.DateOffset(months=3)]
        figures.append(Figure(name="fc_a6_floor", title="CSI 300 and the article's floor", data=fig.to_frame("CSI 300"),
                              ylabel="index points", hlines=[float(spec.value)], vlines=[spec.date]))
        return _call_part("A6.floor_holds", sc, proxy="CSI 300", test="floor call vs earlier 12-month windows",
                          detail=f"lowest close {window.min():.1f} on {low_date.date()}; start {sc.start.date()} "
                                 f"at {csi.loc[sc.start]:.1f}")

    # ------------------------------------------------------------------------- C18, C23
    def _style_calls(self, loader: DataLoader, rows: list, numbers: dict, figures: list) -> list[PartResult]:
        out = []
        ratios = {}
        proxies = {}
        for proxy in PROXIES:
            try:
                ratios[proxy.label] = _log_ratio(loader, proxy)
            except DataError:
                continue
            proxies[proxy.label] = proxy
        for key, tag in (("C18.persists", "C18"), ("C23.large_caps_lead", "C23")):
            spec = part(key)
            months = _months(spec.window_days)
            called = "small caps lead" if spec.sign > 0 else "large caps lead"
            head = None
            for label, r in ratios.items():
                if r.index[-1] < pd.Timestamp(spec.date):
                    continue
                sc = score_move(r, spec.date, spec.sign, months)
                series = label if "/" in label else f"{label} / CSI 300"
                # the base rate's earlier windows run from the ratio's first value (history_start=None)
                rows.append(_call_row(f"{called}, {months} months", tag, marked(series, proxies[label], None), sc,
                                      called))
                if label == HEADLINE_PROXY.label:
                    head = sc
                    live = from_launch(HEADLINE_PROXY, None, lambda d, r=r, spec=spec, months=months:
                                       score_move(r, spec.date, spec.sign, months, history_start=d))
                    if live is not None:
                        rows.append(_call_row(f"{called}, {months} months", tag,
                                              from_launch_label(series, HEADLINE_PROXY, None), live, called))
                        numbers.update(from_launch_numbers({f"{tag}_p": live.pvalue,
                                                            f"{tag}_base_rate_pct": 100 * live.base_rate,
                                                            f"{tag}_windows": live.windows}))
                    path = r.loc[sc.start:sc.end] - r.loc[sc.start]
                    numbers.update({f"{tag}_path_low": float(path.min()),
                                    f"{tag}_path_low_date": path.idxmin().strftime("%Y-%m-%d")})
                    numbers.update({f"{tag}_move": sc.move, f"{tag}_p": sc.pvalue, f"{tag}_base_rate_pct": 100 * sc.base_rate,
                                    f"{tag}_windows": sc.windows, f"{tag}_end": sc.end.strftime("%Y-%m-%d")})
                else:
                    numbers[f"{tag}_move_{label.replace(' ', '').replace('/', '').replace('-', '')}"] = sc.move
            if head is None:
                out.append(PartResult(claim=spec.claim, part=spec.name, missing=f"{HEADLINE_PROXY.label} ratio "
                                      f"after {spec.date}"))
            else:
                out.append(_call_part(key, head, proxy=HEADLINE_PROXY.label,
                                      test=f"{months}-month change vs earlier {months}-month windows",
                                      detail=f"100 Δlog ratio {head.start.date()} to {head.end.date()}"))
        # the C23 condition and the flow call
        cut = self._first_cut(loader, int(pd.Timestamp(part("C23.large_caps_lead").date).year))
        numbers["C23_first_cut"] = cut
        spec = part("C23.inflows_rise")
        nb = loader.series("cn.flow.northbound.net")
        end = pd.Timestamp(spec.date) + pd.DateOffset(months=_months(spec.window_days))
        numbers["C23_northbound_last"] = nb.index[-1].strftime("%Y-%m-%d")
        if nb.index[-1] < end:
            out.append(PartResult(claim="C23", part="inflows_rise", proxy="northbound net buying",
                                  detail=f"first 2024 Fed cut (daily EFFR): {cut}",
                                  missing=f"northbound net buying after {nb.index[-1].date()} (needed to {end.date()})"))
        else:  # a vault whose northbound series covers the window
            sel = nb.loc[:end]  # calendar half-years: the call compares 2024H2 with 2024H1
            halves = sel.groupby([sel.index.year, (sel.index.month - 1) // 6]).sum()
            diffs = halves.diff().dropna()
            realised, past = float(diffs.iloc[-1]), diffs.iloc[:-1].to_numpy()
            p = float((1 + np.sum(past >= realised)) / (1 + len(past)))
            out.append(PartResult(claim="C23", part="inflows_rise", estimate=realised / 1000, right=bool(realised > 0),
                                  pvalue=p, n=len(past), proxy="northbound net buying (CNY bn)",
                                  test="half-year change vs earlier half-year changes",
                                  detail=f"first 2024 Fed cut (daily EFFR): {cut}"))
        base = ratios.get(HEADLINE_PROXY.label)
        if base is not None:
            c18 = part("C18.persists")
            lo = pd.Timestamp(c18.date) - pd.DateOffset(months=6)
            fig = base.loc[lo:pd.Timestamp(c18.date) + pd.DateOffset(months=_months(c18.window_days) + 3)]
            figures.append(Figure(name="fc_style_calls", title="100 log(CSI 1000 / CSI 300) around the 2024 calls",
                                  data=fig.to_frame("100 log(CSI 1000 / CSI 300)"), ylabel="100 log ratio",
                                  vlines=[c18.date, part("C23.large_caps_lead").date] + ([cut] if cut != "none" else [])))
        return out

    @staticmethod
    def _first_cut(loader: DataLoader, year: int) -> str:
        effr = loader.series("us.rate.fed_funds_daily").loc[str(year)]
        if effr.empty:
            return "no data"
        below = effr[effr <= effr.iloc[0] - FED_CUT_PP]
        return below.index[0].strftime("%Y-%m-%d") if len(below) else "none"

    # ------------------------------------------------------------------------- C22
    def _premises(self, loader: DataLoader, numbers: dict) -> tuple[list[PartResult], list[dict]]:
        pub = pd.Timestamp(part("C18.persists").date)  # the premises of the C18 call, as of its publication
        lo = pub - pd.DateOffset(years=PREMISE_HISTORY_YEARS)
        parts, rows = [], []

        # PMI back above 50: the latest up-crossing among readings released by the publication date
        spec = part("C22.pmi_back_above_50")
        pmi = loader.series("cn.macro.pmi_mfg")
        lag = loader.spec("cn.macro.pmi_mfg").release_lag_days
        released = pmi[(pmi.index.to_period("M").to_timestamp("M") + pd.Timedelta(days=lag)) <= pub]
        up = released[(released > 50) & (released.shift(1) <= 50)]
        if up.empty:
            parts.append(PartResult(claim="C22", part=spec.name, detail="no up-crossing of 50 before publication"))
        else:
            d = up.index[-1].to_period("M").to_timestamp("M")
            run = released.loc[:up.index[-1]].iloc[:-1]
            below = int((run[::-1] > 50).cumsum().eq(0).sum())
            parts.append(PartResult(claim="C22", part=spec.name, date=d.strftime("%Y-%m-%d"), estimate=float(up.iloc[-1]),
                                    detail=f"PMI {up.iloc[-1]:.1f} after {below} month(s) at or below 50",
                                    test="latest up-crossing of 50 released by the publication date"))
            numbers.update({"C22_pmi": float(up.iloc[-1]), "C22_pmi_month": d.strftime("%Y-%m"),
                            "C22_pmi_months_below": below})
            rows.append({"Premise": "PMI back above 50", "Series": "official manufacturing PMI",
                         "Value": float(up.iloc[-1]), "Benchmark": 50.0, "Percentile": math.nan, "p": math.nan,
                         "N": len(released), "Reading": f"{d:%Y-%m}, after {below} month(s) ≤ 50"})

        # DR007 and 10Y CGB low: percentile in the previous ten years
        dr = loader.series("cn.rate.dr007").rolling(DR007_SMOOTH_DAYS).mean().dropna()
        for key, s, label in (("C22.dr007_low", dr, f"DR007, {DR007_SMOOTH_DAYS}-day mean"),
                              ("C22.cgb10y_low", loader.series("cn.rate.cgb10y"), "10Y CGB yield")):
            hist = s.loc[lo:pub]
            value = float(hist.iloc[-1])
            q, p = rank_pvalue(hist.iloc[:-1], value)
            claim, _, name = key.partition(".")
            parts.append(PartResult(claim=claim, part=name, estimate=100 * q - 50, pvalue=p, n=len(hist) - 1,
                                    proxy=label, test="two-sided rank p in the previous ten years",
                                    detail=f"{value:.2f}% on {hist.index[-1].date()}, percentile {100 * q:.1f}"))
            numbers.update({f"C22_{name}_value": value, f"C22_{name}_pct": 100 * q, f"C22_{name}_p": p})
            rows.append({"Premise": label + " low", "Series": label, "Value": value,
                         "Benchmark": float(hist.iloc[:-1].median()), "Percentile": 100 * q, "p": p,
                         "N": len(hist) - 1, "Reading": "benchmark: ten-year median (%)"})

        # margin balance rising: one-month change against the previous ten years' one-month changes
        spec = part("C22.margin_rising")
        mb = np.log(loader.series("cn.margin.financing_balance")).mul(100)
        chg = (mb - mb.reindex(mb.index - pd.DateOffset(months=1), method="ffill").to_numpy()).loc[lo:pub].dropna()
        value = float(chg.iloc[-1])
        q, p = rank_pvalue(chg.iloc[:-1], value)
        parts.append(PartResult(claim="C22", part=spec.name, estimate=value, pvalue=p, n=len(chg) - 1,
                                proxy="margin financing balance", test="two-sided rank p among one-month changes",
                                detail=f"100 Δlog over the month to {chg.index[-1].date()}, percentile {100 * q:.1f}"))
        numbers.update({"C22_margin_change": value, "C22_margin_pct": 100 * q, "C22_margin_p": p})
        rows.append({"Premise": "margin balance rising", "Series": "financing balance, 100 Δlog 1 month",
                     "Value": value, "Benchmark": float(chg.iloc[:-1].median()), "Percentile": 100 * q, "p": p,
                     "N": len(chg) - 1, "Reading": "benchmark: ten-year median one-month change"})

        # IPOs reduced: Jan-Mar 2024 against the 2021-2023 mean of the same months (exact Poisson)
        spec = part("C22.ipo_reduced")
        ipo = loader.series("cn.ipo.listings_sh_sz")
        months = [m for m in range(1, pub.month)]

        def q_sum(year: int) -> float:
            sel = ipo[(ipo.index.year == year) & ipo.index.month.isin(months)]
            return float(sel.sum()) if len(sel) == len(months) else math.nan

        now, base = q_sum(pub.year), [q_sum(y) for y in IPO_BASE_YEARS]
        if math.isnan(now) or any(math.isnan(b) for b in base):
            parts.append(PartResult(claim="C22", part=spec.name, missing="monthly listings for Jan–Mar 2021–2024"))
        else:
            mu = float(np.mean(base))
            p = float(min(1.0, 2 * min(stats.poisson.cdf(now, mu), stats.poisson.sf(now - 1, mu))))
            parts.append(PartResult(claim="C22", part=spec.name, estimate=now - mu, pvalue=p, n=len(base) + 1,
                                    proxy="SSE+SZSE listings", test="exact two-sided Poisson test",
                                    detail=f"{now:.0f} listings Jan–{pub.replace(month=pub.month - 1):%b} {pub.year} vs "
                                           f"mean {mu:.1f} in {IPO_BASE_YEARS[0]}–{IPO_BASE_YEARS[-1]}"))
            numbers.update({"C22_ipo_2024": now, "C22_ipo_base": mu, "C22_ipo_p": p})
            rows.append({"Premise": "IPOs reduced", "Series": "SSE+SZSE listings, Jan–Mar", "Value": now,
                         "Benchmark": mu, "Percentile": math.nan, "p": p, "N": len(base) + 1,
                         "Reading": f"benchmark: mean of {IPO_BASE_YEARS[0]}–{IPO_BASE_YEARS[-1]}"})
        return parts, rows


STUDY = ForecastsStudy()
