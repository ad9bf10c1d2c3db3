"""The CFFEX stock-index futures contract panel and the daily annualised basis built from it.

The vault file ``futures_cffex_contracts_daily_2018_2026.csv`` (:data:`CONTRACTS_FILE`) holds
every listed IF / IH / IC / IM contract per trading day (a panel: several rows per date):

=====================  ==================================================================
``date``               trading day (``YYYY-MM-DD``)
``product``            ``IF`` (CSI 300), ``IH`` (SSE 50), ``IC`` (CSI 500), ``IM`` (CSI 1000)
``symbol``             contract code, e.g. ``IC2403``
``close``              futures close, index points
``open_interest``      open interest at the close, contracts (lots)
``spot_close``         the underlying index close, index points
``basis_pct_of_spot``  ``100 × (close − spot) / spot``, percent of spot, **not annualised**
``cal_days_to_expiry`` calendar days to the third Friday of the contract month
=====================  ==================================================================

Reading is strict: missing columns, unparsable dates, non-numeric cells, an unknown product
or a duplicated (date, symbol) pair are errors that name the file, column and line. Declared
exclusions (the vault's ``SOURCES.md``): 2026-02-26 is an intraday snapshot in the source and
is dropped; rows with ``cal_days_to_expiry <= 0`` (holiday-shifted expiries) cannot be
annualised and are dropped from the basis.

The **annualised basis** of a contract is ``basis_pct_of_spot × 365 / cal_days_to_expiry``
(percent a year; negative = discount). Per product and day, three aggregations
(:data:`BASIS_METHODS`):

``oi_weighted``  open-interest-weighted mean over the contracts with at least
                 :data:`MIN_DAYS` calendar days to expiry (headline);
``front``        the nearest contract with at least :data:`MIN_DAYS` days to expiry;
``main``         the contract with the largest open interest (same expiry filter).

Contracts closer to expiry than :data:`MIN_DAYS` are left out because annualising over a few
days turns a fraction of a point into tens of percent. No dividend adjustment: the vault's
dividend yields end 2024-01-05, before the episode the basis is needed for, so the
annualised basis mixes the expected dividend with the hedging discount (dividends are paid
mostly in May–August, which deepens the discount of contracts spanning those months).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from econ.data.errors import VaultFileError

__all__ = ["BASIS_METHODS", "CONTRACTS_FILE", "MIN_DAYS", "PRODUCTS", "annualised_basis", "read_contracts"]

CONTRACTS_FILE = "futures_cffex_contracts_daily_2018_2026.csv"
PRODUCTS = {"IF": "CSI 300", "IH": "SSE 50", "IC": "CSI 500", "IM": "CSI 1000"}
BASIS_METHODS = ("oi_weighted", "front", "main")
#: Contracts with fewer calendar days to expiry are not annualised.
MIN_DAYS = 5
#: Days the source recorded an intraday snapshot instead of a close (SOURCES.md).
BAD_DAYS = ("2026-02-26",)

_NUMERIC = ("close", "open_interest", "spot_close", "basis_pct_of_spot", "cal_days_to_expiry")
_REQUIRED = ("date", "product", "symbol", *_NUMERIC)


def read_contracts(vault: str | Path | Sequence[Path]) -> pd.DataFrame:
    """Read and validate the contract panel from a vault folder.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (Timestamp), ``product``, ``symbol`` and the numeric columns of the
        module docstring, sorted by date, product and days to expiry; ``attrs["units"]``
        names each numeric column's unit, ``attrs["source"]`` the file and ``attrs["sha256"]``
        its hash (for the run's provenance record).
    """
    from econ.data.panels import find_panel_file, read_panel_bytes

    path = find_panel_file(vault, CONTRACTS_FILE)
    data, digest = read_panel_bytes(path)
    raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    missing = [c for c in _REQUIRED if c not in raw.columns]
    if missing:
        raise VaultFileError(f"{path}: missing column(s) {', '.join(missing)}")
    df = raw[list(_REQUIRED)].copy()
    dates = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        line = int(np.flatnonzero(dates.isna().to_numpy())[0]) + 2
        raise VaultFileError(f"{path}, column date, line {line}: unparsable date '{df['date'].iloc[line - 2]}'")
    df["date"] = dates
    bad_product = ~df["product"].isin(list(PRODUCTS))
    if bad_product.any():
        line = int(np.flatnonzero(bad_product.to_numpy())[0]) + 2
        raise VaultFileError(f"{path}, column product, line {line}: unknown product '{df['product'].iloc[line - 2]}'")
    for col in _NUMERIC:
        vals = pd.to_numeric(df[col], errors="coerce")
        bad = vals.isna() & (df[col].str.strip() != "")
        if bad.any():
            line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
            raise VaultFileError(f"{path}, column {col}, line {line}: not a number '{df[col].iloc[line - 2]}'")
        df[col] = vals
    dup = df.duplicated(["date", "symbol"])
    if dup.any():
        line = int(np.flatnonzero(dup.to_numpy())[0]) + 2
        raise VaultFileError(f"{path}, line {line}: duplicated date and symbol")
    df = df[~df["date"].isin(pd.to_datetime(list(BAD_DAYS)))]
    df = df.sort_values(["date", "product", "cal_days_to_expiry"], kind="mergesort").reset_index(drop=True)
    df.attrs["units"] = {"close": "index points", "spot_close": "index points", "open_interest": "contracts",
                         "basis_pct_of_spot": "percent of spot (not annualised)", "cal_days_to_expiry": "calendar days"}
    df.attrs["source"] = str(path)
    df.attrs["sha256"] = digest
    return df


def annualised_basis(contracts: pd.DataFrame, product: str, method: str = "oi_weighted") -> pd.Series:
    """Daily annualised basis of one product (percent a year; negative = discount).

    Parameters
    ----------
    contracts
        :func:`read_contracts` output.
    product
        ``IF``, ``IH``, ``IC`` or ``IM``.
    method
        One of :data:`BASIS_METHODS` (see the module docstring).
    """
    if product not in PRODUCTS:
        raise ValueError(f"unknown product '{product}' (known: {', '.join(PRODUCTS)})")
    if method not in BASIS_METHODS:
        raise ValueError(f"unknown method '{method}' (known: {', '.join(BASIS_METHODS)})")
    df = contracts[(contracts["product"] == product) & (contracts["cal_days_to_expiry"] > 0)].copy()
    df["ann"] = df["basis_pct_of_spot"] * 365.0 / df["cal_days_to_expiry"]
    df = df[df["cal_days_to_expiry"] >= MIN_DAYS]
    if method == "main":
        out = df.loc[df.groupby("date")["open_interest"].idxmax()].set_index("date")["ann"]
    else:
        if method == "front":
            out = df.loc[df.groupby("date")["cal_days_to_expiry"].idxmin()].set_index("date")["ann"]
        else:
            df = df[df["open_interest"] > 0]
            df["w"] = df["open_interest"] * df["ann"]
            g = df.groupby("date")[["w", "open_interest"]].sum()
            out = g["w"] / g["open_interest"]
    out.name = f"{product} annualised basis ({method}, % a year)"
    out.index.name = "date"
    return out.sort_index()


def open_interest(contracts: pd.DataFrame, product: str) -> pd.Series:
    """Total open interest of one product per day (contracts)."""
    df = contracts[contracts["product"] == product]
    return df.groupby("date")["open_interest"].sum().rename(f"{product} open interest (contracts)")
