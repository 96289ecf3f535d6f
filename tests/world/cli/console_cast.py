"""Constants and expected texts shared by the console tests."""

from __future__ import annotations

from iamlab.world.cli.errors import USAGE

ACCOUNT = "111122223333"
ALICE_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
CAROL_ARN = f"arn:aws:iam::{ACCOUNT}:user/carol"
PUBLISHER_ARN = f"arn:aws:iam::{ACCOUNT}:role/ReportPublisher"
LAMBDA_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/service-role/lambda-role"
LAMBDA_ADMIN_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/service-role/lambda-admin-role"
NO_CREDENTIALS = (
    '\nUnable to locate credentials. You can configure credentials by running "aws configure".\n'
)


def usage(message: str) -> str:
    """Return the stderr of an argument error: the usage, a blank line, `aws: error: ...`."""
    return f"{USAGE}\naws: error: {message}\n"


def unknown(options: str) -> str:
    """Return the stderr of `Unknown options: ...`."""
    return f"{USAGE}\nUnknown options: {options}\n"
