"""Specification curves: every spec's estimate sorted, with CIs, an indicator panel and a joint test.

Simonsohn, Simmons & Nelson (2020), "Specification curve analysis", *Nature Human Behaviour*
4, 1208–1214. For one claim and its grid we report

* the estimates sorted from lowest to highest with their 95% CIs (figure, top panel) and
  which choices each spec made (figure, indicator panel);
* the share of specs whose estimate has the sign the article claims, the share significant
  at :data:`econ.policy.ALPHA`, and the share significant *with* the claimed sign;
* the **joint test**: is the curve as a whole more extreme than curves estimated on data
  where the claim is false by construction? Three statistics, as in SSN: (i) the median
  estimate (signed in the claimed direction), (ii) the share of specs significant with the
  claimed sign, (iii) Stouffer's Z of the one-sided p-values in the claimed direction
  (``sum_j Phi^-1(1 - p_j) / sqrt(m)``). Each p-value is ``(1 + #{null >= observed}) / (B + 1)``
  over the ``B`` null draws, in which every spec was re-estimated on the *same* null world
  (the study's null hook, see :mod:`econ.robust.executor`). Without a claimed sign the
  statistics use ``|estimate|``, the share significant in either direction and
  ``Phi^-1(1 - p/2)``;
* per spec, multiplicity-adjusted p-values: Romano–Wolf stepdown over the grid's
  t-statistics using the joint null draws, and Holm / Benjamini–Hochberg on the specs'
  p-values (:mod:`econ.robust.multiple`).

Descriptive grids (no p-values) may put ``claim_matched`` (bool), ``claim_value``,
``claim_low``/``claim_high`` in :attr:`SpecEstimate.extra`; the curve then reports the share of
specs matching the article and draws its number (and band).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from econ.models.base import Result
from econ.policy import ALPHA
from econ.robust.executor import GridResult, NullDraws
from econ.robust.multiple import benjamini_hochberg, holm, romano_wolf
from econ.study import Figure

__all__ = ["JointTest", "NullDraws", "SpecCurve", "circular_shift", "joint_test", "spec_curve"]

#: Figure-data columns that are not dimensions (the drawer shows the rest as indicators).
CURVE_COLUMNS = ("estimate", "ci_low", "ci_high", "significant", "claimed_sign", "headline",
                 "claim_value", "claim_low", "claim_high")


def circular_shift(x: pd.Series | np.ndarray, u: float) -> pd.Series | np.ndarray:
    """Rotate the values of ``x`` by ``round(u * len(x))`` positions (index kept).

    With ``u`` drawn once per null draw (:meth:`NullDraws.uniform`), every spec shifts its
    regressor by the same fraction of its sample: the regressor keeps its own dynamics but
    loses its timing relative to the outcome (a circular-shift, or "rotation", null).
    """
    values = np.asarray(x)
    shift = int(round(float(u) * len(values))) % max(len(values), 1)
    rolled = np.roll(values, shift)
    if isinstance(x, pd.Series):
        return pd.Series(rolled, index=x.index, name=x.name)
    return rolled


# ----------------------------------------------------------------------------- joint test
def _one_sided(p: np.ndarray, est: np.ndarray, sign: int) -> np.ndarray:
    """One-sided p in the claimed direction from a two-sided p and the estimate's sign."""
    same = np.sign(est) == sign
    return np.where(same, p / 2, 1 - p / 2)


def _curve_stats(est: np.ndarray, p: np.ndarray, sign: int, alpha: float) -> tuple[float, float, float]:
    """(median, share significant with the claimed sign, Stouffer Z) over valid specs."""
    ok = ~np.isnan(est) & ~np.isnan(p)
    if not ok.any():
        return math.nan, math.nan, math.nan
    e, pv = est[ok], np.clip(p[ok], 1e-300, 1.0)
    if sign:
        med = float(np.median(sign * e))
        share = float(np.mean((pv < alpha) & (np.sign(e) == sign)))
        z = stats.norm.isf(np.clip(_one_sided(pv, e, sign), 1e-300, 1 - 1e-16))
    else:
        med = float(np.median(np.abs(e)))
        share = float(np.mean(pv < alpha))
        z = stats.norm.isf(np.clip(pv / 2, 1e-300, 1 - 1e-16))
    return med, share, float(np.sum(z) / math.sqrt(len(z)))


@dataclasses.dataclass(repr=False)
class JointTest(Result):
    """SSN joint test of a specification curve against its null draws.

    Attributes
    ----------
    statistics
        Index ``median``, ``share_significant``, ``stouffer``; columns ``observed``,
        ``null_mean``, ``null_q95`` and ``pvalue``.
    n_draws
        Null draws with at least one valid spec.
    sign_claimed
        +1 / -1 / 0.
    """

    statistics: pd.DataFrame
    n_draws: int
    sign_claimed: int
    alpha: float = ALPHA
    title: str = "Specification-curve joint test (Simonsohn, Simmons & Nelson 2020)"

    def to_frame(self) -> pd.DataFrame:
        return self.statistics.reset_index(names="statistic")

    def pvalue(self, statistic: str) -> float:
        return float(self.statistics.loc[statistic, "pvalue"])


def joint_test(result: GridResult, *, sign_claimed: int, alpha: float = ALPHA) -> JointTest | None:
    """The SSN joint test from a grid run with null draws (``None`` without draws)."""
    if not result.null_draws or result.null_estimates is None or result.null_pvalues is None:
        return None
    est = np.array([e.estimate for e in result.estimates], dtype=float)
    p = np.array([e.pvalue for e in result.estimates], dtype=float)
    valid = np.array([e.ok for e in result.estimates])
    est[~valid] = np.nan
    obs = _curve_stats(est, p, sign_claimed, alpha)
    null_e = np.where(valid[None, :], result.null_estimates, np.nan)
    null = np.array([_curve_stats(null_e[k], result.null_pvalues[k], sign_claimed, alpha)
                     for k in range(result.null_draws)])
    rows = {}
    for j, name in enumerate(("median", "share_significant", "stouffer")):
        draws = null[:, j]
        draws = draws[~np.isnan(draws)]
        if len(draws) == 0 or math.isnan(obs[j]):
            rows[name] = {"observed": obs[j], "null_mean": math.nan, "null_q95": math.nan, "pvalue": math.nan}
            continue
        rows[name] = {"observed": obs[j], "null_mean": float(draws.mean()),
                      "null_q95": float(np.quantile(draws, 0.95)),
                      "pvalue": float((1 + np.sum(draws >= obs[j] - 1e-12)) / (len(draws) + 1))}
    n_valid = int(np.sum(~np.isnan(null[:, 0])))
    return JointTest(statistics=pd.DataFrame(rows).T[["observed", "null_mean", "null_q95", "pvalue"]],
                     n_draws=n_valid, sign_claimed=sign_claimed, alpha=alpha)


# ----------------------------------------------------------------------------- curve
@dataclasses.dataclass(repr=False)
class SpecCurve(Result):
    """A claim's specification curve.

    Attributes
    ----------
    frame
        Valid specs sorted by estimate (stable): ``rank``, ``key``, the dimensions,
        ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``pvalue``, ``p_rw`` (Romano–Wolf),
        ``p_holm``, ``p_bh``, ``nobs``, ``claimed_sign``, ``significant``, ``headline`` and
        any ``x_*`` extras.
    failed, excluded
        ``(key, reason)`` of specs that failed to estimate / were excluded by a rule.
    joint
        The SSN joint test (``None`` without null draws).
    """

    name: str
    claim: str
    sign_claimed: int
    headline: str
    label: str
    dimensions: list[str]
    frame: pd.DataFrame
    failed: list[tuple[str, str]]
    excluded: list[tuple[str, str]]
    joint: JointTest | None
    null_draws: int = 0
    alpha: float = ALPHA
    choices: dict[str, list[Any]] = dataclasses.field(default_factory=dict)
    title: str = "Specification curve"

    # -- shares ---------------------------------------------------------------------------
    @property
    def n_specs(self) -> int:
        return len(self.frame)

    def _share(self, mask: pd.Series) -> float:
        return float(mask.mean()) if len(mask) else math.nan

    @property
    def has_pvalues(self) -> bool:
        return bool(self.frame["pvalue"].notna().any()) if len(self.frame) else False

    @property
    def share_claimed_sign(self) -> float:
        if not self.sign_claimed:
            return math.nan
        return self._share(self.frame["claimed_sign"].astype(bool))

    @property
    def share_significant(self) -> float:
        return self._share(self.frame["significant"].astype(bool)) if self.has_pvalues else math.nan

    @property
    def share_significant_claimed(self) -> float:
        if not self.has_pvalues or not self.sign_claimed:
            return math.nan
        return self._share(self.frame["significant"].astype(bool) & self.frame["claimed_sign"].astype(bool))

    @property
    def share_matched(self) -> float:
        col = "x_claim_matched"
        if col not in self.frame or self.frame[col].isna().any():
            return math.nan
        return self._share(self.frame[col].astype(bool))

    @property
    def headline_row(self) -> pd.Series | None:
        hit = self.frame[self.frame["headline"]]
        return None if hit.empty else hit.iloc[0]

    # -- output ---------------------------------------------------------------------------
    def summary_row(self) -> dict[str, Any]:
        """One row of the paper's curve summary table."""
        h = self.headline_row
        j = self.joint
        return {
            "grid": self.name, "claim": self.claim, "label": self.label, "sign_claimed": self.sign_claimed,
            "n_specs": self.n_specs, "n_failed": len(self.failed), "n_excluded": len(self.excluded),
            "share_claimed_sign": self.share_claimed_sign, "share_significant": self.share_significant,
            "share_significant_claimed": self.share_significant_claimed, "share_matched": self.share_matched,
            "median_estimate": float(self.frame["estimate"].median()) if self.n_specs else math.nan,
            "min_estimate": float(self.frame["estimate"].min()) if self.n_specs else math.nan,
            "max_estimate": float(self.frame["estimate"].max()) if self.n_specs else math.nan,
            "headline_estimate": math.nan if h is None else float(h["estimate"]),
            "headline_rank": math.nan if h is None else int(h["rank"]),
            "headline_pvalue": math.nan if h is None else float(h["pvalue"]),
            "headline_p_rw": math.nan if h is None else float(h["p_rw"]),
            "null_draws": self.null_draws,
            "joint_p_median": math.nan if j is None else j.pvalue("median"),
            "joint_p_share": math.nan if j is None else j.pvalue("share_significant"),
            "joint_p_stouffer": math.nan if j is None else j.pvalue("stouffer"),
        }

    def to_frame(self) -> pd.DataFrame:
        return self.frame

    def summary(self) -> str:
        r = self.summary_row()
        lines = [f"Specification curve {self.name} ({self.claim}): {self.label}",
                 f"{r['n_specs']} specs ({r['n_failed']} failed, {r['n_excluded']} excluded by rule)",
                 f"claimed sign {self.sign_claimed:+d}: share {r['share_claimed_sign']:.3f}; significant "
                 f"{r['share_significant']:.3f}; significant with claimed sign {r['share_significant_claimed']:.3f}",
                 f"median estimate {r['median_estimate']:.4g} [{r['min_estimate']:.4g}, {r['max_estimate']:.4g}]"]
        if self.joint is not None:
            lines += ["", self.joint.summary()]
        return "\n".join(lines)

    def figure(self, name: str, title: str | None = None) -> Figure:
        """Figure data for ``econ.report.figures`` (``kind="spec_curve"``)."""
        data = self.frame[["estimate", "ci_low", "ci_high", "significant", "claimed_sign", "headline"]].copy()
        for k in ("claim_value", "claim_low", "claim_high"):
            col = f"x_{k}"
            if col in self.frame and self.frame[col].notna().all():
                data[k] = self.frame[col].astype(float)
        for d in self.dimensions:  # categorical in grid order, so the indicator panel keeps it
            order = list(dict.fromkeys(str(v) for v in self.choices.get(d, self.frame[d])))
            data[d] = pd.Categorical(self.frame[d].astype(str), categories=order)
        hlines = [0.0] if self.sign_claimed else []
        return Figure(name=name, title=title or f"Specification curve: {self.claim} ({self.n_specs} specifications)",
                      data=data.reset_index(drop=True), kind="spec_curve", ylabel=self.label, hlines=hlines)

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to redraw and tabulate the curve (plain types)."""
        return {"summary": self.summary_row(), "headline": self.headline, "dimensions": self.dimensions,
                "specs": self.frame.to_dict(orient="records"), "failed": [list(x) for x in self.failed],
                "excluded": [list(x) for x in self.excluded],
                "joint": None if self.joint is None else self.joint.to_frame().to_dict(orient="records")}


def spec_curve(result: GridResult, *, sign_claimed: int, headline: str = "", name: str = "", claim: str = "",
               label: str = "", alpha: float = ALPHA, one_sided: bool = False) -> SpecCurve:
    """Build the specification curve of a grid run.

    Parameters
    ----------
    result
        :func:`~econ.robust.executor.run_grid` output (with null draws for the joint test
        and the Romano–Wolf p-values).
    sign_claimed
        Sign the article predicts for the estimate (+1, -1; 0 = no sign claim).
    headline
        :attr:`Spec.key` of the headline specification (marked in the figure).
    name, claim, label
        Grid name, claim id and what the estimate is (axis label).
    alpha
        Significance level of the shares.
    one_sided
        Romano–Wolf p-values against the claimed sign only (``t`` oriented by ``sign_claimed``)
        instead of two-sided ``|t|``; for claims whose null is one-sided (e.g. "most years").
    """
    if sign_claimed not in (-1, 0, 1):
        raise ValueError("sign_claimed must be -1, 0 or +1")
    frame = result.to_frame()
    frame.insert(0, "key", [s.key for s in result.specs])
    frame.loc[(frame["error"] == "") & frame["estimate"].isna(), "error"] = "no estimate (NaN)"
    ok = frame["error"] == ""
    est = frame["estimate"].to_numpy(dtype=float)
    se = frame["se"].to_numpy(dtype=float)
    p = frame["pvalue"].to_numpy(dtype=float)
    p_ok = np.where(ok, p, np.nan)
    frame["p_holm"] = holm(p_ok)
    frame["p_bh"] = benjamini_hochberg(p_ok)
    frame["p_rw"] = np.nan
    if result.null_draws and result.null_estimates is not None and result.null_se is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            t_obs = np.where(ok & (se > 0), est / se, np.nan)
            t_null = result.null_estimates / result.null_se
        side = ("greater" if sign_claimed > 0 else "less") if one_sided and sign_claimed else "two-sided"
        frame["p_rw"] = romano_wolf(t_obs, t_null, alternative=side)
    frame["claimed_sign"] = (np.sign(est) == sign_claimed) if sign_claimed else False
    frame["significant"] = p < alpha
    frame["headline"] = frame["key"] == headline
    failed = [(k, e) for k, e in zip(frame["key"], frame["error"], strict=True) if e]
    good = frame[ok].sort_values("estimate", kind="stable").reset_index(drop=True)
    good.insert(0, "rank", np.arange(1, len(good) + 1))
    good = good.drop(columns=["error"])
    return SpecCurve(name=name, claim=claim, sign_claimed=sign_claimed, headline=headline, label=label,
                     dimensions=list(result.dimensions), frame=good, failed=failed, excluded=list(result.excluded),
                     joint=joint_test(result, sign_claimed=sign_claimed, alpha=alpha),
                     null_draws=result.null_draws, alpha=alpha,
                     choices={d: list(dict.fromkeys(s[d] for s in result.specs)) for d in result.dimensions})
