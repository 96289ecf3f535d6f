from __future__ import annotations

from django.apps import AppConfig


class ScenariosConfig(AppConfig):
    name = "iamlab.scenarios"

    def ready(self) -> None:
        from iamlab.scenarios import checks  # noqa: F401 - registers the scenario check
        from iamlab.scenarios.versions import connect

        connect()
