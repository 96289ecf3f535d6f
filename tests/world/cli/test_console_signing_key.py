"""The access key the console's next aws command would sign with, read without a call."""

from __future__ import annotations

import pytest

from iamlab.world.cli import Console

ROLE_ARN = "arn:aws:iam::111122223333:role/ReportPublisher"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([], None),  # no credentials at all: the default profile does not exist
        (["export AWS_PROFILE=alice"], "AKIAEXAMPLEALICE0001"),
        (["export AWS_DEFAULT_PROFILE=carol"], "AKIAEXAMPLECAROL0001"),
        (["AWS_PROFILE=alice"], None),  # set but not exported: the command does not see it
        (
            ["export AWS_PROFILE=alice", "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE0000000001"],
            "ASIAEXAMPLE0000000001",
        ),
        (
            [
                "aws configure set aws_access_key_id AKIAEXAMPLEOWNKEY0001 --profile mine",
                "aws configure set aws_secret_access_key secret --profile mine",
                "export AWS_PROFILE=mine",
            ],
            "AKIAEXAMPLEOWNKEY0001",
        ),
        (
            [
                f"aws configure set role_arn {ROLE_ARN} --profile publisher",
                "aws configure set source_profile alice --profile publisher",
                "export AWS_PROFILE=publisher",
            ],
            None,  # a role profile's key comes from STS on use
        ),
        (["export AWS_PROFILE=nobody"], None),
    ],
)
def test_the_signing_key_follows_the_cli_order(
    console: Console, lines: list[str], expected: str | None
) -> None:
    for line in lines:
        assert console.run(line).exit_code == 0, line

    assert console.signing_access_key() == expected
