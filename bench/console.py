"""Benchmark the console: milliseconds per typical command, and a whole workspace replay.

Run: .venv/bin/python bench/console.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from iamlab.world import World
from iamlab.world.cli import Console
from iamlab.world.examples import iam_roles_spec

PUBLISHER = "arn:aws:iam::111122223333:role/ReportPublisher"
ADMIN_ROLE = "arn:aws:iam::111122223333:role/service-role/lambda-admin-role"
# Commands a learner types, each timed on its own (the console and world are reused, as in
# one request that runs one line).
COMMANDS = {
    "get-caller-identity": "aws sts get-caller-identity --profile alice",
    "assume-role": f"aws sts assume-role --role-arn {PUBLISHER} --role-session-name s1 "
    "--profile alice",
    "assume-role, --query, text": f"aws sts assume-role --role-arn {PUBLISHER} "
    "--role-session-name s1 --profile alice --query Credentials.AccessKeyId --output text",
    "s3 cp to stdout": "aws s3 cp s3://example-reports/q1.csv - --profile alice",
    "iam list-roles, table": "aws iam list-roles --profile carol --output table",
    "lambda invoke": "aws lambda invoke --function-name report-builder out.json --profile carol",
    "denied PassRole": "aws lambda update-function-configuration --function-name report-builder "
    f"--role {ADMIN_ROLE} --profile alice",
    "usage error": "aws sts assume-role --role-arn x",
    "echo $VAR": 'echo "$AWS_DEFAULT_REGION"',
}
REPEATS = 200
REPLAY_LOG = [
    "export AWS_PROFILE=alice",
    "aws s3 cp s3://example-reports/q1.csv -",
    f"aws sts assume-role --role-arn {PUBLISHER} --role-session-name run",
    f"aws configure set role_arn {PUBLISHER} --profile pub",
    "aws configure set source_profile alice --profile pub",
    "echo report > r.csv",
    "aws s3 cp r.csv s3://example-reports/r.csv --profile pub",
    "aws sts get-caller-identity --profile pub",
    "sleep 3601",
    "aws sts get-caller-identity --profile pub",
    "aws lambda invoke --function-name report-builder out.json --profile carol",
    "cat out.json",
]


class TimedWorld:
    """Wrap a world so that the time spent inside `world.call` can be told apart."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.in_calls = 0.0

    def call(self, *args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return self.world.call(*args, **kwargs)
        finally:
            self.in_calls += time.perf_counter() - start

    def __getattr__(self, name: str) -> object:
        return getattr(self.world, name)


def time_command(line: str) -> tuple[list[float], list[float]]:
    """Return, per run of `line`, the total milliseconds and those spent outside the world."""
    world = TimedWorld(World.from_spec(iam_roles_spec()))
    console = Console(world)
    totals, own = [], []
    for _ in range(REPEATS):
        world.in_calls = 0.0
        start = time.perf_counter()
        console.run(line)
        elapsed = time.perf_counter() - start
        totals.append(elapsed * 1000)
        own.append((elapsed - world.in_calls) * 1000)
    return totals, own


def main() -> None:
    print(f"Console commands over the iam-roles world, {REPEATS} runs each (ms per command):")
    print(f"  {'command':<28} {'median':>8} {'p95':>8} {'console':>8}")
    medians = []
    for name, line in COMMANDS.items():
        totals, own = time_command(line)
        totals.sort()
        median = statistics.median(totals)
        medians.append(median)
        p95 = totals[int(len(totals) * 0.95) - 1]
        print(f"  {name:<28} {median:8.3f} {p95:8.3f} {statistics.median(own):8.3f}")
    print(f"  slowest median: {max(medians):.3f} ms (target: under 5 ms)")
    print("  (console = the median time outside world.call: parsing, credentials, output)")
    replays = []
    for _ in range(50):
        start = time.perf_counter()
        console = Console(World.from_spec(iam_roles_spec()))
        for line in REPLAY_LOG:
            console.run(line)
        replays.append((time.perf_counter() - start) * 1000)
    print(
        f"Replaying a {len(REPLAY_LOG)}-line workspace log over a fresh world "
        f"(build included): median {statistics.median(replays):.2f} ms"
    )


if __name__ == "__main__":
    main()
