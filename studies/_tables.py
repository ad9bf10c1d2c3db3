"""Presentation helpers shared by the newer studies: label columns become the row index, and the
article's numbers of value parts become prose numbers.

The table engine always prints a frame's index as the first column; a frame built from a list of
row dicts has a meaningless 0..n−1 index, so its leading (label) columns are moved there instead.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from econ.study import Table


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
