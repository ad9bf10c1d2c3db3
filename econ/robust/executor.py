"""Run a study's estimate function over every specification of its grid.

The contract
------------
``estimate(spec, loader) -> SpecEstimate`` must be a module-level function (so process pools
and Dask can pickle it by reference). A study calls ``run_grid(estimate, GRID, loader=loader)``;
results come back in grid order whatever the execution, and a failing spec is reported
(:meth:`SpecEstimate.failed`), never fatal.

Execution
---------
* serial (default, ``n_jobs=1``): in this process, with the caller's loader;
* ``n_jobs > 1`` or ``-1``: joblib (loky processes);
* ``scheduler="tcp://host:8786"`` (or a :class:`distributed.Client`): a Dask distributed
  cluster. Workers rebuild a :class:`~econ.data.loader.DataLoader` from the picklable
  :class:`~econ.config.Settings` of the caller's loader (once per worker and grid run), so
  every worker must see the same vault and cache paths.

Every option left at ``None`` falls back to the current :func:`execution` context, which the
runner sets from ``econ run --jobs/--scheduler`` (studies need not pass anything). With
``cache_dir`` set, results are cached by content (see :mod:`econ.robust.cache`): an unchanged
spec on unchanged data is read back, not recomputed. Read data only through the loader the
estimate function is given (a proxy that records the series ids for the cache key).

The joint-test hook (null draws)
--------------------------------
A specification curve's joint test (Simonsohn, Simmons & Nelson 2020) re-estimates *every*
specification on many data sets generated under the null, the *same* data set for every spec
of a draw. A study opts in by giving its estimate function a keyword ``null``::

    def estimate(spec, loader, null: NullDraws | None = None):
        data = build the spec's data from loader           # once
        if null is None:
            return fit(data)                                 # -> SpecEstimate
        return [fit(impose_null(data, null, k)) for k in null]   # -> list, one per draw

and calling ``run_grid(estimate, GRID, loader=loader, null_draws=199)``. Draw ``k`` must take
its randomness only from ``null.rng(k)`` (or :meth:`~econ.robust.curve.NullDraws.uniform`), in
the same order in every spec, so all specs of draw ``k`` see one null world. Helpers such as
:func:`econ.robust.curve.circular_shift` build common nulls. The null estimates land in
:attr:`GridResult.null_estimates` (draws x specs) and feed
:func:`econ.robust.curve.spec_curve` (joint test, Romano–Wolf adjusted p-values).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import inspect
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from econ.config import Settings
from econ.data.errors import DataIntegrityError
from econ.data.loader import DataLoader
from econ.models.base import Result
from econ.robust.cache import GridCache, InputHasher, function_fingerprint
from econ.robust.grid import Grid, Spec, SpecEstimate

__all__ = ["ExecutionOptions", "GridResult", "NullDraws", "current_options", "execution", "run_grid"]

EstimateFn = Callable[..., Any]


# ----------------------------------------------------------------------------- null draws
@dataclasses.dataclass(frozen=True)
class NullDraws:
    """Which null worlds the estimate function must build (the joint-test hook's argument).

    Iterating gives the draw numbers ``0..n-1``. Draw ``k``'s randomness comes from
    :meth:`rng` seeded by ``(seed, k)``: identical in every spec and on every executor.
    """

    n: int
    seed: int = 0

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.n))

    def __len__(self) -> int:
        return self.n

    def rng(self, k: int) -> np.random.Generator:
        """The generator of draw ``k`` (fresh each call: same numbers in every spec)."""
        return np.random.default_rng([int(self.seed), int(k)])

    def uniform(self, k: int, low: float = 0.0, high: float = 1.0) -> float:
        """The first uniform number of draw ``k`` on ``[low, high)``."""
        return float(self.rng(k).uniform(low, high))

    def uniforms(self, low: float = 0.0, high: float = 1.0) -> tuple[float, ...]:
        """:meth:`uniform` of every draw ``k = 0..n-1``, computed once per process.

        A grid asks for the same numbers in every spec; building ``n`` generators per spec
        costs more than many a spec's fit. The values are those of :meth:`uniform`.
        """
        return _null_uniforms(int(self.n), int(self.seed), float(low), float(high))


@functools.lru_cache(maxsize=64)
def _null_uniforms(n: int, seed: int, low: float, high: float) -> tuple[float, ...]:
    draws = NullDraws(n, seed)
    return tuple(draws.uniform(k, low, high) for k in draws)


# ----------------------------------------------------------------------------- options
@dataclasses.dataclass(frozen=True)
class ExecutionOptions:
    """Defaults for :func:`run_grid` calls made inside an :func:`execution` block.

    Attributes
    ----------
    n_jobs
        1 = serial; ``k > 1`` joblib processes; ``-1`` all cores.
    scheduler
        Dask scheduler address or :class:`distributed.Client` (overrides ``n_jobs``).
    cache_dir
        Result cache folder (``None`` = no cache).
    progress
        Callback receiving one-line progress messages.
    progress_bar
        Show a rich progress bar on stderr (scripts and benchmarks).
    max_null_draws
        Cap on the null draws a study asks for (quick runs and tests).
    """

    n_jobs: int = 1
    scheduler: Any = None
    cache_dir: Path | None = None
    progress: Callable[[str], None] | None = None
    progress_bar: bool = False
    max_null_draws: int | None = None


_DEFAULT = ExecutionOptions()
_OPTIONS: contextvars.ContextVar[ExecutionOptions | None] = contextvars.ContextVar("econ_robust_execution",
                                                                                   default=None)


def current_options() -> ExecutionOptions:
    """The options in force (see :func:`execution`)."""
    return _OPTIONS.get() or _DEFAULT


@contextlib.contextmanager
def execution(**overrides: Any) -> Iterator[ExecutionOptions]:
    """Set :class:`ExecutionOptions` for every :func:`run_grid` call in the block.

    >>> with execution(n_jobs=2, cache_dir="/tmp/grid"):    # doctest: +SKIP
    ...     result = STUDY.run(loader)
    """
    if "cache_dir" in overrides and overrides["cache_dir"] is not None:
        overrides["cache_dir"] = Path(overrides["cache_dir"])
    token = _OPTIONS.set(dataclasses.replace(current_options(), **overrides))
    try:
        yield current_options()
    finally:
        _OPTIONS.reset(token)


# ----------------------------------------------------------------------------- result
@dataclasses.dataclass(repr=False)
class GridResult(Result):
    """One row per specification: its choices and its estimate.

    Attributes
    ----------
    dimensions, specs, estimates
        The grid's dimension names, its valid specs (grid order) and their estimates.
    excluded
        ``(spec key, reason)`` of the combinations removed by the grid's rules.
    null_draws, null_seed
        Number of null draws run (0 = none) and their seed.
    null_estimates, null_se, null_pvalues
        ``(null_draws, len(specs))`` arrays of the estimates under the null (NaN = failed).
    cached
        Per spec: read from the cache.
    seconds
        Wall time of the run.
    executor
        ``"serial"``, ``"joblib(n)"`` or ``"dask"``.
    """

    dimensions: list[str]
    specs: list[Spec]
    estimates: list[SpecEstimate]
    title: str = "Specification grid"
    excluded: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    null_draws: int = 0
    null_seed: int = 0
    null_estimates: np.ndarray | None = None
    null_se: np.ndarray | None = None
    null_pvalues: np.ndarray | None = None
    cached: list[bool] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    executor: str = "serial"

    def to_frame(self) -> pd.DataFrame:
        rows: list[dict[str, Any]] = []
        for s, e in zip(self.specs, self.estimates, strict=True):
            rows.append({**s.as_dict(), "estimate": e.estimate, "se": e.se, "pvalue": e.pvalue,
                         "ci_low": e.ci_low, "ci_high": e.ci_high, "nobs": e.nobs, "error": e.error,
                         **{f"x_{k}": v for k, v in e.extra.items()}})
        return pd.DataFrame(rows)

    def ok(self) -> pd.DataFrame:
        frame = self.to_frame()
        return frame[frame["error"] == ""].reset_index(drop=True)

    def index(self, key: str) -> int:
        """Position of the spec with :attr:`Spec.key` ``key``."""
        for i, s in enumerate(self.specs):
            if s.key == key:
                return i
        raise KeyError(key)


# ----------------------------------------------------------------------------- workers
class RecordingLoader:
    """A loader proxy that records which series ids were read (for the cache key).

    One proxy serves every spec of a grid run in a process (so a study's per-loader memo,
    e.g. a ``WeakKeyDictionary`` keyed by the loader it is given, works across specs); the
    ids it records are the grid's inputs. Studies must read data through the loader they are
    given for the cache to see them.
    """

    def __init__(self, loader: Any) -> None:
        self._loader = loader
        self.used: set[str] = set()

    @property
    def wrapped(self) -> Any:
        """The loader this proxy records for (a study may key its per-loader memo on it)."""
        return self._loader

    def fetch(self, series_id: str, **kwargs: Any) -> Any:
        self.used.add(series_id)
        return self._loader.fetch(series_id, **kwargs)

    def series(self, series_id: str) -> pd.Series:
        self.used.add(series_id)
        return self._loader.series(series_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


def underlying_loader(loader: Any) -> Any:
    """The loader under any :class:`RecordingLoader` proxies (itself if none).

    A study's run and its grid read through different proxies of one loader; a memo of a
    computation that both repeat is keyed by this, while the reads still go through the proxy
    given (so each proxy records them).
    """
    while isinstance(loader, RecordingLoader):
        loader = loader._loader
    return loader


_WORKER_LOCK = threading.Lock()
_WORKER: dict[str, Any] = {}


def _worker_loader(settings: Settings, token: str) -> RecordingLoader:
    """One (recording) loader per worker process (or thread pool) and grid run.

    Thread-safe: Dask workers run several tasks as threads of one process; without the lock
    one thread could see the new token before the loader was stored (a KeyError in CI).
    """
    with _WORKER_LOCK:
        if _WORKER.get("token") != token:
            loader = RecordingLoader(DataLoader(settings))
            _WORKER.clear()
            _WORKER["loader"] = loader
            _WORKER["token"] = token
        return _WORKER["loader"]


def accepts_null(fn: EstimateFn) -> bool:
    """Whether ``fn`` implements the joint-test hook (a ``null`` keyword)."""
    try:
        return "null" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _run_one(fn: EstimateFn, spec: Spec, loader: Any) -> SpecEstimate:
    try:
        out = fn(spec, loader)
    except DataIntegrityError:  # wrong data is never a failed spec: it stops the run
        raise
    except Exception as exc:  # a failing spec is reported, not fatal
        return SpecEstimate.failed(f"{type(exc).__name__}: {exc}")
    if not isinstance(out, SpecEstimate):
        return SpecEstimate.failed(f"estimate returned {type(out).__name__}, not SpecEstimate")
    return out


def _run_null(fn: EstimateFn, spec: Spec, loader: Any, null: NullDraws) -> list[SpecEstimate]:
    try:
        out = list(fn(spec, loader, null=null))
    except DataIntegrityError:
        raise
    except Exception as exc:
        return [SpecEstimate.failed(f"{type(exc).__name__}: {exc}")] * null.n
    if len(out) != null.n or not all(isinstance(e, SpecEstimate) for e in out):
        return [SpecEstimate.failed(f"null hook returned {len(out)} items, expected {null.n} SpecEstimates")] * null.n
    return out


def _execute(fn: EstimateFn, spec: Spec, source: Any, token: str,
             null: NullDraws | None) -> tuple[SpecEstimate, list[SpecEstimate] | None, list[str]]:
    """One task: the spec's estimate, its null draws, and the series ids read so far in this run."""
    rec = _worker_loader(source, token) if isinstance(source, Settings) else source
    est = _run_one(fn, spec, rec)
    nulls = None
    if null is not None:
        nulls = _run_null(fn, spec, rec, null) if est.ok else [SpecEstimate.failed(est.error)] * null.n
    return est, nulls, sorted(rec.used)


# ----------------------------------------------------------------------------- progress
class _Progress:
    def __init__(self, name: str, total: int, callback: Callable[[str], None] | None, bar: bool) -> None:
        self.name, self.total, self.callback = name or "grid", total, callback
        self.done = 0
        self.hits = 0
        self._bar = None
        if bar and total:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.name, total=total)

    def advance(self, cached: bool = False) -> None:
        self.done += 1
        self.hits += int(cached)
        if self.callback:
            self.callback(f"{self.name}: {self.done}/{self.total} specs ({self.hits} cached)")
        if self._bar is not None:
            self._bar.advance(self._task)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


# ----------------------------------------------------------------------------- runners
def _serial(fn: EstimateFn, todo: Sequence[tuple[int, Spec]], loader: Any, null: NullDraws | None,
            bar: _Progress) -> Iterator[tuple[int, Any]]:
    for i, spec in todo:
        out = _execute(fn, spec, loader, "", null)
        bar.advance()
        yield i, out


def _joblib(fn: EstimateFn, todo: Sequence[tuple[int, Spec]], settings: Settings, null: NullDraws | None,
            n_jobs: int, bar: _Progress) -> Iterator[tuple[int, Any]]:
    from joblib import Parallel, delayed

    token = uuid.uuid4().hex
    outs = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_execute)(fn, spec, settings, token, null) for _, spec in todo)
    for (i, _), out in zip(todo, outs, strict=True):
        bar.advance()
        yield i, out


def _dask(fn: EstimateFn, todo: Sequence[tuple[int, Spec]], settings: Settings, null: NullDraws | None,
          scheduler: Any, bar: _Progress) -> Iterator[tuple[int, Any]]:
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise ImportError("--scheduler needs dask[distributed]: pip install -e '.[dask]'") from exc
    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        token = uuid.uuid4().hex
        futures = [client.submit(_execute, fn, spec, settings, token, null, pure=False) for _, spec in todo]
        for _ in as_completed(futures):
            bar.advance()
        results = client.gather(futures)
    finally:
        if own:
            client.close()
    yield from ((i, out) for (i, _), out in zip(todo, results, strict=True))


def _resolve_jobs(n_jobs: int) -> int:
    """joblib's convention: ``-1`` all cores, ``-2`` all but one, ..."""
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + int(n_jobs))
    return max(1, int(n_jobs))


def run_grid(fn: EstimateFn, grid: Grid, settings: Settings | None = None, *,
             loader: DataLoader | None = None, progress: Callable[[str], None] | None = None,
             n_jobs: int | None = None, scheduler: Any = None, cache_dir: str | Path | None = None,
             null_draws: int = 0, seed: int = 0, inputs: Sequence[str] | None = None, name: str = "",
             progress_bar: bool | None = None, **_future: Any) -> GridResult:
    """Run ``fn`` on every spec of ``grid``.

    Parameters
    ----------
    fn
        Module-level ``estimate(spec, loader) -> SpecEstimate``; optionally with the
        ``null`` keyword of the joint-test hook (module docstring).
    grid
        The specification grid.
    settings, loader
        Where data come from: the caller's loader (serial runs use it directly; parallel
        runs rebuild one from ``loader.settings``) or settings to build one.
    progress
        Called with a short message after each spec (default: the :func:`execution` one).
    n_jobs
        1 serial; ``k > 1`` joblib processes; ``-1`` all cores (default: context, else 1).
    scheduler
        Dask scheduler address or :class:`distributed.Client` (default: context, else none).
    cache_dir
        Cache folder; ``None`` uses the context's (default: no cache).
    null_draws
        Null data sets for the joint test (needs the ``null`` hook; capped by the context's
        ``max_null_draws``). 0 = none.
    seed
        Seed of the null draws.
    inputs
        Series ids ``fn`` reads, for the cache key; default: recorded on the first run.
    name
        Label in progress messages.
    progress_bar
        Show a rich progress bar (default: context).

    Returns
    -------
    GridResult
        Specs in grid order with their estimates (and null draws).
    """
    t0 = time.perf_counter()
    opts = current_options()
    n_jobs = opts.n_jobs if n_jobs is None else n_jobs
    scheduler = opts.scheduler if scheduler is None else scheduler
    cache_dir = opts.cache_dir if cache_dir is None else cache_dir
    progress = progress or opts.progress
    progress_bar = opts.progress_bar if progress_bar is None else progress_bar
    if opts.max_null_draws is not None:
        null_draws = min(int(null_draws), int(opts.max_null_draws))
    if loader is None:
        if settings is None:
            raise ValueError("run_grid needs a loader or settings")
        loader = DataLoader(settings)
    settings = loader.settings

    specs = list(grid)
    excluded = [(s.key, why) for s, why in grid.excluded()]
    null = NullDraws(int(null_draws), int(seed)) if null_draws and accepts_null(fn) else None
    if null_draws and null is None:
        raise TypeError(f"{getattr(fn, '__qualname__', fn)} has no `null` keyword: it cannot run null draws")

    cache = GridCache(cache_dir) if cache_dir is not None else None
    hasher = InputHasher(loader)
    fingerprint = function_fingerprint(fn) if cache is not None else ""
    extra = "" if null is None else f"null={null.n},seed={null.seed}"
    outputs: list[Any] = [None] * len(specs)
    cached = [False] * len(specs)
    bases: list[str] = [""] * len(specs)
    if cache is not None:
        for i, s in enumerate(specs):
            bases[i] = cache.base_key(s, fingerprint, extra)
            ids = list(inputs) if inputs is not None else cache.recorded_inputs(bases[i])
            if ids is None:
                continue
            try:
                hashes = hasher(ids)
            except Exception:  # an input that no longer loads: recompute (and report there)
                continue
            hit = cache.get(cache.full_key(bases[i], hashes))
            if hit is not None:
                outputs[i], cached[i] = hit, True

    todo = [(i, s) for i, s in enumerate(specs) if outputs[i] is None]
    bar = _Progress(name, len(specs), progress, bool(progress_bar))
    for _ in range(sum(cached)):
        bar.advance(cached=True)
    jobs = _resolve_jobs(n_jobs)
    if scheduler is not None and todo:
        runner, executor = _dask(fn, todo, settings, null, scheduler, bar), "dask"
    elif jobs > 1 and len(todo) > 1:
        runner, executor = _joblib(fn, todo, settings, null, jobs, bar), f"joblib({jobs})"
    else:
        runner, executor = _serial(fn, todo, RecordingLoader(loader), null, bar), "serial"
    used: set[str] = set()
    computed: list[int] = []
    try:
        for i, (est, nulls, seen) in runner:
            outputs[i] = (est, nulls)
            used.update(seen)
            if est.ok:
                computed.append(i)
    finally:
        bar.close()
    if cache is not None and computed:
        # key every new result by all the grid's inputs: robust to memoised reads inside studies
        for i in range(len(specs)):
            if cached[i]:
                used.update(cache.recorded_inputs(bases[i]) or [])
        ids = sorted(inputs) if inputs is not None else sorted(used)
        if ids:  # without known inputs a result cannot be keyed by content: not cached
            try:
                hashes = hasher(ids)
                for i in computed:
                    cache.put(bases[i], hashes, outputs[i])
            except Exception:  # caching is best effort
                pass

    estimates = [o[0] for o in outputs]
    res = GridResult(dimensions=list(grid.dimensions), specs=specs, estimates=estimates, excluded=excluded,
                     cached=cached, executor=executor if todo else "cache")
    if null is not None:
        shape = (null.n, len(specs))
        arr = {k: np.full(shape, np.nan) for k in ("estimate", "se", "pvalue")}
        for j, (_, nulls) in enumerate(outputs):
            for k, e in enumerate(nulls or []):
                if e.ok:
                    arr["estimate"][k, j], arr["se"][k, j], arr["pvalue"][k, j] = e.estimate, e.se, e.pvalue
        res.null_draws, res.null_seed = null.n, null.seed
        res.null_estimates, res.null_se, res.null_pvalues = arr["estimate"], arr["se"], arr["pvalue"]
    res.seconds = time.perf_counter() - t0
    return res
