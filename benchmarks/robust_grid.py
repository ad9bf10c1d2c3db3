"""Wall time of the studies' specification grids: serial vs joblib (vs Dask), and a warm cache.

What is timed: ``econ.robust.run_grid`` on the A1 grid (40 descriptive specs) and the A2 grid
(28 specs, each re-estimated on 199 null worlds for the joint test and Romano–Wolf), i.e.
exactly the calls ``econ run A1 A2`` makes, without the result cache unless stated:

* ``serial``      -- ``n_jobs=1``;
* ``joblib(N)``   -- ``n_jobs=N`` loky processes (workers warmed by one untimed run first;
  the cold time including worker start-up is printed separately);
* ``dask``        -- ``--dask``: a ``distributed.LocalCluster`` with N single-threaded worker
  processes (also warmed);
* ``warm cache``  -- a second run with ``cache_dir`` set: every spec read back.

``--all-studies`` also times every study's full ``run()`` (all of its grids plus everything
else it computes) with ``n_jobs=1`` and ``n_jobs=N``, and the part spent inside its grids
(the ``seconds`` of each :class:`~econ.robust.executor.GridResult` it returns).

Each configuration runs ``--repeat`` times; the median wall time is reported, with the ratio
to serial. Results are checked to be identical across executors.

Usage::

    ECON_VAULT=../shared/data/raw python benchmarks/robust_grid.py            # real data
    python benchmarks/robust_grid.py --synthetic --jobs 2 --repeat 3 --dask
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small matrices: threaded BLAS only adds overhead
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from econ.config import Settings
from econ.data.loader import DataLoader
from econ.robust import run_grid


def _grids():
    import studies.style_deviation as a1
    import studies.us10y_csi300 as a2

    return [("A1", a1.estimate, a1.GRID, {}),
            ("A2", a2.estimate, a2.GRID, {"null_draws": a2.NULL_DRAWS, "seed": a2.NULL_SEED})]


def _run_all(loader: DataLoader, **kw) -> tuple[float, list]:
    t0 = time.perf_counter()
    out = [run_grid(fn, grid, loader=loader, **extra, **kw) for _, fn, grid, extra in _grids()]
    return time.perf_counter() - t0, out


def _fingerprint(results: list) -> list[np.ndarray]:
    fp = []
    for r in results:
        fp.append(np.array([[e.estimate, e.se, e.pvalue] for e in r.estimates], dtype=float))
        if r.null_estimates is not None:
            fp.append(r.null_estimates)
    return fp


def _same(a: list, b: list) -> bool:
    return all(np.array_equal(x, y, equal_nan=True) for x, y in zip(_fingerprint(a), _fingerprint(b), strict=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel workers (default: all cores)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--synthetic", action="store_true", help="synthetic data instead of the vault")
    ap.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster")
    ap.add_argument("--all-studies", action="store_true", help="also time every study's run() serial vs parallel")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.resolve(cache=os.path.join(tmp, "data"), synthetic=args.synthetic)
        if settings.vault is None and not args.synthetic:
            raise SystemExit("no vault: set ECON_VAULT or pass --synthetic")
        loader = DataLoader(settings)
        sizes = {name: len(grid) for name, _, grid, _ in _grids()}
        _run_all(loader)  # load and cache every input series once (not timed)
        print(f"grids: {sizes} specs; A2 with null draws; data: {'synthetic' if args.synthetic else settings.vault}")
        print(f"cpus: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}")

        rows: list[tuple[str, float, float | None]] = []
        serial = []
        ref = None
        for _ in range(args.repeat):
            t, res = _run_all(loader, n_jobs=1)
            serial.append(t)
            ref = ref or res
        t_serial = statistics.median(serial)
        rows.append(("serial", t_serial, None))

        cold, _ = _run_all(loader, n_jobs=args.jobs)  # starts the loky workers
        par = []
        for _ in range(args.repeat):
            t, res = _run_all(loader, n_jobs=args.jobs)
            par.append(t)
            assert _same(res, ref), "joblib results differ from serial"
        rows.append((f"joblib({args.jobs})", statistics.median(par), cold))

        if args.dask:
            from distributed import Client, LocalCluster

            with LocalCluster(n_workers=args.jobs, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                cold, _ = _run_all(loader, scheduler=client)
                dk = []
                for _ in range(args.repeat):
                    t, res = _run_all(loader, scheduler=client)
                    dk.append(t)
                    assert _same(res, ref), "dask results differ from serial"
                rows.append((f"dask LocalCluster({args.jobs})", statistics.median(dk), cold))

        cache = os.path.join(tmp, "grid")
        _run_all(loader, n_jobs=1, cache_dir=cache)
        warm, res = _run_all(loader, n_jobs=1, cache_dir=cache)
        assert _same(res, ref) and all(all(r.cached) for r in res)
        rows.append(("warm cache (all specs read back)", warm, None))

        print(f"\n{'executor':<34}{'median wall (s)':>16}{'vs serial':>11}{'cold (s)':>10}")
        for name, t, c in rows:
            print(f"{name:<34}{t:>16.2f}{t_serial / t:>10.2f}x{'' if c is None else f'{c:>10.2f}'}")
        print(f"load average after: {os.getloadavg()[0]:.2f}  (results identical across executors)")
        if args.all_studies:
            _all_studies(loader, args.jobs)


def _all_studies(loader: DataLoader, jobs: int) -> None:
    from econ.robust import execution
    from studies import registry

    print(f"\n{'study':<20}{'specs':>7}{'run 1 job (s)':>15}{'grids':>8}{f'run {jobs} jobs (s)':>17}{'grids':>8}")
    tot = np.zeros(4)
    for name, study in registry().items():
        row = []
        specs = 0
        for n in (1, jobs):
            with execution(n_jobs=n, cache_dir=None):
                t0 = time.perf_counter()
                res = study.run(loader)
                wall = time.perf_counter() - t0
            grids = sum(g.result.seconds for g in res.grids)
            specs = sum(len(g.result.specs) for g in res.grids)
            row += [wall, grids]
        tot += row
        print(f"{name:<20}{specs:>7}{row[0]:>15.2f}{row[1]:>8.2f}{row[2]:>17.2f}{row[3]:>8.2f}")
    print(f"{'total':<20}{'':>7}{tot[0]:>15.2f}{tot[1]:>8.2f}{tot[2]:>17.2f}{tot[3]:>8.2f}")
    print(f"grids: {tot[1] / tot[3]:.2f}x faster with {jobs} jobs; whole runs: {tot[0] / tot[2]:.2f}x")


if __name__ == "__main__":
    main()
