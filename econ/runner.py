"""Run studies and publish what they found into the paper folder.

For each study: compute it, or read it from the study cache when its code and inputs are
unchanged (:mod:`econ.studycache`); then publish its tables, figures, curve data and result
JSON *together*, through a staging folder and one journalled switch (:mod:`econ.publication`),
or nothing. The index of published studies (``results/index.json``, with the vault and input
hashes each study was computed from) is the source of everything built across studies: the
claims table (``tables/claims.tex`` + ``results/claims.json``, with p-values adjusted across
claims), the number macros (``tables/numbers.tex``), the curve summaries, the data appendix
and the run manifest (``results/manifest.json``). A failing study leaves its previous outputs
in place; a run first finishes or cleans up whatever an interrupted run left.

Specification grids: for every :class:`~econ.study.GridRun` a study returns, :func:`publish`
draws its specification curve into ``figures/<study>_<grid>_curve.pdf`` and writes the curve's
data and summary to ``results/curves/<study>_<grid>.json``. :func:`rebuild_summaries` turns
every published curve into ``tables/spec_curves.tex`` (one summary row per grid),
``tables/spec_curve_figures.tex`` (one figure float per grid, for the paper to ``\\input``) and
``\\res{curve_<study>_<grid>_<statistic>}`` number macros.

Execution: ``run_studies(..., jobs=, scheduler=)`` runs several studies on ``jobs`` processes
(costliest first), or one study's ``run_grid`` calls with joblib or on a Dask cluster; specs are
cached under ``<cache>/grid`` (unchanged specs are not recomputed).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import importlib
import json
import math
import multiprocessing
import platform
import subprocess
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from econ import __version__
from econ.config import Settings
from econ.data.loader import DataLoader
from econ.publication import (
    PublishError,
    PublishWarning,
    commit,
    file_sha256,
    read_index,
    recover,
    stage,
)
from econ.report.appendix import render_data_appendix, render_manifest_appendix
from econ.report.claims import claims_json, render_claims_table, render_conclusion
from econ.report.latex import escape, render_table
from econ.report.macros import render_macros
from econ.robust.cache import series_sha256
from econ.robust.executor import RecordingLoader, _resolve_jobs, execution
from econ.study import Study, StudyResult, Table
from econ.studycache import StudyCache, code_digest, study_identity
from econ.verdict import ClaimVerdict, Registry, RegistryError, Verdict, claim_sort_key, judge_all

LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "arch", "linearmodels", "matplotlib", "pyarrow")


@dataclasses.dataclass
class RunReport:
    """What a run did: per study the wall time and written files, or the error."""

    results: dict[str, StudyResult] = dataclasses.field(default_factory=dict)
    errors: dict[str, str] = dataclasses.field(default_factory=dict)
    seconds: dict[str, float] = dataclasses.field(default_factory=dict)
    written: list[Path] = dataclasses.field(default_factory=list)
    registry_sha256: str = ""
    cached: set[str] = dataclasses.field(default_factory=set)  # studies read from the study cache
    notices: list[str] = dataclasses.field(default_factory=list)  # repairs of the paper folder etc.
    inputs: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)  # study -> input fingerprints


def render_outputs(result: StudyResult, *, png: bool = True) -> dict[str, bytes]:
    """Every drawn output of ``result`` by its path in the paper folder: its figures, and per
    grid the specification curve's figure and data (``results/curves/<study>_<grid>.json``).

    Drawing is most of a publication's cost; a study worker calls this so that figures are
    drawn in parallel and :func:`publish` only writes bytes. Same bytes wherever it runs.
    """
    from econ.report import figures as figs  # matplotlib: only when something is drawn
    from econ.robust.curve import spec_curve

    out: dict[str, bytes] = {}
    for f in result.figures:
        out.update({f"figures/{name}": data
                    for name, data in figs.render(f, synthetic=result.synthetic, png=png).items()})
    for gr in result.grids:
        stem = f"{result.study}_{gr.name}"
        curve = spec_curve(gr.result, sign_claimed=gr.sign_claimed, headline=gr.headline, name=gr.name,
                           claim=gr.claim, label=gr.label, one_sided=gr.one_sided)
        fig = curve.figure(name=f"{stem}_curve",
                           title=f"{gr.claim}: specification curve ({curve.n_specs} specifications)")
        out.update({f"figures/{name}": data
                    for name, data in figs.render(fig, synthetic=result.synthetic, png=png).items()})
        payload = {"study": result.study, "grid": gr.name, "claim": gr.claim, "label": gr.label,
                   "synthetic": result.synthetic, "figure": f"figures/{stem}_curve.pdf", **curve.to_dict()}
        out[f"results/curves/{stem}.json"] = (json.dumps(_plain(payload), indent=1, sort_keys=True,
                                                         ensure_ascii=False) + "\n").encode("utf-8")
    return out


def publish(result: StudyResult, paper: Path, *, png: bool = True,
            provenance: Mapping[str, Any] | None = None,
            rendered: Mapping[str, bytes] | None = None) -> list[Path]:
    """Publish one study's tables, figures, curves and result JSON together, or nothing.

    Every output is staged first and switched in with one journalled commit (see
    :mod:`econ.publication`); the study's outputs of its previous publication that it no
    longer produces are removed in the same commit, and its index entry (with
    ``provenance``: vault, inputs, result key) is recorded. ``rendered`` is what
    :func:`render_outputs` returned for ``result`` with the same ``png`` (drawn elsewhere,
    e.g. in the study's worker); without it the figures are drawn here.

    Raises
    ------
    econ.publication.PublishError
        When nothing was published (the previous outputs are untouched).
    """
    paper = Path(paper)
    st = stage(paper, result.study)
    try:
        for t in result.tables:
            st.write_text(f"tables/{t.name}.tex", render_table(t, synthetic=result.synthetic))
        drawn = render_outputs(result, png=png) if rendered is None else rendered
        for rel, data in drawn.items():
            st.write_bytes(rel, data)
        st.write_text(f"results/{result.study}.json", result.to_json())
    except BaseException as exc:
        st.discard()
        if isinstance(exc, Exception):
            raise PublishError(f"{result.study}: writing its outputs failed ({type(exc).__name__}: {exc}); "
                               "nothing was published") from exc
        raise
    index = read_index(paper)
    old = index.get(result.study, {})
    # a file another study now publishes (an output that moved to a new study) is not a leftover
    owned = {rel for name, e in index.items() if name != result.study for rel in e.get("files", {})}
    entry = {"study": result.study, "synthetic": result.synthetic, "png": png,
             "claims": sorted({p.claim for p in result.parts}, key=claim_sort_key), "data_ids": list(result.data_ids),
             "result": json.loads(result.to_json()), **(provenance or {})}
    remove = [rel for rel in old.get("files", {}) if (paper / rel).is_file() and rel not in owned]
    return commit(st, entry, remove=remove)


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


def _verified(paper: Path, entry: Mapping[str, Any], rel: str) -> bool:
    """Whether the published file ``rel`` still has the SHA-256 the index recorded."""
    want = entry.get("files", {}).get(rel)
    path = paper / rel
    try:
        return want is not None and path.is_file() and file_sha256(path) == want
    except OSError:
        return False


def load_curves(paper: Path) -> list[dict[str, Any]]:
    """The curve JSON of every grid of every published study (from the index; sorted by file name).

    A curve file that no longer matches what was published (edited, damaged) is left out
    with a notice naming it.
    """
    paper = Path(paper)
    out = []
    for entry in read_index(paper).values():
        for rel in sorted(r for r in entry.get("files", {}) if r.startswith("results/curves/")):
            if not _verified(paper, entry, rel):
                warnings.warn(f"{paper / rel} differs from what was published (edited or damaged); left out "
                              f"until `econ run {entry['study']}` republishes it", PublishWarning, stacklevel=2)
                continue
            out.append((Path(rel).name, json.loads((paper / rel).read_text(encoding="utf-8"))))
    return [c for _, c in sorted(out, key=lambda x: x[0])]


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
    """The result record of every published study (sorted by study name): the one entry point
    of the claims table.

    Records come from the index of published studies (:func:`econ.publication.read_index`),
    never from a glob of ``results/*.json``, so a stray ``x.bak.json`` or a conflict-marked
    file cannot enter the claims. Where ``results/<study>.json`` no longer matches what was
    published, a notice says so and the published record is used.
    """
    paper = Path(paper)
    out = []
    for name, entry in read_index(paper).items():
        rel = f"results/{name}.json"
        if not entry.get("migrated") and not _verified(paper, entry, rel):
            warnings.warn(f"{paper / rel} differs from what was published (edited, conflict-marked or "
                          f"missing); the published record is used. `econ run {name}` rewrites it",
                          PublishWarning, stacklevel=2)
        out.append(entry["result"])
    return out


def default_registry() -> Registry:
    """The claims registry of the installed studies (``studies/claims.toml``)."""
    from studies.declared import registry

    return registry()


def collect_parts(results: list[dict[str, Any]], curves: list[dict[str, Any]],
                  registry: Registry) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Every part's numbers from the published results, with its grid's Romano–Wolf p attached.

    Returns ``(numbers by "<claim>.<part>", ids of claims resting on synthetic data)``. A part
    returned twice, a part the registry does not declare, or a grid part whose headline spec is
    missing from its grid or whose estimate differs from it are errors naming the claim and part.
    """
    by_grid = {f"{c['study']}/{c['grid']}": c for c in curves}
    numbers: dict[str, dict[str, Any]] = {}
    synthetic: set[str] = set()
    for res in results:
        for p in res.get("parts", []):
            key = f"{p['claim']}.{p['part']}"
            if key in numbers:
                raise RegistryError(f"claim {p['claim']}, part {p['part']}: returned by two studies")
            spec = registry.claim(p["claim"]).part(p["part"])  # raises for an undeclared part
            p = dict(p)
            if spec.grid and not p.get("missing"):
                curve = by_grid.get(spec.grid)
                if curve is None:
                    raise RegistryError(f"claim {p['claim']}, part {p['part']}: grid '{spec.grid}' was not published")
                row = next((r for r in curve["specs"] if r.get("key") == spec.headline), None)
                if row is None:
                    raise RegistryError(f"claim {p['claim']}, part {p['part']}: headline spec '{spec.headline}' is "
                                        f"not in grid '{spec.grid}'")
                est = p.get("estimate")
                if est is not None and row.get("estimate") is not None and not math.isclose(
                        est, row["estimate"], rel_tol=1e-6, abs_tol=1e-9):
                    raise RegistryError(f"claim {p['claim']}, part {p['part']}: estimate {est} differs from its "
                                        f"grid's headline spec ({row['estimate']})")
                p["pvalue_adjusted"] = row.get("p_rw")
                if row.get("p_rw") is not None:
                    s = curve["summary"]
                    p["adjustment"] = (f"Romano–Wolf stepdown over the {s['n_specs']} specifications of grid "
                                       f"{spec.grid} ({s.get('null_draws', 0)} null draws)")
            numbers[key] = p
            if res.get("synthetic"):
                synthetic.add(p["claim"])
    return numbers, synthetic


def judge_published(paper: Path, registry: Registry | None = None) -> list[ClaimVerdict]:
    """The verdict of every registry claim from what is published in ``paper``."""
    registry = registry or default_registry()
    numbers, synthetic = collect_parts(load_results(paper), load_curves(paper), registry)
    return judge_all(registry, numbers, synthetic=synthetic)


def judge_results(results: list[StudyResult], registry: Registry | None = None) -> list[ClaimVerdict]:
    """Verdicts straight from in-memory study results (their grids' curves computed here).

    The same path as a published run (:func:`collect_parts` then :func:`econ.verdict.judge_all`),
    without writing anything: for tests, notebooks and scripts.
    """
    from econ.robust.curve import spec_curve

    registry = registry or default_registry()
    curves = []
    for r in results:
        for gr in r.grids:
            curve = spec_curve(gr.result, sign_claimed=gr.sign_claimed, headline=gr.headline, name=gr.name,
                               claim=gr.claim, label=gr.label, one_sided=gr.one_sided)
            curves.append(_plain({"study": r.study, "grid": gr.name, "claim": gr.claim, **curve.to_dict()}))
    plain = [json.loads(r.to_json()) for r in results]
    numbers, synthetic = collect_parts(plain, curves, registry)
    return judge_all(registry, numbers, synthetic=synthetic)


def rebuild_summaries(paper: Path, registry: Registry | None = None) -> list[Path]:
    """Claims table, claims JSON, conclusion, number macros and curve summaries from the index of published studies."""
    registry = registry or default_registry()
    results = load_results(paper)
    verdicts = judge_published(paper, registry)
    numbers: dict[str, Any] = {}
    for r in results:
        numbers.update(r.get("numbers", {}))
    curves = load_curves(paper)
    numbers.update(curve_numbers(curves))
    numbers.update(verdict_numbers(verdicts))
    # staged and switched in together: Table 1, the macros and the curve summaries agree
    st = stage(paper, "_summaries")
    st.write_text("tables/claims.tex", render_claims_table(verdicts, registry))
    st.write_text("results/claims.json", claims_json(verdicts, registry.sha256))
    st.write_text("tables/numbers.tex", render_macros(numbers, synthetic=any(r.get("synthetic") for r in results)))
    synthetic = any(c.get("synthetic") for c in curves)
    st.write_text("tables/spec_curves.tex", render_table(curve_summary_table(curves), synthetic=synthetic)
                  if curves else "% no specification grids yet\n")
    st.write_text("tables/spec_curve_figures.tex", render_curve_figures(curves))
    st.write_text("tables/conclusion.tex", render_conclusion(verdicts))
    return commit(st, None)


def verdict_numbers(verdicts: list[ClaimVerdict]) -> dict[str, Any]:
    """``\\res{verdict_<id>}`` (the verdict in words) and counts per verdict for the prose."""
    out: dict[str, Any] = {f"verdict_{v.claim}": str(v.verdict) for v in verdicts}
    for v in verdicts:
        for p in v.parts:
            out[f"outcome_{v.claim}_{p.name}"] = str(p.outcome)
    for kind in Verdict:
        out[f"verdicts_n_{kind.name.lower()}"] = sum(1 for v in verdicts if v.verdict == kind)
    out["verdicts_n_claims"] = len(verdicts)
    return out


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def input_record(loader: DataLoader, sid: str) -> dict[str, Any]:
    """Provenance of one input series as the loader serves it now (for the index and manifest)."""
    f = loader.fetch(sid)
    prov = loader.store.provenance(sid) or {}
    return {"provider": f.provider, "source": f.source, "source_sha256": f.source_sha256,
            "cache_sha256": prov.get("sha256"), "series_sha256": series_sha256(f.series),
            "rows": int(len(f.series)), "first": f.series.index.min().strftime("%Y-%m-%d"),
            "last": f.series.index.max().strftime("%Y-%m-%d"), "unit": f.unit}


def input_records(loader: DataLoader, result: StudyResult) -> dict[str, dict[str, Any]]:
    """:func:`input_record` of every series ``result`` was computed from, by id (sorted)."""
    return {sid: input_record(loader, sid) for sid in sorted(set(result.data_ids))}


def provenance(loader: DataLoader, result: StudyResult, result_key: str | None = None,
               inputs: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """What a study's index entry records about where its result came from.

    ``inputs``: the :func:`input_records` of ``result`` when a study worker already made them
    (its loader holds the series; the publishing process need not read them again).
    """
    settings = loader.settings
    return {"vault": str(settings.vault) if settings.vault else None, "result_key": result_key,
            "render_key": code_digest("econ.runner"),
            "inputs": input_records(loader, result) if inputs is None else inputs}


def write_manifest(paper: Path, loader: DataLoader, report: RunReport) -> Path:
    """Run manifest and appendices, from the index of published studies.

    ``studies`` and ``inputs`` list every published study and the series it was computed from
    (so ``econ run A1`` after ``econ run all`` keeps the full data appendix); wall times are
    this run's where a study ran, else the previous manifest's.
    """
    paper = Path(paper)
    path = paper / "results" / "manifest.json"
    try:
        old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        old_studies = old.get("studies", {}) if isinstance(old, dict) else {}
    except (OSError, ValueError):
        old_studies = {}
    studies: dict[str, Any] = {}
    inputs: dict[str, Any] = {}
    index = read_index(paper)
    for name, entry in index.items():
        seconds = report.seconds.get(name, (old_studies.get(name) or {}).get("seconds", 0.0))
        studies[name] = {"seconds": round(float(seconds), 2), "synthetic": entry.get("synthetic", False),
                         "claims": entry.get("claims", []), "inputs": sorted(entry.get("inputs", {})),
                         "vault": entry.get("vault"), "cached": name in report.cached}
        recorded = dict(entry.get("inputs", {}))
        for sid in entry.get("data_ids", entry.get("result", {}).get("data_ids", [])):
            if sid not in recorded and sid not in inputs:  # published before the index: as served now
                try:
                    recorded[sid] = input_record(loader, sid)
                except Exception:  # a series that no longer loads is left out of the appendix
                    continue
        inputs.update(recorded)
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    vaults = sorted({str(e.get("vault")) for e in index.values() if e.get("vault")})
    manifest = {
        "package": {"name": "econ-sizestyle", "version": __version__, "git_commit": _git_commit()},
        "python": platform.python_version(), "platform": platform.platform(), "libraries": versions,
        "vault": str(loader.settings.vault) if loader.settings.vault else None, "vaults": vaults,
        "synthetic": loader.settings.synthetic, "seeds": {"default": 0, "synthetic_world": 20240205},
        "studies": dict(sorted(studies.items())), "inputs": dict(sorted(inputs.items())),
        "claims_registry": {"path": "studies/claims.toml", "sha256": report.registry_sha256},
    }
    # the data appendix is a pure function of the published inputs; the manifest appendix
    # records this run (commit, times) and so differs between runs by design
    st = stage(paper, "_manifest")
    st.write_text("results/manifest.json", json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    st.write_text("tables/data_appendix.tex", render_data_appendix(manifest["inputs"], loader.catalog))
    st.write_text("tables/manifest.tex", render_manifest_appendix(manifest))
    commit(st, None)
    return path


@dataclasses.dataclass
class _Outcome:
    """What computing one study gave: its result (or the error), the seconds it took, the
    data ids it read and, from a worker, its drawn outputs (:func:`render_outputs`) and the
    provenance of its inputs (:func:`input_records`)."""

    name: str
    result: StudyResult | None
    seconds: float
    used: list[str]
    error: str | None = None
    rendered: dict[str, bytes] | None = None
    inputs: dict[str, dict[str, Any]] | None = None


def _compute(study: Study, settings: Settings, loader: DataLoader | None, *, jobs: int, scheduler: str | None,
             cache_grids: bool, progress: Callable[[str], None] | None, worker: bool = False,
             png: bool = True) -> _Outcome:
    """Run one study (in this process or, with ``worker``, in a worker that also draws its figures)."""
    loader = loader or DataLoader(settings)
    recording = RecordingLoader(loader)
    cache_dir = Path(settings.cache) / "grid" if cache_grids else None
    t0 = time.perf_counter()
    try:
        with execution(n_jobs=jobs, scheduler=scheduler, cache_dir=cache_dir, progress=progress):
            result = study.run(recording, progress=progress)  # type: ignore[arg-type]
    except Exception as exc:  # one failing study must not stop the others
        return _Outcome(study.name, None, time.perf_counter() - t0, [], f"{type(exc).__name__}: {exc}")
    finally:
        if worker:
            _stop_loky_workers()
    seconds = time.perf_counter() - t0
    rendered = inputs = None
    if worker:
        try:
            rendered = render_outputs(result, png=png)
        except Exception:  # drawn again (and the error reported) when the parent publishes
            rendered = None
        try:
            inputs = input_records(loader, result)
        except Exception:  # recorded again (and any error reported) when the parent publishes
            inputs = None
    return _Outcome(study.name, result, seconds, sorted(recording.used), None, rendered, inputs)


def start_worker_server(modules: Iterable[str]) -> None:
    """Start, in the background, the process ``jobs > 1`` study workers fork from, and let it
    import ``modules`` (and this module) there.

    Importing the studies takes seconds (statsmodels, arch, scipy, matplotlib). Started before
    the calling process imports them itself, the two imports run side by side on two cores
    instead of one after the other. A server already running is kept as it is; the server
    ends with the calling process.
    """
    from multiprocessing import forkserver

    # figures and the PDF backend too: every worker draws, and would otherwise import them itself
    preload = ["econ.runner", "econ.report.figures", "matplotlib.backends.backend_pdf", *modules]
    multiprocessing.get_context("forkserver").set_forkserver_preload(preload)
    forkserver.ensure_running()


def _stop_loky_workers() -> None:
    """End the joblib (loky) workers a study started inside a study worker process.

    Idle loky workers live for 300 s, and the pool of study workers waits for its children
    at shutdown: without this a ``--jobs 2`` run idled five minutes after its last study.
    """
    try:
        from joblib.externals.loky import reusable_executor

        executor = getattr(reusable_executor, "_executor", None)
        if executor is not None:
            executor.shutdown(wait=True, kill_workers=True)
    except Exception:  # best effort: the study's result is already computed
        pass


def shipped_costs() -> dict[str, float]:
    """Seconds each study took in the cold run measured by ``benchmarks/full_run.py
    --record-costs`` (``studies/costs.json``): the schedule of a run whose cache has no
    costs of its own yet. Empty if the file is missing or unreadable."""
    from econ.studyindex import PACKAGE

    try:
        folder = Path(importlib.import_module(PACKAGE).__file__).parent  # type: ignore[arg-type]
        data = json.loads((folder / "costs.json").read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in data.items()}
    except (ImportError, OSError, TypeError, ValueError, AttributeError):
        return {}


def _schedule(studies: list[Study], costs: Mapping[str, float]) -> list[Study]:
    """Costliest first (unknown costs first of all): greedy longest-processing-time order."""
    return sorted(studies, key=lambda s: (-costs.get(s.name, math.inf), s.name))


def _published_intact(paper: Path, entry: Mapping[str, Any] | None, key: str, png: bool) -> bool:
    """Whether the study's published outputs are those of ``key`` drawn by the current report
    code, every file unchanged."""
    if not entry or entry.get("result_key") != key or bool(entry.get("png")) != png or not entry.get("files"):
        return False
    if entry.get("render_key") != code_digest("econ.runner"):  # the tables/figures code changed
        return False
    return all(_verified(paper, entry, rel) for rel in entry["files"])


def run_studies(studies: list[Study], settings: Settings, *,
                progress: Callable[[str], None] | None = None, png: bool = True,
                loader: DataLoader | None = None, jobs: int = 1, scheduler: str | None = None,
                cache_grids: bool = True, cache_studies: bool = True,
                on_study: Callable[[str], None] | None = None, registry: Registry | None = None) -> RunReport:
    """Run ``studies`` and publish their outputs into ``settings.paper``.

    The paper folder is first repaired from any interrupted run (:func:`econ.publication.recover`).
    A study whose code and inputs are unchanged is read from the study cache
    (:class:`econ.studycache.StudyCache`) and republished only if its published outputs are
    missing or changed. Studies to compute run one after another, or with ``jobs > 1`` on
    that many processes (costliest first, by the last measured cost); results are published
    in the order given, whatever order they finish in, so the outputs do not depend on
    ``jobs``. A study that fails, or whose publication fails, leaves its previous outputs in
    place and is reported in :attr:`RunReport.errors`.

    Parameters
    ----------
    jobs, scheduler
        Processes: with several studies to compute and ``jobs > 1`` the studies run in
        parallel (each study's grids then run serially); otherwise the grids get the
        ``jobs`` (joblib, ``-1`` all cores) or the Dask ``scheduler``.
    cache_grids
        Cache spec results under ``<settings.cache>/grid`` (by content).
    registry
        The claims registry (default: the studies' ``studies/claims.toml``). Every study's
        declared claims and parts are checked against it before anything is estimated, and
        what each study returns is checked against its declaration before it is published.
    cache_studies
        Cache whole study results under ``<settings.cache>/studies`` (by content).
    on_study
        Called with each study's name once it is published (or failed).
    """
    registry = registry or default_registry()
    for study in studies:
        registry.check_study(study.name, study.claims, study.parts)
    loader = loader or DataLoader(settings)
    paper = Path(settings.paper)
    report = RunReport(registry_sha256=registry.sha256)
    report.notices += recover(paper)
    cache = StudyCache(Path(settings.cache) / "studies") if cache_studies else None
    keys: dict[str, tuple[str, str]] = {}  # name -> (base key, full key)
    results: dict[str, tuple[StudyResult, float]] = {}
    todo: list[Study] = []
    for study in studies:
        hit = None
        if cache is not None:
            t0 = time.perf_counter()
            base = cache.base_key(study, synthetic=settings.synthetic)
            ids = cache.recorded_inputs(base)
            if ids is not None:
                hashes = cache.input_hashes(loader, set(ids) | set(study.series))
                full = cache.full_key(base, hashes)
                keys[study.name] = (base, full)
                report.inputs[study.name] = hashes
                hit = cache.get(full)
            if hit is not None:
                results[study.name] = (hit, time.perf_counter() - t0)
                report.cached.add(study.name)
        if hit is None:
            todo.append(study)
    workers = _resolve_jobs(jobs)
    seconds: dict[str, float] = {}
    if workers > 1 and len(todo) > 1 and scheduler is None:
        order = _schedule(todo, {**shipped_costs(), **(cache.costs() if cache is not None else {})})
        ctx = multiprocessing.get_context("forkserver")
        # the workers fork from a server that has imported the studies once (not once per worker);
        # the CLI may have started it already (see start_worker_server)
        start_worker_server(sorted({study_identity(s)[0] for s in order}))
        with concurrent.futures.ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=ctx) as pool:
            futures = [pool.submit(_compute, s, settings, None, jobs=1, scheduler=None, cache_grids=cache_grids,
                                   progress=None, worker=True, png=png) for s in order]
            outcomes = [f.result() for f in futures]
    else:
        outcomes = [_compute(s, settings, loader, jobs=jobs, scheduler=scheduler, cache_grids=cache_grids,
                             progress=progress) for s in todo]
    rendered: dict[str, dict[str, bytes]] = {}
    inputs: dict[str, dict[str, dict[str, Any]]] = {}
    for outcome, study in zip(sorted(outcomes, key=lambda o: o.name), sorted(todo, key=lambda s: s.name),
                              strict=True):
        name, result, secs, used, error = outcome.name, outcome.result, outcome.seconds, outcome.used, outcome.error
        if outcome.rendered is not None:
            rendered[name] = outcome.rendered
        if outcome.inputs is not None:
            inputs[name] = outcome.inputs
        if error is not None or result is None:
            report.errors[name] = error or "no result"
            continue
        returned = [p.key for p in result.parts]
        if sorted(returned) != sorted(study.parts):
            extra = sorted(set(returned) - set(study.parts)) or sorted({k for k in returned if returned.count(k) > 1})
            miss = sorted(set(study.parts) - set(returned))
            what = (f"returned undeclared or duplicate part {extra[0]}" if extra
                    else f"did not return declared part {miss[0]}")
            report.errors[name] = f"RegistryError: study '{name}' {what}"
            continue
        results[name] = (result, secs)
        seconds[name] = secs
        if cache is not None:
            base = cache.base_key(study, synthetic=settings.synthetic)
            ids = set(used) | set(result.data_ids) | set(study.series)
            try:
                hashes = cache.input_hashes(loader, ids)
                full = cache.put(base, hashes, result)
                keys[name] = (base, full)
                report.inputs[name] = hashes
            except Exception as exc:  # caching is best effort; the run itself succeeded
                report.notices.append(f"{name}: not cached ({type(exc).__name__}: {exc})")
    if cache is not None:
        cache.record_costs(seconds)
    index = read_index(paper)
    changed = False
    for study in studies:  # publish in the order given: same bytes whatever finished first
        if study.name not in results:
            if on_study:
                on_study(study.name)
            continue
        result, secs = results[study.name]
        report.results[study.name] = result
        report.seconds[study.name] = secs
        key = keys.get(study.name, ("", None))[1]
        if key is not None and _published_intact(paper, index.get(study.name), key, png):
            if on_study:
                on_study(study.name)
            continue
        try:
            report.written += publish(result, paper, png=png, provenance=provenance(loader, result, key, inputs.get(study.name)),
                                      rendered=rendered.get(study.name))
            changed = True
        except PublishError as exc:
            report.errors[study.name] = f"PublishError: {exc}"
            del report.results[study.name]
        if on_study:
            on_study(study.name)
    summaries = [paper / "tables" / "claims.tex", paper / "tables" / "data_appendix.tex"]
    if changed or report.notices or (report.results and not all(p.is_file() for p in summaries)):
        report.written += rebuild_summaries(paper, registry)
        report.written.append(write_manifest(paper, loader, report))
    return report
