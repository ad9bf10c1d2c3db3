"""Jordà (2005) local projections of one outcome on one shock.

For each horizon ``h = 0..H`` an OLS regression

    z_{t,h} = a_h + b_h x_t + sum_{j=1..p} c_{h,j} y_{t-j} + sum_{j=1..q} d_{h,j} x_{t-j}
              + g_h' w_t + u_{t+h}

is fitted; ``b_h`` is the impulse response. The outcome ``z_{t,h}`` is

``"change"`` (default)  ``y_{t+h} - y_{t-1}``, the cumulative change of a level;
``"level"``             ``y_{t+h}``;
``"cumulative"``        ``y_t + ... + y_{t+h}``, the cumulated response of a flow/return.

The residual at horizon ``h`` overlaps ``h + 1`` periods, so it is MA(``h``): the HAC
lag count comes from :mod:`econ.models.hac` with ``horizon = h + 1`` (at least ``h``
lags). Bands are pointwise normal intervals ``b_h +- z se_h``. The data must be
regularly spaced (lags and leads are row shifts).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from econ.models.base import Result
from econ.models.regression import RegressionResult, ols_hac

__all__ = ["RESPONSES", "LocalProjectionResult", "local_projection"]

RESPONSES: tuple[str, ...] = ("change", "level", "cumulative")


@dataclasses.dataclass(repr=False)
class LocalProjectionResult(Result):
    """Impulse response estimated by local projections.

    Parameters
    ----------
    outcome, shock
        Names of ``y`` and ``x``.
    response
        ``"change"``, ``"level"`` or ``"cumulative"``.
    irf, se
        Response and HAC standard error per horizon (index ``horizon``).
    nobs, hac_lags
        Observations and HAC lags per horizon.
    levels
        Band coverage levels in percent, e.g. ``(68, 90, 95)``.
    bandwidth_description
        Bandwidth rule sentence at horizon 0 (the horizon floor then applies).
    regressions
        The per-horizon regressions.
    """

    outcome: str
    shock: str
    response: str
    irf: pd.Series
    se: pd.Series
    nobs: pd.Series
    hac_lags: pd.Series
    levels: tuple[float, ...]
    bandwidth_description: str
    regressions: dict[int, RegressionResult] = dataclasses.field(default_factory=dict)
    title: ClassVar[str] = "Local projection impulse response"

    def band(self, level: float) -> pd.DataFrame:
        """Pointwise normal band at ``level`` percent, columns ``lower``, ``upper``."""
        if not 0 < level < 100:
            raise ValueError(f"level must be in (0, 100), got {level}")
        z = stats.norm.ppf(0.5 + level / 200)
        return pd.DataFrame({"lower": self.irf - z * self.se, "upper": self.irf + z * self.se})

    def to_frame(self) -> pd.DataFrame:
        """One row per horizon with the response, its error, bands and sample size."""
        frame = pd.DataFrame(
            {
                "horizon": self.irf.index.to_numpy(),
                "irf": self.irf.to_numpy(),
                "se": self.se.to_numpy(),
                "t": (self.irf / self.se).to_numpy(),
            }
        )
        for level in self.levels:
            band = self.band(level)
            tag = f"{level:g}"
            frame[f"lower_{tag}"] = band["lower"].to_numpy()
            frame[f"upper_{tag}"] = band["upper"].to_numpy()
        frame["nobs"] = self.nobs.to_numpy()
        frame["hac_lags"] = self.hac_lags.to_numpy()
        return frame


def _outcome(y: pd.Series, h: int, response: str) -> pd.Series:
    if response == "level":
        return y.shift(-h)
    if response == "change":
        return y.shift(-h) - y.shift(1)
    return y.rolling(h + 1, min_periods=h + 1).sum().shift(-h)


def _nonneg_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def local_projection(
    y: str,
    x: str,
    data: pd.DataFrame,
    *,
    horizons: int = 12,
    y_lags: int = 4,
    x_lags: int = 4,
    controls: Sequence[str] | None = None,
    response: str = "change",
    rule: str = "nw1994",
    lags: int | None = None,
    small_sample: bool = True,
    levels: Sequence[float] = (68, 90, 95),
    common_sample: bool = False,
) -> LocalProjectionResult:
    """Impulse response of ``y`` to ``x`` by local projections, ``h = 0..horizons``.

    Parameters
    ----------
    y, x
        Outcome and shock columns of ``data``.
    data
        Regularly spaced DataFrame in time order.
    horizons
        Largest horizon ``H``.
    y_lags, x_lags
        Lags of ``y`` and of ``x`` used as controls.
    controls
        Further columns entering at date ``t`` (lag them beforehand if they must be
        predetermined).
    response
        ``"change"``, ``"level"`` or ``"cumulative"`` (see module doc).
    rule, lags
        HAC bandwidth rule, see :func:`econ.models.hac.choose_bandwidth`; the lags are
        at least ``h`` at horizon ``h``.
    small_sample
        Small-sample HAC correction and t inference in each regression; the bands are
        normal either way.
    levels
        Band coverage levels in percent.
    common_sample
        Use the horizon-``H`` sample at every horizon (else each horizon uses all
        observations available to it).

    Returns
    -------
    LocalProjectionResult
    """
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    controls = list(controls or [])
    cols = [y, x, *controls]
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ValueError(f"columns {missing} not in data")
    if len(set(cols)) != len(cols):
        raise ValueError("y, x and controls must be distinct columns")
    if response not in RESPONSES:
        raise ValueError(f"response must be one of {RESPONSES}, got {response!r}")
    horizons = _nonneg_int(horizons, "horizons")
    y_lags = _nonneg_int(y_lags, "y_lags")
    x_lags = _nonneg_int(x_lags, "x_lags")
    levels = tuple(float(v) for v in levels)
    if not levels or any(not 0 < v < 100 for v in levels):
        raise ValueError(f"levels must be percentages in (0, 100), got {levels}")
    for c in cols:
        dtype = data[c].dtype
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise ValueError(f"column {c!r} is not numeric (dtype {dtype})")
    if not (data.index.is_monotonic_increasing and data.index.is_unique):
        raise ValueError("data index must be unique and increasing (time order)")

    frame = data[cols].astype("float64")
    ys, xs = frame[y], frame[x]
    regressors = {x: xs}
    regressors.update({f"{y}_lag{j}": ys.shift(j) for j in range(1, y_lags + 1)})
    regressors.update({f"{x}_lag{j}": xs.shift(j) for j in range(1, x_lags + 1)})
    regressors.update({c: frame[c] for c in controls})
    X = pd.DataFrame(regressors)

    if common_sample:
        keep = _outcome(ys, horizons, response).notna() & X.notna().all(axis=1)
    irf, se, nobs, hac_lags = {}, {}, {}, {}
    regs: dict[int, RegressionResult] = {}
    for h in range(horizons + 1):
        z = _outcome(ys, h, response).rename(f"{y}_h{h}")
        Xh = X
        if common_sample:
            z, Xh = z[keep], X[keep]
        try:
            res = ols_hac(
                z, Xh, cov="hac", rule=rule, lags=lags, horizon=h + 1, small_sample=small_sample
            )
        except ValueError as err:
            raise ValueError(f"horizon {h}: {err}") from err
        regs[h] = res
        irf[h], se[h] = float(res.params[x]), float(res.bse[x])
        nobs[h], hac_lags[h] = res.nobs, res.bandwidth

    def _series(values: dict[int, Any], name: str) -> pd.Series:
        return pd.Series(values, name=name).rename_axis("horizon")

    return LocalProjectionResult(
        outcome=y,
        shock=x,
        response=response,
        irf=_series(irf, "irf"),
        se=_series(se, "se"),
        nobs=_series(nobs, "nobs"),
        hac_lags=_series(hac_lags, "hac_lags"),
        levels=levels,
        bandwidth_description=regs[0].bandwidth_description,
        regressions=regs,
    )
