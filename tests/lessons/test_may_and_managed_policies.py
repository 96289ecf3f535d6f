"""The `may` goal and the managed-policy target: what a principal could do, and editing a
customer managed policy from a policy step (no database)."""

from __future__ import annotations

import json

import pytest

from iamlab.lessons.actions import current_document, policy_line, target_problems
from iamlab.lessons.goals import GoalContext, GoalProblem, describe_goal, goal_met, goal_problems
from iamlab.world import World
from iamlab.world.cli import Console

ACCOUNT = "111122223333"
ADMIN_ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/lambda-admin-role"
TO_LAMBDA = {"iam:PassedToService": "lambda.amazonaws.com"}


def may(principal: object, allowed: bool, context: dict[str, str] | None = None) -> dict:
    value = {"principal": principal, "action": "iam:PassRole", "resource": ADMIN_ROLE}
    if context is not None:
        value["context"] = context
    return {"may": {**value, "allowed": allowed}}


def met(goal: dict, world: World) -> bool:
    return goal_met(goal, GoalContext(world, Console(world)))


def test_may_asks_the_engine_with_the_context_given(iam_roles_world: World) -> None:
    # carol may pass the admin role, but only to Lambda (iam:PassedToService); alice never.
    assert met(may({"user": "carol"}, True, TO_LAMBDA), iam_roles_world)
    assert not met(may({"user": "carol"}, False, TO_LAMBDA), iam_roles_world)
    assert met(may({"user": "carol"}, False), iam_roles_world)
    assert met(may({"user": "alice"}, False, TO_LAMBDA), iam_roles_world)
    assert met(may(f"arn:aws:iam::{ACCOUNT}:user/alice", False, TO_LAMBDA), iam_roles_world)


def test_may_follows_the_learners_world(iam_roles_spec: dict) -> None:
    carol = iam_roles_spec["accounts"][0]["users"][1]
    carol["managed_policies"].append("arn:aws:iam::aws:policy/AdministratorAccess")
    world = World.from_spec(iam_roles_spec)
    goal = may({"user": "alice"}, True, TO_LAMBDA)
    assert not met(goal, world)
    grant = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": ADMIN_ROLE}],
        }
    )
    console = Console(world)
    result = console.run(
        f"aws iam put-user-policy --user-name alice --policy-name Pass --policy-document '{grant}' "
        "--profile carol"
    )
    assert result.exit_code == 0, result.stderr
    assert met(goal, world)


def test_a_malformed_may_goal_gets_a_message_for_each_field(iam_roles_world: World) -> None:
    goal = {
        "may": {
            "principal": {"user": "alcie"},
            "action": "PassRole",
            "resource": "role/lambda-admin-role",
            "context": {"iam:PassedToService": ["lambda.amazonaws.com"]},
            "allowed": "no",
        }
    }

    assert goal_problems(goal, iam_roles_world) == [
        GoalProblem(
            "may.principal.user",
            'the scenario has no IAM user named "alcie". Did you mean "alice"? '
            "Its IAM users: alice, carol.",
        ),
        GoalProblem(
            "may.action", 'give the action as service:Action, e.g. "iam:PassRole"; got "PassRole".'
        ),
        GoalProblem(
            "may.resource", 'give the resource as an ARN (or "*"); got "role/lambda-admin-role".'
        ),
        GoalProblem(
            "may.context",
            "give the request context as at most 10 condition keys with string values, e.g. "
            '{"iam:PassedToService": "lambda.amazonaws.com"}.',
        ),
        GoalProblem("may.allowed", "allowed is true or false."),
    ]
    assert goal_problems({"may": {"principal": {"user": "alice"}}}, iam_roles_world)[0] == (
        GoalProblem(
            "may",
            'action is required: {"principal": {"user": "mallory"}, "action": "iam:PassRole", '
            '"resource": "arn:aws:iam::111122223333:role/AdminRole", "allowed": false}.',
        )
    )


def test_may_is_described_in_words() -> None:
    assert describe_goal(may({"user": "mallory"}, False, TO_LAMBDA)) == (
        f"The IAM user mallory may not perform iam:PassRole on {ADMIN_ROLE} "
        "(with iam:PassedToService = lambda.amazonaws.com)."
    )
    assert describe_goal(may("arn:aws:iam::999988887777:root", True)) == (
        f"arn:aws:iam::999988887777:root may perform iam:PassRole on {ADMIN_ROLE}."
    )
    outsider = {"principal": "arn:aws:iam::999988887777:root", "role": "PartnerUpload"}
    assert describe_goal({"may_assume": {**outsider, "allowed": False}}) == (
        "arn:aws:iam::999988887777:root may not assume the role PartnerUpload."
    )


def test_a_managed_policy_target_names_a_customer_managed_policy(iam_roles_world: World) -> None:
    assert target_problems(iam_roles_world, {"managed_policy": "ReportsPublish"}, "target") == []
    assert target_problems(iam_roles_world, {"managed_policy": "ReportPublish"}, "target") == [
        GoalProblem(
            "target.managed_policy",
            'the scenario has no customer managed policy named "ReportPublish". Did you mean '
            '"ReportsPublish"? Its managed policies: ReportsPublish, ReportsReadOnly.',
        )
    ]


@pytest.fixture
def admin_world(iam_roles_spec: dict) -> World:
    carol = iam_roles_spec["accounts"][0]["users"][1]
    carol["managed_policies"].append("arn:aws:iam::aws:policy/AdministratorAccess")
    return World.from_spec(iam_roles_spec)


def test_a_managed_policy_step_saves_a_new_default_version(admin_world: World) -> None:
    target = {"managed_policy": "ReportsPublish"}
    before = current_document(admin_world, target)
    assert before is not None
    assert [statement["Sid"] for statement in before["Statement"]] == [
        "ListReports",
        "ReadAndWriteReports",
    ]
    read_only = {"Version": "2012-10-17", "Statement": before["Statement"][:1]}

    line = policy_line(admin_world, target, "carol", read_only)

    assert line == (
        f"aws iam create-policy-version --policy-arn 'arn:aws:iam::{ACCOUNT}:policy/"
        "ReportsPublish' --policy-document '"
        + json.dumps(read_only, separators=(",", ":"))
        + "' --set-as-default --profile 'carol'"
    )
    result = Console(admin_world).run(line)
    assert result.exit_code == 0, result.stderr
    assert current_document(admin_world, target) == read_only
