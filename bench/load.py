"""A class under load: many students at once, then a stress run on the step pages.

Run (127.0.0.1 only; the full runs take about ten minutes and most of the machine):
    .venv/bin/python bench/load.py                       # 100 students on SQLite
    .venv/bin/python bench/load.py --database postgres   # the same on a throwaway PostgreSQL
    .venv/bin/python bench/load.py --quick               # a smoke run: 10 students, short waits

Set-up, as `bin/lab classroom` serves a class: a throw-away database (a SQLite file in a
temporary directory, or with `--database postgres` a server that bin/with-postgres starts
and removes; the bench runs itself under it) holding the built-in scenarios and lessons
and N student accounts made directly (one password hash shared by all, so making them is
quick); gunicorn with the workers gunicorn.conf.py chooses for the machine (or
`--workers`), DEBUG off, CONN_MAX_AGE set, and the bare Django view of bench/bench_urls.py
beside the real site (bench/harness.py).

Scenario "class": every student is a thread with its own cookies, acting as a browser
with htmx would. It arrives at a random moment within the first think time, then: opens
the sign-in page and signs in through the form (its CSRF token, then the post; the
redirect followed to the home page), opens the lessons list, plays the roles lesson step
by step (each step's page, then each of the step's own worked-solution actions from
fixtures/lessons/, posted with htmx; after each action the diagrams the answer asks for),
then opens the console page of iam-roles and runs commands there (each followed by the
session graph the answer asks for) until the time is up. Between actions it thinks for a
time drawn uniformly from `--think` (5 to 15 s); the requests of one action (an answer and
what it fetches) follow each other at once.

Scenario "stress": `--connections` connections at once, no think time, each requesting one
step page a signed-in student of the class had opened, as that student (the connections
spread over the students and the lesson's steps), for `--stress-seconds`; then the bare
view with the same connections for as long, in the same run. When Debian's `wrk` is
installed it makes these requests (a Lua script hands each request the next student's
cookies and step): 100 Python threads would take a good part of the 2 cores from the
server they measure. `--python-stress` uses the threads anyway; with wrk an error is a
status of 400 or more or a failed connection.

For each request kind and overall it prints throughput, the 50th, 95th and 99th percentile
latency (nearest rank; wall time from connecting to the last byte of the answer) and the
maximum, and the errors: an answer other than the one expected (a status of 400 or more,
or a redirect where a page was due) or a connection that failed. The workers' CPU time
per request (from /proc) is printed per scenario. Then PASS or MISS against the targets:
class p99 under 250 ms with no errors; stress p99 under 500 ms, no errors and at least 5%
of the bare view's throughput. The exit status is 0 either way; a set-up that fails
stops the bench with a message.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from harness import BARE, ROOT, bench_environment, cpu_seconds, gunicorn

sys.path.insert(0, str(ROOT))

LESSON = "roles"
LESSON_FIXTURE = ROOT / "fixtures" / "lessons" / "02-roles.json"
SCENARIO = "iam-roles"
# What students type at the console of iam-roles, in turn: reading, a role, the clock.
CONSOLE_LINES = [
    "aws sts get-caller-identity --profile alice",
    "aws s3 cp s3://example-reports/q1.csv - --profile alice",
    "aws iam get-role --role-name ReportPublisher --profile alice",
    "aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ReportPublisher "
    "--role-session-name class --profile alice",
    "aws s3api put-object --bucket example-reports --key class.csv --profile alice",
    "sleep 60",
]
CONN_MAX_AGE = "600"
TIMEOUT = 60.0
# Set when the bench runs itself under bin/with-postgres, whose DATABASE_URL it then uses
# (never a DATABASE_URL found in the environment: it would fill a real database).
UNDER_POSTGRES = "IAMLAB_BENCH_LOAD_UNDER_POSTGRES"

CLASS_P99_MS = 250.0
STRESS_P99_MS = 500.0
STRESS_SHARE_OF_BARE = 0.05

KINDS = [
    "sign-in page",
    "sign-in",
    "home page",
    "lessons list",
    "step page",
    "step action (htmx)",
    "step diagrams (htmx)",
    "console page",
    "console command (htmx)",
    "console graph (htmx)",
]
# The token a page gives its forms: the <body>'s htmx header, or a form's hidden field.
CSRF_IN_PAGE = re.compile(
    r'"x-csrftoken": "([A-Za-z0-9]{32,64})"'
    r'|name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,64})"'
)
LAZY_FETCH = re.compile(r'hx-get="([^"]+)" hx-trigger="load"')


@dataclass
class Sample:
    kind: str
    started: float  # time.perf_counter() when it was sent
    seconds: float
    problem: str  # empty when the answer was the expected one


@dataclass
class Answer:
    status: int
    body: str
    headers: http.client.HTTPMessage


class ClassOver(Exception):
    """The class's time is up: the student stops before its next action."""


@dataclass
class Browser:
    """One student's browser: its own cookies and the CSRF token of the last page it read."""

    port: int
    samples: list[Sample]
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        htmx: bool = False,
        expect: int = 200,
    ) -> Answer | None:
        """Send one request, keep what it sets, record it; None when it went wrong."""
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if method == "POST":
            # htmx sends the token the page's <body> names as a header; a plain form, as a field.
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            if htmx:
                headers["X-CSRFToken"] = self.csrf
                body = urlencode(form or {})
            else:
                body = urlencode({**(form or {}), "csrfmiddlewaretoken": self.csrf})
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.samples.append(
                Sample(kind, started, time.perf_counter() - started, f"{method} {path}: {error!r}")
            )
            return None
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        answer = Answer(response.status, content, response.msg)
        self._keep_cookies(answer)
        if not htmx:
            token = CSRF_IN_PAGE.search(content)
            if token:
                self.csrf = token.group(1) or token.group(2)
        if answer.status != expect:
            where = answer.headers.get("Location", "")
            problem = f"{method} {path}: {answer.status}" + (f" to {where}" if where else "")
            self.samples.append(Sample(kind, started, seconds, problem))
            return None
        self.samples.append(Sample(kind, started, seconds, ""))
        return answer

    def _keep_cookies(self, answer: Answer) -> None:
        for header in answer.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(header)
            except CookieError:
                continue
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


@dataclass
class Student:
    username: str
    browser: Browser
    signed_in: bool = False
    steps_opened: list[str] = field(default_factory=list)  # step pages, in order


def step_forms(step: dict[str, Any]) -> list[dict[str, str]]:
    """Return the forms that perform a step's own worked solution, one post each."""
    kind = step["action"]["kind"]
    solution = step.get("solution") or {}
    if kind in {"read", "button"}:
        return [{}]
    if kind == "console":
        return [{"line": line} for line in solution["lines"]]
    if kind == "predict":
        return [{"decision": solution["decision"]}]
    if kind == "policy":
        return [{"document": json.dumps(solution["policy"], indent=2)}]
    raise SystemExit(f"{LESSON_FIXTURE.name}: step {step['number']} has an unknown kind {kind!r}")


def lesson_steps() -> list[tuple[int, list[dict[str, str]]]]:
    """Return the roles lesson's step numbers in order, each with its solution's forms."""
    objects = json.loads(LESSON_FIXTURE.read_text(encoding="utf-8"))
    steps = sorted(
        (o["fields"] for o in objects if o["model"] == "lessons.step"),
        key=lambda fields: fields["number"],
    )
    return [(step["number"], step_forms(step)) for step in steps]


def attend(
    student: Student,
    password: str,
    steps: list[tuple[int, list[dict[str, str]]]],
    think: tuple[float, float],
    arrive: float,
    stop: float,
    seed: int,
) -> None:
    """Play one student's part in the class until the time is up."""
    randomness = random.Random(seed)
    browser = student.browser

    def pause(low: float, high: float) -> None:
        wait = randomness.uniform(low, high)
        if time.monotonic() + wait >= stop:
            raise ClassOver
        time.sleep(wait)

    def then_fetch(answer: Answer | None) -> None:
        """Fetch what an htmx answer asks for at once: lazy diagrams, the session graph."""
        if answer is None:
            return
        lazy = LAZY_FETCH.search(answer.body)
        if lazy:
            browser.request("step diagrams (htmx)", "GET", lazy.group(1), htmx=True)
        if answer.headers.get("HX-Trigger") == "console-changed":
            browser.request("console graph (htmx)", "GET", f"/console/{SCENARIO}/graph/", htmx=True)

    try:
        pause(0, arrive)
        if browser.request("sign-in page", "GET", "/accounts/login/") is None:
            return
        pause(*think)
        signed_in = browser.request(
            "sign-in",
            "POST",
            "/accounts/login/",
            {"username": student.username, "password": password},
            expect=302,
        )
        if signed_in is None:
            return
        student.signed_in = True
        browser.request("home page", "GET", signed_in.headers.get("Location", "/"))
        pause(*think)
        browser.request("lessons list", "GET", "/lessons/")
        for number, forms in steps:
            pause(*think)
            path = f"/lessons/{LESSON}/{number}/"
            if browser.request("step page", "GET", path) is None:
                break  # a step that would not open: on to the console
            student.steps_opened.append(path)
            for form in forms:
                pause(*think)
                then_fetch(
                    browser.request("step action (htmx)", "POST", f"{path}act/", form, htmx=True)
                )
        pause(*think)
        browser.request("console page", "GET", f"/console/{SCENARIO}/")
        for turn in itertools.count():
            pause(*think)
            line = CONSOLE_LINES[turn % len(CONSOLE_LINES)]
            then_fetch(
                browser.request(
                    "console command (htmx)",
                    "POST",
                    f"/console/{SCENARIO}/run/",
                    {"line": line},
                    htmx=True,
                )
            )
    except ClassOver:
        return


def hammer(browser: Browser, kind: str, path: str, stop: float) -> None:
    """Request `path` again and again, with no pause, until `stop`."""
    while time.monotonic() < stop:
        browser.request(kind, "GET", path)


@dataclass
class Run:
    """What one scenario measured."""

    samples: list[Sample]
    seconds: float
    cpu_seconds: float

    def of(self, kind: str) -> list[Sample]:
        return [s for s in self.samples if s.kind == kind]


def percentile(ordered: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of an ascending list."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Figures:
    requests: int
    throughput: float
    p50: float
    p95: float
    p99: float
    worst: float
    errors: int


def figures(samples: list[Sample], seconds: float) -> Figures:
    ordered = sorted(s.seconds * 1000 for s in samples) or [0.0]
    return Figures(
        requests=len(samples),
        throughput=len(samples) / seconds,
        p50=percentile(ordered, 0.50),
        p95=percentile(ordered, 0.95),
        p99=percentile(ordered, 0.99),
        worst=ordered[-1],
        errors=sum(1 for s in samples if s.problem),
    )


def print_table(title: str, rows: list[tuple[str, list[Sample], float]]) -> None:
    print(title)
    print(
        f"  {'request':<24}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
    )
    for label, samples, seconds in rows:
        if not samples:
            continue
        f = figures(samples, seconds)
        print(
            f"  {label:<24}{f.requests:>9}{f.throughput:>8.1f}{f.p50:>9.1f}{f.p95:>9.1f}"
            f"{f.p99:>9.1f}{f.worst:>9.1f}{f.errors:>8}"
        )


def print_problems(samples: list[Sample]) -> None:
    problems = Counter(s.problem for s in samples if s.problem)
    for problem, count in problems.most_common(5):
        print(f"  error x{count}: {problem}")
    if len(problems) > 5:
        print(f"  ... and {len(problems) - 5} other kinds of error")


def verdict(met: bool) -> str:
    return "PASS" if met else "MISS"


def prepare(students: int) -> tuple[str, list[str]]:
    """Fill the throw-away database; return the students' password and user names."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections

    from iamlab.lessons.loading import load_lessons
    from iamlab.scenarios.loading import load_fixtures

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    loaded = load_fixtures(sorted((ROOT / "fixtures" / "scenarios").glob("*.json")))
    if loaded.problems:
        raise SystemExit(f"the built-in scenarios do not load: {loaded.problems[:3]}")
    loaded = load_lessons(sorted((ROOT / "fixtures" / "lessons").glob("*.json")))
    if loaded.problems:
        raise SystemExit(f"the built-in lessons do not load: {loaded.problems[:3]}")
    password = secrets.token_urlsafe(18)
    encoded = make_password(password)  # hashed once: every student shares it
    usernames = [f"student{number:03d}" for number in range(1, students + 1)]
    user_model = get_user_model()
    user_model.objects.bulk_create(
        user_model(username=name, password=encoded) for name in usernames
    )
    connections.close_all()  # the bench's own connection stays out of the way
    return password, usernames


def sign_in_limits() -> str:
    """Say what django-axes recorded: sign-ins and the failures it counts against a limit."""
    from axes.models import AccessAttempt, AccessLog
    from django.conf import settings
    from django.db import connections
    from django.db.models import Sum

    failures = AccessAttempt.objects.aggregate(total=Sum("failures_since_start"))["total"] or 0
    signed_in = AccessLog.objects.count()
    connections.close_all()
    return (
        f"django-axes: {signed_in} sign-ins logged, {failures} failed sign-ins counted "
        f"(limits: {settings.SIGN_IN_FAILURES_PER_ADDRESS} per address, "
        f"{settings.SIGN_IN_FAILURES_PER_ACCOUNT} per account)"
    )


def warm_up(port: int, workers: int) -> None:
    """Have the workers answer each kind of page a few times before anything is measured.

    A classroom's server has been up a while: its workers have imported what they use and
    compiled their templates. An anonymous visitor per worker, at once, opens each page.
    """
    samples: list[Sample] = []
    paths = ["/accounts/login/", "/", "/lessons/", f"/lessons/{LESSON}/1/", f"/console/{SCENARIO}/"]

    def visit() -> None:
        browser = Browser(port, samples)
        for _ in range(3):
            for path in paths:
                browser.request("warm-up", "GET", path)

    threads = [threading.Thread(target=visit) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if any(s.problem for s in samples):
        print("The warm-up's pages went wrong, so the set-up is broken:")
        print_problems(samples)
        raise SystemExit(1)


def run_threads(threads: list[threading.Thread], pids: list[int]) -> tuple[float, float]:
    """Start the threads and wait for them; return the seconds taken and the workers' CPU."""
    before = cpu_seconds(pids)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, cpu_seconds(pids) - before


def run_class(
    port: int,
    pids: list[int],
    password: str,
    usernames: list[str],
    think: tuple[float, float],
    arrive: float,
    seconds: float,
) -> tuple[Run, list[Student]]:
    steps = lesson_steps()
    samples: list[Sample] = []
    students = [Student(name, Browser(port, samples)) for name in usernames]
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=attend, args=(s, password, steps, think, arrive, stop, index))
        for index, s in enumerate(students)
    ]
    return Run(samples, *run_threads(threads, pids)), students


def run_stress(
    port: int, pids: list[int], kind: str, targets: list[tuple[dict[str, str], str]], seconds: float
) -> Run:
    """Hammer each (cookies, path) from its own thread for `seconds`."""
    samples: list[Sample] = []
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=hammer, args=(Browser(port, samples, dict(cookies)), kind, path, stop)
        )
        for cookies, path in targets
    ]
    return Run(samples, *run_threads(threads, pids))


WRK = shutil.which("wrk")
# wrk's own Lua: each request goes as the next (cookies, path) of the list, and at the end
# the figures are written on one line the bench reads back.
WRK_SCRIPT = """
local targets = {TARGETS}
local turn = 0
request = function()
  turn = turn + 1
  local target = targets[(turn % #targets) + 1]
  return wrk.format("GET", target[1], {["Cookie"] = target[2]})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("IAMLAB-FIGURES %d %d %d %d %.3f %.3f %.3f %.3f\\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def run_stress_wrk(
    port: int,
    pids: list[int],
    targets: list[tuple[dict[str, str], str]],
    seconds: float,
) -> tuple[Figures, float]:
    """Hammer the (cookies, path) targets with wrk, one connection per target; return the
    figures and the workers' CPU seconds. wrk (C) leaves the cores to the server, where
    100 Python threads would take a good share of them."""
    entries = ", ".join(
        f"{{{json.dumps(path)}, {json.dumps('; '.join(f'{k}={v}' for k, v in cookies.items()))}}}"
        for cookies, path in targets
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.replace("TARGETS", entries))
    command = [
        str(WRK),
        "-t2",
        f"-c{len(targets)}",
        f"-d{max(1, int(seconds + 0.5))}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
        f"http://127.0.0.1:{port}/",
    ]
    before = cpu_seconds(pids)
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    spent = cpu_seconds(pids) - before
    line = next(row for row in output.splitlines() if row.startswith("IAMLAB-FIGURES "))
    requests, status_errors, socket_errors, micros, p50, p95, p99, worst = line.split()[1:]
    duration = int(micros) / 1e6
    return Figures(
        requests=int(requests),
        throughput=int(requests) / duration,
        p50=float(p50),
        p95=float(p95),
        p99=float(p99),
        worst=float(worst),
        errors=int(status_errors) + int(socket_errors),
    ), spent


def print_figures(label: str, f: Figures) -> None:
    print(
        f"  {label:<24}{f.requests:>9}{f.throughput:>8.1f}{f.p50:>9.1f}{f.p95:>9.1f}"
        f"{f.p99:>9.1f}{f.worst:>9.1f}{f.errors:>8}"
    )


def cpu_ms(run: Run) -> float:
    return run.cpu_seconds * 1000 / max(len(run.samples), 1)


def report(
    args: argparse.Namespace, port: int, pids: list[int], password: str, usernames: list[str]
) -> None:
    database = "PostgreSQL" if args.database == "postgres" else "SQLite"
    print(
        f"gunicorn: {len(pids)} workers, DEBUG off, {database}, CONN_MAX_AGE={CONN_MAX_AGE}, "
        f"CACHE_URL={args.cache}; {os.cpu_count()} CPUs, load average "
        f"{' '.join(f'{n:.2f}' for n in os.getloadavg())}"
    )
    low, high = args.think
    lesson = len(lesson_steps())
    warm_up(port, len(pids))
    klass, students = run_class(
        port, pids, password, usernames, args.think, args.arrive, args.duration
    )
    print()
    print_table(
        f"class: {args.students} students arriving over {args.arrive:g} s, think "
        f"{low:g}-{high:g} s, {args.duration:g} s "
        f"(the roles lesson has {lesson} steps; the workers' CPU: {cpu_ms(klass):.1f} ms "
        "per request)",
        [(kind, klass.of(kind), klass.seconds) for kind in KINDS]
        + [
            (
                "all but the sign-in post",
                [s for s in klass.samples if s.kind != "sign-in"],
                klass.seconds,
            ),
            ("all requests", klass.samples, klass.seconds),
        ],
    )
    # Sign-ins cost far more than any page (the password hash); how the class fares once
    # they are over shows what they held up.
    signed = [s.started + s.seconds for s in klass.of("sign-in")]
    if signed:
        settled = max(signed)
        after = [s for s in klass.samples if s.started >= settled]
        first = min(s.started for s in klass.samples)
        window = max(s.started + s.seconds for s in klass.samples) - settled
        print_table(
            f"  the same class from the last sign-in's answer on ({settled - first:.0f} s "
            "after the first request):",
            [(kind, [s for s in after if s.kind == kind], window) for kind in KINDS]
            + [("all requests", after, window)],
        )
    print_problems(klass.samples)
    print(f"  {sign_in_limits()}")
    finished = sum(1 for s in students if len(s.steps_opened) == lesson)
    print(
        f"  {sum(s.signed_in for s in students)} of {len(students)} signed in; "
        f"{sum(1 for s in students if s.steps_opened)} opened a step, {finished} reached the "
        "last one"
    )

    # Connection n is a student of the class on one of the steps it has opened, so the
    # connections spread over the lesson's steps (and their kinds) and over the students.
    learners = [s for s in students if s.signed_in and s.steps_opened]
    if not learners:
        print("\nstress: no student of the class opened a step page, so there is none to load")
        return
    connections = []
    for n in range(args.connections):
        learner = learners[n % len(learners)]
        connections.append(
            (learner.browser.cookies, learner.steps_opened[n % len(learner.steps_opened)])
        )
    print()
    bare_targets = [({}, BARE)] * args.connections
    if WRK and not args.python_stress:
        pages, page_cpu = run_stress_wrk(port, pids, connections, args.stress_seconds)
        bare_figures, bare_cpu = run_stress_wrk(port, pids, bare_targets, args.stress_seconds)
        share = pages.throughput / max(bare_figures.throughput, 1e-9)
        print(
            f"stress, requested by wrk: {args.connections} connections, no think time, "
            f"{args.stress_seconds:g} s each (the workers' CPU: step page "
            f"{page_cpu * 1000 / max(pages.requests, 1):.1f} ms, bare view "
            f"{bare_cpu * 1000 / max(bare_figures.requests, 1):.2f} ms per request)"
        )
        print(
            f"  {'request':<24}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
            f"{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
        )
        print_figures("step page", pages)
        print_figures("bare view", bare_figures)
        print(f"  step page throughput: {share:.3f} of the bare view's")
    else:
        stress = run_stress(port, pids, "step page", connections, args.stress_seconds)
        bare = run_stress(port, pids, "bare view", bare_targets, args.stress_seconds)
        share = (len(stress.samples) / stress.seconds) / max(len(bare.samples) / bare.seconds, 1e-9)
        print_table(
            f"stress: {args.connections} connections, no think time, {args.stress_seconds:g} s "
            f"each (the workers' CPU: step page {cpu_ms(stress):.1f} ms, bare view "
            f"{cpu_ms(bare):.2f} ms per request)",
            [
                ("step page", stress.samples, stress.seconds),
                ("bare view", bare.samples, bare.seconds),
            ],
        )
        print(f"  step page throughput: {share:.3f} of the bare view's")
        print_problems(stress.samples + bare.samples)
        pages = figures(stress.samples, stress.seconds)

    whole = figures(klass.samples, klass.seconds)
    print()
    print(f"load average at the end: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print(
        f"{verdict(whole.p99 < CLASS_P99_MS and whole.errors == 0)} class: p99 "
        f"{whole.p99:.0f} ms (target < {CLASS_P99_MS:.0f}), {whole.errors} errors (target 0)"
    )
    print(
        f"{verdict(pages.p99 < STRESS_P99_MS and pages.errors == 0 and share >= 0.05)} "
        f"stress: p99 {pages.p99:.0f} ms (target < {STRESS_P99_MS:.0f}), {pages.errors} errors "
        f"(target 0), {share:.1%} of the bare view's throughput (target >= "
        f"{STRESS_SHARE_OF_BARE:.0%})"
    )


def think_range(text: str) -> tuple[float, float]:
    """Read a think time: 'LOW-HIGH' seconds, or one number for a fixed pause."""
    try:
        low, _, high = text.partition("-")
        bounds = (float(low), float(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a think time; give LOW-HIGH seconds, for example 5-15"
        ) from None
    if not 0 <= bounds[0] <= bounds[1]:
        raise argparse.ArgumentTypeError(f"{text!r}: the low end must be 0 or more, and <= high")
    return bounds


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--students", type=int, help="students in the class (100)")
    parser.add_argument("--think", type=think_range, help="seconds between actions (5-15)")
    parser.add_argument(
        "--arrive",
        type=float,
        help="seconds over which the students arrive, each at a random moment "
        "(the think time's upper end)",
    )
    parser.add_argument("--duration", type=float, help="seconds the class lasts (360)")
    parser.add_argument("--connections", type=int, help="connections of the stress run (100)")
    parser.add_argument("--stress-seconds", type=float, help="seconds of each stress run (30)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py's)")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="sqlite: a file in a temporary directory; postgres: a throwaway server",
    )
    parser.add_argument(
        "--cache",
        choices=["locmem://", "db://"],
        default="locmem://",
        help="CACHE_URL: locmem:// (each worker its own, as `bin/lab classroom`) or db://",
    )
    parser.add_argument(
        "--python-stress",
        action="store_true",
        help="run the stress scenario with threads of http.client even when wrk is installed",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 10 students thinking 0.2-0.6 s for 20 s, 20 connections for 5 s",
    )
    args = parser.parse_args()
    defaults: dict[str, Any] = {
        "students": 100,
        "think": (5.0, 15.0),
        "duration": 360.0,
        "connections": 100,
        "stress_seconds": 30.0,
    }
    if args.quick:
        defaults.update(
            students=10, think=(0.2, 0.6), duration=20.0, connections=20, stress_seconds=5.0
        )
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    for name in ("students", "connections", "workers"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error(f"--{name} must be 1 or more")
    if args.arrive is None:
        args.arrive = args.think[1]
    if args.arrive < 0:
        parser.error("--arrive must be 0 seconds or more")
    for name in ("duration", "stress_seconds"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be more than 0 seconds")
    return args


def main() -> None:
    args = arguments()
    if args.database == "postgres" and os.environ.get(UNDER_POSTGRES) != "1":
        os.environ[UNDER_POSTGRES] = "1"
        command = [str(ROOT / "bin" / "with-postgres"), sys.executable, *sys.argv]
        os.execv(command[0], command)
    database_url = os.environ["DATABASE_URL"] if args.database == "postgres" else ""
    scratch = Path(tempfile.mkdtemp(prefix="iamlab-bench-load-"))
    environment = bench_environment(scratch, args.cache, database_url)
    environment["CONN_MAX_AGE"] = os.environ["CONN_MAX_AGE"] = CONN_MAX_AGE
    try:
        password, usernames = prepare(args.students)
        with gunicorn(environment, args.workers) as (port, pids):
            report(args, port, pids, password, usernames)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
