"""Replaying a workspace log over a fresh world gives the same results, line for line."""

from __future__ import annotations

from iamlab.world import World
from iamlab.world.cli import Console
from iamlab.world.examples import iam_roles_spec

LOG = [
    "aws sts get-caller-identity",
    "export AWS_PROFILE=alice",
    "aws s3 cp s3://example-reports/q1.csv -",
    "aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ReportPublisher "
    "--role-session-name run --query Credentials --output text",
    "aws configure set role_arn arn:aws:iam::111122223333:role/ReportPublisher --profile pub",
    "aws configure set source_profile alice --profile pub",
    "aws configure set mfa_serial arn:aws:iam::111122223333:mfa/alice --profile pub",
    "aws sts get-caller-identity --profile pub",
    "123456",
    "lab mfa-code alice",
    "lab web-identity-token token.actions.githubusercontent.com repo:a:ref:main",
    "echo report > r.csv",
    "aws s3 cp r.csv s3://example-reports/r.csv",
    "sleep 3601",
    "date",
    "aws lambda invoke --function-name report-builder out.json --profile carol",
    "cat out.json",
    "aws iam get-role --role-name ReportPublisher --profile carol --output table",
    "bogus",
    "echo $?",
]


def run_log() -> tuple[list[tuple[int, str, str]], int]:
    world = World.from_spec(iam_roles_spec())
    console = Console(world)
    results = [console.run(line) for line in LOG]
    return [(r.exit_code, r.stdout, r.stderr) for r in results], len(world.events)


def test_the_same_log_gives_the_same_outputs_and_the_same_world() -> None:
    first, first_events = run_log()
    second, second_events = run_log()
    assert first == second
    assert first_events == second_events
    # The log exercised success, service errors, the MFA prompt and an unknown command.
    assert [exit_code for exit_code, _, _ in first] == [
        253, 0, 0, 0, 0, 0, 0, 0, 254, 0, 0, 0, 1, 0, 0, 0, 0, 0, 127, 0,
    ]  # fmt: skip
