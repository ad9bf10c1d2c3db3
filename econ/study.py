"""What a study is and what it returns.

A study (one module in ``studies/``) declares the claim ids it tests, the article's numbers,
the series it needs, its headline specification and its robustness choices, calls
``econ.models`` and returns a :class:`StudyResult`: plain numbers, tables as DataFrames,
figure data, and one :class:`PartResult` per part of each claim it tests (the parts are
declared in the claims registry). It holds no estimator code, no thresholds, no verdicts and
no LaTeX: :mod:`econ.verdict` decides, ``econ.report`` turns results into tables and figures.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from econ.data.loader import DataLoader
from econ.models.base import Result


@dataclasses.dataclass
class PartResult:
    """A study's numbers for one part of a claim (the part is declared in the claims registry).

    The study computes; :mod:`econ.verdict` decides. Which fields matter depends on the part's
    kind: ``estimate``, ``se``, ``ci`` and ``pvalue`` (two-sided, of a zero effect) for a
    direction part; ``estimate`` and ``ci`` (or ``pvalue`` of a test of the article's number)
    for a value part; ``estimate`` (the realised move), ``right`` and ``pvalue`` (against the
    base rate) for a forecast; ``date`` and ``date_ci`` for a dating part. ``missing`` names the
    data the study could not find (the part is then untestable). ``detail`` describes in words
    what was computed, never what it means for the claim. ``pvalue_adjusted`` is filled by the
    runner from the part's specification grid.
    """

    claim: str
    part: str
    estimate: float | None = None
    se: float | None = None
    ci: tuple[float, float] | None = None
    pvalue: float | None = None
    pvalue_adjusted: float | None = None
    adjustment: str = ""
    power: float | None = None
    right: bool | None = None
    date: str | None = None
    date_ci: tuple[str, str] | None = None
    n: int | None = None
    proxy: str = ""
    test: str = ""
    detail: str = ""
    missing: str = ""

    @property
    def key(self) -> str:
        return f"{self.claim}.{self.part}"

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["ci"] = list(self.ci) if self.ci is not None else None
        d["date_ci"] = list(self.date_ci) if self.date_ci is not None else None
        return d


def z_ci(estimate: float, se: float, level: float = 0.95) -> tuple[float, float]:
    """Normal-approximation confidence interval ``estimate ± z * se``."""
    from scipy import stats

    z = float(stats.norm.ppf(0.5 + level / 2))
    return (float(estimate - z * se), float(estimate + z * se))


@dataclasses.dataclass
class Table:
    """A table as data. ``frame`` holds numbers (and strings); formatting is the report's job.

    ``kind="estimates"`` means rows are statistics and columns specifications, with pairs of
    rows ``<name>`` / ``<name>__se`` (or ``__t``) and optional ``<name>__p`` for stars.
    """

    name: str
    caption: str
    frame: pd.DataFrame
    notes: list[str] = dataclasses.field(default_factory=list)
    kind: str = "plain"
    digits: int | Mapping[str, int] = 2
    index_label: str = ""
    sample: str = ""  # sample period and size, e.g. "weekly, 2014-11-21 to 2026-06-19, N = 592"

    def has_sample_size(self) -> bool:
        """Whether the table states its sample: a ``sample`` line or an N-type column."""
        cols = {str(c).strip().lower() for c in self.frame.columns}
        sizes = {"n", "nobs", "obs.", "obs", "specs", "t", "n obs", "days", "touches", "rungs", "weeks", "months"}
        return bool(self.sample) or bool(cols & sizes)


@dataclasses.dataclass
class Figure:
    """A figure as data; ``econ.report.figures`` draws it.

    ``kind="lines"``: ``data`` columns are plotted against the index, one line each.
    """

    name: str
    title: str
    data: pd.DataFrame
    kind: str = "lines"
    ylabel: str = ""
    hlines: list[float] = dataclasses.field(default_factory=list)
    vlines: list[str] = dataclasses.field(default_factory=list)
    marks: list[tuple[str, float, str]] = dataclasses.field(default_factory=list)
    secondary: list[str] = dataclasses.field(default_factory=list)
    logy: bool = False


@dataclasses.dataclass
class GridRun:
    """A specification grid a study ran for one claim (drawn as a specification curve).

    ``sign_claimed``: the sign the article predicts for ``estimate`` (+1, -1, or 0 when the
    claim has no sign). ``headline``: the :attr:`Spec.key` of the headline specification.
    """

    name: str
    claim: str
    sign_claimed: int
    result: Any  # econ.robust.executor.GridResult (Any avoids an import cycle)
    headline: str
    label: str = ""  # what the estimate is, e.g. "beta of log ratio on ΔUS10Y"
    one_sided: bool = False  # Romano–Wolf p against the claimed sign only (see econ.robust.curve.spec_curve)


@dataclasses.dataclass(repr=False)
class StudyResult(Result):
    """Everything a study found."""

    study: str
    parts: list[PartResult]
    title: str = ""
    tables: list[Table] = dataclasses.field(default_factory=list)
    figures: list[Figure] = dataclasses.field(default_factory=list)
    numbers: dict[str, Any] = dataclasses.field(default_factory=dict)
    headline_proxy: str = ""
    synthetic: bool = False
    notes: list[str] = dataclasses.field(default_factory=list)
    data_ids: list[str] = dataclasses.field(default_factory=list)
    grids: list[GridRun] = dataclasses.field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([p.to_dict() for p in self.parts])

    def part(self, key: str) -> PartResult:
        """The numbers of part ``"<claim>.<part>"``."""
        for p in self.parts:
            if p.key == key:
                return p
        raise KeyError(f"{self.study} returned no part {key}")

    def summary(self) -> str:
        head = f"{self.title} [{self.study}]" + ("  ** SYNTHETIC DATA **" if self.synthetic else "")
        lines = [head, "=" * len(head), f"headline proxy: {self.headline_proxy}"]
        for p in self.parts:
            est = "" if p.estimate is None else f" {p.estimate:.4g}"
            pval = "" if p.pvalue is None else f" (p {p.pvalue:.3g})"
            lines.append(f"{p.key}:{est}{pval} {p.missing or p.detail}".rstrip())
        for t in self.tables:
            lines.append(f"table {t.name}: {t.caption}")
        return "\n".join(lines)

    def to_json(self) -> str:
        """Verdicts and headline numbers as canonical JSON (sorted keys, stable floats)."""
        payload = {
            "study": self.study, "title": self.title, "headline_proxy": self.headline_proxy,
            "synthetic": self.synthetic, "parts": [p.to_dict() for p in self.parts],
            "numbers": self.numbers, "notes": self.notes, "data_ids": self.data_ids,
        }
        return json.dumps(_plain(payload), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else round(f, 10)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (pd.Timestamp,)):
        return obj.strftime("%Y-%m-%d")
    return obj


class Study:
    """Base class of study modules' study objects.

    Subclasses set the class attributes and implement :meth:`run`. Wrong data never becomes
    a silent number: a study's ``run`` fails with the first
    :class:`~econ.data.errors.DataIntegrityError` (bad values, a hole, a malformed file) the
    loader raised while it ran, even where the study caught it to treat a series as missing.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        run = cls.__dict__.get("run")
        if run is not None and not getattr(run, "_integrity_guarded", False):
            cls.run = _integrity_guarded(run)  # type: ignore[method-assign]

    name: ClassVar[str]
    title: ClassVar[str]
    claims: ClassVar[tuple[str, ...]]
    #: the parts it estimates, ``"<claim>.<part>"``, each declared in the claims registry
    parts: ClassVar[tuple[str, ...]] = ()
    series: ClassVar[tuple[str, ...]] = ()

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        raise NotImplementedError

    def is_synthetic(self, loader: DataLoader) -> bool:
        return any(loader.fetch(s).synthetic for s in self.series)


def _integrity_guarded(run: Callable[..., StudyResult]) -> Callable[..., StudyResult]:
    """Wrap a study's ``run``: re-raise an integrity error the loader recorded meanwhile."""

    @functools.wraps(run)
    def guarded(self: Study, loader: DataLoader, *args: Any, **kwargs: Any) -> StudyResult:
        errors = getattr(loader, "integrity_errors", None)
        seen = len(errors) if errors is not None else 0
        result = run(self, loader, *args, **kwargs)
        if errors is not None and len(errors) > seen:
            raise errors[seen]
        return result

    guarded._integrity_guarded = True  # type: ignore[attr-defined]
    return guarded
