"""Hansen threshold regression: CPU time per call, the code before (reference) vs now, same data.

The ``regimes`` study (A4) calls :func:`econ.models.threshold.threshold_regression` on the
vault's weekly and monthly ratio returns: once per specification with the fixed-regressor
bootstrap (``n_boot`` 999 for the headline tests, 199 in the robustness grid), and once per
null draw of the grid without bootstrap (``n_boot=0``, 99 draws per specification: most of
the calls). For each of these settings this script times

* ``before`` -- ``econ/models/threshold.py`` as of ``--ref`` (default ``fe08c0c``, the code
  before the batched path), loaded from git into a module of its own, and
* ``after``  -- the module of this checkout,

on the same series (CSI 1000 / CSI 300 ratio, 26-week northbound flow as threshold
variable), alternating the two ``--rounds`` times (the machine is shared: read the medians
of CPU time, user + system, and their ratio). It checks that both return the same estimates,
statistic and p-value (bit for bit) and prints the largest difference of the bootstrap draws.
It also times :func:`~econ.models.threshold.threshold_sup_test` (many dependent variables,
one regressor set and threshold variable: permutation or simulation draws) against a loop
of ``threshold_regression(..., n_boot=0)`` calls.

Usage::

    python benchmarks/threshold.py --rounds 5
    python benchmarks/threshold.py --rounds 1 --quick     # fewer calls per timing
    python benchmarks/threshold.py --rounds 2 --study     # + the whole A4 study, before vs after

``--study`` also runs the ``regimes`` study (A4/B2) in this process once per version and
round, with ``studies.regimes.threshold_regression`` bound to the reference or to the current
function, and prints the study's wall time, the number of threshold fits and the CPU time
spent inside them (the Markov fits run in worker processes and are the same code in both).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from econ.models import threshold as after  # noqa: E402


def reference(commit: str) -> types.ModuleType:
    """``econ/models/threshold.py`` as of ``commit``, as a module named ``threshold_ref``."""
    src = subprocess.run(["git", "show", f"{commit}:econ/models/threshold.py"], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout
    mod = types.ModuleType("threshold_ref")
    mod.__file__ = f"threshold_ref@{commit}.py"
    sys.modules[mod.__name__] = mod
    exec(compile(src, mod.__file__, "exec"), mod.__dict__)
    return mod


def vault_case() -> tuple[pd.Series, pd.DataFrame, pd.Series]:
    from econ.config import Settings
    from econ.data.loader import DataLoader
    from studies.common import proxy_by_label
    from studies.regimes import ratio_frame

    loader = DataLoader(Settings.resolve(cache=tempfile.mkdtemp(prefix="econ-thr-"), live=False))
    d = ratio_frame(loader, proxy_by_label("CSI 1000"), "W")[["y", "dx", "nb26"]].dropna()
    return d["y"], d[["dx"]], d["nb26"]


def cpu(fn, calls: int) -> float:
    """CPU seconds (user + system of this process) per call."""
    t0 = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - t0) / calls


def same(a, b) -> tuple[bool, float]:
    """Whether two results agree bit for bit (estimates, intervals, statistic, p-value, profiles),
    and the largest relative difference of their bootstrap draws."""
    ok = (a.gamma == b.gamma and a.ci_lower == b.ci_lower and a.ci_upper == b.ci_upper and a.eta2 == b.eta2
          and a.ssr == b.ssr and a.coefs.equals(b.coefs) and a.lr_profile.equals(b.lr_profile)
          and a.sup_profile.equals(b.sup_profile) and a.sup_stat == b.sup_stat
          and (a.pvalue == b.pvalue or (np.isnan(a.pvalue) and np.isnan(b.pvalue))))
    boot = float(np.max(np.abs(a.boot_stats - b.boot_stats) / np.abs(a.boot_stats))) if a.n_boot else 0.0
    return ok, boot


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", default="fe08c0c", help="git commit of the reference (before) code")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="fewer calls per timing (a smoke run)")
    ap.add_argument("--study", action="store_true", help="also time the whole regimes study, before vs after")
    args = ap.parse_args()
    before = reference(args.ref)
    y, X, q = vault_case()
    print(f"data: CSI 1000 / CSI 300 weekly ratio returns on ΔUS10Y, threshold nb26; n = {len(y)}")
    settings = {"null draw (n_boot=0)": (dict(trim=0.15, n_boot=0), 10 if args.quick else 100),
                "grid spec (n_boot=199)": (dict(trim=0.15, n_boot=199), 1 if args.quick else 5),
                "headline (n_boot=999)": (dict(trim=0.15, n_boot=999), 1 if args.quick else 2),
                "homoskedastic sup-F (n_boot=999)": (dict(trim=0.15, n_boot=999, het_robust=False),
                                                     1 if args.quick else 2)}
    print(f"\n{'setting':34s} {'before ms':>10s} {'after ms':>10s} {'ratio':>7s}  same bits  max rel. diff of draws")
    for label, (kw, calls) in settings.items():
        ok, boot = same(before.threshold_regression(y, X, q, seed=0, **kw),
                        after.threshold_regression(y, X, q, seed=0, **kw))
        t = {"before": [], "after": []}
        for _ in range(args.rounds):
            for name, mod in (("before", before), ("after", after)):
                t[name].append(cpu(lambda mod=mod, kw=kw: mod.threshold_regression(y, X, q, seed=0, **kw), calls))
        b, a = statistics.median(t["before"]), statistics.median(t["after"])
        print(f"{label:34s} {1e3 * b:10.2f} {1e3 * a:10.2f} {b / a:6.1f}x  {'yes' if ok else 'NO':9s}  {boot:.1e}",
              flush=True)
    # many dependent variables, one X and q: permutation draws of y
    draws = 20 if args.quick else 200
    rng = np.random.default_rng(0)
    Y = np.column_stack([rng.permutation(y.to_numpy()) for _ in range(draws)])
    loop = [after.threshold_regression(Y[:, j], X.to_numpy(), q.to_numpy(), trim=0.15, n_boot=0).sup_stat
            for j in range(draws)]
    batch = after.threshold_sup_test(Y, X.to_numpy(), q.to_numpy(), trim=0.15)
    t = {"loop": [], "batch": []}
    for _ in range(args.rounds):
        t["loop"].append(cpu(lambda: [after.threshold_regression(Y[:, j], X.to_numpy(), q.to_numpy(), trim=0.15,
                                                                  n_boot=0) for j in range(draws)], 1))
        t["batch"].append(cpu(lambda: after.threshold_sup_test(Y, X.to_numpy(), q.to_numpy(), trim=0.15), 1))
    lo, ba = statistics.median(t["loop"]), statistics.median(t["batch"])
    print(f"\nsup-LM of {draws} permuted y (same X, q): loop of threshold_regression(n_boot=0) {1e3 * lo:.1f} ms, "
          f"threshold_sup_test {1e3 * ba:.1f} ms ({lo / ba:.1f}x); max rel. diff "
          f"{float(np.max(np.abs(np.asarray(loop) - batch) / np.abs(batch))):.1e}")
    print(f"(medians of {args.rounds} interleaved rounds of CPU time, user + system)")
    if args.study:
        study_rounds(before, args.rounds)


def study_rounds(before: types.ModuleType, rounds: int) -> None:
    """The regimes study with the reference and the current threshold_regression, interleaved."""
    import studies.regimes as R
    from econ.config import Settings
    from econ.data.loader import DataLoader

    spent = {"calls": 0, "cpu": 0.0}

    def timed(fn):
        def wrapper(*a, **k):
            t0 = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent["calls"] += 1
                spent["cpu"] += time.process_time() - t0
        return wrapper

    out: dict[str, list[tuple[float, float, int]]] = {"before": [], "after": []}
    for r in range(rounds):
        for name, fn in (("before", before.threshold_regression), ("after", after.threshold_regression)):
            R.threshold_regression = timed(fn)
            spent.update(calls=0, cpu=0.0)
            loader = DataLoader(Settings.resolve(cache=tempfile.mkdtemp(prefix="econ-thr-"), live=False))
            t0 = time.perf_counter()
            R.STUDY.run(loader)
            out[name].append((time.perf_counter() - t0, spent["cpu"], spent["calls"]))
            print(f"round {r + 1} regimes study, {name}: wall {out[name][-1][0]:.1f} s, "
                  f"{spent['calls']} threshold fits, CPU inside them {spent['cpu']:.1f} s", flush=True)
    med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)) for k, v in out.items()}
    print(f"regimes study medians: wall {med['before'][0]:.1f} -> {med['after'][0]:.1f} s "
          f"({med['before'][0] / med['after'][0]:.2f}x); CPU in threshold fits {med['before'][1]:.1f} -> "
          f"{med['after'][1]:.1f} s ({med['before'][1] / med['after'][1]:.2f}x)")


if __name__ == "__main__":
    main()
