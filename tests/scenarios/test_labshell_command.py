"""`manage.py labshell`: the iam-roles story typed line by line into a learner's workspace."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from iamlab.scenarios.models import Scenario, Workspace
from tests.cast import WriteFixture, small_scenario

pytestmark = pytest.mark.django_db

ROLE = "arn:aws:iam::111122223333:role"
SERVICE_ROLE = "arn:aws:iam::111122223333:role/service-role"
PUBLISHER_SESSION = "arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing"


def labshell(lines: list[str], *options: str) -> tuple[str, str]:
    """Feed lines to the labshell command; return what it printed (stdout, stderr)."""
    stdout, stderr = StringIO(), StringIO()
    call_command(
        "labshell",
        "--scenario",
        "iam-roles",
        *options,
        stdin=StringIO("".join(f"{line}\n" for line in lines)),
        stdout=stdout,
        stderr=stderr,
    )
    return stdout.getvalue(), stderr.getvalue()


def records(lines: list[str], *options: str) -> list[dict[str, object]]:
    stdout, stderr = labshell(lines, "--json", *options)
    assert stderr == ""
    return [json.loads(line) for line in stdout.splitlines()]


def access_denied(principal: str, action: str, resource: str, operation: str) -> str:
    # S3 quotes the resource ARN in its enhanced messages; IAM does not.
    shown = f'"{resource}"' if resource.startswith("arn:aws:s3:::") else resource
    return (
        f"An error occurred (AccessDenied) when calling the {operation} operation: User: "
        f"{principal} is not authorized to perform: {action} on resource: {shown} "
        f"because no identity-based policy allows the {action} action"
    )


def test_the_iam_roles_story_played_through_the_shell(iam_roles: Scenario) -> None:
    # alice, with her long-term key: she may read the reports but not write them.
    first = records(
        [
            "aws sts get-caller-identity --profile alice",
            "aws s3 cp s3://example-reports/q1.csv - --profile alice",
            "aws s3api put-object --bucket example-reports --key q3.csv --profile alice",
            f"aws sts assume-role --role-arn {ROLE}/ReportPublisher "
            "--role-session-name alice-publishing --profile alice",
        ],
        "--workspace",
        "story",
    )

    assert [record["exit_code"] for record in first] == [0, 0, 254, 0]
    assert json.loads(first[0]["stdout"])["Arn"] == "arn:aws:iam::111122223333:user/alice"
    assert first[1]["stdout"] == "quarter,revenue\nQ1,100\n"
    assert (
        first[2]["stderr"]
        == "\n"
        + access_denied(
            "arn:aws:iam::111122223333:user/alice",
            "s3:PutObject",
            "arn:aws:s3:::example-reports/q3.csv",
            "PutObject",
        )
        + "\n"
    )
    session = json.loads(first[3]["stdout"])
    assert session["AssumedRoleUser"]["Arn"] == PUBLISHER_SESSION
    credentials = session["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert credentials["Expiration"] == "2026-01-05T10:00:00+00:00"

    # The same named workspace, resumed: the session's credentials replace alice's.
    second = records(
        [
            f"export AWS_ACCESS_KEY_ID={credentials['AccessKeyId']}",
            f"export AWS_SECRET_ACCESS_KEY={credentials['SecretAccessKey']}",
            f"export AWS_SESSION_TOKEN={credentials['SessionToken']}",
            "aws sts get-caller-identity",
            "aws s3api put-object --bucket example-reports --key q3.csv",
            # alice may read IAM roles; the session may not: the role's permissions replace hers.
            "aws iam get-role --role-name ReportPublisher",
            "sleep 3600",
            "aws sts get-caller-identity",
            "aws s3api put-object --bucket example-reports --key q4.csv",
        ],
        "--workspace",
        "story",
    )

    assert [record["exit_code"] for record in second] == [0, 0, 0, 0, 0, 254, 0, 254, 254]
    assert json.loads(second[3]["stdout"])["Arn"] == PUBLISHER_SESSION
    assert (
        second[5]["stderr"]
        == "\n"
        + access_denied(PUBLISHER_SESSION, "iam:GetRole", f"{ROLE}/ReportPublisher", "GetRole")
        + "\n"
    )
    # An hour later the temporary credentials have expired; each service says so its way.
    assert second[7]["stderr"] == (
        "\nAn error occurred (ExpiredToken) when calling the GetCallerIdentity operation: "
        "The security token included in the request is expired\n"
    )
    assert second[8]["stderr"] == (
        "\nAn error occurred (ExpiredToken) when calling the PutObject operation: "
        "The provided token has expired.\n"
    )
    workspace = Workspace.objects.get(scenario=iam_roles, name="story")
    assert len(workspace.lines()) == 13


def test_passing_the_admin_role_to_lambda_is_for_carol_not_alice(iam_roles: Scenario) -> None:
    switch = (
        "aws lambda update-function-configuration --function-name report-builder "
        f"--role {SERVICE_ROLE}/lambda-admin-role"
    )

    result = records(
        [
            f"{switch} --profile alice",
            "aws lambda invoke --function-name report-builder before.json --profile alice",
            f"{switch} --profile carol",
            "aws lambda invoke --function-name report-builder after.json --profile alice",
            "cat after.json",
        ]
    )

    assert result[0]["exit_code"] == 254
    assert result[0]["stderr"] == (
        "\nAn error occurred (AccessDeniedException) when calling the UpdateFunctionConfiguration "
        "operation: User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
        f"iam:PassRole on resource: {SERVICE_ROLE}/lambda-admin-role because no identity-based "
        "policy allows the iam:PassRole action\n"
    )
    assert json.loads(result[1]["stdout"])["FunctionError"] == "Unhandled"
    assert result[2]["exit_code"] == 0
    assert json.loads(result[2]["stdout"])["Role"] == f"{SERVICE_ROLE}/lambda-admin-role"
    assert result[3]["exit_code"] == 0
    assert "FunctionError" not in json.loads(result[3]["stdout"])


def test_plain_output_is_what_the_cli_prints_on_each_stream(iam_roles: Scenario) -> None:
    stdout, stderr = labshell(
        [
            "aws s3 cp s3://example-reports/q2.csv - --profile alice",
            "aws s3api put-object --bucket example-reports --key q3.csv --profile alice",
            "date",
        ]
    )

    assert stdout == "quarter,revenue\nQ2,120\nMon Jan  5 09:00:00 UTC 2026\n"
    assert (
        stderr
        == "\n"
        + access_denied(
            "arn:aws:iam::111122223333:user/alice",
            "s3:PutObject",
            "arn:aws:s3:::example-reports/q3.csv",
            "PutObject",
        )
        + "\n"
    )


def test_a_named_workspace_resumes_with_its_clock_and_credentials(iam_roles: Scenario) -> None:
    labshell(["sleep 600", "export AWS_PROFILE=alice"], "--workspace", "mine")

    stdout, _ = labshell(
        ["date", "aws sts get-caller-identity --query Arn --output text"], "--workspace", "mine"
    )

    assert stdout == "Mon Jan  5 09:10:00 UTC 2026\narn:aws:iam::111122223333:user/alice\n"


def test_without_a_name_each_run_starts_a_fresh_workspace(iam_roles: Scenario) -> None:
    labshell(["sleep 600"])

    stdout, _ = labshell(["date"])

    assert stdout == "Mon Jan  5 09:00:00 UTC 2026\n"
    assert Workspace.objects.filter(scenario=iam_roles, name="").count() == 2


def test_blank_lines_and_comments_are_not_logged(iam_roles: Scenario) -> None:
    labshell(["", "# alice looks around", "date", "   "], "--workspace", "quiet")

    assert Workspace.objects.get(name="quiet").lines() == ["date"]


def test_json_output_is_one_object_per_command(iam_roles: Scenario) -> None:
    stdout, _ = labshell(["date", "nonsense"], "--json")

    assert [json.loads(line) for line in stdout.splitlines()] == [
        {
            "command": "date",
            "exit_code": 0,
            "stdout": "Mon Jan  5 09:00:00 UTC 2026\n",
            "stderr": "",
        },
        {
            "command": "nonsense",
            "exit_code": 127,
            "stdout": "",
            "stderr": "bash: nonsense: command not found (this is a simulated shell: type help "
            "to see what it runs)\n",
        },
    ]


def test_an_unknown_scenario_is_a_clear_error(iam_roles: Scenario) -> None:
    with pytest.raises(CommandError) as refused:
        call_command(
            "labshell", "--scenario", "iam-rolez", stdin=StringIO("date\n"), stdout=StringIO()
        )

    assert str(refused.value) == "No scenario 'iam-rolez' is loaded. Loaded scenarios: iam-roles."
    assert refused.value.returncode == 1
    assert Workspace.objects.count() == 0


def test_a_line_too_long_is_refused_and_not_logged(iam_roles: Scenario) -> None:
    result = records(["echo " + "a" * 5000, "date"], "--workspace", "long")

    assert result[0] == {
        "command": "echo " + "a" * 5000,
        "exit_code": 1,
        "stdout": "",
        "stderr": "The command is 5005 characters long; at most 4096 are allowed.\n",
    }
    assert result[1]["exit_code"] == 0
    assert Workspace.objects.get(name="long").lines() == ["date"]


def test_a_scenario_that_builds_no_world_is_a_clear_error(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture[5]["fields"]["trust_policy"]["Statement"][0]["Principal"]["AWS"] = (
        "arn:aws:iam::111122223333:user/nobody"
    )
    call_command("loaddata", str(write_fixture(fixture)), stdout=StringIO())

    with pytest.raises(CommandError) as refused:
        call_command("labshell", "--scenario", "tiny", stdin=StringIO("date\n"), stdout=StringIO())

    assert str(refused.value) == (
        "The scenario 'tiny' cannot be built into a world right now (1 problem); an instructor "
        "can see them with `python manage.py check`."
    )
    assert refused.value.returncode == 1
    assert Workspace.objects.count() == 0


def test_reset_starts_a_named_workspace_afresh_and_keeps_the_old_log(iam_roles: Scenario) -> None:
    labshell(["sleep 600"], "--workspace", "mine")

    stdout, _ = labshell(["date"], "--workspace", "mine", "--reset")

    assert stdout == "Mon Jan  5 09:00:00 UTC 2026\n"
    old, new = Workspace.objects.filter(name="mine").order_by("pk")
    assert old.ended_at is not None
    assert old.lines() == ["sleep 600"]
    assert new.lines() == ["date"]
