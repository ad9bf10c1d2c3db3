"""CPU of the regimes study: its own process plus its Markov workers, before vs after.

Runs ``studies.regimes.STUDY.run`` cold (a fresh loader cache each time) in a fresh
interpreter per run, for this checkout and for ``--before`` (another checkout, e.g. made with
``git archive e35319d | tar -x -C /tmp/reg-base``), alternating ``--rounds`` times because
the machine is shared. CPU = user + system time of the process and of the worker processes
it reaped (the Markov pool), from ``getrusage``; imports, the CLI and the figures are left
out (the same in both). Prints every run and the medians.

Usage::

    python benchmarks/regimes_cpu.py --before /tmp/reg-base --rounds 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import os, resource, sys, tempfile, time
repo = sys.argv[1]
sys.path.insert(0, repo)
os.chdir(repo)
from econ.config import Settings
from econ.data.loader import DataLoader
from studies.regimes import STUDY
loader = DataLoader(Settings.resolve(cache=tempfile.mkdtemp(prefix="regcpu-"), live=False))
cpu = lambda who: (lambda r: r.ru_utime + r.ru_stime)(resource.getrusage(who))
s0, c0, w0 = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
STUDY.run(loader)
try:
    from joblib.externals.loky import get_reusable_executor
    get_reusable_executor().shutdown(wait=True)  # reap loky workers so getrusage counts them
except Exception:
    pass
print(time.perf_counter() - w0, cpu(resource.RUSAGE_SELF) - s0, cpu(resource.RUSAGE_CHILDREN) - c0)
"""


def one(repo: Path) -> tuple[float, float, float]:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", CHILD, str(repo)], env=env, cwd=repo, check=True,
                         capture_output=True, text=True).stdout.split()
    wall, own, workers = (float(v) for v in out[-3:])
    return wall, own, workers


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True, help="checkout of the code before (e.g. main)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    runs: dict[str, list[tuple[float, float, float]]] = {"before": [], "after": []}
    for r in range(args.rounds):
        for tag, repo in (("before", Path(args.before)), ("after", REPO)):
            wall, own, workers = one(repo)
            runs[tag].append((wall, own, workers))
            print(f"round {r + 1} {tag:6s} wall {wall:6.1f} s  CPU own {own:6.1f} + workers {workers:6.1f} = "
                  f"{own + workers:6.1f} s", flush=True)
    med = {t: statistics.median(o + w for _, o, w in v) for t, v in runs.items()}
    print(f"median CPU: before {med['before']:.1f} s, after {med['after']:.1f} s, "
          f"ratio {med['before'] / med['after']:.2f}x")


if __name__ == "__main__":
    main()
