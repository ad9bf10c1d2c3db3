"""A Parquet cache of what providers returned, with provenance beside each file.

Layout: ``<root>/<series id>.parquet`` and ``<root>/<series id>.json``. The JSON records the
provider, the source (file or function), the origin (the vault folder it was read from),
when it was retrieved, the sha256 of the source file(s) and the sha256 of the Parquet file
itself. The loader serves a cached copy only to the provider and folder it came from, with
the same source sha256: a copy read from one vault is never reported as another's. A Parquet file whose bytes no longer
match its recorded sha256 is corrupt: :meth:`Store.get` raises
:class:`~econ.data.errors.CacheCorruptError`, and the loader rebuilds it from its source.
Writes are atomic (temporary file + ``os.replace``), so the old file stays in place until
the new one is complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from econ.data.errors import CacheCorruptError
from econ.data.providers.base import Fetched
from econ.io import atomic_write_bytes, atomic_write_text


class Store:
    """Parquet cache with provenance.

    Parameters
    ----------
    root
        Cache folder (created on first write).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser()

    def _paths(self, series_id: str) -> tuple[Path, Path]:
        return self.root / f"{series_id}.parquet", self.root / f"{series_id}.json"

    def provenance(self, series_id: str) -> dict[str, Any] | None:
        """The provenance record of a cached series, or ``None`` if not cached."""
        _, meta = self._paths(series_id)
        if not meta.is_file():
            return None
        try:
            return json.loads(meta.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return None

    def has(self, series_id: str) -> bool:
        data, meta = self._paths(series_id)
        return data.is_file() and meta.is_file()

    def get(self, series_id: str) -> Fetched | None:
        """Return the cached series, ``None`` if absent; raise if the file fails its hash."""
        data_path, _ = self._paths(series_id)
        meta = self.provenance(series_id)
        if meta is None or not data_path.is_file():
            return None
        raw = data_path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != meta.get("sha256"):
            raise CacheCorruptError(
                f"cached '{series_id}' ({data_path}) fails its sha256 check "
                f"(recorded {str(meta.get('sha256'))[:12]}…, found {digest[:12]}…)"
            )
        try:
            table = pq.read_table(io.BytesIO(raw))
        except Exception as exc:  # pragma: no cover - a hash match makes this unlikely
            raise CacheCorruptError(f"cached '{series_id}' is unreadable: {exc}") from exc
        frame = table.to_pandas()
        s = pd.Series(frame["value"].to_numpy(dtype="float64"),
                      index=pd.DatetimeIndex(frame["date"], name="date"), name=series_id)
        return Fetched(
            series=s,
            provider=meta["provider"],
            source=meta["source"],
            unit=meta["unit"],
            source_sha256=meta.get("source_sha256"),
            synthetic=bool(meta.get("synthetic", False)),
            notes=tuple(meta.get("notes", ())),
            origin=str(meta.get("origin", "")),
        )

    def put(self, fetched: Fetched, *, retrieved_at: dt.datetime | None = None) -> dict[str, Any]:
        """Write ``fetched`` atomically; return its provenance record."""
        s = fetched.series
        table = pa.table({"date": pa.array(s.index.to_numpy(dtype="datetime64[ns]")),
                          "value": pa.array(s.to_numpy(dtype="float64"))})
        buf = io.BytesIO()
        pq.write_table(table, buf, compression="zstd")
        raw = buf.getvalue()
        when = retrieved_at or dt.datetime.now(dt.UTC)
        meta = {
            "id": str(s.name),
            "provider": fetched.provider,
            "source": fetched.source,
            "source_sha256": fetched.source_sha256,
            "unit": fetched.unit,
            "synthetic": fetched.synthetic,
            "notes": list(fetched.notes),
            "origin": fetched.origin,
            "rows": int(len(s)),
            "first": s.index.min().strftime("%Y-%m-%d") if len(s) else None,
            "last": s.index.max().strftime("%Y-%m-%d") if len(s) else None,
            "retrieved_at": when.isoformat(timespec="seconds"),
            "sha256": hashlib.sha256(raw).hexdigest(),
        }
        data_path, meta_path = self._paths(str(s.name))
        # data first, then the record that vouches for it: a crash in between leaves a
        # mismatch that the next read detects and repairs
        atomic_write_bytes(data_path, raw)
        atomic_write_text(meta_path, json.dumps(meta, indent=1, sort_keys=True) + "\n")
        return meta
