"""A system check that builds every loaded scenario, so content loaded with plain `loaddata`
(which validates nothing) cannot stay broken unnoticed."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register
from django.db import DatabaseError, connections, router

from iamlab.scenarios.models import Scenario


@register("scenarios")
def check_scenarios(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """Report every problem of every scenario in the database."""
    # A warning, not an error: an error would stop `migrate` and `runserver`, and with
    # them the instructor's way to fix the content.
    alias = router.db_for_read(Scenario)
    connection = connections[alias]
    try:
        if Scenario._meta.db_table not in connection.introspection.table_names():
            return []  # not migrated yet: nothing can have been loaded
        scenarios = list(Scenario.objects.using(alias).order_by("slug"))
        messages: list[CheckMessage] = []
        for scenario in scenarios:
            problems = scenario.validate()
            messages.extend(
                Warning(
                    f"Scenario {scenario.slug!r} is invalid: {problem}",
                    hint=(
                        "Fix it in the admin or in its fixture and reload it with "
                        "`python manage.py loadscenario FILE`."
                    ),
                    obj=scenario,
                    id="scenarios.W001",
                )
                for problem in problems
            )
        return messages
    except DatabaseError:
        # The database is behind the code (a migration not applied yet); `migrate` must
        # still be able to run, and it reports the real state itself.
        return []
