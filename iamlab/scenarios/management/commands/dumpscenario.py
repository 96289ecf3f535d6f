"""`manage.py dumpscenario SLUG`: write a scenario out as a fixture loadscenario reads back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iamlab.scenarios.loading import dump_scenario
from iamlab.scenarios.models import Scenario


class Command(BaseCommand):
    help = "Write a scenario as a JSON fixture with natural keys (no primary keys)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The scenario's slug, e.g. iam-roles.")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="Write to FILE instead of standard output."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        try:
            scenario = Scenario.objects.get(slug=slug)
        except Scenario.DoesNotExist:
            known = ", ".join(Scenario.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(
                f"No scenario {slug!r} is loaded. Loaded scenarios: {known}.", returncode=1
            ) from None
        text = dump_scenario(scenario)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
