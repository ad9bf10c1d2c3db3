"""The master claims table: one row per claim id across all study results (the paper's Table 1).

Multiplicity: each verdict may carry ``pvalue_adjusted`` (the study's adjustment for the
specifications it tried, e.g. Romano–Wolf over its grid) with ``adjustment`` saying how. Across
the paper's claims, :func:`adjust_across_claims` adds Holm (family-wise error rate) and
Benjamini–Hochberg (false discovery rate) adjusted p-values over every claim with a p-value,
applied to the grid-adjusted p where a study gives one and to the raw p otherwise (a valid
p-value either way, so Holm keeps its guarantee over the whole table).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from econ.report.latex import escape
from econ.robust.multiple import benjamini_hochberg, holm

_ID = re.compile(r"([A-Z])(\d+)")


def claim_sort_key(claim: str) -> tuple[str, int]:
    m = _ID.fullmatch(claim)
    return (m.group(1), int(m.group(2))) if m else (claim, 0)


def claims_frame(results: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Rows of every verdict in ``results`` (study-result JSON dicts), sorted by claim id."""
    rows = []
    for res in results:
        for c in res["claims"]:
            rows.append({
                "claim": c["claim"], "study": res["study"], "article": c.get("article", ""),
                "statement": c["statement"],
                "article_value": c["article_value"], "estimate": c["estimate"], "ci": c["ci"],
                "pvalue": c["pvalue"], "test": c["test"], "outcome": c["outcome"], "reason": c["reason"],
                "rule": c["rule"], "proxy": c.get("proxy", ""), "needs": c.get("needs", ""),
                "synthetic": res.get("synthetic", False),
                "pvalue_adjusted": c.get("pvalue_adjusted"), "adjustment": c.get("adjustment", "") or "",
            })
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame = frame.sort_values("claim", key=lambda s: s.map(claim_sort_key), kind="stable").reset_index(drop=True)
    return adjust_across_claims(frame)


def adjust_across_claims(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``pvalue_holm`` and ``pvalue_bh``: adjusted over every claim with a p-value.

    The p-value adjusted is ``pvalue_adjusted`` (the study's within-grid adjustment) where
    present, else ``pvalue``; ``pvalue_family`` says which. Claims without a p-value get None.
    """
    out = frame.copy()
    base, family = [], []
    for adj, raw in zip(out.get("pvalue_adjusted", [None] * len(out)), out["pvalue"], strict=True):
        if not _missing(adj):
            base.append(float(adj))
            family.append("grid-adjusted")
        elif not _missing(raw):
            base.append(float(raw))
            family.append("raw")
        else:
            base.append(float("nan"))
            family.append("")
    arr = pd.Series(base, dtype=float).to_numpy()
    out["pvalue_family"] = family
    out["pvalue_holm"] = [None if x != x else float(x) for x in holm(arr)]
    out["pvalue_bh"] = [None if x != x else float(x) for x in benjamini_hochberg(arr)]
    return out


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and x != x)


def _num(x: Any) -> str:
    if _missing(x):
        return "--"
    a = abs(x)
    return f"{x:.0f}" if a >= 100 else f"{x:.3g}" if a >= 0.001 else f"{x:.2e}"


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def short_article(article: str) -> str:
    """``"Seed 000: <Chinese title> (Sept-Oct 2023)"`` -> ``"Seed 000 (Sept-Oct 2023)"``.

    Titles are Chinese; the paper's pdflatex preamble has no CJK fonts, and the seed id and
    date identify the article (CLAIMS.md lists the titles).
    """
    head = article.split(":", 1)[0].strip()
    tail = re.search(r"\(([^()]*\d{4}[^()]*)\)\s*$", article)
    out = head + (f" ({tail.group(1)})" if tail else "")
    return _CJK.sub("", out).strip()


_COLS = (r"@{}>{\raggedright\arraybackslash}p{0.85cm}>{\raggedright\arraybackslash}p{5.05cm}"
         r">{\raggedright\arraybackslash}p{2.7cm}>{\raggedright\arraybackslash}p{3.6cm}"
         r">{\raggedright\arraybackslash}p{1.9cm}@{}")
_HEAD = r"Claim & What the article says & Article's number & Our estimate [95\% CI], p; adjusted p & Verdict \\"


def render_claims_table(frame: pd.DataFrame) -> str:
    """LaTeX fragment of the claims table: a ``longtable`` (it may run over two pages).

    Each claim takes two lines: the statement, the article's number, our estimate and the
    verdict; then the source article and the test behind the estimate.
    """
    n_family = int(frame["pvalue_holm"].notna().sum()) if "pvalue_holm" in frame else 0
    synthetic = bool(frame["synthetic"].any()) if len(frame) else False
    notes = [
        "Verdicts are computed from the thresholds each study declares (stated with each study's results); "
        "nothing in this table is typed by hand.",
        "Adjusted p (after the semicolon): grid, the study's adjustment of the headline p-value for every "
        "specification it tried (Romano–Wolf stepdown over the specification grid unless the study says "
        f"otherwise); Holm and BH, adjusted across the {n_family} claims of this table with a p-value (Holm: "
        "family-wise error rate; Benjamini–Hochberg: false discovery rate), applied to the grid-adjusted p "
        "where there is one.",
    ]
    if synthetic:
        notes.insert(0, "SYNTHETIC DATA: at least one row rests on synthetic data.")
    lines = [
        "% Generated by econ.report.claims -- do not edit; rerun `econ run` to regenerate.",
        r"\begin{footnotesize}",
        rf"\begin{{longtable}}{{{_COLS}}}",
        r"\caption{The claims and what the data say}\label{tab:claims}\\",
        r"\toprule",
        _HEAD,
        r"\midrule\endfirsthead",
        r"\multicolumn{5}{@{}l}{\emph{Table \thetable, continued}}\\ \toprule",
        _HEAD,
        r"\midrule\endhead",
        r"\midrule\multicolumn{5}{r@{}}{\emph{continued on the next page}}\\ \endfoot",
        r"\bottomrule",
        *[rf"\multicolumn{{5}}{{@{{}}p{{\linewidth}}@{{}}}}{{\scriptsize {escape(n)}}}\\" for n in notes],
        r"\endlastfoot",
    ]
    for r in frame.itertuples(index=False):
        est = _num(r.estimate)
        if isinstance(r.ci, (list, tuple)) and len(r.ci) == 2:
            est += f" [{_num(r.ci[0])}, {_num(r.ci[1])}]"
        if not _missing(r.pvalue):
            est += f", p = {_num(r.pvalue)}"
        verdict = escape(r.outcome) + (r" (synthetic)" if r.synthetic else "")
        adjusted = _adjusted_cell(r)
        cell = escape(est) + (f"; {adjusted}" if adjusted else "")
        lines.append(f"{escape(r.claim)} & {escape(r.statement)} & {escape(r.article_value)} & {cell} & "
                     rf"\textbf{{{verdict}}} \\*")
        source = short_article(str(getattr(r, "article", "") or ""))
        test = str(r.test or "")
        detail = "; ".join(x for x in (source, f"test: {test}" if test else "") if x)
        lines.append(rf" & \multicolumn{{4}}{{@{{}}p{{13.8cm}}@{{}}}}{{\textcolor{{black!65}}{{{escape(detail)}}}}} "
                     r"\\[3pt]")
    lines += [r"\end{longtable}", r"\end{footnotesize}", ""]
    return "\n".join(lines)


def _adjusted_cell(r: Any) -> str:
    parts = []
    adj = getattr(r, "pvalue_adjusted", None)
    if not _missing(adj):
        parts.append(f"grid {_num(adj)}")
    for name, col in (("Holm", "pvalue_holm"), ("BH", "pvalue_bh")):
        v = getattr(r, col, None)
        if not _missing(v):
            parts.append(f"{name} {_num(v)}")
    return escape(", ".join(parts))


def claims_json(frame: pd.DataFrame) -> str:
    """The claims frame as JSON records (missing numbers as ``null``)."""
    records = [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
               for r in frame.to_dict(orient="records")]
    return json.dumps(records, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"
