"""How the whole run grows when the data double: wall time, CPU time and peak memory.

Each configuration is a cold ``python -m econ.cli run <studies> --synthetic`` process (fresh
cache and paper folders) on the synthetic world of :mod:`econ.data.providers.synthetic`, the
only data whose history can be made longer:

* ``x1`` -- the shipped world (business days 2010-01-04 .. 2025-12-31);
* ``x2`` -- the same seeded DGP over twice the span (2010-01-04 .. 2041-12-30): every series
  has twice the observations, and every study's sample that runs to the end of the data
  grows (samples with fixed end dates, e.g. an article's window, do not).

The longer world is switched on in the benchmark's own processes only, by a
``sitecustomize`` module on ``PYTHONPATH`` that replaces the world's default ``end``
(so ``--jobs 2`` workers get it too); the package is unchanged. The configurations are
interleaved ``--rounds`` times (the machine is shared): read medians and the x2/x1 ratios.
Printed: per configuration wall and CPU seconds (user + system of the run and its
workers) and peak memory (summed resident memory of the process tree, sampled every 0.1 s),
then the per-study wall times of the last run of each and their ratios (a ratio near 2 is
linear growth, near 4 quadratic).

Usage::

    python benchmarks/scale.py --rounds 3
    python benchmarks/scale.py --rounds 1 --studies shrinking_money eras   # a smoke run
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from full_run import REPO, adopt_orphans, per_study, run_once

#: end of the synthetic world for each length factor (start 2010-01-04; the shipped end is 2025-12-31)
ENDS = {"x1": None, "x2": "2041-12-30"}

SHIM = '''
"""Benchmark shim (benchmarks/scale.py): the synthetic world runs to {end}."""
import dataclasses

import econ.data.providers.synthetic as _syn

_syn.SyntheticWorld = dataclasses.make_dataclass(
    "SyntheticWorld", [("end", str, dataclasses.field(default={end!r}))], bases=(_syn.SyntheticWorld,),
    frozen=True, namespace={{"__module__": _syn.__name__, "__doc__": _syn.SyntheticWorld.__doc__}})
'''


def shim_dir(base: Path, end: str | None) -> Path | None:
    """A folder holding the ``sitecustomize`` that lengthens the world (``None``: shipped world)."""
    if end is None:
        return None
    folder = base / f"shim_{end}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(textwrap.dedent(SHIM.format(end=end)), encoding="utf-8")
    return folder


def check_length(shim: Path | None) -> int:
    """Business days of the world a process with this shim sees (a check that the shim works)."""
    import subprocess

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(p) for p in (shim, REPO) if p is not None))
    out = subprocess.run([sys.executable, "-c", "from econ.data.providers.synthetic import SyntheticProvider; "
                          "print(len(SyntheticProvider().world.days))"], cwd=REPO, env=env, capture_output=True,
                         text=True, check=True)
    return int(out.stdout.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1, help="--jobs of each run (default 1)")
    ap.add_argument("--studies", nargs="+", default=["all"], help="studies or claim ids (default: all)")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    adopt_orphans()  # count --jobs workers' CPU too
    work = args.workdir or Path(tempfile.mkdtemp(prefix="econ-scale-"))
    shims = {label: shim_dir(work, end) for label, end in ENDS.items()}
    for label, shim in shims.items():
        print(f"{label}: synthetic world of {check_length(shim)} business days", flush=True)
    times: dict[str, list[dict[str, float]]] = {}
    last: dict[str, Path] = {}
    for r in range(args.rounds):
        for label, shim in shims.items():
            cache, paper = work / f"{label}_cache", work / f"{label}_paper"
            for p in (cache, paper):
                shutil.rmtree(p, ignore_errors=True)
            shutil.copytree(REPO / "paper", paper, ignore=shutil.ignore_patterns("results", "tables", "figures"))
            res = run_once(REPO, None, cache, paper, jobs=args.jobs, studies=args.studies, synthetic=True,
                           pythonpath=[shim] if shim else [])
            times.setdefault(label, []).append(res)
            last[label] = paper
            print(f"round {r + 1} {label}: wall {res['wall']:7.1f} s  cpu {res['cpu']:7.1f} s  "
                  f"peak {res['peak_mb']:6.0f} MB", flush=True)
    print(f"\nmedians over {args.rounds} interleaved rounds (cold runs, --jobs {args.jobs}, studies: "
          f"{' '.join(args.studies)}):")
    med = {k: {m: statistics.median(x[m]) for m in ("wall", "cpu")} | {"peak_mb": max(x["peak_mb"] for x in v)}
           for k, v in times.items() for x in [{m: [y[m] for y in v] for m in ("wall", "cpu", "peak_mb")}]}
    for k, v in med.items():
        print(f"  {k}: wall {v['wall']:7.1f} s   cpu {v['cpu']:7.1f} s   peak {v['peak_mb']:6.0f} MB")
    print(f"  x2/x1: wall {med['x2']['wall'] / med['x1']['wall']:.2f}, cpu {med['x2']['cpu'] / med['x1']['cpu']:.2f}, "
          f"peak memory {med['x2']['peak_mb'] / med['x1']['peak_mb']:.2f}")
    one, two = per_study(last["x1"]), per_study(last["x2"])
    print("\nper-study wall time of the last run (s): x1, x2, x2/x1")
    for name in sorted(set(one) | set(two)):
        a, b = one.get(name, float("nan")), two.get(name, float("nan"))
        print(f"  {name:20s} {a:8.1f} {b:8.1f} {b / a if a > 0 else float('nan'):6.2f}")
    print(f"\nwork folder: {work}")


if __name__ == "__main__":
    main()
