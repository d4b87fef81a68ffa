"""Inline SVG copy-number plots (genome-wide and one chromosome), built as plain strings.

Safety contract: every piece of text that reaches the SVG (titles, descriptions, labels, sample
names) passes through ``_esc`` (``html.escape`` with quotes) when it is inserted, and every
number is formatted by this module. The returned string therefore contains no markup that did
not come from this file, which is what lets ``context.py`` wrap it in ``markupsafe.Markup`` for
the autoescaping templates. Keep it that way: never insert an unescaped argument.

No matplotlib and no scripts: the report must stay one self-contained, printable file, and a
few thousand ``<rect>`` elements render everywhere. Bin-level inputs (CNVkit ``.cnr``: ~100k
rows) are downsampled first so the page stays small.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

MAX_DRAWN_SEGMENTS = 2900
"""Upper bound on segment elements per plot (about 3,000 shapes with the axes); more are merged first."""

Y_MAX = 6  # copy numbers above are clipped and drawn at the top ("6+")
NEUTRAL = 2
MERGE_GAP = 5_000_000  # adjacent bins further apart than this stay separate (e.g. centromeres)

# Colour-blind-safe pair (Okabe-Ito vermillion / blue); colour is never the only cue: gains are
# solid bars rising above the dashed line at 2, losses hatched bars hanging below it.
_GAIN = "#d55e00"
_LOSS = "#0072b2"
_NEUTRAL_INK = "#4f5a66"
_INK = "#1b1f24"
_GRID = "#c9d1da"
_BAND = "#f3f6f9"

_WIDTH, _HEIGHT = 960, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 12, 34, 52


class PlotSegment(NamedTuple):
    """One drawable span: 1-based closed coordinates and a total copy number."""

    chrom: str
    start: int
    end: int
    copy_number: float


class Marker(NamedTuple):
    """A labelled span to highlight on a chromosome plot (e.g. a gene)."""

    label: str
    start: int
    end: int


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num(value: float) -> str:
    """Short, locale-free coordinates: one decimal, no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def chrom_sort_key(chrom: str) -> tuple[int, int, str]:
    """1..22 numerically, then X, Y, MT, then anything else by name."""
    if chrom.isdigit():
        return (0, int(chrom), "")
    order = {"X": 23, "Y": 24, "MT": 25}
    return (0, order[chrom], "") if chrom in order else (1, 0, chrom)


def segment_copy_number(copy_number: float | None, log2: float | None) -> float | None:
    """The segment's total copy number, or 2 * 2**log2 when only a log2 ratio is known."""
    if copy_number is not None and math.isfinite(copy_number):
        return float(copy_number)
    if log2 is not None and math.isfinite(log2):
        return NEUTRAL * 2.0 ** max(min(log2, 10.0), -10.0)
    return None


def _level(cn: float) -> int:
    return int(min(round(cn), Y_MAX + 1))  # everything above 6 rounds to one "6+" level


def _merge_equal(segments: Sequence[PlotSegment]) -> list[PlotSegment]:
    """Merge neighbours on one chromosome with the same rounded copy number (length-weighted mean)."""
    out: list[PlotSegment] = []
    weight = 0.0
    for seg in segments:
        length = seg.end - seg.start + 1
        if out:
            last = out[-1]
            if (
                last.chrom == seg.chrom
                and _level(last.copy_number) == _level(seg.copy_number)
                and 0 <= seg.start - last.end <= MERGE_GAP
            ):
                mean = (last.copy_number * weight + seg.copy_number * length) / (weight + length)
                out[-1] = PlotSegment(last.chrom, last.start, max(last.end, seg.end), mean)
                weight += length
                continue
        out.append(seg)
        weight = float(length)
    return out


def _bucket(segments: Sequence[PlotSegment], lengths: dict[str, int], budget: int) -> list[PlotSegment]:
    """Average segments into fixed windows (count proportional to chromosome length) to fit ``budget``."""
    total = sum(lengths.values()) or 1
    by_chrom: dict[str, list[PlotSegment]] = {}
    for seg in segments:
        by_chrom.setdefault(seg.chrom, []).append(seg)
    out: list[PlotSegment] = []
    for chrom, segs in by_chrom.items():
        length = lengths.get(chrom) or max(s.end for s in segs)
        n_windows = max(1, int(budget * length / total) - 1)
        width = length / n_windows
        windows: dict[int, list[PlotSegment]] = {}
        for seg in segs:
            mid = (seg.start + seg.end) / 2
            windows.setdefault(min(int(mid // width), n_windows - 1), []).append(seg)
        for index in sorted(windows):
            group = windows[index]
            weights = [s.end - s.start + 1 for s in group]
            mean = sum(s.copy_number * w for s, w in zip(group, weights)) / sum(weights)
            out.append(PlotSegment(chrom, min(s.start for s in group), max(s.end for s in group), mean))
    return out


def downsample(
    segments: Iterable[PlotSegment], lengths: dict[str, int], max_segments: int = MAX_DRAWN_SEGMENTS
) -> list[PlotSegment]:
    """At most ``max_segments`` spans, in genome order; inputs already small enough are kept as they are.

    First neighbours with equal rounded copy number are merged (this keeps every breakpoint of a
    segmented profile); if that is not enough (noisy bins), windows are averaged, then merged again.
    """
    ordered = sorted(segments, key=lambda s: (chrom_sort_key(s.chrom), s.start, s.end))
    if len(ordered) <= max_segments:
        return ordered
    merged = _merge_equal(ordered)
    if len(merged) <= max_segments:
        return merged
    # Windows never straddle chromosomes, so the budget is shared by length among those present.
    present = {s.chrom: lengths.get(s.chrom) or 0 for s in merged}
    for chrom in present:
        if not present[chrom]:
            present[chrom] = max(s.end for s in merged if s.chrom == chrom)
    budget = max_segments - len(present)  # each chromosome may round up to one extra window
    return _merge_equal(_bucket(merged, present, budget))


# -- drawing -----------------------------------------------------------------------------------


class _Frame:
    """Maps (x in plot units, copy number) to pixel positions inside the plot area."""

    def __init__(self, x_span: float):
        self.x0, self.x1 = _LEFT, _WIDTH - _RIGHT
        self.y0, self.y1 = _TOP, _HEIGHT - _BOTTOM
        self.scale = (self.x1 - self.x0) / (x_span or 1)

    def x(self, units: float) -> float:
        return self.x0 + units * self.scale

    def y(self, cn: float) -> float:
        clipped = min(max(cn, 0.0), float(Y_MAX))
        return self.y1 - (self.y1 - self.y0) * clipped / Y_MAX


def _open_svg(plot_id: str, title: str, desc: str) -> list[str]:
    pid = _esc(plot_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cn-plot" id="{pid}" role="img" '
        f'viewBox="0 0 {_WIDTH} {_HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{pid}-title {pid}-desc" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{pid}-title">{_esc(title)}</title>',
        f'<desc id="{pid}-desc">{_esc(desc)}</desc>',
        "<defs>"
        f'<pattern id="{pid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="{_LOSS}"/></pattern>'
        "</defs>",
    ]


def _y_axis(frame: _Frame) -> list[str]:
    parts = [f'<g class="y-axis" stroke="{_GRID}" fill="{_INK}" text-anchor="end">']
    for cn in range(Y_MAX + 1):
        y = _num(frame.y(cn))
        label = f"{cn}+" if cn == Y_MAX else str(cn)
        parts.append(f'<line x1="{frame.x0}" x2="{frame.x1}" y1="{y}" y2="{y}"/>')
        parts.append(f'<text x="{frame.x0 - 6}" y="{y}" dy="4" stroke="none">{label}</text>')
    parts.append("</g>")
    mid = _num((frame.y0 + frame.y1) / 2)
    parts.append(
        f'<text class="axis-label" x="14" y="{mid}" transform="rotate(-90 14 {mid})" '
        f'text-anchor="middle" fill="{_INK}">Copy number</text>'
    )
    y2 = _num(frame.y(NEUTRAL))
    parts.append(
        f'<line class="neutral-line" x1="{frame.x0}" x2="{frame.x1}" y1="{y2}" y2="{y2}" '
        f'stroke="{_INK}" stroke-width="1.2" stroke-dasharray="6 4"/>'
    )
    return parts


def _legend(plot_id: str) -> str:
    pid = _esc(plot_id)
    y = 10
    return (
        f'<g class="legend" font-size="11" fill="{_INK}">'
        f'<rect x="{_LEFT}" y="{y}" width="14" height="10" fill="{_GAIN}"/>'
        f'<text x="{_LEFT + 18}" y="{y + 9}">Gain: solid bar above 2</text>'
        f'<rect x="{_LEFT + 170}" y="{y}" width="14" height="10" fill="url(#{pid}-hatch)" stroke="{_LOSS}"/>'
        f'<text x="{_LEFT + 188}" y="{y + 9}">Loss: hatched bar below 2</text>'
        f'<rect x="{_LEFT + 350}" y="{y + 3}" width="14" height="3" fill="{_NEUTRAL_INK}"/>'
        f'<text x="{_LEFT + 368}" y="{y + 9}">Neutral: line at its copy number</text>'
        f'<line x1="{_LEFT + 570}" x2="{_LEFT + 590}" y1="{y + 5}" y2="{y + 5}" stroke="{_INK}" '
        'stroke-dasharray="6 4"/>'
        f'<text x="{_LEFT + 594}" y="{y + 9}">2 copies; values above 6 drawn at 6+</text>'
        "</g>"
    )


def _segment_rects(frame: _Frame, spans: Iterable[tuple[float, float, float]], plot_id: str) -> list[str]:
    """Gains, losses and neutral spans in three groups; ``spans`` are (x_start, x_end, copy number)."""
    gains, losses, neutral = [], [], []
    base = frame.y(NEUTRAL)
    for x_start, x_end, cn in spans:
        x = frame.x(x_start)
        width = max(frame.x(x_end) - x, 1.2)  # a 1-kb deletion stays visible
        level = _level(cn)
        top = frame.y(cn)
        if level > NEUTRAL:
            gains.append(f'<rect x="{_num(x)}" y="{_num(top)}" width="{_num(width)}" height="{_num(base - top)}"/>')
        elif level < NEUTRAL:
            losses.append(f'<rect x="{_num(x)}" y="{_num(base)}" width="{_num(width)}" height="{_num(top - base)}"/>')
        else:
            neutral.append(f'<rect x="{_num(x)}" y="{_num(top - 1.5)}" width="{_num(width)}" height="3"/>')
    pid = _esc(plot_id)
    return [
        f'<g class="seg seg-neutral" fill="{_NEUTRAL_INK}">', *neutral, "</g>",
        f'<g class="seg seg-gain" fill="{_GAIN}">', *gains, "</g>",
        f'<g class="seg seg-loss" fill="url(#{pid}-hatch)" stroke="{_LOSS}" stroke-width="0.6">', *losses, "</g>",
    ]  # fmt: skip


def _no_data(frame: _Frame, text: str) -> str:
    return (
        f'<text x="{_num((frame.x0 + frame.x1) / 2)}" y="{_num(frame.y(4))}" text-anchor="middle" '
        f'fill="{_NEUTRAL_INK}">{_esc(text)}</text>'
    )


def genome_plot(
    segments: Sequence[PlotSegment],
    lengths: dict[str, int],
    *,
    plot_id: str = "cn-genome",
    title: str,
    desc: str,
    x_label: str = "Chromosome (widths proportional to length)",
    max_segments: int = MAX_DRAWN_SEGMENTS,
) -> str:
    """Genome-wide plot: chromosomes side by side in proportion to ``lengths``, copy number on y.

    Segments on chromosomes missing from ``lengths`` are not drawn (``lengths`` decides the layout).
    """
    chroms = sorted(lengths, key=chrom_sort_key)
    offsets, total = {}, 0
    for chrom in chroms:
        offsets[chrom] = total
        total += lengths[chrom]
    frame = _Frame(total)
    drawn = downsample((s for s in segments if s.chrom in offsets), lengths, max_segments)
    parts = _open_svg(plot_id, title, desc)
    parts.append(_legend(plot_id))
    bands = [f'<g class="chrom-bands" fill="{_BAND}">']
    labels = [f'<g class="chrom-labels" fill="{_INK}" text-anchor="middle" font-size="10">']
    for i, chrom in enumerate(chroms):
        x_start, x_end = frame.x(offsets[chrom]), frame.x(offsets[chrom] + lengths[chrom])
        if i % 2 == 0:
            bands.append(
                f'<rect x="{_num(x_start)}" y="{frame.y0}" width="{_num(x_end - x_start)}" '
                f'height="{frame.y1 - frame.y0}"/>'
            )
        labels.append(f'<text x="{_num((x_start + x_end) / 2)}" y="{frame.y1 + 14}">{_esc(chrom)}</text>')
    parts += [*bands, "</g>", *_y_axis(frame), *labels, "</g>"]
    parts.append(
        f'<text class="axis-label" x="{_num((frame.x0 + frame.x1) / 2)}" y="{_HEIGHT - 10}" '
        f'text-anchor="middle" fill="{_INK}">{_esc(x_label)}</text>'
    )
    spans = ((offsets[s.chrom] + s.start - 1, offsets[s.chrom] + s.end, s.copy_number) for s in drawn)
    parts += _segment_rects(frame, spans, plot_id)
    if not drawn:
        parts.append(_no_data(frame, "No segments on these chromosomes"))
    parts.append("</svg>")
    return "".join(parts)


def chromosome_plot(
    segments: Sequence[PlotSegment],
    chrom: str,
    length: int,
    *,
    plot_id: str,
    title: str,
    desc: str,
    markers: Sequence[Marker] = (),
    max_segments: int = MAX_DRAWN_SEGMENTS,
) -> str:
    """One chromosome, positions in Mb on x, with optional labelled markers (e.g. RUNX1)."""
    frame = _Frame(length)
    drawn = downsample((s for s in segments if s.chrom == chrom), {chrom: length}, max_segments)
    parts = _open_svg(plot_id, title, desc)
    parts.append(_legend(plot_id))
    parts += _y_axis(frame)
    step = _tick_step(length)
    ticks = [f'<g class="x-ticks" fill="{_INK}" stroke="{_INK}" text-anchor="middle" font-size="10">']
    for mb in range(0, int(length // 1_000_000) + 1, step):
        x = _num(frame.x(mb * 1_000_000))
        ticks.append(f'<line x1="{x}" x2="{x}" y1="{frame.y1}" y2="{frame.y1 + 4}"/>')
        ticks.append(f'<text x="{x}" y="{frame.y1 + 16}" stroke="none">{mb}</text>')
    parts += [*ticks, "</g>"]
    parts.append(
        f'<text class="axis-label" x="{_num((frame.x0 + frame.x1) / 2)}" y="{_HEIGHT - 10}" '
        f'text-anchor="middle" fill="{_INK}">Position on chromosome {_esc(chrom)} (Mb)</text>'
    )
    parts += _segment_rects(frame, ((s.start - 1, s.end, s.copy_number) for s in drawn), plot_id)
    for marker in markers:
        x_start, x_end = frame.x(marker.start - 1), frame.x(marker.end)
        mid = _num((x_start + x_end) / 2)
        parts.append(
            f'<g class="marker" fill="{_INK}" stroke="{_INK}">'
            f"<title>{_esc(marker.label)} {marker.start:,}-{marker.end:,}</title>"
            f'<rect x="{_num(x_start)}" y="{frame.y0}" width="{_num(max(x_end - x_start, 1.0))}" '
            f'height="{frame.y1 - frame.y0}" fill="{_INK}" fill-opacity="0.12" stroke="none"/>'
            f'<line x1="{mid}" x2="{mid}" y1="{frame.y0}" y2="{frame.y1}" stroke-dasharray="2 2"/>'
            f'<text x="{mid}" y="{frame.y0 - 4}" text-anchor="middle" stroke="none" font-weight="700">'
            f"{_esc(marker.label)}</text></g>"
        )
    if not drawn:
        parts.append(_no_data(frame, f"No segments on chromosome {chrom}"))
    parts.append("</svg>")
    return "".join(parts)


def _tick_step(length: int) -> int:
    """Tick spacing in Mb giving 4-12 ticks."""
    mb = length / 1_000_000
    for step in (1, 2, 5, 10, 20, 25, 50):
        if mb / step <= 12:
            return step
    return 100


_TAG = re.compile(r"<(rect|line|path|polygon|circle)\b")


def count_drawn_elements(svg: str) -> int:
    """Shape elements in an SVG string (what a browser has to lay out); used by tests and checks."""
    return len(_TAG.findall(svg))
