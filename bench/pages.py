"""Benchmark the pages that show a learner's world, served by gunicorn beside a bare view.

Run: .venv/bin/python bench/pages.py [--cache locmem://]   (about a minute; 127.0.0.1 only)

In a throw-away directory it makes a SQLite database (the iam-roles scenario and a
generated scenario of 500 objects), collects the static files and starts gunicorn (2 sync
workers, DEBUG off, Django's database cache shared by both workers unless told otherwise)
on a free port of 127.0.0.1, with the settings of bench/bench_site.py: the real URLs plus
a bare Django view. For each page in PAGES and each workspace log length in LOG_LENGTHS,
a load generator (wrk when it is installed, `apt-get install wrk`; else threads with
http.client; CONNECTIONS at once) requests the page
for SECONDS seconds as a learner whose workspace holds that many lines, and it prints:
- requests per second, and that as a ratio of the bare view's (measured in the same run);
- CPU per request: the CPU time the gunicorn workers spent (user + system, from /proc)
  divided by the requests answered.
Then, in this process, `Workspace.run` of one line at each log length (CPU time per
line), the overview of the 500-object scenario, and a lesson step's action (one console
line posted to the roles lesson's step 7, bench/lessons.py) at each log length.

Then the posted forms: a console command through htmx (`date`, COMMANDS times in a row
by one learner at each log length; the log grows by that much) and a playground
evaluation (for SECONDS, like a page).

Targets: the overview, diagram and lesson step pages under 5 ms of CPU per request at
every log length (goal 3 ms) and at least 5% of the bare view's throughput;
`Workspace.run` under 10 ms per line; the 500-object overview under 50 ms; a console
command under 15 ms, flat in the log length; a playground evaluation under 20 ms; a lesson
step's action under 15 ms. To measure another page, add its path to PAGES (`{slug}` is
the scenario's slug).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from harness import BARE, ROOT, bench_environment, cpu_seconds, gunicorn

sys.path.insert(0, str(ROOT))

PAGES = [
    ("overview", "/scenarios/{slug}/"),
    ("trust diagram", "/diagrams/scenarios/{slug}/trust/"),
    ("sessions diagram", "/diagrams/scenarios/{slug}/sessions/"),
    ("evaluation diagram", "/diagrams/scenarios/{slug}/evaluation/"),
    ("console page", "/console/{slug}/"),
    ("console graph (htmx)", "/console/{slug}/graph/"),
    # The roles lesson's step 7 (a console step), its workspace holding that many lines
    # (bench/lessons.py gives each learner the lesson).
    ("lesson step", "/lessons/roles/7/"),
]
# Posted forms: (name, path, body, whether it appends to the learner's log). A command is
# posted COMMANDS times in a row (the log grows by that much, well inside its 500 lines);
# the playground, which changes nothing, for SECONDS like a page.
COMMAND = ("console command (htmx)", "/console/{slug}/run/", "line=date")
COMMANDS = 40
PLAYGROUND = (
    "playground evaluation",
    "/playground/",
    "principal=arn%3Aaws%3Aiam%3A%3A111122223333%3Auser%2Falice&actions=sts%3AAssumeRole"
    "&resources=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FReportPublisher"
    "&identity=%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A"
    "%22sts%3AAssumeRole%22%2C%22Resource%22%3A%22*%22%7D%7D"
    "&resource=%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A"
    "%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A111122223333%3Auser%2Falice%22%7D%2C"
    "%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D",
)
# A fixed CSRF secret for the bench's posts: sent as the cookie and as the header.
CSRF = "benchbenchbenchbenchbenchbench12"
LOG_LENGTHS = [0, 100, 400]
SECONDS = 2.0
CONNECTIONS = 4
WORKERS = 2
RUN_SAMPLES = 30
SLUG = "iam-roles"
LARGE_SLUG = "large"
# What a learner's log holds: reading, assuming a role, acting with it, moving the clock.
TYPICAL_LINES = [
    "aws sts get-caller-identity --profile alice",
    "aws s3 cp s3://example-reports/q1.csv - --profile alice",
    "aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ReportPublisher "
    "--role-session-name bench --profile alice --query Credentials.AccessKeyId --output text",
    "aws s3api put-object --bucket example-reports --key bench.csv --profile alice",
    "sleep 60",
]


@dataclass
class Measure:
    requests: int
    seconds: float
    cpu_seconds: float
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds * 1000 / max(self.requests, 1)


def post_headers(cookie: str) -> dict[str, str]:
    """Return the headers of an htmx form post by the learner with this session."""
    return {
        "Cookie": f"csrftoken={CSRF}" + (f"; sessionid={cookie}" if cookie else ""),
        "X-CSRFToken": CSRF,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
    }


WRK = shutil.which("wrk")


def load_with_wrk(port: int, path: str, cookie: str, seconds: float) -> Measure:
    """GET `path` with wrk (Debian's `wrk`), which spends far less CPU than threads of
    http.client: on a 2-core machine the load generator's CPU would otherwise be taken
    from the workers it measures. The issue's own figures were taken with it."""
    command = [
        WRK,
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{max(1, int(seconds + 0.5))}s",
        f"http://127.0.0.1:{port}{path}",
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    started = time.monotonic()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    elapsed = time.monotonic() - started
    answered = re.search(r"^\s*(\d+) requests in", output, re.M)
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = int(failed.group(1)) if failed else 0
    requests = int(answered.group(1)) if answered else 0
    return Measure(requests - errors, elapsed, 0.0, errors)


def load(
    port: int,
    path: str,
    cookie: str,
    seconds: float,
    body: str | None = None,
    limit: int | None = None,
) -> Measure:
    """Request `path` from CONNECTIONS connections for `seconds`; count answers and errors.

    GETs go through wrk when it is installed. With a `body` it is posted instead (threads
    of http.client); with a `limit`, one thread makes that many requests in a row (a
    learner's commands arrive one after the other).
    """
    if WRK and body is None and limit is None:
        return load_with_wrk(port, path, cookie, seconds)
    stop = time.monotonic() + seconds
    threads_wanted = 1 if limit else CONNECTIONS
    counts = [0] * threads_wanted
    errors = [0] * threads_wanted
    if body is None:
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    else:
        headers = post_headers(cookie)
    method = "GET" if body is None else "POST"

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (counts[index] + errors[index] < limit) if limit else time.monotonic() < stop:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                counts[index] += 1
            else:
                errors[index] += 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(threads_wanted)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Measure(sum(counts), time.monotonic() - started, 0.0, sum(errors))


def measure(
    port: int,
    pids: list[int],
    path: str,
    cookie: str,
    body: str | None = None,
    limit: int | None = None,
) -> Measure:
    if limit is None:
        load(port, path, cookie, 0.3, body)  # warm both workers' caches for this page
    before = cpu_seconds(pids)
    result = load(port, path, cookie, SECONDS, body, limit)
    result.cpu_seconds = cpu_seconds(pids) - before
    return result


def prepare(scratch: Path) -> dict[int, str]:
    """Make the database: scenarios, and a learner (session) per log length."""
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from iamlab.scenarios.loading import load_fixtures
    from iamlab.scenarios.models import Scenario, Workspace, WorkspaceEntry
    from iamlab.scenarios.samples import large_scenario

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    large = scratch / "large.json"
    large.write_text(json.dumps(large_scenario(LARGE_SLUG, 500)), encoding="utf-8")
    result = load_fixtures([ROOT / "fixtures" / "scenarios" / "iam-roles.json", large])
    if result.problems:
        raise SystemExit(f"the bench scenarios do not load: {result.problems[:3]}")
    scenario = Scenario.objects.get(slug=SLUG)
    cookies: dict[int, str] = {}
    for length in LOG_LENGTHS:
        session = SessionStore()
        session.create()
        cookies[length] = session.session_key or ""
        if length:
            workspace = Workspace.objects.current(scenario, session_key=cookies[length])
            WorkspaceEntry.objects.bulk_create(
                WorkspaceEntry(workspace=workspace, seq=seq, line=TYPICAL_LINES[(seq - 1) % 5])
                for seq in range(1, length + 1)
            )
    from lessons import prepare_lesson_learners

    prepare_lesson_learners(cookies)
    return cookies


def bench_run() -> dict[int, float]:
    """CPU milliseconds of `Workspace.run` of one line, at each log length."""
    from iamlab.scenarios.models import Scenario, Workspace, WorkspaceEntry

    scenario = Scenario.objects.get(slug=SLUG)
    figures: dict[int, float] = {}
    for length in LOG_LENGTHS:
        workspace = Workspace.objects.create(scenario=scenario, name=f"bench-run-{length}")
        WorkspaceEntry.objects.bulk_create(
            WorkspaceEntry(workspace=workspace, seq=seq, line=TYPICAL_LINES[(seq - 1) % 5])
            for seq in range(1, length + 1)
        )
        workspace.run("date")  # the first request after a deploy replays the log once
        timings = []
        for number in range(RUN_SAMPLES):
            # A fresh Workspace each time, as a request would have.
            again = Workspace.objects.get(pk=workspace.pk)
            started = time.process_time()
            again.run(TYPICAL_LINES[number % 5])
            timings.append((time.process_time() - started) * 1000)
        figures[length] = statistics.median(timings)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--cache",
        choices=["db://", "locmem://"],
        default="db://",
        help="CACHE_URL: db:// shares the cache between the workers (the default), "
        "locmem:// gives each worker its own, as `bin/lab classroom` does",
    )
    cache_url = parser.parse_args().cache
    scratch = Path(tempfile.mkdtemp(prefix="iamlab-bench-pages-"))
    environment = bench_environment(scratch, cache_url)
    try:
        cookies = prepare(scratch)
        with gunicorn(environment, WORKERS) as (port, pids):
            report(port, pids, cookies)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def report(port: int, pids: list[int], cookies: dict[int, str]) -> None:
    bare = measure(port, pids, BARE, "")
    print(
        f"gunicorn: {WORKERS} workers, {CONNECTIONS} connections, {SECONDS:.0f} s per row, "
        f"CACHE_URL={os.environ['CACHE_URL']}, pages requested by "
        f"{'wrk' if WRK else 'http.client threads (install wrk for leaner figures)'}"
    )
    print(f"{'page':<22}{'log':>5}{'req/s':>9}{'vs bare':>9}{'CPU ms/req':>12}{'errors':>8}")
    print(f"{'bare Django view':<22}{'-':>5}{bare.throughput:>9.0f}{1:>9.3f}{bare.cpu_ms:>12.2f}")
    for name, template in PAGES:
        for length in LOG_LENGTHS:
            result = measure(port, pids, template.format(slug=SLUG), cookies[length])
            ratio = result.throughput / bare.throughput
            print(
                f"{name:<22}{length:>5}{result.throughput:>9.0f}{ratio:>9.3f}"
                f"{result.cpu_ms:>12.2f}{result.errors:>8}"
            )
    name, path, body = COMMAND
    for length in LOG_LENGTHS:
        result = measure(port, pids, path.format(slug=SLUG), cookies[length], body, COMMANDS)
        ratio = result.throughput / bare.throughput
        print(
            f"{name:<22}{length:>5}{result.throughput:>9.0f}{ratio:>9.3f}"
            f"{result.cpu_ms:>12.2f}{result.errors:>8}"
        )
    name, path, body = PLAYGROUND
    result = measure(port, pids, path, "", body)
    print(
        f"{name:<22}{'-':>5}{result.throughput:>9.0f}{result.throughput / bare.throughput:>9.3f}"
        f"{result.cpu_ms:>12.2f}{result.errors:>8}"
    )
    large = measure(port, pids, PAGES[0][1].format(slug=LARGE_SLUG), "")
    print(
        f"{'overview, 500 objects':<22}{'-':>5}{large.throughput:>9.0f}"
        f"{large.throughput / bare.throughput:>9.3f}{large.cpu_ms:>12.2f}{large.errors:>8}"
    )
    print()
    print("Workspace.run of one line (CPU ms, median of", RUN_SAMPLES, "runs):")
    for length, milliseconds in bench_run().items():
        print(f"  log length {length:>3}: {milliseconds:.2f} ms")
    from lessons import ACTION_REPEATS, bench_action

    print(
        "A lesson step's action: one console line posted to the step, answered with its htmx "
        f"part (CPU ms, in process, median of {ACTION_REPEATS}):"
    )
    for length, milliseconds in bench_action(cookies).items():
        print(f"  log length {length:>3}: {milliseconds:.2f} ms")


if __name__ == "__main__":
    main()
