"""`manage.py dumpscenario SLUG`: write a scenario out as a fixture loadscenario reads back."""

from __future__ import annotations

from iamlab.scenarios.loading import dump_scenario
from iamlab.scenarios.management.fixtures import DumpCommand
from iamlab.scenarios.management.lookup import loaded_scenario


class Command(DumpCommand):
    help = "Write a scenario as a JSON fixture with natural keys (no primary keys)."
    noun = "scenario"
    example = "iam-roles"

    def dump(self, slug: str) -> str:
        return dump_scenario(loaded_scenario(slug))
