"""The CFFEX contract-panel loader: strict reading, and the annualised basis recomputed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.data.errors import VaultFileError
from econ.data.futures import CONTRACTS_FILE, MIN_DAYS, annualised_basis, read_contracts

HEADER = "date,product,symbol,close,open_interest,spot_close,basis_pct_of_spot,cal_days_to_expiry\n"


def _write(tmp_path, body: str):
    (tmp_path / CONTRACTS_FILE).write_text(HEADER + body)
    return tmp_path


def test_basis_methods_on_a_small_panel(tmp_path):
    # synthetic panel: two contracts on one day, one too close to expiry on the next
    vault = _write(tmp_path, "2024-01-02,IC,IC2401,99,100,100,-1.0,10\n"
                             "2024-01-02,IC,IC2403,98,300,100,-2.0,73\n"
                             "2024-01-03,IC,IC2401,99,500,100,-0.5,2\n"
                             "2024-01-03,IC,IC2403,98,100,100,-1.5,72\n")
    c = read_contracts(vault)
    oi = annualised_basis(c, "IC")
    a1, a2 = -1.0 * 365 / 10, -2.0 * 365 / 73
    assert oi.loc["2024-01-02"] == pytest.approx((100 * a1 + 300 * a2) / 400)
    assert oi.loc["2024-01-03"] == pytest.approx(-1.5 * 365 / 72)  # the 2-day contract is left out (< MIN_DAYS)
    assert 2 < MIN_DAYS
    front = annualised_basis(c, "IC", "front")
    assert front.loc["2024-01-02"] == pytest.approx(a1)
    main = annualised_basis(c, "IC", "main")
    assert main.loc["2024-01-02"] == pytest.approx(a2)


@pytest.mark.parametrize("body, what", [
    ("2024-13-02,IC,IC2401,99,100,100,-1.0,10\n", "date"),
    ("2024-01-02,XX,XX2401,99,100,100,-1.0,10\n", "product"),
    ("2024-01-02,IC,IC2401,99,abc,100,-1.0,10\n", "open_interest"),
    ("2024-01-02,IC,IC2401,99,100,100,-1.0,10\n2024-01-02,IC,IC2401,99,100,100,-1.0,10\n", "duplicated"),
])
def test_strict_reading(tmp_path, body, what):
    with pytest.raises(VaultFileError, match=what):
        read_contracts(_write(tmp_path, body))


def test_missing_file(tmp_path):
    with pytest.raises(VaultFileError, match="in none of the vault folders"):
        read_contracts(tmp_path)


@pytest.mark.parametrize("day", ["2024-01-22", "2024-02-05", "2024-02-07", "2023-06-15"])
@pytest.mark.parametrize("product", ["IC", "IM"])
def test_vault_basis_recomputed_from_the_raw_csv(vault, day, product):
    raw = pd.read_csv(vault / CONTRACTS_FILE)
    rows = raw[(raw["date"] == day) & (raw["product"] == product) & (raw["cal_days_to_expiry"] >= MIN_DAYS)
               & (raw["open_interest"] > 0)]
    ann = rows["basis_pct_of_spot"] * 365 / rows["cal_days_to_expiry"]
    expected = float(np.sum(ann * rows["open_interest"]) / rows["open_interest"].sum())
    got = annualised_basis(read_contracts(vault), product).loc[day]
    assert got == pytest.approx(expected, rel=1e-12)


def test_vault_drops_the_intraday_snapshot(vault):
    c = read_contracts(vault)
    assert pd.Timestamp("2026-02-26") not in set(c["date"])
    assert c.attrs["units"]["basis_pct_of_spot"].startswith("percent of spot")
    assert len(c.attrs["sha256"]) == 64
