"""The security suite's cast: a scenario whose every free text is a hostile payload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from iamlab.lessons.loading import load_lessons
from iamlab.scenarios.loading import load_fixtures
from tests.security.hostile import hostile_fixture, hostile_lesson
from tests.security.surface import PASSWORD


@pytest.fixture
def hostile(db: None, tmp_path: Path) -> None:
    """Load the hostile scenario and lesson through the instructor's loaders (valid content)."""
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(hostile_fixture()), encoding="utf-8")
    result = load_fixtures([path])
    assert result.problems == [], [str(p) for p in result.problems]
    lesson = tmp_path / "hostile-lesson.json"
    lesson.write_text(json.dumps(hostile_lesson()), encoding="utf-8")
    loaded = load_lessons([lesson])
    assert loaded.problems == [], [str(p) for p in loaded.problems]


@pytest.fixture
def instructor(db: None) -> object:
    return get_user_model().objects.create_superuser("instructor", password=PASSWORD)


@pytest.fixture
def staff_client(client: Client, instructor: object) -> Client:
    client.force_login(instructor)
    return client
