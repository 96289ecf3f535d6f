"""What the scenario management commands share."""

from __future__ import annotations

from django.core.management.base import CommandError

from iamlab.scenarios.models import Scenario


def loaded_scenario(slug: str) -> Scenario:
    """Return the loaded scenario with this slug, or stop the command naming the loaded ones."""
    try:
        return Scenario.objects.get(slug=slug)
    except Scenario.DoesNotExist:
        known = ", ".join(Scenario.objects.values_list("slug", flat=True)) or "none"
        raise CommandError(
            f"No scenario {slug!r} is loaded. Loaded scenarios: {known}.", returncode=1
        ) from None
