"""Filters that help a student read a scenario: policies as indented JSON, who a role trusts."""

from __future__ import annotations

from django import template

from iamlab.engine.parsing import POLICY_ELEMENTS, STATEMENT_ELEMENTS
from iamlab.scenarios.limits import json_dumps_safely, json_problem

register = template.Library()


# The order AWS's documentation and console write a policy's elements in.
POLICY_ELEMENT_ORDER = [*POLICY_ELEMENTS, *STATEMENT_ELEMENTS]


def in_policy_order(value: object) -> object:
    """Put a policy's elements in AWS's order, whatever order the database kept them in.

    SQLite keeps an object's keys as written; PostgreSQL's jsonb sorts them (shorter
    first), which would show "Action" before "Effect". Keys that are not policy
    elements (condition keys, tag names) keep the order they came in.
    """
    if isinstance(value, list):
        return [in_policy_order(item) for item in value]
    if not isinstance(value, dict):
        return value
    known = [key for key in POLICY_ELEMENT_ORDER if key in value]
    rest = [key for key in value if key not in POLICY_ELEMENT_ORDER]
    return {key: in_policy_order(value[key]) for key in [*known, *rest]}


@register.filter
def pretty_json(value: object) -> str:
    """Return a policy as indented JSON (escaped by the template like any other text)."""
    if json_problem(value) is None:
        value = in_policy_order(value)
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
