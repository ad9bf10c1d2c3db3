"""The ``econ`` command: data, studies, claims and the paper.

typer builds typed subcommands from function signatures (plain click help, so a flag shows
as ``--synthetic``); rich gives the progress bars and tables. Every command takes
``--vault`` (repeatable, highest priority first; else ``ECON_VAULT``), ``--cache`` and
``--paper``; the public snapshot shipped with the package is always the last vault.

Exit codes: 0 success; 1 a study, a pull or the PDF build failed; 2 a user error (bad
option, bad data, missing vault). An unexpected error prints one line naming it; the
traceback only with ``--debug`` or ``ECON_DEBUG=1``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from typer.core import TyperGroup

from econ import __version__
from econ.config import Settings
from econ.data.errors import DataError

# One BLAS thread per process unless the user says otherwise: the studies multiply many small
# matrices, where OpenBLAS threads on two cores only contend (products 2x slower under load),
# and `--jobs N` already gives each core a process. None of the imports above loads numpy, so
# this is in place before BLAS starts (tests/test_cli.py checks both).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

console = Console()
err = Console(stderr=True)
_DEBUG = {"on": False}


def _debug() -> bool:
    return _DEBUG["on"] or os.environ.get("ECON_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}


class _Group(TyperGroup):
    """The root command: turns an uncaught exception into one line (traceback with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, click.exceptions.Exit, click.exceptions.Abort, click.ClickException,
                KeyboardInterrupt):
            raise
        except DataError as exc:
            if _debug():
                raise
            err.print(f"[red]error:[/red] {escape(_one_line(exc))}", soft_wrap=True)
            raise typer.Exit(2) from exc
        except Exception as exc:
            if _debug():
                raise
            where = ""
            tb = exc.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                where = f" (at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno})"
            err.print(f"[red]error:[/red] {type(exc).__name__}: {escape(_one_line(exc))}{escape(where)}. "
                      "Run with --debug (or ECON_DEBUG=1) for the traceback.", soft_wrap=True)
            raise typer.Exit(1) from exc


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split("\n")[0].split()) + (" (…)" if "\n" in text else "")


app = typer.Typer(cls=_Group, add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  help="Test claims about China A-share size style on real data and build the paper.")
data_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Inspect, pull and import data series.")
app.add_typer(data_app, name="data")


def _version(value: bool) -> None:
    if value:
        console.print(f"econ-sizestyle {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False,
          debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")] = False) -> None:
    """Test claims about China A-share size style on real data and build the paper."""
    _DEBUG["on"] = debug


VaultOpt = Annotated[list[Path] | None, typer.Option(
    "--vault", metavar="PATH", help="Vault folder; repeat for several, highest priority first (default: $ECON_VAULT, "
                    "then the public snapshot shipped with the package).")]
CacheOpt = Annotated[Path | None, typer.Option("--cache", help="Parquet cache (default: $ECON_CACHE or ~/.cache/econ-sizestyle).")]
PaperOpt = Annotated[Path | None, typer.Option("--paper", help="Paper folder (default: ./paper).")]
SynthOpt = Annotated[bool, typer.Option("--synthetic", help="Use SYNTHETIC data from a declared DGP (demo).")]
LiveOpt = Annotated[bool, typer.Option("--live", help="Let akshare/FRED fetch what the vaults lack (network).")]


def _settings(vault: list[Path] | Path | None, cache: Path | None, paper: Path | None, *, live: bool = False,
              synthetic: bool = False) -> Settings:
    return Settings.resolve(vault=vault or None, cache=cache, paper=paper, live=live or None, synthetic=synthetic)


def _loader(settings: Settings):
    from econ.data.loader import DataLoader

    try:
        return DataLoader(settings)
    except DataError as exc:
        err.print(f"[red]error:[/red] {escape(_one_line(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=err, transient=False, disable=not err.is_terminal)


def _roots_legend(loader) -> list[str]:
    s = loader.settings
    lines = []
    if (s.imports / "MANIFEST.csv").is_file():
        lines.append(f"import: {s.imports}")
    for k, root in enumerate(s.roots, start=1):
        lines.append(f"snapshot: {root} (public data shipped with the package)" if root == s.snapshot
                     else f"vault {k}: {root}")
    return lines or ["no vault (set --vault or ECON_VAULT; the shipped snapshot is off or missing)"]


@data_app.command("status")
def data_status(vault: VaultOpt = None, cache: CacheOpt = None, synthetic: SynthOpt = False,
                as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output (full sha256).")] = False) -> None:
    """Every series id: where it comes from, range, rows, sha256 — or why it is missing.

    Reads every source but never writes the cache.
    """
    loader = _loader(_settings(vault, cache, None, synthetic=synthetic))
    status = loader.status()
    if as_json:
        sys.stdout.write(status.to_json(orient="records", indent=1, force_ascii=False) + "\n")
        return
    served = status[status["provider"] != "-"]
    t = RichTable(box=None, pad_edge=False, padding=(0, 1), header_style="bold")
    t.add_column("id", overflow="fold", max_width=34)
    t.add_column("from", no_wrap=True)
    t.add_column("range", no_wrap=True)
    t.add_column("rows", justify="right", no_wrap=True)
    t.add_column("sha256", no_wrap=True)
    for r in served.itertuples(index=False):
        t.add_row(escape(r.id), r.origin, f"{r.first[:7]}..{r.last[:7]}", str(r.rows), str(r.sha256)[:8])
    console.print(t)
    missing = status[status["provider"] == "-"]
    for r in missing.itertuples(index=False):
        console.print(f"missing {r.id}: {escape(r.note.removeprefix('missing: '))}", overflow="fold")
    console.print(f"{len(served)} served, {len(missing)} missing. From (highest priority first):")
    for line in _roots_legend(loader):
        console.print(f"  {escape(line)}", overflow="fold")
    console.print("Full hashes, sources and notes: econ data status --json")


@data_app.command("pull")
def data_pull(ids: Annotated[list[str] | None, typer.Argument(help="Series ids (default: all).")] = None,
              vault: VaultOpt = None, cache: CacheOpt = None, live: LiveOpt = False,
              refresh: Annotated[bool, typer.Option("--refresh", help="Ignore the cache.")] = False) -> None:
    """Fetch series into the Parquet cache (vaults first, then live providers with --live).

    Exits 1 when no series could be pulled.
    """
    loader = _loader(_settings(vault, cache, None, live=live))
    ids = ids or loader.ids()
    failed = []
    with _progress() as prog:
        task = prog.add_task("pulling", total=len(ids))
        for sid in ids:
            prog.update(task, description=sid)
            try:
                loader.fetch(sid, refresh=refresh)
            except DataError as exc:
                failed.append((sid, _reason(exc)))
            prog.advance(task)
    console.print(f"pulled {len(ids) - len(failed)} of {len(ids)} into {loader.settings.cache}")
    for sid, msg in failed:
        console.print(f"  [yellow]missing[/yellow] {sid}: {escape(msg)}", overflow="fold")
    for e in loader.events:
        console.print(f"  [yellow]note[/yellow] {escape(e)}", overflow="fold")
    if ids and len(failed) == len(ids):
        err.print("[red]error:[/red] no series could be pulled (reasons above)")
        raise typer.Exit(1)


def _reason(exc: DataError) -> str:
    first = str(exc).splitlines()[0]
    return first.split("configured provider: ", 1)[-1].removesuffix(".")


@data_app.command("import")
def data_import(series_id: str,
                file: Annotated[Path | None, typer.Argument(help="CSV (UTF-8 or GBK) or .xlsx, as Wind/Choice write it.")] = None,
                date_column: Annotated[str | None, typer.Option(help="Date column (default: found by name, e.g. date/日期).")] = None,
                value_column: Annotated[str | None, typer.Option(help="Value column (default: the only one).")] = None,
                unit: Annotated[str, typer.Option(help="Unit of the values, e.g. 'percent', '点', '亿元' (default: the file's 单位 row, else the catalog's).")] = "",
                frequency: Annotated[str | None, typer.Option(help="For an id outside the catalog: daily/weekly/monthly/quarterly.")] = None,
                agg: Annotated[str | None, typer.Option(help="For an id outside the catalog: last/mean/sum/compound.")] = None,
                description: Annotated[str, typer.Option(help="For an id outside the catalog: what it is.")] = "",
                remove: Annotated[bool, typer.Option("--remove", help="Take an imported series out again.")] = False,
                cache: CacheOpt = None) -> None:
    """Bring a file you have in as a series (checked like a vault file; served before any vault)."""
    from econ.data.importer import import_file, remove_import

    settings = _settings(None, cache, None)
    if remove:
        gone = remove_import(settings, series_id)
        console.print(f"removed import {series_id}" if gone else f"{series_id} was not imported")
        return
    if file is None:
        err.print("[red]error:[/red] name the FILE to import (or --remove)")
        raise typer.Exit(2)
    try:
        meta = import_file(settings, series_id, file, date_column=date_column, value_column=value_column,
                           unit=unit, frequency=frequency, agg=agg, description=description)
    except DataError as exc:
        err.print(f"[red]error:[/red] {escape(_one_line(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc
    for note in meta["notices"]:
        console.print(f"  [yellow]notice[/yellow] {escape(note)}", overflow="fold")
    console.print(f"imported {series_id}: {meta['rows']} rows {meta['first']}..{meta['last']} "
                  f"sha256 {meta['source_sha256'][:12]} (served before any vault; undo: econ data import {series_id} --remove)")


_SPECS = re.compile(r"(\d+)/(\d+) specs")


class RunProgress:
    """Two bars for ``econ run``: studies done, and the running grid's specifications.

    A study reports one-line messages; a specification grid reports ``name: i/N specs (k
    cached)``, which moves the second bar, so the display moves during a long study too.
    """

    def __init__(self, prog: Progress, n_studies: int) -> None:
        self.prog = prog
        self.studies = prog.add_task("studies", total=n_studies)
        self.specs = prog.add_task("", total=None, visible=False)
        self.name = ""

    def start(self, name: str) -> None:
        self.name = name
        self.prog.update(self.studies, description=name)

    def message(self, msg: str) -> None:
        m = _SPECS.search(msg)
        if m:
            self.prog.update(self.specs, completed=int(m.group(1)), total=int(m.group(2)), visible=True,
                             description=f"  {msg.split(':')[0]}")
        else:
            self.prog.update(self.studies, description=f"{self.name}: {msg}")
            self.prog.update(self.specs, visible=False)

    def done(self) -> None:
        self.prog.advance(self.studies)
        self.prog.update(self.specs, visible=False)


@app.command("run")
def run(studies: Annotated[list[str] | None, typer.Argument(help="Study module names or claim ids (e.g. A1), or 'all'.")] = None,
        vault: VaultOpt = None, cache: CacheOpt = None, paper: PaperOpt = None, synthetic: SynthOpt = False,
        live: LiveOpt = False,
        jobs: Annotated[int, typer.Option("--jobs", "-j", help="Run studies (or one study's specification grids) on N processes (-1: all cores).")] = 1,
        scheduler: Annotated[str | None, typer.Option("--scheduler", help="Run specification grids on a Dask cluster (scheduler address, e.g. tcp://host:8786).")] = None) -> None:
    """Run studies; write their tables, figures and verdicts into the paper folder."""
    from econ import ledger

    settings = _settings(vault, cache, paper, live=live, synthetic=synthetic)
    request = studies or ["all"]
    unchanged = ledger.unchanged(settings, request)
    if unchanged is not None:  # nothing changed since the last run of this request: its outputs stand
        for name in unchanged.studies:
            console.print(f"[green]{name}[/green] (unchanged)")
        _print_verdicts(settings, set(unchanged.claims))
        console.print(f"outputs in {settings.paper}")
        return
    from econ.robust.executor import _resolve_jobs
    from econ.runner import RunReport, run_studies
    from econ.studyindex import lazy_resolve, study_modules

    if _resolve_jobs(jobs) > 1 and scheduler is None and (len(request) > 1 or "all" in {r.lower() for r in request}):
        from econ.runner import start_worker_server

        start_worker_server(study_modules())  # imports the studies there while this process does here
    try:  # studies whose code is unchanged since the last run are not imported (see econ.studyindex)
        chosen = lazy_resolve(request, settings.cache / "studies" / "modules")
    except KeyError as exc:
        err.print(f"[red]error:[/red] {exc.args[0]}")
        raise typer.Exit(2) from exc
    from econ.runner import default_registry
    from econ.verdict import RegistryError

    try:
        registry = default_registry()
        for s in chosen:
            registry.check_study(s.name, s.claims, s.parts)
    except RegistryError as exc:
        err.print(f"[red]claims registry error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if not settings.roots and not settings.synthetic and not settings.live:
        if not any(settings.cache.glob("*.parquet")):
            err.print("[red]error:[/red] no data: no vault named (--vault or ECON_VAULT), the public snapshot "
                      "is off (ECON_SNAPSHOT=0) or missing (reinstall the package), the cache is empty and "
                      "--live is off; or run the demo with --synthetic", soft_wrap=True)
            raise typer.Exit(2)
        err.print("[yellow]no vault configured[/yellow] (--vault or ECON_VAULT): only cached series can be used")
    loader = _loader(settings)
    report = RunReport()
    with _progress() as prog:
        bars = RunProgress(prog, len(chosen))
        report = run_studies(chosen, settings, progress=bars.message, loader=loader, jobs=jobs, scheduler=scheduler,
                             on_study=lambda _name: bars.done(), registry=registry)
    for name, res in report.results.items():
        console.print(f"[green]{name}[/green] ({report.seconds[name]:.1f}s" + (", cached" if name in report.cached else "")
                      + ")" + (" [red]SYNTHETIC[/red]" if res.synthetic else ""))
    for msg in report.notices:
        console.print(f"[yellow]note[/yellow] {escape(msg)}")
    for name, msg in report.errors.items():
        console.print(f"[red]{name} failed[/red]: {escape(msg)}")
    if report.results:
        _print_verdicts(settings, {c for s in chosen for c in s.claims})
    console.print(f"outputs in {settings.paper}")
    if report.errors:
        raise typer.Exit(1)
    ledger.record(settings, request, chosen, report.inputs)


def _print_verdicts(settings: Settings, ran: set[str]) -> None:
    claims_path = settings.paper / "results" / "claims.json"
    if claims_path.is_file():
        for rec in json.loads(claims_path.read_text(encoding="utf-8")):
            if rec["claim"] in ran:
                console.print(f"  {rec['claim']}: [bold]{rec['verdict']}[/bold] — {escape(rec['reason'])}")


@app.command("claims")
def claims(paper: PaperOpt = None,
           as_json: Annotated[bool, typer.Option("--json", help="Strict JSON: every claim with its verdict and parts.")] = False) -> None:
    """The verdict of every claim id (and its parts) from the last run."""
    settings = _settings(None, None, paper)
    path = settings.paper / "results" / "claims.json"
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        err.print(f"[red]error:[/red] no readable verdict table at {path}; run `econ run all` first")
        raise typer.Exit(1) from exc
    if as_json:
        sys.stdout.write(json.dumps(records, indent=1, ensure_ascii=False, allow_nan=False) + "\n")
        return
    t = RichTable(title="claims (verdicts from econ.verdict; p: the part's own; RW: grid-adjusted; Holm/BH: across parts)")
    for c in ("claim", "part", "estimate", "p; RW; Holm; BH", "outcome / verdict"):
        t.add_column(c, overflow="fold")
    for rec in records:
        t.add_row(rec["claim"], rec["statement"], "", "",
                  f"[bold]{rec['verdict']}[/bold]" + (" (SYNTHETIC)" if rec.get("synthetic") else ""))
        for p in rec["parts"]:
            est = "" if p["estimate"] is None else f"{p['estimate']:.4g}"
            if p.get("date"):
                est = p["date"]
            ps = "; ".join("" if p[k] is None else f"{p[k]:.3g}" for k in ("pvalue", "pvalue_adjusted", "pvalue_holm",
                                                                          "pvalue_bh"))
            t.add_row("", f"  {p['name']} ({p['kind']})", est, ps.strip("; "), f"{p['outcome']}: {p['reason']}")
    console.print(t)


@app.command("paper")
def paper_cmd(vault: VaultOpt = None, cache: CacheOpt = None, paper: PaperOpt = None, synthetic: SynthOpt = False,
              no_run: Annotated[bool, typer.Option("--no-run", help="Only compile; do not rerun studies.")] = False,
              jobs: Annotated[int, typer.Option("--jobs", "-j", help="Run the studies on N processes (default -1: all cores; the outputs are the same bytes for any N).")] = -1) -> None:
    """Regenerate every table and figure, then compile the PDF with latexmk."""
    settings = _settings(vault, cache, paper, synthetic=synthetic)
    if not no_run:
        run(None, vault=vault, cache=cache, paper=settings.paper, synthetic=synthetic, jobs=jobs)
    main = settings.paper / "main.tex"
    if not main.is_file():
        err.print(f"[red]error:[/red] {main} not found")
        raise typer.Exit(2)
    if shutil.which("latexmk") is None:
        err.print("latexmk not found: tables and figures are written, the PDF is not built.\n"
                  "Install TeX (Debian/Ubuntu: sudo apt-get install texlive-latex-extra texlive-science latexmk; "
                  "macOS: MacTeX), then run `econ paper --no-run`.")
        raise typer.Exit(0)
    cmd = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "main.tex"]
    proc = subprocess.run(cmd, cwd=settings.paper, capture_output=True, text=True)
    if proc.returncode != 0:
        err.print(proc.stdout[-3000:])
        err.print("[red]latexmk failed[/red]; see paper/main.log")
        raise typer.Exit(1)
    console.print(f"built {settings.paper / 'main.pdf'}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
