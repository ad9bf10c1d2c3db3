"""One verdict policy for every claim: a registry of declared hypotheses, one engine.

The package knows nothing of any article here. A *claims registry* (a TOML file, data only)
lists every claim id with its statement, the article's numbers and its **parts**: the
sub-hypotheses a referee tests separately. Studies return each part's numbers
(:class:`econ.study.PartResult`); this module turns them into outcomes and verdicts under one
policy, declared once below and stated in the paper.

The policy
----------
The p-value that enters every rule is the grid-adjusted one (Romano–Wolf within the part's
specification grid, from the grid's null draws) wherever the part declares a grid, else the
test's own p-value. With ``alpha`` = :data:`econ.policy.ALPHA`:

* **direction** part (a claimed sign): *supported* = the estimate has the claimed sign and
  p < alpha; *contradicted* = the opposite sign and p < alpha; *no evidence* otherwise. A
  *no evidence* outcome carries the test's power against the article's effect size where the
  registry gives one (normal approximation from the standard error, or the study's own
  simulation) and always the minimum detectable effect at 80% power where a standard error
  exists, so "no evidence" is never read as "evidence against".
* **value** part (the article reports a number): *reproduced* = the article's number lies
  within the declared tolerance of ours (exact replications, with the convention stated), or
  else inside our 95% confidence interval, or else (where the study tests the article's value
  directly) the test does not reject it; *not reproduced* otherwise.
* **forecast** part (a dated call): scored after publication against the base rate of the
  same move in every earlier window of that length: *supported* = the call came true and the
  base-rate p < alpha; *no evidence* = it came true but a move that common is unremarkable
  (p >= alpha); *contradicted* = it did not come true.
* **dating** part (a dated peak, trough or break): *reproduced* = the dated event lies within
  the declared window of the article's date (the date's own interval is shown beside it);
  *not reproduced* otherwise, or when no event is dated.
* a part that rests only on **proxies** for a quantity the data do not measure, or whose data
  the study could not find, is *untestable* (the proxy evidence is still shown).
* **claim verdict**: every testable part supported/reproduced -> *supported*; none
  supported/reproduced -> *not supported*; some of each -> *mixed*; no testable part ->
  *untestable with the data at hand*; no study yet -> *not yet studied*.

Holm and Benjamini–Hochberg p-values across all parts of all claims are reported beside the
verdicts (:func:`adjust_across_parts`); they do not enter the verdicts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from econ.policy import ALPHA

__all__ = [
    "KINDS",
    "ClaimSpec",
    "ClaimVerdict",
    "PartOutcome",
    "PartSpec",
    "PartVerdict",
    "Registry",
    "RegistryError",
    "Verdict",
    "adjust_across_parts",
    "judge_claim",
    "judge_part",
    "judge_all",
    "reproduces",
]

#: The kinds of part the policy knows.
KINDS: tuple[str, ...] = ("direction", "value", "forecast", "dating")

#: Power reported for the minimum detectable effect.
MDE_POWER: float = 0.80

_ID = re.compile(r"[A-Z]\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class RegistryError(ValueError):
    """The claims registry, or what a study returned for it, breaks the registry's rules."""


class PartOutcome(StrEnum):
    """What one part's numbers say under the policy."""

    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    NO_EVIDENCE = "no evidence"
    REPRODUCED = "reproduced"
    NOT_REPRODUCED = "not reproduced"
    UNTESTABLE = "untestable"
    NOT_STUDIED = "not yet studied"


POSITIVE = frozenset({PartOutcome.SUPPORTED, PartOutcome.REPRODUCED})
NEGATIVE = frozenset({PartOutcome.CONTRADICTED, PartOutcome.NO_EVIDENCE, PartOutcome.NOT_REPRODUCED})


class Verdict(StrEnum):
    """A claim's verdict."""

    SUPPORTED = "supported"
    NOT_SUPPORTED = "not supported"
    MIXED = "mixed"
    UNTESTABLE = "untestable with the data at hand"
    NOT_STUDIED = "not yet studied"


# ----------------------------------------------------------------------------- registry
@dataclasses.dataclass(frozen=True)
class PartSpec:
    """One declared sub-hypothesis of a claim (see the module docstring for the kinds)."""

    claim: str
    name: str
    kind: str
    quantity: str
    headline: str
    grid: str = ""              # "<study>/<grid name>" whose Romano–Wolf p enters the rule
    sign: int = 0               # direction / forecast: +1 or -1
    effect: float | None = None  # direction: the article's effect size, in the estimate's units
    value: float | None = None  # value: the article's number
    tolerance: float | None = None  # value: exact-replication tolerance (absolute)
    convention: str = ""        # value with tolerance: the convention that makes it exact
    date: str = ""              # dating: the article's date
    window_days: int | None = None  # dating: how far from ``date`` still counts
    proxy_only: bool = False    # rests only on proxies for a quantity the data do not measure
    needs: str = ""             # data that would settle it (untestable parts)

    @property
    def key(self) -> str:
        return f"{self.claim}.{self.name}"

    def side(self) -> str:
        """The article's side of the part in a few characters (for compact tables)."""
        if self.kind == "direction":
            return "> 0" if self.sign > 0 else "< 0"
        if self.kind == "value":
            return f"= {self.value:g}" + (f" ± {self.tolerance:g}" if self.tolerance is not None else "")
        if self.kind == "forecast":
            return "up" if self.sign > 0 else "down"
        return f"{self.date} ± {self.window_days} d"

    def claimed(self) -> str:
        """The article's side of the part, in words."""
        if self.kind == "direction":
            return f"{self.quantity} {'> 0' if self.sign > 0 else '< 0'}"
        if self.kind == "value":
            tol = f" ± {self.tolerance:g}" if self.tolerance is not None else ""
            return f"{self.quantity} = {self.value:g}{tol}"
        if self.kind == "forecast":
            return f"{self.quantity}: {'up' if self.sign > 0 else 'down'}"
        return f"{self.quantity} on {self.date} (± {self.window_days} days)"


@dataclasses.dataclass(frozen=True)
class ClaimSpec:
    """A claim id of the catalogue with its parts."""

    id: str
    seed: str
    statement: str
    article_numbers: str
    study: str = ""
    needs: str = ""
    parts: tuple[PartSpec, ...] = ()

    def part(self, name: str) -> PartSpec:
        for p in self.parts:
            if p.name == name:
                return p
        raise RegistryError(f"claim {self.id}, part {name}: not declared in the registry "
                            f"(declared: {', '.join(p.name for p in self.parts) or 'none'})")


@dataclasses.dataclass(frozen=True)
class Registry:
    """The claims registry: every claim id with its parts, read from a TOML file."""

    claims: tuple[ClaimSpec, ...]
    articles: Mapping[str, str]
    untestable: tuple[Mapping[str, str], ...] = ()
    sha256: str = ""
    path: str = ""

    @classmethod
    def load(cls, path: str | Path) -> Registry:
        """Read and validate a registry; every error names the claim id and part."""
        raw = Path(path).read_bytes()
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise RegistryError(f"{path}: not a valid TOML registry ({exc})") from exc
        return cls.from_dict(data, sha256=hashlib.sha256(raw).hexdigest(), path=str(path))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, sha256: str = "", path: str = "") -> Registry:
        articles = {str(k): str(v) for k, v in dict(data.get("articles", {})).items()}
        claims, seen = [], set()
        for entry in data.get("claims", []):
            c = _claim_spec(entry, articles)
            if c.id in seen:
                raise RegistryError(f"claim {c.id}: declared twice in the registry")
            seen.add(c.id)
            claims.append(c)
        untestable = tuple({"what": str(u["what"]), "needs": str(u["needs"]), "seed": str(u.get("seed", ""))}
                           for u in data.get("untestable", []))
        return cls(claims=tuple(sorted(claims, key=lambda c: claim_sort_key(c.id))), articles=articles,
                   untestable=untestable, sha256=sha256, path=path)

    def claim(self, claim_id: str) -> ClaimSpec:
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise RegistryError(f"claim {claim_id}: not in the claims registry")

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.claims]

    def for_study(self, study: str) -> list[ClaimSpec]:
        return [c for c in self.claims if c.study == study]

    def check_ids(self, catalogue_ids: Iterable[str]) -> None:
        """Every catalogued id is in the registry and the registry holds no other id."""
        cat = set(catalogue_ids)
        extra = sorted(set(self.ids) - cat, key=claim_sort_key)
        missing = sorted(cat - set(self.ids), key=claim_sort_key)
        if extra:
            raise RegistryError(f"claim {extra[0]}: in the registry but absent from the claims catalogue "
                                f"(all such ids: {', '.join(extra)})")
        if missing:
            raise RegistryError(f"claim {missing[0]}: in the claims catalogue but missing from the registry "
                                f"(all such ids: {', '.join(missing)})")

    def check_study(self, study: str, claims: Sequence[str], parts: Sequence[str]) -> None:
        """A study's declared claims and parts agree with the registry (called before it runs)."""
        for cid in claims:
            c = self.claim(cid)
            if c.study != study:
                raise RegistryError(f"claim {cid}: study '{study}' declares it, but the registry assigns it to "
                                    f"'{c.study or 'no study'}'")
        for key in parts:
            cid, _, name = key.partition(".")
            if cid not in claims:
                raise RegistryError(f"claim {cid}, part {name}: study '{study}' declares the part but not the claim")
            self.claim(cid).part(name)
        declared = set(parts)
        for cid in claims:
            for p in self.claim(cid).parts:
                if p.key not in declared:
                    raise RegistryError(f"claim {cid}, part {p.name}: in the registry but study '{study}' "
                                        "does not declare it")


def claim_sort_key(claim: str) -> tuple[str, int]:
    m = re.fullmatch(r"([A-Z])(\d+)", claim)
    return (m.group(1), int(m.group(2))) if m else (claim, 0)


def catalogue_ids(text: str) -> list[str]:
    """Claim ids defined in a claims catalogue (Markdown lines ``- **A1 ...``)."""
    ids = re.findall(r"^\s*-\s*\*\*([A-Z]\d+)\b", text, flags=re.M)
    ids += re.findall(r"\*\*([A-Z]\d+)\*\*", text)
    ids += re.findall(r"[.;]\s+\*\*([A-Z]\d+)\b", text)
    return sorted(set(ids), key=claim_sort_key)


def _req(entry: Mapping[str, Any], field: str, where: str) -> Any:
    v = entry.get(field)
    if v is None or (isinstance(v, str) and not v.strip()):
        raise RegistryError(f"{where}: missing '{field}'")
    return v


def _claim_spec(entry: Mapping[str, Any], articles: Mapping[str, str]) -> ClaimSpec:
    cid = str(entry.get("id", "")).strip()
    if not _ID.fullmatch(cid):
        raise RegistryError(f"claim '{cid}': an id is a capital letter and a number (e.g. A1)")
    where = f"claim {cid}"
    seed = str(_req(entry, "seed", where))
    if articles and seed not in articles:
        raise RegistryError(f"{where}: seed '{seed}' is not among the registry's articles")
    parts, names = [], set()
    for pe in entry.get("parts", []):
        p = _part_spec(cid, pe)
        if p.name in names:
            raise RegistryError(f"{where}, part {p.name}: declared twice")
        names.add(p.name)
        parts.append(p)
    needs = str(entry.get("needs", ""))
    if not parts and not needs:
        raise RegistryError(f"{where}: declares no parts and no 'needs' (what data would settle it)")
    return ClaimSpec(id=cid, seed=seed, statement=str(_req(entry, "statement", where)),
                     article_numbers=str(entry.get("article_numbers", "")), study=str(entry.get("study", "")),
                     needs=needs, parts=tuple(parts))


def _part_spec(cid: str, pe: Mapping[str, Any]) -> PartSpec:
    name = str(pe.get("name", "")).strip()
    where = f"claim {cid}, part {name or '?'}"
    if not name:
        raise RegistryError(f"{where}: missing 'name'")
    known = {f.name for f in dataclasses.fields(PartSpec)} - {"claim"}
    unknown = sorted(set(pe) - known)
    if unknown:
        raise RegistryError(f"{where}: unknown field(s) {', '.join(unknown)}")
    kind = str(_req(pe, "kind", where))
    if kind not in KINDS:
        raise RegistryError(f"{where}: unknown kind '{kind}' (known: {', '.join(KINDS)})")
    _req(pe, "quantity", where)
    _req(pe, "headline", where)
    sign = pe.get("sign", 0)
    if isinstance(sign, str):
        sign = {"positive": 1, "negative": -1}.get(sign, sign)
    if kind in ("direction", "forecast") and sign not in (1, -1):
        raise RegistryError(f"{where}: a {kind} part needs a claimed sign ('positive' or 'negative')")
    if kind == "value":
        value = _req(pe, "value", where)
        if not isinstance(value, (int, float)):
            raise RegistryError(f"{where}: 'value' must be a number")
        if pe.get("tolerance") is not None and not str(pe.get("convention", "")).strip():
            raise RegistryError(f"{where}: a tolerance needs the 'convention' under which the number is exact")
    if kind == "dating":
        date = str(_req(pe, "date", where))
        if not _DATE.fullmatch(date):
            raise RegistryError(f"{where}: 'date' must be YYYY-MM-DD")
        _req(pe, "window_days", where)
    if pe.get("proxy_only") and not str(pe.get("needs", "")).strip():
        raise RegistryError(f"{where}: a proxy-only part must say what data would settle it ('needs')")
    grid = str(pe.get("grid", ""))
    if grid and "/" not in grid:
        raise RegistryError(f"{where}: 'grid' is '<study>/<grid name>'")
    return PartSpec(
        claim=cid, name=name, kind=kind, quantity=str(pe["quantity"]), headline=str(pe["headline"]), grid=grid,
        sign=int(sign or 0), effect=_float(pe.get("effect")), value=_float(pe.get("value")),
        tolerance=_float(pe.get("tolerance")), convention=str(pe.get("convention", "")),
        date=str(pe.get("date", "")), window_days=None if pe.get("window_days") is None else int(pe["window_days"]),
        proxy_only=bool(pe.get("proxy_only", False)), needs=str(pe.get("needs", "")))


def _float(x: Any) -> float | None:
    return None if x is None else float(x)


# ----------------------------------------------------------------------------- judging
@dataclasses.dataclass
class PartVerdict:
    """A part's numbers and its outcome under the policy."""

    claim: str
    name: str
    kind: str
    quantity: str
    claimed: str
    outcome: PartOutcome
    reason: str
    side: str = ""
    estimate: float | None = None
    ci: tuple[float, float] | None = None
    pvalue: float | None = None
    pvalue_adjusted: float | None = None
    adjustment: str = ""
    power: float | None = None
    mde: float | None = None
    date: str | None = None
    date_ci: tuple[str, str] | None = None
    proxy: str = ""
    test: str = ""
    detail: str = ""
    needs: str = ""
    headline: str = ""
    grid: str = ""
    se: float | None = None
    right: bool | None = None
    missing: str = ""
    pvalue_holm: float | None = None
    pvalue_bh: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["outcome"] = str(self.outcome)
        d["ci"] = list(self.ci) if self.ci is not None else None
        d["date_ci"] = list(self.date_ci) if self.date_ci is not None else None
        return _finite(d)


@dataclasses.dataclass
class ClaimVerdict:
    """A claim's verdict with every part."""

    claim: str
    seed: str
    article: str
    statement: str
    article_numbers: str
    study: str
    verdict: Verdict
    reason: str
    parts: list[PartVerdict]
    needs: str = ""
    synthetic: bool = False

    def to_dict(self, registry_sha256: str = "") -> dict[str, Any]:
        return _finite({
            "claim": self.claim, "seed": self.seed, "article": self.article, "statement": self.statement,
            "article_numbers": self.article_numbers, "study": self.study or None, "verdict": str(self.verdict),
            "reason": self.reason, "needs": self.needs or None, "synthetic": self.synthetic,
            "parts": [p.to_dict() for p in self.parts], "registry_sha256": registry_sha256,
        })


def _finite(obj: Any) -> Any:
    """Strict-JSON values: NaN/inf -> None, numpy scalars -> Python, tuples -> lists."""
    if isinstance(obj, dict):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else f
    return obj


def _num(x: Any) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def _g(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def power_against(effect: float, se: float, alpha: float = ALPHA) -> float:
    """Power of a two-sided z-test at ``alpha`` against a true effect ``effect`` (normal approx.)."""
    from scipy import stats

    z = stats.norm.ppf(1 - alpha / 2)
    d = abs(effect) / se
    return float(stats.norm.cdf(d - z) + stats.norm.cdf(-d - z))


def minimum_detectable_effect(se: float, alpha: float = ALPHA, power: float = MDE_POWER) -> float:
    """Smallest |effect| a two-sided z-test at ``alpha`` detects with ``power`` (normal approx.)."""
    from scipy import stats

    return float((stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) * se)


def judge_part(spec: PartSpec, numbers: Any | None, *, alpha: float = ALPHA) -> PartVerdict:
    """Apply the policy to one part.

    Parameters
    ----------
    spec
        The registry's declaration of the part.
    numbers
        What the study returned for it (an :class:`econ.study.PartResult` or a mapping with the
        same fields), with ``pvalue_adjusted`` filled from the part's grid where it has one;
        ``None`` when no study has estimated it.
    """
    base = dict(claim=spec.claim, name=spec.name, kind=spec.kind, quantity=spec.quantity, claimed=spec.claimed(),
                side=spec.side(),
                headline=spec.headline, grid=spec.grid, needs=spec.needs)
    if numbers is None:
        return PartVerdict(**base, outcome=PartOutcome.NOT_STUDIED, reason="no study estimates this part yet")
    n = numbers if isinstance(numbers, Mapping) else dataclasses.asdict(numbers)
    est, se = _num(n.get("estimate")), _num(n.get("se"))
    ci = n.get("ci")
    ci = (float(ci[0]), float(ci[1])) if ci is not None and all(_num(c) is not None for c in ci) else None
    raw_p, adj_p = _num(n.get("pvalue")), _num(n.get("pvalue_adjusted"))
    date_ci = n.get("date_ci")
    pv = PartVerdict(**base, outcome=PartOutcome.UNTESTABLE, reason="", estimate=est, ci=ci, pvalue=raw_p,
                     pvalue_adjusted=adj_p, adjustment=str(n.get("adjustment") or ""), power=_num(n.get("power")),
                     date=n.get("date") or None, date_ci=tuple(date_ci) if date_ci else None,
                     proxy=str(n.get("proxy") or ""), test=str(n.get("test") or ""), detail=str(n.get("detail") or ""),
                     se=se, right=None if n.get("right") is None else bool(n.get("right")),
                     missing=str(n.get("missing") or ""))
    missing = pv.missing
    if spec.proxy_only:
        pv.reason = f"rests only on proxies; the data do not measure it (needs {spec.needs})"
        return pv
    if missing:
        pv.reason = f"data missing: {missing}"
        pv.needs = spec.needs or missing
        return pv
    where = f"claim {spec.claim}, part {spec.name}"
    if spec.kind == "direction":
        if spec.grid and adj_p is None:
            raise RegistryError(f"{where}: declares grid '{spec.grid}' but has no grid-adjusted p-value "
                                "(the grid needs null draws and the headline spec in it)")
        p = adj_p if spec.grid else raw_p
        if est is None or p is None:
            raise RegistryError(f"{where}: the study returned no estimate or p-value")
        which = "Romano–Wolf p" if spec.grid else "p"
        same = (est > 0) == (spec.sign > 0) and est != 0
        if p < alpha:
            pv.outcome = PartOutcome.SUPPORTED if same else PartOutcome.CONTRADICTED
            pv.reason = (f"estimate {_g(est)} has the {'claimed' if same else 'opposite'} sign, "
                         f"{which} {_g(p)} < {alpha:g}")
        else:
            pv.outcome = PartOutcome.NO_EVIDENCE
            pv.reason = f"estimate {_g(est)}, {which} {_g(p)} ≥ {alpha:g}"
            if se is not None and se > 0:
                pv.mde = minimum_detectable_effect(se, alpha)
                if pv.power is None and spec.effect is not None:
                    pv.power = power_against(spec.effect, se, alpha)
            if pv.power is not None:
                pv.reason += f"; power against the article's effect {_g(pv.power)}"
            if pv.mde is not None:
                pv.reason += f"; detectable at 80% power: |effect| ≥ {_g(pv.mde)}"
        return pv
    if spec.kind == "value":
        if est is None:
            raise RegistryError(f"{where}: the study returned no estimate")
        if spec.tolerance is not None:
            ok = abs(est - spec.value) <= spec.tolerance + 1e-12
            pv.reason = (f"ours {_g(est)} vs the article's {_g(spec.value)}: "
                         f"{'within' if ok else 'outside'} ± {spec.tolerance:g} ({spec.convention})")
        elif ci is not None:
            ok = ci[0] <= spec.value <= ci[1]
            pv.reason = (f"the article's {_g(spec.value)} {'inside' if ok else 'outside'} our 95% CI "
                         f"[{_g(ci[0])}, {_g(ci[1])}]")
        elif raw_p is not None:
            ok = raw_p >= alpha
            pv.reason = (f"test of the article's {_g(spec.value)}: p {_g(raw_p)} "
                         f"{'≥' if ok else '<'} {alpha:g}")
        else:
            raise RegistryError(f"{where}: a value part without a tolerance needs a CI or a test p-value")
        pv.outcome = PartOutcome.REPRODUCED if ok else PartOutcome.NOT_REPRODUCED
        return pv
    if spec.kind == "forecast":
        right = n.get("right")
        if right is None or raw_p is None:
            raise RegistryError(f"{where}: a forecast part needs 'right' and a base-rate p-value")
        if not right:
            pv.outcome = PartOutcome.CONTRADICTED
            pv.reason = f"the call did not come true (move {_g(est)}; base-rate p {_g(raw_p)})"
        elif raw_p < alpha:
            pv.outcome = PartOutcome.SUPPORTED
            pv.reason = f"the call came true (move {_g(est)}), base-rate p {_g(raw_p)} < {alpha:g}"
        else:
            pv.outcome = PartOutcome.NO_EVIDENCE
            pv.reason = (f"the call came true (move {_g(est)}), but so did the same move in many earlier "
                         f"windows: base-rate p {_g(raw_p)} ≥ {alpha:g}")
        return pv
    # dating
    if not pv.date:
        pv.outcome = PartOutcome.NOT_REPRODUCED
        pv.reason = f"no event dated ({pv.detail or 'none found'})"
        return pv
    gap = abs((pd.Timestamp(pv.date) - pd.Timestamp(spec.date)).days)
    ok = gap <= (spec.window_days or 0)
    pv.outcome = PartOutcome.REPRODUCED if ok else PartOutcome.NOT_REPRODUCED
    interval = f" (interval {pv.date_ci[0]} to {pv.date_ci[1]})" if pv.date_ci else ""
    pv.reason = (f"dated {pv.date}{interval}, {gap} days from the article's {spec.date}: "
                 f"{'within' if ok else 'outside'} ± {spec.window_days} days")
    return pv


def reproduces(spec: PartSpec, estimate: float) -> bool:
    """Whether ``estimate`` reproduces value part ``spec`` under the policy (for descriptive grids)."""
    return judge_part(spec, {"estimate": estimate}).outcome == PartOutcome.REPRODUCED


def judge_claim(spec: ClaimSpec, parts: Sequence[PartVerdict], *, article: str = "",
                synthetic: bool = False) -> ClaimVerdict:
    """The claim's verdict from its parts' outcomes (the policy's last rule)."""
    studied = [p for p in parts if p.outcome != PartOutcome.NOT_STUDIED]
    testable = [p for p in studied if p.outcome in POSITIVE | NEGATIVE]
    pos = [p for p in testable if p.outcome in POSITIVE]
    neg = [p for p in testable if p.outcome in NEGATIVE]
    needs = spec.needs or "; ".join(dict.fromkeys(p.needs for p in parts
                                                  if p.outcome == PartOutcome.UNTESTABLE and p.needs))
    if not spec.parts:
        verdict, reason = Verdict.UNTESTABLE, f"no part can be tested with public data; needs {spec.needs}"
    elif not studied:
        verdict, reason = Verdict.NOT_STUDIED, "no study estimates this claim yet"
    elif not testable:
        verdict = Verdict.UNTESTABLE
        reason = "no testable part" + (f"; needs {needs}" if needs else "")
    else:
        if not neg:
            verdict = Verdict.SUPPORTED
        elif not pos:
            verdict = Verdict.NOT_SUPPORTED
        else:
            verdict = Verdict.MIXED
        reason = "; ".join(f"{p.name} {p.outcome}" for p in studied)
        if verdict == Verdict.NOT_SUPPORTED:
            powers = [p.power for p in neg if p.outcome == PartOutcome.NO_EVIDENCE and p.power is not None]
            if powers:
                reason += f"; power of the no-evidence tests against the article's effect: {min(powers):.2f}–{max(powers):.2f}"
            elif any(p.outcome == PartOutcome.NO_EVIDENCE for p in neg) and not any(
                    p.outcome in (PartOutcome.CONTRADICTED, PartOutcome.NOT_REPRODUCED) for p in neg):
                reason += "; no evidence either way (absence of evidence, not evidence against)"
        not_studied = [p.name for p in parts if p.outcome == PartOutcome.NOT_STUDIED]
        if not_studied:
            reason += f"; not yet studied: {', '.join(not_studied)}"
    return ClaimVerdict(claim=spec.id, seed=spec.seed, article=article, statement=spec.statement,
                        article_numbers=spec.article_numbers, study=spec.study, verdict=verdict, reason=reason,
                        parts=list(parts), needs=needs, synthetic=synthetic)


def judge_all(registry: Registry, part_numbers: Mapping[str, Any], *, synthetic: Iterable[str] = (),
              alpha: float = ALPHA) -> list[ClaimVerdict]:
    """Verdicts of every claim of the registry.

    ``part_numbers`` maps ``"<claim>.<part>"`` to the study's numbers; a key the registry does
    not declare is an error. ``synthetic`` lists the claim ids whose numbers rest on synthetic
    data. Holm / BH across all parts are filled in.
    """
    declared = {p.key for c in registry.claims for p in c.parts}
    for key in part_numbers:
        if key not in declared:
            cid, _, name = key.partition(".")
            raise RegistryError(f"claim {cid}, part {name}: a study returned numbers for a part the registry "
                                "does not declare")
    synth = set(synthetic)
    out = []
    for c in registry.claims:
        parts = [judge_part(p, part_numbers.get(p.key), alpha=alpha) for p in c.parts]
        out.append(judge_claim(c, parts, article=registry.articles.get(c.seed, ""), synthetic=c.id in synth))
    adjust_across_parts(out)
    return out


def policy_p(p: PartVerdict) -> float | None:
    """The p-value the policy uses for a part (grid-adjusted where the part has a grid)."""
    if p.kind not in ("direction", "forecast") or p.outcome in (PartOutcome.UNTESTABLE, PartOutcome.NOT_STUDIED):
        return None
    return p.pvalue_adjusted if p.grid and p.pvalue_adjusted is not None else p.pvalue


def adjust_across_parts(verdicts: Sequence[ClaimVerdict]) -> None:
    """Holm and Benjamini–Hochberg over every tested direction/forecast part (in place)."""
    from econ.robust.multiple import benjamini_hochberg, holm

    parts = [p for v in verdicts for p in v.parts]
    base = np.array([np.nan if policy_p(p) is None else policy_p(p) for p in parts], dtype=float)
    if not np.isfinite(base).any():
        return
    h, b = holm(base), benjamini_hochberg(base)
    for p, hv, bv in zip(parts, h, b, strict=True):
        p.pvalue_holm = None if not np.isfinite(hv) else float(hv)
        p.pvalue_bh = None if not np.isfinite(bv) else float(bv)


def recompute(record: Mapping[str, Any], registry: Registry, *, alpha: float = ALPHA) -> ClaimVerdict:
    """Re-derive a claim's verdict from the part numbers stored in a ``claims.json`` record."""
    spec = registry.claim(record["claim"])
    parts = []
    for p in spec.parts:
        stored = next((r for r in record["parts"] if r["name"] == p.name), None)
        if stored is None or stored["outcome"] == str(PartOutcome.NOT_STUDIED):
            parts.append(judge_part(p, None, alpha=alpha))
            continue
        parts.append(judge_part(p, stored, alpha=alpha))
    return judge_claim(spec, parts, article=record.get("article", ""), synthetic=record.get("synthetic", False))
