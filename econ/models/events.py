"""Event-window cumulative abnormal returns of one return series around event dates.

Set-up (MacKinlay 1997, "Event studies in economics and finance", *JEL* 35(1)), for a single
series such as the daily log return of a small/large price ratio:

* **Day 0** of an event is the first trading day on or after the event date.
* **Abnormal return** ``AR_t = r_t - mu``: ``mu`` is the mean return over an estimation
  window ``[e0, e1]`` of trading days relative to day 0, ending before the event window
  (``benchmark="estimation_mean"``, the constant-mean-return model), or 0
  (``benchmark="zero"``, e.g. for returns already in excess of a benchmark). Days inside
  any event's window are left out of every estimation window, so a nearby earlier event
  does not contaminate the benchmark.
* **CAR** of an event = sum of ``AR_t`` over the event window ``[a, b]`` (inclusive).

Inference on the average CAR across events:

* a percentile **bootstrap CI** that resamples events with replacement;
* a **placebo p-value**: the same statistic at random pseudo-event dates drawn from the
  non-event part of the sample (windows that do not overlap any event window). Each pseudo
  window is a contiguous block of actual returns, so serial dependence inside a window is
  kept -- a moving-block resample whose block is the event window (plus its estimation
  window);
* the cross-sectional t statistic of the mean CAR, for reference (assumes independent
  events).

Own code: arithmetic on a cumulative sum, no library needed.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from econ.models.base import Result

__all__ = ["EventStudyResult", "event_study"]


@dataclasses.dataclass(repr=False)
class EventStudyResult(Result):
    """Per-event CARs and inference on their mean.

    Attributes
    ----------
    cars
        One row per kept event: ``event`` (date given), ``day0`` (trading day used),
        ``car``, ``benchmark_mean`` (``mu`` per period; 0 with ``benchmark="zero"``).
    path
        Mean abnormal return and mean cumulative abnormal return by relative day
        ``a..b`` (index ``rel_day``).
    mean_car, median_car
        Across events.
    ci_low, ci_high, ci_level
        Percentile bootstrap CI of the mean CAR (events resampled with replacement).
    pvalue_placebo
        Placebo (random-date) p-value of the mean CAR for ``alternative``.
    t_stat, pvalue_t
        Cross-sectional t test of mean CAR = 0 (``n_events - 1`` df).
    n_events, n_dropped
        Events used / dropped (outside the sample, duplicates of a day 0, estimation
        window made only of other events' window days).
    dropped
        Dropped events with the reason.
    window_start, window_end, estimation_start, estimation_end, benchmark, alternative
        Settings (estimation bounds are ``None`` for ``benchmark="zero"``).
    n_boot, n_placebo, n_placebo_dates
        Replications and the number of eligible placebo dates.
    boot_means, placebo_means
        The bootstrap and placebo draws of the mean CAR.
    """

    cars: pd.DataFrame
    path: pd.DataFrame
    mean_car: float
    median_car: float
    ci_low: float
    ci_high: float
    ci_level: float
    pvalue_placebo: float
    t_stat: float
    pvalue_t: float
    n_events: int
    n_dropped: int
    dropped: pd.DataFrame
    window_start: int
    window_end: int
    estimation_start: int | None
    estimation_end: int | None
    benchmark: str
    alternative: str
    n_boot: int
    n_placebo: int
    n_placebo_dates: int
    boot_means: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    placebo_means: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    title = "Event study: cumulative abnormal returns"

    def to_frame(self) -> pd.DataFrame:
        """Per-event CAR table."""
        return self.cars.copy()


def _pvalue(obs: float, draws: np.ndarray, alternative: str) -> float:
    b = len(draws)
    greater = (1.0 + np.sum(draws >= obs)) / (b + 1.0)
    less = (1.0 + np.sum(draws <= obs)) / (b + 1.0)
    if alternative == "greater":
        return float(greater)
    if alternative == "less":
        return float(less)
    return float(min(1.0, 2.0 * min(greater, less)))


def event_study(
    returns: pd.Series,
    events: Iterable[Any],
    *,
    window: tuple[int, int] = (-5, 5),
    benchmark: Literal["estimation_mean", "zero"] = "estimation_mean",
    estimation_window: tuple[int, int] = (-250, -30),
    n_boot: int = 2000,
    n_placebo: int = 2000,
    ci_level: float = 0.95,
    alternative: Literal["two-sided", "greater", "less"] = "two-sided",
    seed: int | np.random.Generator | None = None,
) -> EventStudyResult:
    """Cumulative abnormal returns around events, with bootstrap CI and placebo p-value.

    Parameters
    ----------
    returns
        Per-period (e.g. daily log) returns, ``DatetimeIndex``, no missing values.
    events
        Event dates (anything ``pd.to_datetime`` reads).
    window
        ``(a, b)`` trading days relative to day 0, inclusive (``a <= b``).
    benchmark
        ``"estimation_mean"`` (constant-mean model over ``estimation_window``) or
        ``"zero"`` (abnormal return = return).
    estimation_window
        ``(e0, e1)`` relative days, ``e0 <= e1 < a``; ignored for ``benchmark="zero"``.
    n_boot, n_placebo
        Bootstrap and placebo replications.
    ci_level
        Confidence level of the bootstrap interval.
    alternative
        ``"two-sided"`` (``2 * min`` of the one-sided placebo p-values), ``"greater"``
        or ``"less"``.
    seed
        Seed or Generator (both the bootstrap and the placebo draws use it).

    Returns
    -------
    EventStudyResult

    Raises
    ------
    ValueError
        Bad series or settings, fewer than two usable events, or no placebo date.

    Warns
    -----
    UserWarning
        When events are dropped, or when event windows overlap (CARs then share returns
        and are not independent).
    """
    if not isinstance(returns, pd.Series) or not isinstance(returns.index, pd.DatetimeIndex):
        raise ValueError("returns must be a pandas Series with a DatetimeIndex")
    if returns.isna().any():
        raise ValueError("returns contain missing values; drop non-trading days first")
    if not returns.index.is_monotonic_increasing or returns.index.has_duplicates:
        raise ValueError("returns' index must be strictly increasing")
    a, b = (int(window[0]), int(window[1]))
    if a > b:
        raise ValueError(f"window start {a} is after its end {b}")
    if benchmark not in ("estimation_mean", "zero"):
        raise ValueError("benchmark must be 'estimation_mean' or 'zero'")
    use_est = benchmark == "estimation_mean"
    e0, e1 = (int(estimation_window[0]), int(estimation_window[1]))
    if use_est and not e0 <= e1 < a:
        raise ValueError(f"estimation window ({e0}, {e1}) must satisfy e0 <= e1 < window start {a}")
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError("alternative must be 'two-sided', 'greater' or 'less'")
    if not 0 < ci_level < 1:
        raise ValueError("ci_level must be in (0, 1)")
    if n_boot < 1 or n_placebo < 1:
        raise ValueError("n_boot and n_placebo must be positive")

    r = returns.to_numpy(dtype=float)
    n = len(r)
    csum = np.concatenate([[0.0], np.cumsum(r)])
    length = b - a + 1
    lo = min(a, e0) if use_est else a  # earliest relative day needed

    # map events to day-0 positions
    ev = pd.DatetimeIndex(pd.to_datetime(list(events)))
    if len(ev) == 0:
        raise ValueError("no events given")
    dropped_rows: list[dict[str, Any]] = []
    kept: list[tuple[pd.Timestamp, int]] = []
    seen: set[int] = set()
    for d in ev.sort_values():
        p = int(returns.index.searchsorted(d, side="left"))
        if p >= n:
            dropped_rows.append({"event": d, "reason": "after the last observation"})
        elif p + lo < 0 or p + b > n - 1:
            dropped_rows.append(
                {"event": d, "reason": "window or estimation window outside sample"}
            )
        elif p in seen:
            dropped_rows.append({"event": d, "reason": "same day 0 as an earlier event"})
        else:
            seen.add(p)
            kept.append((d, p))

    # days inside any event window are left out of every estimation window
    in_event = np.zeros(n, dtype=bool)
    for _, p in kept:
        in_event[p + a : p + b + 1] = True
    clean = (~in_event).astype(float)
    cs_clean_r = np.concatenate([[0.0], np.cumsum(r * clean)])
    cs_clean_n = np.concatenate([[0.0], np.cumsum(clean)])

    def car_at(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raw = csum[pos + b + 1] - csum[pos + a]
        if use_est:
            cnt = cs_clean_n[pos + e1 + 1] - cs_clean_n[pos + e0]
            tot = cs_clean_r[pos + e1 + 1] - cs_clean_r[pos + e0]
            with np.errstate(invalid="ignore", divide="ignore"):
                mu = np.where(cnt > 0, tot / np.maximum(cnt, 1.0), np.nan)
        else:
            mu = np.zeros(len(pos))
        return raw - length * mu, mu

    if use_est and kept:
        _, mu_k = car_at(np.array([p for _, p in kept]))
        for (d, _), m in zip(list(kept), mu_k, strict=True):
            if np.isnan(m):
                dropped_rows.append(
                    {"event": d, "reason": "estimation window lies inside other event windows"}
                )
        kept = [kp for kp, m in zip(kept, mu_k, strict=True) if not np.isnan(m)]
    dropped = pd.DataFrame(dropped_rows, columns=["event", "reason"])
    if len(dropped):
        warnings.warn(
            f"{len(dropped)} event(s) dropped: {dropped['reason'].value_counts().to_dict()}",
            stacklevel=2,
        )
    if len(kept) < 2:
        raise ValueError(f"need at least two usable events, got {len(kept)}")
    pos = np.array([p for _, p in kept])
    if np.any(np.diff(pos) <= b - a):
        warnings.warn(
            "some event windows overlap: their CARs share returns and are not independent",
            stacklevel=2,
        )
    car, mu = car_at(pos)
    cars = pd.DataFrame(
        {
            "event": [d for d, _ in kept],
            "day0": returns.index[pos],
            "car": car,
            "benchmark_mean": mu,
        }
    )
    rel = np.arange(a, b + 1)
    ar = r[pos[:, None] + rel[None, :]] - mu[:, None]
    path = pd.DataFrame(
        {"mean_ar": ar.mean(axis=0), "mean_car": np.cumsum(ar, axis=1).mean(axis=0)},
        index=pd.Index(rel, name="rel_day"),
    )

    rng = np.random.default_rng(seed)
    k = len(car)
    mean_car = float(car.mean())
    boot = car[rng.integers(0, k, size=(n_boot, k))].mean(axis=1)
    alpha = 1.0 - ci_level
    ci_low, ci_high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])

    # placebo dates: full windows inside the sample, no overlap with any event window
    cand = np.arange(max(0, -lo), n - b)
    if len(cand):
        dist = np.abs(cand[:, None] - pos[None, :]).min(axis=1)
        cand = cand[dist > b - a]
    if len(cand) == 0:
        raise ValueError("no eligible placebo date outside the event windows")
    placebo_car, _ = car_at(cand)
    placebo_car = placebo_car[~np.isnan(placebo_car)]
    if len(placebo_car) == 0:
        raise ValueError("no eligible placebo date with a usable estimation window")
    placebo = placebo_car[rng.integers(0, len(placebo_car), size=(n_placebo, k))].mean(axis=1)
    p_placebo = _pvalue(mean_car, placebo, alternative)

    sd = float(car.std(ddof=1))
    t_stat = mean_car / (sd / np.sqrt(k)) if sd > 0 else float("nan")
    if alternative == "two-sided":
        p_t = 2 * stats.t.sf(abs(t_stat), k - 1)
    elif alternative == "greater":
        p_t = stats.t.sf(t_stat, k - 1)
    else:
        p_t = stats.t.cdf(t_stat, k - 1)

    return EventStudyResult(
        cars=cars,
        path=path,
        mean_car=mean_car,
        median_car=float(np.median(car)),
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        ci_level=float(ci_level),
        pvalue_placebo=p_placebo,
        t_stat=float(t_stat),
        pvalue_t=float(p_t),
        n_events=k,
        n_dropped=len(dropped),
        dropped=dropped,
        window_start=a,
        window_end=b,
        estimation_start=e0 if use_est else None,
        estimation_end=e1 if use_est else None,
        benchmark=benchmark,
        alternative=alternative,
        n_boot=int(n_boot),
        n_placebo=int(n_placebo),
        n_placebo_dates=len(placebo_car),
        boot_means=boot,
        placebo_means=placebo,
    )
