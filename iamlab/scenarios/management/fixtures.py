"""The loading and dumping of fixtures, shared by the scenario and lesson commands.

`loadscenario` and `loadlessons` report alike (skipped, problems, loaded or replaced, exit
status 1 when nothing was loaded); `dumpscenario` and `dumplesson` write alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iamlab.scenarios.loading import LoadResult


class LoadCommand(BaseCommand):
    """Load fixture files all or nothing, saying what was loaded or every problem found."""

    # What one load is of ("scenario"), what it counts of each ("objects"), and what the
    # report says when the files held none of it ("objects").
    noun: str
    parts: str
    nothing: str
    # The system checks include the scenario check, which would refuse to run while an
    # invalid scenario is loaded, and loading is how one fixes it.
    requires_system_checks: list[str] = []

    def load(self, files: Iterable[str], *, skip_existing: bool) -> LoadResult:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="Fixture files to load.")
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help=f"Leave {self.noun}s whose slug is already loaded untouched "
            "(report them as skipped).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = self.load(options["files"], skip_existing=options["skip_existing"])
        for slug in result.skipped:
            self.stdout.write(f"Skipped {self.noun} {json.dumps(slug)}: it is already loaded.")
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
                self.style.SUCCESS(f"{verb} {self.noun} {json.dumps(slug)}: {count} {self.parts}.")
            )
        if not result.loaded and not result.skipped:
            self.stdout.write(f"The fixtures held no {self.nothing}; nothing was loaded.")


class DumpCommand(BaseCommand):
    """Write one loaded scenario or lesson as a fixture, to standard output or a file."""

    noun: str
    example: str  # a slug for the help text
    requires_system_checks: list[str] = []

    def dump(self, slug: str) -> str:
        """Return the fixture of the loaded one, or stop the command naming what is loaded."""
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help=f"The {self.noun}'s slug, e.g. {self.example}.")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="Write to FILE instead of standard output."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = self.dump(options["slug"])
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
