"""Estimators: thin, tested layers over statsmodels, arch, linearmodels and scipy.

Every estimator returns a result object deriving from :class:`econ.models.base.Result`
with ``summary()`` (human-readable text) and ``to_frame()`` (tidy ``pandas.DataFrame``).
No estimator knows about any article or claim.

=====================  ==========================================================
module                 what
=====================  ==========================================================
``hac``                the package's single HAC bandwidth rule
``regression``         OLS with HAC / Hodrick errors, many specs, levels vs differences
``unitroot``           ADF, KPSS, Phillips-Perron, variance ratio batteries
``cointegration``      Engle-Granger, Johansen
``causality``          Granger, Toda-Yamamoto, bootstrap Granger
``leadlag``            cross-correlation with block-bootstrap bands, best lead
``localproj``          Jorda local projections
``regimes``            Markov switching with multi-start and stable ordering
``threshold``          Hansen (2000) threshold regression
``breaks``             Bai-Perron multiple structural breaks
``attribution``        valuation / earnings / dividend decomposition
``backtest``           signal backtests, White reality check, Hansen SPA
``events``             event-window abnormal returns
``turning_points``     Bry-Boschan / Harding-Pagan dating
``coincidence``        do two series' turning points coincide beyond chance
``returns``            window returns under stated conventions, block-bootstrap CIs, start/end sensitivity
``windows``            dated windows against all same-length windows
``portfolios``         bottom-N size portfolios by weighting and rebalancing frequency
``divisor``            divisor-adjusted cap-weighted index (SSE rule), chain-linked index from caps
=====================  ==========================================================
"""

import importlib
from typing import Any

#: Public name -> submodule. Submodules are imported on first use (PEP 562), so importing
#: one estimator does not load statsmodels, arch and linearmodels for all the others.
_EXPORTS = {
    "DivisorIndexResult": "divisor",
    "chain_linked_index": "divisor",
    "divisor_index": "divisor",
    "PortfolioResult": "portfolios",
    "bottom_n_portfolio": "portfolios",
    "BootstrapCI": "returns",
    "WindowReturn": "returns",
    "block_bootstrap_ci": "returns",
    "window_return": "returns",
    "WindowTestResult": "windows",
    "windows_vs_all": "windows",
    "AttributionResult": "attribution",
    "BacktestResult": "backtest",
    "BreakResult": "breaks",
    "CoincidenceResult": "coincidence",
    "DataSnoopingResult": "backtest",
    "EngleGrangerResult": "cointegration",
    "EventStudyResult": "events",
    "GrangerResult": "causality",
    "JohansenResult": "cointegration",
    "LeadFitResult": "leadlag",
    "LeadLagResult": "leadlag",
    "LevelsVsDifferences": "regression",
    "LocalProjectionResult": "localproj",
    "RegimeResult": "regimes",
    "RegressionResult": "regression",
    "Result": "base",
    "SpecTable": "regression",
    "TestResult": "base",
    "ThresholdResult": "threshold",
    "TurningPointResult": "turning_points",
    "UnitRootBattery": "unitroot",
    "bai_perron": "breaks",
    "bandwidth": "hac",
    "best_lead_fit": "leadlag",
    "bootstrap_granger": "causality",
    "choose_bandwidth": "hac",
    "cross_correlation": "leadlag",
    "data_snooping_test": "backtest",
    "date_turning_points": "turning_points",
    "decompose_relative_return": "attribution",
    "describe_bandwidth": "hac",
    "engle_granger": "cointegration",
    "event_study": "events",
    "fit_markov": "regimes",
    "granger": "causality",
    "integration_order": "unitroot",
    "johansen": "cointegration",
    "levels_vs_differences": "regression",
    "local_projection": "localproj",
    "ols_hac": "regression",
    "run_backtest": "backtest",
    "run_specs": "regression",
    "threshold_regression": "threshold",
    "toda_yamamoto": "causality",
    "turning_point_coincidence": "coincidence",
    "unit_root_battery": "unitroot",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'econ.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"econ.models.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "AttributionResult", "BacktestResult", "BreakResult", "bai_perron", "CoincidenceResult", "DataSnoopingResult", "EngleGrangerResult",
    "EventStudyResult", "GrangerResult", "JohansenResult", "LeadFitResult", "LeadLagResult",
    "LevelsVsDifferences", "LocalProjectionResult", "RegimeResult", "RegressionResult", "Result",
    "SpecTable", "TestResult", "ThresholdResult", "TurningPointResult", "UnitRootBattery", "bandwidth",
    "best_lead_fit", "bootstrap_granger", "choose_bandwidth", "cross_correlation", "data_snooping_test",
    "date_turning_points", "decompose_relative_return", "describe_bandwidth", "engle_granger",
    "event_study", "fit_markov", "granger", "integration_order", "johansen", "levels_vs_differences",
    "local_projection", "ols_hac", "run_backtest", "run_specs", "threshold_regression", "toda_yamamoto",
    "turning_point_coincidence", "unit_root_battery",
    "BootstrapCI", "DivisorIndexResult", "PortfolioResult", "WindowReturn", "WindowTestResult",
    "block_bootstrap_ci", "bottom_n_portfolio", "chain_linked_index", "divisor_index", "window_return",
    "windows_vs_all",
]
