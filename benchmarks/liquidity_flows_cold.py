"""Cold seconds of the liquidity_flows study, interleaved between two source trees.

Usage: ``python benchmarks/liquidity_flows_cold.py BEFORE_TREE AFTER_TREE [RUNS]``. Each run uses
a fresh cache and a fresh copy of the tree's ``paper/``; prints the study's seconds from the
run's ``results/manifest.json`` and the medians.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def cold_seconds(tree: Path) -> tuple[float, float]:
    """One cold run of the study from ``tree``: the seconds its manifest records and the CPU
    seconds of the run's process (and of any child it waited for)."""
    with tempfile.TemporaryDirectory() as tmp:
        paper = Path(tmp) / "paper"
        shutil.copytree(tree / "paper", paper)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "econ", "run", "liquidity_flows", "--cache", str(Path(tmp) / "c"),
                        "--paper", str(paper)], cwd=tree, check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        manifest = json.loads((paper / "results" / "manifest.json").read_text())
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return float(_study_seconds(manifest)), cpu


def _study_seconds(manifest: dict) -> float:
    return manifest["studies"]["liquidity_flows"]["seconds"]


def main() -> None:
    before, after = Path(sys.argv[1]), Path(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    times: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
    for _ in range(runs):
        for label, tree in (("before", before), ("after", after)):
            times[label].append(cold_seconds(tree))
            print(f"{label}: {times[label][-1][0]:.1f} s, {times[label][-1][1]:.1f} s CPU", flush=True)
    for i, what in enumerate(("seconds", "CPU seconds")):
        b = statistics.median(t[i] for t in times["before"])
        a = statistics.median(t[i] for t in times["after"])
        print(f"median {what} before {b:.1f}, after {a:.1f}, ratio {b / a:.2f}")


if __name__ == "__main__":
    main()
