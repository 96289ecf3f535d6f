"""Template tags that place diagrams and their legend in a page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from iamlab.diagrams.figures import legend_rows, make_figure
from iamlab.diagrams.graph import Diagram
from iamlab.diagrams.sessions import session_graph
from iamlab.diagrams.worlds import WorldUnavailable, cached_trust_graph, learner_world

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


@register.inclusion_tag("diagrams/scenario.html", takes_context=True)
def scenario_diagrams(context: template.Context, scenario: Any) -> dict[str, Any]:
    """Show a scenario's trust graph, the learner's session graph (if any) and the legend."""
    request = context["request"]
    try:
        learner = learner_world(request, scenario)
    except WorldUnavailable as error:
        return {"scenario": scenario, "figures": [], "rows": [], "unavailable": str(error)}
    world, from_workspace = learner.world, learner.from_workspace
    slug = scenario.slug
    trust = cached_trust_graph(world)
    trust.title = f"Who may assume what in {scenario.title}"
    figures = [
        make_figure(
            trust,
            reverse("diagrams:trust-svg", args=[slug]),
            reverse("diagrams:trust-dot", args=[slug]),
        )
    ]
    kinds = {"trust"}
    if from_workspace and world.events:
        sessions = session_graph(
            world, current=learner.current, title="Who assumed what in your workspace"
        )
        figures.append(
            make_figure(
                sessions,
                reverse("diagrams:sessions-svg", args=[slug]),
                reverse("diagrams:sessions-dot", args=[slug]),
            )
        )
        kinds.add("sessions")
    return {
        "scenario": scenario,
        "figures": figures,
        "rows": legend_rows(kinds),
        "from_workspace": from_workspace,
    }
