"""Panel files of the vault: many stocks per date, read strictly, one function per file.

The series catalog serves one value per date; these files hold one row per (date, stock) or
per stock, so they get readers of their own. Each reader takes the vault folder (normally
``loader.settings.vault``), checks the columns, dates, codes and values it relies on, and
returns a :class:`Panel`: the frame, the file name, its sha256 and the units of its columns.
Problems are :class:`~econ.data.errors.VaultFileError` messages that name the file, column
and first offending line.

Files (``SOURCES.md`` of the vault gives their origin and caveats):

``mktcap_total_quarterly_2005_2025.csv.gz``
    Stock-level **total** market cap (close × total shares, 亿元 = 1e8 CNY) at calendar
    quarter ends 2005Q1–2025Q4, columns ``date, ts_code, total_mv_yi, rank_total_mv``.
    Coverage of listed SH+SZ stocks is ≥ 99.9% 2011Q4–2022, lower before 2007 and after 2023;
    suspended stocks can repeat last quarter's value.
``a_share_trading_periods_qlib_2005_2025.csv``
    ``ts_code, first_date, last_date``: first and last trading day per stock; first dates are
    floored at 2005-01-04 and a last date of 2025-08-06 means "still listed".
``index_members_csi300_500_1000_2005_2025.csv.gz``
    ``index_code, ts_code, start, end``: membership periods of CSI 300 (000300), CSI 500
    (000905) and CSI 1000 (000852), from semi-annual snapshots (about two weeks late around
    each review); CSI 1000 usable from 2015-06.
``ff5_china_cufe_daily.csv``
    CUFE China Fama–French factors, daily simple returns as decimals.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from econ.data.errors import DataError, VaultFileError
from econ.data.exports import exists, read_source_bytes

__all__ = [
    "MKTCAP_FILE",
    "MEMBERS_FILE",
    "PERIODS_FILE",
    "CUFE_FILE",
    "PERIODS_END_OF_DUMP",
    "Panel",
    "cufe_factors",
    "index_members",
    "market_cap",
    "members_on",
    "panel_vault",
    "trading_periods",
]

MKTCAP_FILE = "mktcap_total_quarterly_2005_2025.csv.gz"
PERIODS_FILE = "a_share_trading_periods_qlib_2005_2025.csv"
MEMBERS_FILE = "index_members_csi300_500_1000_2005_2025.csv.gz"
CUFE_FILE = "ff5_china_cufe_daily.csv"

#: last date of the dump the trading-periods file was built from: a stock whose last trading
#: day is this date was still listed (not delisted).
PERIODS_END_OF_DUMP = pd.Timestamp("2025-08-06")
#: the first date of the dump: earlier listings are floored to it.
PERIODS_START_OF_DUMP = pd.Timestamp("2005-01-04")

_CODE = r"^(\d{6}|T\d{5})\.(SH|SZ|BJ)$"


@dataclasses.dataclass(frozen=True)
class Panel:
    """A panel file as read: the frame and where it came from."""

    frame: pd.DataFrame
    file: str
    sha256: str
    units: Mapping[str, str]

    def provenance(self) -> str:
        """One line naming the file and its hash (for a study's notes)."""
        return f"{self.file} (sha256 {self.sha256[:12]}…)"


def panel_vault(settings: Any) -> Path | None:
    """The vault folder panel readers should use under ``settings`` (``None`` in synthetic mode).

    Synthetic runs never mix real panels with synthetic series: the readers then raise
    :class:`~econ.data.errors.DataError` and the study reports the part as missing.
    """
    if getattr(settings, "synthetic", False):
        return None
    roots = tuple(getattr(settings, "roots", ()) or ())
    return roots or getattr(settings, "vault", None)


def find_panel_file(vault: str | Path | Sequence[Path] | None, name: str) -> Path:
    """The first vault root (in priority order) holding ``name`` or its snapshot form ``name.xz``."""
    if vault is None:
        raise DataError("panel files are read from the vault: set --vault or ECON_VAULT (the market-cap, "
                        "trading-period, membership and factor panels have no live or synthetic provider)")
    roots = [vault] if isinstance(vault, (str, Path)) else list(vault)
    for root in roots:
        path = Path(root).expanduser().resolve() / name
        if exists(path):
            return path
    raise VaultFileError(f"panel file {name} is in none of the vault folders {[str(r) for r in roots]} "
                         "(see the vault's SOURCES.md for how it was made)")


def read_panel_bytes(path: Path) -> tuple[bytes, str]:
    """The file's bytes (decompressed from the snapshot's ``.xz`` form if need be) and their sha256."""
    raw = read_source_bytes(path)
    return raw, hashlib.sha256(raw).hexdigest()


def _read(vault: str | Path | Sequence[Path] | None, name: str, columns: Sequence[str]) -> tuple[pd.DataFrame, str]:
    path = find_panel_file(vault, name)
    raw, digest = read_panel_bytes(path)
    return _parse(path, name, raw, columns), digest


def _parse(path: Path, name: str, raw: bytes, columns: Sequence[str]) -> pd.DataFrame:
    compression = "gzip" if name.endswith(".gz") else None
    try:
        frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, compression=compression)
    except Exception as exc:  # pandas raises several parser errors
        raise VaultFileError(f"{path}: not a readable CSV ({exc})") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise VaultFileError(f"{path}: missing column(s) {missing}; has {list(frame.columns)}")
    return frame


def _dates(frame: pd.DataFrame, col: str, name: str, *, allow_empty: bool = False) -> pd.Series:
    raw = frame[col]
    out = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
    bad = out.isna() & ~(allow_empty & (raw.str.strip() == ""))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise VaultFileError(f"{name}, column '{col}', line {i + 2}: unparsable date {raw.iloc[i]!r}")
    return out


def _numbers(frame: pd.DataFrame, col: str, name: str) -> pd.Series:
    raw = frame[col]
    out = pd.to_numeric(raw.where(raw.str.strip() != ""), errors="coerce")
    bad = out.isna() & (raw.str.strip() != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise VaultFileError(f"{name}, column '{col}', line {i + 2}: not a number {raw.iloc[i]!r}")
    return out


def _codes(frame: pd.DataFrame, col: str, name: str) -> pd.Series:
    raw = frame[col].str.strip()
    bad = ~raw.str.match(_CODE)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise VaultFileError(f"{name}, column '{col}', line {i + 2}: not a stock code like 600519.SH: {raw.iloc[i]!r}")
    return raw


#: Parsed and checked market-cap panels by the sha256 of their file's bytes (one process reads
#: the 250,000-row file once however many studies use it; each caller gets its own copy).
_MARKET_CAP: dict[str, Panel] = {}


def market_cap(vault: str | Path | None) -> Panel:
    """Quarter-end total market cap by stock (亿元), with the cross-sectional rank.

    Checks: dates are calendar quarter ends; (date, code) unique; market caps positive and
    finite; ranks 1..n within each date in descending order of market cap. The file's bytes
    are read on every call; the same bytes are parsed and checked once per process.
    """
    path = find_panel_file(vault, MKTCAP_FILE)
    raw, digest = read_panel_bytes(path)
    if digest not in _MARKET_CAP:
        _MARKET_CAP[digest] = _market_cap(path, raw, digest)
    panel = _MARKET_CAP[digest]
    return dataclasses.replace(panel, frame=panel.frame.copy(), units=dict(panel.units))


def _market_cap(path: Path, raw_bytes: bytes, digest: str) -> Panel:
    name = MKTCAP_FILE
    raw = _parse(path, name, raw_bytes, ["date", "ts_code", "total_mv_yi", "rank_total_mv"])
    f = pd.DataFrame({"date": _dates(raw, "date", name), "ts_code": _codes(raw, "ts_code", name),
                      "total_mv_yi": _numbers(raw, "total_mv_yi", name),
                      "rank": _numbers(raw, "rank_total_mv", name)})
    if f["total_mv_yi"].isna().any() or not (f["total_mv_yi"] > 0).all():
        i = int(np.flatnonzero(~(f["total_mv_yi"] > 0).to_numpy())[0])
        raise VaultFileError(f"{name}, column 'total_mv_yi', line {i + 2}: market cap must be a positive number")
    not_qe = ~f["date"].dt.is_quarter_end
    if not_qe.any():
        i = int(np.flatnonzero(not_qe.to_numpy())[0])
        raise VaultFileError(f"{name}, column 'date', line {i + 2}: {f['date'].iloc[i].date()} is not a quarter end")
    dup = f.duplicated(["date", "ts_code"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise VaultFileError(f"{name}, line {i + 2}: stock {f['ts_code'].iloc[i]} twice on {f['date'].iloc[i].date()}")
    expected = f.groupby("date")["total_mv_yi"].rank(ascending=False, method="first")
    if not np.allclose(expected.to_numpy(), f["rank"].to_numpy()):
        i = int(np.flatnonzero(~np.isclose(expected.to_numpy(), f["rank"].to_numpy()))[0])
        raise VaultFileError(f"{name}, column 'rank_total_mv', line {i + 2}: rank {f['rank'].iloc[i]:g} does not "
                             f"match the market-cap order ({expected.iloc[i]:g})")
    f["rank"] = f["rank"].astype(int)
    f = f.sort_values(["date", "rank"], kind="stable").reset_index(drop=True)
    return Panel(frame=f, file=name, sha256=digest,
                 units={"total_mv_yi": "CNY 100m (亿元), total shares × close", "rank": "1 = largest"})


def trading_periods(vault: str | Path | None) -> Panel:
    """First and last trading day of every stock (``ts_code`` unique; first ≤ last)."""
    name = PERIODS_FILE
    raw, digest = _read(vault, name, ["ts_code", "first_date", "last_date"])
    f = pd.DataFrame({"ts_code": _codes(raw, "ts_code", name), "first_date": _dates(raw, "first_date", name),
                      "last_date": _dates(raw, "last_date", name)})
    dup = f["ts_code"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise VaultFileError(f"{name}, line {i + 2}: stock {f['ts_code'].iloc[i]} listed twice")
    bad = f["first_date"] > f["last_date"]
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise VaultFileError(f"{name}, line {i + 2}: first_date after last_date")
    f["exchange"] = f["ts_code"].str[-2:]
    f["delisted"] = f["last_date"] < PERIODS_END_OF_DUMP
    return Panel(frame=f, file=name, sha256=digest,
                 units={"first_date": f"first trading day (floored at {PERIODS_START_OF_DUMP.date()})",
                        "last_date": f"last trading day ({PERIODS_END_OF_DUMP.date()} = still listed)"})


#: index codes of the membership file and their names
INDEX_NAMES: dict[str, str] = {"000300": "CSI 300", "000905": "CSI 500", "000852": "CSI 1000"}


def index_members(vault: str | Path | None) -> Panel:
    """Membership periods of CSI 300 / 500 / 1000 (no overlapping periods per index and code)."""
    name = MEMBERS_FILE
    raw, digest = _read(vault, name, ["index_code", "ts_code", "start", "end"])
    f = pd.DataFrame({"index_code": raw["index_code"].str.strip(), "ts_code": _codes(raw, "ts_code", name),
                      "start": _dates(raw, "start", name), "end": _dates(raw, "end", name)})
    unknown = ~f["index_code"].isin(INDEX_NAMES)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise VaultFileError(f"{name}, column 'index_code', line {i + 2}: unknown index {f['index_code'].iloc[i]!r}")
    bad = f["start"] > f["end"]
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise VaultFileError(f"{name}, line {i + 2}: start after end")
    s = f.sort_values(["index_code", "ts_code", "start"])
    prev_end = s.groupby(["index_code", "ts_code"])["end"].shift()
    overlap = s["start"] <= prev_end
    if overlap.any():
        i = int(s.index[overlap.to_numpy()][0])
        raise VaultFileError(f"{name}, line {i + 2}: membership period overlaps an earlier one of the same stock")
    return Panel(frame=f, file=name, sha256=digest, units={"start": "first day as member", "end": "last day as member"})


def members_on(members: Panel, date: str | pd.Timestamp, index_code: str) -> set[str]:
    """Codes in index ``index_code`` on ``date`` (start ≤ date ≤ end)."""
    d = pd.Timestamp(date)
    f = members.frame
    m = (f["index_code"] == index_code) & (f["start"] <= d) & (f["end"] >= d)
    return set(f.loc[m, "ts_code"])


CUFE_COLUMNS = ("mkt_rf", "smb", "hml", "umd", "rmw", "cma", "rf", "smb_equal", "hml_equal", "umd_equal",
                "rmw_equal", "cma_equal")


def cufe_factors(vault: str | Path | None) -> Panel:
    """CUFE China factors, daily decimal returns indexed by date (sorted, unique, |r| < 1)."""
    name = CUFE_FILE
    raw, digest = _read(vault, name, ["date", *CUFE_COLUMNS])
    dates = _dates(raw, "date", name)
    f = pd.DataFrame({c: _numbers(raw, c, name).to_numpy() for c in CUFE_COLUMNS}, index=pd.DatetimeIndex(dates))
    if f.index.has_duplicates or not f.index.is_monotonic_increasing:
        raise VaultFileError(f"{name}: dates must be unique and ascending")
    too_big = (f.abs() >= 1).any(axis=1)
    if too_big.any():
        raise VaultFileError(f"{name}: a daily return of 100% or more on {f.index[too_big][0].date()} "
                             "(decimal returns expected, not percent)")
    f.index.name = "date"
    return Panel(frame=f, file=name, sha256=digest, units=dict.fromkeys(CUFE_COLUMNS, "decimal daily return"))


SSE_FILE = "idx_sse_composite_000001.csv"
#: the 1991-1996 bars of the source break low ≤ close ≤ high on 18 days (early exchange data);
#: the check applies from here on and users of earlier bars are warned in the docstring.
SSE_BARS_CHECKED_FROM = pd.Timestamp("1997-01-01")


def sse_composite_bars(vault: str | Path | None) -> Panel:
    """SSE Composite daily bars (open, high, low, close in points), indexed by date.

    The catalog serves the close; levels such as "the 2016 low" are quoted from intraday lows
    or highs, which only this reader serves. Checks: unique ascending dates; low ≤ close ≤ high from 1997 (18 bars of
    1991–1996 break it in the source and are left as they are).
    """
    name = SSE_FILE
    raw, digest = _read(vault, name, ["date", "open", "high", "low", "close"])
    dates = _dates(raw, "date", name)
    f = pd.DataFrame({c: _numbers(raw, c, name).to_numpy() for c in ("open", "high", "low", "close")},
                     index=pd.DatetimeIndex(dates, name="date"))
    if f.index.has_duplicates or not f.index.is_monotonic_increasing:
        raise VaultFileError(f"{name}: dates must be unique and ascending")
    ok = f[["high", "low", "close"]].notna().all(axis=1) & (f.index >= SSE_BARS_CHECKED_FROM)
    bad = ok & ((f["low"] > f["close"] + 1e-6) | (f["close"] > f["high"] + 1e-6))
    if bad.any():
        raise VaultFileError(f"{name}: low ≤ close ≤ high fails on {f.index[bad][0].date()}")
    return Panel(frame=f, file=name, sha256=digest, units=dict.fromkeys(f.columns, "index points"))
