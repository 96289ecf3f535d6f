from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "iamlab.core"
    verbose_name = "IAM Lab"
