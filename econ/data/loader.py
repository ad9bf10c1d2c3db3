"""Resolve a series id to values: the vaults first, then the cache, then live providers.

Resolution for a catalog id (``DataLoader.fetch``):

1. synthetic mode: the synthetic provider only (never mixed with real data);
2. a vault serves it — imports first, then the user's vaults in order, then the shipped
   public snapshot (:mod:`econ.config`, *Vault priority*): use the cached copy if it came
   from the same place (provider and folder) with the same source sha256 and its Parquet
   passes the hash check, else read the vault and (re)write the cache;
3. a cached copy from an earlier live pull: use it if it passes the hash check (a corrupt
   one is re-pulled when live providers are on, else an error);
4. live providers (``--live`` / ``ECON_LIVE=1``): fetch and cache;
5. otherwise :class:`~econ.data.errors.SeriesNotFoundError` naming the three ways to supply
   it, and why each live provider could not.

``status()`` reads without writing the cache.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pandas as pd

from econ.config import Settings
from econ.data.catalog import AGGREGATIONS, FREQUENCIES, Catalog, SeriesSpec, default_catalog
from econ.data.checks import AcceptList, check_series, locate_in_vault
from econ.data.errors import (
    CacheCorruptError,
    DataError,
    DataIntegrityError,
    ManifestError,
    SeriesNotFoundError,
    UnknownSeriesError,
)
from econ.data.providers.base import Fetched, Provider
from econ.data.providers.stack import ImportsProvider, VaultStack
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
        self.vault = self._vaults(settings)
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

    @staticmethod
    def _vaults(settings: Settings) -> VaultStack | None:
        provs: list[VaultProvider] = []
        if (settings.imports / "MANIFEST.csv").is_file():
            provs.append(ImportsProvider(settings.imports))
        provs += [VaultProvider(root) for root in settings.roots]
        return VaultStack(provs) if provs else None

    def origin_label(self, fetched: Fetched) -> str:
        """Where a series came from, for people: ``import``, ``vault 1`` .., ``snapshot``, a provider."""
        if fetched.provider == "import":
            return "import"
        if fetched.provider != "vault" or self.vault is None:
            return fetched.provider
        for k, root in enumerate(self.settings.roots, start=1):
            if fetched.origin == str(root):
                return "snapshot" if root == self.settings.snapshot else f"vault {k}"
        return "vault"

    # -- specs ----------------------------------------------------------------------------
    def spec(self, series_id: str) -> SeriesSpec:
        """Catalog spec; for an id only the user's vault manifest knows, a spec built from it."""
        if series_id in self.catalog:
            return self.catalog[series_id]
        owner = self.vault.owner(series_id) if self.vault is not None else None
        if owner is not None:
            row = owner.manifest.loc[series_id]
            extra = owner.extra(series_id)
            where = f"{owner.root / 'MANIFEST.csv'} ('{series_id}')"
            agg = extra.get("agg", "last")
            if agg not in AGGREGATIONS:
                raise ManifestError(f"{where}: agg {agg!r} is not one of {list(AGGREGATIONS)}")
            freq = parse_frequency(row["frequency"])
            if freq not in FREQUENCIES:  # pragma: no cover - parse_frequency only returns these
                raise ManifestError(f"{where}: frequency {row['frequency']!r}")
            try:
                lag = int(extra.get("release_lag_days", "0"))
            except ValueError:
                raise ManifestError(f"{where}: release_lag_days must be a whole number of days") from None
            return SeriesSpec(id=series_id, meaning=str(row.get("description", "")), unit=row["unit"],
                              frequency=freq, kind=extra.get("kind", "user"), agg=agg,
                              release_lag_days=lag)
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
    def fetch(self, series_id: str, *, refresh: bool = False, write_cache: bool = True) -> Fetched:
        """Return the series with provenance (see the module docstring for the order).

        ``write_cache=False`` reads without (re)writing the cache (``econ data status``).
        """
        if not refresh and series_id in self._memo:
            return self._memo[series_id]
        spec = self.spec(series_id)
        try:
            fetched = self._resolve(spec, refresh=refresh, write=write_cache)
            if not fetched.synthetic:
                check_series(spec, fetched.series, accept=self.accept,
                             locate=locate_in_vault(self.vault, spec) if fetched.provider in ("vault", "snapshot") else None)
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

    def _resolve(self, spec: SeriesSpec, *, refresh: bool, write: bool = True) -> Fetched:
        if self._synthetic is not None:
            return self._synthetic.fetch(spec)
        prov = self.vault.provider_for(spec) if self.vault is not None else None
        if prov is not None:
            fresh = prov.fetch(spec)  # validates the file every run; cheap (<1 s for all)
            cached = None if refresh else self._cached(spec.id)
            if (cached is not None and cached.provider == fresh.provider and cached.origin == fresh.origin
                    and cached.source_sha256 == fresh.source_sha256):
                return cached
            if write:
                self.store.put(fresh)
            return fresh
        cached = None if refresh else self._cached(spec.id)
        if cached is not None and cached.provider not in ("vault", "import"):
            return cached  # a live pull; a vault copy is served only by its own vault
        errors = []
        for live in self._live:
            if live.serves(spec):
                try:
                    got = live.fetch(spec)
                except DataError as exc:
                    errors.append(f"{live.name}: {exc}")
                    continue
                if write:
                    self.store.put(got)
                return got
            why = getattr(live, "why_not", lambda _s: None)(spec)
            if why:
                errors.append(f"{live.name}: {why}")
        detail = "; ".join(errors) if errors else (
            "no vault configured" if self.vault is None else "in none of the vaults' MANIFEST.csv"
        ) + ("" if self.settings.live else ", live providers off")
        raise SeriesNotFoundError(spec.id, detail)

    def fetch_many(self, ids: Iterable[str]) -> dict[str, Fetched]:
        return {i: self.fetch(i) for i in ids}

    # -- status ---------------------------------------------------------------------------
    def status(self) -> pd.DataFrame:
        """One row per id: where it comes from, range, rows, source sha256 — or why it is missing.

        Reads every source but writes nothing (the cache is left as it is). Columns: ``id``,
        ``unit``, ``freq``, ``provider``, ``origin`` (``import``, ``vault 1``.., ``snapshot``,
        a live provider), ``source`` (file or call), ``folder`` (the vault folder), ``first``,
        ``last``, ``rows``, ``sha256`` (of the source, full), ``note``.
        """
        rows = []
        for sid in self.ids():
            row: dict = {"id": sid}
            try:
                spec = self.spec(sid)
                row |= {"unit": spec.unit, "freq": spec.frequency}
                part_of = self.catalog.part_of(sid)
                f = self.fetch(sid, write_cache=False)
                s = f.series
                if s.empty:
                    raise DataError(f"'{sid}' has no values ({f.source})")
                row |= {
                    "provider": f.provider if f.provider == "synthetic" or not f.synthetic else f"{f.provider} (synthetic)",
                    "origin": self.origin_label(f),
                    "source": f.source,
                    "folder": f.origin,
                    "first": s.index.min().strftime("%Y-%m-%d"),
                    "last": s.index.max().strftime("%Y-%m-%d"),
                    "rows": len(s),
                    "sha256": f.source_sha256 or (self.store.provenance(sid) or {}).get("sha256") or "",
                    "note": (f"part of {part_of}" if part_of else "") or "; ".join(f.notes),
                }
            except DataError as exc:
                row |= {"provider": "-", "origin": "-", "source": "", "folder": "", "first": "", "last": "",
                        "rows": 0, "sha256": "", "note": "missing: " + str(exc).splitlines()[0][:300]}
            rows.append(row)
        cols = ["id", "unit", "freq", "provider", "origin", "source", "folder", "first", "last", "rows",
                "sha256", "note"]
        return pd.DataFrame(rows).reindex(columns=cols)
