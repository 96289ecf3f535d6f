"""What-if questions: world.simulate asks the engine about a principal, logging nothing."""

from __future__ import annotations

from iamlab.world import World
from tests.cast import arn


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


def test_simulate_a_session_of_an_existing_role_uses_the_roles_policies(world: World) -> None:
    # A session of role R acts with R's permissions, whatever its session name (the engine
    # reads the role behind an assumed-role ARN; docs/contracts.md section 1).
    session = "arn:aws:sts::111122223333:assumed-role/ReportPublisher/what-if"
    result = world.simulate(session, "s3:PutObject", "arn:aws:s3:::example-reports/notes/x.txt")
    assert result["decision"] == "Allowed"
    explanation = result["explanation"]
    assert explanation["request"]["principal"] == session
    assert explanation["deciding_step"] == "identity_policy"
    steps = {step["step"]: step for step in explanation["steps"]}
    assert steps["identity_policy"]["present"] is True
    assert steps["identity_policy"]["result"] == "Allow"
    # ReadAndWriteReports: its second statement allows s3:PutObject on example-reports/*.
    assert [s["path"] for s in explanation["deciding_statements"]] == [
        "identity_policies[0].Statement[1]"
    ]
    assert explanation["deciding_statements"][0]["sid"] == "ReadAndWriteReports"
    named = world.simulate(
        "arn:aws:sts::111122223333:assumed-role/ReportPublisher/never-issued",
        "s3:PutObject",
        "arn:aws:s3:::example-reports/notes/x.txt",
    )
    assert named["decision"] == "Allowed"
    assert named["explanation"]["request"]["principal"].endswith("/ReportPublisher/never-issued")
    assert world.events == []


def test_simulate_a_role_that_does_not_exist_says_so(world: World) -> None:
    session = "arn:aws:sts::111122223333:assumed-role/Nope/s1"
    assert world.simulate(session, "s3:GetObject", "arn:aws:s3:::example-reports/q1.csv") == {
        "error": {
            "code": "NoSuchEntity",
            "path": "principal",
            "message": f"There is no role named Nope in account 111122223333, so {session} is no "
            "principal of this world: ask about a role that exists, or one of its sessions.",
        }
    }
    elsewhere = "arn:aws:iam::999988887777:role/Partner"
    assert world.simulate(elsewhere, "sts:AssumeRole", arn("role", "ReportPublisher")) == {
        "error": {
            "code": "NoSuchEntity",
            "path": "principal",
            "message": "There is no role named Partner in account 999988887777 (an account this "
            f"world does not model), so {elsewhere} is no principal of this world: ask about a "
            "role that exists, or one of its sessions.",
        }
    }
    # Role names in ARNs are case-sensitive.
    wrong_case = "arn:aws:sts::111122223333:assumed-role/reportpublisher/s1"
    assert world.simulate(wrong_case, "s3:GetObject", "*")["error"]["code"] == "NoSuchEntity"
