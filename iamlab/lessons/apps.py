from __future__ import annotations

from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "iamlab.lessons"

    def ready(self) -> None:
        from iamlab.lessons import signals  # noqa: F401 - carries progress over at sign-in
        from iamlab.lessons.versions import connect

        connect()
