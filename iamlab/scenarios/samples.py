"""Generated scenarios of a chosen size, valid by construction, to measure pages against.

`large_scenario(slug, objects)` returns a fixture (a list of objects, like a file that
`loadscenario` reads) with about `objects` rows: one account holding managed policies,
groups, users with access keys and inline policies, roles that trust those users, and
buckets with objects. Nothing in it is random, so two calls give the same fixture.
"""

from __future__ import annotations

from typing import Any

ACCOUNT = "444455556666"


def _statement(**fields: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [fields]}


def large_scenario(slug: str = "large", objects: int = 500) -> list[dict[str, Any]]:
    """Return a valid fixture with at least `objects` rows (the scenario and account too)."""
    account = [slug, ACCOUNT]
    # Each unit is 10 rows: a policy, a user, its key, its inline policy, a role, the role's
    # inline policy, a bucket, two objects, and a group every fifth unit (else an object).
    units = max(1, -(-(objects - 2) // 10))
    rows: list[dict[str, Any]] = [
        {
            "model": "scenarios.scenario",
            "fields": {
                "slug": slug,
                "title": f"A generated world of {objects} objects",
                "summary": "Generated to measure the pages.",
                "difficulty": "advanced",
                "start_time": "2026-01-05T09:00:00Z",
            },
        },
        {"model": "scenarios.account", "fields": {"scenario": [slug], "account_id": ACCOUNT}},
    ]
    for number in range(units):
        bucket = f"{slug}-data-{number:04d}"
        policy = f"Read{number:04d}"
        user = f"user{number:04d}"
        role = f"Role{number:04d}"
        rows.append(
            {
                "model": "scenarios.managedpolicy",
                "fields": {
                    "account": account,
                    "name": policy,
                    "document": _statement(
                        Effect="Allow", Action="s3:GetObject", Resource=f"arn:aws:s3:::{bucket}/*"
                    ),
                },
            }
        )
        if number % 5 == 0:
            rows.append(
                {
                    "model": "scenarios.group",
                    "fields": {
                        "account": account,
                        "name": f"team{number:04d}",
                        "managed_policies": [[slug, ACCOUNT, policy]],
                    },
                }
            )
        group = f"team{number - number % 5:04d}"
        rows += [
            {
                "model": "scenarios.user",
                "fields": {
                    "account": account,
                    "name": user,
                    "groups": [[slug, ACCOUNT, group]],
                    "managed_policies": [[slug, ACCOUNT, policy]],
                },
            },
            {
                "model": "scenarios.accesskey",
                "fields": {
                    "user": [slug, ACCOUNT, user],
                    "access_key_id": f"AKIAGENERATED{number:07d}",
                    "secret_access_key": f"generatedSecret{number:025d}",
                },
            },
            {
                "model": "scenarios.inlinepolicy",
                "fields": {
                    "user": [slug, ACCOUNT, user],
                    "name": "AssumeOwnRole",
                    "document": _statement(
                        Effect="Allow",
                        Action="sts:AssumeRole",
                        Resource=f"arn:aws:iam::{ACCOUNT}:role/{role}",
                    ),
                },
            },
            {
                "model": "scenarios.role",
                "fields": {
                    "account": account,
                    "name": role,
                    "trust_policy": _statement(
                        Effect="Allow",
                        Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:user/{user}"},
                        Action="sts:AssumeRole",
                    ),
                    "managed_policies": [[slug, ACCOUNT, policy]],
                },
            },
            {
                "model": "scenarios.inlinepolicy",
                "fields": {
                    "role": [slug, ACCOUNT, role],
                    "name": "WriteOwnBucket",
                    "document": _statement(
                        Effect="Allow", Action="s3:PutObject", Resource=f"arn:aws:s3:::{bucket}/*"
                    ),
                },
            },
            {"model": "scenarios.bucket", "fields": {"account": account, "name": bucket}},
        ]
        for key in range(2 if number % 5 == 0 else 3):
            rows.append(
                {
                    "model": "scenarios.s3object",
                    "fields": {
                        "bucket": [slug, ACCOUNT, bucket],
                        "key": f"report-{key}.csv",
                        "body": f"{number},{key}\n",
                    },
                }
            )
    return rows
