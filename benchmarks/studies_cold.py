"""Cold seconds of some studies, interleaved between two source trees.

Usage: ``python benchmarks/studies_cold.py BEFORE_TREE AFTER_TREE RUNS STUDY [STUDY ...]``. Per
round and study, one run from each tree (alternating which goes first), each with a fresh cache
and a fresh copy of the tree's ``paper/``; prints the study's seconds from the run's
``results/manifest.json`` (compute plus its own figures and tables) and the medians and ratios.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def cold_seconds(tree: Path, study: str) -> float:
    """One cold run of ``study`` from ``tree``: the seconds its manifest records."""
    with tempfile.TemporaryDirectory() as tmp:
        paper = Path(tmp) / "paper"
        shutil.copytree(tree / "paper", paper)
        subprocess.run([sys.executable, "-m", "econ", "run", study, "--cache", str(Path(tmp) / "c"),
                        "--paper", str(paper)], cwd=tree, check=True, capture_output=True)
        manifest = json.loads((paper / "results" / "manifest.json").read_text())
        return float(manifest["studies"][study]["seconds"])


def main() -> None:
    before, after, runs, studies = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    times = {(s, label): [] for s in studies for label in ("before", "after")}
    for r in range(runs):
        order = (("before", before), ("after", after)) if r % 2 == 0 else (("after", after), ("before", before))
        for s in studies:
            for label, tree in order:
                times[(s, label)].append(cold_seconds(tree, s))
                print(f"round {r + 1} {s} {label}: {times[(s, label)][-1]:.2f} s", flush=True)
    total_b = total_a = 0.0
    for s in studies:
        b, a = statistics.median(times[(s, "before")]), statistics.median(times[(s, "after")])
        total_b, total_a = total_b + b, total_a + a
        print(f"{s}: median before {b:.2f} s, after {a:.2f} s, ratio {b / a:.2f}")
    print(f"total of medians: before {total_b:.2f} s, after {total_a:.2f} s, ratio {total_b / total_a:.2f}")


if __name__ == "__main__":
    main()
