"""Principals: who is calling, and whether a Principal or NotPrincipal element names them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from iamlab.engine.arns import is_account_id, parse_arn

SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?")
WEB_IDENTITY_PROVIDERS = frozenset(
    {
        "cognito-identity.amazonaws.com",
        "www.amazon.com",
        "graph.facebook.com",
        "accounts.google.com",
    }
)
FEDERATION_ACTIONS = frozenset({"sts:assumerolewithwebidentity", "sts:assumerolewithsaml"})
ANONYMOUS_NAMES = frozenset({"*", "anonymous"})
CANONICAL_USER_ID = re.compile(r"[0-9a-f]{64}")  # S3's canonical user IDs

# How directly a policy named the caller; the same-account rules (IAM-FACTS 1.2) depend on it.
NAMED_EVERYONE = "everyone"  # "*": behaves like naming the caller itself
NAMED_ACCOUNT = "account"  # delegates to the account: identity-based policies must allow
NAMED_USER = "user"
NAMED_ROLE = "role"  # a role ARN matching one of its sessions: boundary and session policy limit it
NAMED_SESSION = "session"  # assumed-role or federated-user session ARN: nothing limits it
NAMED_SERVICE = "service"
NAMED_FEDERATED = "federated"
NAMED_CANONICAL_USER = "canonical_user"


_IAM_PRINCIPAL_KINDS = frozenset({"user", "role", "assumed_role", "federated_user", "root"})
_SESSION_KINDS = frozenset({"assumed_role", "federated_user"})


# Compared by identity (eq=False): callers come from the `_classify` cache, and the engine keys
# its per-caller caches on the object itself, which hashes at C speed.
@dataclass(frozen=True, slots=True, eq=False)
class Caller:
    """The principal making a request, classified from the ARN or name in the request."""

    # user, role, assumed_role, federated_user, root, service, federated, canonical_user, anonymous
    kind: str
    name: str  # the principal as given in the request
    account: str | None = None
    partition: str | None = None
    role_arn: str | None = None  # for sessions: the role's ARN (with its path, when known)
    role_arn_known: bool = False  # False when the path had to be guessed from the session ARN
    role_name: str | None = None
    entity_name: str | None = None  # user name, session name or federated user name
    # Derived once here, as every request asks them several times.
    is_iam_principal: bool = field(init=False)  # belongs to an AWS account and its policies
    is_session: bool = field(init=False)  # uses temporary credentials from STS
    is_service_linked_role: bool = field(init=False)  # SCPs don't apply to these roles

    def __post_init__(self) -> None:
        object.__setattr__(self, "is_iam_principal", self.kind in _IAM_PRINCIPAL_KINDS)
        object.__setattr__(self, "is_session", self.kind in _SESSION_KINDS)
        object.__setattr__(
            self,
            "is_service_linked_role",
            self.role_arn is not None and ":role/aws-service-role/" in self.role_arn,
        )


def classify_caller(principal: str, action: str, principal_arn_hint: str | None) -> Caller:
    """Work out who `principal` is; raise ValueError with a reason when it can't be a caller."""
    federation = action.lower() in FEDERATION_ACTIONS
    sts_action = action[:4].lower() == "sts:"
    return _classify(principal, federation, sts_action, principal_arn_hint)


@lru_cache(maxsize=1024)
def _classify(
    principal: str, federation: bool, sts_action: bool, principal_arn_hint: str | None
) -> Caller:
    """Classify a caller; cached because the same principals make request after request."""
    if principal in ANONYMOUS_NAMES:
        return Caller(kind="anonymous", name=principal)
    arn = parse_arn(principal)
    if arn is None:
        if federation:
            # AssumeRoleWithWebIdentity/SAML are unsigned: the caller is the identity provider.
            return Caller(kind="federated", name=principal)
        if principal in WEB_IDENTITY_PROVIDERS and sts_action:
            return Caller(kind="federated", name=principal)
        if SERVICE_PRINCIPAL.fullmatch(principal):
            return Caller(kind="service", name=principal)
        if CANONICAL_USER_ID.fullmatch(principal):
            return Caller(kind="canonical_user", name=principal)
        raise ValueError(
            "must be an IAM or STS principal ARN (for example "
            '"arn:aws:iam::111122223333:user/alice"), a service principal such as '
            '"lambda.amazonaws.com", or "anonymous"'
        )
    account = arn.account
    if arn.service == "iam" and (
        arn.resource.startswith("saml-provider/") or arn.resource.startswith("oidc-provider/")
    ):
        return Caller(kind="federated", name=principal, account=account, partition=arn.partition)
    if not is_account_id(account):
        raise ValueError(f'has account "{account}", which is not a 12-digit account ID')
    if arn.service == "iam":
        if arn.resource == "root":
            return Caller(kind="root", name=principal, account=account, partition=arn.partition)
        kind, _, rest = arn.resource.partition("/")
        if kind in {"user", "role"} and rest:
            entity = rest.rpartition("/")[2]
            return Caller(
                kind=kind,
                name=principal,
                account=account,
                partition=arn.partition,
                role_arn=principal if kind == "role" else None,
                role_arn_known=kind == "role",
                role_name=entity if kind == "role" else None,
                entity_name=entity,
            )
    if arn.service == "sts":
        kind, _, rest = arn.resource.partition("/")
        if kind == "assumed-role" and rest.count("/") == 1 and "" not in rest.split("/"):
            role_name, session_name = rest.split("/")
            role_arn = f"arn:{arn.partition}:iam::{account}:role/{role_name}"
            known = False
            if principal_arn_hint:
                hint = parse_arn(principal_arn_hint)
                if hint and hint.resource.startswith("role/") and hint.account == account:
                    role_arn, known = principal_arn_hint, True
            return Caller(
                kind="assumed_role",
                name=principal,
                account=account,
                partition=arn.partition,
                role_arn=role_arn,
                role_arn_known=known,
                role_name=role_name,
                entity_name=session_name,
            )
        if kind == "federated-user" and rest and "/" not in rest:
            return Caller(
                kind="federated_user",
                name=principal,
                account=account,
                partition=arn.partition,
                entity_name=rest,
            )
    raise ValueError(
        "is not a principal that can make a request: use a user "
        "(arn:aws:iam::ACCOUNT:user/NAME), an assumed-role session "
        "(arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), a federated user, a role, or the "
        "root user (arn:aws:iam::ACCOUNT:root)"
    )


# Compared by identity (eq=False), like Caller: a compiled statement's entries key the caches of
# match_principal and not_principal_excludes, and identity hashing is what keeps them cheap.
@dataclass(frozen=True, slots=True, eq=False)
class PrincipalEntry:
    """One value of a Principal element, classified."""

    key: str  # "*", AWS, Service, Federated or CanonicalUser
    value: str
    kind: (
        str  # everyone, account, user, role, session, federated_user, service, federated, canonical
    )
    account: str | None = None
    role_name: str | None = None  # for a role, and for a role session: the role's name
    partition: str | None = None
    # For a Federated entry: "oidc" or "saml" for a provider's ARN, "web" for a provider named
    # by its domain (accounts.google.com); None otherwise.
    provider: str | None = None


@dataclass(frozen=True, slots=True)
class StatementPrincipals:
    """Whom one statement names, as the engine reads it, and what it lets them do."""

    path: str  # "Statement" or "Statement[i]"
    effect: str
    element: str | None  # "Principal", "NotPrincipal", or None when the statement names nobody
    entries: tuple[PrincipalEntry, ...]
    actions: tuple[str, ...]  # the Action (or NotAction) values as written
    action_element: str
    conditional: bool  # the statement has a Condition block


def classify_entry(key: str, value: str) -> PrincipalEntry:
    """Classify one principal value; raise ValueError with the reason when AWS would reject it."""
    if key == "*" or (key == "AWS" and value == "*"):
        return PrincipalEntry(key, value, "everyone")
    if key == "Service":
        if value == "*" or "*" in value or "?" in value:
            raise ValueError("a Service principal must name one service, without wildcards")
        return PrincipalEntry(key, value, "service")
    if key == "Federated":
        if "*" in value or "?" in value:
            raise ValueError("a Federated principal must name one identity provider")
        provider_arn = parse_arn(value)
        provider: str | None = "web"
        if provider_arn is not None:
            provider = next(
                (
                    name
                    for name in ("oidc", "saml")
                    if provider_arn.resource.startswith(f"{name}-provider/")
                ),
                None,
            )
        return PrincipalEntry(
            key,
            value,
            "federated",
            account=provider_arn.account if provider_arn is not None else None,
            provider=provider,
        )
    if key == "CanonicalUser":
        if "*" in value or "?" in value:
            raise ValueError("a CanonicalUser principal must be one canonical user ID")
        return PrincipalEntry(key, value, "canonical")
    if "*" in value or "?" in value:
        raise ValueError(
            'partial wildcards are not allowed in principals; use "*" alone, or an exact ARN '
            "and a condition on aws:PrincipalArn"
        )
    if is_account_id(value):
        return PrincipalEntry(key, value, "account", account=value, partition=None)
    arn = parse_arn(value)
    if arn is None or not is_account_id(arn.account):
        raise ValueError(
            "an AWS principal must be a 12-digit account ID or the ARN of an account root, "
            "user, role, assumed-role session or federated user"
        )
    if arn.service == "iam":
        if arn.resource == "root":
            return PrincipalEntry(
                key, value, "account", account=arn.account, partition=arn.partition
            )
        kind, _, rest = arn.resource.partition("/")
        if kind == "user" and rest:
            return PrincipalEntry(key, value, "user", account=arn.account, partition=arn.partition)
        if kind == "role" and rest:
            return PrincipalEntry(
                key,
                value,
                "role",
                account=arn.account,
                role_name=rest.rpartition("/")[2],
                partition=arn.partition,
            )
        if kind == "group":
            raise ValueError("a group cannot be a principal; name its users or use a role")
    if arn.service == "sts":
        kind, _, rest = arn.resource.partition("/")
        if kind == "assumed-role" and rest.count("/") == 1:
            return PrincipalEntry(
                key,
                value,
                "session",
                account=arn.account,
                role_name=rest.partition("/")[0],
                partition=arn.partition,
            )
        if kind == "federated-user" and rest:
            return PrincipalEntry(
                key, value, "federated_user", account=arn.account, partition=arn.partition
            )
    raise ValueError(
        "an AWS principal must be a 12-digit account ID or the ARN of an account root, "
        "user, role, assumed-role session or federated user"
    )


def _role_matches(entry: PrincipalEntry, caller: Caller) -> bool:
    """Say whether a role ARN in a policy is the caller's role."""
    if caller.role_arn is None:
        return False
    if caller.role_arn_known:
        return entry.value == caller.role_arn
    # The session ARN does not carry the role's path, so without aws:PrincipalArn the engine
    # can compare only the account and the role name (documented in docs/engine.md).
    return entry.account == caller.account and entry.role_name == caller.role_name


def identity_chain(caller: Caller) -> list[str]:
    """List the identities AWS may check for the caller, outermost first."""
    if caller.kind == "user":
        return ["account", "user"]
    if caller.kind == "assumed_role":
        return ["account", "role", "session"]
    if caller.kind == "role":
        return ["account", "role"]
    if caller.kind == "federated_user":
        return ["account", "federated_user"]
    if caller.kind == "root":
        return ["account"]
    return [caller.kind]


def entry_names_identity(entry: PrincipalEntry, caller: Caller, identity: str) -> bool:
    """Say whether `entry` names the given identity of the caller (see identity_chain)."""
    if entry.kind == "everyone":
        return True
    if identity == "account":
        return entry.kind == "account" and entry.account == caller.account
    if identity == "user":
        return entry.kind == "user" and entry.value == caller.name
    if identity == "role":
        return entry.kind == "role" and _role_matches(entry, caller)
    if identity == "session":
        return entry.kind == "session" and entry.value == caller.name
    if identity == "federated_user":
        return entry.kind == "federated_user" and entry.value == caller.name
    if identity == "service":
        return entry.kind == "service" and entry.value.lower() == caller.name.lower()
    if identity == "federated":
        return entry.kind == "federated" and entry.value == caller.name
    if identity == "canonical_user":
        return entry.kind == "canonical" and entry.value == caller.name
    return False


# Which identity a match went through tells how directly the caller was named.
_IDENTITY_TO_NAMED = {
    "account": NAMED_ACCOUNT,
    "user": NAMED_USER,
    "role": NAMED_ROLE,
    "session": NAMED_SESSION,
    "federated_user": NAMED_SESSION,
    "service": NAMED_SERVICE,
    "federated": NAMED_FEDERATED,
    "canonical_user": NAMED_CANONICAL_USER,
    "anonymous": NAMED_EVERYONE,
}


@lru_cache(maxsize=4096)
def match_principal(entries: tuple[PrincipalEntry, ...], caller: Caller) -> tuple[str, str] | None:
    """Return (how the caller was named, the matching value) for a Principal element, or None.

    Cached: the same compiled statements meet the same few callers request after request.
    """
    chain = identity_chain(caller)
    # Prefer the most specific identity: the session or user over the role over the account.
    for identity in reversed(chain):
        for entry in entries:
            if entry.kind == "everyone":
                continue
            if entry_names_identity(entry, caller, identity):
                return _IDENTITY_TO_NAMED[identity], entry.value
    for entry in entries:
        if entry.kind == "everyone":
            return NAMED_EVERYONE, entry.value
    return None


@lru_cache(maxsize=4096)
def not_principal_excludes(entries: tuple[PrincipalEntry, ...], caller: Caller) -> str | None:
    """Return the values that exempt the caller from a NotPrincipal statement, or None.

    AWS may check the account, then the role, then the session (IAM-FACTS 6), so the caller
    is exempt only when every identity in its chain is listed. Cached like match_principal.
    """
    named: list[str] = []
    for identity in identity_chain(caller):
        found = next((e for e in entries if entry_names_identity(e, caller, identity)), None)
        if found is None:
            return None
        if found.value not in named:
            named.append(found.value)
    return ", ".join(named)
