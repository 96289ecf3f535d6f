"""Classes: making one, joining with the code, set lessons, a student's work, reset, live view."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from iamlab.classroom.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    Assignment,
    Classroom,
    Membership,
)
from iamlab.lessons.models import Lesson, Progress
from iamlab.scenarios.models import Workspace
from tests.cast import client_for, make_user

pytestmark = pytest.mark.django_db


def test_a_teacher_makes_a_class_with_an_unambiguous_join_code(teacher: Any) -> None:
    response = client_for(teacher).post("/instructor/classes/new/", {"name": "  Spring cohort "})

    classroom = Classroom.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/instructor/classes/{classroom.pk}/"
    assert classroom.name == "Spring cohort"
    assert classroom.owner == teacher
    assert len(classroom.join_code) == JOIN_CODE_LENGTH
    assert set(classroom.join_code) <= set(JOIN_CODE_ALPHABET)
    assert not set("0O1IL5S2Z") & set(JOIN_CODE_ALPHABET)


def test_a_class_needs_a_name(teacher: Any) -> None:
    response = client_for(teacher).post("/instructor/classes/new/", {"name": "  "})

    assert response.status_code == 400
    assert "Give the class a name" in response.content.decode()
    assert not Classroom.objects.exists()


def test_a_class_made_in_the_admin_gets_a_join_code_too(teacher: Any) -> None:
    client = client_for(make_user("root", staff=True))
    get_user_model().objects.filter(username="root").update(is_superuser=True)

    response = client.post(
        "/admin/classroom/classroom/add/",
        {
            "name": "Made in the admin",
            "owner": teacher.pk,
            "created_at_0": "2026-01-05",
            "created_at_1": "09:00:00",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    code = Classroom.objects.get(name="Made in the admin").join_code
    assert len(code) == JOIN_CODE_LENGTH
    assert set(code) <= set(JOIN_CODE_ALPHABET)


def test_join_codes_differ_between_classes(teacher: Any) -> None:
    codes = {
        Classroom.objects.create_with_code(name=f"c{i}", owner=teacher).join_code for i in range(20)
    }

    assert len(codes) == 20


def test_a_student_joins_with_the_code_typed_loosely_and_sees_the_set_lessons(
    classroom: Classroom, teacher: Any
) -> None:
    zoe = make_user("zoe")
    client = client_for(zoe)
    typed = f" {classroom.join_code[:4].lower()}-{classroom.join_code[4:]} "

    response = client.post("/classes/join/", {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == f"/classes/?joined={classroom.pk}"
    assert Membership.objects.filter(classroom=classroom, student=zoe).exists()
    page = client.get(response["Location"]).content.decode()
    assert "You are in the class “Cloud security”." in page
    titles = re.findall(r'<a href="/lessons/([a-z-]+)/"><strong>', page)
    assert titles == ["users", "roles"]


def test_the_shared_link_fills_in_the_code_and_joins_nothing_by_itself(
    classroom: Classroom,
) -> None:
    zoe = make_user("zoe")
    client = client_for(zoe)

    response = client.get(f"/classes/join/?code={classroom.join_code}", follow=True)

    assert response.redirect_chain == [(f"/classes/?code={classroom.join_code}", 302)]
    assert f'value="{classroom.join_code}"' in response.content.decode()
    assert not Membership.objects.filter(student=zoe).exists()


def test_joining_twice_changes_nothing(classroom: Classroom, student: Any) -> None:
    client_for(student).post("/classes/join/", {"code": classroom.join_code})

    assert Membership.objects.filter(classroom=classroom, student=student).count() == 1


def test_a_wrong_code_says_so_and_joins_nothing(classroom: Classroom) -> None:
    zoe = make_user("zoe")

    response = client_for(zoe).post("/classes/join/", {"code": "<b>NOPE</b>"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "No class has the join code “&lt;B&gt;NOPE&lt;/B&gt;”." in body
    assert not Membership.objects.filter(student=zoe).exists()


def test_joining_needs_an_account(classroom: Classroom) -> None:
    response = Client().post("/classes/join/", {"code": classroom.join_code})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/classes/join/"
    assert Client().get("/classes/")["Location"] == "/accounts/login/?next=/classes/"
    assert Client().get("/classes/join/?code=ABC")["Location"] == (
        "/accounts/login/?next=/classes/join/%3Fcode%3DABC"
    )


def test_a_student_in_several_classes_sees_each_with_its_lessons_first_on_the_home_page(
    classroom: Classroom, student: Any, other_teacher: Any
) -> None:
    second = Classroom.objects.create_with_code(name="Advanced IAM", owner=other_teacher)
    Membership.objects.create(classroom=second, student=student)
    Assignment.objects.create(
        classroom=second, lesson=Lesson.objects.get(slug="roles"), due_date="2026-03-31"
    )

    body = client_for(student).get("/").content.decode()

    assert body.index('id="classes-heading"') < body.index('id="lessons-heading"')
    sections = re.findall(r'data-class="(\d+)"', body)
    assert sections == [str(second.pk), str(classroom.pk)]  # by name
    assert "Due 2026-03-31" in body


def test_a_students_classes_hide_unpublished_lessons(classroom: Classroom, student: Any) -> None:
    Lesson.objects.filter(slug="roles").update(published=False)

    body = client_for(student).get("/").content.decode()

    assert "/lessons/roles/" not in body
    assert "/lessons/users/" in body


def test_the_owner_sets_a_lesson_with_a_due_date_and_removes_it(
    users_and_roles_lessons: None, teacher: Any
) -> None:
    classroom = Classroom.objects.create_with_code(name="c", owner=teacher)
    client = client_for(teacher)
    roles = Lesson.objects.get(slug="roles")

    client.post(
        f"/instructor/classes/{classroom.pk}/assign/",
        {"lesson": roles.pk, "due_date": "2026-04-01"},
    )
    client.post(
        f"/instructor/classes/{classroom.pk}/assign/",
        {"lesson": Lesson.objects.get(slug="users").pk},
    )

    assert [(a.lesson.slug, a.position, str(a.due_date)) for a in classroom.assignments.all()] == [
        ("roles", 0, "2026-04-01"),
        ("users", 1, "None"),
    ]
    bad = client.post(
        f"/instructor/classes/{classroom.pk}/assign/", {"lesson": roles.pk, "due_date": "soon"}
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Choose one of the loaded lessons not yet set." in body
    assert "Give the due date as YYYY-MM-DD, for example 2026-03-31." in body
    first = classroom.assignments.first()
    client.post(f"/instructor/classes/{classroom.pk}/assignments/{first.pk}/remove/")
    assert [a.lesson.slug for a in classroom.assignments.all()] == ["users"]


def test_a_students_log_and_session_graph_are_shown_read_only(
    classroom: Classroom, teacher: Any, student: Any
) -> None:
    sam = client_for(student)
    sam.post("/lessons/roles/1/act/", {"line": "export AWS_PROFILE=alice"})
    sam.post("/lessons/roles/1/act/", {"line": "aws sts get-caller-identity"})
    sam.post("/lessons/roles/2/act/", {"line": "aws iam get-role --role-name ReportPublisher"})
    sam.post("/lessons/roles/3/act/")
    workspaces = Workspace.objects.count()
    entries = list(Workspace.objects.get(owner=student, context="lesson:roles").lines())

    url = f"/instructor/classes/{classroom.pk}/students/{student.pk}/lessons/roles/"
    body = client_for(teacher).get(url).content.decode()

    assert (
        re.findall(
            r'<pre class="console-line"><span aria-hidden="true">\$ </span>([^<]*)</pre>', body
        )
        == entries
    )
    assert "&quot;Arn&quot;: &quot;arn:aws:iam::111122223333:user/alice&quot;" in body
    assert "alice-publishing" in body  # the session drawn in the graph
    assert "<svg" in body
    assert Workspace.objects.count() == workspaces
    # A lesson the student has not started: nothing is made to show it.
    untouched = client_for(teacher).get(
        f"/instructor/classes/{classroom.pk}/students/{student.pk}/lessons/users/"
    )
    assert "sam has not started this lesson." in untouched.content.decode()
    assert Workspace.objects.count() == workspaces


def test_reset_asks_first_then_starts_the_student_afresh(
    classroom: Classroom, teacher: Any, student: Any
) -> None:
    sam = client_for(student)
    sam.post("/lessons/users/1/act/")
    sam.post("/lessons/users/2/act/", {"line": "export AWS_PROFILE=alice"})
    run = Progress.objects.get(owner=student, lesson__slug="users")
    old_workspace = run.workspace
    url = f"/instructor/classes/{classroom.pk}/students/{student.pk}/lessons/users/reset/"
    teacher_client = client_for(teacher)

    confirm = teacher_client.get(url)
    assert confirm.status_code == 200
    assert (
        "Reset sam's “Users: a long-term key and the policies behind it”?"
        in confirm.content.decode()
    )
    run.refresh_from_db()
    assert run.ended_at is None

    response = teacher_client.post(url)

    assert response["Location"] == (
        f"/instructor/classes/{classroom.pk}/students/{student.pk}/lessons/users/?reset=done"
    )
    run.refresh_from_db()
    old_workspace.refresh_from_db()
    assert run.ended_at is not None
    assert old_workspace.ended_at is not None
    assert old_workspace.lines() == ["export AWS_PROFILE=alice"]  # the log is kept
    fresh = Workspace.objects.get(owner=student, context="lesson:users", ended_at__isnull=True)
    assert fresh.lines() == []
    assert not Progress.objects.filter(owner=student, ended_at__isnull=True).exists()
    # The student's next visit starts at step 1 again.
    assert sam.get("/lessons/users/2/")["Location"] == "/lessons/users/1/"
    # The teacher's own account got no progress or workspace from it.
    assert not Progress.objects.filter(owner=teacher).exists()
    assert not Workspace.objects.filter(owner=teacher).exists()


def test_reset_needs_the_csrf_token(classroom: Classroom, teacher: Any, student: Any) -> None:
    client_for(student).post("/lessons/users/1/act/")
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    response = client.post(
        f"/instructor/classes/{classroom.pk}/students/{student.pk}/lessons/users/reset/"
    )

    assert response.status_code == 403
    assert Progress.objects.get(owner=student).ended_at is None


def test_the_live_view_counts_who_met_the_goal_without_names(
    classroom: Classroom, teacher: Any, student: Any
) -> None:
    zoe = make_user("zoe")
    Membership.objects.create(classroom=classroom, student=zoe)
    make_user("outsider")
    client_for(student).post("/lessons/users/1/act/")
    client_for(student).post("/lessons/users/2/act/", {"line": "export AWS_PROFILE=alice"})
    client_for(zoe).post("/lessons/users/1/act/")
    client_for(zoe).get("/lessons/users/2/")
    url = f"/instructor/classes/{classroom.pk}/live/users/2/"

    page = client_for(teacher).get(url).content.decode()
    partial = client_for(teacher).get(url, headers={"HX-Request": "true"}).content.decode()

    assert '<p class="live-count"><strong>1</strong> of 2 students met the goal</p>' in page
    assert "2 of 2 opened this step." in page
    assert f'hx-get="{url}" hx-trigger="every 5s" hx-swap="outerHTML"' in page
    assert '<a href="/instructor/classes/' in page and 'rel="next">Step 3' in page
    for name in ("sam", "zoe"):
        assert name not in page.split("<main", 1)[1].split("</main>")[0]
    assert partial.strip().startswith('<div id="live-tally"')
    assert "<html" not in partial
    assert 'data-met="1" data-students="2"' in partial


def test_the_live_view_of_a_step_that_does_not_exist_is_404(
    classroom: Classroom, teacher: Any
) -> None:
    response = client_for(teacher).get(f"/instructor/classes/{classroom.pk}/live/users/99/")

    assert response.status_code == 404
