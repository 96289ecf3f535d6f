"""The AWS managed policies the world knows, as small faithful copies of AWS's documents."""

from __future__ import annotations

from datetime import UTC, datetime

from iamlab.world import ids
from iamlab.world.entities import ManagedPolicy, PolicyVersion

# AWS published these policies long before any lab world starts.
_PUBLISHED = datetime(2015, 2, 6, 18, 39, 46, tzinfo=UTC)

_DOCUMENTS: dict[str, tuple[str, str, dict]] = {
    "AdministratorAccess": (
        "/",
        "Provides full access to AWS services and resources.",
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        },
    ),
    # AWS's ReadOnlyAccess lists several hundred actions; this copy keeps the services the
    # world simulates.
    "ReadOnlyAccess": (
        "/",
        "Provides read-only access to AWS services and resources.",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadOnlyActions",
                    "Effect": "Allow",
                    "Action": [
                        "iam:Generate*",
                        "iam:Get*",
                        "iam:List*",
                        "iam:Simulate*",
                        "lambda:Get*",
                        "lambda:List*",
                        "s3:Get*",
                        "s3:List*",
                        "sts:GetCallerIdentity",
                        "sts:GetSessionToken",
                    ],
                    "Resource": "*",
                }
            ],
        },
    ),
    "IAMReadOnlyAccess": (
        "/",
        "Provides read only access to IAM via the AWS Management Console.",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "iam:GenerateCredentialReport",
                        "iam:GenerateServiceLastAccessedDetails",
                        "iam:Get*",
                        "iam:List*",
                        "iam:SimulateCustomPolicy",
                        "iam:SimulatePrincipalPolicy",
                    ],
                    "Resource": "*",
                }
            ],
        },
    ),
    "AmazonS3ReadOnlyAccess": (
        "/",
        "Provides read only access to all buckets via the AWS Management Console.",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "s3:Get*",
                        "s3:List*",
                        "s3:Describe*",
                        "s3-object-lambda:Get*",
                        "s3-object-lambda:List*",
                    ],
                    "Resource": "*",
                }
            ],
        },
    ),
    "AmazonS3FullAccess": (
        "/",
        "Provides full access to all buckets via the AWS Management Console.",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}
            ],
        },
    ),
    "AWSLambdaBasicExecutionRole": (
        "/service-role/",
        "Provides write permissions to CloudWatch Logs.",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "logs:CreateLogGroup",
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                    ],
                    "Resource": "*",
                }
            ],
        },
    ),
}


def aws_managed_policies() -> dict[str, ManagedPolicy]:
    """Return fresh copies of the AWS managed policies, keyed by ARN."""
    policies = {}
    for name, (path, description, document) in _DOCUMENTS.items():
        policy = ManagedPolicy(
            account_id="aws",
            name=name,
            policy_id=ids.unique_id("ANPA", "aws-managed", name),
            path=path,
            description=description,
            versions=[PolicyVersion("v1", _deep_copy(document), _PUBLISHED)],
            default_version_id="v1",
            created=_PUBLISHED,
            updated=_PUBLISHED,
        )
        policies[policy.arn] = policy
    return policies


def aws_managed_arns() -> list[str]:
    """Return the ARNs of the AWS managed policies the world knows."""
    return [f"arn:aws:iam::aws:policy{path}{name}" for name, (path, _, _) in _DOCUMENTS.items()]


def _deep_copy(document: dict) -> dict:
    import json

    return json.loads(json.dumps(document))
