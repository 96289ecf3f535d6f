"""Two server processes share nothing but the database (and the cache in it): a learner
signed in on one is signed in on the other, both show the same workspace and the same
rendered diagram, and workspaces written by two processes at once lose nothing."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys

from tests.serving.servers import PROJECT, Browser, Server, manage

PASSWORD = "correct-horse-battery-9"
LINES = [
    "aws sts get-caller-identity --profile alice",
    "aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ReportPublisher "
    "--role-session-name report --profile alice",
]
SETUP = f"""
from django.contrib.auth import get_user_model
from iamlab.scenarios.models import Scenario, Workspace
learner = get_user_model().objects.create_user("learner{{n}}", password={PASSWORD!r})
workspace = Workspace.objects.current(Scenario.objects.get(slug="iam-roles"), owner=learner)
for line in {LINES!r}:
    workspace.run(line)
"""


def shell(env: dict[str, str], code: str) -> str:
    """Run Python in a third process on the same database; return what it printed."""
    return manage(env, "shell", "--no-imports", "-c", code)


def query(env: dict[str, str], sql: str) -> list[tuple[object, ...]]:
    """Read or change the servers' SQLite database directly (no Django start-up)."""
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path, timeout=20) as database:
        return database.execute(sql).fetchall()


def inline_svg(body: str) -> str:
    match = re.search(r"<svg .*?</svg>", body, re.DOTALL)
    assert match is not None
    return match.group(0)


def test_a_learner_sees_the_same_world_through_either_server(
    server_env: dict[str, str], two_servers: tuple[Server, Server]
) -> None:
    first, second = two_servers
    shell(server_env, SETUP.replace("{n}", "1"))
    browser = Browser()

    signed_in = browser.sign_in(first.url, "learner1", PASSWORD)
    home_on_second = browser.get(f"{second.url}/")
    on_first = browser.get(f"{first.url}/diagrams/scenarios/iam-roles/sessions/")
    on_second = browser.get(f"{second.url}/diagrams/scenarios/iam-roles/sessions/")

    assert signed_in.status == 302
    assert "Signed in as <strong>learner1</strong>" in home_on_second.body
    for response in (on_first, on_second):
        assert response.status == 200
        assert "Who assumed what in IAM roles: assume, act, expire (your workspace)" in (
            response.body
        )
        assert (
            "<li>#2: alice called sts:AssumeRole and received session report "
            "(role ReportPublisher, live).</li>"
        ) in response.body
    assert inline_svg(on_first.body) == inline_svg(on_second.body)


def test_a_diagram_rendered_by_one_server_is_served_from_the_shared_cache_by_the_other(
    server_env: dict[str, str], two_servers: tuple[Server, Server]
) -> None:
    first, second = two_servers
    query(server_env, "delete from iamlab_cache")
    count = "select count(*) from iamlab_cache"

    on_first = Browser().get(f"{first.url}/diagrams/scenarios/iam-roles/trust/")
    (cached,) = query(server_env, count)[0]
    on_second = Browser().get(f"{second.url}/diagrams/scenarios/iam-roles/trust/")

    assert on_first.status == on_second.status == 200
    assert cached >= 2  # the trust graph and its SVG
    assert query(server_env, count) == [(cached,)]  # nothing new to render
    assert inline_svg(on_first.body) == inline_svg(on_second.body)


def test_two_processes_appending_to_one_workspace_lose_nothing(
    server_env: dict[str, str],
) -> None:
    lines = "".join(f"aws sts get-caller-identity --profile alice # {n}\n" for n in range(15))
    command = [
        sys.executable,
        "manage.py",
        "labshell",
        "--scenario",
        "iam-roles",
        "--workspace",
        "shared-by-two",
        "--json",
    ]
    writers = [
        subprocess.Popen(
            command,
            cwd=PROJECT,
            env=server_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [writer.communicate(lines, timeout=300) for writer in writers]

    assert [writer.returncode for writer in writers] == [0, 0], outputs
    sequence = query(
        server_env,
        "select entry.seq from scenarios_workspaceentry entry "
        "join scenarios_workspace workspace on entry.workspace_id = workspace.id "
        "where workspace.name = 'shared-by-two' order by entry.seq",
    )
    assert [seq for (seq,) in sequence] == list(range(1, 31))
