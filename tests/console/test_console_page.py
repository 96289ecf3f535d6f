"""The console page: commands through htmx and without JavaScript, the panel, export, reset,
the downloadable script that `manage.py labshell` replays, and hostile input."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from iamlab.scenarios.models import Scenario, Workspace
from tests.cast import PUBLISHER

pytestmark = pytest.mark.django_db

ASSUME = (
    f"aws sts assume-role --role-arn {PUBLISHER} --role-session-name alice-publish --profile alice"
)
HX = {"HTTP_HX_REQUEST": "true"}


def entries(content: str) -> list[tuple[str, str]]:
    """Return (exit code, command) of each history entry in a page or fragment."""
    found = re.findall(
        r'data-exit-code="(\d+)">\s*<pre class="terminal-command">'
        r'<span class="terminal-dollar" aria-hidden="true">\$ </span>(.*?)</pre>',
        content,
        re.S,
    )
    return [(code, html.unescape(line)) for code, line in found]


def workspace_of(client: Client, scenario: Scenario) -> Workspace:
    return Workspace.objects.get(
        scenario=scenario, session_key=client.session.session_key, ended_at__isnull=True
    )


def test_page_has_the_console_component_and_the_panel(client: Client, iam_roles: Scenario) -> None:
    response = client.get("/console/iam-roles/")

    content = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<form data-console method="post" action="/console/iam-roles/run/"', content)
    assert '<input id="console-line" name="line"' in content
    assert "<li><code>--profile alice</code></li><li><code>--profile carol</code></li>" in content
    assert '<time datetime="2026-01-05T09:00:00+00:00">2026-01-05 09:00:00 UTC</time>' in content
    completions = json.loads(html.unescape(re.search(r'data-completions="([^"]*)"', content)[1]))
    assert "assume-role" in completions["services"]["sts"]
    assert completions["profiles"] == ["alice", "carol"]
    assert PUBLISHER in completions["roles"]
    assert "export" in completions["commands"] and "aws" in completions["commands"]


def test_command_without_javascript_posts_and_redirects_to_the_history(
    client: Client, iam_roles: Scenario
) -> None:
    response = client.post("/console/iam-roles/run/", {"line": ASSUME})

    assert response.status_code == 302
    assert response["Location"] == "/console/iam-roles/"
    page = client.get("/console/iam-roles/").content.decode()
    assert entries(page) == [("0", ASSUME)]
    assert '"Arn": "arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publish"' in (
        html.unescape(page)
    )
    assert workspace_of(client, iam_roles).lines() == [ASSUME]


def test_command_through_htmx_answers_its_entry_and_the_panel_out_of_band(
    client: Client, iam_roles: Scenario
) -> None:
    response = client.post(
        "/console/iam-roles/run/", {"line": "aws s3 ls s3://example-reports --profile bob"}, **HX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert entries(content) == [("253", "aws s3 ls s3://example-reports --profile bob")]
    assert (
        '<pre class="terminal-stderr" aria-label="error output">\n'
        "The config profile (bob) could not be found\n</pre>"
    ) in content
    assert '<aside id="console-panel" class="console-panel"' in content
    assert (
        'id="console-panel" class="console-panel" aria-labelledby="console-panel-heading" '
        'hx-swap-oob="true"' in content
    )
    assert response["HX-Trigger"] == "console-changed"
    assert 'id="console-graph"' not in content
    assert "<html" not in content


def test_graph_fragment_is_the_session_graph_htmx_refreshes(
    client: Client, iam_roles: Scenario
) -> None:
    client.post("/console/iam-roles/run/", {"line": ASSUME})
    page = client.get("/console/iam-roles/").content.decode()
    assert (
        '<section id="console-graph" class="console-graph" aria-label="Session graph"\n'
        '         hx-get="/console/iam-roles/graph/" hx-trigger="console-changed from:body" '
        'hx-swap="outerHTML">'
    ) in page

    fragment = client.get("/console/iam-roles/graph/").content.decode()
    assert fragment.lstrip().startswith('<section id="console-graph"')
    assert "Who assumed what in IAM roles: assume, act, expire" in fragment
    assert "alice-publish" in fragment


def test_export_types_the_three_lines_and_the_panel_shows_the_session(
    client: Client, iam_roles: Scenario
) -> None:
    client.post("/console/iam-roles/run/", {"line": ASSUME})
    response = client.post("/console/iam-roles/export/", {}, **HX)

    lines = [line for _code, line in entries(response.content.decode())]
    assert [line.split("=")[0] for line in lines] == [
        "export AWS_ACCESS_KEY_ID",
        "export AWS_SECRET_ACCESS_KEY",
        "export AWS_SESSION_TOKEN",
    ]
    assert lines[0].removeprefix("export AWS_ACCESS_KEY_ID=").startswith("ASIA")
    content = response.content.decode()
    assert (
        "<code>arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publish</code> "
        "(a role session)"
    ) in content
    assert 'expire at\n            <time datetime="2026-01-05T10:00:00+00:00">' in content
    assert workspace_of(client, iam_roles).lines()[1:] == lines


def test_export_without_a_session_says_what_to_do_and_runs_nothing(
    client: Client, iam_roles: Scenario
) -> None:
    response = client.post("/console/iam-roles/export/", {})

    assert response.status_code == 400
    assert "No role session to export yet: assume a role first" in response.content.decode()
    assert workspace_of(client, iam_roles).lines() == []


def test_clock_buttons_run_sleep_lines_so_they_are_in_the_log(
    client: Client, iam_roles: Scenario
) -> None:
    page = client.get("/console/iam-roles/").content.decode()
    assert '<button type="submit" name="line" value="sleep 3600">+1 hour</button>' in page

    client.post("/console/iam-roles/run/", {"line": "sleep 3600"})

    page = client.get("/console/iam-roles/").content.decode()
    assert '<time datetime="2026-01-05T10:00:00+00:00">2026-01-05 10:00:00 UTC</time>' in page
    assert workspace_of(client, iam_roles).lines() == ["sleep 3600"]


def test_expired_session_shows_expired_and_expired_token(
    client: Client, iam_roles: Scenario
) -> None:
    client.post("/console/iam-roles/run/", {"line": ASSUME})
    client.post("/console/iam-roles/export/", {})
    client.post("/console/iam-roles/run/", {"line": "sleep 3601"})
    response = client.post(
        "/console/iam-roles/run/", {"line": "aws s3 ls s3://example-reports"}, **HX
    )

    content = response.content.decode()
    assert '<strong class="decision-denied">expired</strong> at' in content
    assert "An error occurred (ExpiredToken) when calling the ListObjectsV2 operation" in content


def test_each_logged_call_links_to_its_evaluation(client: Client, iam_roles: Scenario) -> None:
    client.post("/console/iam-roles/run/", {"line": ASSUME})

    page = client.get("/console/iam-roles/").content.decode()
    assert (
        '<a href="/diagrams/scenarios/iam-roles/evaluation/?event=1">#1 sts:AssumeRole</a>' in page
    )


def test_reset_needs_confirmation_then_starts_a_fresh_workspace(
    client: Client, iam_roles: Scenario
) -> None:
    client.post("/console/iam-roles/run/", {"line": "sleep 60"})
    old = workspace_of(client, iam_roles)

    refused = client.post("/console/iam-roles/reset/", {})
    assert refused.status_code == 400
    assert "Tick “Yes, start again” to reset the workspace." in refused.content.decode()
    assert workspace_of(client, iam_roles).pk == old.pk

    response = client.post("/console/iam-roles/reset/", {"confirm": "yes"})
    assert response.status_code == 302
    fresh = workspace_of(client, iam_roles)
    assert fresh.pk != old.pk and fresh.lines() == []
    assert entries(client.get("/console/iam-roles/").content.decode()) == []


def test_downloaded_script_replays_to_the_same_output(client: Client, iam_roles: Scenario) -> None:
    lines = [
        "aws sts get-caller-identity --profile alice",
        ASSUME,
        "sleep 600",
        "aws s3 ls s3://example-reports --profile alice",
        "aws iam get-role --role-name nobody --profile carol",
    ]
    for line in lines:
        client.post("/console/iam-roles/run/", {"line": line})
    client.post("/console/iam-roles/export/", {})
    client.post("/console/iam-roles/run/", {"line": "aws sts get-caller-identity"})
    expected = workspace_of(client, iam_roles).transcript()

    response = client.get("/console/iam-roles/session.sh")
    assert response["Content-Disposition"] == 'attachment; filename="iam-roles-session.sh"'
    script = response.content.decode()
    assert script.splitlines()[0] == "# IAM Lab console session in the scenario iam-roles."
    out = io.StringIO()
    call_command("labshell", scenario="iam-roles", json=True, stdin=io.StringIO(script), stdout=out)

    replayed = [json.loads(record) for record in out.getvalue().splitlines()]
    assert [(r["command"], r["exit_code"], r["stdout"], r["stderr"]) for r in replayed] == [
        (line, res.exit_code, res.stdout, res.stderr) for line, res in expected
    ]
    assert len(replayed) == 9


def test_unknown_scenario_is_404(client: Client, db: None) -> None:
    assert client.get("/console/nothing-here/").status_code == 404
    assert client.post("/console/nothing-here/run/", {"line": "date"}).status_code == 404


def test_index_links_each_scenario(client: Client, iam_roles: Scenario) -> None:
    content = client.get("/console/").content.decode()
    assert '<a href="/console/iam-roles/">IAM roles: assume, act, expire</a>' in content


# --- hostile input --------------------------------------------------------------------------


def test_a_megabyte_command_is_refused_before_it_runs(client: Client, iam_roles: Scenario) -> None:
    line = "echo " + "A" * 1_048_576
    response = client.post("/console/iam-roles/run/", {"line": line}, **HX)

    content = response.content.decode()
    assert response.status_code == 200
    assert (
        '<p id="console-refusal" class="terminal-refusal" role="alert" hx-swap-oob="true">'
        "A command is at most 4096 characters long.</p>"
    ) in content
    assert "AAAAAAAAAA" not in content
    assert workspace_of(client, iam_roles).lines() == []


def test_a_megabyte_command_without_javascript_is_a_400_page_that_says_why(
    client: Client, iam_roles: Scenario
) -> None:
    response = client.post("/console/iam-roles/run/", {"line": "x" * 1_048_576})

    assert response.status_code == 400
    assert "A command is at most 4096 characters long." in response.content.decode()
    assert "xxxxxxxxxx" not in response.content.decode()


def test_a_line_break_is_refused(client: Client, iam_roles: Scenario) -> None:
    response = client.post("/console/iam-roles/run/", {"line": "date\nsleep 5"}, **HX)

    assert "Run one command at a time: the line holds a line break." in response.content.decode()


def test_markup_and_control_characters_are_shown_as_text(
    client: Client, iam_roles: Scenario
) -> None:
    line = 'echo "<script>alert(1)</script><svg onload=x>\x1b[31m\x07"'
    response = client.post("/console/iam-roles/run/", {"line": line}, **HX)

    content = response.content.decode()
    assert "<script>alert" not in content and "<svg onload" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;svg onload=x&gt;\u241b[31m\u2407" in content
    assert "\x1b" not in content and "\x07" not in content


def test_a_policy_nested_ten_thousand_deep_is_refused_by_its_size(
    client: Client, iam_roles: Scenario
) -> None:
    document = "[" * 10_000 + "]" * 10_000
    line = (
        "aws iam put-user-policy --user-name alice --policy-name deep "
        f"--policy-document '{document}'"
    )
    response = client.post("/console/iam-roles/run/", {"line": line}, **HX)

    assert "A command is at most 4096 characters long." in response.content.decode()
    assert workspace_of(client, iam_roles).lines() == []


def test_a_deep_policy_that_fits_the_line_gets_the_aws_error_not_a_crash(
    client: Client, iam_roles: Scenario
) -> None:
    document = "[" * 1900 + "]" * 1900
    line = (
        "aws iam put-role-policy --role-name ReportPublisher --policy-name deep "
        f"--policy-document '{document}'"
    )
    response = client.post("/console/iam-roles/run/", {"line": line + " --profile alice"}, **HX)

    [(code, command)] = entries(response.content.decode())
    assert (code, command) == ("254", line + " --profile alice")
    assert "could not run this command" not in response.content.decode()


def test_kept_history_follows_the_log_and_is_rebuilt_when_it_does_not(
    client: Client, iam_roles: Scenario
) -> None:
    from django.core.cache import cache

    from iamlab.console.terminal import HISTORY_PREFIX, history
    from iamlab.scenarios.snapshots import code_fingerprint

    client.post("/console/iam-roles/run/", {"line": "date"})
    client.post("/console/iam-roles/run/", {"line": "sleep 60"})
    workspace = workspace_of(client, iam_roles)
    version = f"{code_fingerprint()}:{iam_roles.content_version}"
    kept = cache.get(
        f"{HISTORY_PREFIX}{version}:{workspace.pk}:{workspace.created_at.isoformat()}:0"
    )
    assert [values[0] for values in kept] == ["date", "sleep 60"]

    workspace.run("date")  # another tab, which the kept history has not seen
    entries, hidden = history(workspace)
    assert hidden == 0
    assert [(e.line, e.exit_code, e.stdout) for e in entries] == [
        (line, result.exit_code, result.stdout) for line, result in workspace.transcript()
    ]
    assert entries[2].stdout == "Mon Jan  5 09:01:00 UTC 2026\n"


def test_page_shows_the_latest_hundred_entries_and_says_how_many_are_hidden(
    client: Client, iam_roles: Scenario
) -> None:
    client.get("/console/iam-roles/")
    session = workspace_of(client, iam_roles).session()
    for number in range(105):
        session.run(f"echo line-{number}")

    page = client.get("/console/iam-roles/").content.decode()
    shown = entries(page)
    assert len(shown) == 100
    assert shown[0] == ("0", "echo line-5") and shown[-1] == ("0", "echo line-104")
    assert (
        '5 earlier commands not shown; <a href="/console/iam-roles/session.sh" download>'
        "download the session</a> to see every line."
    ) in page
    # Served from the kept history the second time: the same entries.
    assert entries(client.get("/console/iam-roles/").content.decode()) == shown


def test_kept_history_is_not_reused_after_the_scenario_changes(
    client: Client, iam_roles: Scenario
) -> None:
    client.post(
        "/console/iam-roles/run/", {"line": "aws iam get-user --user-name carol --profile carol"}
    )
    before = entries(client.get("/console/iam-roles/").content.decode())
    # An instructor renames carol's path: her ARN in the output changes with the content.
    from iamlab.scenarios.models import User

    carol = User.objects.get(account__scenario=iam_roles, name="carol")
    carol.path = "/admins/"
    carol.save()

    page = html.unescape(client.get("/console/iam-roles/").content.decode())
    assert entries(page) == before
    assert '"Arn": "arn:aws:iam::111122223333:user/admins/carol"' in page


def test_commands_keep_their_entries_so_the_page_replays_nothing(
    client: Client,
    iam_roles: Scenario,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries,
) -> None:
    client.get("/console/iam-roles/")
    # Restore, lock, catch up, append: the session reads the log once under the lock and
    # shows the world its line left without reading it again.
    with django_assert_max_num_queries(9):
        client.post("/console/iam-roles/run/", {"line": "date"}, **HX)
    client.post("/console/iam-roles/export/", **HX)  # nothing to export: refused, nothing kept
    client.post("/console/iam-roles/run/", {"line": ASSUME}, **HX)
    client.post("/console/iam-roles/export/", **HX)

    def replayed(*args: object) -> None:
        raise AssertionError("the page rebuilt the history from the log")

    monkeypatch.setattr(Workspace, "transcript", replayed)
    shown = entries(client.get("/console/iam-roles/").content.decode())
    assert [line for _code, line in shown] == [
        "date",
        ASSUME,
        *[line for line in workspace_of(client, iam_roles).lines()[2:]],
    ]
    assert len(shown) == 5 and all(code == "0" for code, _line in shown)
