"""What each process keeps for the step pages, and when it knows to let it go.

A step page's live part is kept rendered under the state it shows, and a lesson with its
steps under its content versions; every test here changes one thing that state is made of
and checks that the next page shows the change.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from iamlab.lessons.models import Lesson, Step
from iamlab.lessons.versions import bump_lesson_version
from iamlab.scenarios.models import Scenario
from iamlab.scenarios.models.workspaces import WorkspaceSession
from tests.lessons.steps import step_status
from tests.lessons.test_pages import open_users_lesson_to_step_3

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def restores(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count how often a learner's world is brought up to its log."""
    calls: list[int] = []
    original = WorkspaceSession._catch_up

    def counted(self: WorkspaceSession):  # type: ignore[no-untyped-def]
        calls.append(self.workspace.pk)
        return original(self)

    monkeypatch.setattr(WorkspaceSession, "_catch_up", counted)
    return calls


def live_part(page: str) -> str:
    """Return the page's live part with its CSRF tokens blanked."""
    start = page.index('<div id="step-live"')
    end = page.index('<p class="lesson-reset">')
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', page[start:end])


def test_a_step_opened_again_is_answered_without_restoring_the_world(
    lessons: None, restores: list[int]
) -> None:
    client = Client(enforce_csrf_checks=True)
    first = client.get("/lessons/users/1/").content.decode()
    restores.clear()

    again = client.get("/lessons/users/1/").content.decode()

    assert restores == []
    assert live_part(again) == live_part(first)
    # The kept part carries this request's own token, and it is one Django accepts.
    (token,) = set(TOKEN.findall(again))
    assert "csrf-stand-in" not in again
    done = client.post("/lessons/users/1/act/", {"csrfmiddlewaretoken": token})
    assert done.status_code == 302
    assert done["Location"] == "/lessons/users/2/"


def test_htmx_gets_the_kept_live_part_alone(lessons: None, restores: list[int]) -> None:
    client = Client()
    client.get("/lessons/users/1/")
    first = client.get("/lessons/users/1/", headers={"HX-Request": "true"}).content.decode()
    restores.clear()
    partial = client.get("/lessons/users/1/", headers={"HX-Request": "true"}).content.decode()
    assert restores == []
    assert TOKEN.sub("", partial) == TOKEN.sub("", first)
    assert partial.lstrip().startswith(
        '<div id="step-live" class="step-live" data-step-status="open">'
    )
    assert "<html" not in partial
    assert len(set(TOKEN.findall(partial))) == 1


def test_each_learner_gets_their_own_page(lessons: None) -> None:
    alice, bob = Client(), Client()
    for learner in (alice, bob):
        learner.post("/lessons/users/1/act/")
    alice.post("/lessons/users/2/act/", {"line": "export AWS_PROFILE=alice"})
    bob.post("/lessons/users/2/act/", {"line": "export AWS_PROFILE=carol"})
    for _ in range(2):  # the second time from what was kept
        assert "<strong>IAM user alice</strong>" in alice.get("/lessons/users/2/").content.decode()
        assert "<strong>IAM user carol</strong>" in bob.get("/lessons/users/2/").content.decode()


def test_the_frame_of_a_kept_page_follows_who_is_signed_in(
    lessons: None, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user("ana", password="a-long-pass-phrase")
    client = Client()
    client.force_login(user)
    for _ in range(2):  # the second time from what was kept
        page = client.get("/lessons/users/1/").content.decode()
        assert "Signed in as <strong>ana</strong>" in page
        assert ">Instructor</a>" not in page
    # Renamed and made staff behind the page's back: the next page shows both.
    django_user_model.objects.filter(pk=user.pk).update(username="ana-teaches", is_staff=True)
    page = client.get("/lessons/users/1/").content.decode()
    assert "Signed in as <strong>ana-teaches</strong>" in page
    assert '<li><a href="/instructor/">Instructor</a></li>' in page
    client.logout()
    page = client.get("/lessons/users/1/").content.decode()
    assert "Signed in as" not in page
    assert '<a href="/accounts/login/?next=/lessons/users/1/">Sign in</a>' in page


def test_the_sign_in_link_of_a_kept_page_carries_its_own_address(
    client: Client, lessons: None
) -> None:
    client.get("/lessons/users/1/")
    client.get("/lessons/users/1/")
    page = client.get("/lessons/users/1/?from=list").content.decode()
    assert '<a href="/accounts/login/?next=/lessons/users/1/%3Ffrom%3Dlist">Sign in</a>' in page
    page = client.get("/lessons/users/1/").content.decode()
    assert '<a href="/accounts/login/?next=/lessons/users/1/">Sign in</a>' in page


def test_a_line_run_in_the_step_changes_the_page(client: Client, lessons: None) -> None:
    open_users_lesson_to_step_3(client)
    before = client.get("/lessons/users/3/").content.decode()
    assert "Nothing yet on this step." in before
    client.post(
        "/lessons/users/3/act/",
        {"line": "aws sts get-caller-identity"},
        headers={"HX-Request": "true"},
    )
    after = client.get("/lessons/users/3/").content.decode()
    assert step_status(after) == "done"
    assert "<strong>Succeeded</strong>" in after
    assert '<a class="button" rel="next" href="/lessons/users/4/">' in after


def test_a_hint_and_the_solution_change_the_page(client: Client, lessons: None) -> None:
    client.post("/lessons/users/1/act/")
    assert 'data-hint="1"' not in client.get("/lessons/users/2/").content.decode()
    client.post("/lessons/users/2/hint/")
    assert 'data-hint="1"' in client.get("/lessons/users/2/").content.decode()
    client.post("/lessons/users/2/solution/", {"confirm": "on"})
    assert "<pre data-solution-line>" in client.get("/lessons/users/2/").content.decode()


def test_an_edited_step_shows_at_the_next_request(client: Client, lessons: None) -> None:
    client.get("/lessons/users/1/")
    step = Step.objects.get(lesson__slug="users", number=1)
    step.narrative = "A narrative **edited** in the admin."
    step.save()
    page = client.get("/lessons/users/1/").content.decode()
    assert "<p>A narrative <strong>edited</strong> in the admin.</p>" in page


def test_another_process_edit_is_seen_through_the_content_version(
    client: Client, lessons: None
) -> None:
    # As another process would change it: no signal reaches this one, only the database.
    client.get("/lessons/users/1/")
    lesson = Lesson.objects.get(slug="users")
    Step.objects.filter(lesson=lesson, number=1).update(title="Changed elsewhere")
    assert "Changed elsewhere" not in client.get("/lessons/users/1/").content.decode()
    bump_lesson_version(lesson.pk)
    page = client.get("/lessons/users/1/").content.decode()
    assert '<span class="step-number">Step 1</span> Changed elsewhere</h1>' in page


def test_a_deleted_step_is_gone_at_the_next_request(client: Client, lessons: None) -> None:
    client.get("/lessons/users/1/")
    before = Lesson.objects.get(slug="users").content_version
    Step.objects.get(lesson__slug="users", number=6).delete()
    assert Lesson.objects.get(slug="users").content_version != before
    assert client.get("/lessons/users/6/").status_code == 404
    assert "Step 1 of 5" in client.get("/lessons/users/1/").content.decode()


def test_unpublishing_the_lesson_or_its_scenario_hides_it_at_once(
    client: Client, lessons: None
) -> None:
    assert client.get("/lessons/users/1/").status_code == 200
    Lesson.objects.filter(slug="users").update(published=False)
    assert client.get("/lessons/users/1/").status_code == 404
    Lesson.objects.filter(slug="users").update(published=True)
    assert client.get("/lessons/users/1/").status_code == 200
    scenario = Scenario.objects.get(lessons__slug="users")
    scenario.published = False
    scenario.save()
    assert client.get("/lessons/users/1/").status_code == 404


def test_with_debug_on_nothing_is_kept(
    client: Client, lessons: None, restores: list[int], settings
) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    client.get("/lessons/users/1/")
    restores.clear()
    client.get("/lessons/users/1/")
    assert len(restores) == 1


def test_a_lesson_dumps_without_its_content_version(lessons: None) -> None:
    from iamlab.lessons.loading import dump_lesson

    assert "content_version" not in dump_lesson(Lesson.objects.get(slug="users"))
