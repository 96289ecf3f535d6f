"""Every instructor URL: an anonymous visitor signs in, a student gets 403, another teacher 404."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from iamlab.classroom.models import Classroom
from tests.cast import client_for

pytestmark = pytest.mark.django_db

# (method, URL pattern): {pk} is the teacher's class, {user} the student in it.
CLASS_URLS = [
    ("get", "/instructor/classes/{pk}/"),
    ("post", "/instructor/classes/{pk}/assign/"),
    ("post", "/instructor/classes/{pk}/assignments/{assignment}/remove/"),
    ("get", "/instructor/classes/{pk}/progress.csv"),
    ("get", "/instructor/classes/{pk}/students/{user}/"),
    ("get", "/instructor/classes/{pk}/students/{user}/lessons/users/"),
    ("get", "/instructor/classes/{pk}/students/{user}/lessons/users/reset/"),
    ("post", "/instructor/classes/{pk}/students/{user}/lessons/users/reset/"),
    ("get", "/instructor/classes/{pk}/live/users/1/"),
]
CONTENT_URLS = [
    ("get", "/instructor/"),
    ("post", "/instructor/classes/new/"),
    ("get", "/instructor/content/"),
    ("post", "/instructor/content/upload/"),
    ("post", "/instructor/content/scenarios/iam-roles/publish/"),
    ("get", "/instructor/content/scenarios/iam-roles.json"),
    ("post", "/instructor/content/lessons/users/publish/"),
    ("get", "/instructor/content/lessons/users.json"),
]
ALL_URLS = CLASS_URLS + CONTENT_URLS


def fill(pattern: str, classroom: Classroom, student: Any) -> str:
    return pattern.format(
        pk=classroom.pk, user=student.pk, assignment=classroom.assignments.first().pk
    )


@pytest.mark.parametrize(("method", "pattern"), ALL_URLS)
def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(
    method: str, pattern: str, classroom: Classroom, student: Any
) -> None:
    url = fill(pattern, classroom, student)

    response = getattr(Client(), method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(url)}"


@pytest.mark.parametrize(("method", "pattern"), ALL_URLS)
def test_a_student_gets_the_sites_403_page(
    method: str, pattern: str, classroom: Classroom, student: Any
) -> None:
    response = getattr(client_for(student), method)(fill(pattern, classroom, student))

    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-refusal="403"' in body
    assert "The instructor pages are for instructors (staff accounts)." in body
    assert classroom.join_code not in body


@pytest.mark.parametrize(("method", "pattern"), CLASS_URLS)
def test_a_teacher_who_does_not_own_the_class_gets_404(
    method: str, pattern: str, classroom: Classroom, student: Any, other_teacher: Any
) -> None:
    response = getattr(client_for(other_teacher), method)(fill(pattern, classroom, student))

    assert response.status_code == 404
    assert classroom.join_code not in response.content.decode()


@pytest.mark.parametrize(("method", "pattern"), CLASS_URLS)
def test_the_owner_reaches_every_class_url(
    method: str, pattern: str, classroom: Classroom, student: Any, teacher: Any
) -> None:
    response = getattr(client_for(teacher), method)(fill(pattern, classroom, student))

    # A post without its fields is refused with the form's message (400), or done (302).
    assert response.status_code in {200, 302, 400}
    assert response.status_code == {"get": 200}.get(method, response.status_code)


def test_a_student_is_not_shown_the_instructor_link_and_staff_are(
    classroom: Classroom, student: Any, teacher: Any
) -> None:
    link = '<a href="/instructor/">Instructor</a>'

    assert link not in client_for(student).get("/").content.decode()
    assert link not in Client().get("/").content.decode()
    assert link in client_for(teacher).get("/").content.decode()


def test_a_student_of_the_class_may_not_see_another_students_work_through_it(
    classroom: Classroom, student: Any, other_teacher: Any
) -> None:
    # A class is reached by its number: another teacher's guess of it changes nothing.
    other = Classroom.objects.create_with_code(name="Other", owner=other_teacher)

    response = client_for(other_teacher).get(
        f"/instructor/classes/{other.pk}/students/{student.pk}/"
    )

    assert response.status_code == 404
