from __future__ import annotations

from django.apps import AppConfig


class ClassroomConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "iamlab.classroom"
    verbose_name = "Classes"
