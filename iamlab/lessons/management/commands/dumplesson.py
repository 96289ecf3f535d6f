"""`manage.py dumplesson SLUG`: write a lesson out as a fixture loadlessons reads back."""

from __future__ import annotations

import difflib

from django.core.management.base import CommandError

from iamlab.lessons.loading import dump_lesson
from iamlab.lessons.models import Lesson
from iamlab.scenarios.management.fixtures import DumpCommand


class Command(DumpCommand):
    help = "Write a lesson and its steps as a JSON fixture with natural keys (no primary keys)."
    noun = "lesson"
    example = "roles"

    def dump(self, slug: str) -> str:
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
        return dump_lesson(lesson)
