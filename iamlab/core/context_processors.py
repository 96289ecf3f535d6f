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
    ("Instructor", "instructor:index"),
]
# Shown to staff only: a student has no instructor pages.
STAFF_AREAS = {"instructor:index"}


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    staff = bool(user is not None and user.is_staff)
    return {"navigation": [item for item in NAVIGATION if staff or item[1] not in STAFF_AREAS]}
