"""Specification grids: the product of named dimensions, with invalid combinations excluded by rule."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pandas as pd


@dataclasses.dataclass(frozen=True)
class Spec:
    """One specification: an ordered mapping of dimension name -> choice."""

    choices: tuple[tuple[str, Any], ...]

    def __getitem__(self, name: str) -> Any:
        for k, v in self.choices:
            if k == name:
                return v
        raise KeyError(name)

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def as_dict(self) -> dict[str, Any]:
        return dict(self.choices)

    @property
    def key(self) -> str:
        """Human-readable, stable identifier, e.g. ``freq=W|proxy=CSI 1000``."""
        return "|".join(f"{k}={v}" for k, v in self.choices)

    @property
    def digest(self) -> str:
        """Content hash of the choices (for result caching)."""
        return hashlib.sha256(json.dumps(self.choices, default=str).encode()).hexdigest()[:16]


@dataclasses.dataclass
class SpecEstimate:
    """What one specification estimated: the coefficient of interest and its inference.

    ``estimate`` is on the scale the study's claim is about; ``sign_claimed`` is the sign
    the article predicts (+1 / -1 / 0 for no sign claim). ``pvalue`` is two-sided.
    Use :meth:`failed` when a specification cannot be estimated (too few observations...).
    """

    estimate: float
    se: float
    pvalue: float
    nobs: int
    ci_low: float = math.nan
    ci_high: float = math.nan
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    error: str = ""

    def __post_init__(self) -> None:
        if math.isnan(self.ci_low) and not math.isnan(self.se):
            self.ci_low = self.estimate - 1.959963984540054 * self.se
            self.ci_high = self.estimate + 1.959963984540054 * self.se

    @classmethod
    def failed(cls, reason: str) -> SpecEstimate:
        return cls(estimate=math.nan, se=math.nan, pvalue=math.nan, nobs=0, error=reason)

    @property
    def ok(self) -> bool:
        return not self.error


class Grid:
    """A product of named dimensions.

    Parameters
    ----------
    dimensions
        Name -> list of choices, in the order tables should list them. Choices must be
        hashable, printable values (strings, numbers).
    exclude
        Rules removing invalid combinations: each takes a :class:`Spec` and returns a
        reason string when the spec is invalid, else ``None``/``""``.

    Iteration order is the product order of ``dimensions`` (stable and deterministic).
    """

    def __init__(self, dimensions: Mapping[str, Sequence[Any]],
                 exclude: Sequence[Callable[[Spec], str | None]] = ()) -> None:
        if not dimensions:
            raise ValueError("a grid needs at least one dimension")
        for name, values in dimensions.items():
            if len(values) == 0:
                raise ValueError(f"dimension {name!r} has no choices")
            if len(set(map(str, values))) != len(values):
                raise ValueError(f"dimension {name!r} has duplicate choices")
        self.dimensions = {k: list(v) for k, v in dimensions.items()}
        self.rules = list(exclude)

    def _all(self) -> Iterator[tuple[Spec, str]]:
        names = list(self.dimensions)
        for combo in itertools.product(*self.dimensions.values()):
            spec = Spec(tuple(zip(names, combo, strict=True)))
            reason = ""
            for rule in self.rules:
                r = rule(spec)
                if r:
                    reason = r
                    break
            yield spec, reason

    def __iter__(self) -> Iterator[Spec]:
        return (s for s, why in self._all() if not why)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def excluded(self) -> list[tuple[Spec, str]]:
        """The combinations removed by a rule, with the rule's reason."""
        return [(s, why) for s, why in self._all() if why]

    def to_frame(self) -> pd.DataFrame:
        rows = [{**s.as_dict(), "excluded": why} for s, why in self._all()]
        return pd.DataFrame(rows)
