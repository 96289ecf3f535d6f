"""`dumpscenario` writes a fixture that `loadscenario` reads back unchanged."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from iamlab.scenarios.models import Scenario
from tests.cast import FIXTURES, row_counts

pytestmark = pytest.mark.django_db


def dump(slug: str) -> str:
    stdout = StringIO()
    call_command("dumpscenario", slug, stdout=stdout)
    return stdout.getvalue()


@pytest.mark.parametrize(
    "name",
    [
        "iam-roles",
        "cross-account-external-id",
        "role-chaining",
        "privilege-escalation",
        "effective-permissions",
    ],
)
def test_round_trip_gives_back_the_same_fixture(name: str, tmp_path: Path) -> None:
    shipped = FIXTURES / f"{name}.json"
    call_command("loadscenario", str(shipped), stdout=StringIO())
    counts = row_counts()

    first = dump(name)
    Scenario.objects.get(slug=name).delete()
    dumped = tmp_path / "dumped.json"
    dumped.write_text(first, encoding="utf-8")
    call_command("loadscenario", str(dumped), stdout=StringIO())

    assert dump(name) == first
    assert row_counts() == counts
    # The shipped fixtures are kept in the dump's own layout, so a dump of a freshly loaded
    # scenario is the file itself. PostgreSQL's jsonb keeps an object's keys in an order of
    # its own (shorter keys first), so there the dump is the same JSON, not the same text.
    if connection.vendor == "postgresql":
        assert json.loads(first) == json.loads(shipped.read_text(encoding="utf-8"))
    else:
        assert first == shipped.read_text(encoding="utf-8")


def test_a_dump_has_natural_keys_and_no_primary_keys(iam_roles: Scenario) -> None:
    objects = json.loads(dump("iam-roles"))

    assert all(set(item) == {"model", "fields"} for item in objects)
    lambda_function = next(item for item in objects if item["model"] == "scenarios.lambdafunction")
    assert lambda_function["fields"]["execution_role"] == [
        "iam-roles",
        "111122223333",
        "lambda-role",
    ]


def test_dump_writes_to_a_file(iam_roles: Scenario, tmp_path: Path) -> None:
    target = tmp_path / "out.json"

    call_command("dumpscenario", "iam-roles", "-o", str(target), stdout=StringIO())

    assert target.read_text(encoding="utf-8") == dump("iam-roles")


def test_dump_of_an_unknown_scenario_is_a_clear_error(iam_roles: Scenario) -> None:
    with pytest.raises(CommandError) as refused:
        dump("iam-rolez")

    assert str(refused.value) == "No scenario 'iam-rolez' is loaded. Loaded scenarios: iam-roles."
    assert refused.value.returncode == 1
