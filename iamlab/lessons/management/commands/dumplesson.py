"""`manage.py dumplesson SLUG`: write a lesson out as a fixture loadlessons reads back."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iamlab.lessons.loading import dump_lesson
from iamlab.lessons.models import Lesson


class Command(BaseCommand):
    help = "Write a lesson and its steps as a JSON fixture with natural keys (no primary keys)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The lesson's slug, e.g. roles.")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="Write to FILE instead of standard output."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        lesson = Lesson.objects.filter(slug=slug).first()
        if lesson is None:
            slugs = list(Lesson.objects.values_list("slug", flat=True))
            close = difflib.get_close_matches(slug, slugs, n=1)
            hint = f' Did you mean "{close[0]}"?' if close else ""
            raise CommandError(
                f"No lesson {slug!r} is loaded.{hint} "
                f"Loaded: {', '.join(sorted(slugs)) or 'none'}.",
                returncode=1,
            )
        text = dump_lesson(lesson)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
