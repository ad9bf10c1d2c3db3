"""Robustness: specification grids, curves, multiple testing, placebos, out-of-sample checks.

A study declares a :class:`~econ.robust.grid.Grid` (a product of named dimensions with
invalid combinations excluded by rule) and a module-level function
``estimate(spec, loader) -> SpecEstimate``; :func:`~econ.robust.executor.run_grid` runs it
over every specification and returns a :class:`~econ.robust.executor.GridResult`.
"""

from econ.robust.executor import GridResult, run_grid
from econ.robust.grid import Grid, Spec, SpecEstimate

__all__ = ["Grid", "GridResult", "Spec", "SpecEstimate", "run_grid"]
