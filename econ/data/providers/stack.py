"""Several vaults in declared priority, served as one: user data on top of the public data.

The first vault whose manifest lists a series (every part of a spliced one) serves all of
it; parts are never taken from different vaults, and a vault that lists a series but
cannot read it is an error, never a silent fall-through to the next vault. The folder that
``econ data import`` writes is a vault too (:class:`ImportsProvider`): it serves an id as a
whole (an imported SHIBOR is already joined) and comes first.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from econ.data import exports
from econ.data.catalog import SeriesSpec
from econ.data.errors import ManifestError
from econ.data.providers.base import Fetched, Provider
from econ.data.providers.vault import VaultProvider


class ImportsProvider(VaultProvider):
    """The vault of imported series (``<cache>/imports``): one file per id, served whole."""

    def __init__(self, root: str | Path) -> None:
        super().__init__(root, name="import")

    def serves(self, spec: SeriesSpec) -> bool:
        return spec.id in self.manifest.index

    def fetch(self, spec: SeriesSpec) -> Fetched:
        s, name, digest = self.read_part(spec.id, expected_unit=spec.unit, expected_frequency=spec.frequency)
        row = self.manifest.loc[spec.id]
        source = str(row.get("source_file", "")) or f"{self.root.name}/{name}"
        return Fetched(series=s.rename(spec.id), provider=self.name, source=source, unit=spec.unit,
                       source_sha256=str(row.get("source_sha256", "")) or digest,
                       notes=tuple(self.notices.get(spec.id, ())), origin=str(self.root / name))


class VaultStack(Provider):
    """Vault providers in priority order, first one listing a series wins.

    Parameters
    ----------
    providers
        Highest priority first.
    """

    name = "vault"

    def __init__(self, providers: list[VaultProvider]) -> None:
        if not providers:
            raise ValueError("a vault stack needs at least one vault")
        self.providers = list(providers)

    @property
    def roots(self) -> list[Path]:
        return [p.root for p in self.providers]

    @property
    def root(self) -> Path:
        """The highest-priority vault folder other than the imports folder."""
        plain = [p for p in self.providers if not isinstance(p, ImportsProvider)]
        return (plain or self.providers)[0].root

    @property
    def manifest(self) -> pd.DataFrame:
        """All manifests, the first vault's row winning for an id several list."""
        frames = [p.manifest for p in self.providers]
        both = pd.concat(frames)
        return both[~both.index.duplicated(keep="first")]

    def ids(self) -> list[str]:
        return sorted({i for p in self.providers for i in p.ids()})

    def provider_for(self, spec: SeriesSpec) -> VaultProvider | None:
        """The vault that serves ``spec``, or ``None``."""
        return next((p for p in self.providers if p.serves(spec)), None)

    def owner(self, series_id: str) -> VaultProvider | None:
        """The first vault whose manifest lists ``series_id``."""
        return next((p for p in self.providers if series_id in p.manifest.index), None)

    def serves(self, spec: SeriesSpec) -> bool:
        return self.provider_for(spec) is not None

    def fetch(self, spec: SeriesSpec) -> Fetched:
        prov = self.provider_for(spec)
        if prov is None:
            raise ManifestError(f"'{spec.id}' is in none of the vaults {[str(r) for r in self.roots]}")
        return prov.fetch(spec)

    def read_table(self, name: str) -> tuple[pd.DataFrame, str]:
        """Read a whole file from the first vault that has it."""
        for p in self.providers:
            if exports.exists(p.root / name):
                return p.read_table(name)
        raise ManifestError(f"vault file {name} is in none of the vaults {[str(r) for r in self.roots]}")
