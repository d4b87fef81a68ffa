"""Inline SVG of a comparison: each lesion's VAF at diagnosis (x) against its VAF at relapse (y).

Same safety contract as ``plots.py``: every text that reaches the SVG passes through ``_esc`` and
every number is formatted here, so the caller may wrap the result in ``markupsafe.Markup``.
"""

from __future__ import annotations

from ..compare_model import Comparison, LesionChange
from .filters import short_hgvs_p
from .plots import _GRID, _INK, _esc

_PLOT = {"size": 420, "left": 56, "right": 130, "top": 16, "bottom": 48}
_RES_INK, _POINT = "#8a1f17", "#1f4e79"


def short_label(c: LesionChange) -> str:
    """``NT5C2 p.R367Q`` for a sequence variant, else the lesion label."""
    if c.kind == "sequence_variant" and c.hgvs_p and c.genes:
        return f"{c.genes[0]} {short_hgvs_p(c.hgvs_p)}"
    return c.label


def vaf_plot(c: Comparison, plot_id: str = "vaf-shift") -> str | None:
    """Inline SVG: diagnosis VAF (x) against relapse VAF (y), diagonal = unchanged; None if nothing to draw.

    Every text inserted is escaped here, so the caller may mark the string safe.
    """
    points = [x for x in c.lesions if _plottable(x)]
    if not points:
        return None
    size, left, top = _PLOT["size"], _PLOT["left"], _PLOT["top"]
    width, height = left + size + _PLOT["right"], top + size + _PLOT["bottom"]

    def px(v: float) -> str:
        return f"{left + v * size:.1f}"

    def py(v: float) -> str:
        return f"{top + size - v * size:.1f}"

    desc = "; ".join(
        f"{short_label(x)}: {pct(x.diagnosis_vaf)} at diagnosis, {pct(x.relapse_vaf)} at relapse"
        + (" (relapse resistance)" if x.relapse_resistance else "") for x in points)
    pid = _esc(plot_id)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="vaf-plot" id="{pid}" role="img" viewBox="0 0 {width} '
        f'{height}" width="100%" style="max-width:{width}px" aria-labelledby="{pid}-title {pid}-desc" '
        'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{pid}-title">VAF at diagnosis (x) against VAF at relapse (y)</title>',
        f'<desc id="{pid}-desc">{_esc(desc)}. Points on the diagonal did not change; above it they expanded.</desc>',
        f'<g stroke="{_GRID}" fill="{_INK}">',
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        label = f"{tick * 100:.0f}%"
        out.append(f'<line x1="{px(0)}" x2="{px(1)}" y1="{py(tick)}" y2="{py(tick)}"/>')
        out.append(f'<line x1="{px(tick)}" x2="{px(tick)}" y1="{py(0)}" y2="{py(1)}"/>')
        out.append(f'<text x="{left - 6}" y="{py(tick)}" dy="4" text-anchor="end" stroke="none">{label}</text>')
        out.append(f'<text x="{px(tick)}" y="{top + size + 16}" text-anchor="middle" stroke="none">{label}</text>')
    out.append("</g>")
    out.append(f'<line class="diagonal" x1="{px(0)}" y1="{py(0)}" x2="{px(1)}" y2="{py(1)}" stroke="{_INK}" '
               'stroke-dasharray="5 4"/>')
    out.append(f'<text x="{left + size / 2:.1f}" y="{height - 8}" text-anchor="middle">VAF at diagnosis</text>')
    out.append(f'<text transform="translate(14 {top + size / 2:.1f}) rotate(-90)" text-anchor="middle">'
               "VAF at relapse</text>")
    for x in points:
        dx, rel = x.diagnosis_vaf or 0.0, x.relapse_vaf or 0.0
        ink = _RES_INK if x.relapse_resistance else _POINT
        cx, cy = px(dx), py(rel)
        if x.diagnosis_vaf is None:  # gained: triangle on the y axis
            shape = (f'<polygon points="{float(cx)},{float(cy) - 6} {float(cx) - 6},{float(cy) + 5} '
                     f'{float(cx) + 6},{float(cy) + 5}" fill="{ink}"/>')
        elif x.relapse_vaf is None:  # lost: square on the x axis
            shape = f'<rect x="{float(cx) - 5}" y="{float(cy) - 5}" width="10" height="10" fill="{ink}"/>'
        else:
            shape = f'<circle cx="{cx}" cy="{cy}" r="5" fill="{ink}"/>'
        weight = ' font-weight="700"' if x.relapse_resistance else ""
        out.append(f'<g class="point" data-lesion="{_esc(x.key)}"><title>{_esc(short_label(x))}: '
                   f'{_esc(pct(x.diagnosis_vaf))} -> {_esc(pct(x.relapse_vaf))}</title>{shape}'
                   f'<text x="{float(cx) + 8:.1f}" y="{float(cy) - 6:.1f}" fill="{ink}"{weight}>'
                   f"{_esc(short_label(x))}</text></g>")
    out.append("</svg>")
    return "".join(out)


def _plottable(x: LesionChange) -> bool:
    """A point needs a VAF on each side where the lesion was found (absent = drawn at 0)."""
    dx_ok = x.diagnosis_vaf is not None if x.diagnosis_id is not None else True
    rel_ok = x.relapse_vaf is not None if x.relapse_id is not None else True
    return dx_ok and rel_ok and (x.diagnosis_vaf is not None or x.relapse_vaf is not None)


def pct(vaf: float | None, found: bool = False) -> str:
    """A VAF as a percentage; a lesion not found in the sample reads "not detected", one without a VAF "—"."""
    if vaf is None:
        return "—" if found else "not detected"
    return f"{vaf * 100:.1f}%"
