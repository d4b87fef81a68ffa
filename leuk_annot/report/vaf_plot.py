"""Inline SVG plot of sequence-variant allele fractions (one labelled dot per lesion), built as a string.

Same safety contract as ``plots.py``: every text that reaches the SVG passes through ``_esc`` and
every number is formatted here, so ``context`` may wrap the result in ``markupsafe.Markup``.
Clonality is drawn by marker shape (circle clonal, triangle subclonal, hollow square not
assessed) and also written in each dot's tooltip and the legend: colour is never the only cue.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import NamedTuple

_INK = "#1b1f24"
_GRID = "#c9d1da"
_MUTED = "#4f5a66"
_DOT = "#0072b2"  # Okabe-Ito blue; the shape, not the colour, carries the clonality

_HEIGHT = 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 36, 92
_SLOT = 64  # horizontal pixels per variant
_MIN_WIDTH = 580  # the legend's last words end near x = 540 at 11 px (it was cut at 520)


class VafPoint(NamedTuple):
    label: str  # "ABL1 p.T315I"
    vaf: float | None  # 0-1; None = the caller gave no allele fraction (drawn as a note, not a dot)
    clonality: str | None  # "clonal" | "subclonal" | None


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _marker(shape: str | None, x: float, y: float) -> str:
    if shape == "clonal":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="6" fill="{_DOT}"/>'
    if shape == "subclonal":
        pts = f"{_num(x)},{_num(y - 7)} {_num(x - 7)},{_num(y + 5)} {_num(x + 7)},{_num(y + 5)}"
        return f'<polygon points="{pts}" fill="{_DOT}"/>'
    return (
        f'<rect x="{_num(x - 5)}" y="{_num(y - 5)}" width="10" height="10" fill="#ffffff" '
        f'stroke="{_DOT}" stroke-width="2"/>'
    )


def _clonality_text(clonality: str | None) -> str:
    return clonality if clonality in ("clonal", "subclonal") else "clonality not assessed"


def vaf_plot(points: Sequence[VafPoint], *, plot_id: str = "vaf-plot") -> str:
    """Dot plot: x = one slot per variant (input order), y = VAF 0-100%, dashed line at 50%."""
    width = max(_MIN_WIDTH, _LEFT + _RIGHT + _SLOT * len(points))
    x0, x1, y0, y1 = _LEFT, width - _RIGHT, _TOP, _HEIGHT - _BOTTOM
    pid = _esc(plot_id)

    def y(vaf: float) -> float:
        return y1 - (y1 - y0) * min(max(vaf, 0.0), 1.0)

    drawn = [p for p in points if p.vaf is not None]
    desc = (
        "; ".join(
            f"{p.label}: "
            + (
                f"VAF {p.vaf * 100:.1f}%, {_clonality_text(p.clonality)}"
                if p.vaf is not None
                else "no allele fraction reported"
            )
            for p in points
        )
        or "No sequence variants."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="vaf-plot" id="{pid}" role="img" '
        f'viewBox="0 0 {width} {_HEIGHT}" width="{width}" preserveAspectRatio="xMinYMid meet" '
        f'aria-labelledby="{pid}-title {pid}-desc" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{pid}-title">Variant allele fraction of {len(drawn)} sequence variant(s)</title>',
        f'<desc id="{pid}-desc">{_esc(desc)}</desc>',
        # legend: shapes with words
        f'<g class="legend" font-size="11" fill="{_INK}">',
        _marker("clonal", x0 + 6, 16),
        f'<text x="{x0 + 16}" y="20">clonal</text>',
        _marker("subclonal", x0 + 76, 17),
        f'<text x="{x0 + 86}" y="20">subclonal</text>',
        _marker(None, x0 + 166, 16),
        f'<text x="{x0 + 176}" y="20">not assessed</text>',
        f'<line x1="{x0 + 270}" x2="{x0 + 292}" y1="16" y2="16" stroke="{_INK}" stroke-dasharray="6 4"/>',
        f'<text x="{x0 + 296}" y="20">50% (heterozygous, pure sample)</text>',
        "</g>",
        f'<g class="y-axis" stroke="{_GRID}" fill="{_INK}" text-anchor="end">',
    ]
    for tick in range(0, 101, 25):
        ty = _num(y(tick / 100))
        parts.append(f'<line x1="{x0}" x2="{x1}" y1="{ty}" y2="{ty}"/>')
        parts.append(f'<text x="{x0 - 6}" y="{ty}" dy="4" stroke="none">{tick}%</text>')
    parts.append("</g>")
    mid = _num((y0 + y1) / 2)
    parts.append(
        f'<text x="14" y="{mid}" transform="rotate(-90 14 {mid})" text-anchor="middle" fill="{_INK}">VAF</text>'
    )
    half = _num(y(0.5))
    parts.append(
        f'<line class="half-line" x1="{x0}" x2="{x1}" y1="{half}" y2="{half}" stroke="{_INK}" '
        'stroke-width="1.2" stroke-dasharray="6 4"/>'
    )
    parts.append(f'<g class="dots" fill="{_INK}">')
    for i, p in enumerate(points):
        cx = x0 + _SLOT * (i + 0.5)
        label_y = y1 + 14
        parts.append(
            f'<text class="x-label" x="{_num(cx)}" y="{label_y}" text-anchor="end" font-size="11" '
            f'transform="rotate(-35 {_num(cx)} {label_y})">{_esc(p.label)}</text>'
        )
        if p.vaf is None:
            parts.append(
                f'<text x="{_num(cx)}" y="{_num(y1 - 6)}" text-anchor="middle" font-size="10" '
                f'fill="{_MUTED}">no VAF</text>'
            )
            continue
        cy = y(p.vaf)
        tip = f"{p.label}: VAF {p.vaf * 100:.1f}%, {_clonality_text(p.clonality)}"
        parts.append(
            f'<g class="dot"><title>{_esc(tip)}</title>{_marker(p.clonality, cx, cy)}'
            f'<text x="{_num(cx + 9)}" y="{_num(cy - 6)}" font-size="10">{p.vaf * 100:.0f}%</text></g>'
        )
    parts.append("</g></svg>")
    return "".join(parts)
