"""Estimators: thin, tested layers over statsmodels, arch, linearmodels and scipy.

Every estimator returns a result object deriving from :class:`econ.models.base.Result`
with ``summary()`` (human-readable text) and ``to_frame()`` (tidy ``pandas.DataFrame``).
No estimator knows about any article or claim.
"""

from econ.models.base import Result, TestResult

__all__ = ["Result", "TestResult"]
