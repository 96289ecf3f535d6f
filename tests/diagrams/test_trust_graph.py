"""The trust graph: every arrow is the engine's decision, drawn to survive greyscale."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from iamlab.diagrams.graph import to_dot
from iamlab.diagrams.legend import EdgeKind, Mark, NodeKind
from iamlab.diagrams.trust import trust_graph
from iamlab.diagrams.trust_analysis import trust_audience
from iamlab.world import World
from iamlab.world.examples import iam_roles_spec
from tests.cast import ACCOUNT, arn, policy, trust
from tests.diagrams.worlds import edges, escalation_spec, may_assume, node_by_title

MFA = "if aws:MultiFactorAuthPresent = true"
PASS_TO_LAMBDA = "iam:PassRole to lambda.amazonaws.com"


@pytest.fixture(scope="module")
def escalation_world() -> World:
    return World.from_spec(escalation_spec())


def test_edges_are_exactly_what_the_engine_allows(escalation_world: World) -> None:
    assert edges(trust_graph(escalation_world)) == {
        ("eve", "Operator", EdgeKind.ALLOWED, ""),
        ("Operator", "Breakglass", EdgeKind.ALLOWED, ""),
        ("lambda.amazonaws.com", "LambdaAdmin", EdgeKind.ALLOWED, ""),
        ("bob", "Auditor", EdgeKind.CONDITIONAL, MFA),
        ("trent", "Auditor", EdgeKind.CONDITIONAL, MFA),
        ("Breakglass", "Auditor", EdgeKind.CONDITIONAL, MFA),
        ("LambdaAdmin", "Auditor", EdgeKind.CONDITIONAL, MFA),
        ("trent", "Unused", EdgeKind.ALLOWED, ""),
        ("Breakglass", "Unused", EdgeKind.ALLOWED, ""),
        ("LambdaAdmin", "Unused", EdgeKind.ALLOWED, ""),
        (
            "Account 444455556666",
            "PartnerAccess",
            EdgeKind.CONDITIONAL,
            "if sts:ExternalId = Unicorn42",
        ),
        ("mallory", "LambdaAdmin", EdgeKind.PASS_ROLE, PASS_TO_LAMBDA),
        ("trent", "LambdaAdmin", EdgeKind.PASS_ROLE, PASS_TO_LAMBDA),
        ("Breakglass", "LambdaAdmin", EdgeKind.PASS_ROLE, PASS_TO_LAMBDA),
        ("LambdaAdmin", "LambdaAdmin", EdgeKind.PASS_ROLE, PASS_TO_LAMBDA),
    }


@pytest.mark.parametrize("spec", [escalation_spec, iam_roles_spec], ids=["escalation", "iam-roles"])
def test_filter_never_hides_a_pair_the_engine_allows(spec: Callable[[], dict[str, Any]]) -> None:
    world = World.from_spec(spec())
    diagram = trust_graph(world)
    drawn = {(edge.tail, edge.head) for edge in diagram.edges if edge.kind is EdgeKind.ALLOWED}
    roles = [role for account in world.accounts.values() for role in account.roles.values()]
    callers = [
        (f"principal:{p.arn}", p.arn, "sts:AssumeRole")
        for account in world.accounts.values()
        for p in [*account.users.values(), *account.roles.values()]
    ]
    callers += [
        (
            f"principal:{provider.arn}",
            provider.arn,
            "sts:AssumeRoleWithWebIdentity"
            if provider.type == "oidc"
            else "sts:AssumeRoleWithSAML",
        )
        for account in world.accounts.values()
        for provider in account.identity_providers.values()
    ]
    callers += [("service:lambda.amazonaws.com", "lambda.amazonaws.com", "sts:AssumeRole")]
    allowed = {
        (key, f"principal:{role.arn}")
        for key, caller_arn, action in callers
        for role in roles
        if world.simulate(caller_arn, action, role.arn)["decision"] == "Allowed"
    }
    assert drawn == allowed


def test_administrators_and_who_can_reach_them_are_marked(escalation_world: World) -> None:
    diagram = trust_graph(escalation_world)
    marks = {node.title: node.marks for node in diagram.nodes.values()}
    assert marks["trent"] == {Mark.ADMIN}
    assert marks["Breakglass"] == {Mark.ADMIN}
    assert marks["LambdaAdmin"] == {Mark.ADMIN}
    # eve reaches Breakglass through Operator; mallory by passing LambdaAdmin to Lambda.
    assert marks["eve"] == {Mark.REACHES_ADMIN}
    assert marks["Operator"] == {Mark.REACHES_ADMIN}
    assert marks["mallory"] == {Mark.REACHES_ADMIN}
    assert marks["bob"] == set()
    assert marks["Auditor"] == set()
    assert marks["Unused"] == set()
    # A service assuming an admin role is what the role is for, not an escalation.
    assert marks["lambda.amazonaws.com"] == set()


def test_admin_marks_are_drawn_with_a_double_outline_and_a_word(escalation_world: World) -> None:
    dot = to_dot(trust_graph(escalation_world))
    eve = next(line for line in dot.splitlines() if "<B>eve</B>" in line)
    assert "peripheries=2" in eve
    assert "<B>eve</B><BR/>IAM user<BR/>can reach administrator>" in eve
    trent = next(line for line in dot.splitlines() if "<B>trent</B>" in line)
    assert "<B>trent</B><BR/>IAM user<BR/>administrator>" in trent
    bob = next(line for line in dot.splitlines() if "<B>bob</B>" in line)
    assert "peripheries" not in bob


def test_conditional_edges_are_dashed_and_labelled_with_the_condition(
    escalation_world: World,
) -> None:
    diagram = trust_graph(escalation_world)
    dot = to_dot(diagram)
    ids = {node.title: f"n{index}" for index, node in enumerate(diagram.nodes.values(), start=1)}
    line = next(
        line
        for line in dot.splitlines()
        if line.strip().startswith(f"{ids['bob']} -> {ids['Auditor']} ")
    )
    assert line.rstrip().endswith("style=dashed]")
    assert "label=<if aws:MultiFactorAuthPresent = true>" in line
    solid = next(
        line
        for line in dot.splitlines()
        if line.strip().startswith(f"{ids['eve']} -> {ids['Operator']} ")
    )
    assert solid.rstrip().endswith("style=solid]")
    assert "arrowhead=normal" in solid
    passing = next(
        line
        for line in dot.splitlines()
        if line.strip().startswith(f"{ids['mallory']} -> {ids['LambdaAdmin']} ")
    )
    assert "arrowhead=empty" in passing


def test_iam_roles_trust_graph() -> None:
    diagram = trust_graph(World.from_spec(iam_roles_spec()))
    assert ("alice", "ReportPublisher", EdgeKind.ALLOWED, "") in edges(diagram)
    assert (
        "lambda.amazonaws.com",
        "lambda-admin-role",
        EdgeKind.ALLOWED,
        "",
    ) in edges(diagram)
    assert ("carol", "lambda-admin-role", EdgeKind.PASS_ROLE, PASS_TO_LAMBDA) in edges(diagram)
    assert not any(
        tail == "alice" and kind is EdgeKind.PASS_ROLE for tail, _h, kind, _l in edges(diagram)
    )
    web = [e for e in edges(diagram) if e[0] == "token.actions.githubusercontent.com"]
    assert len(web) == 1
    assert web[0][1:3] == ("GitHubActionsDeploy", EdgeKind.CONDITIONAL)
    assert web[0][3].startswith(
        "sts:AssumeRoleWithWebIdentity\nif token.actions.githubusercontent.com:"
    )
    saml = [e for e in edges(diagram) if e[0] == "ExampleCorpIdP"]
    assert [e[1:3] for e in saml] == [("CorpReportReaders", EdgeKind.CONDITIONAL)]
    assert node_by_title(diagram, "token.actions.githubusercontent.com").kind is NodeKind.PROVIDER
    assert node_by_title(diagram, "lambda-role").cluster == ACCOUNT


def test_roles_are_clustered_by_account_and_outside_accounts_stand_apart(
    escalation_world: World,
) -> None:
    diagram = trust_graph(escalation_world)
    assert diagram.clusters == {ACCOUNT: f"Account {ACCOUNT} (example-corp)"}
    assert node_by_title(diagram, "Breakglass").cluster == ACCOUNT
    assert node_by_title(diagram, "Account 444455556666").cluster is None
    assert node_by_title(diagram, "Account 444455556666").kind is NodeKind.ACCOUNT
    dot = to_dot(diagram)
    assert dot.count("subgraph cluster_") == 1
    assert re.search(r"label=<Account 111122223333 \(example-corp\)>", dot)


def test_text_alternative_says_the_same_as_the_drawing(escalation_world: World) -> None:
    diagram = trust_graph(escalation_world)
    assert diagram.summary == (
        "4 IAM users, 6 roles, 1 AWS service, 1 outside account in 1 account: "
        "11 may-assume pairs (5 conditional), 4 PassRole pairs; 3 administrators and "
        "3 other principals that can reach administrator permissions."
    )
    assert (
        "bob may assume Auditor (sts:AssumeRole) only if aws:MultiFactorAuthPresent = true."
        in diagram.facts
    )
    assert "mallory may pass LambdaAdmin to lambda.amazonaws.com (iam:PassRole)." in diagram.facts
    assert "trent is an administrator: its permissions allow * on *." in diagram.facts
    assert "eve can reach administrator permissions through the arrows." in diagram.facts


def test_trust_audience_reads_every_principal_form() -> None:
    audience = trust_audience(
        policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": [ACCOUNT, arn("user", "eve")]},
                "Action": "sts:AssumeRole",
            },
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            },
            {
                "Effect": "Allow",
                "Principal": {"Federated": "accounts.google.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
            },
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"},
        )
    )
    assert audience.accounts == {ACCOUNT}
    assert audience.arns == {arn("user", "eve")}
    assert trust_audience(trust({"AWS": arn("role", "service-role/Deployer")})).arns == {
        arn("role", "Deployer")
    }
    assert audience.services == {"ec2.amazonaws.com"}
    assert audience.federated == {"accounts.google.com"}
    assert audience.everyone is False
    assert trust_audience(trust("*")).everyone is True
    assert trust_audience(
        {"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": ACCOUNT}}}
    ).unknown


def test_users_with_the_same_arrows_are_drawn_as_one_box() -> None:
    spec = escalation_spec()
    spec["accounts"][0]["groups"] = [
        {"name": "auditors", "inline_policies": [may_assume("Auditor")]}
    ]
    spec["accounts"][0]["users"] += [
        {"name": name, "groups": ["auditors"]} for name in ("ann", "ben", "cat", "dan", "eli")
    ]
    diagram = trust_graph(World.from_spec(spec))
    box = node_by_title(diagram, "6 IAM users")
    assert box.details == ["bob, ann, ben and 3 more"]
    assert box.kind is NodeKind.USER
    assert ("6 IAM users", "Auditor", EdgeKind.CONDITIONAL, MFA) in edges(diagram)
    assert not any(node.title in {"bob", "ann", "eli"} for node in diagram.nodes.values())
    # The drawing merges them; the text alternative still names each one.
    assert "eli may assume Auditor (sts:AssumeRole) only if aws:MultiFactorAuthPresent = true." in (
        diagram.facts
    )
    assert diagram.summary.endswith(
        "Users with exactly the same arrows are drawn as one box: 1 box stands for 6 users."
    )


def test_a_world_too_large_to_ask_about_says_the_graph_is_partial(
    escalation_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iamlab.diagrams import trust

    monkeypatch.setattr(trust, "MAX_QUESTIONS", 3)
    diagram = trust_graph(escalation_world)
    assert len([e for e in diagram.edges if e.kind is not EdgeKind.PASS_ROLE]) <= 3
    assert (
        "This world is too large to ask the engine about every pair: only the first 3 answers "
        "are drawn, so some arrows may be missing."
    ) in diagram.summary
