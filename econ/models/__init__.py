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

from econ.models.attribution import AttributionResult, decompose_relative_return
from econ.models.backtest import (
    BacktestResult,
    DataSnoopingResult,
    data_snooping_test,
    run_backtest,
)
from econ.models.base import Result, TestResult
from econ.models.breaks import BreakResult, bai_perron
from econ.models.causality import GrangerResult, bootstrap_granger, granger, toda_yamamoto
from econ.models.coincidence import CoincidenceResult, turning_point_coincidence
from econ.models.cointegration import EngleGrangerResult, JohansenResult, engle_granger, johansen
from econ.models.divisor import DivisorIndexResult, chain_linked_index, divisor_index
from econ.models.events import EventStudyResult, event_study
from econ.models.hac import bandwidth, choose_bandwidth, describe_bandwidth
from econ.models.leadlag import LeadFitResult, LeadLagResult, best_lead_fit, cross_correlation
from econ.models.localproj import LocalProjectionResult, local_projection
from econ.models.portfolios import PortfolioResult, bottom_n_portfolio
from econ.models.regimes import RegimeResult, fit_markov
from econ.models.regression import (
    LevelsVsDifferences,
    RegressionResult,
    SpecTable,
    levels_vs_differences,
    ols_hac,
    run_specs,
)
from econ.models.returns import BootstrapCI, WindowReturn, block_bootstrap_ci, window_return
from econ.models.threshold import ThresholdResult, threshold_regression
from econ.models.turning_points import TurningPointResult, date_turning_points
from econ.models.unitroot import UnitRootBattery, integration_order, unit_root_battery
from econ.models.windows import WindowTestResult, windows_vs_all

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
