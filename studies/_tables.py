"""Presentation helpers shared by the newer studies: label columns become the row index, the
article's numbers of value parts become prose numbers, samples of back-calculated index history
are marked (with a launch-date robustness row beside a headline), and a study's sections are
gathered into its result.

The table engine always prints a frame's index as the first column; a frame built from a list of
row dicts has a meaningless 0..n−1 index, so its leading (label) columns are moved there instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import pandas as pd

from econ.data.loader import DataLoader
from econ.study import PartResult, Study, StudyResult, Table
from studies.common import (
    BACK_CALCULATED_MARK,
    BACK_CALCULATED_NOTE,
    Proxy,
    back_calculated,
    live_start,
)

T = TypeVar("T")


def labelled(frame: pd.DataFrame, levels: int = 1) -> pd.DataFrame:
    """``frame`` with its first ``levels`` columns as the row index (the report prints the index)."""
    if frame.empty:
        return frame
    return frame.set_index(list(frame.columns[:levels]))


def indexed(table: Table) -> Table:
    """The table with its first column as the index (only when the index is a plain 0..n−1 range)."""
    f = table.frame
    if f.empty or not isinstance(f.index, pd.RangeIndex) or f.shape[1] < 2:
        return table
    first = f.columns[0]
    return dataclasses.replace(table, frame=labelled(f), index_label=table.index_label or str(first))


def article_values(keys: tuple[str, ...]) -> dict[str, float]:
    """``{"<claim>_article_<part>": value}`` for the value parts among ``keys`` (numbers for the prose)."""
    from studies.declared import part

    out = {}
    for key in keys:
        spec = part(key)
        if spec.kind == "value" and spec.value is not None:
            out[f"{spec.claim}_article_{spec.name}"] = float(spec.value)
    return out


# -- back-calculated history (issue 11, point 13) ----------------------------------------------
#: The large-cap leg of a small-cap index named alone (its launch never binds: CSI 300 is live
#: over every sample in the vault).
CSI300 = "cn.index.csi300.close"


def pair(label: str, small: str, large: str = CSI300) -> Proxy:
    """A :class:`~studies.common.Proxy` for a study that names its indices by series id."""
    return Proxy(label, small, large)


def marked(label: str, proxy: Proxy, start: str | pd.Timestamp | None) -> str:
    """``label`` with :data:`~studies.common.BACK_CALCULATED_MARK` when a sample of ``proxy``
    starting at ``start`` (``None``: the proxy's first value) uses back-calculated history."""
    return f"{label}{BACK_CALCULATED_MARK}" if back_calculated(proxy, start) else label


def from_launch_label(label: str, proxy: Proxy, start: str | pd.Timestamp | None) -> str:
    """The row label of the launch-date robustness row of ``label``."""
    return f"{label}, from launch {live_start(proxy, start):%Y-%m-%d}"


def from_launch(proxy: Proxy, start: str | pd.Timestamp | None,
                estimate: Callable[[pd.Timestamp], T]) -> T | None:
    """``estimate`` re-run from the launch date when the sample starts before it, else ``None``.

    Parameters
    ----------
    proxy
        The small-vs-large pair the estimate uses.
    start
        The first date of the headline sample (``None``: the proxy's first value).
    estimate
        Re-estimates the headline on a sample starting at the date it is given.
    """
    if not back_calculated(proxy, start):
        return None
    live = live_start(proxy, start)
    assert live is not None  # back-calculated implies a launch date
    return estimate(live)


def from_launch_numbers(numbers: Mapping[str, object]) -> dict[str, object]:
    """``{"<key>_from_launch": value}``: the launch-date robustness numbers beside the headline's."""
    return {f"{k}_from_launch": v for k, v in numbers.items()}


def _shows_mark(table: Table) -> bool:
    f = table.frame
    texts = [str(x) for x in (*f.index.to_flat_index(), *f.columns)]
    texts += [str(v) for v in f.to_numpy().ravel() if isinstance(v, str)]
    return any(BACK_CALCULATED_MARK in t for t in (*texts, table.sample, table.caption))


def with_launch_note(table: Table) -> Table:
    """The table with :data:`~studies.common.BACK_CALCULATED_NOTE` added when it shows the mark."""
    if not _shows_mark(table) or BACK_CALCULATED_NOTE in table.notes:
        return table
    return dataclasses.replace(table, notes=[*table.notes, BACK_CALCULATED_NOTE])


# -- assembling a study's result from its sections ------------------------------------------------
@dataclasses.dataclass
class Sections:
    """What a study's sections found, gathered in order: their parts, tables and numbers.

    >>> out = Sections()
    >>> out.add(parts, table, numbers)            # doctest: +SKIP
    >>> return out.result(self, loader, headline_proxy="...")   # doctest: +SKIP
    """

    parts: list[PartResult] = dataclasses.field(default_factory=list)
    tables: list[Table] = dataclasses.field(default_factory=list)
    numbers: dict[str, Any] = dataclasses.field(default_factory=dict)

    def add(self, parts: Iterable[PartResult] | PartResult = (), tables: Iterable[Table] | Table = (),
            numbers: Mapping[str, Any] | None = None) -> None:
        """Append a section's parts and tables (one or several) and merge its numbers."""
        self.parts += [parts] if isinstance(parts, PartResult) else list(parts)
        self.tables += [tables] if isinstance(tables, Table) else list(tables)
        self.numbers.update(numbers or {})

    def result(self, study: Study, loader: DataLoader, **fields: Any) -> StudyResult:
        """The study's :class:`~econ.study.StudyResult`: tables indexed by their label column and
        noted where they show back-calculated history, the article's value-part numbers first.

        ``fields`` are the other :class:`StudyResult` fields (``headline_proxy``, ``data_ids``,
        ``notes``, ``figures``...); ``synthetic`` defaults to the study's own check.
        """
        fields.setdefault("synthetic", study.is_synthetic(loader))
        return StudyResult(study=study.name, title=study.title, parts=self.parts,
                           tables=[with_launch_note(indexed(t)) for t in self.tables],
                           numbers={**article_values(study.parts), **self.numbers}, **fields)
