"""The simulation document: reading and checking the request and the policies it carries."""

from __future__ import annotations

import marshal
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from iamlab.engine.arns import is_account_id, parse_arn
from iamlab.engine.errors import INVALID_SIMULATION, EngineInputError, describe_type, join_path
from iamlab.engine.parsing import Policy, compile_policy
from iamlab.engine.policy_types import AWS_WORDING, PolicyType
from iamlab.engine.principals import Caller, classify_caller

DOCUMENT_KEYS = (
    "request",
    "identity_policies",
    "resource_policy",
    "permission_boundary",
    "session_policy",
    "scps",
    "rcps",
    "endpoint_policy",
)
# Keys that annotate a document (a test corpus may label its cases) and change nothing.
ANNOTATION_KEYS = frozenset(
    {"id", "name", "description", "comment", "note", "source", "expected", "expect"}
)
POLICY_FIELDS = DOCUMENT_KEYS[1:]
REQUEST_KEYS = ("principal", "action", "resource", "resource_account", "context")
_KNOWN_DOCUMENT_KEYS = frozenset(DOCUMENT_KEYS) | ANNOTATION_KEYS
_KNOWN_REQUEST_KEYS = frozenset(REQUEST_KEYS)
TRUST_ACTIONS = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithwebidentity",
        "sts:assumerolewithsaml",
        "sts:tagsession",
        "sts:setsourceidentity",
    }
)
MAX_IDENTITY_POLICIES = 100
MAX_SESSION_POLICIES = 11  # one inline session policy plus up to ten managed ones
MAX_LEVELS = 7  # organization root, up to five nested OUs, the account
MAX_POLICIES_PER_LEVEL = 5  # AWS Organizations: five SCPs (or RCPs) per root, OU or account
MAX_CONTEXT_KEYS = 200
MAX_CONTEXT_VALUES = 1000
MAX_TEXT = 2048
MAX_RESOURCE = 20_000  # the issue benchmarks a 10,000-character resource
# One action as a request names it: service:Action, no wildcards.
REQUEST_ACTION = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9_.-]+")


@dataclass(frozen=True, slots=True)
class PlacedPolicy:
    """A compiled policy with where it came from in the simulation document."""

    path: str
    policy: Policy
    level: int | None = None  # organization level for SCPs and RCPs
    # AWS's name for the policy type, looked up once here: the explanation shows it for every
    # policy of every request, and hashing an enum member is slow on Python 3.11.
    wording: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "wording", AWS_WORDING[self.policy.policy_type])


@dataclass(slots=True)
class Simulation:
    """A checked simulation: the request and the compiled policies."""

    principal: str
    action: str
    action_lower: str  # actions match case-insensitively: lower-cased once per request
    resource: str
    context: dict[str, list[str]]  # lower-cased keys
    caller: Caller
    principal_account: str | None
    resource_account: str | None
    trust_mode: bool
    # Role trust policies and KMS key policies must allow explicitly (IAM-FACTS 1.1, step 4):
    # identity-based policies alone never suffice for these resources.
    resource_policy_required: bool
    policies: PolicySet


def _invalid(path: str, message: str) -> EngineInputError:
    return EngineInputError(path, message, INVALID_SIMULATION)


def _request_string(
    request: dict[str, object], key: str, example: str, limit: int = MAX_TEXT
) -> str:
    value = request.get(key)
    if type(value) is str and 0 < len(value) <= limit:
        return value  # the usual case, checked without building any message
    path = f"request.{key}"
    if value is None:
        raise _invalid(path, f"request.{key} is required, for example {example}.")
    if not isinstance(value, str):
        raise _invalid(path, f"request.{key} must be a string, not {describe_type(value)}.")
    if not value:
        raise _invalid(path, f"request.{key} must not be empty; for example {example}.")
    if len(value) > limit:
        raise _invalid(path, f"request.{key} is longer than {limit} characters.")
    return value


def _context_value(value: object, path: str) -> str:
    if type(value) is str:  # the common case first: most context values are strings
        if len(value) > MAX_TEXT:
            raise _invalid(path, f"A context value is at most {MAX_TEXT} characters.")
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _invalid(path, "A context value must be a finite number.")
        return repr(value)
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise _invalid(path, f"A context value is at most {MAX_TEXT} characters.")
        return value
    raise _invalid(
        path,
        "A context value must be a string, number, boolean or a list of them, not "
        f"{describe_type(value)}.",
    )


def read_context(raw: object) -> dict[str, list[str]]:
    """Read request.context into lower-cased keys with lists of string values."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _invalid(
            "request.context",
            "request.context must be an object of condition keys, like "
            '{"aws:SourceIp": "203.0.113.9"}.',
        )
    if len(raw) > MAX_CONTEXT_KEYS:
        raise _invalid(
            "request.context", f"request.context may hold at most {MAX_CONTEXT_KEYS} keys."
        )
    context: dict[str, list[str]] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not key or len(key) > 256:
            raise _invalid(
                f"request.context.{key}",
                "A context key must be a non-empty string of at most 256 characters.",
            )
        lowered = key.lower()
        if lowered in context:
            raise _invalid(
                f"request.context.{key}",
                f'Context key "{key}" appears twice (key names are case-insensitive).',
            )
        if value is None:
            continue  # a null value is the same as an absent key
        # The usual cases first, with nothing to convert: one string, one boolean.
        if type(value) is str and len(value) <= MAX_TEXT:
            context[lowered] = [value]
        elif value is True:
            context[lowered] = ["true"]
        elif value is False:
            context[lowered] = ["false"]
        elif isinstance(value, list):
            path = f"request.context.{key}"
            if len(value) > MAX_CONTEXT_VALUES:
                raise _invalid(path, f"A context key may have at most {MAX_CONTEXT_VALUES} values.")
            context[lowered] = [
                _context_value(item, f"{path}[{i}]") for i, item in enumerate(value)
            ]
        else:
            context[lowered] = [_context_value(value, f"request.context.{key}")]
    return context


def _optional_policy(
    document: dict[str, object], key: str, policy_type: PolicyType
) -> PlacedPolicy | None:
    raw = document.get(key)
    if raw is None:
        return None
    return PlacedPolicy(key, compile_policy(raw, policy_type, key))


def _levels(
    document: dict[str, object], key: str, policy_type: PolicyType
) -> tuple[tuple[PlacedPolicy, ...], ...]:
    raw = document.get(key)
    if raw is None:
        return ()
    shape = (
        f"{key} must be a list of organization levels, root first, each a list of policies: "
        "[[ROOT_POLICY], [OU_POLICY], [ACCOUNT_POLICY]]"
    )
    if not isinstance(raw, list):
        raise _invalid(key, f"{shape}; not {describe_type(raw)}.")
    if len(raw) > MAX_LEVELS:
        raise _invalid(
            key,
            f"{key} has {len(raw)} levels; an organization has at most {MAX_LEVELS} "
            "(root, five OUs, account).",
        )
    levels: list[tuple[PlacedPolicy, ...]] = []
    for level_index, level in enumerate(raw):
        level_path = f"{key}[{level_index}]"
        if not isinstance(level, list):
            raise _invalid(level_path, f"{shape}; this level is {describe_type(level)}.")
        if not level:
            raise _invalid(
                level_path,
                f"{level_path} is empty: every organization level has at least one policy attached "
                + ("(FullAWSAccess unless replaced)." if policy_type is PolicyType.SCP else "."),
            )
        if len(level) > MAX_POLICIES_PER_LEVEL:
            raise _invalid(
                level_path,
                f"At most {MAX_POLICIES_PER_LEVEL} policies can be attached to one level.",
            )
        levels.append(
            tuple(
                PlacedPolicy(
                    f"{level_path}[{i}]",
                    compile_policy(p, policy_type, f"{level_path}[{i}]"),
                    level_index,
                )
                for i, p in enumerate(level)
            )
        )
    return tuple(levels)


def read_simulation(document: object) -> Simulation:
    """Check a simulation document and compile its policies; raise EngineInputError if bad."""
    if not isinstance(document, dict):
        raise _invalid(
            "", f"A simulation document must be a JSON object, not {describe_type(document)}."
        )
    # One set comparison for the usual document; the key-by-key walk only to say what is wrong
    # or to let `_`-prefixed annotations through.
    if not document.keys() <= _KNOWN_DOCUMENT_KEYS:
        for key in document:
            if not isinstance(key, str) or (
                key not in DOCUMENT_KEYS and key not in ANNOTATION_KEYS and not key.startswith("_")
            ):
                raise _invalid(
                    str(key),
                    f'Unknown field "{key}"; a simulation document may contain '
                    + ", ".join(DOCUMENT_KEYS)
                    + ".",
                )
    request = document.get("request")
    if not isinstance(request, dict):
        raise _invalid(
            "request",
            "request is required and must be an object with principal, action and resource, like "
            '{"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", '
            '"resource": "arn:aws:s3:::example-bucket/report.csv"}.',
        )
    if not request.keys() <= _KNOWN_REQUEST_KEYS:
        for key in request:
            if key not in REQUEST_KEYS:
                raise _invalid(
                    join_path("request", str(key)),
                    f'Unknown field "{key}" in request; use ' + ", ".join(REQUEST_KEYS) + ".",
                )
    principal = _request_string(request, "principal", '"arn:aws:iam::111122223333:user/alice"')
    action = _request_string(request, "action", '"s3:GetObject"')
    if not REQUEST_ACTION.fullmatch(action):
        raise _invalid(
            "request.action",
            f'request.action "{action}" must be one action written service:Action, like '
            '"s3:GetObject", without wildcards.',
        )
    resource = _request_string(
        request, "resource", '"arn:aws:s3:::example-bucket/report.csv" or "*"', MAX_RESOURCE
    )
    resource_arn = parse_arn(resource)
    if resource != "*" and resource_arn is None:
        raise _invalid(
            "request.resource",
            f'request.resource "{resource}" must be an ARN '
            '(arn:partition:service:region:account:resource) or "*".',
        )
    context = read_context(request.get("context"))
    hint = context.get("aws:principalarn")
    try:
        caller = classify_caller(principal, action, hint[0] if hint and len(hint) == 1 else None)
    except ValueError as problem:
        raise _invalid("request.principal", f'request.principal "{principal}" {problem}.') from None

    resource_account = request.get("resource_account")
    if resource_account is not None:
        if not isinstance(resource_account, str) or not is_account_id(resource_account):
            raise _invalid(
                "request.resource_account",
                "request.resource_account must be a 12-digit account ID.",
            )
    elif resource_arn is not None and is_account_id(resource_arn.account):
        resource_account = resource_arn.account
    elif caller.account is not None:
        # ARNs of some resources (S3 buckets and objects) carry no account: the engine then
        # takes the resource to be in the caller's account, unless resource_account says so.
        resource_account = caller.account

    action_lower = action.lower()
    trust_mode = (
        action_lower in TRUST_ACTIONS
        and resource_arn is not None
        and resource_arn.service == "iam"
        and resource_arn.resource.startswith("role/")
    )
    policies = policy_set_for(document, trust_mode)
    # Positional: one simulation is made per request, and keyword arguments cost more.
    return Simulation(
        principal,
        action,
        action_lower,
        resource,
        context,
        caller,
        caller.account if caller.kind != "federated" else None,  # principal_account
        resource_account,
        trust_mode,
        # resource_policy_required
        trust_mode
        or (
            resource_arn is not None
            and resource_arn.service == "kms"
            and resource_arn.resource.startswith("key/")
        ),
        policies,
    )


class SuppliedPolicies(NamedTuple):
    """Which kinds of policy a document supplied."""

    identity_policies: bool
    resource_policy: bool
    permission_boundary: bool
    session_policy: bool
    scps: bool
    rcps: bool
    endpoint_policy: bool


@dataclass(frozen=True, slots=True)
class PolicySet:
    """The compiled policies of a simulation document (immutable, so it can be cached)."""

    identity_policies: tuple[PlacedPolicy, ...]
    resource_policy: PlacedPolicy | None
    permission_boundary: PlacedPolicy | None
    session_policies: tuple[PlacedPolicy, ...]
    session_policy_supplied: bool
    scps: tuple[tuple[PlacedPolicy, ...], ...]
    rcps: tuple[tuple[PlacedPolicy, ...], ...]
    endpoint_policy: PlacedPolicy | None
    supplied: SuppliedPolicies = field(init=False)  # derived once: every explanation shows it

    def __post_init__(self) -> None:
        supplied = SuppliedPolicies(
            identity_policies=bool(self.identity_policies),
            resource_policy=self.resource_policy is not None,
            permission_boundary=self.permission_boundary is not None,
            session_policy=self.session_policy_supplied,
            scps=bool(self.scps),
            rcps=bool(self.rcps),
            endpoint_policy=self.endpoint_policy is not None,
        )
        object.__setattr__(self, "supplied", supplied)


def compile_policy_set(document: dict[str, object], trust_mode: bool) -> PolicySet:
    """Validate and compile every policy of a simulation document."""
    identity_policies: tuple[PlacedPolicy, ...] = ()
    session_policies: tuple[PlacedPolicy, ...] = ()
    raw_identity = document.get("identity_policies")
    if raw_identity is not None:
        if not isinstance(raw_identity, list):
            raise _invalid(
                "identity_policies",
                f"identity_policies must be a list of policies, not {describe_type(raw_identity)}.",
            )
        if len(raw_identity) > MAX_IDENTITY_POLICIES:
            raise _invalid(
                "identity_policies",
                f"identity_policies may hold at most {MAX_IDENTITY_POLICIES} policies.",
            )
        identity_policies = tuple(
            PlacedPolicy(
                f"identity_policies[{i}]",
                compile_policy(p, PolicyType.IDENTITY, f"identity_policies[{i}]"),
            )
            for i, p in enumerate(raw_identity)
        )
    resource_policy = _optional_policy(
        document, "resource_policy", PolicyType.TRUST if trust_mode else PolicyType.RESOURCE
    )
    permission_boundary = _optional_policy(
        document, "permission_boundary", PolicyType.PERMISSION_BOUNDARY
    )
    raw_session = document.get("session_policy")
    if isinstance(raw_session, list):
        if not raw_session or len(raw_session) > MAX_SESSION_POLICIES:
            raise _invalid(
                "session_policy",
                f"session_policy as a list must hold 1 to {MAX_SESSION_POLICIES} policies "
                "(one inline plus up to ten managed).",
            )
        session_policies = tuple(
            PlacedPolicy(
                f"session_policy[{i}]",
                compile_policy(p, PolicyType.SESSION, f"session_policy[{i}]"),
            )
            for i, p in enumerate(raw_session)
        )
    elif raw_session is not None:
        session_policies = (
            PlacedPolicy(
                "session_policy", compile_policy(raw_session, PolicyType.SESSION, "session_policy")
            ),
        )
    scps = _levels(document, "scps", PolicyType.SCP)
    rcps = _levels(document, "rcps", PolicyType.RCP)
    endpoint_policy = _optional_policy(document, "endpoint_policy", PolicyType.ENDPOINT)
    return PolicySet(
        identity_policies=identity_policies,
        resource_policy=resource_policy,
        permission_boundary=permission_boundary,
        session_policies=session_policies,
        session_policy_supplied=raw_session is not None,
        scps=scps,
        rcps=rcps,
        endpoint_policy=endpoint_policy,
    )


@lru_cache(maxsize=512)
def _cached_policy_set(snapshot: bytes, trust_mode: bool) -> PolicySet | EngineInputError:
    """Compile the policies part of a document from its snapshot, once per distinct snapshot.

    The world asks about many requests under the same few policy sets. The snapshot is the
    tuple of the document's policy fields (None where absent) serialised with `marshal`, which
    is several times faster than JSON for a cache key; it is made here from in-memory data and
    read back only here, never from outside. Equal snapshots decode to equal documents (marshal
    keeps `1`, `1.0` and `true` apart, which `==` would not), so a hit is always right;
    documents that are equal but share objects differently may miss, which costs only a
    compilation.
    """
    try:
        fields = dict(zip(POLICY_FIELDS, marshal.loads(snapshot), strict=True))
        return compile_policy_set(fields, trust_mode)
    except EngineInputError as problem:
        return problem


def policy_set_for(document: dict[str, object], trust_mode: bool) -> PolicySet:
    """Return the compiled policies of a document, from the cache when possible."""
    try:
        snapshot = marshal.dumps(tuple(map(document.get, POLICY_FIELDS)))
    except ValueError:
        # Not plain data (a subclass, an object, too deep): compile directly, which also
        # reports where a problem is.
        return compile_policy_set(document, trust_mode)
    result = _cached_policy_set(snapshot, trust_mode)
    if type(result) is not PolicySet:
        assert isinstance(result, EngineInputError)
        raise EngineInputError(result.path, result.message, result.code)
    return result
