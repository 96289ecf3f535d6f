"""The security suite's cast: a scenario whose every free text is a hostile payload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from iamlab.lessons.loading import load_lessons
from iamlab.scenarios.loading import load_fixtures
from tests.scenarios.conftest import ACCOUNT, small_scenario
from tests.security.surface import LESSON, PASSWORD, SLUG

# Each payload is harmless only if it is escaped: as HTML it would run a script or add
# markup, inside an attribute it would break out of the quotes.
PAYLOADS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
]
SCRIPT, BREAKOUT, SVG_ONLOAD, JS_URL = PAYLOADS


def hostile_fixture() -> list[dict[str, object]]:
    """Return a valid scenario with a payload in every text an instructor can write."""
    fixture = small_scenario(SLUG)
    by_model = {item["model"]: item["fields"] for item in fixture}
    by_model["scenarios.scenario"]["title"] = f"Hostile {SCRIPT}"
    by_model["scenarios.scenario"]["summary"] = f"{BREAKOUT} {SVG_ONLOAD}"
    by_model["scenarios.managedpolicy"]["description"] = SCRIPT
    by_model["scenarios.managedpolicy"]["document"]["Statement"][0]["Condition"] = {
        "StringEquals": {"aws:PrincipalTag/team": BREAKOUT}
    }
    role = by_model["scenarios.role"]
    role["description"] = f"{SVG_ONLOAD} {JS_URL}"
    role["trust_policy"]["Statement"][0]["Condition"] = {
        "StringLike": {"aws:PrincipalTag/team": SCRIPT}
    }
    by_model["scenarios.s3object"]["key"] = f"{BREAKOUT}.csv"
    by_model["scenarios.s3object"]["body"] = SCRIPT
    fixture.append(
        {
            "model": "scenarios.identityprovider",
            "fields": {
                "account": [SLUG, ACCOUNT],
                "type": "saml",
                "name": "HostileIdP",
                "issuer": f"https://idp.example.com/{SCRIPT}",
            },
        }
    )
    return fixture


def hostile_lesson() -> list[dict[str, object]]:
    """Return a valid lesson over the hostile scenario, a payload in every text it shows."""
    step = {"lesson": [LESSON], "hints": [SCRIPT, BREAKOUT]}
    return [
        {
            "model": "lessons.lesson",
            "fields": {
                "slug": LESSON,
                "title": f"Hostile lesson {SCRIPT}",
                "summary": f"{BREAKOUT} {SVG_ONLOAD}",
                "scenario": [SLUG],
            },
        },
        {
            "model": "lessons.step",
            "fields": {
                **step,
                "number": 1,
                "title": SVG_ONLOAD,
                "narrative": f"{SCRIPT} {BREAKOUT} [link]({JS_URL}) `{SCRIPT}`",
                "action": {"kind": "console", "placeholder": BREAKOUT},
                "goal": {"call": {"operation": "sts:GetCallerIdentity", "by": {"user": "alice"}}},
                "solution": {"lines": [f"aws sts get-caller-identity --profile alice # {SCRIPT}"]},
            },
        },
        {
            "model": "lessons.step",
            "fields": {
                **step,
                "number": 2,
                "title": SCRIPT,
                "narrative": BREAKOUT,
                "action": {
                    "kind": "predict",
                    "line": f"aws sts get-caller-identity --profile alice # {SCRIPT}",
                    "question": BREAKOUT,
                },
                "goal": {"prediction": "made"},
                "solution": {"decision": "Allowed"},
            },
        },
    ]


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
