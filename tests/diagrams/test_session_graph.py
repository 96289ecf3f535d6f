"""The session graph: who assumed what, what each session touched, in time order."""

from __future__ import annotations

from typing import Any

import pytest

from iamlab.diagrams.graph import to_dot
from iamlab.diagrams.legend import EdgeKind, Mark, NodeKind
from iamlab.diagrams.sessions import session_graph
from iamlab.world import AwsError, World
from iamlab.world.credentials import Credentials
from iamlab.world.examples import ACCOUNT_ID, CAROL_KEY_ID, OIDC_PROVIDER_ARN, iam_roles_spec
from tests.cast import arn, policy, trust
from tests.diagrams.worlds import edges, node_by_title

PUBLISHER = f"arn:aws:iam::{ACCOUNT_ID}:role/ReportPublisher"


def chaining_spec() -> dict[str, Any]:
    """The iam-roles world plus a role that ReportPublisher's sessions may assume."""
    spec = iam_roles_spec()
    spec["accounts"][0]["roles"].append(
        {"name": "Archiver", "trust_policy": trust({"AWS": arn("role", "ReportPublisher")})}
    )
    return spec


def attempt(
    world: World,
    credentials: Credentials | None,
    service: str,
    operation: str,
    params: dict[str, Any],
) -> dict[str, Any] | None:
    """Make a call; a refusal is part of the story, so return None instead of raising."""
    try:
        return world.call(credentials, service, operation, params)
    except AwsError:
        return None


@pytest.fixture
def story() -> World:
    """alice is refused a write, assumes ReportPublisher, writes, chains, and waits."""
    world = World.from_spec(chaining_spec())
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    attempt(
        world, alice, "s3", "PutObject", {"Bucket": "example-reports", "Key": "q2.csv", "Body": "x"}
    )
    response = attempt(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "alice-publishing"},
    )
    assert response is not None
    publisher = Credentials.from_response(response)
    attempt(
        world,
        publisher,
        "s3",
        "PutObject",
        {"Bucket": "example-reports", "Key": "q2.csv", "Body": "x"},
    )
    chained = attempt(
        world,
        publisher,
        "sts",
        "AssumeRole",
        {"RoleArn": arn("role", "Archiver"), "RoleSessionName": "archiving"},
    )
    assert chained is not None
    world.advance(3601)
    attempt(world, publisher, "s3", "GetObject", {"Bucket": "example-reports", "Key": "q1.csv"})
    return world


def test_every_call_is_a_numbered_arrow_with_its_outcome(story: World) -> None:
    assert edges(session_graph(story)) == {
        (
            "alice",
            "example-reports/q2.csv",
            EdgeKind.DENIED,
            "#1 s3:PutObject\ndenied (identity-based policy)",
        ),
        ("alice", "session alice-publishing", EdgeKind.ALLOWED, "#2 sts:AssumeRole\nallowed"),
        ("session alice-publishing", "ReportPublisher", EdgeKind.BELONGS_TO, ""),
        (
            "session alice-publishing",
            "example-reports/q2.csv",
            EdgeKind.ALLOWED,
            "#3 s3:PutObject\nallowed",
        ),
        (
            "session alice-publishing",
            "session archiving",
            EdgeKind.ALLOWED,
            "#4 sts:AssumeRole\nallowed",
        ),
        ("session archiving", "Archiver", EdgeKind.BELONGS_TO, ""),
        (
            "session alice-publishing",
            "example-reports/q1.csv",
            EdgeKind.DENIED,
            "#5 s3:GetObject\nfailed: ExpiredToken",
        ),
    }


def test_sessions_show_role_expiry_and_expired_state(story: World) -> None:
    diagram = session_graph(story)
    publishing = node_by_title(diagram, "session alice-publishing")
    assert publishing.kind is NodeKind.SESSION
    assert publishing.details[0] == "role ReportPublisher"
    assert "expires 2026-01-05 10:00:00 UTC" in publishing.details
    assert Mark.EXPIRED in publishing.marks
    assert "live" not in publishing.details
    archiving = node_by_title(diagram, "session archiving")
    assert "chained: assumed by a role session" in archiving.details
    # A chained session lasts at most one hour, so it has expired too.
    assert Mark.EXPIRED in archiving.marks


def test_a_live_session_says_so(story: World) -> None:
    world = World.from_spec(iam_roles_spec())
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    attempt(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": PUBLISHER, "RoleSessionName": "alice-publishing"},
    )
    world.advance(3599)
    session = node_by_title(session_graph(world), "session alice-publishing")
    assert Mark.EXPIRED not in session.marks
    assert session.details[-1] == "live"


def test_expired_sessions_are_drawn_dashed_and_say_expired(story: World) -> None:
    dot = to_dot(session_graph(story))
    line = next(line for line in dot.splitlines() if "<B>session archiving</B>" in line)
    assert 'style="dashed,filled"' in line
    assert '<BR/>EXPIRED> class="session expired"' in line


def test_the_latest_caller_is_current_unless_told_otherwise(story: World) -> None:
    diagram = session_graph(story)
    current = [node.title for node in diagram.nodes.values() if Mark.CURRENT in node.marks]
    assert current == ["session alice-publishing"]
    assert diagram.summary.endswith("Current caller: session alice-publishing.")
    chosen = session_graph(story, current=f"arn:aws:iam::{ACCOUNT_ID}:user/alice")
    assert [n.title for n in chosen.nodes.values() if Mark.CURRENT in n.marks] == ["alice"]


def test_denied_assume_role_points_at_the_role_with_the_policy_type() -> None:
    world = World.from_spec(iam_roles_spec())
    alice = world.credentials_for_user(ACCOUNT_ID, "alice")
    attempt(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": arn("role", "service-role/lambda-admin-role"), "RoleSessionName": "try"},
    )
    assert edges(session_graph(world)) == {
        (
            "alice",
            "lambda-admin-role",
            EdgeKind.DENIED,
            "#1 sts:AssumeRole\ndenied (role trust policy)",
        ),
    }


def test_a_service_acting_for_a_function_is_drawn_with_its_session() -> None:
    world = World.from_spec(iam_roles_spec())
    carol = world.credentials_for_user(ACCOUNT_ID, "carol")
    attempt(world, carol, "lambda", "Invoke", {"FunctionName": "report-builder"})
    diagram = session_graph(world)
    found = edges(diagram)
    assert (
        "carol",
        "report-builder",
        EdgeKind.ALLOWED,
        "#1 lambda:InvokeFunction\nallowed",
    ) in found
    assert (
        "lambda.amazonaws.com",
        "session report-builder",
        EdgeKind.ALLOWED,
        "#2 sts:AssumeRole\nallowed (for #1)",
    ) in found
    assert node_by_title(diagram, "lambda.amazonaws.com").kind is NodeKind.SERVICE
    assert node_by_title(diagram, "lambda.amazonaws.com").cluster is None
    assert node_by_title(diagram, "report-builder").cluster == ACCOUNT_ID


def test_text_alternative_lists_the_calls_in_order(story: World) -> None:
    diagram = session_graph(story)
    assert diagram.summary == (
        "5 calls by 1 identity; 2 sessions, 2 expired at world time 2026-01-05 10:00:01 UTC. "
        "Current caller: session alice-publishing."
    )
    assert diagram.facts == [
        "#1: alice called s3:PutObject on example-reports/q2.csv: denied (identity-based policy).",
        "#2: alice called sts:AssumeRole and received session alice-publishing "
        "(role ReportPublisher, expired).",
        "#3: session alice-publishing called s3:PutObject on example-reports/q2.csv: allowed.",
        "#4: session alice-publishing called sts:AssumeRole and received session archiving "
        "(role Archiver, expired).",
        "#5: session alice-publishing called s3:GetObject on example-reports/q1.csv: "
        "failed: ExpiredToken.",
    ]


def test_an_empty_log_says_nothing_happened_yet() -> None:
    diagram = session_graph(World.from_spec(iam_roles_spec()))
    assert diagram.nodes == {}
    assert diagram.summary == (
        "No calls have been made in this world yet (world time 2026-01-05 09:00:00 UTC)."
    )


def test_a_federated_sign_in_comes_from_its_identity_provider() -> None:
    world = World.from_spec(iam_roles_spec())
    token = world.mint_web_identity_token(
        OIDC_PROVIDER_ARN, "repo:example-org/reports:ref:refs/heads/main"
    )
    attempt(
        world,
        None,
        "sts",
        "AssumeRoleWithWebIdentity",
        {
            "RoleArn": arn("role", "GitHubActionsDeploy"),
            "RoleSessionName": "deploy-1",
            "WebIdentityToken": token,
        },
    )
    diagram = session_graph(world)
    assert edges(diagram) == {
        (
            "token.actions.githubusercontent.com",
            "session deploy-1",
            EdgeKind.ALLOWED,
            "#1 sts:AssumeRoleWithWebIdentity\nallowed",
        ),
        ("session deploy-1", "GitHubActionsDeploy", EdgeKind.BELONGS_TO, ""),
    }
    provider = node_by_title(diagram, "token.actions.githubusercontent.com")
    assert provider.kind is NodeKind.PROVIDER
    assert provider.details == ["OIDC provider (federated users)"]


def test_a_session_shows_its_source_identity() -> None:
    spec = iam_roles_spec()
    spec["accounts"][0]["roles"].append(
        {
            "name": "Traced",
            "trust_policy": policy(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": arn("user", "alice")},
                    "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
                }
            ),
        }
    )
    alice = spec["accounts"][0]["users"][0]
    assert alice["name"] == "alice"
    alice.setdefault("inline_policies", []).append(
        {
            "name": "AssumeTraced",
            "document": policy(
                {
                    "Effect": "Allow",
                    "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
                    "Resource": arn("role", "Traced"),
                }
            ),
        }
    )
    world = World.from_spec(spec)
    credentials = world.credentials_for_user(ACCOUNT_ID, "alice")
    response = attempt(
        world,
        credentials,
        "sts",
        "AssumeRole",
        {
            "RoleArn": arn("role", "Traced"),
            "RoleSessionName": "traced",
            "SourceIdentity": "alice-laptop",
        },
    )
    assert response is not None
    session = node_by_title(session_graph(world), "session traced")
    assert "source identity alice-laptop" in session.details


def test_a_key_the_world_does_not_know_is_shown_as_such() -> None:
    world = World.from_spec(iam_roles_spec())
    attempt(world, Credentials("AKIAUNKNOWNKEY000001", "x" * 40), "sts", "GetCallerIdentity", {})
    diagram = session_graph(world)
    caller = node_by_title(diagram, "unrecognised credentials")
    assert caller.details == ["key AKIAUNKNOWNKEY000001"]
    assert len(diagram.edges) == 1
    assert diagram.edges[0].kind is EdgeKind.DENIED
    assert diagram.edges[0].label == "#1 sts:GetCallerIdentity\nfailed: InvalidClientTokenId"


def test_the_current_caller_stands_out_even_before_acting(story: World) -> None:
    diagram = session_graph(story, current=CAROL_KEY_ID)
    carol = node_by_title(diagram, "carol")
    assert carol.marks == {Mark.CURRENT}
    assert carol.details == ["IAM user"]
    assert diagram.summary.endswith("Current caller: carol.")
