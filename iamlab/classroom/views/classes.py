"""The instructor's class pages: classes, the progress dashboard, a student's work, live view."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from iamlab.classroom.access import instructor_required, owned_class
from iamlab.classroom.forms import AssignForm, ClassForm
from iamlab.classroom.models import Assignment, Classroom
from iamlab.classroom.progress import cells_html, class_progress, csv_rows, step_tally
from iamlab.diagrams.figures import legend_rows, make_figure
from iamlab.diagrams.sessions import session_graph
from iamlab.lessons.models import Lesson, Progress
from iamlab.scenarios.models import WorkspaceError

# The live view asks for fresh figures this often (seconds), as htmx's polling trigger.
LIVE_POLL_SECONDS = 5


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _class_list(request: HttpRequest, form: ClassForm, status: int = 200) -> HttpResponse:
    classes = (
        Classroom.objects.filter(owner=request.user)
        .annotate(student_count=Count("memberships", distinct=True))
        .annotate(lesson_count=Count("assignments", distinct=True))
        .order_by("name", "pk")
    )
    return render(
        request, "classroom/index.html", {"classes": classes, "form": form}, status=status
    )


@require_GET
@instructor_required
def index(request: HttpRequest) -> HttpResponse:
    """List the instructor's classes, with a form to make a new one."""
    return _class_list(request, ClassForm())


@require_POST
@instructor_required
def create_class(request: HttpRequest) -> HttpResponse:
    """Make a class with a fresh join code."""
    form = ClassForm(request.POST)
    if not form.is_valid():
        return _class_list(request, form, status=400)
    classroom = Classroom.objects.create_with_code(
        name=form.cleaned_data["name"], owner=request.user
    )
    return redirect(classroom)


def _class_page(
    request: HttpRequest, classroom: Classroom, form: AssignForm | None = None, status: int = 200
) -> HttpResponse:
    progress = class_progress(classroom)
    now = timezone.now()
    # The table's rows, worked out here: a template loop over 2,000 cells is the slow part
    # of the page for a large class.
    # One reverse() for the class, not one per student (it is the costliest call per row).
    students_url = reverse("instructor:class", args=[classroom.pk]) + "students/"
    table = [
        {
            "name": student.get_username(),
            "url": f"{students_url}{student.pk}/",
            "cells": cells_html(cells),
            "activity": activity,
            "ago": activity.ago(now),
        }
        for student, cells, activity in progress.rows
    ]
    context = {
        "classroom": classroom,
        "progress": progress,
        "table": table,
        "form": form or AssignForm(classroom=classroom),
    }
    return render(request, "classroom/class.html", context, status=status)


@require_GET
@instructor_required
def class_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a class's dashboard: students by lessons, stuck steps, wrong predictions."""
    return _class_page(request, owned_class(request, pk))


@require_POST
@instructor_required
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a lesson for the class, after the ones already set."""
    classroom = owned_class(request, pk)
    form = AssignForm(request.POST, classroom=classroom)
    if not form.is_valid():
        return _class_page(request, classroom, form, status=400)
    last = classroom.assignments.aggregate(last=Max("position"))["last"]
    Assignment.objects.create(
        classroom=classroom,
        lesson=form.cleaned_data["lesson"],
        due_date=form.cleaned_data["due_date"],
        position=0 if last is None else last + 1,
    )
    return redirect(classroom)


@require_POST
@instructor_required
def unassign(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    """Take a lesson off the class (the students' progress in it is kept)."""
    classroom = owned_class(request, pk)
    get_object_or_404(Assignment, pk=assignment_pk, classroom=classroom).delete()
    return redirect(classroom)


@require_GET
@instructor_required
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the class's progress as CSV, one row per student and lesson."""
    classroom = owned_class(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="class-{classroom.pk}-progress.csv"'
    csv.writer(response).writerows(csv_rows(class_progress(classroom)))
    return response


def _member(classroom: Classroom, user_pk: int) -> Any:
    return get_object_or_404(get_user_model(), pk=user_pk, memberships__classroom=classroom)


def _assigned_lesson(classroom: Classroom, slug: str) -> Lesson:
    return get_object_or_404(
        Lesson.objects.select_related("scenario"), slug=slug, assignments__classroom=classroom
    )


@require_GET
@instructor_required
def student_page(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """Show one student's row of the dashboard, with a link to their work in each lesson."""
    classroom = owned_class(request, pk)
    student = _member(classroom, user_pk)
    progress = class_progress(classroom)
    row = next(row for row in progress.rows if row[0].pk == student.pk)
    lessons = list(zip(progress.assignments, row[1], strict=True))
    return render(
        request,
        "classroom/student.html",
        {"classroom": classroom, "student": student, "lessons": lessons, "activity": row[2]},
    )


@require_GET
@instructor_required
def student_lesson(request: HttpRequest, pk: int, user_pk: int, slug: str) -> HttpResponse:
    """Show a student's workspace log and session graph in one lesson (read-only)."""
    classroom = owned_class(request, pk)
    student = _member(classroom, user_pk)
    lesson = _assigned_lesson(classroom, slug)
    run = Progress.objects.filter(lesson=lesson, owner=student, ended_at__isnull=True).first()
    context: dict[str, Any] = {
        "classroom": classroom,
        "student": student,
        "lesson": lesson,
        "run": run,
        "step_rows": list(run.step_rows.order_by("number")) if run is not None else [],
        "transcript": [],
        "figure": None,
        "problem": "",
        "was_reset": request.GET.get("reset") == "done",
    }
    workspace = run.workspace if run is not None else None
    if workspace is not None:
        # Replay the log the student wrote; nothing is run or saved here.
        lines = workspace.lines()
        try:
            console, results = workspace.replay(lines)
        except WorkspaceError as error:
            context["problem"] = str(error)
        else:
            context["transcript"] = list(zip(lines, results, strict=True))
            context["figure"] = make_figure(
                session_graph(
                    console.world,
                    current=console.signing_access_key(),
                    title=f"Who assumed what in {student.get_username()}'s {lesson.title} world",
                )
            )
            context["legend"] = legend_rows({"sessions"})
    return render(request, "classroom/student_lesson.html", context)


@require_http_methods(["GET", "POST"])
@instructor_required
def reset_student_lesson(request: HttpRequest, pk: int, user_pk: int, slug: str) -> HttpResponse:
    """Ask to confirm (GET), then end the student's run of the lesson and its workspace (POST)."""
    classroom = owned_class(request, pk)
    student = _member(classroom, user_pk)
    lesson = _assigned_lesson(classroom, slug)
    run = Progress.objects.filter(lesson=lesson, owner=student, ended_at__isnull=True).first()
    if request.method == "POST":
        if run is not None:
            run.end()
        return redirect(f"{_student_lesson_url(classroom, student, lesson)}?reset=done")
    context = {"classroom": classroom, "student": student, "lesson": lesson, "run": run}
    return render(request, "classroom/reset.html", context)


def _student_lesson_url(classroom: Classroom, student: Any, lesson: Lesson) -> str:
    return reverse("instructor:student-lesson", args=[classroom.pk, student.pk, lesson.slug])


@require_GET
@instructor_required
def live(request: HtmxHttpRequest, pk: int, slug: str, number: int) -> HttpResponse:
    """Show, for projection, how many students met one step's goal; names are never shown."""
    classroom = owned_class(request, pk)
    lesson = _assigned_lesson(classroom, slug)
    steps = list(lesson.steps.order_by("number"))
    step = next((s for s in steps if s.number == number), None)
    if step is None:
        return render(request, "404.html", status=404)
    tally = step_tally(classroom, step)
    context = {
        "classroom": classroom,
        "lesson": lesson,
        "step": step,
        "steps": steps,
        "tally": tally,
        "percent": round(100 * tally.met / tally.students) if tally.students else 0,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < len(steps) else None,
        "poll_seconds": LIVE_POLL_SECONDS,
    }
    template = "classroom/live.html#tally" if request.htmx else "classroom/live.html"
    return render(request, template, context)
