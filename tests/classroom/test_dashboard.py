"""The class dashboard: the students-by-lessons table, stuck steps, wrong predictions, CSV."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from iamlab.classroom.models import Classroom, Membership
from iamlab.classroom.progress import CSV_HEADER, class_progress, spreadsheet_safe
from iamlab.classroom.sample import generate_class
from iamlab.scenarios.models import Scenario
from tests.cast import client_for, make_user

pytestmark = pytest.mark.django_db


def cells(body: str) -> list[tuple[str, str]]:
    """Return (data-status, text) of every cell of the progress table, row by row."""
    return [
        (status, text.strip())
        for status, text in re.findall(
            r'<td class="cell-[a-z-]+" data-status="([a-z-]+)">([^<]*)</td>', body
        )
    ]


def test_the_table_shows_done_in_progress_with_the_step_reached_and_not_started(
    classroom: Classroom, teacher: Any, student: Any
) -> None:
    sam = client_for(student)
    sam.post("/lessons/users/1/act/")  # read: done
    sam.post("/lessons/users/2/act/", {"line": "export AWS_PROFILE=alice"})  # done
    sam.get("/lessons/users/3/")  # opened, not done
    make_user("zoe").memberships.create(classroom=classroom)

    body = client_for(teacher).get(f"/instructor/classes/{classroom.pk}/").content.decode()

    assert cells(body) == [
        ("in-progress", "Step 3 of 6"),
        ("not-started", "Not started"),
        ("not-started", "Not started"),
        ("not-started", "Not started"),
    ]
    assert f'<a href="/instructor/classes/{classroom.pk}/students/{student.pk}/">sam</a>' in body
    # The activity column names the lesson and the step sam opened last.
    assert "<small>Users: a long-term key and the policies behind it, step 3</small>" in body
    assert "Nothing yet" in body  # zoe


def test_a_completed_lesson_is_done(classroom: Classroom, teacher: Any, student: Any) -> None:
    sam = client_for(student)
    sam.post("/lessons/users/1/act/")
    sam.post("/lessons/users/2/act/", {"line": "export AWS_PROFILE=alice"})
    sam.post("/lessons/users/3/act/", {"line": "aws sts get-caller-identity"})
    sam.post("/lessons/users/4/act/")
    sam.post("/lessons/users/5/act/", {"decision": "Allowed"})
    sam.post("/lessons/users/6/act/")

    progress = class_progress(classroom)

    (row,) = progress.rows
    assert [(cell.status, cell.done, cell.total) for cell in row[1]] == [
        ("done", 6, 6),
        ("not-started", 0, 10),
    ]
    # sam predicted Allowed where AWS decided ImplicitlyDenied: one wrong prediction.
    assert [(f.number, f.wrong, f.predicted, f.answer) for f in progress.predictions] == [
        (5, 1, 1, "ImplicitlyDenied")
    ]


def test_stuck_steps_rank_failed_attempts_then_hints_and_solutions(
    classroom: Classroom, student: Any
) -> None:
    sam = client_for(student)
    sam.post("/lessons/users/1/act/")
    for _ in range(3):  # three lines that do not make alice the caller
        sam.post("/lessons/users/2/act/", {"line": "date"})
    sam.post("/lessons/users/2/hint/")
    sam.post("/lessons/users/2/hint/")
    sam.post("/lessons/users/2/solution/", {"confirm": "on"})
    sam.post("/lessons/users/2/act/", {"line": "export AWS_PROFILE=alice"})  # done at last
    sam.get("/lessons/users/3/")
    sam.post("/lessons/users/3/hint/")

    stuck = class_progress(classroom).stuck

    assert [(f.number, f.failed, f.hints, f.solutions) for f in stuck] == [
        (2, 3, 2, 1),
        (3, 0, 1, 0),
    ]
    assert stuck[0].lesson == "Users: a long-term key and the policies behind it"


def test_csv_has_one_row_per_student_and_lesson(
    classroom: Classroom, teacher: Any, student: Any
) -> None:
    client_for(student).post("/lessons/users/1/act/")

    response = client_for(teacher).get(f"/instructor/classes/{classroom.pk}/progress.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="class-{classroom.pk}-progress.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == CSV_HEADER
    assert [row[:7] for row in rows[1:]] == [
        ["sam", rows[1][1], "", "Step 2 of 6", "2", "1", "6"],
        ["sam", rows[2][1], "", "Not started", "0", "0", "10"],
    ]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("alice", "alice"),
        ("a=b", "a=b"),
        (3, 3),
    ],
)
def test_formula_like_cells_are_neutralised(value: object, written: object) -> None:
    assert spreadsheet_safe(value) == written


def test_the_csv_export_neutralises_a_formula_in_a_username(
    classroom: Classroom, teacher: Any
) -> None:
    for name in ["=cmd|'/c calc'!A1", "@evil", "-1+1", "+1"]:
        Membership.objects.create(classroom=classroom, student=make_user(name))

    response = client_for(teacher).get(f"/instructor/classes/{classroom.pk}/progress.csv")

    names = {row[0] for row in csv.reader(io.StringIO(response.content.decode()))}
    assert names == {"student", "sam", "'=cmd|'/c calc'!A1", "'@evil", "'-1+1", "'+1"}


def test_a_class_of_200_students_and_10_lessons_renders_in_a_bounded_number_of_queries(
    users_and_roles_lessons: None, teacher: Any, django_assert_max_num_queries: Any
) -> None:
    classroom = generate_class(Scenario.objects.get(slug="iam-roles"), teacher)
    client = client_for(teacher)

    with django_assert_max_num_queries(12):
        response = client.get(f"/instructor/classes/{classroom.pk}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert len(cells(body)) == 200 * 10
    assert body.count('data-status="done"') == sum(
        1 for i in range(200) for j in range(10) if (i + j) % 3 == 2
    )
    with django_assert_max_num_queries(10):
        assert client.get(f"/instructor/classes/{classroom.pk}/progress.csv").status_code == 200
