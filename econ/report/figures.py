"""Figures in one consistent style: vector PDF for the paper and a PNG preview.

Deterministic: fixed style, no timestamps in the PDF metadata, so the same data give the
same bytes. Synthetic data carry a visible watermark.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from econ.io import atomic_write_bytes
from econ.study import Figure

STYLE = {
    "figure.figsize": (6.4, 3.4),
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "lines.linewidth": 1.1,
    "pdf.fonttype": 42,
    "svg.hashsalt": "econ",
    "axes.prop_cycle": matplotlib.cycler(color=["#1f4e79", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#5d6d7e"]),
}


def draw(fig_spec: Figure, *, synthetic: bool = False) -> plt.Figure:
    """Draw ``fig_spec`` and return the matplotlib figure."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots()
        data = fig_spec.data
        primary = [c for c in data.columns if c not in fig_spec.secondary]
        for c in primary:
            s = data[c].dropna()
            ax.plot(s.index, s.to_numpy(), label=str(c))
        if fig_spec.logy:
            ax.set_yscale("log")
        ax.set_ylabel(fig_spec.ylabel)
        handles, labels = ax.get_legend_handles_labels()
        if fig_spec.secondary:
            ax2 = ax.twinx()
            ax2.grid(False)
            for k, c in enumerate(fig_spec.secondary):
                s = data[c].dropna()
                ax2.plot(s.index, s.to_numpy(), label=str(c), color=["#c0392b", "#2e8b57"][k % 2], linestyle="-")
            ax2.set_ylabel(", ".join(fig_spec.secondary))
            h2, l2 = ax2.get_legend_handles_labels()
            handles, labels = handles + h2, labels + l2
        for y in fig_spec.hlines:
            ax.axhline(y, color="0.35", linestyle="--", linewidth=0.8)
        for x in fig_spec.vlines:
            ax.axvline(pd.Timestamp(x), color="0.5", linestyle=":", linewidth=0.8)
        for x, y, text in fig_spec.marks:
            ax.annotate(text, (pd.Timestamp(x), y), fontsize=7, xytext=(3, 3), textcoords="offset points")
        if len(labels) > 1:
            ax.legend(handles, labels, loc="best")
        ax.set_title(fig_spec.title)
        if synthetic:
            fig.text(0.5, 0.5, "SYNTHETIC DATA", fontsize=28, color="red", alpha=0.25,
                     ha="center", va="center", rotation=20)
        fig.tight_layout()
    return fig


def save(fig_spec: Figure, folder: str | Path, *, synthetic: bool = False, png: bool = True) -> list[Path]:
    """Write ``<name>.pdf`` (and ``<name>.png``) into ``folder`` atomically."""
    folder = Path(folder)
    fig = draw(fig_spec, synthetic=synthetic)
    out = []
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf", metadata={"CreationDate": None, "ModDate": None, "Producer": "econ",
                                              "Creator": "econ"})
    atomic_write_bytes(folder / f"{fig_spec.name}.pdf", buf.getvalue())
    out.append(folder / f"{fig_spec.name}.pdf")
    if png:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
        atomic_write_bytes(folder / f"{fig_spec.name}.png", buf.getvalue())
        out.append(folder / f"{fig_spec.name}.png")
    plt.close(fig)
    return out
