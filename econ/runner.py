"""Run studies and publish what they found into the paper folder.

For each study: run it; only if it succeeds, write (atomically, file by file) its result
JSON to ``<paper>/results/``, its tables to ``<paper>/tables/`` and its figures to
``<paper>/figures/``. Then rebuild, from every result JSON present, the claims table
(``tables/claims.tex`` + ``results/claims.json``), the number macros (``tables/numbers.tex``)
and the run manifest (``results/manifest.json``). A failing study leaves the previous files
of every study in place.
"""

from __future__ import annotations

import dataclasses
import json
import platform
import subprocess
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from econ import __version__
from econ.config import Settings
from econ.data.loader import DataLoader
from econ.io import atomic_write_text
from econ.report import figures as figs
from econ.report.claims import claims_frame, claims_json, render_claims_table
from econ.report.latex import render_table
from econ.report.macros import render_macros
from econ.study import Study, StudyResult

LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "arch", "linearmodels", "matplotlib", "pyarrow")


@dataclasses.dataclass
class RunReport:
    """What a run did: per study the wall time and written files, or the error."""

    results: dict[str, StudyResult] = dataclasses.field(default_factory=dict)
    errors: dict[str, str] = dataclasses.field(default_factory=dict)
    seconds: dict[str, float] = dataclasses.field(default_factory=dict)
    written: list[Path] = dataclasses.field(default_factory=list)


def publish(result: StudyResult, paper: Path, *, png: bool = True) -> list[Path]:
    """Write one study's result JSON, tables and figures (each file atomically)."""
    written = []
    for t in result.tables:
        path = paper / "tables" / f"{t.name}.tex"
        atomic_write_text(path, render_table(t, synthetic=result.synthetic))
        written.append(path)
    for f in result.figures:
        written += figs.save(f, paper / "figures", synthetic=result.synthetic, png=png)
    path = paper / "results" / f"{result.study}.json"
    atomic_write_text(path, result.to_json())
    written.append(path)
    return written


def load_results(paper: Path) -> list[dict[str, Any]]:
    """Every study result JSON in ``<paper>/results`` (sorted by study name)."""
    folder = paper / "results"
    out = []
    for p in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        if p.name in ("claims.json", "manifest.json"):
            continue
        out.append(json.loads(p.read_text(encoding="utf-8")))
    return out


def rebuild_summaries(paper: Path) -> list[Path]:
    """Claims table and number macros from all result JSONs present."""
    results = load_results(paper)
    frame = claims_frame(results)
    numbers: dict[str, Any] = {}
    for r in results:
        numbers.update(r.get("numbers", {}))
    paths = [paper / "tables" / "claims.tex", paper / "results" / "claims.json", paper / "tables" / "numbers.tex"]
    atomic_write_text(paths[0], render_claims_table(frame) if len(frame) else "% no study results yet\n")
    atomic_write_text(paths[1], claims_json(frame) if len(frame) else "[]\n")
    atomic_write_text(paths[2], render_macros(numbers))
    return paths


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def write_manifest(paper: Path, loader: DataLoader, report: RunReport) -> Path:
    """Run manifest: versions, commit, inputs with sha256, wall times (merged with earlier runs)."""
    path = paper / "results" / "manifest.json"
    old = json.loads(path.read_text()) if path.is_file() else {}
    studies = dict(old.get("studies", {}))
    inputs = dict(old.get("inputs", {}))
    for name, res in report.results.items():
        studies[name] = {"seconds": round(report.seconds[name], 2), "synthetic": res.synthetic,
                         "claims": [v.claim for v in res.claims], "inputs": res.data_ids}
        for sid in res.data_ids:
            f = loader.fetch(sid)
            prov = loader.store.provenance(sid) or {}
            inputs[sid] = {"provider": f.provider, "source": f.source, "source_sha256": f.source_sha256,
                           "cache_sha256": prov.get("sha256"), "rows": int(len(f.series)),
                           "first": f.series.index.min().strftime("%Y-%m-%d"),
                           "last": f.series.index.max().strftime("%Y-%m-%d"), "unit": f.unit}
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    manifest = {
        "package": {"name": "econ-sizestyle", "version": __version__, "git_commit": _git_commit()},
        "python": platform.python_version(), "platform": platform.platform(), "libraries": versions,
        "vault": str(loader.settings.vault) if loader.settings.vault else None,
        "synthetic": loader.settings.synthetic, "seeds": {"default": 0, "synthetic_world": 20240205},
        "studies": dict(sorted(studies.items())), "inputs": dict(sorted(inputs.items())),
    }
    atomic_write_text(path, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return path


def run_studies(studies: list[Study], settings: Settings, *,
                progress: Callable[[str], None] | None = None, png: bool = True,
                loader: DataLoader | None = None) -> RunReport:
    """Run ``studies`` and publish their outputs into ``settings.paper``."""
    loader = loader or DataLoader(settings)
    report = RunReport()
    for study in studies:
        t0 = time.perf_counter()
        try:
            result = study.run(loader, progress=progress)
        except Exception as exc:  # one failing study must not stop the others
            report.errors[study.name] = f"{type(exc).__name__}: {exc}"
            continue
        report.seconds[study.name] = time.perf_counter() - t0
        report.results[study.name] = result
        report.written += publish(result, settings.paper, png=png)
    if report.results:
        report.written += rebuild_summaries(settings.paper)
        report.written.append(write_manifest(settings.paper, loader, report))
    return report
