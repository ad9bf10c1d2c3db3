"""Wall time and peak memory of the whole paper run: cold, warm (nothing changed) and ``--jobs 2``.

Each configuration is a fresh ``python -m econ.cli run all`` process on the vault, timed from
outside (wall clock, whole process) with its peak memory (the summed resident memory of the
process and its workers, sampled every 0.1 s with psutil; without psutil, the largest single
process from ``getrusage``):

* ``cold``     -- empty cache folder, a fresh copy of the paper folder;
* ``warm``     -- the same command again on the cache and paper that ``cold`` left;
* ``jobs2``    -- ``cold`` with ``--jobs 2`` (fresh cache and paper).

With ``--baseline PATH`` (a checkout of the code before, e.g.
``git archive <commit> | tar -x -C /tmp/before``) the baseline's ``cold``, ``warm`` and
``jobs2`` run too. The configurations are interleaved (one of each per round, ``--rounds``
rounds) because the machine is shared: read the medians and, above all, the ratios.

Runs write Python's bytecode cache as a normal installation does (``PYTHONDONTWRITEBYTECODE``
is dropped for them: without it every run recompiles the package, about 0.2 s of a warm rerun).

With ``--record-costs`` the last cold run's per-study seconds go to ``studies/costs.json``,
which orders the studies of a ``--jobs`` run whose cache has no costs of its own yet.

It also prints the per-study costs of the last cold run (from its run manifest), the start-up
time of ``econ --help``, and whether two cold runs (and the ``--jobs 2`` run) wrote
byte-identical outputs (the run manifest, which records times, is left out by design).

Usage::

    python benchmarks/full_run.py --vault ../shared/data/raw --rounds 3 --baseline /tmp/before
    python benchmarks/full_run.py --rounds 1 --studies shrinking_money eras     # a smoke run

How the run grows when the data double: ``benchmarks/scale.py``.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: Files that record the run itself (times, commit): they differ between runs by design.
RUN_RECORDS = {"results/manifest.json", "tables/manifest.tex"}


def _peak_rss(proc: subprocess.Popen, out: dict[str, float], stop: threading.Event) -> None:
    try:
        import psutil
    except ImportError:
        return
    try:
        root = psutil.Process(proc.pid)
    except psutil.Error:
        return
    peak = 0
    while not stop.is_set():
        try:
            procs = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        stop.wait(0.1)
    out["peak_mb"] = peak / 2**20


def adopt_orphans() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``).

    A ``--jobs`` run's workers fork from a server process that outlives the ``econ`` process
    by a moment; without this they would be re-parented to init and their CPU time lost to
    ``getrusage(RUSAGE_CHILDREN)``. False where the call is not available.
    """
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_orphans(timeout: float = 60.0) -> None:
    """Wait (up to ``timeout`` s) for every adopted descendant to end, so that its CPU time is counted."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:  # none left
            return
        if pid == 0:
            time.sleep(0.05)


def run_once(code: Path, vault: str | None, cache: Path, paper: Path, jobs: int = 1, *,
             studies: list[str] | None = None, synthetic: bool = False,
             pythonpath: list[Path] | None = None) -> dict[str, float]:
    """One ``econ run`` process: wall seconds, CPU seconds (user + system of the process and
    of all its descendants, workers of a ``--jobs`` run included when :func:`adopt_orphans`
    succeeded) and peak memory (MB)."""
    path = [str(p) for p in (pythonpath or [])] + [str(code)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as a user runs it: compiled modules are cached (__pycache__)
    cmd = [sys.executable, "-m", "econ.cli", "run", *(studies or ["all"]), "--cache", str(cache), "--paper", str(paper)]
    cmd += (["--vault", vault] if vault else []) + (["--synthetic"] if synthetic else [])
    cmd += ["--jobs", str(jobs)] if jobs != 1 else []
    out: dict[str, float] = {}
    stop = threading.Event()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = threading.Thread(target=_peak_rss, args=(proc, out, stop), daemon=True)
    sampler.start()
    _, err = proc.communicate()
    out["wall"] = time.perf_counter() - t0
    reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stop.set()
    sampler.join()
    if "peak_mb" not in out:
        out["peak_mb"] = after.ru_maxrss / 1024
    if proc.returncode != 0:
        print(f"  ! exit {proc.returncode}: {err.strip().splitlines()[-1:] if err else ''}", flush=True)
    return out


def fresh(base: Path, name: str, code: Path) -> tuple[Path, Path]:
    cache, paper = base / f"{name}_cache", base / f"{name}_paper"
    for p in (cache, paper):
        shutil.rmtree(p, ignore_errors=True)
    shutil.copytree(code / "paper", paper, ignore=shutil.ignore_patterns("results", "tables", "figures"))
    return cache, paper


def tree_diff(a: Path, b: Path) -> list[str]:
    """Relative paths whose bytes differ (or exist on one side only), run records left out."""
    files = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()} | \
            {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    return sorted(f for f in files - RUN_RECORDS
                  if not ((a / f).is_file() and (b / f).is_file() and filecmp.cmp(a / f, b / f, shallow=False)))


def help_startup(code: Path, n: int = 5) -> float:
    env = dict(os.environ, PYTHONPATH=str(code))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "econ.cli", "--help"], cwd=code, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def per_study(paper: Path) -> dict[str, float]:
    try:
        manifest = json.loads((paper / "results" / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: float(v.get("seconds", float("nan"))) for k, v in sorted(manifest.get("studies", {}).items())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vault", default=os.environ.get("ECON_VAULT", str(REPO.parent / "shared" / "data" / "raw")))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--baseline", type=Path, default=None, help="checkout of the code before (its paper/ too)")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--studies", nargs="+", default=["all"], help="studies or claim ids (default: all; a subset "
                    "for a smoke run)")
    ap.add_argument("--record-costs", action="store_true", help="write the last cold run's per-study seconds to "
                    "studies/costs.json (the schedule of a --jobs run whose cache has no costs yet)")
    args = ap.parse_args()
    args.vault = str(Path(args.vault).resolve())  # the runs start in each code's own folder
    if not adopt_orphans():
        print("note: the CPU column leaves out --jobs workers (no PR_SET_CHILD_SUBREAPER here)")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="econ-bench-"))
    codes = {"after": REPO} if args.baseline is None else {"before": args.baseline.resolve(), "after": REPO}
    times: dict[str, list[dict[str, float]]] = {}
    keep: dict[str, Path] = {}
    for r in range(args.rounds):
        for label, code in codes.items():
            for config in ("cold", "warm", "jobs2"):
                key = f"{label} {config}"
                if config == "warm":
                    cache, paper = work / f"{label}_cold_cache", work / f"{label}_cold_paper"
                else:
                    cache, paper = fresh(work, f"{label}_{config}", code)
                res = run_once(code, args.vault, cache, paper, jobs=2 if config == "jobs2" else 1,
                               studies=args.studies)
                times.setdefault(key, []).append(res)
                print(f"round {r + 1} {key:14s} wall {res['wall']:7.1f} s  cpu {res['cpu']:7.1f} s  "
                      f"peak {res['peak_mb']:6.0f} MB", flush=True)
                if config == "cold":
                    if r == 0:  # keep the first cold paper of each code for the byte-identity check
                        keep[label] = work / f"{label}_first_cold_paper"
                        shutil.rmtree(keep[label], ignore_errors=True)
                        shutil.copytree(paper, keep[label])
                    keep[f"{label} costs"] = paper
    print("\nmedians over", args.rounds, "interleaved rounds (wall s, CPU s, peak MB):")
    med = {k: (statistics.median(x["wall"] for x in v), max(x["peak_mb"] for x in v)) for k, v in times.items()}
    for k, (w, m) in med.items():
        cpu = statistics.median(x["cpu"] for x in times[k])
        print(f"  {k:14s} {w:8.1f} s  {cpu:8.1f} s  {m:7.0f} MB   runs: " + ", ".join(f"{x['wall']:.1f}" for x in times[k]))
    for label in codes:
        c, w, j = (med[f"{label} {x}"][0] for x in ("cold", "warm", "jobs2"))
        print(f"  {label}: warm/cold = {w / c:.3f}; jobs2/cold = {j / c:.3f}")
    if "before" in codes:
        for config in ("cold", "warm", "jobs2"):
            b, a = med[f"before {config}"][0], med[f"after {config}"][0]
            print(f"  {config}: before/after = {b / a:.2f}x")
    for label in codes:
        costs = per_study(keep[f"{label} costs"])
        print(f"\nper-study cost, {label} (last cold run, s): " + ", ".join(f"{k} {v:.1f}" for k, v in costs.items()))
    for label, code in codes.items():
        print(f"econ --help start-up, {label}: {help_startup(code):.2f} s (median of 5)")
    print("\nbyte identity (run manifest left out by design):")
    for label in codes:
        d = tree_diff(keep[label], keep[f"{label} costs"]) if args.rounds > 1 else None
        print(f"  {label}: cold round 1 vs cold round {args.rounds}: "
              + ("(one round only)" if d is None else "identical" if not d else f"{len(d)} differ: {d[:8]}"))
        j = tree_diff(keep[label], work / f"{label}_jobs2_paper")
        print(f"  {label}: cold vs --jobs 2: " + ("identical" if not j else f"{len(j)} differ: {j[:8]}"))
    if len(codes) == 2:
        # The cache index keys each study by the hash of its code: it differs between two codes by design.
        b = [f for f in tree_diff(keep["before"], keep["after"]) if f != "results/index.json"]
        print("  before vs after, cold (cache keys in results/index.json left out): "
              + ("identical" if not b else f"{len(b)} differ: {b[:8]}"))
    if args.record_costs:
        costs = per_study(keep["after costs"])
        target = REPO / "studies" / "costs.json"
        target.write_text(json.dumps({k: round(v, 1) for k, v in sorted(costs.items())}, indent=1) + "\n",
                          encoding="utf-8")
        print(f"\nrecorded per-study costs in {target}")
    print(f"\nwork folder: {work}")


if __name__ == "__main__":
    main()
