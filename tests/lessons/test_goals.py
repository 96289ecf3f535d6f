"""The goal vocabulary, checked and evaluated over a world and a console (no database)."""

from __future__ import annotations

from typing import Any

import pytest

from iamlab.lessons.goals import GoalContext, GoalProblem, describe_goal, goal_met, goal_problems
from iamlab.lessons.identities import acting_as
from iamlab.world import World
from iamlab.world.cli import Console
from tests.cast import PUBLISHER

ASSUME = f"aws sts assume-role --role-arn {PUBLISHER} --role-session-name s1 --profile alice"


def met(goal: dict[str, Any], console: Console, since: int = 0, **kwargs: Any) -> bool:
    return goal_met(goal, GoalContext(console.world, console, since, **kwargs))


def test_unknown_names_are_refused_with_their_place_and_the_nearest_name(
    iam_roles_world: World,
) -> None:
    goal = {
        "all": [
            {"call": {"operation": "sts:AssumeRole", "by": {"user": "alcie"}}},
            {"session_expired": {"role": "ReportPublisher"}},
            {"acting_as": {"role": "ReportPublsher"}},
        ]
    }

    assert goal_problems(goal, iam_roles_world) == [
        GoalProblem(
            "all[0].call.by.user",
            'the scenario has no IAM user named "alcie". Did you mean "alice"? '
            "Its IAM users: alice, carol.",
        ),
        GoalProblem(
            "all[2].acting_as.role",
            'the scenario has no IAM role named "ReportPublsher". Did you mean "ReportPublisher"? '
            "Its IAM roles: CorpReportReaders, GitHubActionsDeploy, ReportPublisher, "
            "lambda-admin-role, lambda-role.",
        ),
    ]


@pytest.mark.parametrize(
    ("goal", "problem"),
    [
        (
            {"cal": {"operation": "sts:AssumeRole"}},
            GoalProblem(
                "cal",
                'unknown goal "cal". Did you mean "call"? Goals: call, acting_as, '
                "session_expired, may_assume, may, function_role, prediction, all, any.",
            ),
        ),
        (
            {"call": {"operation": "sts:AssumeRoles"}},
            GoalProblem(
                "call.operation",
                'the world has no operation "sts:AssumeRoles" (write service:Operation as the '
                'API names it, e.g. "s3:PutObject"). Did you mean "sts:AssumeRole"?',
            ),
        ),
        (
            {"call": {"operation": "s3:PutObject", "outcome": "denyed"}},
            GoalProblem(
                "call.outcome",
                'outcome is one of succeeded, denied, failed, got "denyed". Did you mean "denied"?',
            ),
        ),
        (
            {"call": {"operation": "s3:PutObject", "decison": "Allowed"}},
            GoalProblem(
                "call.decison", 'a call goal has no field "decison". Did you mean "decision"?'
            ),
        ),
        (
            {"acting_as": {"role": "ReportPublisher", "via": "sso"}},
            GoalProblem(
                "acting_as.via",
                'via is one of assume-role, web-identity, saml, service, got "sso".',
            ),
        ),
        (
            {"function_role": {"function": "report-bulder", "role": "lambda-role"}},
            GoalProblem(
                "function_role.function",
                'the scenario has no Lambda function named "report-bulder". Did you mean '
                '"report-builder"? Its Lambda functions: report-builder.',
            ),
        ),
        (
            {"may_assume": {"principal": {"user": "carol"}, "role": "ReportPublisher"}},
            GoalProblem(
                "may_assume",
                'allowed is required: {"principal": {"user": "alice"}, "role": "ReportPublisher", '
                '"allowed": true}.',
            ),
        ),
        (
            {"prediction": "right"},
            GoalProblem("prediction", 'prediction is one of correct, made, got "right".'),
        ),
        (
            {"any": []},
            GoalProblem("any", "give a list of 1 to 20 goals."),
        ),
        (
            {"call": {"operation": "s3:PutObject"}, "acting_as": {"user": "alice"}},
            GoalProblem(
                "",
                "a goal is an object with exactly one key, one of call, acting_as, "
                "session_expired, "
                'may_assume, may, function_role, prediction, all, any; got {"call": {"operation": '
                '"s3:PutObject"}, "acting_as": {"user": "alice"}}.',
            ),
        ),
    ],
)
def test_malformed_goals_get_one_exact_message_at_their_place(
    iam_roles_world: World, goal: dict[str, Any], problem: GoalProblem
) -> None:
    assert goal_problems(goal, iam_roles_world) == [problem]


def test_every_goal_of_the_vocabulary_validates(iam_roles_world: World) -> None:
    goal = {
        "any": [
            {
                "call": {
                    "operation": "s3:PutObject",
                    "by": {
                        "role": "ReportPublisher",
                        "via": "assume-role",
                        "account": "111122223333",
                    },
                    "outcome": "denied",
                    "decision": "ImplicitlyDenied",
                    "policy_type": "identity-based policy",
                    "error_code": "AccessDenied",
                }
            },
            {"acting_as": {"function": "report-builder"}},
            {"session_expired": {"role": "ReportPublisher"}},
            {
                "may_assume": {
                    "principal": "arn:aws:iam::111122223333:user/carol",
                    "role": "ReportPublisher",
                    "allowed": False,
                }
            },
            {"function_role": {"function": "report-builder", "role": "lambda-admin-role"}},
            {"prediction": "correct"},
        ]
    }
    assert goal_problems(goal, iam_roles_world) == []


def test_a_call_counts_only_after_the_step_opened_and_only_by_whom_it_names(
    console: Console,
) -> None:
    goal = {"call": {"operation": "sts:GetCallerIdentity", "by": {"user": "alice"}}}
    console.run("aws sts get-caller-identity --profile carol")
    assert not met(goal, console)
    console.run("aws sts get-caller-identity --profile alice")
    assert met(goal, console)
    assert not met(goal, console, since=len(console.world.events))


def test_denied_with_decision_and_policy_type(console: Console) -> None:
    console.run("aws s3api put-object --bucket example-reports --key q3.csv --profile alice")
    denied = {"operation": "s3:PutObject", "by": {"user": "alice"}, "outcome": "denied"}
    assert met({"call": denied}, console)
    assert met({"call": {**denied, "decision": "ImplicitlyDenied"}}, console)
    assert met({"call": {**denied, "policy_type": "identity-based policy"}}, console)
    assert not met({"call": {**denied, "decision": "ExplicitlyDenied"}}, console)
    assert not met({"call": {**denied, "policy_type": "session policy"}}, console)
    assert not met({"call": {**denied, "outcome": "succeeded"}}, console)
    assert met({"call": {**denied, "outcome": "failed", "error_code": "AccessDenied"}}, console)


def test_role_sessions_are_told_apart_by_how_they_were_obtained(console: Console) -> None:
    assert console.run(ASSUME).exit_code == 0
    console.run("aws lambda invoke --function-name report-builder out.json --profile carol")
    by_lambda = {"call": {"operation": "s3:PutObject", "by": {"role": "lambda-role"}}}
    assert met(by_lambda, console)
    via_service = {"role": "lambda-role", "via": "service"}
    assert met({"call": {"operation": "s3:PutObject", "by": via_service}}, console)
    via_assume = {"role": "lambda-role", "via": "assume-role"}
    assert not met({"call": {"operation": "s3:PutObject", "by": via_assume}}, console)
    function = {"function": "report-builder"}
    assert met({"call": {"operation": "s3:ListObjectsV2", "by": function}}, console)


def test_acting_as_follows_the_clis_order(console: Console) -> None:
    assert acting_as(console) is None
    console.run("export AWS_PROFILE=alice")
    assert met({"acting_as": {"user": "alice"}}, console)
    credentials = console.run(ASSUME + " --query Credentials --output text").stdout.split()
    # text output: AccessKeyId, Expiration, SecretAccessKey, SessionToken
    console.run(f"export AWS_ACCESS_KEY_ID={credentials[0]}")
    console.run(f"export AWS_SECRET_ACCESS_KEY={credentials[2]}")
    console.run(f"export AWS_SESSION_TOKEN={credentials[3]}")
    assert met({"acting_as": {"role": "ReportPublisher", "via": "assume-role"}}, console)
    assert not met({"acting_as": {"user": "alice"}}, console)
    who = acting_as(console)
    assert who is not None and who.access_key_id == credentials[0]
    assert who.expiration is not None and who.expiration.isoformat() == "2026-01-05T10:00:00+00:00"


def test_a_role_profile_acts_as_the_role_before_it_assumes_it(console: Console) -> None:
    console.run(f"aws configure set role_arn {PUBLISHER} --profile publisher")
    console.run("aws configure set source_profile alice --profile publisher")
    console.run("export AWS_PROFILE=publisher")
    assert met({"acting_as": {"role": "ReportPublisher"}}, console)
    assert console.world.events == []  # deciding who acts made no call


def test_session_expires_on_the_worlds_clock(console: Console) -> None:
    goal = {"session_expired": {"role": "ReportPublisher"}}
    assert not met(goal, console)  # no session yet
    console.run(ASSUME)
    console.run("sleep 3599")
    assert not met(goal, console)
    console.run("sleep 1")
    assert met(goal, console)
    console.run(ASSUME)
    assert not met(goal, console)  # the latest session is fresh


def test_may_assume_asks_the_engine_under_the_current_trust_policy(console: Console) -> None:
    alice = {
        "may_assume": {"principal": {"user": "alice"}, "role": "ReportPublisher", "allowed": True}
    }
    carol = {
        "may_assume": {"principal": {"user": "carol"}, "role": "ReportPublisher", "allowed": False}
    }
    assert met(alice, console)
    assert met(carol, console)
    trust = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":'
        '"arn:aws:iam::111122223333:user/carol"},"Action":"sts:AssumeRole"}]}'
    )
    result = console.run(
        "aws iam update-assume-role-policy --role-name ReportPublisher "
        f"--policy-document '{trust}' --profile carol"
    )
    assert result.exit_code == 0, result.stderr
    assert not met(alice, console)
    assert not met(carol, console)


def test_function_role_and_predictions(console: Console) -> None:
    goal = {"function_role": {"function": "report-builder", "role": "lambda-admin-role"}}
    assert not met(goal, console)
    console.run(
        "aws lambda update-function-configuration --function-name report-builder --role "
        "arn:aws:iam::111122223333:role/service-role/lambda-admin-role --profile carol"
    )
    assert met(goal, console)
    assert not met({"prediction": "made"}, console)
    assert met({"prediction": "made"}, console, predicted="Allowed", actual="ImplicitlyDenied")
    assert not met(
        {"prediction": "correct"}, console, predicted="Allowed", actual="ImplicitlyDenied"
    )
    assert met({"prediction": "correct"}, console, predicted="Allowed", actual="Allowed")


def test_goals_are_described_in_words() -> None:
    assert (
        describe_goal(
            {
                "call": {
                    "operation": "sts:AssumeRole",
                    "by": {"user": "alice"},
                    "outcome": "succeeded",
                }
            }
        )
        == "A call to sts:AssumeRole by the IAM user alice that succeeds."
    )
    assert describe_goal({"acting_as": {"role": "ReportPublisher", "via": "assume-role"}}) == (
        "Your console acts as a session of the role ReportPublisher obtained with AssumeRole."
    )
    assert describe_goal({"session_expired": {"role": "ReportPublisher"}}) == (
        "The latest session of the role ReportPublisher has expired."
    )


def test_temporary_keys_without_their_session_token_act_as_nobody(console: Console) -> None:
    credentials = console.run(ASSUME + " --query Credentials --output text").stdout.split()
    console.run(f"export AWS_ACCESS_KEY_ID={credentials[0]}")
    console.run(f"export AWS_SECRET_ACCESS_KEY={credentials[2]}")
    who = acting_as(console)
    assert who is not None and (who.kind, who.access_key_id) == ("refused", credentials[0])
    assert not met({"acting_as": {"role": "ReportPublisher"}}, console)
    console.run(f"export AWS_SESSION_TOKEN={credentials[3]}")
    assert met({"acting_as": {"role": "ReportPublisher"}}, console)


def test_may_asks_the_engine_what_a_principal_could_do(console: Console) -> None:
    pass_role = {
        "principal": {"user": "alice"},
        "action": "iam:PassRole",
        "resource": "arn:aws:iam::111122223333:role/service-role/lambda-admin-role",
        "context": {"iam:PassedToService": "lambda.amazonaws.com"},
    }
    assert met({"may": {**pass_role, "allowed": False}}, console)
    assert met({"may": {**pass_role, "principal": {"user": "carol"}, "allowed": True}}, console)
    assert console.world.events == []  # asking made no call
    assert goal_problems(
        {"may": {**pass_role, "action": "iam:*", "allowed": True}}, console.world
    ) == [
        GoalProblem(
            "may.action", 'give one action as service:Action, e.g. "s3:PutObject"; got "iam:*".'
        )
    ]
