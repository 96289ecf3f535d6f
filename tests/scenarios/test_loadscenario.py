"""`loadscenario`: loads valid fixtures in one go; refuses bad ones whole, saying where and why."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from iamlab.scenarios.loading import load_fixtures
from iamlab.scenarios.models import (
    AccessKey,
    Account,
    Bucket,
    IdentityProvider,
    InlinePolicy,
    LambdaFunction,
    ManagedPolicy,
    MfaDevice,
    Role,
    S3Object,
    Scenario,
    User,
    Workspace,
)
from tests.cast import ACCOUNT, FIXTURES, IAM_ROLES, WriteFixture, row_counts, small_scenario

pytestmark = pytest.mark.django_db

MISSING_HINT = "(it must be defined in this load or already be in the database)."


def load(path: Path, *args: str) -> tuple[str, str]:
    """Run loadscenario and return what it printed (stdout, stderr)."""
    stdout, stderr = StringIO(), StringIO()
    call_command("loadscenario", str(path), *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def refuse(path: Path) -> tuple[str, int]:
    """Run loadscenario on a bad fixture; return its problem report and exit status."""
    stderr = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("loadscenario", str(path), stdout=StringIO(), stderr=stderr)
    return stderr.getvalue() + f"CommandError: {refused.value}\n", refused.value.returncode


def test_iam_roles_loads_every_object_of_the_story() -> None:
    stdout, stderr = load(IAM_ROLES)

    assert stdout == 'Loaded scenario "iam-roles": 23 objects.\n'
    assert stderr == ""
    scenario = Scenario.objects.get(slug="iam-roles")
    account = Account.objects.get(scenario=scenario, account_id=ACCOUNT)
    assert sorted(User.objects.filter(account=account).values_list("name", flat=True)) == [
        "alice",
        "carol",
    ]
    assert sorted(Role.objects.filter(account=account).values_list("name", flat=True)) == [
        "CorpReportReaders",
        "GitHubActionsDeploy",
        "ReportPublisher",
        "lambda-admin-role",
        "lambda-role",
    ]
    publisher = Role.objects.get_by_natural_key("iam-roles", ACCOUNT, "ReportPublisher")
    assert publisher.max_session_duration == 3600
    assert publisher.trust_policy["Statement"][0]["Principal"] == {
        "AWS": "arn:aws:iam::111122223333:user/alice"
    }
    assert AccessKey.objects.get(user__name="alice").access_key_id == "AKIAEXAMPLEALICE0001"
    function = LambdaFunction.objects.get(name="report-builder")
    assert function.execution_role.name == "lambda-role"
    assert sorted(IdentityProvider.objects.values_list("type", "name")) == [
        ("oidc", "token.actions.githubusercontent.com"),
        ("saml", "ExampleCorpIdP"),
    ]
    assert sorted(S3Object.objects.values_list("bucket__name", "key")) == [
        ("example-reports", "q1.csv"),
        ("example-reports", "q2.csv"),
    ]


@pytest.mark.parametrize(
    ("name", "slug", "count"),
    [
        ("cross-account-external-id", "cross-account-external-id", 12),
        ("role-chaining", "role-chaining", 11),
        ("privilege-escalation", "privilege-escalation", 20),
        ("effective-permissions", "effective-permissions", 16),
    ],
)
def test_every_shipped_scenario_loads_and_builds_a_world(name: str, slug: str, count: int) -> None:
    stdout, _ = load(FIXTURES / f"{name}.json")

    assert stdout == f'Loaded scenario "{slug}": {count} objects.\n'
    assert Scenario.objects.get(slug=slug).validate() == []


def test_skip_existing_leaves_a_loaded_scenario_untouched() -> None:
    load(IAM_ROLES)
    alice = User.objects.get(name="alice")
    alice.tags = {"team": "changed-by-an-instructor"}
    alice.save()
    before = row_counts()

    stdout, _ = load(IAM_ROLES, "--skip-existing")

    assert stdout == 'Skipped scenario "iam-roles": it is already loaded.\n'
    assert row_counts() == before
    assert User.objects.get(name="alice").tags == {"team": "changed-by-an-instructor"}


def test_skip_existing_still_loads_the_new_scenarios() -> None:
    load(IAM_ROLES)

    stdout, _ = load(IAM_ROLES, "--skip-existing")
    role_chaining = FIXTURES / "role-chaining.json"
    stdout, _ = load(role_chaining, "--skip-existing")

    assert stdout == 'Loaded scenario "role-chaining": 11 objects.\n'


def test_loading_again_replaces_the_content_and_keeps_workspaces(
    write_fixture: WriteFixture,
) -> None:
    fixture = small_scenario()
    load(write_fixture(fixture))
    workspace = Workspace.objects.create(scenario=Scenario.objects.get(slug="tiny"))
    without_bucket = [
        item for item in fixture if item["model"] not in ("scenarios.bucket", "scenarios.s3object")
    ]

    stdout, _ = load(write_fixture(without_bucket, "edited.json"))

    assert stdout == 'Replaced scenario "tiny": 6 objects.\n'
    assert Bucket.objects.filter(account__scenario__slug="tiny").count() == 0
    assert User.objects.filter(account__scenario__slug="tiny").count() == 1
    assert Workspace.objects.get(pk=workspace.pk).scenario.slug == "tiny"


def test_a_fixture_may_list_objects_in_any_order(write_fixture: WriteFixture) -> None:
    stdout, _ = load(write_fixture(list(reversed(small_scenario()))))

    assert stdout == 'Loaded scenario "tiny": 8 objects.\n'


def test_two_files_load_in_one_transaction(write_fixture: WriteFixture) -> None:
    first = write_fixture(small_scenario("first"), "first.json")
    broken = small_scenario("second")
    broken[5]["fields"]["max_session_duration"] = 60
    second = write_fixture(broken, "second.json")
    before = row_counts()

    with pytest.raises(CommandError):
        call_command("loadscenario", str(first), str(second), stdout=StringIO(), stderr=StringIO())

    assert row_counts() == before
    assert not Scenario.objects.filter(slug="first").exists()


# Bad input: each case names the place, says what would be right, and changes nothing.


def assert_refused(write_fixture: WriteFixture, fixture: list | str, expected: list[str]) -> None:
    load(IAM_ROLES)  # content already there must survive a refused load untouched
    path = write_fixture(fixture)
    before = row_counts()

    report, status = refuse(path)

    assert status == 1
    assert report.splitlines() == [line.replace("FILE", str(path)) for line in expected]
    assert row_counts() == before


NOT_BUILT = (
    'The world of scenario "tiny" was not built, because of the problems above; '
    "it is checked once they are fixed."
)


def test_typo_in_a_reference_is_named_with_a_suggestion(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture[3]["fields"]["managed_policies"] = [["tiny", ACCOUNT, "ReadReport"]]

    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 3, scenarios.user ["tiny", "111122223333", "alice"], field '
            'managed_policies at [0]: no managed policy ["tiny", "111122223333", "ReadReport"] '
            f'exists {MISSING_HINT} Did you mean ["tiny", "111122223333", "ReadReports"]?',
            NOT_BUILT,
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_malformed_policy_is_named_with_its_json_path(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture[2]["fields"]["document"]["Statement"][0]["Effect"] = "allow"

    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 2, scenarios.managedpolicy ["tiny", "111122223333", "ReadReports"], '
            "field document at Statement[0].Effect: MalformedPolicyDocument: Effect must be "
            '"Allow" or "Deny" (case-sensitive), not "allow".',
            NOT_BUILT,
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_the_same_object_twice_is_refused(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture.append(copy.deepcopy(fixture[3]))

    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 8, scenarios.user ["tiny", "111122223333", "alice"]: the same user is '
            "defined twice; it was already defined in FILE, object 3. Give each once.",
            NOT_BUILT,
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_a_name_differing_only_in_case_is_a_duplicate(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture.append(
        {"model": "scenarios.user", "fields": {"account": ["tiny", ACCOUNT], "name": "Alice"}}
    )

    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 8, scenarios.user ["tiny", "111122223333", "Alice"]: This account '
            "already has a user with this name; IAM user names are unique per account, "
            "ignoring case.",
            NOT_BUILT,
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_trust_policy_naming_a_user_that_does_not_exist_is_refused(
    write_fixture: WriteFixture,
) -> None:
    fixture = small_scenario()
    fixture[5]["fields"]["trust_policy"]["Statement"][0]["Principal"]["AWS"] = (
        f"arn:aws:iam::{ACCOUNT}:user/alicia"
    )

    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 5, scenarios.role ["tiny", "111122223333", "Publisher"], field '
            "trust_policy at Statement[0].Principal: Invalid principal in policy: "
            '"AWS":"arn:aws:iam::111122223333:user/alicia" (no such user in the world).',
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_principals_of_accounts_the_scenario_does_not_model_are_accepted(
    write_fixture: WriteFixture,
) -> None:
    # IAM User Guide, "AWS JSON policy elements: Principal" (reference_policies_elements_
    # principal.md), "IAM role principals" and "IAM user principals" give the forms
    #   "Principal": { "AWS": "arn:aws:iam::AWS-account-ID:role/role-name" }
    #   "Principal": { "AWS": "arn:aws:iam::AWS-account-ID:user/user-name" }
    # for any account; AWS accepts them when the principal exists. The scenario cannot see an
    # account it does not model, so such a principal is taken to exist there.
    partner_role = "arn:aws:iam::999988887777:role/PartnerAuditor"
    partner_user = "arn:aws:iam::999988887777:user/partner-admin"
    fixture = small_scenario()
    fixture[5]["fields"]["trust_policy"]["Statement"][0]["Principal"]["AWS"] = [
        f"arn:aws:iam::{ACCOUNT}:user/alice",
        partner_role,
        "arn:aws:sts::999988887777:assumed-role/PartnerAuditor/audit",
    ]
    bucket = next(item for item in fixture if item["model"] == "scenarios.bucket")
    bucket["fields"]["policy"] = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": partner_user},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::tiny-reports/*",
            }
        ],
    }

    stdout, stderr = load(write_fixture(fixture))

    assert (stdout, stderr) == ('Loaded scenario "tiny": 8 objects.\n', "")
    scenario = Scenario.objects.get(slug="tiny")
    assert scenario.validate() == []
    role = Role.objects.get_by_natural_key("tiny", ACCOUNT, "Publisher")
    assert partner_role in role.trust_policy["Statement"][0]["Principal"]["AWS"]


def test_a_missing_principal_of_the_scenarios_own_account_is_still_refused(
    write_fixture: WriteFixture,
) -> None:
    fixture = small_scenario()
    fixture[5]["fields"]["trust_policy"]["Statement"][0]["Principal"]["AWS"] = (
        f"arn:aws:iam::{ACCOUNT}:role/NoSuchRole"
    )
    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 5, scenarios.role ["tiny", "111122223333", "Publisher"], field '
            "trust_policy at Statement[0].Principal: Invalid principal in policy: "
            '"AWS":"arn:aws:iam::111122223333:role/NoSuchRole" (no such role in the world).',
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_wrong_type_is_named_with_its_field(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture[5]["fields"]["max_session_duration"] = "one hour"

    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 5, scenarios.role ["tiny", "111122223333", "Publisher"], field '
            'max_session_duration: expected a whole number, got "one hour".',
            NOT_BUILT,
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


@pytest.mark.parametrize(
    ("index", "field", "value", "message"),
    [
        (5, "max_session_duration", True, "expected a whole number, got true."),
        (5, "max_session_duration", 3600.5, "expected a whole number, got 3600.5."),
        (
            0,
            "start_time",
            False,
            'expected a date and time as a string, e.g. "2026-01-05T09:00:00Z", got false.',
        ),
        (5, "description", None, "expected a string, got null."),
    ],
)
def test_every_wrong_json_type_is_named(
    write_fixture: WriteFixture, index: int, field: str, value: object, message: str
) -> None:
    fixture = small_scenario()
    fixture[index]["fields"][field] = value
    load(IAM_ROLES)
    path = write_fixture(fixture)
    before = row_counts()

    result = load_fixtures([path])

    assert [(p.index, p.field, p.message) for p in result.problems] == [(index, field, message)]
    assert row_counts() == before


def test_a_string_where_a_name_belongs_is_refused(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture[6]["fields"]["name"] = ["tiny-reports"]

    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 6, scenarios.bucket ["tiny", "111122223333", "[\'tiny-reports\']"], '
            'field name: expected a string, got ["tiny-reports"].',
            'FILE, object 7, scenarios.s3object ["tiny", "111122223333", "tiny-reports", '
            '"q1.csv"], field bucket: no S3 bucket ["tiny", "111122223333", "tiny-reports"] '
            f"exists {MISSING_HINT}",
            NOT_BUILT,
            "CommandError: Nothing was loaded: 2 problems found.",
        ],
    )


def test_a_misspelt_field_is_named_with_the_right_one(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture[5]["fields"]["trust_polcy"] = fixture[5]["fields"].pop("trust_policy")

    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 5, scenarios.role ["tiny", "111122223333", "Publisher"], field '
            'trust_polcy: role has no field "trust_polcy". Did you mean "trust_policy"? Its '
            "fields: account, name, path, description, trust_policy, permission_boundary, "
            "max_session_duration, tags, aws_managed_policy_arns, managed_policies.",
            NOT_BUILT,
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_a_misspelt_model_is_named_without_blaming_what_refers_to_it(
    write_fixture: WriteFixture,
) -> None:
    fixture = small_scenario()
    fixture[1]["model"] = "scenarios.acount"

    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 1, scenarios.account ["tiny", "111122223333"]: unknown model '
            '"scenarios.acount"; a scenario fixture holds scenarios.accesskey, '
            "scenarios.account, scenarios.bucket, scenarios.group, scenarios.identityprovider, "
            "scenarios.inlinepolicy, scenarios.lambdafunction, scenarios.managedpolicy, "
            "scenarios.mfadevice, scenarios.role, scenarios.s3object, scenarios.scenario, "
            'scenarios.user. Did you mean "scenarios.account"?',
            NOT_BUILT,
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_invalid_json_is_placed_by_line_and_column(write_fixture: WriteFixture) -> None:
    assert_refused(
        write_fixture,
        '[\n  {"model": "scenarios.scenario",, "fields": {}}\n]\n',
        [
            "FILE: not valid JSON at line 2, column 34: Expecting property name enclosed in "
            "double quotes.",
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_a_key_given_twice_in_one_object_is_refused(write_fixture: WriteFixture) -> None:
    text = json.dumps(small_scenario()).replace(
        '"Effect": "Allow"', '"Effect": "Allow", "Effect": "Deny"', 1
    )

    assert_refused(
        write_fixture,
        text,
        [
            'FILE: the key "Effect" appears twice in one JSON object; give each key once '
            "(a JSON reader would silently keep only the last).",
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_a_primary_key_is_refused(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture[1]["pk"] = 7

    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 1, scenarios.account ["tiny", "111122223333"]: leave out "pk": '
            "scenario fixtures refer to objects by natural key, so they load into any database.",
            NOT_BUILT,
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_a_reference_into_another_scenario_is_refused(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture[3]["fields"]["managed_policies"] = [["iam-roles", ACCOUNT, "ReportsReadOnly"]]

    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 3, scenarios.user ["tiny", "111122223333", "alice"], field '
            'managed_policies at [0]: ["iam-roles", "111122223333", "ReportsReadOnly"] is in '
            "scenario "
            '"iam-roles", but this object belongs to "tiny"; a scenario refers only to its own '
            "objects.",
            NOT_BUILT,
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_a_missing_required_reference_is_named(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    del fixture[6]["fields"]["account"]

    assert_refused(
        write_fixture,
        fixture,
        [
            "FILE, object 6, scenarios.bucket, field account: account is required: give the "
            'natural key of the account, e.g. ["my-scenario", "111122223333"].',
            'FILE, object 7, scenarios.s3object ["tiny", "111122223333", "tiny-reports", '
            '"q1.csv"], field bucket: no S3 bucket ["tiny", "111122223333", "tiny-reports"] '
            f"exists {MISSING_HINT}",
            NOT_BUILT,
            "CommandError: Nothing was loaded: 2 problems found.",
        ],
    )


def test_every_problem_of_a_fixture_is_listed_at_once(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture[2]["fields"]["document"]["Statement"][0]["Effect"] = "allow"
    fixture[5]["fields"]["max_session_duration"] = 100
    fixture[6]["fields"]["name"] = "Tiny_Reports"

    assert_refused(
        write_fixture,
        fixture,
        [
            'FILE, object 2, scenarios.managedpolicy ["tiny", "111122223333", "ReadReports"], '
            "field document at Statement[0].Effect: MalformedPolicyDocument: Effect must be "
            '"Allow" or "Deny" (case-sensitive), not "allow".',
            # The role refers to the broken policy, so it cannot be saved; its own fields are
            # still checked.
            'FILE, object 5, scenarios.role ["tiny", "111122223333", "Publisher"], field '
            "max_session_duration: Ensure this value is greater than or equal to 3600.",
            'FILE, object 6, scenarios.bucket ["tiny", "111122223333", "Tiny_Reports"], field '
            "name: A bucket name is 3-63 lowercase letters, digits, dots and hyphens, starting "
            "and ending with a letter or digit.",
            'FILE, object 7, scenarios.s3object ["tiny", "111122223333", "tiny-reports", '
            '"q1.csv"], field bucket: no S3 bucket ["tiny", "111122223333", "tiny-reports"] '
            f"exists {MISSING_HINT}",
            NOT_BUILT,
            "CommandError: Nothing was loaded: 4 problems found.",
        ],
    )


def test_loader_returns_problems_as_data(write_fixture: WriteFixture) -> None:
    fixture = small_scenario()
    fixture[5]["fields"]["max_session_duration"] = 50000

    result = load_fixtures([write_fixture(fixture)])

    assert [problem.as_dict() for problem in result.problems] == [
        {
            "file": str(write_fixture(fixture)),
            "index": 5,
            "model": "scenarios.role",
            "natural_key": ["tiny", ACCOUNT, "Publisher"],
            "field": "max_session_duration",
            "json_path": "",
            "message": "Ensure this value is less than or equal to 43200.",
        }
    ]
    assert result.loaded == {}


def test_a_policy_valid_alone_but_wrong_in_the_world_is_placed_in_the_model(
    write_fixture: WriteFixture,
) -> None:
    fixture = small_scenario()
    fixture[5]["fields"]["aws_managed_policy_arns"] = ["arn:aws:iam::aws:policy/NoSuchPolicy"]

    load(IAM_ROLES)
    report, status = refuse(write_fixture(fixture))

    assert status == 1
    first = report.splitlines()[0]
    assert first.startswith(
        'FILE, object 5, scenarios.role ["tiny", "111122223333", "Publisher"], field '
        "aws_managed_policy_arns at [0]: ".replace("FILE", str(write_fixture(fixture)))
    )


def test_counts_of_every_model_are_unchanged_by_a_refused_replacement(
    write_fixture: WriteFixture,
) -> None:
    load(IAM_ROLES)
    broken = json.loads(IAM_ROLES.read_text())
    for item in broken:
        if item["model"] == "scenarios.role" and item["fields"]["name"] == "ReportPublisher":
            item["fields"]["trust_policy"]["Statement"][0]["Principal"]["AWS"] = (
                "arn:aws:iam::111122223333:user/alicee"
            )
    before = row_counts()

    report, status = refuse(write_fixture(broken))

    assert status == 1
    assert "Invalid principal in policy" in report
    assert row_counts() == before
    assert Role.objects.get(name="ReportPublisher").trust_policy["Statement"][0]["Principal"] == {
        "AWS": "arn:aws:iam::111122223333:user/alice"
    }
    assert ManagedPolicy.objects.count() == 2
    assert InlinePolicy.objects.count() == 3
    assert MfaDevice.objects.count() == 1


def test_json_nested_absurdly_deep_is_refused_without_a_crash(write_fixture: WriteFixture) -> None:
    assert_refused(
        write_fixture,
        "[" * 100_000 + "]" * 100_000,
        [
            "FILE: the JSON is nested too deeply to read; no fixture needs that.",
            "CommandError: Nothing was loaded: 1 problem found.",
        ],
    )


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"

    report, status = refuse(missing)

    assert status == 1
    assert report == (
        f"{missing}: cannot read the file: No such file or directory.\n"
        "CommandError: Nothing was loaded: 1 problem found.\n"
    )
