"""`manage.py loadlessons FILE...`: load lesson fixtures, all or nothing."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iamlab.lessons.loading import load_lessons


class Command(BaseCommand):
    help = (
        "Load lesson fixtures (JSON with natural keys) in one transaction, checking every step's "
        "action, goal and solution against its scenario. On any problem nothing is saved, every "
        "problem is listed with its place, and the exit status is 1."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="Fixture files to load.")
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Leave lessons whose slug is already loaded untouched (report them as skipped).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_lessons(options["files"], skip_existing=options["skip_existing"])
        for slug in result.skipped:
            self.stdout.write(f"Skipped lesson {json.dumps(slug)}: it is already loaded.")
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            count = len(result.problems)
            raise CommandError(
                f"Nothing was loaded: {count} problem{'' if count == 1 else 's'} found.",
                returncode=1,
            )
        for slug, count in sorted(result.loaded.items()):
            verb = "Replaced" if slug in result.replaced else "Loaded"
            self.stdout.write(
                self.style.SUCCESS(f"{verb} lesson {json.dumps(slug)}: {count} steps.")
            )
        if not result.loaded and not result.skipped:
            self.stdout.write("The fixtures held no lessons; nothing was loaded.")
