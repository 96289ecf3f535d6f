"""Standalone diagram pages for a scenario, and their SVG and DOT downloads.

Each diagram has a page (`/diagrams/scenarios/<slug>/<diagram>/`) with the drawing, its
text description and the legend, and two downloads (`.svg`, `.dot`) built from the same
world, so every link works without JavaScript.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from iamlab.diagrams.evaluation import evaluation_flow
from iamlab.diagrams.figures import make_figure
from iamlab.diagrams.graph import Diagram, to_dot
from iamlab.diagrams.render import render_svg
from iamlab.diagrams.sessions import session_graph
from iamlab.diagrams.svg import inline_svg
from iamlab.diagrams.trust import trust_audience
from iamlab.diagrams.worlds import (
    LearnerWorld,
    WorldUnavailable,
    cached_for_world,
    cached_trust_graph,
    learner_world,
)
from iamlab.scenarios.models import Scenario
from iamlab.world import World

DIAGRAMS = {
    "trust": "Who may assume what",
    "sessions": "Who assumed what",
    "evaluation": "How the decision was reached",
}
# The request action syntax the engine accepts (service:Action, no wildcards).
ACTION = re.compile(r"[A-Za-z0-9-]{1,64}:[A-Za-z0-9_.-]{1,128}")
MAX_RESOURCE = 2048


class WhatIfForm(forms.Form):
    """A what-if request: a principal of the world, an action and a resource."""

    principal = forms.ChoiceField(label="Principal")
    action = forms.CharField(label="Action", max_length=200, initial="sts:AssumeRole")
    resource = forms.CharField(label="Resource", max_length=MAX_RESOURCE)

    def __init__(self, *args: Any, principals: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["principal"].choices = principals

    def clean_action(self) -> str:
        action = self.cleaned_data["action"].strip()
        if not ACTION.fullmatch(action):
            raise forms.ValidationError(
                f"“{action[:80]}” is not an action: write service:Action, for example "
                "s3:GetObject or sts:AssumeRole, without wildcards."
            )
        return action

    def clean_resource(self) -> str:
        resource = self.cleaned_data["resource"].strip()
        if not resource.isprintable():
            raise forms.ValidationError("The resource must be one line of printable text.")
        return resource


def world_principals(world: World) -> list[tuple[str, str]]:
    """Return (ARN, label) for every principal a what-if request can name."""
    choices = []
    for account in world.accounts.values():
        choices += [(user.arn, f"IAM user {user.name}") for user in account.users.values()]
        choices += [(role.arn, f"IAM role {role.name}") for role in account.roles.values()]
    services = sorted(
        {
            service
            for account in world.accounts.values()
            for role in account.roles.values()
            for statement in _statements(role.trust_policy)
            for service in _principal_values(statement, "Service")
        }
    )
    choices += [(service, f"AWS service {service}") for service in services]
    return choices


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    statements = document.get("Statement")
    items = statements if isinstance(statements, list) else [statements]
    return [item for item in items if isinstance(item, dict)]


def _principal_values(statement: dict[str, Any], key: str) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, dict):
        return []
    values = principal.get(key)
    values = values if isinstance(values, list) else [values]
    return [value for value in values if isinstance(value, str)]


def _default_what_if(world: World) -> dict[str, str] | None:
    """Return a first request worth showing: a user asking for a role that names them."""
    users = [user for account in world.accounts.values() for user in account.users.values()]
    roles = [role for account in world.accounts.values() for role in account.roles.values()]
    for role in roles:
        named = trust_audience(role.trust_policy).arns
        for user in users:
            if user.arn in named:
                return {"principal": user.arn, "action": "sts:AssumeRole", "resource": role.arn}
    if users and roles:
        return {"principal": users[0].arn, "action": "sts:AssumeRole", "resource": roles[0].arn}
    return None


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
        form = WhatIfForm(principals=principals, initial=_default_what_if(world))
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
        return evaluation_flow(result, title=title), extra, None
    if {"principal", "action", "resource"} & set(request.GET):
        form = WhatIfForm(request.GET, principals=principals)
    else:
        form = WhatIfForm(_default_what_if(world), principals=principals)
    extra["form"] = form
    if not form.is_valid():
        return None, extra, "The what-if request needs correcting; see the form."
    data = form.cleaned_data
    result = world.simulate(data["principal"], data["action"], data["resource"])
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
        """Return the page's context, its problem and its drawing (figure, calls) as HTML."""
        diagram, extra, problem = build_diagram(request, scenario, name, learner)
        figure = make_figure(diagram, svg_url, dot_url) if diagram is not None else None
        context = {"scenario": scenario, "figure": figure, **extra}
        drawing = render_to_string("diagrams/page.html#drawing", context)
        return {k: v for k, v in extra.items() if k != "explained_calls"}, problem, drawing

    try:
        if name == "evaluation":
            extra, problem, drawing = draw()  # holds a form, built for each request
        else:
            # Drawn from the world and the query alone: a world drawn before builds nothing.
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
