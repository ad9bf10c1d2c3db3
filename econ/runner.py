"""Run studies and publish what they found into the paper folder.

For each study: run it; only if it succeeds, write (atomically, file by file) its result
JSON to ``<paper>/results/``, its tables to ``<paper>/tables/`` and its figures to
``<paper>/figures/``. Then rebuild, from every result JSON present, the claims table
(``tables/claims.tex`` + ``results/claims.json``, with p-values adjusted across claims), the
number macros (``tables/numbers.tex``) and the run manifest (``results/manifest.json``). A
failing study leaves the previous files of every study in place.

Specification grids: for every :class:`~econ.study.GridRun` a study returns, :func:`publish`
draws its specification curve into ``figures/<study>_<grid>_curve.pdf`` and writes the curve's
data and summary to ``results/curves/<study>_<grid>.json``. :func:`rebuild_summaries` turns
every curve JSON present into ``tables/spec_curves.tex`` (one summary row per grid),
``tables/spec_curve_figures.tex`` (one figure float per grid, for the paper to ``\\input``) and
``\\res{curve_<study>_<grid>_<statistic>}`` number macros.

Execution: ``run_studies(..., jobs=, scheduler=)`` runs every study inside
:func:`econ.robust.execution`, so each ``run_grid`` call in a study runs its specs with joblib
or on a Dask cluster and caches them under ``<cache>/grid`` (unchanged specs are not
recomputed).
"""

from __future__ import annotations

import dataclasses
import json
import math
import platform
import subprocess
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from econ import __version__
from econ.config import Settings
from econ.data.loader import DataLoader
from econ.io import atomic_write_text
from econ.report import figures as figs
from econ.report.appendix import render_data_appendix, render_manifest_appendix
from econ.report.claims import claim_sort_key, claims_frame, claims_json, render_claims_table
from econ.report.latex import escape, render_table
from econ.report.macros import render_macros
from econ.robust.curve import spec_curve
from econ.robust.executor import execution
from econ.study import Study, StudyResult, Table

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
    written += publish_curves(result, paper, png=png)
    path = paper / "results" / f"{result.study}.json"
    atomic_write_text(path, result.to_json())
    written.append(path)
    return written


def _plain(obj: Any) -> Any:
    """JSON-safe, stable values: floats rounded to 10 digits, NaN -> None, dates as text."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else round(f, 10)
    if isinstance(obj, pd.Timestamp):
        return obj.strftime("%Y-%m-%d")
    if obj is pd.NaT:
        return None
    return obj


def publish_curves(result: StudyResult, paper: Path, *, png: bool = True) -> list[Path]:
    """Draw each grid's specification curve and write its data to ``results/curves``.

    Curve files of this study whose grid it no longer returns are removed.
    """
    folder = paper / "results" / "curves"
    written, keep = [], set()
    for gr in result.grids:
        stem = f"{result.study}_{gr.name}"
        curve = spec_curve(gr.result, sign_claimed=gr.sign_claimed, headline=gr.headline, name=gr.name,
                           claim=gr.claim, label=gr.label)
        fig = curve.figure(name=f"{stem}_curve",
                           title=f"{gr.claim}: specification curve ({curve.n_specs} specifications)")
        written += figs.save(fig, paper / "figures", synthetic=result.synthetic, png=png)
        payload = {"study": result.study, "grid": gr.name, "claim": gr.claim, "label": gr.label,
                   "synthetic": result.synthetic, "figure": f"figures/{stem}_curve.pdf", **curve.to_dict()}
        path = folder / f"{stem}.json"
        atomic_write_text(path, json.dumps(_plain(payload), indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        written.append(path)
        keep.add(path.name)
    for old in sorted(folder.glob(f"{result.study}_*.json")) if folder.is_dir() else []:
        if old.name in keep:
            continue
        try:
            if json.loads(old.read_text(encoding="utf-8")).get("study") == result.study:
                old.unlink()
        except (OSError, ValueError):
            continue
    return written


def load_curves(paper: Path) -> list[dict[str, Any]]:
    """Every curve JSON in ``<paper>/results/curves`` (sorted by file name)."""
    folder = paper / "results" / "curves"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []


#: Curve statistics exported as ``\res{curve_<study>_<grid>_<stat>}``.
CURVE_NUMBERS = ("n_specs", "n_excluded", "share_claimed_sign", "share_significant", "share_significant_claimed",
                 "share_matched", "median_estimate", "min_estimate", "max_estimate", "headline_rank",
                 "headline_p_rw", "null_draws", "joint_p_median", "joint_p_share", "joint_p_stouffer")


def curve_numbers(curves: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in curves:
        s = c["summary"]
        for k in CURVE_NUMBERS:
            v = s.get(k)
            if v is None:
                continue
            key = f"curve_{c['study']}_{c['grid']}_{k}"
            out[key] = int(v) if k in ("n_specs", "n_excluded", "headline_rank", "null_draws") else float(v)
    return out


def _curve_order(c: dict[str, Any]) -> tuple:
    return (claim_sort_key(c["claim"]), c["study"], c["grid"])


def curve_summary_table(curves: list[dict[str, Any]]) -> Table:
    """One row per grid: size, shares, median, the headline's Romano–Wolf p and the joint-test p-values."""
    rows = []
    for c in sorted(curves, key=_curve_order):
        s = c["summary"]

        def pct(key: str, s: dict = s) -> float:
            return math.nan if s.get(key) is None else 100 * s[key]

        joint = [s.get(k) for k in ("joint_p_median", "joint_p_share", "joint_p_stouffer")]
        rows.append({"Claim": c["claim"], "Grid": c["grid"], "Specs": s["n_specs"],
                     "Sign (%)": pct("share_claimed_sign"), "Sig. (%)": pct("share_significant"),
                     "Sig. + sign (%)": pct("share_significant_claimed"), "Match (%)": pct("share_matched"),
                     "Median": math.nan if s.get("median_estimate") is None else s["median_estimate"],
                     "Headline p (RW)": math.nan if s.get("headline_p_rw") is None else s["headline_p_rw"],
                     "Joint p (median / share / Z)": "--" if any(v is None for v in joint)
                     else " / ".join(f"{v:.3f}" for v in joint)})
    frame = pd.DataFrame(rows).set_index(["Claim", "Grid"])
    return Table(name="spec_curves", caption="Specification curves: every grid of every claim", frame=frame,
                 notes=["One row per specification grid (each has its curve among the figures). Specs: valid "
                        "specifications (after the grid's exclusion rules). Sign: share whose estimate has the "
                        "sign the article claims; Sig.: share with p < 0.05; Sig. + sign: both; Match: for "
                        "descriptive claims, share within the article's tolerance. Median: median estimate (units "
                        "in each curve's caption). Headline p (RW): Romano–Wolf stepdown p-value of the headline "
                        "specification over its grid. Joint p: Simonsohn–Simmons–Nelson tests of the whole curve "
                        "against null draws in which the claim is false by construction (median estimate, share "
                        "significant with the claimed sign, Stouffer's Z). --: no p-values, no claimed sign, or "
                        "no null hook in the study."],
                 digits={"Specs": 0, "Sign (%)": 0, "Sig. (%)": 0, "Sig. + sign (%)": 0, "Match (%)": 0,
                         "Median": 3, "Headline p (RW)": 3})


def render_curve_figures(curves: list[dict[str, Any]]) -> str:
    r"""LaTeX figure floats, one per curve (``\label{fig:curve_<study>_<grid>}``)."""
    lines = ["% Generated by econ.runner -- do not edit; rerun `econ run` to regenerate."]
    for c in sorted(curves, key=_curve_order):
        s = c["summary"]
        sign = {1: "positive", -1: "negative"}.get(int(s.get("sign_claimed") or 0))
        what = escape(c.get("label") or "estimate")
        colours = ("Blue: significant with the claimed sign; red: significant against it; grey: not significant. "
                   if sign else "")
        extra = "" if sign else "Band: the article's number with the study's tolerance, where it has one. "
        lines += [
            r"\begin{figure}[htbp]",
            r"\centering",
            rf"\includegraphics[width=\linewidth]{{{c['figure']}}}",
            rf"\caption{{Specification curve of claim {escape(c['claim'])} ({escape(c['study'])}, grid "
            rf"{escape(c['grid'])}): {s['n_specs']} specifications sorted by the estimate ({what})"
            + (f", claimed sign {sign}" if sign else "") + r", with 95\% intervals where the estimate has one; "
            rf"the panel below marks each specification's choices. {colours}{extra}Diamond: the headline "
            r"specification.}",
            rf"\label{{fig:curve_{c['study']}_{c['grid']}}}",
            r"\end{figure}",
        ]
        if c.get("synthetic"):
            lines.insert(-1, r"% SYNTHETIC DATA")
    return "\n".join(lines) + "\n"


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
    frame = claims_frame(results)  # with Holm / BH p-values adjusted across the claims
    numbers: dict[str, Any] = {}
    for r in results:
        numbers.update(r.get("numbers", {}))
    curves = load_curves(paper)
    numbers.update(curve_numbers(curves))
    paths = [paper / "tables" / "claims.tex", paper / "results" / "claims.json", paper / "tables" / "numbers.tex",
             paper / "tables" / "spec_curves.tex", paper / "tables" / "spec_curve_figures.tex"]
    atomic_write_text(paths[0], render_claims_table(frame) if len(frame) else "% no study results yet\n")
    atomic_write_text(paths[1], claims_json(frame) if len(frame) else "[]\n")
    atomic_write_text(paths[2], render_macros(numbers, synthetic=any(r.get("synthetic") for r in results)))
    synthetic = any(c.get("synthetic") for c in curves)
    atomic_write_text(paths[3], render_table(curve_summary_table(curves), synthetic=synthetic)
                      if curves else "% no specification grids yet\n")
    atomic_write_text(paths[4], render_curve_figures(curves))
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
    # appendices: the data appendix is a pure function of the inputs; the manifest appendix
    # records this run (commit, times) and so differs between runs by design
    atomic_write_text(paper / "tables" / "data_appendix.tex",
                      render_data_appendix(manifest["inputs"], loader.catalog))
    atomic_write_text(paper / "tables" / "manifest.tex", render_manifest_appendix(manifest))
    return path


def run_studies(studies: list[Study], settings: Settings, *,
                progress: Callable[[str], None] | None = None, png: bool = True,
                loader: DataLoader | None = None, jobs: int = 1, scheduler: str | None = None,
                cache_grids: bool = True) -> RunReport:
    """Run ``studies`` and publish their outputs into ``settings.paper``.

    Parameters
    ----------
    jobs, scheduler
        Execution of the studies' specification grids: joblib processes (``-1`` all cores)
        or a Dask scheduler address (see :func:`econ.robust.run_grid`).
    cache_grids
        Cache spec results under ``<settings.cache>/grid`` (by content).
    """
    loader = loader or DataLoader(settings)
    report = RunReport()
    cache_dir = Path(settings.cache) / "grid" if cache_grids else None
    for study in studies:
        t0 = time.perf_counter()
        try:
            with execution(n_jobs=jobs, scheduler=scheduler, cache_dir=cache_dir, progress=progress):
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
