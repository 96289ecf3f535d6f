"""Ask the engine: build the request context and simulation document AWS would, and word denials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from iamlab.engine import simulate
from iamlab.world.callers import Caller
from iamlab.world.clock import iso_z
from iamlab.world.entities import Document, Role, User
from iamlab.world.errors import AwsError
from iamlab.world.events import Check

if TYPE_CHECKING:
    from iamlab.world.state import WorldState

Context = dict[str, Any]

_PRINCIPAL_TYPES = {
    "user": "User",
    "session-token": "User",
    "root": "Account",
    "assumed-role": "AssumedRole",
    "federation-token": "FederatedUser",
    "anonymous": "Anonymous",
}


def request_context(world: WorldState, caller: Caller) -> Context:
    """Return the global condition keys AWS puts in every request from `caller`."""
    now = world.now()
    context: Context = {
        "aws:CurrentTime": iso_z(now),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:SourceIp": world.source_ip,
        "aws:RequestedRegion": world.region,
        "aws:SecureTransport": "true",
        "aws:ViaAWSService": "false",
    }
    if caller.kind == "service":
        context["aws:PrincipalIsAWSService"] = "true"
        context["aws:PrincipalServiceName"] = caller.service_principal
        return context
    context["aws:PrincipalIsAWSService"] = "false"
    context["aws:PrincipalType"] = _PRINCIPAL_TYPES[caller.kind]
    if caller.kind == "anonymous":
        return context
    context["aws:PrincipalArn"] = caller.principal_arn
    context["aws:PrincipalAccount"] = caller.account_id
    context["aws:userid"] = caller.user_id
    if caller.kind in ("user", "session-token") and caller.user is not None:
        context["aws:username"] = caller.user.name
    account = world.accounts.get(caller.account_id or "")
    if account is not None and account.organization is not None:
        context["aws:PrincipalOrgID"] = account.organization.org_id
        path = account.organization.org_id
        for level in account.organization.levels:
            if level.level_id and level.level_id != caller.account_id:
                path += "/" + level.level_id
        context["aws:PrincipalOrgPaths"] = [path + "/"]
    for key, value in principal_tags(caller).items():
        context[f"aws:PrincipalTag/{key}"] = value
    session = caller.session
    if session is not None:
        context["aws:TokenIssueTime"] = iso_z(session.issued)
        if session.mfa_authenticated_at is not None:
            context["aws:MultiFactorAuthPresent"] = "true"
            age = int((now - session.mfa_authenticated_at).total_seconds())
            context["aws:MultiFactorAuthAge"] = str(age)
        else:
            context["aws:MultiFactorAuthPresent"] = "false"
        if session.source_identity:
            context["aws:SourceIdentity"] = session.source_identity
        if session.federated_provider:
            context["aws:FederatedProvider"] = session.federated_provider
    return context


def principal_tags(caller: Caller) -> dict[str, str]:
    """Return the caller's principal tags: entity tags, overridden by session tags."""
    tags: dict[str, str] = {}
    if caller.kind == "assumed-role" and caller.role is not None:
        tags.update(caller.role.tags)
    elif caller.kind in ("user", "session-token") and caller.user is not None:
        tags.update(caller.user.tags)
    if caller.session is not None:
        for key, value in caller.session.session_tags.items():
            # A session tag overrides an entity tag with the same key, whatever its case.
            for existing in [k for k in tags if k.lower() == key.lower()]:
                del tags[existing]
            tags[key] = value
    return tags


def identity_policies(world: WorldState, caller: Caller) -> list[Document]:
    """Return the identity-based policies that apply to the caller."""
    if caller.kind == "assumed-role" and caller.role is not None:
        return world.identity_policy_documents(caller.role)
    if caller.kind in ("user", "session-token", "federation-token") and caller.user is not None:
        return world.identity_policy_documents(caller.user)
    return []


def permission_boundary(world: WorldState, caller: Caller) -> Document | None:
    """Return the permissions boundary of the role or user behind the caller."""
    entity: User | Role | None = None
    if caller.kind == "assumed-role":
        entity = caller.role
    elif caller.kind in ("user", "session-token", "federation-token"):
        entity = caller.user
    return world.boundary_document(entity) if entity is not None else None


def simulation_document(
    world: WorldState,
    caller: Caller,
    action: str,
    resource: str,
    *,
    resource_account: str | None,
    resource_policy: Document | None = None,
    context: Context | None = None,
) -> dict[str, Any]:
    """Build the engine's simulation document for one request."""
    request: dict[str, Any] = {
        "principal": caller.service_principal or caller.arn,
        "action": action,
        "resource": resource,
        "context": context if context is not None else request_context(world, caller),
    }
    if resource_account:
        request["resource_account"] = resource_account
    document: dict[str, Any] = {
        "request": request,
        "identity_policies": identity_policies(world, caller),
    }
    if resource_policy is not None:
        document["resource_policy"] = resource_policy
    boundary = permission_boundary(world, caller)
    if boundary is not None:
        document["permission_boundary"] = boundary
    session = caller.session
    if session is not None and session.session_policies:
        # Without one, the engine gives a role session the role's permissions and a federated
        # user's session none, as AWS does.
        document["session_policy"] = list(session.session_policies)
    scps = world.scps_for(caller.account_id)
    if scps:
        document["scps"] = scps
    rcps = world.rcps_for(resource_account)
    if rcps:
        document["rcps"] = rcps
    return document


def authorize(
    world: WorldState,
    caller: Caller,
    action: str,
    resource: str,
    *,
    resource_account: str | None,
    resource_policy: Document | None = None,
    context: Context | None = None,
) -> Check:
    """Ask the engine whether `caller` may perform `action` on `resource`."""
    document = simulation_document(
        world,
        caller,
        action,
        resource,
        resource_account=resource_account,
        resource_policy=resource_policy,
        context=context,
    )
    result = simulate(document)
    if "error" in result:
        # Every stored policy was validated on the way in, so this is the world's own fault.
        raise AwsError(
            "ServiceFailure",
            "The request processing has failed because of an unknown error, exception or "
            f"failure. ({result['error']['path']}: {result['error']['message']})",
            500,
        )
    return Check(action, resource, result["decision"], result["explanation"])


_ARTICLES = {
    "identity-based policy": "an identity-based policy",
    "resource-based policy": "a resource-based policy",
    "permissions boundary": "a permissions boundary",
    # AWS's documented explicit-deny wording for session policies says "sessions policy".
    "session policy": "a sessions policy",
    "service control policy": "a service control policy",
    "resource control policy": "a resource control policy",
    "VPC endpoint policy": "a VPC endpoint policy",
    "role trust policy": "the role trust policy",
}


def denial_reason(check: Check) -> str:
    """Return the documented reason clause for a denied check ("because no ...")."""
    denied_by = (check.explanation or {}).get("denied_by") or {}
    policy_type = denied_by.get("policy_type")
    if not policy_type:
        return f"because no identity-based policy allows the {check.action} action"
    # AWS words an SCP denial as explicit even when nothing matched (IAM-FACTS 1.4); the
    # engine says so in message_says_explicit.
    explicit = denied_by.get("message_says_explicit", denied_by.get("explicit"))
    if explicit:
        return f"with an explicit deny in {_ARTICLES.get(policy_type, 'a ' + policy_type)}"
    return f"because no {policy_type} allows the {check.action} action"


def access_denied_message(caller: Caller, check: Check, *, legacy: bool = False) -> str:
    """Word an AccessDenied the way AWS does: STS's legacy form, or the documented one."""
    who = caller.service_principal or caller.arn
    message = (
        f"User: {who} is not authorized to perform: {check.action} on resource: {check.resource}"
    )
    if legacy:
        return message
    return f"{message} {denial_reason(check)}"
