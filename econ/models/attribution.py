"""Exact valuation / earnings / dividend decomposition of a relative (small minus large) return.

For one index over a period with price ``P``, price-earnings ratio ``PE`` and implied
earnings ``EPS = P / PE`` (an identity), the log price return splits exactly::

    dlog P = dlog PE + dlog EPS                       (valuation + earnings)

and with a total-return index ``TR`` the dividend part is ``dlog TR - dlog P``. For the
relative return of a small-cap index ``s`` over a large-cap index ``l``::

    r_s - r_l = dlog(PE_s/PE_l) + dlog(EPS_s/EPS_l) + (div_s - div_l) + residual

The residual is zero (to rounding) when EPS is implied. It is non-zero when the caller
supplies an independent EPS series (e.g. reported trailing EPS that does not equal P/PE),
or with ``kind="simple"``, where ``1 + r = (1 + v)(1 + e)`` leaves the cross term ``v * e``
(reported separately in the ``interaction`` column) outside the additive parts.

This is arithmetic, not estimation: no library is needed.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Literal

import numpy as np
import pandas as pd

from econ.models.base import Result

__all__ = ["AttributionResult", "decompose_relative_return"]

_LEGS = ("small", "large")


@dataclasses.dataclass(repr=False)
class AttributionResult(Result):
    """Per-period decomposition of a relative return.

    Attributes
    ----------
    table
        Indexed by period label; columns ``start``, ``end`` (dates of the two observations
        used), ``relative_return`` (observed: total-return based if TR series were given,
        else price based), ``valuation``, ``earnings``, ``dividend``, ``interaction``
        (simple kind only, else 0), ``residual`` (= relative_return - valuation - earnings
        - dividend), ``dominant`` (``"valuation"`` if ``|valuation| > |earnings|`` else
        ``"earnings"``).
    legs
        Per-index parts over the same periods: ``{leg}_price_return``,
        ``{leg}_total_return``, ``{leg}_valuation``, ``{leg}_earnings``,
        ``{leg}_dividend`` for leg in small / large.
    excluded
        Periods dropped because a P/E (or a supplied EPS) was zero or negative at either
        boundary, with the reason; empty when none.
    kind, freq, anchor, eps_source
        Settings: ``"log"``/``"simple"``, the pandas period alias, the boundary rule and
        whether EPS was ``"implied"`` (P/PE) or ``"supplied"``.
    n_periods, n_valuation_dominant, n_earnings_dominant, n_excluded
        Counts.
    share_valuation_dominant
        ``n_valuation_dominant / n_periods``.
    max_abs_residual
        Largest absolute residual.
    """

    table: pd.DataFrame
    legs: pd.DataFrame
    excluded: pd.DataFrame
    kind: str
    freq: str
    anchor: str
    eps_source: str
    n_periods: int
    n_valuation_dominant: int
    n_earnings_dominant: int
    n_excluded: int
    share_valuation_dominant: float
    max_abs_residual: float
    title = "Relative-return attribution: valuation vs earnings"

    def to_frame(self) -> pd.DataFrame:
        """Per-period table with the period label as a column."""
        out = self.table.reset_index()
        return out.rename(columns={out.columns[0]: "period"})


def _as_series(x: pd.Series, name: str) -> pd.Series:
    if not isinstance(x, pd.Series):
        raise ValueError(f"{name} must be a pandas Series with a DatetimeIndex")
    if not isinstance(x.index, pd.DatetimeIndex):
        raise ValueError(f"{name} must have a DatetimeIndex")
    if x.index.has_duplicates:
        raise ValueError(f"{name} has duplicate dates")
    return x.astype(float).sort_index()


def _boundaries(index: pd.DatetimeIndex, freq: str, anchor: str) -> pd.DataFrame:
    """Start and end dates of each period.

    ``anchor="prior_end"``: from the last observation of the previous period to the last
    of this one (periods chain; the first period starts at the first observation).
    ``anchor="within"``: from the first to the last observation inside each period.
    """
    try:
        labels = index.to_period(freq)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"freq {freq!r} is not a valid pandas period frequency") from exc
    frame = pd.DataFrame({"date": index, "period": labels})
    grp = frame.groupby("period", sort=True)["date"]
    first, last = grp.min(), grp.max()
    if anchor == "prior_end":
        start = last.shift(1)
        start.iloc[0] = first.iloc[0]
    else:
        start = first
    out = pd.DataFrame({"start": start, "end": last})
    return out[out["start"] < out["end"]]


def _change(a0: np.ndarray, a1: np.ndarray, kind: str) -> np.ndarray:
    if kind == "log":
        return np.log(a1) - np.log(a0)
    return a1 / a0 - 1.0


def decompose_relative_return(
    price_small: pd.Series,
    price_large: pd.Series,
    pe_small: pd.Series,
    pe_large: pd.Series,
    *,
    tr_small: pd.Series | None = None,
    tr_large: pd.Series | None = None,
    eps_small: pd.Series | None = None,
    eps_large: pd.Series | None = None,
    freq: str = "YE",
    anchor: Literal["prior_end", "within"] = "prior_end",
    kind: Literal["log", "simple"] = "log",
    nonpositive_pe: Literal["exclude", "raise"] = "exclude",
) -> AttributionResult:
    """Split each period's small-minus-large return into valuation, earnings and dividends.

    Parameters
    ----------
    price_small, price_large
        Price indices (e.g. CSI 1000 and CSI 300), positive, ``DatetimeIndex``.
    pe_small, pe_large
        Price-earnings ratios of the same indices on the same dates.
    tr_small, tr_large
        Optional total-return indices. Give both or neither; with them the observed
        relative return is total-return based and the dividend part is
        ``TR return - price return`` per leg; without, the dividend part is 0.
    eps_small, eps_large
        Optional independent EPS series (both or neither). Default: implied ``P / PE``,
        which makes the log decomposition exact.
    freq
        Attribution period: ``"YE"`` calendar year (default), ``"QE"``, ``"ME"``, ``"W"``
        or any pandas period alias (``"YE"``/``"QE"``/``"ME"`` map to the period aliases
        ``"Y"``/``"Q"``/``"M"``).
    anchor
        ``"prior_end"`` (default): each period runs from the last observation of the
        previous period to its own last observation, so period returns chain to the
        full-sample return; the first period starts at the first observation available.
        Only dates on which every input is observed are used (rows with any NaN are
        dropped before boundaries are chosen).
        ``"within"``: from the first to the last observation inside the period (the gap
        between periods is not attributed).
    kind
        ``"log"`` (exact additive) or ``"simple"``: parts are simple growth rates of PE,
        EPS and the TR-minus-price return; the cross term ``v * e`` per leg is reported in
        ``interaction`` and is included in ``residual``.
    nonpositive_pe
        A P/E (or supplied EPS) that is zero or negative (loss-making aggregate) makes the
        valuation/earnings split undefined. ``"exclude"`` (default) drops the affected
        periods, lists them in ``excluded`` and warns; ``"raise"`` raises ``ValueError``.

    Returns
    -------
    AttributionResult

    Raises
    ------
    ValueError
        Bad inputs: non-Series, non-datetime index, unpaired optional series, no common
        fully observed date, non-positive prices or TR, unknown options, non-positive P/E with ``nonpositive_pe="raise"``, or no period left.
    """
    if kind not in ("log", "simple"):
        raise ValueError(f"kind must be 'log' or 'simple', got {kind!r}")
    if anchor not in ("prior_end", "within"):
        raise ValueError(f"anchor must be 'prior_end' or 'within', got {anchor!r}")
    if nonpositive_pe not in ("exclude", "raise"):
        raise ValueError("nonpositive_pe must be 'exclude' or 'raise'")
    if (tr_small is None) != (tr_large is None):
        raise ValueError("give both tr_small and tr_large, or neither")
    if (eps_small is None) != (eps_large is None):
        raise ValueError("give both eps_small and eps_large, or neither")
    freq_alias = {"YE": "Y", "QE": "Q", "ME": "M", "A": "Y", "YS": "Y", "QS": "Q", "MS": "M"}
    pfreq = freq_alias.get(freq, freq)

    cols: dict[str, pd.Series] = {
        "p_small": _as_series(price_small, "price_small"),
        "p_large": _as_series(price_large, "price_large"),
        "pe_small": _as_series(pe_small, "pe_small"),
        "pe_large": _as_series(pe_large, "pe_large"),
    }
    has_tr = tr_small is not None
    has_eps = eps_small is not None
    if has_tr:
        cols["tr_small"] = _as_series(tr_small, "tr_small")  # type: ignore[arg-type]
        cols["tr_large"] = _as_series(tr_large, "tr_large")  # type: ignore[arg-type]
    if has_eps:
        cols["eps_small"] = _as_series(eps_small, "eps_small")  # type: ignore[arg-type]
        cols["eps_large"] = _as_series(eps_large, "eps_large")  # type: ignore[arg-type]
    # dates where every input is observed; a period's boundary is its last such date
    data = pd.concat(cols, axis=1, join="inner").dropna()
    if data.empty:
        raise ValueError("the input series share no date on which all are observed")
    for c in data.columns:
        if c.startswith(("p_", "tr_")) and (data[c].dropna() <= 0).any():
            raise ValueError(f"{c} has zero or negative values; prices must be positive")

    bounds = _boundaries(pd.DatetimeIndex(data.index), pfreq, anchor)
    if bounds.empty:
        raise ValueError("no period has two observations to compare")
    d0 = data.loc[bounds["start"].to_numpy()].reset_index(drop=True)
    d1 = data.loc[bounds["end"].to_numpy()].reset_index(drop=True)

    # non-positive P/E (or supplied EPS): split undefined
    reasons = pd.Series("", index=bounds.index, dtype=object)
    check = ["pe_small", "pe_large"] + (["eps_small", "eps_large"] if has_eps else [])
    for c in check:
        bad = ((d0[c] <= 0) | (d1[c] <= 0)).to_numpy()
        reasons[bad] = reasons[bad] + f"{c}<=0;"
    bad_mask = (reasons != "").to_numpy()
    excluded = pd.DataFrame(
        {"start": bounds["start"][bad_mask], "end": bounds["end"][bad_mask]}
    ).assign(reason=reasons[bad_mask].str.rstrip(";"))
    if bad_mask.any():
        msg = (
            "zero or negative P/E (or EPS) at a boundary of periods "
            f"{[str(p) for p in excluded.index]}: the valuation/earnings split is undefined there"
        )
        if nonpositive_pe == "raise":
            raise ValueError(msg)
        warnings.warn(msg + "; these periods are excluded (see result.excluded)", stacklevel=2)
    keep = ~bad_mask
    if not keep.any():
        raise ValueError("every period has a non-positive P/E; nothing to decompose")
    bounds, d0, d1 = bounds[keep], d0[keep], d1[keep]

    legs: dict[str, np.ndarray] = {}
    for leg in _LEGS:
        p0, p1 = d0[f"p_{leg}"].to_numpy(), d1[f"p_{leg}"].to_numpy()
        pe0, pe1 = d0[f"pe_{leg}"].to_numpy(), d1[f"pe_{leg}"].to_numpy()
        if has_eps:
            e0, e1 = d0[f"eps_{leg}"].to_numpy(), d1[f"eps_{leg}"].to_numpy()
        else:
            e0, e1 = p0 / pe0, p1 / pe1
        price_ret = _change(p0, p1, kind)
        if has_tr:
            tot_ret = _change(d0[f"tr_{leg}"].to_numpy(), d1[f"tr_{leg}"].to_numpy(), kind)
        else:
            tot_ret = price_ret
        val = _change(pe0, pe1, kind)
        earn = _change(e0, e1, kind)
        legs[f"{leg}_price_return"] = price_ret
        legs[f"{leg}_total_return"] = tot_ret
        legs[f"{leg}_valuation"] = val
        legs[f"{leg}_earnings"] = earn
        legs[f"{leg}_dividend"] = tot_ret - price_ret
        legs[f"{leg}_interaction"] = val * earn if kind == "simple" else np.zeros_like(val)

    rel = legs["small_total_return"] - legs["large_total_return"]
    val = legs["small_valuation"] - legs["large_valuation"]
    earn = legs["small_earnings"] - legs["large_earnings"]
    div = legs["small_dividend"] - legs["large_dividend"]
    inter = legs["small_interaction"] - legs["large_interaction"]
    resid = rel - val - earn - div
    table = pd.DataFrame(
        {
            "start": bounds["start"].to_numpy(),
            "end": bounds["end"].to_numpy(),
            "relative_return": rel,
            "valuation": val,
            "earnings": earn,
            "dividend": div,
            "interaction": inter,
            "residual": resid,
            "dominant": np.where(np.abs(val) > np.abs(earn), "valuation", "earnings"),
        },
        index=bounds.index,
    )
    table["dominant"] = table["dominant"].astype(object)
    legs_frame = pd.DataFrame(
        {k: v for k, v in legs.items() if not k.endswith("interaction") or kind == "simple"},
        index=bounds.index,
    )
    n_val = int((table["dominant"] == "valuation").sum())
    return AttributionResult(
        table=table,
        legs=legs_frame,
        excluded=excluded,
        kind=kind,
        freq=pfreq,
        anchor=anchor,
        eps_source="supplied" if has_eps else "implied",
        n_periods=len(table),
        n_valuation_dominant=n_val,
        n_earnings_dominant=len(table) - n_val,
        n_excluded=int(bad_mask.sum()),
        share_valuation_dominant=n_val / len(table),
        max_abs_residual=float(np.max(np.abs(resid))),
    )
