"""The content models: natural keys, constraints, and validation through the engine."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from iamlab.scenarios.models import (
    Account,
    IdentityProvider,
    InlinePolicy,
    ManagedPolicy,
    Role,
    Scenario,
    TrustedPrincipal,
    User,
    scenario_content,
)
from tests.cast import ACCOUNT, policy_of

pytestmark = pytest.mark.django_db

TRUST_ALICE = policy_of(
    Effect="Allow",
    Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
    Action="sts:AssumeRole",
)


def test_every_object_is_found_again_by_its_natural_key(iam_roles: Scenario) -> None:
    rows = scenario_content(iam_roles)

    assert len(rows) == 23
    for row in rows:
        found = type(row)._default_manager.get_by_natural_key(*row.natural_key())
        assert found == row, row


def test_natural_keys_are_what_a_fixture_writes(iam_roles: Scenario) -> None:
    publisher = Role.objects.get(name="ReportPublisher")
    inline = InlinePolicy.objects.get(name="ReadReports")

    assert publisher.natural_key() == ("iam-roles", ACCOUNT, "ReportPublisher")
    assert inline.natural_key() == (
        "iam-roles",
        ACCOUNT,
        "role",
        "lambda-role",
        "ReadReports",
    )
    assert publisher.arn == "arn:aws:iam::111122223333:role/ReportPublisher"


def test_an_inline_policy_natural_key_names_its_owner_type() -> None:
    with pytest.raises(
        InlinePolicy.DoesNotExist, match="owner type 'team' is not one of user, group, role"
    ):
        InlinePolicy.objects.get_by_natural_key("iam-roles", ACCOUNT, "team", "x", "y")


@pytest.fixture
def account(db: None) -> Account:
    scenario = Scenario.objects.create(
        slug="models", title="Models", start_time="2026-01-05T09:00:00Z"
    )
    return Account.objects.create(scenario=scenario, account_id=ACCOUNT)


def test_role_names_are_unique_per_account_ignoring_case(account: Account) -> None:
    Role.objects.create(account=account, name="Publisher", trust_policy=TRUST_ALICE)

    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(account=account, name="PUBLISHER", trust_policy=TRUST_ALICE)

    duplicate = Role(account=account, name="publisher", trust_policy=TRUST_ALICE)
    with pytest.raises(ValidationError) as invalid:
        duplicate.full_clean()
    assert invalid.value.messages == [
        "This account already has a role with this name; IAM role names are unique per "
        "account, ignoring case."
    ]


def test_the_database_refuses_a_session_duration_out_of_range(account: Account) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(
            account=account, name="Long", trust_policy=TRUST_ALICE, max_session_duration=43201
        )

    assert Role.objects.count() == 0


def test_an_inline_policy_has_exactly_one_owner(account: Account) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        InlinePolicy.objects.create(name="Orphan", document=policy_of(Effect="Allow"))


def test_trust_policy_is_checked_by_the_engine_with_its_path(account: Account) -> None:
    role = Role(
        account=account,
        name="Nobody",
        trust_policy=policy_of(Effect="Allow", Action="sts:AssumeRole"),
    )

    with pytest.raises(ValidationError) as invalid:
        role.full_clean()

    assert invalid.value.message_dict == {
        "trust_policy": [
            "MalformedPolicyDocument at Statement[0].Principal: Missing required field "
            "Principal: a role trust policy must say who it applies to, for example "
            '"Principal": {"AWS": "arn:aws:iam::111122223333:root"}.'
        ]
    }


def test_a_managed_policy_may_not_name_a_principal(account: Account) -> None:
    policy = ManagedPolicy(
        account=account,
        name="Odd",
        document=policy_of(Effect="Allow", Action="s3:GetObject", Resource="*", Principal="*"),
    )

    with pytest.raises(ValidationError) as invalid:
        policy.full_clean()

    assert invalid.value.message_dict == {
        "document": [
            "MalformedPolicyDocument at Statement[0].Principal: Has prohibited field Principal: "
            "an identity-based policy applies to the principal it is attached to, so it must "
            "not name one."
        ]
    }


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (["team"], 'Give tags as an object of key to value, e.g. {"team": "reports"}.'),
        (
            {"aws:team": "x"},
            "Tag 'aws:team': Tag keys starting with 'aws:' are reserved for AWS.",
        ),
        (
            {"Team": "a", "team": "b"},
            "Tag 'team': The tag key 'team' repeats 'Team' (tag keys are compared "
            "case-insensitively).",
        ),
        ({"team": 5}, "Tag 'team': A tag value must be a string."),
        # IAM allows letters, numbers, spaces and _ . : / = + - @ in keys and values alike.
        (
            {"team": "reports!"},
            "Tag 'team': A tag value has 0 to 256 letters, digits, spaces and _ . : / = + - @.",
        ),
        (
            {"team\tlead": "x"},
            "Tag 'team\\tlead': A tag key has 1 to 128 letters, digits, spaces and _ . : / = + "
            "- @.",
        ),
    ],
)
def test_tags_follow_aws_rules(account: Account, tags: object, message: str) -> None:
    user = User(account=account, name="alice", tags=tags)

    with pytest.raises(ValidationError) as invalid:
        user.full_clean()

    assert invalid.value.message_dict == {"tags": [message]}


def test_aws_managed_policies_are_named_by_arn(account: Account) -> None:
    user = User(account=account, name="alice", aws_managed_policy_arns=["ReadOnlyAccess"])

    with pytest.raises(ValidationError) as invalid:
        user.full_clean()

    assert invalid.value.message_dict == {
        "aws_managed_policy_arns": [
            "Give a list of AWS managed policy ARNs, each like "
            '"arn:aws:iam::aws:policy/ReadOnlyAccess".'
        ]
    }


def test_trusted_principals_say_who_may_assume_each_role(iam_roles: Scenario) -> None:
    def trusted(name: str) -> list[TrustedPrincipal]:
        return Role.objects.get(name=name).trusted_principals()

    assert trusted("ReportPublisher") == [
        TrustedPrincipal(
            "IAM user", "arn:aws:iam::111122223333:user/alice", "sts:AssumeRole", False
        )
    ]
    assert trusted("lambda-role") == [
        TrustedPrincipal("AWS service", "lambda.amazonaws.com", "sts:AssumeRole", False)
    ]
    assert trusted("GitHubActionsDeploy") == [
        TrustedPrincipal(
            "OIDC identity provider",
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
            "sts:AssumeRoleWithWebIdentity",
            True,
        )
    ]
    assert trusted("CorpReportReaders") == [
        TrustedPrincipal(
            "SAML identity provider",
            "arn:aws:iam::111122223333:saml-provider/ExampleCorpIdP",
            "sts:AssumeRoleWithSAML",
            True,
        )
    ]


def test_an_identity_provider_name_names_one_provider(account: Account) -> None:
    IdentityProvider.objects.create(
        account=account, type="oidc", name="idp.example.com", client_ids=["sts.amazonaws.com"]
    )
    saml = IdentityProvider(account=account, type="saml", name="idp.example.com")

    with pytest.raises(ValidationError) as invalid:
        saml.full_clean()

    assert invalid.value.messages == [
        "This account already has an identity provider with this name."
    ]
