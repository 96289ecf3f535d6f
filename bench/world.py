"""Benchmark the world: build a 200-principal, 50-role world; time typical calls.

Run: .venv/bin/python bench/world.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from iamlab.world import Credentials, World

ACCOUNT = "111122223333"
USERS = 200
ROLES = 50


def large_spec() -> dict[str, Any]:
    """Return a spec with 200 users (in 10 groups) and 50 roles, each with realistic policies."""
    groups = [
        {
            "name": f"team-{g}",
            "managed_policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            "inline_policies": [
                {
                    "name": "TeamBucket",
                    "document": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["s3:GetObject", "s3:PutObject"],
                                "Resource": f"arn:aws:s3:::team-{g}-data/*",
                            }
                        ],
                    },
                }
            ],
        }
        for g in range(10)
    ]
    users = [
        {
            "name": f"user{u:03d}",
            "tags": {"team": f"team-{u % 10}"},
            "groups": [f"team-{u % 10}"],
            "inline_policies": [
                {
                    "name": "AssumeTeamRoles",
                    "document": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "sts:AssumeRole",
                                "Resource": f"arn:aws:iam::{ACCOUNT}:role/team-{u % 10}-*",
                            }
                        ],
                    },
                }
            ],
            "access_keys": [{}],
        }
        for u in range(USERS)
    ]
    roles = [
        {
            "name": f"team-{r % 10}-role-{r}",
            "max_session_duration": 7200,
            "trust_policy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": ACCOUNT},
                        "Action": ["sts:AssumeRole", "sts:TagSession"],
                        "Condition": {"StringEquals": {"aws:PrincipalTag/team": f"team-{r % 10}"}},
                    }
                ],
            },
            "inline_policies": [
                {
                    "name": "Work",
                    "document": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["s3:GetObject", "s3:ListBucket"],
                                "Resource": [
                                    f"arn:aws:s3:::team-{r % 10}-data",
                                    f"arn:aws:s3:::team-{r % 10}-data/*",
                                ],
                            }
                        ],
                    },
                }
            ],
        }
        for r in range(ROLES)
    ]
    buckets = [
        {"name": f"team-{g}-data", "objects": [{"key": "report.csv", "body": "a,b\n1,2\n"}]}
        for g in range(10)
    ]
    return {
        "start_time": "2026-01-05T09:00:00Z",
        "accounts": [
            {
                "id": ACCOUNT,
                "groups": groups,
                "users": users,
                "roles": roles,
                "s3_buckets": buckets,
            }
        ],
    }


def timed(label: str, runs: int, action: Any) -> float:
    """Run `action` `runs` times; print and return the median in milliseconds."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    median = statistics.median(samples)
    print(f"{label}: median {median:.2f} ms, best {min(samples):.2f} ms over {runs} runs")
    return median


def main() -> None:
    spec = large_spec()
    timed(
        f"World.from_spec ({USERS} users, {ROLES} roles, 10 groups)",
        20,
        lambda: World.from_spec(spec),
    )
    world = World.from_spec(spec)
    user = world.credentials_for_user(ACCOUNT, "user007")
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/team-7-role-7"
    counter = iter(range(10**9))

    def assume() -> dict[str, Any]:
        return world.call(
            user, "sts", "AssumeRole", {"RoleArn": role_arn, "RoleSessionName": f"s{next(counter)}"}
        )

    timed("World.call sts:AssumeRole", 500, assume)
    session = Credentials.from_response(assume())
    get = {"Bucket": "team-7-data", "Key": "report.csv"}
    timed(
        "World.call s3:GetObject as the role session",
        500,
        lambda: world.call(session, "s3", "GetObject", get),
    )
    timed(
        "World.call s3:GetObject as the user", 500, lambda: world.call(user, "s3", "GetObject", get)
    )
    timed(
        "World.call sts:GetCallerIdentity",
        500,
        lambda: world.call(user, "sts", "GetCallerIdentity", {}),
    )


if __name__ == "__main__":
    main()
