"""Filters that help a student read a scenario: policies as indented JSON, who a role trusts."""

from __future__ import annotations

from django import template

from iamlab.scenarios.limits import json_dumps_safely

register = template.Library()


@register.filter
def pretty_json(value: object) -> str:
    """Return the value as indented JSON (escaped by the template like any other text)."""
    text = json_dumps_safely(value)
    if text is None:
        # Content loaded before the limits, or with plain loaddata: say so, never fail.
        return (
            "(This value is too deeply nested or too large to show; `manage.py check` says where.)"
        )
    return text


@register.filter
def session_hours(seconds: int) -> str:
    """Say a session duration in hours, the unit the AWS console uses."""
    hours = seconds / 3600
    shown = f"{hours:g}"
    return f"{shown} hour" if shown == "1" else f"{shown} hours"
