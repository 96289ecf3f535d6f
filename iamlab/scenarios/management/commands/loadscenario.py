"""`manage.py loadscenario FILE...`: the instructor's safe way to load scenario fixtures."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iamlab.scenarios.loading import load_fixtures


class Command(BaseCommand):
    help = (
        "Load scenario fixtures (JSON with natural keys) in one transaction and validate every "
        "scenario they touch. On any problem nothing is saved, every problem is listed with "
        "its place, and the exit status is 1."
    )
    # The system checks include the scenario check, which would refuse to run while an
    # invalid scenario is loaded, and this command is how one fixes it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="Fixture files to load.")
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Leave scenarios whose slug is already loaded untouched (report them as skipped).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_fixtures(options["files"], skip_existing=options["skip_existing"])
        for slug in result.skipped:
            self.stdout.write(f"Skipped scenario {json.dumps(slug)}: it is already loaded.")
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            for note in result.notes:
                self.stderr.write(note)
            count = len(result.problems)
            raise CommandError(
                f"Nothing was loaded: {count} problem{'' if count == 1 else 's'} found.",
                returncode=1,
            )
        for slug, count in sorted(result.loaded.items()):
            verb = "Replaced" if slug in result.replaced else "Loaded"
            self.stdout.write(
                self.style.SUCCESS(f"{verb} scenario {json.dumps(slug)}: {count} objects.")
            )
        if not result.loaded and not result.skipped:
            self.stdout.write("The fixtures held no objects; nothing was loaded.")
