"""Benchmark the console page, a command posted to it, its session graph and a playground
evaluation, in-process.

CPU time per request (process time, so waiting on SQLite does not count) through Django's
test client against a throwaway SQLite database, at workspace log lengths 0, 100 and 400.
bench/pages.py measures the same pages under gunicorn beside a bare view; this one needs no
server and also times the hostile inputs. Run: .venv/bin/python bench/console_pages.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamlab.settings")
_db_file = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{_db_file}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from iamlab.scenarios.loading import load_fixtures  # noqa: E402
from iamlab.scenarios.models import Scenario, Workspace, WorkspaceEntry  # noqa: E402

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios" / "iam-roles.json"
ROLE = "arn:aws:iam::111122223333:role/ReportPublisher"
FILLER = [
    "aws sts get-caller-identity --profile alice",
    f"aws sts assume-role --role-arn {ROLE} --role-session-name s{{n}} --profile alice",
    "aws s3 ls s3://example-reports --profile alice",
    "sleep 60",
]
REPEATS = 15  # posted commands grow a log by this much per measurement
PLAYGROUND = {
    "principal": "arn:aws:iam::111122223333:user/alice",
    "actions": "sts:AssumeRole",
    "resources": ROLE,
    "identity": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Action": "sts:AssumeRole", "Resource": "*"}]}',
    "resource": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": '
    '{"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "sts:AssumeRole"}]}',
}


def cpu_ms(action, repeats: int = REPEATS) -> float:
    samples = []
    for _ in range(repeats):
        start = time.process_time()
        action()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def hostile(client: Client) -> None:
    """Print the wall time of each hostile input the tests check (their errors, not times)."""
    deep = "[" * 10_000 + "]" * 10_000
    many = '{"Statement": [' + ",".join(
        ['{"Effect":"Deny","Action":"a:b","Resource":"*"}'] * 100_000
    )
    many += "]}"
    wildcard = '{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "'
    wildcard += "arn:aws:s3:::" + "*a" * 500 + 'b"}}'
    base = {"principal": "arn:aws:iam::111122223333:user/alice", "actions": "s3:GetObject"}
    cases = {
        "console: 1 MB command": ("/console/iam-roles/run/", {"line": "echo " + "A" * 2**20}),
        "console: 10,000-deep policy": ("/console/iam-roles/run/", {"line": f"echo '{deep}'"}),
        "playground: 1 MB policy": (
            "/playground/",
            {**base, "resources": "*", "identity": "x" * 2**20},
        ),
        "playground: 10,000-deep policy": (
            "/playground/",
            {**base, "resources": "*", "identity": deep},
        ),
        "playground: 100,000 statements": (
            "/playground/",
            {**base, "resources": "*", "identity": many},
        ),
        "playground: pathological wildcard": (
            "/playground/",
            {**base, "resources": "arn:aws:s3:::" + "a" * 3000, "identity": wildcard},
        ),
    }
    print("hostile input | status | wall ms")
    for name, (url, data) in cases.items():
        start = time.perf_counter()
        status = client.post(url, data, HTTP_HX_REQUEST="true").status_code
        print(f"{name:34} | {status} | {(time.perf_counter() - start) * 1000:.0f}")


def main() -> None:
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]  # the test client's host, for this run only
    call_command("migrate", verbosity=0)
    assert load_fixtures([FIXTURE]).problems == []
    scenario = Scenario.objects.get(slug="iam-roles")
    client = Client()
    client.get("/console/iam-roles/")
    workspace = Workspace.objects.get(scenario=scenario, ended_at__isnull=True)
    print("log length | console page | posted command (htmx) | session graph (htmx)   [ms CPU]")
    session = workspace.session()
    for length in (0, 100, 400):
        # The log is grown the way a learner grows it, through the workspace.
        for n in range(WorkspaceEntry.objects.filter(workspace=workspace).count(), length):
            session.run(FILLER[n % 4].format(n=n))
        client.get("/console/iam-roles/")  # the kept history catches up once
        page = cpu_ms(lambda: client.get("/console/iam-roles/"), 5)
        command = cpu_ms(
            lambda: client.post(
                "/console/iam-roles/run/",
                {"line": "aws sts get-caller-identity --profile alice"},
                HTTP_HX_REQUEST="true",
            )
        )
        graph = cpu_ms(lambda: client.get("/console/iam-roles/graph/", HTTP_HX_REQUEST="true"))
        print(f"{length:10} | {page:12.1f} | {command:21.1f} | {graph:20.1f}")
    hostile(client)
    evaluation = cpu_ms(lambda: client.post("/playground/", PLAYGROUND, HTTP_HX_REQUEST="true"), 30)
    print(f"playground evaluation, htmx (ms CPU): {evaluation:.1f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        _db_file.unlink(missing_ok=True)
