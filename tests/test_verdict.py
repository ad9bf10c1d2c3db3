"""The verdict engine: every branch of the declared policy on constructed cases, the registry's
rules and errors, and the package's own registry against the claims catalogue and the studies."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from scipy import stats

from econ.verdict import (
    PartOutcome,
    Registry,
    RegistryError,
    Verdict,
    catalogue_ids,
    judge_all,
    judge_claim,
    judge_part,
    minimum_detectable_effect,
    power_against,
    recompute,
)

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO.parent / "shared" / "CLAIMS.md"


def _registry(*parts, needs="", extra_claims=()):
    claims = [{"id": "Z1", "seed": "x", "statement": "s", "study": "zz", "parts": list(parts), "needs": needs}]
    return Registry.from_dict({"claims": claims + list(extra_claims)})


def _dir(name="d", **kw):
    return {"name": name, "kind": "direction", "quantity": "β", "sign": "negative", "headline": "h", **kw}


def _one(part, numbers):
    reg = _registry(part)
    return judge_part(reg.claims[0].parts[0], numbers)


# ----------------------------------------------------------------------------- direction
@pytest.mark.parametrize("est,p,outcome", [
    (-0.5, 0.01, PartOutcome.SUPPORTED),
    (0.5, 0.01, PartOutcome.CONTRADICTED),
    (-0.5, 0.20, PartOutcome.NO_EVIDENCE),
    (0.5, 0.20, PartOutcome.NO_EVIDENCE),
])
def test_direction_branches(est, p, outcome):
    assert _one(_dir(), {"estimate": est, "pvalue": p}).outcome == outcome


def test_direction_uses_the_grid_adjusted_p_where_there_is_a_grid():
    part = _dir(grid="zz/g")
    # raw p would support; the Romano–Wolf p over the grid does not
    v = _one(part, {"estimate": -0.5, "pvalue": 0.003, "pvalue_adjusted": 0.41})
    assert v.outcome == PartOutcome.NO_EVIDENCE and "Romano–Wolf p 0.41" in v.reason
    # without a grid the raw p decides
    assert _one(_dir(), {"estimate": -0.5, "pvalue": 0.003, "pvalue_adjusted": 0.41}).outcome == PartOutcome.SUPPORTED
    with pytest.raises(RegistryError, match="claim Z1, part d: declares grid 'zz/g' but has no grid-adjusted"):
        _one(part, {"estimate": -0.5, "pvalue": 0.003})


def test_no_evidence_carries_power_and_the_minimum_detectable_effect():
    # reference: normal-approximation power of a two-sided z test, 1 − Φ(z − d) + Φ(−z − d)
    z = stats.norm.ppf(0.975)
    assert minimum_detectable_effect(1.0) == pytest.approx(z + stats.norm.ppf(0.8), abs=1e-12)  # 2.8016
    assert power_against(minimum_detectable_effect(0.3), 0.3) == pytest.approx(0.80, abs=0.001)
    assert power_against(0.0, 1.0) == pytest.approx(0.05, abs=1e-12)
    v = _one(_dir(effect=-0.2), {"estimate": -0.1, "se": 0.1, "pvalue": 0.32})
    assert v.outcome == PartOutcome.NO_EVIDENCE
    assert v.power == pytest.approx(stats.norm.cdf(2 - z) + stats.norm.cdf(-2 - z), abs=1e-12)  # 0.516
    assert v.mde == pytest.approx(0.28016, abs=1e-4) and "power against the article's effect 0.516" in v.reason
    # a study's own (simulated) power wins over the normal approximation
    assert _one(_dir(effect=-0.2), {"estimate": -0.1, "se": 0.1, "pvalue": 0.32, "power": 0.31}).power == 0.31


# ----------------------------------------------------------------------------- value
def _val(**kw):
    return {"name": "v", "kind": "value", "quantity": "q", "headline": "h", "value": -800.0, **kw}


def test_value_with_tolerance_is_an_exact_replication():
    part = _val(tolerance=120.0, convention="daily closes")
    assert _one(part, {"estimate": -700.0}).outcome == PartOutcome.REPRODUCED
    assert _one(part, {"estimate": -920.0}).outcome == PartOutcome.REPRODUCED  # the edge counts
    v = _one(part, {"estimate": -625.4})
    assert v.outcome == PartOutcome.NOT_REPRODUCED and "(daily closes)" in v.reason


def test_value_with_a_ci_or_a_test_of_the_article_number():
    assert _one(_val(), {"estimate": -750.0, "ci": [-900.0, -600.0]}).outcome == PartOutcome.REPRODUCED
    assert _one(_val(), {"estimate": -650.0, "ci": [-700.0, -600.0]}).outcome == PartOutcome.NOT_REPRODUCED
    assert _one(_val(), {"estimate": -790.0, "pvalue": 0.4}).outcome == PartOutcome.REPRODUCED
    assert _one(_val(), {"estimate": -500.0, "pvalue": 0.01}).outcome == PartOutcome.NOT_REPRODUCED
    with pytest.raises(RegistryError, match="needs a CI or a test p-value"):
        _one(_val(), {"estimate": -790.0})


# ----------------------------------------------------------------------------- forecast
def _fc():
    return {"name": "f", "kind": "forecast", "quantity": "12-month move", "sign": "negative", "headline": "h"}


@pytest.mark.parametrize("right,p,outcome", [
    (True, 0.02, PartOutcome.SUPPORTED),
    (True, 0.31, PartOutcome.NO_EVIDENCE),
    (False, 0.90, PartOutcome.CONTRADICTED),
])
def test_forecast_is_scored_against_the_base_rate(right, p, outcome):
    assert _one(_fc(), {"estimate": -6.1, "right": right, "pvalue": p}).outcome == outcome


# ----------------------------------------------------------------------------- dating
def _dating():
    return {"name": "t", "kind": "dating", "quantity": "peak", "date": "2023-11-15", "window_days": 45,
            "headline": "h"}


def test_dating_window_and_interval():
    v = _one(_dating(), {"date": "2023-12-29", "date_ci": ["2023-10-31", "2024-02-29"]})
    assert v.outcome == PartOutcome.REPRODUCED and "44 days" in v.reason and "2023-10-31 to 2024-02-29" in v.reason
    assert _one(_dating(), {"date": "2024-01-31"}).outcome == PartOutcome.NOT_REPRODUCED
    assert _one(_dating(), {"date": None, "detail": "peak at the window's edge"}).outcome == PartOutcome.NOT_REPRODUCED


# ----------------------------------------------------------------------------- untestable parts
def test_proxy_only_and_missing_data_are_untestable_with_evidence_kept():
    v = _one({**_dating(), "proxy_only": True, "needs": "a crowding measure"}, {"date": "2023-11-30"})
    assert v.outcome == PartOutcome.UNTESTABLE and v.date == "2023-11-30" and "crowding measure" in v.reason
    w = _one(_dir(needs="fund holdings"), {"missing": "fund_holdings_by_stock.csv", "detail": "implied lead 0"})
    assert w.outcome == PartOutcome.UNTESTABLE and w.needs == "fund holdings" and w.detail == "implied lead 0"
    assert _one(_dir(), None).outcome == PartOutcome.NOT_STUDIED


# ----------------------------------------------------------------------------- claim verdicts
def _claim(*outcomes):
    """A claim with one direction part per requested outcome (numbers constructed to produce it)."""
    numbers = {PartOutcome.SUPPORTED: {"estimate": -1.0, "pvalue": 0.01},
               PartOutcome.CONTRADICTED: {"estimate": 1.0, "pvalue": 0.01},
               PartOutcome.NO_EVIDENCE: {"estimate": -0.1, "se": 0.1, "pvalue": 0.3},
               PartOutcome.UNTESTABLE: {"missing": "data"},
               PartOutcome.NOT_STUDIED: None}
    reg = _registry(*[_dir(f"p{i}", effect=-0.3) for i in range(len(outcomes))])
    given = {f"Z1.p{i}": numbers[o] for i, o in enumerate(outcomes) if numbers[o] is not None}
    return judge_all(reg, given)[0]


@pytest.mark.parametrize("outcomes,verdict", [
    ((PartOutcome.SUPPORTED, PartOutcome.SUPPORTED), Verdict.SUPPORTED),
    ((PartOutcome.SUPPORTED, PartOutcome.UNTESTABLE), Verdict.SUPPORTED),
    ((PartOutcome.SUPPORTED, PartOutcome.NO_EVIDENCE), Verdict.MIXED),
    ((PartOutcome.SUPPORTED, PartOutcome.CONTRADICTED), Verdict.MIXED),
    ((PartOutcome.CONTRADICTED, PartOutcome.NO_EVIDENCE), Verdict.NOT_SUPPORTED),
    ((PartOutcome.NO_EVIDENCE, PartOutcome.NO_EVIDENCE), Verdict.NOT_SUPPORTED),
    ((PartOutcome.UNTESTABLE, PartOutcome.UNTESTABLE), Verdict.UNTESTABLE),
    ((PartOutcome.NOT_STUDIED, PartOutcome.NOT_STUDIED), Verdict.NOT_STUDIED),
])
def test_claim_verdict_from_parts(outcomes, verdict):
    v = _claim(*outcomes)
    assert [p.outcome for p in v.parts] == list(outcomes)
    assert v.verdict == verdict


def test_not_supported_from_no_evidence_says_its_power():
    v = _claim(PartOutcome.NO_EVIDENCE, PartOutcome.NO_EVIDENCE)
    assert "power of the no-evidence tests against the article's effect: 0.85–0.85" in v.reason  # Φ(3 − 1.96) = 0.851
    reg = _registry(_dir("a"), _dir("b"))
    w = judge_all(reg, {"Z1.a": {"estimate": -0.1, "pvalue": 0.3}, "Z1.b": {"estimate": 0.2, "pvalue": 0.5}})[0]
    assert "absence of evidence, not evidence against" in w.reason


def test_claim_without_parts_is_untestable_with_its_needs():
    reg = _registry(needs="turnover by stock for three markets")
    v = judge_all(reg, {})[0]
    assert v.verdict == Verdict.UNTESTABLE and v.needs == "turnover by stock for three markets"


def test_holm_and_bh_across_all_parts_use_the_policy_p():
    from statsmodels.stats.multitest import multipletests

    reg = _registry(_dir("a", grid="zz/g"), _dir("b"), _val(name="c"))
    out = judge_all(reg, {"Z1.a": {"estimate": -1, "pvalue": 0.001, "pvalue_adjusted": 0.03},
                          "Z1.b": {"estimate": -1, "pvalue": 0.02},
                          "Z1.c": {"estimate": -800, "ci": [-900, -700], "pvalue": 0.5}})[0]
    holm = multipletests([0.03, 0.02], method="holm")[1]
    assert [out.parts[0].pvalue_holm, out.parts[1].pvalue_holm] == pytest.approx(list(holm))
    assert out.parts[2].pvalue_holm is None  # value parts are not tests of an effect


# ----------------------------------------------------------------------------- registry errors
@pytest.mark.parametrize("part,message", [
    ({**_dir(), "kind": "slope"}, "claim Z1, part d: unknown kind 'slope'"),
    ({k: v for k, v in _dir().items() if k != "sign"}, "claim Z1, part d: a direction part needs a claimed sign"),
    ({k: v for k, v in _dir().items() if k != "headline"}, "claim Z1, part d: missing 'headline'"),
    ({**_dir(), "colour": "red"}, "claim Z1, part d: unknown field"),
    (_val(tolerance=1.0), "claim Z1, part v: a tolerance needs the 'convention'"),
    ({**_dating(), "date": "Nov 2023"}, "claim Z1, part t: 'date' must be YYYY-MM-DD"),
    ({**_dir(), "proxy_only": True}, "claim Z1, part d: a proxy-only part must say what data"),
])
def test_bad_registry_entries_name_claim_and_part(part, message):
    with pytest.raises(RegistryError, match=re.escape(message)):
        _registry(part)


def test_registry_ids_and_undeclared_parts():
    reg = _registry(_dir())
    with pytest.raises(RegistryError, match="claim Z1: in the registry but absent from the claims catalogue"):
        reg.check_ids(["A1"])
    with pytest.raises(RegistryError, match="claim A1: in the claims catalogue but missing from the registry"):
        reg.check_ids(["A1", "Z1"])
    with pytest.raises(RegistryError, match="claim Z1, part zz: a study returned numbers for a part"):
        judge_all(reg, {"Z1.zz": {"estimate": 1.0}})
    with pytest.raises(RegistryError, match="claim Z1, part e: not declared in the registry"):
        reg.check_study("zz", ("Z1",), ("Z1.d", "Z1.e"))
    with pytest.raises(RegistryError, match="claim Z1, part d: in the registry but study 'zz' does not declare it"):
        reg.check_study("zz", ("Z1",), ())
    with pytest.raises(RegistryError, match="claim Z1: declared twice"):
        Registry.from_dict({"claims": [{"id": "Z1", "seed": "x", "statement": "s", "needs": "n"}] * 2})


def test_a_bad_registry_stops_the_run_before_any_estimation(tmp_path):
    from econ.config import Settings
    from econ.runner import run_studies
    from econ.study import Study

    class Never(Study):
        name, title, claims, parts = "zz", "t", ("Z1",), ("Z1.d", "Z1.undeclared")

        def run(self, loader, *, progress=None):  # pragma: no cover - must not be reached
            raise AssertionError("estimated before the registry was checked")

    settings = Settings.resolve(vault=None, cache=tmp_path / "c", paper=tmp_path / "p", synthetic=True)
    with pytest.raises(RegistryError, match="claim Z1, part undeclared"):
        run_studies([Never()], settings, registry=_registry(_dir()))


# ----------------------------------------------------------------------------- the package's registry
def test_the_registry_covers_every_catalogued_id():
    from studies.declared import registry

    reg = registry()
    assert len(reg.ids) == len(set(reg.ids))
    if not CATALOGUE.is_file():
        pytest.skip("../shared/CLAIMS.md not beside this checkout")
    ids = catalogue_ids(CATALOGUE.read_text(encoding="utf-8"))
    assert len(ids) >= 45
    reg.check_ids(ids)


def test_every_study_declares_exactly_its_registry_parts():
    from studies import registry as studies
    from studies.declared import registry

    reg = registry()
    covered = set()
    for name, study in studies().items():
        reg.check_study(name, study.claims, study.parts)
        covered |= set(study.claims)
    assert covered == {c.id for c in reg.claims if c.study}


def test_no_study_module_decides_an_outcome():
    literal = re.compile(r"""["'](supported|not supported|mixed|contradicted|no evidence|reproduced)["']""")
    for path in sorted((REPO / "studies").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not literal.search(text), f"{path.name} holds an outcome literal"
        assert "Outcome." not in text and "Verdict(" not in text and "judge_" not in text, path.name


def test_published_claims_recompute_from_their_parts():
    """Every verdict in the committed paper/results/claims.json recomputes from its parts."""
    from studies.declared import registry

    path = REPO / "paper" / "results" / "claims.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    reg = registry()
    assert [r["claim"] for r in records] == reg.ids and all(r["registry_sha256"] == reg.sha256 for r in records)
    for rec in records:
        again = recompute(rec, reg)
        assert str(again.verdict) == rec["verdict"], rec["claim"]
        assert [str(p.outcome) for p in again.parts] == [p["outcome"] for p in rec["parts"]], rec["claim"]


def test_judge_claim_is_a_pure_function_of_outcomes():
    reg = _registry(_dir("a"), _dir("b"))
    spec = reg.claims[0]
    parts = [judge_part(spec.parts[0], {"estimate": -1, "pvalue": 0.01}),
             judge_part(spec.parts[1], {"estimate": 1, "pvalue": 0.01})]
    assert judge_claim(spec, parts).verdict == Verdict.MIXED
