"""What-if questions: world.simulate asks the engine about a principal, logging nothing."""

from __future__ import annotations

from world_helpers import arn

from iamlab.world import World


def test_simulate_who_may_assume_what(world: World) -> None:
    publisher = arn("role", "ReportPublisher")
    assert (
        world.simulate(arn("user", "alice"), "sts:AssumeRole", publisher)["decision"] == "Allowed"
    )
    assert (
        world.simulate(arn("user", "carol"), "sts:AssumeRole", publisher)["decision"]
        == "ImplicitlyDenied"
    )
    lambda_role = arn("role", "service-role/lambda-role")
    assert (
        world.simulate("lambda.amazonaws.com", "sts:AssumeRole", lambda_role)["decision"]
        == "Allowed"
    )
    assert world.events == []


def test_simulate_as_a_role_uses_the_roles_policies(world: World) -> None:
    result = world.simulate(
        arn("role", "ReportPublisher"), "s3:PutObject", "arn:aws:s3:::example-reports/q9.csv"
    )
    assert result["decision"] == "Allowed"
    assert result["explanation"]["request"]["principal"] == (
        "arn:aws:sts::111122223333:assumed-role/ReportPublisher/what-if"
    )
    result = world.simulate(
        arn("user", "alice"), "s3:PutObject", "arn:aws:s3:::example-reports/q9.csv"
    )
    assert result["decision"] == "ImplicitlyDenied"


def test_simulate_a_federated_sign_in(world: World) -> None:
    from iamlab.world.examples import OIDC_PROVIDER_ARN

    role = arn("role", "GitHubActionsDeploy")
    claims = {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:example-org/reports:ref:refs/heads/main",
    }
    allowed = world.simulate(OIDC_PROVIDER_ARN, "sts:AssumeRoleWithWebIdentity", role, claims)
    assert allowed["decision"] == "Allowed"
    claims["token.actions.githubusercontent.com:sub"] = "repo:someone/fork:ref:refs/heads/main"
    denied = world.simulate(OIDC_PROVIDER_ARN, "sts:AssumeRoleWithWebIdentity", role, claims)
    assert denied["decision"] == "ImplicitlyDenied"
