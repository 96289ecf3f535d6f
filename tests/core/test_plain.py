"""The plain-SQL reads give the same instances the ORM gives (run on SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from iamlab.lessons.models import Lesson, Progress, StepProgress
from iamlab.scenarios.models import Workspace

pytestmark = pytest.mark.django_db


def fields(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_the_open_progress_reads_as_the_orm_reads_it(lessons: None, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("ana", password="a-long-pass-phrase")
    client = Client()
    client.force_login(user)
    client.post("/lessons/users/1/act/")
    client.post("/lessons/users/2/act/", {"line": "export AWS_PROFILE=alice"})
    lesson = Lesson.objects.select_related("scenario").get(slug="users")
    request = RequestFactory().get("/")
    request.user = user

    progress, rows = Progress.objects.for_request_with_rows(request, lesson)

    orm = Progress.objects.select_related("workspace").get(owner=user, lesson=lesson)
    assert fields(progress) == fields(orm)
    assert progress.recent == orm.recent and isinstance(progress.recent, list)
    assert progress.started_at.tzinfo is not None
    assert progress.workspace is not None and orm.workspace is not None
    assert fields(progress.workspace) == fields(orm.workspace)
    assert progress.workspace.scenario is lesson.scenario
    assert progress.lesson is lesson
    assert {n: fields(r) for n, r in rows.items()} == {
        r.number: fields(r) for r in StepProgress.objects.filter(progress=orm)
    }
    assert sorted(rows) == [1, 2] and rows[1].done is True


def test_a_progress_without_a_workspace_reads_with_none(
    lessons: None, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user("ana", password="a-long-pass-phrase")
    lesson = Lesson.objects.select_related("scenario").get(slug="users")
    made = Progress.objects.create(lesson=lesson, owner=user, workspace=None)
    request = RequestFactory().get("/")
    request.user = user

    found = Progress.objects.lookup(request, lesson)

    assert found is not None and found.pk == made.pk
    assert found.workspace_id is None and found.workspace is None
    assert Workspace.objects.count() == 0
