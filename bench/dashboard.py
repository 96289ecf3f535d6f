"""Benchmark the instructor's class dashboard for a class of 200 students and 10 lessons.

Run: .venv/bin/python bench/dashboard.py

It uses a throw-away SQLite database in a temporary directory (never the project's),
loads the iam-roles scenario, generates a class (iamlab/classroom/sample.py: 200 students,
10 lessons of 8 steps, every student not started, in progress or done in each lesson, with
attempts, hints, solutions and predictions), and prints the server time of one request
(Django's test client, in process: URL routing, middleware, the queries, the template)
for the dashboard page, its CSV export and the live view, with the number of queries each
makes. Both the wall-clock time and the process's CPU time are printed: on a shared,
busy machine the CPU time is the steadier of the two. The goal: the dashboard under 200 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPEATS = 15
STUDENTS = 200
LESSONS = 10
STEPS = 8


def main() -> None:
    scratch = tempfile.mkdtemp(prefix="iamlab-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamlab.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from iamlab.classroom.sample import generate_class
    from iamlab.lessons.models import StepProgress
    from iamlab.scenarios.loading import load_fixtures
    from iamlab.scenarios.models import Scenario

    setup_test_environment()  # the test client's "testserver" host is allowed
    call_command("migrate", verbosity=0)
    assert load_fixtures([ROOT / "fixtures" / "scenarios" / "iam-roles.json"]).ok
    teacher = get_user_model().objects.create_user("teacher", is_staff=True)
    started = time.perf_counter()
    classroom = generate_class(
        Scenario.objects.get(slug="iam-roles"),
        teacher,
        students=STUDENTS,
        lessons=LESSONS,
        steps=STEPS,
    )
    generated = (time.perf_counter() - started) * 1000
    print(
        f"generated a class of {STUDENTS} students x {LESSONS} lessons of {STEPS} steps "
        f"({StepProgress.objects.count()} step rows) in {generated:.0f} ms"
    )
    client = Client()
    client.force_login(teacher)
    first_lesson = classroom.assignments.first().lesson.slug
    pages = [
        ("dashboard", f"/instructor/classes/{classroom.pk}/"),
        ("CSV export", f"/instructor/classes/{classroom.pk}/progress.csv"),
        ("live view", f"/instructor/classes/{classroom.pk}/live/{first_lesson}/3/"),
    ]
    print(f"server time per request (ms, {REPEATS} requests after one warm-up):")
    print(
        f"  {'page':<12} {'wall median':>12} {'wall min':>9} {'CPU median':>11} "
        f"{'queries':>8} {'bytes':>9}"
    )
    for label, url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        wall, cpu = [], []
        for _ in range(REPEATS):
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        print(
            f"  {label:<12} {statistics.median(wall):12.1f} {min(wall):9.1f} "
            f"{statistics.median(cpu):11.1f} {len(queries):8d} {len(response.content):9d}"
        )
    load = os.getloadavg()
    print(f"load average while measuring: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
