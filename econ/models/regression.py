"""OLS with HAC, Hodrick (1992) or heteroskedasticity-robust standard errors.

``ols_hac`` wraps :class:`statsmodels.regression.linear_model.OLS`; the HAC lag count
always comes from :mod:`econ.models.hac`. ``run_specs`` fits one dependent variable on
many regressor sets and samples; ``levels_vs_differences`` fits a relation in levels and
in first differences and says which is admissible given unit-root and cointegration
tests.

Hodrick (1992) 1B standard errors
---------------------------------
For a long-horizon regression of the overlapping sum ``Y_t = r_t + ... + r_{t+h-1}``
on ``X_t`` (row ``t`` holds the predictor and the one-period outcome that follows it),
``sum_t X_t Y_t = sum_s r_s (X_s + ... + X_{s-h+1})``. Hodrick's 1B estimator uses this
to replace the overlapping-error HAC by a one-period sandwich::

    V = Z^{-1} S Z^{-1} / T,  Z = X'X / T,
    S = (1/N) sum_s e_s^2 (X_s + ... + X_{s-h+1})(X_s + ... + X_{s-h+1})',

with ``e_s = r_s - mean(r)`` (``r_s`` without an intercept), the residual under the null
of no predictability, and ``N`` the number of one-period observations with a full
rolled-back regressor sum. For ``h = 1`` it reduces to White's HC0 with null-imposed
residuals. Inference is asymptotic (normal). References: Hodrick (1992, RFS 5(3),
eq. 12); Ang & Bekaert (2007, RFS 20(3), appendix).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from econ.models.base import Result
from econ.models.cointegration import EngleGrangerResult, engle_granger
from econ.models.hac import choose_bandwidth
from econ.models.unitroot import UnitRootBattery, integration_order, unit_root_battery

__all__ = [
    "COV_TYPES",
    "LevelsVsDifferences",
    "RegressionResult",
    "SpecTable",
    "levels_vs_differences",
    "ols_hac",
    "overlapping_sum",
    "run_specs",
]

COV_TYPES: tuple[str, ...] = ("hac", "hodrick", "nonrobust", "hc1")
_KERNELS = ("bartlett", "uniform")


# ----------------------------------------------------------------------------- inputs
def _as_series(y: Any, name: str = "y") -> pd.Series:
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(f"{name} must be a single column, got {y.shape[1]}")
        y = y.iloc[:, 0]
    if isinstance(y, np.ndarray):
        if y.ndim != 1:
            raise ValueError(f"{name} must be 1-d")
        y = pd.Series(y, name=name)
    if not isinstance(y, pd.Series):
        raise ValueError(f"{name} must be a pandas Series or 1-d array, got {type(y).__name__}")
    return y if y.name is not None else y.rename(name)


def _as_frame(X: Any) -> pd.DataFrame:
    if isinstance(X, pd.Series):
        return X.to_frame(name=X.name if X.name is not None else "x")
    if isinstance(X, np.ndarray):
        if X.ndim == 1:
            X = X[:, None]
        if X.ndim != 2:
            raise ValueError("X must be 1-d or 2-d")
        return pd.DataFrame(X, columns=[f"x{i + 1}" for i in range(X.shape[1])])
    if not isinstance(X, pd.DataFrame):
        raise ValueError(f"X must be a pandas DataFrame, Series or array, got {type(X).__name__}")
    return X


def _check_numeric(frame: pd.DataFrame) -> pd.DataFrame:
    for col in frame.columns:
        dtype = frame[col].dtype
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise ValueError(f"column {col!r} is not numeric (dtype {dtype})")
    out = frame.astype("float64")
    return out.where(np.isfinite(out))


def _design(y: Any, X: Any, extra: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Join y, X (and extra series) into one numeric frame after checking alignment."""
    ys = _as_series(y)
    Xf = _as_frame(X)
    if Xf.shape[1] == 0:
        raise ValueError("X has no columns")
    if len(ys) != len(Xf):
        raise ValueError(f"y has {len(ys)} rows but X has {len(Xf)}")
    if not ys.index.equals(Xf.index):
        raise ValueError("y and X have different indexes; align them first")
    names = [str(c) for c in Xf.columns]
    if len(set(names)) != len(names):
        raise ValueError("duplicate regressor names")
    parts = [ys.rename(str(ys.name)), Xf.set_axis(names, axis=1)]
    for key, s in (extra or {}).items():
        s = _as_series(s, key)
        if not s.index.equals(ys.index):
            raise ValueError(f"{key} and y have different indexes; align them first")
        parts.append(s.rename(key))
    frame = pd.concat(parts, axis=1)
    if frame.columns.duplicated().any():
        raise ValueError(f"y {ys.name!r} also appears among the regressors")
    return _check_numeric(frame)


def _trim(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """Drop leading/trailing incomplete rows; refuse interior gaps (they break lags)."""
    complete = frame.notna().all(axis=1).to_numpy()
    if not complete.any():
        raise ValueError(f"no complete observation in {what}")
    first = int(np.argmax(complete))
    last = len(complete) - 1 - int(np.argmax(complete[::-1]))
    out = frame.iloc[first : last + 1]
    if not complete[first : last + 1].all():
        raise ValueError(
            f"{what} has interior missing values; serial-correlation-robust errors need an "
            "unbroken sample (fill or cut the sample explicitly)"
        )
    return out


def overlapping_sum(series: pd.Series, horizon: int) -> pd.Series:
    """Forward overlapping sum ``s_t = x_t + x_{t+1} + ... + x_{t+h-1}``.

    Parameters
    ----------
    series
        One-period series, row ``t`` holding the outcome that follows the predictors of
        row ``t``.
    horizon
        ``h >= 1``.

    Returns
    -------
    pandas.Series
        Same index; the last ``h - 1`` values are NaN.
    """
    name = series.name if isinstance(series, pd.Series) else None
    s = _as_series(series, "series")
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(f"horizon must be a positive integer, got {horizon!r}")
    s = _check_numeric(s.to_frame()).iloc[:, 0]
    summed = s.rolling(int(horizon), min_periods=int(horizon)).sum().shift(-(int(horizon) - 1))
    return summed.rename(name)


# ----------------------------------------------------------------------------- result
@dataclasses.dataclass(repr=False)
class RegressionResult(Result):
    """A fitted linear regression with its standard-error choice.

    Parameters
    ----------
    y
        Dependent variable name.
    params, bse, tvalues, pvalues
        Coefficients, standard errors, t (or z) statistics and two-sided p-values.
    conf_int
        95% interval, columns ``lower``, ``upper``.
    cov_params
        Covariance matrix of ``params``.
    nobs
        Observations used.
    rsquared, rsquared_adj
        Fit statistics.
    cov_type
        ``"hac"``, ``"hodrick"``, ``"nonrobust"`` or ``"hc1"``.
    bandwidth
        HAC lags (``None`` unless ``cov_type="hac"``).
    bandwidth_description
        Sentence on how the standard errors were computed, for table notes.
    kernel
        HAC kernel.
    horizon
        Overlapping horizon, if any.
    use_t
        Whether p-values and intervals use the t distribution (else normal).
    start, end
        First and last index labels of the estimation sample.
    model
        The underlying statsmodels results object (for Wald tests etc.).
    """

    y: str
    params: pd.Series
    bse: pd.Series
    tvalues: pd.Series
    pvalues: pd.Series
    conf_int: pd.DataFrame
    cov_params: pd.DataFrame
    nobs: int
    rsquared: float
    rsquared_adj: float
    cov_type: str
    bandwidth: int | None
    bandwidth_description: str
    kernel: str | None
    horizon: int | None
    use_t: bool
    start: Any
    end: Any
    model: Any = dataclasses.field(default=None, compare=False)
    title: ClassVar[str] = "OLS regression"

    def scalars(self) -> dict[str, Any]:
        out = super().scalars()
        out["start"], out["end"] = str(self.start), str(self.end)
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per coefficient."""
        return pd.DataFrame(
            {
                "y": self.y,
                "term": self.params.index.astype(str),
                "coef": self.params.to_numpy(),
                "se": self.bse.to_numpy(),
                "t": self.tvalues.to_numpy(),
                "pvalue": self.pvalues.to_numpy(),
                "ci_lower": self.conf_int["lower"].to_numpy(),
                "ci_upper": self.conf_int["upper"].to_numpy(),
                "nobs": self.nobs,
                "rsquared": self.rsquared,
                "cov_type": self.cov_type,
                "hac_lags": self.bandwidth,
                "start": self.start,
                "end": self.end,
            }
        )


def _hodrick_cov(
    X: np.ndarray, r: np.ndarray, horizon: int, Xreg: np.ndarray, *, demean: bool
) -> np.ndarray:
    """Hodrick (1992) 1B covariance; see the module docstring for the formula.

    ``X`` and ``r`` cover the whole one-period sample (rows in time order), ``Xreg`` the
    rows of the long-horizon regression. ``demean``: the null model has an intercept.
    """
    nobs_reg = Xreg.shape[0]
    e = r - r.mean() if demean else r
    csum = np.cumsum(np.vstack([np.zeros((1, X.shape[1])), X]), axis=0)
    rolled = csum[horizon:] - csum[:-horizon]  # rows s = h-1..N-1: X_s + ... + X_{s-h+1}
    e_s = e[horizon - 1 :]
    S = (rolled * (e_s**2)[:, None]).T @ rolled / len(e_s)
    Zinv = np.linalg.inv(Xreg.T @ Xreg / nobs_reg)
    return Zinv @ S @ Zinv / nobs_reg


def ols_hac(
    y: pd.Series | np.ndarray,
    X: pd.DataFrame | pd.Series | np.ndarray,
    *,
    add_const: bool = True,
    cov: str = "hac",
    rule: str = "nw1994",
    lags: int | None = None,
    horizon: int | None = None,
    kernel: str = "bartlett",
    small_sample: bool = True,
    one_period: pd.Series | np.ndarray | None = None,
) -> RegressionResult:
    """OLS of ``y`` on ``X`` with the chosen standard errors.

    Parameters
    ----------
    y
        Dependent variable (for long-horizon regressions, the overlapping ``h``-period
        sum, e.g. from :func:`overlapping_sum`).
    X
        Regressors, same index as ``y``.
    add_const
        Prepend an intercept named ``const``.
    cov
        ``"hac"`` (Newey-West type, lags from :mod:`econ.models.hac`), ``"hodrick"``
        (Hodrick 1992 1B, needs ``horizon`` and ``one_period``), ``"nonrobust"`` or
        ``"hc1"``.
    rule, lags
        Bandwidth rule and fixed lags, see :func:`econ.models.hac.choose_bandwidth`. The
        data-dependent rules use the regressor-by-residual scores (intercept excluded).
    horizon
        Overlap of ``y``: lags are at least ``horizon - 1`` for ``cov="hac"``.
    kernel
        ``"bartlett"`` (Newey-West) or ``"uniform"`` (Hansen-Hodrick truncated).
    small_sample
        For ``"hac"``: ``T/(T-k)`` correction and t inference, as Stata's ``newey``; for
        ``"hc1"``/``"nonrobust"``: t inference. Hodrick errors are always asymptotic.
    one_period
        For ``cov="hodrick"``: the one-period outcome ``r`` with ``y`` equal to
        ``overlapping_sum(r, horizon)`` (checked), same index as ``X``.

    Returns
    -------
    RegressionResult

    Notes
    -----
    Rows with missing values at the start or end are dropped; interior gaps raise for
    ``"hac"`` and ``"hodrick"`` and are dropped listwise otherwise.
    """
    if cov not in COV_TYPES:
        raise ValueError(f"cov must be one of {COV_TYPES}, got {cov!r}")
    if kernel not in _KERNELS:
        raise ValueError(f"kernel must be one of {_KERNELS}, got {kernel!r}")
    if horizon is not None and (
        isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1
    ):
        raise ValueError(f"horizon must be a positive integer, got {horizon!r}")
    if cov == "hodrick":
        if horizon is None or one_period is None:
            raise ValueError('cov="hodrick" needs horizon= and one_period=')
        extra = {"__one_period__": one_period}
    else:
        if one_period is not None:
            raise ValueError('one_period= is only used with cov="hodrick"')
        extra = None
    frame = _design(y, X, extra)
    y_name = str(frame.columns[0])
    x_names = [c for c in frame.columns[1:] if c != "__one_period__"]

    if cov == "hodrick":
        assert horizon is not None
        base = _trim(frame[["__one_period__", *x_names]], "one_period and X")
        implied = overlapping_sum(base["__one_period__"], int(horizon))
        yv = frame.loc[base.index, y_name]
        sample = yv.notna() & implied.notna()
        if (yv.notna() & ~implied.notna()).any():
            raise ValueError("y has values where overlapping_sum(one_period, horizon) cannot exist")
        if not np.allclose(yv[sample], implied[sample], rtol=1e-8, atol=1e-10):
            raise ValueError(
                "y is not the overlapping sum of one_period over horizon; build it with "
                "overlapping_sum(one_period, horizon)"
            )
        data = _trim(pd.concat([yv[sample], base.loc[sample, x_names]], axis=1), "y and X")
    elif cov == "hac":
        data = _trim(frame, "y and X")
    else:
        data = frame.dropna()

    exog = data[x_names]
    if add_const:
        if (exog.nunique() <= 1).any():
            raise ValueError("X already contains a constant column; use add_const=False")
        exog = sm.add_constant(exog, prepend=True, has_constant="raise")
    nobs, k = exog.shape
    if nobs - k < 2:
        raise ValueError(f"too few observations: {nobs} rows for {k} coefficients")
    if np.linalg.matrix_rank(exog.to_numpy()) < k:
        raise ValueError("regressors are perfectly collinear")
    model = sm.OLS(data[y_name], exog)

    bw = None
    use_t = bool(small_sample)
    if cov == "hac":
        scores_data = None
        if rule in ("andrews", "nw-auto"):
            pre = model.fit()
            scores = exog.to_numpy() * pre.resid.to_numpy()[:, None]
            scores_data = scores[:, 1:] if add_const and k > 1 else scores
        bw = choose_bandwidth(nobs, rule, lags=lags, horizon=horizon, data=scores_data)
        res = model.fit(
            cov_type="HAC",
            cov_kwds={"maxlags": bw.lags, "use_correction": bool(small_sample), "kernel": kernel},
            use_t=use_t,
        )
        corr = "with" if small_sample else "without"
        desc = f"Newey-West ({kernel}) HAC, {corr} small-sample correction; {bw.description}"
    elif cov == "hc1":
        res = model.fit(cov_type="HC1", use_t=use_t)
        desc = "White heteroskedasticity-robust (HC1) standard errors"
    elif cov == "nonrobust":
        res = model.fit()
        use_t = True
        desc = "conventional OLS standard errors"
    else:
        res = model.fit()
        use_t = False
        assert horizon is not None
        X_all = base[x_names]
        if add_const:
            X_all = sm.add_constant(X_all, prepend=True, has_constant="add")
        vcov = _hodrick_cov(
            X_all.to_numpy(),
            base["__one_period__"].to_numpy(),
            int(horizon),
            exog.to_numpy(),
            demean=add_const,
        )
        desc = f"Hodrick (1992) 1B standard errors, h = {horizon}"

    params = res.params
    if cov == "hodrick":
        cov_params = pd.DataFrame(vcov, index=params.index, columns=params.index)
        bse = pd.Series(np.sqrt(np.diag(vcov)), index=params.index)
        tvalues = params / bse
        pvalues = pd.Series(2 * stats.norm.sf(np.abs(tvalues)), index=params.index)
        z = stats.norm.ppf(0.975)
        ci = pd.DataFrame({"lower": params - z * bse, "upper": params + z * bse})
    else:
        cov_params = res.cov_params()
        bse, tvalues, pvalues = res.bse, res.tvalues, res.pvalues
        ci = res.conf_int(alpha=0.05).set_axis(["lower", "upper"], axis=1)
    return RegressionResult(
        y=y_name,
        params=params,
        bse=bse,
        tvalues=tvalues,
        pvalues=pvalues,
        conf_int=ci,
        cov_params=cov_params,
        nobs=int(nobs),
        rsquared=float(res.rsquared),
        rsquared_adj=float(res.rsquared_adj),
        cov_type=cov,
        bandwidth=None if bw is None else bw.lags,
        bandwidth_description=desc,
        kernel=kernel if cov == "hac" else None,
        horizon=None if horizon is None else int(horizon),
        use_t=use_t,
        start=data.index[0],
        end=data.index[-1],
        model=res,
    )


# ----------------------------------------------------------------------------- specs
@dataclasses.dataclass(repr=False)
class SpecTable(Result):
    """Many specifications of one dependent variable.

    Parameters
    ----------
    y
        Dependent variable.
    results
        Fitted regressions keyed by ``(spec, sample)``.
    """

    y: str
    results: dict[tuple[str, str], RegressionResult]
    title: ClassVar[str] = "Specification table"

    def to_frame(self) -> pd.DataFrame:
        """Long frame: one row per specification, sample and coefficient."""
        frames = [
            res.to_frame().assign(spec=spec, sample=sample)
            for (spec, sample), res in self.results.items()
        ]
        out = pd.concat(frames, ignore_index=True)
        first = ["spec", "sample"]
        return out[first + [c for c in out.columns if c not in first]]

    def table(self, value: str = "coef") -> pd.DataFrame:
        """Wide table of one statistic: rows terms, columns ``(spec, sample)``."""
        frame = self.to_frame()
        if value not in frame.columns:
            raise ValueError(f"unknown value {value!r}; choose from {list(frame.columns)}")
        wide = frame.pivot_table(index="term", columns=["spec", "sample"], values=value, sort=False)
        return wide


def run_specs(
    y: str,
    X_sets: Mapping[str, Sequence[str]] | Sequence[Sequence[str]],
    data: pd.DataFrame,
    samples: Mapping[str, tuple[Any, Any]] | None = None,
    **fit_kwargs: Any,
) -> SpecTable:
    """Fit ``y`` on several regressor sets over several samples.

    Parameters
    ----------
    y
        Column of ``data`` to explain.
    X_sets
        Regressor lists keyed by specification name, or a list of lists (named
        ``"(1)"``, ``"(2)"``, ...).
    data
        DataFrame with a sorted index.
    samples
        ``{name: (start, end)}`` label slices of ``data`` (inclusive; ``None`` for open
        ends). ``None`` means one sample named ``"full"``.
    **fit_kwargs
        Passed to :func:`ols_hac`; ``one_period`` may be a column name.

    Returns
    -------
    SpecTable
    """
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if not data.index.is_monotonic_increasing:
        raise ValueError("data index must be sorted increasingly")
    if y not in data.columns:
        raise ValueError(f"y {y!r} is not a column of data")
    if isinstance(X_sets, Mapping):
        specs = {str(k): list(v) for k, v in X_sets.items()}
    else:
        specs = {f"({i + 1})": list(v) for i, v in enumerate(X_sets)}
    if not specs:
        raise ValueError("X_sets is empty")
    for name, cols in specs.items():
        if isinstance(cols, str) or not cols:
            raise ValueError(f"spec {name!r} must be a non-empty list of column names")
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise ValueError(f"spec {name!r}: columns {missing} not in data")
    samples = {"full": (None, None)} if samples is None else dict(samples)
    if not samples:
        raise ValueError("samples is empty")
    one_period = fit_kwargs.pop("one_period", None)

    results: dict[tuple[str, str], RegressionResult] = {}
    for sample, bounds in samples.items():
        if not (isinstance(bounds, tuple) and len(bounds) == 2):
            raise ValueError(f"sample {sample!r} must be a (start, end) tuple")
        sub = data.loc[bounds[0] : bounds[1]]
        if sub.empty:
            raise ValueError(f"sample {sample!r} selects no rows")
        op = sub[one_period] if isinstance(one_period, str) else one_period
        for spec, cols in specs.items():
            kwargs = dict(fit_kwargs)
            if op is not None:
                kwargs["one_period"] = op
            try:
                results[(spec, str(sample))] = ols_hac(sub[y], sub[cols], **kwargs)
            except ValueError as err:
                raise ValueError(f"spec {spec!r}, sample {sample!r}: {err}") from err
    return SpecTable(y=y, results=results)


# ----------------------------------------------------------------------------- levels vs differences
@dataclasses.dataclass(repr=False)
class LevelsVsDifferences(Result):
    """A relation fitted in levels and in first differences, with admissibility.

    Parameters
    ----------
    levels, differences
        The two regressions.
    orders
        Integration order of each variable (Dickey-Pantula sequence).
    unit_roots
        Full unit-root battery on the levels.
    cointegration
        Engle-Granger test when every variable is I(1), else ``None``.
    admissible
        ``{"levels": bool, "differences": bool}``.
    recommended
        ``"levels"``, ``"differences"`` or ``"neither"``.
    reason
        One-sentence justification.
    """

    levels: RegressionResult
    differences: RegressionResult
    orders: dict[str, int]
    unit_roots: UnitRootBattery
    cointegration: EngleGrangerResult | None
    admissible: dict[str, bool]
    recommended: str
    reason: str
    title: ClassVar[str] = "Levels vs differences"

    def summary(self) -> str:
        orders = ", ".join(f"{k} I({v})" for k, v in self.orders.items())
        lines = [f"integration orders: {orders}"]
        if self.cointegration is not None:
            c = self.cointegration
            lines.append(f"Engle-Granger: stat {c.stat:.3f}, p = {c.pvalue:.3f}")
        return super().summary() + "\n\n" + "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per specification and slope coefficient."""
        frames = []
        for spec, res in (("levels", self.levels), ("differences", self.differences)):
            f = res.to_frame()
            f = f[f["term"] != "const"].assign(spec=spec, admissible=self.admissible[spec])
            frames.append(f)
        out = pd.concat(frames, ignore_index=True)
        first = ["spec", "admissible"]
        return out[first + [c for c in out.columns if c not in first]]


def _admissibility(
    orders: dict[str, int], coint: EngleGrangerResult | None
) -> tuple[dict[str, bool], str, str]:
    values = set(orders.values())
    if values == {0}:
        return (
            {"levels": True, "differences": True},
            "levels",
            "all variables are I(0): the levels regression is valid; differencing only "
            "discards information (over-differenced errors)",
        )
    if values == {1}:
        assert coint is not None
        if coint.cointegrated:
            return (
                {"levels": True, "differences": True},
                "levels",
                f"all variables are I(1) and cointegrated (Engle-Granger p = "
                f"{coint.pvalue:.3f}): the levels regression is a cointegrating regression "
                "(consistent, but its t-statistics are non-standard); differences omit the "
                "error-correction term",
            )
        return (
            {"levels": False, "differences": True},
            "differences",
            f"all variables are I(1) and not cointegrated (Engle-Granger p = "
            f"{coint.pvalue:.3f}): the levels regression is spurious",
        )
    text = ", ".join(f"{k} I({v})" for k, v in orders.items())
    return (
        {"levels": False, "differences": False},
        "neither",
        f"unbalanced integration orders ({text}): transform each series to I(0) separately",
    )


def levels_vs_differences(
    y: str,
    x: str | Sequence[str],
    data: pd.DataFrame,
    *,
    trend: str = "c",
    alpha: float = 0.05,
    **fit_kwargs: Any,
) -> LevelsVsDifferences:
    """Fit ``y`` on ``x`` in levels and in first differences and judge admissibility.

    Parameters
    ----------
    y
        Dependent column of ``data``.
    x
        Regressor column(s).
    data
        DataFrame in time order.
    trend
        Deterministic terms of the level unit-root tests.
    alpha
        Level of the unit-root and cointegration tests.
    **fit_kwargs
        Passed to :func:`ols_hac` for both regressions (default HAC, NW 1994 rule).
        The Engle-Granger regression always includes a constant.

    Returns
    -------
    LevelsVsDifferences

    Notes
    -----
    Rule: levels are admissible when every variable is I(0), or every variable is I(1)
    and Engle-Granger rejects no cointegration; differences are admissible when every
    variable is I(0) or I(1) with the same order. Mixed or I(2) orders make neither
    admissible. Orders come from :func:`econ.models.unitroot.integration_order`.
    """
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    xs = [x] if isinstance(x, str) else list(x)
    if not xs:
        raise ValueError("x is empty")
    missing = [c for c in [y, *xs] if c not in data.columns]
    if missing:
        raise ValueError(f"columns {missing} not in data")
    if y in xs:
        raise ValueError(f"y {y!r} also appears among x")
    frame = _trim(_check_numeric(data[[y, *xs]]), "y and x")

    orders = {c: integration_order(frame[c], trend=trend, alpha=alpha) for c in [y, *xs]}
    battery = unit_root_battery(frame, trend=trend, alpha=alpha)
    coint = None
    if set(orders.values()) == {1}:
        coint = engle_granger(frame[y], frame[xs], trend="c", alpha=alpha)
    admissible, recommended, reason = _admissibility(orders, coint)

    levels = ols_hac(frame[y], frame[xs], **fit_kwargs)
    diffs = frame.diff().iloc[1:]
    differences = ols_hac(diffs[y], diffs[xs], **fit_kwargs)
    return LevelsVsDifferences(
        levels=levels,
        differences=differences,
        orders=orders,
        unit_roots=battery,
        cointegration=coint,
        admissible=admissible,
        recommended=recommended,
        reason=reason,
    )
