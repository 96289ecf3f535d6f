"""`manage.py dumpscenario SLUG`: write a scenario out as a fixture loadscenario reads back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from iamlab.scenarios.loading import dump_scenario
from iamlab.scenarios.management.lookup import loaded_scenario


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
        scenario = loaded_scenario(slug)
        text = dump_scenario(scenario)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
