"""Studies known without importing them (econ.studyindex), and the study cache's input key.

A rerun with nothing changed must not import the study modules (statsmodels, arch, matplotlib:
seconds), yet see the same studies, claims, parts and cache keys as an import would; a study
whose code changed must be imported. The inputs' fingerprint must come from the bytes of the
vault file that serves a series, including the shipped snapshot's ``.xz`` form.
"""

from __future__ import annotations

import json
import lzma
import pickle
import subprocess
import sys

import pytest

from econ import studycache as sc
from econ import studyindex as si

PROBE = """
import json, sys
from econ.studyindex import LazyStudy, lazy_registry
reg = lazy_registry(sys.argv[1])
heavy = sorted(m for m in ("statsmodels", "arch", "matplotlib", "linearmodels", "studies.regimes") if m in sys.modules)
print(json.dumps({"lazy": sorted(k for k, s in reg.items() if isinstance(s, LazyStudy)), "heavy": heavy,
                  "studies": {k: [s.name, list(s.claims), list(s.parts), list(s.series)] for k, s in reg.items()}}))
"""


def _probe(folder) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(folder)], capture_output=True, text=True, check=True,
                         cwd=sc._roots()["econ"].parent)
    return json.loads(out.stdout)


def test_second_run_knows_every_study_without_importing_one(tmp_path):
    first = _probe(tmp_path)  # imports every study module and records it
    second = _probe(tmp_path)
    assert first["lazy"] == [] and first["heavy"]  # the first run had to import (statsmodels & co.)
    assert second["lazy"] == sorted(second["studies"]) and second["heavy"] == []
    assert second["studies"] == first["studies"]  # same names, claims, parts and series
    assert {"regimes", "us10y_csi300", "bands"} <= set(second["studies"])


def test_changed_code_is_imported_and_lazy_studies_keep_their_cache_key(tmp_path, monkeypatch):
    real = si.lazy_registry(tmp_path)  # records (imports in this process)
    lazy = si.lazy_registry(tmp_path)
    assert all(isinstance(s, si.LazyStudy) for s in lazy.values())
    cache = sc.StudyCache(tmp_path / "c")
    for key, study in real.items():
        assert not isinstance(study, si.LazyStudy)
        assert cache.base_key(lazy[key], synthetic=False) == cache.base_key(study, synthetic=False)
        assert sc.study_identity(lazy[key]) == sc.study_identity(study)
    # a study module whose code digest changed is imported again (its record does not match)
    digest = si.code_digest
    monkeypatch.setattr(si, "code_digest", lambda m: digest(m) + ("x" if m == "studies.eras" else ""))
    after = si.lazy_registry(tmp_path)
    assert not isinstance(after["eras"], si.LazyStudy)
    assert isinstance(after["regimes"], si.LazyStudy)


def test_lazy_study_imports_on_use_and_pickles_as_the_real_study(tmp_path):
    si.lazy_registry(tmp_path)
    lazy = si.lazy_registry(tmp_path)["eras"]
    real = sys.modules["studies.eras"].STUDY
    assert lazy.title == real.title  # an attribute the record does not hold: imported
    assert pickle.loads(pickle.dumps(lazy)) is real  # a worker process gets the real study
    from studies import resolve

    for names in (["C6"], ["eras"], ["eras", "C6"], ["all"]):  # by claim id or module name, like studies.resolve
        assert [s.name for s in si.lazy_resolve(names, tmp_path)] == [s.name for s in resolve(names)]
    with pytest.raises(KeyError, match="no study"):
        si.lazy_resolve(["Z99"], tmp_path)


CSV = "date,close\n2024-01-02,3000\n2024-01-03,3010\n2024-01-04,3020\n"
ROW = "cn.index.csi300.close,c300.csv,date,close,index points,business daily,CSI 300"


def _loader(tmp_path, *vaults):
    from econ.config import Settings
    from econ.data.loader import DataLoader

    return DataLoader(Settings.resolve(vault=list(vaults), cache=tmp_path / "cache", live=False))


def test_input_fingerprint_from_the_serving_vaults_bytes_xz_form_included(tmp_path, make_vault):
    sid = "cn.index.csi300.close"
    packed = make_vault(tmp_path / "snap", {}, [ROW])
    (packed / "c300.csv.xz").write_bytes(lzma.compress(CSV.encode()))  # the snapshot's form: X.xz for X
    loader = _loader(tmp_path, packed)
    assert loader.fetch(sid).series.iloc[-1] == 3020  # the vault serves it from the .xz file
    fp = sc._vault_fingerprint(loader, sid)
    assert fp is not None and fp.startswith("vault|")  # from the file bytes, not a full read
    assert sc.StudyCache.input_hashes(_loader(tmp_path, packed), [sid]) == {sid: fp}  # stable
    (packed / "c300.csv.xz").write_bytes(lzma.compress(CSV.replace("3020", "3021").encode()))
    changed = sc._vault_fingerprint(_loader(tmp_path, packed), sid)
    assert changed != fp
    (packed / "ACCEPT.csv").write_text("series_id,check,first,last,reason\n", encoding="utf-8")
    accepted = sc._vault_fingerprint(_loader(tmp_path, packed), sid)
    assert accepted != changed  # the declared acceptances the loader's checks use count
    top = make_vault(tmp_path / "top", {"c300.csv": CSV}, [ROW])
    stacked = sc._vault_fingerprint(_loader(tmp_path, top, packed), sid)
    assert stacked not in (fp, changed, accepted)  # another vault serves it now
