"""The overview reads a bounded number of rows, however large the scenario or the log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from iamlab.scenarios.loading import load_fixtures
from iamlab.scenarios.models import Scenario, Workspace
from iamlab.scenarios.samples import large_scenario
from iamlab.world.cli import Console

pytestmark = pytest.mark.django_db

# Each kind of content row is read once for the world spec and once for the accounts
# section (each a query per kind, with prefetches), whatever the scenario's size.
FIRST_VIEW_QUERIES = 45
# Afterwards: the session, the scenario, the learner's workspace and log position, caches.
LATER_VIEW_QUERIES = 6


@pytest.fixture
def large(db: None, write_fixture: Callable[..., Path]) -> Scenario:
    fixture = large_scenario("large", 500)
    assert len(fixture) >= 500
    assert load_fixtures([write_fixture(fixture)]).problems == []
    return Scenario.objects.get(slug="large")


@pytest.mark.parametrize("slug", ["iam-roles", "large"])
def test_the_overview_reads_a_bounded_number_of_rows(
    client: Client,
    request: pytest.FixtureRequest,
    slug: str,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    request.getfixturevalue("iam_roles" if slug == "iam-roles" else "large")
    cache.clear()

    with django_assert_max_num_queries(FIRST_VIEW_QUERIES):  # type: ignore[attr-defined]
        first = client.get(f"/scenarios/{slug}/")
    with django_assert_max_num_queries(LATER_VIEW_QUERIES):  # type: ignore[attr-defined]
        again = client.get(f"/scenarios/{slug}/")

    assert first.status_code == again.status_code == 200
    markers = (
        ['id="role-444455556666-Role0049"', 'id="user-444455556666-user0049"']
        if slug == "large"
        else ['id="role-111122223333-ReportPublisher"', 'id="user-111122223333-alice"']
    )
    for content in (first.content.decode(), again.content.decode()):
        assert all(marker in content for marker in markers)
        assert "Who may assume what in" in content


def test_a_learners_overview_costs_the_same_with_a_long_log(
    client: Client,
    iam_roles: Scenario,
    django_assert_max_num_queries: Callable[..., object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = client.session
    session.save()
    workspace = Workspace.objects.current(iam_roles, session_key=session.session_key)
    run = workspace.session()
    for number in range(100):
        run.run("sleep 60" if number % 2 else "aws sts get-caller-identity --profile alice")
    client.get("/scenarios/iam-roles/")  # drawn once
    lines: list[str] = []
    real_run = Console.run
    monkeypatch.setattr(
        Console, "run", lambda console, line: lines.append(line) or real_run(console, line)
    )

    with django_assert_max_num_queries(LATER_VIEW_QUERIES):  # type: ignore[attr-defined]
        response = client.get("/scenarios/iam-roles/")

    assert response.status_code == 200
    assert "Who assumed what in your workspace" in response.content.decode()
    assert lines == []  # nothing replayed: the drawing of this world was cached
