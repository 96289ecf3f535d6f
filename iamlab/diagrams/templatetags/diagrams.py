"""Template tags that place diagrams and their legend in a page."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from iamlab.diagrams.figures import legend_rows, make_figure
from iamlab.diagrams.graph import Diagram
from iamlab.diagrams.sessions import session_graph
from iamlab.diagrams.worlds import (
    WorldUnavailable,
    cached_for_world,
    cached_trust_graph,
    learner_world,
)

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


@register.simple_tag(takes_context=True)
def scenario_diagrams(context: template.Context, scenario: Any) -> SafeString:
    """Show a scenario's trust graph, the learner's session graph (if any) and the legend.

    The section is drawn from the learner's world alone, so its HTML is cached under the
    world's state: a world drawn before builds nothing.
    """
    learner = learner_world(context["request"], scenario)
    slug = scenario.slug

    def draw() -> str:
        world = learner.world
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
        if learner.from_workspace and world.events:
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
        section = {
            "scenario": scenario,
            "figures": figures,
            "rows": legend_rows(kinds),
            "from_workspace": learner.from_workspace,
        }
        return render_to_string("diagrams/scenario.html", section)

    try:
        html = cached_for_world(
            learner, f"scenario-diagrams:{slug}:{scenario.title}:{learner.from_workspace}", draw
        )
    except WorldUnavailable as error:
        section = {"scenario": scenario, "figures": [], "rows": [], "unavailable": str(error)}
        html = render_to_string("diagrams/scenario.html", section)
    # Safe: rendered by the template engine, which escaped every value.
    return mark_safe(html)
