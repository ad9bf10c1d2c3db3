"""Presentation helper shared by the replication-family studies: label columns become the index.

The table engine always prints a frame's index as the first column; a frame built from a list of
row dicts has a meaningless 0..n−1 index, so its first (label) column is moved there instead.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from econ.study import Table


def indexed(table: Table) -> Table:
    """The table with its first column as the index (only when the index is a plain 0..n−1 range)."""
    f = table.frame
    if f.empty or not isinstance(f.index, pd.RangeIndex) or f.shape[1] < 2:
        return table
    first = f.columns[0]
    return dataclasses.replace(table, frame=f.set_index(first), index_label=table.index_label or str(first))


def article_values(keys: tuple[str, ...]) -> dict[str, float]:
    """``{"<claim>_article_<part>": value}`` for the value parts among ``keys`` (numbers for the prose)."""
    from studies.registry import part

    out = {}
    for key in keys:
        spec = part(key)
        if spec.kind == "value" and spec.value is not None:
            out[f"{spec.claim}_article_{spec.name}"] = float(spec.value)
    return out
