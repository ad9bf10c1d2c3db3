"""Publish a study's outputs whole or not at all, and keep an index of what is published.

A study's outputs (tables, figures, result JSON, curve JSONs) are first written into a
*staging* folder ``<paper>/.staging/<study>.<pid>.<random>/`` that mirrors the paper layout.
:func:`commit` then

1. checks every destination (a folder or other non-file in the way fails here, before
   anything is touched) and hard-links each file it will replace into the staging folder;
2. writes the *journal* ``COMMIT.json`` into the staging folder with one atomic rename: the
   switch. Before it, nothing is published; after it, the publication will complete;
3. moves every staged file onto its destination (``os.replace``, atomic per file), removes
   the study's outputs it no longer produces, and records the study in the index;
4. removes the staging folder.

If step 3 fails inside the process (a full disk, an unwritable destination) the replaced
files are restored from their hard links and :class:`PublishError` says that nothing was
published. If the process dies (a kill, a power cut), :func:`recover`, run at the start of
every run, rolls a journalled publication forward and deletes staging folders without a
journal, of processes that are gone, and stray temporary files: the paper then holds the old
outputs or the new ones, whole.

The index ``<paper>/results/index.json`` lists every published study with the vault and the
input series (provider, source file and its SHA-256, the series' own SHA-256, range) it was
computed from, the SHA-256 of each output file and the result record itself. The claims
table, the number macros, the curve summaries, the data appendix and the run manifest are
all built from it, never from a glob of ``results/*.json``: a stray ``x.bak.json`` or a
conflict-marked file cannot enter the claims. A paper folder without an index (published by
an older version) is read once from its result files, strictly (``<study>.json`` whose
``study`` field is its name), and the index is written with the next publication.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
import shutil
import time
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from econ.io import atomic_write_bytes, atomic_write_text

__all__ = ["INDEX", "PublishError", "PublishWarning", "Stage", "commit", "read_index", "recover",
           "stage"]

#: The index of published studies, relative to the paper folder.
INDEX = "results/index.json"
STAGING = ".staging"
JOURNAL = "COMMIT.json"
_BACKUP = ".replaced"
_FORMAT = 1
_RESERVED = frozenset({"claims.json", "manifest.json", "index.json"})


class PublishError(RuntimeError):
    """A study's outputs could not be published; the previous outputs are untouched."""


class PublishWarning(UserWarning):
    """Something in the paper folder was repaired or ignored (named in the message)."""


def _notice(msg: str) -> None:
    warnings.warn(msg, PublishWarning, stacklevel=3)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclasses.dataclass
class Stage:
    """A staging folder for one study's outputs (paths relative to the paper folder)."""

    paper: Path
    study: str
    root: Path

    def path(self, rel: str) -> Path:
        """Where the output ``rel`` (e.g. ``tables/a1.tex``) is staged; its folder exists."""
        rel = Path(rel).as_posix()
        if rel.startswith("/") or ".." in Path(rel).parts:
            raise ValueError(f"output path must stay inside the paper folder: {rel}")
        out = self.root / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        return out

    @property
    def files(self) -> list[str]:
        """Every staged output (relative paths, sorted)."""
        out = []
        for p in self.root.rglob("*"):
            rel = p.relative_to(self.root).as_posix()
            if p.is_file() and rel != JOURNAL and not rel.startswith(_BACKUP + "/") \
                    and not p.name.endswith(".tmp"):
                out.append(rel)
        return sorted(out)

    def write_text(self, rel: str, text: str) -> Path:
        atomic_write_text(self.path(rel), text)
        return self.paper / rel

    def write_bytes(self, rel: str, data: bytes) -> Path:
        atomic_write_bytes(self.path(rel), data)
        return self.paper / rel

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        try:
            self.root.parent.rmdir()  # the staging folder goes once no publication uses it
        except OSError:
            pass


def stage(paper: Path, study: str) -> Stage:
    """A fresh staging folder for ``study`` under ``<paper>/.staging``."""
    base = Path(paper) / STAGING
    base.mkdir(parents=True, exist_ok=True)
    root = base / f"{study}.{os.getpid()}.{secrets.token_hex(4)}"
    root.mkdir()
    return Stage(paper=Path(paper), study=study, root=root)


# ---------------------------------------------------------------------------------------
# the index
# ---------------------------------------------------------------------------------------
def read_index(paper: Path) -> dict[str, dict[str, Any]]:
    """Published studies by name (sorted). Without a readable index, the strict legacy read."""
    path = Path(paper) / INDEX
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == _FORMAT and isinstance(data.get("studies"), dict):
                return dict(sorted(data["studies"].items()))
            raise ValueError(f"unknown index format {data.get('format')!r}")
        except (OSError, ValueError, AttributeError) as exc:
            _notice(f"{path} is unreadable ({type(exc).__name__}: {str(exc)[:80]}); rebuilding it from the "
                    "result files (it is rewritten with the next publication)")
    return _legacy_index(Path(paper))


def write_index(paper: Path, studies: Mapping[str, Mapping[str, Any]]) -> Path:
    path = Path(paper) / INDEX
    payload = {"format": _FORMAT, "studies": dict(sorted(studies.items()))}
    atomic_write_text(path, json.dumps(payload, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return path


def _legacy_index(paper: Path) -> dict[str, dict[str, Any]]:
    """Index entries from a paper folder published before the index existed.

    Only ``results/<study>.json`` files that parse and whose ``study`` field equals the file
    name count (so ``x.bak.json`` or ``x (copy).json`` never do); inputs come from the old
    run manifest where it has them.
    """
    folder = paper / "results"
    if not folder.is_dir():
        return {}
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    inputs = manifest.get("inputs", {}) if isinstance(manifest, dict) else {}
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(folder.glob("*.json")):
        if p.name in _RESERVED:
            continue
        try:
            result = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _notice(f"{p} is not valid JSON (a conflict-marked or damaged file?); ignored")
            continue
        if not isinstance(result, dict) or result.get("study") != p.stem:
            _notice(f"{p} is not the result file of a study named {p.stem!r}; ignored")
            continue
        files = {f"results/{p.name}": file_sha256(p)}
        curves = folder / "curves"
        for c in sorted(curves.glob(f"{p.stem}_*.json")) if curves.is_dir() else []:
            try:
                if json.loads(c.read_text(encoding="utf-8")).get("study") == p.stem:
                    files[f"results/curves/{c.name}"] = file_sha256(c)
            except (OSError, ValueError, AttributeError):
                continue
        ids = [str(s) for s in result.get("data_ids", [])]
        out[p.stem] = {"study": p.stem, "migrated": True, "result": result, "files": files,
                       "vault": manifest.get("vault") if isinstance(manifest, dict) else None,
                       "synthetic": bool(result.get("synthetic", False)), "result_key": None,
                       "inputs": {s: inputs[s] for s in ids if s in inputs}}
    return out


# ---------------------------------------------------------------------------------------
# commit and recovery
# ---------------------------------------------------------------------------------------
def commit(st: Stage, entry: Mapping[str, Any] | None, *, remove: Iterable[str] = ()) -> list[Path]:
    """Publish everything staged in ``st`` together (see the module docstring).

    Parameters
    ----------
    st
        The staging folder, with every output of the study written into it.
    entry
        The study's index entry (``files`` is filled in here), or ``None`` for outputs that
        are not a study's (the summaries built from the index).
    remove
        Outputs (relative paths) to delete in the same publication: the study's outputs of
        its previous publication that it no longer produces.

    Returns
    -------
    list of Path
        The published files.

    Raises
    ------
    PublishError
        When nothing was published (the previous outputs are untouched).
    """
    paper = st.paper
    try:
        moves = st.files
        gone = sorted(set(remove) - set(moves))
        for rel in moves + gone:
            dest = paper / rel
            if dest.exists() and not dest.is_file():
                raise PublishError(f"{dest} is in the way (not a regular file)")
            if rel in moves:
                dest.parent.mkdir(parents=True, exist_ok=True)
                if not os.access(dest.parent, os.W_OK):
                    raise PublishError(f"{dest.parent} is not writable")
        record = None
        if entry is not None:
            record = dict(entry)
            record["files"] = {rel: file_sha256(st.root / rel) for rel in moves}
        for rel in moves + gone:  # keep the files about to be replaced, to restore them on failure
            dest = paper / rel
            if dest.is_file():
                keep = st.root / _BACKUP / rel
                keep.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(dest, keep)
                except OSError:
                    shutil.copy2(dest, keep)
        journal = {"study": st.study, "files": moves, "remove": gone, "entry": record}
        atomic_write_text(st.root / JOURNAL, json.dumps(journal, sort_keys=True, ensure_ascii=False))
    except PublishError:
        st.discard()
        raise
    except OSError as exc:
        st.discard()
        raise PublishError(f"staging {st.study} failed: {exc}") from exc
    # ---- the switch happened: apply, restoring the old files if this process cannot finish
    try:
        _apply(paper, st.root, journal)
    except Exception as exc:
        _rollback(paper, st.root, journal)
        st.discard()
        raise PublishError(f"publishing {st.study} failed ({type(exc).__name__}: {exc}); "
                           "its previous outputs are restored") from exc
    st.discard()
    return [paper / rel for rel in moves]


def _apply(paper: Path, root: Path, journal: Mapping[str, Any]) -> None:
    for rel in journal["files"]:
        src = root / rel
        if src.is_file():  # absent when an interrupted publication is rolled forward
            os.replace(src, paper / rel)
    for rel in journal["remove"]:
        dest = paper / rel
        if dest.is_file():
            dest.unlink()
    entry = journal.get("entry")
    if entry is not None:
        studies = read_index(paper)
        studies[journal["study"]] = entry
        write_index(paper, studies)


def _rollback(paper: Path, root: Path, journal: Mapping[str, Any]) -> None:
    for rel in list(journal["files"]) + list(journal["remove"]):
        keep, dest = root / _BACKUP / rel, paper / rel
        try:
            if keep.is_file():
                os.replace(keep, dest)
            elif rel in journal["files"] and not (root / rel).exists() and dest.is_file():
                dest.unlink()  # a new file that had no predecessor
        except OSError:
            continue


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def recover(paper: Path, *, tmp_age: float = 60.0) -> list[str]:
    """Finish or clean up what an interrupted run left in ``paper``; returns what was done.

    A staging folder with a journal is rolled forward (its study is then published whole);
    one without a journal, of a process that no longer runs, is deleted (nothing of it was
    published). Temporary files of interrupted atomic writes older than ``tmp_age``
    seconds are deleted.
    """
    paper = Path(paper)
    done: list[str] = []
    base = paper / STAGING
    for root in sorted(base.iterdir()) if base.is_dir() else []:
        try:
            pid = int(root.name.split(".")[-2])
        except (IndexError, ValueError):
            pid = -1
        if pid > 0 and _alive(pid) and pid != os.getpid():
            continue  # another run is publishing right now
        journal_path = root / JOURNAL
        journal = None
        if journal_path.is_file():
            try:
                journal = json.loads(journal_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                journal = None
        if journal is not None:
            _apply(paper, root, journal)
            done.append(f"completed the interrupted publication of {journal['study']}")
        else:
            done.append(f"removed the leftovers of an interrupted run ({root.name}; nothing of it was published)")
        shutil.rmtree(root, ignore_errors=True)
    if base.is_dir() and not any(base.iterdir()):
        base.rmdir()
    now = time.time()
    for sub in ("tables", "figures", "results", "results/curves"):
        folder = paper / sub
        for tmp in sorted(folder.glob(".*.tmp")) if folder.is_dir() else []:
            try:
                if now - tmp.stat().st_mtime > tmp_age:
                    tmp.unlink()
                    done.append(f"removed a temporary file of an interrupted write ({sub}/{tmp.name})")
            except OSError:
                continue
    for msg in done:
        _notice(f"{paper}: {msg}")
    return done
