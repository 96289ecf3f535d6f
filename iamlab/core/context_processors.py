from __future__ import annotations

from django.http import HttpRequest

# The areas of the app, in the order the navigation bar shows them. An area whose page
# does not exist yet has no URL name; it is shown as "coming" rather than as a dead link.
NAVIGATION: list[tuple[str, str | None]] = [
    ("Lessons", "lessons:list"),
    ("Scenarios", "scenarios:list"),
    ("Diagrams", "diagrams:index"),
    ("Console", "console:index"),
    ("Playground", "console:playground"),
    ("Instructor", None),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"navigation": NAVIGATION}
