"""Base classes shared by every estimator's result object.

The shape follows linearmodels / arch: an estimator is a function or a small class that
returns a *result* holding plain numbers; formatting is separate (``summary``), and the
tidy form (``to_frame``) is what the report layer and the robustness engine consume.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


class Result:
    """Base class of all result objects.

    Subclasses are dataclasses. They implement :meth:`to_frame`; :meth:`summary` has a
    generic default that prints the title, the scalar fields and the tidy frame.
    """

    title: str = "Result"

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - abstract
        """Tidy table of the result: one row per estimate / test, plain columns."""
        raise NotImplementedError

    def scalars(self) -> dict[str, Any]:
        """Scalar fields (numbers, strings, booleans) of the result, in declaration order."""
        out: dict[str, Any] = {}
        if dataclasses.is_dataclass(self):
            for f in dataclasses.fields(self):
                v = getattr(self, f.name)
                if isinstance(v, (int, float, str, bool, np.integer, np.floating)) or v is None:
                    out[f.name] = v
        return out

    def summary(self) -> str:
        """Human-readable summary."""
        lines = [self.title, "=" * len(self.title)]
        for k, v in self.scalars().items():
            if isinstance(v, (float, np.floating)):
                lines.append(f"{k:<28s} {v: .6g}")
            else:
                lines.append(f"{k:<28s} {v}")
        frame = self.to_frame()
        if frame is not None and len(frame):
            lines.append("")
            with pd.option_context("display.width", 120, "display.max_columns", 20):
                lines.append(frame.to_string())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.title}>"


@dataclasses.dataclass(repr=False)
class TestResult(Result):
    """A single hypothesis test.

    Parameters
    ----------
    name
        Test name, e.g. ``"Granger F"``.
    stat
        Test statistic.
    pvalue
        p-value (``nan`` when only critical values are available).
    df
        Degrees of freedom (tuple for F tests), or ``None``.
    null
        Statement of the null hypothesis, in words.
    crit
        Critical values keyed by level (e.g. ``{"5%": 3.84}``).
    extra
        Anything else a reader needs (chosen lag, bandwidth, number of draws...).
    """

    __test__ = False  # not a pytest test class despite the name

    name: str
    stat: float
    pvalue: float
    df: Any = None
    null: str = ""
    crit: Mapping[str, float] = dataclasses.field(default_factory=dict)
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def title(self) -> str:  # type: ignore[override]
        return self.name

    def to_frame(self) -> pd.DataFrame:
        row: dict[str, Any] = {
            "test": self.name,
            "stat": float(self.stat),
            "pvalue": float(self.pvalue),
            "df": self.df,
            "null": self.null,
        }
        for k, v in self.crit.items():
            row[f"crit_{k}"] = v
        for k, v in self.extra.items():
            if np.isscalar(v) or v is None:
                row[k] = v
        return pd.DataFrame([row])
