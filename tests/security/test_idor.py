"""One learner's work, progress and class reached by guessing ids: never by anyone else.

Learner A (ann) runs console lines holding MARKER, does step 1 of the lesson with more of
them, and is in a class whose name holds it. Then another learner, an anonymous visitor
and the instructor of another class ask for every address in surface.REACHES, filled in
with A's own ids; each gets exactly its status, none sees MARKER or what the rightful
viewer sees, and nothing of A's changes. The rightful viewer (A, the class's instructor,
the site's administrator) asking the same address does see it, so each check can fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from iamlab.classroom.models import Assignment, Classroom, Membership
from iamlab.lessons.models import Lesson, Progress, StepProgress
from iamlab.scenarios.models import Workspace
from tests.cast import ACCOUNT, ALICE, client_for, make_user
from tests.security.surface import (
    ADMIN_SIGN_IN,
    ANONYMOUS,
    INSTRUCTOR,
    LESSON,
    MARKER,
    REACHES,
    SHARED_ROUTES,
    SIGN_IN,
    SLUG,
    STRANGERS,
    STUDENT,
    Reach,
)

CLASS_PATH = "/instructor/classes/{class}/"
A_IN_CLASS_LESSON = CLASS_PATH + "students/{student}/lessons/" + LESSON + "/"

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
TRUST_ALICE = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    f'"Principal": {{"AWS": "{ALICE}"}}, "Action": "sts:AssumeRole"}}]}}'
)
# What A types: a role named after the marker, a session of it, and an S3 key.
MARKED_LINES = [
    f"aws iam create-role --role-name {MARKER} --assume-role-policy-document "
    f"'{TRUST_ALICE}' --profile alice",
    f"aws sts assume-role --role-arn arn:aws:iam::{ACCOUNT}:role/{MARKER} "
    f"--role-session-name {MARKER}-session --profile alice",
    f"aws s3api get-object --bucket tiny-reports --key {MARKER}.csv out.csv --profile alice",
]


@dataclass
class Cast:
    ann: Any  # learner A
    clients: dict[str, Client]
    ids: dict[str, object]

    def client(self, who: str) -> Client:
        return self.clients[who]


@pytest.fixture
def cast(hostile: None, instructor: Any, clean_cache: None) -> Cast:
    """Learner A's console work, lesson step and class, and everyone who might ask for them."""
    ann, teacher = make_user("ann"), make_user("teacher", staff=True)
    other_teacher = make_user("other-teacher", staff=True)
    lesson = Lesson.objects.get(slug=LESSON)
    classroom = Classroom.objects.create_with_code(name=f"Class {MARKER}", owner=teacher)
    Membership.objects.create(classroom=classroom, student=ann)
    assignment = Assignment.objects.create(classroom=classroom, lesson=lesson)
    # The other instructor has a class and a student of their own.
    student = make_user("bea")
    other = Classroom.objects.create_with_code(name="Another class", owner=other_teacher)
    Membership.objects.create(classroom=other, student=student)

    a = client_for(ann)
    for line in MARKED_LINES:
        assert a.post(f"/console/{SLUG}/run/", {"line": line}).status_code == 302
    for line in [*MARKED_LINES[:2], "aws sts get-caller-identity --profile alice"]:
        assert a.post(f"/lessons/{LESSON}/1/act/", {"line": line}).status_code == 200
    workspace = Workspace.objects.get(owner=ann, context="", ended_at__isnull=True)
    progress = Progress.objects.get(owner=ann, lesson=lesson)
    assert progress.steps_done() == {1}
    event = next(e.seq for e in workspace.world().events if e.explanation)
    return Cast(
        ann=ann,
        clients={
            "learner": a,
            "teacher": client_for(teacher),
            "administrator": client_for(instructor),
            STUDENT: client_for(student),
            ANONYMOUS: Client(),
            INSTRUCTOR: client_for(other_teacher),
        },
        ids={
            "class": classroom.pk,
            "student": ann.pk,
            "assignment": assignment.pk,
            "workspace": workspace.pk,
            "progress": progress.pk,
            "event": event,
            "code": classroom.join_code,
        },
    )


def state_of(ann: Any) -> dict[str, object]:
    """Return everything of A's that a request could change."""
    workspaces = Workspace.objects.filter(owner=ann).order_by("pk")
    return {
        "workspaces": [(w.pk, w.context, w.ended_at, w.entries.count()) for w in workspaces],
        "progress": list(
            Progress.objects.filter(owner=ann)
            .order_by("pk")
            .values_list("pk", "workspace_id", "completed_at", "ended_at", "recent")
        ),
        "steps": list(
            StepProgress.objects.filter(progress__owner=ann)
            .order_by("pk")
            .values_list("number", "done_at", "attempts", "hints_revealed", "solution_revealed")
        ),
        "classes": list(Membership.objects.filter(student=ann).values_list("classroom_id")),
        "assignments": list(
            Assignment.objects.filter(classroom__memberships__student=ann).values_list(
                "pk", "lesson_id", "position", "due_date"
            )
        ),
        "account": list(
            get_user_model()
            .objects.filter(pk=ann.pk)
            .values_list("username", "password", "is_staff", "is_active")
        ),
    }


def fill(text: str, ids: dict[str, object]) -> str:
    return text.format(**ids)


def ask(client: Client, reach: Reach, ids: dict[str, object]) -> Any:
    url = fill(reach.url, ids)
    headers = HX if reach.htmx else {}
    return getattr(client, reach.method)(url, reach.data, **headers)


def without_the_address(body: str, url: str) -> str:
    """Return the body without the address asked, which the page echoes in its sign-in links.

    A guess that names A's role holds the marker itself; only what the page adds counts.
    """
    return body.replace(quote(url), "").replace(url, "")


def expected_location(reach: Reach, who: str, ids: dict[str, object]) -> str:
    url = fill(reach.url, ids)
    target = reach.goes_to[who]
    if target == SIGN_IN:
        return f"/accounts/login/?next={quote(url)}"
    if target == ADMIN_SIGN_IN:
        return f"/admin/login/?next={url}"
    return fill(target, ids)


def reach_id(reach: Reach) -> str:
    return f"{reach.method} {reach.url}{' (htmx)' if reach.htmx else ''}"


def guessed_query(cast: Cast) -> str:
    """Return a query naming A's workspace, progress, account and browser session."""
    a_session = cast.client("learner").session.session_key
    return (
        f"workspace={cast.ids['workspace']}&progress={cast.ids['progress']}"
        f"&user={cast.ids['student']}&owner=ann&session_key={a_session}&sessionid={a_session}"
    )


def assert_not_reached(cast: Cast, reach: Reach, who: str, response: Any) -> None:
    assert response.status_code == reach.strangers[who], who
    body = without_the_address(response.content.decode(), response.wsgi_request.get_full_path())
    assert MARKER not in body, who
    if reach.shows:
        assert fill(reach.shows, cast.ids) not in body, who
    if reach.strangers_see:
        assert fill(reach.strangers_see, cast.ids) in body, who


@pytest.mark.parametrize("reach", REACHES, ids=reach_id)
def test_a_learners_thing_is_reached_by_its_address_only_by_its_rightful_viewer(
    cast: Cast, reach: Reach
) -> None:
    for who in STRANGERS:
        before = state_of(cast.ann)

        response = ask(cast.client(who), reach, cast.ids)

        assert_not_reached(cast, reach, who, response)
        if response.status_code == 302:
            assert response["Location"] == expected_location(reach, who, cast.ids), who
        assert state_of(cast.ann) == before, who

    if reach.owner == "learner" and reach.method == "get":
        # A query naming A's things is ignored: pages look the learner up from the request.
        url = fill(reach.url, cast.ids)
        response = cast.client(STUDENT).get(
            f"{url}{'&' if '?' in url else '?'}{guessed_query(cast)}",
            **(HX if reach.htmx else {}),
        )
        assert_not_reached(cast, reach, STUDENT, response)
        assert state_of(cast.ann) == before

    # The control: the rightful viewer asking the same address does reach A's thing.
    response = ask(cast.client(reach.owner), reach, cast.ids)

    assert response.status_code == reach.owner_status
    if reach.shows:
        assert fill(reach.shows, cast.ids) in response.content.decode()
    if response.status_code == 302:
        assert response["Location"] == expected_location(reach, reach.owner, cast.ids)
    if reach.method == "post" and response.status_code < 400:
        # What the strangers' requests must not do, the rightful one does, so the checks
        # that nothing of A's changed could see a change.
        assert state_of(cast.ann) != before


def routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    """Return every URL pattern of the site as one route string; the admin's as `admin/`."""
    found: list[str] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += [route] if route == "admin/" else routes(pattern.url_patterns, route)
        else:
            found.append(route)
    return found


def test_every_address_of_the_site_is_in_the_inventory() -> None:
    # A new page must be added to surface.REACHES (it can reach a learner's thing) or to
    # surface.SHARED_ROUTES (it shows only what everyone shares), so that it is checked.
    inventory = {reach.route for reach in REACHES} | set(SHARED_ROUTES)

    assert sorted(set(routes(get_resolver().url_patterns)) - inventory) == []
    assert sorted(inventory - set(routes(get_resolver().url_patterns))) == []


def test_an_anonymous_learners_work_stays_with_their_browser(
    hostile: None, clean_cache: None
) -> None:
    # Two anonymous learners are told apart by their browser sessions alone.
    a, b = Client(), Client()
    for line in MARKED_LINES:
        a.post(f"/console/{SLUG}/run/", {"line": line})
    a.post(f"/lessons/{LESSON}/1/act/", {"line": MARKED_LINES[0]})

    pages = [f"/console/{SLUG}/", f"/lessons/{LESSON}/1/", f"/diagrams/scenarios/{SLUG}/trust/"]

    assert [MARKER in a.get(url).content.decode() for url in pages] == [True, True, True]
    assert [MARKER in b.get(url).content.decode() for url in pages] == [False, False, False]
    b.force_login(make_user("bea"))
    assert [MARKER in b.get(url).content.decode() for url in pages] == [False, False, False]


def test_the_next_person_at_a_shared_computer_does_not_get_the_work_of_the_one_before(
    cast: Cast,
) -> None:
    # A signs out; the same browser is then used anonymously, and then by another account.
    browser = cast.client("learner")
    pages = [f"/console/{SLUG}/", f"/lessons/{LESSON}/1/", "/lessons/", "/classes/"]
    before = state_of(cast.ann)

    assert browser.post("/accounts/logout/").status_code == 302
    anonymous = [browser.get(url) for url in pages]
    browser.force_login(make_user("cal"))
    signed_in = [browser.get(url) for url in pages]

    assert [r.status_code for r in anonymous] == [200, 200, 200, 302]
    assert [r.status_code for r in signed_in] == [200, 200, 200, 200]
    for response in [*anonymous, *signed_in]:
        assert MARKER not in response.content.decode(), response.wsgi_request.path
        assert 'data-progress-done="1"' not in response.content.decode()
    assert state_of(cast.ann) == before
    assert Workspace.objects.filter(owner__username="cal", entries__isnull=False).count() == 0


def test_a_student_is_not_staff_and_is_kept_out_of_the_instructor_pages_and_the_admin(
    cast: Cast,
) -> None:
    student = cast.client(STUDENT)

    instructor = student.get("/instructor/")
    admin = student.get("/admin/")
    admin_login = student.get("/admin/login/?next=/admin/")

    assert get_user_model().objects.get(username="bea").is_staff is False
    assert instructor.status_code == 403
    assert 'data-refusal="403"' in instructor.content.decode()
    assert (admin.status_code, admin["Location"]) == (302, "/admin/login/?next=/admin/")
    assert admin_login.status_code == 200
    assert (
        "You are authenticated as bea, but are not authorized to access this page."
        in admin_login.content.decode()
    )
    assert "Site administration" not in admin_login.content.decode()


def test_an_instructor_sees_a_students_work_only_in_the_lessons_set_for_the_class(
    cast: Cast,
) -> None:
    url = fill(A_IN_CLASS_LESSON, cast.ids)
    teacher = cast.client("teacher")
    assert MARKER in teacher.get(url).content.decode()  # set for the class: shown

    Assignment.objects.filter(pk=cast.ids["assignment"]).delete()
    response = teacher.get(url)

    assert response.status_code == 404
    assert "ann" not in re.findall(r"\w+", response.content.decode())


def test_an_instructor_cannot_open_a_learner_outside_the_class_through_it(cast: Cast) -> None:
    bea = get_user_model().objects.get(username="bea")

    response = cast.client("teacher").get(fill(CLASS_PATH, cast.ids) + f"students/{bea.pk}/")

    assert response.status_code == 404
    assert "bea" not in re.findall(r"\w+", response.content.decode())


def test_a_wrong_join_code_says_so_and_changes_nothing(cast: Cast) -> None:
    code = str(cast.ids["code"])
    guess = code[:-1] + ("A" if code[-1] != "A" else "B")
    before = state_of(cast.ann)

    response = cast.client(STUDENT).post("/classes/join/", {"code": guess})

    assert response.status_code == 400
    body = response.content.decode()
    assert (
        f"No class has the join code “{guess}”. A code is 8 letters and digits, as your "
        "instructor shows it; check it and try again." in body
    )
    assert MARKER not in body
    assert Membership.objects.filter(student__username="bea").count() == 1  # their own class
    assert state_of(cast.ann) == before


def test_joining_a_class_shows_its_lessons_never_its_other_students(cast: Cast) -> None:
    # The join code is the secret an instructor shares: it lets a student in, and being in
    # a class shows the student only their own progress in its lessons.
    student = cast.client(STUDENT)

    joined = student.post("/classes/join/", {"code": cast.ids["code"]})
    page = student.get(joined["Location"])

    assert joined["Location"] == f"/classes/?joined={cast.ids['class']}"
    body = page.content.decode()
    assert f"You are in the class “Class {MARKER}”." in body
    assert 'data-progress-done="0"' in body
    assert 'data-progress-done="1"' not in body
    assert "ann" not in re.findall(r"\w+", body)
    assert student.get(fill(A_IN_CLASS_LESSON, cast.ids)).status_code == 403


def test_an_id_beyond_the_database_is_not_found_for_the_rightful_viewer_too(cast: Cast) -> None:
    # A guess too large for the database's integers is one more class that does not exist.
    huge = "9" * 25
    guesses = {**cast.ids, "class": huge, "student": huge, "assignment": huge}
    teacher = cast.client("teacher")
    before = state_of(cast.ann)

    statuses = {
        reach_id(reach): ask(teacher, reach, guesses).status_code
        for reach in REACHES
        if reach.owner == "teacher" and "{class}" in reach.url
    }

    assert set(statuses.values()) == {404}, statuses
    assert len(statuses) == 9
    assert state_of(cast.ann) == before
