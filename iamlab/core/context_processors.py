from __future__ import annotations

import functools

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

# The areas of the app, in the order the navigation bar shows them.
NAVIGATION: list[tuple[str, str]] = [
    ("Lessons", "lessons:list"),
    ("Scenarios", "scenarios:list"),
    ("Diagrams", "diagrams:index"),
    ("Console", "console:index"),
    ("Playground", "console:playground"),
    ("Instructor", "instructor:index"),
]
# Shown to staff only: a student has no instructor pages.
STAFF_AREAS = {"instructor:index"}


@functools.cache
def _areas(script_prefix: str, staff: bool) -> tuple[tuple[str, str], ...]:
    """Return each area's label and address (reversed once per prefix, not per page)."""
    return tuple(
        (label, reverse(name)) for label, name in NAVIGATION if staff or name not in STAFF_AREAS
    )


def navigation(request: HttpRequest) -> dict[str, object]:
    """The navigation bar: (label, address, whether it is the page shown) for each area."""
    user = getattr(request, "user", None)
    staff = bool(user is not None and user.is_staff)
    return {
        "navigation": [
            (label, url, request.path == url) for label, url in _areas(get_script_prefix(), staff)
        ]
    }
