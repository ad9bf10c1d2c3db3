"""Test of linearity against Markov switching: Carrasco, Hu and Ploberger (2014).

Under the null the regression ``y_t = x_t' beta + sigma e_t`` (Gaussian ``e_t``) has constant
parameters; under the alternative the parameters in a chosen subset ``theta_S`` (any of the
coefficients and the variance) switch, ``theta_S,t = theta_S + c h S_t``, with ``S_t`` a
stationary Markov chain of autocorrelation ``rho``. The CHP statistic needs only the fit under
the null: for a direction ``h`` (unit vector) and ``rho``,

.. math::

    \\mu_t(h, \\rho) = \\tfrac12 h'\\left(\\ell^{(2)}_t + \\ell^{(1)}_t \\ell^{(1)\\prime}_t\\right)h
        + \\sum_{s<t} \\rho^{t-s} (h'\\ell^{(1)}_t)(h'\\ell^{(1)}_s),

with ``l1_t``, ``l2_t`` the observation's score and Hessian of the log-likelihood in
``theta_S`` at the null estimate (CHP eq. 2.5). ``Gamma = T^{-1/2} sum_t mu_t``; ``eps`` is
the residual of ``mu_t`` regressed on the full score ``l1_t`` (all parameters), and

.. math::

    TS(h, \\rho) = \\tfrac12 \\left[\\max\\left(0, \\Gamma / \\sqrt{\\overline{\\varepsilon^2}}\\right)\\right]^2 .

``supTS`` is its maximum over a grid of ``rho`` in ``[-rho_bound, rho_bound]`` and a set of
directions ``h`` (seeded draws on the unit sphere plus the coordinate axes); ``expTS`` the
average of ``sqrt(2 pi) exp((z - 1)^2 / 2) Phi(z - 1)``, ``z = Gamma / sqrt(mean eps^2)``.
Critical values come from a parametric bootstrap (CHP p. 771): simulate the fitted linear
Gaussian model with the data's regressors, re-estimate by OLS, recompute both statistics with
the same grid. The statistic is invariant to affine rescaling of ``y`` and of each regressor
(the sup runs over every direction); the data are standardised first so that seeded
directions cover the parameters evenly.

Because the alternative includes a switching *variance*, the test also reacts to excess
kurtosis of Gaussian-linear residuals (a two-regime variance mixture is fat-tailed); with
only coefficients switching it is an information-matrix-type test of parameter variation.

References
----------
Carrasco, M., Hu, L. and Ploberger, W. (2014). Optimal test for Markov switching
parameters. *Econometrica* 82(2), 765-784.
Rodriguez-Rondon, G. and Dufour, J.-M. MSTest (R package): ``CHPTest`` (same statistic,
there for autoregressions with a switching mean and/or variance).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.signal import lfilter
from scipy.special import log_ndtr, logsumexp

from econ.models.base import Result

__all__ = ["CHPResult", "chp_test"]

_VAR = "sigma2"


@dataclasses.dataclass(repr=False)
class CHPResult(Result):
    """Result of :func:`chp_test`.

    Attributes
    ----------
    sup_ts, exp_ts
        supTS and expTS statistics on the data.
    sup_pvalue, exp_pvalue
        Parametric-bootstrap p-values ``(1 + #{boot >= stat}) / (1 + n_boot)``.
    nobs, n_boot, rho_bound, n_rho, n_directions
        Sample size and the test's grid.
    switching
        Names of the parameters allowed to switch under the alternative.
    boot_sup, boot_exp
        Bootstrap statistics.
    """

    sup_ts: float
    exp_ts: float
    sup_pvalue: float
    exp_pvalue: float
    nobs: int
    n_boot: int
    rho_bound: float
    n_rho: int
    n_directions: int
    switching: tuple[str, ...]
    boot_sup: np.ndarray
    boot_exp: np.ndarray

    @property
    def title(self) -> str:  # type: ignore[override]
        return "Carrasco-Hu-Ploberger test of linearity against Markov switching"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"statistic": [self.sup_ts, self.exp_ts],
                             "pvalue": [self.sup_pvalue, self.exp_pvalue],
                             "crit_5pct": [float(np.quantile(self.boot_sup, 0.95)),
                                           float(np.quantile(self.boot_exp, 0.95))]},
                            index=pd.Index(["supTS", "expTS"], name="test"))


def _design(endog: Any, exog: Any) -> tuple[np.ndarray, np.ndarray, list[str]]:
    y = np.asarray(endog, dtype=float).ravel()
    if exog is None:
        x, names = np.empty((y.size, 0)), []
    elif isinstance(exog, pd.Series):
        x, names = exog.to_numpy(dtype=float)[:, None], [str(exog.name or "x0")]
    elif isinstance(exog, pd.DataFrame):
        x, names = exog.to_numpy(dtype=float), [str(c) for c in exog.columns]
    else:
        x = np.asarray(exog, dtype=float)
        x = x[:, None] if x.ndim == 1 else x
        names = [f"x{i}" for i in range(x.shape[1])]
    if x.shape[0] != y.size:
        raise ValueError(f"exog must have {y.size} rows (got {x.shape[0]})")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(x))):
        raise ValueError("endog and exog must be finite; drop missing values first")
    sd = x.std(axis=0)
    if np.any(sd == 0):
        raise ValueError("exog has a constant column; the constant is added by the test")
    x = (x - x.mean(axis=0)) / sd
    y = (y - y.mean()) / y.std()
    return y, np.column_stack([np.ones(y.size), x]), ["const", *names]


class _Stat:
    """supTS / expTS of one sample on a fixed (rho, h) grid."""

    def __init__(self, X: np.ndarray, sel: np.ndarray, rhos: np.ndarray, dirs: np.ndarray) -> None:
        self.X, self.sel, self.rhos, self.dirs = X, sel, rhos, dirs
        self.XtX_inv = np.linalg.inv(X.T @ X)

    def __call__(self, y: np.ndarray) -> tuple[float, float]:
        X, sel, H = self.X, self.sel, self.dirs
        T, k = X.shape
        beta = self.XtX_inv @ (X.T @ y)
        e = y - X @ beta
        s2 = float(e @ e) / T                          # ML variance under the null
        # score (T x k+1) and Hessian (T x k+1 x k+1) of log N(y; x'beta, s2) per observation
        score = np.column_stack([X * (e / s2)[:, None], -0.5 / s2 + e**2 / (2 * s2**2)])
        hess = np.zeros((T, k + 1, k + 1))
        hess[:, :k, :k] = -np.einsum("ti,tj->tij", X, X) / s2
        hess[:, :k, k] = hess[:, k, :k] = -X * (e / s2**2)[:, None]
        hess[:, k, k] = 0.5 / s2**2 - e**2 / s2**3
        ls = score[:, sel]
        A = hess[np.ix_(np.arange(T), sel, sel)] + np.einsum("ti,tj->tij", ls, ls)
        quad = 0.5 * np.einsum("tij,hi,hj->th", A, H, H)          # T x n_dirs
        lh = ls @ H.T                                              # h' l_t
        # sum_{s<t} rho^{t-s} l_s = filter x_t = rho (x_{t-1} + l_{t-1})
        # filled in place as T x (rho, h) columns, and squared residuals in place: the
        # arrays are large and the statistic is computed ~100 times per test
        mu = np.empty((T, len(self.rhos), len(H)))
        for i, rho in enumerate(self.rhos):
            past = lfilter([0.0, rho], [1.0, -rho], ls, axis=0)
            np.add(quad, lh * (past @ H.T), out=mu[:, i, :])
        flat = mu.reshape(T, -1)
        eps = score @ (np.linalg.pinv(score) @ flat)
        np.subtract(flat, eps, out=eps)
        gamma = flat.sum(axis=0) / np.sqrt(T)
        scale = np.sqrt(np.mean(np.square(eps, out=eps), axis=0))
        z = np.where(scale > 1e-12, gamma / np.where(scale > 1e-12, scale, 1.0), 0.0)
        sup = float(np.max(0.5 * np.maximum(z, 0.0) ** 2))
        log_psi = 0.5 * np.log(2 * np.pi) + 0.5 * (z - 1) ** 2 + log_ndtr(z - 1)
        exp_ts = float(np.exp(logsumexp(log_psi) - np.log(log_psi.size)))
        return sup, exp_ts


def chp_test(endog: Any, exog: Any = None, *, switching: Sequence[str] | None = None,
             rho_bound: float = 0.7, n_rho: int = 8, n_directions: int = 40, n_boot: int = 99,
             seed: int = 0) -> CHPResult:
    """Carrasco-Hu-Ploberger (2014) test of a linear regression against Markov switching.

    Parameters
    ----------
    endog
        Dependent series, no missing values.
    exog
        Regressors (a constant is added); ``None`` = a mean only.
    switching
        Parameters that switch under the alternative: any of ``"const"``, the exog names
        and ``"sigma2"``. Default: all of them.
    rho_bound
        ``rho`` ranges over ``n_rho`` equally spaced values in ``[-rho_bound, rho_bound]``
        (CHP's and MSTest's default bound is 0.7).
    n_directions
        Seeded random directions ``h`` on the unit sphere of the switching parameters (the
        coordinate axes are always added; one direction when a single parameter switches).
    n_boot
        Parametric-bootstrap draws under the fitted linear Gaussian model.
    seed
        Seed of the directions and the bootstrap.

    Returns
    -------
    CHPResult
    """
    if not 0 < rho_bound < 1:
        raise ValueError("rho_bound must lie in (0, 1)")
    if n_rho < 1 or n_directions < 1 or n_boot < 1:
        raise ValueError("n_rho, n_directions and n_boot must be positive")
    y, X, names = _design(endog, exog)
    params = [*names, _VAR]
    switching = tuple(params if switching is None else switching)
    unknown = set(switching) - set(params)
    if unknown or not switching:
        raise ValueError(f"switching must name parameters among {params} (got {sorted(unknown) or 'none'})")
    if y.size < 3 * len(params) + 10:
        raise ValueError(f"too few observations ({y.size}) for {len(params)} parameters")
    sel = np.array([params.index(p) for p in switching])
    rng = np.random.default_rng(seed)
    m = sel.size
    dirs = np.eye(m)
    if m > 1:
        draws = rng.standard_normal((n_directions, m))
        dirs = np.vstack([dirs, draws / np.linalg.norm(draws, axis=1, keepdims=True)])
    rhos = np.linspace(-rho_bound, rho_bound, n_rho)
    stat = _Stat(X, sel, rhos, dirs)
    sup, expo = stat(y)
    beta = stat.XtX_inv @ (X.T @ y)
    sd = float(np.sqrt(np.mean((y - X @ beta) ** 2)))
    fit = X @ beta
    boot = np.array([stat(fit + sd * rng.standard_normal(y.size)) for _ in range(n_boot)])
    return CHPResult(
        sup_ts=sup, exp_ts=expo,
        sup_pvalue=float((1 + np.sum(boot[:, 0] >= sup)) / (1 + n_boot)),
        exp_pvalue=float((1 + np.sum(boot[:, 1] >= expo)) / (1 + n_boot)),
        nobs=int(y.size), n_boot=int(n_boot), rho_bound=float(rho_bound), n_rho=int(n_rho),
        n_directions=int(len(dirs)), switching=switching, boot_sup=boot[:, 0], boot_exp=boot[:, 1])
