"""Declarations shared by studies: the small-cap proxies and the article metadata."""

from __future__ import annotations

import dataclasses

import pandas as pd

from econ.data.errors import DataError
from econ.data.loader import DataLoader


@dataclasses.dataclass(frozen=True)
class Proxy:
    """A small-vs-large pair whose price ratio measures size style."""

    label: str
    small: str
    large: str


#: Every small-cap proxy with data, in the order tables list them.
PROXIES: tuple[Proxy, ...] = (
    Proxy("CSI 1000", "cn.index.csi1000.close", "cn.index.csi300.close"),
    Proxy("CSI 2000", "cn.index.csi2000.close", "cn.index.csi300.close"),
    Proxy("CSI 500", "cn.index.csi500.close", "cn.index.csi300.close"),
    Proxy("Micro-cap", "cn.index.microcap.close", "cn.index.csi300.close"),
    Proxy("SW small/large", "cn.index.sw_small.close", "cn.index.sw_large.close"),
)

#: Publisher launch dates. Values before them are back-calculated history (vault SOURCES.md:
#: "CSI 1000 launched 2014-10-17, CSI 2000 2023-08-11, Wind micro-cap ~2014"; CSI 500 was
#: launched 2007-01-15 on a 2004-12-31 base). For the micro-cap, "about 2014" is read as the
#: whole of 2014, so its first certainly-published value is taken to be in 2015.
LAUNCHED: dict[str, str] = {
    "cn.index.csi500.close": "2007-01-15",
    "cn.index.csi1000.close": "2014-10-17",
    "cn.index.csi2000.close": "2023-08-11",
    "cn.index.microcap.close": "2015-01-01",
}

#: The mark a table puts on a sample that starts before its index's launch.
BACK_CALCULATED_MARK = "†"
BACK_CALCULATED_NOTE = ("† sample starts before the index's launch: the earlier values are the publisher's "
                        "back-calculated history (launch dates: CSI 500 2007-01-15, CSI 1000 2014-10-17, "
                        "CSI 2000 2023-08-11, Wind micro-cap about 2014, taken as 2015-01-01)")


def launch_of(proxy: Proxy) -> pd.Timestamp | None:
    """The later launch date of the proxy's two indices (``None``: both published over the whole vault)."""
    dates = [pd.Timestamp(LAUNCHED[s]) for s in (proxy.small, proxy.large) if s in LAUNCHED]
    return max(dates) if dates else None


def back_calculated(proxy: Proxy, start: str | pd.Timestamp | None) -> bool:
    """Whether a sample of ``proxy`` starting at ``start`` (``None``: its first value) uses back-history."""
    launch = launch_of(proxy)
    return launch is not None and (start is None or pd.Timestamp(start) < launch)


def live_start(proxy: Proxy, start: str | pd.Timestamp | None) -> pd.Timestamp | None:
    """The start of the launch-date robustness sample: ``start`` or the launch, whichever is later."""
    launch = launch_of(proxy)
    if launch is None:
        return None if start is None else pd.Timestamp(start)
    return launch if start is None else max(pd.Timestamp(start), launch)


ARTICLES = {
    "000": "Seed 000: 关于股票市场大小市值风格的再平衡 (Sept-Oct 2023)",
    "001": "Seed 001: 股灾的真相 (Feb 2024)",
    "002": "Seed 002: 财信证券, 小市值风格的理论与实践研究 (Apr 2024)",
    "003": "Seed 003: 国联期货, 双因子驱动下的A股风格轮动机制研究 (2025)",
    "004": "Seed 004: 机构投资者将主导未来 (2017/2020)",
}


def available_proxies(loader: DataLoader) -> list[Proxy]:
    """The proxies whose two series the loader can serve."""
    out = []
    for p in PROXIES:
        try:
            loader.fetch(p.small)
            loader.fetch(p.large)
        except DataError:
            continue
        out.append(p)
    return out


def proxy_by_label(label: str) -> Proxy:
    for p in PROXIES:
        if p.label == label:
            return p
    raise KeyError(label)


def breaks_columns(before: str, after: str) -> tuple[dict[str, str], dict[str, int]]:
    """Column labels and digits for a table of ``econ.robust.stability`` Bai–Perron results.

    ``before``/``after`` label the estimate on each side of the best single break (e.g.
    ``"β before"``). Returns (rename mapping, digits) for :class:`econ.study.Table`.
    """
    rename = {"nobs": "N", "supf1": "supF(1)", "supf1_crit5": "supF(1) 5% c.v.", "udmax": "UDmax",
              "udmax_crit5": "UDmax 5% c.v.", "n_breaks": "Breaks", "break_dates": "Break dates",
              "best_break": "Best single break", "before": before, "after": after}
    digits = {"N": 0, "supF(1)": 2, "supF(1) 5% c.v.": 2, "UDmax": 2, "UDmax 5% c.v.": 2, "Breaks": 0}
    return rename, digits
