"""Report layer: LaTeX tables, figures, the claims table, number macros and the run manifest.

Studies return plain data (:class:`econ.study.StudyResult`); everything here formats it.
Tables are Overleaf-ready fragments (no preamble) that need ``booktabs``, ``threeparttable``,
``siunitx`` and ``adjustbox``; ``paper/main.tex`` loads them and maps the Unicode symbols
studies use (β, Δ, ±, −, –, ≈) to math.
"""
