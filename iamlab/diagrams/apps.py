from __future__ import annotations

from django.apps import AppConfig


class DiagramsConfig(AppConfig):
    name = "iamlab.diagrams"
