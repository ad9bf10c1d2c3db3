"""Fault injection: damaged grid-cache entries are detected, reported and recomputed.

Issue 10, part 4: random bytes in a grid-cache pickle raised ``MemoryError`` on every rerun,
and a bit flip silently changed a curve. Issue 14, part 6: the library versions are part of
the key. Each case writes a small grid to a cache, damages one entry, reruns, and asserts
the promise: a :class:`~econ.robust.cache.CacheWarning` naming the file, the spec recomputed,
the numbers equal to a clean run.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from econ.config import Settings
from econ.data.loader import DataLoader
from econ.robust import Grid, SpecEstimate, run_grid
from econ.robust import cache as cache_mod
from econ.robust.cache import CacheWarning, GridCache, seal, unseal

GRID = Grid({"b": [1, 2, 3]})


def _estimate(spec, loader):
    s = loader.series("cn.index.csi300.close")
    return SpecEstimate(estimate=float(spec["b"]) * float(s.iloc[:50].mean()), se=1.0, pvalue=0.5, nobs=50)


@pytest.fixture
def synth(tmp_path):
    return DataLoader(Settings.resolve(vault=None, cache=tmp_path / "store", synthetic=True))


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / "entries").glob("*.pkl"))


def _estimates(res) -> list[float]:
    return [e.estimate for e in res.estimates]


def _first_run(synth, folder):
    clean = run_grid(_estimate, GRID, loader=synth, cache_dir=folder)
    assert not any(clean.cached) and len(_entries(folder)) == 3
    again = run_grid(_estimate, GRID, loader=synth, cache_dir=folder)
    assert all(again.cached)
    return clean


def test_bit_flip_is_detected_and_recomputed(synth, tmp_path):
    folder = tmp_path / "grid"
    clean = _first_run(synth, folder)
    victim = _entries(folder)[0]
    data = bytearray(victim.read_bytes())
    data[-20] ^= 0x04  # one bit inside the pickled float payload region
    victim.write_bytes(bytes(data))
    with pytest.warns(CacheWarning, match=r"grid-cache entry .*fails its checksum"):
        res = run_grid(_estimate, GRID, loader=synth, cache_dir=folder)
    assert sum(res.cached) == 2  # the damaged one recomputed, the others read back
    assert _estimates(res) == _estimates(clean)  # not a silently different curve
    assert len(_entries(folder)) == 3 and unseal(victim.read_bytes()) is not None  # rewritten whole


def test_random_bytes_are_detected_and_recomputed(synth, tmp_path):
    folder = tmp_path / "grid"
    clean = _first_run(synth, folder)
    rng = np.random.default_rng(7)
    for victim in _entries(folder):
        victim.write_bytes(rng.integers(0, 256, size=4096, dtype=np.uint8).tobytes())
    with pytest.warns(CacheWarning, match="fails its checksum"):
        res = run_grid(_estimate, GRID, loader=synth, cache_dir=folder)
    assert not any(res.cached) and _estimates(res) == _estimates(clean)
    # the next run reads the rewritten entries without a notice
    res2 = run_grid(_estimate, GRID, loader=synth, cache_dir=folder)
    assert all(res2.cached)


def test_truncated_and_empty_entries(synth, tmp_path):
    folder = tmp_path / "grid"
    clean = _first_run(synth, folder)
    a, b, _ = _entries(folder)
    a.write_bytes(a.read_bytes()[: len(a.read_bytes()) // 2])
    b.write_bytes(b"")
    with pytest.warns(CacheWarning):
        res = run_grid(_estimate, GRID, loader=synth, cache_dir=folder)
    assert sum(res.cached) == 1 and _estimates(res) == _estimates(clean)


def test_an_unsealed_pickle_is_not_trusted(synth, tmp_path):
    """A plain pickle (the old format, or someone's file) is not unpickled: it could be anything."""
    folder = tmp_path / "grid"
    _first_run(synth, folder)
    victim = _entries(folder)[0]
    victim.write_bytes(pickle.dumps("not a spec result"))
    with pytest.warns(CacheWarning, match="fails its checksum"):
        res = run_grid(_estimate, GRID, loader=synth, cache_dir=folder)
    assert sum(res.cached) == 2


def test_seal_round_trip_and_every_single_bit_flip_is_caught():
    payload = pickle.dumps({"x": 1.5, "y": [1, 2, 3]})
    sealed = seal(payload)
    assert unseal(sealed) == payload
    for i in range(len(sealed)):
        for bit in (0x01, 0x80):
            bad = bytearray(sealed)
            bad[i] ^= bit
            assert unseal(bytes(bad)) != payload


def test_library_versions_are_part_of_the_key(monkeypatch):
    before = cache_mod.function_fingerprint(_estimate)
    versions = dict(cache_mod.library_versions())
    assert set(versions) == {"numpy", "pandas", "scipy", "statsmodels", "arch", "linearmodels"}
    assert versions["numpy"] == np.__version__
    bumped = tuple((k, v + ".post1" if k == "statsmodels" else v) for k, v in versions.items())
    monkeypatch.setattr(cache_mod, "library_versions", lambda: bumped)
    assert cache_mod.function_fingerprint(_estimate) != before


def test_library_upgrade_recomputes(synth, tmp_path, monkeypatch):
    folder = tmp_path / "grid"
    _first_run(synth, folder)
    bumped = tuple((k, v + ".post1" if k == "scipy" else v) for k, v in cache_mod.library_versions())
    monkeypatch.setattr(cache_mod, "library_versions", lambda: bumped)
    res = run_grid(_estimate, GRID, loader=synth, cache_dir=folder)
    assert not any(res.cached) and len(GridCache(folder)) == 6
