"""Benchmark the engine: decisions per second for simulate(), and a pathological wildcard.

Run: .venv/bin/python bench/engine.py
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from iamlab.engine import simulate  # noqa: E402
from iamlab.engine.wildcard import compile_pattern  # noqa: E402

ACCOUNT = "111122223333"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/ReportReader/alice"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ReportReader"


def realistic_documents() -> list[dict]:
    """Return a mix of documents like the world sends: sessions, buckets, trust policies, SCPs."""
    identity = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadReports",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": ["arn:aws:s3:::example-reports", "arn:aws:s3:::example-reports/*"],
            },
            {
                "Sid": "OwnFolder",
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::example-home/${aws:username}/*",
            },
            {
                "Sid": "DenyOutsideNetwork",
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {
                    "NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]},
                    "Bool": {"aws:ViaAWSService": "false"},
                },
            },
        ],
    }
    bucket = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": [ROLE, "arn:aws:iam::444455556666:root"]},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::example-reports/*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg"}},
            },
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::example-reports/*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }
    trust = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        },
    }
    full_access = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
    }
    guardrail = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Deny",
            "Action": ["organizations:LeaveOrganization", "iam:CreateUser"],
            "Resource": "*",
        },
    }
    context = {
        "aws:SourceIp": "203.0.113.9",
        "aws:SecureTransport": True,
        "aws:PrincipalOrgID": "o-exampleorg",
        "aws:MultiFactorAuthPresent": True,
        "aws:PrincipalArn": ROLE,
    }
    return [
        {
            "request": {
                "principal": SESSION,
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::example-reports/2026/q1.csv",
                "context": context,
            },
            "identity_policies": [identity],
            "resource_policy": bucket,
            "scps": [[full_access], [full_access, guardrail]],
        },
        {
            "request": {
                "principal": f"arn:aws:iam::{ACCOUNT}:user/alice",
                "action": "sts:AssumeRole",
                "resource": ROLE,
                "context": {"aws:MultiFactorAuthPresent": True, "aws:SourceIp": "203.0.113.9"},
            },
            "identity_policies": [
                identity,
                {
                    "Version": "2012-10-17",
                    "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE},
                },
            ],
            "resource_policy": trust,
            "permission_boundary": full_access,
        },
        {
            "request": {
                "principal": f"arn:aws:iam::{ACCOUNT}:user/alice",
                "action": "s3:PutObject",
                "resource": "arn:aws:s3:::example-home/alice/notes.txt",
                "context": {"aws:SourceIp": "198.51.100.1"},
            },
            "identity_policies": [identity],
            "session_policy": full_access,
        },
    ]


def measure_decisions(seconds: float = 2.0) -> tuple[float, int]:
    """Return (decisions per second, decisions made) for fresh copies of realistic documents."""
    documents = realistic_documents()
    # Fresh copies, as each request from the world is a new dict; copying is outside the timing.
    batch = [copy.deepcopy(documents[i % len(documents)]) for i in range(3000)]
    for document in batch[:30]:
        assert "decision" in simulate(document), simulate(document)
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for document in batch:
            simulate(document)
        count += len(batch)
    elapsed = time.perf_counter() - start
    return count / elapsed, count


def measure_pathological() -> tuple[float, float, bool]:
    """Time the worst wildcard of the issue: 50 `*a` pieces against 10,000 characters."""
    text = "a" * 10_000
    worst = 0.0
    total = 0.0
    runs = 50
    result = False
    for _ in range(runs):
        start = time.perf_counter()
        pattern = compile_pattern("*a" * 50 + "b")
        result = pattern.match(text)
        elapsed = time.perf_counter() - start
        worst = max(worst, elapsed)
        total += elapsed
    # The same through the whole engine, as a Resource element against a request resource.
    document = {
        "request": {
            "principal": f"arn:aws:iam::{ACCOUNT}:user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::" + "a" * 10_000,
        },
        "identity_policies": [
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::" + "*a" * 50 + "b",
                },
            }
        ],
    }
    start = time.perf_counter()
    decision = simulate(document)["decision"]
    engine_elapsed = time.perf_counter() - start
    assert decision == "ImplicitlyDenied"
    return worst * 1000, engine_elapsed * 1000, result


def main() -> None:
    """Print the two figures docs/engine.md reports."""
    rate, count = measure_decisions()
    print(f"simulate(): {rate:,.0f} decisions/second ({count:,} realistic documents, one core)")
    worst_ms, engine_ms, matched = measure_pathological()
    print(
        f"pathological wildcard ('*a' x 50 + 'b' vs 10,000 chars): worst {worst_ms:.3f} ms "
        f"(match={matched}); through simulate(): {engine_ms:.3f} ms"
    )


if __name__ == "__main__":
    main()
