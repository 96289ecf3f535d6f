"""Learner workspaces: an append-only log replayed over the scenario's world, one per learner."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User as Learner
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.test import RequestFactory

from iamlab.scenarios.models import Scenario, Workspace, WorkspaceEntry, WorkspaceError
from iamlab.world.cli import Console

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ASSUME_PUBLISHER = (
    "aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ReportPublisher "
    "--role-session-name alice-publishing --profile alice"
)


def test_lines_are_logged_in_order_with_consecutive_numbers(iam_roles: Scenario) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)

    for line in ["date", "sleep 60", "date"]:
        workspace.run(line)

    assert list(workspace.entries.values_list("seq", "line")) == [
        (1, "date"),
        (2, "sleep 60"),
        (3, "date"),
    ]


def test_the_world_is_the_scenario_with_the_log_replayed(iam_roles: Scenario) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)
    workspace.run("sleep 3600")
    workspace.run(ASSUME_PUBLISHER)

    world = workspace.world()

    assert world.now() == datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    assert iam_roles.to_world().now() == START


def test_replaying_is_deterministic(iam_roles: Scenario) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)
    first = workspace.run(ASSUME_PUBLISHER)

    _, replayed = workspace.replay()
    _, again = workspace.replay()

    assert replayed == [first]
    assert again == [first]


def test_two_learners_never_see_each_others_changes(iam_roles: Scenario) -> None:
    alice_learner = Learner.objects.create_user("learner-a")
    bob_learner = Learner.objects.create_user("learner-b")
    mine = Workspace.objects.current(iam_roles, owner=alice_learner)
    theirs = Workspace.objects.current(iam_roles, owner=bob_learner)
    switch = (
        "aws lambda update-function-configuration --function-name report-builder "
        "--role arn:aws:iam::111122223333:role/service-role/lambda-admin-role --profile carol"
    )
    read_role = (
        "aws lambda get-function-configuration --function-name report-builder "
        "--query Role --output text --profile carol"
    )

    mine.run(switch)
    mine.run("sleep 600")
    result = theirs.run(read_role)

    assert result.stdout == "arn:aws:iam::111122223333:role/service-role/lambda-role\n"
    assert theirs.world().now() == START
    assert (
        mine.run(read_role).stdout
        == "arn:aws:iam::111122223333:role/service-role/lambda-admin-role\n"
    )
    assert mine.lines() == [switch, "sleep 600", read_role]
    assert theirs.lines() == [read_role]


def test_an_anonymous_learner_has_one_open_workspace_per_session(iam_roles: Scenario) -> None:
    first = Workspace.objects.current(iam_roles, session_key="session-one")
    again = Workspace.objects.current(iam_roles, session_key="session-one")
    other = Workspace.objects.current(iam_roles, session_key="session-two")

    assert again.pk == first.pk
    assert other.pk != first.pk


def test_reset_starts_a_new_workspace_and_keeps_the_old_log(iam_roles: Scenario) -> None:
    old = Workspace.objects.current(iam_roles, session_key="s")
    old.run("sleep 600")

    new = old.reset()

    old.refresh_from_db()
    assert old.ended_at is not None
    assert old.lines() == ["sleep 600"]
    assert new.is_open
    assert new.lines() == []
    assert new.world().now() == START
    assert Workspace.objects.current(iam_roles, session_key="s").pk == new.pk
    with pytest.raises(WorkspaceError) as refused:
        old.run("date")
    assert str(refused.value) == "This workspace was reset; continue in the new one."
    assert old.lines() == ["sleep 600"]


def test_a_session_that_fell_behind_catches_up_before_running(iam_roles: Scenario) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)
    first_tab = workspace.session()
    second_tab = workspace.session()

    first_tab.run("sleep 60")
    second_tab.run("sleep 60")  # replays the first tab's line before its own
    result = first_tab.run("date")  # must see both sleeps, not only its own

    assert result.stdout == "Mon Jan  5 09:02:00 UTC 2026\n"
    assert workspace.lines() == ["sleep 60", "sleep 60", "date"]


def test_one_position_in_the_log_holds_one_entry(iam_roles: Scenario) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)
    workspace.run("date")

    with pytest.raises(IntegrityError), transaction.atomic():
        WorkspaceEntry.objects.create(workspace=workspace, seq=1, line="sleep 60")

    assert workspace.lines() == ["date"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("date\nsleep 60", "Run one command at a time: the line holds a line break."),
        ("x" * 4097, "The command is 4097 characters long; at most 4096 are allowed."),
        (
            "echo a\x00b",
            "The command holds a NUL character (\\0), which no command uses; remove it.",
        ),
        (
            "echo caf\udce9",
            "The command holds something that is not text at character 9 (invalid UTF-8); "
            "type it again.",
        ),
    ],
)
def test_a_line_the_log_cannot_hold_is_refused(
    iam_roles: Scenario, line: str, message: str
) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)

    with pytest.raises(WorkspaceError) as refused:
        workspace.run(line)

    assert str(refused.value) == message
    assert workspace.entries.count() == 0


def test_a_workspace_belongs_to_a_user_or_a_session_not_both(iam_roles: Scenario) -> None:
    learner = Learner.objects.create_user("learner")

    with pytest.raises(IntegrityError), transaction.atomic():
        Workspace.objects.create(scenario=iam_roles, owner=learner, session_key="abc")


def test_a_line_runs_after_lines_appended_while_it_waited_for_the_lock(
    iam_roles: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iamlab.scenarios.models.workspaces import WorkspaceSession

    workspace = Workspace.objects.create(scenario=iam_roles)
    real_catch_up = WorkspaceSession._catch_up
    rivals = ["sleep 60"]

    def catch_up_while_a_rival_appends(session: WorkspaceSession) -> Console:
        console = real_catch_up(session)
        # Between catching up and taking the lock, another request appends its line.
        if rivals:
            WorkspaceEntry.objects.create(workspace=workspace, seq=1, line=rivals.pop())
        return console

    monkeypatch.setattr(WorkspaceSession, "_catch_up", catch_up_while_a_rival_appends)

    result = workspace.run("date")

    assert list(workspace.entries.values_list("seq", "line")) == [(1, "sleep 60"), (2, "date")]
    # The line ran after the rival's, so it saw the clock the rival moved.
    assert result.stdout == "Mon Jan  5 09:01:00 UTC 2026\n"


def test_a_request_finds_its_learners_workspace(iam_roles: Scenario, rf: RequestFactory) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    anonymous = rf.get("/")
    anonymous.user = AnonymousUser()
    anonymous.session = SessionStore()
    signed_in = rf.get("/")
    signed_in.user = Learner.objects.create_user("learner")
    signed_in.session = SessionStore()

    first = Workspace.objects.for_request(anonymous, iam_roles)
    again = Workspace.objects.for_request(anonymous, iam_roles)
    theirs = Workspace.objects.for_request(signed_in, iam_roles)

    assert first.pk == again.pk
    assert first.session_key == anonymous.session.session_key
    assert first.owner is None
    assert theirs.owner == signed_in.user
    assert theirs.session_key == ""


def test_a_full_log_asks_for_a_reset(iam_roles: Scenario) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)
    WorkspaceEntry.objects.bulk_create(
        WorkspaceEntry(workspace=workspace, seq=seq, line="date") for seq in range(1, 501)
    )

    with pytest.raises(WorkspaceError) as refused:
        workspace.run("date")

    assert str(refused.value) == (
        "This workspace holds 500 commands, the most it can; reset it to start again."
    )
    assert workspace.entries.count() == 500


def test_a_broken_scenario_reaches_the_learner_as_a_sentence(iam_roles: Scenario) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)
    # An instructor breaks the scenario in the admin: alice no longer exists, but the
    # trust policy of ReportPublisher still names her.
    iam_roles.accounts.get().users.filter(name="alice").update(name="alicia")

    with pytest.raises(WorkspaceError) as refused:
        workspace.run("date")

    assert str(refused.value) == (
        "The scenario 'iam-roles' cannot be built into a world right now (1 problem); an "
        "instructor can see them with `python manage.py check`."
    )
    assert workspace.entries.count() == 0


def test_one_open_workspace_per_name(iam_roles: Scenario) -> None:
    Workspace.objects.create(scenario=iam_roles, name="demo")

    with pytest.raises(IntegrityError), transaction.atomic():
        Workspace.objects.create(scenario=iam_roles, name="demo")

    assert Workspace.objects.current(iam_roles, name="demo").name == "demo"
    assert Workspace.objects.filter(name="demo").count() == 1


def test_resetting_twice_leaves_one_open_workspace(iam_roles: Scenario) -> None:
    first_tab = Workspace.objects.current(iam_roles, session_key="s")
    second_tab = Workspace.objects.get(pk=first_tab.pk)

    fresh = first_tab.reset()
    again = second_tab.reset()

    assert again.pk == fresh.pk
    assert Workspace.objects.filter(session_key="s", ended_at__isnull=True).count() == 1


def test_signing_in_keeps_the_work_done_before(iam_roles: Scenario, rf: RequestFactory) -> None:
    from django.contrib.auth import login
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    before = Workspace.objects.for_request(request, iam_roles)
    before.run("sleep 600")
    anonymous_key = request.session.session_key

    login(request, Learner.objects.create_user("learner"))
    after = Workspace.objects.for_request(request, iam_roles)

    assert request.session.session_key != anonymous_key
    assert after.pk == before.pk
    assert after.owner == request.user
    assert after.session_key == ""
    assert after.lines() == ["sleep 600"]


def test_a_signed_in_learner_with_work_of_their_own_keeps_it(
    iam_roles: Scenario, rf: RequestFactory
) -> None:
    from django.contrib.auth import login
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    learner = Learner.objects.create_user("learner")
    own = Workspace.objects.current(iam_roles, owner=learner)
    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    anonymous = Workspace.objects.for_request(request, iam_roles)

    login(request, learner)

    assert Workspace.objects.for_request(request, iam_roles).pk == own.pk
    anonymous.refresh_from_db()
    assert anonymous.owner is None


def test_the_transcript_pairs_each_line_with_what_it_printed(iam_roles: Scenario) -> None:
    workspace = Workspace.objects.create(scenario=iam_roles)
    workspace.run("sleep 60")
    workspace.run("date")

    transcript = workspace.transcript()

    assert [(line, result.exit_code, result.stdout) for line, result in transcript] == [
        ("sleep 60", 0, ""),
        ("date", 0, "Mon Jan  5 09:01:00 UTC 2026\n"),
    ]


def anonymous_request(rf: RequestFactory) -> HttpRequest:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    return request


def test_each_context_has_its_own_workspace_and_reset(
    iam_roles: Scenario, rf: RequestFactory
) -> None:
    request = anonymous_request(rf)
    console = Workspace.objects.for_request(request, iam_roles)
    lesson = Workspace.objects.for_request(request, iam_roles, "lesson:first-role")
    other = Workspace.objects.for_request(request, iam_roles, "lesson:second-role")
    console.run("sleep 60")
    lesson.run("sleep 600")

    fresh = lesson.reset()

    assert len({console.pk, lesson.pk, other.pk}) == 3
    assert (console.context, lesson.context, other.context) == (
        "",
        "lesson:first-role",
        "lesson:second-role",
    )
    assert fresh.context == "lesson:first-role"
    assert Workspace.objects.for_request(request, iam_roles, "lesson:first-role").pk == fresh.pk
    assert Workspace.objects.for_request(request, iam_roles).pk == console.pk
    assert console.lines() == ["sleep 60"]
    assert Workspace.objects.get(pk=other.pk).is_open


def test_one_open_workspace_per_learner_and_context(iam_roles: Scenario) -> None:
    learner = Learner.objects.create_user("learner")
    Workspace.objects.create(scenario=iam_roles, owner=learner, context="lesson:a")
    Workspace.objects.create(scenario=iam_roles, owner=learner, context="lesson:b")

    with pytest.raises(IntegrityError), transaction.atomic():
        Workspace.objects.create(scenario=iam_roles, owner=learner, context="lesson:a")

    assert Workspace.objects.filter(owner=learner).count() == 2


def test_lookup_never_makes_a_workspace(iam_roles: Scenario, rf: RequestFactory) -> None:
    request = anonymous_request(rf)

    assert Workspace.objects.lookup(request, iam_roles) is None
    assert request.session.session_key is None  # no session was started either

    made = Workspace.objects.for_request(request, iam_roles)

    assert Workspace.objects.lookup(request, iam_roles) == made
    assert Workspace.objects.lookup(request, iam_roles, "lesson:first-role") is None
    assert Workspace.objects.count() == 1


def test_lookup_reads_the_last_line_with_the_workspace_for_its_state_key(
    iam_roles: Scenario, rf: RequestFactory, django_assert_num_queries
) -> None:
    request = anonymous_request(rf)
    made = Workspace.objects.for_request(request, iam_roles)
    made.run("date")
    made.run("sleep 60")
    asked = Workspace.objects.get(pk=made.pk).state_key()

    with django_assert_num_queries(1):
        found = Workspace.objects.lookup(request, iam_roles)
        assert found is not None
        key = found.state_key()

    assert key == asked and key.endswith(":2")
    # Used once: a line run afterwards is seen by the next state_key, which asks again.
    found.run("date")
    assert found.state_key().endswith(":3")


def test_lookup_hands_anonymous_work_over_at_sign_in_per_context(
    iam_roles: Scenario, rf: RequestFactory
) -> None:
    from django.contrib.auth import login

    request = anonymous_request(rf)
    console = Workspace.objects.for_request(request, iam_roles)
    lesson = Workspace.objects.for_request(request, iam_roles, "lesson:first-role")
    lesson.run("sleep 600")
    learner = Learner.objects.create_user("learner")
    own_console = Workspace.objects.current(iam_roles, owner=learner)

    login(request, learner)
    found_lesson = Workspace.objects.lookup(request, iam_roles, "lesson:first-role")
    found_console = Workspace.objects.lookup(request, iam_roles)

    assert found_lesson is not None and found_lesson.pk == lesson.pk
    assert found_lesson.owner == learner
    assert found_lesson.lines() == ["sleep 600"]
    # They already had a console workspace of their own: it stays theirs, the anonymous
    # one is left alone.
    assert found_console is not None and found_console.pk == own_console.pk
    console.refresh_from_db()
    assert console.owner is None
