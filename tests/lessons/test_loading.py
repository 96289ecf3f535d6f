"""Loading lesson fixtures: all or nothing, every problem placed, dumps that reload unchanged."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from iamlab.lessons.loading import load_lessons
from iamlab.lessons.models import Lesson, Step
from iamlab.scenarios.loading import load_fixtures
from tests.cast import LESSON_FIXTURES, SCENARIO_FIXTURES
from tests.lessons.steps import fixture_lessons, perform_solution, step_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenarios(db: None) -> None:
    assert load_fixtures(SCENARIO_FIXTURES).problems == []


def lesson(slug: str = "tiny-lesson", **fields: Any) -> dict[str, Any]:
    return {
        "model": "lessons.lesson",
        "fields": {"slug": slug, "title": "A tiny lesson", "scenario": ["iam-roles"], **fields},
    }


def step(number: int, slug: str = "tiny-lesson", **fields: Any) -> dict[str, Any]:
    base = {
        "lesson": [slug],
        "number": number,
        "title": f"Step {number}",
        "narrative": "Do it.",
        "action": {"kind": "console"},
        "goal": {"call": {"operation": "sts:GetCallerIdentity", "by": {"user": "alice"}}},
        "hints": [],
        "solution": {"lines": ["aws sts get-caller-identity --profile alice"]},
    }
    return {"model": "lessons.step", "fields": {**base, **fields}}


def write(tmp_path: Path, objects: list[dict[str, Any]], name: str = "lesson.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(objects), encoding="utf-8")
    return path


def test_the_built_in_lessons_load_and_dump_back_unchanged(scenarios: None) -> None:
    out = StringIO()
    call_command("loadlessons", *map(str, LESSON_FIXTURES), stdout=out)
    assert 'Loaded lesson "roles": 10 steps.' in out.getvalue()
    assert 'Loaded lesson "users": 6 steps.' in out.getvalue()
    for path in LESSON_FIXTURES:
        slug = json.loads(path.read_text())[0]["fields"]["slug"]
        dumped = StringIO()
        call_command("dumplesson", slug, stdout=dumped)
        # The same objects, fields and values; PostgreSQL's jsonb keeps an object's keys in
        # an order of its own, so the text is compared only where the database keeps them.
        assert json.loads(dumped.getvalue()) == json.loads(path.read_text(encoding="utf-8"))
        if connection.vendor == "sqlite":
            assert dumped.getvalue() == path.read_text(encoding="utf-8")


def test_a_dump_reloads_over_itself_unchanged(scenarios: None, tmp_path: Path) -> None:
    assert load_lessons(LESSON_FIXTURES).ok
    first = tmp_path / "roles.json"
    call_command("dumplesson", "roles", "-o", str(first))
    result = load_lessons([first])
    assert result.ok and result.replaced == ["roles"] and result.loaded == {"roles": 10}
    second = StringIO()
    call_command("dumplesson", "roles", stdout=second)
    assert second.getvalue() == first.read_text(encoding="utf-8")


def test_every_problem_is_listed_with_its_place_and_nothing_is_saved(
    scenarios: None, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        [
            lesson(),
            lesson("second", scenario=["iam-role"], titel="x"),
            step(1, goal={"call": {"operation": "sts:AssumeRole", "by": {"user": "alcie"}}}),
            step(3),
            step(1, slug="second"),
            {"model": "lessons.stepp", "fields": {}},
        ],
    )
    result = load_lessons([path])

    assert [str(problem) for problem in result.problems] == [
        f'{path}, object 5: unknown model "lessons.stepp"; a lesson fixture holds '
        'lessons.lesson and lessons.step. Did you mean "lessons.step"?',
        f'{path}, object 1, lessons.lesson ["second"], field titel: lessons.lesson has no field '
        '"titel". Did you mean "title"? Its fields: slug, title, summary, scenario, order, '
        "estimated_minutes, published.",
        f'{path}, object 1, lessons.lesson ["second"], field scenario: no scenario '
        '["iam-role"] exists (it must be in this load or already be loaded). Did you mean '
        '"iam-roles"?',
        f'{path}, object 2, lessons.step ["tiny-lesson", "1"], field goal at call.by.user: the '
        'scenario has no IAM user named "alcie". Did you mean "alice"? '
        "Its IAM users: alice, carol.",
        f'{path}, lessons.lesson ["tiny-lesson"]: the steps are numbered 1, 3; they run 1, 2, 3... '
        "without gaps (missing 2).",
    ]
    assert Lesson.objects.count() == 0
    assert Step.objects.count() == 0


def test_loadlessons_exits_1_and_lists_the_problems(scenarios: None, tmp_path: Path) -> None:
    path = write(tmp_path, [lesson(), step(1, action={"kind": "predict"})])
    errors = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("loadlessons", str(path), stderr=errors)
    assert raised.value.returncode == 1
    assert str(raised.value) == "Nothing was loaded: 2 problems found."
    assert errors.getvalue().splitlines() == [
        f'{path}, object 1, lessons.step ["tiny-lesson", "1"], field action at line: a predict '
        'action needs "line".',
        f'{path}, object 1, lessons.step ["tiny-lesson", "1"], field solution: a predict step\'s '
        'solution is {"decision": DECISION}, DECISION one of Allowed, ExplicitlyDenied, '
        "ImplicitlyDenied.",
    ]
    assert Lesson.objects.count() == 0


def test_a_prediction_goal_belongs_to_a_predict_step(scenarios: None, tmp_path: Path) -> None:
    path = write(tmp_path, [lesson(), step(1, goal={"prediction": "made"})])
    assert [p.message for p in load_lessons([path]).problems] == [
        'only a predict step can have a prediction goal; this step\'s action is "console".'
    ]


def test_skip_existing_leaves_loaded_lessons_alone(scenarios: None, tmp_path: Path) -> None:
    assert load_lessons(LESSON_FIXTURES).ok
    Lesson.objects.filter(slug="roles").update(title="Changed by an instructor")
    out = StringIO()
    call_command("loadlessons", "--skip-existing", *map(str, LESSON_FIXTURES), stdout=out)
    assert 'Skipped lesson "roles": it is already loaded.' in out.getvalue()
    assert Lesson.objects.get(slug="roles").title == "Changed by an instructor"


AUTHORING = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


def guide_blocks() -> tuple[str, str]:
    """Return the guide's tiny scenario and its complete small lesson."""
    text = AUTHORING.read_text(encoding="utf-8")
    scenario = re.search(r"## A complete small example.*?```json\n(.*?)```", text, re.DOTALL)
    lesson_block = re.search(r"## A complete small lesson.*?```json\n(.*?)```", text, re.DOTALL)
    assert scenario is not None and lesson_block is not None
    return scenario.group(1), lesson_block.group(1)


def test_the_guides_lesson_loads_and_plays_to_the_end(tmp_path: Path, client: Client) -> None:
    scenario_text, lesson_text = guide_blocks()
    (tmp_path / "tiny.json").write_text(scenario_text, encoding="utf-8")
    (tmp_path / "tiny-lesson.json").write_text(lesson_text, encoding="utf-8")
    assert load_fixtures([tmp_path / "tiny.json"]).problems == []
    result = load_lessons([tmp_path / "tiny-lesson.json"])
    assert result.ok and result.loaded == {"tiny-publish": 4}

    for slug, steps in fixture_lessons(tmp_path / "tiny-lesson.json"):
        for fields in steps:
            number = fields["number"]
            assert step_status(client.get(f"/lessons/{slug}/{number}/").content.decode()) == "open"
            perform_solution(client, slug, number, fields)
            assert step_status(client.get(f"/lessons/{slug}/{number}/").content.decode()) == "done"
    page = client.get("/lessons/tiny-publish/3/").content.decode()
    assert 'data-decision="ImplicitlyDenied"' in page
