"""Multiple-testing adjustments against statsmodels (Holm, BH, Bonferroni) and arch (StepM).

Provenance: Holm / Benjamini–Hochberg / Bonferroni are compared with
``statsmodels.stats.multitest.multipletests`` (methods "holm", "fdr_bh", "bonferroni");
the Romano–Wolf stepdown with ``arch.bootstrap.StepM`` (arch 8), fed the same stationary
bootstrap draws (same seed, same block size; every model "valid" so arch's consistent
re-centring equals the plain one).
"""

import numpy as np
import pytest
from arch.bootstrap import StationaryBootstrap, StepM
from statsmodels.stats.multitest import multipletests

from econ.robust.multiple import (
    adjust_pvalues,
    benjamini_hochberg,
    bonferroni,
    holm,
    multiple_testing,
    romano_wolf,
    stepm_superior,
)


@pytest.fixture(scope="module")
def pvals():
    rng = np.random.default_rng(11)
    p = rng.uniform(size=25) ** 3
    p[[3, 7]] = p[5]  # ties
    return p


@pytest.mark.parametrize(("ours", "theirs"), [(holm, "holm"), (benjamini_hochberg, "fdr_bh"),
                                               (bonferroni, "bonferroni")])
def test_against_statsmodels(pvals, ours, theirs):
    np.testing.assert_allclose(ours(pvals), multipletests(pvals, method=theirs)[1], rtol=0, atol=1e-14)


def test_nan_entries_stay_out_of_the_family(pvals):
    p = pvals.copy()
    p[[0, 10]] = np.nan
    got = holm(p)
    assert np.isnan(got[[0, 10]]).all()
    keep = ~np.isnan(p)
    np.testing.assert_allclose(got[keep], multipletests(p[keep], method="holm")[1])
    np.testing.assert_allclose(adjust_pvalues(p, "bh")[keep], multipletests(p[keep], method="fdr_bh")[1])


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        holm([0.1, 1.2])
    with pytest.raises(ValueError):
        adjust_pvalues([0.1], "sidak-ish")


@pytest.fixture(scope="module")
def stepm_case():
    """Eight models vs a benchmark: four clearly better, the rest equal (mean diff ~0)."""
    rng = np.random.default_rng(3)
    T = 500
    bench = rng.standard_normal(T) ** 2
    gains = [0.3, 0.25, 0.2, 0.0, 0.0, 0.02, -0.01, 0.15]
    models = np.column_stack([bench - g + 0.3 * rng.standard_normal(T) for g in gains])
    return bench, models


def test_stepm_matches_arch(stepm_case):
    bench, models = stepm_case
    stepm = StepM(bench, models, size=0.05, block_size=10, reps=999, seed=7)
    stepm.compute()
    loss_diff = bench[:, None] - models
    bs = StationaryBootstrap(10, loss_diff, seed=7)
    null = np.array([pos[0].mean(0) for pos, _ in bs.bootstrap(999)]) - loss_diff.mean(0)
    assert stepm_superior(loss_diff.mean(0), null, size=0.05) == list(stepm.superior_models) == [0, 1, 2, 7]
    # the p-value form rejects the same hypotheses at 5%
    p = romano_wolf(loss_diff.mean(0), null, alternative="greater")
    assert list(np.flatnonzero(p <= 0.05)) == [0, 1, 2, 7]


def test_romano_wolf_properties():
    rng = np.random.default_rng(5)
    null = rng.standard_normal((999, 6))
    t = np.array([4.0, 2.5, 2.2, 0.5, -0.3, 1.0])
    p = romano_wolf(t, null)
    marginal = (1 + (np.abs(null) >= np.abs(t)).sum(0)) / 1000
    assert (p >= marginal - 1e-12).all()                       # never below the single-test p
    order = np.argsort(-np.abs(t))
    assert (np.diff(p[order]) >= -1e-12).all()                 # monotone in |t|
    single = romano_wolf(t[:1], null[:, :1])                   # one hypothesis: the bootstrap p itself
    assert single[0] == pytest.approx(marginal[0])
    # the most significant hypothesis gets the max-statistic p-value
    assert p[0] == pytest.approx((1 + (np.abs(null).max(1) >= 4.0).sum()) / 1000)


def test_romano_wolf_nan_and_one_sided():
    null = np.random.default_rng(1).standard_normal((199, 3))
    p = romano_wolf([3.0, np.nan, -3.0], null, alternative="less")
    assert np.isnan(p[1]) and p[2] < 0.05 and p[0] > 0.9


def test_multiple_testing_frame(pvals):
    res = multiple_testing({f"h{i}": v for i, v in enumerate(pvals[:5])}, methods=("holm", "bh"))
    frame = res.to_frame()
    assert list(frame.columns) == ["hypothesis", "pvalue", "p_holm", "p_bh"]
    np.testing.assert_allclose(frame["p_holm"], multipletests(pvals[:5], method="holm")[1])
