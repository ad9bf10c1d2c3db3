"""Hansen (2000) threshold regression: estimate, test and confidence interval for a threshold.

Model (``q`` the threshold variable, ``gamma`` the unknown threshold)::

    y_i = x_i' beta_1 + e_i   if q_i <= gamma
    y_i = x_i' beta_2 + e_i   if q_i >  gamma

No maintained Python library implements the method, so it is written here, following
Hansen's own replication procedures (``thr_est``, ``thr_het``, ``thr_test``, distributed
with Hansen 2000 and packaged for R as ``thrreg``) and tested against their published
output on the Durlauf-Johnson growth data.

* ``gamma_hat`` minimises the sum of squared residuals ``S(gamma)`` over the distinct values
  of ``q`` (least squares = Gaussian ML);
* the test of no threshold is Hansen's (1996) sup statistic over a trimmed grid: the
  heteroskedasticity-robust LM statistic (``het_robust=True``) or the homoskedastic
  ``F = n (S_0 - S(gamma)) / S(gamma)``, with p-value from the fixed-regressor bootstrap
  (``y* = e_i z_i`` resp. ``y* = z_i``, ``z ~ N(0, 1)``);
* the confidence set for ``gamma`` inverts ``LR(gamma) = n (S(gamma) - S(gamma_hat)) /
  S(gamma_hat)`` (divided by ``eta^2`` under heteroskedasticity) against
  ``c(a) = -2 log(1 - sqrt(a))`` (Hansen 2000, Theorem 2 and eq. 17);
* regime coefficients are OLS on each side of ``gamma_hat`` with White (HC0) or pooled
  homoskedastic standard errors; ``gamma_hat`` does not affect their asymptotic distribution.

References
----------
Hansen, B. E. (1996). Inference when a nuisance parameter is not identified under the null
hypothesis. *Econometrica* 64(2), 413-430.
Hansen, B. E. (2000). Sample splitting and threshold estimation. *Econometrica* 68(3),
575-603.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special

from econ.models.base import Result, TestResult

__all__ = ["ThresholdResult", "hansen_critical_value", "threshold_regression", "threshold_sup_test"]

_CHUNK_ELEMS = 4_000_000  # float64 elements per bootstrap work array (~32 MB)


def hansen_critical_value(level: float) -> float:
    """Asymptotic critical value of ``LR(gamma)`` for a confidence set of coverage ``level``.

    ``c(level) = -2 log(1 - sqrt(level))`` (Hansen 2000, eq. 17): 5.94 at 90%, 7.35 at 95%,
    10.59 at 99%.
    """
    if not 0.0 < level < 1.0:
        raise ValueError("level must lie in (0, 1)")
    return -2.0 * math.log(1.0 - math.sqrt(level))


@dataclasses.dataclass(repr=False)
class ThresholdResult(Result):
    """Result of :func:`threshold_regression`.

    Attributes
    ----------
    gamma
        Least-squares threshold estimate (a value of ``q``); the lower regime is
        ``q <= gamma``.
    ci_lower, ci_upper
        Confidence interval for ``gamma``: smallest and largest grid values with
        ``LR(gamma) < crit_value`` (Hansen's convention; the set itself may have gaps,
        see :attr:`lr_profile`). Endpoints are values of ``q``: every ``gamma`` from
        ``ci_upper`` up to the next larger value of ``q`` gives the same sample split.
    ci_level, crit_value
        Coverage and ``c(ci_level)``.
    ci_censored
        True when the interval reaches an end of the estimation grid, i.e. the data (or
        the trimming ``est_trim``) do not bound it on that side.
    eta2
        Heteroskedasticity scale ``eta^2`` dividing the LR statistic (1.0 when
        ``het_robust`` is False).
    sup_stat, pvalue
        Test of no threshold (see :attr:`test`).
    ssr, ssr_linear
        ``S(gamma_hat)`` and the no-threshold SSR.
    nobs, n_lower, n_upper, k
        Observations in total, with ``q <= gamma`` and ``q > gamma``; regressors per regime.
    het_robust, trim, est_trim, n_boot
        Options used.
    coefs
        Tidy regime coefficients (see :meth:`to_frame`).
    test
        The sup test as a :class:`~econ.models.base.TestResult`; ``extra`` holds the
        maximising grid value ``gamma_sup`` and the bootstrap settings.
    lr_profile
        ``LR(gamma)`` over the estimation grid (index = gamma), for plotting against
        ``crit_value``.
    ssr_profile
        ``S(gamma)`` over the estimation grid.
    sup_profile
        Test statistic sequence over the (trimmed) test grid.
    boot_stats
        Bootstrap draws of the sup statistic (empty when ``n_boot == 0``).
    """

    gamma: float
    ci_lower: float
    ci_upper: float
    ci_level: float
    crit_value: float
    ci_censored: bool
    eta2: float
    sup_stat: float
    pvalue: float
    ssr: float
    ssr_linear: float
    nobs: int
    n_lower: int
    n_upper: int
    k: int
    het_robust: bool
    trim: float
    est_trim: float
    n_boot: int
    threshold_var: str
    coefs: pd.DataFrame
    test: TestResult
    lr_profile: pd.Series
    ssr_profile: pd.Series
    sup_profile: pd.Series
    boot_stats: np.ndarray

    title = "Threshold regression (Hansen 2000)"

    def regime_coefs(self, column: str = "estimate") -> pd.DataFrame:
        """Wide ``term x regime`` table of one coefficient column."""
        if column not in self.coefs.columns:
            raise ValueError(f"unknown column {column!r}")
        return self.coefs.pivot(index="term", columns="regime", values=column).loc[
            list(dict.fromkeys(self.coefs["term"])), ["lower", "upper"]]

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per regime coefficient plus one row for the threshold.

        Columns ``regime`` (``"lower"``: ``q <= gamma``, ``"upper"``: ``q > gamma``,
        ``"threshold"``), ``term``, ``estimate``, ``std_err``, ``zstat``, ``pvalue``,
        ``ci_lower``, ``ci_upper`` (normal intervals at ``ci_level`` for coefficients; the
        LR-inverted interval for the threshold).
        """
        thr = pd.DataFrame([{
            "regime": "threshold", "term": self.threshold_var, "estimate": self.gamma,
            "std_err": np.nan, "zstat": np.nan, "pvalue": self.pvalue,
            "ci_lower": self.ci_lower, "ci_upper": self.ci_upper,
        }])
        return pd.concat([self.coefs, thr], ignore_index=True)

    def summary(self) -> str:
        """Threshold, its interval, the test and the regime coefficients."""
        cens = " (censored by the grid)" if self.ci_censored else ""
        lines = [
            self.title,
            "=" * len(self.title),
            f"threshold variable          {self.threshold_var}",
            f"gamma_hat                   {self.gamma:.6g}",
            f"{self.ci_level:.0%} CI (LR inversion)     [{self.ci_lower:.6g}, "
            f"{self.ci_upper:.6g}]{cens}",
            f"c(alpha), eta^2             {self.crit_value:.4f}, {self.eta2:.4f}",
            f"{self.test.name:<28s}{self.sup_stat:.4f}   bootstrap p = {self.pvalue:.4f}"
            f"   (B = {self.n_boot})",
            f"n (lower, upper), k         {self.nobs} ({self.n_lower}, {self.n_upper}), "
            f"{self.k}",
            f"SSR threshold / linear      {self.ssr:.6g} / {self.ssr_linear:.6g}",
            "",
        ]
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            lines.append(self.coefs.to_string(index=False))
        return "\n".join(lines)


# ----------------------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------------------


def _vector(v: Any, name: str) -> tuple[np.ndarray, pd.Index | None, str | None]:
    if isinstance(v, pd.DataFrame):
        if v.shape[1] != 1:
            raise ValueError(f"{name} must be one-dimensional")
        v = v.iloc[:, 0]
    index = v.index if isinstance(v, pd.Series) else None
    label = str(v.name) if isinstance(v, pd.Series) and v.name is not None else None
    try:
        arr = np.asarray(v.to_numpy(dtype=float) if isinstance(v, pd.Series) else v,
                         dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be numeric") from err
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    return arr, index, label


def _prepare(y: Any, X: Any, q: Any, add_const: bool
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], str]:
    if isinstance(q, str):
        if not isinstance(X, pd.DataFrame) or q not in X.columns:
            raise ValueError(f"q={q!r} must name a column of the DataFrame X")
        q = X[q]
    yv, yidx, _ = _vector(y, "y")
    qv, qidx, qname = _vector(q, "q")
    n = len(yv)
    xidx = None
    if X is None:
        xv, names = np.empty((n, 0)), []
    else:
        if isinstance(X, pd.Series):
            X = X.to_frame(name=X.name if X.name is not None else "x0")
        if isinstance(X, pd.DataFrame):
            xidx, names = X.index, [str(c) for c in X.columns]
            try:
                xv = X.to_numpy(dtype=float)
            except (TypeError, ValueError) as err:
                raise ValueError("X must be numeric") from err
        else:
            try:
                xv = np.asarray(X, dtype=float)
            except (TypeError, ValueError) as err:
                raise ValueError("X must be numeric") from err
            if xv.ndim == 1:
                xv = xv[:, None]
            names = [f"x{i}" for i in range(xv.shape[1])]
    if xv.ndim != 2 or xv.shape[0] != n or len(qv) != n:
        raise ValueError(f"y, X and q must have the same length (got {n}, {xv.shape[0]}, "
                         f"{len(qv)})")
    idxs = [i for i in (yidx, xidx, qidx) if i is not None]
    if any(not i.equals(idxs[0]) for i in idxs[1:]):
        raise ValueError("the indexes of y, X and q differ; align them first")
    for arr, nm in ((yv, "y"), (xv, "X"), (qv, "q")):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{nm} contains NaN or infinite values; drop them first")
    has_const = bool(xv.shape[1]) and bool(np.any(np.all(xv == xv[:1], axis=0)))
    if add_const and not has_const:
        xv = np.column_stack([np.ones(n), xv])
        names = ["const", *names]
    if xv.shape[1] == 0:
        raise ValueError("no regressors: give X or add_const=True")
    if np.linalg.matrix_rank(xv) < xv.shape[1]:
        raise ValueError("X is rank deficient")
    return yv, xv, qv, names, qname or "q"


def _grid(q_sorted: np.ndarray, trim: float, min_obs: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``q`` usable as thresholds, and ``#(q <= value)`` for each.

    Trimming follows Hansen's code: keep values whose cumulative count lies in
    ``[floor(n trim), floor(n (1 - trim))]``; in addition each regime keeps ``min_obs``
    observations.
    """
    n = len(q_sorted)
    values = np.unique(q_sorted)
    counts = np.searchsorted(q_sorted, values, side="right")
    keep = (counts >= math.floor(n * trim)) & (counts <= math.floor(n * (1 - trim)))
    keep &= (counts >= min_obs) & (n - counts >= min_obs)
    return values[keep], counts[keep]


# ----------------------------------------------------------------------------------------
# linear algebra helpers
# ----------------------------------------------------------------------------------------


def _quad_inv(A: np.ndarray, s: np.ndarray, singular: float = np.nan, *, fast: bool = False) -> np.ndarray:
    """``s' A^{-1} s`` for stacks of symmetric ``A`` (..., k, k) and ``s`` (..., k).

    ``A`` is first scaled to unit diagonal (the form is invariant to this, and the rank
    check then does not depend on the units of the regressors); numerically singular
    ``A`` (smallest eigenvalue of the scaled matrix below ``1e-10`` of the largest) give
    ``singular``. ``fast``: 2 x 2 matrices in closed form (:func:`_quad_inv2`; the bootstrap
    draws), else by the eigen-decomposition (the estimates and the observed statistic, so
    they keep the exact bits of the eigen path).
    """
    A = 0.5 * (A + np.swapaxes(A, -1, -2))
    diag = np.diagonal(A, axis1=-2, axis2=-1)
    pos = np.all(diag > 0, axis=-1)
    d = np.sqrt(np.where(diag > 0, diag, 1.0))
    if fast and A.shape[-1] == 2:
        return _quad_inv2(A, s, d, pos, singular)
    A = A / (d[..., :, None] * d[..., None, :])
    s = s / d
    w, V = np.linalg.eigh(A)
    ok = w[..., 0] > 1e-10 * np.maximum(np.abs(w[..., -1]), 1e-300)
    proj = np.einsum("...kj,...k->...j", V, s)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.sum(proj**2 / np.where(w > 0, w, np.inf), axis=-1)
    return np.where(ok & pos, out, singular)


def _quad_inv2(A: np.ndarray, s: np.ndarray, d: np.ndarray, pos: np.ndarray, singular: float) -> np.ndarray:
    """:func:`_quad_inv` for 2 x 2 matrices (a constant and one regressor), in closed form.

    The scaled matrix is ``[[1, r], [r, 1]]`` with eigenvalues ``1 -+ |r|``, so the rank rule
    is ``1 - |r| > 1e-10 (1 + |r|)`` and ``s' A^{-1} s = (t1^2 - 2 r t1 t2 + t2^2) / (1 - r^2)``
    for the scaled ``t = s / d``: the same number as the eigen-decomposition up to rounding
    (a few units in the last place), without a LAPACK call per matrix, which dominated the
    bootstrap (a stack of B x G matrices).
    """
    return _quad2(A[..., 0, 0], A[..., 0, 1], A[..., 1, 1], s[..., 0], s[..., 1], singular, d=d, pos=pos)


def _quad2(a00: np.ndarray, a01: np.ndarray, a11: np.ndarray, s0: np.ndarray, s1: np.ndarray, singular: float,
           *, d: np.ndarray | None = None, pos: np.ndarray | None = None) -> np.ndarray:
    """``s' A^{-1} s`` of symmetric 2 x 2 ``A`` given by its entries (see :func:`_quad_inv2`)."""
    if d is None:
        pos = (a00 > 0) & (a11 > 0)
        d1, d2 = np.sqrt(np.where(a00 > 0, a00, 1.0)), np.sqrt(np.where(a11 > 0, a11, 1.0))
    else:
        d1, d2 = d[..., 0], d[..., 1]
    r = a01 / (d1 * d2)
    t1, t2 = s0 / d1, s1 / d2
    ok = (1.0 - np.abs(r)) > 1e-10 * (1.0 + np.abs(r))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (t1 * t1 - 2.0 * r * t1 * t2 + t2 * t2) / ((1.0 - r) * (1.0 + r))
    return np.where(ok & pos, out, singular)


def _het_lm2(E: np.ndarray, X: np.ndarray, mi: np.ndarray, M: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Hansen's robust LM sequence for two regressors, entry by entry (the bootstrap's fast path).

    The same algebra as the general branch of :func:`_sup_stats`,
    ``V = W - P W - W Q + P U Q`` with ``W`` the cumulated ``x x' e^2``, ``U`` its total,
    ``P = M mi`` and ``Q = mi M``, written out for the three distinct entries of the symmetric
    2 x 2 matrices as arrays (B, G), instead of B x G small matrix products; equal up to
    rounding.
    """
    x0, x1 = X[:, 0], X[:, 1]
    cs = np.cumsum(np.stack([x0[:, None] * E, x1[:, None] * E]), axis=1)[:, rows]  # (2, G, B)
    s0, s1 = cs[0].T, cs[1].T  # (B, G)
    E2 = E**2
    prods = np.stack([x0 * x0, x0 * x1, x1 * x1])  # (3, n)
    W = np.cumsum(prods[:, :, None] * E2[None], axis=1)[:, rows]  # (3, G, B)
    w00, w01, w11 = W[0].T, W[1].T, W[2].T
    u00, u01, u11 = (prods @ E2)[:, :, None]  # (B, 1) each
    P, Q = M @ mi, mi @ M  # (G, 2, 2)
    p00, p01, p10, p11 = P[:, 0, 0], P[:, 0, 1], P[:, 1, 0], P[:, 1, 1]
    q00, q01, q10, q11 = Q[:, 0, 0], Q[:, 0, 1], Q[:, 1, 0], Q[:, 1, 1]
    # P U Q, with (P U)_il = p_i0 u_0l + p_i1 u_1l
    pu00, pu01 = p00 * u00 + p01 * u01, p00 * u01 + p01 * u11
    pu10, pu11 = p10 * u00 + p11 * u01, p10 * u01 + p11 * u11
    v00 = w00 - (p00 * w00 + p01 * w01) - (w00 * q00 + w01 * q10) + (pu00 * q00 + pu01 * q10)
    v11 = w11 - (p10 * w01 + p11 * w11) - (w01 * q01 + w11 * q11) + (pu10 * q01 + pu11 * q11)
    v01 = w01 - (p00 * w01 + p01 * w11) - (w00 * q01 + w01 * q11) + (pu00 * q01 + pu01 * q11)
    v10 = w01 - (p10 * w00 + p11 * w01) - (w01 * q00 + w11 * q10) + (pu10 * q00 + pu11 * q10)
    return _quad2(v00, 0.5 * (v01 + v10), v11, s0, s1, 0.0)


def _sup_stats(E: np.ndarray, X: np.ndarray, mi: np.ndarray, MM: np.ndarray,
               counts: np.ndarray, het: bool, *, fast: bool = False) -> np.ndarray:
    """Test statistic sequence over the grid for each column of residuals ``E`` (n, B).

    Returns an array (B, G). ``het``: Hansen's heteroskedasticity-robust LM statistic
    ``s' V^{-1} s``; otherwise the homoskedastic ``F = n (S_0 - S(gamma)) / S(gamma)``.
    """
    n, k = X.shape
    rows = counts - 1
    XE = X[:, :, None] * E[:, None, :]  # (n, k, B)
    s = np.cumsum(XE, axis=0)[rows]  # (G, k, B)
    s = np.moveaxis(s, 2, 0)  # (B, G, k)
    M = MM[rows]  # (G, k, k)
    if not het:
        A = M - M @ mi @ M
        red = _quad_inv(A[None], s, singular=0.0, fast=fast)  # SSR reduction, (B, G)
        ee = np.sum(E**2, axis=0)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            return n * red / (ee - red)
    if fast and k == 2:
        return _het_lm2(E, X, mi, M, rows)
    XX = X[:, :, None] * X[:, None, :]  # (n, k, k)
    E2 = E**2
    vv = np.cumsum(XX[:, :, :, None] * E2[:, None, None, :], axis=0)[rows]  # (G,k,k,B)
    vv = np.moveaxis(vv, 3, 0)  # (B, G, k, k)
    vi = np.einsum("nij,nb->bij", XX, E2)[:, None]  # (B, 1, k, k)
    Mmi = (M @ mi)[None]  # (1, G, k, k)
    miM = (mi @ M)[None]
    V = vv - Mmi @ vv - vv @ miM + Mmi @ vi @ miM
    return _quad_inv(V, s, singular=0.0, fast=fast)


def _ols(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xtx_inv = np.linalg.inv(X.T @ X)
    b = xtx_inv @ (X.T @ y)
    return b, y - X @ b, xtx_inv


# ----------------------------------------------------------------------------------------
# eta^2
# ----------------------------------------------------------------------------------------


def _eta2(X: np.ndarray, q: np.ndarray, resid: np.ndarray, delta: np.ndarray, gamma: float,
          sigma2: float, method: str) -> float:
    """Hansen's (2000) heteroskedasticity scale ``eta^2 = E[(x'd)^2 e^2 | q=gamma] /
    (E[(x'd)^2 | q=gamma] sigma^2)``, by quadratic regression on ``q`` or an Epanechnikov
    kernel with Hansen's plug-in bandwidth (code of ``thr_est``, ``nonpar = 1 / 2``)."""
    n = len(q)
    r1 = (X @ delta) ** 2
    r2 = r1 * resid**2
    # quadratic regressions on q, fitted in standardised z = (q - mu) / sd for numerical
    # stability (fits and derivatives in q units are recovered exactly)
    mu = float(q.mean())
    sigq = math.sqrt(np.mean((q - mu) ** 2))
    if sigq == 0:
        return 1.0
    zx = np.column_stack([np.ones(n), (q - mu) / sigq, ((q - mu) / sigq) ** 2])
    zh = np.array([1.0, (gamma - mu) / sigq, ((gamma - mu) / sigq) ** 2])
    a1 = np.linalg.lstsq(zx, r1, rcond=None)[0]
    a2 = np.linalg.lstsq(zx, r2, rcond=None)[0]
    g1, g2 = float(zh @ a1), float(zh @ a2)
    if method == "kernel":
        # Hansen's thr_est (nonpar = 2), in the units of q as in his code: the plug-in
        # bandwidth below is not invariant to rescaling q (use "quadratic" if that matters)
        h = 2.344 * sigq / n**0.2
        u = (gamma - q) / h
        inside = u**2 <= 1
        f = np.mean((1 - u**2) * inside) * 0.75 / h
        df = -np.mean(-u * inside) * 1.5 / h**2
        eps = r1 - zx @ a1
        sige = float(eps @ eps) / (n - 3)
        m1_q2 = a1[2] / sigq**2  # coefficient on q^2 in q units
        m1_slope = (a1[1] + 2 * a1[2] * (gamma - mu) / sigq) / sigq  # d fit / dq at gamma
        denom = 4 * f * (m1_q2 + m1_slope * df / f) ** 2
        h = sige / denom if denom > 0 else np.nan
        if np.isfinite(h) and h > 0:
            u2 = ((gamma - q) / h) ** 2
            kh = (1 - u2) * 0.75 / h * (u2 <= 1)
            kg1, kg2 = float(np.mean(kh * r1)), float(np.mean(kh * r2))
            if kg1 > 0:
                g1, g2 = kg1, kg2
            else:
                warnings.warn("eta^2 kernel window holds no observations; using the "
                              "quadratic regression", RuntimeWarning, stacklevel=3)
        else:
            warnings.warn("eta^2 kernel bandwidth undefined; using the quadratic regression",
                          RuntimeWarning, stacklevel=3)
    if not (g1 > 0 and g2 > 0):
        warnings.warn("eta^2 estimate not positive; using eta^2 = 1 (homoskedastic LR)",
                      RuntimeWarning, stacklevel=3)
        return 1.0
    return (g2 / g1) / sigma2


@functools.lru_cache(maxsize=64)
def _coef_labels(regimes: tuple[str, ...], names: tuple[str, ...]) -> tuple[Any, Any]:
    """The ``regime`` and ``term`` columns as string arrays, made once per set of names (a
    null draw refits thousands of times; copy-on-write keeps the shared arrays unchanged)."""
    return (pd.array([r for r in regimes for _ in names], dtype="str"),
            pd.array(list(names) * len(regimes), dtype="str"))


def _coef_frame(names: list[str], regimes: tuple[tuple[str, np.ndarray, np.ndarray], ...],
                ci_level: float) -> pd.DataFrame:
    """Tidy regime coefficients with normal z-tests and intervals (built column-wise: the
    frame is made once per fit, and null draws fit thousands of times)."""
    est = np.concatenate([b for _, b, _ in regimes])
    se = np.concatenate([np.sqrt(np.diag(cov)) for _, _, cov in regimes])
    zs = est / se
    z_ci = special.ndtri(0.5 + ci_level / 2)  # = scipy.stats.norm.ppf, without its dispatch
    regime, term = _coef_labels(tuple(r for r, _, _ in regimes), tuple(names))
    return pd.DataFrame({
        "regime": regime,
        "term": term,
        "estimate": est, "std_err": se, "zstat": zs,
        "pvalue": 2 * special.ndtr(-np.abs(zs)),  # = 2 scipy.stats.norm.sf(|z|)
        "ci_lower": est - z_ci * se, "ci_upper": est + z_ci * se,
    })


# ----------------------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------------------


def threshold_regression(
    y: Any,
    X: Any,
    q: Any,
    *,
    trim: float = 0.15,
    est_trim: float | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    het_robust: bool = True,
    ci_level: float = 0.95,
    add_const: bool = True,
    eta2_method: Literal["kernel", "quadratic"] = "kernel",
) -> ThresholdResult:
    """Hansen (2000) two-regime threshold regression.

    Parameters
    ----------
    y
        Dependent variable (Series or array).
    X
        Regressors whose coefficients switch (DataFrame, Series, array or None). A
        constant is prepended when ``add_const`` and no constant column is present.
    q
        Threshold variable (Series or array), or the name of a column of ``X``.
    trim
        Share of observations trimmed from each end of ``q`` for the sup test (Hansen
        1996); also the default of ``est_trim``.
    est_trim
        Trimming of the grid over which ``gamma`` is estimated and ``LR(gamma)`` inverted.
        ``None`` = ``trim``. ``0.0`` reproduces Hansen's ``thr_est`` (every distinct value
        of ``q`` leaving at least ``k + 2`` observations in each regime), which his
        published intervals use. Each regime always keeps ``k + 2`` observations.
    n_boot
        Fixed-regressor bootstrap replications for the p-value (0 = no bootstrap,
        p-value ``nan``).
    seed
        Seed of the bootstrap.
    het_robust
        True: heteroskedasticity-robust LM test with wild bootstrap ``y* = e z``, White
        (HC0) coefficient standard errors, and ``eta^2`` scaling of ``LR(gamma)``.
        False: homoskedastic sup-F with ``y* = z``, pooled-variance standard errors, and
        unscaled ``LR``.
    ci_level
        Coverage of the interval for ``gamma`` and of the coefficient intervals.
    add_const
        Prepend an intercept (switching with the regimes).
    eta2_method
        ``"kernel"`` (Epanechnikov, Hansen's plug-in bandwidth; his default) or
        ``"quadratic"`` regression on ``(1, q, q^2)``.

    Returns
    -------
    ThresholdResult

    Raises
    ------
    ValueError
        On malformed input, or when no admissible threshold exists.

    Notes
    -----
    The test statistic maximiser (``test.extra["gamma_sup"]``) need not equal
    ``gamma_hat``: under heteroskedasticity the robust LM sequence and ``S(gamma)`` weigh
    the data differently. The bootstrap p-value is ``mean(stat* >= stat)`` (Hansen).
    """
    # ---- validation
    if not 0.0 <= trim < 0.5:
        raise ValueError("trim must lie in [0, 0.5)")
    if est_trim is None:
        est_trim = trim
    if not 0.0 <= est_trim < 0.5:
        raise ValueError("est_trim must lie in [0, 0.5)")
    if isinstance(n_boot, bool) or int(n_boot) != n_boot or n_boot < 0:
        raise ValueError("n_boot must be a non-negative integer")
    if not 0.0 < ci_level < 1.0:
        raise ValueError("ci_level must lie in (0, 1)")
    if eta2_method not in ("kernel", "quadratic"):
        raise ValueError("eta2_method must be 'kernel' or 'quadratic'")
    n_boot = int(n_boot)
    yv, xv, qv, names, qname = _prepare(y, X, q, add_const)
    n, k = xv.shape
    if n < 2 * (k + 2):
        raise ValueError(f"too few observations ({n}) for {k} regressors per regime")

    order = np.argsort(qv, kind="stable")
    ys, Xs, qs = yv[order], xv[order], qv[order]
    _, e0, mi = _ols(ys, Xs)
    ee0 = float(e0 @ e0)
    MM = np.cumsum(Xs[:, :, None] * Xs[:, None, :], axis=0)

    # ---- estimation grid, S(gamma)
    g_est, c_est = _grid(qs, est_trim, k + 2)
    if g_est.size == 0:
        raise ValueError("no admissible threshold: q has too few distinct values after "
                         "trimming")
    s_est = np.cumsum(Xs * e0[:, None], axis=0)[c_est - 1]
    M_est = MM[c_est - 1]
    red = _quad_inv(M_est - M_est @ mi @ M_est, s_est)
    ssr_prof = ee0 - red
    if not np.any(np.isfinite(ssr_prof)):
        raise ValueError("every candidate split leaves a rank-deficient regime")
    i_hat = int(np.nanargmin(ssr_prof))
    gamma = float(g_est[i_hat])
    n1 = int(c_est[i_hat])

    # regime regressions at gamma_hat (direct, not via the profile formula)
    b1, e1, mi1 = _ols(ys[:n1], Xs[:n1])
    b2, e2, mi2 = _ols(ys[n1:], Xs[n1:])
    ej = np.concatenate([e1, e2])
    ssr = float(ej @ ej)
    sigma2 = ssr / n
    if het_robust:
        cov1 = mi1 @ (Xs[:n1].T * e1**2) @ Xs[:n1] @ mi1
        cov2 = mi2 @ (Xs[n1:].T * e2**2) @ Xs[n1:] @ mi2
        eta2 = _eta2(Xs, qs, ej, b1 - b2, gamma, sigma2, eta2_method)
    else:
        s2 = ssr / (n - 2 * k)
        cov1, cov2 = s2 * mi1, s2 * mi2
        eta2 = 1.0

    # ---- LR(gamma) and its inversion
    lr = (ssr_prof - ssr) / (sigma2 * eta2)
    crit = hansen_critical_value(ci_level)
    accept = np.flatnonzero(np.isfinite(lr) & (lr < crit))
    ci_lo, ci_hi = float(g_est[accept[0]]), float(g_est[accept[-1]])
    valid = np.flatnonzero(np.isfinite(lr))
    ci_censored = bool(accept[0] == valid[0] or accept[-1] == valid[-1])

    # ---- sup test with fixed-regressor bootstrap
    g_test, c_test = _grid(qs, trim, k)
    if g_test.size == 0:
        raise ValueError("no admissible threshold in the test grid; lower trim")
    seq = _sup_stats(e0[:, None], Xs, mi, MM, c_test, het_robust)[0]
    j_sup = int(np.nanargmax(seq))
    stat = float(seq[j_sup])
    rng = np.random.default_rng(seed)
    boot = np.empty(n_boot)
    if n_boot:
        per_draw = n * k * k + len(c_test) * k * k * 3
        chunk = max(1, min(n_boot, _CHUNK_ELEMS // per_draw))
        for start in range(0, n_boot, chunk):
            b = min(chunk, n_boot - start)
            z = rng.standard_normal((n, b))
            ystar = e0[:, None] * z if het_robust else z
            estar = ystar - Xs @ (mi @ (Xs.T @ ystar))
            boot[start:start + b] = np.nanmax(
                _sup_stats(estar, Xs, mi, MM, c_test, het_robust, fast=True), axis=1)
        pvalue = float(np.mean(boot >= stat))
        crit_boot = {f"{int(round(100 * (1 - a)))}%": float(np.quantile(boot, a))
                     for a in (0.90, 0.95, 0.99)}
    else:
        pvalue, crit_boot = np.nan, {}
    test_name = "sup-LM (het-robust)" if het_robust else "sup-F"
    test = TestResult(
        name=f"{test_name} threshold test",
        stat=stat,
        pvalue=pvalue,
        df=None,
        null="no threshold (linear model)",
        crit=crit_boot,
        extra={"gamma_sup": float(g_test[j_sup]), "n_boot": n_boot, "trim": trim,
               "bootstrap": "fixed-regressor (Hansen 1996)"},
    )

    # ---- tidy coefficients
    coefs = _coef_frame(names, (("lower", b1, cov1), ("upper", b2, cov2)), ci_level)

    gidx = pd.Index(g_est, name=qname)
    return ThresholdResult(
        gamma=gamma,
        ci_lower=ci_lo,
        ci_upper=ci_hi,
        ci_level=ci_level,
        crit_value=crit,
        ci_censored=ci_censored,
        eta2=float(eta2),
        sup_stat=stat,
        pvalue=pvalue,
        ssr=ssr,
        ssr_linear=ee0,
        nobs=n,
        n_lower=n1,
        n_upper=n - n1,
        k=k,
        het_robust=het_robust,
        trim=trim,
        est_trim=float(est_trim),
        n_boot=n_boot,
        threshold_var=qname,
        coefs=coefs,
        test=test,
        lr_profile=pd.Series(lr, index=gidx, name="LR"),
        ssr_profile=pd.Series(ssr_prof, index=gidx, name="SSR"),
        sup_profile=pd.Series(seq, index=pd.Index(g_test, name=qname), name=test_name),
        boot_stats=boot,
    )


def threshold_sup_test(
    Y: Any,
    X: Any,
    q: Any,
    *,
    trim: float = 0.15,
    het_robust: bool = True,
    add_const: bool = True,
    exact: bool = False,
) -> np.ndarray:
    """Sup test statistic of no threshold for many dependent variables with one ``X`` and ``q``.

    The statistic :func:`threshold_regression` reports as ``sup_stat`` (heteroskedasticity-
    robust sup-LM, or the homoskedastic sup-F), for every column of ``Y`` at once: the
    regressors, the threshold variable and so the sorted grid and its cumulative moments are
    shared, and the columns go through the batched path of the fixed-regressor bootstrap. Use
    it for permutation or simulation draws (e.g. the size of a trimming choice under the
    null), where a loop of ``threshold_regression(..., n_boot=0)`` would re-fit everything.

    Parameters
    ----------
    Y
        Dependent variables, ``(n,)`` or ``(n, D)`` (array, Series or DataFrame).
    X, q, trim, het_robust, add_const
        As in :func:`threshold_regression` (``trim`` of the test grid).
    exact
        ``True``: each column takes the operations of :func:`threshold_regression` (its OLS
        residuals and the eigen path of the observed statistic), so the statistics are the
        same floats as its ``sup_stat``; the sorting, the grid and the cumulative moments are
        still shared. ``False`` (default): the batched bootstrap path, equal up to rounding.

    Returns
    -------
    numpy.ndarray
        ``(D,)`` sup statistics; equal to ``threshold_regression(Y[:, j], X, q, trim=trim,
        het_robust=het_robust).sup_stat`` exactly with ``exact``, else up to rounding (the
        residuals are computed for all columns in one matrix product, and 2 x 2 quadratic forms
        in closed form).
    """
    if not 0.0 <= trim < 0.5:
        raise ValueError("trim must lie in [0, 0.5)")
    first = Y.iloc[:, 0] if isinstance(Y, pd.DataFrame) else Y
    Ym = np.asarray(Y.to_numpy(dtype=float) if isinstance(Y, (pd.Series, pd.DataFrame)) else Y, dtype=float)
    if Ym.ndim == 1:
        Ym = Ym[:, None]
    if Ym.ndim != 2 or Ym.shape[1] == 0:
        raise ValueError("Y must be (n,) or (n, D) with D >= 1")
    if not np.all(np.isfinite(Ym)):
        raise ValueError("Y contains NaN or infinite values; drop them first")
    _, xv, qv, _, _ = _prepare(first if isinstance(first, pd.Series) else Ym[:, 0], X, q, add_const)
    n, k = xv.shape
    if Ym.shape[0] != n:
        raise ValueError(f"Y has {Ym.shape[0]} rows, X and q {n}")
    order = np.argsort(qv, kind="stable")
    Xs, qs, Ys = xv[order], qv[order], Ym[order]
    mi = np.linalg.inv(Xs.T @ Xs)
    MM = np.cumsum(Xs[:, :, None] * Xs[:, None, :], axis=0)
    g_test, c_test = _grid(qs, trim, k)
    if g_test.size == 0:
        raise ValueError("no admissible threshold in the test grid; lower trim")
    D = Ym.shape[1]
    out = np.empty(D)
    if exact:
        for j in range(D):
            _, e0, _ = _ols(np.ascontiguousarray(Ys[:, j]), Xs)
            seq = _sup_stats(e0[:, None], Xs, mi, MM, c_test, het_robust)[0]
            out[j] = seq[int(np.nanargmax(seq))]
        return out
    chunk = max(1, min(D, _CHUNK_ELEMS // (n * k * k + len(c_test) * k * k * 3)))
    for start in range(0, D, chunk):
        Yc = Ys[:, start:start + chunk]
        E = Yc - Xs @ (mi @ (Xs.T @ Yc))
        out[start:start + Yc.shape[1]] = np.nanmax(_sup_stats(E, Xs, mi, MM, c_test, het_robust, fast=True),
                                                   axis=1)
    return out
