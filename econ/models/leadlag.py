"""Lead-lag structure between two series: cross-correlations by lead and best-lead fits.

Convention used throughout: **lead ``k`` pairs ``x_t`` with ``y_{t+k}``**. A positive
``k`` means ``x`` leads ``y`` by ``k`` periods (today's ``x`` moves with ``y`` ``k``
periods later); a negative ``k`` means ``y`` leads ``x`` by ``|k|``. Equivalently, at lead
``k`` one regresses ``y_t`` on ``x_{t-k}``.

* :func:`cross_correlation` -- Pearson correlation at each lead, block-bootstrap
  percentile bands, the best lead ``k*`` and a bootstrap confidence set for it.
* :func:`best_lead_fit` -- OLS fit of ``y_t`` on ``x_{t-k}`` for each lead, the lead with
  the highest R-squared.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS

from econ.models.base import Result
from econ.models.causality import _as_pair

__all__ = ["LeadFitResult", "LeadLagResult", "best_lead_fit", "cross_correlation"]

Sign = Literal["abs", "pos", "neg"]
BlockMethod = Literal["stationary", "moving", "circular"]


def _leads_array(leads: Iterable[int] | None, nobs: int, min_pairs: int) -> np.ndarray:
    """Validated, sorted, unique integer leads; default ``-m..m`` with ``m = min(T//4, 12)``."""
    if leads is None:
        m = max(1, min(nobs // 4, 12))
        leads = range(-m, m + 1)
    raw = list(leads)
    if not raw:
        raise ValueError("leads must not be empty")
    arr = np.asarray(raw)
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.asarray(arr, dtype=float) == np.round(np.asarray(arr, dtype=float))):
            raise ValueError(f"leads must be integers; got {raw}")
    arr = np.unique(arr.astype(np.int64))
    worst = int(np.max(np.abs(arr)))
    if nobs - worst < min_pairs:
        raise ValueError(
            f"lead {worst} leaves {nobs - worst} overlapping observations (need {min_pairs}); "
            "use shorter leads or a longer sample"
        )
    return arr


def _score(corr: np.ndarray, sign: str) -> np.ndarray:
    if sign == "abs":
        return np.abs(corr)
    if sign == "pos":
        return corr
    if sign == "neg":
        return -corr
    raise ValueError(f"sign must be 'abs', 'pos' or 'neg'; got {sign!r}")


def _lead_corr(
    x: np.ndarray, y: np.ndarray, idx: np.ndarray, lead: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pearson correlation of the pairs ``(x_t, y_{t+lead})`` for ``t`` in each row of ``idx``.

    ``idx`` is (B, T) of time indices (a bootstrap resample of anchors ``t``); pairs whose
    ``t + lead`` falls outside the sample are dropped. Returns correlations and pair counts.
    """
    T = y.shape[0]
    tgt = idx + lead
    valid = (tgt >= 0) & (tgt < T)
    w = valid.astype(float)
    xs = x[idx]
    ys = y[np.clip(tgt, 0, T - 1)]
    n = w.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mx = (w * xs).sum(axis=1) / n
        my = (w * ys).sum(axis=1) / n
        dx = (xs - mx[:, None]) * w
        dy = (ys - my[:, None]) * w
        sxy = (dx * dy).sum(axis=1)
        sxx = (dx * dx).sum(axis=1)
        syy = (dy * dy).sum(axis=1)
        r = sxy / np.sqrt(sxx * syy)
    r[n < 3] = np.nan
    return r, n


def _block_size(x: np.ndarray, y: np.ndarray, method: str) -> int:
    """Politis-White optimal block length (``arch``), max over the two series, clipped."""
    from arch.bootstrap import optimal_block_length

    col = "stationary" if method == "stationary" else "circular"
    b = optimal_block_length(np.column_stack([x, y]))[col].to_numpy(dtype=float)
    b = b[np.isfinite(b)]
    size = math.ceil(float(b.max())) if b.size else 1
    return int(min(max(1, size), max(1, x.shape[0] // 4)))


def _bootstrap_indices(
    nobs: int, n_boot: int, method: str, block_size: int, rng: np.random.Generator
) -> np.ndarray:
    """(n_boot, nobs) resampled time indices from an ``arch`` block bootstrap."""
    from arch.bootstrap import CircularBlockBootstrap, MovingBlockBootstrap, StationaryBootstrap

    classes = {
        "stationary": StationaryBootstrap,
        "moving": MovingBlockBootstrap,
        "circular": CircularBlockBootstrap,
    }
    if method not in classes:
        raise ValueError(f"method must be one of {sorted(classes)}; got {method!r}")
    bs = classes[method](block_size, np.arange(nobs), seed=rng)
    return np.stack([data[0] for data, _ in bs.bootstrap(n_boot)]).astype(np.int64)


def _argmax_set(freq: np.ndarray, leads: np.ndarray, best: int, level: float) -> tuple[int, ...]:
    """Fewest leads, by decreasing bootstrap frequency, whose frequencies sum to >= level."""
    order = sorted(range(leads.size), key=lambda i: (-freq[i], abs(int(leads[i]) - best)))
    chosen: list[int] = []
    total = 0.0
    for i in order:
        chosen.append(int(leads[i]))
        total += float(freq[i])
        if total >= level - 1e-12:
            break
    return tuple(sorted(chosen))


@dataclasses.dataclass(repr=False)
class LeadLagResult(Result):
    """Result of :func:`cross_correlation`.

    Attributes
    ----------
    x_name, y_name
        Names of the series; lead ``k`` pairs ``x_t`` with ``y_{t+k}``.
    nobs
        Sample length ``T``.
    method, block_size, n_boot, level, sign
        Bootstrap settings, band / set level and the sign rule for the best lead.
    best_lead, best_corr
        ``k*`` maximising the score (``|corr|``, ``corr`` or ``-corr``) and its correlation.
    confidence_set
        Leads in the bootstrap confidence set for ``k*`` (see :func:`cross_correlation`).
    leads, corr, lower, upper, n_pairs, argmax_share
        Per-lead arrays: correlation, percentile band, number of overlapping pairs and
        share of bootstrap draws in which the lead was the best.
    boot_corr
        Bootstrap correlations, shape (draws, leads).
    """

    x_name: str
    y_name: str
    nobs: int
    method: str
    block_size: int
    n_boot: int
    level: float
    sign: str
    best_lead: int
    best_corr: float
    confidence_set: tuple[int, ...]
    leads: np.ndarray
    corr: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    n_pairs: np.ndarray
    argmax_share: np.ndarray
    boot_corr: np.ndarray

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"Lead-lag correlation: corr({self.x_name}_t, {self.y_name}_t+k)"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "lead": self.leads,
                "corr": self.corr,
                "lower": self.lower,
                "upper": self.upper,
                "n_pairs": self.n_pairs,
                "argmax_share": self.argmax_share,
                "in_set": np.isin(self.leads, self.confidence_set),
                "best": self.leads == self.best_lead,
            }
        )

    def summary(self) -> str:
        text = super().summary()
        head, _, tail = text.partition("\n\n")
        return f"{head}\nconfidence_set               {list(self.confidence_set)}\n\n{tail}"


def cross_correlation(
    x: Any,
    y: Any,
    leads: Iterable[int] | None = None,
    *,
    n_boot: int = 999,
    block_size: int | None = None,
    seed: int | np.random.Generator = 0,
    method: BlockMethod = "stationary",
    level: float = 0.90,
    sign: Sign = "abs",
) -> LeadLagResult:
    """Cross-correlations ``corr(x_t, y_{t+k})`` by lead ``k`` with block-bootstrap inference.

    Parameters
    ----------
    x, y
        Series of the same length (and index, if both pandas); no NaN.
    leads
        Integer leads ``k``. Positive ``k``: ``x`` leads ``y`` by ``k`` periods. Default
        ``-m..m`` with ``m = max(1, min(T // 4, 12))``.
    n_boot
        Bootstrap draws.
    block_size
        Block length (mean length for the stationary bootstrap). Default: the larger of the
        Politis-White optimal lengths of ``x`` and ``y``
        (``arch.bootstrap.optimal_block_length``), clipped to ``[1, T/4]``.
    seed
        Seed or Generator.
    method
        ``"stationary"`` (Politis & Romano 1994), ``"moving"`` (Kunsch 1989) or
        ``"circular"`` block bootstrap, from ``arch.bootstrap``.
    level
        Level of the percentile bands and of the confidence set for ``k*``.
    sign
        What the best lead maximises: ``"abs"`` ``|corr|``, ``"pos"`` ``corr``,
        ``"neg"`` ``-corr`` (declare the sign when theory gives one).

    Returns
    -------
    LeadLagResult

    Notes
    -----
    *Estimator.* At lead ``k`` the correlation is the Pearson correlation of the
    ``T - |k|`` overlapping pairs ``(x_t, y_{t+k})`` (each with its own means), i.e.
    ``pd.Series(x).corr(pd.Series(y).shift(-k))``. This differs from the ``ccf``
    convention (full-sample means, divisor ``T``), which shrinks long leads towards zero.

    *Bootstrap.* Block-resample the time anchors ``t`` (``arch`` index resampling of
    ``0..T-1``) and recompute, for every lead, the correlation of the pairs
    ``(x_t, y_{t+k})`` for the drawn anchors whose ``t + k`` lies in the sample. Every
    pair is an observed pair, so the lead structure is kept intact at all leads, and the
    same draw of anchors serves all leads, so the draw-wise best leads are coherent.

    *Bands.* Percentile intervals of the bootstrap correlations at ``level``.

    *Confidence set for k\\*.* The argmax of the score is recorded in every draw; the set
    is the fewest leads, taken in decreasing order of that frequency (ties: closest to
    ``k*``), whose frequencies add up to at least ``level`` -- the highest-mass set of the
    bootstrap distribution of the argmax. It is one lead when the best lead is
    unambiguous and widens as the correlations at competing leads get closer.
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1); got {level}")
    if int(n_boot) < 1:
        raise ValueError(f"n_boot must be >= 1; got {n_boot}")
    _score(np.zeros(1), sign)  # validates sign
    xv, yv, xname, yname = _as_pair(x, y, min_obs=5, labels=("x", "y"))
    T = xv.shape[0]
    lead_arr = _leads_array(leads, T, min_pairs=4)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if block_size is None:
        block_size = _block_size(xv, yv, method)
    block_size = int(block_size)
    if not 1 <= block_size <= T:
        raise ValueError(f"block_size must be in [1, {T}]; got {block_size}")

    base = np.arange(T)[None, :]
    corr = np.empty(lead_arr.size)
    n_pairs = np.empty(lead_arr.size, dtype=np.int64)
    idx = _bootstrap_indices(T, int(n_boot), method, block_size, rng)
    boot = np.empty((idx.shape[0], lead_arr.size))
    for j, k in enumerate(lead_arr):
        r, n = _lead_corr(xv, yv, base, int(k))
        corr[j], n_pairs[j] = r[0], int(n[0])
        boot[:, j], _ = _lead_corr(xv, yv, idx, int(k))

    score = _score(corr, sign)
    j_best = int(np.nanargmax(score))
    best = int(lead_arr[j_best])
    alpha = 1.0 - level
    lower = np.nanquantile(boot, alpha / 2, axis=0)
    upper = np.nanquantile(boot, 1 - alpha / 2, axis=0)

    bscore = _score(boot, sign)
    bscore = np.where(np.isfinite(bscore), bscore, -np.inf)
    ok = np.isfinite(bscore).any(axis=1)
    winners = np.argmax(bscore[ok], axis=1)
    freq = np.bincount(winners, minlength=lead_arr.size) / max(1, winners.size)
    cset = _argmax_set(freq, lead_arr, best, level)
    return LeadLagResult(
        x_name=xname,
        y_name=yname,
        nobs=T,
        method=method,
        block_size=block_size,
        n_boot=int(ok.sum()),
        level=level,
        sign=sign,
        best_lead=best,
        best_corr=float(corr[j_best]),
        confidence_set=cset,
        leads=lead_arr,
        corr=corr,
        lower=lower,
        upper=upper,
        n_pairs=n_pairs,
        argmax_share=freq,
        boot_corr=boot,
    )


# ---------------------------------------------------------------------------------------
# best-lead regression fit
# ---------------------------------------------------------------------------------------
def _hac_lags(nobs: int) -> int:
    """HAC bandwidth from ``econ.models.hac.bandwidth`` if present, else Newey-West (1994)."""
    try:
        from econ.models.hac import bandwidth
    except ImportError:
        return int(math.floor(4.0 * (nobs / 100.0) ** (2.0 / 9.0)))
    return int(bandwidth(nobs))


@dataclasses.dataclass(repr=False)
class LeadFitResult(Result):
    """Result of :func:`best_lead_fit`: one regression of ``y_t`` on ``x_{t-k}`` per lead.

    Attributes
    ----------
    y_name, x_name
        Series names.
    best_lead
        Lead with the highest R-squared.
    best_rsquared
        Its R-squared.
    own_lags, trend, cov_type, common_sample
        Specification.
    table
        Per-lead ``nobs``, ``rsquared``, ``rsquared_adj``, ``coef``, ``se``, ``tstat``,
        ``pvalue``, ``aic``.
    """

    y_name: str
    x_name: str
    best_lead: int
    best_rsquared: float
    own_lags: int
    trend: str
    cov_type: str
    common_sample: bool
    table: pd.DataFrame

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"Best-lead fit: {self.y_name}_t on {self.x_name}_t-k"

    def to_frame(self) -> pd.DataFrame:
        out = self.table.copy()
        out["best"] = out["lead"] == self.best_lead
        return out


def best_lead_fit(
    y: Any,
    x: Any,
    leads: Iterable[int],
    *,
    trend: Literal["n", "c"] = "c",
    own_lags: int = 0,
    common_sample: bool = True,
    cov_type: Literal["nonrobust", "HC1", "HAC"] = "nonrobust",
) -> LeadFitResult:
    """Fit ``y_t = c + [y_{t-1..t-own_lags}] + b_k x_{t-k} + e_t`` for each lead ``k``.

    Parameters
    ----------
    y, x
        Series of the same length (and index, if both pandas); no NaN.
    leads
        Integer leads; positive ``k`` means ``x`` leads ``y`` by ``k`` (same convention
        as :func:`cross_correlation`).
    trend
        ``"c"`` (constant, default) or ``"n"`` (then statsmodels reports the uncentred
        R-squared).
    own_lags
        Lags of ``y`` added as controls (0 = plain regression on ``x_{t-k}``, whose R-squared
        is the squared lead correlation).
    common_sample
        If True (default) every regression uses the same dates -- those at which all leads
        and own lags are available -- so R-squared values are comparable. If False each
        lead uses all its own dates.
    cov_type
        Standard errors of ``b_k``: ``"nonrobust"``, ``"HC1"`` or ``"HAC"`` (Newey-West with
        the package bandwidth, ``econ.models.hac.bandwidth``).

    Returns
    -------
    LeadFitResult
        ``best_lead`` maximises R-squared (on a common sample this is also the adjusted
        R-squared and AIC choice).
    """
    if trend not in ("n", "c"):
        raise ValueError(f"trend must be 'n' or 'c'; got {trend!r}")
    if cov_type not in ("nonrobust", "HC1", "HAC"):
        raise ValueError(f"cov_type must be 'nonrobust', 'HC1' or 'HAC'; got {cov_type!r}")
    own_lags = int(own_lags)
    if own_lags < 0:
        raise ValueError(f"own_lags must be >= 0; got {own_lags}")
    yv, xv, yname, xname = _as_pair(y, x, min_obs=5)
    T = yv.shape[0]
    k_det = 1 if trend == "c" else 0
    lead_arr = _leads_array(leads, T, min_pairs=own_lags + k_det + 3)

    t_all = np.arange(T)
    if common_sample:
        lo = max(own_lags, int(lead_arr.max()), 0)
        hi = min(T, T + int(lead_arr.min()))  # t - k <= T - 1 for all k
        dates = {int(k): t_all[lo:hi] for k in lead_arr}
    else:
        dates = {int(k): t_all[max(own_lags, int(k), 0) : min(T, T + int(k))] for k in lead_arr}
    rows = []
    for k, t in dates.items():
        nk = t.size
        if nk - (k_det + own_lags + 1) < 2:
            raise ValueError(f"too few observations ({nk}) at lead {k} for the regression")
        cols = [np.ones(nk)] if k_det else []
        cols += [yv[t - i] for i in range(1, own_lags + 1)]
        cols.append(xv[t - k])
        X = np.column_stack(cols)
        fit_kw: dict[str, Any] = {"cov_type": cov_type}
        if cov_type == "HAC":
            fit_kw["cov_kwds"] = {"maxlags": _hac_lags(nk)}
        res = OLS(yv[t], X).fit(**fit_kw)
        rows.append(
            {
                "lead": k,
                "nobs": nk,
                "rsquared": float(res.rsquared),
                "rsquared_adj": float(res.rsquared_adj),
                "coef": float(res.params[-1]),
                "se": float(res.bse[-1]),
                "tstat": float(res.tvalues[-1]),
                "pvalue": float(res.pvalues[-1]),
                "aic": float(res.aic),
            }
        )
    table = pd.DataFrame(rows)
    j = int(table["rsquared"].to_numpy().argmax())
    return LeadFitResult(
        y_name=yname,
        x_name=xname,
        best_lead=int(table["lead"].iloc[j]),
        best_rsquared=float(table["rsquared"].iloc[j]),
        own_lags=own_lags,
        trend=trend,
        cov_type=cov_type,
        common_sample=common_sample,
        table=table,
    )
