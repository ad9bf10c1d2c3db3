"""User data for claims C12–C14: fund holdings by stock and institutional research visits.

Both are public through Eastmoney (``econ.data.holdings_akshare`` downloads them with akshare)
but neither is in the public vault (see the vault's ``SOURCES.md``, "Size-style micro data"),
so this module is the pipeline for a user who imports them: a declared input schema, strict
validation, the aggregates the articles plot, and the lead–lag analysis the claims call for.
Nothing here invents data; :func:`synthetic_user_data` builds a labelled synthetic world only
to prove that the pipeline recovers a known lead.

Input files (put them in the vault folder; the study looks for these exact names)
---------------------------------------------------------------------------------
``fund_holdings_by_stock.csv`` (:data:`HOLDINGS_FILE`) -- one row per stock and report date
(or per fund, stock and report date):

================  ==========================================================================
``report_date``   report date, a quarter end (``YYYY-MM-DD`` or ``YYYYMMDD``). Use 06-30 and
                  12-31: Q1/Q3 reports disclose only each fund's top-10 stocks.
``ts_code``       stock code, ``600519.SH`` / ``000001.SZ`` / ``430047.BJ``; bare six-digit
                  codes (``600519``) and ``sh600519`` are accepted and normalised.
``hold_value``    market value of the funds' holding of the stock at the report date, >= 0,
                  in any currency unit used consistently (shares are unit-free).
``fund_code``     optional; with it, rows are per fund and are summed per stock.
================  ==========================================================================

``research_visits.csv`` (:data:`VISITS_FILE`) -- one row per institution and visit:

================  ==========================================================================
``visit_date``    date of the visit (``YYYY-MM-DD`` or ``YYYYMMDD``).
``ts_code``       the visited company's stock code (as above).
``institution``   optional; the visiting institution.
``weight``        optional, >= 0; what a row counts for (default 1 = one institution-visit).
================  ==========================================================================

Ready aggregates, if that is what you have:

* ``fund_holdings_aggregates.csv`` (:data:`AGGREGATES_FILE`): ``date``, ``share_top50``,
  ``share_rank_gt500`` -- fractions (0-1) of all funds' stock holdings in the 50 largest
  stocks by total market cap and in stocks ranked beyond 500, semi-annual.
* ``research_visit_aggregates.csv`` (:data:`VISIT_AGGREGATES_FILE`): ``date``,
  ``share_csi300``, ``share_outside_csi1800`` -- fractions of research visits to CSI 300
  members and to stocks outside CSI 300+500+1000 (CSI 2000 and smaller), one row a year.

Aggregates
----------
* :func:`holdings_rank_shares` -- each report date's share of fund holdings in the top-50,
  ranks 51-500, beyond 500 and unranked stocks, ranks from the vault's quarterly total market
  cap panel (``mktcap_total_quarterly_2005_2025.csv.gz``, rank 1 = largest, the last panel date
  on or before the report date), beside the same buckets' shares of total market cap (the
  neutral "market weight" benchmark).
* :func:`holdings_cap_bucket_shares` -- shares by absolute size bucket (C13's >500bn,
  100-500bn, ..., <1bn ladder; thresholds :data:`CAP_BUCKETS_YI`).
* :func:`visit_membership_shares` -- each year's share of visits to CSI 300, CSI 500,
  CSI 1000 members and to the rest, membership from the vault's spell file
  (``index_members_csi300_500_1000_2005_2025.csv.gz``; CSI 1000 usable from 2015-06).

Signals
-------
* :func:`active_weights` -- a bucket's fund (or visit) share minus its share of total market
  cap (:func:`market_benchmark` reads it from the vault's concentration file): the tilt away
  from market weights, the signal the lead analysis uses.
* :func:`publication_dates` / :func:`to_publication_dates` -- the month end from which a
  report's holdings are public (:data:`REPORT_LAG_MONTHS`, the CSRC disclosure deadlines) or a
  visit aggregate is usable (:data:`VISIT_LAG_MONTHS`).

Analysis
--------
* :func:`lead_analysis` -- does the aggregate lead the style? Granger F on differences,
  Toda–Yamamoto on levels, residual-bootstrap Granger, lead–lag cross-correlation with a
  bootstrap confidence set for the best lead, and the best-lead regression fit
  (``econ.models.causality``, ``econ.models.leadlag``).
* :func:`ladder_order_test` -- do peaks walk down a size ladder in order (C13)? Spearman
  correlation of size order with peak dates per episode, permutation p-value;
  :func:`ladder_order_null` -- the same statistic and p-value under other (e.g. randomly
  permuted) claimed orders, for a specification curve's null draws.
* :func:`lead_power` -- Monte Carlo power of the Granger test for a given sample length,
  lead and effect size (the articles' frequencies: T = 27 half-years, 13 years).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from econ.data.errors import VaultFileError
from econ.models.base import Result

__all__ = [
    "CONCENTRATION_FILE", "LEAD_TOLERANCE", "REPORT_LAG_MONTHS", "VISIT_LAG_MONTHS", "active_weights",
    "market_benchmark", "publication_dates", "to_publication_dates",
    "AGGREGATES_COLUMNS", "AGGREGATES_FILE", "CAP_BUCKETS_YI", "HOLDINGS_COLUMNS", "HOLDINGS_FILE",
    "MEMBERS_FILE", "MKTCAP_FILE", "VISITS_COLUMNS", "VISITS_FILE", "VISIT_AGGREGATES_COLUMNS",
    "VISIT_AGGREGATES_FILE", "HoldingsDataError", "LadderResult", "LeadAnalysis",
    "find_user_files", "holdings_cap_bucket_shares", "holdings_rank_shares", "ladder_order_null", "ladder_order_test",
    "lead_analysis", "lead_power", "minimum_detectable", "needs_text", "normalize_code", "prepare_members",
    "prepare_mktcap", "read_user_file", "synthetic_user_data", "validate_aggregates",
    "validate_holdings", "validate_visits", "visit_membership_shares",
]

# ------------------------------------------------------------------------------------------
# declared schema
# ------------------------------------------------------------------------------------------
#: Per-stock (or per-fund-and-stock) fund holdings by report date.
HOLDINGS_FILE = "fund_holdings_by_stock.csv"
HOLDINGS_COLUMNS: dict[str, str] = {
    "report_date": "report date, a quarter end (YYYY-MM-DD or YYYYMMDD)",
    "ts_code": "stock code, e.g. 600519.SH (bare 600519 accepted)",
    "hold_value": "market value of fund holdings of the stock, >= 0, any consistent unit",
}
HOLDINGS_OPTIONAL: dict[str, str] = {"fund_code": "fund code; rows are then summed per stock"}

#: Per-visit research records.
VISITS_FILE = "research_visits.csv"
VISITS_COLUMNS: dict[str, str] = {
    "visit_date": "date of the visit (YYYY-MM-DD or YYYYMMDD)",
    "ts_code": "visited company's stock code, e.g. 000001.SZ",
}
VISITS_OPTIONAL: dict[str, str] = {"institution": "visiting institution",
                                   "weight": "what the row counts for, >= 0 (default 1)"}

#: Ready aggregates of fund holdings (fractions 0-1).
AGGREGATES_FILE = "fund_holdings_aggregates.csv"
AGGREGATES_COLUMNS: dict[str, str] = {
    "date": "report date (semi-annual)",
    "share_top50": "share of all-fund stock holdings in the 50 largest stocks by total market cap",
    "share_rank_gt500": "share in stocks ranked beyond 500",
}

#: Ready aggregates of research visits (fractions 0-1, one row a year).
VISIT_AGGREGATES_FILE = "research_visit_aggregates.csv"
VISIT_AGGREGATES_COLUMNS: dict[str, str] = {
    "date": "year end (YYYY-12-31) of the year the shares cover",
    "share_csi300": "share of research visits to CSI 300 members",
    "share_outside_csi1800": "share to stocks outside CSI 300+500+1000 (CSI 2000 and smaller)",
}

#: Vault panels the aggregates rank and classify with.
MKTCAP_FILE = "mktcap_total_quarterly_2005_2025.csv.gz"
MEMBERS_FILE = "index_members_csi300_500_1000_2005_2025.csv.gz"
MKTCAP_COLUMNS = ("date", "ts_code", "total_mv_yi", "rank_total_mv")
MEMBERS_COLUMNS = ("index_code", "ts_code", "start", "end")
INDEX_GROUPS: dict[str, str] = {"000300": "csi300", "000905": "csi500", "000852": "csi1000"}
#: CSI 1000 membership is usable from this date (SOURCES.md).
CSI1000_START = pd.Timestamp("2015-06-01")
#: Longest gap between a report date and the market-cap date used for its ranks.
MAX_RANK_LAG_DAYS = 92
#: Below this many differences the lead-lag bootstrap uses a fixed block of ceil(n^(1/3)).
SHORT_SAMPLE = 20
#: Months from a fund report's date to the statutory deadline of its publication (CSRC, 公开募集证券投资
#: 基金信息披露管理办法 2019, arts. 17-19: quarterly reports within 15 working days of the quarter end,
#: semi-annual reports within two months of 30 June, annual reports within three months of 31 December).
#: A holding is usable only from the month end this many months after its report date.
REPORT_LAG_MONTHS: dict[int, int] = {3: 1, 6: 2, 9: 1, 12: 3}
#: Research visits: SZSE listed firms file the record of an investor-relations visit within two trading
#: days; a period's visit aggregate is taken as usable one month after the period ends.
VISIT_LAG_MONTHS = 1
#: The vault's market-cap shares by bucket (the market-weight benchmark of the active weights).
CONCENTRATION_FILE = "mktcap_concentration_quarterly_2005_2025.csv"
#: Best leads within this many periods of the claimed lead (and >= 1) count as "the claimed lead".
LEAD_TOLERANCE = 1

#: Absolute size ladder for C13, in CNY 100m (亿元): >5000 (500bn), 1000-5000 (100-500bn), ...,
#: <10 (1bn). The article elides its middle thresholds; these are declared here.
CAP_BUCKETS_YI: tuple[float, ...] = (5000.0, 1000.0, 500.0, 200.0, 100.0, 50.0, 10.0)

_USER_FILES = {
    "holdings": (HOLDINGS_FILE, HOLDINGS_COLUMNS),
    "visits": (VISITS_FILE, VISITS_COLUMNS),
    "aggregates": (AGGREGATES_FILE, AGGREGATES_COLUMNS),
    "visit_aggregates": (VISIT_AGGREGATES_FILE, VISIT_AGGREGATES_COLUMNS),
}


class HoldingsDataError(VaultFileError):
    """A user holdings / visits file breaks the schema (the message names file, column, lines)."""


def needs_text(kind: str) -> str:
    """What a study should say it needs: ``'<file> with columns a, b, c'`` for ``kind``.

    ``kind`` is ``"holdings"``, ``"visits"``, ``"aggregates"`` or ``"visit_aggregates"``.
    """
    name, cols = _USER_FILES[kind]
    return f"{name} with columns {', '.join(cols)}"


def find_user_files(root: str | Path | None) -> dict[str, Path]:
    """The user files present in ``root`` (a vault folder), by kind."""
    if root is None:
        return {}
    root = Path(root)
    return {kind: root / name for kind, (name, _) in _USER_FILES.items() if (root / name).is_file()}


# ------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------
_SUFFIXES = {"SH", "SZ", "BJ"}
_CODE_RE = re.compile(r"^(?:(SH|SZ|BJ))?(\d{6})(?:\.(SH|SZ|BJ|SS))?$")


def _exchange(digits: str) -> str | None:
    """Exchange of a bare six-digit A-share code from its prefix (None if not an A/B share)."""
    if digits.startswith("6") or digits.startswith("900"):
        return "SH"
    if digits.startswith(("0", "3")) or digits.startswith("200"):
        return "SZ"
    if digits.startswith(("4", "8")) or digits.startswith("920"):
        return "BJ"
    return None


def normalize_code(code: object) -> str | None:
    """``600519`` / ``sh600519`` / ``600519.SS`` -> ``600519.SH``; None if not a stock code.

    Parameters
    ----------
    code
        Any cell value.

    Returns
    -------
    str or None
        The code as ``NNNNNN.XX`` (XX in SH, SZ, BJ), or None when it cannot be one.
    """
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return None
    text = str(code).strip().upper()
    if re.fullmatch(r"\d{1,5}", text):  # leading zeros lost by a spreadsheet
        text = text.zfill(6)
    m = _CODE_RE.match(text)
    if not m:
        return None
    prefix, digits, suffix = m.groups()
    suffix = "SH" if suffix == "SS" else suffix
    inferred = _exchange(digits)
    ex = suffix or prefix or inferred
    if ex not in _SUFFIXES or inferred is None or (prefix and suffix and prefix != suffix):
        return None
    return f"{digits}.{ex}"


def _lines(mask: np.ndarray, raw: pd.Series, k: int = 3) -> str:
    idx = np.flatnonzero(mask)[:k]
    return "; ".join(f"line {i + 2}: {raw.iloc[i]!r}" for i in idx)


def _require(frame: pd.DataFrame, columns: Mapping[str, str], where: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        spec = "; ".join(f"{c} = {d}" for c, d in columns.items())
        raise HoldingsDataError(
            f"{where}: missing column(s) {missing}; it has {list(map(str, frame.columns))}. "
            f"Expected columns: {spec}.")


def _parse_dates(raw: pd.Series, where: str) -> pd.Series:
    text = raw.astype("string").str.strip()
    compact = text.str.fullmatch(r"\d{8}").fillna(False).to_numpy(dtype=bool)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    if compact.any():
        out[compact] = pd.to_datetime(text[compact], format="%Y%m%d", errors="coerce")
    rest = ~compact
    if rest.any():
        out[rest] = pd.to_datetime(text[rest], format="ISO8601", errors="coerce")
    bad = out.isna().to_numpy()
    if bad.any():
        raise HoldingsDataError(
            f"{where}: {int(bad.sum())} unparsable date(s), e.g. {_lines(bad, raw)}. "
            "Use YYYY-MM-DD or YYYYMMDD.")
    return out.dt.normalize()


def _parse_codes(raw: pd.Series, where: str) -> pd.Series:
    codes = raw.map(normalize_code)
    bad = codes.isna().to_numpy()
    if bad.any():
        raise HoldingsDataError(
            f"{where}: {int(bad.sum())} unknown stock code(s), e.g. {_lines(bad, raw)}. "
            "Use six-digit A-share codes such as 600519.SH, 000001.SZ or 430047.BJ.")
    return codes.astype(str)


def _parse_nonneg(raw: pd.Series, where: str) -> pd.Series:
    text = raw.astype("string").str.strip()
    num = pd.to_numeric(text, errors="coerce")
    bad = (num.isna() | (num < 0)).to_numpy(dtype=bool)
    if bad.any():
        raise HoldingsDataError(
            f"{where}: {int(bad.sum())} missing, non-numeric or negative value(s), e.g. "
            f"{_lines(bad, raw)}. Values must be numbers >= 0 without thousands separators.")
    return num.astype("float64")


def validate_holdings(frame: pd.DataFrame, *, where: str = HOLDINGS_FILE) -> pd.DataFrame:
    """Check and normalise a holdings frame (schema: :data:`HOLDINGS_COLUMNS`).

    Returns
    -------
    DataFrame
        ``report_date`` (Timestamp), ``ts_code`` (``NNNNNN.XX``), ``hold_value`` (float),
        one row per report date and stock (per-fund rows summed), sorted.

    Raises
    ------
    HoldingsDataError
        Missing columns, unparsable dates, report dates that are not quarter ends, unknown
        stock codes, missing or negative values, or duplicate rows.
    """
    _require(frame, HOLDINGS_COLUMNS, where)
    dates = _parse_dates(frame["report_date"], f"{where}, column 'report_date'")
    not_qe = ~(dates.dt.is_quarter_end.to_numpy(dtype=bool))
    if not_qe.any():
        raise HoldingsDataError(
            f"{where}, column 'report_date': {int(not_qe.sum())} date(s) are not quarter ends, e.g. "
            f"{_lines(not_qe, frame['report_date'])}. Fund reports are dated 03-31, 06-30, 09-30, 12-31.")
    codes = _parse_codes(frame["ts_code"], f"{where}, column 'ts_code'")
    values = _parse_nonneg(frame["hold_value"], f"{where}, column 'hold_value'")
    out = pd.DataFrame({"report_date": dates, "ts_code": codes, "hold_value": values})
    keys = ["report_date", "ts_code"]
    if "fund_code" in frame.columns:
        out["fund_code"] = frame["fund_code"].astype("string").str.strip()
        keys = keys + ["fund_code"]
    dup = out.duplicated(keys).to_numpy()
    if dup.any():
        raise HoldingsDataError(
            f"{where}: {int(dup.sum())} duplicate row(s) for the same {'/'.join(keys)}, e.g. line "
            f"{int(np.flatnonzero(dup)[0]) + 2}. One row per stock and report date"
            + ("" if "fund_code" in frame.columns else " (or add a fund_code column for per-fund rows)") + ".")
    out = out.groupby(["report_date", "ts_code"], as_index=False)["hold_value"].sum()
    return out.sort_values(["report_date", "ts_code"], kind="stable").reset_index(drop=True)


def validate_visits(frame: pd.DataFrame, *, where: str = VISITS_FILE) -> pd.DataFrame:
    """Check and normalise a research-visit frame (schema: :data:`VISITS_COLUMNS`).

    Returns
    -------
    DataFrame
        ``visit_date``, ``ts_code``, ``weight`` (1 unless given) and any other columns of
        ``frame`` (``institution``...) as text, sorted by date and code.

    Raises
    ------
    HoldingsDataError
        Missing columns, unparsable dates, unknown codes, or bad weights.
    """
    _require(frame, VISITS_COLUMNS, where)
    out = pd.DataFrame({
        "visit_date": _parse_dates(frame["visit_date"], f"{where}, column 'visit_date'"),
        "ts_code": _parse_codes(frame["ts_code"], f"{where}, column 'ts_code'"),
    })
    out["weight"] = (_parse_nonneg(frame["weight"], f"{where}, column 'weight'")
                     if "weight" in frame.columns else 1.0)
    for col in frame.columns:  # optional and extra columns (institution, ...) are carried as text
        if col not in out.columns and col not in VISITS_COLUMNS:
            out[col] = frame[col].astype("string").to_numpy()
    return out.sort_values(["visit_date", "ts_code"], kind="stable").reset_index(drop=True)


def validate_aggregates(frame: pd.DataFrame, columns: Mapping[str, str], *, where: str) -> pd.DataFrame:
    """Check a ready-aggregates frame: a date column and share columns in [0, 1].

    Returns
    -------
    DataFrame
        Indexed by date (sorted, unique), one float column per share.
    """
    _require(frame, columns, where)
    dates = _parse_dates(frame["date"], f"{where}, column 'date'")
    out = pd.DataFrame(index=pd.DatetimeIndex(dates, name="date"))
    for col in list(columns)[1:]:
        v = pd.to_numeric(frame[col].astype("string").str.strip(), errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(v) | (v < 0) | (v > 1)
        if bad.any():
            raise HoldingsDataError(
                f"{where}, column '{col}': {int(bad.sum())} value(s) outside [0, 1] or non-numeric, e.g. "
                f"{_lines(bad, frame[col])}. Shares are fractions (0.4466, not 44.66).")
        out[col] = v
    if out.index.has_duplicates or not out.index.is_monotonic_increasing:
        raise HoldingsDataError(f"{where}: dates must be unique and sorted ascending")
    return out


def read_user_file(path: str | Path, kind: str) -> pd.DataFrame:
    """Read and validate one user file of ``kind`` (see :func:`find_user_files`)."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas raises several parser errors
        raise HoldingsDataError(f"{path}: not a readable CSV ({exc})") from exc
    where = path.name
    if kind == "holdings":
        return validate_holdings(frame, where=where)
    if kind == "visits":
        return validate_visits(frame, where=where)
    if kind == "aggregates":
        return validate_aggregates(frame, AGGREGATES_COLUMNS, where=where)
    if kind == "visit_aggregates":
        return validate_aggregates(frame, VISIT_AGGREGATES_COLUMNS, where=where)
    raise ValueError(f"unknown kind {kind!r}; use one of {sorted(_USER_FILES)}")


# ------------------------------------------------------------------------------------------
# vault panels
# ------------------------------------------------------------------------------------------
def prepare_mktcap(frame: pd.DataFrame) -> pd.DataFrame:
    """The quarterly market-cap panel with parsed dates (columns :data:`MKTCAP_COLUMNS`)."""
    _require(frame, dict.fromkeys(MKTCAP_COLUMNS, ""), MKTCAP_FILE)
    out = frame[list(MKTCAP_COLUMNS)].copy()
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    out["ts_code"] = out["ts_code"].astype(str)
    out["total_mv_yi"] = out["total_mv_yi"].astype(float)
    out["rank_total_mv"] = out["rank_total_mv"].astype(float)
    return out


def prepare_members(frame: pd.DataFrame) -> pd.DataFrame:
    """Membership spells with parsed dates and six-digit index codes (:data:`MEMBERS_COLUMNS`)."""
    _require(frame, dict.fromkeys(MEMBERS_COLUMNS, ""), MEMBERS_FILE)
    out = frame[list(MEMBERS_COLUMNS)].copy()
    out["index_code"] = out["index_code"].astype(str).str.strip().str.zfill(6)
    out["ts_code"] = out["ts_code"].astype(str)
    out["start"] = pd.to_datetime(out["start"]).astype("datetime64[ns]")
    out["end"] = pd.to_datetime(out["end"]).astype("datetime64[ns]")
    return out[out["index_code"].isin(INDEX_GROUPS)].reset_index(drop=True)


def _rank_dates(report_dates: pd.DatetimeIndex, panel_dates: pd.DatetimeIndex) -> pd.Series:
    """For each report date, the last panel date on or before it (error if too stale)."""
    panel_dates = panel_dates.sort_values()
    pos = panel_dates.searchsorted(report_dates, side="right") - 1
    out = {}
    for d, p in zip(report_dates, pos, strict=True):
        if p < 0 or (d - panel_dates[p]).days > MAX_RANK_LAG_DAYS:
            raise HoldingsDataError(
                f"no market-cap ranks within {MAX_RANK_LAG_DAYS} days before report date {d.date()} "
                f"in {MKTCAP_FILE} (it covers {panel_dates[0].date()} to {panel_dates[-1].date()})")
        out[d] = panel_dates[p]
    return pd.Series(out)


def _rank_bucket(rank: pd.Series) -> pd.Series:
    b = pd.Series("unranked", index=rank.index, dtype=object)
    b[rank <= 50] = "top50"
    b[(rank > 50) & (rank <= 500)] = "rank51_500"
    b[rank > 500] = "rank_gt500"
    return b


def holdings_rank_shares(holdings: pd.DataFrame, mktcap: pd.DataFrame) -> pd.DataFrame:
    """Share of fund holdings in the top-50, ranks 51-500 and beyond 500, by report date.

    Parameters
    ----------
    holdings
        Output of :func:`validate_holdings`.
    mktcap
        Output of :func:`prepare_mktcap` (the vault's quarterly total-market-cap panel).

    Returns
    -------
    DataFrame
        Indexed by report date: ``share_top50``, ``share_rank51_500``, ``share_rank_gt500``,
        ``share_unranked`` (held stocks without a rank that quarter, e.g. Beijing listings or
        stocks the panel lacks; the four sum to 1), the same buckets' shares of total market
        cap (``market_top50``, ``market_rank51_500``, ``market_rank_gt500``), ``rank_date``
        and ``n_held``.

    Notes
    -----
    Ranks are by total market cap among stocks with a value in the panel, taken at the last
    panel date on or before the report date (at most :data:`MAX_RANK_LAG_DAYS` earlier).
    """
    rdates = pd.DatetimeIndex(sorted(holdings["report_date"].unique()))
    rank_date = _rank_dates(rdates, pd.DatetimeIndex(mktcap["date"].unique()))
    h = holdings.assign(rank_date=holdings["report_date"].map(rank_date))
    ranks = mktcap.rename(columns={"date": "rank_date"})[["rank_date", "ts_code", "rank_total_mv"]]
    h = h.merge(ranks, on=["rank_date", "ts_code"], how="left")
    h["bucket"] = _rank_bucket(h["rank_total_mv"])
    fund = h.pivot_table(index="report_date", columns="bucket", values="hold_value", aggfunc="sum",
                         fill_value=0.0)
    fund = fund.reindex(columns=["top50", "rank51_500", "rank_gt500", "unranked"], fill_value=0.0)
    fund = fund.div(fund.sum(axis=1), axis=0).add_prefix("share_")
    m = mktcap[mktcap["date"].isin(rank_date.unique())].copy()
    m["bucket"] = _rank_bucket(m["rank_total_mv"])
    mk = m.pivot_table(index="date", columns="bucket", values="total_mv_yi", aggfunc="sum", fill_value=0.0)
    mk = mk.reindex(columns=["top50", "rank51_500", "rank_gt500"], fill_value=0.0)
    mk = mk.div(mk.sum(axis=1), axis=0).add_prefix("market_")
    mk = mk.reindex(rank_date.to_numpy()).set_axis(rank_date.index)
    out = pd.concat([fund, mk], axis=1)
    out["rank_date"] = rank_date
    out["n_held"] = holdings.groupby("report_date")["ts_code"].nunique()
    out.index.name = "report_date"
    return out


def _cap_labels(thresholds: Sequence[float]) -> list[str]:
    th = sorted(thresholds, reverse=True)
    labels = [f">{th[0]:g}"]
    labels += [f"{lo:g}-{hi:g}" for hi, lo in zip(th[:-1], th[1:], strict=True)]
    labels.append(f"<{th[-1]:g}")
    return labels


def holdings_cap_bucket_shares(holdings: pd.DataFrame, mktcap: pd.DataFrame,
                               thresholds: Sequence[float] = CAP_BUCKETS_YI) -> pd.DataFrame:
    """Share of fund holdings by absolute total-market-cap bucket (CNY 100m), by report date.

    Buckets are ``>t1``, ``t2-t1``, ..., ``<tk`` for ``thresholds`` (default
    :data:`CAP_BUCKETS_YI`), largest first; a cap equal to a threshold goes to the bucket
    above it. Unranked holdings are left out of the denominator (their share is in
    :func:`holdings_rank_shares`). Columns are ordered largest bucket first.
    """
    th = sorted(thresholds, reverse=True)
    labels = _cap_labels(th)
    rdates = pd.DatetimeIndex(sorted(holdings["report_date"].unique()))
    rank_date = _rank_dates(rdates, pd.DatetimeIndex(mktcap["date"].unique()))
    h = holdings.assign(rank_date=holdings["report_date"].map(rank_date))
    caps = mktcap.rename(columns={"date": "rank_date"})[["rank_date", "ts_code", "total_mv_yi"]]
    h = h.merge(caps, on=["rank_date", "ts_code"], how="inner")
    edges = [-np.inf, *sorted(th), np.inf]
    h["bucket"] = pd.cut(h["total_mv_yi"], bins=edges, labels=labels[::-1], right=False)
    out = h.pivot_table(index="report_date", columns="bucket", values="hold_value", aggfunc="sum",
                        fill_value=0.0, observed=False)
    out = out.reindex(columns=labels, fill_value=0.0)
    out.columns = [str(c) for c in out.columns]
    return out.div(out.sum(axis=1), axis=0)


_PERIODS = {"YE": "Y", "QE": "Q", "ME": "M"}


def _period_end(dates: pd.Series, freq: str) -> pd.Series:
    """End date of the period (year, half-year ``"6ME"``, quarter, month) holding each date."""
    if freq == "6ME":
        year = dates.dt.year.astype(str)
        return pd.to_datetime(np.where(dates.dt.month <= 6, year + "-06-30", year + "-12-31"))
    if freq not in _PERIODS:
        raise ValueError(f"freq must be one of {sorted([*_PERIODS, '6ME'])}; got {freq!r}")
    return dates.dt.to_period(_PERIODS[freq]).dt.end_time.dt.normalize().astype("datetime64[ns]")


def visit_membership_shares(visits: pd.DataFrame, members: pd.DataFrame, *, freq: str = "YE",
                            unit: str = "rows") -> pd.DataFrame:
    """Share of research visits by index membership on the visit date, per period.

    Parameters
    ----------
    visits
        Output of :func:`validate_visits`.
    members
        Output of :func:`prepare_members` (CSI 300 / 500 / 1000 membership spells; a stock is
        a member on every date with ``start <= date <= end``).
    freq
        Period of the aggregation: ``"YE"`` (years), ``"6ME"`` (half-years), ``"QE"``, ``"ME"``.
    unit
        ``"rows"``: every row counts its ``weight`` (institution-visits); ``"events"``: one
        count per distinct stock and visit date.

    Returns
    -------
    DataFrame
        Indexed by period end: ``share_csi300``, ``share_csi500``, ``share_csi1000``,
        ``share_outside_csi1800`` (CSI 2000 and smaller), ``share_outside_csi800``
        (= CSI 1000 + outside), ``n_visits`` and ``n_unclassified`` (visits after the
        membership file ends, left out). CSI 1000 and outside-CSI 1800 shares are NaN for
        periods with visits before :data:`CSI1000_START`.
    """
    if unit not in ("rows", "events"):
        raise ValueError(f"unit must be 'rows' or 'events'; got {unit!r}")
    v = visits[["visit_date", "ts_code", "weight"]].copy()
    if unit == "events":
        v = v.drop_duplicates(["visit_date", "ts_code"]).assign(weight=1.0)
    last = members["end"].max()
    v["classified"] = v["visit_date"] <= last
    spells = members.sort_values("start")[["start", "end", "ts_code", "index_code"]]
    vs = v.sort_values("visit_date").reset_index(drop=True)
    m = pd.merge_asof(vs, spells, left_on="visit_date", right_on="start", by="ts_code", direction="backward")
    inside = m["index_code"].notna() & (m["visit_date"] <= m["end"])
    group = pd.Series("outside", index=m.index, dtype=object)
    group[inside] = m.loc[inside, "index_code"].map(INDEX_GROUPS)
    early = m["visit_date"] < CSI1000_START
    group[early & group.isin(["outside", "csi1000"])] = "outside_csi800"
    m["group"] = group
    m["period"] = _period_end(m["visit_date"], freq)
    ok = m[m["classified"]]
    tab = ok.pivot_table(index="period", columns="group", values="weight", aggfunc="sum", fill_value=0.0)
    tab = tab.reindex(columns=["csi300", "csi500", "csi1000", "outside", "outside_csi800"], fill_value=0.0)
    total = tab.sum(axis=1)
    out = pd.DataFrame(index=tab.index)
    out["share_csi300"] = tab["csi300"] / total
    out["share_csi500"] = tab["csi500"] / total
    has_early = tab["outside_csi800"] > 0
    out["share_csi1000"] = (tab["csi1000"] / total).where(~has_early)
    out["share_outside_csi1800"] = (tab["outside"] / total).where(~has_early)
    out["share_outside_csi800"] = (tab["csi1000"] + tab["outside"] + tab["outside_csi800"]) / total
    out["n_visits"] = total
    out["n_unclassified"] = m.loc[~m["classified"]].groupby("period")["weight"].sum().reindex(out.index).fillna(0.0)
    out.index.name = "date"
    return out


# ------------------------------------------------------------------------------------------
# active weights and publication lags
# ------------------------------------------------------------------------------------------
def publication_dates(dates: Iterable[Any], kind: str = "holdings") -> pd.DatetimeIndex:
    """The month end from which each aggregate dated ``dates`` is public.

    ``kind="holdings"``: a fund report dated at a quarter end becomes public
    :data:`REPORT_LAG_MONTHS` months later (semi-annual 06-30 -> 08-31, annual 12-31 -> 03-31
    of the next year); ``kind="visits"``: :data:`VISIT_LAG_MONTHS` after the period end.
    """
    idx = pd.DatetimeIndex(pd.to_datetime(list(dates)))
    if kind == "holdings":
        bad = sorted({d.month for d in idx} - set(REPORT_LAG_MONTHS))
        if bad or not (idx == idx + pd.offsets.MonthEnd(0)).all():
            raise ValueError(f"fund report dates must be quarter ends; got months {bad or 'not at month end'}")
        lags = [REPORT_LAG_MONTHS[d.month] for d in idx]
    elif kind == "visits":
        lags = [VISIT_LAG_MONTHS] * len(idx)
    else:
        raise ValueError(f"kind must be 'holdings' or 'visits'; got {kind!r}")
    return pd.DatetimeIndex([d + pd.offsets.MonthEnd(k) for d, k in zip(idx + pd.offsets.MonthEnd(0), lags,
                                                                          strict=True)])


def to_publication_dates(frame: pd.DataFrame | pd.Series, kind: str = "holdings") -> pd.DataFrame | pd.Series:
    """``frame`` re-indexed by :func:`publication_dates` of its index (the date the values become known)."""
    out = frame.copy()
    out.index = publication_dates(frame.index, kind)
    out.index.name = "available"
    return out


def market_benchmark(concentration: pd.DataFrame, dates: Iterable[Any], columns: Sequence[str]) -> pd.DataFrame:
    """Market-cap shares of the buckets ``columns`` at each date (last quarter end on or before it).

    ``concentration`` is the vault's :data:`CONCENTRATION_FILE` (``date`` and the share columns,
    fractions); the quarter end used must be at most :data:`MAX_RANK_LAG_DAYS` before the date.
    """
    _require(concentration, dict.fromkeys(["date", *columns], ""), CONCENTRATION_FILE)
    c = concentration.assign(date=pd.to_datetime(concentration["date"])).set_index("date").sort_index()
    idx = pd.DatetimeIndex(pd.to_datetime(list(dates)))
    used = _rank_dates(idx, pd.DatetimeIndex(c.index))
    out = c.loc[used.to_numpy(), list(columns)].astype(float)
    out.index = idx
    return out


def active_weights(shares: pd.DataFrame, market: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Active weights: each bucket's fund (or visit) share minus the bucket's market-cap share.

    A fund family that holds the market has zero active weight whatever the market's own drift
    between buckets; only the tilt away from market weights is a signal. Dates without a market
    share (e.g. outside-CSI 1800 before 2015-06) give NaN.
    """
    missing = [c for c in columns if c not in shares or c not in market]
    if missing:
        raise ValueError(f"columns missing from shares or market: {missing}")
    m = market.reindex(shares.index)
    return (shares[list(columns)] - m[list(columns)]).add_prefix("active_")


# ------------------------------------------------------------------------------------------
# lead analysis
# ------------------------------------------------------------------------------------------
@dataclasses.dataclass(repr=False)
class LeadAnalysis(Result):
    """Does ``signal`` lead ``style``? (Result of :func:`lead_analysis`.)

    Attributes
    ----------
    signal_name, style_name
        Series names; lead ``k`` pairs ``Δsignal_t`` with ``Δstyle_{t+k}``.
    nobs
        Observations in levels (differences have one fewer).
    lags
        Granger / Toda–Yamamoto lag order.
    granger_p, ty_p, boot_p
        p-values: Granger F on differences, Toda–Yamamoto Wald on levels, residual-bootstrap
        Granger F on differences (NaN where the sample is too short).
    best_lead, best_corr
        Lead maximising the signed score of the cross-correlation and its correlation.
    confidence_set
        Bootstrap confidence set for the best lead (``econ.models.leadlag``).
    claimed_lead, claimed_in_set
        The claim's lead and whether the confidence set holds it.
    sign
        The claimed sign of the correlation (+1 or -1).
    fit_best_lead
        Lead with the highest R-squared in the best-lead regressions.
    lead_mass, lead_p
        Share of bootstrap draws whose best lead lies within :data:`LEAD_TOLERANCE` of the
        claimed lead (leads >= 1 only), and the intersection-union p-value of "the signal leads
        by about the claimed lead": the larger of ``boot_p`` (no Granger causality) and the
        bootstrap p-value of "the best lead lies outside that neighbourhood" (which includes
        lead 0). Small only when the data reject both alternatives; the claimed lead merely
        lying in the confidence set is not enough.
    table
        Per lead: correlation, band, bootstrap share of being best, R-squared.
    """

    signal_name: str
    style_name: str
    nobs: int
    lags: int
    granger_p: float
    ty_p: float
    boot_p: float
    best_lead: int
    best_corr: float
    confidence_set: tuple[int, ...]
    claimed_lead: int
    claimed_in_set: bool
    sign: int
    fit_best_lead: int
    table: pd.DataFrame
    lead_mass: float = float("nan")
    lead_p: float = float("nan")
    title = "Lead analysis"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def lead_analysis(signal: pd.Series, style: pd.Series, *, leads: Iterable[int] = range(0, 5),
                  claimed_lead: int = 2, sign: int = 1, lags: int | None = None, n_boot: int = 999,
                  level: float = 0.90, seed: int = 0) -> LeadAnalysis:
    """Test whether ``signal`` leads ``style`` (both in levels, on a common index).

    Parameters
    ----------
    signal
        The aggregate, e.g. the fund share of the top-50 (level).
    style
        The style measure in levels, e.g. log(CSI 300 / CSI 1000) at the same dates.
    leads
        Leads (in periods of the data) of the cross-correlation and the best-lead fit.
    claimed_lead
        The article's lead in periods (C12: 2 half-years; C14: 2 years).
    sign
        Claimed sign of corr(Δsignal_t, Δstyle_{t+k}): +1 or -1.
    lags
        Granger / TY lag order; default ``max(1, claimed_lead)`` so the tests include the
        claimed lead.
    n_boot, level, seed
        Bootstrap draws, confidence level of the lead set, seed.

    Returns
    -------
    LeadAnalysis

    Notes
    -----
    Granger and the bootstrap Granger use first differences (valid for I(0) and I(1)
    levels); Toda–Yamamoto uses levels with ``dmax = 1`` (conservative at these lengths).
    The cross-correlation is of differences; its best lead maximises ``sign * corr``. Its
    block bootstrap uses the Politis–White block length, except below :data:`SHORT_SAMPLE`
    differences (annual data), where that estimate is unusable and ``ceil(n^(1/3))`` is used.
    """
    from econ.models.causality import bootstrap_granger, granger, toda_yamamoto
    from econ.models.leadlag import best_lead_fit, cross_correlation

    if sign not in (1, -1):
        raise ValueError("sign must be +1 or -1")
    both = pd.concat({"signal": signal, "style": style}, axis=1).dropna()
    if len(both) < 8:
        raise ValueError(f"too few common observations ({len(both)}) for a lead analysis")
    lags = max(1, int(claimed_lead)) if lags is None else int(lags)
    d = both.diff().dropna()
    lead_list = sorted({int(k) for k in leads})

    def _safe(fn: Any) -> float:
        try:
            return float(fn())
        except (ValueError, np.linalg.LinAlgError):
            return float("nan")

    gp = _safe(lambda: granger(d["style"], d["signal"], lags=lags).f_pvalue)
    tp = _safe(lambda: toda_yamamoto(both["style"], both["signal"], p=lags, dmax=1).pvalue)
    bp = _safe(lambda: bootstrap_granger(d["style"], d["signal"], lags=lags, n_boot=n_boot, seed=seed).pvalue)
    block = math.ceil(len(d) ** (1 / 3)) if len(d) < SHORT_SAMPLE else None
    cc = cross_correlation(d["signal"], d["style"], leads=lead_list, n_boot=n_boot, seed=seed, level=level,
                           sign="pos" if sign > 0 else "neg", block_size=block)
    fit = best_lead_fit(d["style"], d["signal"] * sign, leads=lead_list)
    table = cc.to_frame().merge(fit.table[["lead", "rsquared", "coef", "pvalue"]], on="lead", how="left")
    near = np.array([k >= 1 and abs(k - int(claimed_lead)) <= LEAD_TOLERANCE for k in cc.leads])
    mass = float(cc.argmax_share[near].sum())
    outside = round((1.0 - mass) * cc.n_boot)
    p_outside = (1.0 + outside) / (1.0 + cc.n_boot)
    lead_p = float("nan") if math.isnan(bp) else max(bp, p_outside)
    return LeadAnalysis(
        signal_name=str(signal.name or "signal"), style_name=str(style.name or "style"), nobs=len(both),
        lags=lags, granger_p=gp, ty_p=tp, boot_p=bp, best_lead=cc.best_lead, best_corr=cc.best_corr,
        confidence_set=cc.confidence_set, claimed_lead=int(claimed_lead),
        claimed_in_set=int(claimed_lead) in cc.confidence_set, sign=sign, fit_best_lead=fit.best_lead,
        table=table, lead_mass=mass, lead_p=lead_p)


# ------------------------------------------------------------------------------------------
# ladder order (C13)
# ------------------------------------------------------------------------------------------
@dataclasses.dataclass(repr=False)
class LadderResult(Result):
    """Do peaks walk down a size ladder in order? (Result of :func:`ladder_order_test`.)

    Attributes
    ----------
    mean_rho
        Mean over episodes of the Spearman correlation between size order (1 = largest) and
        peak date; +1 = every episode peaks strictly largest first.
    pvalue
        One-sided permutation p-value of ``mean_rho`` (rung labels permuted within episodes).
    n_episodes, n_perm
        Episodes used (>= 3 rungs with distinct dates) and permutations drawn.
    share_positive
        Share of episodes with rho > 0.
    episodes
        One row per episode: its label, number of rungs, rho, and each rung's peak date.
    null_sd
        Standard deviation of ``mean_rho`` over the permutations (its standard error under
        the null of no order; NaN without episodes).
    """

    mean_rho: float
    pvalue: float
    n_episodes: int
    n_perm: int
    share_positive: float
    episodes: pd.DataFrame
    null_sd: float = float("nan")
    title = "Ladder order test"

    def to_frame(self) -> pd.DataFrame:
        return self.episodes.copy()


def _ranks(v: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank), 1-based."""
    s = pd.Series(v)
    return s.rank(method="average").to_numpy(dtype=float)


def ladder_order_test(episodes: Mapping[str, Mapping[str, pd.Timestamp | None]], order: Sequence[str], *,
                      n_perm: int = 9999, seed: int = 0, min_rungs: int = 3) -> LadderResult:
    """Rank correlation between size order and peak dates, pooled over episodes.

    Parameters
    ----------
    episodes
        Episode label -> {rung name -> peak date (or None when the rung has no peak there)}.
    order
        Rung names from largest to smallest (the claimed order of peaking).
    n_perm
        Random permutations for the p-value (per draw, the dates of every episode are
        shuffled among its rungs independently).
    seed
        Seed of the permutations.
    min_rungs
        Episodes with fewer rungs that have a peak are skipped.

    Returns
    -------
    LadderResult
        ``mean_rho`` and the one-sided p-value ``(1 + #{mean* >= mean}) / (n_perm + 1)``.
        Episodes whose rungs all peak on the same date carry no order and are skipped.
    """
    pos = {name: i for i, name in enumerate(order)}
    rows, blocks = [], []
    for label, peaks in episodes.items():
        got = [(pos[r], pd.Timestamp(d)) for r, d in peaks.items() if r in pos and d is not None and not pd.isna(d)]
        got.sort()
        row: dict[str, Any] = {"episode": label, "rungs": len(got), "rho": np.nan}
        row.update({r: (pd.Timestamp(d) if d is not None and not pd.isna(d) else pd.NaT) for r, d in peaks.items()})
        if len(got) >= min_rungs:
            o = _ranks(np.array([g[0] for g in got], dtype=float))
            r = _ranks(np.array([g[1].value for g in got], dtype=float))
            if np.ptp(r) > 0:
                rho = float(np.corrcoef(o, r)[0, 1])
                row["rho"] = rho
                blocks.append((o, r))
        rows.append(row)
    frame = pd.DataFrame(rows)
    if not blocks:
        return LadderResult(mean_rho=float("nan"), pvalue=float("nan"), n_episodes=0, n_perm=0,
                            share_positive=float("nan"), episodes=frame)
    rng = np.random.default_rng(seed)
    obs = np.mean([np.corrcoef(o, r)[0, 1] for o, r in blocks])
    sims = np.zeros(n_perm)
    for o, r in blocks:
        oc = (o - o.mean()) / np.sqrt(((o - o.mean()) ** 2).sum())
        rc = (r - r.mean()) / np.sqrt(((r - r.mean()) ** 2).sum())
        perm = rng.permuted(np.tile(rc, (n_perm, 1)), axis=1)
        sims += perm @ oc
    sims /= len(blocks)
    p = (1.0 + float(np.sum(sims >= obs - 1e-12))) / (n_perm + 1.0)
    rhos = frame["rho"].dropna()
    return LadderResult(mean_rho=float(obs), pvalue=p, n_episodes=len(blocks), n_perm=n_perm,
                        share_positive=float((rhos > 0).mean()), episodes=frame,
                        null_sd=float(sims.std(ddof=1)) if n_perm > 1 else float("nan"))


def ladder_order_null(episodes: Mapping[str, Mapping[str, pd.Timestamp | None]], orders: Sequence[Sequence[str]],
                      *, n_perm: int = 9999, seed: int = 0, min_rungs: int = 3) -> pd.DataFrame:
    """:func:`ladder_order_test` under many claimed orders of the same rungs, at once.

    A specification curve's null draws replace the size order by a random one and need the
    statistic and its p-value for each. Row ``i`` holds what
    ``ladder_order_test(episodes, orders[i], n_perm=n_perm, seed=seed, min_rungs=min_rungs)``
    reports (to rounding): the within-episode date permutations do not depend on the order,
    so they are drawn once, from the same stream, and applied to every order.

    Parameters
    ----------
    episodes
        As in :func:`ladder_order_test`.
    orders
        Orders of one set of rung names (each a permutation of the first).
    n_perm, seed, min_rungs
        As in :func:`ladder_order_test`.

    Returns
    -------
    pandas.DataFrame
        ``mean_rho``, ``pvalue``, ``null_sd`` and ``n_episodes``, one row per order (NaN
        statistics when no episode qualifies).
    """
    orders = [list(o) for o in orders]
    if not orders:
        raise ValueError("orders is empty")
    names = set(orders[0])
    if any(len(o) != len(set(o)) or set(o) != names for o in orders):
        raise ValueError("every order must be a permutation of the same rung names")
    pos = {name: np.array([o.index(name) for o in orders]) for name in names}  # name -> its place in each order
    used = []  # episodes ladder_order_test keeps: >= min_rungs rungs with a peak, dates not all equal
    for peaks in episodes.values():
        got = {r: pd.Timestamp(d).value for r, d in peaks.items() if r in names and d is not None and not pd.isna(d)}
        if len(got) >= min_rungs and np.ptp(np.array(list(got.values()), dtype=float)) > 0:
            used.append(got)
    n_o = len(orders)
    if not used:
        nan = np.full(n_o, np.nan)
        return pd.DataFrame({"mean_rho": nan, "pvalue": nan, "null_sd": nan, "n_episodes": 0})
    rng = np.random.default_rng(seed)
    rcs, qs, ocs = [], [], []
    for got in used:
        m = len(got)
        # ladder_order_test permutes the episode's centred date ranks rc (arranged in size order)
        # row by row: permuted row b = rc[idx[b]]. Its statistic rc[idx[b]] @ oc = Q[b] @ rc with
        # Q[b, idx[b, i]] = oc[i], the same Q for every order (oc = centred ranks 1..m).
        idx = rng.permuted(np.tile(np.arange(m), (n_perm, 1)), axis=1)
        o = np.arange(1.0, m + 1.0)
        oc = (o - o.mean()) / np.sqrt(((o - o.mean()) ** 2).sum())
        Q = np.empty((n_perm, m))
        np.put_along_axis(Q, idx, np.broadcast_to(oc, idx.shape), axis=1)
        rungs = list(got)
        r = _ranks(np.array([got[name] for name in rungs], dtype=float))  # date ranks do not depend on the order
        rc = (r - r.mean()) / np.sqrt(((r - r.mean()) ** 2).sum())
        place = np.column_stack([pos[name] for name in rungs])          # (orders, m)
        rcs.append(rc[np.argsort(place, axis=1, kind="stable")])        # row i: rc in order i's size order
        qs.append(Q)
        ocs.append(oc)
    RC = np.hstack(rcs)                                                   # episodes side by side: one product
    obs = RC @ np.concatenate(ocs) / len(used)
    sims = RC @ np.hstack(qs).T / len(used)
    pvalue = (1.0 + np.sum(sims >= obs[:, None] - 1e-12, axis=1)) / (n_perm + 1.0)
    null_sd = sims.std(axis=1, ddof=1) if n_perm > 1 else np.full(n_o, np.nan)
    return pd.DataFrame({"mean_rho": obs, "pvalue": pvalue, "null_sd": null_sd, "n_episodes": len(used)})


# ------------------------------------------------------------------------------------------
# power of a lead test at the articles' frequency
# ------------------------------------------------------------------------------------------
def _simulate_lead(T: int, lead: int, rho: float, phi: float, rng: np.random.Generator,
                   burn: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """x: AR(1) with unit variance; y_t = rho x_{t-lead} + sqrt(1 - rho^2) e_t (corr = rho)."""
    n = T + burn + lead
    u = rng.standard_normal(n)
    x = np.empty(n)
    x[0] = u[0]
    s = math.sqrt(1.0 - phi * phi)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + s * u[t]
    e = rng.standard_normal(n)
    y = math.sqrt(1.0 - rho * rho) * e
    y[lead:] += rho * x[: n - lead]
    return y[-T:], x[-T:]


def lead_power(T: int, lead: int, rho: float, *, reps: int = 500, phi: float = 0.5, alpha: float = 0.05,
               seed: int = 0, max_lead: int = 4, aic: bool = True) -> dict[str, float]:
    """Monte Carlo power of tests of "x leads y" with ``T`` observations.

    DGP: ``x_t = phi x_{t-1} + sqrt(1-phi^2) u_t`` (unit variance) and
    ``y_t = rho x_{t-lead} + sqrt(1-rho^2) e_t``, so ``rho`` is the correlation of ``y_t``
    with ``x_{t-lead}`` (the effect size; ``rho^2`` the share of ``y``'s variance it explains).
    ``rho = 0`` gives the size.

    Parameters
    ----------
    T, lead, rho
        Sample length, true lead (>= 1) and effect size (0 <= rho < 1).
    reps, phi, alpha, seed
        Replications, AR coefficient of x, test level, seed.
    max_lead
        Largest lead the cross-correlation searches (0..max_lead).
    aic
        Also run the AIC-lag Granger test (doubles the cost); ``granger_aic`` is NaN if False.

    Returns
    -------
    dict
        ``granger``: rejection rate of the Granger F with ``lags = lead`` (the analyst knows
        the lead); ``granger_aic``: with lags chosen by AIC over 1..3 (VAR common sample);
        ``lead_hit``: share of samples whose best cross-correlation lead (``corr > 0``, leads
        0..max_lead) equals the true lead.
    """
    from econ.models.causality import granger, granger_fixed_pvalue

    if lead < 1:
        raise ValueError("lead must be >= 1 for a Granger test")
    rng = np.random.default_rng([seed, T, lead, int(round(rho * 1000)), int(round(phi * 1000))])
    rej = rej_aic = hits = 0
    n_aic = 0
    aic_max = 3
    while aic_max > 1 and (T - aic_max - 1) - (2 * (aic_max + 1) + 1) < 3:  # keep 3 residual df
        aic_max -= 1
    for _ in range(reps):
        y, x = _simulate_lead(T, lead, rho, phi, rng)
        try:
            rej += granger_fixed_pvalue(y, x, lead) <= alpha  # granger(y, x, lags=lead).f_pvalue, lean
        except ValueError:
            pass
        if aic:
            try:
                rej_aic += granger(y, x, maxlag=aic_max, ic="aic").f_pvalue <= alpha
                n_aic += 1
            except ValueError:
                pass
        best, best_c = -1, -np.inf
        for k in range(0, max_lead + 1):
            if T - k < 4:
                break
            c = np.corrcoef(x[: T - k], y[k:])[0, 1]
            if c > best_c:
                best, best_c = k, c
        hits += best == lead
    return {"granger": rej / reps, "granger_aic": rej_aic / n_aic if n_aic else float("nan"),
            "lead_hit": hits / reps}


def minimum_detectable(rhos: Sequence[float], power: Sequence[float], target: float = 0.8) -> float:
    """Smallest effect size reaching ``target`` power, linearly interpolated (NaN if never)."""
    r = np.asarray(rhos, dtype=float)
    p = np.asarray(power, dtype=float)
    order = np.argsort(r)
    r, p = r[order], p[order]
    above = np.flatnonzero(p >= target)
    if not above.size:
        return float("nan")
    i = int(above[0])
    if i == 0:
        return float(r[0])
    return float(r[i - 1] + (target - p[i - 1]) * (r[i] - r[i - 1]) / (p[i] - p[i - 1]))


# ------------------------------------------------------------------------------------------
# synthetic world (for tests and benchmarks only)
# ------------------------------------------------------------------------------------------
def synthetic_user_data(*, n_periods: int = 60, n_stocks: int = 600, lead: int = 2, rho: float = 0.8,
                        phi: float = 0.3, seed: int = 7) -> dict[str, Any]:
    """A labelled synthetic world in which the fund top-50 share leads the style by ``lead``.

    Semi-annual report dates from 1995-06-30; ``n_stocks`` stocks with fixed market caps
    (ranks fixed); a latent share path ``s_t`` (top-50 share of fund holdings, 0.2-0.6) whose
    changes drive the style with the given lead: ``Δstyle_t = -rho z_{t-lead} + noise``, where
    ``z`` are the standardised changes of ``s`` (more top-50 holdings today -> small caps
    underperform ``lead`` periods later, so log(small/large) falls).

    Returns
    -------
    dict
        ``holdings`` (schema :data:`HOLDINGS_COLUMNS`, per fund and stock), ``mktcap`` (schema
        :data:`MKTCAP_COLUMNS`), ``style`` (log small/large, indexed by report date) and
        ``share`` (the latent top-50 share).
    """
    rng = np.random.default_rng(seed)
    dates = pd.date_range("1995-06-30", periods=n_periods, freq="6ME")
    z = np.empty(n_periods + lead)
    z[0] = rng.standard_normal()
    for t in range(1, z.size):
        z[t] = phi * z[t - 1] + math.sqrt(1 - phi * phi) * rng.standard_normal()
    z = z[lead:]  # changes of the share, standardised
    share = 0.4 + 0.008 * np.cumsum(z)
    if share.min() <= 0.05 or share.max() >= 0.95:  # pragma: no cover - not with these scales
        raise RuntimeError("synthetic share left (0.05, 0.95); use fewer periods")
    dstyle = np.zeros(n_periods)
    dstyle[lead:] = -rho * z[:-lead]
    dstyle += math.sqrt(1 - rho * rho) * rng.standard_normal(n_periods)
    style = pd.Series(np.cumsum(0.05 * dstyle), index=dates, name="log_small_large")
    codes = [f"{600000 + i:06d}.SH" for i in range(n_stocks)]
    caps = np.sort(rng.lognormal(5.0, 1.2, n_stocks))[::-1]
    mk = pd.DataFrame({"date": np.repeat(dates, n_stocks), "ts_code": np.tile(codes, n_periods),
                       "total_mv_yi": np.tile(caps, n_periods),
                       "rank_total_mv": np.tile(np.arange(1, n_stocks + 1, dtype=float), n_periods)})
    rows = []
    for t, d in enumerate(dates):
        total = 1e6
        top = rng.dirichlet(np.ones(50)) * share[t] * total
        rest = rng.dirichlet(np.ones(n_stocks - 50)) * (1 - share[t]) * total
        values = np.concatenate([top, rest])
        # two funds split each stock's holding
        w = rng.uniform(0.2, 0.8, n_stocks)
        for fund, part in (("F1", w), ("F2", 1 - w)):
            rows.append(pd.DataFrame({"report_date": d.strftime("%Y-%m-%d"), "ts_code": codes,
                                      "hold_value": values * part, "fund_code": fund}))
    holdings = pd.concat(rows, ignore_index=True)
    return {"holdings": holdings, "mktcap": mk, "style": style,
            "share": pd.Series(share, index=dates, name="share_top50")}
