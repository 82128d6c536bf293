"""Server-rendered charts: matplotlib draws SVG, which pages embed inline and WeasyPrint puts
in PDFs. No JavaScript and no CDN (stack.md §3.7).

The SVG is made safe to inline under the site's Content-Security-Policy (``style-src 'self'``
blocks ``style`` attributes and ``<style>`` elements): matplotlib's inline styles become SVG
presentation attributes. Every label is drawn as glyph outlines of the DejaVu Sans bundled
with matplotlib, so Polish letters render the same on every machine; the chart is announced
to assistive technology by its ``<title>`` and ``<desc>``, and pages show its data in a table.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# Band shading behind the bars, and the colours of the bars (WCAG contrast ≥ 3:1 on white).
BAND_EDGES = (0, 25, 50, 75, 100)
BAND_SHADES = ("#e8f3e8", "#fdf5d7", "#fde3cc", "#f9d3d3")
CURRENT_COLOUR = "#1f4e79"
PREVIOUS_COLOUR = "#7a7a7a"
TEXT_COLOUR = "#212529"

_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "path",  # glyph outlines: no font needed where the SVG is shown
    "svg.hashsalt": "oneroof",  # stable ids, so the same data gives the same SVG
    "text.parse_math": False,  # a "$" in a domain name is text, not TeX
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "text.color": TEXT_COLOUR,
    "axes.edgecolor": "#6c757d",
    "axes.labelcolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
}
# rc_context changes matplotlib's global settings: one chart at a time per process, so that
# threads of a server never draw with each other's settings.
_LOCK = threading.Lock()
_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
_PROPERTY = re.compile(r"^[a-z-]+$")


@dataclass(frozen=True)
class ProfileBar:
    """One domain of the profile: its label, this score and the previous one (None: not
    scored, e.g. an incomplete domain)."""

    label: str
    score: int | None
    previous: int | None = None


@dataclass(frozen=True)
class ProfileLabels:
    """The translated words the chart draws."""

    title: str
    description: str
    current: str
    previous: str
    incomplete: str
    bands: Sequence[str]  # the four band names, lowest first
    axis: str


def domain_profile_svg(
    bars: Sequence[ProfileBar], labels: ProfileLabels, *, chart_id: str, with_previous: bool
) -> SafeString:
    """A horizontal bar per domain on the 0–100 scale over the four bands, the previous
    administration's score as a grey bar beside it when ``with_previous``."""
    import matplotlib

    matplotlib.use("Agg")  # no GUI; savefig(format="svg") picks the SVG canvas itself
    from matplotlib.figure import Figure

    with _LOCK, matplotlib.rc_context(_RC):
        figure = Figure(figsize=(6.4, 0.9 + 0.42 * max(len(bars), 1)), layout="constrained")
        axes = figure.add_subplot()
        for (low, high), shade in zip(pairwise(BAND_EDGES), BAND_SHADES, strict=True):
            axes.axvspan(low, high, color=shade, zorder=0, linewidth=0)
        for edge, band in zip(BAND_EDGES, labels.bands, strict=False):
            axes.text(
                edge + 12.5, -0.75, band, ha="center", va="bottom", fontsize=8, color=TEXT_COLOUR
            )
        positions = list(range(len(bars)))
        height = 0.38 if with_previous else 0.6
        offset = height / 2 if with_previous else 0.0
        for y, bar in zip(positions, bars, strict=True):
            if bar.score is None:
                axes.text(1, y - offset, labels.incomplete, va="center", fontsize=8, style="italic")
            else:
                axes.barh(y - offset, bar.score, height=height, color=CURRENT_COLOUR, zorder=2)
                axes.text(bar.score + 1, y - offset, str(bar.score), va="center", fontsize=8)
            if with_previous and bar.previous is not None:
                axes.barh(y + offset, bar.previous, height=height, color=PREVIOUS_COLOUR, zorder=2)
                axes.text(bar.previous + 1, y + offset, str(bar.previous), va="center", fontsize=7)
        axes.set_yticks(positions, [bar.label for bar in bars])
        axes.set_ylim(len(bars) - 0.5, -1.0)
        axes.set_xlim(0, 100)
        axes.set_xticks(BAND_EDGES)
        axes.set_xlabel(labels.axis)
        axes.spines[["top", "right"]].set_visible(False)
        if with_previous:
            from matplotlib.patches import Patch

            figure.legend(
                handles=[
                    Patch(color=CURRENT_COLOUR, label=labels.current),
                    Patch(color=PREVIOUS_COLOUR, label=labels.previous),
                ],
                loc="outside lower center",
                ncols=2,
                fontsize=8,
                frameon=False,
            )
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _inline(buffer.getvalue(), chart_id, labels.title, labels.description)


def _inline(svg: str, chart_id: str, title: str, description: str) -> SafeString:
    """matplotlib's SVG document as an accessible, CSP-safe inline ``<svg>`` element."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<style[^>]*>.*?</style>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.DOTALL)  # matplotlib's copies of the labels
    svg = _STYLE_ATTR.sub(lambda match: _attributes(match.group(1)), svg)
    # As wide as its container, as tall as the viewBox's proportions make it.
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%"', svg, count=1)
    ids = f"{chart_id}-title {chart_id}-desc"
    opening = (
        f'<svg role="img" aria-labelledby="{ids}" class="chart" '
        'stroke-linejoin="round" stroke-linecap="butt"'
    )
    svg = svg.replace("<svg", opening, 1)
    end_of_tag = svg.index(">") + 1
    accessible = (
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    # Everything in the string was generated here from numbers and escaped text.
    return mark_safe(svg[:end_of_tag] + accessible + svg[end_of_tag:])  # noqa: S308


def _attributes(style: str) -> str:
    """``fill: #fff; stroke-width: 0.8`` → `` fill="#fff" stroke-width="0.8"``."""
    parts = []
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name and _PROPERTY.match(name) and value:
            parts.append(f' {name}="{escape(value)}"')
    return "".join(parts)
