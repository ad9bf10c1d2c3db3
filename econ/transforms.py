"""Small, reusable series transformations used by studies (no estimation here)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from econ.data.errors import InsufficientDataError


def rebase(series: pd.Series, date: str | pd.Timestamp, base: float = 1000.0) -> pd.Series:
    """Rescale ``series`` so that its value on ``date`` equals ``base``.

    If ``date`` is not a trading day of the series, the last observation before it is used
    (and must exist).
    """
    s = series.dropna()
    when = pd.Timestamp(date)
    before = s.loc[:when]
    if before.empty:
        raise InsufficientDataError(f"{series.name}: no observation on or before the base date {when.date()}")
    return s / before.iloc[-1] * base


def deviation_index(large: pd.Series, small: pd.Series, base_date: str | pd.Timestamp,
                    base: float = 1000.0) -> pd.DataFrame:
    """Style deviation index: ``large`` rebased minus ``small`` rebased, from ``base_date`` on.

    Returns a frame with ``large``, ``small`` (both rebased) and ``deviation`` on the common
    dates from the base date.
    """
    lr, sr = rebase(large, base_date, base), rebase(small, base_date, base)
    frame = pd.concat({"large": lr, "small": sr}, axis=1, join="inner")
    frame = frame.loc[frame.index >= pd.Timestamp(base_date)]
    frame["deviation"] = frame["large"] - frame["small"]
    return frame


def log_ratio(small: pd.Series, large: pd.Series) -> pd.Series:
    """``log(small / large)`` on common dates: the size-style ratio used in regressions."""
    frame = pd.concat({"s": small, "l": large}, axis=1, join="inner").dropna()
    if (frame <= 0).any().any():
        raise ValueError("log ratio needs positive prices")
    return pd.Series(np.log(frame["s"] / frame["l"]), name=f"log({small.name}/{large.name})")
