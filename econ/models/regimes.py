"""Markov-switching regression and autoregression, multi-start, with stable regime labels.

A thin layer over :class:`statsmodels.tsa.regime_switching.markov_regression.MarkovRegression`
(``order == 0``) and
:class:`statsmodels.tsa.regime_switching.markov_autoregression.MarkovAutoregression`
(``order > 0``, Hamilton 1989). The layer adds what the library leaves to the user:

* several optimiser starts (the statsmodels default start plus seeded random starts), keeping
  the best log-likelihood and reporting how many starts converged and how far their
  log-likelihoods spread;
* a deterministic regime labelling (regime 0 = lowest variance, or lowest mean), applied by
  permuting the parameter vector and re-running the Hamilton filter / Kim smoother, so that
  parameters, standard errors, transition matrix, durations and probabilities all agree;
* tidy outputs and a spell table (``regime_dates``).

References
----------
Hamilton, J. D. (1989). A new approach to the economic analysis of nonstationary time series
and the business cycle. *Econometrica* 57(2), 357-384.
Kim, C.-J. and Nelson, C. R. (1999). *State-Space Models with Regime Switching*. MIT Press.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd
from statsmodels.tsa.regime_switching.markov_autoregression import MarkovAutoregression
from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression

from econ.models.base import Result

__all__ = ["RegimeResult", "fit_markov", "fit_markov_detached"]

_TRENDS = ("c", "t", "ct", "n")
_ORDER_BY = ("variance", "mean")
_NAME_RE = re.compile(r"^(?P<term>.+)\[(?P<regime>\d+)\]$")


@dataclasses.dataclass(repr=False)
class RegimeResult(Result):
    """Result of :func:`fit_markov`.

    Regimes are labelled ``0 .. k_regimes-1`` after relabelling by ``order_by`` (regime 0 has
    the lowest variance, ties broken by the lowest mean; or the lowest mean, ties broken by
    variance).

    Attributes
    ----------
    model
        ``"MarkovRegression"`` or ``"MarkovAutoregression"``.
    k_regimes, order, nobs
        Number of regimes, autoregressive order, observations used (after ``order`` lags).
    llf, aic, bic, hqic
        Log-likelihood and information criteria of the retained fit.
    order_by
        Labelling rule used.
    n_starts, n_converged
        Optimiser starts tried, and how many ended with a converged optimiser, finite
        log-likelihood and no collapsed (near-zero) regime variance.
    n_at_best
        Converged starts whose log-likelihood is within ``llf_tol`` of the best one: a
        direct measure of how reproducible the optimum is.
    llf_spread
        Best minus worst log-likelihood across converged starts.
    converged
        Whether the retained fit's optimiser reported convergence.
    params
        One row per statsmodels parameter (index = relabelled statsmodels name): ``term``,
        ``regime`` (nullable Int64; ``<NA>`` for parameters shared by all regimes and for
        transition parameters), ``switching``, ``estimate``, ``std_err`` (inverse numerical
        Hessian, statsmodels ``cov_type="approx"``, or the sandwich with ``"robust"``), ``zstat``, ``pvalue``.
    transition
        ``k x k`` transition matrix with rows = regime at ``t-1`` ("from") and columns =
        regime at ``t`` ("to"); rows sum to one. (statsmodels stores the transpose.)
    expected_durations
        ``1 / (1 - p_ii)`` per regime, in periods.
    smoothed_probs, filtered_probs
        ``P(S_t = r | all data)`` and ``P(S_t = r | data up to t)``, columns = regimes, index
        = the endog index after dropping the first ``order`` observations.
    llf_starts
        Log-likelihood reached from every start (``nan`` when a start failed).
    sm_result
        The statsmodels results object at the relabelled parameters.
    """

    model: str
    k_regimes: int
    order: int
    nobs: int
    llf: float
    aic: float
    bic: float
    hqic: float
    order_by: str
    n_starts: int
    n_converged: int
    n_at_best: int
    llf_spread: float
    converged: bool
    params: pd.DataFrame
    transition: pd.DataFrame
    expected_durations: pd.Series
    smoothed_probs: pd.DataFrame
    filtered_probs: pd.DataFrame
    llf_starts: np.ndarray
    sm_result: Any = None

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"{self.model} ({self.k_regimes} regimes, order {self.order})"

    @property
    def rcm(self) -> float:
        """Regime classification measure of Ang & Bekaert (2002), ``100 K^K mean_t prod_r p_rt``.

        Smoothed probabilities; 0 = every period classified with certainty, 100 = no
        information (all probabilities ``1/K``). For two regimes ``400 mean p(1 - p)``.
        """
        p = self.smoothed_probs.to_numpy(dtype=float)
        k = self.k_regimes
        return float(100.0 * k**k * np.mean(np.prod(p, axis=1)))

    def degeneracy(self, *, sigma_ratio: float = 1e-3, duration_share: float = 0.5) -> str:
        """Why the fit is degenerate (empty string when it is not).

        A fit is degenerate when a regime's standard deviation is below ``sigma_ratio`` times
        the largest regime's (a variance collapsed onto a few points, where the Gaussian
        likelihood is unbounded) or when a regime's expected duration exceeds
        ``duration_share`` of the sample (a "regime" that is in force once, for most of the
        sample: a break, not switching).
        """
        why = []
        var = self.regime_params("estimate").loc["sigma2"].to_numpy(dtype=float)
        sd = np.sqrt(np.maximum(var, 0.0))
        if sd.max() > 0 and sd.min() / sd.max() < sigma_ratio:
            why.append(f"regime s.d. ratio {sd.min() / sd.max():.1e} < {sigma_ratio:g}")
        dur = self.expected_durations.to_numpy(dtype=float)
        long = dur > duration_share * self.nobs
        if long.any():
            why.append(f"expected duration {dur[long].max():.0f} > {duration_share:g} x {self.nobs} periods")
        return "; ".join(why)

    def regime_params(self, column: str = "estimate") -> pd.DataFrame:
        """Wide table ``term x regime`` of one column of :attr:`params`.

        Shared parameters are repeated in every regime column; transition parameters are
        omitted (see :attr:`transition`).
        """
        if column not in self.params.columns:
            raise ValueError(f"unknown column {column!r}; choose from {list(self.params.columns)}")
        rows = self.params[~self.params["term"].str.startswith("p[")]
        terms = list(dict.fromkeys(rows["term"]))
        out = pd.DataFrame(index=pd.Index(terms, name="term"), columns=range(self.k_regimes),
                           dtype=float)
        for _, row in rows.iterrows():
            if pd.isna(row["regime"]):
                out.loc[row["term"], :] = row[column]
            else:
                out.loc[row["term"], int(row["regime"])] = row[column]
        out.columns.name = "regime"
        return out

    def classify(self, prob_threshold: float = 0.5, *, probs: str = "smoothed") -> pd.Series:
        """Most likely regime per period, ``<NA>`` where no regime has probability above
        ``prob_threshold``.

        Parameters
        ----------
        prob_threshold
            An observation is assigned to regime ``r`` when ``P(S_t = r) > prob_threshold``
            (the most probable regime if several). Must lie in ``[0, 1)``.
        probs
            ``"smoothed"`` or ``"filtered"`` probabilities.
        """
        if not 0.0 <= prob_threshold < 1.0:
            raise ValueError("prob_threshold must lie in [0, 1)")
        if probs not in ("smoothed", "filtered"):
            raise ValueError("probs must be 'smoothed' or 'filtered'")
        p = self.smoothed_probs if probs == "smoothed" else self.filtered_probs
        arr = p.to_numpy(dtype=float)
        best = arr.argmax(axis=1)
        ok = arr[np.arange(len(arr)), best] > prob_threshold
        out = pd.Series(pd.array(np.where(ok, best, 0), dtype="Int64"), index=p.index,
                        name="regime")
        out[~ok] = pd.NA
        return out

    def regime_dates(self, prob_threshold: float = 0.5, min_length: int = 1, *,
                     probs: str = "smoothed") -> pd.DataFrame:
        """Spells of consecutive periods classified into the same regime.

        Parameters
        ----------
        prob_threshold
            See :meth:`classify`. Unclassified periods end a spell and belong to none.
        min_length
            Spells shorter than this many periods are dropped (not merged).
        probs
            ``"smoothed"`` (default) or ``"filtered"``.

        Returns
        -------
        pandas.DataFrame
            Columns ``regime``, ``start``, ``end`` (index labels of the first and last period)
            and ``length`` (number of periods), in time order.
        """
        if int(min_length) != min_length or min_length < 1:
            raise ValueError("min_length must be a positive integer")
        lab = self.classify(prob_threshold, probs=probs)
        codes = lab.fillna(-1).to_numpy(dtype=int)
        idx = lab.index
        rows: list[dict[str, Any]] = []
        start = 0
        for t in range(1, len(codes) + 1):
            if t == len(codes) or codes[t] != codes[start]:
                if codes[start] >= 0 and t - start >= min_length:
                    rows.append({"regime": int(codes[start]), "start": idx[start],
                                 "end": idx[t - 1], "length": t - start})
                start = t
        return pd.DataFrame(rows, columns=["regime", "start", "end", "length"])

    def to_frame(self) -> pd.DataFrame:
        """Tidy parameter table: one row per parameter (see :attr:`params`)."""
        out = self.params.reset_index(names="name")
        return out[["term", "regime", "switching", "estimate", "std_err", "zstat", "pvalue",
                    "name"]]

    def summary(self) -> str:
        """Scalars, parameter table, transition matrix and expected durations."""
        text = super().summary()
        with pd.option_context("display.width", 120, "display.precision", 4):
            extra = [
                "",
                "Transition matrix (row = regime at t-1, column = regime at t)",
                self.transition.to_string(),
                "",
                "Expected durations (periods)",
                self.expected_durations.to_string(),
            ]
        return text + "\n" + "\n".join(extra)


# ----------------------------------------------------------------------------------------
# input handling
# ----------------------------------------------------------------------------------------


def _as_endog(endog: Any) -> tuple[np.ndarray, pd.Index, str]:
    if isinstance(endog, pd.DataFrame):
        if endog.shape[1] != 1:
            raise ValueError("endog must be one-dimensional (a Series or a 1-column frame)")
        endog = endog.iloc[:, 0]
    if isinstance(endog, pd.Series):
        index, name = endog.index, str(endog.name) if endog.name is not None else "y"
        try:
            values = endog.to_numpy(dtype=float)
        except (TypeError, ValueError) as err:
            raise ValueError("endog must be numeric") from err
    else:
        try:
            values = np.asarray(endog, dtype=float)
        except (TypeError, ValueError) as err:
            raise ValueError("endog must be numeric") from err
        if values.ndim == 2 and values.shape[1] == 1:
            values = values[:, 0]
        index, name = pd.RangeIndex(len(values)), "y"
    if values.ndim != 1:
        raise ValueError("endog must be one-dimensional")
    if not np.all(np.isfinite(values)):
        raise ValueError("endog contains NaN or infinite values; drop or fill them first")
    return values, index, name


def _as_exog(exog: Any, nobs: int, index: pd.Index) -> tuple[np.ndarray | None, list[str]]:
    if exog is None:
        return None, []
    if isinstance(exog, pd.Series):
        exog = exog.to_frame(name=exog.name if exog.name is not None else "x0")
    if isinstance(exog, pd.DataFrame):
        if len(exog) == nobs and not isinstance(index, pd.RangeIndex) and \
                not exog.index.equals(index):
            raise ValueError("exog index does not match endog index")
        names = [str(c) for c in exog.columns]
        try:
            values = exog.to_numpy(dtype=float)
        except (TypeError, ValueError) as err:
            raise ValueError("exog must be numeric") from err
    else:
        try:
            values = np.asarray(exog, dtype=float)
        except (TypeError, ValueError) as err:
            raise ValueError("exog must be numeric") from err
        if values.ndim == 1:
            values = values[:, None]
        names = [f"x{i}" for i in range(values.shape[1])]
    if values.ndim != 2 or values.shape[0] != nobs:
        raise ValueError(f"exog must have {nobs} rows (got shape {values.shape})")
    if not np.all(np.isfinite(values)):
        raise ValueError("exog contains NaN or infinite values")
    return values, names


# ----------------------------------------------------------------------------------------
# starts, relabelling
# ----------------------------------------------------------------------------------------


def _idx(model: Any, key: Any) -> np.ndarray:
    """Parameter indices for a MarkovSwitchingParams key (empty when the block is absent)."""
    try:
        out = model.parameters[key]
    except (KeyError, IndexError):
        return np.array([], dtype=int)
    if isinstance(out, slice):
        return np.arange(model.k_params)[out]
    return np.asarray(out, dtype=int)


def _random_start(model: Any, rng: np.random.Generator) -> np.ndarray:
    """A random *unconstrained* start around the statsmodels default start.

    Transition matrix: each column ("from" regime) gets a random persistence in
    ``[0.5, 0.98]`` and a Dirichlet split of the rest. Regression coefficients: default plus
    Gaussian noise scaled to the data. Variances: default times ``exp(N(0, 0.7^2))``.
    AR coefficients: noise in statsmodels' unconstrained (partial autocorrelation) space.
    """
    k = model.k_regimes
    p = np.array(model.start_params, dtype=float)
    # transition probabilities
    trans = np.empty((k, k))
    for j in range(k):
        stay = rng.uniform(0.5, 0.98)
        rest = rng.dirichlet(np.ones(k - 1)) * (1 - stay)
        col = np.insert(rest, j, stay)
        trans[:, j] = col
    p[_idx(model, "regime_transition")] = trans[:-1, :].ravel()
    # regression coefficients (including trend terms)
    sd_y = float(np.std(model.endog)) or 1.0
    exog = getattr(model, "exog", None)
    if exog is not None and np.ndim(exog) == 2 and exog.shape[1] > 0:
        sd_x = np.std(exog, axis=0)
        scale = np.where(sd_x > 0, sd_y / np.where(sd_x > 0, sd_x, 1.0), sd_y)
        for r in range(k):
            ix = _idx(model, (r, "exog"))
            if ix.size == scale.size:
                p[ix] = p[ix] + 0.5 * scale * rng.standard_normal(ix.size)
    ix = _idx(model, "variance")
    p[ix] = p[ix] * np.exp(0.7 * rng.standard_normal(ix.size))
    u = model.untransform_params(p)
    ix = _idx(model, "autoregressive")
    u[ix] = u[ix] + 0.3 * rng.standard_normal(ix.size)
    return u


def _regime_stats(model: Any, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-regime error variance and mean of the regime's deterministic/exog fit."""
    k = model.k_regimes
    var = np.empty(k)
    mean = np.zeros(k)
    exog = getattr(model, "exog", None)
    for r in range(k):
        iv = _idx(model, (r, "variance"))
        var[r] = float(params[iv][0]) if iv.size else np.nan
        ix = _idx(model, (r, "exog"))
        if exog is not None and ix.size and np.ndim(exog) == 2 and exog.shape[1] == ix.size:
            mean[r] = float(np.mean(exog @ params[ix]))
    return var, mean


def _permute(model: Any, params: np.ndarray, perm: np.ndarray) -> np.ndarray:
    """Parameters after relabelling so that new regime ``a`` is old regime ``perm[a]``."""
    new = params.copy()
    for r in range(model.k_regimes):
        new[_idx(model, r)] = params[_idx(model, int(perm[r]))]
    trans = model.regime_transition_matrix(params)[:, :, 0]  # [to, from]
    new[_idx(model, "regime_transition")] = trans[np.ix_(perm, perm)][:-1, :].ravel()
    return new


def _param_names(model: Any, trend: str, xnames: list[str]) -> list[str]:
    """statsmodels parameter names with the trend/exog block renamed after the user's columns.

    (statsmodels drops the exog names once it prepends trend columns, and mislabels
    non-switching exog parameters in MarkovAutoregression; the block layout is read from
    ``model.parameters`` instead.)
    """
    names = list(model.param_names)
    cols = {"c": ["const"], "t": ["trend"], "ct": ["const", "trend"], "n": []}[trend] + xnames
    switching = np.asarray(model.switching_coeffs, dtype=bool) if cols else np.array([])
    for r in range(model.k_regimes):
        ix = _idx(model, (r, "exog"))
        if ix.size != len(cols):
            continue
        for j, i in enumerate(ix):
            names[int(i)] = f"{cols[j]}[{r}]" if switching[j] else cols[j]
    return names


def _fit_one(model: Any, start: np.ndarray | None, *, em_iter: int, maxiter: int,
             method: str) -> tuple[np.ndarray | None, float, bool]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = model.fit(start_params=start, transformed=start is None, em_iter=em_iter,
                            maxiter=maxiter, method=method, disp=False, cov_type="none")
        except (np.linalg.LinAlgError, ValueError, FloatingPointError, OverflowError,
                RuntimeError):
            return None, np.nan, False
    params = np.asarray(res.params, dtype=float)
    llf = float(res.llf)
    ok = bool(res.mle_retvals.get("converged", False)) if res.mle_retvals else False
    if not (np.all(np.isfinite(params)) and np.isfinite(llf)):
        return None, np.nan, False
    return params, llf, ok


# ----------------------------------------------------------------------------------------
# fast path for Markov-switching regressions (order 0): exact score, compiled filter
# ----------------------------------------------------------------------------------------


_ZERO = np.zeros(1)


def _pinv(a: np.ndarray) -> np.ndarray:
    """``numpy.linalg.pinv(a)`` of a real 2-D matrix with the default cutoff: the same
    operations (SVD, ``1e-15`` relative cutoff, ``V diag(1/s) U'``), without the wrapper's
    generality, which cost more than the SVD of the small matrices of :class:`_ExactScore`."""
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    cutoff = np.asarray(1e-15)[..., np.newaxis] * np.amax(s, axis=-1, keepdims=True)
    large = s > cutoff
    s = np.divide(1, s, where=large, out=s)
    s[~large] = 0
    return np.matmul(np.transpose(vt), np.multiply(s[..., np.newaxis], np.transpose(u)))


class _ExactScore:
    """Log-likelihood and its exact gradient for a statsmodels ``MarkovRegression``.

    The likelihood is statsmodels' own (same parametrisation, steady-state initial
    probabilities, its compiled Hamilton filter and Kim smoother); the gradient in the
    optimiser's unconstrained parameters comes from the smoothed probabilities (Fisher's
    identity: the score is the expected complete-data score given the data) instead of
    statsmodels' ``k_params`` complex-step evaluations of the filter per gradient. One
    evaluation is one filter and one smoother pass.
    """

    def __init__(self, model: Any) -> None:
        from statsmodels.tsa.regime_switching.markov_switching import (
            cy_hamilton_filter_log,
            cy_kim_smoother_log,
        )

        self._filter, self._smoother = cy_hamilton_filter_log, cy_kim_smoother_log
        self.model = model
        self.k = k = int(model.k_regimes)
        self.y = np.asarray(model.endog, dtype=float).ravel()
        x = getattr(model, "exog", None)
        self.x = None if x is None or np.ndim(x) != 2 or x.shape[1] == 0 else np.asarray(x, dtype=float)
        self.ix_exog = [_idx(model, (r, "exog")) for r in range(k)]
        self.ix_var = [_idx(model, (r, "variance")) for r in range(k)]
        self.ix_from = [_idx(model, (j, "regime_transition")) for j in range(k)]  # p[j->0..k-2]
        self.ix_trans = _idx(model, "regime_transition")
        self.ix_varall = _idx(model, "variance")
        self.n_params = int(model.k_params)

    def constrained(self, u: np.ndarray) -> np.ndarray:
        """statsmodels' ``transform_params`` (logistic transition probabilities, squared variances)."""
        p = np.array(u, dtype=float)
        for ix in self.ix_from:
            e = p[ix]
            p[ix] = np.exp(e - np.logaddexp.reduce(np.concatenate((_ZERO, e))))
        p[self.ix_varall] = np.asarray(u, dtype=float)[self.ix_varall] ** 2
        return p

    def transition(self, theta: np.ndarray) -> np.ndarray:
        """``P[to, from]`` (columns sum to one)."""
        k = self.k
        P = np.empty((k, k))
        P[:-1, :] = theta[self.ix_trans].reshape(k - 1, k)
        P[-1, :] = 1.0 - P[:-1, :].sum(axis=0)
        return P

    @staticmethod
    def _steady(P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = P.shape[0]
        A = np.ones((m + 1, m))
        A[:m] = np.eye(m) - P
        Ainv = _pinv(A)
        return np.maximum(Ainv[:, -1], 1e-20), Ainv

    def __call__(self, u: np.ndarray) -> tuple[float, np.ndarray]:
        """``(llf, d llf / d u)`` at the unconstrained parameters ``u``."""
        k = self.k
        u = np.asarray(u, dtype=float)
        theta = self.constrained(u)
        P = self.transition(theta)
        if not np.all(np.isfinite(P)) or P.min() < 0:
            return -np.inf, np.zeros_like(u)
        pi, Ainv = self._steady(P)
        resid = np.empty((k, self.y.size))
        var = np.empty(k)
        for r in range(k):
            fit = self.x @ theta[self.ix_exog[r]] if self.x is not None else 0.0
            resid[r] = self.y - fit
            var[r] = theta[self.ix_var[r]][0]
        if var.min() <= 0:
            return -np.inf, np.zeros_like(u)
        condll = -0.5 * resid**2 / var[:, None] - 0.5 * np.log(2 * np.pi * var)[:, None]
        out = self._filter(pi, P[:, :, None], condll, 0)
        filt, pred_joint, joint_ll, _, pred_log, filt_log = out
        llf = float(np.sum(joint_ll))
        if not np.isfinite(llf):
            return -np.inf, np.zeros_like(u)
        _, smooth = self._smoother(P[:, :, None], pred_log, filt_log)
        grad = np.zeros(self.n_params)
        # emission parameters: E[d log f(y_t | S_t) | Y]
        for r in range(k):
            g = smooth[r]
            if self.x is not None and self.ix_exog[r].size:
                grad[self.ix_exog[r]] += self.x.T @ (g * resid[r]) / var[r]
            dvar = float(np.sum(g * (resid[r] ** 2 / (2 * var[r] ** 2) - 1 / (2 * var[r]))))
            grad[self.ix_var[r]] += dvar * 2 * u[self.ix_var[r]]
        # transitions: expected counts N[i, j] of j -> i moves given all data
        pred = pred_joint  # (k, T): P(S_t | Y_{t-1})
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(pred[:, 1:] > 0, smooth[:, 1:] / pred[:, 1:], 0.0)
        N = P * (ratio @ filt[:, :-1].T)
        # initial regime ~ steady state pi(P): E[d log pi(S_0) | Y], with dpi = Ainv [dP pi; 0]
        w0 = smooth[:, 0] / pi
        A_k = Ainv[:, :k]
        for j, ix in enumerate(self.ix_from):
            col = P[:, j]
            n_j = N[:, j].sum()
            for m, idx in enumerate(ix):
                d_col = -col * col[m]
                d_col[m] += col[m]
                dpi = A_k @ (d_col * pi[j])
                grad[idx] += N[m, j] - col[m] * n_j + float(w0 @ dpi)
        return llf, grad


def _em_then_bfgs(score: _ExactScore, start: np.ndarray | None, *, em_iter: int, maxiter: int,
                  gtol: float = 1e-8) -> tuple[np.ndarray | None, float, bool]:
    """statsmodels' EM steps, then BFGS on ``-llf / nobs`` with the exact gradient.

    Returns constrained parameters, the log-likelihood and whether BFGS converged.
    """
    from scipy.optimize import minimize

    model = score.model
    nobs = float(score.y.size)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            theta = np.array(model.start_params if start is None else model.transform_params(start), dtype=float)
            for _ in range(em_iter):
                theta = np.asarray(model._em_iteration(theta)[1], dtype=float)
            u0 = model.untransform_params(theta)

            def fun(u: np.ndarray) -> tuple[float, np.ndarray]:
                llf, g = score(u)
                if not np.isfinite(llf):
                    return np.inf, np.zeros_like(u)
                return -llf / nobs, -g / nobs

            res = minimize(fun, u0, jac=True, method="BFGS",
                           options={"maxiter": maxiter, "gtol": gtol, "norm": np.inf})
        except (np.linalg.LinAlgError, ValueError, FloatingPointError, OverflowError, RuntimeError):
            return None, np.nan, False
    params = score.constrained(res.x)
    llf = -float(res.fun) * nobs
    if not (np.all(np.isfinite(params)) and np.isfinite(llf)):
        return None, np.nan, False
    # "converged": BFGS met the gradient tolerance, or stopped on precision loss at a point
    # whose gradient is already negligible (the exact gradient makes that the usual ending)
    ok = bool(res.success) or (res.status == 2 and float(np.max(np.abs(res.jac))) < 1e-5)
    return params, llf, ok


# ----------------------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------------------


def fit_markov(
    endog: Any,
    *,
    k_regimes: int = 2,
    exog: Any = None,
    order: int = 0,
    switching_variance: bool = True,
    switching_exog: bool = True,
    switching_trend: bool = True,
    switching_ar: bool = False,
    trend: Literal["c", "t", "ct", "n"] = "c",
    n_starts: int = 20,
    seed: int = 0,
    order_by: Literal["variance", "mean"] = "variance",
    em_iter: int = 10,
    maxiter: int = 200,
    method: str = "bfgs",
    llf_tol: float = 1e-3,
    cov_type: Literal["approx", "robust"] = "approx",
) -> RegimeResult:
    """Fit a Markov-switching model by maximum likelihood from several starts.

    ``order == 0`` fits :class:`~statsmodels.tsa.regime_switching.markov_regression.MarkovRegression`
    ``y_t = x_t' beta_{S_t} + e_t, e_t ~ N(0, sigma^2_{S_t})``; ``order > 0`` fits Hamilton's
    :class:`~statsmodels.tsa.regime_switching.markov_autoregression.MarkovAutoregression`
    ``y_t - mu_{S_t} = sum_i phi_i (y_{t-i} - mu_{S_{t-i}}) + e_t`` (the trend/exog terms
    are then regime *means*).

    Parameters
    ----------
    endog
        Dependent series (Series, 1-column frame or array); no missing values.
    k_regimes
        Number of regimes (>= 2).
    exog
        Extra regressors (frame, Series or array), same length as ``endog``.
    order
        Autoregressive order; 0 = no AR terms (MarkovRegression).
    switching_variance, switching_exog, switching_trend, switching_ar
        Which parameter blocks differ across regimes. ``switching_ar`` only matters when
        ``order > 0``.
    trend
        ``"c"`` constant, ``"t"`` linear trend, ``"ct"`` both, ``"n"`` none.
    n_starts
        Optimiser starts: the statsmodels default start plus ``n_starts - 1`` seeded random
        starts (see ``_random_start``). Each start runs ``em_iter`` EM steps then ``method``.
    seed
        Seed of the random starts.
    order_by
        ``"variance"``: regime 0 has the lowest error variance (ties, e.g. a common
        variance, broken by the lowest mean); ``"mean"``: regime 0 has the lowest mean of
        its trend/exog fit ``mean_t(x_t' beta_r)`` (ties broken by variance).
    em_iter, maxiter, method
        Passed to ``statsmodels`` ``fit``.
    llf_tol
        Tolerance defining starts that reached the best optimum (``n_at_best``).
    cov_type
        Standard errors: ``"approx"`` (inverse numerical Hessian) or ``"robust"``
        (statsmodels' sandwich of the numerical Hessian and the outer product of the
        observation scores, QML).

    Returns
    -------
    RegimeResult

    Raises
    ------
    ValueError
        On malformed input.
    RuntimeError
        When no start produced a finite likelihood.

    Notes
    -----
    The retained fit is the highest log-likelihood among *converged* starts; a start whose
    smallest regime variance falls below ``1e-8 * var(endog)`` (a regime collapsed onto a
    few points, where the Gaussian likelihood is unbounded) does not count as converged.
    If no start converged, the highest finite log-likelihood is kept and a
    ``RuntimeWarning`` is issued.
    """
    # ---- validation
    if isinstance(k_regimes, bool) or int(k_regimes) != k_regimes or k_regimes < 2:
        raise ValueError("k_regimes must be an integer >= 2")
    if isinstance(order, bool) or int(order) != order or order < 0:
        raise ValueError("order must be a non-negative integer")
    if int(n_starts) != n_starts or n_starts < 1:
        raise ValueError("n_starts must be a positive integer")
    if trend not in _TRENDS:
        raise ValueError(f"trend must be one of {_TRENDS}")
    if order_by not in _ORDER_BY:
        raise ValueError(f"order_by must be one of {_ORDER_BY}")
    if cov_type not in ("approx", "robust"):
        raise ValueError("cov_type must be 'approx' or 'robust'")
    k_regimes, order, n_starts = int(k_regimes), int(order), int(n_starts)
    y, index, yname = _as_endog(endog)
    x, xnames = _as_exog(exog, len(y), index)
    if trend == "n" and x is None and order == 0:
        raise ValueError("model has no mean parameters: give trend != 'n', exog, or order > 0")
    y_s = pd.Series(y, name=yname)
    x_df = None if x is None else pd.DataFrame(x, columns=xnames)
    if order == 0:
        model = MarkovRegression(y_s, k_regimes=k_regimes, trend=trend, exog=x_df,
                                 switching_trend=switching_trend, switching_exog=switching_exog,
                                 switching_variance=switching_variance)
    else:
        model = MarkovAutoregression(y_s, k_regimes=k_regimes, order=order, trend=trend,
                                     exog=x_df, switching_ar=switching_ar,
                                     switching_trend=switching_trend,
                                     switching_exog=switching_exog,
                                     switching_variance=switching_variance)

    min_obs = max(20, 3 * int(model.k_params))
    if model.nobs < min_obs:
        raise ValueError(f"too few observations ({model.nobs} after lags) for a model with "
                         f"{model.k_params} parameters; need >= {min_obs}")

    # ---- multi-start
    rng = np.random.default_rng(seed)
    var_floor = 1e-8 * float(np.var(y))
    llfs = np.full(n_starts, np.nan)
    conv = np.zeros(n_starts, dtype=bool)
    fits: list[np.ndarray | None] = []
    exact = _ExactScore(model) if order == 0 and method == "bfgs" else None
    for s in range(n_starts):
        start = None if s == 0 else _random_start(model, rng)
        if exact is not None:
            params, llf, ok = _em_then_bfgs(exact, start, em_iter=em_iter, maxiter=maxiter)
        else:
            params, llf, ok = _fit_one(model, start, em_iter=em_iter, maxiter=maxiter,
                                       method=method)
        if params is not None:
            var, _ = _regime_stats(model, params)
            if np.nanmin(var) < var_floor:
                ok = False
        fits.append(params)
        llfs[s] = llf
        conv[s] = ok
    finite = np.isfinite(llfs)
    if not finite.any():
        raise RuntimeError("no start produced a finite log-likelihood")
    pool = conv if conv.any() else finite
    if not conv.any():
        warnings.warn("no Markov-switching start converged; keeping the best finite "
                      "log-likelihood", RuntimeWarning, stacklevel=2)
    best = int(np.nanargmax(np.where(pool, llfs, -np.inf)))
    best_params = fits[best]
    assert best_params is not None

    # ---- relabel and re-filter at the permuted parameters
    var, mean = _regime_stats(model, best_params)
    keys = (mean, var) if order_by == "variance" else (var, mean)  # lexsort: last key primary
    perm = np.lexsort(keys)
    new_params = _permute(model, best_params, perm)
    res = model.smooth(new_params, cov_type=cov_type)
    if not np.isclose(res.llf, llfs[best], rtol=0, atol=1e-6 * max(1.0, abs(llfs[best]))):
        raise RuntimeError("relabelling changed the log-likelihood; please report this")

    # ---- tidy outputs
    names = _param_names(model, trend, xnames)
    est = np.asarray(res.params, dtype=float)
    bse = np.asarray(res.bse, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = est / bse
    pv = np.asarray(res.pvalues, dtype=float)
    terms, regimes, switching = [], [], []
    for nm in names:
        m = _NAME_RE.match(nm)
        if nm.startswith("p["):
            terms.append(nm)
            regimes.append(pd.NA)
            switching.append(False)
        elif m:
            terms.append(m.group("term"))
            regimes.append(int(m.group("regime")))
            switching.append(True)
        else:
            terms.append(nm)
            regimes.append(pd.NA)
            switching.append(False)
    params_df = pd.DataFrame(
        {"term": terms, "regime": pd.array(regimes, dtype="Int64"), "switching": switching,
         "estimate": est, "std_err": bse, "zstat": z, "pvalue": pv},
        index=pd.Index(names, name="name"),
    )
    trans = model.regime_transition_matrix(new_params)[:, :, 0].T  # rows from, cols to
    reg = pd.Index(range(k_regimes), name="regime")
    transition = pd.DataFrame(trans, index=pd.Index(range(k_regimes), name="from"),
                              columns=pd.Index(range(k_regimes), name="to"))
    with np.errstate(divide="ignore"):
        durations = pd.Series(1.0 / (1.0 - np.diag(trans)), index=reg, name="expected_duration")
    prob_index = index[order:]
    smoothed = pd.DataFrame(np.asarray(res.smoothed_marginal_probabilities, dtype=float),
                            index=prob_index, columns=reg)
    filtered = pd.DataFrame(np.asarray(res.filtered_marginal_probabilities, dtype=float),
                            index=prob_index, columns=reg)
    conv_llf = llfs[conv]
    return RegimeResult(
        model=type(model).__name__,
        k_regimes=k_regimes,
        order=order,
        nobs=int(model.nobs),
        llf=float(res.llf),
        aic=float(res.aic),
        bic=float(res.bic),
        hqic=float(res.hqic),
        order_by=order_by,
        n_starts=n_starts,
        n_converged=int(conv.sum()),
        n_at_best=int(np.sum(conv_llf >= llfs[best] - llf_tol)),
        llf_spread=float(conv_llf.max() - conv_llf.min()) if conv_llf.size else np.nan,
        converged=bool(conv[best]),
        params=params_df,
        transition=transition,
        expected_durations=durations,
        smoothed_probs=smoothed,
        filtered_probs=filtered,
        llf_starts=llfs,
        sm_result=res,
    )


def fit_markov_detached(endog: Any, **kwargs: Any) -> RegimeResult:
    """:func:`fit_markov` without the statsmodels results object (``sm_result`` is ``None``).

    For process pools: the result pickles small, and a worker that runs this function
    imports this module only (statsmodels' Markov models), not the caller's.
    """
    res = fit_markov(endog, **kwargs)
    res.sm_result = None
    return res
