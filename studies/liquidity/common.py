"""What every liquidity-and-flows claim module shares: row and part builders, frames, the collector."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.policy import ALPHA
from econ.robust import GridResult
from econ.study import Figure, GridRun, PartResult, Table
from studies import _liquidity_specs as S
from studies._liquidity_specs import Fit
from studies.common import Proxy, proxy_by_label

SIGN = {-1: "−", +1: "+"}


def span(fit: Fit) -> str:
    if fit.start is None:
        return ""
    return f"{pd.Timestamp(fit.start):%Y-%m}–{pd.Timestamp(fit.end):%Y-%m}"


def row(claim: str, relation: str, freq: str, fit: Fit, sign: int) -> dict[str, Any]:
    return {"claim": claim, "relation": relation, "Freq": freq, "Sample": span(fit), "N": fit.nobs,
            "Estimate": fit.beta, "s.e.": fit.se, "p": fit.p, "Claimed": SIGN[sign]}


def missing_parts(claim: str, names: tuple[str, ...], exc: Exception, needs: str) -> list[PartResult]:
    """Every part of ``claim`` as untestable: the data it needs could not be served."""
    return [PartResult(claim, n, missing=f"{needs} ({type(exc).__name__}: {exc})") for n in names]


def part_from_fit(claim: str, name: str, fit: Fit, *, proxy: str, test: str, detail: str = "") -> PartResult:
    """A direction part from a HAC fit (estimate, s.e., normal CI, two-sided p, N)."""
    if not fit.ok:
        return PartResult(claim, name, missing=str(fit.extra.get("error", "no estimate")))
    return PartResult(claim, name, estimate=float(fit.beta), se=float(fit.se), ci=tuple(map(float, fit.ci)),
                      pvalue=float(fit.p), n=int(fit.nobs), proxy=proxy, test=test,
                      detail=detail or f"{span(fit)}, N = {fit.nobs}: β {fit.beta:.3f} (p {fit.p:.3f})")


def fit_or_nan(fn: Callable[[], Fit]) -> Fit:
    try:
        return fn()
    except (DataError, ValueError) as exc:
        return Fit.missing(f"{type(exc).__name__}: {exc}")


# ----------------------------------------------------------------------------- relations
def valuation_frame(loader: DataLoader, pair: str, freq: str, extra: dict[str, str] | None = None,
                    start: str | None = S.VALUATION_START, end: str | None = None,
                    agg: dict[str, str] | None = None) -> pd.DataFrame:
    """Ratio, relative P/E and relative EPS of ``pair`` (vs CSI 300), 100·log, with differences.

    EPS = price / P/E, so ``y = pe + eps`` and Δy = Δpe + Δeps on every row. ``agg``: column →
    aggregation override for ``extra`` columns (e.g. ``{"rate": "last"}``).
    """
    pe_s, pe_l = S.PE[pair]
    f = S.style_frame(loader, proxy_by_label(pair), freq, {"pe_s": pe_s, "pe_l": pe_l, **(extra or {})}, agg)
    f = S.cut(f.dropna(subset=["pe_s", "pe_l", *(extra or {})]), start, end)
    f["pe"] = 100.0 * np.log(f["pe_s"] / f["pe_l"])
    f["eps"] = f["y"] - f["pe"]
    for c in ("y", "pe", "eps", *(extra or {})):
        f[f"d{c}"] = f[c].diff()
    return f


def margin_frame(loader: DataLoader, proxy: Proxy, freq: str = "W") -> pd.DataFrame:
    f = S.style_frame(loader, proxy, freq, {"mg": S.MARGIN}).dropna(subset=["mg"])
    f["dy"] = f["y"].diff()
    f["growth"] = 100.0 * np.log(f["mg"]).diff()
    return f


def window_fit(frame: pd.DataFrame, x: str, windows: list[tuple[str | None, str | None]]) -> Fit:
    """Δy on ``x`` over the union of ``windows`` (rows kept in time order)."""
    parts = [S.cut(frame, a, b) for a, b in windows]
    d = pd.concat(parts)[["dy", x]].dropna()
    return S.hac_fit(d["dy"], d[[x]], x)


def grid_summary(result: GridResult, sign: int, headline: str, name: str) -> list[dict[str, Any]]:
    """Shares of specifications with the claimed sign / significant, overall and by dimension."""
    frame = result.to_frame()
    keys = [s.key for s in result.specs]
    head = frame.iloc[keys.index(headline)]
    rows = []
    subsets: list[tuple[str, pd.Series]] = [("all", pd.Series(True, index=frame.index))]
    for dim in result.dimensions:
        values = frame[dim].unique()
        if dim in ("relation",) or len(values) < 2:
            continue
        subsets += [(f"{dim} = {v}", frame[dim] == v) for v in values]
    for label, mask in subsets:
        sub = frame[mask]
        ok = sub[sub["error"] == ""]
        n_ok = len(ok)
        right = np.sign(ok["estimate"]) == sign
        sig = ok["pvalue"] < ALPHA
        rows.append({
            "grid": name, "subset": label, "Specs": len(sub), "Estimated": n_ok,
            "Claimed sign": right.mean() if n_ok else np.nan,
            "Claimed sign, p<.05": (right & sig).mean() if n_ok else np.nan,
            "Opposite, p<.05": (~right & sig).mean() if n_ok else np.nan,
            "Median est.": ok["estimate"].median() if n_ok else np.nan,
            "_headline": (float(head["estimate"]), float(head["pvalue"])),
        })
    return rows


class Collector:
    """What the claim methods accumulate."""

    def __init__(self) -> None:
        self.parts: list[PartResult] = []
        self.rows: list[dict[str, Any]] = []
        self.tables: list[Table] = []
        self.figures: list[Figure] = []
        self.numbers: dict[str, Any] = {}
        self.grids: list[GridRun] = []
        self.headline_desc = ""
        self.proxy_table: pd.DataFrame | None = None
