"""The session graph: who assumed what, and what each session touched, from the event log.

Every event of the world's log becomes a numbered arrow (the number is the event's
sequence number, so the time order reads off the arrows): from the identity or session
that made the call to the session it produced (an `AssumeRole*` that succeeded), to the
role it failed to assume, or to the resource it touched. Each session is tied to its role
by a dotted line and shows its name, expiry, whether it is live or expired at the world's
current time, and its source identity. Identities, roles and resources sit in a box per
account; AWS services and the outside world sit outside the boxes.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from iamlab.diagrams.graph import Diagram
from iamlab.diagrams.legend import EdgeKind, Mark, NodeKind

if TYPE_CHECKING:
    from iamlab.world import World
    from iamlab.world.events import Event, EventCaller


# Beyond this many calls only the latest are drawn; the text says how many were left out.
MAX_EVENTS = 120

ASSUME_OPERATIONS = {"AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}


def _account_of_arn(arn: str) -> str | None:
    parts = arn.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and parts[4].isdigit():
        return parts[4]
    return None


def _short_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _parse_time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _resource_of(event: Event) -> str:
    """Return the event's resource; for a call refused before authorization, its target."""
    if event.resource:
        return str(event.resource)
    params = event.params if isinstance(event.params, dict) else {}
    bucket = params.get("Bucket")
    if event.service == "s3" and isinstance(bucket, str):
        key = params.get("Key")
        return f"arn:aws:s3:::{bucket}/{key}" if isinstance(key, str) else f"arn:aws:s3:::{bucket}"
    return ""


class _SessionGraphBuilder:
    def __init__(self, world: World, current: str | None) -> None:
        self.world = world
        self.now: datetime = world.now()
        self.current = current
        self.diagram = Diagram(kind="sessions", title="Who assumed what")
        self.sessions_seen = 0
        self.expired = 0
        for account_id, account in world.accounts.items():
            alias = f" ({account.alias})" if account.alias else ""
            self.diagram.clusters[account_id] = f"Account {account_id}{alias}"

    # Nodes -----------------------------------------------------------------------------

    def user_node(self, arn: str) -> str:
        key = f"principal:{arn}"
        name = arn.rsplit("/", 1)[-1] if "/" in arn else "root user"
        kind = "IAM user" if ":user/" in arn else "account root user"
        self.diagram.add_node(key, NodeKind.USER, name, [kind], cluster=_account_of_arn(arn))
        return key

    def role_node(self, role_arn: str) -> str:
        # The same role may be named with or without its path; draw it once.
        role = self.world.find_role(role_arn)
        if role is not None:
            role_arn = role.arn
        key = f"role:{role_arn}"
        name = role_arn.rsplit("/", 1)[-1]
        self.diagram.add_node(key, NodeKind.ROLE, name, ["IAM role"], _account_of_arn(role_arn))
        return key

    def service_node(self, service: str) -> str:
        key = f"service:{service}"
        self.diagram.add_node(key, NodeKind.SERVICE, service, ["AWS service"])
        return key

    def provider_node(self, provider: str) -> str:
        key = f"provider:{provider}"
        kind = "SAML provider" if ":saml-provider/" in provider else "OIDC provider"
        name = provider.split(":oidc-provider/")[-1].split(":saml-provider/")[-1]
        self.diagram.add_node(key, NodeKind.PROVIDER, name, [f"{kind} (federated users)"])
        return key

    def anonymous_node(self) -> str:
        key = "anonymous"
        self.diagram.add_node(key, NodeKind.USER, "anonymous caller", ["no credentials"])
        return key

    def session_node(
        self,
        access_key_id: str,
        arn: str,
        role_arn: str | None,
        session_name: str | None,
        expiration: datetime | None,
        source_identity: str | None,
        chained: bool,
    ) -> str:
        key = f"session:{access_key_id}"
        if key in self.diagram.nodes:
            return key
        details = []
        if role_arn:
            details.append(f"role {role_arn.rsplit('/', 1)[-1]}")
        details.append(f"key {access_key_id}")
        if expiration is not None:
            details.append(f"expires {_short_time(expiration)}")
        if source_identity:
            details.append(f"source identity {source_identity}")
        if chained:
            details.append("chained: assumed by a role session")
        expired = expiration is not None and expiration <= self.now
        if expiration is not None and not expired:
            details.append("live")
        title = f"session {session_name}" if session_name else "temporary credentials"
        node = self.diagram.add_node(key, NodeKind.SESSION, title, details, _account_of_arn(arn))
        if expired:
            node.marks.add(Mark.EXPIRED)
            self.expired += 1
        self.sessions_seen += 1
        if role_arn:
            self.diagram.add_edge(key, self.role_node(role_arn), EdgeKind.BELONGS_TO)
        return key

    def resource_node(self, resource: str, service: str) -> str:
        if not resource or resource == "*":
            key = f"api:{service}"
            self.diagram.add_node(
                key, NodeKind.RESOURCE, f"{service.upper()} API", ["no single resource"]
            )
            return key
        key = f"resource:{resource}"
        if resource.startswith("arn:aws:s3:::"):
            path = resource.removeprefix("arn:aws:s3:::")
            kind = "S3 object" if "/" in path else "S3 bucket"
            bucket = self.world.buckets.get(path.split("/", 1)[0])
            account = bucket.account_id if bucket is not None else None
            self.diagram.add_node(key, NodeKind.RESOURCE, path, [kind], cluster=account)
        elif ":function:" in resource:
            name = resource.rsplit(":function:", 1)[-1]
            self.diagram.add_node(
                key, NodeKind.RESOURCE, name, ["Lambda function"], cluster=_account_of_arn(resource)
            )
        elif ":role/" in resource:
            return self.role_node(resource)
        else:
            name = resource.rsplit(":", 1)[-1]
            self.diagram.add_node(
                key, NodeKind.RESOURCE, name, [resource], cluster=_account_of_arn(resource)
            )
        return key

    def caller_node(self, caller: EventCaller) -> str:
        credential_type = caller.credential_type
        principal = caller.principal_arn or ""
        if credential_type == "service":
            return self.service_node(principal)
        known_session = f"session:{caller.access_key_id}"
        if caller.access_key_id and known_session in self.diagram.nodes:
            # Also when the key was refused (expired): it is still that session's key.
            return known_session
        if ":oidc-provider/" in principal or ":saml-provider/" in principal:
            return self.provider_node(principal)
        if credential_type == "anonymous":
            return self.anonymous_node()
        if not principal:
            # A key the world does not know (or no longer knows): show the key itself.
            key = f"unknown:{caller.access_key_id}"
            self.diagram.add_node(
                key, NodeKind.USER, "unrecognised credentials", [f"key {caller.access_key_id}"]
            )
            return key
        if credential_type == "temporary":
            role_arn = self.role_arn_of_session(principal)
            return self.session_node(
                caller.access_key_id or principal,
                principal,
                role_arn,
                caller.session_name,
                None,
                caller.source_identity,
                chained=False,
            )
        return self.user_node(principal)

    def role_arn_of_session(self, session_arn: str) -> str | None:
        """Return the role ARN (with its path) of an assumed-role session ARN."""
        if ":assumed-role/" not in session_arn:
            return None
        account_id = _account_of_arn(session_arn) or ""
        role_name = session_arn.split(":assumed-role/", 1)[1].split("/", 1)[0]
        account = self.world.accounts.get(account_id)
        role = account.roles.get(role_name.lower()) if account is not None else None
        return role.arn if role is not None else f"arn:aws:iam::{account_id}:role/{role_name}"

    # Events ----------------------------------------------------------------------------

    def outcome(self, event: Event) -> tuple[EdgeKind, str]:
        """Return the edge kind and the words for the outcome of one call."""
        error = event.error
        if event.decision in {"ExplicitlyDenied", "ImplicitlyDenied"}:
            explanation = event.explanation or {}
            denied_by = explanation.get("denied_by") or {}
            policy_type = denied_by.get("policy_type")
            how = "explicit deny" if event.decision == "ExplicitlyDenied" else "denied"
            return EdgeKind.DENIED, f"{how} ({policy_type})" if policy_type else how
        if error:
            return EdgeKind.DENIED, f"failed: {error.get('code')}"
        if event.decision is None:
            return EdgeKind.ALLOWED, "allowed (no permission needed)"
        return EdgeKind.ALLOWED, "allowed"

    def add_event(self, event: Event) -> str:
        caller = self.caller_node(event.caller)
        kind, words = self.outcome(event)
        action = event.action or f"{event.service}:{event.operation}"
        label = f"#{event.seq} {action}\n{words}"
        effect = event.effect or {}
        session = effect.get("session") if isinstance(effect, dict) else None
        who = self.diagram.nodes[caller].title
        if event.parent_seq is not None:
            label += f" (for #{event.parent_seq})"
        if event.operation in ASSUME_OPERATIONS and session:
            target = self.session_node(
                str(session.get("access_key_id")),
                str(session.get("arn", "")),
                session.get("role_arn"),
                str(session.get("arn", "")).rsplit("/", 1)[-1] or None,
                _parse_time(session.get("expiration")),
                session.get("source_identity"),
                chained=event.caller.credential_type == "temporary",
            )
            node = self.diagram.nodes[target]
            self.diagram.add_edge(caller, target, kind, label)
            state = "expired" if Mark.EXPIRED in node.marks else "live"
            return (
                f"#{event.seq}: {who} called {action} and received {node.title} "
                f"({', '.join([*node.details[:1], state])})."
            )
        if event.operation in ASSUME_OPERATIONS:
            role_arn = event.resource or event.params.get("RoleArn") or ""
            target = self.role_node(str(role_arn))
        else:
            target = self.resource_node(_resource_of(event), str(event.service))
        self.diagram.add_edge(caller, target, kind, label)
        return (
            f"#{event.seq}: {who} called {action} on {self.diagram.nodes[target].title}: {words}."
        )

    def mark_current(self, events: list[Event]) -> str | None:
        wanted = self.current
        if wanted is None and events:
            caller = events[-1].caller
            wanted = caller.access_key_id or caller.principal_arn
        if not wanted:
            return None
        for key in (f"session:{wanted}", f"principal:{wanted}", f"service:{wanted}"):
            if key in self.diagram.nodes:
                self.diagram.nodes[key].marks.add(Mark.CURRENT)
                return self.diagram.nodes[key].title
        for event in reversed(events):
            caller = event.caller
            if wanted in {caller.access_key_id, caller.principal_arn}:
                key = self.caller_node(caller)
                self.diagram.nodes[key].marks.add(Mark.CURRENT)
                return self.diagram.nodes[key].title
        # Someone who has not called anything yet still stands out as the one acting next.
        for account in self.world.accounts.values():
            for user in account.users.values():
                if wanted == user.arn or wanted in {k.access_key_id for k in user.access_keys}:
                    key = self.user_node(user.arn)
                    self.diagram.nodes[key].marks.add(Mark.CURRENT)
                    return self.diagram.nodes[key].title
        return None


def session_graph(world: World, current: str | None = None, title: str | None = None) -> Diagram:
    """Build the session graph of a world's event log.

    `current` is the access key id or principal ARN of whoever acts now (the console's
    credentials); without it the caller of the latest event is marked as current.
    """
    builder = _SessionGraphBuilder(world, current)
    events = list(world.events)
    shown = events[-MAX_EVENTS:]
    facts = [builder.add_event(event) for event in shown]
    # Counted before the current caller is marked: that may add someone who made no call.
    identities = sum(
        1
        for node in builder.diagram.nodes.values()
        if node.kind in {NodeKind.USER, NodeKind.SERVICE, NodeKind.PROVIDER}
    )
    current_name = builder.mark_current(shown)
    diagram = builder.diagram
    if title:
        diagram.title = title
    if not events:
        diagram.summary = (
            f"No calls have been made in this world yet (world time {_short_time(builder.now)})."
        )
        return diagram
    summary = (
        f"{len(events)} call{'s' if len(events) != 1 else ''} by {identities} "
        f"identit{'ies' if identities != 1 else 'y'}; {builder.sessions_seen} "
        f"session{'s' if builder.sessions_seen != 1 else ''}, {builder.expired} expired at "
        f"world time {_short_time(builder.now)}."
    )
    if current_name:
        summary += f" Current caller: {current_name}."
    if len(events) > len(shown):
        summary += f" Only the latest {len(shown)} calls are drawn."
    diagram.summary = summary
    diagram.facts = facts
    return diagram
