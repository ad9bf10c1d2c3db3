"""Figures in one consistent style: vector PDF for the paper and a PNG preview.

Deterministic: fixed style, no timestamps in the PDF metadata, so the same data give the
same bytes. Synthetic data carry a visible watermark.
"""

from __future__ import annotations

import io
import textwrap
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
    """Draw ``fig_spec`` and return the matplotlib figure.

    ``kind="lines"`` (default): every column against the index. ``kind="spec_curve"``: a
    specification curve (:func:`draw_spec_curve`).
    """
    if fig_spec.kind == "spec_curve":
        return draw_spec_curve(fig_spec, synthetic=synthetic)
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


#: Columns of spec-curve figure data that are not dimensions (see econ.robust.curve).
CURVE_COLUMNS = ("estimate", "ci_low", "ci_high", "significant", "claimed_sign", "headline",
                 "claim_value", "claim_low", "claim_high")
_CURVE_COLORS = {"claimed": "#1f4e79", "against": "#c0392b", "ns": "0.6"}


def draw_spec_curve(fig_spec: Figure, *, synthetic: bool = False) -> plt.Figure:
    """Specification curve: sorted estimates with 95% CIs over an indicator panel.

    ``fig_spec.data`` has one row per specification in plotting order with ``estimate``,
    ``ci_low``, ``ci_high``, ``significant`` and ``claimed_sign`` (bools), ``headline`` (bool),
    optionally ``claim_value`` / ``claim_low`` / ``claim_high`` (the article's number and band),
    and one column per grid dimension (the choice each spec made). Colours: significant with
    the claimed sign (blue), significant against it (red), not significant or no p-value
    (grey); the headline spec is a black diamond. ``hlines`` are drawn on the estimate panel.
    """
    data = fig_spec.data.reset_index(drop=True)
    dims = [c for c in data.columns if c not in CURVE_COLUMNS]
    choices = [(d, str(v)) for d in dims for v in (
        data[d].cat.categories if isinstance(data[d].dtype, pd.CategoricalDtype) else pd.unique(data[d].astype(str)))]
    n = len(data)
    x = range(1, n + 1)
    style = {**STYLE, "figure.figsize": (6.4, 2.6 + 0.17 * max(len(choices), 1))}
    with plt.rc_context(style):
        fig, (ax, ind) = plt.subplots(2, 1, sharex=True, gridspec_kw={
            "height_ratios": [2.2, 0.17 * max(len(choices), 1) + 0.3], "hspace": 0.06})
        sig = data["significant"].fillna(False).astype(bool).to_numpy()
        claimed = data["claimed_sign"].fillna(False).astype(bool).to_numpy()
        colors = [_CURVE_COLORS["claimed"] if s and c else _CURVE_COLORS["against"] if s else _CURVE_COLORS["ns"]
                  for s, c in zip(sig, claimed, strict=True)]
        if {"claim_low", "claim_high"} <= set(data.columns):
            ax.axhspan(float(data["claim_low"].iloc[0]), float(data["claim_high"].iloc[0]), color="#d68910",
                       alpha=0.15, linewidth=0, label="article's number ± tolerance")
        if "claim_value" in data.columns:
            ax.axhline(float(data["claim_value"].iloc[0]), color="#d68910", linestyle="--", linewidth=0.9)
        lo, hi = data["ci_low"].to_numpy(dtype=float), data["ci_high"].to_numpy(dtype=float)
        est = data["estimate"].to_numpy(dtype=float)
        for i, (a, b, col) in enumerate(zip(lo, hi, colors, strict=True)):
            if a == a and b == b:
                ax.plot([i + 1, i + 1], [a, b], color=col, linewidth=0.8, alpha=0.7)
        ax.scatter(list(x), est, c=colors, s=12, zorder=3)
        head = data["headline"].fillna(False).astype(bool).to_numpy()
        if head.any():
            pos = [i + 1 for i in range(n) if head[i]]
            ax.scatter(pos, est[head], marker="D", s=36, facecolors="none", edgecolors="black", zorder=4,
                       label="headline specification")
        for y in fig_spec.hlines:
            ax.axhline(y, color="0.35", linestyle="--", linewidth=0.8)
        ax.set_ylabel(textwrap.fill(fig_spec.ylabel, 32), fontsize=8)
        ax.set_title(fig_spec.title)
        handles, labels = ax.get_legend_handles_labels()
        if labels:
            ax.legend(handles, labels, loc="best")
        for row, (d, v) in enumerate(choices):
            on = (data[d].astype(str) == v).to_numpy()
            ypos = len(choices) - row
            ind.scatter([i + 1 for i in range(n) if on[i]], [ypos] * int(on.sum()), marker="o", s=9,
                        color=[colors[i] for i in range(n) if on[i]])
        ind.set_yticks([len(choices) - r for r in range(len(choices))])
        ind.set_yticklabels([f"{d}: {v}" for d, v in choices], fontsize=6.5)
        ind.set_ylim(0.3, len(choices) + 0.7)
        ind.grid(axis="y", alpha=0.15)
        ind.grid(axis="x", visible=False)
        ind.set_xlim(0.3, n + 0.7)
        ind.set_xlabel("specification (sorted by estimate)")
        if synthetic:
            fig.text(0.5, 0.5, "SYNTHETIC DATA", fontsize=28, color="red", alpha=0.25,
                     ha="center", va="center", rotation=20)
        width, height = style["figure.figsize"]
        longest = max((len(f"{d}: {v}") for d, v in choices), default=10)
        fig.subplots_adjust(left=min(0.5, 0.06 + 0.055 * longest / width), right=0.98,
                            top=1 - 0.3 / height, bottom=0.45 / height, hspace=0.06)
    return fig


def render(fig_spec: Figure, *, synthetic: bool = False, png: bool = True) -> dict[str, bytes]:
    """The bytes of ``<name>.pdf`` (and ``<name>.png``), by file name: what :func:`save` writes.

    Drawing is the costly part of publishing, so a study worker renders its own figures
    (see :func:`econ.runner.render_outputs`) and the publishing process only writes bytes.
    """
    fig = draw(fig_spec, synthetic=synthetic)
    out = {}
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf", metadata={"CreationDate": None, "ModDate": None, "Producer": "econ",
                                                  "Creator": "econ"})
        out[f"{fig_spec.name}.pdf"] = buf.getvalue()
        if png:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
            out[f"{fig_spec.name}.png"] = buf.getvalue()
    finally:
        plt.close(fig)
    return out


def save(fig_spec: Figure, folder: str | Path, *, synthetic: bool = False, png: bool = True) -> list[Path]:
    """Write ``<name>.pdf`` (and ``<name>.png``) into ``folder`` atomically."""
    folder = Path(folder)
    out = []
    for name, data in render(fig_spec, synthetic=synthetic, png=png).items():
        atomic_write_bytes(folder / name, data)
        out.append(folder / name)
    return out
