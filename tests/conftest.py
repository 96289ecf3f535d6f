"""The shared cast of the test suite: the browser, and (below) the simulated world."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

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


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-results"


@pytest.fixture
def screenshot() -> Callable[[object, str], Path]:
    """Save a full-page screenshot of a tab as test-results/NAME.png, for a person to look at."""

    def save(tab: object, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return save


# ---- The simulated world (owned by the world work: iamlab/world, tests/world) ----------------
# The `iam-roles` world of issue 5: alice (reads example-reports, may assume ReportPublisher),
# carol (the admin who may pass lambda-admin-role to Lambda), the Lambda roles and the
# report-builder function, an OIDC and a SAML provider with a role each.


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


# ---- end of the simulated world's fixtures ----------------------------------------------------
