"""B1, B5 — did quant-neutral deleveraging cause the Jan–Feb 2024 small-cap crash?

Claims (Seed 001, 股灾的真相, published 2024-02-09):

* **B1**: snowball knock-ins deepened the IC/IM discount; quant-neutral funds then sold their
  small-cap longs and closed their short hedges ("1月22日之后 … 中小盘不断被抛售, 同时中证500
  和中证1000的贴水有所收敛"), and small caps crashed.
* **B5**: "那天中证500和中证1000的贴水达到了最近四年来的最高水平" (the discount hit its deepest
  level in four years), and "基差 … 收敛到正常的区间 … 本轮小盘股股灾就到尾声了" (the basis
  back in its normal range marks the end of the crash).

Data: the CFFEX contract panel (``econ.data.futures``): the daily annualised basis of IC (CSI
500) and IM (CSI 1000), open-interest weighted over contracts with at least five days to
expiry (front-month and main-contract variants beside it); no dividend adjustment (the
vault's dividend yields end 2024-01-05). Index closes for the excess returns.

What we do:

1. **Event study** (``econ.models.events``) of the daily log return of each small-cap index
   minus CSI 300 on the article's four dates, day 0 only, constant-mean baseline over days
   −250 to −30, bootstrap CI over events and a placebo p-value from non-event days.
2. **Basis → returns**: the next five days' excess return on today's change of the annualised
   basis, with an episode interaction (Dec 2023 to Mar 2024), daily 2022-07 → 2024-06, HAC;
   the same day's relation beside it; the 2022–23 slope is the placebo (the non-episode
   slope). Granger causality both ways (lags by AIC).
3. **B5**: the deepest discount in the four years to publication, dated (IC; IM has only 1.5
   years of history, said so), and the first day after the deepest discount from which the
   basis stays in its 2022–23 normal range, beside the small-cap troughs.

Back-calculated history: the event study draws its placebo dates from each excess return's whole
history, which for CSI 1000 reaches before its 2014-10-17 launch; the headline is repeated with
placebo dates from the launch. CSI 2000 rows (estimation window in 2023, launch 2023-08-11) are marked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from econ.data.errors import DataError
from econ.data.futures import BASIS_METHODS, annualised_basis, open_interest, read_contracts
from econ.data.loader import DataLoader
from econ.data.panels import panel_vault
from econ.models.causality import granger
from econ.models.events import event_study
from econ.models.regression import RegressionResult, ols_hac
from econ.study import Figure, PartResult, Study, StudyResult, Table, z_ci
from studies._tables import (
    from_launch,
    from_launch_label,
    from_launch_numbers,
    labelled,
    marked,
    pair,
    with_launch_note,
)
from studies.declared import registry


def article_dates(text: str) -> tuple[str, ...]:
    """Dates in a registry ``article_numbers`` text: ``2024-01-22, 02-05`` -> both in 2024."""
    out, year = [], None
    for m in re.finditer(r"(?:(\d{4})-)?(\d{2})-(\d{2})", text):
        year = m.group(1) or year
        if year is None:
            raise ValueError(f"a date without a year in '{text}'")
        out.append(f"{year}-{m.group(2)}-{m.group(3)}")
    return tuple(out)


#: The article's crash dates, from the registry's article numbers for B1.
EVENT_DATES = article_dates(registry().claim("B1").article_numbers)
#: Publication date of Seed 001 (its front matter: 2024-02-09).
PUBLISHED = "2024-02-09"
EPISODE = ("2023-12-01", "2024-03-31")
SAMPLE = ("2022-07-22", "2024-06-28")
#: Trading days of future excess return in the predictive regression.
LEAD_DAYS = 5
#: "Normal range" of the basis: interquartile range over this window; stays for RUN_DAYS days.
NORMAL_WINDOW = ("2022-07-01", "2023-12-31")
RUN_DAYS = 5
RUN_VARIANTS = (1, 5, 10)
RECORD_YEARS = 4
N_BOOT = N_PLACEBO = 2000
SEED = 20240209

CSI300 = "cn.index.csi300.close"
SMALL = {"CSI 1000": "cn.index.csi1000.close", "CSI 2000": "cn.index.csi2000.close",
         "Micro-cap": "cn.index.microcap.close", "CSI 500": "cn.index.csi500.close"}
#: The future whose basis stands beside each small-cap index.
FUTURE_OF = {"CSI 1000": "IM", "CSI 500": "IC", "CSI 2000": "IM", "Micro-cap": "IM"}


def _excess(loader: DataLoader, small: str) -> pd.Series:
    both = pd.concat([loader.series(small), loader.series(CSI300)], axis=1, join="inner").dropna()
    return 100 * np.log(both.iloc[:, 0] / both.iloc[:, 1]).diff().dropna()


def _first_normal_run(basis: pd.Series, after: pd.Timestamp, floor: float, run: int) -> pd.Timestamp | None:
    """First day after ``after`` from which ``basis`` stays >= ``floor`` for ``run`` trading days."""
    ok = (basis.loc[after:].iloc[1:] >= floor).astype(int)
    streak = ok.groupby((ok != ok.shift()).cumsum()).cumsum() * ok
    hit = streak[streak >= run]
    return None if hit.empty else ok.index[ok.index.get_loc(hit.index[0]) - run + 1]


def _episode_slope(r: RegressionResult, base: str, inter: str) -> tuple[float, float, float]:
    """Slope in the episode (``base + inter``), its standard error and two-sided p-value."""
    names = list(r.params.index)
    w = np.zeros(len(names))
    w[names.index(base)] = w[names.index(inter)] = 1.0
    est = float(w @ r.params.to_numpy())
    se = float(math.sqrt(w @ r.cov_params.to_numpy() @ w))
    dist = stats.t(r.nobs - len(names)) if r.use_t else stats.norm()
    return est, se, float(2 * dist.sf(abs(est / se)))


class QuantCrashStudy(Study):
    """The 2024 small-cap crash and the index-futures basis (Seed 001)."""

    name = "quant_crash"
    title = "The January–February 2024 small-cap crash and the IC/IM discount (B1, B5)"
    claims = ("B1", "B5")
    parts = ("B1.event_excess_returns", "B1.basis_to_returns", "B5.deepest_in_four_years",
             "B5.im_deepest_since_listing", "B5.basis_normal_at_trough")
    series = (CSI300, *SMALL.values())

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        numbers: dict[str, object] = {}
        parts: list[PartResult] = []
        tables: list[Table] = []
        figures: list[Figure] = []
        say("B1: event study")
        excess = {label: _excess(loader, sid) for label, sid in SMALL.items()}
        tables.append(self._events(excess, parts, numbers))
        try:
            if loader.settings.vault is None:
                raise DataError("no vault configured")
            contracts = read_contracts(panel_vault(loader.settings))
        except DataError as exc:
            why = f"the CFFEX contract panel ({exc})"
            parts += [PartResult(claim=k.split(".")[0], part=k.split(".")[1], missing=why) for k in self.parts[1:]]
            return self._result(loader, parts, tables, figures, numbers)
        provenance = f"contract panel {contracts.attrs['source']} (sha256 {contracts.attrs['sha256']})"
        basis = {(p, m): annualised_basis(contracts, p, m) for p in ("IC", "IM") for m in BASIS_METHODS}
        say("B1: basis and returns")
        tables += self._basis_returns(excess, basis, contracts, parts, numbers)
        say("B5: record and normalisation")
        tables.append(self._b5(loader, basis, parts, numbers))
        fig = pd.DataFrame({"IC basis (% a year)": basis[("IC", "oi_weighted")],
                            "IM basis (% a year)": basis[("IM", "oi_weighted")]}).loc["2023-10-01":"2024-04-30"]
        figures.append(Figure(name="qc_basis_2024", title="IC and IM annualised basis, open-interest weighted",
                              data=fig, ylabel="% a year", hlines=[0.0], vlines=list(EVENT_DATES)))
        return self._result(loader, parts, tables, figures, numbers, notes=[provenance])

    def _result(self, loader: DataLoader, parts: list, tables: list, figures: list, numbers: dict,
                notes: list[str] | None = None) -> StudyResult:
        return StudyResult(study=self.name, title=self.title, parts=parts,
                           tables=[with_launch_note(t) for t in tables], figures=figures,
                           numbers=numbers, headline_proxy="CSI 1000", data_ids=list(self.series),
                           synthetic=self.is_synthetic(loader), notes=notes or [])

    # ------------------------------------------------------------------------- B1 events
    def _events(self, excess: dict[str, pd.Series], parts: list, numbers: dict) -> Table:
        rows = []

        def run(r: pd.Series):  # placebo dates come from the whole series given
            return event_study(r.loc[:"2024-12-31"], EVENT_DATES, window=(0, 0), benchmark="estimation_mean",
                               estimation_window=(-250, -30), n_boot=N_BOOT, n_placebo=N_PLACEBO, seed=SEED)

        def row_of(label: str, es) -> dict:
            cars = es.cars.set_index("event")["car"] if "car" in es.cars else es.cars.iloc[:, -1]
            row = {"Index": label, "Mean AR (%)": es.mean_car, "CI low": es.ci_low, "CI high": es.ci_high,
                   "Placebo p": es.pvalue_placebo, "t p": es.pvalue_t, "N": es.n_events}
            for d, v in zip(EVENT_DATES, cars.to_numpy(), strict=False):
                row[d[5:]] = float(v)
            return row

        for label, r in excess.items():
            pair_ = pair(label, SMALL[label], CSI300)
            es = run(r)
            cars = es.cars.set_index("event")["car"] if "car" in es.cars else es.cars.iloc[:, -1]
            # the sample (placebo dates, and CSI 2000's estimation window in 2023) starts at the ratio's first value
            rows.append(row_of(marked(f"{label} − CSI 300", pair_, r.index[0]), es))
            key = label.replace(" ", "").replace("-", "")
            numbers.update({f"B1_ar_{key}": es.mean_car, f"B1_ar_p_{key}": es.pvalue_placebo})
            if label == "CSI 1000":
                se = (es.ci_high - es.ci_low) / (2 * 1.959964)
                parts.append(PartResult(claim="B1", part="event_excess_returns", estimate=es.mean_car, se=se,
                                        ci=(es.ci_low, es.ci_high), pvalue=es.pvalue_placebo, n=es.n_events,
                                        proxy="CSI 1000 − CSI 300", test="event study, placebo p (two-sided)",
                                        detail="abnormal returns on " + ", ".join(f"{d[5:]} {v:.2f}%" for d, v in
                                                                                  zip(EVENT_DATES, cars, strict=False))))
                live = from_launch(pair_, r.index[0], lambda d, r=r: run(r.loc[d:]))
                if live is not None:
                    rows.append(row_of(from_launch_label(f"{label} − CSI 300", pair_, r.index[0]), live))
                    numbers.update(from_launch_numbers({f"B1_ar_{key}": live.mean_car,
                                                        f"B1_ar_p_{key}": live.pvalue_placebo}))
        return Table(name="qc_b1_events", caption="Abnormal small-minus-CSI 300 returns on the article's crash dates (B1)",
                     frame=labelled(pd.DataFrame(rows)), digits=2,
                     notes=["Daily log return of the small-cap index minus CSI 300 (%), abnormal against its mean over "
                            "trading days −250 to −30 before each date. CI: bootstrap over events; placebo p: the same "
                            "mean at random non-event dates of the index's whole history (two-sided); the 'from launch' "
                            "row draws them from the launch date on."])

    # ------------------------------------------------------------------------- B1 basis -> returns
    def _basis_returns(self, excess: dict, basis: dict, contracts: pd.DataFrame, parts: list,
                       numbers: dict) -> list[Table]:
        rows, grows = [], []
        for label in ("CSI 1000", "CSI 500", "CSI 2000", "Micro-cap"):
            fut = FUTURE_OF[label]
            b = basis[(fut, "oi_weighted")]
            d = pd.DataFrame({"ex": excess[label], "b": b}).dropna().loc[SAMPLE[0]:SAMPLE[1]]
            d["db"] = d["b"].diff()
            d["episode"] = ((d.index >= EPISODE[0]) & (d.index <= EPISODE[1])).astype(float)
            d["db_ep"] = d["db"] * d["episode"]
            d["ex_lag"] = d["ex"].shift(1)
            d["fwd"] = sum(d["ex"].shift(-j) for j in range(1, LEAD_DAYS + 1))
            oi = open_interest(contracts, fut)
            d["doi"] = 100 * np.log(oi.reindex(d.index)).diff()
            d["doi_ep"] = d["doi"] * d["episode"]
            specs = (("next 5 days", "fwd", LEAD_DAYS, ()), ("same day", "ex", None, ()),
                     ("next 5 days, with ΔOI", "fwd", LEAD_DAYS, ("doi", "doi_ep")))
            for what, y, horizon, extra in specs:
                cols = ["db", "db_ep", *extra, "episode"] + (["ex", "ex_lag"] if y == "fwd" else ["ex_lag"])
                f = d[[y, *cols]].dropna()
                r = ols_hac(f[y], f[cols], horizon=horizon)
                est, se, p = _episode_slope(r, "db", "db_ep")
                row = {"Excess return": marked(f"{label} − CSI 300", pair(label, SMALL[label], CSI300), SAMPLE[0]),
                       "Basis": fut, "Outcome": what,
                       "β outside episode": float(r.params["db"]), "p (outside)": float(r.pvalues["db"]),
                       "β in episode": est, "SE (episode)": se, "p (episode)": p,
                       "ΔOI β in episode": math.nan, "ΔOI p (episode)": math.nan, "N": int(r.nobs)}
                if extra:
                    row["ΔOI β in episode"], _, row["ΔOI p (episode)"] = _episode_slope(r, "doi", "doi_ep")
                    if label == "CSI 1000":
                        numbers.update({"B1_oi_episode": row["ΔOI β in episode"],
                                        "B1_oi_episode_p": row["ΔOI p (episode)"]})
                rows.append(row)
                if label == "CSI 1000" and what == "next 5 days":
                    parts.append(PartResult(claim="B1", part="basis_to_returns", estimate=est, se=se, ci=z_ci(est, se),
                                            pvalue=p, n=int(r.nobs), proxy="IM basis, CSI 1000 − CSI 300",
                                            test=f"OLS, {r.bandwidth_description}",
                                            detail=f"outside the episode β {r.params['db']:.3f} "
                                                   f"(p {r.pvalues['db']:.3f})"))
                    numbers.update({"B1_lp_episode": est, "B1_lp_episode_p": p, "B1_lp_outside": float(r.params["db"]),
                                    "B1_lp_outside_p": float(r.pvalues["db"]), "B1_lp_n": int(r.nobs)})
                if label == "CSI 1000" and what == "same day":
                    numbers.update({"B1_same_day_episode": est, "B1_same_day_episode_p": p})
            if label in ("CSI 1000", "CSI 500"):
                g = d[["ex", "db"]].dropna()
                for cause, effect, lab in (("db", "ex", f"Δ{fut} basis → {label} excess"),
                                           ("ex", "db", f"{label} excess → Δ{fut} basis")):
                    gr = granger(g[effect], g[cause], maxlag=10)
                    ft = gr.f_test()
                    grows.append({"Direction": lab, "Lags (AIC)": int(gr.lags), "F": float(ft.stat),
                                  "p": float(ft.pvalue), "N": int(len(g))})
                    numbers[f"B1_granger_{cause}_{fut}_p"] = float(ft.pvalue)
        oi = open_interest(contracts, "IM").loc[SAMPLE[0]:SAMPLE[1]]
        numbers["B1_im_oi_change_episode"] = float(100 * np.log(oi.loc[:"2024-02-08"].iloc[-1] /
                                                               oi.loc[:"2023-12-29"].iloc[-1]))
        return [Table(name="qc_b1_basis_returns", caption="Excess returns on the change of the annualised basis, with an "
                      "episode interaction (B1)", frame=labelled(pd.DataFrame(rows), 3),
                      digits={"β outside episode": 3, "p (outside)": 3, "β in episode": 3, "SE (episode)": 3,
                              "p (episode)": 3, "ΔOI β in episode": 3, "ΔOI p (episode)": 3, "N": 0},
                      notes=[f"Daily {SAMPLE[0]} to {SAMPLE[1]}. Outcome: the small-cap index's log return minus CSI "
                             f"300's (%), summed over the next {LEAD_DAYS} days or the same day; regressor: today's change "
                             "of the open-interest-weighted annualised basis (pp a year) of the matching future, with its "
                             f"interaction with an episode dummy ({EPISODE[0]} to {EPISODE[1]}); controls: the dummy and "
                             "today's / yesterday's excess return; with ΔOI: also today's 100 Δlog open interest of the future and its "
                             "episode interaction. β in episode = slope + interaction (the outside slope "
                             "is the 2022–23 placebo). Newey–West HAC."]),
                Table(name="qc_b1_granger", caption="Granger causality between the basis and excess returns (B1)",
                      frame=labelled(pd.DataFrame(grows)), digits={"F": 2, "p": 3, "N": 0},
                      notes=[f"Daily {SAMPLE[0]} to {SAMPLE[1]}, bivariate VAR, lags by AIC up to 10, F test."])]

    # ------------------------------------------------------------------------- B5
    def _b5(self, loader: DataLoader, basis: dict, parts: list, numbers: dict) -> Table:
        pub = pd.Timestamp(PUBLISHED)
        start = pub - pd.DateOffset(years=RECORD_YEARS)
        end = pub - pd.Timedelta(days=1)
        rows = []
        for key, fut in (("B5.deepest_in_four_years", "IC"), ("B5.im_deepest_since_listing", "IM")):
            for m in BASIS_METHODS:
                b = basis[(fut, m)]
                win = b.loc[start:end]
                prior = b.loc[start:"2023-12-31"]
                row = {"Basis": f"{fut} ({m.replace('_', '-')})", "From": win.index[0].strftime("%Y-%m-%d"),
                       "Deepest": float(win.min()), "Dated": win.idxmin().strftime("%Y-%m-%d"),
                       "Deepest before 2024": float(prior.min()), "Dated before 2024": prior.idxmin().strftime("%Y-%m-%d"),
                       "Days": len(win)}
                rows.append(row)
                if m == "oi_weighted":
                    claim, _, name = key.partition(".")
                    parts.append(PartResult(claim=claim, part=name, date=row["Dated"], estimate=row["Deepest"],
                                            n=len(win), proxy=f"{fut} annualised basis", test="minimum of the daily basis",
                                            detail=f"{row['Deepest']:.1f}% a year; deepest before 2024 "
                                                   f"{row['Deepest before 2024']:.1f}% on {row['Dated before 2024']}, "
                                                   f"history from {row['From']}"))
                    numbers.update({f"B5_{fut}_min": row["Deepest"], f"B5_{fut}_min_date": row["Dated"],
                                    f"B5_{fut}_prior_min": row["Deepest before 2024"],
                                    f"B5_{fut}_prior_min_date": row["Dated before 2024"], f"B5_{fut}_from": row["From"]})
        # normalisation vs the small-cap troughs
        ic = basis[("IC", "oi_weighted")]
        normal = ic.loc[NORMAL_WINDOW[0]:NORMAL_WINDOW[1]]
        q1, q3 = float(normal.quantile(0.25)), float(normal.quantile(0.75))
        low = ic.loc[EPISODE[0]:EPISODE[1]].idxmin()
        numbers.update({"B5_normal_q1": q1, "B5_normal_q3": q3})
        for run in RUN_VARIANTS:
            d = _first_normal_run(ic, low, q1, run)
            numbers[f"B5_normal_run{run}"] = d.strftime("%Y-%m-%d") if d is not None else "none"
        head = _first_normal_run(ic, low, q1, RUN_DAYS)
        troughs = {}
        for label in ("CSI 1000", "CSI 2000", "Micro-cap"):
            s = loader.series(SMALL[label]).loc[EPISODE[0]:EPISODE[1]]
            troughs[label] = s.idxmin().strftime("%Y-%m-%d")
            numbers[f"B5_trough_{label.replace(' ', '').replace('-', '')}"] = troughs[label]
        parts.append(PartResult(claim="B5", part="basis_normal_at_trough",
                                date=head.strftime("%Y-%m-%d") if head is not None else None,
                                proxy="IC annualised basis", test=f"first {RUN_DAYS}-day run at or above the 2022–23 lower quartile",
                                detail=f"normal band [{q1:.2f}, {q3:.2f}]% a year; small-cap troughs "
                                       + ", ".join(f"{k} {v}" for k, v in troughs.items())))
        for run in RUN_VARIANTS:
            rows.append({"Basis": f"IC back at or above {q1:.2f}% for {run} day(s)", "From": low.strftime("%Y-%m-%d"),
                         "Deepest": math.nan, "Dated": numbers[f"B5_normal_run{run}"], "Deepest before 2024": math.nan,
                         "Dated before 2024": "", "Days": run})
        for label, d in troughs.items():
            rows.append({"Basis": f"{label} trough (close)", "From": EPISODE[0], "Deepest": math.nan, "Dated": d,
                         "Deepest before 2024": math.nan, "Dated before 2024": "", "Days": math.nan})
        return Table(name="qc_b5_basis", caption="The deepest IC/IM discount and the basis's return to its normal range (B5)",
                     frame=labelled(pd.DataFrame(rows)), digits={"Deepest": 1, "Deepest before 2024": 1, "Days": 0},
                     notes=[f"Annualised basis = basis % of spot × 365 / days to expiry (contracts ≥ 5 days), % a year; "
                            f"oi-weighted / front / main contract. Window: {RECORD_YEARS} years to the article "
                            f"({PUBLISHED}); IM listed 2022-07-22. Normal range: the IC basis's interquartile range "
                            f"{NORMAL_WINDOW[0]} to {NORMAL_WINDOW[1]}. Not dividend-adjusted."])


STUDY = QuantCrashStudy()
