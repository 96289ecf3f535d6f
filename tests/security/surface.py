"""Every page and form a student can reach: what the security suite walks.

Add a page or a form here when it is built (lessons, the console, the playground), and
every hostile-input test, the header checks and the browser's Content-Security-Policy
check cover it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The scenario the pages are shown for, and a lesson over it (tests/security/conftest.py
# loads both).
SLUG = "hostile"
LESSON = "hostile-lesson"


@dataclass(frozen=True)
class Page:
    """A page a student can open with GET, and the status it answers with."""

    url: str
    status: int = 200
    staff: bool = False  # only for a signed-in instructor


@dataclass(frozen=True)
class Form:
    """A form a student can post: where, and a complete valid submission."""

    url: str
    data: dict[str, str] = field(default_factory=dict)


PAGES: list[Page] = [
    Page("/"),
    Page("/scenarios/"),
    Page(f"/scenarios/{SLUG}/"),
    Page("/diagrams/"),
    Page(f"/diagrams/scenarios/{SLUG}/trust/"),
    Page(f"/diagrams/scenarios/{SLUG}/sessions/"),
    Page(f"/diagrams/scenarios/{SLUG}/evaluation/"),
    Page("/console/"),
    Page(f"/console/{SLUG}/"),
    Page(f"/console/{SLUG}/graph/"),
    Page("/playground/"),
    Page("/lessons/"),
    Page(f"/lessons/{LESSON}/"),
    Page(f"/lessons/{LESSON}/1/"),
    Page("/accounts/login/"),
    Page("/accounts/signup/"),
    Page("/no-such-page/", status=404),
    Page("/admin/login/"),
    Page("/instructor/", staff=True),
    Page("/instructor/content/", staff=True),
    Page("/admin/", staff=True),
    Page("/admin/scenarios/scenario/", staff=True),
    Page("/admin/scenarios/role/", staff=True),
    Page("/admin/scenarios/role/add/", staff=True),
]

# Downloads are not HTML pages: they carry their own policy (diagrams/views.py).
DOWNLOADS: list[str] = [
    f"/diagrams/scenarios/{SLUG}/trust.svg",
    f"/diagrams/scenarios/{SLUG}/trust.dot",
    f"/diagrams/scenarios/{SLUG}/sessions.svg",
    f"/diagrams/scenarios/{SLUG}/evaluation.svg",
]

PASSWORD = "correct-horse-battery-9"

FORMS: list[Form] = [
    Form("/accounts/login/", {"username": "learner", "password": PASSWORD}),
    Form(
        "/accounts/signup/",
        {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD},
    ),
    Form("/accounts/logout/"),
    Form(f"/console/{SLUG}/run/", {"line": "aws sts get-caller-identity"}),
    Form(f"/console/{SLUG}/reset/", {"confirm": "on"}),
    Form(
        "/playground/",
        {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "actions": "s3:GetObject",
            "resources": "arn:aws:s3:::example-reports/q1.csv",
            "identity": '{"Version": "2012-10-17", "Statement": []}',
        },
    ),
    Form(f"/lessons/{LESSON}/1/act/", {"line": "aws sts get-caller-identity --profile alice"}),
    Form(f"/lessons/{LESSON}/1/hint/"),
    Form(f"/lessons/{LESSON}/1/solution/", {"confirm": "on"}),
    Form(f"/lessons/{LESSON}/reset/"),
    Form("/admin/login/", {"username": "instructor", "password": PASSWORD}),
]

# Where a slug or a file name is read from the address.
SLUG_ROUTES: list[str] = [
    "/scenarios/{}/",
    "/diagrams/scenarios/{}/trust/",
    "/diagrams/scenarios/{}/trust.svg",
    "/diagrams/scenarios/{}/evaluation.dot",
    "/console/{}/",
    "/console/{}/session.sh",
    "/lessons/{}/",
    "/lessons/{}/1/",
]
