"""Joining a series that comes in several files end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd

from econ.data.errors import SpliceScaleError, VaultFileError

#: Observations either side of a join whose median magnitudes are compared.
JOIN_WINDOW = 20
#: Largest ratio of those medians for parts of one series. Real joins in the vault differ by
#: at most 1.3x (SHIBOR overnight around 2022-06-02/06, a 20-day window each side); a unit
#: slip is 100x (decimals vs percent), 10x or 1000x.
MAX_SCALE_RATIO = 5.0


def check_join_scale(before: pd.Series, after: pd.Series, series_id: str, *,
                     window: int = JOIN_WINDOW, max_ratio: float = MAX_SCALE_RATIO) -> float:
    """Raise :class:`SpliceScaleError` if two consecutive parts differ in scale where they meet.

    Compares the median ``|value|`` of the last ``window`` observations of ``before`` (up to
    where ``after`` starts) with that of the first ``window`` observations of ``after``.

    Returns
    -------
    float
        The ratio of the larger median to the smaller (1 when either is zero or empty).
    """
    a = before.loc[before.index < after.index.min()].dropna().abs().iloc[-window:]
    b = after.dropna().abs().iloc[:window]
    if a.empty or b.empty:
        return 1.0
    ma, mb = float(np.median(a)), float(np.median(b))
    if ma == 0 or mb == 0:
        return 1.0
    ratio = max(ma, mb) / min(ma, mb)
    if ratio > max_ratio:
        raise SpliceScaleError(
            f"cannot splice '{series_id}': its parts differ in scale where they meet: median |value| "
            f"{ma:.4g} in '{before.name}' (last {len(a)} obs. to {a.index.max().date()}) vs {mb:.4g} in "
            f"'{after.name}' (first {len(b)} obs. from {b.index.min().date()}), {ratio:.3g}x apart (bound "
            f"{max_ratio:g}x). One part is in another unit (decimals vs percent?): convert it and fix its "
            "manifest unit."
        )
    return ratio


def splice(
    parts: list[pd.Series], series_id: str, *, rtol: float = 1e-3, atol: float = 0.0
) -> tuple[pd.Series, str]:
    """Join ``parts`` (oldest first) into one series; later parts win where they overlap.

    The parts must agree where they overlap (``|a - b| <= atol + rtol * |b|`` on every common
    date), otherwise they are not the same series and joining them would be wrong; and they
    must have the same scale where they meet (:func:`check_join_scale`), which catches a part
    in another unit even when the parts do not overlap (SHIBOR, China government yields).

    Returns
    -------
    (series, note)
        The joined series and a one-line note on the overlap check, for provenance.
    """
    if not parts:
        raise ValueError("nothing to splice")
    out = parts[0]
    notes = []
    for nxt in parts[1:]:
        check_join_scale(out, nxt, series_id)
        common = out.index.intersection(nxt.index)
        if len(common):
            a, b = out.loc[common], nxt.loc[common]
            diff = (a - b).abs()
            rel = diff / b.abs().where(b.abs() > 0, 1.0)
            excess = diff - (atol + rtol * b.abs())
            worst = excess.idxmax()
            if excess.loc[worst] > 0:
                raise VaultFileError(
                    f"cannot splice '{series_id}': its parts disagree on their overlap "
                    f"({len(common)} common dates; on {worst.date()} {a.loc[worst]:g} vs {b.loc[worst]:g}, "
                    f"tolerance {atol:g} + {rtol:.2%} of the value). They may not be the same series."
                )
            notes.append(f"{len(common)} overlapping dates agree (max abs. diff {diff.max():.3g}, max rel. diff {rel.max():.1e}); later part kept")
        else:
            gap = (nxt.index.min() - out.index.max()).days
            if gap < 0:
                raise VaultFileError(f"cannot splice '{series_id}': parts interleave without common dates")
            notes.append(f"no overlap; next part starts {gap} days after the previous one ends")
        out = pd.concat([out.loc[out.index < nxt.index.min()], nxt])
    out.name = series_id
    return out, "; ".join(notes)
