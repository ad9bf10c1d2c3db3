"""Unit-root and stationarity test battery (thin layer over :mod:`arch.unitroot`).

Tests
-----
``"adf"``    augmented Dickey-Fuller, lag length by information criterion (AIC default);
``"pp"``     Phillips-Perron tau, Newey-West long-run variance (arch's default lags);
``"kpss"``   KPSS stationarity test, data-dependent lags (Hobijn, Franses & Ooms 1998);
``"vr"``     Lo-MacKinlay variance ratio, heteroskedasticity-robust, debiased;
``"dfgls"``  Elliott-Rothenberg-Stock DF-GLS (optional).

Verdicts at level ``alpha``: the Dickey-Fuller family (null: unit root) gives ``"I(0)"``
on rejection and ``"I(1)"`` otherwise; KPSS (null: stationary) the reverse; the variance
ratio (null: random walk) gives ``"not a random walk"`` / ``"random walk"``. The
confirmatory ADF + KPSS verdict of :meth:`UnitRootBattery.verdicts` is ``"I(0)"`` or
``"I(1)"`` when the two agree and ``"ambiguous"`` otherwise.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from arch.unitroot import ADF, DFGLS, KPSS, PhillipsPerron, VarianceRatio

from econ.models.base import Result

__all__ = [
    "TESTS",
    "UnitRootBattery",
    "clean_series",
    "integration_order",
    "unit_root_battery",
]

TESTS: tuple[str, ...] = ("adf", "pp", "kpss", "vr", "dfgls")
_DEFAULT_TESTS: tuple[str, ...] = ("adf", "pp", "kpss", "vr")
_MIN_NOBS = 20
_NAMES = {
    "adf": "ADF",
    "pp": "Phillips-Perron",
    "kpss": "KPSS",
    "vr": "Variance ratio",
    "dfgls": "DF-GLS",
}


def clean_series(series: pd.Series, *, min_nobs: int = _MIN_NOBS) -> pd.Series:
    """Validate a time series and strip leading/trailing missing values.

    Parameters
    ----------
    series
        Numeric series in time order.
    min_nobs
        Minimum number of observations after trimming.

    Returns
    -------
    pandas.Series
        ``float64`` series without missing values.

    Raises
    ------
    ValueError
        If the series is not numeric, has interior gaps, or is too short.
    """
    if isinstance(series, np.ndarray) and series.ndim == 1:
        series = pd.Series(series)
    if not isinstance(series, pd.Series):
        raise ValueError(f"expected a pandas Series, got {type(series).__name__}")
    name = series.name if series.name is not None else "series"
    if not (
        pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)
    ):
        raise ValueError(f"series {name!r} is not numeric (dtype {series.dtype})")
    values = series.astype("float64")
    values = values.where(np.isfinite(values))
    valid = values.notna().to_numpy()
    if not valid.any():
        raise ValueError(f"series {name!r} has no valid observations")
    first, last = np.argmax(valid), len(valid) - 1 - np.argmax(valid[::-1])
    trimmed = values.iloc[first : last + 1]
    if trimmed.isna().any():
        raise ValueError(
            f"series {name!r} has interior missing values; time-series tests need an "
            "unbroken sample (fill or cut the sample explicitly)"
        )
    if len(trimmed) < min_nobs:
        raise ValueError(f"too few observations in {name!r}: {len(trimmed)} < {min_nobs} required")
    return trimmed


def _check_trend(trend: str) -> None:
    if trend not in ("n", "c", "ct"):
        raise ValueError(f"trend must be 'n', 'c' or 'ct', got {trend!r}")


def _run_one(
    test: str,
    y: pd.Series,
    *,
    trend: str,
    lags: int | None,
    max_lags: int | None,
    method: str,
    vr_lags: int,
) -> tuple[Any, str]:
    """Run one arch test; return (test object, trend actually used)."""
    if test == "adf":
        return ADF(y, lags=lags, trend=trend, max_lags=max_lags, method=method), trend
    if test == "pp":
        return PhillipsPerron(y, lags=lags, trend=trend), trend
    if test == "kpss":
        if trend == "n":
            raise ValueError("KPSS needs trend 'c' or 'ct'")
        with warnings.catch_warnings():
            # arch warns that lags=None now means data-dependent selection: intended here.
            warnings.filterwarnings("ignore", message="Lag selection has changed")
            return KPSS(y, lags=lags, trend=trend), trend
    if test == "dfgls":
        if trend == "n":
            raise ValueError("DF-GLS needs trend 'c' or 'ct'")
        return DFGLS(y, lags=lags, trend=trend, max_lags=max_lags, method=method), trend
    # Variance ratio on levels: a drift in the increments covers both 'c' and 'ct'.
    vr_trend = "n" if trend == "n" else "c"
    return VarianceRatio(y, lags=vr_lags, trend=vr_trend), vr_trend


def _verdict(test: str, pvalue: float, alpha: float) -> str:
    reject = pvalue < alpha
    if test == "kpss":
        return "I(1)" if reject else "I(0)"
    if test == "vr":
        return "not a random walk" if reject else "random walk"
    return "I(0)" if reject else "I(1)"


@dataclasses.dataclass(repr=False)
class UnitRootBattery(Result):
    """Results of a unit-root test battery over one or more series.

    Parameters
    ----------
    rows
        One record per (series, test): ``series, test, stat, pvalue, lags, trend, nobs,
        null, verdict`` and critical values ``crit_1%, crit_5%, crit_10%``.
    alpha
        Level of the verdicts.
    """

    rows: list[dict[str, Any]]
    alpha: float = 0.05
    title: ClassVar[str] = "Unit-root test battery"

    def to_frame(self) -> pd.DataFrame:
        """One row per series and test."""
        return pd.DataFrame(self.rows)

    def verdicts(self) -> pd.Series:
        """Confirmatory ADF + KPSS verdict per series (``"I(0)"``, ``"I(1)"``, ``"ambiguous"``).

        Series without both tests in the battery get ``"ambiguous"``.
        """
        frame = self.to_frame()
        out: dict[str, str] = {}
        for name, grp in frame.groupby("series", sort=False):
            by_test = dict(zip(grp["test"], grp["verdict"], strict=True))
            adf, kpss = by_test.get("ADF"), by_test.get("KPSS")
            out[str(name)] = adf if adf is not None and adf == kpss else "ambiguous"
        return pd.Series(out, name="verdict", dtype="object")

    def summary(self) -> str:
        text = super().summary()
        verdicts = self.verdicts()
        lines = [f"ADF + KPSS verdict at {self.alpha:.0%}:"]
        lines += [f"  {k}: {v}" for k, v in verdicts.items()]
        return text + "\n\n" + "\n".join(lines)


def unit_root_battery(
    data: pd.Series | pd.DataFrame,
    *,
    tests: Sequence[str] = _DEFAULT_TESTS,
    trend: str = "c",
    lags: int | None = None,
    max_lags: int | None = None,
    method: str = "aic",
    vr_lags: int = 2,
    alpha: float = 0.05,
) -> UnitRootBattery:
    """Run a battery of unit-root / stationarity tests on each series.

    Parameters
    ----------
    data
        A numeric Series or a DataFrame of numeric columns (each tested separately, on
        its own trimmed sample).
    tests
        Subset of :data:`TESTS`.
    trend
        Deterministic terms: ``"n"``, ``"c"`` or ``"ct"``. KPSS and DF-GLS need ``"c"`` or
        ``"ct"``; the variance ratio uses a drift (``"c"``) unless ``"n"``.
    lags
        Fixed lag length for ADF, PP, KPSS and DF-GLS; ``None`` lets each test choose
        (information criterion for ADF/DF-GLS, arch's automatic rules for PP/KPSS).
    max_lags
        Largest lag the ADF/DF-GLS information criterion considers.
    method
        Lag-selection criterion for ADF/DF-GLS: ``"aic"``, ``"bic"`` or ``"t-stat"``.
    vr_lags
        Horizon ``q`` of the variance ratio ``Var(y_t - y_{t-q}) / (q Var(y_t - y_{t-1}))``.
    alpha
        Level of the verdicts.

    Returns
    -------
    UnitRootBattery
    """
    tests = tuple(tests)
    unknown = [t for t in tests if t not in TESTS]
    if unknown or not tests:
        raise ValueError(f"unknown tests {unknown}; choose from {TESTS}")
    _check_trend(trend)
    if method not in ("aic", "bic", "t-stat"):
        raise ValueError(f"method must be 'aic', 'bic' or 't-stat', got {method!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if lags is not None and (not isinstance(lags, (int, np.integer)) or lags < 0):
        raise ValueError(f"lags must be a non-negative integer or None, got {lags!r}")
    if isinstance(data, pd.Series):
        frame = data.to_frame(name=data.name if data.name is not None else "series")
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise ValueError(f"data must be a pandas Series or DataFrame, got {type(data).__name__}")
    if frame.shape[1] == 0:
        raise ValueError("data has no columns")

    rows: list[dict[str, Any]] = []
    for col in frame.columns:
        y = clean_series(frame[col].rename(col))
        for test in tests:
            res, used_trend = _run_one(
                test,
                y,
                trend=trend,
                lags=lags,
                max_lags=max_lags,
                method=method,
                vr_lags=vr_lags,
            )
            crit = res.critical_values
            row = {
                "series": str(col),
                "test": _NAMES[test],
                "stat": float(res.stat),
                "pvalue": float(res.pvalue),
                "lags": int(res.lags),
                "trend": used_trend,
                "nobs": int(len(y)),
                "null": res.null_hypothesis,
                "verdict": _verdict(test, float(res.pvalue), alpha),
            }
            for level in ("1%", "5%", "10%"):
                row[f"crit_{level}"] = float(crit[level]) if level in crit else np.nan
            rows.append(row)
    return UnitRootBattery(rows=rows, alpha=alpha)


def integration_order(
    series: pd.Series,
    *,
    trend: str = "c",
    alpha: float = 0.05,
    method: str = "aic",
    max_lags: int | None = None,
) -> int:
    """Order of integration (0, 1 or 2) by the Dickey-Pantula (1987) downward sequence.

    Rule: run ADF (lags by ``method``) on the first difference with a constant; if it
    does not reject a unit root at ``alpha`` the series is I(2). Otherwise run ADF on the
    level with ``trend``: no rejection gives I(1), rejection gives I(0). Testing from the
    highest order down keeps each test's null valid (an I(2) series would otherwise
    bias the level test).

    Parameters
    ----------
    series
        Numeric series in time order (leading/trailing NaN are dropped).
    trend
        Deterministic terms of the level test: ``"n"``, ``"c"`` or ``"ct"``.
    alpha
        Test level.
    method, max_lags
        ADF lag selection.

    Returns
    -------
    int
        0, 1 or 2.
    """
    _check_trend(trend)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    y = clean_series(series)
    dy = y.diff().iloc[1:]
    if ADF(dy, trend="c", method=method, max_lags=max_lags).pvalue >= alpha:
        return 2
    if ADF(y, trend=trend, method=method, max_lags=max_lags).pvalue >= alpha:
        return 1
    return 0
