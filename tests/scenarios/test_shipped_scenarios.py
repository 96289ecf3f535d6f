"""The shipped scenarios beyond iam-roles do what their summaries promise, in the console."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.cast import ACCOUNT, FIXTURES

pytestmark = pytest.mark.django_db


def play(slug: str, lines: list[str]) -> list[dict[str, object]]:
    """Load the scenario and run the lines in a fresh workspace; return the JSON records."""
    call_command("loadscenario", str(FIXTURES / f"{slug}.json"), stdout=StringIO())
    stdout = StringIO()
    call_command(
        "labshell",
        "--scenario",
        slug,
        "--json",
        stdin=StringIO("".join(f"{line}\n" for line in lines)),
        stdout=stdout,
    )
    return [json.loads(line) for line in stdout.getvalue().splitlines()]


def denied_assume(user: str, role: str, policy_type: str = "role trust policy") -> str:
    return (
        "\nAn error occurred (AccessDenied) when calling the AssumeRole operation: User: "
        f"{user} is not authorized to perform: sts:AssumeRole on resource: {role} "
        f"because no {policy_type} allows the sts:AssumeRole action\n"
    )


def test_cross_account_role_needs_the_external_id_and_both_sides() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/VendorInvoiceReader"
    assume = f"aws sts assume-role --role-arn {role} --role-session-name inv"

    results = play(
        "cross-account-external-id",
        [
            f"{assume} --profile invoice-app",
            f"{assume} --external-id ExampleCorp-7Hq2x --profile invoice-app "
            "--query AssumedRoleUser.Arn",
            f"{assume} --external-id ExampleCorp-7Hq2x --profile intern",
        ],
    )

    # Without the external ID the trust policy's condition fails.
    assert results[0]["stderr"] == denied_assume("arn:aws:iam::444455556666:user/invoice-app", role)
    assert (
        results[1]["stdout"] == f'"arn:aws:sts::{ACCOUNT}:assumed-role/VendorInvoiceReader/inv"\n'
    )
    # The intern's own account never allowed him to assume it.
    assert results[2]["stderr"] == denied_assume(
        "arn:aws:iam::444455556666:user/intern", role, "identity-based policy"
    )


def test_a_chained_session_lasts_at_most_one_hour() -> None:
    audit_reader = f"arn:aws:iam::{ACCOUNT}:role/AuditReader"

    results = play(
        "role-chaining",
        [
            f"aws sts assume-role --role-arn {audit_reader} --role-session-name direct "
            "--profile dave",
            f"aws configure set role_arn arn:aws:iam::{ACCOUNT}:role/JumpRole --profile jump",
            "aws configure set source_profile dave --profile jump",
            f"aws sts assume-role --role-arn {audit_reader} --role-session-name chained "
            "--duration-seconds 7200 --profile jump",
            f"aws sts assume-role --role-arn {audit_reader} --role-session-name chained "
            "--profile jump --query Credentials.Expiration",
        ],
    )

    assert results[0]["stderr"] == denied_assume(f"arn:aws:iam::{ACCOUNT}:user/dave", audit_reader)
    assert results[3]["stderr"] == (
        "\nAn error occurred (ValidationError) when calling the AssumeRole operation: The "
        "requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role "
        "chaining.\n"
    )
    assert results[4]["stdout"] == '"2026-01-05T10:00:00+00:00"\n'


def test_each_of_the_three_ways_in_works_for_mallory() -> None:
    admin_lambda_role = f"arn:aws:iam::{ACCOUNT}:role/service-role/AdminLambdaRole"
    trust_mallory = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/mallory"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        separators=(",", ":"),
    )

    results = play(
        "privilege-escalation",
        [
            "aws s3 ls s3://example-payroll --profile mallory",
            "aws lambda invoke --function-name report-exporter before.json --profile mallory",
            "aws lambda update-function-configuration --function-name report-exporter "
            f"--role {admin_lambda_role} --profile mallory --query Role",
            "aws lambda invoke --function-name report-exporter after.json --profile mallory",
            f"aws sts assume-role --role-arn arn:aws:iam::{ACCOUNT}:role/PartnerUpload "
            "--role-session-name peek --profile mallory --query AssumedRoleUser.Arn",
            "aws iam update-assume-role-policy --role-name DeployRole "
            f"--policy-document '{trust_mallory}' --profile mallory",
            f"aws sts assume-role --role-arn arn:aws:iam::{ACCOUNT}:role/DeployRole "
            "--role-session-name escalated --profile mallory --query AssumedRoleUser.Arn",
        ],
    )

    assert results[0]["stderr"] == (
        "\nAn error occurred (AccessDenied) when calling the ListObjectsV2 operation: User: "
        f"arn:aws:iam::{ACCOUNT}:user/mallory is not authorized to perform: s3:ListBucket on "
        'resource: "arn:aws:s3:::example-payroll" because no identity-based policy allows the '
        "s3:ListBucket action\n"
    )
    assert json.loads(results[1]["stdout"])["FunctionError"] == "Unhandled"
    assert results[2]["stdout"] == f'"{admin_lambda_role}"\n'
    assert "FunctionError" not in json.loads(results[3]["stdout"])
    assert results[4]["stdout"] == f'"arn:aws:sts::{ACCOUNT}:assumed-role/PartnerUpload/peek"\n'
    assert results[5]["exit_code"] == 0
    assert results[6]["stdout"] == f'"arn:aws:sts::{ACCOUNT}:assumed-role/DeployRole/escalated"\n'


def test_a_boundary_narrows_a_bucket_policy_adds_and_an_explicit_deny_wins() -> None:
    intern = f"arn:aws:sts::{ACCOUNT}:assumed-role/ReportsIntern/botocore-session-1767603600"
    bucket_policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": [
                            f"arn:aws:iam::{ACCOUNT}:role/ReportsIntern",
                            f"arn:aws:iam::{ACCOUNT}:user/alice",
                        ]
                    },
                    "Action": ["s3:GetObject", "s3:PutObject"],
                    "Resource": "arn:aws:s3:::example-reports/*",
                }
            ],
        },
        separators=(",", ":"),
    )

    results = play(
        "effective-permissions",
        [
            f"aws configure set role_arn arn:aws:iam::{ACCOUNT}:role/ReportsIntern "
            "--profile intern",
            "aws configure set source_profile alice --profile intern",
            "echo quarter,revenue > q3.csv",
            "aws s3 cp q3.csv s3://example-reports/q3.csv --profile alice",
            "aws s3 cp q3.csv s3://example-reports/q3.csv --profile intern",
            "aws s3api put-bucket-policy --bucket example-reports "
            f"--policy '{bucket_policy}' --profile carol",
            "aws s3 cp q3.csv s3://example-reports/q3.csv --profile alice",
            "aws s3 cp s3://example-reports/q2.csv - --profile intern",
        ],
    )

    # alice's own policies only read; the intern role's AmazonS3FullAccess is capped by
    # its permissions boundary.
    assert results[3]["stderr"].endswith(
        "because no identity-based policy allows the s3:PutObject action\n"
    )
    assert results[4]["stderr"] == (
        "upload failed: q3.csv to s3://example-reports/q3.csv An error occurred (AccessDenied) "
        f"when calling the PutObject operation: User: {intern} is not authorized to perform: "
        's3:PutObject on resource: "arn:aws:s3:::example-reports/q3.csv" because no permissions '
        "boundary allows the s3:PutObject action\n"
    )
    # carol's bucket policy adds what alice's identity-based policies lack ...
    assert (results[5]["exit_code"], results[6]["exit_code"]) == (0, 0)
    assert results[6]["stdout"] == "upload: q3.csv to s3://example-reports/q3.csv\n"
    # ... but not past the intern role's explicit deny of the embargoed Q2 figures.
    assert results[7]["stderr"] == (
        "download failed: s3://example-reports/q2.csv to - An error occurred (AccessDenied) "
        f"when calling the GetObject operation: User: {intern} is not authorized to perform: "
        's3:GetObject on resource: "arn:aws:s3:::example-reports/q2.csv" with an explicit deny '
        "in an identity-based policy\n"
    )
