"""Robustness: specification grids, curves, multiple testing, placebos, out-of-sample checks.

A study declares a :class:`~econ.robust.grid.Grid` (a product of named dimensions with
invalid combinations excluded by rule) and a module-level function
``estimate(spec, loader) -> SpecEstimate``; :func:`~econ.robust.executor.run_grid` runs it
over every specification (serially, with joblib or on a Dask cluster; cached by content) and
returns a :class:`~econ.robust.executor.GridResult`. An estimate function that also accepts
``null: NullDraws`` supports the specification curve's joint test (see
:mod:`econ.robust.executor`).

Modules: :mod:`~econ.robust.curve` (specification curves, SSN joint test),
:mod:`~econ.robust.multiple` (Holm, Benjamini–Hochberg, Romano–Wolf),
:mod:`~econ.robust.placebo` (leads, permuted regressors, fake event dates),
:mod:`~econ.robust.oos` (expanding-window forecasts, Clark–West, Diebold–Mariano, article
forecasts), :mod:`~econ.robust.stability` (rolling estimates, Bai–Perron regimes),
:mod:`~econ.robust.cache` (content-addressed results), :mod:`~econ.robust.fastols` (fast
refits for null draws).
"""

from econ.robust.executor import ExecutionOptions, GridResult, NullDraws, execution, run_grid
from econ.robust.grid import Grid, Spec, SpecEstimate

__all__ = ["ExecutionOptions", "Grid", "GridResult", "NullDraws", "Spec", "SpecEstimate", "execution", "run_grid"]
