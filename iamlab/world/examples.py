"""Example worlds, shared by tests, the console, the scenarios and the bench scripts."""

from __future__ import annotations

from typing import Any

ACCOUNT_ID = "111122223333"
ALICE_KEY_ID = "AKIAEXAMPLEALICE0001"
ALICE_SECRET = "aliceSecretKeyExample0000000000000000000"
CAROL_KEY_ID = "AKIAEXAMPLECAROL0001"
CAROL_SECRET = "carolSecretKeyExample0000000000000000000"
OIDC_URL = "https://token.actions.githubusercontent.com"
OIDC_PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com"
SAML_PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/ExampleCorpIdP"


def _arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:{kind}/{name}"


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def iam_roles_spec() -> dict[str, Any]:
    """Return the `iam-roles` world: the story of the study note on IAM roles."""
    lambda_trust = _policy(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    return {
        "start_time": "2026-01-05T09:00:00Z",
        "seed": "iam-roles",
        "accounts": [
            {
                "id": ACCOUNT_ID,
                "alias": "example-corp",
                "users": [
                    {
                        "name": "alice",
                        "tags": {"team": "reports"},
                        "managed_policies": ["ReportsReadOnly"],
                        "inline_policies": [
                            {
                                "name": "AssumeReportPublisher",
                                "document": _policy(
                                    {
                                        "Sid": "AssumeReportPublisher",
                                        "Effect": "Allow",
                                        "Action": "sts:AssumeRole",
                                        "Resource": _arn("role", "ReportPublisher"),
                                    }
                                ),
                            }
                        ],
                        "access_keys": [{"id": ALICE_KEY_ID, "secret": ALICE_SECRET}],
                        "mfa_device": {"name": "alice"},
                    },
                    {
                        "name": "carol",
                        "tags": {"team": "platform"},
                        "managed_policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                        "inline_policies": [
                            {
                                "name": "LambdaAdministration",
                                "document": _policy(
                                    {
                                        "Sid": "ManageFunctions",
                                        "Effect": "Allow",
                                        "Action": [
                                            "lambda:GetFunctionConfiguration",
                                            "lambda:UpdateFunctionConfiguration",
                                            "lambda:InvokeFunction",
                                        ],
                                        "Resource": f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:"
                                        "function:*",
                                    },
                                    {
                                        "Sid": "PassLambdaRolesToLambda",
                                        "Effect": "Allow",
                                        "Action": "iam:PassRole",
                                        "Resource": [
                                            _arn("role", "service-role/lambda-role"),
                                            _arn("role", "service-role/lambda-admin-role"),
                                        ],
                                        "Condition": {
                                            "StringEquals": {
                                                "iam:PassedToService": "lambda.amazonaws.com"
                                            }
                                        },
                                    },
                                    {
                                        "Sid": "EditTrustPolicies",
                                        "Effect": "Allow",
                                        "Action": "iam:UpdateAssumeRolePolicy",
                                        "Resource": _arn("role", "*"),
                                    },
                                ),
                            }
                        ],
                        "access_keys": [{"id": CAROL_KEY_ID, "secret": CAROL_SECRET}],
                        "password": "lab-only-password",
                    },
                ],
                "policies": [
                    {
                        "name": "ReportsReadOnly",
                        "description": "Read the example-reports bucket",
                        "document": _policy(
                            {
                                "Sid": "ListReports",
                                "Effect": "Allow",
                                "Action": "s3:ListBucket",
                                "Resource": "arn:aws:s3:::example-reports",
                            },
                            {
                                "Sid": "ReadReports",
                                "Effect": "Allow",
                                "Action": "s3:GetObject",
                                "Resource": "arn:aws:s3:::example-reports/*",
                            },
                            {
                                "Sid": "LookAround",
                                "Effect": "Allow",
                                "Action": [
                                    "s3:ListAllMyBuckets",
                                    "lambda:GetFunctionConfiguration",
                                    "lambda:UpdateFunctionConfiguration",
                                    "lambda:InvokeFunction",
                                    "iam:GetRole",
                                    "iam:ListRoles",
                                ],
                                "Resource": "*",
                            },
                        ),
                    },
                    {
                        "name": "ReportsPublish",
                        "description": "Write reports to the example-reports bucket",
                        "document": _policy(
                            {
                                "Sid": "ListReports",
                                "Effect": "Allow",
                                "Action": "s3:ListBucket",
                                "Resource": "arn:aws:s3:::example-reports",
                            },
                            {
                                "Sid": "ReadAndWriteReports",
                                "Effect": "Allow",
                                "Action": ["s3:GetObject", "s3:PutObject"],
                                "Resource": "arn:aws:s3:::example-reports/*",
                            },
                        ),
                    },
                ],
                "roles": [
                    {
                        "name": "ReportPublisher",
                        "description": "Publishes reports to example-reports",
                        "max_session_duration": 3600,
                        "trust_policy": _policy(
                            {
                                "Sid": "AliceMayPublish",
                                "Effect": "Allow",
                                "Principal": {"AWS": _arn("user", "alice")},
                                "Action": "sts:AssumeRole",
                            }
                        ),
                        "managed_policies": ["ReportsPublish"],
                    },
                    {
                        "name": "lambda-role",
                        "path": "/service-role/",
                        "description": "What report-builder may do day to day",
                        "trust_policy": lambda_trust,
                        "managed_policies": [
                            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
                        ],
                        "inline_policies": [
                            {
                                "name": "ReadReports",
                                "document": _policy(
                                    {
                                        "Effect": "Allow",
                                        "Action": "s3:ListBucket",
                                        "Resource": "arn:aws:s3:::example-reports",
                                    },
                                    {
                                        "Effect": "Allow",
                                        "Action": "s3:GetObject",
                                        "Resource": "arn:aws:s3:::example-reports/*",
                                    },
                                ),
                            }
                        ],
                    },
                    {
                        "name": "lambda-admin-role",
                        "path": "/service-role/",
                        "description": "Broader permissions for report-builder, for admins only",
                        "trust_policy": lambda_trust,
                        "managed_policies": [
                            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                            "arn:aws:iam::aws:policy/AmazonS3FullAccess",
                        ],
                    },
                    {
                        "name": "GitHubActionsDeploy",
                        "description": "Assumed by the CI workflow of example-org/reports",
                        "trust_policy": _policy(
                            {
                                "Effect": "Allow",
                                "Principal": {"Federated": OIDC_PROVIDER_ARN},
                                "Action": "sts:AssumeRoleWithWebIdentity",
                                "Condition": {
                                    "StringEquals": {
                                        "token.actions.githubusercontent.com:aud": (
                                            "sts.amazonaws.com"
                                        ),
                                        "token.actions.githubusercontent.com:sub": (
                                            "repo:example-org/reports:ref:refs/heads/main"
                                        ),
                                    }
                                },
                            }
                        ),
                        "managed_policies": ["ReportsPublish"],
                    },
                    {
                        "name": "CorpReportReaders",
                        "description": "Assumed by employees signing in through ExampleCorpIdP",
                        "max_session_duration": 7200,
                        "trust_policy": _policy(
                            {
                                "Effect": "Allow",
                                "Principal": {"Federated": SAML_PROVIDER_ARN},
                                "Action": "sts:AssumeRoleWithSAML",
                                "Condition": {
                                    "StringEquals": {
                                        "saml:aud": "https://signin.aws.amazon.com/saml"
                                    }
                                },
                            }
                        ),
                        "managed_policies": ["ReportsReadOnly"],
                    },
                ],
                "identity_providers": [
                    {
                        "type": "oidc",
                        "url": OIDC_URL,
                        "client_ids": ["sts.amazonaws.com"],
                        "thumbprints": ["6938fd4d98bab03faadb97b34396831e3780aea1"],
                    },
                    {
                        "type": "saml",
                        "name": "ExampleCorpIdP",
                        "issuer": "https://idp.example.com/saml",
                    },
                ],
                "s3_buckets": [
                    {
                        "name": "example-reports",
                        "objects": [
                            {"key": "q1.csv", "body": "quarter,revenue\nQ1,100\n"},
                            {"key": "q2.csv", "body": "quarter,revenue\nQ2,120\n"},
                        ],
                    }
                ],
                "lambda_functions": [
                    {
                        "name": "report-builder",
                        "role": "lambda-role",
                        "runtime": "python3.12",
                        "handler": "app.handler",
                        "description": "Builds the daily report from the quarterly files",
                        "calls": [
                            {
                                "service": "s3",
                                "operation": "ListObjectsV2",
                                "params": {"Bucket": "example-reports"},
                            },
                            {
                                "service": "s3",
                                "operation": "PutObject",
                                "params": {
                                    "Bucket": "example-reports",
                                    "Key": "daily.csv",
                                    "Body": "day,total\n2026-01-05,220\n",
                                },
                            },
                        ],
                    }
                ],
            }
        ],
    }
