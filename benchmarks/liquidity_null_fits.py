"""CPU seconds of liquidity_flows' null-world fits, interleaved between two source trees.

Usage: ``python benchmarks/liquidity_null_fits.py BEFORE_TREE AFTER_TREE [ROUNDS]``. Per round,
one child process per tree (alternating which goes first) imports that tree's ``studies`` and,
for every specification of the three grids in grid order, runs the spec's estimate (untimed:
it builds the memoised panels and rows, as ``run_grid`` does) and then its ``NULL_DRAWS`` null
draws (timed, CPU seconds of the process). Prints each child's seconds per grid and the
medians and ratios of the totals. ``--measure`` runs one child's measurement in this tree.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(vault: str | None) -> dict[str, float]:
    """CPU seconds of the null draws of each grid, one cold loader (this process's ``studies``)."""
    from econ.config import Settings
    from econ.data.loader import DataLoader
    from econ.robust import NullDraws
    from studies import _liquidity_specs as S

    null = NullDraws(S.NULL_DRAWS, S.NULL_SEED)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        loader = DataLoader(Settings.resolve(vault=vault, cache=Path(tmp) / "c", live=False))
        for name, grid in (("C5", S.GRID), ("A3", S.GRID_FLOWS), ("C7", S.GRID_FED)):
            spent = 0.0
            for spec in grid:
                S.estimate(spec, loader)
                t0 = time.process_time()
                S.estimate(spec, loader, null)
                spent += time.process_time() - t0
            out[name] = spent
    return out


def child_seconds(tree: Path, vault: str | None) -> dict[str, float]:
    """:func:`measure` in a child process importing ``tree``'s packages."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", *([vault] if vault else [])]
    done = subprocess.run(cmd, cwd=tree, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2] if len(sys.argv) > 2 else None)))
        return
    before, after = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    vault = os.environ.get("ECON_VAULT")
    totals: dict[str, list[float]] = {"before": [], "after": []}
    for i in range(rounds):
        order = (("before", before), ("after", after)) if i % 2 == 0 else (("after", after), ("before", before))
        for label, tree in order:
            secs = child_seconds(tree, vault)
            totals[label].append(sum(secs.values()))
            grids = ", ".join(f"{k} {v:.2f}" for k, v in secs.items())
            print(f"{label}: {totals[label][-1]:.2f} s CPU ({grids})", flush=True)
    b, a = statistics.median(totals["before"]), statistics.median(totals["after"])
    print(f"median null-fit CPU before {b:.2f} s, after {a:.2f} s, ratio {b / a:.2f}")


if __name__ == "__main__":
    main()
