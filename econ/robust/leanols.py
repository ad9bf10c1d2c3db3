"""OLS with Newey–West or Hodrick errors in numpy, float for float what ``ols_hac`` reports.

:func:`econ.models.ols_hac` builds pandas frames, validates them and fits statsmodels' OLS;
on the small regressions of a specification grid that machinery costs about 30 times the
arithmetic. :func:`lean_ols` performs the same floating-point operations as statsmodels
(``OLS.fit(method="pinv")``: ``pinv_extended`` by SVD, ``beta = pinv @ y``; ``cov_hac_simple``
with Bartlett weights and the ``T/(T-k)`` correction; Hodrick's 1B sandwich as
``econ.models.regression._hodrick_cov``), in the same order and on arrays of the same memory
layout, so coefficients, standard errors, p-values, intervals, ``t_test`` and ``wald_test``
results are identical to the last bit, not merely close. The tests compare the two on every
specification of the liquidity grids with ``==``.

It covers only the clean case: complete rows, an intercept added, no constant regressor,
full rank, at least two residual degrees of freedom. :func:`lean_ols` returns ``None``
otherwise, and the caller runs ``ols_hac`` (which raises its own errors).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
from scipy import special, stats

from econ.models.hac import Bandwidth, choose_bandwidth

__all__ = ["LeanOLS", "lean_ols"]


@dataclasses.dataclass(frozen=True)
class LeanOLS:
    """A fitted regression: what ``ols_hac`` and statsmodels' results report, as arrays.

    Parameters
    ----------
    params
        Coefficients, intercept first.
    cov
        Their covariance (HAC with the small-sample correction, or Hodrick 1B).
    df_resid
        Residual degrees of freedom ``T - k`` (a float, as statsmodels keeps it).
    nobs
        Observations.
    use_t
        Student-t inference (HAC) or normal (Hodrick).
    bandwidth
        HAC lags (``None`` for Hodrick errors).
    description
        ``RegressionResult.bandwidth_description``.
    """

    params: np.ndarray
    cov: np.ndarray
    df_resid: float
    nobs: int
    use_t: bool
    bandwidth: int | None
    description: str

    def coef(self, i: int) -> tuple[float, float, float, tuple[float, float]]:
        """Coefficient ``i``: ``(estimate, se, pvalue, 95% interval)`` as ``params``, ``bse``,
        ``pvalues`` and ``conf_int`` of the statsmodels results report them."""
        bse = np.sqrt(np.diag(self.cov))
        tvalues = self.params / bse
        if self.use_t:
            p = t_sf(np.abs(tvalues), self.df_resid) * 2
            q = t_ppf(1 - 0.05 / 2, self.df_resid)
        else:
            p = 2 * norm_sf(np.abs(tvalues))
            q = _norm_975()
        lower, upper = self.params - q * bse, self.params + q * bse
        return float(self.params[i]), float(bse[i]), float(p[i]), (float(lower[i]), float(upper[i]))

    def t_test(self, r: np.ndarray) -> tuple[float, float, float, tuple[float, float]]:
        """The linear combination ``r @ params`` as statsmodels' ``t_test(r)`` reports it (HAC
        results, Student-t): ``(effect, sd, pvalue, 95% interval)``."""
        r_matrix = np.atleast_2d(np.asarray(r, dtype=float))
        effect = np.dot(r_matrix, self.params)
        sd = np.sqrt(np.dot(r_matrix, np.dot(self.cov, np.transpose(r_matrix))))
        t = (effect - np.zeros((1, 1)).squeeze()) * _recipr(sd)
        p = np.squeeze(t_sf(np.abs(t), self.df_resid) * 2)
        q = t_ppf(1 - 0.05 / 2.0, self.df_resid)
        lo, hi = np.column_stack((effect - q * sd, effect + q * sd)).ravel()
        return float(np.squeeze(effect)), float(np.squeeze(sd)), float(p), (float(lo), float(hi))

    def wald_test(self, R: np.ndarray) -> tuple[float, float]:
        """statsmodels' ``wald_test(R, use_f=True, scalar=True)`` of ``R @ params = 0``: ``(F, p)``."""
        cparams = np.dot(R, self.params[:, None])
        J = float(R.shape[0])
        Rbq = cparams - np.zeros((R.shape[0], 1))
        cov_p = np.dot(R, np.dot(self.cov, np.transpose(R)))
        if np.isnan(cov_p).max():
            raise ValueError("r_matrix performs f_test for using dimensions that are asymptotically non-normal")
        invcov = np.linalg.pinv(cov_p)
        J = float(min(J, np.linalg.matrix_rank(cov_p)))  # statsmodels warns and uses the rank
        F = float(np.squeeze(np.dot(np.dot(Rbq.T, invcov), Rbq)))
        F /= J
        return F, float(np.squeeze(f_sf(F, J, self.df_resid)))


# scipy.stats' public methods validate and broadcast their arguments (~0.2 ms a call); on
# finite arguments inside the support they return exactly these special functions
# (scipy.stats._continuous_distns: t._sf, t._ppf, f._sf, norm._sf), tested equal.
def t_sf(x: np.ndarray, df: float) -> np.ndarray:
    """``scipy.stats.t.sf(x, df)``."""
    x = np.asarray(x, dtype=float)
    if df > 0 and np.isfinite(x).all():
        return special.stdtr(df, -x)
    return stats.t.sf(x, df)


@functools.lru_cache(maxsize=256)
def t_ppf(q: float, df: float) -> float:
    """``scipy.stats.t.ppf(q, df)`` (remembered: one value per sample size)."""
    return stats.t.ppf(q, df)


def f_sf(x: float, dfn: float, dfd: float) -> float:
    """``scipy.stats.f.sf(x, dfn, dfd)``."""
    if dfn > 0 and dfd > 0 and 0 < x < np.inf:
        return special.fdtrc(dfn, dfd, x)
    return stats.f.sf(x, dfn, dfd)


def norm_sf(x: np.ndarray) -> np.ndarray:
    """``scipy.stats.norm.sf(x)``."""
    x = np.asarray(x, dtype=float)
    if np.isfinite(x).all():
        return special.ndtr(-x)
    return stats.norm.sf(x)


@functools.lru_cache(maxsize=1)
def _norm_975() -> float:
    return stats.norm.ppf(0.975)


def _recipr(x: np.ndarray) -> np.ndarray:
    """``statsmodels.tools.tools.recipr``: ``1/x`` for ``x > 0``, else 0 (NaN stays NaN)."""
    x = np.asarray(x)
    out = np.zeros_like(x, dtype=np.float64)
    nans = np.isnan(x.flat)
    pos = ~nans
    pos[pos] = pos[pos] & (x.flat[pos] > 0)
    out.flat[pos] = 1.0 / x.flat[pos]
    out.flat[nans] = np.nan
    return out


def _design(X: np.ndarray) -> np.ndarray | None:
    """Constant first, then ``X``, Fortran-ordered as statsmodels receives a pandas design;
    ``None`` where ``ols_hac`` would refuse the design or statsmodels would see it singular."""
    n, k = X.shape[0], X.shape[1] + 1
    if n - k < 2 or not np.isfinite(X).all() or (X == X[:1]).all(axis=0).any():
        return None
    Z = np.empty((k, n)).T
    Z[:, 0] = 1.0
    Z[:, 1:] = X
    if np.linalg.matrix_rank(Z) < k:
        return None
    return Z


def _pinv_fit(Z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``OLS(y, Z).fit(method="pinv")``: ``(params, normalized_cov_params)``; ``None`` when
    statsmodels would find the design rank-deficient."""
    u, s, vt = np.linalg.svd(Z.conjugate(), False)
    s_orig = np.copy(s)
    cutoff = 1e-15 * np.maximum.reduce(s)
    for i in range(min(vt.shape[1], u.shape[0])):
        s[i] = 1.0 / s[i] if s[i] > cutoff else 0.0
    pinv = np.dot(np.transpose(vt), np.multiply(s[:, np.newaxis], np.transpose(u)))
    if np.linalg.matrix_rank(np.diag(s_orig)) < Z.shape[1]:
        return None
    return np.dot(pinv, y), np.dot(pinv, np.transpose(pinv))


def _hac_cov(Z: np.ndarray, resid: np.ndarray, bread: np.ndarray, lags: int) -> np.ndarray:
    """``statsmodels.stats.sandwich_covariance.cov_hac_simple`` (Bartlett, corrected)."""
    xu = Z * resid[:, None]
    weights = 1 - np.arange(lags + 1) / (lags + 1.0)
    S = weights[0] * np.dot(xu.T, xu)
    for lag in range(1, lags + 1):
        s = np.dot(xu[lag:].T, xu[:-lag])
        S += weights[lag] * (s + s.T)
    cov = np.dot(np.dot(bread, S), bread.T)
    nobs, k = xu.shape
    cov *= nobs / float(nobs - k)
    return cov


def _hodrick_cov(X_all: np.ndarray, r: np.ndarray, horizon: int, Xreg: np.ndarray) -> np.ndarray:
    """``econ.models.regression._hodrick_cov`` with an intercept (``demean=True``)."""
    nobs_reg = Xreg.shape[0]
    e = r - r.mean()
    csum = np.cumsum(np.vstack([np.zeros((1, X_all.shape[1])), X_all]), axis=0)
    rolled = csum[horizon:] - csum[:-horizon]
    e_s = e[horizon - 1:]
    S = (rolled * (e_s**2)[:, None]).T @ rolled / len(e_s)
    Zinv = np.linalg.inv(Xreg.T @ Xreg / nobs_reg)
    return Zinv @ S @ Zinv / nobs_reg


def lean_ols(y: np.ndarray, X: np.ndarray, *, cov: str = "hac", rule: str = "nw1994",
             horizon: int | None = None, one_period: np.ndarray | None = None) -> LeanOLS | None:
    """OLS of ``y`` on a constant and ``X``: what ``ols_hac(y, X, cov=cov, rule=rule,
    horizon=horizon, one_period=one_period)`` reports, or ``None`` outside the lean case.

    Parameters
    ----------
    y
        Outcome, 1-d, complete. With ``cov="hodrick"``: the overlapping ``horizon``-period sum
        of ``one_period`` on its first ``len(one_period) - horizon + 1`` rows (the rows of the
        regression); it is not re-checked here.
    X
        Regressors ``(T, p)``, complete (``cov="hodrick"``: the rows of ``one_period``).
    cov
        ``"hac"`` (Bartlett, small-sample correction, Student-t) or ``"hodrick"``.
    rule, horizon
        As in :func:`econ.models.hac.choose_bandwidth` (``"hac"``); Hodrick's horizon.
    one_period
        The one-period outcome (``cov="hodrick"``).

    Returns
    -------
    LeanOLS or None
        ``None`` when ``ols_hac`` would raise or statsmodels would warn (the caller runs
        ``ols_hac``). Errors of the bandwidth rule propagate as ``ols_hac``'s would.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    y = np.ascontiguousarray(y, dtype=float)
    if cov == "hodrick":
        assert horizon is not None and one_period is not None
        X_all = _design_all(X)
        X = X[: len(y)]
    if not np.isfinite(y).all():
        return None
    Z = _design(X)
    if Z is None:
        return None
    fit = _pinv_fit(Z, y)
    if fit is None:
        return None
    params, bread = fit
    nobs, k = Z.shape
    df_resid = float(nobs) - k
    if cov == "hodrick":
        vcov = _hodrick_cov(X_all, np.ascontiguousarray(one_period, dtype=float), int(horizon), Z)
        return LeanOLS(params, vcov, df_resid, nobs, False, None,
                       f"Hodrick (1992) 1B standard errors, h = {horizon}")
    resid = y - np.dot(Z, params)
    data = None
    if rule in ("andrews", "nw-auto"):
        scores = Z * resid[:, None]
        data = scores[:, 1:]
    bw: Bandwidth = choose_bandwidth(nobs, rule, horizon=horizon, data=data)
    vcov = _hac_cov(Z, resid, bread, bw.lags)
    return LeanOLS(params, vcov, df_resid, nobs, True, bw.lags,
                   f"Newey-West (bartlett) HAC, with small-sample correction; {bw.description}")


def _design_all(X: np.ndarray) -> np.ndarray:
    """Hodrick's one-period design ``[1, X]`` (``sm.add_constant`` of the one-period rows)."""
    Z = np.empty((X.shape[1] + 1, X.shape[0])).T
    Z[:, 0] = 1.0
    Z[:, 1:] = X
    return Z
