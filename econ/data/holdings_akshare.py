"""Build the C12–C14 user files from akshare on a machine with network access.

Two Eastmoney tables, through akshare (column names as akshare spells them, checked in the
akshare source, repository ``akfamily/akshare``, identical in the installed akshare 1.19.5;
documented at https://akshare.akfamily.xyz/data/stock/stock.html):

* ``stock_report_fund_hold(symbol="基金持仓", date="YYYYMMDD")``
  (``akshare/stock/stock_fund_hold.py``; 东方财富网-数据中心-主力数据-基金持仓): one row per
  stock held by funds at the report date, columns ``序号, 股票代码, 股票简称, 持有基金家数,
  持股总数, 持股市值, 持股变化, 持股变动数值, 持股变动比例``. ``股票代码`` is a bare six-digit
  code; ``持股市值`` is the value of all funds' holdings of the stock (Eastmoney field
  ``HOLD_VALUE``, CNY). Quarterly (Q1/Q3) reports disclose only each fund's top-10 stocks,
  so the builder asks for the semi-annual dates by default.
* ``stock_jgdy_detail_em(date="YYYYMMDD")`` (``akshare/stock_feature/stock_jgdy_em.py``;
  机构调研-机构调研详细): every institution-visit whose visit date is after ``date``, columns
  ``序号, 代码, 名称, 最新价, 涨跌幅, 调研机构, 机构类型, 调研人员, 接待方式, 接待人员,
  接待地点, 调研日期, 公告日期`` (``调研日期``/``公告日期`` as ``datetime.date``).

Run ``python -m econ.data.holdings_akshare --out VAULT_DIR`` to write
``fund_holdings_by_stock.csv`` and ``research_visits.csv`` into your vault folder; the study
``leadlag_holdings`` then finds them. akshare is imported lazily; functions accept an
``ak`` module-like object so tests run on monkeypatched frames without network.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from econ.data.holdings import (
    HOLDINGS_FILE,
    VISITS_FILE,
    HoldingsDataError,
    validate_holdings,
    validate_visits,
)

#: stock_report_fund_hold: the columns read and what they become.
FUND_HOLD_FUNC = "stock_report_fund_hold"
FUND_HOLD_SYMBOL = "基金持仓"
AK_FUND_HOLD_COLUMNS = {"股票代码": "ts_code", "持股市值": "hold_value"}
#: stock_jgdy_detail_em: the columns read and what they become.
VISITS_FUNC = "stock_jgdy_detail_em"
AK_VISITS_COLUMNS = {"代码": "ts_code", "调研日期": "visit_date", "调研机构": "institution",
                  "机构类型": "institution_type"}


def _akshare() -> ModuleType:
    try:
        import akshare
    except Exception as exc:  # ImportError or a broken install
        raise HoldingsDataError(f"akshare is not importable ({exc}); pip install akshare") from exc
    return akshare


def _call(ak: Any, func: str, **kwargs: str) -> pd.DataFrame:
    fn = getattr(ak, func, None)
    if fn is None:
        raise HoldingsDataError(f"akshare has no function {func!r}; upgrade akshare")
    where = f"akshare.{func}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
    try:
        frame = fn(**kwargs)
    except Exception as exc:  # network / source errors
        raise HoldingsDataError(f"{where} failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(frame, pd.DataFrame):
        raise HoldingsDataError(f"{where} returned {type(frame).__name__}, not a DataFrame")
    missing = [c for c in (AK_FUND_HOLD_COLUMNS if func == FUND_HOLD_FUNC else AK_VISITS_COLUMNS)
               if c not in frame.columns]
    if missing:
        raise HoldingsDataError(f"{where} returned no column(s) {missing}; it has {list(frame.columns)}. "
                                "akshare's output changed; update econ/data/holdings_akshare.py")
    return frame


def semiannual_dates(start_year: int, end_year: int) -> list[pd.Timestamp]:
    """Report dates 06-30 and 12-31 from ``start_year`` to ``end_year`` inclusive."""
    return [pd.Timestamp(f"{y}-{md}") for y in range(start_year, end_year + 1) for md in ("06-30", "12-31")]


def build_holdings(report_dates: Iterable[str | pd.Timestamp], *, ak: Any = None) -> pd.DataFrame:
    """Per-stock fund holdings by report date from ``stock_report_fund_hold``.

    Parameters
    ----------
    report_dates
        Quarter ends (semi-annual ones recommended: 06-30, 12-31).
    ak
        The akshare module (default: import it).

    Returns
    -------
    DataFrame
        The validated holdings frame (``report_date``, ``ts_code``, ``hold_value``), the
        schema of :data:`econ.data.holdings.HOLDINGS_COLUMNS`. Report dates with no rows
        are skipped; rows without a value are dropped.
    """
    ak = ak or _akshare()
    parts = []
    for d in report_dates:
        d = pd.Timestamp(d)
        frame = _call(ak, FUND_HOLD_FUNC, symbol=FUND_HOLD_SYMBOL, date=d.strftime("%Y%m%d"))
        if frame.empty:
            continue
        part = frame[list(AK_FUND_HOLD_COLUMNS)].rename(columns=AK_FUND_HOLD_COLUMNS)
        part = part[pd.to_numeric(part["hold_value"], errors="coerce").notna()]
        part.insert(0, "report_date", d.strftime("%Y-%m-%d"))
        parts.append(part)
    if not parts:
        raise HoldingsDataError(f"{FUND_HOLD_FUNC} returned no rows for any of the report dates")
    raw = pd.concat(parts, ignore_index=True).astype({"ts_code": str, "hold_value": str})
    return validate_holdings(raw, where=FUND_HOLD_FUNC)


def build_visits(start_date: str | pd.Timestamp, *, ak: Any = None) -> pd.DataFrame:
    """Institution-visit records after ``start_date`` from ``stock_jgdy_detail_em``.

    Returns
    -------
    DataFrame
        ``visit_date``, ``ts_code``, ``weight`` (1 per institution-visit), ``institution``
        and ``institution_type`` (schema :data:`econ.data.holdings.VISITS_COLUMNS`).
        Rows without a visit date or code are dropped.
    """
    ak = ak or _akshare()
    frame = _call(ak, VISITS_FUNC, date=pd.Timestamp(start_date).strftime("%Y%m%d"))
    raw = frame[list(AK_VISITS_COLUMNS)].rename(columns=AK_VISITS_COLUMNS)
    raw = raw[raw["visit_date"].notna() & raw["ts_code"].notna()].copy()
    raw["visit_date"] = pd.to_datetime(raw["visit_date"]).dt.strftime("%Y-%m-%d")
    raw["ts_code"] = raw["ts_code"].astype(str)
    return validate_visits(raw, where=VISITS_FUNC)


def write_user_files(out: str | Path, *, holdings: pd.DataFrame | None = None,
                     visits: pd.DataFrame | None = None) -> list[Path]:
    """Write the frames as the vault user files the study looks for."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if holdings is not None:
        h = holdings.assign(report_date=holdings["report_date"].dt.strftime("%Y-%m-%d"))
        h[["report_date", "ts_code", "hold_value"]].to_csv(out / HOLDINGS_FILE, index=False)
        written.append(out / HOLDINGS_FILE)
    if visits is not None:
        v = visits.assign(visit_date=visits["visit_date"].dt.strftime("%Y-%m-%d"))
        cols = [c for c in ("visit_date", "ts_code", "institution", "weight") if c in v.columns]
        v[cols].to_csv(out / VISITS_FILE, index=False)
        written.append(out / VISITS_FILE)
    return written


def main(argv: list[str] | None = None) -> list[Path]:
    """Command line: download both tables and write the user files into ``--out``."""
    ap = argparse.ArgumentParser(description="Build fund-holdings and research-visit files from akshare")
    ap.add_argument("--out", required=True, help="vault folder to write into")
    ap.add_argument("--start-year", type=int, default=2010)
    ap.add_argument("--end-year", type=int, default=2024)
    ap.add_argument("--visits-from", default="2012-01-01", help="first visit date")
    args = ap.parse_args(argv)
    holdings = build_holdings(semiannual_dates(args.start_year, args.end_year))
    visits = build_visits(args.visits_from)
    paths = write_user_files(args.out, holdings=holdings, visits=visits)
    for p in paths:
        print(f"wrote {p}")
    return paths


if __name__ == "__main__":  # pragma: no cover
    main()
