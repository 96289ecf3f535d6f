"""The classes' test cast: a teacher with a class, another teacher, and students."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from iamlab.classroom.models import Assignment, Classroom, Membership
from iamlab.lessons.loading import load_lessons
from iamlab.lessons.models import Lesson
from iamlab.scenarios.loading import load_fixtures
from tests.lessons.conftest import LESSON_FIXTURES, ROOT

IAM_ROLES = ROOT / "fixtures" / "scenarios" / "iam-roles.json"
# The classes' tests set the first two built-in lessons (users, roles), which run in iam-roles.
FIRST_LESSONS = [path for path in LESSON_FIXTURES if path.name[:3] in {"01-", "02-"}]

PASSWORD = "correct horse battery"


def make_user(username: str, *, staff: bool = False) -> Any:
    # No password: tests sign in with force_login (hashing one costs a second under load).
    return get_user_model().objects.create_user(username, is_staff=staff)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def load_iam_roles_lessons() -> None:
    """Load the iam-roles scenario and the users and roles lessons, as an instructor would."""
    assert [path.name for path in FIRST_LESSONS] == ["01-users.json", "02-roles.json"]
    assert load_fixtures([IAM_ROLES]).problems == []
    assert load_lessons(FIRST_LESSONS).problems == []


@pytest.fixture
def lessons(db: None) -> None:
    load_iam_roles_lessons()


@pytest.fixture
def teacher(db: None) -> Any:
    return make_user("teacher", staff=True)


@pytest.fixture
def other_teacher(db: None) -> Any:
    return make_user("other-teacher", staff=True)


@pytest.fixture
def student(db: None) -> Any:
    return make_user("sam")


@pytest.fixture
def classroom(lessons: None, teacher: Any, student: Any) -> Classroom:
    """The teacher's class: sam has joined; the users and roles lessons are set, in order."""
    classroom = Classroom.objects.create_with_code(name="Cloud security", owner=teacher)
    Membership.objects.create(classroom=classroom, student=student)
    for position, slug in enumerate(["users", "roles"]):
        Assignment.objects.create(
            classroom=classroom, lesson=Lesson.objects.get(slug=slug), position=position
        )
    return classroom
