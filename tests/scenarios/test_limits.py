"""Content that breaks pages is refused where it enters: too deep, too large, or not text."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User as Staff
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from iamlab.scenarios.limits import (
    MAX_JSON_DEPTH,
    json_problem,
    json_text_problem,
)
from iamlab.scenarios.loading import dump_scenario, load_fixtures
from iamlab.scenarios.models import LambdaFunction, ManagedPolicy, Role, Scenario
from tests.cast import IAM_ROLES, WriteFixture, row_counts, small_scenario

pytestmark = pytest.mark.django_db


def nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def refuse(path: Path) -> str:
    """Run loadscenario on a bad fixture; return what it printed to stderr."""
    stderr = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("loadscenario", str(path), stdout=StringIO(), stderr=stderr)
    assert refused.value.returncode == 1
    return stderr.getvalue()


def iam_roles_with_deep_calls(depth: int) -> list[dict[str, Any]]:
    fixture = json.loads(IAM_ROLES.read_text(encoding="utf-8"))
    (function,) = [o for o in fixture if o["model"] == "scenarios.lambdafunction"]
    function["fields"]["calls"][0]["params"]["Payload"] = nested(depth)
    return fixture


def test_json_problem_names_the_path_where_the_nesting_goes_too_deep() -> None:
    problem = json_problem({"a": [nested(MAX_JSON_DEPTH)]})

    assert problem is not None
    assert problem.json_path == "a" + "[0]" * (MAX_JSON_DEPTH - 1)
    assert problem.message == (
        "the value is nested more than 32 deep here; no policy or scenario needs that much nesting."
    )
    assert json_problem({"a": [nested(MAX_JSON_DEPTH - 2)]}) is None


def test_json_problem_stops_at_the_size_limit_and_at_text_that_is_not_text() -> None:
    assert str(json_problem(["x" * 70_000])) == (
        "the value is larger than 64 KB as JSON; a scenario's policies and settings are far "
        "smaller."
    )
    assert str(json_problem({"Sid": "a\x00b"})) == (
        "at Sid: the text holds a NUL character (\\u0000) at position 2; remove it: no name "
        "or text needs one."
    )
    assert str(json_problem({"k\ud800": 1})) == (
        "at k\ud800: the key holds a lone surrogate (\\ud800) at position 2, which is not a "
        "character; write the character itself."
    )


def test_bracket_counting_refuses_100000_nested_brackets_without_parsing() -> None:
    text = "[" * 100_000 + "]" * 100_000

    assert json_text_problem(text) == (
        "The JSON is nested more than 32 deep (line 1); no policy or scenario needs that much "
        "nesting."
    )
    # Brackets inside strings are text, not nesting.
    assert json_text_problem(json.dumps({"Sid": "[" * 100})) is None


def test_lambda_calls_nested_500_deep_are_refused_with_their_place(
    write_fixture: WriteFixture,
) -> None:
    path = write_fixture(iam_roles_with_deep_calls(500))
    before = row_counts()

    report = refuse(path)

    deep_path = "[0].params.Payload" + "[0]" * (MAX_JSON_DEPTH - 3)
    assert report.splitlines()[0] == (
        f'{path}, object 22, scenarios.lambdafunction ["iam-roles", "111122223333", '
        f'"report-builder"], field calls at {deep_path}: The value is nested more than 32 deep '
        "here; no policy or scenario needs that much nesting."
    )
    assert row_counts() == before


@pytest.mark.parametrize(
    ("model", "field", "value", "message"),
    [
        (
            "scenarios.role",
            "trust_policy",
            {"Version": "2012-10-17", "Statement": [{"Sid": "x" * 70_000}]},
            "The value is larger than 64 KB as JSON; a scenario's policies and settings are "
            "far smaller.",
        ),
        (
            "scenarios.role",
            "tags",
            {"team": {"nested": nested(40)}},
            "The value is nested more than 32 deep here; no policy or scenario needs that much "
            "nesting.",
        ),
        (
            "scenarios.managedpolicy",
            "document",
            {"Version": "2012-10-17", "Statement": nested(40)},
            "The value is nested more than 32 deep here; no policy or scenario needs that much "
            "nesting.",
        ),
    ],
)
def test_every_json_field_has_a_depth_and_size_limit(
    write_fixture: WriteFixture, model: str, field: str, value: object, message: str
) -> None:
    fixture = small_scenario()
    (target,) = [o for o in fixture if o["model"] == model]
    target["fields"][field] = value
    before = row_counts()

    result = load_fixtures([write_fixture(fixture)])

    assert [(p.model, p.field, p.message) for p in result.problems] == [(model, field, message)]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("position", "field", "value", "message"),
    [
        (
            0,
            "title",
            "Roles\ud800",
            "The text holds a lone surrogate (\\ud800) at position 6, which is not a "
            "character; write the character itself.",
        ),
        (
            0,
            "title",
            "Roles\x00",
            "The text holds a NUL character (\\u0000) at position 6; remove it: no name or "
            "text needs one.",
        ),
        (
            -1,
            "key",
            "reports/q1\x00.csv",
            "The text holds a NUL character (\\u0000) at position 11; remove it: no name or "
            "text needs one.",
        ),
    ],
)
def test_loadscenario_refuses_text_that_is_not_text(
    write_fixture: WriteFixture, position: int, field: str, value: str, message: str
) -> None:
    fixture = small_scenario()
    fixture[position]["fields"][field] = value
    path = write_fixture(fixture)
    before = row_counts()

    report = refuse(path)

    assert f"field {field}: {message}" in report.splitlines()[0]
    assert report.encode("utf-8")  # the report itself is text a terminal can print
    assert row_counts() == before


def test_a_natural_key_with_a_nul_is_refused_before_it_is_looked_up(
    write_fixture: WriteFixture,
) -> None:
    fixture = small_scenario()
    fixture[-1]["fields"]["bucket"] = ["tiny", "111122223333", "tiny\x00reports"]

    report = refuse(write_fixture(fixture))

    assert report.splitlines()[0].endswith(
        "field bucket: The natural key holds a NUL character (\\u0000) at position 5; "
        "remove it: no name or text needs one."
    )


def test_content_loaded_around_the_validation_gives_notices_not_errors(
    client: Client, iam_roles: Scenario
) -> None:
    # Plain `loaddata` validates nothing: content that deep can already be in a database.
    function = LambdaFunction.objects.get(name="report-builder")
    function.calls[0]["params"]["Payload"] = nested(500)
    function.save()
    Role.objects.filter(name="ReportPublisher").update(
        trust_policy={"Version": "2012-10-17", "Statement": nested(500)}
    )

    overview = client.get("/scenarios/iam-roles/")
    trust = client.get("/diagrams/scenarios/iam-roles/trust/")
    download = client.get("/diagrams/scenarios/iam-roles/trust.svg")

    assert overview.status_code == 200
    html = overview.content.decode()
    assert "cannot be built into a world right now (1 problem)" in html
    assert (
        "(This value is too deeply nested or too large to show; `manage.py check` says where.)"
        in html
    )
    assert trust.status_code == 200
    assert "cannot be built into a world right now (1 problem)" in trust.content.decode()
    assert download.status_code == 409
    problems = [str(p) for p in Scenario.objects.get(slug="iam-roles").validate()]
    assert problems[0].startswith(
        'scenarios.role ["iam-roles", "111122223333", "ReportPublisher"], field trust_policy '
        "at Statement" + "[0]" * (MAX_JSON_DEPTH - 2)
    )
    assert "scenarios.lambdafunction" in problems[1]
    dumped = dump_scenario(Scenario.objects.get(slug="iam-roles"))
    assert json.loads(dumped)[0]["fields"]["slug"] == "iam-roles"


def test_the_admin_refuses_100000_nested_brackets_beside_the_field(
    client: Client, iam_roles: Scenario
) -> None:
    client.force_login(Staff.objects.create_superuser("instructor", "i@example.com", "pw"))
    policy = ManagedPolicy.objects.get(name="ReportsPublish")
    before = policy.document

    response = client.post(
        f"/admin/scenarios/managedpolicy/{policy.pk}/change/",
        {
            "account": policy.account_id,
            "name": policy.name,
            "path": "/",
            "description": policy.description,
            "document": "[" * 100_000 + "]" * 100_000,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["document"] == [
        "The JSON is nested more than 32 deep (line 1); no policy or scenario needs that much "
        "nesting."
    ]
    policy.refresh_from_db()
    assert policy.document == before


def test_the_labshell_command_refuses_a_line_that_was_not_utf8_and_goes_on(
    iam_roles: Scenario,
) -> None:
    # Bytes that are not UTF-8 reach Python's standard input as lone surrogates.
    stdout, stderr = StringIO(), StringIO()

    call_command(
        "labshell",
        "--scenario",
        "iam-roles",
        "--workspace",
        "bytes",
        stdin=StringIO("echo caf\udce9\necho ok\n"),
        stdout=stdout,
        stderr=stderr,
    )

    assert stderr.getvalue() == (
        "The command holds something that is not text at character 9 (invalid UTF-8); "
        "type it again.\n"
    )
    assert stdout.getvalue() == "ok\n"
    from iamlab.scenarios.models import Workspace

    assert list(Workspace.objects.get(name="bytes").entries.values_list("line", flat=True)) == [
        "echo ok"
    ]
