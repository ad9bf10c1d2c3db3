"""Run a study's estimate function over every specification of its grid.

``estimate(spec, loader)`` must be a module-level function (so process pools and Dask can
pickle it). Workers rebuild a :class:`~econ.data.loader.DataLoader` from the picklable
:class:`~econ.config.Settings`. Results come back in grid order whatever the execution.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pandas as pd

from econ.config import Settings
from econ.data.loader import DataLoader
from econ.models.base import Result
from econ.robust.grid import Grid, Spec, SpecEstimate

EstimateFn = Callable[[Spec, DataLoader], SpecEstimate]


@dataclasses.dataclass(repr=False)
class GridResult(Result):
    """One row per specification: its choices and its estimate."""

    dimensions: list[str]
    specs: list[Spec]
    estimates: list[SpecEstimate]
    title: str = "Specification grid"

    def to_frame(self) -> pd.DataFrame:
        rows: list[dict[str, Any]] = []
        for s, e in zip(self.specs, self.estimates, strict=True):
            rows.append({**s.as_dict(), "estimate": e.estimate, "se": e.se, "pvalue": e.pvalue,
                         "ci_low": e.ci_low, "ci_high": e.ci_high, "nobs": e.nobs, "error": e.error,
                         **{f"x_{k}": v for k, v in e.extra.items()}})
        return pd.DataFrame(rows)

    def ok(self) -> pd.DataFrame:
        frame = self.to_frame()
        return frame[frame["error"] == ""].reset_index(drop=True)


def _run_one(fn: EstimateFn, spec: Spec, loader: DataLoader) -> SpecEstimate:
    try:
        return fn(spec, loader)
    except Exception as exc:  # a failing spec is reported, not fatal
        return SpecEstimate.failed(f"{type(exc).__name__}: {exc}")


def run_grid(fn: EstimateFn, grid: Grid, settings: Settings | None = None, *,
             loader: DataLoader | None = None, progress: Callable[[str], None] | None = None,
             **_future: Any) -> GridResult:
    """Run ``fn`` on every spec of ``grid`` (serially; parallel executors extend this).

    Parameters
    ----------
    fn
        Module-level ``estimate(spec, loader) -> SpecEstimate``.
    grid
        The specification grid.
    settings, loader
        Where data come from: an existing loader (serial runs) or settings to build one.
    progress
        Called with a short message per spec.
    """
    if loader is None:
        if settings is None:
            raise ValueError("run_grid needs a loader or settings")
        loader = DataLoader(settings)
    specs = list(grid)
    out = []
    for s in specs:
        if progress:
            progress(s.key)
        out.append(_run_one(fn, s, loader))
    return GridResult(dimensions=list(grid.dimensions), specs=specs, estimates=out)
