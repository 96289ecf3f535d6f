"""`manage.py loadlessons FILE...`: load lesson fixtures, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable

from iamlab.lessons.loading import load_lessons
from iamlab.scenarios.loading import LoadResult
from iamlab.scenarios.management.fixtures import LoadCommand


class Command(LoadCommand):
    help = (
        "Load lesson fixtures (JSON with natural keys) in one transaction, checking every step's "
        "action, goal and solution against its scenario. On any problem nothing is saved, every "
        "problem is listed with its place, and the exit status is 1."
    )
    noun = "lesson"
    parts = "steps"
    nothing = "lessons"

    def load(self, files: Iterable[str], *, skip_existing: bool) -> LoadResult:
        return load_lessons(files, skip_existing=skip_existing)
