"""Table frames of the issue-13 studies: label rows by their leading columns, not by 0, 1, 2…"""

from __future__ import annotations

import pandas as pd


def labelled(frame: pd.DataFrame, levels: int = 1) -> pd.DataFrame:
    """``frame`` with its first ``levels`` columns as the row index (the report prints the index)."""
    if frame.empty:
        return frame
    return frame.set_index(list(frame.columns[:levels]))
