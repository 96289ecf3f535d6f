"""The lesson pages: the list, a lesson's overview, and the step page with its actions.

Every action is a form that posts to its own URL. With htmx the response is the step's
live part (`lessons/step.html#live`), swapped in place; without JavaScript it is the
whole page, showing the same result.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from iamlab.diagrams.evaluation import evaluation_flow
from iamlab.diagrams.figures import legend_rows, make_figure
from iamlab.diagrams.sessions import session_graph
from iamlab.lessons.explaining import explain
from iamlab.lessons.forms import ConsoleForm, PolicyForm, PredictionForm, SolutionForm
from iamlab.lessons.goals import describe_goal
from iamlab.lessons.models import Lesson, Progress
from iamlab.lessons.narrative import render_narrative
from iamlab.lessons.play import Play, StepLocked, open_step
from iamlab.scenarios.models import WorkspaceError

if TYPE_CHECKING:
    from iamlab.world import Event


FIGURE_CACHE_PREFIX = "lessons:figure:v1:"
FIGURE_CACHE_SECONDS = 3600
LOCAL_FIGURES = 256
_local_figures: OrderedDict[str, str] = OrderedDict()
_local_lock = threading.Lock()
# The step pages' live part, rendered, by the state it shows (see `step`); per process.
LOCAL_PAGES = 256
_local_pages: OrderedDict[tuple[Any, ...], str] = OrderedDict()
# What a kept page holds in place of the CSRF token, replaced by the requester's own token
# when it is served. Random for each process, so no text a page shows can contain it.
_CSRF_STAND_IN = f"csrf-stand-in-{secrets.token_hex(16)}"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def lessons_with_progress(request: HttpRequest) -> list[dict[str, Any]]:
    """Return the published lessons, each with how far the learner is in it."""
    lessons = list(Lesson.objects.visible_to(request.user).select_related("scenario"))
    rows = []
    for lesson in lessons:
        progress = Progress.objects.lookup(request, lesson)
        total = lesson.steps.count()
        done = len(progress.steps_done()) if progress is not None else 0
        rows.append(
            {
                "lesson": lesson,
                "total": total,
                "done": done,
                "completed": progress is not None and progress.completed_at is not None,
                "started": progress is not None,
            }
        )
    return rows


@require_GET
def lesson_list(request: HttpRequest) -> HttpResponse:
    """List the lessons with the learner's progress in each."""
    return render(request, "lessons/list.html", {"rows": lessons_with_progress(request)})


@require_GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a lesson's steps and which of them the learner has done."""
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user), slug=slug)
    progress = Progress.objects.lookup(request, lesson)
    done = progress.steps_done() if progress is not None else set()
    steps = list(lesson.steps.order_by("number"))
    first_open = next((s.number for s in steps if s.number not in done), None)
    return render(
        request,
        "lessons/overview.html",
        {
            "lesson": lesson,
            "steps": steps,
            "done": done,
            "first_open": first_open,
            "progress": progress,
        },
    )


@require_POST
def reset(request: HttpRequest, slug: str) -> HttpResponse:
    """Start the lesson afresh in a new workspace (the old log and progress are kept)."""
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user), slug=slug)
    progress = Progress.objects.lookup(request, lesson)
    if progress is not None:
        progress.reset(request)
    return redirect("lessons:step", slug=lesson.slug, number=1)


def _play(
    request: HttpRequest, slug: str, number: int, restore: bool = True
) -> Play | HttpResponse:
    try:
        lesson, steps = Lesson.objects.with_steps(request.user, slug)
    except Lesson.DoesNotExist:
        raise Http404(f"There is no lesson {slug!r}.") from None
    try:
        return open_step(request, lesson, number, steps, restore=restore)
    except StepLocked as locked:
        # A step opens once the ones before it are done: send the learner to the first
        # one still open.
        return redirect("lessons:step", slug=lesson.slug, number=locked.first_open)
    except lesson.steps.model.DoesNotExist:
        raise Http404(f"The lesson {lesson.title!r} has no step {number}.") from None
    except WorkspaceError as error:
        return _unavailable(request, lesson, error)


def _unavailable(request: HttpRequest, lesson: Lesson, error: WorkspaceError) -> HttpResponse:
    """Say that the lesson's world cannot be built (its scenario no longer builds one)."""
    return render(request, "lessons/unavailable.html", {"lesson": lesson, "message": str(error)})


def _cached_html(key: str, build: Callable[[], str]) -> SafeString:
    """Return a rendered diagram's HTML, built once per key.

    A lesson world only grows (its log is append-only and replays the same way), so the
    workspace, its number of calls, the clock and the acting key name one drawing exactly.
    A bounded map in this process is asked first (pure: a key always names the same HTML),
    then Django's cache, shared by every process.
    """
    with _local_lock:
        html = _local_figures.get(key)
        if html is not None:
            _local_figures.move_to_end(key)
    if html is None:
        html = cache.get(key)
        if not isinstance(html, str):
            html = build()
            cache.set(key, html, FIGURE_CACHE_SECONDS)
        with _local_lock:
            _local_figures[key] = html
            while len(_local_figures) > LOCAL_FIGURES:
                _local_figures.popitem(last=False)
    # Safe: the HTML was rendered by diagrams/figure.html (escaped labels, sanitized SVG).
    return mark_safe(html)


def _figures(play: Play, event: Event | None) -> dict[str, Any]:
    world = play.world
    workspace = play.progress.workspace
    assert workspace is not None
    prefix = (
        f"{FIGURE_CACHE_PREFIX}{workspace.pk}:{workspace.created_at.timestamp()}:"
        f"{play.lesson.scenario.content_version}:"
    )
    figures: dict[str, Any] = {"kinds": []}
    if event is not None and event.explanation:
        result = {"decision": event.decision, "explanation": event.explanation}
        title = f"How the decision on call #{event.seq} ({event.action}) was reached"
        figures["evaluation"] = _cached_html(
            f"{prefix}evaluation:{event.seq}",
            lambda: render_to_string(
                "diagrams/figure.html", {"figure": make_figure(evaluation_flow(result, title))}
            ),
        )
        figures["kinds"].append("evaluation")
    has_sessions = any(session.kind == "assumed-role" for session in world.sessions.values())
    if has_sessions:
        current = play.console.signing_access_key()
        figures["sessions"] = _cached_html(
            f"{prefix}sessions:{len(world.events)}:{world.now().isoformat()}:{current}",
            lambda: render_to_string(
                "diagrams/figure.html",
                {
                    "figure": make_figure(
                        session_graph(
                            world, current=current, title="Who assumed what in your lesson world"
                        )
                    )
                },
            ),
        )
        figures["kinds"].append("sessions")
    if figures["kinds"]:
        kinds = tuple(figures["kinds"])
        figures["legend"] = _cached_html(
            f"{FIGURE_CACHE_PREFIX}legend:{':'.join(kinds)}",
            lambda: render_to_string("diagrams/legend.html", {"rows": legend_rows(set(kinds))}),
        )
    return figures


def _step_urls(play: Play) -> dict[str, str]:
    """Return the step's own URLs, built once (the page names each several times)."""
    base = reverse("lessons:step", args=[play.lesson.slug, play.step.number])
    return {
        "act": f"{base}act/",
        "hint": f"{base}hint/",
        "solution": f"{base}solution/",
        "previous": reverse("lessons:step", args=[play.lesson.slug, play.step.number - 1])
        if play.step.number > 1
        else "",
        "lessons": reverse("lessons:list"),
        "diagrams": f"{base}diagrams/",
    }


def verdict(event: Event | None) -> dict[str, str]:
    """Say what decided a call: an authorization decision, else an error code, else success."""
    if event is None:
        return {"kind": "none", "value": ""}
    error = event.error or {}
    if event.decision and (event.decision != "Allowed" or not error):
        return {"kind": "decision", "value": event.decision}
    if error:
        return {"kind": "error", "value": str(error.get("code", "Error"))}
    return {"kind": "ok", "value": "Succeeded"}


def _step_context(
    request: HtmxHttpRequest,
    play: Play,
    forms: dict[str, Any] | None = None,
    acted: bool = False,
) -> dict[str, Any]:
    """Return what the step page's live part shows (it reads the learner's world)."""
    step = play.step
    outcome = play.last_outcome()
    event = outcome.event if outcome is not None else play.outcome_event()
    forms = forms or {}
    kind = step.kind
    if kind == "console":
        forms.setdefault("console", ConsoleForm())
    elif kind == "predict":
        forms.setdefault("prediction", PredictionForm())
    elif kind == "policy":
        forms.setdefault("policy", PolicyForm(initial={"document": play.policy_text()}))
    forms.setdefault("solution", SolutionForm())
    return {
        **_page_context(play),
        "narrative": render_narrative(step.narrative),
        "goal_text": describe_goal(step.goal),
        "checklist": play.checklist(),
        "who": play.acting_as(),
        "time_left": play.time_left(),
        "outcome": outcome,
        "event": event,
        "verdict": verdict(event),
        "explanation": explain(event.explanation, event.decision) if event else [],
        "solution_policy": (
            json.dumps(step.solution["policy"], indent=2)
            if isinstance(step.solution, dict) and "policy" in step.solution
            else ""
        ),
        "hints": step.hints[: play.row.hints_revealed],
        "more_hints": play.row.hints_revealed < len(step.hints),
        "next_step": play.next_step(),
        "forms": forms,
        # After an action htmx fetches the diagrams with a second request, so that the
        # action's answer (outcome and goal) is not held up by drawing them.
        "lazy_figures": acted and bool(request.htmx),
        "figures": {} if acted and request.htmx else _figures(play, event),
    }


def _page_context(play: Play) -> dict[str, Any]:
    """Return what the step page shows around its live part (none of it needs the world)."""
    return {
        "play": play,
        "lesson": play.lesson,
        "step": play.step,
        "steps": play.steps,
        "done_numbers": play.done_numbers,
        "urls": _step_urls(play),
    }


def _render_step(
    request: HtmxHttpRequest,
    play: Play,
    forms: dict[str, Any] | None = None,
    status: int = 200,
    acted: bool = False,
) -> HttpResponse:
    context = _step_context(request, play, forms, acted)
    template = "lessons/step.html#live" if request.htmx else "lessons/step.html"
    return render(request, template, context, status=status)


def _page_key(play: Play, last_seq: int) -> tuple[Any, ...] | None:
    """Return the key of the step page's live part as a GET shows it; None: do not keep it.

    The part is made from the learner's world (named by the workspace, the scenario's
    content version and the log's last line: a lesson world only grows, and replays the
    same way), the lesson's content, the step's row and the learner's recent lines, and
    nothing else, so one key always names the same HTML. Nothing is kept while DEBUG is
    on, so that an edited template shows at once.
    """
    if settings.DEBUG:
        return None
    workspace, row, progress = play.progress.workspace, play.row, play.progress
    assert workspace is not None
    recent = hashlib.blake2b(repr(progress.recent).encode(), digest_size=16).digest()
    return (
        workspace.pk,
        workspace.created_at,
        play.lesson.scenario.content_version,
        last_seq,
        play.lesson.pk,
        play.lesson.content_version,
        play.step.number,
        progress.pk,
        recent,
        tuple(sorted(play.done_numbers)),
        row.pk,
        row.opened_seq,
        row.attempts,
        row.outcome_seq,
        row.done,
        row.hints_revealed,
        row.solution_revealed,
        row.predicted_decision,
        row.actual_decision,
        row.prediction_correct,
    )


def _kept_page(key: tuple[Any, ...] | None) -> str | None:
    if key is None:
        return None
    with _local_lock:
        html = _local_pages.get(key)
        if html is not None:
            _local_pages.move_to_end(key)
        return html


def _keep_page(key: tuple[Any, ...] | None, html: str) -> None:
    if key is None:
        return
    with _local_lock:
        _local_pages[key] = html
        while len(_local_pages) > LOCAL_PAGES:
            _local_pages.popitem(last=False)


def _frame_key(request: HttpRequest) -> tuple[Any, ...]:
    """Return what the frame around a step's live part shows of the request: who is signed
    in (their name, and whether they see the instructors' area) and the address (the
    sign-in links carry it)."""
    user = request.user
    return (
        user.pk,
        user.get_username(),
        user.is_staff,
        user.is_authenticated,
        get_script_prefix(),
        request.get_full_path(),
    )


@require_GET
def step(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    """Show one step: its narrative, who the learner acts as, the action, outcome and goal.

    The page (for htmx, its live part) is kept, rendered, under the state it shows
    (`_page_key`, and for the whole page `_frame_key`), so a learner who opens a step
    again, or reloads it, is answered without restoring their world or rendering it.
    """
    play = _play(request, slug, number, restore=False)
    if isinstance(play, HttpResponse):
        return play
    workspace = play.progress.workspace
    assert workspace is not None
    # The log's last line as read with the progress (one query less), else asked now.
    last_seq = workspace.seq_when_read
    if last_seq is None:
        last_seq = workspace.last_seq()
    live_key = _page_key(play, last_seq)
    key: tuple[Any, ...] | None = None
    if live_key is not None:
        key = ("live", *live_key) if request.htmx else ("page", *live_key, *_frame_key(request))
    html = _kept_page(key)
    if html is None:
        try:
            play.console  # noqa: B018 - restored here, so that WorkspaceError shows a page
        except WorkspaceError as error:
            return _unavailable(request, play.lesson, error)
        play.check_goal()
        html = render_to_string(
            "lessons/step.html#live" if request.htmx else "lessons/step.html",
            {**_step_context(request, play), "csrf_token": _CSRF_STAND_IN},
            request=request,
        )
        if play.session.seq == last_seq:  # no line was added meanwhile
            _keep_page(key, html)
    # Rendered by lessons/step.html (autoescaped); the token is Django's own.
    return HttpResponse(html.replace(_CSRF_STAND_IN, get_token(request)))


@require_POST
def act(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    """Perform the step's action: run a line, press its button, predict, or put a policy."""
    play = _play(request, slug, number)
    if isinstance(play, HttpResponse):
        return play
    kind = play.step.kind
    if kind == "read":
        play.read_on()
    elif kind == "button":
        play.run(play.step.action["line"])
    elif kind == "console":
        form = ConsoleForm(request.POST)
        if not form.is_valid():
            return _render_step(request, play, {"console": form}, status=400)
        play.run(form.cleaned_data["line"])
    elif kind == "predict":
        form = PredictionForm(request.POST)
        if not form.is_valid():
            return _render_step(request, play, {"prediction": form}, status=400)
        play.predict(form.cleaned_data["decision"])
    elif kind == "policy":
        form = PolicyForm(request.POST)
        if not form.is_valid():
            return _render_step(request, play, {"policy": form}, status=400)
        outcome = play.put_policy(form.cleaned_data["document"])
        if outcome.problem or (outcome.result is not None and outcome.result.exit_code):
            # Keep what the learner wrote in the editor, so they can correct it.
            return _render_step(request, play, {"policy": form}, acted=True)
    if kind == "read" and play.done and play.next_step() is not None and not request.htmx:
        return redirect("lessons:step", slug=slug, number=number + 1)
    return _render_step(request, play, acted=True)


@require_GET
def diagrams(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    """Show the step's diagrams: the latest call's evaluation flow and the session graph."""
    play = _play(request, slug, number)
    if isinstance(play, HttpResponse):
        return play
    if not request.htmx:
        # The diagrams are part of the step page; a browser without htmx gets the page.
        return redirect("lessons:step", slug=slug, number=number)
    event = play.outcome_event()
    return render(
        request,
        "lessons/step.html#figures",
        {"figures": _figures(play, event), "urls": _step_urls(play), "play": play},
    )


@require_POST
def hint(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    """Reveal the step's next hint."""
    play = _play(request, slug, number)
    if isinstance(play, HttpResponse):
        return play
    play.reveal_hint()
    play.check_goal()
    return _render_step(request, play)


@require_POST
def solution(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    """Reveal the step's worked solution, once the learner has confirmed they want it."""
    play = _play(request, slug, number)
    if isinstance(play, HttpResponse):
        return play
    form = SolutionForm(request.POST)
    play.check_goal()
    if not form.is_valid():
        return _render_step(request, play, {"solution": form}, status=400)
    play.reveal_solution()
    return _render_step(request, play)
