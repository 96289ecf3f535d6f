"""Benchmark the lesson step page and a step's action, at several workspace log lengths.

Run: .venv/bin/python bench/lessons.py

It uses a throw-away SQLite database in a temporary directory and Django's test client
(the whole middleware stack, no network), with the built-in scenarios and lessons loaded.
For a learner on step 7 of the roles lesson (a console step) whose lesson workspace
already holds N lines, it prints medians of:
- GET of the step page with a warm cache (diagrams rendered before), in CPU and wall ms;
- the same for a bare view (a function returning a short response) in the same run, and
  the step page's throughput as a share of the bare view's;
- POST of one console line to the step (run it, log it, check the goal, answer with the
  htmx part), in CPU and wall ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOG_LENGTHS = [int(n) for n in os.environ.get("BENCH_LOGS", "0,100,400").split(",")]
PAGE_REPEATS = 40
ACTION_REPEATS = 20
STEP_URL = "/lessons/roles/7/"
TYPICAL_LINES = [
    "aws sts get-caller-identity --profile alice",
    "aws s3 cp s3://example-reports/q1.csv - --profile alice",
    "aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ReportPublisher "
    "--role-session-name bench --profile alice --query Credentials.AccessKeyId --output text",
    "aws s3api put-object --bucket example-reports --key bench.csv --profile alice",
    "sleep 60",
]


def timed(action: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Return the median CPU and wall-clock milliseconds of `action`."""
    cpu, wall = [], []
    for _ in range(repeats):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        action()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def prepare_lesson_learners(cookies: dict[int, str]) -> str:
    """Give each learner (session cookie -> log length) the roles lesson open on step 7.

    Loads the built-in lessons (their scenarios must be loaded), and returns the step's
    path. Each learner's lesson workspace holds that many typical lines; steps 1 to 6 are
    done, so the page is the one a learner reaches after assuming the role.
    """
    from django.utils import timezone

    from iamlab.lessons.loading import load_lessons
    from iamlab.lessons.models import Lesson, Progress, StepProgress, workspace_context
    from iamlab.scenarios.models import Workspace, WorkspaceEntry

    # The lessons over iam-roles (the scenario the bench loads): users, roles and the rest.
    over_iam_roles = [
        path
        for path in sorted((ROOT / "fixtures" / "lessons").glob("*.json"))
        if '"scenario": ["iam-roles"]' in path.read_text(encoding="utf-8")
    ]
    result = load_lessons(over_iam_roles)
    if result.problems:
        raise SystemExit(f"the built-in lessons do not load: {result.problems[:3]}")
    lesson = Lesson.objects.get(slug="roles")
    for length, cookie in cookies.items():
        workspace = Workspace.objects.current(
            lesson.scenario, session_key=cookie, context=workspace_context(lesson.slug)
        )
        WorkspaceEntry.objects.bulk_create(
            WorkspaceEntry(workspace=workspace, seq=seq, line=TYPICAL_LINES[(seq - 1) % 5])
            for seq in range(1, length + 1)
        )
        progress = Progress.objects.create(lesson=lesson, session_key=cookie, workspace=workspace)
        StepProgress.objects.bulk_create(
            StepProgress(progress=progress, number=number, done_at=timezone.now())
            for number in range(1, 7)
        )
    return STEP_URL


def bench_action(cookies: dict[int, str]) -> dict[int, float]:
    """CPU milliseconds of one console line posted to the step, at each log length.

    In this process, through Django's test client (the whole middleware stack, the htmx
    answer rendered), as the learners `prepare_lesson_learners` made.
    """
    from django.conf import settings
    from django.test import Client

    figures: dict[int, float] = {}
    for length, cookie in cookies.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        assert client.get(STEP_URL).status_code == 200

        def act(c: Client = client) -> None:
            response = c.post(
                f"{STEP_URL}act/",
                {"line": "aws sts get-caller-identity"},
                headers={"HX-Request": "1"},
            )
            assert response.status_code == 200, response.status_code

        figures[length] = timed(act, ACTION_REPEATS)[0]
    return figures


def main() -> None:
    scratch = tempfile.mkdtemp(prefix="iamlab-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-serving-0123456789")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamlab.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.http import HttpRequest, HttpResponse
    from django.test import Client
    from django.urls import clear_url_caches, include, path
    from django.utils import timezone

    from iamlab.lessons.loading import load_lessons
    from iamlab.lessons.models import Progress, StepProgress
    from iamlab.scenarios.loading import load_fixtures
    from iamlab.scenarios.models import WorkspaceEntry

    def bare(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    urls = types.ModuleType("bench_lesson_urls")
    urls.urlpatterns = [path("bare/", bare), path("", include("iamlab.urls"))]  # type: ignore[attr-defined]
    sys.modules["bench_lesson_urls"] = urls
    settings.ROOT_URLCONF = "bench_lesson_urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    # Served as in a classroom (DEBUG off), without collecting static files first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    clear_url_caches()

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    assert load_fixtures(sorted((ROOT / "fixtures" / "scenarios").glob("*.json"))).ok
    assert load_lessons(sorted((ROOT / "fixtures" / "lessons").glob("*.json"))).ok

    print(
        f"roles lesson, step 7 (console); medians of {PAGE_REPEATS} page loads and "
        f"{ACTION_REPEATS} actions, ms"
    )
    print(f"{'log':>5} {'page cpu':>9} {'page wall':>10} {'bare cpu':>9} {'share':>7} "
          f"{'action cpu':>11} {'action wall':>12}")  # fmt: skip
    for length in LOG_LENGTHS:
        client = Client()
        assert client.get("/lessons/roles/1/").status_code == 200
        progress = Progress.objects.get(session_key=client.session.session_key)
        WorkspaceEntry.objects.bulk_create(
            WorkspaceEntry(
                workspace=progress.workspace,
                seq=seq,
                line=TYPICAL_LINES[seq % len(TYPICAL_LINES)],
            )
            for seq in range(1, length + 1)
        )
        StepProgress.objects.bulk_create(
            StepProgress(progress=progress, number=number, done_at=timezone.now())
            for number in range(2, 7)
        )
        StepProgress.objects.filter(progress=progress, number=1).update(done_at=timezone.now())
        url = STEP_URL
        for _ in range(3):  # warm: the snapshot, the rendered diagrams
            assert client.get(url).status_code == 200
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                if os.environ.get("BENCH_PROFILE_ACTION"):
                    client.post(
                        f"{url}act/",
                        {"line": "aws sts get-caller-identity"},
                        headers={"HX-Request": "1"},
                    )
                else:
                    client.get(url)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ["BENCH_PROFILE"]).print_stats(45)
            return
        page_cpu, page_wall = timed(lambda c=client: c.get(STEP_URL), PAGE_REPEATS)
        bare_cpu, _bare_wall = timed(lambda c=client: c.get("/bare/"), PAGE_REPEATS)
        share = bare_cpu / page_cpu * 100

        def act(c: Client = client) -> None:
            response = c.post(
                f"{STEP_URL}act/",
                {"line": "aws sts get-caller-identity"},
                headers={"HX-Request": "1"},
            )
            assert response.status_code == 200, response.status_code

        act_cpu, act_wall = timed(act, ACTION_REPEATS)
        print(
            f"{length:>5} {page_cpu:9.2f} {page_wall:10.2f} {bare_cpu:9.2f} {share:6.1f}% "
            f"{act_cpu:11.2f} {act_wall:12.2f}"
        )


if __name__ == "__main__":
    main()
