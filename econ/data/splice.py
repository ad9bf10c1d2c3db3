"""Joining a series that comes in several files end to end."""

from __future__ import annotations

import pandas as pd

from econ.data.errors import VaultFileError


def splice(
    parts: list[pd.Series], series_id: str, *, rtol: float = 1e-3, atol: float = 0.0
) -> tuple[pd.Series, str]:
    """Join ``parts`` (oldest first) into one series; later parts win where they overlap.

    The parts must agree where they overlap (``|a - b| <= atol + rtol * |b|`` on every common
    date), otherwise they are not the same series and joining them would be wrong.

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
