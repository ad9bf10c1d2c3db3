"""Cold seconds of the liquidity_flows study, interleaved between two source trees.

Usage: ``python benchmarks/liquidity_flows_cold.py BEFORE_TREE AFTER_TREE [RUNS]``. Each run uses
a fresh cache and a fresh copy of the tree's ``paper/``; prints the study's seconds from the
run's ``results/manifest.json`` and the medians.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def cold_seconds(tree: Path) -> float:
    """One cold run of the study from ``tree``: the seconds its manifest records."""
    with tempfile.TemporaryDirectory() as tmp:
        paper = Path(tmp) / "paper"
        shutil.copytree(tree / "paper", paper)
        subprocess.run([sys.executable, "-m", "econ", "run", "liquidity_flows", "--cache", str(Path(tmp) / "c"),
                        "--paper", str(paper)], cwd=tree, check=True, capture_output=True)
        manifest = json.loads((paper / "results" / "manifest.json").read_text())
        return float(_study_seconds(manifest))


def _study_seconds(manifest: dict) -> float:
    return manifest["studies"]["liquidity_flows"]["seconds"]


def main() -> None:
    before, after = Path(sys.argv[1]), Path(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    times: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(runs):
        for label, tree in (("before", before), ("after", after)):
            times[label].append(cold_seconds(tree))
            print(f"{label}: {times[label][-1]:.1f} s", flush=True)
    b, a = statistics.median(times["before"]), statistics.median(times["after"])
    print(f"median before {b:.1f} s, after {a:.1f} s, ratio {b / a:.2f}")


if __name__ == "__main__":
    main()
