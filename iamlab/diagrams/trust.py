"""The trust graph: who may assume which role, who may pass which role, who can reach admin.

Drawn from `trust_analysis.analyse_trust`, whose every pair is the engine's decision: an
arrow from a principal to a role it may assume, dashed and labelled with the condition keys
when the engine allows only under conditions; a hollow-headed arrow for `iam:PassRole` to a
role that a service may assume. Administrators, and principals from which an administrator
can be reached along the arrows, are highlighted, as PMapper does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from iamlab.diagrams.graph import Diagram, Edge, Node
from iamlab.diagrams.legend import EdgeKind, Mark, NodeKind
from iamlab.diagrams.trust_analysis import (
    MAX_QUESTIONS as ANALYSIS_QUESTIONS,
)
from iamlab.diagrams.trust_analysis import (
    Candidate,
    TrustAnalysis,
    analyse_trust,
)

if TYPE_CHECKING:
    from iamlab.world import World


MAX_FACTS = 300
LARGE_GRAPH_EDGES = 150
# A world that needs more answers than this is drawn in part (and says so).
MAX_QUESTIONS = ANALYSIS_QUESTIONS

# How each kind of candidate is drawn: its box and the first line under its name.
_NODE_KINDS = {
    "user": (NodeKind.USER, "IAM user"),
    "role": (NodeKind.ROLE, "IAM role"),
    "oidc": (NodeKind.PROVIDER, "OIDC provider"),
    "saml": (NodeKind.PROVIDER, "SAML provider"),
    "service": (NodeKind.SERVICE, "AWS service"),
    "web": (NodeKind.PROVIDER, "web identity provider"),
    "account": (NodeKind.ACCOUNT, "outside this world: any principal its admin allows"),
}
_IN_AN_ACCOUNT = {"user", "role", "oidc", "saml"}


def _add_node(diagram: Diagram, candidate: Candidate) -> None:
    kind, detail = _NODE_KINDS[candidate.kind]
    details = [detail]
    if candidate.kind == "role" and candidate.path != "/":
        details.append(f"path {candidate.path}")
    title = f"Account {candidate.name}" if candidate.kind == "account" else candidate.name
    cluster = candidate.account if candidate.kind in _IN_AN_ACCOUNT else None
    diagram.add_node(candidate.key, kind, title, details, cluster)


class _TrustGraphDrawing:
    def __init__(self, world: World, analysis: TrustAnalysis, max_questions: int) -> None:
        self.world = world
        self.max_questions = max_questions
        self.analysis = analysis
        self.diagram = Diagram(kind="trust", title="Who may assume what")
        self.candidates = analysis.candidates
        self.assume_edges: list[tuple[str, str, EdgeKind, str]] = [
            (
                pair.tail,
                pair.head,
                EdgeKind.CONDITIONAL if pair.conditions else EdgeKind.ALLOWED,
                "\n".join([pair.action, *(f"if {part}" for part in pair.conditions)]),
            )
            for pair in analysis.assume_pairs
        ]
        self.pass_edges = [(pair.tail, pair.head, pair.service) for pair in analysis.pass_pairs]
        self.truncated = analysis.truncated

    def build(self) -> Diagram:
        for account_id, account in self.world.accounts.items():
            alias = f" ({account.alias})" if account.alias else ""
            self.diagram.clusters[account_id] = f"Account {account_id}{alias}"
        for candidate in self.candidates:
            _add_node(self.diagram, candidate)
        admins = self.analysis.administrators
        reaching = self.analysis.reaching
        for tail, head, kind, label in self.assume_edges:
            # A plain arrow means sts:AssumeRole; only other actions and conditions are named.
            lines = label.split("\n")
            drawn = "\n".join(lines[1:] if lines[0] == "sts:AssumeRole" else lines)
            self.diagram.add_edge(tail, head, kind, drawn)
        for tail, head, service in self.pass_edges:
            self.diagram.add_edge(tail, head, EdgeKind.PASS_ROLE, f"iam:PassRole to {service}")
        if len(self.diagram.edges) > LARGE_GRAPH_EDGES:
            # Fewer network-simplex and crossing-minimisation passes: a large graph still
            # lays out readably, in a fraction of the time.
            self.diagram.graph_attributes.update(
                {"nslimit": "2", "mclimit": "0.5", "splines": "polyline"}
            )
        for key in admins:
            self.diagram.nodes[key].marks.add(Mark.ADMIN)
        for key in reaching - admins:
            node = self.diagram.nodes[key]
            if node.kind is not NodeKind.SERVICE:
                node.marks.add(Mark.REACHES_ADMIN)
        self.describe(admins, reaching)
        if self.truncated:
            self.diagram.summary += (
                f" This world is too large to ask the engine about every pair: only the first "
                f"{self.max_questions:,} answers are drawn, so some arrows may be missing."
            )
        merged = merge_alike_users(self.diagram)
        if merged:
            self.diagram.summary += (
                f" Users with exactly the same arrows are drawn as one box: "
                f"{_count(merged, 'box')} {'stands' if merged == 1 else 'stand'} for "
                f"{_count(self.merged_users(), 'user')}."
            )
        return self.diagram

    def merged_users(self) -> int:
        return sum(
            node_group_size(node)
            for node in self.diagram.nodes.values()
            if node.key.startswith(GROUP_PREFIX)
        )

    def describe(self, admins: set[str], reaching: set[str]) -> None:
        nodes = self.diagram.nodes
        facts = []
        for tail, head, _kind, label in self.assume_edges:
            action, *conditions = label.split("\n")
            how = f" only {' and '.join(conditions)}" if conditions else ""
            facts.append(f"{nodes[tail].title} may assume {nodes[head].title} ({action}){how}.")
        for tail, head, service in self.pass_edges:
            facts.append(
                f"{nodes[tail].title} may pass {nodes[head].title} to {service} (iam:PassRole)."
            )
        for key in sorted(admins, key=lambda k: nodes[k].title):
            facts.append(f"{nodes[key].title} is an administrator: its permissions allow * on *.")
        for key in sorted(reaching - admins, key=lambda k: nodes[k].title):
            if nodes[key].kind is not NodeKind.SERVICE:
                facts.append(
                    f"{nodes[key].title} can reach administrator permissions through the arrows."
                )
        if len(facts) > MAX_FACTS:
            facts = [*facts[:MAX_FACTS], f"… and {len(facts) - MAX_FACTS} more."]
        conditional = sum(1 for edge in self.assume_edges if edge[2] is EdgeKind.CONDITIONAL)
        reach_count = len([k for k in reaching - admins if nodes[k].kind is not NodeKind.SERVICE])
        kinds = [candidate.kind for candidate in self.candidates]
        counted = [
            _count(kinds.count("user"), "IAM user"),
            _count(kinds.count("role"), "role"),
            _count(sum(kinds.count(k) for k in ("oidc", "saml", "web")), "identity provider"),
            _count(kinds.count("service"), "AWS service"),
            _count(kinds.count("account"), "outside account"),
        ]
        counted = [part for part in counted if not part.startswith("0 ")]
        self.diagram.summary = (
            f"{', '.join(counted)} in {_count(len(self.world.accounts), 'account')}: "
            f"{_count(len(self.assume_edges), 'may-assume pair')} ({conditional} conditional), "
            f"{_count(len(self.pass_edges), 'PassRole pair')}; "
            f"{_count(len(admins), 'administrator')} and "
            f"{_count(reach_count, 'other principal')} that can reach administrator permissions."
        )
        self.diagram.facts = facts


GROUP_PREFIX = "users:"
# Three or more users of one account with exactly the same arrows (typically the members
# of one group) are drawn as one box: the drawing stays readable and quick to lay out,
# and the text alternative still names every user.
MERGE_AT_LEAST = 3
NAMES_SHOWN = 4


def node_group_size(node: Node) -> int:
    """Return how many users a merged box stands for (from its title, "12 IAM users")."""
    return int(node.title.split(" ", 1)[0])


def merge_alike_users(diagram: Diagram) -> int:
    """Draw users with identical arrows, marks and account as one box; return the boxes made."""
    outgoing: dict[str, list[tuple[str, str, str]]] = {}
    has_incoming: set[str] = set()
    for edge in diagram.edges:
        outgoing.setdefault(edge.tail, []).append((edge.head, edge.kind.value, edge.label))
        has_incoming.add(edge.head)
    groups: dict[tuple[Any, ...], list[str]] = {}
    for key, node in diagram.nodes.items():
        if node.kind is NodeKind.USER and key not in has_incoming:
            signature = (
                node.cluster,
                tuple(sorted(mark.value for mark in node.marks)),
                tuple(sorted(outgoing.get(key, []))),
            )
            groups.setdefault(signature, []).append(key)
    replaced: dict[str, str] = {}
    made: dict[str, Node] = {}
    for members in groups.values():
        if len(members) < MERGE_AT_LEAST:
            continue
        first = diagram.nodes[members[0]]
        names = [diagram.nodes[key].title for key in members]
        shown = names if len(names) <= NAMES_SHOWN else names[: NAMES_SHOWN - 1]
        listed = ", ".join(shown)
        if len(shown) < len(names):
            listed += f" and {len(names) - len(shown)} more"
        group_key = GROUP_PREFIX + members[0]
        made[group_key] = Node(
            group_key,
            NodeKind.USER,
            f"{len(members)} IAM users",
            [listed],
            set(first.marks),
            first.cluster,
        )
        replaced.update({key: group_key for key in members})
    if not made:
        return 0
    nodes: dict[str, Node] = {}
    for key, node in diagram.nodes.items():
        target = replaced.get(key)
        if target is None:
            nodes[key] = node
        elif target not in nodes:
            nodes[target] = made[target]
    edges = []
    seen: set[tuple[str, str, str, str]] = set()
    for edge in diagram.edges:
        tail = replaced.get(edge.tail, edge.tail)
        identity = (tail, edge.head, edge.kind.value, edge.label)
        if identity not in seen:
            seen.add(identity)
            edges.append(Edge(tail, edge.head, edge.kind, edge.label))
    diagram.nodes = nodes
    diagram.edges = edges
    return len(made)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def trust_graph(world: World, title: str | None = None) -> Diagram:
    """Build the trust graph of a world, every edge decided by the engine."""
    analysis = analyse_trust(world, MAX_QUESTIONS)
    diagram = _TrustGraphDrawing(world, analysis, MAX_QUESTIONS).build()
    if title:
        diagram.title = title
    return diagram
