"""Standalone diagram pages for a scenario, and their SVG and DOT downloads.

Each diagram has a page (`/diagrams/scenarios/<slug>/<diagram>/`) with the drawing, its
text description and the legend, and two downloads (`.svg`, `.dot`) built from the same
world, so every link works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from iamlab.diagrams.evaluation import DECISION_WORDS, evaluation_flow
from iamlab.diagrams.figures import make_figure
from iamlab.diagrams.graph import Diagram, to_dot
from iamlab.diagrams.render import render_svg
from iamlab.diagrams.sessions import session_graph
from iamlab.diagrams.svg import inline_svg
from iamlab.diagrams.whatif import (
    WhatIfForm,
    default_what_if,
    describe_errors,
    world_principals,
)
from iamlab.diagrams.worlds import cached_for_world, cached_trust_graph
from iamlab.scenarios.learners import LearnerWorld, WorldUnavailable, learner_world
from iamlab.scenarios.models import Scenario
from iamlab.world import World

DIAGRAMS = {
    "trust": "Who may assume what",
    "sessions": "Who assumed what",
    "evaluation": "How the decision was reached",
}


def _verdict(result: dict[str, Any], principal: str, action: str, resource: str) -> dict[str, str]:
    """Return the decision in words and what it was about, for the top of the page."""
    decision = str(result.get("decision"))
    denied_by = ((result.get("explanation") or {}).get("denied_by") or {}).get("policy_type")
    return {
        "decision": decision,
        "words": DECISION_WORDS.get(decision, decision),
        "request": f"{principal} asking for {action} on {resource}",
        "denied_by": str(denied_by or ""),
    }


def _evaluation(
    request: HttpRequest, world: World
) -> tuple[Diagram | None, dict[str, Any], str | None]:
    """Build the evaluation flow the query asks for; return (diagram, context, problem)."""
    principals = world_principals(world)
    extra: dict[str, Any] = {}
    if "event" in request.GET:
        raw = request.GET["event"]
        events = {str(event.seq): event for event in world.events}
        event = events.get(raw.strip()) if len(raw) <= 12 else None
        form = WhatIfForm(principals=principals, world=world, initial=default_what_if(world))
        describe_errors(form)
        extra["form"] = form
        if event is None or not event.explanation:
            problem = (
                f"There is no call number {raw[:12]!r} with a decision in this world; "
                f"the calls with decisions are numbered "
                f"{', '.join(str(e.seq) for e in world.events if e.explanation) or 'nothing yet'}."
            )
            return None, extra, problem
        title = f"How the decision on call #{event.seq} ({event.action}) was reached"
        result = {"decision": event.decision, "explanation": event.explanation}
        extra["verdict"] = _verdict(
            result,
            event.caller.principal_arn or "anonymous",
            event.action or "",
            event.resource or "",
        )
        return evaluation_flow(result, title=title), extra, None
    if {"principal", "action", "resource"} & set(request.GET):
        form = WhatIfForm(request.GET, principals=principals, world=world)
    else:
        form = WhatIfForm(default_what_if(world), principals=principals, world=world)
    extra["form"] = form
    result: dict[str, Any] | None = None
    if form.is_valid():
        data = form.cleaned_data
        result = world.simulate(
            data["principal"], data["action"], data["resource"], form.request_context()
        )
        if "error" in result:
            form.add_engine_error(result["error"])
    describe_errors(form)
    if result is None or not form.is_valid():
        return None, extra, "The what-if request needs correcting; see the form."
    data = form.cleaned_data
    extra["verdict"] = _verdict(result, data["principal"], data["action"], data["resource"])
    title = f"What if {data['principal']} asked for {data['action']}"
    return evaluation_flow(result, title=title), extra, None


def build_diagram(
    request: HttpRequest, scenario: Scenario, name: str, learner: LearnerWorld | None = None
) -> tuple[Diagram | None, dict[str, Any], str | None]:
    """Build the named diagram of the learner's world (or the scenario's).

    Raise WorldUnavailable when the scenario does not build a world.
    """
    learner = learner or learner_world(request, scenario)
    world = learner.world
    whose = "your workspace" if learner.from_workspace else "the scenario as it starts"
    extra: dict[str, Any] = {"whose": whose}
    if name == "trust":
        diagram = cached_trust_graph(world)
        diagram.title = f"Who may assume what in {scenario.title}"
        return diagram, extra, None
    if name == "sessions":
        diagram = session_graph(
            world, current=learner.current, title=f"Who assumed what in {scenario.title} ({whose})"
        )
        extra["explained_calls"] = [
            (event.seq, event.action, event.decision) for event in world.events if event.explanation
        ]
        return diagram, extra, None
    diagram, more, problem = _evaluation(request, world)
    extra.update(more)
    return diagram, extra, problem


def _download_urls(request: HttpRequest, slug: str, name: str) -> tuple[str, str]:
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    return (
        reverse(f"diagrams:{name}-svg", args=[slug]) + suffix,
        reverse(f"diagrams:{name}-dot", args=[slug]) + suffix,
    )


@require_GET
def diagram_page(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """Show one diagram of a scenario with its description, downloads and the legend."""
    scenario = get_object_or_404(Scenario.objects.visible_to(request.user), slug=slug)
    svg_url, dot_url = _download_urls(request, slug, name)
    learner = learner_world(request, scenario)

    def draw() -> tuple[dict[str, Any], str | None, str]:
        """Return the page's context, its problem and its drawing as HTML.

        The drawing holds the figure, the list of explained calls and, on the evaluation
        page, the what-if form: all of it follows from the world and the query alone.
        """
        diagram, extra, problem = build_diagram(request, scenario, name, learner)
        figure = make_figure(diagram, svg_url, dot_url) if diagram is not None else None
        context = {"scenario": scenario, "figure": figure, **extra}
        drawing = render_to_string("diagrams/page.html#drawing", context)
        shown = {k: v for k, v in extra.items() if k not in {"explained_calls", "form"}}
        if "form" in extra:
            shown["what_if"] = render_to_string("diagrams/page.html#what-if", context)
        return shown, problem, drawing

    try:
        # A page drawn before for this world and this query builds nothing.
        extra, problem, drawing = cached_for_world(
            learner, f"page:{name}:{scenario.title}:{request.GET.urlencode()}", draw
        )
        status = 400 if problem else 200
    except WorldUnavailable as error:
        # Not the learner's fault and nothing they can correct: say so, in the page.
        extra, problem, drawing, status = {}, str(error), "", 200
    context = {
        "scenario": scenario,
        "name": name,
        "heading": DIAGRAMS[name],
        "diagrams": DIAGRAMS,
        "problem": problem,
        **extra,
        # Safe: rendered by the template engine, which escaped every value.
        "drawing": mark_safe(drawing),
        "what_if": mark_safe(extra.get("what_if", "")),
    }
    return render(request, "diagrams/page.html", context, status=status)


def _filename(scenario: Scenario, name: str, extension: str) -> str:
    return f"{scenario.slug}-{name}.{extension}"


def _plain_text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _diagram_to_download(
    request: HttpRequest, scenario: Scenario, name: str
) -> Diagram | HttpResponse:
    """Return the diagram to download, or the plain-text response that says why there is none."""
    try:
        diagram, _extra, problem = build_diagram(request, scenario, name)
    except WorldUnavailable as error:
        return _plain_text(str(error), 409)
    if diagram is None:
        return _plain_text(problem or "There is no diagram to download.", 400)
    return diagram


@require_GET
def diagram_svg(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """Download the diagram as a standalone SVG file."""
    scenario = get_object_or_404(Scenario.objects.visible_to(request.user), slug=slug)
    diagram = _diagram_to_download(request, scenario, name)
    if isinstance(diagram, HttpResponse):
        return diagram
    rendering = render_svg(to_dot(diagram))
    if rendering.svg is None:
        return _plain_text(rendering.notice, 503)
    svg = inline_svg(rendering.svg, "diagram", diagram.title, diagram.summary)
    document = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"
    response = HttpResponse(document, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(scenario, name, "svg")}"'
    # Opened on its own, the file may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@require_GET
def diagram_dot(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """Download the diagram's Graphviz DOT source."""
    scenario = get_object_or_404(Scenario.objects.visible_to(request.user), slug=slug)
    diagram = _diagram_to_download(request, scenario, name)
    if isinstance(diagram, HttpResponse):
        return diagram
    response = HttpResponse(to_dot(diagram), content_type="text/vnd.graphviz; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(scenario, name, "dot")}"'
    return response


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """List the scenarios' diagrams and show the legend they share."""
    scenarios = Scenario.objects.visible_to(request.user).order_by("title")
    return render(request, "diagrams/index.html", {"scenarios": scenarios, "diagrams": DIAGRAMS})
