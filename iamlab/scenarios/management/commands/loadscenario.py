"""`manage.py loadscenario FILE...`: the instructor's safe way to load scenario fixtures."""

from __future__ import annotations

from collections.abc import Iterable

from iamlab.scenarios.loading import LoadResult, load_fixtures
from iamlab.scenarios.management.fixtures import LoadCommand


class Command(LoadCommand):
    help = (
        "Load scenario fixtures (JSON with natural keys) in one transaction and validate every "
        "scenario they touch. On any problem nothing is saved, every problem is listed with "
        "its place, and the exit status is 1."
    )
    noun = "scenario"
    parts = "objects"
    nothing = "objects"

    def load(self, files: Iterable[str], *, skip_existing: bool) -> LoadResult:
        return load_fixtures(files, skip_existing=skip_existing)
