"""A fast replica of :func:`econ.models.regression.ols_hac` for the null draws of a grid.

A joint test re-fits every specification on hundreds of null data sets; through statsmodels
each fit costs about 4 ms, in numpy about 0.1 ms. :func:`slope_hac` computes exactly what
``ols_hac(y, x, cov="hac", rule=rule, small_sample=True)`` reports for the slope of a
regression on a constant and regressors (Bartlett kernel, lags from
:func:`econ.models.hac.choose_bandwidth`, ``T/(T-k)`` correction, Student-t p-values with
``T - k`` df, as Stata's ``newey``); the tests check the two agree to 1e-10. Use it only in
null draws; the reported estimates come from ``ols_hac`` itself.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from econ.models.hac import choose_bandwidth

__all__ = ["ols_hac_cov", "slope_hac"]


def ols_hac_cov(y: np.ndarray, x: np.ndarray, *, rule: str = "nw1994", lags: int | None = None,
                horizon: int | None = None) -> tuple[np.ndarray, np.ndarray, int, int]:
    """OLS of ``y`` on a constant and ``x``: coefficients and their Newey–West covariance.

    Bartlett kernel, lags from :func:`econ.models.hac.choose_bandwidth` (data-dependent rules
    see the regressor-by-residual scores, intercept excluded), ``T/(T-k)`` correction.
    Returns ``(beta, V, nobs, k)`` with the intercept first.
    """
    yy = np.asarray(y, dtype=float)
    xx = np.asarray(x, dtype=float)
    if xx.ndim == 1:
        xx = xx[:, None]
    n = len(yy)
    Z = np.column_stack([np.ones(n), xx])
    k = Z.shape[1]
    zz_inv = np.linalg.inv(Z.T @ Z)
    beta = zz_inv @ (Z.T @ yy)
    u = Z * (yy - Z @ beta)[:, None]
    data = u[:, 1:] if rule in ("andrews", "nw-auto") else None
    L = choose_bandwidth(n, rule, lags=lags, horizon=horizon, data=data).lags
    S = u.T @ u
    for j in range(1, L + 1):
        g = u[j:].T @ u[:-j]
        S += (1 - j / (L + 1)) * (g + g.T)
    return beta, zz_inv @ S @ zz_inv * n / (n - k), n, k


def slope_hac(y: np.ndarray, x: np.ndarray, *, rule: str = "nw1994", lags: int | None = None,
              horizon: int | None = None) -> tuple[float, float, float, int]:
    """OLS of ``y`` on a constant and ``x`` with Newey–West errors: the first slope's inference.

    Parameters
    ----------
    y
        Outcome (1-d, no missing values).
    x
        Regressor(s): 1-d or ``(T, k)``; the first column's coefficient is reported.
    rule, lags, horizon
        As in :func:`econ.models.hac.choose_bandwidth` (the data-dependent rules use the
        regressor-by-residual scores, intercept excluded, as ``ols_hac`` does).

    Returns
    -------
    tuple
        ``(beta, se, pvalue, nobs)``.
    """
    beta, V, n, k = ols_hac_cov(y, x, rule=rule, lags=lags, horizon=horizon)
    se = float(np.sqrt(V[1, 1]))
    b = float(beta[1])
    p = float(2 * special.stdtr(n - k, -abs(b / se))) if se > 0 else float("nan")
    return b, se, p, n
