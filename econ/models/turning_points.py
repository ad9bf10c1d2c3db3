"""Turning-point dating of a price or ratio series: Bry–Boschan / Harding–Pagan (BBQ).

No maintained Python library implements the BBQ rules, so this is own code. The rule
sequence follows Harding and Pagan (2002) and, step for step, the reference R
implementation ``BCDating::BBQ`` (Einian and Arnaud, CRAN version 0.9.8):

1. *Candidates.* ``t`` is a candidate peak when ``y[t] >= y[s]`` for every ``s`` in
   ``[t - window, t + window]`` (a candidate trough when ``<=``); points closer than
   ``window`` to either end cannot be candidates. A point that is both (a flat window) is
   neither.
2. *Alternation.* Of two consecutive peaks the higher is kept, of two consecutive troughs
   the lower (ties: the earlier). A trough above the preceding peak is dropped.
3. Then, until nothing changes: minimum cycle (peak-to-peak and trough-to-trough distance
   ``>= min_cycle``; of a too-close pair the lower peak / higher trough goes), end censoring
   (no turning point within ``censor`` periods of either end), end-value rule (a first or last
   peak below the first or last observation, or a trough above it, goes), minimum cycle again,
   minimum phase (for a phase shorter than ``min_phase`` the later turning point goes, unless
   the move is at least ``phase_override`` in absolute value, the Pagan–Sossounov exception),
   end-value rule again; alternation is re-enforced after every step.

Known differences from BCDating 0.9.8 (read from its R source): its minimum-cycle loop
(``BCDating.enf1p``) stops before checking the last pair of peaks (and of troughs); here every
pair is checked. Ties between equal consecutive peaks keep the earlier one here (BCDating
keeps the later peak and the earlier trough). BCDating only accepts monthly or quarterly
``ts`` objects; here any regular index works, lengths being in periods of the input.

References
----------
Bry, G. and Boschan, C. (1971). *Cyclical Analysis of Time Series: Selected Procedures and
Computer Programs*. NBER Technical Paper 20.

Harding, D. and Pagan, A. (2002). Dissecting the cycle: a methodological investigation.
*Journal of Monetary Economics* 49(2), 365–381.

Pagan, A. R. and Sossounov, K. A. (2003). A simple framework for analysing bull and bear
markets. *Journal of Applied Econometrics* 18(1), 23–46.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from econ.models.base import Result

__all__ = ["TurningPointResult", "date_turning_points", "peak_dates"]

PEAK = 1
TROUGH = -1


# --------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------
@dataclasses.dataclass(repr=False)
class TurningPointResult(Result):
    """Dated peaks, troughs and the phases between them.

    Attributes
    ----------
    series
        The series that was dated (after optional resampling).
    peaks, troughs
        Values at the dated peaks / troughs, indexed by date.
    turning_points
        One row per turning point: ``date``, ``type`` (``"peak"``/``"trough"``), ``value``,
        ``position`` (integer location in ``series``).
    phases
        One row per phase, in time order: ``phase`` (``"expansion"`` from trough to peak,
        ``"contraction"`` from peak to trough), ``start``, ``end``, ``duration`` (periods),
        ``amplitude`` (``y[end] - y[start]``, or ``log y[end] - log y[start]`` with
        ``log=True``), ``pct_change`` (``y[end] / y[start] - 1`` when both are positive,
        else NaN),
        ``censored`` (True for the incomplete first and last phases that run from or to a
        sample end rather than a dated turning point).
    states
        +1 in expansion, -1 in contraction, per observation (a turning point belongs to the
        phase it ends, as in BCDating); NaN before the first / after the last turning
        point is filled with the phase implied by it.
    n_peaks, n_troughs
        Counts.
    mean_expansion_duration, mean_contraction_duration
        Means over *complete* (uncensored) phases, NaN if none.
    mean_expansion_amplitude, mean_contraction_amplitude
        Same, for amplitudes.
    window, min_phase, min_cycle, censor, phase_override, resample, log
        Settings used.
    """

    series: pd.Series
    peaks: pd.Series
    troughs: pd.Series
    turning_points: pd.DataFrame
    phases: pd.DataFrame
    states: pd.Series
    n_peaks: int
    n_troughs: int
    mean_expansion_duration: float
    mean_contraction_duration: float
    mean_expansion_amplitude: float
    mean_contraction_amplitude: float
    window: int
    min_phase: int
    min_cycle: int
    censor: int
    phase_override: float | None
    resample: str | None
    log: bool
    title = "Turning points (Bry-Boschan / Harding-Pagan BBQ)"

    def to_frame(self) -> pd.DataFrame:
        """Phases table, one row per phase (censored end phases flagged)."""
        return self.phases.copy()


# --------------------------------------------------------------------------------------
# rule steps on a sorted list of (position, type)
# --------------------------------------------------------------------------------------
TP = list[tuple[int, int]]


def _candidates(y: np.ndarray, window: int) -> TP:
    """Local extrema of ``y`` over ``[t - window, t + window]``: (position, PEAK or TROUGH).

    ``y[t] >= every value of its window`` is ``y[t] >= the window's maximum`` (``y`` is finite,
    checked by the caller), so one sliding max/min replaces the per-date loop of
    :func:`_candidates_reference`; comparisons only, the same points.
    """
    n = len(y)
    if n - 2 * window <= 0:
        return []
    seg = np.lib.stride_tricks.sliding_window_view(y, 2 * window + 1)  # row i: window of t = i + window
    mid = y[window : n - window]
    is_peak = mid >= seg.max(axis=1)
    is_trough = mid <= seg.min(axis=1)
    kind = np.where(is_peak & ~is_trough, PEAK, np.where(is_trough & ~is_peak, TROUGH, 0))
    pos = np.flatnonzero(kind)
    return [(int(p) + window, int(kind[p])) for p in pos]


def _candidates_reference(y: np.ndarray, window: int) -> TP:
    """The per-date loop :func:`_candidates` replaced (kept for the tests)."""
    n = len(y)
    out: TP = []
    for t in range(window, n - window):
        seg = y[t - window : t + window + 1]
        is_peak = bool(np.all(y[t] >= seg))
        is_trough = bool(np.all(y[t] <= seg))
        if is_peak and not is_trough:
            out.append((t, PEAK))
        elif is_trough and not is_peak:
            out.append((t, TROUGH))
    return out


def _better(y: np.ndarray, a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    """Of two same-type turning points keep the more extreme; ties keep the earlier."""
    ya, yb = y[a[0]], y[b[0]]
    if a[1] == PEAK:
        return b if yb > ya else a
    return b if yb < ya else a


def _alternate(y: np.ndarray, tps: TP) -> TP:
    out: TP = []
    for tp in tps:
        if out and out[-1][1] == tp[1]:
            out[-1] = _better(y, out[-1], tp)
        else:
            out.append(tp)
    return out


def _drop_troughs_above_prior_peak(y: np.ndarray, tps: TP) -> TP:
    out: TP = []
    last_peak: int | None = None
    for pos, kind in tps:
        if kind == PEAK:
            last_peak = pos
            out.append((pos, kind))
        elif last_peak is not None and y[pos] > y[last_peak]:
            continue
        else:
            out.append((pos, kind))
    return _alternate(y, out)


def _min_cycle(y: np.ndarray, tps: TP, min_cycle: int) -> TP:
    for kind in (PEAK, TROUGH):
        same = [tp for tp in tps if tp[1] == kind]
        i = 1
        while i < len(same):
            if same[i][0] - same[i - 1][0] < min_cycle:
                keep = _better(y, same[i - 1], same[i])
                drop = same[i] if keep == same[i - 1] else same[i - 1]
                same.remove(drop)
            else:
                i += 1
        other = [tp for tp in tps if tp[1] != kind]
        tps = _alternate(y, sorted(same + other))
    return tps


def _censor_ends(y: np.ndarray, tps: TP, censor: int) -> TP:
    n = len(y)
    return _alternate(y, [tp for tp in tps if censor <= tp[0] < n - censor])


def _end_values(y: np.ndarray, tps: TP) -> TP:
    """Drop a first/last peak lower than the end observation (trough: higher)."""
    tps = list(tps)
    changed = True
    while changed and tps:
        changed = False
        pos, kind = tps[0]
        if (kind == PEAK and y[0] > y[pos]) or (kind == TROUGH and y[0] < y[pos]):
            tps.pop(0)
            changed = True
        if not tps:
            break
        pos, kind = tps[-1]
        if (kind == PEAK and y[-1] > y[pos]) or (kind == TROUGH and y[-1] < y[pos]):
            tps.pop()
            changed = True
        tps = _alternate(y, tps)
    return tps


def _min_phase(y: np.ndarray, tps: TP, min_phase: int, override: float | None) -> TP:
    tps = list(tps)
    j = 0
    while j < len(tps) - 1:
        (p0, _), (p1, _) = tps[j], tps[j + 1]
        big_move = override is not None and abs(y[p1] - y[p0]) >= override
        if p1 - p0 < min_phase and not big_move:
            tps.pop(j + 1)
            tps = _alternate(y, tps)
        else:
            j += 1
    return tps


def _bbq(
    y: np.ndarray,
    window: int,
    min_phase: int,
    min_cycle: int,
    censor: int,
    phase_override: float | None,
) -> TP:
    tps = _alternate(y, _candidates(y, window))
    tps = _drop_troughs_above_prior_peak(y, tps)
    for _ in range(10 * len(y) + 10):  # each pass removes >= 1 point or stops
        before = list(tps)
        tps = _min_cycle(y, tps, min_cycle)
        tps = _censor_ends(y, tps, censor)
        tps = _end_values(y, tps)
        tps = _min_cycle(y, tps, min_cycle)
        tps = _min_phase(y, tps, min_phase, phase_override)
        tps = _end_values(y, tps)
        if tps == before:
            return tps
    raise RuntimeError("turning-point censoring did not converge")  # pragma: no cover


# --------------------------------------------------------------------------------------
# phases
# --------------------------------------------------------------------------------------
def _phases(s: pd.Series, tps: TP, log: bool) -> pd.DataFrame:
    y = s.to_numpy(dtype=float)
    idx = s.index
    n = len(y)
    cols = ["phase", "start", "end", "duration", "amplitude", "pct_change", "censored"]
    if not tps:
        return pd.DataFrame(columns=cols)
    bounds: list[tuple[int, int, str, bool]] = []
    first_pos, first_kind = tps[0]
    if first_pos > 0:
        bounds.append((0, first_pos, "expansion" if first_kind == PEAK else "contraction", True))
    for (p0, k0), (p1, _) in zip(tps[:-1], tps[1:], strict=True):
        bounds.append((p0, p1, "expansion" if k0 == TROUGH else "contraction", False))
    last_pos, last_kind = tps[-1]
    if last_pos < n - 1:
        bounds.append(
            (last_pos, n - 1, "expansion" if last_kind == TROUGH else "contraction", True)
        )
    rows: list[dict[str, Any]] = []
    for a, b, phase, cens in bounds:
        ya, yb = y[a], y[b]
        if log:
            amp, pct = float(np.log(yb) - np.log(ya)), float(yb / ya - 1.0)
        else:
            amp = float(yb - ya)
            pct = float(yb / ya - 1.0) if ya > 0 and yb > 0 else np.nan
        rows.append(
            {
                "phase": phase,
                "start": idx[a],
                "end": idx[b],
                "duration": int(b - a),
                "amplitude": amp,
                "pct_change": pct,
                "censored": cens,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def _states(n: int, index: pd.Index, tps: TP) -> pd.Series:
    st = np.full(n, np.nan)
    if tps:
        # observation t in ]tp_j, tp_{j+1}] belongs to the phase ending at tp_{j+1}
        prev = 0
        for pos, kind in tps:
            st[prev : pos + 1] = 1.0 if kind == PEAK else -1.0
            prev = pos + 1
        st[prev:] = -1.0 if tps[-1][1] == PEAK else 1.0
    return pd.Series(st, index=index, name="state")


# --------------------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------------------
def _date(
    y: pd.Series,
    window: int,
    min_phase: int,
    min_cycle: int,
    censor: int | None,
    phase_override: float | None,
    resample: str | None,
    log: bool,
) -> tuple[pd.Series, np.ndarray, int, TP]:
    """Checks and BBQ dating shared by :func:`date_turning_points` and :func:`peak_dates`.

    Returns the dated series (float, resampled), its values, the censor used and the turning points.
    """
    if not isinstance(y, pd.Series):
        raise ValueError("y must be a pandas Series")
    for name, v in (("window", window), ("min_phase", min_phase), ("min_cycle", min_cycle)):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if censor is None:
        censor = window
    if not isinstance(censor, (int, np.integer)) or censor < 0:
        raise ValueError(f"censor must be a non-negative integer, got {censor!r}")
    if phase_override is not None and not phase_override > 0:
        raise ValueError("phase_override must be positive or None")
    s = y.astype(float)
    if resample is not None:
        if not isinstance(s.index, pd.DatetimeIndex):
            raise ValueError("resample needs a DatetimeIndex")
        s = s.resample(resample).last().dropna()
    if s.isna().any():
        raise ValueError("y contains missing values; drop or fill them before dating")
    if not s.index.is_monotonic_increasing or s.index.has_duplicates:
        raise ValueError("y's index must be strictly increasing")
    if len(s) < 2 * window + 1:
        raise ValueError(f"need at least 2*window+1 = {2 * window + 1} observations, got {len(s)}")
    vals = s.to_numpy()
    if not np.all(np.isfinite(vals)):
        raise ValueError("y contains non-finite values")

    if log and np.any(vals <= 0):
        raise ValueError("log=True needs a strictly positive series")
    work = np.log(vals) if log else vals
    tps = _bbq(work, int(window), int(min_phase), int(min_cycle), int(censor), phase_override)
    return s, vals, int(censor), tps


def peak_dates(
    y: pd.Series,
    *,
    window: int = 2,
    min_phase: int = 2,
    min_cycle: int = 5,
    censor: int | None = None,
    phase_override: float | None = None,
) -> pd.DatetimeIndex:
    """Dates of the peaks :func:`date_turning_points` finds (same arguments), without phases.

    ``date_turning_points(y, ...).peaks.index``, for loops that need only the peaks: the
    phase table and its means cost several times the dating itself.
    """
    s, _, _, tps = _date(y, window, min_phase, min_cycle, censor, phase_override, None, False)
    return pd.DatetimeIndex(s.index[[p for p, k in tps if k == PEAK]])


def date_turning_points(
    y: pd.Series,
    *,
    window: int = 2,
    min_phase: int = 2,
    min_cycle: int = 5,
    censor: int | None = None,
    phase_override: float | None = None,
    resample: str | None = None,
    log: bool = False,
) -> TurningPointResult:
    """Date peaks and troughs of a series with the BBQ rules.

    Parameters
    ----------
    y
        Series with a ``DatetimeIndex`` (or ``PeriodIndex``), e.g. a price index or a
        small/large price ratio, in levels.
    window
        Half-width ``k`` of the local-extremum window, in periods. BBQ quarterly default 2;
        Bry–Boschan monthly uses 5 or 6; Pagan–Sossounov (stock prices, monthly) use 8.
    min_phase
        Minimum length of a phase (peak to trough or trough to peak), in periods. BBQ: 2
        quarters; Pagan–Sossounov: 4 months.
    min_cycle
        Minimum length of a full cycle (peak to peak, trough to trough). BBQ: 5 quarters;
        Pagan–Sossounov: 16 months.
    censor
        No turning point within this many periods of either end. Default ``window``
        (BCDating: 2 quarters; Pagan–Sossounov: 6 months).
    phase_override
        If set, a phase shorter than ``min_phase`` is kept when ``|y[end] - y[start]|`` is
        at least this (Pagan–Sossounov use a 20% move: ``0.2`` on a log price is close).
        ``None`` (default, BBQ) never overrides.
    resample
        Optional pandas rule (``"ME"``, ``"QE"``...) to turn a daily series into end-of-
        period observations (last value in each period) before dating. All lengths are
        then in resampled periods.
    log
        Date ``log(y)`` (needs ``y > 0``): amplitudes become log changes and
        ``phase_override`` is read as a log change. Candidate dates are unaffected (log is
        monotone); reported peak/trough values stay in levels.

    Returns
    -------
    TurningPointResult

    Raises
    ------
    ValueError
        For a non-Series input, missing values, a non-increasing index, too few
        observations, or non-positive / inconsistent settings.
    """
    s, vals, censor, tps = _date(y, window, min_phase, min_cycle, censor, phase_override, resample, log)

    pos = [p for p, _ in tps]
    kinds = ["peak" if k == PEAK else "trough" for _, k in tps]
    tp_frame = pd.DataFrame(
        {
            "date": s.index[pos] if pos else s.index[:0],
            "type": pd.Series(kinds, dtype=object),
            "value": vals[pos] if pos else np.array([], dtype=float),
            "position": np.asarray(pos, dtype=int),
        }
    )
    peaks = pd.Series(
        [vals[p] for p, k in tps if k == PEAK],
        index=s.index[[p for p, k in tps if k == PEAK]],
        name="peak",
        dtype=float,
    )
    troughs = pd.Series(
        [vals[p] for p, k in tps if k == TROUGH],
        index=s.index[[p for p, k in tps if k == TROUGH]],
        name="trough",
        dtype=float,
    )
    phases = _phases(s, tps, log)
    complete = phases[~phases["censored"].astype(bool)] if len(phases) else phases

    def _mean(col: str, phase: str) -> float:
        if not len(complete):
            return float("nan")
        sel = complete.loc[complete["phase"] == phase, col]
        return float(sel.mean()) if len(sel) else float("nan")

    return TurningPointResult(
        series=s,
        peaks=peaks,
        troughs=troughs,
        turning_points=tp_frame,
        phases=phases,
        states=_states(len(s), s.index, tps),
        n_peaks=len(peaks),
        n_troughs=len(troughs),
        mean_expansion_duration=_mean("duration", "expansion"),
        mean_contraction_duration=_mean("duration", "contraction"),
        mean_expansion_amplitude=_mean("amplitude", "expansion"),
        mean_contraction_amplitude=_mean("amplitude", "contraction"),
        window=int(window),
        min_phase=int(min_phase),
        min_cycle=int(min_cycle),
        censor=int(censor),
        phase_override=phase_override,
        resample=resample,
        log=bool(log),
    )
