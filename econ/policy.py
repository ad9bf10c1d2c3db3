"""Decisions made once for the whole package: significance, stars, standard-error policy.

Every table note and every verdict reads these; nothing else hard-codes a level.
"""

from __future__ import annotations

#: Level at which a test "rejects" in verdicts.
ALPHA: float = 0.05

#: Significance stars (p below the key gets the stars); stated once in every table note.
STARS: tuple[tuple[float, str], ...] = ((0.01, "***"), (0.05, "**"), (0.10, "*"))

#: What goes in parentheses under a coefficient: "se" (standard error) or "t" (t-statistic).
PAREN: str = "se"

#: Default HAC bandwidth rule (see econ.models.hac).
HAC_RULE: str = "nw1994"

#: Confidence level of reported intervals.
CI_LEVEL: float = 0.95


def stars(p: float | None) -> str:
    """Stars for a p-value under :data:`STARS` (empty for None/NaN or p above the largest key)."""
    if p is None or p != p:
        return ""
    for level, mark in STARS:
        if p < level:
            return mark
    return ""


def stars_note() -> str:
    """The sentence every table note carries."""
    parts = [f"{mark} p < {level:g}" for level, mark in STARS]  # plain text: notes are escaped
    what = "standard errors" if PAREN == "se" else "t-statistics"
    return f"{what.capitalize()} in parentheses. " + ", ".join(parts) + "."
