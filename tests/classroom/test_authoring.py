"""Authoring in the browser: upload (all or nothing, every problem placed), publish, download."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from iamlab.classroom.uploads import MAX_UPLOAD_BYTES
from iamlab.lessons.models import Lesson, Step
from iamlab.scenarios.models import Role, Scenario
from tests.cast import IAM_ROLES, client_for

pytestmark = pytest.mark.django_db

UPLOAD = "/instructor/content/upload/"


def tiny_lesson(slug: str = "tiny", scenario: str = "iam-roles") -> list[dict[str, Any]]:
    return [
        {
            "model": "lessons.lesson",
            "fields": {"slug": slug, "title": "Tiny lesson", "scenario": [scenario]},
        },
        {
            "model": "lessons.step",
            "fields": {
                "lesson": [slug],
                "number": 1,
                "title": "Who am I",
                "narrative": "Ask AWS who you are.",
                "action": {"kind": "console"},
                "goal": {"call": {"operation": "sts:GetCallerIdentity", "by": {"user": "alice"}}},
                "solution": {"lines": ["aws sts get-caller-identity --profile alice"]},
            },
        },
    ]


def scenario_objects(slug: str = "uploaded-roles") -> list[dict[str, Any]]:
    """The shipped iam-roles scenario under another slug."""
    text = IAM_ROLES.read_text(encoding="utf-8").replace('"iam-roles"', json.dumps(slug))
    return json.loads(text)


def upload(client: Client, objects: Any, name: str = "course.json", **data: Any) -> Any:
    raw = objects if isinstance(objects, bytes) else json.dumps(objects).encode()
    return client.post(UPLOAD, {"fixture": SimpleUploadedFile(name, raw), **data})


def counts() -> tuple[int, int, int, int]:
    return (
        Scenario.objects.count(),
        Role.objects.count(),
        Lesson.objects.count(),
        Step.objects.count(),
    )


def test_a_scenario_with_its_lesson_loads_unpublished(teacher: Any) -> None:
    client = client_for(teacher)

    response = upload(client, scenario_objects() + tiny_lesson(scenario="uploaded-roles"))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-upload-result="loaded"' in body
    assert "Scenario: uploaded-roles." in body
    assert "Lesson: tiny." in body
    assert Scenario.objects.get(slug="uploaded-roles").published is False
    assert Lesson.objects.get(slug="tiny").published is False
    assert Step.objects.filter(lesson__slug="tiny").count() == 1


def test_a_replaced_scenario_and_lesson_keep_being_published_or_not(
    users_and_roles_lessons: None, teacher: Any
) -> None:
    Lesson.objects.filter(slug="users").update(published=False)
    client = client_for(teacher)
    fixtures = json.loads(client.get("/instructor/content/scenarios/iam-roles.json").content)
    for slug in ("users", "roles"):
        fixtures += json.loads(client.get(f"/instructor/content/lessons/{slug}.json").content)

    response = upload(client, fixtures + tiny_lesson())

    assert 'data-upload-result="loaded"' in response.content.decode()
    assert dict(Lesson.objects.values_list("slug", "published")) == {
        "users": False,
        "roles": True,
        "tiny": False,
    }
    assert Scenario.objects.get(slug="iam-roles").published is True


def test_a_lesson_alone_is_checked_against_its_scenario(
    users_and_roles_lessons: None, teacher: Any
) -> None:
    lesson = tiny_lesson(scenario="iam-rolez")
    before = counts()

    response = upload(client_for(teacher), lesson, name="tiny.json")

    assert response.status_code == 400
    assert counts() == before
    body = response.content.decode()
    assert (
        '<span class="problem-place">tiny.json, object 0, lessons.lesson [&quot;tiny&quot;], '
        "field scenario</span>" in body
    )
    assert "Did you mean &quot;iam-roles&quot;?" in body


def test_publish_at_once_leaves_the_content_published(teacher: Any) -> None:
    upload(client_for(teacher), scenario_objects(), publish="on")

    assert Scenario.objects.get(slug="uploaded-roles").published is True


def test_a_broken_fixture_changes_nothing_and_lists_every_problem_with_its_place(
    users_and_roles_lessons: None, teacher: Any
) -> None:
    objects = scenario_objects()
    objects[0]["fields"]["difficulty"] = "impossible"
    role = next(o for o in objects if o["model"] == "scenarios.role")
    role_index = objects.index(role)
    role["fields"]["max_session_duration"] = 60
    lesson = tiny_lesson(scenario="uploaded-roles")
    before = counts()

    response = upload(client_for(teacher), objects + lesson)

    assert response.status_code == 400
    assert counts() == before
    body = response.content.decode()
    assert 'data-upload-result="refused"' in body
    assert "Nothing was loaded: 2 problems found." in body
    assert body.count("<li data-problem>") == 2
    assert (
        '<span class="problem-place">course.json, object 0, scenarios.scenario '
        "[&quot;uploaded-roles&quot;], field difficulty</span>" in body
    )
    assert f"course.json, object {role_index}, scenarios.role" in body
    assert "field max_session_duration" in body
    assert "The lessons in the file were not checked: their scenario did not load." in body


def test_a_broken_lesson_rolls_back_the_scenario_of_the_same_file(teacher: Any) -> None:
    objects = scenario_objects()
    lesson = tiny_lesson(scenario="uploaded-roles")
    lesson[1]["fields"]["goal"] = {
        "call": {"operation": "sts:GetCallerIdentity", "by": {"user": "alcie"}}
    }
    before = counts()

    response = upload(client_for(teacher), objects + lesson)

    assert response.status_code == 400
    assert counts() == before
    body = response.content.decode()
    # The step is object len(objects) + 1 of the uploaded file, not of the lesson part.
    assert (
        f"course.json, object {len(objects) + 1}, lessons.step "
        "[&quot;tiny&quot;, &quot;1&quot;], field goal at call.by.user" in body
    )
    assert "the scenario has no IAM user named &quot;alcie&quot;" in body


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'[{"model": ', "course.json: not valid JSON at line 1, column 12"),
        (b"\xff\xfe", "course.json: the file is not UTF-8 text (byte 0)."),
        (b'{"model": "scenarios.scenario"}', "course.json: a fixture is a JSON list of objects"),
        (b"[]", "course.json: the file is an empty list"),
    ],
)
def test_an_unreadable_file_is_refused_with_what_is_wrong(
    teacher: Any, raw: bytes, message: str
) -> None:
    response = upload(client_for(teacher), raw)

    assert response.status_code == 400
    assert message in response.content.decode().replace('<span class="problem-place">', "").replace(
        "</span>", ""
    )
    assert counts() == (0, 0, 0, 0)


def test_the_file_name_is_escaped_and_stripped_of_its_folder(teacher: Any) -> None:
    response = upload(client_for(teacher), b"nope", name="C:\\x\\<img src=x onerror=1>.json")

    body = response.content.decode()
    assert (
        '<span class="problem-place">&lt;img src=x onerror=1&gt;.json</span>: not valid JSON '
        "at line 1, column 1: Expecting value." in body
    )
    assert "<img src=x" not in body
    assert "C:" not in body


def test_an_upload_larger_than_the_limit_is_refused_before_it_is_read(teacher: Any) -> None:
    client = client_for(teacher)
    raw = b" " * (MAX_UPLOAD_BYTES + 32 * 1024)

    response = upload(client, raw)

    assert response.status_code == 413
    assert (
        f"a fixture file may be at most {MAX_UPLOAD_BYTES} bytes. Nothing was loaded."
        in response.content.decode()
    )


def test_an_upload_needs_the_csrf_token(teacher: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    response = upload(client, scenario_objects())

    assert response.status_code == 403
    assert not Scenario.objects.exists()


def test_publish_and_unpublish_decide_what_students_see(
    users_and_roles_lessons: None, teacher: Any, student: Any
) -> None:
    staff = client_for(teacher)
    sam = client_for(student)

    assert (
        staff.post("/instructor/content/lessons/roles/publish/", {"published": "0"}).status_code
        == 302
    )
    assert Lesson.objects.get(slug="roles").published is False
    assert sam.get("/lessons/roles/").status_code == 404
    assert sam.get("/lessons/roles/1/").status_code == 404
    assert "/lessons/roles/" not in sam.get("/lessons/").content.decode()
    assert "/lessons/roles/" not in sam.get("/").content.decode()
    # Staff still open it and play it, to try it as a student would.
    assert staff.get("/lessons/roles/").status_code == 200
    played = staff.post("/lessons/roles/1/act/", {"line": "export AWS_PROFILE=alice"})
    assert played.status_code == 200
    assert '<main id="main" tabindex="-1" data-step-status="open">' in played.content.decode()

    staff.post("/instructor/content/scenarios/iam-roles/publish/", {"published": "0"})
    assert sam.get("/scenarios/iam-roles/").status_code == 404
    assert sam.get("/diagrams/scenarios/iam-roles/trust/").status_code == 404
    assert sam.get("/console/iam-roles/").status_code == 404
    assert "iam-roles" not in sam.get("/console/").content.decode()
    playground = sam.get("/playground/?scenario=iam-roles").content.decode()
    assert "There is no scenario “iam-roles”; pick one from the list." in playground
    assert sam.get("/lessons/users/").status_code == 404  # its scenario is unpublished
    assert "/scenarios/iam-roles/" not in sam.get("/scenarios/").content.decode()
    assert Client().get("/scenarios/iam-roles/").status_code == 404
    assert staff.get("/scenarios/iam-roles/").status_code == 200

    staff.post("/instructor/content/scenarios/iam-roles/publish/", {"published": "1"})
    staff.post("/instructor/content/lessons/roles/publish/", {"published": "1"})
    assert sam.get("/lessons/roles/").status_code == 200
    assert sam.get("/scenarios/iam-roles/").status_code == 200


def test_a_publish_without_a_choice_changes_nothing(
    users_and_roles_lessons: None, teacher: Any
) -> None:
    response = client_for(teacher).post("/instructor/content/lessons/roles/publish/", {})

    assert response.status_code == 400
    assert "Say published=1 to publish or published=0 to unpublish" in response.content.decode()
    assert Lesson.objects.get(slug="roles").published is True


def test_a_downloaded_scenario_and_lesson_upload_back_unchanged(
    users_and_roles_lessons: None, teacher: Any
) -> None:
    client = client_for(teacher)
    scenario = client.get("/instructor/content/scenarios/iam-roles.json")
    lesson = client.get("/instructor/content/lessons/roles.json")

    assert scenario["Content-Disposition"] == 'attachment; filename="iam-roles.json"'
    assert lesson["Content-Disposition"] == 'attachment; filename="roles.json"'
    shipped = IAM_ROLES.read_text(encoding="utf-8")
    # PostgreSQL's jsonb keeps object keys in an order of its own: the same JSON, not text.
    if connection.vendor == "postgresql":
        assert json.loads(scenario.content) == json.loads(shipped)
    else:
        assert scenario.content.decode() == shipped
    before = counts()
    response = upload(
        client, json.loads(scenario.content) + json.loads(lesson.content), publish="on"
    )
    assert response.status_code == 200
    assert counts() == before
    assert client.get("/instructor/content/lessons/roles.json").content == lesson.content
