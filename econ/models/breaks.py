"""Bai–Perron (1998, 2003) multiple structural change in a linear regression.

Model (Bai & Perron 1998, eq. 1)::

    y_t = z_t' delta_j + x_t' beta + u_t,   t = T_{j-1}+1, ..., T_j,   j = 1, ..., m+1

``z`` (q columns) has coefficients that break, ``x`` (p columns, optional) has
coefficients fixed across regimes (partial structural change). Break dates
``T_1 < ... < T_m`` are the *last observation of each regime* (the convention of
Bai & Perron's GAUSS code and of R ``strucchange``); every regime has at least
``h = floor(eps * T)`` observations.

What is implemented, following Perron's GAUSS program ``BRCODE.SRC`` (2004) and
Bai & Perron (2003a, *J. Applied Econometrics* 18, 1-22):

* global SSR minimisation for m = 1..M by dynamic programming over the triangular
  matrix of segment SSRs, computed row by row from cumulated cross-products
  (O(T^2 q^2) time, O(T q^2) memory);
* supF_T(k) at the global minimisers, UDmax, WDmax, supF_T(l+1|l) with the l breaks
  from the global fit, the sequential procedure (breaks estimated one at a time,
  Bai 1997 / BP 1998 section 5), BIC (Yao 1988) and LWZ (Liu, Wu & Zidek 1997);
* covariance options for the tests and standard errors: homoskedastic, regime-
  specific error variances, or HAC (Andrews 1991 quadratic-spectral kernel with
  AR(1) plug-in bandwidth and AR(1)/VAR(1) prewhitening, as in BP; or Bartlett
  with lags from :func:`econ.models.hac.bandwidth`, by default the Newey–West
  1994 rule ``floor(4 (T/100)^(2/9))``);
* confidence intervals for break dates from the limiting distribution of Bai (1997)
  allowing different regressor moments and error variances across regimes
  (``het_q``/``het_omega``; the same formula as strucchange's ``confint``);
* partial structural change (p > 0) by BP's iterative procedure (alternating the
  dynamic programme on ``y - x beta`` and OLS for ``beta``); this converges to a
  local, not provably global, minimum.

Critical values come from Bai & Perron (2003b), see :mod:`econ.models._bp_critical`;
p-values are not computed (the tables give four levels).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize, special

from econ.models import _bp_critical as _cv
from econ.models.base import Result
from econ.models.hac import bandwidth as _hac_bandwidth

__all__ = [
    "BreakResult",
    "bai_perron",
    "critical_value",
    "global_breaks",
    "segment_ssr",
]

LEVELS: tuple[float, ...] = _cv.LEVELS
_LEVEL_NAMES: tuple[str, ...] = ("10%", "5%", "2.5%", "1%")
CovType = Literal["hac", "het", "homo"]


# --------------------------------------------------------------------------------------
# Segment sums of squared residuals
# --------------------------------------------------------------------------------------
class _SegmentSSR:
    """SSR of the OLS fit of ``y`` on ``z`` over any segment ``[s, t)`` in O(q^3).

    The regression is preconditioned without changing any segment's SSR: ``y`` is
    replaced by its full-sample OLS residual and ``z`` by the orthonormal factor of
    its QR decomposition (``z R^{-1}`` spans the same space on every segment).
    Cumulated cross-products of these well-scaled quantities then give each
    segment's SSR by differencing.
    """

    def __init__(self, y: np.ndarray, z: np.ndarray) -> None:
        n, q = z.shape
        qmat, rmat = np.linalg.qr(z)
        if np.min(np.abs(np.diag(rmat))) <= 1e-12 * max(1.0, np.max(np.abs(rmat))):
            raise ValueError("the breaking regressors z are collinear in the full sample")
        e = y - qmat @ (qmat.T @ y)
        zq = qmat * math.sqrt(n)
        self.q = q
        self.cee = np.concatenate([[0.0], np.cumsum(e * e)])
        self.cze = np.vstack([np.zeros((1, q)), np.cumsum(zq * e[:, None], axis=0)])
        self.czz = np.concatenate(
            [np.zeros((1, q, q)), np.cumsum(zq[:, :, None] * zq[:, None, :], axis=0)]
        )

    def __call__(self, s: Any, t: Any) -> np.ndarray:
        """SSR of observations ``s, ..., t-1`` (0-based, half-open; broadcasts)."""
        s = np.asarray(s)
        t = np.asarray(t)
        ee = self.cee[t] - self.cee[s]
        b = self.cze[t] - self.cze[s]
        g = self.czz[t] - self.czz[s]
        if self.q == 1:
            gg = g[..., 0, 0]
            bb = b[..., 0]
            with np.errstate(divide="ignore", invalid="ignore"):
                quad = np.where(gg > 0, bb * bb / np.where(gg > 0, gg, 1.0), 0.0)
        else:
            try:
                sol = np.linalg.solve(g, b[..., None])[..., 0]
            except np.linalg.LinAlgError:
                sol = (np.linalg.pinv(g) @ b[..., None])[..., 0]
            quad = np.sum(b * sol, axis=-1)
        return np.maximum(ee - quad, 0.0)


def segment_ssr(y: Any, z: Any = None) -> _SegmentSSR:
    """Callable giving the SSR of regressing ``y`` on ``z`` over any segment.

    Parameters
    ----------
    y
        Dependent variable, length T.
    z
        Regressors (T x q); ``None`` means a constant.

    Returns
    -------
    callable
        ``f(s, t)`` is the SSR of observations ``s, ..., t-1`` (0-based), vectorised.
    """
    yy, zz = _as_arrays(y, z)
    return _SegmentSSR(yy, zz)


def _dynamic_programme(
    ssr: _SegmentSSR, n: int, h: int, m_max: int
) -> tuple[np.ndarray, dict[int, tuple[int, ...]]]:
    """Global SSR minimisation for 0..m_max breaks (Bai & Perron 2003a, section 3).

    One pass over segment starts ``a``: when row ``a`` of the triangular SSR matrix
    is formed, the optimal (k-1)-break SSR of the first ``a`` observations is final,
    so the optimal k-break SSRs of all longer samples can be updated at once.
    Ties go to the earliest break, as GAUSS ``minindc``.
    """
    best = np.full((m_max + 1, n + 1), np.inf)
    arg = np.zeros((m_max + 1, n + 1), dtype=np.int64)
    best[0, h:] = ssr(0, np.arange(h, n + 1))
    if m_max >= 1:
        for a in range(h, n - h + 1):
            base = best[:m_max, a]
            if not np.isfinite(base).any():
                continue
            row = ssr(a, np.arange(a + h, n + 1))
            for k in range(1, m_max + 1):
                if not np.isfinite(base[k - 1]):
                    continue
                cand = base[k - 1] + row
                cur = best[k, a + h :]
                better = cand < cur
                if better.any():
                    cur[better] = cand[better]
                    arg[k, a + h :][better] = a
    total = best[:, n].copy()
    dates: dict[int, tuple[int, ...]] = {0: ()}
    for k in range(1, m_max + 1):
        if not np.isfinite(total[k]):
            dates[k] = ()
            continue
        out = []
        end = n
        for level in range(k, 0, -1):
            end = int(arg[level, end])
            out.append(end)
        dates[k] = tuple(sorted(out))
    return total, dates


def global_breaks(
    y: Any, z: Any = None, *, h: int, max_breaks: int
) -> tuple[np.ndarray, dict[int, tuple[int, ...]]]:
    """Break dates minimising the total SSR, for every number of breaks 0..max_breaks.

    Pure structural change (all coefficients break).

    Parameters
    ----------
    y, z
        Dependent variable and breaking regressors (``None`` = constant).
    h
        Minimal number of observations per regime.
    max_breaks
        Largest number of breaks.

    Returns
    -------
    ssr : numpy.ndarray
        ``ssr[m]`` is the minimal SSR with m breaks (``inf`` if infeasible).
    dates : dict
        ``dates[m]`` are the m break positions (1-based last observation of each
        regime).
    """
    yy, zz = _as_arrays(y, z)
    return _dynamic_programme(_SegmentSSR(yy, zz), len(yy), int(h), int(max_breaks))


# --------------------------------------------------------------------------------------
# Long-run covariance (HAC)
# --------------------------------------------------------------------------------------
def _qs_kernel(x: np.ndarray) -> np.ndarray:
    d = 6.0 * np.pi * x / 5.0
    return 3.0 * (np.sin(d) / d - np.cos(d)) / (d * d)


def _andrews_ar1_bandwidth(e: np.ndarray) -> float:
    """Andrews (1991) AR(1) plug-in bandwidth for the QS kernel, unit weights (BP ``bandw``)."""
    n = e.shape[0]
    num = 0.0
    den = 0.0
    for i in range(e.shape[1]):
        lag, cur = e[:-1, i], e[1:, i]
        ll = lag @ lag
        b = (lag @ cur) / ll if ll > 0 else 0.0
        sig = np.sum((cur - b * lag) ** 2) / (n - 1)
        num += 4.0 * b * b * sig * sig / (1.0 - b) ** 8
        den += sig * sig / (1.0 - b) ** 4
    a2 = num / den if den > 0 else 0.0
    return 1.3221 * (a2 * n) ** 0.2


def _bartlett_lags(e: np.ndarray, rule: str) -> int:
    """Bartlett lags from the package-wide rule in :mod:`econ.models.hac`."""
    data = e if rule in ("andrews", "nw-auto") else None
    return _hac_bandwidth(e.shape[0], rule, data=data)


def _kernel_sum(e: np.ndarray, kernel: str, rule: str = "nw1994") -> np.ndarray:
    """sum_j w_j Gamma_j / (n - d) with Gamma_j = sum_t e_{t+j} e_t' (BP ``jhatpr``)."""
    n, d = e.shape
    nfft = 1 << int(math.ceil(math.log2(max(2 * n, 2))))
    f = np.fft.rfft(e, n=nfft, axis=0)
    cross = np.fft.irfft(f[:, :, None] * np.conj(f[:, None, :]), n=nfft, axis=0)[:n]
    lags = np.arange(1, n)
    if kernel == "qs":
        st = _andrews_ar1_bandwidth(e)
        w = _qs_kernel(lags / st) if st > 0 else np.zeros(n - 1)
    elif kernel == "bartlett":
        nl = _bartlett_lags(e, rule)
        w = np.clip(1.0 - lags / (nl + 1.0), 0.0, None)
    else:  # pragma: no cover - validated upstream
        raise ValueError(f"unknown kernel {kernel!r}")
    gam = cross[1:]
    jhat = cross[0] + np.einsum("j,jab->ab", w, gam + np.transpose(gam, (0, 2, 1)))
    return jhat / (n - d)


def _long_run_cov(v: np.ndarray, prewhiten: bool, kernel: str, rule: str = "nw1994") -> np.ndarray:
    """Long-run covariance of the rows of ``v`` (BP ``correct``), per observation.

    With prewhitening, a VAR(1) without intercept is fitted to ``v``, the kernel
    estimator is applied to its residuals and the result recoloured by
    ``(I - A)^{-1} J (I - A)^{-1}'`` (Andrews & Monahan 1992). BP's GAUSS code uses
    the transpose of ``A`` here, which matters only when ``v`` has several columns;
    we use the textbook form, as does the R package mbreaks.
    """
    v = np.asarray(v, dtype=float)
    if v.ndim == 1:
        v = v[:, None]
    n, d = v.shape
    if prewhiten and n > d + 2:
        lag, cur = v[:-1], v[1:]
        coef = np.linalg.lstsq(lag, cur, rcond=None)[0]
        resid = cur - lag @ coef
        jhat = _kernel_sum(resid, kernel, rule)
        inv = np.linalg.inv(np.eye(d) - coef.T)
        return inv @ jhat @ inv.T
    return _kernel_sum(v, kernel, rule)


# --------------------------------------------------------------------------------------
# Regression pieces
# --------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class _Cov:
    robust: bool
    het_var: bool
    prewhiten: bool
    kernel: str
    rule: str = "nw1994"

    def lrv(self, v: np.ndarray) -> np.ndarray:
        return _long_run_cov(v, self.prewhiten, self.kernel, self.rule)


def _partition(z: np.ndarray, ends: Sequence[int]) -> np.ndarray:
    """Diagonal partition of ``z`` at break positions ``ends`` (BP ``pzbar``)."""
    n, q = z.shape
    bounds = [0, *ends, n]
    out = np.zeros((n, (len(bounds) - 1) * q))
    for j in range(len(bounds) - 1):
        out[bounds[j] : bounds[j + 1], j * q : (j + 1) * q] = z[bounds[j] : bounds[j + 1]]
    return out


def _ols(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(x, y, rcond=None)[0]


def _coef_cov(
    y: np.ndarray,
    z: np.ndarray,
    x: np.ndarray | None,
    ends: Sequence[int],
    cov: _Cov,
    with_x: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """OLS of the partitioned model and covariance of the coefficients (BP ``pvdel``).

    Coefficients are ordered (delta_1, ..., delta_{m+1}, beta). With ``with_x=False``
    (used by the tests) the covariance is that of the deltas only, ``x`` being
    partialled out of the partitioned ``z``.
    """
    n, q = z.shape
    p = 0 if x is None else x.shape[1]
    zbar = _partition(z, ends)
    xfull = zbar if p == 0 else np.column_stack([zbar, x])
    coef = _ols(y, xfull)
    res = y - xfull @ coef
    if p == 0:
        reg = zbar
    elif with_x:
        reg = xfull
    else:
        reg = zbar - x @ np.linalg.solve(x.T @ x, x.T @ zbar)
    bounds = [0, *ends, n]
    segs = [(bounds[j], bounds[j + 1]) for j in range(len(bounds) - 1)]
    rr_inv = np.linalg.inv(reg.T @ reg)
    if not cov.robust:
        if not cov.het_var:
            return coef, (res @ res / n) * rr_inv, res
        meat = np.zeros((reg.shape[1], reg.shape[1]))
        for a, b in segs:
            meat += (res[a:b] @ res[a:b] / (b - a)) * (reg[a:b].T @ reg[a:b])
    elif p == 0:
        meat = np.zeros((reg.shape[1], reg.shape[1]))
        full = None if cov.het_var else cov.lrv(z * res[:, None])
        for j, (a, b) in enumerate(segs):
            lrv = cov.lrv(z[a:b] * res[a:b, None]) if cov.het_var else full
            meat[j * q : (j + 1) * q, j * q : (j + 1) * q] = (b - a) * lrv
    else:
        meat = n * cov.lrv(reg * res[:, None])
    return coef, rr_inv @ meat @ rr_inv, res


def _wald_f(
    y: np.ndarray, z: np.ndarray, x: np.ndarray | None, ends: Sequence[int], cov: _Cov
) -> float:
    """F statistic for no break against breaks at ``ends`` (BP ``pftest``).

    ``(T - (m+1) q - p) / (T m) * delta' R' (R V R')^{-1} R delta``: the Wald
    statistic divided by the number of breaks m (not by m q), the scaling of the
    Bai–Perron critical value tables.
    """
    n, q = z.shape
    p = 0 if x is None else x.shape[1]
    m = len(ends)
    coef, vdel, _ = _coef_cov(y, z, x, ends, cov, with_x=False)
    delta = coef[: (m + 1) * q]
    diff = np.zeros((m, m + 1))
    diff[np.arange(m), np.arange(m)] = -1.0
    diff[np.arange(m), np.arange(1, m + 1)] = 1.0
    rmat = np.kron(diff, np.eye(q))
    rd = rmat @ delta
    fstar = float(rd @ np.linalg.solve(rmat @ vdel @ rmat.T, rd))
    return (n - (m + 1) * q - p) * fstar / (n * m)


def _ssr_full(y: np.ndarray, z: np.ndarray, x: np.ndarray | None, ends: Sequence[int]) -> float:
    zbar = _partition(z, ends)
    xx = zbar if x is None else np.column_stack([zbar, x])
    res = y - xx @ _ols(y, xx)
    return float(res @ res)


def _one_break(
    y: np.ndarray,
    z: np.ndarray,
    x: np.ndarray | None,
    ssr: _SegmentSSR | None,
    a: int,
    b: int,
    h: int,
) -> int:
    """Best single break in ``[a, b)`` (absolute position of the regime end)."""
    ks = np.arange(a + h, b - h + 1)
    if x is None:
        assert ssr is not None
        tot = ssr(a, ks) + ssr(ks, b)
    else:  # partial change: brute force with beta re-estimated (BP ``onebp``)
        ys, zs, xs = y[a:b], z[a:b], x[a:b]
        tot = np.array([_ssr_full(ys, zs, xs, [k - a]) for k in ks])
    return int(ks[int(np.argmin(tot))])


def _partial_dating(
    y: np.ndarray,
    z: np.ndarray,
    x: np.ndarray,
    h: int,
    m: int,
    tol: float,
    maxiter: int,
) -> tuple[float, tuple[int, ...], int]:
    """Break dates of the partial change model by iteration (BP ``nldat``)."""
    n, q = z.shape
    p = x.shape[1]
    _, d0 = _dynamic_programme(_SegmentSSR(y, np.column_stack([z, x])), n, h, m)
    ends = d0[m]
    zbar = _partition(z, ends)
    teta = _ols(y, np.column_stack([zbar, _partition(x, ends)]))
    delta = teta[: (m + 1) * q]
    beta = _ols(y - zbar @ delta, x)
    ssr_old = float(np.sum((y - x @ beta - zbar @ delta) ** 2))
    ssr_new = ssr_old
    it = 0
    for it in range(1, maxiter + 1):  # noqa: B007 - returned
        _, dd = _dynamic_programme(_SegmentSSR(y - x @ beta, z), n, h, m)
        ends = dd[m]
        xfull = np.column_stack([x, _partition(z, ends)])
        teta = _ols(y, xfull)
        beta = teta[:p]
        res = y - xfull @ teta
        ssr_new = float(res @ res)
        if abs(ssr_new - ssr_old) <= tol:
            break
        ssr_old = ssr_new
    return ssr_new, tuple(ends), it


# --------------------------------------------------------------------------------------
# Break-date confidence intervals (Bai 1997; BP 1998 Proposition 8; BP ``interval``)
# --------------------------------------------------------------------------------------
def _argmax_cdf(x: float, eta: float, phi1: float, phi2: float) -> float:
    """CDF of argmax_s {W(s) - |s|/2} with regime-specific scales (BP ``funcg``).

    Written with log-normal-CDF terms so the tails do not overflow (the same
    distribution as strucchange's ``pargmaxV``).
    """
    a = phi1 / phi2
    gam = (phi2 / phi1 + 1.0) * eta / 2.0
    b = math.sqrt(phi1 * eta / phi2)
    deld = math.sqrt(phi2 * eta / phi1) + b / 2.0
    alph = a * (1.0 + a) / 2.0
    bet = (1.0 + 2.0 * a) / 2.0
    if x <= 0:
        ax = -x
        return (
            -math.sqrt(ax / (2.0 * math.pi)) * math.exp(x / 8.0)
            - (bet / alph) * math.exp(-alph * x + special.log_ndtr(-bet * math.sqrt(ax)))
            + (2.0 * bet * bet / alph - 2.0 - x / 2.0) * special.ndtr(-math.sqrt(ax) / 2.0)
        )
    sx = math.sqrt(x)
    return (
        1.0
        + (b / math.sqrt(2.0 * math.pi)) * sx * math.exp(-b * b * x / 8.0)
        + (b * deld / gam) * math.exp(gam * x + special.log_ndtr(-deld * sx))
        + (2.0 - b * b * x / 2.0 - 2.0 * deld * deld / gam) * special.ndtr(-b * sx / 2.0)
    )


def _argmax_quantile(prob: float, eta: float, phi1: float, phi2: float) -> float:
    def f(v: float) -> float:
        return _argmax_cdf(v, eta, phi1, phi2) - prob

    lo, hi = -1.0, 1.0
    while f(lo) > 0:
        lo *= 2.0
    while f(hi) < 0:
        hi *= 2.0
    return float(optimize.brentq(f, lo, hi, xtol=1e-10, rtol=1e-12))


def _break_intervals(
    y: np.ndarray,
    z: np.ndarray,
    x: np.ndarray | None,
    ends: Sequence[int],
    cov: _Cov,
    het_q: bool,
    het_omega: bool,
) -> np.ndarray:
    """Rows (lower95, upper95, lower90, upper90) of break positions (BP ``interval``)."""
    n, q = z.shape
    m = len(ends)
    zbar = _partition(z, ends)
    xx = zbar if x is None else np.column_stack([zbar, x])
    coef = _ols(y, xx)
    res = y - xx @ coef
    bounds = [0, *ends, n]
    out = np.zeros((m, 4))
    for i in range(m):
        d = coef[(i + 1) * q : (i + 2) * q] - coef[i * q : (i + 1) * q]
        s1 = slice(bounds[i], bounds[i + 1])
        s2 = slice(bounds[i + 1], bounds[i + 2])
        n1, n2 = bounds[i + 1] - bounds[i], bounds[i + 2] - bounds[i + 1]
        if het_q:
            q1 = z[s1].T @ z[s1] / n1
            q2 = z[s2].T @ z[s2] / n2
        else:
            q1 = q2 = z.T @ z / n
        dq1, dq2 = float(d @ q1 @ d), float(d @ q2 @ d)
        eta = dq2 / dq1
        if not cov.robust:
            if het_omega:
                phi1 = float(res[s1] @ res[s1]) / n1
                phi2 = float(res[s2] @ res[s2]) / n2
            else:
                phi1 = phi2 = float(res @ res) / n
            scale = dq1 / phi1
        else:
            if het_omega:
                om1 = cov.lrv(z[s1] * res[s1, None])
                om2 = cov.lrv(z[s2] * res[s2, None])
            else:
                om1 = om2 = cov.lrv(z * res[:, None])
            do1 = float(d @ om1 @ d)
            phi1 = do1 / dq1
            phi2 = float(d @ om2 @ d) / dq2
            scale = dq1 * dq1 / do1
        cvs = [_argmax_quantile(pr, eta, phi1, phi2) for pr in (0.025, 0.05, 0.95, 0.975)]
        b = ends[i]
        out[i] = (
            math.trunc(b - cvs[3] / scale),
            math.trunc(b - cvs[0] / scale) + 1,
            math.trunc(b - cvs[2] / scale),
            math.trunc(b - cvs[1] / scale) + 1,
        )
    return out.astype(int)


# --------------------------------------------------------------------------------------
# Critical values
# --------------------------------------------------------------------------------------
def critical_value(
    test: Literal["supF", "seq", "UDmax", "WDmax"],
    q: int,
    trim: float,
    level: float,
    k: int = 1,
) -> float:
    """Bai & Perron (2003b) asymptotic critical value.

    Parameters
    ----------
    test
        ``"supF"`` (supF_T(k), 0 vs k breaks), ``"seq"`` (supF_T(k|k-1), i.e. l = k-1
        breaks vs l+1), ``"UDmax"`` or ``"WDmax"``.
    q
        Number of breaking regressors (1..10).
    trim
        Trimming eps, one of 0.05, 0.10, 0.15, 0.20, 0.25.
    level
        Significance level, one of 0.10, 0.05, 0.025, 0.01.
    k
        Number of breaks under the alternative (supF, seq).

    Returns
    -------
    float
        The critical value, ``nan`` if outside the tables.
    """
    eps = _match(trim, _cv.EPSILONS, "trim")
    li = LEVELS.index(_match(level, LEVELS, "level"))
    if not 1 <= q <= 10:
        return float("nan")
    if test == "supF":
        tab = _cv.SUPF[eps]
        return float(tab[li, q - 1, k - 1]) if 1 <= k <= tab.shape[2] else float("nan")
    if test == "seq":
        tab = _cv.SEQ[eps]
        return float(tab[li, q - 1, k - 1]) if 1 <= k <= tab.shape[2] else float("nan")
    if test == "UDmax":
        return float(_cv.DMAX[eps][li, q - 1, 0])
    if test == "WDmax":
        return float(_cv.DMAX[eps][li, q - 1, 1])
    raise ValueError(f"unknown test {test!r}")


def _match(value: float, allowed: Sequence[float], name: str) -> float:
    for a in allowed:
        if abs(float(value) - a) < 1e-9:
            return a
    raise ValueError(f"{name}={value} not tabulated; use one of {tuple(allowed)}")


# --------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------
@dataclasses.dataclass(repr=False)
class BreakResult(Result):
    """Result of :func:`bai_perron`.

    Break positions are 1-based counts: break ``T_j`` is the last observation of
    regime j; its date is ``index[T_j - 1]`` (as strucchange's ``breakdates``).

    Attributes
    ----------
    n_breaks
        Number of breaks chosen by the rule ``selection``; ``n_breaks_sequential``,
        ``n_breaks_supf_next``, ``n_breaks_bic`` and ``n_breaks_lwz`` give every rule.
    breaks, break_dates
        Global SSR minimisers for ``n_breaks`` breaks, as positions and index labels.
    ci
        Per break: position, date and 95 % / 90 % interval bounds (positions and
        labels; labels are clipped to the sample).
    coefs
        Regime coefficients with standard errors (``regime`` 0 = fixed ``x`` terms).
    tests
        supF(k), UDmax, WDmax and supF(l+1|l) with critical values at 10/5/2.5/1 %.
    info_criteria
        SSR, BIC, LWZ and likelihood-scale BIC (strucchange) for m = 0..M.
    sequential
        Outcome of the sequential procedure at each of the four levels.
    global_breaks
        Optimal break positions for every m = 0..M.
    """

    nobs: int
    q: int
    p: int
    trim: float
    h: int
    max_breaks: int
    cov_type: str
    level: float
    selection: str
    n_breaks: int
    n_breaks_sequential: int
    n_breaks_supf_next: int
    n_breaks_bic: int
    n_breaks_lwz: int
    udmax: float
    wdmax: float
    breaks: tuple[int, ...]
    break_dates: list[Any]
    ci: pd.DataFrame
    coefs: pd.DataFrame
    tests: pd.DataFrame
    info_criteria: pd.DataFrame
    sequential: pd.DataFrame
    global_breaks: dict[int, tuple[int, ...]]
    index: pd.Index
    title: str = "Bai-Perron multiple structural change"

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per test, break date, coefficient and selection rule."""
        lv = _LEVEL_NAMES[LEVELS.index(self.level)]
        rows: list[dict[str, Any]] = []
        for _, r in self.tests.iterrows():
            rows.append(
                {
                    "section": "test",
                    "name": r["test"],
                    "estimate": r["stat"],
                    "crit": r[f"crit_{lv}"],
                    "reject": r["reject"],
                }
            )
        for _, r in self.ci.iterrows():
            rows.append(
                {
                    "section": "break",
                    "name": f"break{int(r['break'])}",
                    "estimate": r["position"],
                    "date": r["date"],
                    "lower": r["lower95"],
                    "upper": r["upper95"],
                    "lower_date": r["lower95_date"],
                    "upper_date": r["upper95_date"],
                }
            )
        for _, r in self.coefs.iterrows():
            rows.append(
                {
                    "section": "coef",
                    "name": r["term"],
                    "regime": r["regime"],
                    "estimate": r["coef"],
                    "std_err": r["std_err"],
                }
            )
        for rule in ("sequential", "supf_next", "bic", "lwz"):
            rows.append(
                {
                    "section": "n_breaks",
                    "name": rule,
                    "estimate": getattr(self, f"n_breaks_{rule}"),
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """Human-readable report of tests, selection, break dates and coefficients."""
        lines = [self.title, "=" * len(self.title)]
        lines.append(
            f"T = {self.nobs}, q = {self.q} breaking, p = {self.p} fixed regressors; "
            f"trim = {self.trim}, h = {self.h}, M = {self.max_breaks}; cov = {self.cov_type}"
        )
        lines.append(
            f"breaks chosen: {self.n_breaks} by {self.selection} "
            f"(sequential {self.n_breaks_sequential}, supF(l+1|l) {self.n_breaks_supf_next}, "
            f"BIC {self.n_breaks_bic}, LWZ {self.n_breaks_lwz}; level {self.level})"
        )
        with pd.option_context("display.width", 140, "display.max_columns", 30):
            lines += ["", "Tests", self.tests.to_string(index=False)]
            lines += ["", "Information criteria", self.info_criteria.to_string(index=False)]
            if len(self.ci):
                lines += ["", "Break dates (confidence intervals)", self.ci.to_string(index=False)]
            lines += ["", "Coefficients", self.coefs.to_string(index=False)]
        return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Main entry point
# --------------------------------------------------------------------------------------
def _as_arrays(y: Any, z: Any) -> tuple[np.ndarray, np.ndarray]:
    yy = np.asarray(y, dtype=float).reshape(-1)
    if z is None:
        zz = np.ones((len(yy), 1))
    else:
        zz = np.asarray(z, dtype=float)
        if zz.ndim == 1:
            zz = zz[:, None]
    if zz.shape[0] != len(yy):
        raise ValueError("y and z have different lengths")
    return yy, zz


def _names(obj: Any, k: int, default: str) -> list[str]:
    if isinstance(obj, pd.DataFrame):
        return [str(c) for c in obj.columns]
    if isinstance(obj, pd.Series) and obj.name is not None:
        return [str(obj.name)]
    return [f"{default}{i}" for i in range(k)]


def bai_perron(
    y: Any,
    z: Any = None,
    x: Any = None,
    *,
    max_breaks: int | None = None,
    trim: float = 0.15,
    h: int | None = None,
    cov_type: CovType = "hac",
    het_var: bool = True,
    prewhiten: bool = True,
    kernel: Literal["qs", "bartlett"] = "qs",
    bandwidth_rule: str = "nw1994",
    het_q: bool = True,
    het_omega: bool = True,
    level: float = 0.05,
    select: Literal["sequential", "supf_next", "bic", "lwz"] = "sequential",
    partial_tol: float = 1e-4,
    partial_maxiter: int = 20,
) -> BreakResult:
    """Bai–Perron multiple structural change analysis of a linear regression.

    Parameters
    ----------
    y
        Dependent variable (Series: its index labels the break dates).
    z
        Regressors whose coefficients break (T x q). ``None``: a constant (mean
        shifts). Include a constant column yourself when passing ``z``.
    x
        Optional regressors with constant coefficients (T x p): partial change.
    max_breaks
        Largest number of breaks M. Default ``min(5, K(trim), T // h - 1)`` where
        K(trim) = 9, 8, 5, 3, 2 is the largest tabulated; larger requests are capped
        (with a warning).
    trim
        eps in {0.05, 0.10, 0.15, 0.20, 0.25}; selects the critical values.
    h
        Minimal regime length; default ``floor(trim * T)``.
    cov_type
        Covariance used in the F tests, standard errors and (``"hac"`` vs other)
        the break-date intervals: ``"homo"`` (common error variance, no
        autocorrelation: the classical Chow F), ``"het"`` (error variance may differ
        across regimes) or ``"hac"`` (heteroskedasticity and autocorrelation robust).
    het_var
        With ``cov_type="hac"``, estimate the long-run variance regime by regime
        (BP ``hetvar=1``) rather than on the full sample.
    prewhiten
        AR(1)/VAR(1) prewhitening before the HAC kernel (BP ``prewhit``).
    kernel
        ``"qs"``: quadratic spectral kernel with Andrews' (1991) AR(1) plug-in
        bandwidth ``1.3221 (a(2) T)^(1/5)`` computed as in BP's GAUSS ``bandw`` (needed
        to reproduce their published statistics). ``"bartlett"``: Newey–West weights
        with the lag count of :func:`econ.models.hac.bandwidth`.
    bandwidth_rule
        Rule passed to :func:`econ.models.hac.bandwidth` when ``kernel="bartlett"``
        (default ``"nw1994"``: ``floor(4 (T/100)^(2/9))``, T being the length of the
        regime or sample whose long-run variance is estimated).
    het_q, het_omega
        Break-date intervals: allow regressor moments / error (long-run) variances
        to differ between adjacent regimes.
    level
        Significance level for the sequential rule, the ``reject`` column and WDmax.
    select
        Rule giving ``n_breaks``: ``"sequential"`` (BP sequential procedure, breaks
        estimated one at a time), ``"supf_next"`` (first non-significant
        supF_T(l+1|l) using global minimisers, starting from supF_T(1)), ``"bic"`` or
        ``"lwz"``. The reported breaks are the global SSR minimisers for that number.
    partial_tol, partial_maxiter
        Convergence of the iterative estimation when ``x`` is given.

    Returns
    -------
    BreakResult
    """
    index = y.index if isinstance(y, pd.Series) else pd.RangeIndex(1, len(np.asarray(y)) + 1)
    yy, zz = _as_arrays(y, z)
    n, q = zz.shape
    z_names = ["const"] if z is None else _names(z, q, "z")
    xx: np.ndarray | None = None
    x_names: list[str] = []
    if x is not None:
        xx = np.asarray(x, dtype=float)
        if xx.ndim == 1:
            xx = xx[:, None]
        if xx.shape[0] != n:
            raise ValueError("y and x have different lengths")
        x_names = _names(x, xx.shape[1], "x")
    p = 0 if xx is None else xx.shape[1]
    if not np.all(np.isfinite(yy)) or not np.all(np.isfinite(zz)):
        raise ValueError("y and z must be finite (drop missing values first)")
    eps = _match(trim, _cv.EPSILONS, "trim")
    level = _match(level, LEVELS, "level")
    li = LEVELS.index(level)
    if cov_type not in ("hac", "het", "homo"):
        raise ValueError("cov_type must be 'hac', 'het' or 'homo'")
    if kernel not in ("qs", "bartlett"):
        raise ValueError("kernel must be 'qs' or 'bartlett'")
    h = int(math.floor(eps * n)) if h is None else int(h)
    if h <= q + p:
        raise ValueError(f"h={h} must exceed the number of regressors q + p = {q + p}")
    cap = min(_cv.MAX_BREAKS[eps], n // h - 1)
    if max_breaks is None:
        m_max = min(5, cap)
    else:
        m_max = min(int(max_breaks), cap)
        if m_max < max_breaks:
            warnings.warn(
                f"max_breaks={max_breaks} reduced to {m_max} (tables for trim={eps} and T/h)",
                stacklevel=2,
            )
    if m_max < 1:
        raise ValueError("the sample is too short for even one break with this trimming")
    cov = _Cov(
        robust=cov_type == "hac",
        het_var=het_var if cov_type == "hac" else cov_type == "het",
        prewhiten=prewhiten,
        kernel=kernel,
        rule=bandwidth_rule,
    )

    # ---- global minimisation -----------------------------------------------------
    ssr_fun: _SegmentSSR | None = None
    if xx is None:
        ssr_fun = _SegmentSSR(yy, zz)
        ssr_m, dates = _dynamic_programme(ssr_fun, n, h, m_max)
        ssr_m = ssr_m.copy()
    else:
        ssr_m = np.empty(m_max + 1)
        dates = {0: ()}
        for m in range(1, m_max + 1):
            ssr_m[m], dates[m], _ = _partial_dating(yy, zz, xx, h, m, partial_tol, partial_maxiter)
    ssr_m[0] = _ssr_full(yy, zz, xx, [])

    # ---- supF(k), UDmax, WDmax -----------------------------------------------------
    qi = q - 1
    in_tab = q <= 10
    supf = np.array([_wald_f(yy, zz, xx, dates[k], cov) for k in range(1, m_max + 1)])

    def crit_row(tab: np.ndarray, col: int) -> list[float]:
        if not in_tab or col >= tab.shape[2]:
            return [float("nan")] * 4
        return [float(tab[j, qi, col]) for j in range(4)]

    test_rows: list[dict[str, Any]] = []
    for k in range(1, m_max + 1):
        test_rows.append(
            {"test": f"supF({k})", "stat": supf[k - 1], "crit": crit_row(_cv.SUPF[eps], k - 1)}
        )
    udmax = float(supf.max())
    test_rows.append(
        {"test": "UDmax", "stat": udmax, "crit": crit_row(_cv.DMAX[eps], 0), "note": ""}
    )
    if in_tab:
        wts = _cv.SUPF[eps][li, qi, 0] / _cv.SUPF[eps][li, qi, :m_max]
        wdmax = float(np.max(wts * supf))
    else:
        wdmax = float("nan")
    test_rows.append(
        {
            "test": "WDmax",
            "stat": wdmax,
            "crit": crit_row(_cv.DMAX[eps], 1),
            "note": f"weights at {_LEVEL_NAMES[li]}",
        }
    )

    # ---- supF(l+1|l) with global minimisers --------------------------------------
    def seg_max_f(ends: Sequence[int]) -> tuple[float, int | None]:
        bounds = [0, *ends, n]
        best_f, best_k = 0.0, None
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            if b - a < 2 * h:
                continue
            k = _one_break(yy, zz, xx, ssr_fun, a, b, h)
            f = _wald_f(yy[a:b], zz[a:b], None if xx is None else xx[a:b], [k - a], cov)
            if best_k is None or f > best_f:
                best_f, best_k = f, k
        return best_f, best_k

    supf_next = [float(supf[0])]
    for ell in range(1, m_max):
        f, k = seg_max_f(dates[ell])
        supf_next.append(f)
        test_rows.append(
            {
                "test": f"supF({ell + 1}|{ell})",
                "stat": f,
                "crit": crit_row(_cv.SEQ[eps], ell),
                "new_break": k,
            }
        )
    seq_crit = [crit_row(_cv.SEQ[eps], ell)[li] for ell in range(m_max)]
    n_supf_next = m_max
    for ell in range(m_max):
        if not supf_next[ell] >= seq_crit[ell]:
            n_supf_next = ell
            break

    tests = pd.DataFrame(
        [
            {
                "test": r["test"],
                "stat": float(r["stat"]),
                **{f"crit_{nm}": r["crit"][j] for j, nm in enumerate(_LEVEL_NAMES)},
                "reject": bool(r["stat"] >= r["crit"][li]) if np.isfinite(r["crit"][li]) else None,
                "new_break": r.get("new_break"),
                "note": r.get("note", ""),
            }
            for r in test_rows
        ]
    )

    # ---- sequential procedure (one break at a time) -------------------------------
    seq_rows = []
    seq_by_level: dict[float, tuple[int, ...]] = {}
    path = _sequential_path(yy, zz, xx, ssr_fun, h, m_max, cov)
    for j, lev in enumerate(LEVELS):
        crit = [crit_row(_cv.SEQ[eps], c)[j] for c in range(m_max)]
        found = _sequential_count(path, crit)
        seq_by_level[lev] = found
        seq_rows.append(
            {
                "level": lev,
                "n_breaks": len(found),
                "breaks": found,
                "dates": [index[b - 1] for b in found],
            }
        )
    sequential = pd.DataFrame(seq_rows)

    # ---- information criteria (BP ``order``; strucchange-scale BIC too) ------------
    ms = np.arange(m_max + 1)
    bic = np.log(ssr_m / n) + np.log(n) * ms * (q + 1) / n
    lwz = np.log(ssr_m / (n - (ms + 1) * q - ms)) + ms * (q + 1) * 0.299 * np.log(n) ** 2.1 / n
    bic_ll = n * (np.log(ssr_m) + 1 - np.log(n) + np.log(2 * np.pi)) + np.log(n) * (
        (q + 1) * (ms + 1) + p
    )
    info = pd.DataFrame(
        {
            "m": ms,
            "ssr": ssr_m,
            "bic": bic,
            "lwz": lwz,
            "bic_loglik": bic_ll,
            "breaks": [dates[m] for m in ms],
        }
    )
    n_bic, n_lwz = int(np.argmin(bic)), int(np.argmin(lwz))
    n_seq = len(seq_by_level[level])
    chosen = {
        "sequential": n_seq,
        "supf_next": n_supf_next,
        "bic": n_bic,
        "lwz": n_lwz,
    }
    if select not in chosen:
        raise ValueError(f"select must be one of {tuple(chosen)}")
    m_sel = chosen[select]
    ends = tuple(dates[m_sel])

    # ---- final model: coefficients, s.e., break-date intervals --------------------
    coef, vcov, _ = _coef_cov(yy, zz, xx, ends, cov, with_x=True)
    se = np.sqrt(np.clip(np.diag(vcov), 0.0, None))
    bounds = [0, *ends, n]
    coef_rows = []
    for j in range(m_sel + 1):
        for i, nm in enumerate(z_names):
            c = j * q + i
            coef_rows.append(
                {
                    "regime": j + 1,
                    "term": nm,
                    "coef": coef[c],
                    "std_err": se[c],
                    "start": index[bounds[j]],
                    "end": index[bounds[j + 1] - 1],
                    "nobs": bounds[j + 1] - bounds[j],
                }
            )
    for i, nm in enumerate(x_names):
        c = (m_sel + 1) * q + i
        coef_rows.append(
            {
                "regime": 0,
                "term": nm,
                "coef": coef[c],
                "std_err": se[c],
                "start": index[0],
                "end": index[-1],
                "nobs": n,
            }
        )
    coefs = pd.DataFrame(coef_rows)

    def lab(pos: int) -> Any:
        return index[min(max(pos, 1), n) - 1]

    ci_rows = []
    if m_sel:
        bnd = _break_intervals(yy, zz, xx, ends, cov, het_q, het_omega)
        for i, b in enumerate(ends):
            lo95, hi95, lo90, hi90 = (int(v) for v in bnd[i])
            ci_rows.append(
                {
                    "break": i + 1,
                    "position": b,
                    "date": index[b - 1],
                    "lower95": lo95,
                    "upper95": hi95,
                    "lower90": lo90,
                    "upper90": hi90,
                    "lower95_date": lab(lo95),
                    "upper95_date": lab(hi95),
                    "lower90_date": lab(lo90),
                    "upper90_date": lab(hi90),
                }
            )
    ci = pd.DataFrame(
        ci_rows,
        columns=[
            "break",
            "position",
            "date",
            "lower95",
            "upper95",
            "lower90",
            "upper90",
            "lower95_date",
            "upper95_date",
            "lower90_date",
            "upper90_date",
        ],
    )

    return BreakResult(
        nobs=n,
        q=q,
        p=p,
        trim=eps,
        h=h,
        max_breaks=m_max,
        cov_type=cov_type,
        level=level,
        selection=select,
        n_breaks=m_sel,
        n_breaks_sequential=n_seq,
        n_breaks_supf_next=n_supf_next,
        n_breaks_bic=n_bic,
        n_breaks_lwz=n_lwz,
        udmax=udmax,
        wdmax=wdmax,
        breaks=ends,
        break_dates=[index[b - 1] for b in ends],
        ci=ci,
        coefs=coefs,
        tests=tests,
        info_criteria=info,
        sequential=sequential,
        global_breaks=dict(dates),
        index=index,
    )


def _sequential_path(
    y: np.ndarray,
    z: np.ndarray,
    x: np.ndarray | None,
    ssr: _SegmentSSR | None,
    h: int,
    m_max: int,
    cov: _Cov,
) -> list[tuple[float, int | None]]:
    """Search path of the BP sequential procedure (``sequa``), computed once.

    Step 0 is the best single break in the full sample with its F statistic; step
    l adds, among the segments delimited by the l breaks found so far, the break
    whose one-break F statistic (computed on that segment) is largest. Which break
    is added does not depend on the significance level, only where the procedure
    stops does (see :func:`_sequential_count`). Segment searches are cached.
    """
    n = len(y)
    cache: dict[tuple[int, int], tuple[float, int | None]] = {}

    def search(a: int, b: int) -> tuple[float, int | None]:
        if (a, b) not in cache:
            if b - a < 2 * h:
                cache[(a, b)] = (0.0, None)
            else:
                k = _one_break(y, z, x, ssr, a, b, h)
                xs = None if x is None else x[a:b]
                cache[(a, b)] = (_wald_f(y[a:b], z[a:b], xs, [k - a], cov), k)
        return cache[(a, b)]

    path = [search(0, n)]
    found = [path[0][1]]
    while len(found) < m_max:
        bounds = [0, *sorted(found), n]
        best_f, best_k = 0.0, None
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            f, k = search(a, b)
            if k is not None and (best_k is None or f > best_f):
                best_f, best_k = f, k
        path.append((best_f, best_k))
        if best_k is None:
            break
        found.append(best_k)
    return path


def _sequential_count(
    path: list[tuple[float, int | None]], crit: Sequence[float]
) -> tuple[int, ...]:
    """Breaks of the sequential procedure: keep adding while supF(l+1|l) >= crit[l]."""
    found: list[int] = []
    for ell, (f, k) in enumerate(path):
        if k is None or ell >= len(crit) or not f >= crit[ell]:
            break
        found.append(k)
    return tuple(sorted(found))
