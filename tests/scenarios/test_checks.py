"""Content loaded with plain `loaddata` is not validated; `manage.py check` reports it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.checks import Warning
from django.core.management import call_command

from iamlab.scenarios.checks import check_scenarios
from iamlab.scenarios.models import Scenario, scenario_content
from tests.cast import ACCOUNT, IAM_ROLES, WriteFixture, small_scenario

pytestmark = pytest.mark.django_db


def test_loaddata_reads_a_scenario_fixture() -> None:
    call_command("loaddata", str(IAM_ROLES), stdout=StringIO())

    scenario = Scenario.objects.get(slug="iam-roles")
    assert len(scenario_content(scenario)) == 23
    assert scenario.validate() == []
    assert check_scenarios() == []


def test_check_reports_a_scenario_loaddata_let_through(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture[5]["fields"]["trust_policy"]["Statement"][0]["Principal"]["AWS"] = (
        f"arn:aws:iam::{ACCOUNT}:user/alicia"
    )
    call_command("loaddata", str(write_fixture(fixture)), stdout=StringIO())
    scenario = Scenario.objects.get(slug="tiny")

    messages = check_scenarios()

    assert messages == [
        Warning(
            'Scenario \'tiny\' is invalid: scenarios.role ["tiny", "111122223333", "Publisher"], '
            "field trust_policy at Statement[0].Principal: Invalid principal in policy: "
            '"AWS":"arn:aws:iam::111122223333:user/alicia" (no such user in the world).',
            hint=(
                "Fix it in the admin or in its fixture and reload it with "
                "`python manage.py loadscenario FILE`."
            ),
            obj=scenario,
            id="scenarios.W001",
        )
    ]


def test_check_command_prints_the_warning(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture[2]["fields"]["document"]["Statement"][0]["Action"] = "s3GetObject"
    call_command("loaddata", str(write_fixture(fixture)), stdout=StringIO())
    stderr = StringIO()

    call_command("check", "--tag", "scenarios", stdout=StringIO(), stderr=stderr)

    assert stderr.getvalue() == (
        "System check identified some issues:\n\nWARNINGS:\n"
        "A tiny world: (scenarios.W001) Scenario 'tiny' is invalid: scenarios.managedpolicy "
        '["tiny", "111122223333", "ReadReports"], field document at Statement[0].Action: '
        'MalformedPolicyDocument: Action "s3GetObject" must be "*" or "service:action" with the '
        'service prefix spelled out, like "s3:GetObject" or "iam:List*".\n'
        "\tHINT: Fix it in the admin or in its fixture and reload it with "
        "`python manage.py loadscenario FILE`.\n\n"
        "System check identified 1 issue (0 silenced).\n"
    )
