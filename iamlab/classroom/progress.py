"""What a class has done, read in a fixed number of queries whatever its size.

The dashboard, its CSV export and the live view read the lessons app's progress rows:
one `Progress` per learner and lesson (the open run counts) and one `StepProgress` per
step the learner opened.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.safestring import SafeString, mark_safe

from iamlab.classroom.models import Assignment, Classroom
from iamlab.lessons.models import Progress, Step, StepProgress

TOP = 5


class Status:
    DONE = "done"
    STARTED = "in-progress"
    NOT_STARTED = "not-started"


@dataclass(frozen=True)
class Cell:
    """One student's state in one lesson."""

    status: str
    reached: int = 0
    done: int = 0
    total: int = 0

    @property
    def text(self) -> str:
        """Say the state in words, as the table and the CSV show it."""
        if self.status == Status.DONE:
            return "Done"
        if self.status == Status.STARTED:
            return f"Step {self.reached} of {self.total}"
        return "Not started"


def cells_html(cells: list[Cell]) -> SafeString:
    """Render a row's cells (escaped): a class of 200 students has 2,000 of them, and one
    join is several times faster than a template loop over them."""
    # Safe: the status is one of three fixed words and the text is escaped (the standard
    # library's escape: Django's, being lazy-aware, costs ten times as much per call).
    cell_html = '<td class="cell-{0}" data-status="{0}">{1}</td>'
    return mark_safe(
        "".join(cell_html.format(cell.status, html.escape(cell.text)) for cell in cells)
    )


@dataclass(frozen=True)
class StepFigure:
    """A step with what the class did on it."""

    lesson: str
    number: int
    title: str
    failed: int = 0
    hints: int = 0
    solutions: int = 0
    wrong: int = 0
    predicted: int = 0
    answer: str = ""


@dataclass(frozen=True)
class Activity:
    last_active: datetime | None
    lesson: str = ""
    number: int = 0
    done: bool = False

    def ago(self, now: datetime) -> str:
        """Say how long ago the student was last active, roughly (as a teacher reads it)."""
        if self.last_active is None:
            return ""
        seconds = max(0, int((now - self.last_active).total_seconds()))
        for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
            if seconds >= size:
                count = seconds // size
                return f"{count} {unit}{'' if count == 1 else 's'} ago"
        return "just now"


@dataclass
class ClassProgress:
    classroom: Classroom
    assignments: list[Assignment]
    students: list[Any]
    rows: list[tuple[Any, list[Cell], Activity]] = field(default_factory=list)
    stuck: list[StepFigure] = field(default_factory=list)
    predictions: list[StepFigure] = field(default_factory=list)


def _failed_attempts() -> Case:
    # An action that did not meet the goal failed; on a step that is done, the last action
    # met it.
    return Case(
        When(done_at__isnull=True, then=F("attempts")),
        When(attempts__gt=0, then=F("attempts") - 1),
        default=Value(0),
    )


def class_progress(classroom: Classroom) -> ClassProgress:
    """Read the class's progress table, stuck steps, wrong predictions and recent activity."""
    user_model = get_user_model()
    members = Q(progress__owner__memberships__classroom=classroom)
    latest_row = (
        StepProgress.objects.filter(progress__owner=OuterRef("pk"))
        .order_by("-opened_at", "-pk")
        .values("pk")[:1]
    )
    students = list(
        user_model.objects.filter(memberships__classroom=classroom)
        .only("pk", user_model.USERNAME_FIELD)
        .annotate(latest_row=Subquery(latest_row))
        .order_by(user_model.USERNAME_FIELD)
    )
    # A query with an aggregate does not take Meta.ordering: order the columns explicitly,
    # or PostgreSQL hands them back in any order.
    assignments = list(
        classroom.assignments.select_related("lesson")
        .annotate(step_total=Count("lesson__steps"))
        .order_by("position", "pk")
    )
    lesson_ids = [assignment.lesson_id for assignment in assignments]
    titles = {
        (lesson_id, number): title
        for lesson_id, number, title in Step.objects.filter(lesson_id__in=lesson_ids).values_list(
            "lesson_id", "number", "title"
        )
    }
    runs = {
        (run["owner_id"], run["lesson_id"]): run
        for run in Progress.objects.filter(
            lesson_id__in=lesson_ids,
            ended_at__isnull=True,
            owner__memberships__classroom=classroom,
        )
        .annotate(
            reached=Max("step_rows__number"),
            done=Count("step_rows", filter=Q(step_rows__done_at__isnull=False)),
        )
        .annotate(completed=ExpressionWrapper(Q(completed_at__isnull=False), BooleanField()))
        .values("owner_id", "lesson_id", "completed", "reached", "done")
    }
    latest = {
        row["pk"]: row
        for row in StepProgress.objects.filter(
            pk__in=[s.latest_row for s in students if s.latest_row]
        ).values("pk", "number", "opened_at", "done_at", "progress__lesson__title")
    }
    lesson_titles = {a.lesson_id: a.lesson.title for a in assignments}
    result = ClassProgress(classroom, assignments, students)
    for student in students:
        cells = []
        for assignment in assignments:
            run = runs.get((student.pk, assignment.lesson_id))
            total = assignment.step_total  # type: ignore[attr-defined]
            if run is None:
                cells.append(Cell(Status.NOT_STARTED, total=total))
            elif run["completed"]:
                cells.append(Cell(Status.DONE, run["reached"] or 0, run["done"], total))
            else:
                # The step a student is on: the furthest they opened, or the one after the
                # last they finished (steps open in order).
                reached = max(run["reached"] or 1, min(run["done"] + 1, total))
                cells.append(Cell(Status.STARTED, reached, run["done"], total))
        row = latest.get(student.latest_row)
        if row is None:
            activity = Activity(None)
        else:
            done_at = row["done_at"]
            activity = Activity(
                max(row["opened_at"], done_at) if done_at else row["opened_at"],
                row["progress__lesson__title"],
                row["number"],
                done_at is not None,
            )
        result.rows.append((student, cells, activity))

    on_assigned = StepProgress.objects.filter(members, progress__lesson_id__in=lesson_ids)
    figures = on_assigned.values("progress__lesson_id", "number").annotate(
        failed=Sum(_failed_attempts()),
        hints=Sum("hints_revealed"),
        solutions=Count("pk", filter=Q(solution_revealed=True)),
        wrong=Count("pk", filter=Q(prediction_correct=False)),
        predicted=Count("pk", filter=Q(prediction_correct__isnull=False)),
        answer=Max("actual_decision"),
    )

    def figure(values: dict[str, Any]) -> StepFigure:
        lesson_id = values["progress__lesson_id"]
        number = values["number"]
        return StepFigure(
            lesson=lesson_titles.get(lesson_id, ""),
            number=number,
            title=titles.get((lesson_id, number), ""),
            failed=values["failed"] or 0,
            hints=values["hints"] or 0,
            solutions=values["solutions"],
            wrong=values["wrong"],
            predicted=values["predicted"],
            answer=values["answer"] or "",
        )

    all_figures = [figure(values) for values in figures]
    result.stuck = sorted(
        (f for f in all_figures if f.failed or f.hints or f.solutions),
        key=lambda f: (-f.failed, -(f.hints + f.solutions), f.lesson, f.number),
    )[:TOP]
    result.predictions = sorted(
        (f for f in all_figures if f.wrong),
        key=lambda f: (-f.wrong, -f.predicted, f.lesson, f.number),
    )[:TOP]
    return result


@dataclass(frozen=True)
class StepTally:
    students: int
    opened: int
    met: int


def step_tally(classroom: Classroom, step: Step) -> StepTally:
    """Count the class's students who opened a step and who met its goal (open runs only)."""
    students = classroom.memberships.count()
    counts = StepProgress.objects.filter(
        progress__owner__memberships__classroom=classroom,
        progress__lesson_id=step.lesson_id,
        progress__ended_at__isnull=True,
        number=step.number,
    ).aggregate(
        opened=Count("progress__owner", distinct=True),
        met=Count("progress__owner", distinct=True, filter=Q(done_at__isnull=False)),
    )
    return StepTally(students, counts["opened"], counts["met"])


# A spreadsheet reads a cell that starts with one of these as a formula (or, for tab and
# carriage return, shifts it into a formula): such a cell is written with a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Return a CSV cell a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


CSV_HEADER = [
    "student",
    "lesson",
    "due date",
    "status",
    "step reached",
    "steps done",
    "steps",
    "last active (UTC)",
]


def csv_rows(progress: ClassProgress) -> list[list[object]]:
    """Return the export: a header, then one row per student and assigned lesson."""
    rows: list[list[object]] = [CSV_HEADER]
    for student, cells, activity in progress.rows:
        last = activity.last_active.strftime("%Y-%m-%d %H:%M") if activity.last_active else ""
        for assignment, cell in zip(progress.assignments, cells, strict=True):
            rows.append(
                [
                    student.get_username(),
                    assignment.lesson.title,
                    assignment.due_date.isoformat() if assignment.due_date else "",
                    cell.text,
                    cell.reached,
                    cell.done,
                    cell.total,
                    last,
                ]
            )
    return [[spreadsheet_safe(value) for value in row] for row in rows]
