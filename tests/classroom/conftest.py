"""The classes' test cast: a teacher with a class, another teacher, and students."""

from __future__ import annotations

from typing import Any

import pytest

from iamlab.classroom.models import Assignment, Classroom, Membership
from iamlab.lessons.models import Lesson
from tests.cast import load_users_and_roles_lessons, make_user

PASSWORD = "correct horse battery"


@pytest.fixture
def users_and_roles_lessons(db: None) -> None:
    """Load iam-roles and the lessons the classes' tests set (users, roles)."""
    load_users_and_roles_lessons()


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
def classroom(users_and_roles_lessons: None, teacher: Any, student: Any) -> Classroom:
    """The teacher's class: sam has joined; the users and roles lessons are set, in order."""
    classroom = Classroom.objects.create_with_code(name="Cloud security", owner=teacher)
    Membership.objects.create(classroom=classroom, student=student)
    for position, slug in enumerate(["users", "roles"]):
        Assignment.objects.create(
            classroom=classroom, lesson=Lesson.objects.get(slug=slug), position=position
        )
    return classroom
