"""Signal backtests with an enforced execution lag, and data-snooping tests.

Timing convention: a signal stamped ``t`` is known at the close of ``t`` and the position it
selects earns the return of period ``t + lag`` (``lag=1`` by default). ``lag=0`` means the
signal trades on the same return it may have been computed from: it has to be asked for
explicitly and raises a :class:`LookAheadWarning`.

Positions are rebalanced to their target weights every period (no intra-period weight drift);
weight not held in the risky assets earns the risk-free rate (or 0). Costs are charged as
``cost_bps / 1e4`` per unit of turnover, turnover being ``sum_j |w_t,j - w_t-1,j|`` over the
risky assets, starting from all cash (so switching 100% from A to B is 2 units: sell + buy).

The data-snooping test wraps :class:`arch.bootstrap.SPA` (White's Reality Check and Hansen's
SPA share one object in arch: the *upper* p-value is White's, the *consistent* one Hansen's).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from arch.bootstrap import SPA

from econ.models.base import Result

__all__ = [
    "BacktestResult",
    "DataSnoopingResult",
    "LookAheadWarning",
    "data_snooping_test",
    "infer_periods_per_year",
    "max_drawdown",
    "performance_metrics",
    "positions_from_signals",
    "run_backtest",
    "run_backtest_costs",
]


class LookAheadWarning(UserWarning):
    """A backtest was run with no execution lag (``lag=0``)."""


# --------------------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------------------
def infer_periods_per_year(index: pd.Index) -> float:
    """Periods per year from an index: 252 (daily), 52, 12, 4 or 1, by median spacing.

    Raises
    ------
    ValueError
        If the index is neither a DatetimeIndex nor a PeriodIndex, or has < 2 entries.
    """
    if isinstance(index, pd.PeriodIndex):
        index = index.to_timestamp()
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        raise ValueError(
            "cannot infer periods_per_year: give it explicitly or use a DatetimeIndex / "
            "PeriodIndex with at least two dates"
        )
    # resolution-agnostic (pandas 3 defaults to microseconds): via Timedelta arithmetic
    gap = float(np.median((index[1:] - index[:-1]).total_seconds())) / 86_400.0
    for limit, ppy in ((4.0, 252.0), (10.0, 52.0), (45.0, 12.0), (120.0, 4.0)):
        if gap <= limit:
            return ppy
    return 1.0


def max_drawdown(returns: pd.Series) -> float:
    """Largest peak-to-trough fall of the compounded equity curve, as a negative fraction.

    The curve starts at 1 before the first return, so a loss in the first period counts.
    """
    r = np.asarray(returns, dtype=float)
    equity = np.concatenate([[1.0], np.cumprod(1.0 + r)])
    peak = np.maximum.accumulate(equity)
    return float(np.min(equity / peak - 1.0))


def _rf_series(risk_free: pd.Series | float | None, index: pd.Index) -> pd.Series:
    if risk_free is None:
        return pd.Series(0.0, index=index)
    if isinstance(risk_free, pd.Series):
        rf = risk_free.astype(float).reindex(index)
        if rf.isna().any():
            raise ValueError("risk_free does not cover every return date")
        return rf
    return pd.Series(float(risk_free), index=index)


def performance_metrics(
    returns: pd.Series,
    *,
    risk_free: pd.Series | float | None = None,
    periods_per_year: float | None = None,
) -> dict[str, float]:
    """Standard metrics of a per-period simple return series.

    Parameters
    ----------
    returns
        Simple returns per period (not annualised).
    risk_free
        Per-period risk-free return (Series on the same dates, or a constant); 0 if None.
    periods_per_year
        Annualisation factor; inferred from the index if None.

    Returns
    -------
    dict
        ``n_periods``, ``total_return`` (compounded), ``annual_return`` (geometric:
        ``(1 + total) ** (ppy / n) - 1``), ``annual_volatility`` (``std(ddof=1) *
        sqrt(ppy)``), ``sharpe`` (``mean(r - rf) / std(r - rf) * sqrt(ppy)``),
        ``max_drawdown`` (negative), ``periods_per_year``.
    """
    r = pd.Series(returns, dtype=float)
    if r.isna().any():
        raise ValueError("returns contain missing values")
    if len(r) < 2:
        raise ValueError("need at least two returns")
    ppy = (
        float(periods_per_year) if periods_per_year is not None else infer_periods_per_year(r.index)
    )
    if ppy <= 0:
        raise ValueError("periods_per_year must be positive")
    n = len(r)
    total = float(np.prod(1.0 + r.to_numpy()) - 1.0)
    growth = 1.0 + total
    annual = growth ** (ppy / n) - 1.0 if growth > 0 else -1.0
    vol = float(r.std(ddof=1))
    ex = r - _rf_series(risk_free, r.index)
    sd_ex = float(ex.std(ddof=1))
    sharpe = float(ex.mean() / sd_ex * np.sqrt(ppy)) if sd_ex > 0 else float("nan")
    return {
        "n_periods": float(n),
        "total_return": total,
        "annual_return": float(annual),
        "annual_volatility": vol * float(np.sqrt(ppy)),
        "sharpe": sharpe,
        "max_drawdown": max_drawdown(r),
        "periods_per_year": ppy,
    }


# --------------------------------------------------------------------------------------
# signals -> positions
# --------------------------------------------------------------------------------------
def _check_lag(lag: int) -> int:
    if isinstance(lag, bool) or not isinstance(lag, (int, np.integer)):
        raise ValueError(f"lag must be an integer number of periods, got {lag!r}")
    if lag < 0:
        raise ValueError("lag must be >= 0: a negative lag trades on future signals")
    if lag == 0:
        warnings.warn(
            "lag=0: positions earn the return of the same period their signal is stamped "
            "with. Unless the signal is known before that period's return starts accruing, "
            "this is look-ahead bias.",
            LookAheadWarning,
            stacklevel=3,
        )
    return int(lag)


def _target_weights(
    signals: pd.Series | pd.DataFrame, assets: list[str], cash: str
) -> pd.DataFrame:
    """Signals (labels or weights) -> target weights on ``assets``; NaN where no signal."""
    if isinstance(signals, pd.DataFrame):
        unknown = [c for c in signals.columns if c not in assets]
        if unknown:
            raise ValueError(f"signal weight columns not in returns: {unknown}")
        w = signals.astype(float).reindex(columns=assets)
        # a row with some weight given means "the rest is 0"; an all-NaN row is no signal
        given = signals.notna().any(axis=1).to_numpy()
        w.loc[given] = w.loc[given].fillna(0.0)
        return w
    if not isinstance(signals, pd.Series):
        raise ValueError("signals must be a Series of asset labels or a DataFrame of weights")
    labels = signals.astype(object)
    valid = set(assets) | {cash}
    bad = sorted({str(v) for v in labels.dropna().unique() if v not in valid})
    if bad:
        raise ValueError(f"signal labels {bad} are neither return columns nor {cash!r}")
    w = pd.DataFrame(
        {a: (labels == a).astype(float) for a in assets}, index=signals.index, columns=assets
    )
    w.loc[labels.isna().to_numpy()] = np.nan
    return w


def positions_from_signals(
    signals: pd.Series | pd.DataFrame,
    index: pd.Index,
    assets: list[str],
    *,
    lag: int = 1,
    cash: str = "cash",
) -> pd.DataFrame:
    """Held weights per return period: the target weights of ``lag`` periods earlier.

    Parameters
    ----------
    signals
        Series of labels (an asset name or ``cash``) or DataFrame of weights, stamped at
        the close of the date on which they are known. Every signal date must be in
        ``index``.
    index
        Dates of the return periods.
    assets
        Risky asset names (the columns of the return frame).
    lag
        Execution lag in periods (>= 0; 0 warns).
    cash
        Label meaning "hold nothing risky".

    Returns
    -------
    DataFrame
        Weights on ``assets``; rows before the first available signal are NaN.
    """
    lag = _check_lag(lag)
    extra = signals.index.difference(index)
    if len(extra):
        raise ValueError(
            f"{len(extra)} signal dates are not return dates (first: {extra[0]}); put signals "
            "on the return calendar (e.g. forward-fill a monthly signal to daily) first"
        )
    w = _target_weights(signals, assets, cash).reindex(index)
    return w.shift(lag)


# --------------------------------------------------------------------------------------
# backtest
# --------------------------------------------------------------------------------------
@dataclasses.dataclass(repr=False)
class BacktestResult(Result):
    """Outcome of a signal backtest.

    Attributes
    ----------
    returns
        Net per-period strategy returns (after costs).
    gross_returns
        Before costs.
    positions
        Held weights on the risky assets (cash is ``1 - row sum``).
    turnover
        Per-period turnover (units of NAV traded).
    equity
        Compounded net equity curve starting at 1 before the first period.
    n_periods, total_return, annual_return, annual_volatility, sharpe, max_drawdown
        See :func:`performance_metrics` (computed on net returns).
    turnover_per_period, annual_turnover
        Mean turnover and ``mean * periods_per_year``.
    hit_rate
        Share of periods with a risky position in which the net return beat the risk-free
        return (NaN if never invested).
    total_cost
        Sum of per-period costs (return units).
    lag, cost_bps, periods_per_year
        Settings.
    """

    returns: pd.Series
    gross_returns: pd.Series
    positions: pd.DataFrame
    turnover: pd.Series
    equity: pd.Series
    n_periods: int
    total_return: float
    annual_return: float
    annual_volatility: float
    sharpe: float
    max_drawdown: float
    turnover_per_period: float
    annual_turnover: float
    hit_rate: float
    total_cost: float
    lag: int
    cost_bps: float
    periods_per_year: float
    title = "Backtest"

    def metrics(self) -> dict[str, float]:
        """The scalar performance metrics as a dict."""
        keys = (
            "n_periods",
            "total_return",
            "annual_return",
            "annual_volatility",
            "sharpe",
            "max_drawdown",
            "turnover_per_period",
            "annual_turnover",
            "hit_rate",
            "total_cost",
        )
        return {k: float(getattr(self, k)) for k in keys}

    def to_frame(self) -> pd.DataFrame:
        """Metrics as a tidy two-column frame (``metric``, ``value``)."""
        m = self.metrics()
        return pd.DataFrame({"metric": list(m), "value": list(m.values())})


def run_backtest(
    returns: pd.DataFrame,
    signals: pd.Series | pd.DataFrame,
    *,
    lag: int = 1,
    cost_bps: float = 0.0,
    risk_free: pd.Series | float | None = None,
    periods_per_year: float | None = None,
    cash: str = "cash",
) -> BacktestResult:
    """Backtest a strategy that picks among assets (or weights them) period by period.

    Parameters
    ----------
    returns
        Per-period simple returns, one column per risky asset (e.g. ``"small"``,
        ``"large"``), indexed by period end.
    signals
        Either a Series of labels (a column of ``returns`` or ``cash``) or a DataFrame of
        target weights on some columns of ``returns``; stamped with the date at whose
        close they are known. Rows before the first signal are skipped; a missing signal
        after that is an error.
    lag
        Execution lag (periods). Default 1: the signal of ``t`` earns the return of
        ``t + 1``. ``lag=0`` warns with :class:`LookAheadWarning`.
    cost_bps
        Cost in basis points per unit of turnover.
    risk_free
        Per-period risk-free return earned by uninvested weight and used in the Sharpe
        ratio and hit rate; 0 if None.
    periods_per_year
        Annualisation factor, inferred from the index if None.
    cash
        Label for holding cash.

    Returns
    -------
    BacktestResult
    """
    if cost_bps < 0:
        raise ValueError("cost_bps must be >= 0")
    return _costed(_uncosted(returns, signals, lag=lag, risk_free=risk_free, cash=cash), cost_bps=cost_bps,
                   lag=lag, periods_per_year=periods_per_year)


def run_backtest_costs(
    returns: pd.DataFrame,
    signals: pd.Series | pd.DataFrame,
    costs_bps: Sequence[float],
    *,
    lag: int = 1,
    risk_free: pd.Series | float | None = None,
    periods_per_year: float | None = None,
    cash: str = "cash",
) -> list[BacktestResult]:
    """:func:`run_backtest` at each cost of ``costs_bps``, positions and gross returns built once.

    Element ``i`` is ``run_backtest(returns, signals, cost_bps=costs_bps[i], ...)``: the cost
    enters only after the positions, gross returns and turnover, which do not depend on it.
    """
    costs = [float(c) for c in costs_bps]
    if any(c < 0 for c in costs):
        raise ValueError("cost_bps must be >= 0")
    base = _uncosted(returns, signals, lag=lag, risk_free=risk_free, cash=cash)
    return [_costed(base, cost_bps=c, lag=lag, periods_per_year=periods_per_year) for c in costs]


def _uncosted(
    returns: pd.DataFrame, signals: pd.Series | pd.DataFrame, *, lag: int, risk_free: pd.Series | float | None,
    cash: str,
) -> tuple[pd.DataFrame, pd.Series, pd.Series, pd.Series]:
    """Checks, held positions, risk-free, gross returns and turnover of a backtest (no cost yet)."""
    if not isinstance(returns, pd.DataFrame):
        raise ValueError("returns must be a DataFrame with one column per asset")
    if returns.empty:
        raise ValueError("returns is empty")
    if not returns.index.is_monotonic_increasing or returns.index.has_duplicates:
        raise ValueError("returns' index must be strictly increasing")
    assets = [str(c) for c in returns.columns]
    if cash in assets:
        raise ValueError(f"{cash!r} is the cash label; rename that return column")
    rets = returns.astype(float).copy()
    rets.columns = assets
    pos = positions_from_signals(signals, rets.index, assets, lag=lag, cash=cash)
    have = pos.notna().any(axis=1).to_numpy()
    if not have.any():
        raise ValueError("no period has a position: too few signals for this lag")
    first = int(np.argmax(have))
    pos = pos.iloc[first:]
    if pos.isna().all(axis=1).any():
        bad = pos.index[pos.isna().all(axis=1)][0]
        raise ValueError(
            f"missing signal feeding the position of {bad}: fill it explicitly "
            f"(e.g. with {cash!r} or the previous signal)"
        )
    rets = rets.iloc[first:]
    if rets.isna().any().any():
        raise ValueError("returns contain missing values in the backtest period")
    rf = _rf_series(risk_free, rets.index)

    risky = (pos * rets).sum(axis=1)
    gross = risky + (1.0 - pos.sum(axis=1)) * rf
    prev = pos.shift(1).fillna(0.0)  # start from all cash
    turnover = (pos - prev).abs().sum(axis=1)
    return pos, rf, gross, turnover


def _costed(base: tuple[pd.DataFrame, pd.Series, pd.Series, pd.Series], *, cost_bps: float, lag: int,
            periods_per_year: float | None) -> BacktestResult:
    """Net returns and metrics of an :func:`_uncosted` backtest at ``cost_bps``."""
    pos, rf, gross, turnover = base
    pos = pos.copy()  # each result owns its positions, as with separate run_backtest calls
    cost = turnover * cost_bps / 1e4
    net = (gross - cost).rename("strategy")
    m = performance_metrics(net, risk_free=rf, periods_per_year=periods_per_year)
    invested = (pos.abs().sum(axis=1) > 0).to_numpy()
    hit = float(((net - rf).to_numpy()[invested] > 0).mean()) if invested.any() else float("nan")
    equity = (1.0 + net).cumprod().rename("equity")
    return BacktestResult(
        returns=net,
        gross_returns=gross.rename("gross"),
        positions=pos,
        turnover=turnover.rename("turnover"),
        equity=equity,
        n_periods=int(m["n_periods"]),
        total_return=m["total_return"],
        annual_return=m["annual_return"],
        annual_volatility=m["annual_volatility"],
        sharpe=m["sharpe"],
        max_drawdown=m["max_drawdown"],
        turnover_per_period=float(turnover.mean()),
        annual_turnover=float(turnover.mean() * m["periods_per_year"]),
        hit_rate=hit,
        total_cost=float(cost.sum()),
        lag=int(lag),
        cost_bps=float(cost_bps),
        periods_per_year=m["periods_per_year"],
    )


# --------------------------------------------------------------------------------------
# data snooping: White (2000) Reality Check, Hansen (2005) SPA via arch
# --------------------------------------------------------------------------------------
@dataclasses.dataclass(repr=False)
class DataSnoopingResult(Result):
    """Reality Check / SPA p-values for "no strategy beats the benchmark".

    Attributes
    ----------
    stat
        arch's statistic: the largest mean per-period return of a strategy in excess of
        the benchmark (return units).
    pvalue_lower, pvalue_consistent, pvalue_upper
        arch's three re-centrings: *upper* never drops poor strategies (White's Reality
        Check), *consistent* drops strategies clearly worse than the benchmark using
        Hansen's ``sqrt(2 log log T)`` threshold (Hansen's SPA p-value), *lower* drops all
        that are worse (a lower bound).
    crit_5pct
        5% bootstrap critical values of the statistic for the three variants.
    best_strategy
        Column with the largest mean excess return.
    mean_excess
        Mean per-period excess return of every strategy over the benchmark.
    n_obs, n_strategies, block_size, reps, bootstrap
        Settings and sizes (``block_size`` as used: arch's default is ``int(sqrt(T))``).
    spa
        The underlying computed :class:`arch.bootstrap.SPA` object.
    """

    stat: float
    pvalue_lower: float
    pvalue_consistent: float
    pvalue_upper: float
    crit_5pct: Mapping[str, float]
    best_strategy: str
    mean_excess: pd.Series
    n_obs: int
    n_strategies: int
    block_size: int
    reps: int
    bootstrap: str
    spa: Any = dataclasses.field(default=None)
    title = "Data-snooping test (White 2000 Reality Check / Hansen 2005 SPA)"

    def to_frame(self) -> pd.DataFrame:
        """One row per p-value variant."""
        rows = [
            ("White (2000) Reality Check", "upper", self.pvalue_upper),
            ("Hansen (2005) SPA", "consistent", self.pvalue_consistent),
            ("Hansen (2005) SPA lower bound", "lower", self.pvalue_lower),
        ]
        return pd.DataFrame(
            [
                {
                    "test": name,
                    "variant": var,
                    "stat": self.stat,
                    "pvalue": p,
                    "crit_5%": self.crit_5pct[var],
                    "best_strategy": self.best_strategy,
                    "n_strategies": self.n_strategies,
                    "n_obs": self.n_obs,
                }
                for name, var, p in rows
            ]
        )


def data_snooping_test(
    benchmark_returns: pd.Series,
    strategies: pd.DataFrame,
    *,
    block_size: int | None = None,
    reps: int = 1000,
    bootstrap: Literal["stationary", "circular", "moving block"] = "stationary",
    seed: int | np.random.Generator | None = None,
) -> DataSnoopingResult:
    """Test whether the best of many strategies truly beats a benchmark.

    Null hypothesis: no strategy has a higher expected per-period return than the
    benchmark. Returns are turned into losses (``loss = -return``) and passed to
    :class:`arch.bootstrap.SPA`.

    Parameters
    ----------
    benchmark_returns
        Per-period returns of the benchmark (e.g. buy-and-hold large caps).
    strategies
        One column per strategy tried (every variant searched over, not only the winner).
    block_size
        Mean block length of the bootstrap (default: arch's ``int(sqrt(T))``).
    reps
        Bootstrap replications.
    bootstrap
        ``"stationary"`` (Politis-Romano, as in White and Hansen), ``"circular"`` or
        ``"moving block"``.
    seed
        Seed or Generator for reproducibility.

    Returns
    -------
    DataSnoopingResult

    Notes
    -----
    In arch 8.0 the statistic is the *non-studentised* maximum mean differential (White's
    form); the variance estimate enters only the consistent re-centring threshold. (Read
    from ``arch.bootstrap.multiple_comparison.SPA.compute``.) Hansen's studentised
    statistic is therefore not what is reported here.
    """
    if not isinstance(benchmark_returns, pd.Series):
        raise ValueError("benchmark_returns must be a Series")
    if not isinstance(strategies, pd.DataFrame) or strategies.shape[1] < 1:
        raise ValueError("strategies must be a DataFrame with at least one column")
    if reps < 1:
        raise ValueError("reps must be positive")
    if block_size is not None and block_size < 1:
        raise ValueError("block_size must be a positive integer")
    data = pd.concat([benchmark_returns.rename("__bench__"), strategies], axis=1, join="inner")
    if data.isna().any().any():
        raise ValueError("benchmark and strategy returns contain missing values on common dates")
    if len(data) < 10:
        raise ValueError(f"need at least 10 common observations, got {len(data)}")
    bench = data.pop("__bench__").astype(float)
    strat = data.astype(float)
    spa = SPA(-bench, -strat, block_size=block_size, reps=reps, bootstrap=bootstrap, seed=seed)
    spa.compute()
    pv = spa.pvalues
    crit = spa.critical_values(0.05)
    mean_excess = strat.sub(bench, axis=0).mean()
    return DataSnoopingResult(
        stat=float(mean_excess.max()),
        pvalue_lower=float(pv["lower"]),
        pvalue_consistent=float(pv["consistent"]),
        pvalue_upper=float(pv["upper"]),
        crit_5pct={k: float(v) for k, v in crit.items()},
        best_strategy=str(mean_excess.idxmax()),
        mean_excess=mean_excess,
        n_obs=len(bench),
        n_strategies=strat.shape[1],
        block_size=int(spa.block_size),
        reps=int(reps),
        bootstrap=bootstrap,
        spa=spa,
    )
