"""The provider interface: one small protocol every data source implements."""

from __future__ import annotations

import abc
import dataclasses
import hashlib

import pandas as pd

from econ.data.catalog import SeriesSpec


@dataclasses.dataclass(frozen=True)
class Fetched:
    """A series as a provider returned it, with where it came from.

    Attributes
    ----------
    series
        float64 values on a sorted, unique ``DatetimeIndex`` named ``date``; name = series id.
    provider
        ``vault``, ``akshare``, ``fred``, ``synthetic``, ``import``.
    source
        The file(s) or function call the values came from.
    source_sha256
        sha256 of the source file(s) for file-based providers (used to invalidate the cache
        when the source changes); ``None`` for live providers.
    unit
        Unit of the values (canonical spelling).
    synthetic
        True for data generated from a declared DGP. Every output built on it says so.
    notes
        Anything a reader should know (splice checks, dropped rows...).
    origin
        Where the values physically came from: the resolved vault folder (or folders) for
        vault and import providers, empty for live and synthetic ones. The cache serves a
        copy only to the same origin, so a copy read from one vault is never reported as
        another's.
    """

    series: pd.Series
    provider: str
    source: str
    unit: str
    source_sha256: str | None = None
    synthetic: bool = False
    notes: tuple[str, ...] = ()
    origin: str = ""


class Provider(abc.ABC):
    """A source of series."""

    name: str = "provider"

    @abc.abstractmethod
    def serves(self, spec: SeriesSpec) -> bool:
        """Whether this provider can return ``spec``."""

    @abc.abstractmethod
    def fetch(self, spec: SeriesSpec) -> Fetched:
        """Return the series for ``spec`` (raise a :class:`econ.data.errors.DataError` on failure)."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def clean_series(values: pd.Series, series_id: str) -> pd.Series:
    """Canonical form of a fetched series: float64, ``DatetimeIndex`` named ``date``, NaNs dropped."""
    s = pd.Series(pd.to_numeric(values, errors="raise").astype("float64").to_numpy(),
                  index=pd.DatetimeIndex(values.index, name="date"), name=series_id)
    return s.dropna()
