"""Markov switching: time per start and log-likelihood, ``econ`` fit vs statsmodels, same data and starts.

For the Markov fits the ``regimes`` study makes on the vault (the CSI 1000 / CSI 300 ratio
returns, weekly and monthly, 2 and 3 regimes, and the weekly switching regression on
ΔUS10Y and northbound flow), ``econ.models.fit_markov`` runs ``--starts`` starts twice:

* ``econ``        -- the exact-score path: statsmodels' EM steps, then BFGS with the analytic
  gradient (smoothed probabilities) on statsmodels' compiled Hamilton filter;
* ``statsmodels`` -- the same starts through ``MarkovRegression.fit`` (EM steps, then BFGS
  with complex-step numerical gradients), i.e. the code before.

It prints the wall time per start, the ratio, the best log-likelihood of each and their
difference (``econ - statsmodels``: >= -1e-6 means equal or better), and checks that
statsmodels' own likelihood at ``econ``'s parameters equals ``econ``'s log-likelihood.
``--scale`` repeats the weekly fits on the series doubled in length (the sample stacked on
itself), to show how the cost grows with the data. The two paths alternate ``--rounds`` times
(the machine is shared): read medians and ratios.

Usage::

    python benchmarks/markov.py --vault ../shared/data/raw --starts 5 --rounds 3 --scale
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd

from econ.config import Settings
from econ.data.loader import DataLoader
from econ.models import regimes as R

REPO = Path(__file__).resolve().parents[1]


def cases(vault: str, scale: bool) -> list[tuple[str, pd.Series, pd.DataFrame | None, int]]:
    from studies.common import proxy_by_label
    from studies.regimes import ratio_frame

    loader = DataLoader(Settings.resolve(vault=vault, cache=tempfile.mkdtemp(prefix="econ-mk-"), live=False))
    proxy = proxy_by_label("CSI 1000")
    w, m = ratio_frame(loader, proxy, "W"), ratio_frame(loader, proxy, "M")
    hw = w[["y", "dx", "flow"]].dropna()
    out = [("ms2 weekly", w["y"].dropna(), None, 2), ("ms3 weekly", w["y"].dropna(), None, 3),
           ("ms3 monthly", m["y"].dropna(), None, 3), ("msr2 weekly (dx, flow)", hw["y"], hw[["dx", "flow"]], 2)]
    if scale:
        y2 = pd.Series(np.tile(w["y"].dropna().to_numpy(), 2), name="y")
        out += [("ms2 weekly x2 length", y2, None, 2), ("ms3 weekly x2 length", y2, None, 3)]
    return out


def fit(y: pd.Series, x: pd.DataFrame | None, k: int, starts: int, statsmodels: bool) -> tuple[float, R.RegimeResult]:
    exact = R._ExactScore
    if statsmodels:
        R._ExactScore = lambda model: None  # the statsmodels path of fit_markov, same starts
    try:
        t0 = time.perf_counter()
        res = R.fit_markov(y, k_regimes=k, exog=x, n_starts=starts, seed=0)
        return time.perf_counter() - t0, res
    finally:
        R._ExactScore = exact


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vault", default=os.environ.get("ECON_VAULT", str(REPO.parent / "shared" / "data" / "raw")))
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--scale", action="store_true", help="also fit the weekly series doubled in length")
    args = ap.parse_args()
    print(f"{'model':26s} {'T':>5s} {'econ s/start':>12s} {'sm s/start':>11s} {'ratio':>6s} "
          f"{'econ llf':>14s} {'sm llf':>14s} {'diff':>9s} {'sm llf at econ params':>22s}")
    for name, y, x, k in cases(args.vault, args.scale):
        t_fast, t_sm = [], []
        for _ in range(args.rounds):
            a_t, a = fit(y, x, k, args.starts, statsmodels=False)
            b_t, b = fit(y, x, k, args.starts, statsmodels=True)
            t_fast.append(a_t / args.starts)
            t_sm.append(b_t / args.starts)
        check = a.sm_result.model.loglike(np.asarray(a.sm_result.params))
        tf, ts = statistics.median(t_fast), statistics.median(t_sm)
        print(f"{name:26s} {a.nobs:5d} {tf:12.3f} {ts:11.3f} {ts / tf:5.1f}x {a.llf:14.6f} {b.llf:14.6f} "
              f"{a.llf - b.llf:9.1e} {check:22.6f}", flush=True)
    print("\nratio = statsmodels time / econ time per start (medians of interleaved rounds); diff = econ llf - "
          "statsmodels llf (>= -1e-6: the same or a higher maximum). Each fit includes the final smoothing and "
          "numerical-Hessian standard errors, done once per fit by statsmodels in both paths.")


if __name__ == "__main__":
    main()
