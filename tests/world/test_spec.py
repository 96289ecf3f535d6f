"""Building a world from a spec: every problem reported at once, with its JSON path."""

from __future__ import annotations

import copy
import json

import pytest

from iamlab.world import Problem, World, WorldSpecError
from iamlab.world.examples import iam_roles_spec


def problems_of(spec: dict) -> list[Problem]:
    with pytest.raises(WorldSpecError) as caught:
        World.from_spec(spec)
    return caught.value.problems


def minimal(**account: object) -> dict:
    return {"start_time": "2026-01-05T09:00:00Z", "accounts": [{"id": "111122223333", **account}]}


TRUST_ALICE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def test_the_iam_roles_world_builds_with_its_cast(iam_roles_world: World) -> None:
    account = iam_roles_world.accounts["111122223333"]
    assert sorted(user.name for user in account.users.values()) == ["alice", "carol"]
    assert sorted(role.name for role in account.roles.values()) == [
        "CorpReportReaders",
        "GitHubActionsDeploy",
        "ReportPublisher",
        "lambda-admin-role",
        "lambda-role",
    ]
    function = account.lambda_functions["report-builder"]
    assert function.role_arn == "arn:aws:iam::111122223333:role/service-role/lambda-role"
    assert iam_roles_world.now().isoformat() == "2026-01-05T09:00:00+00:00"


def test_ids_are_deterministic_and_carry_aws_prefixes() -> None:
    first = World.from_spec(iam_roles_spec()).accounts["111122223333"]
    second = World.from_spec(iam_roles_spec()).accounts["111122223333"]
    alice, role, policy = (
        first.users["alice"],
        first.roles["reportpublisher"],
        first.policies["reportsreadonly"],
    )
    assert alice.user_id == second.users["alice"].user_id
    assert role.role_id == second.roles["reportpublisher"].role_id
    assert alice.user_id.startswith("AIDA") and len(alice.user_id) == 21
    assert role.role_id.startswith("AROA") and len(role.role_id) == 21
    assert policy.policy_id.startswith("ANPA") and len(policy.policy_id) == 21


def test_another_seed_gives_other_ids() -> None:
    spec = iam_roles_spec()
    spec["seed"] = "another-class"
    other = World.from_spec(spec).accounts["111122223333"].users["alice"].user_id
    assert (
        other != World.from_spec(iam_roles_spec()).accounts["111122223333"].users["alice"].user_id
    )


def test_generated_access_keys_are_akia_with_40_character_secrets() -> None:
    world = World.from_spec(minimal(users=[{"name": "dev", "access_keys": [{}]}]))
    key = world.accounts["111122223333"].users["dev"].access_keys[0]
    assert key.access_key_id.startswith("AKIA") and len(key.access_key_id) == 20
    assert len(key.secret) == 40
    assert key.status == "Active"


def test_every_problem_is_reported_together_with_its_path() -> None:
    spec = iam_roles_spec()
    account = spec["accounts"][0]
    account["roles"][0]["trust_policy"]["Statement"][0]["Principal"]["AWS"] = (
        "arn:aws:iam::111122223333:user/nobody"
    )
    account["users"].append({"name": "ALICE"})
    account["roles"][1]["max_session_duration"] = 100
    account["users"][0]["managed_policies"].append("Nope")
    account["roles"][2]["trust_polcy"] = {}
    account["policies"][0]["document"]["Statement"][0]["Effect"] = "allow"
    assert problems_of(spec) == [
        Problem(
            "accounts[0].policies[0].document.Statement[0].Effect",
            'Effect must be "Allow" or "Deny" (case-sensitive), not "allow".',
        ),
        Problem(
            "accounts[0].users[2].name",
            "A user named 'alice' already exists in this account (IAM names are unique per "
            "account, compared case-insensitively).",
        ),
        Problem(
            "accounts[0].roles[1].max_session_duration",
            "Expected a whole number of seconds from 3600 to 43200, found 100.",
        ),
        Problem(
            "accounts[0].roles[2].trust_polcy",
            "Unknown field 'trust_polcy'; known: description, id, inline_policies, "
            "managed_policies, max_session_duration, name, path, permission_boundary, tags, "
            "trust_policy.",
        ),
        Problem(
            "accounts[0].users[0].managed_policies[1]",
            "No managed policy 'Nope': give the name of a policy in account 111122223333 or "
            "the ARN of a policy in the world.",
        ),
        Problem(
            "accounts[0].roles[0].trust_policy.Statement[0].Principal",
            'Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/nobody" (no '
            "such user in the world).",
        ),
    ]


def test_a_spec_that_is_not_an_object_is_one_problem() -> None:
    assert problems_of([]) == [Problem("", "Expected an object, found a list.")]


def test_missing_top_level_fields() -> None:
    assert problems_of({}) == [
        Problem("start_time", "Missing required field 'start_time'."),
        Problem("accounts", "Missing required field 'accounts'."),
    ]


@pytest.mark.parametrize(
    ("start_time", "message"),
    [
        (
            "2026-01-05 09:00",
            "Expected an ISO 8601 UTC time in whole seconds, such as '2026-01-05T09:00:00Z'.",
        ),
        (
            "2026-01-05T09:00:00+02:00",
            "Expected an ISO 8601 UTC time in whole seconds, such as '2026-01-05T09:00:00Z'.",
        ),
    ],
)
def test_start_time_must_be_utc(start_time: str, message: str) -> None:
    spec = minimal()
    spec["start_time"] = start_time
    assert problems_of(spec) == [Problem("start_time", message)]


def test_account_ids_are_12_digits_and_unique() -> None:
    spec = {
        "start_time": "2026-01-05T09:00:00Z",
        "accounts": [{"id": "111122223333"}, {"id": "111122223333"}, {"id": "1234"}],
    }
    assert problems_of(spec) == [
        Problem("accounts[1].id", "Account 111122223333 already appears at accounts[0]."),
        Problem("accounts[2].id", "'1234' is not a 12-digit account id."),
    ]


def test_names_must_follow_iam_rules() -> None:
    spec = minimal(users=[{"name": "bad name"}, {"name": "x" * 65}])
    assert problems_of(spec) == [
        Problem(
            "accounts[0].users[0].name",
            "A user name may contain only letters, digits and + = , . @ _ -; 'bad name' does "
            "not qualify.",
        ),
        Problem(
            "accounts[0].users[1].name",
            f"A user name has 1 to 64 characters; '{'x' * 65}' has 65.",
        ),
    ]


def test_role_names_are_unique_case_insensitively() -> None:
    spec = minimal(
        users=[{"name": "alice"}],
        roles=[
            {"name": "Admins", "trust_policy": TRUST_ALICE},
            {"name": "ADMINS", "trust_policy": TRUST_ALICE},
        ],
    )
    assert problems_of(spec) == [
        Problem(
            "accounts[0].roles[1].name",
            "A role named 'Admins' already exists in this account (IAM names are unique per "
            "account, compared case-insensitively).",
        )
    ]


def test_paths_tags_and_descriptions_are_checked() -> None:
    spec = minimal(
        users=[{"name": "alice"}],
        roles=[
            {
                "name": "r",
                "path": "no-slashes",
                "trust_policy": TRUST_ALICE,
                "tags": {"aws:owner": "x", "team": 5},
                "description": "d" * 1001,
            }
        ],
    )
    assert problems_of(spec) == [
        Problem(
            "accounts[0].roles[0].path",
            "'no-slashes' is not a valid path: it must be '/' or begin and end with '/', with "
            "printable ASCII characters (no spaces) between.",
        ),
        Problem("accounts[0].roles[0].description", "At most 1,000 characters are allowed."),
        Problem(
            "accounts[0].roles[0].tags.aws:owner",
            "Tag keys starting with 'aws:' are reserved for AWS.",
        ),
        Problem("accounts[0].roles[0].tags.team", "A tag value must be a string."),
    ]


def test_trust_policy_is_validated_as_a_trust_policy() -> None:
    trust = copy.deepcopy(TRUST_ALICE)
    del trust["Statement"][0]["Principal"]
    spec = minimal(roles=[{"name": "r", "trust_policy": trust}])
    [problem] = problems_of(spec)
    assert problem.path.startswith("accounts[0].roles[0].trust_policy.Statement[0]")
    assert "Principal" in problem.message


def test_identity_policy_may_not_name_a_principal() -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
        ],
    }
    spec = minimal(users=[{"name": "u", "inline_policies": [{"name": "p", "document": document}]}])
    [problem] = problems_of(spec)
    assert problem.path == "accounts[0].users[0].inline_policies[0].document.Statement[0].Principal"


def test_unknown_group_and_role_references() -> None:
    spec = minimal(
        users=[{"name": "u", "groups": ["ghosts"]}],
        lambda_functions=[{"name": "f", "role": "missing-role"}],
    )
    assert problems_of(spec) == [
        Problem(
            "accounts[0].users[0].groups[0]", "No group named 'ghosts' in account 111122223333."
        ),
        Problem(
            "accounts[0].lambda_functions[0].role",
            "No role 'missing-role': give the name of a role in account 111122223333 or a role "
            "ARN of the world.",
        ),
    ]


def test_duplicate_access_key_ids_across_users() -> None:
    key = {"id": "AKIAEXAMPLE000000001", "secret": "s" * 40}
    spec = minimal(users=[{"name": "a", "access_keys": [key]}, {"name": "b", "access_keys": [key]}])
    assert problems_of(spec) == [
        Problem(
            "accounts[0].users[1].access_keys[0].id",
            "The access key id AKIAEXAMPLE000000001 is already used at "
            "accounts[0].users[0].access_keys[0].",
        )
    ]


def test_at_most_two_access_keys() -> None:
    spec = minimal(users=[{"name": "a", "access_keys": [{}, {}, {}]}])
    assert problems_of(spec) == [
        Problem("accounts[0].users[0].access_keys", "At most 2 items are allowed; found 3.")
    ]


def test_inline_policies_of_a_user_share_a_2048_character_quota() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/" + "k" * 1000,
    }
    document = {"Version": "2012-10-17", "Statement": [statement]}
    spec = minimal(
        users=[
            {
                "name": "u",
                "inline_policies": [
                    {"name": "one", "document": document},
                    {"name": "two", "document": document},
                ],
            }
        ]
    )
    [problem] = problems_of(spec)
    assert problem.path == "accounts[0].users[0].inline_policies"
    assert problem.message.endswith("the quota is 2048.")


def test_bucket_names_are_global() -> None:
    spec = {
        "start_time": "2026-01-05T09:00:00Z",
        "accounts": [
            {"id": "111122223333", "s3_buckets": [{"name": "shared"}]},
            {"id": "444455556666", "s3_buckets": [{"name": "shared"}]},
        ],
    }
    assert problems_of(spec) == [
        Problem(
            "accounts[1].s3_buckets[0].name",
            "A bucket named 'shared' already exists (bucket names are unique across all accounts).",
        )
    ]


def test_oidc_and_saml_providers_are_checked() -> None:
    spec = minimal(
        identity_providers=[
            {"type": "oidc", "url": "http://insecure.example.com", "client_ids": ["a"]},
            {"type": "saml", "name": "bad name"},
            {"type": "ldap"},
        ]
    )
    assert problems_of(spec) == [
        Problem(
            "accounts[0].identity_providers[0].url",
            "'http://insecure.example.com' is not an OIDC provider URL: 'https://' followed by a "
            "host and an optional path, at most 255 characters, without query or fragment.",
        ),
        Problem(
            "accounts[0].identity_providers[1].name",
            "'bad name' is not a SAML provider name: 1 to 128 letters, digits, '.', '_' and '-'.",
        ),
        Problem("accounts[0].identity_providers[2].type", "Expected 'oidc' or 'saml'."),
    ]


def test_trust_policy_naming_a_missing_provider() -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {
                    "Federated": "arn:aws:iam::111122223333:oidc-provider/idp.example.com"
                },
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ],
    }
    assert problems_of(minimal(roles=[{"name": "r", "trust_policy": trust}])) == [
        Problem(
            "accounts[0].roles[0].trust_policy.Statement[0].Principal",
            'Invalid principal in policy: "Federated":"arn:aws:iam::111122223333:oidc-provider/'
            'idp.example.com" (no such OIDC provider in the world).',
        )
    ]


def test_trust_policy_may_name_any_account_and_services() -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "999988887777", "Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    world = World.from_spec(minimal(roles=[{"name": "r", "trust_policy": trust}]))
    assert world.accounts["111122223333"].roles["r"].trust_policy == trust


def test_a_function_call_must_name_a_known_operation() -> None:
    spec = iam_roles_spec()
    spec["accounts"][0]["lambda_functions"][0]["calls"][0]["operation"] = "ListObjects3"
    assert problems_of(spec) == [
        Problem(
            "accounts[0].lambda_functions[0].calls[0].operation",
            "Could not find operation ListObjects3 for version 2006-03-01",
        )
    ]


def test_to_spec_round_trips() -> None:
    world = World.from_spec(iam_roles_spec())
    again = World.from_spec(world.to_spec())
    assert again.to_spec() == world.to_spec()
    assert again.accounts["111122223333"].users["alice"].user_id == (
        world.accounts["111122223333"].users["alice"].user_id
    )


def test_building_does_not_change_the_spec() -> None:
    spec = iam_roles_spec()
    World.from_spec(spec)
    assert spec == iam_roles_spec()


def test_organization_levels_and_default_full_aws_access() -> None:
    spec = minimal(
        organization={
            "id": "o-a1b2c3d4e5",
            "levels": [
                {"id": "r-a1b2"},
                {
                    "id": "ou-a1b2-c3d4e5f6",
                    "scps": [
                        {
                            "name": "DenyS3Delete",
                            "document": {
                                "Version": "2012-10-17",
                                "Statement": [
                                    {"Effect": "Allow", "Action": "*", "Resource": "*"},
                                    {
                                        "Effect": "Deny",
                                        "Action": "s3:DeleteObject",
                                        "Resource": "*",
                                    },
                                ],
                            },
                        }
                    ],
                },
            ],
        }
    )
    world = World.from_spec(spec)
    levels = world.accounts["111122223333"].organization.levels
    assert [policy.name for policy in levels[0].scps] == ["FullAWSAccess"]
    assert [policy.name for policy in levels[1].scps] == ["DenyS3Delete"]
    assert len(world.scps_for("111122223333")) == 2


def test_a_spec_must_be_plain_json() -> None:
    spec = minimal()
    spec["accounts"][0]["alias"] = {"not", "json"}
    [problem] = problems_of(spec)
    assert problem.path == ""
    assert problem.message.startswith("The spec must be plain JSON")


def test_an_organization_level_needs_an_scp() -> None:
    spec = minimal(organization={"id": "o-a1b2c3d4e5", "levels": [{"id": "r-a1b2", "scps": []}]})
    assert problems_of(spec) == [
        Problem(
            "accounts[0].organization.levels[0].scps",
            "Every organization level has at least one SCP attached (AWS will not let the last "
            "one be detached); leave 'scps' out for FullAWSAccess.",
        )
    ]


def test_customer_policies_attach_only_in_their_own_account() -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
    }
    spec = {
        "start_time": "2026-01-05T09:00:00Z",
        "accounts": [
            {"id": "111122223333", "policies": [{"name": "Shared", "document": document}]},
            {
                "id": "444455556666",
                "users": [
                    {
                        "name": "bob",
                        "managed_policies": ["arn:aws:iam::111122223333:policy/Shared"],
                    }
                ],
            },
        ],
    }
    assert problems_of(spec) == [
        Problem(
            "accounts[1].users[0].managed_policies[0]",
            "The policy arn:aws:iam::111122223333:policy/Shared belongs to account 111122223333; "
            "a customer-managed policy can be attached only in its own account.",
        )
    ]


def test_the_complete_example_in_the_docs_builds() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "world.md").read_text()
    section = text.split("### A complete small example", 1)[1]
    example = section.split("```json", 1)[1].split("```", 1)[0]
    world = World.from_spec(json.loads(example))
    alice = world.credentials_for_user("111122223333", "alice")
    session = world.call(
        alice,
        "sts",
        "AssumeRole",
        {
            "RoleArn": "arn:aws:iam::111122223333:role/ReportPublisher",
            "RoleSessionName": "docs",
        },
    )
    assert session["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::111122223333:assumed-role/ReportPublisher/docs"
    )


def test_a_functions_role_must_be_in_its_account(iam_roles_spec: dict) -> None:
    iam_roles_spec["accounts"].append(
        {
            "id": "444455556666",
            "lambda_functions": [
                {"name": "f", "role": "arn:aws:iam::111122223333:role/service-role/lambda-role"}
            ],
        }
    )
    assert problems_of(iam_roles_spec) == [
        Problem(
            "accounts[1].lambda_functions[0].role",
            "The role arn:aws:iam::111122223333:role/service-role/lambda-role is in account "
            "111122223333; a function's execution role must be in the function's own account.",
        )
    ]
