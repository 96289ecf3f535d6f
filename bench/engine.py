"""Benchmark the engine: decisions per second for simulate(), and a pathological wildcard.

Run: .venv/bin/python bench/engine.py
"""

from __future__ import annotations

import copy
import gc
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from iamlab.engine import simulate
from iamlab.engine.wildcard import compile_pattern

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


def varied_requests(count: int) -> list[dict]:
    """Return `count` documents: the same few policy sets, each time a different request.

    This is what the world sends: a handful of principals with their policies, asked about
    many objects, from many addresses. Every document is a fresh dict (copying is not timed).
    """
    templates = realistic_documents()
    documents = []
    for index in range(count):
        document = copy.deepcopy(templates[index % len(templates)])
        request = document["request"]
        if request["action"] == "s3:GetObject":
            request["resource"] = f"arn:aws:s3:::example-reports/2026/report-{index}.csv"
        elif request["action"] == "s3:PutObject":
            request["resource"] = f"arn:aws:s3:::example-home/alice/notes-{index}.txt"
        request["context"]["aws:SourceIp"] = f"203.0.113.{index % 250}"
        documents.append(document)
    return documents


def measure_decisions(seconds: float = 3.0) -> tuple[float, float, int]:
    """Return (decisions per CPU second, per wall second, decisions made)."""
    batch = varied_requests(3000)
    for document in batch[:30]:
        assert "decision" in simulate(document), simulate(document)
    # The batch is the harness's data: keep the garbage collector from rescanning its 3,000
    # documents on every collection, which would charge the harness's memory to the engine.
    gc.collect()
    gc.freeze()
    count = 0
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall_start < seconds:
        for document in batch:
            simulate(document)
        count += len(batch)
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    return count / cpu, count / wall, count


def calibration_microseconds() -> float:
    """Time `sum(range(1000))`, a yardstick for how fast this machine runs Python."""
    return min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6


def measure_pathological() -> tuple[float, float, float, bool]:
    """Time the worst wildcard of the issue: 50 `*a` pieces against 10,000 characters.

    Returns (median, worst) CPU milliseconds for compiling and matching the pattern, the
    milliseconds of one whole simulate() call on it, and whether it matched.
    """
    text = "a" * 10_000
    timings = []
    result = False
    for attempt in range(51):
        # A different pattern each time, so the compiled-pattern cache never helps.
        pattern_text = "*a" * 50 + "b" + "a" * attempt
        start = time.process_time()
        result = compile_pattern(pattern_text).match(text)
        timings.append(time.process_time() - start)
    timings.sort()
    document = {
        "request": {
            "principal": f"arn:aws:iam::{ACCOUNT}:user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::" + text,
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
    start = time.process_time()
    decision = simulate(document)["decision"]
    engine_elapsed = time.process_time() - start
    assert decision == "ImplicitlyDenied"
    return timings[len(timings) // 2] * 1000, timings[-1] * 1000, engine_elapsed * 1000, result


def measure_question_marks() -> float:
    """Time a `?`-heavy pattern (2,500 `a?` pieces) against 20,000 characters, in CPU ms."""
    text = "a" * 20_000
    start = time.process_time()
    matched = compile_pattern("*" + "a?" * 2500 + "b*").match(text)
    elapsed = time.process_time() - start
    assert not matched
    return elapsed * 1000


def main() -> None:
    """Print the two figures docs/engine.md reports."""
    cpu_rate, wall_rate, count = measure_decisions()
    print(
        f"simulate(): {cpu_rate:,.0f} decisions per CPU second, {wall_rate:,.0f} per wall-clock "
        f"second ({count:,} realistic documents, one process)"
    )
    median_ms, worst_ms, engine_ms, matched = measure_pathological()
    print(
        f"pathological wildcard ('*a' x 50 + 'b' vs 10,000 chars): median {median_ms:.3f} ms, "
        f"worst {worst_ms:.3f} ms of CPU (match={matched}); one whole simulate() on it: "
        f"{engine_ms:.3f} ms"
    )
    print(
        "question-mark wildcard ('*' + 'a?' x 2,500 + 'b*' vs 20,000 chars): "
        f"{measure_question_marks():.1f} ms of CPU"
    )
    print(f"machine yardstick: sum(range(1000)) takes {calibration_microseconds():.1f} us")


if __name__ == "__main__":
    main()
