"""Granger-causality tests for a pair of time series.

Three tests of "x does not Granger-cause y":

* :func:`granger` -- the classical single-equation test (``lmtest::grangertest`` in R,
  ``statsmodels.tsa.stattools.grangercausalitytests``), lag order from an information
  criterion on a bivariate VAR (``statsmodels`` ``VAR.select_order``) unless given.
* :func:`toda_yamamoto` -- the lag-augmented levels VAR Wald test of Toda & Yamamoto
  (1995), valid whatever the integration / cointegration order up to ``dmax``.
* :func:`bootstrap_granger` -- the Granger F with a p-value from a bootstrap under the
  null (recursive residual or block-of-residuals bootstrap with ``x`` held fixed).

Conventions: ``y`` is the (possibly) caused series, ``x`` the (possibly) causing series;
both are 1-D, the same length, free of NaN and, when both are pandas objects, on the same
index. The regression for lag order ``p`` is

.. math:: y_t = d_t'\\delta + \\sum_{i=1}^{p} a_i y_{t-i} + \\sum_{i=1}^{p} b_i x_{t-i} + e_t,
   \\qquad t = p+1, \\dots, T,

with deterministic terms ``d_t`` set by ``trend`` (``"n"`` none, ``"c"`` constant,
``"ct"`` constant and linear trend). The null is :math:`b_1 = \\dots = b_p = 0`.

References
----------
Granger, C. W. J. (1969). Investigating causal relations by econometric models and
cross-spectral methods. *Econometrica* 37(3), 424-438.

Toda, H. Y. and Yamamoto, T. (1995). Statistical inference in vector autoregressions with
possibly integrated processes. *Journal of Econometrics* 66, 225-250.

Dickey, D. A. and Pantula, S. G. (1987). Determining the order of differencing in
autoregressive processes. *Journal of Business & Economic Statistics* 5(4), 455-461.

Davison, A. C. and Hinkley, D. V. (1997). *Bootstrap Methods and their Application*,
ch. 8 (model-based resampling for time series). Cambridge University Press.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS
from statsmodels.tsa.vector_ar.var_model import VAR

from econ.models.base import Result, TestResult

__all__ = ["GrangerResult", "bootstrap_granger", "granger", "granger_fixed_pvalues", "toda_yamamoto"]

Trend = Literal["n", "c", "ct"]
_TRENDS = {"n": 0, "c": 1, "ct": 2}
_ICS = ("aic", "bic", "hqic", "fpe")
_COV_TYPES = ("nonrobust", "HC0", "HC1", "HC2", "HC3")


# ---------------------------------------------------------------------------------------
# input handling (shared with econ.models.leadlag)
# ---------------------------------------------------------------------------------------
def _as_series(v: Any, label: str) -> tuple[np.ndarray, str, pd.Index | None]:
    """One input as a float vector, its name and its index (``None`` for non-pandas)."""
    index = None
    name = label
    if isinstance(v, pd.DataFrame):
        if v.shape[1] != 1:
            raise ValueError(f"{label} must be 1-D; got a DataFrame with {v.shape[1]} columns")
        name = str(v.columns[0])
        index = v.index
        v = v.iloc[:, 0]
    elif isinstance(v, pd.Series):
        index = v.index
        if v.name is not None:
            name = str(v.name)
    try:
        arr = np.asarray(v, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{label} must be numeric: {exc}") from exc
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.ravel()
    if arr.ndim != 1:
        raise ValueError(f"{label} must be 1-D; got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{label} contains NaN or inf; drop or fill them before testing")
    return arr, name, index


def _as_pair(
    y: Any, x: Any, *, min_obs: int = 3, labels: tuple[str, str] = ("y", "x")
) -> tuple[np.ndarray, np.ndarray, str, str]:
    """Validate a pair of series: 1-D, numeric, finite, same length, same index.

    Returns the two float vectors and their names (the pandas names when set).
    """
    ya, yname, yidx = _as_series(y, labels[0])
    xa, xname, xidx = _as_series(x, labels[1])
    if ya.shape[0] != xa.shape[0]:
        raise ValueError(
            f"{labels[0]} and {labels[1]} have different lengths "
            f"({ya.shape[0]} vs {xa.shape[0]}); align them first"
        )
    if yidx is not None and xidx is not None and not yidx.equals(xidx):
        raise ValueError(
            f"{labels[0]} and {labels[1]} are misaligned: their indexes differ; "
            "align them (e.g. pd.concat([...], axis=1).dropna()) before testing"
        )
    if ya.shape[0] < min_obs:
        raise ValueError(f"too few observations: {ya.shape[0]} < {min_obs}")
    if yname == xname:
        yname, xname = f"{yname} (y)", f"{xname} (x)"
    return ya, xa, yname, xname


def _check_trend(trend: str) -> int:
    if trend not in _TRENDS:
        raise ValueError(f"trend must be one of {sorted(_TRENDS)}; got {trend!r}")
    return _TRENDS[trend]


def _deterministic(n: int, trend: str) -> np.ndarray:
    """Deterministic regressors for ``n`` rows (constant, then a 1..n trend)."""
    cols = []
    if trend in ("c", "ct"):
        cols.append(np.ones(n))
    if trend == "ct":
        cols.append(np.arange(1.0, n + 1.0))
    return np.column_stack(cols) if cols else np.empty((n, 0))


def _lags(v: np.ndarray, nlags: int) -> np.ndarray:
    """Columns ``v_{t-1}, ..., v_{t-nlags}`` for ``t = nlags, ..., T-1`` (0-based)."""
    T = v.shape[0]
    return np.column_stack([v[nlags - i : T - i] for i in range(1, nlags + 1)])


def _design(
    y: np.ndarray, x: np.ndarray, nlags: int, trend: str
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Dependent vector and unrestricted regressors [deterministic, y lags, x lags]."""
    n = y.shape[0] - nlags
    det = _deterministic(n, trend)
    X = np.column_stack([det, _lags(y, nlags), _lags(x, nlags)])
    names = (
        ["const", "trend"][: det.shape[1]]
        + [f"y.L{i}" for i in range(1, nlags + 1)]
        + [f"x.L{i}" for i in range(1, nlags + 1)]
    )
    return y[nlags:], X, names


def _max_feasible_lag(nobs: int, k_trend: int, nvar: int = 2, min_df: int = 3) -> int:
    """Largest VAR order whose equations keep ``min_df`` residual degrees of freedom."""
    m = 0
    while (nobs - (m + 1)) - (nvar * (m + 1) + k_trend) >= min_df:
        m += 1
    return m


def _default_maxlag(nobs: int, k_trend: int) -> int:
    """Cube-root rule ``floor(T^(1/3))``, capped at what the sample can estimate."""
    feasible = _max_feasible_lag(nobs, k_trend)
    if feasible < 1:
        raise ValueError(f"too few observations ({nobs}) for even a VAR(1) with trend")
    return max(1, min(math.floor(nobs ** (1.0 / 3.0) + 1e-12), feasible))


def _select_var_order(
    data: np.ndarray, maxlag: int | None, ic: str, trend: str
) -> tuple[int, pd.DataFrame]:
    """VAR lag order by ``ic`` over 1..maxlag on the common sample (``VAR.select_order``)."""
    if ic not in _ICS:
        raise ValueError(f"ic must be one of {_ICS}; got {ic!r}")
    T = data.shape[0]
    k_trend = _TRENDS[trend]
    if maxlag is None:
        maxlag = _default_maxlag(T, k_trend)
    maxlag = int(maxlag)
    if maxlag < 1:
        raise ValueError(f"maxlag must be a positive integer; got {maxlag}")
    feasible = _max_feasible_lag(T, k_trend)
    if maxlag > feasible:
        raise ValueError(
            f"maxlag={maxlag} too large for {T} observations (at most {feasible} with "
            f"trend={trend!r})"
        )
    sel = VAR(data).select_order(maxlags=maxlag, trend=trend)
    table = pd.DataFrame({k: np.asarray(sel.ics[k], dtype=float) for k in _ICS})
    table.index = pd.RangeIndex(0, maxlag + 1, name="lag")
    chosen = int(table[ic].iloc[1:].idxmin())  # lag 0 is not a Granger model
    table["selected"] = table.index == chosen
    return chosen, table


# ---------------------------------------------------------------------------------------
# Classical Granger test
# ---------------------------------------------------------------------------------------
@dataclasses.dataclass(repr=False)
class GrangerResult(Result):
    """Result of :func:`granger`.

    Attributes
    ----------
    y_name, x_name
        Names of the caused and causing series.
    lags
        Lag order used in the test.
    ic
        Criterion that chose ``lags`` (``None`` when ``lags`` was given).
    trend
        Deterministic terms (``"n"``, ``"c"``, ``"ct"``).
    cov_type
        Covariance used for the Wald statistic.
    nobs
        Observations in the test regression (``T - lags``).
    df_num, df_denom
        F degrees of freedom (``lags``, ``nobs - k``).
    f_stat, f_pvalue
        Small-sample form, referred to F(df_num, df_denom).
    chi2_stat, chi2_pvalue
        Wald form ``df_num * f_stat``, referred to chi2(df_num).
    ic_table
        Information criteria by lag (0..maxlag) on the common sample, or ``None``.
    params
        Unrestricted-regression coefficients (index: const, [trend], y.L*, x.L*).
    """

    y_name: str
    x_name: str
    lags: int
    ic: str | None
    trend: str
    cov_type: str
    nobs: int
    df_num: int
    df_denom: int
    f_stat: float
    f_pvalue: float
    chi2_stat: float
    chi2_pvalue: float
    ic_table: pd.DataFrame | None = None
    params: pd.Series | None = None

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"Granger causality: {self.x_name} -> {self.y_name}"

    @property
    def null(self) -> str:
        return f"{self.x_name} does not Granger-cause {self.y_name}"

    def f_test(self) -> TestResult:
        """The F form as a :class:`TestResult`."""
        return TestResult(
            name="Granger F",
            stat=self.f_stat,
            pvalue=self.f_pvalue,
            df=(self.df_num, self.df_denom),
            null=self.null,
            extra={"lags": self.lags, "nobs": self.nobs, "ic": self.ic},
        )

    def chi2_test(self) -> TestResult:
        """The chi-square (Wald) form as a :class:`TestResult`."""
        return TestResult(
            name="Granger Wald chi2",
            stat=self.chi2_stat,
            pvalue=self.chi2_pvalue,
            df=self.df_num,
            null=self.null,
            extra={"lags": self.lags, "nobs": self.nobs, "ic": self.ic},
        )

    def to_frame(self) -> pd.DataFrame:
        rows = [
            ("F", self.f_stat, self.f_pvalue, self.df_num, self.df_denom),
            ("chi2", self.chi2_stat, self.chi2_pvalue, self.df_num, np.nan),
        ]
        out = pd.DataFrame(rows, columns=["form", "stat", "pvalue", "df_num", "df_denom"])
        out.insert(0, "test", "Granger")
        out["y"] = self.y_name
        out["x"] = self.x_name
        out["lags"] = self.lags
        out["nobs"] = self.nobs
        out["ic"] = self.ic
        return out

    def summary(self) -> str:
        text = super().summary()
        if self.ic_table is not None:
            text += "\n\nLag selection (" + str(self.ic) + ")\n" + self.ic_table.to_string()
        return text


def _wald(
    yv: np.ndarray, X: np.ndarray, restrict: np.ndarray, cov_type: str
) -> tuple[float, float, int, int, Any]:
    """F and Wald statistics for ``params[restrict] == 0`` by statsmodels OLS."""
    if cov_type not in _COV_TYPES:
        raise ValueError(f"cov_type must be one of {_COV_TYPES}; got {cov_type!r}")
    res = OLS(yv, X).fit(cov_type=cov_type)
    if res.ssr <= np.finfo(float).eps * max(1.0, float(np.sum((yv - yv.mean()) ** 2))):
        raise ValueError("perfect fit: the test statistic cannot be computed")
    R = np.zeros((int(restrict.sum()), X.shape[1]))
    R[np.arange(R.shape[0]), np.flatnonzero(restrict)] = 1.0
    w = res.wald_test(R, use_f=False, scalar=True)
    chi2 = float(np.squeeze(w.statistic))
    q = R.shape[0]
    return chi2, chi2 / q, q, int(res.df_resid), res


def granger_fixed_pvalue(y: np.ndarray, x: np.ndarray, lags: int) -> float:
    """F p-value of :func:`granger` with ``lags`` given, ``trend="c"``, ``cov_type="nonrobust"``.

    The lean path for Monte Carlo loops: the same operations, in the same order, as the
    statsmodels ``OLS.fit`` and ``wald_test`` calls inside :func:`granger` (pinv of the
    design, ``R V R'`` and its pinv), without building result objects, so the p-value is
    the same float. Input checks are left to the caller (finite 1-D arrays of equal length).

    Raises
    ------
    ValueError
        Too few observations, or a perfect fit (as :func:`granger`).
    """
    from scipy import special
    from statsmodels.tools.tools import pinv_extended

    T = y.shape[0]
    if lags < 1 or T - lags - (1 + 2 * lags) < 1:
        raise ValueError(f"too few observations ({T}) for lags={lags}")
    dep, X, _ = _design(y, x, lags, "c")
    pinv_x, _ = pinv_extended(X)
    norm_cov = np.dot(pinv_x, np.transpose(pinv_x))
    beta = np.dot(pinv_x, dep)
    resid = dep - np.dot(X, beta)
    ssr = np.dot(resid, resid)
    if ssr <= np.finfo(float).eps * max(1.0, float(np.sum((dep - dep.mean()) ** 2))):
        raise ValueError("perfect fit: the test statistic cannot be computed")
    df_resid = float(X.shape[0] - np.linalg.matrix_rank(X))
    R = np.zeros((lags, X.shape[1]))
    R[np.arange(lags), np.arange(1 + lags, 1 + 2 * lags)] = 1.0
    cov_r = np.dot(R, np.dot(norm_cov * (ssr / df_resid), np.transpose(R)))
    rbq = np.dot(R, beta[:, None]) - np.zeros((lags, 1))
    chi2 = float(np.squeeze(np.dot(np.dot(rbq.T, np.linalg.pinv(cov_r)), rbq)))
    return float(special.fdtrc(lags, int(df_resid), chi2 / lags))


def granger_fixed_pvalues(Y: np.ndarray, X: np.ndarray, lags: int) -> np.ndarray:
    """:func:`granger_fixed_pvalue` of every row pair ``(Y[r], X[r])`` at once.

    Monte Carlo loops run thousands of tiny regressions; here they are stacked: one batched
    SVD pseudo-inverse (statsmodels' ``pinv_extended`` rule, ``rcond = 1e-15``), batched
    products and a batched pseudo-inverse of ``R V R'``. The products sum in another order
    than the per-sample BLAS calls, so p-values agree with :func:`granger_fixed_pvalue` to
    rounding (the tests: within 1e-12), not bit for bit. A row that would raise there (perfect
    fit) gets NaN.

    Parameters
    ----------
    Y, X
        ``(reps, T)`` arrays of finite values: the caused series and the candidate cause.
    lags
        Lag order (``trend="c"``, ``cov_type="nonrobust"``).

    Returns
    -------
    numpy.ndarray
        ``(reps,)`` F-test p-values.
    """
    from scipy import special

    Y = np.asarray(Y, dtype=float)
    X = np.asarray(X, dtype=float)
    reps, T = Y.shape
    if lags < 1 or T - lags - (1 + 2 * lags) < 1:
        raise ValueError(f"too few observations ({T}) for lags={lags}")
    n = T - lags
    dep = Y[:, lags:]
    cols = [np.ones((reps, n))] + [Y[:, lags - i : T - i] for i in range(1, lags + 1)] + [
        X[:, lags - i : T - i] for i in range(1, lags + 1)]
    Z = np.stack(cols, axis=2)                                        # (reps, n, k), as _design
    u, sv, vt = np.linalg.svd(Z, full_matrices=False)
    cutoff = 1e-15 * sv.max(axis=1, keepdims=True)
    sinv = np.where(sv > cutoff, 1.0 / np.where(sv > cutoff, sv, 1.0), 0.0)
    pinv = np.matmul(vt.transpose(0, 2, 1), sinv[:, :, None] * u.transpose(0, 2, 1))   # (reps, k, n)
    beta = np.einsum("rkn,rn->rk", pinv, dep)
    resid = dep - np.einsum("rnk,rk->rn", Z, beta)
    ssr = np.einsum("rn,rn->r", resid, resid)
    tss = ((dep - dep.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    perfect = ssr <= np.finfo(float).eps * np.maximum(1.0, tss)
    df_resid = n - np.linalg.matrix_rank(Z)
    sel = np.arange(1 + lags, 1 + 2 * lags)
    norm_cov = np.matmul(pinv, pinv.transpose(0, 2, 1))[:, sel][:, :, sel]
    cov_r = norm_cov * (ssr / np.where(perfect, 1.0, df_resid))[:, None, None]
    rb = beta[:, sel]
    chi2 = np.einsum("ri,rij,rj->r", rb, np.linalg.pinv(cov_r), rb)
    p = special.fdtrc(lags, df_resid, chi2 / lags)
    return np.where(perfect, np.nan, p)


def granger(
    y: Any,
    x: Any,
    *,
    maxlag: int | None = None,
    lags: int | None = None,
    ic: str = "aic",
    trend: Trend = "c",
    cov_type: str = "nonrobust",
) -> GrangerResult:
    """Test whether ``x`` Granger-causes ``y`` (single-equation F / Wald test).

    Parameters
    ----------
    y
        Series that may be caused (1-D array-like or pandas Series), assumed stationary.
    x
        Series that may cause ``y``; same length and (if pandas) same index as ``y``.
    maxlag
        Largest lag order searched when ``lags`` is None. Default
        ``floor(T**(1/3))``, capped so each VAR equation keeps 3 residual degrees of freedom.
    lags
        Use this lag order and skip selection.
    ic
        ``"aic"``, ``"bic"``, ``"hqic"`` or ``"fpe"``: criterion of the bivariate VAR of
        ``(y, x)`` minimised over lags ``1..maxlag``, all fitted on the common sample
        ``t = maxlag+1..T`` (``statsmodels`` ``VAR.select_order``).
    trend
        ``"n"``, ``"c"`` (default, as ``lmtest::grangertest``) or ``"ct"``.
    cov_type
        ``"nonrobust"`` (default; the classical test) or a heteroskedasticity-robust
        ``"HC0"``..``"HC3"`` covariance for the Wald statistic.

    Returns
    -------
    GrangerResult
        F form ``F = [(SSR_r - SSR_u)/p] / [SSR_u/(n-k)]`` against F(p, n-k) and the Wald
        form ``p * F`` against chi2(p) (the ``test="Chisq"`` form of R ``lmtest``). With a
        robust ``cov_type`` both use that covariance.

    Notes
    -----
    With ``trend="c"`` and ``cov_type="nonrobust"`` the F statistic equals the
    ``ssr_ftest`` of ``statsmodels.tsa.stattools.grangercausalitytests`` applied to
    ``np.column_stack([y, x])`` and R ``lmtest::grangertest(x, y, order=lags)``.
    The regression uses ``T - lags`` observations (not the common selection sample).
    """
    k_trend = _check_trend(trend)
    yv, xv, yname, xname = _as_pair(y, x, min_obs=5)
    ic_used: str | None = None
    table = None
    if lags is None:
        lags, table = _select_var_order(np.column_stack([yv, xv]), maxlag, ic, trend)
        ic_used = ic
    lags = int(lags)
    if lags < 1:
        raise ValueError(f"lags must be a positive integer; got {lags}")
    T = yv.shape[0]
    if T - lags - (k_trend + 2 * lags) < 1:
        raise ValueError(f"too few observations ({T}) for lags={lags}: need T > 3*lags + {k_trend}")
    dep, X, names = _design(yv, xv, lags, trend)
    restrict = np.zeros(X.shape[1], dtype=bool)
    restrict[k_trend + lags :] = True
    chi2, f, q, df_denom, res = _wald(dep, X, restrict, cov_type)
    return GrangerResult(
        y_name=yname,
        x_name=xname,
        lags=lags,
        ic=ic_used,
        trend=trend,
        cov_type=cov_type,
        nobs=int(res.nobs),
        df_num=q,
        df_denom=df_denom,
        f_stat=f,
        f_pvalue=float(stats.f.sf(f, q, df_denom)),
        chi2_stat=chi2,
        chi2_pvalue=float(stats.chi2.sf(chi2, q)),
        ic_table=table,
        params=pd.Series(res.params, index=names),
    )


# ---------------------------------------------------------------------------------------
# Toda-Yamamoto
# ---------------------------------------------------------------------------------------
def _adf_max_lags(nobs: int) -> int:
    """Schwert's 12*(T/100)^(1/4), capped at (T-8)//3 so tiny samples stay estimable."""
    return max(0, min(int(12.0 * (nobs / 100.0) ** 0.25), (nobs - 8) // 3))


def _integration_order(
    v: np.ndarray, *, trend: str = "c", alpha: float = 0.05
) -> tuple[int, dict[str, float]]:
    """Integration order 0, 1 or 2 by the Dickey-Pantula (1987) downward ADF sequence.

    ADF (``arch.unitroot.ADF``, lags by AIC up to :func:`_adf_max_lags`) on the first
    difference with a constant: no rejection at ``alpha`` gives 2. Otherwise ADF on the
    level with ``trend``: no rejection gives 1, rejection 0. Same rule as
    ``econ.models.unitroot.integration_order``, kept here so that short samples
    (T >= 10) work.
    """
    from arch.unitroot import ADF

    w = np.asarray(v, dtype=float)
    if w.shape[0] < 10:
        raise ValueError(f"too few observations ({w.shape[0]}) to estimate dmax; pass dmax")
    dw = np.diff(w)
    p_diff = float(ADF(dw, trend="c", max_lags=_adf_max_lags(dw.shape[0])).pvalue)
    if p_diff >= alpha:
        return 2, {"adf_diff": p_diff}
    p_level = float(ADF(w, trend=trend, max_lags=_adf_max_lags(w.shape[0])).pvalue)
    return (1 if p_level >= alpha else 0), {"adf_diff": p_diff, "adf_level": p_level}


def toda_yamamoto(
    y: Any,
    x: Any,
    *,
    p: int | None = None,
    dmax: int | None = None,
    ic: str = "aic",
    trend: Trend = "c",
    maxlag: int | None = None,
    use_f: bool = False,
    alpha_adf: float = 0.05,
) -> TestResult:
    """Toda-Yamamoto (1995) lag-augmented Wald test that ``x`` does not Granger-cause ``y``.

    Fit the ``y`` equation of a levels VAR(``p + dmax``) by OLS and Wald-test that the
    coefficients of ``x_{t-1}, ..., x_{t-p}`` are zero; the extra ``dmax`` lags are left
    unrestricted, which makes the statistic asymptotically chi2(p) whether the series are
    I(0), I(1) (up to I(dmax)), cointegrated or not.

    Parameters
    ----------
    y, x
        Series in LEVELS (do not difference them), same length, no NaN.
    p
        True VAR lag order. If None, chosen by ``ic`` on the levels VAR over
        ``1..maxlag`` (common sample, ``VAR.select_order``).
    dmax
        Maximal integration order. If None, ``max`` over ``y`` and ``x`` of the order (0, 1
        or 2) from the Dickey-Pantula downward ADF sequence at ``alpha_adf``
        (``arch.unitroot.ADF``; level test with trend ``"c"``, or ``"ct"`` when
        ``trend="ct"``). Needs T >= 10; with short samples ADF has little power and passing
        ``dmax=1`` explicitly is the usual conservative choice.
    ic, maxlag
        As in :func:`granger`.
    trend
        Deterministic terms of the VAR.
    use_f
        If True, report the small-sample F form (``Wald/p`` against F(p, n-k)) as the
        statistic; default is the chi2(p) form of the paper. Both are in ``extra``.
    alpha_adf
        Level of the ADF tests that set ``dmax``.

    Returns
    -------
    TestResult
        ``stat`` and ``pvalue`` of the Wald (or F) test; ``extra`` holds ``p``, ``dmax``,
        ``nobs``, ``wald``, ``wald_pvalue``, ``f_stat``, ``f_pvalue``, ``df_denom`` and the
        ADF p-values when ``dmax`` was estimated.
    """
    k_trend = _check_trend(trend)
    yv, xv, yname, xname = _as_pair(y, x, min_obs=8)
    extra: dict[str, Any] = {}
    if dmax is None:
        adf_trend = "ct" if trend == "ct" else "c"
        dy, py = _integration_order(yv, trend=adf_trend, alpha=alpha_adf)
        dx, px = _integration_order(xv, trend=adf_trend, alpha=alpha_adf)
        dmax = max(dy, dx)
        extra.update(d_y=dy, d_x=dx)
        extra.update({f"{k}_pvalue_y": v for k, v in py.items()})
        extra.update({f"{k}_pvalue_x": v for k, v in px.items()})
    dmax = int(dmax)
    if dmax < 0:
        raise ValueError(f"dmax must be >= 0; got {dmax}")
    ic_used = None
    if p is None:
        p, table = _select_var_order(np.column_stack([yv, xv]), maxlag, ic, trend)
        ic_used = ic
        extra["ic_table"] = table
    p = int(p)
    if p < 1:
        raise ValueError(f"p must be a positive integer; got {p}")
    m = p + dmax
    T = yv.shape[0]
    if T - m - (k_trend + 2 * m) < 1:
        raise ValueError(
            f"too few observations ({T}) for a VAR(p + dmax = {m}) with trend={trend!r}"
        )
    dep, X, _ = _design(yv, xv, m, trend)
    restrict = np.zeros(X.shape[1], dtype=bool)
    restrict[k_trend + m : k_trend + m + p] = True  # x lags 1..p only
    wald, f, q, df_denom, res = _wald(dep, X, restrict, "nonrobust")
    wald_p = float(stats.chi2.sf(wald, q))
    f_p = float(stats.f.sf(f, q, df_denom))
    extra.update(
        p=p,
        dmax=dmax,
        var_order=m,
        ic=ic_used,
        nobs=int(res.nobs),
        wald=wald,
        wald_pvalue=wald_p,
        f_stat=f,
        f_pvalue=f_p,
        df_denom=df_denom,
    )
    null = f"{xname} does not Granger-cause {yname}"
    if use_f:
        return TestResult(
            name="Toda-Yamamoto F", stat=f, pvalue=f_p, df=(q, df_denom), null=null, extra=extra
        )
    return TestResult(
        name="Toda-Yamamoto Wald", stat=wald, pvalue=wald_p, df=q, null=null, extra=extra
    )


# ---------------------------------------------------------------------------------------
# Bootstrap Granger
# ---------------------------------------------------------------------------------------
def _batched_ssr(dep: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Residual sums of squares of ``B`` regressions: ``dep`` (B, n), ``X`` (B, n, k)."""
    Q, _ = np.linalg.qr(X)
    proj = np.einsum("bnk,bn->bk", Q, dep)
    return np.einsum("bn,bn->b", dep, dep) - np.einsum("bk,bk->b", proj, proj)


def _batched_granger_f(ystar: np.ndarray, xv: np.ndarray, lags: int, trend: str, dmax: int = 0) -> np.ndarray:
    """Granger F for each column of ``ystar`` (T, B) against the fixed ``xv`` (T,).

    With ``dmax > 0`` the regression has ``lags + dmax`` lags of both series and the F tests
    only the first ``lags`` lags of ``x`` (the lag-augmented Toda-Yamamoto form).
    """
    T, B = ystar.shape
    order = lags + dmax
    n = T - order
    k_trend = _TRENDS[trend]
    det = _deterministic(n, trend)
    ylag = np.stack([ystar[order - i : T - i].T for i in range(1, order + 1)], axis=2)
    xlag = _lags(xv, order)
    x_test, x_aug = xlag[:, :lags], xlag[:, lags:]
    common = np.concatenate([np.broadcast_to(det, (B, n, k_trend)), ylag,
                             np.broadcast_to(x_aug, (B, n, dmax))], axis=2)
    full = np.concatenate([common, np.broadcast_to(x_test, (B, n, lags))], axis=2)
    dep = ystar[order:].T
    ssr_r = _batched_ssr(dep, common)
    ssr_u = _batched_ssr(dep, full)
    df_denom = n - full.shape[2]
    with np.errstate(divide="ignore", invalid="ignore"):
        return ((ssr_r - ssr_u) / lags) / (ssr_u / df_denom)


def _residual_indices(
    n: int, n_boot: int, method: str, block_size: int, rng: np.random.Generator
) -> np.ndarray:
    """(n_boot, n) indices into the residual vector."""
    if method == "residual":
        return rng.integers(0, n, size=(n_boot, n))
    from arch.bootstrap import MovingBlockBootstrap, StationaryBootstrap

    cls = MovingBlockBootstrap if method == "block" else StationaryBootstrap
    bs = cls(block_size, np.arange(n), seed=rng)
    return np.stack([data[0] for data, _ in bs.bootstrap(n_boot)]).astype(np.int64)


def _default_block_size(resid: np.ndarray, method: str) -> int:
    """Politis-White (2004) / Patton et al. (2009) optimal block length, clipped."""
    from arch.bootstrap import optimal_block_length

    col = "stationary" if method == "stationary" else "circular"
    b = float(optimal_block_length(resid)[col].iloc[0])
    if not np.isfinite(b):
        b = 1.0
    return int(min(max(1, math.ceil(b)), max(1, resid.shape[0] // 4)))


def _simulate_null(
    yv: np.ndarray,
    lags: int,
    trend: str,
    method: str,
    block_size: int | None,
    n_boot: int,
    rng: np.random.Generator,
    xv: np.ndarray | None = None,
    dmax: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int | None]:
    """Bootstrap samples of ``y`` under H0 with resampled residuals, ``x`` held fixed.

    The null model is an AR(``lags + dmax``) in ``y``; with ``dmax > 0`` it also keeps lags
    ``lags+1 .. lags+dmax`` of ``x`` (only the first ``lags`` are restricted under H0).
    Returns ``ystar`` (T, n_boot), the null-model coefficients [deterministic, a_1..a_k,
    c_{lags+1}..c_k], the rescaled centred residuals and the block size used.
    """
    T = yv.shape[0]
    order = lags + dmax
    n = T - order
    k_trend = _TRENDS[trend]
    det = _deterministic(n, trend)
    x_aug = _lags(xv, order)[:, lags:] if dmax else np.empty((n, 0))
    Xr = np.column_stack([det, _lags(yv, order), x_aug])
    coef, *_ = np.linalg.lstsq(Xr, yv[order:], rcond=None)
    resid = yv[order:] - Xr @ coef
    resid = (resid - resid.mean()) * math.sqrt(n / (n - Xr.shape[1]))
    if method != "residual" and block_size is None:
        block_size = _default_block_size(resid, method)
    idx = _residual_indices(n, n_boot, method, block_size or 1, rng)
    estar = resid[idx].T  # (n, B)
    delta, a, c = coef[:k_trend], coef[k_trend : k_trend + order], coef[k_trend + order :]
    fixed = (det @ delta if k_trend else np.zeros(n)) + (x_aug @ c if dmax else 0.0)
    ystar = np.empty((T, n_boot))
    ystar[:order] = yv[:order, None]
    for t in range(order, T):
        ar = a @ ystar[t - order : t][::-1]  # a_1 y_{t-1} + ... + a_k y_{t-k}
        ystar[t] = fixed[t - order] + ar + estar[t - order]
    return ystar, coef, resid, block_size


def bootstrap_granger(
    y: Any,
    x: Any,
    *,
    lags: int,
    n_boot: int = 999,
    method: Literal["residual", "block", "stationary"] = "residual",
    block_size: int | None = None,
    seed: int | np.random.Generator = 0,
    trend: Trend = "c",
    dmax: int = 0,
) -> TestResult:
    """Granger F test of "``x`` does not Granger-cause ``y``" with a bootstrap p-value.

    With ``dmax > 0`` this is the bootstrap of the lag-augmented (Toda-Yamamoto) Wald test
    of Hacker & Hatemi-J (2006): both series enter with ``lags + dmax`` lags, only the first
    ``lags`` lags of ``x`` are tested, and the null model keeps the augmentation lags. Use it
    for possibly integrated series, where the plain levels test over-rejects.

    The null model ``y_t = d_t'delta + sum_{i<=lags} a_i y_{t-i} + e_t`` is fitted by OLS.
    Each bootstrap sample rebuilds ``y`` recursively from it, starting at the observed
    first ``lags`` values, with resampled residuals; ``x`` is held fixed. The Granger F is
    recomputed on every sample and the p-value is ``(1 + #{F* >= F}) / (n_boot + 1)``.

    Parameters
    ----------
    y, x
        Series (``y`` possibly caused by ``x``), same length, no NaN.
    lags
        Lag order of the test (and of the null autoregression).
    n_boot
        Bootstrap replications.
    method
        ``"residual"`` -- i.i.d. draws of the residuals; ``"block"`` -- moving-block
        bootstrap of the residuals (Kunsch 1989; ``arch.bootstrap.MovingBlockBootstrap``);
        ``"stationary"`` -- stationary bootstrap (Politis & Romano 1994;
        ``arch.bootstrap.StationaryBootstrap``). Blocks keep dependence left in the
        residuals (e.g. volatility clustering).
    block_size
        Block length (mean length for ``"stationary"``). Default: Politis-White optimal
        length of the residuals (``arch.bootstrap.optimal_block_length``), clipped to
        ``[1, n/4]``. Ignored for ``"residual"``.
    seed
        Seed or Generator (``numpy.random.default_rng``).
    trend
        Deterministic terms (``"n"``, ``"c"``, ``"ct"``).
    dmax
        Extra (untested) lags: the maximal order of integration suspected (0 = plain
        Granger; 1 for I(1) series).

    Returns
    -------
    TestResult
        ``stat`` is the sample F, ``pvalue`` the bootstrap p-value; ``extra`` holds the
        asymptotic F p-value, ``n_boot``, ``method``, ``block_size``, ``lags``, ``nobs`` and
        the bootstrap draws ``f_boot`` (array).

    Notes
    -----
    Residuals are centred and inflated by ``sqrt(n / (n - k_r))`` (``k_r`` restricted
    regressors) so their variance is unbiased (the simple form of the modified
    residuals of Davison & Hinkley 1997, ch. 6).
    """
    if method not in ("residual", "block", "stationary"):
        raise ValueError(f"method must be 'residual', 'block' or 'stationary'; got {method!r}")
    if int(n_boot) < 1:
        raise ValueError(f"n_boot must be >= 1; got {n_boot}")
    n_boot = int(n_boot)
    k_trend = _check_trend(trend)
    lags = int(lags)
    if lags < 1:
        raise ValueError(f"lags must be a positive integer; got {lags}")
    if isinstance(dmax, bool) or int(dmax) != dmax or dmax < 0:
        raise ValueError(f"dmax must be a non-negative integer; got {dmax!r}")
    dmax = int(dmax)
    order = lags + dmax
    yv, xv, yname, xname = _as_pair(y, x, min_obs=5)
    T = yv.shape[0]
    if T - order - (k_trend + 2 * order) < 1:
        raise ValueError(f"too few observations ({T}) for lags={lags}, dmax={dmax}: "
                         f"need T > 3*(lags+dmax) + {k_trend}")
    f_obs = float(_batched_granger_f(yv[:, None], xv, lags, trend, dmax)[0])
    n = T - order
    df_denom = n - (k_trend + 2 * order)
    if method == "residual":
        block_size = None
    elif block_size is not None:
        block_size = int(block_size)
        if not 1 <= block_size <= n:
            raise ValueError(f"block_size must be in [1, {n}]; got {block_size}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    ystar, _, _, block_size = _simulate_null(yv, lags, trend, method, block_size, n_boot, rng, xv, dmax)
    f_boot = _batched_granger_f(ystar, xv, lags, trend, dmax)
    f_boot = f_boot[np.isfinite(f_boot)]
    pvalue = (1.0 + float(np.sum(f_boot >= f_obs))) / (f_boot.shape[0] + 1.0)
    extra = {
        "asymptotic_pvalue": float(stats.f.sf(f_obs, lags, df_denom)),
        "n_boot": int(f_boot.shape[0]),
        "method": method,
        "block_size": block_size,
        "lags": lags,
        "dmax": dmax,
        "nobs": n,
        "f_boot": f_boot,
    }
    return TestResult(
        name=f"Bootstrap Granger F ({method}{', lag-augmented' if dmax else ''})",
        stat=f_obs,
        pvalue=pvalue,
        df=(lags, df_denom),
        null=f"{xname} does not Granger-cause {yname}",
        extra=extra,
    )
