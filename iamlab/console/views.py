"""The console page: a terminal over the learner's own workspace for a scenario.

Every change goes through the Workspace model (`run`, `reset`); the page only reads the
console it hands out. With htmx a command's answer is its history entries plus the side
panel swapped out of band, and an event after which the session graph fetches itself
(`graph/`); without JavaScript the form posts and the browser is redirected back to the
page, which shows all of them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from iamlab.console import terminal
from iamlab.console.terminal import Entry, Terminal
from iamlab.diagrams.figures import Figure, legend_rows, make_figure
from iamlab.diagrams.sessions import session_graph
from iamlab.diagrams.worlds import cached_for_world
from iamlab.scenarios.learners import LearnerWorld, WorldUnavailable
from iamlab.scenarios.models import Scenario, Workspace, WorkspaceError
from iamlab.scenarios.models.workspaces import MAX_LINE_LENGTH, WorkspaceSession
from iamlab.world.cli import CommandResult, Console


class LineForm(forms.Form):
    """One console line, refused before it reaches the workspace when it cannot be run."""

    line = forms.CharField(
        max_length=MAX_LINE_LENGTH,
        strip=False,
        error_messages={
            "required": "Type a command first, for example: aws sts get-caller-identity.",
            "max_length": f"A command is at most {MAX_LINE_LENGTH} characters long.",
        },
    )

    def clean_line(self) -> str:
        line = self.cleaned_data["line"]
        if not line.strip():
            raise forms.ValidationError(
                "Type a command first, for example: aws sts get-caller-identity."
            )
        if "\n" in line or "\r" in line:
            raise forms.ValidationError("Run one command at a time: the line holds a line break.")
        return line


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """List the scenarios a learner can open a console in."""
    scenarios = Scenario.objects.visible_to(request.user).order_by("title")
    return render(request, "console/index.html", {"scenarios": scenarios})


def _graph_html(scenario: Scenario, console: Console) -> str:
    """Return the session graph section of the page, as HTML (it holds nothing per request)."""
    return render_to_string("console/page.html#graph", _graph_context(scenario, console))


def _drawn(scenario: Scenario, learner: LearnerWorld) -> dict[str, Any]:
    """Return what the page shows of the learner's world, cached under the world's state.

    The side panel's facts, the Tab completions and the session graph depend on nothing
    but the world, so a page shown again for the same state restores no world.
    """

    def draw() -> dict[str, Any]:
        console = learner.console
        return {
            "panel": _panel_context(console),
            "completions": terminal.completions(console.world),
            "graph": _graph_html(scenario, console),
        }

    return cached_for_world(learner, f"console:{scenario.slug}:{scenario.title}", draw)


def _graph_context(scenario: Scenario, console: Console) -> dict[str, Any]:
    """Return the session graph's context: who assumed what, and who acts now."""
    world = console.world
    slug = scenario.slug
    graph = session_graph(
        world, current=console.signing_access_key(), title=f"Who assumed what in {scenario.title}"
    )
    figure: Figure = make_figure(
        graph,
        reverse("diagrams:sessions-svg", args=[slug]),
        reverse("diagrams:sessions-dot", args=[slug]),
    )
    return {"scenario": scenario, "figure": figure, "legend": legend_rows({"sessions"})}


def _panel_context(console: Console) -> dict[str, Any]:
    """Return the side panel's context (plain data), read from the console."""
    world = console.world
    return {
        "now": world.now(),
        "identity": terminal.current_identity(console),
        "profiles": terminal.profile_names(world),
        "export_lines": terminal.last_assumed_session_lines(world),
        "clock_moves": terminal.CLOCK_MOVES,
        "calls": terminal.logged_calls(world),
    }


def _terminal(
    scenario: Scenario,
    completions: dict[str, object],
    entries: list[Entry],
    refused: str = "",
    hidden: int = 0,
) -> Terminal:
    return Terminal(
        post_url=reverse("console:run", args=[scenario.slug]),
        entries=entries,
        completions=completions,
        refused=refused,
        hidden=hidden,
        script_url=reverse("console:script", args=[scenario.slug]),
    )


def _page(
    request: HttpRequest, scenario: Scenario, refused: str = "", status: int = 200
) -> HttpResponse:
    workspace = Workspace.objects.for_request(request, scenario)
    try:
        entries, hidden = terminal.history(workspace)
        drawn = _drawn(scenario, LearnerWorld(scenario, workspace))
    except (WorkspaceError, WorldUnavailable) as error:
        return render(
            request,
            "console/page.html",
            {"scenario": scenario, "unavailable": str(error)},
            status=200,
        )
    context = {
        **drawn["panel"],
        "scenario": scenario,
        # Safe: rendered by the template engine, which escaped every value.
        "graph": mark_safe(drawn["graph"]),
        "terminal": _terminal(scenario, drawn["completions"], entries, refused, hidden),
    }
    return render(request, "console/page.html", context, status=status)


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the console: the history, the prompt, the side panel and the session graph."""
    scenario = get_object_or_404(Scenario.objects.visible_to(request.user), slug=slug)
    return _page(request, scenario)


def _answer(
    request: HttpRequest,
    scenario: Scenario,
    workspace: Workspace,
    ran: list[tuple[str, CommandResult]],
    refused: str = "",
    session: WorkspaceSession | None = None,
) -> HttpResponse:
    """Answer a posted command: new history entries for htmx, else back to the page.

    `session` is the one that ran the lines of `ran`; it shows the world they left.
    """
    if ran and session is not None:
        terminal.remember(workspace, ran, session.seq)
    if not request.headers.get("HX-Request"):
        if refused:
            return _page(request, scenario, refused=refused, status=400)
        return redirect("console:page", slug=scenario.slug)
    try:
        console = session.console if session is not None else workspace.console()
    except WorkspaceError as error:
        return HttpResponse(
            format_html('<p id="console-refusal" role="alert" hx-swap-oob="true">{}</p>', error)
        )
    context = {
        **_panel_context(console),
        "scenario": scenario,
        "terminal": _terminal(
            scenario, {}, [Entry.of(line, result) for line, result in ran], refused
        ),
        "oob": True,
    }
    parts = [
        "console/terminal.html#entries",
        "console/terminal.html#refusal",
        "console/page.html#panel",
    ]
    response = HttpResponse("".join(render_to_string(name, context, request) for name in parts))
    # The session graph asks for itself again (GET graph/) when this event reaches the page,
    # so the command's own answer stays small and quick.
    response["HX-Trigger"] = "console-changed"
    return response


@require_GET
def graph(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the session graph of the learner's workspace: the part of the page htmx refreshes."""
    scenario = get_object_or_404(Scenario.objects.visible_to(request.user), slug=slug)
    learner = LearnerWorld(scenario, Workspace.objects.for_request(request, scenario))
    try:
        drawn = _drawn(scenario, learner)
    except WorldUnavailable as error:
        return HttpResponse(format_html('<p role="alert">{}</p>', error))
    return HttpResponse(drawn["graph"])


@require_POST
def run(request: HttpRequest, slug: str) -> HttpResponse:
    """Run one line in the learner's workspace."""
    scenario = get_object_or_404(Scenario.objects.visible_to(request.user), slug=slug)
    workspace = Workspace.objects.for_request(request, scenario)
    form = LineForm(request.POST)
    if not form.is_valid():
        return _answer(request, scenario, workspace, [], refused=form.errors["line"][0])
    line = form.cleaned_data["line"]
    # One session runs the line and then shows the world it left, without a second restore.
    session = workspace.session()
    try:
        result = session.run(line)
    except WorkspaceError as error:
        return _answer(request, scenario, workspace, [], refused=str(error))
    return _answer(request, scenario, workspace, [(line, result)], session=session)


@require_POST
def export(request: HttpRequest, slug: str) -> HttpResponse:
    """Run the three export lines of the latest role session, as if typed at the prompt."""
    scenario = get_object_or_404(Scenario.objects.visible_to(request.user), slug=slug)
    workspace = Workspace.objects.for_request(request, scenario)
    session = workspace.session()
    try:
        lines = terminal.last_assumed_session_lines(session.console.world)
        if not lines:
            return _answer(
                request,
                scenario,
                workspace,
                [],
                refused="No role session to export yet: assume a role first "
                "(aws sts assume-role --role-arn ARN --role-session-name NAME).",
            )
        ran = [(line, session.run(line)) for line in lines]
    except WorkspaceError as error:
        return _answer(request, scenario, workspace, [], refused=str(error))
    return _answer(request, scenario, workspace, ran, session=session)


@require_POST
def reset(request: HttpRequest, slug: str) -> HttpResponse:
    """End the learner's workspace (its log is kept) and start a fresh one."""
    scenario = get_object_or_404(Scenario.objects.visible_to(request.user), slug=slug)
    if request.POST.get("confirm") != "yes":
        return _page(
            request, scenario, refused="Tick “Yes, start again” to reset the workspace.", status=400
        )
    Workspace.objects.for_request(request, scenario).reset()
    return redirect("console:page", slug=scenario.slug)


@require_GET
def script(request: HttpRequest, slug: str) -> HttpResponse:
    """Download the lines typed, a script that `manage.py labshell` replays to the same output."""
    scenario = get_object_or_404(Scenario.objects.visible_to(request.user), slug=slug)
    workspace = Workspace.objects.for_request(request, scenario)
    text = terminal.session_script(scenario.slug, workspace.lines())
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{scenario.slug}-session.sh"'
    return response
