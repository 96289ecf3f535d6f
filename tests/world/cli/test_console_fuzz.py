"""Whatever a learner types, the console answers with a result, never an internal failure."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamlab.world import World
from iamlab.world.cli import Console
from iamlab.world.examples import iam_roles_spec

INTERNAL = "IAM Lab could not run this command"

TOKENS = st.sampled_from(
    [
        "aws", "sts", "iam", "s3", "s3api", "lambda", "configure", "assume-role", "get-role",
        "get-caller-identity", "ls", "cp", "set", "list", "invoke", "--profile", "alice",
        "carol", "--role-arn", "arn:aws:iam::111122223333:role/ReportPublisher",
        "--role-session-name", "s1", "--tags", "Key=a,Value=b", "Key=", "{", "[", "'[1,'",
        "--query", "Roles[?x", "Arn", "--output", "table", "text", "--duration-seconds", "-5",
        "file://x", "s3://example-reports/q1.csv", "-", "out.json", "--function-name",
        "report-builder", "--payload", "e30=", "help", "export", "A=1", "$A", "\"", "'",
        "\\", ">", ">>", "#", "sleep", "99", "date", "+%s", "lab", "mfa-code", "whoami",
        "--no-sign-request", "--environment", "Variables={A=1}", "--policy-arns", "arn=",
    ]
)  # fmt: skip


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.lists(TOKENS, max_size=10).map(" ".join), min_size=1, max_size=4))
def test_sequences_of_command_fragments_never_fail_internally(lines: list[str]) -> None:
    console = Console(World.from_spec(iam_roles_spec()))
    for line in lines:
        result = console.run(line)
        assert INTERNAL not in result.stderr


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_fails_internally(line: str) -> None:
    result = Console(World.from_spec(iam_roles_spec())).run(line)
    assert INTERNAL not in result.stderr
    assert isinstance(result.exit_code, int)
