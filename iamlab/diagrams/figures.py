"""A diagram ready for a page: its rendering, inline SVG, text alternative and downloads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from django.utils.safestring import SafeString, mark_safe

from iamlab.diagrams.graph import Diagram, to_dot
from iamlab.diagrams.legend import LEGEND, LegendEntry
from iamlab.diagrams.render import Rendering, render_svg
from iamlab.diagrams.sizing import width_class
from iamlab.diagrams.svg import inline_svg
from iamlab.diagrams.swatches import swatch

# Graphviz writes sizes in points: width="890pt".
NATURAL_WIDTH = re.compile(r' width="([0-9]{1,6}(?:\.[0-9]{1,3})?)pt"')


@dataclass(frozen=True)
class Figure:
    """Everything a template needs to show one diagram."""

    diagram: Diagram
    dot_source: str
    rendering: Rendering
    element_id: str
    svg_url: str | None
    dot_url: str | None

    @property
    def natural_width(self) -> str | None:
        """Return the drawing's own width (for example "890pt"), read from its root tag."""
        if self.rendering.svg is None:
            return None
        root = self.rendering.svg[: self.rendering.svg.find(">")]
        match = NATURAL_WIDTH.search(root)
        return f"{match.group(1)}pt" if match else None

    @property
    def width_class(self) -> str | None:
        """Return the class that sizes the drawing from its natural width (sizing.py)."""
        natural = self.natural_width
        return width_class(float(natural.removesuffix("pt"))) if natural else None

    @cached_property
    def inline(self) -> SafeString | None:
        """Return the SVG to place in the page, or None when there is no drawing."""
        if self.rendering.svg is None:
            return None
        # Safe: the SVG was rebuilt from an allow-list by sanitize_svg, the id is
        # generated, and the title and description are escaped by inline_svg.
        return mark_safe(
            inline_svg(
                self.rendering.svg,
                self.element_id,
                self.diagram.title,
                self.diagram.summary,
            )
        )


def make_figure(diagram: Diagram, svg_url: str | None = None, dot_url: str | None = None) -> Figure:
    """Render a diagram (through the cache) and package it for a template."""
    dot_source = to_dot(diagram)
    rendering = render_svg(dot_source)
    element_id = f"diagram-{diagram.kind}-{rendering.digest[:12]}"
    return Figure(diagram, dot_source, rendering, element_id, svg_url, dot_url)


@dataclass(frozen=True)
class LegendRow:
    entry: LegendEntry
    picture: SafeString


def legend_rows(kinds: set[str] | None = None) -> list[LegendRow]:
    """Return the legend rows that concern these diagram kinds (all when None)."""
    rows = []
    for entry in LEGEND:
        if kinds is None or kinds.intersection(entry.diagrams):
            # Safe: swatches are drawn from the legend's constant tables only.
            rows.append(LegendRow(entry, mark_safe(swatch(entry))))
    return rows
