"""The public vault shipped with the package: a compressed, hash-checked snapshot.

The snapshot lives in ``econ/data/vault_snapshot/`` and is installed with the package
(editable installs and wheels alike), so a clone with nothing beside it runs every study on
the real public data. It is a vault like any other (see :mod:`econ.data.providers.vault`):
``MANIFEST.csv``, ``SOURCES*.md`` and ``README.md`` as published, and every data file ``X``
stored as ``X.xz`` (files that already are ``.gz`` are stored as they are). The vault
reader opens ``X.xz`` when ``X`` is absent and hashes the *decompressed* bytes, so a series
read from the snapshot carries the same sha256 as the same series read from the original
folder.

``SNAPSHOT.csv`` records, for every file, its original name, size and sha256 and the name
and sha256 of what is stored. It is written by this module's command line::

    python -m econ.data.snapshot build --from ../shared/data/raw   # (re)build the snapshot
    python -m econ.data.snapshot verify [--against ../shared/data/raw]
    python -m econ.data.snapshot extract DEST                       # a plain copy of the vault

The data remain their publishers'; see the README's rights statement and ``SOURCES.md``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import lzma
import sys
from dataclasses import dataclass
from pathlib import Path

from econ.data.errors import ManifestError
from econ.io import atomic_write_bytes

SNAPSHOT_DIR = Path(__file__).resolve().parent / "vault_snapshot"
INDEX = "SNAPSHOT.csv"
#: Files copied uncompressed (small, and read by people as well as by the package).
PLAIN = ("MANIFEST.csv", "README.md", "SOURCES.md", "SOURCES_US.md")
#: Suffixes already compressed: stored as they are.
COMPRESSED = (".gz", ".xz", ".bz2", ".zip")
_XZ_PRESET = 9


@dataclass(frozen=True)
class Entry:
    """One file of the snapshot: the original and what is stored for it."""

    file: str
    bytes: int
    sha256: str
    stored_as: str
    stored_sha256: str


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_name(name: str) -> str:
    """The name under which ``name`` is stored in the snapshot."""
    if name in PLAIN or name.endswith(COMPRESSED):
        return name
    return name + ".xz"


def default_snapshot() -> Path | None:
    """The installed snapshot folder, or ``None`` when it is not there (e.g. removed)."""
    return SNAPSHOT_DIR if (SNAPSHOT_DIR / "MANIFEST.csv").is_file() else None


def read_index(root: str | Path = SNAPSHOT_DIR) -> list[Entry]:
    """Read ``SNAPSHOT.csv`` of the snapshot at ``root``."""
    path = Path(root) / INDEX
    if not path.is_file():
        raise ManifestError(f"{path} does not exist: the snapshot is incomplete; rebuild it with "
                            "`python -m econ.data.snapshot build --from VAULT`")
    with path.open(encoding="utf-8", newline="") as fh:
        return [Entry(r["file"], int(r["bytes"]), r["sha256"], r["stored_as"], r["stored_sha256"])
                for r in csv.DictReader(fh)]


def original_bytes(root: str | Path, entry: Entry) -> bytes:
    """The original bytes of ``entry`` (decompressed when the snapshot stores it as ``.xz``)."""
    data = (Path(root) / entry.stored_as).read_bytes()
    return lzma.decompress(data) if entry.stored_as != entry.file else data


def build(source: str | Path, dest: str | Path = SNAPSHOT_DIR) -> list[Entry]:
    """Write a snapshot of the vault ``source`` into ``dest`` (replacing what was there).

    Every regular file of ``source`` is taken (sub-folders are not part of a vault). The
    result is deterministic: the same source gives the same bytes.
    """
    src, out = Path(source).resolve(), Path(dest)
    if not (src / "MANIFEST.csv").is_file():
        raise ManifestError(f"{src} is not a vault (no MANIFEST.csv)")
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for path in sorted(p for p in src.iterdir() if p.is_file() and not p.name.startswith(".")):
        data = path.read_bytes()
        name = stored_name(path.name)
        stored = data if name == path.name else lzma.compress(data, preset=_XZ_PRESET)
        atomic_write_bytes(out / name, stored)
        entries.append(Entry(path.name, len(data), _sha(data), name, _sha(stored)))
    keep = {e.stored_as for e in entries} | {INDEX}
    for old in out.iterdir():
        if old.is_file() and old.name not in keep:
            old.unlink()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["file", "bytes", "sha256", "stored_as", "stored_sha256"])
    writer.writerows([e.file, e.bytes, e.sha256, e.stored_as, e.stored_sha256] for e in entries)
    atomic_write_bytes(out / INDEX, buf.getvalue().encode("utf-8"))
    return entries


def verify(root: str | Path = SNAPSHOT_DIR, against: str | Path | None = None) -> list[str]:
    """Problems found (empty list: all good).

    Checks every stored file against its recorded hashes and, with ``against``, that the
    folder ``against`` holds exactly the same files with the same sha256.
    """
    root = Path(root)
    problems = []
    entries = read_index(root)
    for e in entries:
        stored = root / e.stored_as
        if not stored.is_file():
            problems.append(f"{e.stored_as}: missing from the snapshot")
            continue
        if _sha(stored.read_bytes()) != e.stored_sha256:
            problems.append(f"{e.stored_as}: stored bytes fail their sha256")
            continue
        if _sha(original_bytes(root, e)) != e.sha256:
            problems.append(f"{e.file}: content fails its sha256")
    if against is not None:
        other = Path(against)
        names = {p.name for p in other.iterdir() if p.is_file() and not p.name.startswith(".")}
        recorded = {e.file: e for e in entries}
        for name in sorted(names - set(recorded)):
            problems.append(f"{name}: in {other} but not in the snapshot (rebuild it)")
        for name in sorted(set(recorded) - names):
            problems.append(f"{name}: in the snapshot but not in {other}")
        for name in sorted(names & set(recorded)):
            if _sha((other / name).read_bytes()) != recorded[name].sha256:
                problems.append(f"{name}: differs from {other / name} (rebuild the snapshot)")
    return problems


def extract(dest: str | Path, root: str | Path = SNAPSHOT_DIR) -> Path:
    """Write a plain copy of the vault (original files, checked by hash) into ``dest``."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for e in read_index(root):
        data = original_bytes(root, e)
        if _sha(data) != e.sha256:
            raise ManifestError(f"snapshot file {e.stored_as} fails its sha256; reinstall the package")
        atomic_write_bytes(dest / e.file, data)
    return dest


def _size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.iterdir() if p.is_file())


def main(argv: list[str] | None = None) -> int:
    """Command line: ``build``, ``verify``, ``extract`` (see the module docstring)."""
    ap = argparse.ArgumentParser(prog="python -m econ.data.snapshot", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="(re)build the snapshot from a vault folder")
    b.add_argument("--from", dest="source", required=True, help="the vault folder, e.g. ../shared/data/raw")
    b.add_argument("--to", dest="dest", default=str(SNAPSHOT_DIR), help="snapshot folder (default: the package's)")
    v = sub.add_parser("verify", help="check the snapshot's hashes (and against a vault folder)")
    v.add_argument("--against", default=None)
    v.add_argument("--root", default=str(SNAPSHOT_DIR))
    x = sub.add_parser("extract", help="write a plain copy of the vault")
    x.add_argument("dest")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "build":
            entries = build(args.source, args.dest)
            print(f"snapshot of {len(entries)} files ({sum(e.bytes for e in entries) / 1e6:.1f} MB) "
                  f"in {args.dest}: {_size(Path(args.dest)) / 1e6:.2f} MB on disk")
        elif args.cmd == "verify":
            problems = verify(args.root, args.against)
            for p in problems:
                print(p, file=sys.stderr)
            print("snapshot OK" if not problems else f"{len(problems)} problem(s)")
            return 1 if problems else 0
        else:
            print(f"extracted the snapshot into {extract(args.dest)}")
    except (ManifestError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
