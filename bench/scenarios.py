"""Benchmark the scenarios app: loading fixtures, building worlds, and replaying workspaces.

Run: .venv/bin/python bench/scenarios.py

It uses a throw-away SQLite database in a temporary directory (never the project's) and
prints, in milliseconds:
- `loadscenario` of each shipped fixture (parsing, checks, saving, building the world);
- `Scenario.to_world()` (reading the rows, building the spec, `World.from_spec`);
- the system check over every loaded scenario (it runs before most management commands);
- one line appended to a workspace whose log already holds N lines, for N up to
  `MAX_ENTRIES`, the longest log a workspace may hold. The line is deleted again after
  each repeat, so every repeat finds its snapshot disagreeing with the log and replays the
  whole log: this is the cost of a missing snapshot (bench/pages.py measures the usual
  case, a line run after the latest snapshot).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPEATS = 5
LOG_LENGTHS = [0, 10, 100, 250]
# What a learner's log holds: reading, assuming a role, acting with it, moving the clock.
TYPICAL_LINES = [
    "aws sts get-caller-identity --profile alice",
    "aws s3 cp s3://example-reports/q1.csv - --profile alice",
    "aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ReportPublisher "
    "--role-session-name bench --profile alice --query Credentials.AccessKeyId --output text",
    "aws s3api put-object --bucket example-reports --key bench.csv --profile alice",
    "sleep 60",
]


def milliseconds(action: Callable[[], object], repeats: int = REPEATS) -> float:
    """Return the median wall-clock time of `action` in milliseconds."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    scratch = tempfile.mkdtemp(prefix="iamlab-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamlab.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from iamlab.scenarios.checks import check_scenarios
    from iamlab.scenarios.loading import load_fixtures
    from iamlab.scenarios.models import MAX_ENTRIES, Scenario, Workspace, WorkspaceEntry

    call_command("migrate", verbosity=0)
    fixtures = sorted((ROOT / "fixtures" / "scenarios").glob("*.json"))

    print("loadscenario, one fixture (ms, median of 5; each load replaces the last):")
    for fixture in fixtures:
        print(f"  {fixture.stem:<28} {milliseconds(lambda f=fixture: load_fixtures([f])):8.1f}")

    print("Scenario.to_world() (ms):")
    for scenario in Scenario.objects.order_by("slug"):
        print(f"  {scenario.slug:<28} {milliseconds(scenario.to_world):8.1f}")

    print(
        f"system check over {Scenario.objects.count()} scenarios (ms): "
        f"{milliseconds(check_scenarios):8.1f}"
    )

    iam_roles = Scenario.objects.get(slug="iam-roles")
    print("append one line to a workspace whose log holds N lines (ms):")
    for length in [*LOG_LENGTHS, MAX_ENTRIES - 1]:
        workspace = Workspace.objects.create(scenario=iam_roles, name=f"bench-{length}")
        WorkspaceEntry.objects.bulk_create(
            WorkspaceEntry(
                workspace=workspace, seq=seq, line=TYPICAL_LINES[seq % len(TYPICAL_LINES)]
            )
            for seq in range(1, length + 1)
        )

        def append_one(workspace: Workspace = workspace) -> None:
            workspace.run("date")
            # Keep the log at N lines so that every repeat measures the same length.
            workspace.entries.order_by("-seq").first().delete()

        print(f"  N = {length:<5} {milliseconds(append_one, repeats=3):10.1f}")


if __name__ == "__main__":
    main()
