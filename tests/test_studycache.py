"""The study cache's content key: which code a study runs, and what changes the key."""

from __future__ import annotations

from pathlib import Path

from econ import studycache as sc

REPO = Path(__file__).resolve().parents[1]


def _rel(paths: list[Path]) -> set[str]:
    return {p.resolve().relative_to(REPO).as_posix() for p in paths}


def test_import_closure_follows_imports_and_only_them():
    closure = _rel(sc.import_closure("studies.style_deviation"))
    assert {"studies/style_deviation.py", "studies/common.py", "econ/study.py", "econ/data/loader.py",
            "econ/models/__init__.py", "econ/models/breaks.py", "econ/robust/executor.py"} <= closure
    assert "econ/models/regimes.py" not in closure  # A1 does not fit Markov models
    assert "studies/regimes.py" not in closure
    regimes = _rel(sc.import_closure("studies.regimes"))
    assert {"econ/models/regimes.py", "econ/models/threshold.py"} <= regimes


def test_imports_parse_relative_parenthesised_and_nested_forms(tmp_path):
    f = tmp_path / "mod.py"
    f.write_text("import os, econ.io as io\nfrom . import sibling\nfrom ..pkg import (a,\n    b as c)\n"
                 "def f():\n    from econ.models.regimes import fit_markov\n", encoding="utf-8")
    got = sc._imports_of(str(f), 1, 1, "top.sub.mod", False)
    assert {"os", "econ.io", "top.sub", "top.sub.sibling", "top.pkg", "top.pkg.a", "top.pkg.b",
            "econ.models.regimes", "econ.models.regimes.fit_markov"} <= got


def test_code_digest_changes_with_any_file_of_the_closure(monkeypatch, tmp_path):
    before = sc.code_digest("studies.style_deviation")
    # the same closure with one file's bytes changed (a copy of the tree, so the repo is untouched)
    import shutil

    for pkg in ("econ", "studies"):
        shutil.copytree(REPO / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(sc, "_roots", lambda: {"econ": tmp_path / "econ", "studies": tmp_path / "studies"})
    sc.code_digest.cache_clear()
    same = sc.code_digest("studies.style_deviation")
    target = tmp_path / "econ" / "models" / "breaks.py"
    target.write_text(target.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    sc.code_digest.cache_clear()
    changed = sc.code_digest("studies.style_deviation")
    untouched = tmp_path / "econ" / "models" / "regimes.py"
    sc.code_digest.cache_clear()
    a1_before_regimes_edit = sc.code_digest("studies.style_deviation")
    untouched.write_text(untouched.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    sc.code_digest.cache_clear()
    a1_after_regimes_edit = sc.code_digest("studies.style_deviation")
    (tmp_path / "studies" / "claims.toml").write_text("[A1]\n", encoding="utf-8")
    sc.code_digest.cache_clear()
    with_registry = sc.code_digest("studies.style_deviation")
    sc.code_digest.cache_clear()
    assert changed != same
    assert a1_before_regimes_edit == a1_after_regimes_edit  # a module A1 does not import
    assert with_registry != a1_after_regimes_edit  # the claims registry counts when present
    assert before  # the real tree's digest was computable
