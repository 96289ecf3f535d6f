"""`Scenario.to_world()`: the one translation from models to world spec, and back to places."""

from __future__ import annotations

import json

import pytest

from iamlab.scenarios.loading import load_fixtures
from iamlab.scenarios.models import AccessKey, IdentityProvider, Role, Scenario, User
from iamlab.scenarios.worldspec import Location, build_spec
from iamlab.world import World
from iamlab.world.examples import iam_roles_spec
from tests.cast import ACCOUNT, FIXTURES, WriteFixture, small_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny(write_fixture: WriteFixture) -> Scenario:
    fixture = small_scenario()
    fixture[3]["fields"]["aws_managed_policy_arns"] = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert load_fixtures([write_fixture(fixture)]).problems == []
    return Scenario.objects.get(slug="tiny")


def test_the_spec_of_a_small_scenario(tiny: Scenario) -> None:
    read_reports = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::tiny-reports/*"}
        ],
    }

    assert tiny.to_spec() == {
        "start_time": "2026-01-05T09:00:00Z",
        "seed": "tiny",
        "accounts": [
            {
                "id": ACCOUNT,
                "policies": [
                    {
                        "name": "ReadReports",
                        "path": "/",
                        "description": "",
                        "document": read_reports,
                    }
                ],
                "groups": [],
                "users": [
                    {
                        "name": "alice",
                        "path": "/",
                        "tags": {},
                        "groups": [],
                        "managed_policies": [
                            "ReadReports",
                            "arn:aws:iam::aws:policy/ReadOnlyAccess",
                        ],
                        "inline_policies": [],
                        "permission_boundary": None,
                        "access_keys": [
                            {
                                "id": "AKIAEXAMPLETINY00001",
                                "status": "Active",
                                "secret": "tinySecretKeyExample00000000000000000000",
                            }
                        ],
                        "password": None,
                        "mfa_device": None,
                    }
                ],
                "roles": [
                    {
                        "name": "Publisher",
                        "path": "/",
                        "description": "",
                        "trust_policy": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
                                    "Action": "sts:AssumeRole",
                                }
                            ],
                        },
                        "managed_policies": ["ReadReports"],
                        "inline_policies": [],
                        "permission_boundary": None,
                        "max_session_duration": 3600,
                        "tags": {},
                    }
                ],
                "identity_providers": [],
                "s3_buckets": [
                    {
                        "name": "tiny-reports",
                        "policy": None,
                        "objects": [{"key": "q1.csv", "body": "Q1,100\n"}],
                    }
                ],
                "lambda_functions": [],
            }
        ],
    }


def test_to_world_builds_the_world_the_spec_describes(tiny: Scenario) -> None:
    world = tiny.to_world()

    identity = world.call(
        world.credentials_for_user(ACCOUNT, "alice"), "sts", "GetCallerIdentity", {}
    )

    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert world.now().isoformat() == "2026-01-05T09:00:00+00:00"


def test_spec_paths_lead_back_to_model_fields(tiny: Scenario) -> None:
    build = build_spec(tiny)
    publisher = Role.objects.get(name="Publisher")
    alice = User.objects.get(name="alice")

    assert build.locate("accounts[0].roles[0].trust_policy.Statement[0].Principal") == Location(
        publisher, "trust_policy", "Statement[0].Principal"
    )
    assert build.locate("accounts[0].users[0].managed_policies[0]") == Location(
        alice, "managed_policies", "[0]"
    )
    assert build.locate("accounts[0].users[0].managed_policies[1]") == Location(
        alice, "aws_managed_policy_arns", "[0]"
    )
    assert build.locate("accounts[0].users[0].access_keys[0].id") == Location(
        AccessKey.objects.get(), "access_key_id", ""
    )
    assert build.locate("accounts[0].id") == Location(tiny.accounts.get(), "account_id", "")
    assert build.locate("start_time") == Location(tiny, "start_time", "")


def test_provider_url_leads_back_to_its_name() -> None:
    assert load_fixtures([FIXTURES / "iam-roles.json"]).problems == []
    build = build_spec(Scenario.objects.get(slug="iam-roles"))
    oidc = IdentityProvider.objects.get(type="oidc")

    assert build.spec["accounts"][0]["identity_providers"][0] == {
        "type": "oidc",
        "url": "https://token.actions.githubusercontent.com",
        "client_ids": ["sts.amazonaws.com"],
        "thumbprints": ["6938fd4d98bab03faadb97b34396831e3780aea1"],
    }
    assert build.locate("accounts[0].identity_providers[0].url") == Location(oidc, "name", "")


def test_a_policy_of_another_account_is_named_by_arn() -> None:
    assert load_fixtures([FIXTURES / "cross-account-external-id.json"]).problems == []
    scenario = Scenario.objects.get(slug="cross-account-external-id")
    invoice_app = User.objects.get(name="invoice-app")
    vendor_policy = invoice_app.managed_policies.get()
    customer = scenario.accounts.get(account_id="111122223333")
    invoice_app.managed_policies.set([])
    # Attaching the vendor's policy to a customer role: the spec must say which account.
    role = Role.objects.get(name="VendorInvoiceReader")
    role.managed_policies.set([vendor_policy])

    spec = scenario.to_spec()

    customer_spec = next(a for a in spec["accounts"] if a["id"] == customer.account_id)
    assert customer_spec["roles"][0]["managed_policies"] == [
        "arn:aws:iam::444455556666:policy/AssumeCustomerRoles"
    ]


def test_the_iam_roles_fixture_is_the_worlds_own_iam_roles_example() -> None:
    # Lessons, the console and the diagrams use the world's example; the shipped fixture
    # must build exactly the same world, ids included.
    assert load_fixtures([FIXTURES / "iam-roles.json"]).problems == []
    scenario = Scenario.objects.get(slug="iam-roles")

    from_fixture = World.from_spec(scenario.to_spec())
    from_example = World.from_spec(iam_roles_spec())

    assert in_any_order(from_fixture.to_spec()) == in_any_order(from_example.to_spec())


def in_any_order(value: object) -> object:
    """Sort every list of named things, so that two specs compare by content, not order."""
    if isinstance(value, dict):
        return {key: in_any_order(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [in_any_order(item) for item in value]
        if all(isinstance(item, dict) for item in items):
            return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
        return items
    return value
