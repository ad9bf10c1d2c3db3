"""The ``econ`` command: data, studies, claims and the paper.

typer builds typed subcommands from function signatures; rich gives the progress bars and
tables. Every command takes ``--vault`` (else ``ECON_VAULT``), ``--cache`` and ``--paper``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from econ.config import Settings
from econ.data.errors import DataError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Test claims about China A-share size style on real data and build the paper.")
data_app = typer.Typer(no_args_is_help=True, help="Inspect, pull and import data series.")
app.add_typer(data_app, name="data")
console = Console()
err = Console(stderr=True)

VaultOpt = Annotated[Path | None, typer.Option("--vault", help="Vault folder (default: $ECON_VAULT).")]
CacheOpt = Annotated[Path | None, typer.Option("--cache", help="Parquet cache (default: $ECON_CACHE or ~/.cache/econ-sizestyle).")]
PaperOpt = Annotated[Path | None, typer.Option("--paper", help="Paper folder (default: ./paper).")]
SynthOpt = Annotated[bool, typer.Option("--synthetic", help="Use SYNTHETIC data from a declared DGP (demo).")]
LiveOpt = Annotated[bool, typer.Option("--live", help="Let akshare/FRED fetch what the vault lacks (network).")]


def _settings(vault: Path | None, cache: Path | None, paper: Path | None, *, live: bool = False,
              synthetic: bool = False) -> Settings:
    return Settings.resolve(vault=vault, cache=cache, paper=paper, live=live or None, synthetic=synthetic)


def _loader(settings: Settings):
    from econ.data.loader import DataLoader

    try:
        return DataLoader(settings)
    except DataError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=err, transient=False, disable=not err.is_terminal)


@data_app.command("status")
def data_status(vault: VaultOpt = None, cache: CacheOpt = None, synthetic: SynthOpt = False,
                as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Every catalog id: provider, range, rows, hash — or why it is missing."""
    loader = _loader(_settings(vault, cache, None, synthetic=synthetic))
    status = loader.status()
    if as_json:
        sys.stdout.write(status.to_json(orient="records", indent=1) + "\n")
        return
    t = RichTable(title=f"series ({len(status)}; vault: {loader.settings.vault or 'none'})")
    for c in ("id", "unit", "freq", "provider", "first", "last", "rows", "sha256", "note"):
        t.add_column(c, overflow="fold")
    for r in status.itertuples(index=False):
        t.add_row(*(str(getattr(r, c)) for c in ("id", "unit", "freq", "provider", "first", "last", "rows", "sha256", "note")))
    console.print(t)
    missing = int((status["provider"] == "-").sum())
    console.print(f"{len(status) - missing} served, {missing} missing")


@data_app.command("pull")
def data_pull(ids: Annotated[list[str] | None, typer.Argument(help="Series ids (default: all).")] = None,
              vault: VaultOpt = None, cache: CacheOpt = None, live: LiveOpt = False,
              refresh: Annotated[bool, typer.Option("--refresh", help="Ignore the cache.")] = False) -> None:
    """Fetch series into the Parquet cache (vault first, then live providers with --live)."""
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
                failed.append((sid, str(exc).splitlines()[0]))
            prog.advance(task)
    console.print(f"pulled {len(ids) - len(failed)} of {len(ids)} into {loader.settings.cache}")
    for sid, msg in failed:
        console.print(f"  [yellow]missing[/yellow] {sid}: {msg}")
    for e in loader.events:
        console.print(f"  [yellow]note[/yellow] {e}")


@data_app.command("import")
def data_import(series_id: str, file: Path,
                date_column: Annotated[str, typer.Option(help="Date column.")] = "date",
                value_column: Annotated[str, typer.Option(help="Value column.")] = "value",
                unit: Annotated[str, typer.Option(help="Unit of the values (must match the catalog).")] = "",
                cache: CacheOpt = None) -> None:
    """Put a CSV you have into the cache as a catalog series (checked like a vault file)."""
    from econ.data.importer import import_csv

    settings = _settings(None, cache, None)
    try:
        meta = import_csv(settings, series_id, file, date_column=date_column, value_column=value_column, unit=unit)
    except DataError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    console.print(f"imported {series_id}: {meta['rows']} rows {meta['first']}..{meta['last']} sha256 {meta['sha256'][:12]}")


@app.command("run")
def run(studies: Annotated[list[str] | None, typer.Argument(help="Study module names or claim ids (e.g. A1), or 'all'.")] = None,
        vault: VaultOpt = None, cache: CacheOpt = None, paper: PaperOpt = None, synthetic: SynthOpt = False,
        live: LiveOpt = False,
        jobs: Annotated[int, typer.Option("--jobs", "-j", help="Run studies (or one study's specification grids) on N processes (-1: all cores).")] = 1,
        scheduler: Annotated[str | None, typer.Option("--scheduler", help="Run specification grids on a Dask cluster (scheduler address, e.g. tcp://host:8786).")] = None) -> None:
    """Run studies; write their tables, figures and verdicts into the paper folder."""
    from econ.runner import run_studies
    from studies import resolve

    try:
        chosen = resolve(studies or ["all"])
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
    settings = _settings(vault, cache, paper, live=live, synthetic=synthetic)
    if settings.vault is None and not settings.synthetic and not settings.live:
        err.print("[yellow]no vault configured[/yellow] (--vault or ECON_VAULT): only cached series can be used")
    loader = _loader(settings)
    with _progress() as prog:
        task = prog.add_task("studies", total=len(chosen))

        def step(msg: str) -> None:
            prog.update(task, description=msg)

        report = run_studies(chosen, settings, progress=step, loader=loader, jobs=jobs, scheduler=scheduler,
                             on_study=lambda _name: prog.advance(task), registry=registry)
    for name, res in report.results.items():
        console.print(f"[green]{name}[/green] ({report.seconds[name]:.1f}s" + (", cached" if name in report.cached else "")
                      + ")" + (" [red]SYNTHETIC[/red]" if res.synthetic else ""))
    for msg in report.notices:
        console.print(f"[yellow]note[/yellow] {msg}")
    for name, msg in report.errors.items():
        console.print(f"[red]{name} failed[/red]: {msg}")
    claims_path = settings.paper / "results" / "claims.json"
    if report.results and claims_path.is_file():
        ran = {c for s in chosen for c in s.claims}
        for rec in json.loads(claims_path.read_text(encoding="utf-8")):
            if rec["claim"] in ran:
                console.print(f"  {rec['claim']}: [bold]{rec['verdict']}[/bold] — {rec['reason']}")
    console.print(f"outputs in {settings.paper}")
    if report.errors:
        raise typer.Exit(1)


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
              no_run: Annotated[bool, typer.Option("--no-run", help="Only compile; do not rerun studies.")] = False) -> None:
    """Regenerate every table and figure, then compile the PDF with latexmk."""
    settings = _settings(vault, cache, paper, synthetic=synthetic)
    if not no_run:
        run(None, vault=vault, cache=cache, paper=settings.paper, synthetic=synthetic)
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
