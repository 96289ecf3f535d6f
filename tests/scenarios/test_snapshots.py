"""Snapshots of a workspace's console agree with replaying its whole log, and lose to it."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from django.core.cache import cache

from iamlab.scenarios import snapshots
from iamlab.scenarios.models import Scenario, Workspace
from iamlab.scenarios.models.workspaces import WorkspaceSession
from iamlab.world.cli import Console
from tests.cast import PUBLISHER

pytestmark = pytest.mark.django_db

# Clock moves, an assumed role whose keys are exported, a role profile, files, a prompt.
LOG = [
    "aws sts get-caller-identity --profile alice",
    "sleep 600",
    "export AWS_PROFILE=alice",
    f"CREDS=$(aws sts assume-role --role-arn {PUBLISHER} --role-session-name snap "
    "--query Credentials --output text)",
    "aws sts assume-role --role-arn " + PUBLISHER + " --role-session-name snap "
    "--query Credentials.AccessKeyId --output text > key.txt",
    "export AWS_ACCESS_KEY_ID=$(cat key.txt)",
    "cat key.txt",
    "unset AWS_ACCESS_KEY_ID",
    f"aws configure set role_arn {PUBLISHER} --profile pub",
    "aws configure set source_profile alice --profile pub",
    "aws configure set mfa_serial arn:aws:iam::111122223333:mfa/alice --profile pub",
    "aws sts get-caller-identity --profile pub",
    "123456",
    "echo report > r.csv",
    "aws s3 cp r.csv s3://example-reports/r.csv",
    "sleep 3601",
    "date",
    "aws sts get-caller-identity --profile pub",
    "654321",  # the role's credentials expired: the profile asks for a code again
    "aws lambda invoke --function-name report-builder out.json --profile carol",
    "cat out.json",
    "bogus",
    "echo $?",
]


def picture(console: Console) -> dict[str, Any]:
    """Everything a page could read from a console: world, events, clock, shell state."""
    return {
        "spec": console.world.to_spec(),
        "events": [event.as_dict() for event in console.world.events],
        "now": console.world.now(),
        "state": console.state,
    }


def outputs(results: list[Any]) -> list[tuple[int, str, str]]:
    return [(result.exit_code, result.stdout, result.stderr) for result in results]


def test_snapshot_and_later_lines_equal_a_full_replay(iam_roles: Scenario) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)
    ran = []
    for number, line in enumerate(LOG, start=1):
        if number % 7 == 0:
            snapshots.forget_local()  # another process: only the shared snapshot is left
        if number % 11 == 0:
            cache.clear()  # the shared cache was emptied too
        ran.append(workspace.run(line))
        # After every line, the learner's console as a page gets it equals the replay.
        assert picture(workspace.console()) == picture(workspace.replay()[0]), line

    replayed, results = workspace.replay()
    restored = Workspace.objects.get(pk=workspace.pk).console()

    assert outputs(ran) == outputs(results)
    assert picture(restored) == picture(replayed)
    assert restored.world.now().isoformat() == "2026-01-05T10:10:01+00:00"
    assert restored.state.files.read("key.txt") == ran[6].stdout
    assert restored.state.environment()["AWS_PROFILE"] == "alice"
    assert "Invoke" in [event.operation for event in restored.world.events]


def test_a_request_runs_only_the_lines_after_the_latest_snapshot(
    iam_roles: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)
    session = workspace.session()
    for line in ["sleep 60"] * 30:
        session.run(line)
    snapshots.forget_local()  # a process with only the shared snapshot (taken at lines 1, 21)
    runs: list[str] = []
    real_run = Console.run

    def counting_run(console: Console, line: str) -> Any:
        runs.append(line)
        return real_run(console, line)

    monkeypatch.setattr(Console, "run", counting_run)

    now = workspace.console().world.now()
    again = workspace.console().world.now()

    assert now.isoformat() == again.isoformat() == "2026-01-05T09:30:00+00:00"
    assert runs == ["sleep 60"] * 9  # lines 22 to 30, once; the second request ran none


def test_a_snapshot_the_log_disagrees_with_is_ignored(iam_roles: Scenario) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)
    workspace.run("date")
    stale = Console(iam_roles.world())
    stale.run("sleep 7200")
    key = WorkspaceSession(workspace)._key()
    snapshots.forget_local()
    # A snapshot claiming that line 1 was `sleep 7200`: the log says `date`, and wins.
    cache.set(key, (1, "sleep 7200", pickle.dumps(stale)))

    assert workspace.console().world.now().isoformat() == "2026-01-05T09:00:00+00:00"
    assert workspace.run("date").stdout == "Mon Jan  5 09:00:00 UTC 2026\n"


def test_an_unreadable_snapshot_is_replayed_from_the_log(iam_roles: Scenario) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)
    workspace.run("sleep 60")
    key = WorkspaceSession(workspace)._key()
    snapshots.forget_local()
    cache.set(key, (1, "sleep 60", b"not a pickle"))

    assert workspace.console().world.now().isoformat() == "2026-01-05T09:01:00+00:00"


def test_pages_get_a_copy_of_the_learners_console(iam_roles: Scenario) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)
    workspace.run("sleep 60")

    first = workspace.console()
    first.run("sleep 3600")  # a page that ran something without logging it

    assert workspace.console().world.now().isoformat() == "2026-01-05T09:01:00+00:00"
    assert workspace.lines() == ["sleep 60"]
