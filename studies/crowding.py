"""B2 — small-cap factor crowding: from 2023Q4, peaks in November 2023 and early January 2024.

Claim
-----
Seed 001 (Feb 2024), corrected reading (CLAIMS.md): the small-cap factor was *effective* from
early 2021 (that run is B3, study ``episodes``) and became *crowded* from 2023Q4; crowding
peaked first in November 2023 (the Beijing-50 frenzy, 北证50) and again in early January 2024
(the snowball knock-ins), then unwound.

Data
----
The public vault has no crowding measure: no valuation spread between the legs of a
size-factor portfolio, no quant products' exposures or holdings, no flows into small-cap index
products, no stock-level returns for the pairwise correlation of small caps. It has symptoms,
dated here (``SYMPTOMS``): the share of A-share traded value outside CSI 300 (CSI All Share
minus CSI 300 traded value, over CSI All Share; the headline), Shenwan small/large relative
turnover rate (801813/801811, to 2024-12-13), the micro-cap/CSI 300 ratio, the 13-week
volatility of its weekly log change, CSI 1000/CSI 300 relative TTM P/E (2021-11..2024-11; an
index P/E ratio, not the valuation spread of the factor's legs), the CUFE SMB return over the
previous 13 weeks and the margin financing balance (market-wide, not size-specific). None uses
a US series; none uses an index before its launch inside the window (the micro-cap launch is
taken as 2015-01-01, ``studies.common.LAUNCHED``), which the table would mark.

What we do
----------
* Weekly (Friday) values of each symptom over its own data; turning points by the BBQ rules
  (``econ.models.turning_points.date_turning_points``, Harding–Pagan, checked against R
  ``BCDating``) with a ±``WINDOW_W``-week local-extremum window, end censoring of ``WINDOW_W``
  weeks (a peak needs at least ``WINDOW_W`` weeks of data on each side: a maximum at the first
  or last weeks of a series is never a dated peak), minimum phase ``MIN_PHASE_W`` weeks and
  minimum cycle ``MIN_CYCLE_W`` weeks (the claimed peaks are about eight weeks apart, so a
  longer minimum cycle would rule them out by construction).
* Of the interior peaks inside ``WINDOW`` (2021-01..2024-12: the factor's effective era to a
  year after the article), the two highest are the dated crowding peaks, in time order: the
  earlier is scored against November 2023, the later against early January 2024; the BBQ
  trough before the earlier is the onset of the run-up, scored against 2023Q4. The rule does
  not look at the claimed dates.
* Monthly values (BBQ window ±1 month) as robustness, the window maximum and whether it is
  interior, and the symptom's change over the ``UNWIND_W`` weeks after the later peak.

Parts (declared in ``studies/claims.toml``)
-------------------------------------------
``onset_2023q4``, ``peak_nov2023`` and ``peak_jan2024``: dating parts on the headline symptom.
The registry marks each proxy-only, so the engine files them as untestable (the dates are
shown) and names the measure that would settle the claim.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.data.panel import build_panel
from econ.models.turning_points import date_turning_points
from econ.study import Figure, PartResult, Study, StudyResult, Table
from studies.common import BACK_CALCULATED_MARK, BACK_CALCULATED_NOTE, LAUNCHED
from studies.declared import part

WINDOW = ("2021-01-01", "2024-12-31")
WINDOW_W, MIN_PHASE_W, MIN_CYCLE_W = 4, 2, 8      # weeks
WINDOW_M, MIN_PHASE_M, MIN_CYCLE_M = 1, 1, 2      # months (robustness)
VOL_WEEKS = 13
SMB_WEEKS = 13
UNWIND_W = 13
HEADLINE = "turnover_share"
FREQ_NAME = {"W": "weekly", "M": "monthly"}

SERIES = {
    "csi300_amount": "cn.turnover.csi300.amount", "allshare_amount": "cn.turnover.allshare.amount",
    "sw_small_to": "cn.index.sw_small.turnover", "sw_large_to": "cn.index.sw_large.turnover",
    "micro": "cn.index.microcap.close", "csi300": "cn.index.csi300.close",
    "pe_small": "cn.valuation.csi1000.pe", "pe_large": "cn.valuation.csi300.pe",
    "smb": "cn.factor.cufe.smb", "margin": "cn.margin.financing_balance",
}


# ---- symptoms ---------------------------------------------------------------------------
def _turnover_share(loader: DataLoader, freq: str) -> pd.Series:
    p = build_panel(loader, {"c": SERIES["csi300_amount"], "a": SERIES["allshare_amount"]}, freq=freq,
                    agg={"c": "sum", "a": "sum"}, dropna="any")
    p = p[p["a"] > 0]
    return 1.0 - p["c"] / p["a"]


def _rel_turnover(loader: DataLoader, freq: str) -> pd.Series:
    p = build_panel(loader, {"s": SERIES["sw_small_to"], "l": SERIES["sw_large_to"]}, freq=freq,
                    agg={"s": "mean", "l": "mean"}, dropna="any")
    return p["s"] / p["l"]


def _micro_weekly(loader: DataLoader) -> pd.DataFrame:
    return build_panel(loader, {"m": SERIES["micro"], "c": SERIES["csi300"]}, freq="W", dropna="any")


def _month_end(weekly: pd.Series, freq: str) -> pd.Series:
    return weekly if freq == "W" else weekly.resample("ME").last()


def _micro_ratio(loader: DataLoader, freq: str) -> pd.Series:
    p = build_panel(loader, {"m": SERIES["micro"], "c": SERIES["csi300"]}, freq=freq, dropna="any")
    return p["m"] / p["c"]


def _micro_vol(loader: DataLoader, freq: str) -> pd.Series:
    w = _micro_weekly(loader)
    r = 100.0 * np.log(w["m"] / w["c"]).diff()
    return _month_end(r.rolling(VOL_WEEKS, min_periods=VOL_WEEKS).std() * np.sqrt(52), freq)


def _rel_pe(loader: DataLoader, freq: str) -> pd.Series:
    p = build_panel(loader, {"s": SERIES["pe_small"], "l": SERIES["pe_large"]}, freq=freq,
                    agg={"s": "mean", "l": "mean"}, dropna="any")
    return p["s"] / p["l"]


def _smb_13w(loader: DataLoader, freq: str) -> pd.Series:
    w = build_panel(loader, {"s": SERIES["smb"]}, freq="W", dropna="any")["s"]
    return _month_end(100.0 * np.log1p(w).rolling(SMB_WEEKS, min_periods=SMB_WEEKS).sum(), freq)


def _margin(loader: DataLoader, freq: str) -> pd.Series:
    return build_panel(loader, {"m": SERIES["margin"]}, freq=freq, dropna="any")["m"] / 1e4


@dataclasses.dataclass(frozen=True)
class Symptom:
    """A public symptom of crowding: how to build it, what it is, which series it reads."""

    key: str
    label: str
    build: Callable[[DataLoader, str], pd.Series]
    series: tuple[str, ...]
    unit: str


SYMPTOMS: tuple[Symptom, ...] = (
    Symptom("turnover_share", "Turnover share outside CSI 300", _turnover_share,
            (SERIES["csi300_amount"], SERIES["allshare_amount"]), "share"),
    Symptom("rel_turnover", "Relative turnover rate, SW small/large", _rel_turnover,
            (SERIES["sw_small_to"], SERIES["sw_large_to"]), "ratio"),
    Symptom("micro_ratio", "Micro-cap / CSI 300", _micro_ratio, (SERIES["micro"], SERIES["csi300"]), "ratio"),
    Symptom("micro_vol", f"Micro-cap / CSI 300 volatility ({VOL_WEEKS}w)", _micro_vol,
            (SERIES["micro"], SERIES["csi300"]), "% p.a."),
    Symptom("rel_pe", "Relative P/E, CSI 1000/CSI 300", _rel_pe, (SERIES["pe_small"], SERIES["pe_large"]), "ratio"),
    Symptom("smb_13w", f"CUFE SMB, previous {SMB_WEEKS} weeks", _smb_13w, (SERIES["smb"],), "log %"),
    Symptom("margin", "Margin financing balance", _margin, (SERIES["margin"],), "CNY trillion"),
)


def back_calculated_mark(series: tuple[str, ...], start: str | pd.Timestamp) -> str:
    """``BACK_CALCULATED_MARK`` when a sample from ``start`` reads an index before its launch."""
    launches = [pd.Timestamp(LAUNCHED[s]) for s in series if s in LAUNCHED]
    return BACK_CALCULATED_MARK if launches and pd.Timestamp(start) < max(launches) else ""


# ---- dating -----------------------------------------------------------------------------
@dataclasses.dataclass
class CrowdingDates:
    """Interior peaks of one symptom and the dates the claim is scored on.

    Attributes
    ----------
    series
        The symptom over its own data.
    peaks
        Values at the interior (BBQ) peaks inside the window, by date.
    first, second
        The two highest interior peaks inside the window, in time order (``NaT`` if fewer).
    onset
        The BBQ trough before ``first`` (``NaT`` if none).
    window_max
        Date of the symptom's maximum inside the window, and ``window_max_interior`` whether
        it is a dated (interior) peak.
    """

    series: pd.Series
    peaks: pd.Series
    first: pd.Timestamp
    second: pd.Timestamp
    onset: pd.Timestamp
    window_max: pd.Timestamp
    window_max_interior: bool

    def level(self, when: pd.Timestamp) -> float:
        return float(self.series.loc[when]) if pd.notna(when) else np.nan

    def after(self, when: pd.Timestamp, periods: int) -> float:
        """Per cent change of the symptom ``periods`` after ``when`` (NaN past the data)."""
        if pd.isna(when):
            return np.nan
        pos = self.series.index.get_loc(when)
        if pos + periods >= len(self.series):
            return np.nan
        return float(100.0 * (self.series.iloc[pos + periods] / self.series.iloc[pos] - 1.0))


def date_crowding(series: pd.Series, *, window: int, min_phase: int, min_cycle: int,
                  between: tuple[str, str] = WINDOW) -> CrowdingDates:
    """Date the crowding peaks of a symptom: the two highest interior peaks inside ``between``.

    Turning points are dated on the whole series (BBQ, censored ``window`` periods at both
    ends), so a peak needs ``window`` periods of data on each side; a maximum at or near a
    series' first or last observation is never a peak.
    """
    s = series.dropna().astype(float)
    lo, hi = (pd.Timestamp(x) for x in between)
    tp = date_turning_points(s, window=window, min_phase=min_phase, min_cycle=min_cycle, censor=window)
    peaks = tp.peaks.loc[lo:hi]
    top = peaks.sort_values(ascending=False, kind="stable").index[:2].sort_values()
    first = top[0] if len(top) else pd.NaT
    second = top[1] if len(top) > 1 else pd.NaT
    troughs = tp.troughs.loc[:first] if pd.notna(first) else tp.troughs.iloc[:0]
    onset = troughs.index[-1] if len(troughs) else pd.NaT
    inside = s.loc[lo:hi]
    wmax = inside.idxmax() if len(inside) else pd.NaT
    return CrowdingDates(series=s, peaks=peaks, first=first, second=second, onset=onset, window_max=wmax,
                         window_max_interior=bool(pd.notna(wmax) and wmax in tp.peaks.index))


def _settings(freq: str) -> dict[str, int]:
    if freq == "W":
        return {"window": WINDOW_W, "min_phase": MIN_PHASE_W, "min_cycle": MIN_CYCLE_W}
    return {"window": WINDOW_M, "min_phase": MIN_PHASE_M, "min_cycle": MIN_CYCLE_M}


def _ym(d: pd.Timestamp, freq: str = "W") -> str:
    if pd.isna(d):
        return "--"
    return d.strftime("%Y-%m-%d" if freq == "W" else "%Y-%m")


def _gap_days(d: pd.Timestamp, claimed: str) -> int | str:
    return abs((d - pd.Timestamp(claimed)).days) if pd.notna(d) else "--"


# ---- the study --------------------------------------------------------------------------
class Crowding(Study):
    name = "crowding"
    title = "Small-cap factor crowding: dated symptoms (B2)"
    claims = ("B2",)
    parts = ("B2.onset_2023q4", "B2.peak_nov2023", "B2.peak_jan2024")
    series = tuple(dict.fromkeys(SERIES.values()))

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        say("B2 crowding symptoms")
        dated: dict[tuple[str, str], CrowdingDates] = {}
        skipped: list[str] = []
        for sym in SYMPTOMS:
            for freq in ("W", "M"):
                try:
                    dated[(sym.key, freq)] = date_crowding(sym.build(loader, freq), **_settings(freq))
                except (DataError, ValueError) as exc:  # no data, or too short to date: reported, not fatal
                    skipped.append(f"{sym.label} ({FREQ_NAME[freq]}): {str(exc).splitlines()[0]}")
        head = next(s for s in SYMPTOMS if s.key == HEADLINE)
        parts = self._parts(dated.get((HEADLINE, "W")), head)
        table = self._table(dated)
        numbers = self._numbers(dated)
        return StudyResult(
            study=self.name, title=self.title, parts=parts, tables=[table],
            figures=[self._figure(dated)], numbers=numbers, headline_proxy=head.label,
            synthetic=self.is_synthetic(loader),
            notes=[f"Headline symptom: {head.label} (weekly). Every part is proxy evidence: the registry marks it "
                   f"proxy-only. Would settle it: {part('B2.peak_nov2023').needs}."]
            + ([f"Symptoms left out: {'; '.join(skipped)}."] if skipped else []),
            data_ids=list(self.series))

    # ---- pieces ---------------------------------------------------------------------------
    @staticmethod
    def _parts(d: CrowdingDates | None, head: Symptom) -> list[PartResult]:
        names = ("onset_2023q4", "peak_nov2023", "peak_jan2024")
        if d is None:
            return [PartResult("B2", n, missing=f"{head.label}: {', '.join(head.series)}") for n in names]
        needs = part("B2.peak_nov2023").needs
        rule = (f"BBQ turning points, ±{WINDOW_W} weeks, censored {WINDOW_W} weeks at both ends of the data; "
                f"two highest interior peaks in {WINDOW[0][:7]}..{WINDOW[1][:7]}")
        peaks = ", ".join(f"{t:%Y-%m-%d} ({v:.3f})" for t, v in d.peaks.sort_values(ascending=False).head(4).items())
        context = (f"{head.label}, weekly {d.series.index[0]:%Y-%m-%d}..{d.series.index[-1]:%Y-%m-%d}; highest "
                   f"interior peaks {peaks}; window maximum {d.window_max:%Y-%m-%d}"
                   f"{'' if d.window_max_interior else ' (not interior: not a dated peak)'}. Symptom only; "
                   f"would settle it: {needs} (not in the vault)")
        out = []
        for name, when, what in (("onset_2023q4", d.onset, "trough before the earlier peak"),
                                 ("peak_nov2023", d.first, "earlier of the two highest peaks"),
                                 ("peak_jan2024", d.second, "later of the two highest peaks")):
            date = when.strftime("%Y-%m-%d") if pd.notna(when) else None
            out.append(PartResult("B2", name, date=date, proxy=head.label, n=len(d.series), test=rule,
                                  detail=f"{what}: {date or 'none dated'}; {context}"))
        return out

    @staticmethod
    def _table(dated: dict[tuple[str, str], CrowdingDates]) -> Table:
        rows, marked = [], False
        lo = pd.Timestamp(WINDOW[0])
        for sym in SYMPTOMS:
            for freq in ("W", "M"):
                d = dated.get((sym.key, freq))
                if d is None:
                    continue
                mark = back_calculated_mark(sym.series, max(lo, d.series.index[0]))
                marked |= bool(mark)
                rows.append({
                    "Symptom": sym.label + mark, "Freq": FREQ_NAME[freq], "Unit": sym.unit,
                    "From": _ym(d.series.index[0], "M"), "To": _ym(d.series.index[-1], "M"),
                    "Window max": _ym(d.window_max, freq) + ("" if d.window_max_interior else " (edge)"),
                    "Onset": _ym(d.onset, freq), "Peak 1": _ym(d.first, freq), "At peak 1": d.level(d.first),
                    "Peak 2": _ym(d.second, freq), "At peak 2": d.level(d.second),
                    "After peak 2 (%)": d.after(d.second, UNWIND_W if freq == "W" else UNWIND_W // 4),
                    "Peaks": len(d.peaks),
                })
        notes = [f"Turning points: BBQ rules (Harding–Pagan) on each symptom's own data, weekly ±{WINDOW_W} weeks "
                 f"(minimum phase {MIN_PHASE_W}, cycle {MIN_CYCLE_W} weeks), monthly ±{WINDOW_M} month (phase "
                 f"{MIN_PHASE_M}, cycle {MIN_CYCLE_M}); no turning point within the window of either end of the data. "
                 f"Peak 1, Peak 2: the two highest interior peaks in {WINDOW[0][:7]}..{WINDOW[1][:7]}, in time order "
                 "(article: Nov 2023 and early Jan 2024); Onset: the trough before Peak 1 (article: 2023Q4). Window "
                 "max: the maximum in the window, '(edge)' when it is not an interior peak. After peak 2: change "
                 f"over the next {UNWIND_W} weeks (3 months).",
                 "Turnover share: 1 − CSI 300 traded value / CSI All Share traded value (the headline). Relative "
                 "turnover: mean daily turnover rate of Shenwan small (801813) over large (801811). Volatility: "
                 f"annualised s.d. of weekly 100 Δlog(micro-cap/CSI 300) over {VOL_WEEKS} weeks. Relative P/E: "
                 f"CSI-published TTM P/E. SMB: CUFE value-weighted size factor, log return over {SMB_WEEKS} weeks. "
                 "Margin: whole-market financing balance (not size-specific).",
                 "None of these is a crowding measure. Would settle the claim: " + part("B2.peak_nov2023").needs + "."]
        if marked:
            notes.append(BACK_CALCULATED_NOTE)
        return Table(name="b2_crowding", caption="Public symptoms of small-cap crowding: interior peaks, 2021–2024",
                     frame=pd.DataFrame(rows).set_index(["Symptom", "Freq"]),
                     digits={"At peak 1": 3, "At peak 2": 3, "After peak 2 (%)": 1, "Peaks": 0},
                     sample="weekly (Friday) and monthly; each symptom from its From to its To month", notes=notes)

    @staticmethod
    def _figure(dated: dict[tuple[str, str], CrowdingDates]) -> Figure:
        cols = {}
        for sym in SYMPTOMS:
            d = dated.get((sym.key, "W"))
            if d is None or sym.key in ("smb_13w",):  # a return, may cross zero: not scaled by a level
                continue
            base = d.series.loc["2023-11-01":"2023-11-30"].mean()
            if base and np.isfinite(base):
                cols[sym.label] = d.series.loc["2020-01-01":"2025-06-30"] / base
        return Figure(name="b2_proxies", title="Crowding symptoms relative to their November 2023 mean (weekly, log scale)",
                      data=pd.DataFrame(cols), ylabel="level / Nov 2023 mean", hlines=[1.0], logy=True,
                      vlines=["2021-01-01", "2023-10-01", "2023-11-15", "2024-01-10"])

    @staticmethod
    def _numbers(dated: dict[tuple[str, str], CrowdingDates]) -> dict[str, object]:
        n: dict[str, object] = {"B2_n_symptoms": len({k for k, _ in dated}), "B2_window_weeks": WINDOW_W,
                                "B2_unwind_weeks": UNWIND_W}
        for sym in SYMPTOMS:
            for freq, tag in (("W", ""), ("M", "_monthly")):
                d = dated.get((sym.key, freq))
                if d is None:
                    continue
                n[f"B2_peak1_{sym.key}{tag}"] = _ym(d.first, freq)
                n[f"B2_peak2_{sym.key}{tag}"] = _ym(d.second, freq)
                n[f"B2_onset_{sym.key}{tag}"] = _ym(d.onset, freq)
                n[f"B2_wmax_{sym.key}{tag}"] = _ym(d.window_max, freq)
                n[f"B2_wmax_interior_{sym.key}{tag}"] = "yes" if d.window_max_interior else "no"
        h = dated.get((HEADLINE, "W"))
        if h is not None:
            n.update({
                "B2_peak1": _ym(h.first), "B2_peak2": _ym(h.second), "B2_onset": _ym(h.onset),
                "B2_peak1_level": h.level(h.first), "B2_peak2_level": h.level(h.second),
                "B2_peak1_gap_days": _gap_days(h.first, part("B2.peak_nov2023").date),
                "B2_peak2_gap_days": _gap_days(h.second, part("B2.peak_jan2024").date),
                "B2_onset_gap_days": _gap_days(h.onset, part("B2.onset_2023q4").date),
                "B2_after_peak2_pct": h.after(h.second, UNWIND_W),
                "B2_after_peak1_pct": h.after(h.first, UNWIND_W),
                "B2_fall_after_peak1_pct": round(-h.after(h.first, UNWIND_W), 1),
                "B2_peak1_share_pct": round(100.0 * h.level(h.first), 1),
                "B2_peak2_share_pct": round(100.0 * h.level(h.second), 1),
                "B2_onset_share_pct": round(100.0 * h.level(h.onset), 1),
                "B2_jan2024_share_pct": round(100.0 * float(h.series.loc["2024-01-01":"2024-01-31"].mean()), 1),
            })
        return n


STUDY = Crowding()
