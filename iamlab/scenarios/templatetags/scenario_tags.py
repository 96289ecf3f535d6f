"""Filters that help a student read a scenario: policies as indented JSON, who a role trusts."""

from __future__ import annotations

import json

from django import template

register = template.Library()


@register.filter
def pretty_json(value: object) -> str:
    """Return the value as indented JSON (escaped by the template like any other text)."""
    return json.dumps(value, indent=2, ensure_ascii=False)


@register.filter
def session_hours(seconds: int) -> str:
    """Say a session duration in hours, the unit the AWS console uses."""
    hours = seconds / 3600
    shown = f"{hours:g}"
    return f"{shown} hour" if shown == "1" else f"{shown} hours"
