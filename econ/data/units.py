"""Units: one canonical spelling per unit, and the rule for when two spellings contradict.

Chinese terminals' spellings (点, 亿元, 万元, 百万元, 亿美元, 倍, %, 基点 ...) are aliases of the
canonical units, so a Wind or Choice export's ``单位`` row can be checked as it is written.

A contradiction (e.g. a manifest declaring ``decimal`` for a series the catalog holds in
``percent``) is an error, never a silent rescale: a 100x slip in a rate is the classic
replication bug, and the fix belongs in the user's manifest, where the message says how.
"""

from __future__ import annotations

from econ.data.errors import UnitMismatchError

# canonical -> accepted spellings (lower case)
_ALIASES: dict[str, set[str]] = {
    "percent": {"percent", "%", "pct", "percent p.a.", "% p.a.", "percentage", "百分比", "％"},
    "decimal": {"decimal", "fraction", "decimal return", "share"},
    "percent per month": {"percent per month", "% per month"},
    "index points": {"index points", "points", "pts", "index level", "点", "点位"},
    "index": {"index"},
    "ratio": {"ratio", "x", "times", "倍"},
    "count": {"count", "number", "n", "个", "家", "只", "笔"},
    "CNY": {"cny", "yuan", "元", "人民币元"},
    "CNY 10k": {"cny 10k", "cny 10 thousand", "万元"},
    "CNY million": {"cny million", "cny mn", "million cny", "百万元"},
    "CNY 100m": {"cny 100m", "cny 100 million", "亿元", "cny 1e8", "亿元人民币"},
    "USD million": {"usd million", "usd mn", "million usd", "百万美元"},
    "USD bn": {"usd bn", "usd billion", "billion usd", "十亿美元"},
    "USD 100m": {"usd 100m", "usd 100 million", "亿美元"},
    "CNY per USD": {"cny per usd", "usdcny", "元/美元", "人民币/美元"},
    "percent of spot": {"percent of spot", "% of spot"},
    "basis points": {"basis points", "bp", "bps", "基点"},
}

# Conversions a user may need to apply in their own manifest/export (for the error message).
_FACTORS: dict[tuple[str, str], float] = {
    ("decimal", "percent"): 100.0,
    ("percent", "decimal"): 0.01,
    ("CNY 100m", "CNY million"): 100.0,
    ("CNY million", "CNY 100m"): 0.01,
    ("USD bn", "USD million"): 1000.0,
    ("USD million", "USD bn"): 0.001,
    ("USD 100m", "USD bn"): 0.1,
    ("USD bn", "USD 100m"): 10.0,
    ("CNY 10k", "CNY 100m"): 1e-4,
    ("CNY 10k", "CNY million"): 0.01,
    ("CNY", "CNY 100m"): 1e-8,
    ("CNY", "CNY million"): 1e-6,
    ("USD million", "USD 100m"): 0.01,
    ("basis points", "percent"): 0.01,
    ("percent", "basis points"): 100.0,
}


def canonical_unit(unit: str) -> str:
    """Return the canonical spelling of ``unit`` (unknown units are returned stripped)."""
    u = unit.strip()
    low = u.lower()
    for canon, spellings in _ALIASES.items():
        if low == canon.lower() or low in spellings:
            return canon
    return u


def check_unit(series_id: str, declared: str, expected: str, *, where: str) -> str:
    """Raise :class:`UnitMismatchError` if ``declared`` contradicts ``expected``.

    Parameters
    ----------
    series_id
        The series, for the message.
    declared
        The unit the source (e.g. a vault manifest) declares.
    expected
        The unit the catalog holds the series in.
    where
        Where ``declared`` came from, for the message (e.g. ``"MANIFEST.csv row 12"``).

    Returns
    -------
    str
        The canonical unit.
    """
    d, e = canonical_unit(declared), canonical_unit(expected)
    if d != e:
        hint = ""
        if (d, e) in _FACTORS:
            hint = f" Multiply the column by {_FACTORS[(d, e)]:g} and declare '{e}', or fix the declared unit if it is wrong."
        else:
            hint = f" Convert the column to '{e}' and declare it so."
        raise UnitMismatchError(
            f"unit mismatch for '{series_id}': {where} declares '{declared}' but the catalog holds "
            f"this series in '{expected}'.{hint}"
        )
    return e
