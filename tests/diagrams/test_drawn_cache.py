"""A diagram page drawn before is served from the cache, and a new line makes a new drawing."""

from __future__ import annotations

import pytest
from django.test import Client

from iamlab.scenarios.loading import load_fixtures
from iamlab.scenarios.models import Scenario, Workspace
from iamlab.world.cli import Console
from tests.cast import FIXTURES

ASSUME = (
    "aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ReportPublisher "
    "--role-session-name {name} --profile alice"
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace(client: Client) -> Workspace:
    assert load_fixtures([FIXTURES / "iam-roles.json"]).problems == []
    session = client.session
    session.save()
    return Workspace.objects.current(
        Scenario.objects.get(slug="iam-roles"), session_key=session.session_key
    )


def test_a_page_drawn_before_replays_nothing(
    client: Client, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.run(ASSUME.format(name="first-session"))
    first = client.get("/diagrams/scenarios/iam-roles/sessions/")
    ran: list[str] = []
    real_run = Console.run
    monkeypatch.setattr(
        Console, "run", lambda console, line: ran.append(line) or real_run(console, line)
    )

    again = client.get("/diagrams/scenarios/iam-roles/sessions/")

    assert ran == []
    assert first.status_code == again.status_code == 200
    assert "first-session" in again.content.decode()


def test_a_new_line_is_drawn_at_once(client: Client, workspace: Workspace) -> None:
    workspace.run(ASSUME.format(name="first-session"))
    before = client.get("/diagrams/scenarios/iam-roles/sessions/").content.decode()

    workspace.run(ASSUME.format(name="second-session"))
    after = client.get("/diagrams/scenarios/iam-roles/sessions/").content.decode()

    assert "second-session" not in before
    assert "second-session" in after
    assert "first-session" in after
