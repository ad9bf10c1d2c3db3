"""Diagnostics of econ.models.regimes fits: regime classification measure, degenerate fits,
robust standard errors, starts at the best optimum (constructed data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from econ.models.regimes import fit_markov


def _two_regime(seed: int = 0, T: int = 400) -> pd.Series:
    rng = np.random.default_rng(seed)
    s = np.zeros(T, dtype=int)
    for t in range(1, T):
        s[t] = s[t - 1] if rng.random() < 0.97 else 1 - s[t - 1]
    return pd.Series(np.where(s == 1, -1.0, 0.5) + np.where(s == 1, 3.0, 0.5) * rng.standard_normal(T))


def test_rcm_low_on_well_separated_regimes_and_formula() -> None:
    res = fit_markov(_two_regime(), n_starts=4, seed=0, llf_tol=1e-6)
    p = res.smoothed_probs[0].to_numpy()
    assert res.rcm == pytest.approx(400 * np.mean(p * (1 - p)), rel=1e-12)
    assert res.rcm < 15  # sd 0.5 vs 3.0, persistent: sharp classification
    assert res.degeneracy() == ""
    assert 1 <= res.n_at_best <= res.n_starts


def test_break_is_flagged_degenerate() -> None:
    """Constructed: 360 calm periods then 40 volatile ones, a one-off break, not switching."""
    rng = np.random.default_rng(2)
    y = pd.Series(np.r_[0.5 * rng.standard_normal(360), 3.0 * rng.standard_normal(40)])
    res = fit_markov(y, n_starts=4, seed=0)
    assert "expected duration" in res.degeneracy()
    # a looser rule (durations up to the whole sample) accepts it
    assert res.degeneracy(duration_share=1e9) == ""


def test_collapsed_variance_flagged() -> None:
    """The sigma-ratio rule on a fit whose variances are set apart by 1e4 (s.d. ratio 1e-4... 1e-2)."""
    res = fit_markov(_two_regime(3), n_starts=2, seed=0)
    res.params.loc[res.params["term"] == "sigma2", "estimate"] = [1e-8, 1.0]
    assert "s.d. ratio" in res.degeneracy()
    res.params.loc[res.params["term"] == "sigma2", "estimate"] = [1e-4, 1.0]
    assert res.degeneracy() == ""  # s.d. ratio 1e-2 is above the 1e-3 threshold


def test_robust_errors_differ_from_hessian_errors_and_keep_estimates() -> None:
    y = _two_regime(4)
    a = fit_markov(y, n_starts=3, seed=0)
    b = fit_markov(y, n_starts=3, seed=0, cov_type="robust")
    np.testing.assert_allclose(a.params["estimate"], b.params["estimate"], rtol=1e-10)
    assert np.all(np.isfinite(b.params["std_err"]))
    assert not np.allclose(a.params["std_err"], b.params["std_err"])
    with pytest.raises(ValueError, match="cov_type"):
        fit_markov(y, cov_type="hc0")  # type: ignore[arg-type]
