"""IAM: read and change users, roles and policies, each call authorized by the engine first."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from iamlab.engine import PolicyType, validate_policy
from iamlab.world import ids
from iamlab.world.clock import iso
from iamlab.world.errors import AwsError
from iamlab.world.model import (
    AccessKey,
    Account,
    Document,
    Group,
    InlinePolicy,
    ManagedPolicy,
    PolicyVersion,
    Role,
    User,
)
from iamlab.world.names import check_tags, policy_size
from iamlab.world.operations import operation
from iamlab.world.params import IAM_NAME, IAM_PATH, POLICY_CHARS, ParamChecker
from iamlab.world.principals import invalid_principals
from iamlab.world.world import Request

INLINE_LIMITS = {"user": 2048, "group": 5120, "role": 10240}
MANAGED_POLICY_LIMIT = 6144
TRUST_POLICY_LIMIT = 2048
MAX_ATTACHED = 20
MAX_ACCESS_KEYS = 2
MAX_POLICY_VERSIONS = 5
# Default account quotas (IAM User Guide, IAM quotas).
MAX_ROLES_PER_ACCOUNT = 1000
MAX_POLICIES_PER_ACCOUNT = 1500


# -- shared pieces --------------------------------------------------------------------


def _account(request: Request) -> Account:
    caller = request.caller
    account = request.world.accounts.get(caller.account_id or "")
    if account is None:
        raise AwsError("AccessDenied", "Anonymous users cannot call IAM.", 403)
    return account


def _guard_iam(request: Request) -> None:
    """Refuse IAM to sessions that may not use it (IAM-FACTS 4.2)."""
    session = request.caller.session
    if session is None:
        return
    if session.kind == "federation-token" or (
        session.kind == "session-token" and session.mfa_authenticated_at is None
    ):
        raise AwsError(
            "InvalidClientTokenId", "The security token included in the request is invalid", 403
        )


def _authorize(
    request: Request, action: str, resource: str, context: dict[str, Any] | None = None
) -> None:
    _guard_iam(request)
    entity = request.world.find_user(resource) or request.world.find_role(resource)
    if entity is not None and entity.tags:
        tags = {f"aws:ResourceTag/{key}": value for key, value in entity.tags.items()}
        context = {**tags, **(context or {})}
    check = request.authorize(
        action,
        resource,
        resource_account=request.caller.account_id,
        extra_context=context,
    )
    request.require(check)


def _role_arn(account: Account, name: str) -> str:
    role = account.roles.get(name.lower())
    return role.arn if role else f"arn:aws:iam::{account.account_id}:role/{name}"


def _user_arn(account: Account, name: str) -> str:
    user = account.users.get(name.lower())
    return user.arn if user else f"arn:aws:iam::{account.account_id}:user/{name}"


def _role(account: Account, name: str) -> Role:
    role = account.roles.get(name.lower())
    if role is None:
        raise AwsError("NoSuchEntity", f"The role with name {name} cannot be found.", 404)
    return role


def _user(account: Account, name: str) -> User:
    user = account.users.get(name.lower())
    if user is None:
        raise AwsError("NoSuchEntity", f"The user with name {name} cannot be found.", 404)
    return user


def _name(checker: ParamChecker, param: str, maximum: int = 64) -> str | None:
    return checker.string(param, required=True, min_length=1, max_length=maximum, pattern=IAM_NAME)


def _policy_arn(checker: ParamChecker, param: str = "PolicyArn") -> str | None:
    return checker.string(param, required=True, min_length=20, max_length=2048)


def _parse_document(
    value: str | None, policy_type: PolicyType, *, limit: int | None = None, what: str = "policy"
) -> Document:
    """Parse a policy document parameter and validate it through the engine."""
    assert value is not None
    try:
        document = json.loads(value)
    except ValueError as error:
        raise AwsError("MalformedPolicyDocument", "Syntax errors in policy.", 400) from error
    # IAM reports a quota before looking inside the document.
    if limit is not None and policy_size(document) > limit:
        quota = "ACLSizePerRole" if what == "trust" else "PolicySize"
        raise AwsError("LimitExceeded", f"Cannot exceed quota for {quota}: {limit}", 409)
    problem = validate_policy(document, policy_type, "")
    if problem is not None:
        raise AwsError("MalformedPolicyDocument", problem["message"], 400)
    return document


def _check_trust_principals(request: Request, document: Document) -> None:
    problems = invalid_principals(document, _WorldLookup(request))
    if problems:
        raise AwsError("MalformedPolicyDocument", problems[0][1], 400)


class _WorldLookup:
    def __init__(self, request: Request) -> None:
        self.world = request.world

    def principal_exists(self, arn: str) -> bool:
        world = self.world
        role = world.find_role(arn)
        return (
            world.find_user(arn) is not None
            or (role is not None and role.arn == arn)
            or world.find_provider(arn) is not None
        )

    def role_exists(self, account_id: str, name: str) -> bool:
        account = self.world.accounts.get(account_id)
        return account is not None and account.roles.get(name.lower()) is not None

    def account_exists(self, account_id: str) -> bool:
        return account_id in self.world.accounts


def _find_policy(request: Request, arn: str) -> ManagedPolicy:
    policy = request.world.find_policy(arn)
    if policy is None:
        raise AwsError("NoSuchEntity", f"Policy {arn} does not exist or is not attachable.", 404)
    return policy


def _tags_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _boundary_and_tags(entity: User | Role) -> dict[str, Any]:
    """Return the PermissionsBoundary and Tags members of a full user or role."""
    members: dict[str, Any] = {}
    if entity.permission_boundary_arn:
        members["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": entity.permission_boundary_arn,
        }
    if entity.tags:
        members["Tags"] = _tags_list(entity.tags)
    return members


def _user_shape(user: User, *, full: bool) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": iso(user.created),
    }
    if full:
        shape.update(_boundary_and_tags(user))
    return shape


def _role_shape(role: Role, *, full: bool) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": role.arn,
        "CreateDate": iso(role.created),
        "AssumeRolePolicyDocument": role.trust_policy,
    }
    if role.description:
        shape["Description"] = role.description
    shape["MaxSessionDuration"] = role.max_session_duration
    if full:
        shape.update(_boundary_and_tags(role))
        shape["RoleLastUsed"] = {}
    return shape


def _attachment_count(request: Request, arn: str) -> tuple[int, int]:
    attached = boundaries = 0
    for account in request.world.accounts.values():
        entities: list[User | Role | Group] = [
            *account.users.values(),
            *account.roles.values(),
            *account.groups.values(),
        ]
        for entity in entities:
            attached += entity.managed_policy_arns.count(arn)
            if getattr(entity, "permission_boundary_arn", None) == arn:
                boundaries += 1
    return attached, boundaries


def _attached(request: Request, arns: list[str]) -> list[dict[str, str]]:
    result = []
    for arn in arns:
        policy = request.world.find_policy(arn)
        result.append(
            {"PolicyName": policy.name if policy else arn.rsplit("/", 1)[1], "PolicyArn": arn}
        )
    return result


# -- policies of users and roles ------------------------------------------------------


Entity = TypeVar("Entity", User, Role)


@dataclass(frozen=True)
class _EntityKind(Generic[Entity]):
    """What the user and the role versions of an IAM operation differ in."""

    word: str  # "user" or "role", as AWS words it in error messages
    name_param: str  # the request parameter naming the entity, also a response key
    find: Callable[[Account, str], Entity]
    arn: Callable[[Account, str], str]
    inline_limit: int
    attached_quota: str  # the quota AWS names when too many managed policies are attached


_USER: _EntityKind[User] = _EntityKind(
    "user", "UserName", _user, _user_arn, INLINE_LIMITS["user"], "PoliciesPerUser"
)
_ROLE: _EntityKind[Role] = _EntityKind(
    "role", "RoleName", _role, _role_arn, INLINE_LIMITS["role"], "PoliciesPerRole"
)


def _authorized_entity(
    request: Request,
    kind: _EntityKind[Entity],
    action: str,
    name: str,
    context: dict[str, Any] | None = None,
) -> Entity:
    """Authorize an action on a user or role, then look it up."""
    account = _account(request)
    # Authorization comes first, so a caller without access cannot learn whether it exists.
    _authorize(request, action, kind.arn(account, name), context)
    return kind.find(account, name)


def _listing(request: Request, kind: _EntityKind[Entity], action: str) -> tuple[Account, str]:
    """Return the caller's account and PathPrefix once its users or roles may be listed."""
    checker = ParamChecker(request.params)
    prefix = checker.string("PathPrefix", min_length=1, max_length=512) or "/"
    checker.raise_if_any()
    account = _account(request)
    _authorize(request, action, f"arn:aws:iam::{account.account_id}:{kind.word}/")
    return account, prefix


def _named_entity(request: Request, kind: _EntityKind[Entity], action: str) -> Entity:
    """Return the user or role the request names, once the action on it is authorized."""
    checker = ParamChecker(request.params)
    name = _name(checker, kind.name_param)
    checker.raise_if_any()
    assert name is not None
    return _authorized_entity(request, kind, action, name)


def _list_attached_policies(
    request: Request, kind: _EntityKind[Entity], action: str
) -> dict[str, Any]:
    """List the managed policies attached to a user or role."""
    entity = _named_entity(request, kind, action)
    return {"AttachedPolicies": _attached(request, entity.managed_policy_arns)}


def _list_inline_policies(
    request: Request, kind: _EntityKind[Entity], action: str
) -> dict[str, Any]:
    """List the names of a user's or role's inline policies."""
    entity = _named_entity(request, kind, action)
    return {"PolicyNames": [p.name for p in entity.inline_policies]}


def _put_inline_policy(request: Request, kind: _EntityKind[Entity], action: str) -> dict[str, Any]:
    """Add or replace an inline policy of a user or role."""
    checker = ParamChecker(request.params)
    name = _name(checker, kind.name_param)
    policy_name = _name(checker, "PolicyName", 128)
    text = checker.string(
        "PolicyDocument", required=True, min_length=1, max_length=131072, pattern=POLICY_CHARS
    )
    checker.raise_if_any()
    assert name is not None and policy_name is not None
    entity = _authorized_entity(request, kind, action, name)
    document = _parse_document(text, PolicyType.IDENTITY)
    _put_inline(
        entity.inline_policies,
        policy_name,
        document,
        kind.inline_limit,
        f"{kind.word} {entity.name}",
    )
    request.event.effect = {"inline_policy": {"entity_arn": entity.arn, "policy_name": policy_name}}
    return {}


def _named_inline_policy(
    request: Request, kind: _EntityKind[Entity], action: str
) -> tuple[Entity, InlinePolicy]:
    """Return the user or role a request names and the inline policy it names."""
    checker = ParamChecker(request.params)
    name = _name(checker, kind.name_param)
    policy_name = _name(checker, "PolicyName", 128)
    checker.raise_if_any()
    assert name is not None and policy_name is not None
    entity = _authorized_entity(request, kind, action, name)
    # Matched regardless of case, as _put_inline replaces a policy of the same name.
    for policy in entity.inline_policies:
        if policy.name.lower() == policy_name.lower():
            return entity, policy
    raise AwsError(
        "NoSuchEntity", f"The {kind.word} policy with name {policy_name} cannot be found.", 404
    )


def _get_inline_policy(request: Request, kind: _EntityKind[Entity], action: str) -> dict[str, Any]:
    """Return one inline policy of a user or role."""
    entity, policy = _named_inline_policy(request, kind, action)
    return {
        kind.name_param: entity.name,
        "PolicyName": policy.name,
        "PolicyDocument": policy.document,
    }


def _delete_inline_policy(
    request: Request, kind: _EntityKind[Entity], action: str
) -> dict[str, Any]:
    """Delete an inline policy of a user or role."""
    entity, policy = _named_inline_policy(request, kind, action)
    entity.inline_policies.remove(policy)
    request.event.effect = {
        "deleted_inline_policy": {"entity_arn": entity.arn, "policy_name": policy.name}
    }
    return {}


def _policy_attachment(
    request: Request, kind: _EntityKind[Entity], action: str
) -> tuple[Entity, str]:
    """Return the user or role and the PolicyArn a request names, once authorized."""
    checker = ParamChecker(request.params)
    name = _name(checker, kind.name_param)
    arn = _policy_arn(checker)
    checker.raise_if_any()
    assert name is not None and arn is not None
    return _authorized_entity(request, kind, action, name, {"iam:PolicyARN": arn}), arn


def _attach_managed_policy(
    request: Request, kind: _EntityKind[Entity], action: str
) -> dict[str, Any]:
    """Attach a managed policy to a user or role."""
    entity, arn = _policy_attachment(request, kind, action)
    _attach(request, entity.managed_policy_arns, arn, kind.attached_quota)
    request.event.effect = {"attached_policy": {"entity_arn": entity.arn, "policy_arn": arn}}
    return {}


def _detach_managed_policy(
    request: Request, kind: _EntityKind[Entity], action: str
) -> dict[str, Any]:
    """Detach a managed policy from a user or role."""
    entity, arn = _policy_attachment(request, kind, action)
    if arn not in entity.managed_policy_arns:
        raise AwsError("NoSuchEntity", f"Policy {arn} was not found.", 404)
    entity.managed_policy_arns.remove(arn)
    request.event.effect = {"detached_policy": {"entity_arn": entity.arn, "policy_arn": arn}}
    return {}


def _put_inline(
    policies: list[InlinePolicy], name: str, document: Document, limit: int, owner: str
) -> None:
    others = [p for p in policies if p.name.lower() != name.lower()]
    total = sum(policy_size(p.document) for p in others) + policy_size(document)
    if total > limit:
        raise AwsError(
            "LimitExceeded", f"Maximum policy size of {limit} bytes exceeded for {owner}", 409
        )
    for policy in policies:
        if policy.name.lower() == name.lower():
            policy.name, policy.document = name, document
            return
    policies.append(InlinePolicy(name, document))


def _attach(request: Request, arns: list[str], arn: str, quota: str) -> None:
    policy = _find_policy(request, arn)
    if not policy.is_aws_managed and policy.account_id != request.caller.account_id:
        raise AwsError("NoSuchEntity", f"Policy {arn} does not exist or is not attachable.", 404)
    if arn in arns:
        return
    if len(arns) >= MAX_ATTACHED:
        raise AwsError("LimitExceeded", f"Cannot exceed quota for {quota}: {MAX_ATTACHED}", 409)
    arns.append(policy.arn)


# -- users ----------------------------------------------------------------------------


def _named_or_calling_user(request: Request, action: str) -> tuple[Account, User]:
    """Return the account and the user UserName names (else the caller), once authorized."""
    checker = ParamChecker(request.params)
    name = checker.string("UserName", min_length=1, max_length=64, pattern=IAM_NAME)
    checker.raise_if_any()
    account = _account(request)
    if name is None:
        if request.caller.user is None:
            # A session barred from IAM is told so first, not asked to name a user.
            _guard_iam(request)
            raise AwsError(
                "ValidationError",
                "Must specify userName when calling with non-User credentials",
                400,
            )
        name = request.caller.user.name
    _authorize(request, action, _user_arn(account, name))
    return account, _user(account, name)


@operation("iam", "GetUser", ("UserName",))
def get_user(request: Request) -> dict[str, Any]:
    """Return a user; without UserName, the calling user."""
    _, user = _named_or_calling_user(request, "iam:GetUser")
    return {"User": _user_shape(user, full=True)}


@operation("iam", "ListUsers", ("PathPrefix",))
def list_users(request: Request) -> dict[str, Any]:
    """List the account's users."""
    account, prefix = _listing(request, _USER, "iam:ListUsers")
    users = sorted(account.users.values(), key=lambda user: user.name.lower())
    return {"Users": [_user_shape(u, full=False) for u in users if u.path.startswith(prefix)]}


@operation("iam", "ListAttachedUserPolicies", ("UserName", "PathPrefix"))
def list_attached_user_policies(request: Request) -> dict[str, Any]:
    """List the managed policies attached to a user."""
    return _list_attached_policies(request, _USER, "iam:ListAttachedUserPolicies")


@operation("iam", "ListUserPolicies", ("UserName",))
def list_user_policies(request: Request) -> dict[str, Any]:
    """List the names of a user's inline policies."""
    return _list_inline_policies(request, _USER, "iam:ListUserPolicies")


@operation("iam", "ListGroupsForUser", ("UserName",))
def list_groups_for_user(request: Request) -> dict[str, Any]:
    """List the groups a user belongs to."""
    checker = ParamChecker(request.params)
    name = _name(checker, "UserName")
    checker.raise_if_any()
    assert name is not None
    account = _account(request)
    _authorize(request, "iam:ListGroupsForUser", _user_arn(account, name))
    user = _user(account, name)
    groups = [account.groups[g.lower()] for g in user.group_names if g.lower() in account.groups]
    return {
        "Groups": [
            {
                "Path": group.path,
                "GroupName": group.name,
                "GroupId": group.group_id,
                "Arn": group.arn,
                "CreateDate": iso(group.created),
            }
            for group in groups
        ]
    }


@operation("iam", "ListAccessKeys", ("UserName",))
def list_access_keys(request: Request) -> dict[str, Any]:
    """List a user's access keys (never their secrets); without UserName, the caller's."""
    _, user = _named_or_calling_user(request, "iam:ListAccessKeys")
    return {
        "AccessKeyMetadata": [
            {
                "UserName": user.name,
                "AccessKeyId": key.access_key_id,
                "Status": key.status,
                "CreateDate": iso(key.created),
            }
            for key in user.access_keys
        ]
    }


@operation("iam", "CreateAccessKey", ("UserName",))
def create_access_key(request: Request) -> dict[str, Any]:
    """Create a long-term access key for a user (two at most)."""
    world = request.world
    account, user = _named_or_calling_user(request, "iam:CreateAccessKey")
    if len(user.access_keys) >= MAX_ACCESS_KEYS:
        raise AwsError(
            "LimitExceeded", f"Cannot exceed quota for AccessKeysPerUser: {MAX_ACCESS_KEYS}", 409
        )
    counter = str(len(world.long_term_keys))
    key_id = ids.access_key_id(
        "AKIA", world.seed, "created", user.arn, counter, world.now().isoformat()
    )
    key = AccessKey(key_id, ids.secret_access_key(world.seed, key_id), "Active", world.now())
    user.access_keys.append(key)
    world.long_term_keys[key_id] = (account, user, key)
    request.event.effect = {"access_key": {"user_arn": user.arn, "access_key_id": key_id}}
    return {
        "AccessKey": {
            "UserName": user.name,
            "AccessKeyId": key_id,
            "Status": "Active",
            "SecretAccessKey": key.secret,
            "CreateDate": iso(key.created),
        }
    }


@operation("iam", "PutUserPolicy", ("UserName", "PolicyName", "PolicyDocument"))
def put_user_policy(request: Request) -> dict[str, Any]:
    """Add or replace an inline policy of a user."""
    return _put_inline_policy(request, _USER, "iam:PutUserPolicy")


@operation("iam", "AttachUserPolicy", ("UserName", "PolicyArn"))
def attach_user_policy(request: Request) -> dict[str, Any]:
    """Attach a managed policy to a user."""
    return _attach_managed_policy(request, _USER, "iam:AttachUserPolicy")


# -- roles ----------------------------------------------------------------------------


@operation("iam", "GetRole", ("RoleName",))
def get_role(request: Request) -> dict[str, Any]:
    """Return a role with its trust policy."""
    return {"Role": _role_shape(_named_entity(request, _ROLE, "iam:GetRole"), full=True)}


@operation("iam", "ListRoles", ("PathPrefix",))
def list_roles(request: Request) -> dict[str, Any]:
    """List the account's roles."""
    account, prefix = _listing(request, _ROLE, "iam:ListRoles")
    roles = sorted(account.roles.values(), key=lambda role: role.name.lower())
    return {"Roles": [_role_shape(r, full=False) for r in roles if r.path.startswith(prefix)]}


@operation("iam", "ListAttachedRolePolicies", ("RoleName", "PathPrefix"))
def list_attached_role_policies(request: Request) -> dict[str, Any]:
    """List the managed policies attached to a role."""
    return _list_attached_policies(request, _ROLE, "iam:ListAttachedRolePolicies")


@operation("iam", "ListRolePolicies", ("RoleName",))
def list_role_policies(request: Request) -> dict[str, Any]:
    """List the names of a role's inline policies."""
    return _list_inline_policies(request, _ROLE, "iam:ListRolePolicies")


@operation("iam", "GetRolePolicy", ("RoleName", "PolicyName"))
def get_role_policy(request: Request) -> dict[str, Any]:
    """Return one inline policy of a role."""
    return _get_inline_policy(request, _ROLE, "iam:GetRolePolicy")


@operation(
    "iam",
    "CreateRole",
    (
        "RoleName",
        "Path",
        "AssumeRolePolicyDocument",
        "Description",
        "MaxSessionDuration",
        "PermissionsBoundary",
        "Tags",
    ),
)
def create_role(request: Request) -> dict[str, Any]:
    """Create a role with a trust policy."""
    world = request.world
    checker = ParamChecker(request.params)
    name = _name(checker, "RoleName")
    path = checker.string("Path", min_length=1, max_length=512, pattern=IAM_PATH) or "/"
    text = checker.string(
        "AssumeRolePolicyDocument",
        required=True,
        min_length=1,
        max_length=131072,
        pattern=POLICY_CHARS,
    )
    description = checker.string("Description", max_length=1000) or ""
    duration = checker.integer("MaxSessionDuration", minimum=3600, maximum=43200) or 3600
    boundary = checker.string("PermissionsBoundary", min_length=20, max_length=2048)
    raw_tags = request.params.get("Tags") or []
    checker.raise_if_any()
    assert name is not None
    tags = _read_tags(raw_tags)
    account = _account(request)
    arn = f"arn:aws:iam::{account.account_id}:role{path}{name}"
    context: dict[str, Any] = {f"aws:RequestTag/{k}": v for k, v in tags.items()}
    if tags:
        context["aws:TagKeys"] = list(tags)
    if boundary:
        context["iam:PermissionsBoundary"] = boundary
    _authorize(request, "iam:CreateRole", arn, context)
    if tags:
        _authorize(request, "iam:TagRole", arn, context)
    if name.lower() in account.roles:
        raise AwsError("EntityAlreadyExists", f"Role with name {name} already exists.", 409)
    if len(account.roles) >= MAX_ROLES_PER_ACCOUNT:
        raise AwsError(
            "LimitExceeded",
            f"Cannot exceed quota for RolesPerAccount: {MAX_ROLES_PER_ACCOUNT}",
            409,
        )
    document = _parse_document(text, PolicyType.TRUST, limit=TRUST_POLICY_LIMIT, what="trust")
    _check_trust_principals(request, document)
    if boundary is not None:
        _find_policy(request, boundary)
    role = Role(
        account_id=account.account_id,
        name=name,
        role_id=ids.unique_id(
            "AROA", world.seed, account.account_id, "role", name, iso(world.now())
        ),
        path=path,
        description=description,
        trust_policy=document,
        managed_policy_arns=[],
        inline_policies=[],
        permission_boundary_arn=boundary,
        max_session_duration=duration,
        tags=tags,
        created=world.now(),
    )
    account.roles[name.lower()] = role
    request.event.effect = {"role": {"arn": role.arn, "created": True}}
    return {"Role": _role_shape(role, full=False) | ({"Tags": _tags_list(tags)} if tags else {})}


def _read_tags(raw: object) -> dict[str, str]:
    if not isinstance(raw, list) or not all(
        isinstance(t, dict) and isinstance(t.get("Key"), str) and isinstance(t.get("Value"), str)
        for t in raw
    ):
        raise AwsError(
            "ValidationError",
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member "
            'must be a list of {"Key": ..., "Value": ...} objects',
            400,
        )
    tags = {t["Key"]: t["Value"] for t in raw}
    problems = check_tags(tags)
    if len(tags) != len(raw) or problems:
        message = problems[0][1] if problems else "Duplicate tag keys found."
        raise AwsError("InvalidInput", message, 400)
    return tags


@operation("iam", "UpdateAssumeRolePolicy", ("RoleName", "PolicyDocument"))
def update_assume_role_policy(request: Request) -> dict[str, Any]:
    """Replace a role's trust policy: who may assume it changes at once."""
    checker = ParamChecker(request.params)
    name = _name(checker, "RoleName")
    text = checker.string(
        "PolicyDocument", required=True, min_length=1, max_length=131072, pattern=POLICY_CHARS
    )
    checker.raise_if_any()
    assert name is not None
    account = _account(request)
    _authorize(request, "iam:UpdateAssumeRolePolicy", _role_arn(account, name))
    role = _role(account, name)
    document = _parse_document(text, PolicyType.TRUST, limit=TRUST_POLICY_LIMIT, what="trust")
    _check_trust_principals(request, document)
    role.trust_policy = document
    request.event.effect = {"trust_policy": {"role_arn": role.arn}}
    return {}


@operation("iam", "AttachRolePolicy", ("RoleName", "PolicyArn"))
def attach_role_policy(request: Request) -> dict[str, Any]:
    """Attach a managed policy to a role."""
    return _attach_managed_policy(request, _ROLE, "iam:AttachRolePolicy")


@operation("iam", "DetachRolePolicy", ("RoleName", "PolicyArn"))
def detach_role_policy(request: Request) -> dict[str, Any]:
    """Detach a managed policy from a role."""
    return _detach_managed_policy(request, _ROLE, "iam:DetachRolePolicy")


@operation("iam", "PutRolePolicy", ("RoleName", "PolicyName", "PolicyDocument"))
def put_role_policy(request: Request) -> dict[str, Any]:
    """Add or replace an inline policy of a role."""
    return _put_inline_policy(request, _ROLE, "iam:PutRolePolicy")


@operation("iam", "DeleteRolePolicy", ("RoleName", "PolicyName"))
def delete_role_policy(request: Request) -> dict[str, Any]:
    """Delete an inline policy of a role."""
    return _delete_inline_policy(request, _ROLE, "iam:DeleteRolePolicy")


# -- managed policies -----------------------------------------------------------------


def _policy_shape(request: Request, policy: ManagedPolicy) -> dict[str, Any]:
    attached, boundaries = _attachment_count(request, policy.arn)
    shape: dict[str, Any] = {
        "PolicyName": policy.name,
        "PolicyId": policy.policy_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version_id,
        "AttachmentCount": attached,
        "PermissionsBoundaryUsageCount": boundaries,
        "IsAttachable": True,
    }
    if policy.description:
        shape["Description"] = policy.description
    shape["CreateDate"] = iso(policy.created)
    shape["UpdateDate"] = iso(policy.updated)
    return shape


@operation("iam", "GetPolicy", ("PolicyArn",))
def get_policy(request: Request) -> dict[str, Any]:
    """Return a managed policy's metadata (not its document)."""
    checker = ParamChecker(request.params)
    arn = _policy_arn(checker)
    checker.raise_if_any()
    assert arn is not None
    _account(request)
    _authorize(request, "iam:GetPolicy", arn)
    policy = request.world.find_policy(arn)
    if policy is None:
        raise AwsError("NoSuchEntity", f"Policy {arn} was not found.", 404)
    return {"Policy": _policy_shape(request, policy)}


@operation("iam", "GetPolicyVersion", ("PolicyArn", "VersionId"))
def get_policy_version(request: Request) -> dict[str, Any]:
    """Return one version of a managed policy, with its document."""
    checker = ParamChecker(request.params)
    arn = _policy_arn(checker)
    version_id = checker.string("VersionId", required=True, min_length=1, max_length=64)
    checker.raise_if_any()
    assert arn is not None and version_id is not None
    _account(request)
    _authorize(request, "iam:GetPolicyVersion", arn)
    policy = request.world.find_policy(arn)
    version = policy.version(version_id) if policy else None
    if policy is None:
        raise AwsError("NoSuchEntity", f"Policy {arn} was not found.", 404)
    if version is None:
        raise AwsError(
            "NoSuchEntity",
            f"Policy {arn} version {version_id} does not exist or is not attachable.",
            404,
        )
    return {
        "PolicyVersion": {
            "Document": version.document,
            "VersionId": version.version_id,
            "IsDefaultVersion": version.version_id == policy.default_version_id,
            "CreateDate": iso(version.created),
        }
    }


@operation("iam", "CreatePolicyVersion", ("PolicyArn", "PolicyDocument", "SetAsDefault"))
def create_policy_version(request: Request) -> dict[str, Any]:
    """Add a version to a customer-managed policy, optionally making it the default."""
    world = request.world
    checker = ParamChecker(request.params)
    arn = _policy_arn(checker)
    text = checker.string(
        "PolicyDocument", required=True, min_length=1, max_length=131072, pattern=POLICY_CHARS
    )
    set_default = request.params.get("SetAsDefault", False)
    if not isinstance(set_default, bool):
        checker.errors.append(
            f"Value '{set_default}' at 'setAsDefault' failed to satisfy constraint: "
            "Member must be a boolean"
        )
    checker.raise_if_any()
    assert arn is not None
    _account(request)
    _authorize(request, "iam:CreatePolicyVersion", arn)
    policy = world.find_policy(arn)
    if policy is None:
        raise AwsError("NoSuchEntity", f"Policy {arn} was not found.", 404)
    if policy.is_aws_managed:
        raise AwsError("AccessDenied", "AWS managed policies cannot be modified.", 403)
    document = _parse_document(text, PolicyType.IDENTITY, limit=MANAGED_POLICY_LIMIT)
    if len(policy.versions) >= MAX_POLICY_VERSIONS:
        raise AwsError(
            "LimitExceeded",
            f"A managed policy can have up to {MAX_POLICY_VERSIONS} versions. Before you create "
            "a new version, you must delete an existing version.",
            409,
        )
    number = max(int(v.version_id[1:]) for v in policy.versions) + 1
    version = PolicyVersion(f"v{number}", document, world.now())
    policy.versions.append(version)
    if set_default:
        policy.default_version_id = version.version_id
    policy.updated = world.now()
    request.event.effect = {
        "policy_version": {
            "policy_arn": policy.arn,
            "version_id": version.version_id,
            "default": set_default,
        }
    }
    return {
        "PolicyVersion": {
            "VersionId": version.version_id,
            "IsDefaultVersion": bool(set_default),
            "CreateDate": iso(version.created),
        }
    }


# -- more user policy calls and customer-managed policies ---------------------------------


@operation("iam", "GetUserPolicy", ("UserName", "PolicyName"))
def get_user_policy(request: Request) -> dict[str, Any]:
    """Return one inline policy of a user."""
    return _get_inline_policy(request, _USER, "iam:GetUserPolicy")


@operation("iam", "DeleteUserPolicy", ("UserName", "PolicyName"))
def delete_user_policy(request: Request) -> dict[str, Any]:
    """Delete an inline policy of a user."""
    return _delete_inline_policy(request, _USER, "iam:DeleteUserPolicy")


@operation("iam", "DetachUserPolicy", ("UserName", "PolicyArn"))
def detach_user_policy(request: Request) -> dict[str, Any]:
    """Detach a managed policy from a user."""
    return _detach_managed_policy(request, _USER, "iam:DetachUserPolicy")


@operation("iam", "CreatePolicy", ("PolicyName", "Path", "PolicyDocument", "Description"))
def create_policy(request: Request) -> dict[str, Any]:
    """Create a customer-managed policy (version v1)."""
    world = request.world
    checker = ParamChecker(request.params)
    name = _name(checker, "PolicyName", 128)
    path = checker.string("Path", min_length=1, max_length=512, pattern=IAM_PATH) or "/"
    text = checker.string(
        "PolicyDocument", required=True, min_length=1, max_length=131072, pattern=POLICY_CHARS
    )
    description = checker.string("Description", max_length=1000) or ""
    checker.raise_if_any()
    assert name is not None
    account = _account(request)
    arn = f"arn:aws:iam::{account.account_id}:policy{path}{name}"
    _authorize(request, "iam:CreatePolicy", arn)
    if name.lower() in account.policies:
        raise AwsError(
            "EntityAlreadyExists",
            f"A policy called {name} already exists. Duplicate names are not allowed.",
            409,
        )
    if len(account.policies) >= MAX_POLICIES_PER_ACCOUNT:
        raise AwsError(
            "LimitExceeded",
            f"Cannot exceed quota for PoliciesPerAccount: {MAX_POLICIES_PER_ACCOUNT}",
            409,
        )
    document = _parse_document(text, PolicyType.IDENTITY, limit=MANAGED_POLICY_LIMIT)
    policy = ManagedPolicy(
        account_id=account.account_id,
        name=name,
        policy_id=ids.unique_id(
            "ANPA", world.seed, account.account_id, "policy", name, iso(world.now())
        ),
        path=path,
        description=description,
        versions=[PolicyVersion("v1", document, world.now())],
        default_version_id="v1",
        created=world.now(),
        updated=world.now(),
    )
    account.policies[name.lower()] = policy
    request.event.effect = {"policy": {"arn": policy.arn, "created": True}}
    return {"Policy": _policy_shape(request, policy)}


@operation("iam", "ListPolicies", ("Scope", "OnlyAttached", "PathPrefix"))
def list_policies(request: Request) -> dict[str, Any]:
    """List managed policies: AWS managed, the account's own, or both (Scope All/AWS/Local)."""
    checker = ParamChecker(request.params)
    scope = checker.string("Scope") or "All"
    prefix = checker.string("PathPrefix", min_length=1, max_length=512) or "/"
    only_attached = request.params.get("OnlyAttached", False)
    if scope not in ("All", "AWS", "Local"):
        checker.errors.append(
            f"Value '{scope}' at 'scope' failed to satisfy constraint: Member must satisfy enum "
            "value set: [All, AWS, Local]"
        )
    if not isinstance(only_attached, bool):
        checker.errors.append(
            f"Value '{only_attached}' at 'onlyAttached' failed to satisfy constraint: Member "
            "must be a boolean"
        )
    checker.raise_if_any()
    account = _account(request)
    _authorize(request, "iam:ListPolicies", f"arn:aws:iam::{account.account_id}:policy/")
    candidates: list[ManagedPolicy] = []
    if scope in ("All", "AWS"):
        candidates.extend(request.world.aws_policies.values())
    if scope in ("All", "Local"):
        candidates.extend(account.policies.values())
    shapes = [
        _policy_shape(request, policy)
        for policy in sorted(candidates, key=lambda p: p.name.lower())
        if policy.path.startswith(prefix)
    ]
    if only_attached:
        shapes = [shape for shape in shapes if shape["AttachmentCount"] > 0]
    for shape in shapes:
        shape.pop("Description", None)
    return {"Policies": shapes}
