"""The trust graph: who may assume which role, who may pass which role, who can reach admin.

Every edge is the engine's decision, asked through `world.simulate`: an arrow from a
principal to a role where `sts:AssumeRole` (or `AssumeRoleWithWebIdentity`,
`AssumeRoleWithSAML`, or a service's `AssumeRole`) is Allowed. When the engine denies
only because conditions did not match, the graph asks again with a request context that
satisfies those conditions; if the engine then allows, the arrow is drawn dashed and
labelled with the condition keys. A hollow-headed arrow marks `iam:PassRole` to a role that
a service may assume, asked with `iam:PassedToService` set to that service.

A principal is an *administrator* when the engine allows it an action that no service
defines (`iamlab:AnyAction`) on resource `*`: only a policy that allows every action on
every resource (such as AdministratorAccess) can allow that. Principals from which an
administrator can be reached along the arrows are highlighted, as PMapper does.

Asking the engine about every pair would be slow for a large world, so pairs that cannot
possibly be allowed are left out first: a trust policy's Allow statements must name the
principal, its account, or everyone; and when they name only the account, the principal's
own identity-based policies must hold an Allow statement whose Action could match. This
filter only removes pairs; every arrow drawn is still the engine's decision.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from iamlab.diagrams.graph import Diagram, Edge, Node
from iamlab.diagrams.legend import EdgeKind, Mark, NodeKind
from iamlab.engine.wildcard import compile_pattern

if TYPE_CHECKING:
    from iamlab.world import World
    from iamlab.world.entities import Role


ADMIN_PROBE_ACTION = "iamlab:AnyAction"
ADMIN_PROBE_RESOURCE = "*"
MAX_FACTS = 300
# A few seconds of engine time at most (the 200-principal bench world needs 764 answers);
# a world that needs more is drawn in part.
MAX_QUESTIONS = 5_000
LARGE_GRAPH_EDGES = 150
ACCOUNT_ID_LENGTH = 12

ASSUME_ACTIONS = {
    "user": "sts:AssumeRole",
    "role": "sts:AssumeRole",
    "service": "sts:AssumeRole",
    "account": "sts:AssumeRole",
    "oidc": "sts:AssumeRoleWithWebIdentity",
    "web": "sts:AssumeRoleWithWebIdentity",
    "saml": "sts:AssumeRoleWithSAML",
}


@dataclass
class Candidate:
    """A principal that may appear on the tail of an edge."""

    key: str
    arn: str  # what world.simulate is asked about
    kind: str  # user, role, service, account, oidc, web, saml
    account: str | None


@dataclass
class TrustAudience:
    """Whom the Allow statements of one trust policy could possibly name."""

    everyone: bool = False
    accounts: set[str] = field(default_factory=set)
    arns: set[str] = field(default_factory=set)
    session_roles: set[tuple[str, str]] = field(default_factory=set)
    federated: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    unknown: bool = False  # a form we do not recognise: ask the engine about everyone


def _as_list(value: object) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value] if value is not None else []


def trust_audience(trust_policy: dict[str, Any]) -> TrustAudience:
    """Read whom a trust policy's Allow statements could name (a filter, not a decision)."""
    audience = TrustAudience()
    for statement in _as_list(trust_policy.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if "NotPrincipal" in statement:
            audience.unknown = True
            continue
        principal = statement.get("Principal")
        if principal == "*":
            audience.everyone = True
            continue
        if not isinstance(principal, dict):
            audience.unknown = True
            continue
        for key, values in principal.items():
            for value in _as_list(values):
                if not isinstance(value, str):
                    audience.unknown = True
                elif key == "AWS":
                    _read_aws_principal(value, audience)
                elif key == "Federated":
                    audience.federated.add(value)
                elif key == "Service":
                    audience.services.add(value)
                elif key != "CanonicalUser":
                    audience.unknown = True
    return audience


def _read_aws_principal(value: str, audience: TrustAudience) -> None:
    if value == "*":
        audience.everyone = True
    elif value.isdigit() and len(value) == ACCOUNT_ID_LENGTH:
        audience.accounts.add(value)
    elif value.startswith("arn:") and value.endswith(":root"):
        audience.accounts.add(value.split(":")[4])
    elif ":assumed-role/" in value:
        account = value.split(":")[4]
        role_name = value.split(":assumed-role/", 1)[1].split("/", 1)[0]
        audience.session_roles.add((account, role_name))
    elif value.startswith("arn:"):
        audience.arns.add(_without_path(value))
    else:
        audience.unknown = True


def _without_path(arn: str) -> str:
    """Return a user or role ARN without its path, so that filtering never misses a match."""
    prefix, sep, rest = arn.partition(":user/") if ":user/" in arn else arn.partition(":role/")
    return f"{prefix}{sep}{rest.rsplit('/', 1)[-1]}" if sep else arn


def _identity_documents(world: World, candidate: Candidate) -> list[dict[str, Any]]:
    """Return the identity-based policy documents of a user (with its groups) or a role."""
    entity = world.find_user(candidate.arn) if candidate.kind == "user" else None
    if candidate.kind == "role":
        entity = world.find_role(candidate.arn)
    if entity is None:
        return []
    owners = [entity]
    if candidate.kind == "user":
        account = world.accounts[entity.account_id]
        owners += [
            account.groups[g.lower()] for g in entity.group_names if g.lower() in account.groups
        ]
    documents = []
    for owner in owners:
        documents += [policy.document for policy in owner.inline_policies]
        for arn in owner.managed_policy_arns:
            policy = world.find_policy(arn)
            if policy is not None:
                documents.append(policy.document)
    return documents


def _may_allow(documents: list[dict[str, Any]], action: str, resource: str) -> bool:
    """Say whether any Allow statement could match the request (a filter, not a decision).

    It errs towards yes: NotAction, NotResource, a missing Resource or a policy variable
    all count as a possible match, and case is ignored throughout.
    """
    for document in documents:
        for statement in _as_list(document.get("Statement")):
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            if "NotAction" not in statement and not any(
                isinstance(pattern, str)
                and compile_pattern(pattern, ignore_case=True).match(action)
                for pattern in _as_list(statement.get("Action"))
            ):
                continue
            if "Resource" not in statement or any(
                isinstance(pattern, str)
                and ("${" in pattern or compile_pattern(pattern, ignore_case=True).match(resource))
                for pattern in _as_list(statement.get("Resource"))
            ):
                return True
    return False


# Condition operators whose policy value, used as the request value, satisfies them.
_SELF_SATISFYING = {
    "stringequals",
    "stringequalsignorecase",
    "arnequals",
    "bool",
    "binaryequals",
    "numericequals",
    "numericlessthanequals",
    "numericgreaterthanequals",
    "dateequals",
    "datelessthanequals",
    "dategreaterthanequals",
}


def _satisfying_value(operator: str, value: object) -> str | None:
    """Return a request value that satisfies `operator` against one policy value, or None."""
    base = operator.split(":", 1)[-1]
    if base.endswith("IfExists"):
        base = base[: -len("IfExists")]
    base = base.lower()
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if "${" in text:
        return None  # a policy variable: its value depends on the caller, not on us
    if base in _SELF_SATISFYING:
        return text
    if base in {"stringlike", "arnlike"}:
        return text.replace("*", "").replace("?", "x")
    if base in {"numericlessthan", "numericgreaterthan"}:
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return str(number - 1 if base == "numericlessthan" else number + 1)
    if base in {"datelessthan", "dategreaterthan"}:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        step = timedelta(seconds=-1 if base == "datelessthan" else 1)
        return (moment + step).isoformat().replace("+00:00", "Z")
    if base == "ipaddress":
        try:
            return str(ipaddress.ip_network(text, strict=False).network_address)
        except ValueError:
            return None
    if base == "null":
        return "present" if text == "false" else None
    return None  # negated operators cannot be satisfied by adding a value


def _unmet_conditions(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the conditions that alone kept an otherwise matching Allow statement out."""
    unmet = []
    for policy in (result.get("explanation") or {}).get("policies") or []:
        for statement in policy.get("statements") or []:
            if statement.get("effect") != "Allow" or statement.get("matched"):
                continue
            parts = [statement.get(name) for name in ("action", "resource", "principal")]
            if not all(part is None or part.get("matched") for part in parts):
                continue
            failed = [c for c in statement.get("conditions") or [] if not c.get("matched")]
            if failed:
                unmet.extend(failed)
    return unmet


def _condition_context(conditions: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """Return a context satisfying the conditions it can, and a label part for each."""
    context: dict[str, Any] = {}
    labels = []
    for condition in conditions:
        operator = str(condition.get("operator", ""))
        key = str(condition.get("key", ""))
        for value in condition.get("policy_values") or []:
            satisfying = _satisfying_value(operator, value)
            if satisfying is not None:
                set_operator = operator.lower().startswith(("forallvalues:", "foranyvalue:"))
                context[key] = [satisfying] if set_operator else satisfying
                labels.append(f"{key} {_operator_word(operator)} {value}")
                break
    return context, labels


def _operator_word(operator: str) -> str:
    base = operator.split(":", 1)[-1].removesuffix("IfExists").lower()
    if "like" in base:
        return "like"
    if base in {"ipaddress"}:
        return "in"
    if "lessthan" in base:
        return "<=" if base.endswith("equals") else "<"
    if "greaterthan" in base:
        return ">=" if base.endswith("equals") else ">"
    return "="


class _TrustGraphBuilder:
    def __init__(self, world: World) -> None:
        self.world = world
        self.diagram = Diagram(kind="trust", title="Who may assume what")
        self.candidates: list[Candidate] = []
        self.roles: list[Role] = []
        self.audiences: dict[str, TrustAudience] = {}
        self.documents: dict[str, list[dict[str, Any]]] = {}
        self.assume_edges: list[tuple[str, str, EdgeKind, str]] = []
        self.pass_edges: list[tuple[str, str, str]] = []
        self.simulations = 0
        self.truncated = False

    def simulate(
        self, arn: str, action: str, resource: str, context: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        if self.simulations >= MAX_QUESTIONS:
            # A learner can create roles in their workspace; the page must still answer.
            self.truncated = True
            return {"decision": None}
        self.simulations += 1
        return self.world.simulate(arn, action, resource, context)

    def collect(self) -> None:
        for account_id, account in self.world.accounts.items():
            alias = f" ({account.alias})" if account.alias else ""
            self.diagram.clusters[account_id] = f"Account {account_id}{alias}"
            for user in account.users.values():
                key = f"principal:{user.arn}"
                self.diagram.add_node(key, NodeKind.USER, user.name, ["IAM user"], account_id)
                self.candidates.append(Candidate(key, user.arn, "user", account_id))
            for role in account.roles.values():
                key = f"principal:{role.arn}"
                details = ["IAM role"] + ([f"path {role.path}"] if role.path != "/" else [])
                self.diagram.add_node(key, NodeKind.ROLE, role.name, details, account_id)
                self.candidates.append(Candidate(key, role.arn, "role", account_id))
                self.roles.append(role)
                self.audiences[role.arn] = trust_audience(role.trust_policy)
            for provider in account.identity_providers.values():
                key = f"principal:{provider.arn}"
                kind = "OIDC provider" if provider.type == "oidc" else "SAML provider"
                self.diagram.add_node(key, NodeKind.PROVIDER, provider.name, [kind], account_id)
                self.candidates.append(Candidate(key, provider.arn, provider.type, account_id))
        named_services: set[str] = set()
        named_federated: set[str] = set()
        named_accounts: set[str] = set()
        for audience in self.audiences.values():
            named_services |= audience.services
            named_federated |= audience.federated
            named_accounts |= audience.accounts
        for service in sorted(named_services):
            key = f"service:{service}"
            self.diagram.add_node(key, NodeKind.SERVICE, service, ["AWS service"])
            self.candidates.append(Candidate(key, service, "service", None))
        for name in sorted(named_federated):
            if name.startswith("arn:"):
                continue  # providers of the world are already candidates
            key = f"principal:{name}"
            self.diagram.add_node(key, NodeKind.PROVIDER, name, ["web identity provider"])
            self.candidates.append(Candidate(key, name, "web", None))
        for account_id in sorted(named_accounts - set(self.world.accounts)):
            key = f"account:{account_id}"
            self.diagram.add_node(
                key,
                NodeKind.ACCOUNT,
                f"Account {account_id}",
                ["outside this world: any principal its admin allows"],
            )
            self.candidates.append(
                Candidate(key, f"arn:aws:iam::{account_id}:root", "account", account_id)
            )

    def could_assume(self, candidate: Candidate, role: Role) -> bool:
        audience = self.audiences[role.arn]
        if audience.unknown:
            return True
        if candidate.kind == "service":
            return audience.everyone or candidate.arn in audience.services
        if candidate.kind in {"oidc", "saml", "web"}:
            return audience.everyone or candidate.arn in audience.federated
        if audience.everyone or _without_path(candidate.arn) in audience.arns:
            return True
        if candidate.kind == "role":
            name = candidate.arn.rsplit("/", 1)[-1]
            if (candidate.account, name) in audience.session_roles:
                return True
        if candidate.account not in audience.accounts:
            return False
        if candidate.kind == "account":
            return True
        # Trusting an account delegates to it: the principal's own policies must allow.
        if candidate.key not in self.documents:
            self.documents[candidate.key] = _identity_documents(self.world, candidate)
        return _may_allow(self.documents[candidate.key], ASSUME_ACTIONS[candidate.kind], role.arn)

    def assume_edges_for(self, candidate: Candidate, role: Role) -> None:
        action = ASSUME_ACTIONS[candidate.kind]
        result = self.simulate(candidate.arn, action, role.arn)
        role_key = f"principal:{role.arn}"
        if result.get("decision") == "Allowed":
            self.assume_edges.append((candidate.key, role_key, EdgeKind.ALLOWED, action))
            return
        if result.get("decision") != "ImplicitlyDenied":
            return
        context, labels = _condition_context(_unmet_conditions(result))
        if not context:
            return
        retry = self.simulate(candidate.arn, action, role.arn, context)
        if retry.get("decision") == "Allowed":
            label = "\n".join([action, *(f"if {part}" for part in labels)])
            self.assume_edges.append((candidate.key, role_key, EdgeKind.CONDITIONAL, label))

    def pass_role_edges(self) -> None:
        services_of_role: dict[str, list[str]] = {}
        for tail, head, _kind, _label in self.assume_edges:
            if tail.startswith("service:"):
                services_of_role.setdefault(head, []).append(tail.removeprefix("service:"))
        for role in self.roles:
            role_key = f"principal:{role.arn}"
            for service in services_of_role.get(role_key, []):
                for candidate in self.candidates:
                    # PassRole cannot hand over a role of another account (IAM-FACTS 5).
                    if (
                        candidate.kind not in {"user", "role"}
                        or candidate.account != role.account_id
                    ):
                        continue
                    if candidate.key not in self.documents:
                        self.documents[candidate.key] = _identity_documents(self.world, candidate)
                    if not _may_allow(self.documents[candidate.key], "iam:PassRole", role.arn):
                        continue
                    result = self.simulate(
                        candidate.arn, "iam:PassRole", role.arn, {"iam:PassedToService": service}
                    )
                    if result.get("decision") == "Allowed":
                        self.pass_edges.append((candidate.key, role_key, service))

    def administrators(self) -> set[str]:
        admins = set()
        for candidate in self.candidates:
            if candidate.kind not in {"user", "role"}:
                continue
            if candidate.key not in self.documents:
                self.documents[candidate.key] = _identity_documents(self.world, candidate)
            if not _may_allow(self.documents[candidate.key], ADMIN_PROBE_ACTION, "*"):
                continue
            result = self.simulate(candidate.arn, ADMIN_PROBE_ACTION, ADMIN_PROBE_RESOURCE)
            if result.get("decision") == "Allowed":
                admins.add(candidate.key)
        return admins

    def build(self) -> Diagram:
        self.collect()
        for role in self.roles:
            for candidate in self.candidates:
                if self.could_assume(candidate, role):
                    self.assume_edges_for(candidate, role)
        self.pass_role_edges()
        admins = self.administrators()

        successors: dict[str, set[str]] = {}
        for tail, head, kind, label in self.assume_edges:
            # A plain arrow means sts:AssumeRole; only other actions and conditions are named.
            lines = label.split("\n")
            drawn = "\n".join(lines[1:] if lines[0] == "sts:AssumeRole" else lines)
            self.diagram.add_edge(tail, head, kind, drawn)
            successors.setdefault(tail, set()).add(head)
        for tail, head, service in self.pass_edges:
            self.diagram.add_edge(tail, head, EdgeKind.PASS_ROLE, f"iam:PassRole to {service}")
            successors.setdefault(tail, set()).add(head)
        if len(self.diagram.edges) > LARGE_GRAPH_EDGES:
            # Fewer network-simplex and crossing-minimisation passes: a large graph still
            # lays out readably, in a fraction of the time.
            self.diagram.graph_attributes.update(
                {"nslimit": "2", "mclimit": "0.5", "splines": "polyline"}
            )
        reaching = _reaching(successors, admins)
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
                f"{MAX_QUESTIONS:,} answers are drawn, so some arrows may be missing."
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


def _reaching(successors: dict[str, set[str]], targets: set[str]) -> set[str]:
    """Return every node from which a target can be reached (targets included)."""
    predecessors: dict[str, set[str]] = {}
    for tail, heads in successors.items():
        for head in heads:
            predecessors.setdefault(head, set()).add(tail)
    reached = set(targets)
    frontier = list(targets)
    while frontier:
        node = frontier.pop()
        for tail in predecessors.get(node, ()):
            if tail not in reached:
                reached.add(tail)
                frontier.append(tail)
    return reached


def trust_graph(world: World, title: str | None = None) -> Diagram:
    """Build the trust graph of a world, every edge decided by the engine."""
    diagram = _TrustGraphBuilder(world).build()
    if title:
        diagram.title = title
    return diagram
