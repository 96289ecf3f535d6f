"""The security suite's cast: a scenario whose every free text is a hostile payload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from iamlab.scenarios.loading import load_fixtures
from tests.scenarios.conftest import ACCOUNT, small_scenario
from tests.security.surface import PASSWORD, SLUG

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


@pytest.fixture
def hostile(db: None, tmp_path: Path) -> None:
    """Load the hostile scenario through the instructor's loader (so it is valid content)."""
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(hostile_fixture()), encoding="utf-8")
    result = load_fixtures([path])
    assert result.problems == [], [str(p) for p in result.problems]


@pytest.fixture
def instructor(db: None) -> object:
    return get_user_model().objects.create_superuser("instructor", password=PASSWORD)


@pytest.fixture
def staff_client(client: Client, instructor: object) -> Client:
    client.force_login(instructor)
    return client
