"""What a student's classes set them: the assigned lessons, in each class's order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from iamlab.classroom.models import Assignment, Classroom


@dataclass
class ClassSection:
    classroom: Classroom
    # Each lesson row (as the lesson list shows it) with the class's due date.
    items: list[tuple[dict[str, Any], date | None]] = field(default_factory=list)


def class_sections(user: Any, rows: list[dict[str, Any]]) -> list[ClassSection]:
    """Return the user's classes, each with its assigned lessons that the user may open.

    `rows` are the lesson rows the user's lesson list shows (published lessons, with
    progress); an assigned lesson that is not among them is not shown.
    """
    if not user.is_authenticated:
        return []
    by_lesson = {row["lesson"].pk: row for row in rows}
    sections: dict[int, ClassSection] = {}
    for classroom in Classroom.objects.filter(memberships__student=user).order_by("name", "pk"):
        sections[classroom.pk] = ClassSection(classroom)
    assignments = Assignment.objects.filter(classroom_id__in=list(sections)).order_by(
        "classroom_id", "position", "pk"
    )
    for assignment in assignments:
        row = by_lesson.get(assignment.lesson_id)
        if row is not None:
            sections[assignment.classroom_id].items.append((row, assignment.due_date))
    return list(sections.values())
