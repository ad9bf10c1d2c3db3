"""Monte Carlo size and power of the Granger-causality tests in ``econ.models.causality``.

Tests compared (null: x does not Granger-cause y, nominal level 5%):

* ``granger_F``   -- classical F test (:func:`econ.models.causality.granger`), lags fixed;
* ``TY_wald``     -- Toda-Yamamoto chi2 Wald, VAR(p + 1) in levels (``dmax = 1`` fixed);
* ``TY_F``        -- the same statistic in F form (Wald / p against F(p, n - k));
* ``boot_resid``  -- Granger F with a recursive residual-bootstrap p-value under H0
  (:func:`econ.models.causality.bootstrap_granger`, ``method="residual"``);
* ``boot_TY``     -- the lag-augmented bootstrap (Hacker & Hatemi-J 2006): the same
  bootstrap of the Toda-Yamamoto F (``dmax = 1``), for possibly integrated series.

Data-generating processes (innovations N(0, 1), corr(e, u) = 0.3):

* ``stationary`` -- VAR(1): y_t = 0.5 y_{t-1} + b x_{t-1} + e_t,  x_t = 0.5 x_{t-1} + u_t.
  Tests use 1 lag (TY: p = 1).
* ``I(1)``       -- x_t = x_{t-1} + u_t and dy_t = b dx_{t-1} + e_t: two random walks, not
  cointegrated, y in levels is a VAR(2) in (y, x). Tests use 2 lags in LEVELS (TY: p = 2),
  as a user who does not difference would; under b = 0 the classical levels F is
  non-standard.

A test rejects when its p-value is <= 0.05 (with n_boot = 199 the bootstrap p-value
(1 + #{F* >= F}) / 200 then has exact level 5% under exchangeability; ``<`` would give
4.5%). ``b = 0`` gives the size; ``b`` in ``--effects`` traces the power curve.

Usage::

    python benchmarks/granger_size_power.py                       # defaults below
    python benchmarks/granger_size_power.py --reps 2000 --boot-reps 500 --n-boot 399

Every (DGP, T, b) cell has its own seed derived from ``--seed``, so results do not
depend on the number of jobs.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from econ.models.causality import bootstrap_granger, granger, toda_yamamoto

TESTS = ("granger_F", "TY_wald", "TY_F", "boot_resid", "boot_TY")
DGPS = ("stationary", "I(1)")
RHO = 0.3  # innovation correlation
BURN = 100


def simulate(dgp: str, T: int, b: float, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """One sample (y, x) of length T from the named DGP with effect size b."""
    n = T + (BURN if dgp == "stationary" else 0)
    z = rng.standard_normal((n, 2))
    e = z[:, 0]
    u = RHO * z[:, 0] + np.sqrt(1 - RHO**2) * z[:, 1]
    y = np.zeros(n)
    x = np.zeros(n)
    if dgp == "stationary":
        for t in range(1, n):
            x[t] = 0.5 * x[t - 1] + u[t]
            y[t] = 0.5 * y[t - 1] + b * x[t - 1] + e[t]
        return y[BURN:], x[BURN:]
    x = np.cumsum(u)
    dy = e.copy()
    dy[2:] += b * (x[1:-1] - x[:-2])
    return np.cumsum(dy), x


def run_cell(
    dgp: str, T: int, b: float, reps: int, boot_reps: int, n_boot: int, seed: int
) -> dict[str, object]:
    """Rejection rates at 5% of every test in one (DGP, T, b) cell."""
    rng = np.random.default_rng([seed, DGPS.index(dgp), T, round(b * 1000)])
    lags = 1 if dgp == "stationary" else 2
    rej = {k: [] for k in TESTS}
    for r in range(reps):
        y, x = simulate(dgp, T, b, rng)
        rej["granger_F"].append(granger(y, x, lags=lags).f_pvalue <= 0.05)
        ty = toda_yamamoto(y, x, p=lags, dmax=1)
        rej["TY_wald"].append(ty.pvalue <= 0.05)
        rej["TY_F"].append(ty.extra["f_pvalue"] <= 0.05)
        if r < boot_reps:
            bs = bootstrap_granger(y, x, lags=lags, n_boot=n_boot, seed=rng)
            rej["boot_resid"].append(bs.pvalue <= 0.05)
            bt = bootstrap_granger(y, x, lags=lags, dmax=1, n_boot=n_boot, seed=rng)
            rej["boot_TY"].append(bt.pvalue <= 0.05)
    out: dict[str, object] = {"dgp": dgp, "T": T, "b": b}
    out.update({k: float(np.mean(v)) for k, v in rej.items()})
    return out


def main(argv: list[str] | None = None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=1000, help="replications, asymptotic tests")
    ap.add_argument("--boot-reps", type=int, default=300, help="replications, bootstrap test")
    ap.add_argument("--n-boot", type=int, default=199, help="bootstrap draws per test")
    ap.add_argument("--T", type=int, nargs="+", default=[27, 60, 240], help="sample sizes")
    ap.add_argument("--effects", type=float, nargs="+", default=[0.1, 0.2, 0.3, 0.4, 0.5])
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--jobs", type=int, default=2, help="joblib workers")
    args = ap.parse_args(argv)

    cells = [(d, T, b) for d in DGPS for T in args.T for b in [0.0, *args.effects]]
    t0 = time.perf_counter()
    rows = Parallel(n_jobs=args.jobs)(
        delayed(run_cell)(
            d, T, b, args.reps, min(args.boot_reps, args.reps), args.n_boot, args.seed
        )
        for d, T, b in cells
    )
    elapsed = time.perf_counter() - t0
    table = pd.DataFrame(rows)

    se_a = np.sqrt(0.05 * 0.95 / args.reps)
    se_b = np.sqrt(0.05 * 0.95 / min(args.boot_reps, args.reps))
    pct = {k: "{:.1%}".format for k in TESTS}
    print(f"Granger-causality tests: rejection rates at 5% nominal (seed {args.seed})")
    print(
        f"reps = {args.reps} (asymptotic tests, MC s.e. of a 5% size = {se_a:.2%}); "
        f"bootstrap: {min(args.boot_reps, args.reps)} reps x {args.n_boot} draws "
        f"(MC s.e. {se_b:.2%})"
    )
    print("\nSIZE (b = 0); target [4%, 6%]")
    size = table[table["b"] == 0].drop(columns="b")
    print(size.to_string(index=False, formatters=pct))
    print("\nPOWER (b = coefficient on lagged x [stationary] or lagged dx [I(1)])")
    power = table[table["b"] > 0]
    for dgp in DGPS:
        sub = power[power["dgp"] == dgp]
        wide = sub.pivot_table(index="b", columns="T", values=list(TESTS))
        wide = wide.reindex(columns=list(TESTS), level=0)
        print(f"\n[{dgp}]")
        print(wide.map("{:.1%}".format).to_string())
    print(f"\nelapsed: {elapsed:.1f} s on {args.jobs} jobs")
    return table


if __name__ == "__main__":
    main()
