"""The suite's fixtures: the browser, the iam-roles world and shell, and scenario content.

The people, accounts and policies they use are the shared cast in tests/cast.py.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browsing import save_screenshot
from tests.cast import ACCOUNT, IAM_ROLES, PUBLISHER, WriteFixture, load_builtin_lessons

SECURITY_SUITE = Path(__file__).resolve().parent / "security"
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def touches_the_database(item: pytest.Item) -> bool:
    """Say whether a test uses Django's test database (through a marker or a fixture)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(fixtures & DATABASE_FIXTURES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With IAMLAB_DATABASE_TESTS=only, keep just the tests that use the database.

    `bin/lab test` runs the whole suite, then runs these once more against a throwaway
    PostgreSQL server (bin/with-postgres): the engine and world tests never touch a
    database, and the browser tests and the security suite (tests/security) check pages
    and requests, not the database, so they run once. What PostgreSQL can differ on
    (constraints, JSON, transactions, ordering, text) is exercised by the rest.
    """
    if os.environ.get("IAMLAB_DATABASE_TESTS") != "only":
        return
    kept, dropped = [], []
    for item in items:
        wanted = (
            touches_the_database(item)
            and item.get_closest_marker("browser") is None
            and SECURITY_SUITE not in Path(str(item.path)).parents
        )
        (kept if wanted else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: object) -> None:
    """Hash test passwords in microseconds: a real hasher takes a good part of a second
    per sign-in by design, which the rate-limit tests (many wrong passwords) multiply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def sign_in_rate_limit(request: pytest.FixtureRequest, settings: object) -> None:
    """Leave django-axes (the sign-in rate limit) to the tests marked `sign_in_rate_limit`.

    Its authentication backend needs the request, to count failures per address, and
    refuses any sign-in without one; Django's test `client.login(...)` authenticates
    without a request, so with django-axes on it would always fail. Every other test
    signs in with `client.login` or `client.force_login` as usual; the tests of the rate
    limit itself (tests/accounts/test_rate_limit.py) carry the marker and sign in through
    the real pages.
    """
    if request.node.get_closest_marker("sign_in_rate_limit") is None:
        settings.AXES_ENABLED = False  # type: ignore[attr-defined]


CHROMIUM = "/usr/bin/chromium"
# Tests run as root on a machine without internet: no sandbox, no GPU, and none of the
# background requests Chromium would otherwise make (and retry) at start.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Keep the SQLite test database in a file, as in production, not in shared memory.

    Threads then share it through SQLite's own locking (WAL, the busy timeout, BEGIN
    IMMEDIATE), so tests of concurrent writers see what a server would.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Start Debian's Chromium once for the whole run."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # inside one unless told that this (test-only) use is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """Give a fresh browser tab (own cookies) whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot() -> Callable[[object, str], Path]:
    """Save a full-page screenshot of a tab as test-results/NAME.png, for a person to look at."""
    return save_screenshot


# ---- The iam-roles world: alice (reads example-reports, may assume ReportPublisher), carol (the
# admin who may pass lambda-admin-role to Lambda), the Lambda roles and the report-builder
# function, an OIDC and a SAML provider with a role each.


@pytest.fixture
def iam_roles_spec() -> dict:
    """Give a fresh copy of the `iam-roles` world spec (iamlab/world/examples.py)."""
    from iamlab.world.examples import iam_roles_spec as build_spec

    return build_spec()


@pytest.fixture
def iam_roles_world(iam_roles_spec: dict) -> object:
    """Give a freshly built `iam-roles` world, its clock at 2026-01-05T09:00:00Z."""
    from iamlab.world import World

    return World.from_spec(iam_roles_spec)


@pytest.fixture
def world(iam_roles_world: object) -> object:
    """Give the fresh iam-roles world (alice, carol and the roles of the curriculum)."""
    return iam_roles_world


@pytest.fixture
def alice(world: Any) -> object:
    """Give alice's long-term access key in the iam-roles world."""
    return world.credentials_for_user(ACCOUNT, "alice")


@pytest.fixture
def carol(world: Any) -> object:
    """Give carol's long-term access key in the iam-roles world."""
    return world.credentials_for_user(ACCOUNT, "carol")


@pytest.fixture
def publisher(world: Any, alice: object) -> object:
    """Give alice's session as ReportPublisher."""
    from iamlab.world import Credentials

    response = world.call(
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "alice-publishing"},
    )
    return Credentials.from_response(response)


@pytest.fixture
def console(world: object) -> object:
    """Open a shell (a Console) over the fresh iam-roles world."""
    from iamlab.world.cli import Console

    return Console(world)


# ---- Scenario content, loaded through the instructor's loader -----------------------------------


@pytest.fixture
def clean_cache() -> Iterator[None]:
    """Empty Django's cache before and after the test (folders that cache drawings use it)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def iam_roles(db: None) -> object:
    """Load the built-in iam-roles scenario through the instructor's loader."""
    from iamlab.scenarios.loading import load_fixtures
    from iamlab.scenarios.models import Scenario

    result = load_fixtures([IAM_ROLES])
    assert result.problems == []
    return Scenario.objects.get(slug="iam-roles")


@pytest.fixture
def iam_roles_live(transactional_db: None) -> None:
    """Load the iam-roles scenario for a live server (browser tests), committed for real."""
    from iamlab.scenarios.loading import load_fixtures

    assert load_fixtures([IAM_ROLES]).problems == []


@pytest.fixture
def lessons(db: None) -> None:
    """Load every built-in scenario, then every built-in lesson."""
    load_builtin_lessons()


@pytest.fixture
def lessons_live(transactional_db: None) -> None:
    """Load every built-in scenario and lesson for a live server (browser tests), committed."""
    load_builtin_lessons()


@pytest.fixture
def write_fixture(tmp_path: Path) -> WriteFixture:
    """Write a fixture file (a list of objects, or raw text) and return its path."""

    def write(content: list[dict[str, Any]] | str, name: str = "scenario.json") -> Path:
        path = tmp_path / name
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        path.write_text(text, encoding="utf-8")
        return path

    return write
