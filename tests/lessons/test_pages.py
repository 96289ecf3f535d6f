"""The lesson pages: progress kept per learner, hints and solutions, htmx and no-JS alike."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from iamlab.lessons.loading import load_lessons
from iamlab.lessons.models import Progress, StepProgress
from iamlab.scenarios.loading import load_fixtures
from iamlab.scenarios.models import Workspace
from tests.cast import ACCOUNT
from tests.lessons.steps import step_status

pytestmark = pytest.mark.django_db


def open_users_lesson_to_step_3(client: Client) -> None:
    client.post("/lessons/users/1/act/")
    client.post("/lessons/users/2/act/", {"line": "export AWS_PROFILE=alice"})


def test_home_and_the_list_show_each_lesson_with_the_learners_progress(
    client: Client, lessons: None
) -> None:
    home = client.get("/").content.decode()
    assert (
        '<a href="/lessons/users/"><strong>Users: a long-term key and the policies behind it'
        in home
    )
    assert '<span class="lesson-progress" data-progress-done="0" data-progress-total="6">' in home
    assert "Not started" in home

    open_users_lesson_to_step_3(client)

    listing = client.get("/lessons/").content.decode()
    assert (
        '<span class="lesson-progress" data-progress-done="2" data-progress-total="6">' in listing
    )
    assert "2 of 6 steps done" in listing
    assert '<a href="/lessons/" aria-current="page">Lessons</a>' in listing


def test_a_step_opens_only_when_the_one_before_is_done(client: Client, lessons: None) -> None:
    response = client.get("/lessons/roles/4/")
    assert response.status_code == 302
    assert response["Location"] == "/lessons/roles/1/"
    assert client.get("/lessons/roles/99/").status_code == 404
    assert client.get("/lessons/no-such-lesson/1/").status_code == 404


def test_a_wrong_line_leaves_the_step_open_and_shows_what_the_console_printed(
    client: Client, lessons: None
) -> None:
    client.post("/lessons/users/1/act/")
    body = client.post(
        "/lessons/users/2/act/", {"line": "export AWS_PROFILE=carol"}
    ).content.decode()
    assert step_status(body) == "open"
    assert '<p data-acting-as="user"><strong>IAM user carol</strong>' in body
    assert 'rel="next"' not in body
    row = StepProgress.objects.get(number=2)
    assert (row.attempts, row.done_at) == (1, None)

    denied = client.post(
        "/lessons/users/2/act/", {"line": "aws s3api put-object --bucket example-reports --key x"}
    )
    text = denied.content.decode()
    assert '<div class="outcome-box" data-decision="ImplicitlyDenied">' in text
    assert (
        "User: arn:aws:iam::111122223333:user/carol is not authorized to perform: s3:PutObject"
        in text
    )
    assert "<li>AWS&#x27;s message names the identity-based policy.</li>" in text


def test_an_empty_line_is_refused_with_a_message_and_changes_nothing(
    client: Client, lessons: None
) -> None:
    client.post("/lessons/users/1/act/")
    response = client.post("/lessons/users/2/act/", {"line": "   "})
    assert response.status_code == 400
    assert (
        '<p id="console-error" class="form-error" role="alert">Type a command first, for example '
        "aws sts get-caller-identity.</p>"
    ) in response.content.decode()
    assert Workspace.objects.get(context="lesson:users").entries.count() == 0


def test_htmx_gets_the_live_part_and_the_no_js_path_the_whole_page(
    client: Client, lessons: None
) -> None:
    client.post("/lessons/users/1/act/")
    partial = client.post(
        "/lessons/users/2/act/",
        {"line": "export AWS_PROFILE=alice"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert partial.lstrip().startswith(
        '<div id="step-live" class="step-live" data-step-status="done">'
    )
    assert "<html" not in partial
    assert '<a class="button" rel="next" href="/lessons/users/3/">' in partial

    whole = client.post("/lessons/users/3/act/", {"line": "aws sts get-caller-identity"})
    page = whole.content.decode()
    assert page.startswith("<!doctype html>")
    assert step_status(page) == "done"
    assert "&quot;Arn&quot;: &quot;arn:aws:iam::111122223333:user/alice&quot;" in page
    # A reload shows the same outcome.
    again = client.get("/lessons/users/3/").content.decode()
    assert "&quot;Arn&quot;: &quot;arn:aws:iam::111122223333:user/alice&quot;" in again
    assert "<strong>Succeeded</strong>" in again


def test_hints_come_one_at_a_time_and_the_solution_after_a_confirmation(
    client: Client, lessons: None
) -> None:
    client.post("/lessons/users/1/act/")
    page = client.get("/lessons/users/2/").content.decode()
    assert "data-hint=" not in page and "data-solution-line" not in page

    first = client.post("/lessons/users/2/hint/").content.decode()
    assert (
        '<li data-hint="1">The CLI reads the profile to use from an environment variable '
        "called AWS_PROFILE.</li>" in first
    )
    assert 'data-hint="2"' not in first
    second = client.post("/lessons/users/2/hint/").content.decode()
    assert 'data-hint="2"' in second and "That was the last hint." in second

    refused = client.post("/lessons/users/2/solution/", {})
    assert refused.status_code == 400
    assert "Tick the box to confirm that you want to see the solution." in refused.content.decode()
    shown = client.post("/lessons/users/2/solution/", {"confirm": "on"}).content.decode()
    assert re.findall(r"<pre data-solution-line>(.*?)</pre>", shown) == ["export AWS_PROFILE=alice"]
    row = StepProgress.objects.get(number=2)
    assert (row.hints_revealed, row.solution_revealed, row.done_at) == (2, True, None)


def test_a_prediction_is_recorded_and_compared(client: Client, lessons: None) -> None:
    open_users_lesson_to_step_3(client)
    client.post("/lessons/users/3/act/", {"line": "aws sts get-caller-identity"})
    client.post("/lessons/users/4/act/")
    page = client.post("/lessons/users/5/act/", {"decision": "Allowed"}).content.decode()
    assert step_status(page) == "done"
    assert '<div class="outcome-box" data-decision="ImplicitlyDenied">' in page
    assert 'data-prediction-correct="false"' in page
    row = StepProgress.objects.get(number=5)
    assert (row.predicted_decision, row.actual_decision, row.prediction_correct) == (
        "Allowed",
        "ImplicitlyDenied",
        False,
    )
    solution = client.post("/lessons/users/5/solution/", {"confirm": "on"}).content.decode()
    assert "<strong data-solution-decision>ImplicitlyDenied</strong>" in solution


def test_two_learners_share_nothing(lessons: None) -> None:
    first, second = Client(), Client()
    open_users_lesson_to_step_3(first)
    first.post("/lessons/users/3/act/", {"line": "aws sts get-caller-identity"})

    other = second.get("/lessons/users/1/").content.decode()
    assert step_status(other) == "open"
    assert second.get("/lessons/users/3/")["Location"] == "/lessons/users/1/"
    assert "AKIAEXAMPLEALICE0001" not in other
    assert Workspace.objects.filter(context="lesson:users").count() == 2
    assert [
        len(w.lines()) for w in Workspace.objects.filter(context="lesson:users").order_by("pk")
    ] == [2, 0]


def test_progress_and_work_carry_over_when_the_learner_signs_in(lessons: None) -> None:
    client = Client()
    open_users_lesson_to_step_3(client)
    workspace = Workspace.objects.get(context="lesson:users")
    student = get_user_model().objects.create_user("sam", password="a-long-lab-password")

    client.force_login(student)

    progress = Progress.objects.get(lesson__slug="users", ended_at__isnull=True)
    assert (progress.owner, progress.session_key) == (student, "")
    page = client.get("/lessons/users/3/").content.decode()
    assert step_status(page) == "open"
    assert '<p data-acting-as="user"><strong>IAM user alice</strong>' in page
    workspace.refresh_from_db()
    assert workspace.owner == student
    assert Progress.objects.count() == 1


def test_resetting_starts_a_fresh_world_and_keeps_the_old_log(
    client: Client, lessons: None
) -> None:
    open_users_lesson_to_step_3(client)
    old = Workspace.objects.get(context="lesson:users")

    response = client.post("/lessons/users/reset/")

    assert response["Location"] == "/lessons/users/1/"
    old.refresh_from_db()
    assert old.ended_at is not None and old.lines() == ["export AWS_PROFILE=alice"]
    assert client.get("/lessons/users/2/")["Location"] == "/lessons/users/1/"
    assert Progress.objects.filter(ended_at__isnull=True).count() == 1
    assert Progress.objects.count() == 2


def tiny_admin_scenario() -> list[dict[str, Any]]:
    """A small world of our own: admin may edit Deployer's trust policy; alice may not assume it."""
    account = ["editor", ACCOUNT]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/admin"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    return [
        {"model": "scenarios.scenario", "fields": {
            "slug": "editor", "title": "Trust editing", "summary": "admin edits a trust policy.",
            "difficulty": "introductory", "start_time": "2026-01-05T09:00:00Z"}},
        {"model": "scenarios.account", "fields": {"scenario": ["editor"], "account_id": ACCOUNT}},
        {"model": "scenarios.user", "fields": {"account": account, "name": "admin"}},
        {"model": "scenarios.user", "fields": {"account": account, "name": "alice"}},
        {"model": "scenarios.accesskey", "fields": {
            "user": [*account, "admin"], "access_key_id": "AKIAEXAMPLEADMIN0001",
            "secret_access_key": "adminSecretKeyExample0000000000000000000"}},
        {"model": "scenarios.accesskey", "fields": {
            "user": [*account, "alice"], "access_key_id": "AKIAEXAMPLEALICE0009",
            "secret_access_key": "aliceSecretKeyExample0000000000000000009"}},
        {"model": "scenarios.inlinepolicy", "fields": {
            "user": [*account, "admin"], "name": "EditTrust",
            "document": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy",
                "Resource": f"arn:aws:iam::{ACCOUNT}:role/Deployer"}]}}},
        {"model": "scenarios.role", "fields": {
            "account": account, "name": "Deployer", "trust_policy": trust}},
    ]  # fmt: skip


TRUSTING_ALICE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AliceDeploys",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringNotEquals": {"aws:PrincipalTag/note": "it's late"}},
        }
    ],
}


@pytest.fixture
def editor_lesson(db: None, tmp_path: Path) -> None:
    scenario = tmp_path / "editor.json"
    scenario.write_text(json.dumps(tiny_admin_scenario()), encoding="utf-8")
    assert load_fixtures([scenario]).problems == []
    lesson = tmp_path / "editor-lesson.json"
    lesson.write_text(
        json.dumps(
            [
                {
                    "model": "lessons.lesson",
                    "fields": {
                        "slug": "trust-edit",
                        "title": "Let alice in",
                        "scenario": ["editor"],
                    },
                },
                {
                    "model": "lessons.step",
                    "fields": {
                        "lesson": ["trust-edit"],
                        "number": 1,
                        "title": "Edit the trust policy",
                        "narrative": "As admin, let alice assume Deployer.",
                        "action": {
                            "kind": "policy",
                            "target": {"trust": "Deployer"},
                            "profile": "admin",
                        },
                        "goal": {
                            "may_assume": {
                                "principal": {"user": "alice"},
                                "role": "Deployer",
                                "allowed": True,
                            }
                        },
                        "hints": ["Name alice's ARN as the principal."],
                        "solution": {"policy": TRUSTING_ALICE},
                    },
                },
            ]
        ),
        encoding="utf-8",
    )
    result = load_lessons([lesson])
    assert [str(p) for p in result.problems] == []


def test_the_policy_editor_starts_from_the_current_document(
    client: Client, editor_lesson: None
) -> None:
    page = client.get("/lessons/trust-edit/1/").content.decode()
    editor = re.search(
        r"<form [^>]*data-policy-editor>.*?"
        r'<textarea id="policy-document" name="document"[^>]*>(.*?)</textarea>',
        page,
        re.DOTALL,
    )
    assert editor is not None
    shown = json.loads(editor.group(1).replace("&quot;", '"'))
    assert shown["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:user/admin"}


def test_bad_json_is_refused_with_its_place_and_logs_nothing(
    client: Client, editor_lesson: None
) -> None:
    page = client.post(
        "/lessons/trust-edit/1/act/", {"document": '{"Version": "2012-10-17",,}'}
    ).content.decode()
    assert (
        '<p class="form-error" role="alert" data-problem>The policy is not valid JSON: Expecting '
        "property name enclosed in double quotes at line 1, column 26.</p>"
    ) in page
    assert step_status(page) == "open"
    assert Workspace.objects.get(context="lesson:trust-edit").entries.count() == 0


def test_a_policy_aws_refuses_is_shown_with_its_place(client: Client, editor_lesson: None) -> None:
    wrong = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Permit", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    page = client.post(
        "/lessons/trust-edit/1/act/", {"document": json.dumps(wrong)}
    ).content.decode()
    assert step_status(page) == "open"
    assert '<div class="outcome-box" data-error-code="MalformedPolicyDocument">' in page
    assert (
        "UpdateAssumeRolePolicy operation: Effect must be &quot;Allow&quot; or &quot;Deny&quot; "
        "(case-sensitive), not &quot;Permit&quot;." in page
    )
    assert (
        '<p class="form-error" data-policy-place>The mistake is at '
        "<code>Statement[0].Effect</code> in your policy.</p>"
    ) in page
    # What the learner wrote stays in the editor, to correct.
    assert "Permit" in re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.DOTALL).group(1)


def test_a_saved_policy_is_the_console_line_aws_needs_and_meets_the_goal(
    client: Client, editor_lesson: None
) -> None:
    page = client.post(
        "/lessons/trust-edit/1/act/", {"document": json.dumps(TRUSTING_ALICE, indent=2)}
    ).content.decode()
    assert step_status(page) == "done"
    workspace = Workspace.objects.get(context="lesson:trust-edit")
    compact = json.dumps(TRUSTING_ALICE, separators=(",", ":")).replace("'", "'\\''")
    assert workspace.lines() == [
        f"aws iam update-assume-role-policy --role-name 'Deployer' --policy-document '{compact}' "
        "--profile 'admin'"
    ]
    assert (
        workspace.world().find_role(f"arn:aws:iam::{ACCOUNT}:role/Deployer").trust_policy
        == TRUSTING_ALICE
    )
    solution = client.post("/lessons/trust-edit/1/solution/", {"confirm": "on"}).content.decode()
    shown = re.search(r"<pre data-solution-policy>(.*?)</pre>", solution, re.DOTALL).group(1)
    assert json.loads(shown.replace("&quot;", '"').replace("&#x27;", "'")) == TRUSTING_ALICE


def test_narratives_are_sanitized_markdown(db: None, tmp_path: Path, client: Client) -> None:
    assert (
        load_fixtures(
            sorted(
                (Path(__file__).resolve().parents[2] / "fixtures" / "scenarios").glob(
                    "iam-roles.json"
                )
            )
        ).problems
        == []
    )
    path = tmp_path / "l.json"
    path.write_text(json.dumps([
        {"model": "lessons.lesson", "fields": {
            "slug": "x", "title": "X", "scenario": ["iam-roles"]}},
        {"model": "lessons.step", "fields": {
            "lesson": ["x"], "number": 1, "title": "T",
            "narrative": "**Bold** <script>alert(1)</script> [bad](javascript:alert(1)) "
                         "[good](https://docs.aws.amazon.com/) <img src=x onerror=alert(1)>",
            "action": {"kind": "read"}, "goal": None, "hints": [], "solution": None}},
    ]), encoding="utf-8")  # fmt: skip
    assert load_lessons([path]).ok
    narrative = re.search(
        r'<div class="narrative">(.*?)</div>',
        client.get("/lessons/x/1/").content.decode(),
        re.DOTALL,
    ).group(1)
    assert narrative == (
        '<p><strong>Bold</strong>  <a rel="noopener noreferrer">bad</a> '
        '<a href="https://docs.aws.amazon.com/" rel="noopener noreferrer">good</a> </p>'
    )


def test_signing_up_keeps_the_lesson_progress_made_before(lessons: None) -> None:
    client = Client()
    open_users_lesson_to_step_3(client)

    response = client.post(
        "/accounts/signup/?next=/lessons/users/3/",
        {"username": "sam", "password1": "a-long-lab-password", "password2": "a-long-lab-password"},
    )

    assert response.status_code == 302 and response["Location"] == "/lessons/users/3/"
    page = client.get("/lessons/users/3/").content.decode()
    assert step_status(page) == "open"
    assert '<p data-acting-as="user"><strong>IAM user alice</strong>' in page
    assert Progress.objects.get().owner.username == "sam"


def test_signing_in_keeps_own_progress_over_anonymous_work(lessons: None) -> None:
    student = get_user_model().objects.create_user("sam", password="a-long-lab-password")
    own = Client()
    own.force_login(student)
    own.post("/lessons/users/1/act/")  # sam's own progress: step 1 done
    visitor = Client()
    open_users_lesson_to_step_3(visitor)  # anonymous: steps 1 and 2 done

    visitor.post("/accounts/login/", {"username": "sam", "password": "a-long-lab-password"})

    mine = Progress.objects.get(owner=student)
    assert mine.steps_done() == {1}
    assert visitor.get("/lessons/users/3/")["Location"] == "/lessons/users/2/"
    anonymous = Progress.objects.get(owner__isnull=True)
    assert anonymous.steps_done() == {1, 2}


def test_a_managed_policy_is_saved_as_a_new_default_version(db: None, tmp_path: Path) -> None:
    from iamlab.lessons.actions import action_problems, current_document, policy_line
    from iamlab.world import World
    from iamlab.world.cli import Console
    from iamlab.world.examples import iam_roles_spec

    world = World.from_spec(iam_roles_spec())
    target = {"managed_policy": "ReportsReadOnly"}
    assert action_problems(world, {"kind": "policy", "target": target, "profile": "carol"}) == []
    document = current_document(world, target)
    assert document is not None and document["Statement"][0]["Sid"] == "ListReports"
    line = policy_line(target, "carol", {"Version": "2012-10-17", "Statement": []}, world)
    assert line == (
        "aws iam create-policy-version --policy-arn "
        "'arn:aws:iam::111122223333:policy/ReportsReadOnly' "
        """--policy-document '{"Version":"2012-10-17","Statement":[]}' --set-as-default """
        "--profile 'carol'"
    )
    assert [
        p.message
        for p in action_problems(
            world,
            {"kind": "policy", "target": {"managed_policy": "ReportsReadOnli"}, "profile": "carol"},
        )
    ] == [
        'the scenario has no customer managed policy "ReportsReadOnli". Did you mean '
        '"ReportsReadOnly"? Its customer managed policies: ReportsPublish, ReportsReadOnly.'
    ]
    # The line reaches IAM as CreatePolicyVersion (carol may not make it).
    result = Console(world).run(line)
    assert result.exit_code == 254
    assert "is not authorized to perform: iam:CreatePolicyVersion on resource: " in result.stderr


def test_every_diagram_is_an_inline_svg_in_a_figure_with_a_caption(
    client: Client, lessons: None
) -> None:
    first = client.get("/lessons/roles/1/").content.decode()
    assert "<figure" not in first
    assert (
        "<p>Nobody has assumed a role yet in your lesson world, so the session graph is empty.</p>"
        in first
    )
    client.post("/lessons/roles/1/act/", {"line": "export AWS_PROFILE=alice"})
    client.post("/lessons/roles/1/act/", {"line": "aws sts get-caller-identity"})
    client.post("/lessons/roles/2/act/", {"line": "aws iam get-role --role-name ReportPublisher"})
    page = client.post("/lessons/roles/3/act/").content.decode()
    figures = re.findall(r"<figure .*?</figure>", page, re.DOTALL)
    assert len(figures) == 2
    for figure in figures:
        assert re.search(r"<figcaption [^>]*>[^<]+</figcaption>", figure)
        assert "<svg" in figure
    assert "How the decision on call #3 (sts:AssumeRole) was reached" in figures[0]
    assert "alice-publishing" in figures[1]
    assert "data-empty-session-graph" not in page


def test_after_an_htmx_action_the_diagrams_follow_in_a_second_request(
    client: Client, lessons: None
) -> None:
    client.post("/lessons/roles/1/act/", {"line": "export AWS_PROFILE=alice"})
    client.post("/lessons/roles/1/act/", {"line": "aws sts get-caller-identity"})
    client.post("/lessons/roles/2/act/", {"line": "aws iam get-role --role-name ReportPublisher"})

    acted = client.post("/lessons/roles/3/act/", headers={"HX-Request": "true"}).content.decode()

    assert "<figure" not in acted
    assert (
        '<div id="step-figures" class="step-figures" hx-get="/lessons/roles/3/diagrams/" '
        'hx-trigger="load" hx-swap="outerHTML">'
    ) in acted
    assert '<div class="outcome-box" data-decision="Allowed">' in acted
    drawn = client.get("/lessons/roles/3/diagrams/", headers={"HX-Request": "true"})
    figures = re.findall(r"<figure .*?</figure>", drawn.content.decode(), re.DOTALL)
    assert (
        drawn.content.decode().lstrip().startswith('<div id="step-figures" class="step-figures">')
    )
    assert len(figures) == 2 and "alice-publishing" in figures[1]
    assert client.get("/lessons/roles/3/diagrams/")["Location"] == "/lessons/roles/3/"


def test_a_scenario_that_no_longer_builds_says_so_instead_of_failing(
    client: Client, lessons: None
) -> None:
    from iamlab.scenarios.models import Role

    open_users_lesson_to_step_3(client)
    # Content broken behind the loader's back (an admin edit): the trust policy is invalid.
    role = Role.objects.get(name="ReportPublisher", account__scenario__slug="iam-roles")
    role.trust_policy = {"Statement": "nonsense"}
    role.save()

    response = client.get("/lessons/users/3/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "The scenario &#x27;iam-roles&#x27; cannot be built into a world right now" in body


def test_what_a_learner_types_comes_back_as_text(client: Client, lessons: None) -> None:
    client.post("/lessons/users/1/act/")
    payload = "<script>alert(1)</script>"
    client.post("/lessons/users/2/act/", {"line": f"echo '{payload}'"})

    page = client.get("/lessons/users/2/").content.decode()

    assert payload not in page
    assert (
        '<pre class="console-line"><span aria-hidden="true">$ </span>'
        "echo &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;</pre>"
    ) in page
    assert '<pre class="console-stdout">&lt;script&gt;alert(1)&lt;/script&gt;\n</pre>' in page


def test_a_step_page_and_an_action_read_a_bounded_number_of_rows(
    client: Client, lessons: None, django_assert_max_num_queries
) -> None:
    open_users_lesson_to_step_3(client)
    client.get("/lessons/users/3/")
    # The lesson's content versions (its steps are kept by the process), the session, the
    # progress with its workspace and the log's last line number (the page is kept under
    # it: the learner's world is not restored), its step rows.
    with django_assert_max_num_queries(4):
        page = client.get("/lessons/users/3/")
    assert step_status(page.content.decode()) == "open"
    # The four above, the log after the snapshot (restoring the world), then the run: a
    # savepoint, the workspace locked, the log read again, the line appended, the
    # savepoint released, and one write each for the step's row and the lesson's.
    with django_assert_max_num_queries(12):
        client.post("/lessons/users/3/act/", {"line": "aws sts get-caller-identity"})
