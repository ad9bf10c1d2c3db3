"""Studies run on worker processes (``jobs=2``) publish the same bytes as one after another,
figures drawn in the workers included; the schedule is longest-first by measured cost."""

import json
from pathlib import Path

import pytest

from econ.config import Settings
from econ.runner import _schedule, render_outputs, run_studies, shipped_costs, start_worker_server

pytestmark = pytest.mark.vault
#: a grid with its specification curve (style_deviation), line figures (eras), tables only (shrinking_money)
STUDIES = ["style_deviation", "eras", "shrinking_money"]
RUN_RECORDS = {"results/manifest.json", "tables/manifest.tex"}


def _files(paper: Path) -> dict[str, bytes]:
    return {p.relative_to(paper).as_posix(): p.read_bytes() for p in sorted(paper.rglob("*")) if p.is_file()
            and p.relative_to(paper).as_posix() not in RUN_RECORDS}


def test_workers_publish_the_bytes_of_a_serial_run(vault, tmp_path):
    from studies import resolve

    papers = {}
    for jobs in (1, 2):
        paper = tmp_path / f"paper{jobs}"
        report = run_studies(resolve(STUDIES), Settings.resolve(vault=vault, cache=tmp_path / f"c{jobs}",
                                                                paper=paper), jobs=jobs)
        assert not report.errors, report.errors
        papers[jobs] = _files(paper)
    assert any(k.startswith("figures/style_deviation_") and k.endswith("_curve.pdf") for k in papers[2])
    assert any(k.endswith(".png") for k in papers[2])
    assert papers[1].keys() == papers[2].keys()
    assert [k for k in papers[1] if papers[1][k] != papers[2][k]] == []


def test_a_worker_server_started_early_is_the_one_the_run_forks_from(vault, tmp_path):
    from multiprocessing import forkserver

    from studies import resolve

    start_worker_server(["studies.eras"])  # what `econ run all --jobs N` does before importing the studies
    pid = forkserver._forkserver._forkserver_pid
    assert pid is not None
    report = run_studies(resolve(["eras", "shrinking_money"]),
                         Settings.resolve(vault=vault, cache=tmp_path / "c", paper=tmp_path / "paper"), jobs=2)
    assert not report.errors, report.errors
    assert set(report.results) == {"eras", "shrinking_money"}
    assert forkserver._forkserver._forkserver_pid == pid  # no second server


def test_render_outputs_is_what_publish_writes(vault, tmp_path):
    from studies import resolve

    paper = tmp_path / "paper"
    report = run_studies(resolve(["eras"]), Settings.resolve(vault=vault, cache=tmp_path / "c", paper=paper),
                         png=False)
    drawn = render_outputs(report.results["eras"], png=False)
    assert drawn and not any(k.endswith(".png") for k in drawn)
    for rel, data in drawn.items():
        assert (paper / rel).read_bytes() == data, rel


def test_schedule_is_costliest_first_unknown_first_of_all():
    class S:
        def __init__(self, name):
            self.name = name

    order = _schedule([S("a"), S("b"), S("c"), S("d")], {"a": 1.0, "b": 30.0, "d": 30.0})
    assert [s.name for s in order] == ["c", "b", "d", "a"]


def test_shipped_costs_cover_the_studies():
    from econ.studyindex import study_modules

    costs = shipped_costs()
    names = {m.rpartition(".")[2] for m in study_modules()}
    assert costs and set(costs) <= names
    assert all(v >= 0 for v in costs.values())
    here = Path(__file__).resolve().parents[2] / "studies" / "costs.json"
    assert json.loads(here.read_text(encoding="utf-8")) == costs
