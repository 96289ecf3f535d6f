"""Template tags that place diagrams and their legend in a page."""

from __future__ import annotations

from typing import Any

from django import template

from iamlab.diagrams.figures import legend_rows, make_figure
from iamlab.diagrams.graph import Diagram

register = template.Library()


@register.inclusion_tag("diagrams/figure.html")
def diagram_figure(
    diagram: Diagram, svg_url: str | None = None, dot_url: str | None = None
) -> dict[str, Any]:
    """Show one diagram: inline SVG (or a notice), its text description and downloads."""
    return {"figure": make_figure(diagram, svg_url, dot_url)}


@register.inclusion_tag("diagrams/legend.html")
def diagram_legend(*kinds: str) -> dict[str, Any]:
    """Show the shared legend, limited to the diagram kinds named (all when none are)."""
    return {"rows": legend_rows(set(kinds) if kinds else None)}
