"""Policy documents: validation per policy type and compilation into statements.

A document is checked the way IAM checks it (`MalformedPolicyDocument`): every problem is
reported with the JSON path of the offending element and a message that says what would be
right. Valid documents compile into immutable `Policy` objects, cached by their compact JSON
text, so a policy used in many simulations is parsed once per process.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from iamlab.engine.conditions import ConditionClause, parse_condition_block
from iamlab.engine.errors import EngineInputError, describe_type, join_path
from iamlab.engine.policy_types import AWS_WORDING, IAM_STORED_TYPES, SIZE_LIMITS, PolicyType
from iamlab.engine.principals import PrincipalEntry, classify_entry
from iamlab.engine.variables import (
    VARIABLE_VERSION,
    Template,
    parse_template,
    resource_variable_start,
)
from iamlab.engine.wildcard import WildcardPattern, compile_pattern

VERSIONS = ("2012-10-17", "2008-10-17")
POLICY_ELEMENTS = ("Version", "Id", "Statement")
STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")
MAX_DEPTH = 16
# No circular-reference check: a circular structure (possible only from Python callers) ends
# in RecursionError, which is reported as nesting that is too deep.
ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False
)
_BAD_CHARACTER = re.compile(r"[^\t\n\r\x20-\xff]")
_SID = re.compile(r"[A-Za-z0-9]*")
_ACTION = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9*?_.-]+")


@dataclass(frozen=True, slots=True)
class ResourcePattern:
    """One value of a Resource or NotResource element."""

    text: str
    pattern: WildcardPattern | None  # None when the value holds policy variables
    template: Template | None


@dataclass(frozen=True, slots=True)
class Statement:
    """A compiled statement."""

    index: int
    path: str  # "Statement" when the policy has a single statement object, else "Statement[i]"
    sid: str | None
    effect: str
    action_element: str
    actions: tuple[tuple[str, WildcardPattern], ...]
    resource_element: str | None
    resources: tuple[ResourcePattern, ...]
    principal_element: str | None
    principals: tuple[PrincipalEntry, ...]
    conditions: tuple[ConditionClause, ...]
    positive_action: bool  # Action (the listed actions are covered), not NotAction
    positive_resource: bool  # Resource (the listed resources are covered), not NotResource


@dataclass(frozen=True, slots=True)
class Policy:
    """A compiled policy document."""

    policy_type: PolicyType
    version: str | None
    policy_id: str | None
    statements: tuple[Statement, ...]


def _locate_bad_value(value: object, path: str, depth: int = 0) -> None:
    """Walk a document that failed the fast checks and raise at the first bad spot."""
    if depth > MAX_DEPTH:
        raise EngineInputError(path, f"The document is nested more than {MAX_DEPTH} levels deep.")
    if isinstance(value, str):
        found = _BAD_CHARACTER.search(value)
        if found:
            raise EngineInputError(
                path,
                f"Character U+{ord(found.group()):04X} is not allowed: policy documents may use "
                "only TAB, LF, CR and characters U+0020 to U+00FF.",
            )
        return
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        if (isinstance(value, float) and value != value) or value in (float("inf"), float("-inf")):
            raise EngineInputError(path, "Numbers must be finite (no NaN or Infinity).")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _locate_bad_value(item, f"{path}[{index}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EngineInputError(
                    path, f"Object keys must be strings, not {describe_type(key)}."
                )
            _locate_bad_value(key, join_path(path, key), depth + 1)
            _locate_bad_value(item, join_path(path, key), depth + 1)
        return
    raise EngineInputError(path, f"{describe_type(value)} is not a JSON value.")


def policy_text(document: object, path: str) -> str:
    """Return the compact JSON text of a document, checking characters and nesting."""
    try:
        text = ENCODER.encode(document)
    except (TypeError, ValueError, RecursionError):
        _locate_bad_value(document, path)
        raise EngineInputError(path, "The document is not valid JSON data.") from None
    # The encoder escapes control characters as \u00XX, so the text shows a possibly bad
    # character either as such an escape or as one above U+00FF; only then walk the document.
    if "\\u00" in text or (not text.isascii() and max(text) > "\xff"):
        _locate_bad_value(document, path)
    return text


def policy_size(text: str) -> int:
    """Count characters the way AWS does: white space is not counted."""
    return len(text) - sum(text.count(c) for c in " \t\n\r")


def _as_list(value: object, path: str, element: str, example: str) -> list[str]:
    """Read an element that takes a string or a non-empty list of strings."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise EngineInputError(path, f"{element} must not be an empty list; for example {example}.")
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]" if isinstance(value, list) else path
        if not isinstance(item, str):
            raise EngineInputError(
                item_path,
                f"{element} must be a string or a list of strings, not {describe_type(item)}; "
                f"for example {example}.",
            )
        if not item:
            raise EngineInputError(item_path, f"{element} must not be an empty string.")
    return items  # type: ignore[return-value]


def _compile_actions(
    value: object, path: str, element: str
) -> tuple[tuple[str, WildcardPattern], ...]:
    actions = _as_list(value, path, element, '"s3:GetObject" or ["s3:Get*", "s3:List*"]')
    compiled = []
    for index, action in enumerate(actions):
        item_path = f"{path}[{index}]" if isinstance(value, list) else path
        if action != "*" and not _ACTION.fullmatch(action):
            raise EngineInputError(
                item_path,
                f'{element} "{action}" must be "*" or "service:action" with the service prefix '
                'spelled out, like "s3:GetObject" or "iam:List*".',
            )
        # Actions match case-insensitively: the pattern is lower-cased here and the request's
        # action once per request (Simulation.action_lower), so matching never lowers again.
        compiled.append((action, compile_pattern(action.lower())))
    return tuple(compiled)


def _compile_resources(
    value: object, path: str, element: str, variables_enabled: bool
) -> tuple[ResourcePattern, ...]:
    resources = _as_list(value, path, element, '"arn:aws:s3:::example-bucket/*" or "*"')
    compiled = []
    for index, resource in enumerate(resources):
        item_path = f"{path}[{index}]" if isinstance(value, list) else path
        if resource != "*":
            parts = resource.split(":", 5)
            # A shorter ARN is accepted when a trailing `*` stands for the remaining components
            # ("arn:aws:dynamodb:*"), because `*` in Resource crosses colons (docs/engine.md).
            shortened = len(parts) >= 4 and resource.endswith("*")
            if (
                (len(parts) != 6 and not shortened)
                or parts[0] != "arn"
                or not parts[1]
                or not parts[2]
            ):
                raise EngineInputError(
                    item_path,
                    f'{element} "{resource}" must be "*" or an ARN of the form '
                    "arn:partition:service:region:account:resource, like "
                    '"arn:aws:s3:::example-bucket/*".',
                )
            if "*" in parts[2] or "?" in parts[2]:
                raise EngineInputError(
                    item_path,
                    f'{element} "{resource}" has a wildcard in its service segment; the service '
                    '(for example "s3") must be spelled out.',
                )
        template = None
        if variables_enabled:
            template = parse_template(resource, resource_variable_start(resource))
        pattern = None if template is not None else compile_pattern(resource)
        compiled.append(ResourcePattern(resource, pattern, template))
    return tuple(compiled)


def _compile_principal(
    value: object, path: str, element: str, policy_type: PolicyType
) -> tuple[PrincipalEntry, ...]:
    if value == "*":
        entries = [classify_entry("*", "*")]
    elif isinstance(value, dict):
        if not value:
            raise EngineInputError(
                path, f'{element} must name at least one principal, like {{"AWS": "111122223333"}}.'
            )
        entries = []
        for key, raw in value.items():
            key_path = join_path(path, key)
            if key not in PRINCIPAL_KEYS:
                raise EngineInputError(
                    key_path,
                    f'Unknown principal type "{key}"; use "AWS", "Service", "Federated" or '
                    '"CanonicalUser".',
                )
            names = _as_list(raw, key_path, f"{element} {key}", '"arn:aws:iam::111122223333:root"')
            for index, name in enumerate(names):
                item_path = f"{key_path}[{index}]" if isinstance(raw, list) else key_path
                try:
                    entries.append(classify_entry(key, name))
                except ValueError as problem:
                    raise EngineInputError(
                        item_path, f'Invalid principal in policy: "{name}": {problem}.'
                    ) from None
    else:
        raise EngineInputError(
            path,
            f'{element} must be "*" or an object such as '
            '{"AWS": "arn:aws:iam::111122223333:root"} or {"Service": "lambda.amazonaws.com"}, '
            f"not {describe_type(value)}.",
        )
    if policy_type is PolicyType.RCP and any(entry.kind != "everyone" for entry in entries):
        raise EngineInputError(
            path,
            'In a resource control policy the Principal must be "*"; narrow it with conditions '
            "such as aws:PrincipalArn.",
        )
    return tuple(entries)


def _prohibited(policy_type: PolicyType, element: str, path: str, hint: str) -> EngineInputError:
    wording = AWS_WORDING[policy_type]
    article = "an" if wording[0] in "aeiou" else "a"
    return EngineInputError(path, f"Has prohibited field {element}: {article} {wording} {hint}.")


def _compile_statement(
    raw: object, index: int, path: str, policy_type: PolicyType, variables_enabled: bool
) -> Statement:
    """Validate one statement and compile it."""
    if not isinstance(raw, dict):
        raise EngineInputError(
            path,
            "A statement must be an object with Effect, Action and Resource, not "
            f"{describe_type(raw)}.",
        )
    for key in raw:
        if key not in STATEMENT_ELEMENTS:
            raise EngineInputError(
                join_path(path, key),
                f'Unknown statement element "{key}"; a statement may contain only '
                + ", ".join(STATEMENT_ELEMENTS)
                + ".",
            )
    sid = raw.get("Sid")
    if sid is not None:
        if not isinstance(sid, str):
            raise EngineInputError(
                join_path(path, "Sid"), f"Sid must be a string, not {describe_type(sid)}."
            )
        if policy_type in IAM_STORED_TYPES and not _SID.fullmatch(sid):
            raise EngineInputError(
                join_path(path, "Sid"),
                f'Sid "{sid}" may contain only ASCII letters and digits (A-Z, a-z, 0-9).',
            )
    effect = raw.get("Effect")
    if effect is None:
        raise EngineInputError(
            join_path(path, "Effect"), 'Missing required field Effect: use "Allow" or "Deny".'
        )
    if effect not in ("Allow", "Deny"):
        raise EngineInputError(
            join_path(path, "Effect"),
            f'Effect must be "Allow" or "Deny" (case-sensitive), not {json.dumps(effect)}.',
        )
    if policy_type is PolicyType.RCP and effect != "Deny":
        raise EngineInputError(
            join_path(path, "Effect"),
            'A resource control policy may only use "Deny"; the Allow that lets requests through '
            "is RCPFullAWSAccess, which AWS attaches to every level automatically.",
        )

    has_principal, has_not_principal = "Principal" in raw, "NotPrincipal" in raw
    principal_element: str | None = None
    principals: tuple[PrincipalEntry, ...] = ()
    if has_principal and has_not_principal:
        raise EngineInputError(
            join_path(path, "NotPrincipal"), "Use either Principal or NotPrincipal, not both."
        )
    if policy_type in {
        PolicyType.IDENTITY,
        PolicyType.PERMISSION_BOUNDARY,
        PolicyType.SESSION,
        PolicyType.SCP,
    }:
        for element in ("Principal", "NotPrincipal"):
            if element in raw:
                raise _prohibited(
                    policy_type,
                    element,
                    join_path(path, element),
                    "applies to the principal it is attached to, so it must not name one",
                )
    elif policy_type is PolicyType.RCP and has_not_principal:
        raise _prohibited(
            policy_type,
            "NotPrincipal",
            join_path(path, "NotPrincipal"),
            'uses "Principal": "*" and narrows it with conditions',
        )
    elif policy_type is PolicyType.TRUST and has_not_principal:
        raise _prohibited(
            policy_type,
            "NotPrincipal",
            join_path(path, "NotPrincipal"),
            "must name who may assume the role with Principal",
        )
    elif policy_type in {PolicyType.RESOURCE, PolicyType.TRUST, PolicyType.RCP} and not (
        has_principal or has_not_principal
    ):
        # An RCP may only name everyone, so its example differs from the other types'.
        example = (
            '"Principal": "*" (narrowed with conditions)'
            if policy_type is PolicyType.RCP
            else '"Principal": {"AWS": "arn:aws:iam::111122223333:root"}'
        )
        raise EngineInputError(
            join_path(path, "Principal"),
            f"Missing required field Principal: a {AWS_WORDING[policy_type]} must say who it "
            f"applies to, for example {example}.",
        )
    if has_principal:
        principal_element = "Principal"
    elif has_not_principal:
        principal_element = "NotPrincipal"
        if effect != "Deny":
            raise EngineInputError(
                join_path(path, "NotPrincipal"),
                'NotPrincipal is supported only with "Effect": "Deny"; to allow, name the '
                "principals in Principal.",
            )
    if principal_element is not None:
        principals = _compile_principal(
            raw[principal_element],
            join_path(path, principal_element),
            principal_element,
            policy_type,
        )

    has_action, has_not_action = "Action" in raw, "NotAction" in raw
    if has_action == has_not_action:
        raise EngineInputError(
            join_path(path, "NotAction" if has_action else "Action"),
            "A statement needs exactly one of Action or NotAction"
            + ("; it has both." if has_action else ', for example "Action": "s3:GetObject".'),
        )
    action_element = "Action" if has_action else "NotAction"
    actions = _compile_actions(raw[action_element], join_path(path, action_element), action_element)

    has_resource, has_not_resource = "Resource" in raw, "NotResource" in raw
    resource_element: str | None = None
    resources: tuple[ResourcePattern, ...] = ()
    if has_resource and has_not_resource:
        raise EngineInputError(
            join_path(path, "NotResource"),
            "A statement needs exactly one of Resource or NotResource; it has both.",
        )
    if has_resource or has_not_resource:
        resource_element = "Resource" if has_resource else "NotResource"
        resources = _compile_resources(
            raw[resource_element],
            join_path(path, resource_element),
            resource_element,
            variables_enabled,
        )
    elif policy_type is not PolicyType.TRUST:
        # Trust policies name no resource: the resource is the role itself.
        raise EngineInputError(
            join_path(path, "Resource"),
            "Missing required field Resource: a statement needs Resource or NotResource, for "
            'example "Resource": "*" or "Resource": "arn:aws:s3:::example-bucket/*".',
        )

    conditions: tuple[ConditionClause, ...] = ()
    if "Condition" in raw:
        conditions = tuple(
            parse_condition_block(raw["Condition"], join_path(path, "Condition"), variables_enabled)
        )
    return Statement(
        index=index,
        path=path,
        sid=sid,
        effect=effect,
        action_element=action_element,
        actions=actions,
        resource_element=resource_element,
        resources=resources,
        principal_element=principal_element,
        principals=principals,
        conditions=conditions,
        positive_action=action_element == "Action",
        positive_resource=resource_element == "Resource",
    )


def compile_policy(document: object, policy_type: PolicyType, path: str = "") -> Policy:
    """Validate a policy document and compile it; raise EngineInputError when it is malformed."""
    if not isinstance(document, dict):
        raise EngineInputError(
            path,
            "A policy document must be a JSON object with a Statement, not "
            f"{describe_type(document)}.",
        )
    text = policy_text(document, path)
    size = policy_size(text)
    limit = SIZE_LIMITS[policy_type]
    if size > limit:
        raise EngineInputError(
            path,
            f"The {AWS_WORDING[policy_type]} is {size} characters long (white space not counted); "
            f"the limit is {limit}.",
        )
    result = _compile_text(text, policy_type)
    if isinstance(result, EngineInputError):
        raise EngineInputError(join_path(path, result.path), result.message, result.code)
    return result


@lru_cache(maxsize=2048)
def _compile_text(text: str, policy_type: PolicyType) -> Policy | EngineInputError:
    """Compile a policy from its compact JSON text; the cache makes repeated policies cheap."""
    try:
        return _compile_document(json.loads(text), policy_type)
    except EngineInputError as problem:
        return problem


def _compile_document(document: dict[str, object], policy_type: PolicyType) -> Policy:
    for key in document:
        if key not in POLICY_ELEMENTS:
            raise EngineInputError(
                key,
                f'Unknown policy element "{key}"; a policy document may contain only Version, '
                "Id and Statement.",
            )
    version = document.get("Version")
    if version is not None and version not in VERSIONS:
        raise EngineInputError(
            "Version",
            f'Version must be "2012-10-17" (or the old "2008-10-17"), not {json.dumps(version)}.',
        )
    if policy_type is PolicyType.RCP and version != "2012-10-17":
        raise EngineInputError(
            "Version", 'A resource control policy must have "Version": "2012-10-17".'
        )
    policy_id = document.get("Id")
    if policy_id is not None:
        if policy_type in {PolicyType.IDENTITY, PolicyType.PERMISSION_BOUNDARY}:
            raise _prohibited(policy_type, "Id", "Id", "must not have an Id element")
        if not isinstance(policy_id, str):
            raise EngineInputError("Id", f"Id must be a string, not {describe_type(policy_id)}.")
    if "Statement" not in document:
        raise EngineInputError(
            "Statement", "Missing required field Statement: a policy needs at least one statement."
        )
    raw_statements = document["Statement"]
    single = isinstance(raw_statements, dict)
    statement_list = [raw_statements] if single else raw_statements
    if not isinstance(statement_list, list) or not statement_list:
        raise EngineInputError(
            "Statement",
            "Statement must be a statement object or a non-empty list of statements, not "
            + (
                "an empty list."
                if isinstance(statement_list, list)
                else f"{describe_type(raw_statements)}."
            ),
        )
    variables_enabled = version == VARIABLE_VERSION
    statements = []
    seen_sids: dict[str, int] = {}
    for index, raw in enumerate(statement_list):
        statement_path = "Statement" if single else f"Statement[{index}]"
        statement = _compile_statement(raw, index, statement_path, policy_type, variables_enabled)
        if statement.sid and policy_type in IAM_STORED_TYPES:
            if statement.sid in seen_sids:
                raise EngineInputError(
                    join_path(statement_path, "Sid"),
                    f'Sid "{statement.sid}" is already used by '
                    f"Statement[{seen_sids[statement.sid]}]; statement IDs must be unique within "
                    "a policy.",
                )
            seen_sids[statement.sid] = index
        statements.append(statement)
    return Policy(policy_type, version, policy_id, tuple(statements))
