"""Declarations, data preparation and the robustness grids of ``studies.liquidity_flows``.

Private helper of the liquidity-and-flows study (claims A3, C5, C7, C8, C9, D1). It holds
what the study declares before estimating (series, samples, lag lengths, transforms,
headline choices, grids) and the small pieces of glue the study needs:

* :func:`style_frame` — a period panel with ``y = 100·log(small/large)`` on trading periods;
* :func:`distributed_lag` — OLS with HAC errors of ``Δy`` on ``x_t, …, x_{t−L}`` plus the
  HAC Wald test of the lag block and the HAC t-tests of the lag sums (statsmodels'
  ``wald_test``/``t_test`` on :func:`econ.models.ols_hac`'s fitted model);
* :func:`mediation` — total, direct and indirect effect of ``x`` on ``y`` through ``m``
  (product of coefficients) with a moving-block bootstrap percentile interval (A3 reports it
  as a descriptive row only: it needs sequential ignorability). This is the
  one estimator ``econ.models`` lacks; it is written here in its minimal generic form
  (row resampling in blocks + least squares), not in ``econ/``;
* :func:`lagged_flow_fit` (A3: Δy on past flows given past Δy, the flow-lag sum) and
  :func:`predictive_data` / :func:`predictive_fit` (C7: past h-period growth → next h-period
  change, Hodrick 1992 errors through :func:`econ.models.ols_hac`);
* :data:`GRID`, :data:`GRID_FLOWS`, :data:`GRID_FED` and the picklable module-level
  :func:`estimate` that ``econ.robust.run_grid`` runs over them, with the joint-test hook:
  :func:`null_design` rebuilds a specification's rows and :class:`NullDesign` re-fits them
  with the claim's driver circularly shifted (numpy OLS + HAC, :func:`hac_sum` for lag sums);
  :class:`PredictiveNullDesign` does the same for C7 with :func:`hodrick_slope`, the numpy
  twin of ``ols_hac(cov="hodrick")`` (tested equal to 1e-10).

Units throughout: ``y`` in percent (100 × log points), rates and yields in percentage
points, northbound flows in percent of CSI 300 turnover of the same period (headline),
growth rates in percent (100 × Δlog).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from econ.data.loader import DataLoader
from econ.data.panel import build_panel
from econ.models import levels_vs_differences, ols_hac
from econ.models.cointegration import engle_granger
from econ.models.hac import andrews_lags, choose_bandwidth
from econ.models.regression import LevelsVsDifferences, RegressionResult, overlapping_sum
from econ.policy import HAC_RULE
from econ.robust import Grid, NullDraws, Spec, SpecEstimate
from econ.robust.fastols import ols_hac_cov, slope_hac
from econ.robust.leanols import LeanOLS, lean_ols
from studies import declared
from studies.common import PROXIES, Proxy, proxy_by_label

# ----------------------------------------------------------------------------- series
US10Y = "us.rate.ust10y"
NORTHBOUND = "cn.flow.northbound.net"          # CNY million per day, summed per period
NORTHBOUND_SH = "cn.flow.northbound.sh"        # the Shanghai Connect part (definition evidence)
TURNOVER = "cn.turnover.csi300.amount"          # CNY 100m per day, summed per period
MARGIN = "cn.margin.financing_balance"          # CNY 100m, period-end balance
PE = {"CSI 500": ("cn.valuation.csi500.pe", "cn.valuation.csi300.pe"),
      "CSI 1000": ("cn.valuation.csi1000.pe", "cn.valuation.csi300.pe")}
M1, M2 = "cn.macro.m1_yoy", "cn.macro.m2_yoy"
CGB10Y = "cn.rate.cgb10y"
CURRENT_ACCOUNT = "cn.macro.current_account"    # USD 100m per quarter, released 45 days after
FED_FUNDS = "us.rate.fed_funds_daily"           # daily effective rate, averaged per period
FED_ASSETS = "us.fed.total_assets"
DOLLAR = "us.fx.broad_dollar"
RUSSELL, SP500 = "us.index.russell2000.close", "us.index.sp500.close"

#: The two short-rate measures. DR007 heads: it is the article's own variable; SHIBOR 1W (a
#: published fixing, same tenor, same level and cycle) is the alternative in every table and
#: in the grid. Declared before estimation.
RATES: dict[str, str] = {"DR007": "cn.rate.dr007", "SHIBOR 1W": "cn.rate.shibor_1w"}
HEADLINE_RATE = "DR007"
#: How a rate enters a period (C5): the close of the period's last trading day, the same
#: instant as the price the ratio is measured at (headline, issue 11 point 1), or the period
#: mean of the daily closes (the catalog's default for noisy rates; robustness).
RATE_AGG: dict[str, str] = {"end": "last", "mean": "mean"}
HEADLINE_RATE_AGG = "end"

#: Headline small-cap proxy: CSI 1000 vs CSI 300 — the longest-running CSI pair (back-
#: calculated to 2005), the pair Seed 003 uses, and the one every claim here can use.
HEADLINE_PROXY = "CSI 1000"

#: Lag lengths of the distributed-lag regressions: "short" is the headline (a month of
#: weekly lags, a quarter of monthly lags); "none" keeps only the contemporaneous term.
LAGS: dict[str, dict[str, int]] = {"W": {"none": 0, "short": 4}, "M": {"none": 0, "short": 3}}
C8_EPS_LAGS = 6          # months: M1−M2 → EPS transmission (the article's "second stage")
LP_HORIZONS = 12         # weeks
LP_LAGS = 4
BOOT_REPS = 999
SEED = 20240415

#: Sample windows. "full" is the longest span the claim's data allow (headline); the two
#: sub-samples are the issue's 2014–2020 and 2021– splits.
NB_START, NB_END = "2014-11-17", "2023-12-31"   # Stock Connect northbound data in the vault
#: DR007 before December 2014 is Wind's back-filled history (vault SOURCES.md), so C5's
#: headline starts in 2015; the longer 2007– span and the back-history alone are robustness.
DR007_LIVE = "2015-01-01"
C5_SAMPLES: dict[str, tuple[str | None, str | None]] = {
    "2015–": (DR007_LIVE, None), "2007–": ("2007-01-01", None), "2007–2014": ("2007-01-01", "2014-12-31"),
    "2015–2020": (DR007_LIVE, "2020-12-31"), "2021–": ("2021-01-01", None)}
C5_HEADLINE_SAMPLE = "2015–"
#: The northbound series changes definition (vault SOURCES.md: Tushare's early values are the
#: exchanges' quota-use "资金流入", later ones net buying). The data date the switch
#: (:func:`northbound_definition_evidence`): every Shanghai Connect value from 2014-11-17 to
#: 2016-12-02 is a whole CNY million, as the exchanges' quota-balance figures were published
#: (day one is exactly the 13,000 mn daily quota); from 2016-12-05 (the Shenzhen Connect
#: launch) Monday–Thursday values carry the cents of turnover-based net buying, while Friday
#: values stay whole millions until 2018-05-11; from 2018-05-18 every weekday is
#: decimal-valued. Headline samples start with the first whole month of net buying on every
#: day; the full span is robustness.
NET_BUYING_START = "2018-06-01"
A3_SAMPLES: dict[str, tuple[str | None, str | None]] = {
    "net buying": (NET_BUYING_START, NB_END), "full": (NB_START, NB_END),
    "2014–2020": (NB_START, "2020-12-31"), "2021–": ("2021-01-01", NB_END)}
A3_HEADLINE_SAMPLE = "net buying"
C7_SAMPLES: dict[str, tuple[str | None, str | None]] = {
    "full": ("2003-01-01", None), "2008–2010": ("2008-01-01", "2010-12-31"),
    "2014–2020": ("2014-01-01", "2020-12-31"), "2021–": ("2021-01-01", None)}
#: C7 is predictive (issue 11 point 6: the Fed expands its balance sheet in reaction to
#: crashes, so a same-period slope mixes the reaction with the effect): Fed-asset growth over
#: the past h periods, known at the period's end (WALCL is dated when it is published), against
#: the ratio's change over the next h periods, overlapping, with Hodrick (1992) 1B errors.
#: Headline h = 6 months ("medium"), the same calendar horizon in weeks (26); the article's
#: episodes last one to two years.
C7_HORIZONS: dict[str, dict[str, int]] = {"M": {"short": 3, "medium": 6, "long": 12},
                                          "W": {"short": 13, "medium": 26, "long": 52}}
C7_HEADLINE_HORIZON = "medium"
C7_EPISODE_HORIZON = 13   # weeks: the 2008-09 → 2010-12 episode has 121 weeks
VALUATION_START = "2012-04-01"     # CSI 300/500 P/E: from 2011-06, but with a 69-day gap to 2012-03
M1_BASIS_END = "2024-12-31"        # M1 yoy is on the old definition through 2024

#: Northbound-flow transforms. Headline: net buying as % of CSI 300 turnover in the same
#: period — Connect volumes grew several-fold 2014–2021, so raw CNY are not comparable
#: over time; turnover measures the market's trading capacity in that very period and
#: needs no burn-in window. Alternatives: flow / trailing mean |flow| (52 weeks or 12
#: months, lagged one period), CNY 100bn, and cumulated flows (a levels regression,
#: admissible only under cointegration).
FLOW_TRANSFORMS = ("% turnover", "trailing z", "CNY 100bn", "cumulated")
HEADLINE_FLOW = "% turnover"
TRAILING = {"W": 52, "M": 12}

#: Joint test (Simonsohn, Simmons & Nelson 2020) and Romano–Wolf p-values of the three grids:
#: every specification is re-fitted on NULL_DRAWS null worlds in which the claim's driver (C5
#: the rate change, A3 the northbound flow, C7 Fed-asset growth) is circularly shifted by a
#: common fraction U(NULL_SHIFT) of its whole history in the spec's panel — the same fraction
#: for every spec of a draw, and every sample is cut from the shifted history, so nested
#: samples share the null world. Lags are built from the shifted series; in levels
#: specifications the shifted increments are re-cumulated. Outcome and controls stay as observed.
NULL_DRAWS = 199
NULL_SEED = 20240416
NULL_SHIFT = (0.1, 0.9)


# ----------------------------------------------------------------------------- panels
_MEMO: dict[Any, dict[Any, Any]] = {}


def _memo(loader: DataLoader) -> dict[Any, Any]:
    """Per-process memo of panels and levels checks, keyed by the loader's settings.

    Keyed by settings rather than by the loader object because ``run_grid`` may hand each
    specification a fresh proxy of the same loader (or a worker's own loader).
    """
    key = getattr(loader, "settings", None) or id(loader)
    memo = _MEMO.get(key)
    if memo is None:
        if len(_MEMO) >= 8:
            _MEMO.clear()
        memo = _MEMO[key] = {}
    return memo


def _touch(loader: DataLoader, ids: Sequence[str]) -> None:
    """Read the series through ``loader`` so a recording loader sees them on a memo hit."""
    for sid in ids:
        loader.fetch(sid)


def _memoised(loader: DataLoader, key: tuple[Any, ...], ids: Sequence[str], build: Callable[[], Any]) -> Any:
    """``build()`` once per loader settings and ``key``; a hit reads ``ids`` through ``loader``.

    Frames prepared once are reused by every specification that needs them (the grids and
    their null designs rebuild the same panels hundreds of times otherwise). Callers copy
    mutable results (:func:`_frame_memo`).
    """
    memo = _memo(loader)
    if key not in memo:
        memo[key] = build()
    else:
        _touch(loader, ids)
    return memo[key]


def _frame_memo(loader: DataLoader, key: tuple[Any, ...], ids: Sequence[str],
                build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """:func:`_memoised` for a frame: returns a copy, so a caller may add columns."""
    return _memoised(loader, key, ids, build).copy()


def panel(loader: DataLoader, series: Mapping[str, str], freq: str,
          agg: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``econ.data.build_panel`` at ``freq`` (memoised; returns a copy)."""
    key = ("panel", freq, tuple(sorted(series.items())), tuple(sorted((agg or {}).items())))
    memo = _memo(loader)
    if key not in memo:
        built = build_panel(loader, dict(series), freq=freq, agg=dict(agg or {}) or None)
        built.attrs = {}  # provenance lives in the loader; attrs would be deep-copied by every pandas step
        memo[key] = built
    else:
        _touch(loader, list(series.values()))
    return memo[key].copy()


def cut(frame: pd.DataFrame, start: str | None, end: str | None) -> pd.DataFrame:
    """Rows with ``start <= date <= end`` (open ends for ``None``)."""
    return frame.loc[_date_mask(frame.index, start, end)]


def _date_mask(index: pd.DatetimeIndex, start: str | None, end: str | None) -> np.ndarray:
    keep = np.ones(len(index), dtype=bool)
    if start is not None:
        keep &= index >= pd.Timestamp(start)
    if end is not None:
        keep &= index <= pd.Timestamp(end)
    return keep


def style_frame(loader: DataLoader, proxy: Proxy, freq: str, extra: Mapping[str, str] | None = None,
                agg: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Trading periods of ``proxy`` with ``y = 100·log(small/large)`` and ``extra`` columns.

    Periods in which either index has no close (e.g. a Spring Festival week) are dropped, so
    a difference spans the gap. ``extra`` columns are left as the panel gives them.
    """
    cols = {"small": proxy.small, "large": proxy.large, **dict(extra or {})}
    p = panel(loader, cols, freq, agg)
    p = p.dropna(subset=["small", "large"])
    p["y"] = 100.0 * np.log(p["small"] / p["large"])
    return p


def flow_transform(frame: pd.DataFrame, how: str, freq: str) -> pd.Series:
    """Northbound net buying (column ``nb``, CNY mn; ``to``: CSI 300 turnover, CNY 100m)."""
    nb = frame["nb"]
    if how == "% turnover":
        return nb / frame["to"]          # 100 × CNY mn / (CNY 100m × 100)
    if how == "trailing z":
        scale = nb.abs().rolling(TRAILING[freq], min_periods=TRAILING[freq]).mean().shift(1)
        return nb / scale
    if how == "CNY 100bn":
        return nb / 1e5
    if how == "cumulated":
        return nb.fillna(0.0).cumsum().where(nb.notna()) / 1e5
    raise ValueError(f"unknown flow transform {how!r}")


# ----------------------------------------------------------------------------- fits
@dataclasses.dataclass
class Fit:
    """One coefficient (or linear combination) with its HAC inference and sample."""

    beta: float
    se: float
    p: float
    nobs: int
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    hac_lags: int | None = None
    desc: str = ""
    ci: tuple[float, float] = (math.nan, math.nan)
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, res: RegressionResult, term: str, **extra: Any) -> Fit:
        return cls(beta=float(res.params[term]), se=float(res.bse[term]), p=float(res.pvalues[term]),
                   nobs=int(res.nobs), start=res.start, end=res.end, hac_lags=res.bandwidth,
                   desc=res.bandwidth_description,
                   ci=(float(res.conf_int.loc[term, "lower"]), float(res.conf_int.loc[term, "upper"])),
                   extra=dict(extra))

    @classmethod
    def missing(cls, why: str) -> Fit:
        return cls(beta=math.nan, se=math.nan, p=math.nan, nobs=0, extra={"error": why})

    @property
    def ok(self) -> bool:
        return not math.isnan(self.beta)

    def to_spec_estimate(self, **extra: Any) -> SpecEstimate:
        return SpecEstimate(estimate=self.beta, se=self.se, pvalue=self.p, nobs=self.nobs,
                            extra={"hac_lags": self.hac_lags, "start": _date(self.start),
                                   "end": _date(self.end), **extra})


def _date(t: Any) -> str:
    return "" if t is None else pd.Timestamp(t).strftime("%Y-%m-%d")


@dataclasses.dataclass
class DistLag:
    """A distributed-lag regression ``y_t = a + Σ_{j=0..L} β_j x_{t−j} + γ'z_t + e_t``.

    ``contemp`` is β_0; ``lag_sum`` is β_1 + … + β_L; ``total`` is β_0 + … + β_L;
    ``wald_F``/``wald_p`` test β_1 = … = β_L = 0 jointly with the HAC covariance;
    ``coefs`` are β_0..β_L (``coef_values`` named ``coef_names``). ``res``, the
    statsmodels-backed :class:`RegressionResult`, is fitted on first access only (the numbers
    above come from :func:`econ.robust.leanols.lean_ols` and are identical to its).
    """

    lags: int
    coef_values: np.ndarray
    coef_names: list[str]
    contemp: Fit
    lag_sum: Fit
    total: Fit
    wald_F: float
    wald_p: float
    refit: Callable[[], RegressionResult] | None = dataclasses.field(default=None, repr=False, compare=False)

    @functools.cached_property
    def coefs(self) -> pd.Series:
        return pd.Series(self.coef_values, index=self.coef_names)

    @functools.cached_property
    def res(self) -> RegressionResult:
        if self.refit is None:
            raise AttributeError("this DistLag keeps no regression to refit")
        return self.refit()


def lag_names(x: str, lags: int) -> list[str]:
    return [x] + [f"{x}_l{j}" for j in range(1, lags + 1)]


def _lag_data(frame: pd.DataFrame, y: str, x: str, lags: int, controls: Sequence[str] = (),
              start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """The rows of a distributed-lag regression: ``y``, ``x`` and its lags, ``controls``."""
    names = lag_names(x, lags)
    cols = {names[0]: frame[x]}
    cols.update({names[j]: frame[x].shift(j) for j in range(1, lags + 1)})
    cols.update({c: frame[c] for c in controls})
    return cut(pd.concat([frame[y].rename(y), pd.DataFrame(cols)], axis=1), start, end).dropna()


def distributed_lag(frame: pd.DataFrame, y: str, x: str, lags: int, *, controls: Sequence[str] = (),
                    rule: str = HAC_RULE, start: str | None = None, end: str | None = None) -> DistLag:
    """Fit the distributed-lag regression of ``y`` on ``x`` and its ``lags`` lags (rows = periods).

    The lags are built on the whole ``frame`` before the rows are restricted to
    ``start``–``end``, so the first periods of a sample use the lags that precede it.
    """
    return distributed_lag_fit(_lag_data(frame, y, x, lags, controls, start, end), y, x, lags, controls=controls,
                               rule=rule)


@dataclasses.dataclass(frozen=True)
class Rows:
    """A regression's prepared rows as arrays: outcome ``y``, regressors ``X`` (columns
    ``names``), the first and last date and (``at``) the rows' positions in the panel frame
    they were cut from. Built once per specification and reused."""

    y: np.ndarray
    X: np.ndarray
    names: tuple[str, ...]
    start: Any
    end: Any
    at: np.ndarray | None = None   # positions of the rows in the panel frame they come from

    @classmethod
    def of(cls, data: pd.DataFrame, y: str, names: Sequence[str]) -> Rows:
        yv, X = _array(data[y]), _array(data[list(names)])
        yv.setflags(write=False)
        X.setflags(write=False)
        first, last = (data.index[0], data.index[-1]) if len(data) else (None, None)
        return cls(yv, X, tuple(names), first, last)


def lean_fit(lean: LeanOLS, i: int, start: Any, end: Any, **extra: Any) -> Fit:
    """:meth:`Fit.of` for coefficient ``i`` of a lean fit on rows dated ``start``..``end``."""
    beta, se, p, ci = lean.coef(i)
    return Fit(beta=beta, se=se, p=p, nobs=lean.nobs, start=start, end=end, hac_lags=lean.bandwidth,
               desc=lean.description, ci=ci, extra=dict(extra))


def lean_combo(lean: LeanOLS, pos: Sequence[int], start: Any, end: Any) -> Fit:
    """The sum of the coefficients at ``pos`` (statsmodels' ``t_test``) as a :class:`Fit`."""
    r = np.zeros(len(lean.params))
    r[list(pos)] = 1.0
    beta, se, p, ci = lean.t_test(r)
    return Fit(beta=beta, se=se, p=p, nobs=lean.nobs, start=start, end=end, hac_lags=lean.bandwidth,
               desc=lean.description, ci=ci)


def lean_wald(lean: LeanOLS, pos: Sequence[int]) -> tuple[float, float]:
    """HAC F test that the coefficients at ``pos`` are all zero (statsmodels' ``wald_test``)."""
    R = np.zeros((len(pos), len(lean.params)))
    for i, j in enumerate(pos):
        R[i, j] = 1.0
    return lean.wald_test(R)


def hac_fit(y: pd.Series, X: pd.DataFrame, term: str, *, rule: str = HAC_RULE, **extra: Any) -> Fit:
    """``Fit.of(ols_hac(y, X, rule=rule), term, **extra)``: by :func:`lean_ols` where it
    applies (the same floats), else through ``ols_hac`` (and its errors)."""
    lean = lean_ols(_array(y), _array(X), rule=rule) if len(y) else None
    if lean is None:
        return Fit.of(ols_hac(y, X, rule=rule), term, **extra)
    return lean_fit(lean, 1 + list(X.columns).index(term), y.index[0], y.index[-1], **extra)


def _lean_dist_lag(rows: Rows, terms: int, *, rule: str, contemp_lag1: bool,
                   refit: Callable[[], RegressionResult]) -> DistLag | None:
    """A :class:`DistLag` of the first ``terms`` regressors of ``rows`` by :func:`lean_ols`
    (``None`` where the lean path does not apply).

    Distributed lag (``contemp_lag1=False``): ``lag_sum`` over terms 2.., Wald test of terms
    2.., NaN lag sum and test without lags. Lagged flows (``True``): ``lag_sum`` over terms 2..,
    Wald test of every term.
    """
    lean = lean_ols(rows.y, rows.X, rule=rule)
    if lean is None:
        return None
    pos = list(range(1, terms + 1))
    if contemp_lag1:
        wald_F, wald_p = lean_wald(lean, pos)
        lag_sum = lean_combo(lean, pos[1:], rows.start, rows.end)
    elif terms > 1:
        wald_F, wald_p = lean_wald(lean, pos[1:])
        lag_sum = lean_combo(lean, pos[1:], rows.start, rows.end)
    else:
        wald_F = wald_p = math.nan
        lag_sum = Fit(beta=0.0, se=math.nan, p=math.nan, nobs=lean.nobs)
    return DistLag(lags=terms - 1 if not contemp_lag1 else terms, coef_values=lean.params[pos],
                   coef_names=list(rows.names[:terms]), contemp=lean_fit(lean, 1, rows.start, rows.end), lag_sum=lag_sum,
                   total=lean_combo(lean, pos, rows.start, rows.end), wald_F=wald_F, wald_p=wald_p, refit=refit)


def distributed_lag_fit(data: pd.DataFrame, y: str, x: str, lags: int, *, controls: Sequence[str] = (),
                        rule: str = HAC_RULE) -> DistLag:
    """:func:`distributed_lag` on its prepared rows ``data`` (from :func:`_lag_data`).

    Fitted by :func:`econ.robust.leanols.lean_ols`; :func:`distributed_lag_fit_reference`, the
    statsmodels path taken where the lean one does not apply, reports the same floats.
    """
    rows = Rows.of(data, y, [*lag_names(x, lags), *controls])
    return _dist_lag(rows, lambda: data, y, x, lags, controls=controls, rule=rule)


def _dist_lag(rows: Rows, data: Callable[[], pd.DataFrame], y: str, x: str, lags: int, *,
              controls: Sequence[str] = (), rule: str = HAC_RULE) -> DistLag:
    """:func:`distributed_lag_fit` on ``rows``; ``data()`` gives the frame they come from (built
    only for the reference path or the statsmodels fit)."""
    names = [*lag_names(x, lags), *controls]

    def refit() -> RegressionResult:
        d = data()
        return ols_hac(d[y], d[names], rule=rule)

    out = _lean_dist_lag(rows, lags + 1, rule=rule, contemp_lag1=False, refit=refit)
    return out if out is not None else distributed_lag_fit_reference(data(), y, x, lags, controls=controls, rule=rule)


def lag_rows(frame: pd.DataFrame, y: str, x: str, lags: int, start: str | None = None,
             end: str | None = None) -> Rows:
    """The rows of ``_lag_data(frame, y, x, lags, (), start, end)`` as :class:`Rows` (the same
    values: lags are shifted copies), with their positions in ``frame``, without the frame."""
    yv, xv = _array(frame[y]), _array(frame[x])
    X = np.full((len(frame), lags + 1), np.nan)
    X[:, 0] = xv
    for j in range(1, lags + 1):
        X[j:, j] = xv[:-j]
    keep = _date_mask(frame.index, start, end) & ~np.isnan(yv) & ~np.isnan(X).any(axis=1)
    return _rows_at(frame.index, yv, X, np.flatnonzero(keep), lag_names(x, lags))


def _rows_at(index: pd.DatetimeIndex, y: np.ndarray, X: np.ndarray, at: np.ndarray, names: Sequence[str]) -> Rows:
    """:class:`Rows` of the positions ``at`` of a panel (read-only arrays)."""
    yv, Xv = y[at], X[at]
    for a in (yv, Xv, at):
        a.setflags(write=False)
    first, last = (index[at[0]], index[at[-1]]) if len(at) else (None, None)
    return Rows(yv, Xv, tuple(names), first, last, at)


def distributed_lag_fit_reference(data: pd.DataFrame, y: str, x: str, lags: int, *,
                                  controls: Sequence[str] = (), rule: str = HAC_RULE) -> DistLag:
    """:func:`distributed_lag_fit` through :func:`econ.models.ols_hac` and statsmodels' tests."""
    names = lag_names(x, lags)
    res = ols_hac(data[y], data[[*names, *controls]], rule=rule)
    model = res.model
    pos = {n: list(res.params.index).index(n) for n in names}
    k = len(res.params)

    def combo(terms: Sequence[str]) -> Fit:
        r = np.zeros(k)
        for t in terms:
            r[pos[t]] = 1.0
        tt = model.t_test(r)
        lo, hi = np.asarray(tt.conf_int(alpha=0.05)).ravel()
        return Fit(beta=float(np.squeeze(tt.effect)), se=float(np.squeeze(tt.sd)),
                   p=float(np.squeeze(tt.pvalue)), nobs=res.nobs, start=res.start, end=res.end,
                   hac_lags=res.bandwidth, desc=res.bandwidth_description, ci=(float(lo), float(hi)))

    if lags > 0:
        R = np.zeros((lags, k))
        for i, n in enumerate(names[1:]):
            R[i, pos[n]] = 1.0
        w = model.wald_test(R, use_f=True, scalar=True)
        wald_F, wald_p = float(np.squeeze(w.statistic)), float(np.squeeze(w.pvalue))
        lag_sum = combo(names[1:])
    else:
        wald_F = wald_p = math.nan
        lag_sum = Fit(beta=0.0, se=math.nan, p=math.nan, nobs=res.nobs)
    return DistLag(lags=lags, coef_values=res.params[names].to_numpy(), coef_names=names,
                   contemp=Fit.of(res, names[0]), lag_sum=lag_sum, total=combo(names), wald_F=wald_F, wald_p=wald_p,
                   refit=lambda: res)


# ----------------------------------------------------------------------------- mediation
def _block_indices(n: int, block: int, rng: np.random.Generator) -> np.ndarray:
    """Moving-block bootstrap row indices (Künsch 1989): blocks of ``block`` rows."""
    k = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=k)
    return (starts[:, None] + np.arange(block)[None, :]).ravel()[:n]


def _slopes(Y: np.ndarray, X: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(X, Y, rcond=None)[0]


@dataclasses.dataclass
class Mediation:
    """Total (``c``), direct (``c_direct``) and indirect (``a·b``) effect of x on y through m."""

    a: Fit
    b: Fit
    total: Fit
    direct: Fit
    indirect: float
    indirect_ci: tuple[float, float]
    indirect_boot_p: float
    share: float
    share_ci: tuple[float, float]
    sobel_se: float
    block: int
    reps: int


def mediation(frame: pd.DataFrame, y: str, x: str, m: str, *, rule: str = HAC_RULE,
              reps: int = BOOT_REPS, seed: int = SEED) -> Mediation:
    """Product-of-coefficients mediation with HAC inference and a moving-block bootstrap.

    ``a``: m on x; ``b`` and the direct effect: y on x and m; total: y on x (all with a
    constant, one common sample). In OLS ``total − direct = a·b`` exactly. The bootstrap
    resamples rows in moving blocks of ``round(T^(1/3))`` periods (kept serial dependence),
    refits the three regressions and reports percentile 95% intervals of ``a·b`` and of
    the share ``a·b / total``; ``indirect_boot_p`` is twice the smaller tail share of
    bootstrap draws on either side of zero.
    """
    d = frame[[y, x, m]].dropna()
    a, b = hac_fit(d[m], d[[x]], x, rule=rule), hac_fit(d[y], d[[x, m]], m, rule=rule)
    total, direct = hac_fit(d[y], d[[x]], x, rule=rule), hac_fit(d[y], d[[x, m]], x, rule=rule)
    indirect = a.beta * b.beta
    share = indirect / total.beta if total.beta != 0 else math.nan

    n = len(d)
    block = max(2, round(n ** (1 / 3)))
    rng = np.random.default_rng(seed)
    Y, Xv, Mv = d[y].to_numpy(), d[x].to_numpy(), d[m].to_numpy()
    one = np.ones(n)
    draws_ab, draws_share = np.empty(reps), np.empty(reps)
    for r in range(reps):
        i = _block_indices(n, block, rng)
        Xa = np.column_stack([one, Xv[i]])
        a_r = _slopes(Mv[i], Xa)[1]
        b_r = _slopes(Y[i], np.column_stack([one, Xv[i], Mv[i]]))[2]
        c_r = _slopes(Y[i], Xa)[1]
        draws_ab[r] = a_r * b_r
        draws_share[r] = a_r * b_r / c_r if c_r != 0 else np.nan
    lo, hi = np.percentile(draws_ab, [2.5, 97.5])
    slo, shi = np.nanpercentile(draws_share, [2.5, 97.5])
    tail = min((draws_ab <= 0).mean(), (draws_ab >= 0).mean())
    sobel = math.sqrt(a.beta ** 2 * b.se ** 2 + b.beta ** 2 * a.se ** 2)
    return Mediation(a=a, b=b, total=total, direct=direct, indirect=indirect, indirect_ci=(float(lo), float(hi)),
                     indirect_boot_p=float(min(1.0, 2 * tail)), share=share, share_ci=(float(slo), float(shi)),
                     sobel_se=sobel, block=block, reps=reps)


# ----------------------------------------------------------------------------- relations
def c5_frame(loader: DataLoader, proxy: Proxy, freq: str, rate: str,
             agg: str = HEADLINE_RATE_AGG) -> pd.DataFrame:
    """Trading periods with ``dy`` (Δ 100·log ratio) and ``drate`` (Δ rate, pp).

    ``agg``: ``"end"`` the rate's close on the period's last trading day, ``"mean"`` the
    period mean of daily closes (:data:`RATE_AGG`).
    """
    return _frame_memo(loader, ("c5_frame", proxy, freq, rate, agg), [proxy.small, proxy.large, RATES[rate]],
                       lambda: _c5_frame_build(loader, proxy, freq, rate, agg))


def _c5_frame_build(loader: DataLoader, proxy: Proxy, freq: str, rate: str, agg: str) -> pd.DataFrame:
    f = style_frame(loader, proxy, freq, {"rate": RATES[rate]}, agg={"rate": RATE_AGG[agg]})
    f = f.dropna(subset=["rate"])
    f["dy"] = f["y"].diff()
    f["drate"] = f["rate"].diff()
    return f


def c5_fit(loader: DataLoader, proxy: Proxy, freq: str = "W", rate: str = HEADLINE_RATE,
           sample: str = C5_HEADLINE_SAMPLE, lags: str = "short", rule: str = HAC_RULE,
           agg: str = HEADLINE_RATE_AGG) -> DistLag:
    """C5: Δ log ratio on ΔDR007 (or SHIBOR 1W), contemporaneous plus lags."""
    L = LAGS[freq][lags]
    return _dist_lag(c5_rows(loader, proxy, freq, rate, agg, L, sample),
                     lambda: c5_lag_data(loader, proxy, freq, rate, agg, L, sample), "dy", "drate", L, rule=rule)


def c5_rows(loader: DataLoader, proxy: Proxy, freq: str, rate: str, agg: str, lags: int, sample: str) -> Rows:
    """:func:`c5_lag_data` as :class:`Rows` (memoised; positions in :func:`c5_frame`)."""
    ids = [proxy.small, proxy.large, RATES[rate]]

    def build() -> Rows:
        f = _memoised(loader, ("c5_frame", proxy, freq, rate, agg), ids, lambda: _c5_frame_build(loader, proxy, freq,
                                                                                               rate, agg))
        return lag_rows(f, "dy", "drate", lags, *C5_SAMPLES[sample])

    return _memoised(loader, ("c5_rows", proxy, freq, rate, agg, lags, sample), ids, build)


def _c5_lag_key(proxy: Proxy, freq: str, rate: str, agg: str, lags: int, sample: str) -> tuple[Any, ...]:
    return ("c5_lag_data", proxy, freq, rate, agg, lags, sample)


def _c5_lag_build(loader: DataLoader, proxy: Proxy, freq: str, rate: str, agg: str, lags: int,
                  sample: str) -> pd.DataFrame:
    return _lag_data(c5_frame(loader, proxy, freq, rate, agg), "dy", "drate", lags, (), *C5_SAMPLES[sample])


def c5_lag_data(loader: DataLoader, proxy: Proxy, freq: str, rate: str, agg: str, lags: int,
                sample: str) -> pd.DataFrame:
    """The rows of :func:`c5_fit`: ``dy``, ``drate`` and its ``lags`` lags over ``sample`` (memoised)."""
    return _frame_memo(loader, _c5_lag_key(proxy, freq, rate, agg, lags, sample),
                       [proxy.small, proxy.large, RATES[rate]],
                       lambda: _c5_lag_build(loader, proxy, freq, rate, agg, lags, sample))


def flow_frame(loader: DataLoader, proxy: Proxy, freq: str, how: str = HEADLINE_FLOW) -> pd.DataFrame:
    """Trading periods over the northbound span with ``dy``, ``flow``, ``us``/``dus``.

    The panel mixes China- and US-clock series, so ``build_panel`` reads it on the Shanghai
    clock: ``dus`` is the change through the last US close before the period's China close.
    """
    return _frame_memo(loader, ("flow_frame", proxy, freq, how), _a3_ids(proxy),
                       lambda: _flow_frame_build(loader, proxy, freq, how))


def _flow_frame_build(loader: DataLoader, proxy: Proxy, freq: str, how: str) -> pd.DataFrame:
    f = style_frame(loader, proxy, freq, {"nb": NORTHBOUND, "to": TURNOVER, "us": US10Y})
    f = cut(f, NB_START, NB_END)
    f["flow"] = flow_transform(f, how, freq)
    f["dy"] = f["y"].diff()
    f["dus"] = f["us"].diff()
    return f


def flow_lag_names(lags: int) -> tuple[list[str], list[str]]:
    """Names of the lagged flows ``flow_l1..flow_lL`` and lagged ratio changes ``dy_l1..dy_lL``."""
    return [f"flow_l{j}" for j in range(1, lags + 1)], [f"dy_l{j}" for j in range(1, lags + 1)]


def a3_flow_data(loader: DataLoader, proxy: Proxy, freq: str, how: str, sample: str) -> pd.DataFrame:
    """The rows of :func:`a3_flow_fit`: ``dy``, lags 1..L of ``flow`` and of ``dy``, complete.

    The frame is cut to the sample before the lags are built, so every flow a row uses lies in
    the sample (in the headline sample: every flow is measured as net buying).
    """
    return _frame_memo(loader, ("a3_flow_data", proxy, freq, how, sample), _a3_ids(proxy),
                       lambda: _a3_flow_build(loader, proxy, freq, how, sample))


def _a3_ids(proxy: Proxy) -> list[str]:
    return [proxy.small, proxy.large, NORTHBOUND, TURNOVER, US10Y]


def _a3_flow_build(loader: DataLoader, proxy: Proxy, freq: str, how: str, sample: str) -> pd.DataFrame:
    return lagged_flow_data(cut(flow_frame(loader, proxy, freq, how), *A3_SAMPLES[sample]), LAGS[freq]["short"])


def lagged_flow_data(frame: pd.DataFrame, lags: int) -> pd.DataFrame:
    """``dy`` with lags 1..``lags`` of ``flow`` and of ``dy`` from ``frame``'s consecutive rows, complete."""
    fl, yl = flow_lag_names(lags)
    cols = {"dy": frame["dy"]}
    cols.update({n: frame["flow"].shift(j) for j, n in enumerate(fl, start=1)})
    cols.update({n: frame["dy"].shift(j) for j, n in enumerate(yl, start=1)})
    return pd.DataFrame(cols).dropna()


def lagged_flow_fit(data: pd.DataFrame, rule: str = HAC_RULE) -> DistLag:
    """Δy on lags 1..L of the flow and of Δy (HAC); ``total`` is the flow-lag sum.

    ``contemp`` is the first lag's coefficient, ``lag_sum`` the sum over lags 2..L and
    ``wald_F``/``wald_p`` the HAC Wald test that all L flow lags are zero. Fitted by
    :func:`econ.robust.leanols.lean_ols` (:func:`lagged_flow_fit_reference`: statsmodels, the
    same floats, and the path taken where the lean one does not apply).
    """
    fl = [c for c in data.columns if c.startswith("flow_l")]
    yl = [c for c in data.columns if c.startswith("dy_l")]
    return _lagged_flow(Rows.of(data, "dy", [*fl, *yl]), lambda: data, rule)


def _lagged_flow(rows: Rows, data: Callable[[], pd.DataFrame], rule: str) -> DistLag:
    """:func:`lagged_flow_fit` on ``rows`` (regressors: the flow lags, then the Δy lags);
    ``data()`` gives their frame (built only for the reference path or the statsmodels fit)."""
    terms = sum(n.startswith("flow_l") for n in rows.names)

    def refit() -> RegressionResult:
        d = data()
        return ols_hac(d["dy"], d[list(rows.names)], rule=rule)

    out = _lean_dist_lag(rows, terms, rule=rule, contemp_lag1=True, refit=refit)
    return out if out is not None else lagged_flow_fit_reference(data(), rule)


def lagged_flow_fit_reference(data: pd.DataFrame, rule: str = HAC_RULE) -> DistLag:
    """:func:`lagged_flow_fit` through :func:`econ.models.ols_hac` and statsmodels' tests."""
    fl = [c for c in data.columns if c.startswith("flow_l")]
    yl = [c for c in data.columns if c.startswith("dy_l")]
    res = ols_hac(data["dy"], data[[*fl, *yl]], rule=rule)
    model, names = res.model, list(res.params.index)
    k = len(names)

    def combo(terms: Sequence[str]) -> Fit:
        r = np.zeros(k)
        for t in terms:
            r[names.index(t)] = 1.0
        tt = model.t_test(r)
        lo, hi = np.asarray(tt.conf_int(alpha=0.05)).ravel()
        return Fit(beta=float(np.squeeze(tt.effect)), se=float(np.squeeze(tt.sd)),
                   p=float(np.squeeze(tt.pvalue)), nobs=res.nobs, start=res.start, end=res.end,
                   hac_lags=res.bandwidth, desc=res.bandwidth_description, ci=(float(lo), float(hi)))

    R = np.zeros((len(fl), k))
    for i, n in enumerate(fl):
        R[i, names.index(n)] = 1.0
    w = model.wald_test(R, use_f=True, scalar=True)
    return DistLag(lags=len(fl), coef_values=res.params[fl].to_numpy(), coef_names=fl, contemp=Fit.of(res, fl[0]),
                   lag_sum=combo(fl[1:]), total=combo(fl), wald_F=float(np.squeeze(w.statistic)),
                   wald_p=float(np.squeeze(w.pvalue)), refit=lambda: res)


def a3_flow_fit(loader: DataLoader, proxy: Proxy, freq: str = "W", how: str = HEADLINE_FLOW,
                sample: str = A3_HEADLINE_SAMPLE, rule: str = HAC_RULE) -> DistLag:
    """A3 link flow → ratio: Δ log ratio on the flows of the previous L periods (L = 4 weeks or
    3 months), controlling for L lags of Δ log ratio; the part is the sum of the flow lags."""
    rows = a3_rows(loader, proxy, freq, how, sample)
    return _lagged_flow(rows, lambda: a3_flow_data(loader, proxy, freq, how, sample), rule)


def a3_rows(loader: DataLoader, proxy: Proxy, freq: str, how: str, sample: str) -> Rows:
    """:func:`a3_flow_data` as :class:`Rows` (memoised; positions in :func:`flow_frame`)."""
    def build() -> Rows:
        f = _memoised(loader, ("flow_frame", proxy, freq, how), _a3_ids(proxy),
                      lambda: _flow_frame_build(loader, proxy, freq, how))
        return lagged_flow_rows(f, LAGS[freq]["short"], *A3_SAMPLES[sample])

    return _memoised(loader, ("a3_rows", proxy, freq, how, sample), _a3_ids(proxy), build)


def lagged_flow_rows(frame: pd.DataFrame, lags: int, start: str | None = None, end: str | None = None) -> Rows:
    """The rows of ``lagged_flow_data(cut(frame, start, end), lags)`` as :class:`Rows` (the same
    values), with their positions in ``frame``, without the frame."""
    at0 = np.flatnonzero(_date_mask(frame.index, start, end))
    dy, flow = _array(frame["dy"])[at0], _array(frame["flow"])[at0]
    X = np.full((len(at0), 2 * lags), np.nan)
    for j in range(1, lags + 1):
        X[j:, j - 1] = flow[:-j]
        X[j:, lags + j - 1] = dy[:-j]
    keep = ~np.isnan(dy) & ~np.isnan(X).any(axis=1)
    fl, yl = flow_lag_names(lags)
    out = _rows_at(frame.index[at0], dy, X, np.flatnonzero(keep), [*fl, *yl])
    at = at0[out.at]
    at.setflags(write=False)
    return dataclasses.replace(out, at=at)


def a3_links(loader: DataLoader, proxy: Proxy, freq: str = "W", sample: str = A3_HEADLINE_SAMPLE,
             rule: str = HAC_RULE) -> dict[str, Fit]:
    """A3's links on one sample: (a) flow on ΔUS10Y, (b) Δy on lagged flows (sum), (c) Δy on ΔUS10Y,
    and the same-week co-movement (b0) of Δy and the flow given ΔUS10Y (descriptive)."""
    f = cut(flow_frame(loader, proxy, freq), *A3_SAMPLES[sample])
    d = f[["dy", "flow", "dus"]].dropna()
    return {"a": hac_fit(d["flow"], d[["dus"]], "dus", rule=rule),
            "b": a3_flow_fit(loader, proxy, freq, HEADLINE_FLOW, sample, rule).total,
            "b0": hac_fit(d["dy"], d[["flow", "dus"]], "flow", rule=rule),
            "c": hac_fit(d["dy"], d[["dus"]], "dus", rule=rule)}


def a3_levels(loader: DataLoader, proxy: Proxy, freq: str, sample: str) -> LevelsVsDifferences:
    """Levels check of A3: 100·log ratio on cumulated flows (CNY 100bn) and the US 10Y level."""
    key = ("a3_levels", proxy.label, freq, sample)
    memo = _memo(loader)
    if key not in memo:
        memo[key] = levels_vs_differences("y", ["flow", "us"], a3_levels_data(loader, proxy, freq, sample))
    else:
        _touch(loader, [proxy.small, proxy.large, NORTHBOUND, TURNOVER, US10Y])
    return memo[key]


def a3_levels_data(loader: DataLoader, proxy: Proxy, freq: str, sample: str) -> pd.DataFrame:
    """The rows of :func:`a3_levels`: ``y``, cumulated ``flow`` (CNY 100bn) and ``us``, complete."""
    return cut(flow_frame(loader, proxy, freq, "cumulated"), *A3_SAMPLES[sample])[["y", "flow", "us"]].dropna()


def northbound_definition_evidence(loader: DataLoader) -> pd.DataFrame:
    """Share of daily Shanghai Connect values that are whole CNY millions, by period and weekday.

    The exchanges published quota use ("资金流入") in whole millions; net buying computed from
    buy and sell turnover carries cents. Periods: to 2016-12-02, 2016-12-05 to 2018-05-11 (the
    Shenzhen Connect launch to the last whole-million Friday), from 2018-05-14. Under net buying
    the share is small (a value that happens to end in .00).
    """
    sh = loader.series(NORTHBOUND_SH).dropna()
    whole = pd.Series(np.isclose(sh.to_numpy(), np.round(sh.to_numpy()), atol=1e-9), index=sh.index)
    periods = {"2014-11-17 – 2016-12-02": ("2014-11-17", "2016-12-02"),
               "2016-12-05 – 2018-05-11": ("2016-12-05", "2018-05-11"),
               "2018-05-14 – 2023-12-29": ("2018-05-14", "2023-12-31")}
    rows = []
    for label, (a, b) in periods.items():
        w = whole.loc[a:b]
        fri = w.index.day_of_week == 4
        rows.append({"Period": label, "Days": len(w), "Whole millions, Mon–Thu": float(w[~fri].mean()),
                     "Whole millions, Fri": float(w[fri].mean())})
    return pd.DataFrame(rows).set_index("Period")


def fed_frame(loader: DataLoader, freq: str) -> pd.DataFrame:
    """C7: Russell 2000 / S&P 500 with the Fed's total assets; ``x = 100·log assets``.

    Every series is on the US clock (no re-dating); WALCL enters when it is published.
    """
    def build() -> pd.DataFrame:
        f = style_frame(loader, Proxy("Russell 2000 / S&P 500", RUSSELL, SP500), freq, {"fed": FED_ASSETS})
        f = f.dropna(subset=["fed"])
        f["x"] = 100.0 * np.log(f["fed"])
        f["dy"] = f["y"].diff()
        f["dx"] = f["x"].diff()
        return f

    return _frame_memo(loader, ("fed_frame", freq), [RUSSELL, SP500, FED_ASSETS], build)


def c7_levels(loader: DataLoader, freq: str, sample: str) -> LevelsVsDifferences:
    key = ("c7_levels", freq, sample)
    memo = _memo(loader)
    if key not in memo:
        memo[key] = levels_vs_differences("y", "x", c7_levels_data(loader, freq, sample))
    else:
        _touch(loader, [RUSSELL, SP500, FED_ASSETS])
    return memo[key]


def c7_levels_data(loader: DataLoader, freq: str, sample: str) -> pd.DataFrame:
    """The rows of :func:`c7_levels`: ``y`` and ``x = 100·log`` Fed assets, complete."""
    return cut(fed_frame(loader, freq), *C7_SAMPLES[sample])[["y", "x"]].dropna()


def c7_fit(loader: DataLoader, freq: str = "M", sample: str = "full", lags: str = "none",
           rule: str = HAC_RULE) -> DistLag:
    """C7, same-period distributed lag (the pre-issue-11 design, kept as a robustness row)."""
    start, end = C7_SAMPLES[sample]
    return distributed_lag(fed_frame(loader, freq), "dy", "dx", LAGS[freq][lags], rule=rule, start=start, end=end)


def predictive_data(frame: pd.DataFrame, x: str, y: str, horizon: int, start: str | None,
                    end: str | None) -> pd.DataFrame:
    """Rows of a predictive regression at ``horizon`` h on ``frame``'s periods.

    ``g``: growth of ``x`` over the past h periods (``x_t − x_{t−h}``, known at t); ``r``: the
    next period's change of ``y`` (``y_{t+1} − y_t``), the one-period outcome Hodrick's errors
    need; ``Y``: the change over the next h periods (``y_{t+h} − y_t``, the overlapping sum of
    ``r``). Rows: ``start <= t`` and ``t+1 <= end``, so every outcome lies in the sample; ``Y``
    is missing for the last h−1 rows (their outcomes run past ``end``).
    """
    g = frame[x] - frame[x].shift(horizon)
    r = frame[y].shift(-1) - frame[y]
    out_date = pd.Series(frame.index, index=frame.index).shift(-1)
    d = pd.DataFrame({"g": g, "r": r, "out": out_date})
    keep = d["out"].notna()
    if start is not None:
        keep &= d.index >= pd.Timestamp(start)
    if end is not None:
        keep &= d["out"] <= pd.Timestamp(end)
    d = d.loc[keep, ["g", "r"]].dropna()
    d["Y"] = overlapping_sum(d["r"], horizon)
    return d


def c7_predictive_data(loader: DataLoader, freq: str, sample: str, horizon: str) -> pd.DataFrame:
    h = C7_HORIZONS[freq][horizon]
    start, end = C7_SAMPLES[sample]
    return _frame_memo(loader, ("c7_predictive_data", freq, sample, horizon), [RUSSELL, SP500, FED_ASSETS],
                       lambda: predictive_data(fed_frame(loader, freq), "x", "y", h, start, end))


def predictive_fit(d: pd.DataFrame, horizon: int, errors: str = "hodrick", rule: str = HAC_RULE,
                   rows: Rows | None = None) -> Fit:
    """OLS of ``Y`` (h-period change) on past growth ``g``: Hodrick (1992) 1B errors, or
    Newey–West with at least h−1 lags (``errors="hac"``).

    Fitted by :func:`econ.robust.leanols.lean_ols` on ``rows`` (:func:`predictive_rows`;
    default: built from ``d``); :func:`predictive_fit_reference` (through
    :func:`econ.models.ols_hac`, the same floats) where the lean path does not apply.
    """
    rows = predictive_rows(d, horizon) if rows is None else rows
    lean = None
    if rows.start is not None:
        n = len(rows.y)
        g, r = rows.X[:, 0], rows.X[:, 1]
        if errors == "hodrick":
            lean = lean_ols(rows.y, g, cov="hodrick", horizon=horizon, one_period=r)
        else:
            lean = lean_ols(rows.y, g[:n], rule=rule, horizon=horizon)
    if lean is None:
        return predictive_fit_reference(d, horizon, errors, rule)
    return lean_fit(lean, 1, rows.start, rows.end, horizon=horizon)


def predictive_rows(d: pd.DataFrame, horizon: int) -> Rows:
    """:func:`predictive_data`'s rows as :class:`Rows`: ``y`` the ``Y`` of the rows with a
    complete forward sum (the first ``len(d) − h + 1``), ``X`` the columns ``g`` and ``r`` of
    every row, ``end`` the last regression row. ``start`` is ``None`` unless ``Y`` is exactly
    that (complete, the forward sum of ``r``): then only :func:`predictive_fit_reference` applies.
    """
    Y, X = _array(d["Y"]), _array(d[["g", "r"]])
    n = len(d) - horizon + 1
    csum = np.concatenate([[0.0], np.cumsum(X[:, 1])])
    lean = (n > 0 and np.isfinite(Y[:n]).all() and not np.isfinite(Y[n:]).any() and np.isfinite(X).all()
            and np.allclose(Y[:n], csum[horizon:] - csum[:-horizon], rtol=1e-8, atol=1e-10))
    if not lean:
        return Rows(Y, X, ("g", "r"), None, None)
    y = Y[:n]
    for a in (y, X):
        a.setflags(write=False)
    return Rows(y, X, ("g", "r"), d.index[0], d.index[n - 1])


def predictive_fit_reference(d: pd.DataFrame, horizon: int, errors: str = "hodrick", rule: str = HAC_RULE) -> Fit:
    """:func:`predictive_fit` through :func:`econ.models.ols_hac`."""
    if errors == "hodrick":
        res = ols_hac(d["Y"], d[["g"]], cov="hodrick", horizon=horizon, one_period=d["r"])
    else:
        res = ols_hac(d["Y"].dropna(), d.loc[d["Y"].notna(), ["g"]], cov="hac", rule=rule, horizon=horizon)
    return Fit.of(res, "g", horizon=horizon)


def c7_predictive_fit(loader: DataLoader, freq: str = "M", sample: str = "full",
                      horizon: str = C7_HEADLINE_HORIZON, errors: str = "hodrick") -> Fit:
    """C7: past h-period Fed-asset growth → the ratio's change over the next h periods."""
    h = C7_HORIZONS[freq][horizon]
    start, end = C7_SAMPLES[sample]
    key = ("c7_predictive_data", freq, sample, horizon)
    ids = [RUSSELL, SP500, FED_ASSETS]

    def rows() -> tuple[pd.DataFrame, Rows]:
        d = _memoised(loader, key, ids, lambda: predictive_data(fed_frame(loader, freq), "x", "y", h, start, end))
        return d, predictive_rows(d, h)

    d, r = _memoised(loader, (*key, "rows"), ids, rows)
    return predictive_fit(d, h, errors, rows=r)


def c7_episode_fit(loader: DataLoader, start: str, end: str, horizon: int = C7_EPISODE_HORIZON,
                   errors: str = "hodrick") -> Fit:
    """The predictive regression inside an episode, weekly, at ``horizon`` weeks."""
    return predictive_fit(predictive_data(fed_frame(loader, "W"), "x", "y", horizon, start, end), horizon, errors)


# ----------------------------------------------------------------------------- grids
_PROXY_LABELS = [p.label for p in PROXIES]

#: C5 — β_0 of Δ log ratio on Δ short rate; 5 proxies × 2 frequencies × 3 rate measures
#: (DR007 period-end, DR007 period mean, SHIBOR 1W period-end) × 4 samples × 2 lag lengths =
#: 240 specifications, Newey–West 1994 bandwidth throughout.
C5_RATE_MEASURES: dict[str, tuple[str, str]] = {
    "DR007": ("DR007", "end"), "DR007 mean": ("DR007", "mean"), "SHIBOR 1W": ("SHIBOR 1W", "end")}
GRID = Grid({
    "relation": ["C5"],
    "proxy": _PROXY_LABELS,
    "freq": ["W", "M"],
    "rate": list(C5_RATE_MEASURES),
    "sample": ["2015–", "2007–", "2015–2020", "2021–"],
    "hac": ["nw1994"],
    "lags": ["short", "none"],
})
GRID_HEADLINE = declared.headline("C5.direction")


#: A3 link flow → ratio — the sum of the lagged-flow coefficients (lags 1..L, with L lags of
#: Δ log ratio); 5 proxies × 2 frequencies × 3 flow scalings × 4 samples × 2 HAC rules = 240.
#: (Cumulated flows in levels have no lagged-flow analogue; they stay in the levels table.)
GRID_FLOWS = Grid({
    "relation": ["A3"],
    "proxy": _PROXY_LABELS,
    "freq": ["W", "M"],
    "flow": [t for t in FLOW_TRANSFORMS if t != "cumulated"],
    "sample": list(A3_SAMPLES),
    "hac": ["nw1994", "andrews"],
})
GRID_FLOWS_HEADLINE = declared.headline("A3.flow_to_ratio")


#: C7 — past h-period Fed-asset growth → next h-period change of Russell 2000 / S&P 500;
#: 2 frequencies × 4 samples × 3 horizons × 2 error types = 48 specifications.
GRID_FED = Grid({
    "relation": ["C7"],
    "freq": ["M", "W"],
    "sample": list(C7_SAMPLES),
    "horizon": list(C7_HORIZONS["M"]),
    "errors": ["hodrick", "hac"],
})
GRID_FED_HEADLINE = declared.headline("C7.direction")


def estimate(spec: Spec, loader: DataLoader,
             null: NullDraws | None = None) -> SpecEstimate | list[SpecEstimate]:
    """One specification of :data:`GRID`, :data:`GRID_FLOWS` or :data:`GRID_FED`.

    Returns the coefficient the claim is about: C5 β_0 of ΔDR007/SHIBOR (claimed < 0);
    A3 the sum of the lagged northbound-flow coefficients (claimed < 0); C7 the slope of the
    next-h-period ratio change on past h-period Fed-asset growth (claimed > 0).

    With ``null`` (the joint-test hook of ``econ.robust.run_grid``) it returns one estimate
    per null draw: draw ``k`` shifts the claim's driver by the fraction
    ``null.uniform(k, *NULL_SHIFT)`` of its history in the spec's panel, then cuts the spec's
    sample (see :class:`NullDesign`).
    """
    if null is not None:
        return null_design(spec, loader).fit_many(null_fractions(null))
    relation = spec["relation"]
    if relation == "C5":
        rate, agg = C5_RATE_MEASURES[spec["rate"]]
        dl = c5_fit(loader, proxy_by_label(spec["proxy"]), spec["freq"], rate, spec["sample"],
                    spec["lags"], spec["hac"], agg)
        return dl.contemp.to_spec_estimate(lag_wald_p=dl.wald_p)
    if relation == "A3":
        dl = a3_flow_fit(loader, proxy_by_label(spec["proxy"]), spec["freq"], spec["flow"], spec["sample"],
                         spec["hac"])
        return dl.total.to_spec_estimate(flow_lags_wald_p=dl.wald_p)
    if relation == "C7":
        return c7_predictive_fit(loader, spec["freq"], spec["sample"], spec["horizon"],
                                 spec["errors"]).to_spec_estimate()
    raise ValueError(f"unknown relation {relation!r}")


# ----------------------------------------------------------------------------- null draws
@functools.lru_cache(maxsize=8)
def null_fractions(null: NullDraws) -> tuple[float, ...]:
    """The shift fraction ``null.uniform(k, *NULL_SHIFT)`` of every draw ``k`` (the same in every
    spec of a grid, so drawn once per ``null``)."""
    return tuple(null.uniform(k, *NULL_SHIFT) for k in null)


def hac_sum(y: np.ndarray, x: np.ndarray, *, rule: str = HAC_RULE, terms: int | None = None,
            ) -> tuple[float, float, float, int]:
    """OLS of ``y`` on a constant and ``x`` with Newey–West errors: inference on a slope sum.

    The sum of the first ``terms`` slopes (default all) with the covariance
    :func:`econ.robust.fastols.slope_hac` uses (Bartlett kernel, bandwidth from the
    regressor-by-residual scores, ``T/(T-k)`` correction, Student-t with ``T - k`` df): what
    :func:`distributed_lag` reports as ``total`` through statsmodels' ``t_test``, in numpy.
    (Re-parametrising so that the sum becomes one coefficient would change the scores the
    Andrews rule sees, hence this function.) Returns ``(sum, se, pvalue, nobs)``.
    """
    beta, V, n, k = ols_hac_cov(y, x, rule=rule)
    r = np.zeros(k)
    r[1:1 + (k - 1 if terms is None else terms)] = 1.0
    b, se = float(r @ beta), float(np.sqrt(r @ V @ r))
    p = float(2 * special.stdtr(n - k, -abs(b / se))) if se > 0 else math.nan
    return b, se, p, n


_MONTH_DAYS = 365.25 / 12


@dataclasses.dataclass
class Underlying:
    """A series the null worlds rotate, on its own calendar (all periods of its panel).

    ``kind="level"``: its increments between defined values are rotated and re-cumulated
    from the first value (a rate, log Fed assets); ``"flow"``: its defined values are
    rotated (northbound buying, turnover). Undefined periods stay undefined.
    """

    dates: pd.DatetimeIndex
    values: np.ndarray
    kind: str = "level"

    def __post_init__(self) -> None:
        self.values = np.asarray(self.values, dtype=float)
        self._valid = np.flatnonzero(np.isfinite(self.values))
        v = self.values[self._valid]
        self._rotated = np.diff(v) if self.kind == "level" else v
        self._worlds: dict[tuple[int, ...], np.ndarray] = {}

    def worlds(self, shifts: Sequence[int]) -> np.ndarray:
        """The series rotated by each of ``shifts`` periods, ``(len(shifts), len(dates))``.

        Row ``b`` equals :func:`econ.robust.curve.circular_shift` of what is rotated by the
        fraction ``shifts[b] / m`` (``m`` rotated values). Read-only: every specification of
        a grid asks for the same shifts, so the last few answers are kept.
        """
        key = tuple(int(k) for k in shifts)
        if key not in self._worlds:
            if len(self._worlds) >= 4:
                self._worlds.clear()
            out = self._rotate(key)
            out.setflags(write=False)
            self._worlds[key] = out
        return self._worlds[key]

    def _rotate(self, shifts: Sequence[int]) -> np.ndarray:
        m = len(self._rotated)
        s = np.asarray(shifts, dtype=int)[:, None]
        rolled = self._rotated[(np.arange(m)[None, :] - s) % max(m, 1)]
        if self.kind == "level":
            first = self.values[self._valid[0]]
            rolled = first + np.concatenate([np.zeros((len(s), 1)), np.cumsum(rolled, axis=1)], axis=1)
        out = np.full((len(s), len(self.values)), np.nan)
        out[:, self._valid] = rolled
        return out

    @property
    def span_months(self) -> float:
        """Calendar length of the defined history, in months."""
        first, last = self.dates[self._valid[0]], self.dates[self._valid[-1]]
        return (last - first).days / _MONTH_DAYS


def null_shift(u: float, span_months: float, freq: str) -> int:
    """Periods a null world rotates the drivers by: ``round(u · span)`` months (weeks: the same
    calendar time), so weekly and monthly specifications see the same world."""
    months = int(round(float(u) * span_months))
    return months if freq == "M" else int(round(months * _MONTH_DAYS / 7))


@dataclasses.dataclass
class NullDesign:
    """One specification's regression rows, ready to be re-fitted in null worlds.

    The regression is ``y`` on a constant, ``x_t, …, x_{t−lags}`` and ``controls``, where
    ``x`` is the claim's driver built from ``underlying`` series (C5 the rate level, C7 log
    Fed assets, A3 northbound buying and turnover). A null world rotates every underlying
    series over its own whole history by the same calendar shift — ``null_shift(u, span)``
    periods, ``span`` the calendar length of the claim's primary series (``span_of``) — then
    rebuilds the driver on the spec's panel rows (``frame_dates``) as the spec builds it from
    the data: ``how="diff"`` the change between consecutive rows, ``"level"`` the level, or a
    northbound flow transform (:func:`flow_transform`). Every specification of the grid — any
    sample, frequency, proxy, rate or flow scaling — is thus cut from one world per draw;
    shifting each spec's own sample instead would give nested samples different worlds and
    over-reject (tested). ``rows`` are the positions of the estimation rows among the
    panel's rows; ``y`` and ``controls`` stay as observed. ``target``: ``"first"`` (the
    coefficient of ``x_t``) or ``"sum"`` (``β_0 + … + β_lags``). ``first_lag``: the first lag
    of ``x`` in the regression (1: only past values, as in A3's lagged-flow design).

    ``coint_alpha``: the levels regression was admitted because its I(1) variables are
    cointegrated; a null world must pass the same Engle–Granger test at this level, or the
    draw fails (re-fitting a spurious regression would give the null curve t-statistics of
    10 and more).
    """

    y: np.ndarray
    rows: np.ndarray
    frame_dates: pd.DatetimeIndex
    underlying: dict[str, Underlying]
    span_of: str
    freq: str
    how: str = "diff"
    lags: int = 0
    controls: np.ndarray | None = None
    rule: str = HAC_RULE
    target: str = "first"
    coint_alpha: float | None = None
    first_lag: int = 0
    paths_memo: dict[Any, np.ndarray] | None = dataclasses.field(default=None, repr=False, compare=False)
    paths_key: tuple[Any, ...] = ()

    @functools.cached_property
    def _at(self) -> dict[str, np.ndarray]:
        """Where each panel row sits in each underlying series (-1: absent); needed only when
        :meth:`drivers` misses its memo, so found then."""
        return {k: u.dates.get_indexer(self.frame_dates) for k, u in self.underlying.items()}

    def shifts(self, us: Sequence[float]) -> list[int]:
        span = self.underlying[self.span_of].span_months
        return [null_shift(u, span, self.freq) for u in us]

    def drivers(self, us: Sequence[float]) -> np.ndarray:
        """The driver on the panel's rows in each null world, ``(len(us), len(frame_dates))``.

        With ``paths_memo``, kept there (read-only) under ``paths_key``: the specifications of a
        grid that share a panel and a driver (every sample, lag length and HAC rule of one
        proxy, frequency and measure) share these paths. ``paths_key`` must name everything
        the paths depend on besides ``how`` and ``us`` (the panel and the underlying series).
        """
        if self.paths_memo is None:
            return self._drivers(us)
        key = ("drivers", *self.paths_key, self.how, tuple(us))
        out = self.paths_memo.get(key)
        if out is None:
            if len(self.paths_memo) >= 4:   # grids run spec by spec: neighbours share paths
                self.paths_memo.clear()
            out = self.paths_memo[key] = self._drivers(us)
            out.setflags(write=False)
        return out

    def _drivers(self, us: Sequence[float]) -> np.ndarray:
        s = self.shifts(us)
        paths = {}
        for k, u in self.underlying.items():
            at = self._at[k]
            paths[k] = np.where(at >= 0, u.worlds(s)[:, np.maximum(at, 0)], np.nan)
        if self.how == "level":
            return paths["x"]
        if self.how == "diff":
            x = paths["x"]
            return np.concatenate([np.full((len(s), 1), np.nan), np.diff(x, axis=1)], axis=1)
        cols = pd.RangeIndex(len(s))
        frame = {"nb": pd.DataFrame(paths["nb"].T, columns=cols)}
        if "to" in paths:
            frame["to"] = pd.DataFrame(paths["to"].T, columns=cols)
        return flow_transform(frame, self.how, self.freq).to_numpy(dtype=float).T

    def _design(self, x: np.ndarray) -> np.ndarray:
        """Regressors from driver paths ``x`` ``(B, T)``: lags first, then controls, ``(B, n, p)``."""
        X = np.stack([x[:, self.rows - j] for j in range(self.first_lag, self.lags + 1)], axis=-1)
        if self.controls is not None:
            ctrl = self.controls.reshape(len(self.y), -1)
            X = np.concatenate([X, np.broadcast_to(ctrl, (len(x), *ctrl.shape))], axis=-1)
        return X

    def _design_const(self, x: np.ndarray) -> np.ndarray:
        """A constant, then :meth:`_design`'s regressors, filled into one array ``(B, n, 1 + p)``
        (the values and layout ``np.concatenate([ones, _design(x)], axis=2)`` gives)."""
        terms = np.arange(self.first_lag, self.lags + 1)
        ctrl = None if self.controls is None else self.controls.reshape(len(self.y), -1)
        Z = np.empty((len(x), len(self.y), 1 + len(terms) + (0 if ctrl is None else ctrl.shape[1])))
        Z[:, :, 0] = 1.0
        Z[:, :, 1:1 + len(terms)] = np.take(x, self.rows[:, None] - terms[None, :], axis=1)
        if ctrl is not None:
            Z[:, :, 1 + len(terms):] = ctrl
        return Z

    def _spurious(self, X: np.ndarray) -> bool:
        """Levels regression whose null-world variables are not cointegrated (Engle–Granger)."""
        if self.coint_alpha is None:
            return False
        eg = engle_granger(pd.Series(self.y, name="y"), pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])]),
                           trend="c", alpha=self.coint_alpha)
        return not eg.cointegrated

    def fit(self, u: float) -> SpecEstimate:
        """The specification's estimate in the null world ``u`` (0: the data), one fit at a time
        through :func:`econ.robust.fastols.slope_hac` / :func:`hac_sum` (the reference path)."""
        try:
            X = self._design(self.drivers([u]))[0]
            if not (np.isfinite(X).all() and np.isfinite(self.y).all()):
                raise ValueError("missing values in the null world's rows")
            if self._spurious(X):
                return SpecEstimate.failed(_SPURIOUS)
            if self.target == "sum" and self.lags:
                b, se, p, n = hac_sum(self.y, X, rule=self.rule, terms=self.lags - self.first_lag + 1)
            else:
                b, se, p, n = slope_hac(self.y, X, rule=self.rule)
        except (ValueError, np.linalg.LinAlgError) as exc:
            return SpecEstimate.failed(f"null draw: {type(exc).__name__}: {exc}")
        return SpecEstimate(estimate=b, se=se, pvalue=p, nobs=n)

    def fit_many(self, us: Sequence[float]) -> list[SpecEstimate]:
        """:meth:`fit` for every ``u`` in ``us`` at once (batched numpy; equal to :meth:`fit`).

        Falls back to :meth:`fit` one world at a time when the batch cannot be formed.
        """
        if len(us) == 0:
            return []
        core = self._core(us)
        if core is None:
            return [self.fit(u) for u in us]
        n, k = core.Z.shape[1:]
        if self.rule == "andrews":
            L = andrews_lags(n, core.U[:, :, 1:])
        elif self.rule == "nw-auto":
            L = np.array([choose_bandwidth(n, self.rule, data=core.U[b, :, 1:]).lags for b in range(len(us))])
        else:
            L = np.full(len(us), choose_bandwidth(n, self.rule).lags)
        S = core.meat0.copy()
        for j, term in enumerate(core.kernel_terms(int(L.max())), start=1):
            S += np.clip(1 - j / (L + 1), 0.0, None)[:, None, None] * term
        V = core.inv @ S @ core.inv * n / (n - k)
        r = np.zeros(k)
        r[1:1 + (self.lags - self.first_lag + 1 if self.target == "sum" and self.lags else 1)] = 1.0
        est = core.beta @ r
        se = np.sqrt(np.einsum("i,bij,j->b", r, V, r))
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(se > 0, 2 * special.stdtr(n - k, -np.abs(est / se)), np.nan)
        out = [SpecEstimate(estimate=b, se=sd, pvalue=q, nobs=n)
               for b, sd, q in zip(est.tolist(), se.tolist(), p.tolist(), strict=True)]
        if self.coint_alpha is not None:
            out = [SpecEstimate.failed(_SPURIOUS) if self._spurious(core.Z[i, :, 1:]) else e for i, e in enumerate(out)]
        return out

    def _core(self, us: Sequence[float]) -> _FitCore | None:
        """:func:`_fit_core` of the worlds ``us``; with ``paths_memo``, the last one is kept there
        (slot ``"core"``), keyed by everything it depends on, for the next specification with
        the same design (the Newey–West and Andrews rules of an A3 specification)."""
        if self.paths_memo is None:
            return _fit_core(self._design_const(self.drivers(us)), self.y)
        ctrl = None if self.controls is None else np.ascontiguousarray(self.controls).tobytes()
        key = (self.paths_key, self.how, tuple(us), self.lags, self.first_lag, self.y.tobytes(),
               np.ascontiguousarray(self.rows).tobytes(), ctrl)
        slot = self.paths_memo.get("core")
        if slot is None or slot[0] != key:
            slot = self.paths_memo["core"] = (key, _fit_core(self._design_const(self.drivers(us)), self.y))
        return slot[1]


@dataclasses.dataclass(frozen=True)
class _FitCore:
    """The OLS part of a null design's fits in ``B`` worlds, which its HAC rules share.

    ``Z``: constant and regressors ``(B, n, k)``; ``inv``: ``(Z'Z)^{-1}``; ``beta``:
    coefficients ``(B, k)``; ``U``: scores (regressors times residuals); ``meat0``: ``U'U``.
    Read-only arrays.
    """

    Z: np.ndarray
    inv: np.ndarray
    beta: np.ndarray
    U: np.ndarray
    meat0: np.ndarray
    _terms: list[np.ndarray] = dataclasses.field(default_factory=list)

    def kernel_terms(self, lags: int) -> list[np.ndarray]:
        """``G_j + G_j'`` for ``j = 1..lags``, ``G_j`` the lag-``j`` cross-product of the scores
        (computed once per ``j``: every bandwidth and rule reuses them)."""
        U = self.U
        for j in range(len(self._terms) + 1, lags + 1):
            G = U[:, j:].transpose(0, 2, 1) @ U[:, :-j]
            term = G + G.transpose(0, 2, 1)
            term.setflags(write=False)
            self._terms.append(term)
        return self._terms[:lags]


def _fit_core(Z: np.ndarray, y: np.ndarray) -> _FitCore | None:
    """OLS of ``y`` on each world's design ``Z[b]``; ``None`` when the batch cannot be formed
    (too few rows, missing values, a singular design: the caller fits world by world)."""
    n, k = Z.shape[1:]
    if n <= k or not (np.isfinite(Z).all() and np.isfinite(y).all()):
        return None
    Y = np.broadcast_to(y, (len(Z), n))
    Zt = Z.transpose(0, 2, 1)
    try:
        inv = np.linalg.inv(Zt @ Z)
    except np.linalg.LinAlgError:
        return None
    beta = (inv @ (Zt @ Y[:, :, None]))[:, :, 0]
    U = Z * (Y - np.einsum("bnk,bk->bn", Z, beta))[:, :, None]
    core = _FitCore(Z, inv, beta, U, U.transpose(0, 2, 1) @ U)
    for a in (Z, inv, beta, U, core.meat0):
        a.setflags(write=False)
    return core


def hodrick_slope(r: np.ndarray, g: np.ndarray, horizon: int) -> tuple[float, float, float, int]:
    """Slope of ``Y_t = r_t + … + r_{t+h−1}`` on a constant and ``g_t`` with Hodrick (1992) 1B errors.

    ``r`` and ``g`` cover the one-period sample (rows in time order); the regression uses the
    rows with a complete forward sum. The numpy twin of :func:`econ.models.ols_hac` with
    ``cov="hodrick"`` (same formula, normal p-value), for the null draws. Returns
    ``(slope, se, pvalue, nobs)``.
    """
    n_all, h = len(r), int(horizon)
    nreg = n_all - h + 1
    if nreg < 3:
        raise ValueError(f"too few observations for horizon {h}: {n_all}")
    csum_r = np.concatenate([[0.0], np.cumsum(r)])
    Y = csum_r[h:] - csum_r[:-h]
    X = np.column_stack([np.ones(n_all), g])
    Xreg = X[:nreg]
    beta = np.linalg.lstsq(Xreg, Y, rcond=None)[0]
    e = r - r.mean()
    csum = np.cumsum(np.vstack([np.zeros((1, 2)), X]), axis=0)
    rolled = csum[h:] - csum[:-h]
    e_s = e[h - 1:]
    S = (rolled * (e_s ** 2)[:, None]).T @ rolled / len(e_s)
    Zinv = np.linalg.inv(Xreg.T @ Xreg / nreg)
    V = Zinv @ S @ Zinv / nreg
    se = float(np.sqrt(V[1, 1]))
    p = float(2 * special.ndtr(-abs(beta[1] / se))) if se > 0 else math.nan
    return float(beta[1]), se, p, nreg


@dataclasses.dataclass
class PredictiveNullDesign:
    """C7's predictive regression re-fitted in null worlds.

    ``r``: the observed one-period outcomes of the rows (``y_{t+1} − y_t``); ``rows``: the
    rows' positions ``t`` in the panel (``frame_dates``). In a world ``u`` the Fed's log assets
    are rotated as in :class:`NullDesign` (``kind="level"``) and the predictor is rebuilt as
    ``x_t − x_{t−h}`` on the panel's rows; the regression is :func:`predictive_fit`'s, with
    Hodrick errors (:func:`hodrick_slope`) or Newey–West with at least h−1 lags.
    """

    r: np.ndarray
    rows: np.ndarray
    frame_dates: pd.DatetimeIndex
    underlying: dict[str, Underlying]
    freq: str
    horizon: int
    errors: str = "hodrick"
    rule: str = HAC_RULE
    paths_memo: dict[Any, np.ndarray] | None = dataclasses.field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._paths = NullDesign(y=self.r, rows=self.rows, frame_dates=self.frame_dates,
                                 underlying=self.underlying, span_of="x", freq=self.freq, how="level",
                                 paths_memo=self.paths_memo, paths_key=("C7", self.freq))

    def _fit_g(self, g: np.ndarray) -> SpecEstimate:
        try:
            if not (np.isfinite(g).all() and np.isfinite(self.r).all()):
                raise ValueError("missing values in the null world's rows")
            h = self.horizon
            if self.errors == "hodrick":
                b, se, p, n = hodrick_slope(self.r, g, h)
            else:
                n_reg = len(self.r) - h + 1
                csum = np.concatenate([[0.0], np.cumsum(self.r)])
                b, se, p, n = slope_hac((csum[h:] - csum[:-h])[:n_reg], g[:n_reg, None], rule=self.rule,
                                        horizon=h)
        except (ValueError, np.linalg.LinAlgError) as exc:
            return SpecEstimate.failed(f"null draw: {type(exc).__name__}: {exc}")
        return SpecEstimate(estimate=b, se=se, pvalue=p, nobs=n)

    def drivers(self, us: Sequence[float]) -> np.ndarray:
        """Log Fed assets on the panel's rows in each null world, ``(len(us), len(frame_dates))``."""
        return self._paths.drivers(us)

    def fit_many(self, us: Sequence[float]) -> list[SpecEstimate]:
        """The estimate in each null world ``u`` of ``us`` (0: the data): all worlds at once
        (:meth:`_hodrick_many`, :meth:`_hac_many`) where they can be, else world by world."""
        if len(us) == 0:
            return []
        x = self.drivers(us)
        g = x[:, self.rows] - x[:, self.rows - self.horizon]
        n_reg = len(self.r) - self.horizon + 1
        if n_reg >= 3 and np.isfinite(g).all() and np.isfinite(self.r).all():
            try:
                if self.errors == "hodrick":
                    return self._hodrick_many(g)
                if self.rule not in ("andrews", "nw-auto"):
                    return self._hac_many(g)
            except np.linalg.LinAlgError:
                pass
        return [self._fit_g(g[i]) for i in range(len(us))]

    def _hodrick_many(self, G: np.ndarray) -> list[SpecEstimate]:
        """:func:`hodrick_slope` of every world's predictor ``G[b]`` (the same floats: the same
        operations, the per-world matrix products and inverses batched; ``lstsq`` per world)."""
        r, h = self.r, self.horizon
        n_all = len(r)
        nreg = n_all - h + 1
        csum_r = np.concatenate([[0.0], np.cumsum(r)])
        Y = csum_r[h:] - csum_r[:-h]
        X = np.empty((len(G), n_all, 2))
        X[:, :, 0] = 1.0
        X[:, :, 1] = G
        Xreg = X[:, :nreg]
        slope = np.array([np.linalg.lstsq(Xreg[b], Y, rcond=None)[0][1] for b in range(len(G))])
        e = r - r.mean()
        csum = np.cumsum(np.concatenate([np.zeros((len(G), 1, 2)), X], axis=1), axis=1)
        rolled = csum[:, h:] - csum[:, :-h]
        e_s = e[h - 1:]
        S = (rolled * (e_s ** 2)[None, :, None]).transpose(0, 2, 1) @ rolled / len(e_s)
        Zinv = np.linalg.inv(Xreg.transpose(0, 2, 1) @ Xreg / nreg)
        V = Zinv @ S @ Zinv / nreg
        return [self._estimate(float(b), float(np.sqrt(v)), nreg, "norm") for b, v in zip(slope, V[:, 1, 1], strict=True)]

    def _hac_many(self, G: np.ndarray) -> list[SpecEstimate]:
        """:func:`econ.robust.fastols.slope_hac` of the ``errors="hac"`` design for every world
        (the same floats: :func:`econ.robust.fastols.ols_hac_cov`'s operations, batched)."""
        h = self.horizon
        n = len(self.r) - h + 1
        csum = np.concatenate([[0.0], np.cumsum(self.r)])
        yy = (csum[h:] - csum[:-h])[:n]
        Z = np.empty((len(G), n, 2))
        Z[:, :, 0] = 1.0
        Z[:, :, 1] = G[:, :n]
        k = 2
        Zt = Z.transpose(0, 2, 1)
        zz_inv = np.linalg.inv(Zt @ Z)
        beta = zz_inv @ (Zt @ yy)[:, :, None]
        u = Z * (yy - (Z @ beta)[:, :, 0])[:, :, None]
        L = choose_bandwidth(n, self.rule, horizon=h).lags
        S = u.transpose(0, 2, 1) @ u
        for j in range(1, L + 1):
            g = u[:, j:].transpose(0, 2, 1) @ u[:, :-j]
            S += (1 - j / (L + 1)) * (g + g.transpose(0, 2, 1))
        V = zz_inv @ S @ zz_inv * n / (n - k)
        return [self._estimate(float(b), float(np.sqrt(v)), n, "t") for b, v in zip(beta[:, 1, 0], V[:, 1, 1],
                                                                                    strict=True)]

    @staticmethod
    def _estimate(b: float, se: float, n: int, dist: str) -> SpecEstimate:
        """A world's estimate with the p-value :func:`hodrick_slope` (normal) or
        :func:`econ.robust.fastols.slope_hac` (Student-t, ``n − 2`` df) gives it."""
        if not se > 0:
            p = math.nan
        elif dist == "norm":
            p = float(2 * special.ndtr(-abs(b / se)))
        else:
            p = float(2 * special.stdtr(n - 2, -abs(b / se)))
        return SpecEstimate(estimate=b, se=se, pvalue=p, nobs=n)

    def fit(self, u: float) -> SpecEstimate:
        return self.fit_many([u])[0]


_SPURIOUS = "null draw: levels not admissible (variables not cointegrated)"


def _array(frame: pd.DataFrame | pd.Series) -> np.ndarray:
    return frame.to_numpy(dtype=float)


def _rows(frame: pd.DataFrame, data: pd.DataFrame) -> np.ndarray:
    """Positions of ``data``'s rows (a subset of ``frame``'s dates) in ``frame``."""
    pos = frame.index.get_indexer(data.index)
    if (pos < 0).any():
        raise ValueError("estimation rows missing from the panel")
    return pos


def _underlying(loader: DataLoader, series_id: str, freq: str, kind: str, agg: str | None = None,
                scale: str = "") -> Underlying:
    """The series null worlds rotate (memoised: read-only, shared by every spec's design)."""
    def build() -> Underlying:
        p = panel(loader, {"v": series_id}, freq, {"v": agg} if agg else None)["v"]
        values = 100.0 * np.log(p) if scale == "100log" else p
        return Underlying(dates=p.index, values=_array(values), kind=kind)

    return _memoised(loader, ("underlying", series_id, freq, kind, agg, scale), [series_id], build)


def _paths_memo(loader: DataLoader) -> dict[Any, np.ndarray]:
    """Where null designs of one loader's grids keep their driver paths (:meth:`NullDesign.drivers`)."""
    return _memo(loader).setdefault("null paths", {})


def null_design(spec: Spec, loader: DataLoader) -> NullDesign | PredictiveNullDesign:
    """The rows :func:`estimate` fits for ``spec``, as a :class:`NullDesign` (C5, A3) or a
    :class:`PredictiveNullDesign` (C7).

    ``null_design(spec, loader).fit(0.0)`` reproduces the reported estimate.
    """
    relation, freq = spec["relation"], spec["freq"]
    if relation == "C5":
        rate_name, agg = C5_RATE_MEASURES[spec["rate"]]
        proxy = proxy_by_label(spec["proxy"])
        dates = _memoised(loader, ("c5_frame", proxy, freq, rate_name, agg), [proxy.small, proxy.large, RATES[rate_name]],
                          lambda: _c5_frame_build(loader, proxy, freq, rate_name, agg)).index
        lags = LAGS[freq][spec["lags"]]
        rows = c5_rows(loader, proxy, freq, rate_name, agg, lags, spec["sample"])
        rate = _underlying(loader, RATES[rate_name], freq, "level", agg=RATE_AGG[agg])
        return NullDesign(y=rows.y, rows=rows.at, frame_dates=dates, underlying={"x": rate},
                          span_of="x", freq=freq, lags=lags, rule=spec["hac"], paths_memo=_paths_memo(loader),
                          paths_key=("C5", proxy, freq, rate_name, agg))
    if relation == "A3":
        proxy, how = proxy_by_label(spec["proxy"]), spec["flow"]
        dates = _memoised(loader, ("flow_frame", proxy, freq, how), _a3_ids(proxy),
                          lambda: _flow_frame_build(loader, proxy, freq, how)).index
        flows = {"nb": _underlying(loader, NORTHBOUND, freq, "flow"), "to": _underlying(loader, TURNOVER, freq, "flow")}
        rows = a3_rows(loader, proxy, freq, how, spec["sample"])
        lags = LAGS[freq]["short"]
        return NullDesign(y=rows.y, rows=rows.at, frame_dates=dates, underlying=flows,
                          span_of="nb", freq=freq, how=how, lags=lags, first_lag=1, controls=rows.X[:, lags:],
                          rule=spec["hac"], target="sum", paths_memo=_paths_memo(loader), paths_key=("A3", proxy, freq))
    if relation == "C7":
        f = fed_frame(loader, freq)
        fed = {"x": _underlying(loader, FED_ASSETS, freq, "level", scale="100log")}
        data = c7_predictive_data(loader, freq, spec["sample"], spec["horizon"])
        return PredictiveNullDesign(r=_array(data["r"]), rows=_rows(f, data), frame_dates=f.index, underlying=fed,
                                    freq=freq, horizon=C7_HORIZONS[freq][spec["horizon"]], errors=spec["errors"],
                                    paths_memo=_paths_memo(loader))
    raise ValueError(f"unknown relation {relation!r}")
