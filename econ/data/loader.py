"""Resolve a series id to values: vault first, then the cache, then live providers.

Resolution for a catalog id (``DataLoader.fetch``):

1. synthetic mode: the synthetic provider only (never mixed with real data);
2. the vault serves it: use the cached copy if its source file is unchanged and its
   Parquet passes the hash check, else read the vault and (re)write the cache;
3. a cached copy from an earlier live pull or ``econ data import``: use it if it passes
   the hash check (a corrupt one is re-pulled when live providers are on, else an error);
4. live providers (``--live`` / ``ECON_LIVE=1``): fetch and cache;
5. otherwise :class:`~econ.data.errors.SeriesNotFoundError` naming the three ways to supply it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pandas as pd

from econ.config import Settings
from econ.data.catalog import Catalog, SeriesSpec, default_catalog
from econ.data.checks import AcceptList, check_series, locate_in_vault
from econ.data.errors import (
    CacheCorruptError,
    DataError,
    DataIntegrityError,
    SeriesNotFoundError,
    UnknownSeriesError,
)
from econ.data.providers.base import Fetched, Provider
from econ.data.providers.vault import VaultProvider, parse_frequency
from econ.data.store import Store

log = logging.getLogger(__name__)


def _live_providers() -> list[Provider]:
    out: list[Provider] = []
    try:
        from econ.data.providers.akshare import AkshareProvider

        out.append(AkshareProvider())
    except ImportError:  # pragma: no cover - optional
        pass
    try:
        from econ.data.providers.fred import FredProvider

        out.append(FredProvider())
    except ImportError:  # pragma: no cover - optional
        pass
    return out


class DataLoader:
    """Serve series by id with provenance.

    Parameters
    ----------
    settings
        Resolved settings (vault, cache, live, synthetic).
    catalog
        Series catalog; the shipped one by default.
    live_providers
        Override the live providers (tests inject fakes here).
    """

    def __init__(self, settings: Settings, catalog: Catalog | None = None,
                 live_providers: list[Provider] | None = None) -> None:
        self.settings = settings
        self.catalog = catalog or default_catalog()
        self.store = Store(settings.cache)
        self.vault = VaultProvider(settings.vault) if settings.vault else None
        self._live = live_providers if live_providers is not None else (
            _live_providers() if settings.live else [])
        self._memo: dict[str, Fetched] = {}
        self._accept: AcceptList | None = None
        self.events: list[str] = []  # human-readable log of cache repairs etc.
        #: every DataIntegrityError raised while serving data (a study that caught one still fails)
        self.integrity_errors: list[DataIntegrityError] = []
        if settings.synthetic:
            from econ.data.providers.synthetic import SyntheticProvider

            self._synthetic: Provider | None = SyntheticProvider()
        else:
            self._synthetic = None

    # -- specs ----------------------------------------------------------------------------
    def spec(self, series_id: str) -> SeriesSpec:
        """Catalog spec; for an id only the user's vault manifest knows, a spec built from it."""
        if series_id in self.catalog:
            return self.catalog[series_id]
        if self.vault is not None and series_id in self.vault.manifest.index:
            row = self.vault.manifest.loc[series_id]
            return SeriesSpec(id=series_id, meaning=str(row.get("description", "")), unit=row["unit"],
                              frequency=parse_frequency(row["frequency"]), kind="user", agg="last",
                              release_lag_days=0)
        raise UnknownSeriesError(self.catalog_error(series_id))

    def catalog_error(self, series_id: str) -> str:
        try:
            self.catalog[series_id]
        except UnknownSeriesError as exc:
            return str(exc)
        return ""  # pragma: no cover

    def ids(self) -> list[str]:
        extra = [] if self.vault is None else [i for i in self.vault.ids() if i not in self.catalog]
        return sorted(set(self.catalog.ids()) | set(extra))

    # -- fetching -------------------------------------------------------------------------
    def fetch(self, series_id: str, *, refresh: bool = False) -> Fetched:
        """Return the series with provenance (see the module docstring for the order)."""
        if not refresh and series_id in self._memo:
            return self._memo[series_id]
        spec = self.spec(series_id)
        try:
            fetched = self._resolve(spec, refresh=refresh)
            if not fetched.synthetic:
                check_series(spec, fetched.series, accept=self.accept,
                             locate=locate_in_vault(self.vault, spec) if fetched.provider == "vault" else None)
        except DataIntegrityError as exc:
            raise self.record(exc) from None
        self._memo[series_id] = fetched
        return fetched

    def record(self, exc: DataIntegrityError) -> DataIntegrityError:
        """Remember an integrity error (for :class:`econ.study.Study` to fail on) and return it."""
        self.integrity_errors.append(exc)
        return exc

    @property
    def accept(self) -> AcceptList:
        """Declared acceptances of flagged values: the package's and the vault's ``ACCEPT.csv``."""
        if self._accept is None:
            roots = getattr(self.vault, "roots", None) or ([self.vault.root] if self.vault is not None else [])
            self._accept = AcceptList.load(roots)
        return self._accept

    def series(self, series_id: str) -> pd.Series:
        """Values only (``attrs`` carry unit, provider and synthetic flag)."""
        f = self.fetch(series_id)
        s = f.series.copy()
        s.attrs = {"unit": f.unit, "provider": f.provider, "synthetic": f.synthetic, "source": f.source}
        return s

    def _cached(self, series_id: str) -> Fetched | None:
        try:
            return self.store.get(series_id)
        except CacheCorruptError as exc:
            self.events.append(f"{exc}; rebuilding from its source")
            log.warning("%s; rebuilding from its source", exc)
            return None

    def _resolve(self, spec: SeriesSpec, *, refresh: bool) -> Fetched:
        if self._synthetic is not None:
            return self._synthetic.fetch(spec)
        if self.vault is not None and self.vault.serves(spec):
            fresh = self.vault.fetch(spec)  # validates the file every run; cheap (<1 s for all)
            cached = None if refresh else self._cached(spec.id)
            if cached is not None and cached.provider == "vault" and cached.source_sha256 == fresh.source_sha256:
                return cached
            self.store.put(fresh)
            return fresh
        cached = None if refresh else self._cached(spec.id)
        if cached is not None:
            return cached
        errors = []
        for prov in self._live:
            if prov.serves(spec):
                try:
                    got = prov.fetch(spec)
                except DataError as exc:
                    errors.append(f"{prov.name}: {exc}")
                    continue
                self.store.put(got)
                return got
        detail = "; ".join(errors) if errors else (
            "no vault configured" if self.vault is None else "not in the vault's MANIFEST.csv"
        ) + ("" if self.settings.live else ", live providers off")
        raise SeriesNotFoundError(spec.id, detail)

    def fetch_many(self, ids: Iterable[str]) -> dict[str, Fetched]:
        return {i: self.fetch(i) for i in ids}

    # -- status ---------------------------------------------------------------------------
    def status(self) -> pd.DataFrame:
        """One row per id: provider, range, rows, sha256 — or why it is missing."""
        rows = []
        for sid in self.ids():
            spec = self.spec(sid)
            row = {"id": sid, "unit": spec.unit, "freq": spec.frequency}
            part_of = self.catalog.part_of(sid)
            try:
                f = self.fetch(sid)
                s = f.series
                prov = self.store.provenance(sid) or {}
                row |= {
                    "provider": f.provider if f.provider == "synthetic" or not f.synthetic else f"{f.provider} (synthetic)",
                    "first": s.index.min().strftime("%Y-%m-%d"),
                    "last": s.index.max().strftime("%Y-%m-%d"),
                    "rows": len(s),
                    "sha256": (prov.get("sha256") or f.source_sha256 or "")[:12],
                    "note": (f"part of {part_of}" if part_of else "") or "; ".join(f.notes)[:80],
                }
            except DataError as exc:
                row |= {"provider": "-", "first": "", "last": "", "rows": 0, "sha256": "",
                        "note": "missing: " + str(exc).splitlines()[0][:160]}
            rows.append(row)
        return pd.DataFrame(rows)
