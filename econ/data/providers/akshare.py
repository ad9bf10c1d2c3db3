"""Live China series from `akshare <https://github.com/akfamily/akshare>`_ (optional dependency).

Every series this provider serves is one row of :data:`AKSHARE_TABLE`: which akshare
function to call with which arguments, which date and value columns of akshare's output to
read (akshare's own, mostly Chinese, column names), the unit akshare returns and the factor
that turns it into the catalog unit. A series summed over several calls (margin financing
balance = Shanghai + Shenzhen) lists one call per part; the parts are summed on the dates
they share.

Each row cites where its function name, arguments, output columns and unit were checked:
the akshare source file (repository ``akfamily/akshare``; identical in the installed
akshare 1.19.5) and, where akshare's documentation states a unit, the documentation page.

akshare is imported lazily inside :meth:`AkshareProvider.fetch`, so this module imports
without it; :meth:`AkshareProvider.serves` is false when akshare cannot be imported.

Not served (see :data:`UNMAPPED`): ``cn.rate.dr007``. akshare has no daily history of the
DR007 last-trade rate the catalog holds; its closest function, ``repo_rate_hist``, returns
the CFETS repo *fixing* FDR007 (and only one month per call), a different series that the
catalog explicitly excludes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import pandas as pd

from econ.data.catalog import SeriesSpec
from econ.data.errors import DataError, UnitMismatchError
from econ.data.providers.base import Fetched, Provider, clean_series
from econ.data.units import canonical_unit

#: Placeholder in call arguments replaced by today's date (``YYYYMMDD``) at fetch time.
TODAY = "{today}"

_INSTALL_HINT = "pip install 'econ-sizestyle[live]' (or pip install akshare)"


class AkshareError(DataError):
    """An akshare call failed or returned something other than what the table expects."""


@dataclasses.dataclass(frozen=True)
class AkCall:
    """One akshare function call and the two columns read from its output.

    Attributes
    ----------
    func
        Name of the function in the ``akshare`` namespace.
    kwargs
        Keyword arguments (strings; :data:`TODAY` is replaced by today's ``YYYYMMDD``).
    date_column, value_column
        Columns of the returned DataFrame, spelled as akshare spells them.
    """

    func: str
    kwargs: Mapping[str, str]
    date_column: str
    value_column: str

    def resolved_kwargs(self, today: dt.date) -> dict[str, str]:
        """``kwargs`` with :data:`TODAY` replaced."""
        stamp = today.strftime("%Y%m%d")
        return {k: (stamp if v == TODAY else v) for k, v in self.kwargs.items()}


@dataclasses.dataclass(frozen=True)
class AkRoute:
    """How one catalog id is built from akshare.

    Attributes
    ----------
    calls
        One call, or several whose values are summed on their common dates.
    source_unit
        The unit akshare returns the value column in.
    factor
        Multiplier from ``source_unit`` to ``unit``.
    unit
        The catalog unit the factor converts to (checked against the catalog at fetch time).
    bounds
        Plausible range of the converted values; a value outside it means akshare changed
        its unit or column meaning, and the fetch fails instead of storing a 100x slip.
    checked
        Where the function, arguments, columns and unit were verified.
    note
        Anything a reader of the fetched series should know (carried into ``Fetched.notes``).
    """

    calls: tuple[AkCall, ...]
    source_unit: str
    factor: float
    unit: str
    bounds: tuple[float, float]
    checked: str
    note: str = ""


# -- where each row was checked ----------------------------------------------------------
_SRC = "akfamily/akshare "
_DOC = "https://akshare.akfamily.xyz/data/"
_CHK_SINA_INDEX = (_SRC + "akshare/index/index_stock_zh.py::stock_zh_index_daily "
                   "(columns date, open, high, low, close, volume); " + _DOC + "index/index.html")
_CHK_CSINDEX = (_SRC + "akshare/index/index_stock_zh_csindex.py::stock_zh_index_hist_csindex "
                "(columns 日期 ... 收盘 ...; args symbol, start_date, end_date as YYYYMMDD); "
                + _DOC + "index/index.html")
_CHK_SHIBOR = (_SRC + "akshare/interest_rate/interbank_rate_em.py::rate_interbank "
               "(columns 报告日, 利率, 涨跌; 利率 in percent); " + _DOC + "interest_rate/interest_rate.html")
_CHK_BOND = (_SRC + "akshare/bond/bond_em.py::bond_zh_us_rate (columns 日期, 中国国债收益率2年, "
             "中国国债收益率10年, 美国国债收益率2年, 美国国债收益率10年 ...; percent); "
             + _DOC + "bond/bond.html")
_CHK_HSGT = (_SRC + "akshare/stock_feature/stock_hsgt_em.py::stock_hsgt_hist_em (divides "
             "NET_DEAL_AMT by 100 into 亿元); " + _DOC + "stock/stock.html "
             "'沪深港通历史数据': 当日成交净买额 float64 注意单位: 亿元")
_CHK_MARGIN = (_SRC + "akshare/economic/macro_china.py::macro_china_market_margin_sh/_sz "
               "(jin10; columns 日期, 融资买入额, 融资余额, ...); " + _DOC + "macro/macro.html "
               "'上海/深圳融资融券报告': 融资余额 注意单位: 元")
_CHK_MONEY = (_SRC + "akshare/economic/macro_china.py::macro_china_money_supply (columns 月份 "
              "as 'YYYY年MM月份', 货币(M1)-同比增长, 货币和准货币(M2)-同比增长; percent); "
              + _DOC + "macro/macro.html '货币供应量'")
_CHK_PMI = (_SRC + "akshare/economic/macro_china.py::macro_china_pmi (columns 月份 as "
            "'YYYY年MM月份', 制造业-指数, ...); " + _DOC + "macro/macro.html '采购经理人指数'")

_INDEX_BOUNDS = (1.0, 1e5)
_RATE_BOUNDS = (-5.0, 50.0)


def _sina_index(symbol: str) -> AkRoute:
    return AkRoute(calls=(AkCall("stock_zh_index_daily", {"symbol": symbol}, "date", "close"),),
                   source_unit="index points", factor=1.0, unit="index points",
                   bounds=_INDEX_BOUNDS, checked=_CHK_SINA_INDEX)


def _csindex(symbol: str) -> AkRoute:
    return AkRoute(calls=(AkCall("stock_zh_index_hist_csindex",
                                 {"symbol": symbol, "start_date": "20041231", "end_date": TODAY},
                                 "日期", "收盘"),),
                   source_unit="index points", factor=1.0, unit="index points",
                   bounds=_INDEX_BOUNDS, checked=_CHK_CSINDEX)


def _shibor(indicator: str) -> AkRoute:
    return AkRoute(calls=(AkCall("rate_interbank", {"market": "上海银行同业拆借市场",
                                                    "symbol": "Shibor人民币", "indicator": indicator},
                                 "报告日", "利率"),),
                   source_unit="percent", factor=1.0, unit="percent", bounds=_RATE_BOUNDS,
                   checked=_CHK_SHIBOR)


def _bond(column: str, note: str = "") -> AkRoute:
    return AkRoute(calls=(AkCall("bond_zh_us_rate", {"start_date": "19901219"}, "日期", column),),
                   source_unit="percent", factor=1.0, unit="percent", bounds=_RATE_BOUNDS,
                   checked=_CHK_BOND, note=note)


#: catalog id -> how to build it from akshare.
AKSHARE_TABLE: dict[str, AkRoute] = {
    # Sina index history, whole history in one call: columns date/close, index points.
    "cn.index.csi300.close": _sina_index("sh000300"),
    "cn.index.csi500.close": _sina_index("sh000905"),
    "cn.index.csi1000.close": _sina_index("sh000852"),
    "cn.index.sse50.close": _sina_index("sh000016"),
    "cn.index.sse.close": _sina_index("sh000001"),
    "cn.index.chinext.close": _sina_index("sz399006"),
    # CSI-only indices from csindex.com.cn: columns 日期/收盘.
    "cn.index.csi2000.close": _csindex("932000"),
    "cn.index.allshare.close": _csindex("000985"),
    # Northbound net buying: 亿元 (CNY 100m) -> CNY million is x100.
    "cn.flow.northbound.net": AkRoute(
        calls=(AkCall("stock_hsgt_hist_em", {"symbol": "北向资金"}, "日期", "当日成交净买额"),),
        source_unit="CNY 100m", factor=100.0, unit="CNY million", bounds=(-1e6, 1e6),
        checked=_CHK_HSGT,
        note="daily northbound net buying is not published since 2024-08; akshare returns "
             "empty values from then on (akfamily/akshare issue #6394), which are dropped"),
    # Margin financing balance, SSE + SZSE: 元 -> CNY 100m is /1e8.
    "cn.margin.financing_balance": AkRoute(
        calls=(AkCall("macro_china_market_margin_sh", {}, "日期", "融资余额"),
               AkCall("macro_china_market_margin_sz", {}, "日期", "融资余额")),
        source_unit="CNY", factor=1e-8, unit="CNY 100m", bounds=(0.0, 1e5),
        checked=_CHK_MARGIN,
        note="sum of the Shanghai and Shenzhen balances on dates both exchanges report "
             "(jin10 data centre, from 2010-03-31)"),
    # SHIBOR (percent).
    "cn.rate.shibor_on": _shibor("隔夜"),
    "cn.rate.shibor_1w": _shibor("1周"),
    # Government bond yields from the EastMoney China/US table (percent).
    "cn.rate.cgb2y": _bond("中国国债收益率2年"),
    "cn.rate.cgb10y": _bond("中国国债收益率10年"),
    # US yields: FRED is the catalog's provider (live=fred); served here only for a catalog
    # row that names akshare or no provider, or when fetched explicitly.
    "us.rate.ust10y": _bond("美国国债收益率10年", "EastMoney US 10Y Treasury yield, not FRED DGS10"),
    "us.rate.ust2y": _bond("美国国债收益率2年", "EastMoney US 2Y Treasury yield, not FRED DGS2"),
    # Monthly macro: '2024年01月份' labels -> month end.
    "cn.macro.m1_yoy": AkRoute(
        calls=(AkCall("macro_china_money_supply", {}, "月份", "货币(M1)-同比增长"),),
        source_unit="percent", factor=1.0, unit="percent", bounds=(-50.0, 100.0),
        checked=_CHK_MONEY,
        note="M1 as published at each release: the PBoC widened the M1 definition from 2025-01, "
             "so do not difference across that month"),
    "cn.macro.m2_yoy": AkRoute(
        calls=(AkCall("macro_china_money_supply", {}, "月份", "货币和准货币(M2)-同比增长"),),
        source_unit="percent", factor=1.0, unit="percent", bounds=(-50.0, 100.0),
        checked=_CHK_MONEY),
    "cn.macro.pmi_mfg": AkRoute(
        calls=(AkCall("macro_china_pmi", {}, "月份", "制造业-指数"),),
        source_unit="index", factor=1.0, unit="index", bounds=(20.0, 80.0), checked=_CHK_PMI),
}

#: catalog ids marked ``live=akshare`` that this provider does not serve, and why.
UNMAPPED: dict[str, str] = {
    "cn.rate.dr007": (
        "akshare has no daily DR007 last-trade history: repo_rate_hist/repo_rate_query "
        "(akshare/rate/repo_rate.py) return the CFETS repo fixings FR007/FDR007, a different "
        "series the catalog excludes, and bond_buy_back_hist_em covers exchange repo (GC/R-007), "
        "not interbank DR007"
    ),
}

_MONTH_LABEL = r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月份?\s*$"


def _import_akshare() -> ModuleType:
    """Import akshare or raise :class:`AkshareError` saying how to install it."""
    try:
        import akshare
    except Exception as exc:  # ImportError, or a broken install failing on import
        raise AkshareError(f"akshare is not importable ({type(exc).__name__}: {exc}); "
                           f"{_INSTALL_HINT}") from exc
    return akshare


def _akshare_available() -> bool:
    try:
        _import_akshare()
    except AkshareError:
        return False
    return True


def call_text(call: AkCall, kwargs: Mapping[str, str]) -> str:
    """``akshare.func(k='v', ...)``: the provenance text of one call."""
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return f"akshare.{call.func}({args})"


def parse_dates(raw: pd.Series, *, frequency: str, where: str) -> tuple[pd.DatetimeIndex, int]:
    """Parse an akshare date column; monthly data are dated at month end.

    Accepts ``datetime.date`` objects, timestamps, ISO strings and monthly labels such as
    ``2024年01月份``.

    Parameters
    ----------
    raw
        The date column.
    frequency
        Catalog frequency; ``M`` moves every date to its month end, ``Q`` to its quarter end.
    where
        The call, for error messages.

    Returns
    -------
    tuple
        The parsed dates (``NaT`` where the cell was empty) and the number of empty cells.

    Raises
    ------
    AkshareError
        If a non-empty cell cannot be parsed.
    """
    text = raw.astype("string").str.strip()
    parts = text.str.extract(_MONTH_LABEL)
    is_label = parts[0].notna().to_numpy()
    converted = raw.astype(object).copy()
    if is_label.any():
        converted[is_label] = (parts.loc[is_label, 0] + "-"
                               + parts.loc[is_label, 1].str.zfill(2) + "-01").astype(object)
    parsed = pd.to_datetime(converted, errors="coerce", format="mixed")
    empty = (raw.isna() | (text == "")).to_numpy()
    bad = parsed.isna().to_numpy() & ~empty
    if bad.any():
        examples = ", ".join(repr(v) for v in raw[bad].head(3).tolist())
        raise AkshareError(f"{where}: {int(bad.sum())} unparsable date(s) in the date column, "
                           f"e.g. {examples}")
    idx = pd.DatetimeIndex(parsed).normalize()
    if frequency in ("M", "Q"):
        idx = idx.to_period(frequency).to_timestamp(how="end").normalize()
    return idx, int(empty.sum())


class AkshareProvider(Provider):
    """Fetch catalog series with akshare, as declared in :data:`AKSHARE_TABLE`.

    Parameters
    ----------
    table
        Routes by catalog id (default :data:`AKSHARE_TABLE`).

    Notes
    -----
    Raw frames are memoised per provider instance by call, so fetching several series of one
    akshare table (e.g. the China and US yields of ``bond_zh_us_rate``) downloads it once.
    """

    name = "akshare"

    def __init__(self, table: Mapping[str, AkRoute] | None = None) -> None:
        self.table: Mapping[str, AkRoute] = AKSHARE_TABLE if table is None else table
        self._frames: dict[str, pd.DataFrame] = {}

    def serves(self, spec: SeriesSpec) -> bool:
        """True for ids in the table, unless the catalog names another live provider.

        Also false when akshare cannot be imported.
        """
        if spec.id not in self.table:
            return False
        if spec.live and spec.live != self.name:
            return False
        return _akshare_available()

    def why_not(self, spec: SeriesSpec) -> str | None:
        """Why this provider does not serve ``spec`` (``None`` if it does or the id is not China's).

        Said to the user when no provider serves a series: akshare missing, or the id unmapped.
        """
        if spec.id in UNMAPPED:
            return f"no akshare mapping for '{spec.id}': {UNMAPPED[spec.id]}"
        if spec.id not in self.table or (spec.live and spec.live != self.name):
            return None
        try:
            _import_akshare()
        except AkshareError as exc:
            return str(exc)
        return None

    def fetch(self, spec: SeriesSpec) -> Fetched:
        """Call akshare, select and rename the columns, parse dates and convert units.

        Raises
        ------
        AkshareError
            akshare missing, the call failed (network...), the output lacks the expected
            columns, dates do not parse, or values fall outside the route's bounds.
        UnitMismatchError
            The route converts to a unit other than the catalog's.
        """
        route = self.table.get(spec.id)
        if route is None:
            known = ", ".join(sorted(self.table))
            raise AkshareError(f"the akshare provider has no route for '{spec.id}' "
                               f"(it serves: {known})")
        if canonical_unit(route.unit) != canonical_unit(spec.unit):
            raise UnitMismatchError(
                f"akshare route for '{spec.id}' converts to '{route.unit}' but the catalog holds "
                f"'{spec.unit}'; fix AKSHARE_TABLE in econ/data/providers/akshare.py")
        ak = _import_akshare()
        today = dt.date.today()
        notes: list[str] = [f"akshare {getattr(ak, '__version__', '?')}"]
        parts: list[pd.Series] = []
        sources: list[str] = []
        for call in route.calls:
            kwargs = call.resolved_kwargs(today)
            where = call_text(call, kwargs)
            sources.append(where)
            frame = self._call(ak, call, kwargs, where)
            part, part_notes = self._extract(frame, call, spec, where)
            parts.append(part)
            notes.extend(part_notes)
        values = self._combine(parts, sources, notes)
        if route.factor != 1.0:
            values = values * route.factor
            notes.append(f"converted {route.source_unit} -> {route.unit} (x {route.factor:g})")
        series = clean_series(values, spec.id)
        series = series.set_axis(series.index.as_unit("ns"))  # as the Parquet store returns it
        if series.empty:
            raise AkshareError(f"{' + '.join(sources)} returned no values for '{spec.id}'")
        self._check_bounds(series, route, " + ".join(sources))
        if route.note:
            notes.append(route.note)
        return Fetched(series=series, provider=self.name, source=" + ".join(sources),
                       unit=spec.unit, source_sha256=None, notes=tuple(notes))

    # -- steps ----------------------------------------------------------------------------
    def _call(self, ak: ModuleType, call: AkCall, kwargs: dict[str, str], where: str) -> pd.DataFrame:
        if where in self._frames:
            return self._frames[where]
        func = getattr(ak, call.func, None)
        if func is None or not callable(func):
            raise AkshareError(f"akshare {getattr(ak, '__version__', '?')} has no function "
                               f"'{call.func}' (needed for {where}); upgrade akshare")
        try:
            frame: Any = func(**kwargs)
        except Exception as exc:  # network errors, JSON decode errors, source changes...
            raise AkshareError(f"{where} failed: {type(exc).__name__}: {exc}") from exc
        if not isinstance(frame, pd.DataFrame):
            raise AkshareError(f"{where} returned {type(frame).__name__}, not a DataFrame")
        self._frames[where] = frame
        return frame

    @staticmethod
    def _extract(frame: pd.DataFrame, call: AkCall, spec: SeriesSpec,
                 where: str) -> tuple[pd.Series, list[str]]:
        missing = [c for c in (call.date_column, call.value_column) if c not in frame.columns]
        if missing:
            got = ", ".join(map(str, frame.columns)) or "(no columns)"
            raise AkshareError(f"{where} returned no column(s) {', '.join(map(repr, missing))}; "
                               f"it has: {got}. akshare's output changed; update AKSHARE_TABLE")
        notes: list[str] = []
        dates, n_empty = parse_dates(frame[call.date_column], frequency=spec.frequency, where=where)
        values = pd.to_numeric(frame[call.value_column], errors="coerce")
        if values.notna().sum() == 0 and len(frame):
            raise AkshareError(f"{where}: column {call.value_column!r} has no numeric values")
        s = pd.Series(values.to_numpy(dtype="float64"), index=dates)
        keep = ~pd.isna(dates)
        if n_empty:
            notes.append(f"{call.func}: dropped {n_empty} row(s) without a date")
        s = s[keep]
        n_nan = int(s.isna().sum())
        if n_nan:
            notes.append(f"{call.func}: dropped {n_nan} row(s) without a value in "
                         f"{call.value_column!r}")
        s = s.dropna().sort_index(kind="stable")
        dup = s.index.duplicated(keep="last")
        if dup.any():
            conflicting = int((s.groupby(level=0).nunique() > 1).sum())
            notes.append(f"{call.func}: dropped {int(dup.sum())} duplicate date(s), kept the last "
                         f"row ({conflicting} with differing values)")
            s = s[~dup]
        return s, notes

    @staticmethod
    def _combine(parts: list[pd.Series], sources: list[str], notes: list[str]) -> pd.Series:
        if len(parts) == 1:
            return parts[0]
        union = parts[0].index
        for p in parts[1:]:
            union = union.union(p.index)
        joined = pd.concat(parts, axis=1, join="inner")
        dropped = len(union) - len(joined)
        if dropped:
            notes.append(f"summed {len(parts)} parts on their {len(joined)} common dates; "
                         f"{dropped} date(s) reported by only some parts dropped")
        if joined.empty:
            raise AkshareError(f"{' + '.join(sources)}: the parts share no dates")
        return joined.sum(axis=1)

    @staticmethod
    def _check_bounds(series: pd.Series, route: AkRoute, where: str) -> None:
        lo, hi = route.bounds
        out = series[(series < lo) | (series > hi)]
        if len(out):
            first = out.index[0].strftime("%Y-%m-%d")
            raise AkshareError(
                f"{where}: {len(out)} value(s) outside the plausible range [{lo:g}, {hi:g}] "
                f"{route.unit} (first {first}: {out.iloc[0]:g}); akshare's unit or column "
                f"meaning has probably changed (expected {route.source_unit} x {route.factor:g})")
