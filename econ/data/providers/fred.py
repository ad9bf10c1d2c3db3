"""Live US series (and USD/CNY) from FRED's keyless CSV endpoint.

``https://fred.stlouisfed.org/graph/fredgraph.csv?id=CODE`` returns the whole history of a
series as ``observation_date,CODE`` (before December 2024 the header was ``DATE,CODE``;
see FinanceData/FinanceDataReader issue #238); a ``.`` (or an empty cell) marks a missing
observation. Both header styles are read.

FRED dates a monthly observation on the first of the month; for frequency-``M`` catalog
series the dates are moved to the month end (the vault convention), ``Q`` to the quarter
end. Daily and weekly (``WALCL``: Wednesday level) dates are kept as published.

The only network access is :func:`_download`, so tests replace that one function.
"""

from __future__ import annotations

import dataclasses
import http.client
import io
import urllib.error
import urllib.request
from collections.abc import Mapping

import pandas as pd

from econ.data.catalog import SeriesSpec
from econ.data.errors import DataError, UnitMismatchError
from econ.data.providers.base import Fetched, Provider, clean_series
from econ.data.units import canonical_unit

FRED_CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv?id={code}"
TIMEOUT_SECONDS = 30.0
_DATE_HEADERS = ("observation_date", "DATE")


class FredError(DataError):
    """A FRED download failed or returned something that is not the expected CSV."""


@dataclasses.dataclass(frozen=True)
class FredRoute:
    """One FRED series and the catalog unit it is held in (FRED's units need no conversion).

    Attributes
    ----------
    code
        FRED series code.
    unit
        Catalog unit (checked against the catalog at fetch time).
    fred_units
        FRED's own description of the units, for the record.
    """

    code: str
    unit: str
    fred_units: str


#: catalog id -> FRED series.
FRED_TABLE: dict[str, FredRoute] = {
    "us.rate.ust10y": FredRoute("DGS10", "percent", "Percent, not seasonally adjusted"),
    "us.rate.ust2y": FredRoute("DGS2", "percent", "Percent, not seasonally adjusted"),
    "us.rate.tips10y": FredRoute("DFII10", "percent", "Percent, not seasonally adjusted"),
    "us.rate.fed_funds": FredRoute("FEDFUNDS", "percent", "Percent, monthly average"),
    "us.rate.fed_funds_daily": FredRoute("DFF", "percent", "Percent, daily (7-day week)"),
    "us.fed.total_assets": FredRoute("WALCL", "USD million", "Millions of U.S. Dollars, Wednesday level"),
    "us.fx.broad_dollar": FredRoute("DTWEXBGS", "index", "Index Jan 2006=100"),
    "us.index.sp500.close": FredRoute("SP500", "index points", "Index, daily close"),
    "cn.fx.usdcny": FredRoute("DEXCHUS", "CNY per USD", "Chinese Yuan Renminbi to One U.S. Dollar"),
}


def _download(code: str) -> str:
    """Fetch the CSV text of FRED series ``code`` (the only network call of this module).

    Raises
    ------
    FredError
        On any HTTP or network failure, naming the URL.
    """
    url = FRED_CSV_URL.format(code=code)
    req = urllib.request.Request(url, headers={"User-Agent": "econ-sizestyle (python urllib)"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as resp:
            return resp.read().decode("utf-8-sig")
    except urllib.error.HTTPError as exc:
        raise FredError(f"FRED download of {code} failed: HTTP {exc.code} {exc.reason} ({url})") from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FredError(f"FRED download of {code} failed: {reason} ({url}); "
                        "check the network connection") from exc


def parse_fred_csv(text: str, code: str, *, frequency: str = "D") -> pd.Series:
    """Parse FRED's CSV into a float series on a sorted ``DatetimeIndex``.

    Parameters
    ----------
    text
        The CSV text (``observation_date,CODE`` or ``DATE,CODE`` header).
    code
        The series code, expected as the value column.
    frequency
        Catalog frequency; ``M``/``Q`` move dates to the period end.

    Returns
    -------
    pandas.Series
        Values with missing observations (``.`` or empty) dropped.

    Raises
    ------
    FredError
        If the text is not a FRED CSV for ``code`` or has unparsable dates or values.
    """
    head = text.lstrip()[:200].lower()
    if not head or head.startswith("<") or "<html" in head:
        raise FredError(f"FRED returned no CSV for {code} (empty or an HTML page); "
                        "is the series code right?")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise FredError(f"FRED CSV for {code} is unreadable: {exc}") from exc
    cols = {str(c).strip(): c for c in frame.columns}
    date_col = next((cols[h] for h in _DATE_HEADERS if h in cols), None)
    value_col = next((c for name, c in cols.items() if name.upper() == code.upper()), None)
    if date_col is None or value_col is None:
        raise FredError(f"FRED CSV for {code} has columns {list(cols)}; expected "
                        f"'observation_date' (or 'DATE') and '{code}'")
    raw = frame[value_col].str.strip()
    missing = raw.isin([".", ""])
    values = pd.to_numeric(raw.where(~missing), errors="coerce")
    bad = values.isna() & ~missing
    if bad.any():
        examples = ", ".join(repr(v) for v in raw[bad].head(3).tolist())
        raise FredError(f"FRED CSV for {code}: non-numeric values, e.g. {examples}")
    dates = pd.to_datetime(frame[date_col].str.strip(), errors="coerce", format="%Y-%m-%d")
    if dates.isna().any():
        examples = ", ".join(repr(v) for v in frame.loc[dates.isna(), date_col].head(3).tolist())
        raise FredError(f"FRED CSV for {code}: unparsable dates, e.g. {examples}")
    idx = pd.DatetimeIndex(dates)
    if frequency in ("M", "Q"):
        idx = idx.to_period(frequency).to_timestamp(how="end").normalize()
    s = pd.Series(values.to_numpy(dtype="float64"), index=idx).dropna().sort_index(kind="stable")
    return s[~s.index.duplicated(keep="last")]


class FredProvider(Provider):
    """Fetch catalog series from FRED, as declared in :data:`FRED_TABLE`.

    Parameters
    ----------
    table
        Routes by catalog id (default :data:`FRED_TABLE`).
    """

    name = "fred"

    def __init__(self, table: Mapping[str, FredRoute] | None = None) -> None:
        self.table: Mapping[str, FredRoute] = FRED_TABLE if table is None else table

    def serves(self, spec: SeriesSpec) -> bool:
        """True for ids in the table, unless the catalog names another live provider."""
        if spec.id not in self.table:
            return False
        return not spec.live or spec.live == self.name

    def fetch(self, spec: SeriesSpec) -> Fetched:
        """Download and parse the series (see the module docstring for date handling).

        Raises
        ------
        FredError
            Unknown id, download failure, or a CSV that does not parse.
        UnitMismatchError
            The table's unit differs from the catalog's.
        """
        route = self.table.get(spec.id)
        if route is None:
            raise FredError(f"the FRED provider has no series code for '{spec.id}' "
                            f"(it serves: {', '.join(sorted(self.table))})")
        if canonical_unit(route.unit) != canonical_unit(spec.unit):
            raise UnitMismatchError(
                f"FRED route for '{spec.id}' ({route.code}) is in '{route.unit}' but the catalog "
                f"holds '{spec.unit}'; fix FRED_TABLE in econ/data/providers/fred.py")
        text = _download(route.code)
        values = parse_fred_csv(text, route.code, frequency=spec.frequency)
        series = clean_series(values, spec.id)
        series = series.set_axis(series.index.as_unit("ns"))  # as the Parquet store returns it
        if series.empty:
            raise FredError(f"FRED series {route.code} has no observations")
        notes = [f"FRED {route.code} ({route.fred_units})"]
        if spec.frequency in ("M", "Q"):
            notes.append("FRED period-start dates moved to period end")
        return Fetched(series=series, provider=self.name,
                       source=FRED_CSV_URL.format(code=route.code), unit=spec.unit,
                       source_sha256=None, notes=tuple(notes))
