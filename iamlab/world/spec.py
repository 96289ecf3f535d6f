"""Read a world spec (plain JSON) into accounts and buckets, reporting every problem at once."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from iamlab.engine import PolicyType, validate_policy
from iamlab.engine.errors import describe_type, join_path
from iamlab.world import ids
from iamlab.world.clock import parse_time
from iamlab.world.errors import Problem, WorldSpecError
from iamlab.world.managed import aws_managed_policies
from iamlab.world.model import (
    AccessKey,
    Account,
    Bucket,
    Document,
    Group,
    IdentityProvider,
    InlinePolicy,
    LambdaCall,
    LambdaFunction,
    ManagedPolicy,
    MfaDevice,
    Organization,
    OrganizationLevel,
    PolicyVersion,
    Role,
    S3Object,
    User,
)
from iamlab.world.names import (
    check_iam_name,
    check_path,
    check_tags,
    policy_size,
)
from iamlab.world.operations import known_operation

DEFAULT_SEED = "iamlab"
DEFAULT_REGION = "us-east-1"
DEFAULT_SOURCE_IP = "203.0.113.10"

ACCOUNT_ID = re.compile(r"\d{12}")
ALIAS = re.compile(r"[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]")
ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")
ACCESS_KEY_ID = re.compile(r"AKIA[A-Z0-9]{16}")
SECRET = re.compile(r"[A-Za-z0-9+/]{40}")
UNIQUE_ID = {"AIDA": "user", "AROA": "role", "AGPA": "group", "ANPA": "policy"}
ID_PREFIX = {kind: prefix for prefix, kind in UNIQUE_ID.items()}
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
SAML_NAME = re.compile(r"[A-Za-z0-9._-]{1,128}")
THUMBPRINT = re.compile(r"[0-9A-Fa-f]{40}")
OIDC_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?")
REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d")

MAX_OBJECT_BYTES = 1024 * 1024
MAX_FUNCTION_CALLS = 20
# Quotas from IAM-FACTS 2.4.
MAX_GROUPS_PER_USER = 10
MAX_MANAGED_PER_USER_OR_ROLE = 20
MAX_MANAGED_PER_GROUP = 10
MAX_MANAGED = {
    "user": MAX_MANAGED_PER_USER_OR_ROLE,
    "group": MAX_MANAGED_PER_GROUP,
    "role": MAX_MANAGED_PER_USER_OR_ROLE,
}
MAX_ACCESS_KEYS = 2
INLINE_LIMITS = {"user": 2048, "group": 5120, "role": 10240}
MANAGED_POLICY_LIMIT = 6144

_Referable = TypeVar("_Referable", ManagedPolicy, Role)


@dataclass
class WorldContents:
    """What a spec describes, before the world adds a clock and sessions."""

    seed: str
    region: str
    source_ip: str
    start_time: datetime
    accounts: dict[str, Account]
    buckets: dict[str, Bucket]
    aws_policies: dict[str, ManagedPolicy]
    mfa_devices: dict[str, MfaDevice] = field(default_factory=dict)


class _Reader:
    """Walks a spec, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def fields(
        self, value: object, path: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, Any] | None:
        """Return `value` if it is an object with only the known fields, else None."""
        if not isinstance(value, dict):
            self.problem(path, f"Expected an object, found {describe_type(value)}.")
            return None
        known = set(required) | set(optional)
        for key in value:
            if key not in known:
                names = ", ".join(sorted(known))
                self.problem(join_path(path, str(key)), f"Unknown field '{key}'; known: {names}.")
        for key in required:
            if key not in value:
                self.problem(join_path(path, key), f"Missing required field '{key}'.")
        return value

    def string(self, value: object, path: str, *, allow_empty: bool = False) -> str | None:
        if not isinstance(value, str):
            self.problem(path, f"Expected a string, found {describe_type(value)}.")
            return None
        if not value and not allow_empty:
            self.problem(path, "Must not be empty.")
            return None
        return value

    def valid_name(
        self, data: dict[str, Any], path: str, valid: Callable[[str], object], what: str
    ) -> str | None:
        """Return the "name" field if given and valid; report an invalid one and return None."""
        name = self.string(data.get("name"), f"{path}.name") if "name" in data else None
        if name is not None and not valid(name):
            self.problem(f"{path}.name", f"'{name}' is not {what}.")
            return None
        return name

    def optional_string(self, value: object, path: str, default: str) -> str:
        if value is None:
            return default
        text = self.string(value, path, allow_empty=True)
        return default if text is None else text

    def list_of(self, value: object, path: str, maximum: int | None = None) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"Expected a list, found {describe_type(value)}.")
            return []
        if maximum is not None and len(value) > maximum:
            self.problem(path, f"At most {maximum} items are allowed; found {len(value)}.")
        return value

    def policy(self, document: object, policy_type: PolicyType, path: str) -> Document | None:
        error = validate_policy(document, policy_type, path)
        if error is not None:
            self.problem(error["path"] or path, error["message"])
            return None
        return document  # type: ignore[return-value]

    def check(self, path: str, message: str | None) -> None:
        if message is not None:
            self.problem(path, message)


def read_spec(spec: object) -> WorldContents:
    """Read and check a world spec; raise WorldSpecError listing every problem."""
    reader = _Reader()
    top = reader.fields(spec, "", ("start_time", "accounts"), ("seed", "region", "source_ip"))
    if top is None:
        raise WorldSpecError(reader.problems)
    start_time = parse_time(top.get("start_time"))  # type: ignore[arg-type]
    if "start_time" in top and start_time is None:
        reader.problem(
            "start_time",
            "Expected an ISO 8601 UTC time in whole seconds, such as '2026-01-05T09:00:00Z'.",
        )
    seed = reader.optional_string(top.get("seed"), "seed", DEFAULT_SEED)
    region = reader.optional_string(top.get("region"), "region", DEFAULT_REGION)
    if not REGION.fullmatch(region):
        reader.problem("region", f"'{region}' is not a region name such as 'us-east-1'.")
    source_ip = reader.optional_string(top.get("source_ip"), "source_ip", DEFAULT_SOURCE_IP)
    if not _is_ip(source_ip):
        reader.problem("source_ip", f"'{source_ip}' is not an IPv4 or IPv6 address.")
    start = start_time or parse_time("2026-01-01T00:00:00Z")
    assert start is not None
    contents = WorldContents(
        seed=seed,
        region=region,
        source_ip=source_ip,
        start_time=start,
        accounts={},
        buckets={},
        aws_policies=aws_managed_policies(),
    )
    raw_accounts = reader.list_of(top.get("accounts"), "accounts")
    if "accounts" in top and isinstance(top["accounts"], list) and not raw_accounts:
        reader.problem("accounts", "A world needs at least one account.")
    builder = _Builder(reader, contents)
    for index, raw in enumerate(raw_accounts):
        builder.account(raw, f"accounts[{index}]")
    builder.resolve()
    if reader.problems:
        raise WorldSpecError(reader.problems)
    return contents


class _Builder:
    """Builds model objects from a checked spec, then resolves references between them."""

    def __init__(self, reader: _Reader, contents: WorldContents) -> None:
        self.reader = reader
        self.contents = contents
        self.access_key_ids: dict[str, str] = {}
        self.unique_ids: dict[str, str] = {}
        # Resolved later, when every account is known: (path, account, entity, attribute).
        self.pending_refs: list[tuple[str, Account, Any, str]] = []
        self.trust_checks: list[tuple[str, Role]] = []
        self.account_paths: dict[str, str] = {}
        # Policies that exist but failed validation: references to them are not reported again.
        self.invalid_policies: set[tuple[str, str]] = set()

    @property
    def now(self) -> datetime:
        return self.contents.start_time

    # -- accounts --------------------------------------------------------------------

    def account(self, raw: object, path: str) -> None:
        reader = self.reader
        data = reader.fields(
            raw,
            path,
            ("id",),
            (
                "alias",
                "organization",
                "root_access_keys",
                "users",
                "groups",
                "roles",
                "policies",
                "identity_providers",
                "s3_buckets",
                "lambda_functions",
            ),
        )
        if data is None:
            return
        account_id = reader.string(data.get("id"), join_path(path, "id")) if "id" in data else None
        if account_id is not None and not ACCOUNT_ID.fullmatch(account_id):
            reader.problem(join_path(path, "id"), f"'{account_id}' is not a 12-digit account id.")
            account_id = None
        if account_id is not None and account_id in self.contents.accounts:
            reader.problem(
                join_path(path, "id"),
                f"Account {account_id} already appears at {self.account_paths[account_id]}.",
            )
            account_id = None
        alias = data.get("alias")
        if alias is not None:
            alias = reader.string(alias, join_path(path, "alias"))
            if alias is not None and not ALIAS.fullmatch(alias):
                reader.problem(
                    join_path(path, "alias"),
                    f"'{alias}' is not a valid account alias: 3 to 63 lower-case letters, "
                    "digits and hyphens, not starting or ending with a hyphen.",
                )
        organization = self.organization(data.get("organization"), join_path(path, "organization"))
        # Go on with a placeholder id so that problems inside the account are still found.
        account = Account(account_id or f"invalid-{path}", alias, organization)
        if account_id is not None:
            self.contents.accounts[account_id] = account
            self.account_paths[account_id] = path
        account.root_access_keys = self.access_keys(
            data.get("root_access_keys"), join_path(path, "root_access_keys"), account, "root"
        )
        for index, raw_policy in enumerate(
            reader.list_of(data.get("policies"), f"{path}.policies")
        ):
            self.managed_policy(raw_policy, f"{path}.policies[{index}]", account)
        for index, raw_group in enumerate(reader.list_of(data.get("groups"), f"{path}.groups")):
            self.group(raw_group, f"{path}.groups[{index}]", account)
        for index, raw_user in enumerate(reader.list_of(data.get("users"), f"{path}.users")):
            self.user(raw_user, f"{path}.users[{index}]", account)
        for index, raw_role in enumerate(reader.list_of(data.get("roles"), f"{path}.roles")):
            self.role(raw_role, f"{path}.roles[{index}]", account)
        providers = reader.list_of(data.get("identity_providers"), f"{path}.identity_providers")
        for index, raw_provider in enumerate(providers):
            self.identity_provider(raw_provider, f"{path}.identity_providers[{index}]", account)
        buckets = reader.list_of(data.get("s3_buckets"), f"{path}.s3_buckets")
        for index, raw_bucket in enumerate(buckets):
            self.bucket(raw_bucket, f"{path}.s3_buckets[{index}]", account)
        functions = reader.list_of(data.get("lambda_functions"), f"{path}.lambda_functions")
        for index, raw_function in enumerate(functions):
            self.lambda_function(raw_function, f"{path}.lambda_functions[{index}]", account)

    def organization(self, raw: object, path: str) -> Organization | None:
        if raw is None:
            return None
        reader = self.reader
        data = reader.fields(raw, path, ("id",), ("management_account", "levels"))
        if data is None:
            return None
        org_id = reader.string(data.get("id"), join_path(path, "id")) if "id" in data else None
        if org_id is not None and not ORG_ID.fullmatch(org_id):
            reader.problem(
                join_path(path, "id"),
                f"'{org_id}' is not an organization id: 'o-' and 10 to 32 lower-case "
                "letters or digits.",
            )
        management = data.get("management_account", False)
        if not isinstance(management, bool):
            reader.problem(join_path(path, "management_account"), "Expected true or false.")
            management = False
        levels = []
        for index, raw_level in enumerate(reader.list_of(data.get("levels"), f"{path}.levels")):
            level_path = f"{path}.levels[{index}]"
            level = reader.fields(raw_level, level_path, ("id",), ("scps", "rcps"))
            if level is None:
                continue
            level_id = reader.string(level.get("id"), f"{level_path}.id") if "id" in level else ""
            scps = (
                [InlinePolicy("FullAWSAccess", _full_aws_access())]
                if "scps" not in level
                else self.named_policies(level["scps"], f"{level_path}.scps", PolicyType.SCP)
            )
            if "scps" in level and level["scps"] == []:
                reader.problem(
                    f"{level_path}.scps",
                    "Every organization level has at least one SCP attached (AWS will not let "
                    "the last one be detached); leave 'scps' out for FullAWSAccess.",
                )
            rcps = self.named_policies(level.get("rcps"), f"{level_path}.rcps", PolicyType.RCP)
            levels.append(OrganizationLevel(level_id or "", scps, rcps))
        return Organization(org_id or "", management, levels)

    def named_policies(
        self, raw: object, path: str, policy_type: PolicyType, limit: int | None = None
    ) -> list[InlinePolicy]:
        reader = self.reader
        result: list[InlinePolicy] = []
        seen: dict[str, str] = {}
        for index, raw_policy in enumerate(reader.list_of(raw, path)):
            item_path = f"{path}[{index}]"
            data = reader.fields(raw_policy, item_path, ("name", "document"), ())
            if data is None:
                continue
            name = reader.string(data.get("name"), f"{item_path}.name") if "name" in data else None
            if name is not None:
                reader.check(f"{item_path}.name", check_iam_name(name, 128, "A policy name"))
                if name.lower() in seen:
                    reader.problem(
                        f"{item_path}.name",
                        f"The policy name '{name}' is already used at {seen[name.lower()]} "
                        "(names are compared case-insensitively).",
                    )
                seen[name.lower()] = item_path
            if "document" not in data:
                continue
            document = reader.policy(data["document"], policy_type, f"{item_path}.document")
            if document is not None and name is not None:
                result.append(InlinePolicy(name, document))
        if limit is not None:
            total = sum(policy_size(policy.document) for policy in result)
            if total > limit:
                reader.problem(
                    path,
                    f"The inline policies together have {total} characters (white space not "
                    f"counted); the quota is {limit}.",
                )
        return result

    def unique_id(self, raw: object, path: str, prefix: str, *parts: str) -> str:
        if raw is None:
            value = ids.unique_id(prefix, self.contents.seed, *parts)
        else:
            value = self.reader.string(raw, path) or ""
            if value and not re.fullmatch(prefix + r"[A-Z0-9]{17}", value):
                self.reader.problem(
                    path,
                    f"'{value}' is not a {UNIQUE_ID[prefix]} id: '{prefix}' followed by 17 "
                    "upper-case letters or digits.",
                )
        if value in self.unique_ids:
            self.reader.problem(
                path, f"The id {value} is already used at {self.unique_ids[value]}."
            )
        self.unique_ids[value] = path
        return value

    def name(self, data: dict[str, Any], path: str, kind: str, maximum: int) -> str | None:
        if "name" not in data:
            return None
        name = self.reader.string(data["name"], f"{path}.name")
        if name is None:
            return None
        message = check_iam_name(name, maximum, f"A {kind} name")
        if message is not None:
            self.reader.problem(f"{path}.name", message)
            return None
        return name

    def name_path_and_id(
        self, data: dict[str, Any], path: str, account: Account, kind: str, max_name: int
    ) -> tuple[str | None, str, str]:
        """Read the name, path and unique id of a user, group, role or managed policy."""
        name = self.name(data, path, kind, max_name)
        entity_path = self.path(data, path)
        entity_id = self.unique_id(
            data.get("id"), f"{path}.id", ID_PREFIX[kind], account.account_id, kind, name or path
        )
        return name, entity_path, entity_id

    def duplicate(
        self, table: dict[str, Any], name: str, path: str, kind: str, key: str | None = None
    ) -> bool:
        key = name.lower() if key is None else key
        if key in table:
            self.reader.problem(
                f"{path}.name",
                f"A {kind} named '{table[key].name}' already exists in this account "
                "(IAM names are unique per account, compared case-insensitively).",
            )
            return True
        return False

    def path(self, data: dict[str, Any], path: str) -> str:
        value = self.reader.optional_string(data.get("path"), f"{path}.path", "/")
        self.reader.check(f"{path}.path", check_path(value))
        return value

    def tags(self, raw: object, path: str) -> dict[str, str]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.reader.problem(
                path, f"Expected an object of tag key to value, found {describe_type(raw)}."
            )
            return {}
        for tag_path, message in check_tags(raw):
            self.reader.problem(join_path(path, tag_path) if tag_path else path, message)
        return {str(key): str(value) for key, value in raw.items()}

    def description(self, data: dict[str, Any], path: str) -> str:
        value = self.reader.optional_string(data.get("description"), f"{path}.description", "")
        if len(value) > 1000:
            self.reader.problem(f"{path}.description", "At most 1,000 characters are allowed.")
        return value

    def policy_refs(self, raw: object, path: str, account: Account, maximum: int) -> list[str]:
        refs = []
        for index, item in enumerate(self.reader.list_of(raw, path, maximum)):
            value = self.reader.string(item, f"{path}[{index}]")
            if value is not None:
                refs.append(value)
                self.pending_refs.append((f"{path}[{index}]", account, value, "managed"))
        return refs

    def identity_policies(
        self, data: dict[str, Any], path: str, account: Account, kind: str
    ) -> tuple[list[str], list[InlinePolicy]]:
        """Read the managed policies attached to a user, group or role, and its inline ones."""
        managed = self.policy_refs(
            data.get("managed_policies"), f"{path}.managed_policies", account, MAX_MANAGED[kind]
        )
        inline = self.named_policies(
            data.get("inline_policies"),
            f"{path}.inline_policies",
            PolicyType.IDENTITY,
            INLINE_LIMITS[kind],
        )
        return managed, inline

    # -- identities ------------------------------------------------------------------

    def access_keys(self, raw: object, path: str, account: Account, owner: str) -> list[AccessKey]:
        reader = self.reader
        keys = []
        for index, raw_key in enumerate(reader.list_of(raw, path, MAX_ACCESS_KEYS)):
            key_path = f"{path}[{index}]"
            data = reader.fields(raw_key, key_path, (), ("id", "secret", "status"))
            if data is None:
                continue
            if "id" in data:
                key_id = reader.string(data["id"], f"{key_path}.id") or ""
                if key_id and not ACCESS_KEY_ID.fullmatch(key_id):
                    reader.problem(
                        f"{key_path}.id",
                        f"'{key_id}' is not a long-term access key id: 'AKIA' followed by 16 "
                        "upper-case letters or digits.",
                    )
            else:
                key_id = ids.access_key_id(
                    "AKIA", self.contents.seed, account.account_id, owner, str(index)
                )
            if key_id in self.access_key_ids:
                reader.problem(
                    f"{key_path}.id",
                    f"The access key id {key_id} is already used at {self.access_key_ids[key_id]}.",
                )
            self.access_key_ids[key_id] = key_path
            if "secret" in data:
                secret = reader.string(data["secret"], f"{key_path}.secret") or ""
                if secret and not SECRET.fullmatch(secret):
                    reader.problem(
                        f"{key_path}.secret",
                        "A secret access key is 40 characters of A-Z, a-z, 0-9, '+' and '/'.",
                    )
            else:
                secret = ids.secret_access_key(self.contents.seed, key_id)
            status = data.get("status", "Active")
            if status not in ("Active", "Inactive"):
                reader.problem(f"{key_path}.status", "Expected 'Active' or 'Inactive'.")
                status = "Active"
            keys.append(AccessKey(key_id, secret, status, self.now))
        return keys

    def user(self, raw: object, path: str, account: Account) -> None:
        reader = self.reader
        data = reader.fields(
            raw,
            path,
            ("name",),
            (
                "id",
                "path",
                "tags",
                "groups",
                "managed_policies",
                "inline_policies",
                "permission_boundary",
                "access_keys",
                "password",
                "mfa_device",
            ),
        )
        if data is None:
            return
        name, user_path, user_id = self.name_path_and_id(data, path, account, "user", 64)
        groups = []
        for index, item in enumerate(
            reader.list_of(data.get("groups"), f"{path}.groups", MAX_GROUPS_PER_USER)
        ):
            group_name = reader.string(item, f"{path}.groups[{index}]")
            if group_name is None:
                continue
            if group_name.lower() not in account.groups:
                reader.problem(
                    f"{path}.groups[{index}]",
                    f"No group named '{group_name}' in account {account.account_id}.",
                )
                continue
            groups.append(account.groups[group_name.lower()].name)
        managed, inline = self.identity_policies(data, path, account, "user")
        keys = self.access_keys(
            data.get("access_keys"), f"{path}.access_keys", account, f"user/{name}"
        )
        password = data.get("password")
        if password is not None and (
            not isinstance(password, str) or not 1 <= len(password) <= 128
        ):
            reader.problem(f"{path}.password", "Expected a string of 1 to 128 characters, or null.")
        mfa = None
        if data.get("mfa_device") is not None:
            mfa_data = reader.fields(data["mfa_device"], f"{path}.mfa_device", ("name",), ())
            if mfa_data is not None and "name" in mfa_data:
                mfa_name = reader.string(mfa_data["name"], f"{path}.mfa_device.name")
                if mfa_name is not None:
                    reader.check(
                        f"{path}.mfa_device.name",
                        check_iam_name(mfa_name, 128, "An MFA device name"),
                    )
                    mfa = MfaDevice(
                        account.account_id,
                        mfa_name,
                        ids.secret_bytes(self.contents.seed, account.account_id, "mfa", mfa_name),
                    )
                    if mfa.serial_number in self.contents.mfa_devices:
                        reader.problem(
                            f"{path}.mfa_device.name",
                            f"The MFA device {mfa.serial_number} is already assigned to "
                            "another user.",
                        )
                    self.contents.mfa_devices[mfa.serial_number] = mfa
        boundary = self.boundary(
            data.get("permission_boundary"), f"{path}.permission_boundary", account
        )
        if name is None:
            return
        user = User(
            account_id=account.account_id,
            name=name,
            user_id=user_id,
            path=user_path,
            tags=self.tags(data.get("tags"), f"{path}.tags"),
            group_names=groups,
            managed_policy_arns=managed,
            inline_policies=inline,
            permission_boundary_arn=boundary,
            access_keys=keys,
            has_password=isinstance(password, str),
            mfa_device=mfa,
            created=self.now,
        )
        if not self.duplicate(account.users, name, path, "user"):
            account.users[name.lower()] = user

    def boundary(self, raw: object, path: str, account: Account) -> str | None:
        if raw is None:
            return None
        value = self.reader.string(raw, path)
        if value is not None:
            self.pending_refs.append((path, account, value, "boundary"))
        return value

    def group(self, raw: object, path: str, account: Account) -> None:
        reader = self.reader
        data = reader.fields(
            raw, path, ("name",), ("id", "path", "managed_policies", "inline_policies")
        )
        if data is None:
            return
        name, group_path, group_id = self.name_path_and_id(data, path, account, "group", 128)
        managed, inline = self.identity_policies(data, path, account, "group")
        if name is None:
            return
        group = Group(account.account_id, name, group_id, group_path, managed, inline, self.now)
        if not self.duplicate(account.groups, name, path, "group"):
            account.groups[name.lower()] = group

    def role(self, raw: object, path: str, account: Account) -> None:
        reader = self.reader
        data = reader.fields(
            raw,
            path,
            ("name", "trust_policy"),
            (
                "id",
                "path",
                "description",
                "managed_policies",
                "inline_policies",
                "permission_boundary",
                "max_session_duration",
                "tags",
            ),
        )
        if data is None:
            return
        name, role_path, role_id = self.name_path_and_id(data, path, account, "role", 64)
        trust = None
        if "trust_policy" in data:
            trust = reader.policy(data["trust_policy"], PolicyType.TRUST, f"{path}.trust_policy")
        managed, inline = self.identity_policies(data, path, account, "role")
        duration = data.get("max_session_duration", 3600)
        if (
            isinstance(duration, bool)
            or not isinstance(duration, int)
            or not 3600 <= duration <= 43200
        ):
            reader.problem(
                f"{path}.max_session_duration",
                "Expected a whole number of seconds from 3600 to 43200, found "
                f"{json.dumps(duration)}.",
            )
            duration = 3600
        role = Role(
            account_id=account.account_id,
            name=name or "",
            role_id=role_id,
            path=role_path,
            description=self.description(data, path),
            trust_policy=trust or {},
            managed_policy_arns=managed,
            inline_policies=inline,
            permission_boundary_arn=self.boundary(
                data.get("permission_boundary"), f"{path}.permission_boundary", account
            ),
            max_session_duration=duration,
            tags=self.tags(data.get("tags"), f"{path}.tags"),
            created=self.now,
        )
        if name is None:
            return
        if not self.duplicate(account.roles, name, path, "role"):
            account.roles[name.lower()] = role
        if trust is not None:
            self.trust_checks.append((f"{path}.trust_policy", role))

    def managed_policy(self, raw: object, path: str, account: Account) -> None:
        reader = self.reader
        data = reader.fields(raw, path, ("name", "document"), ("id", "path", "description"))
        if data is None:
            return
        name, policy_path, policy_id = self.name_path_and_id(data, path, account, "policy", 128)
        document = None
        if "document" in data:
            document = reader.policy(data["document"], PolicyType.IDENTITY, f"{path}.document")
            if document is not None and policy_size(document) > MANAGED_POLICY_LIMIT:
                reader.problem(
                    f"{path}.document",
                    f"The policy has {policy_size(document)} characters (white space not "
                    f"counted); a managed policy may have at most {MANAGED_POLICY_LIMIT}.",
                )
        if name is not None and document is None:
            self.invalid_policies.add((account.account_id, name.lower()))
        if name is None or document is None:
            return
        policy = ManagedPolicy(
            account_id=account.account_id,
            name=name,
            policy_id=policy_id,
            path=policy_path,
            description=self.description(data, path),
            versions=[PolicyVersion("v1", document, self.now)],
            default_version_id="v1",
            created=self.now,
            updated=self.now,
        )
        if not self.duplicate(account.policies, name, path, "policy"):
            account.policies[name.lower()] = policy

    def identity_provider(self, raw: object, path: str, account: Account) -> None:
        reader = self.reader
        if not isinstance(raw, dict) or raw.get("type") not in ("oidc", "saml"):
            if isinstance(raw, dict):
                reader.problem(f"{path}.type", "Expected 'oidc' or 'saml'.")
            else:
                reader.problem(path, f"Expected an object, found {describe_type(raw)}.")
            return
        if raw["type"] == "oidc":
            data = reader.fields(raw, path, ("type", "url", "client_ids"), ("thumbprints",))
            if data is None:
                return
            url = reader.string(data.get("url"), f"{path}.url") if "url" in data else None
            if url is not None and (len(url) > 255 or not OIDC_URL.fullmatch(url)):
                reader.problem(
                    f"{path}.url",
                    f"'{url}' is not an OIDC provider URL: 'https://' followed by a host and an "
                    "optional path, at most 255 characters, without query or fragment.",
                )
                url = None
            client_ids = []
            for index, item in enumerate(
                reader.list_of(data.get("client_ids"), f"{path}.client_ids", 100)
            ):
                client_id = reader.string(item, f"{path}.client_ids[{index}]")
                if client_id is not None:
                    if len(client_id) > 255:
                        reader.problem(f"{path}.client_ids[{index}]", "At most 255 characters.")
                    client_ids.append(client_id)
            if "client_ids" in data and not client_ids:
                reader.problem(
                    f"{path}.client_ids", "An OIDC provider needs at least one client id."
                )
            thumbprints = []
            for index, item in enumerate(
                reader.list_of(data.get("thumbprints"), f"{path}.thumbprints", 5)
            ):
                thumbprint = reader.string(item, f"{path}.thumbprints[{index}]")
                if thumbprint is not None and not THUMBPRINT.fullmatch(thumbprint):
                    reader.problem(
                        f"{path}.thumbprints[{index}]", "A thumbprint is 40 hexadecimal characters."
                    )
                elif thumbprint is not None:
                    thumbprints.append(thumbprint.lower())
            if url is None:
                return
            host_path = url.removeprefix("https://").rstrip("/")
            provider = IdentityProvider(
                account.account_id, "oidc", host_path, client_ids, thumbprints, url, self.now
            )
        else:
            data = reader.fields(raw, path, ("type", "name"), ("issuer",))
            if data is None:
                return
            name = reader.valid_name(
                data,
                path,
                SAML_NAME.fullmatch,
                "a SAML provider name: 1 to 128 letters, digits, '.', '_' and '-'",
            )
            issuer = reader.optional_string(
                data.get("issuer"), f"{path}.issuer", f"https://idp.example.com/{name}"
            )
            if name is None:
                return
            provider = IdentityProvider(account.account_id, "saml", name, [], [], issuer, self.now)
        if provider.arn in account.identity_providers:
            reader.problem(path, f"The identity provider {provider.arn} is defined twice.")
        account.identity_providers[provider.arn] = provider

    # -- resources -------------------------------------------------------------------

    def bucket(self, raw: object, path: str, account: Account) -> None:
        reader = self.reader
        data = reader.fields(raw, path, ("name",), ("policy", "objects"))
        if data is None:
            return
        name = reader.valid_name(
            data,
            path,
            lambda candidate: BUCKET_NAME.fullmatch(candidate) and ".." not in candidate,
            "a valid bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting and "
            "ending with a letter or digit",
        )
        policy = None
        if data.get("policy") is not None:
            policy = reader.policy(data["policy"], PolicyType.RESOURCE, f"{path}.policy")
        objects: dict[str, S3Object] = {}
        for index, raw_object in enumerate(reader.list_of(data.get("objects"), f"{path}.objects")):
            object_path = f"{path}.objects[{index}]"
            item = reader.fields(raw_object, object_path, ("key", "body"), ())
            if item is None:
                continue
            key = reader.string(item.get("key"), f"{object_path}.key") if "key" in item else None
            body = (
                reader.string(item.get("body"), f"{object_path}.body", allow_empty=True)
                if "body" in item
                else None
            )
            if key is not None and len(key.encode("utf-8")) > 1024:
                reader.problem(f"{object_path}.key", "An object key has at most 1,024 bytes.")
                key = None
            if body is not None and len(body.encode("utf-8")) > MAX_OBJECT_BYTES:
                reader.problem(f"{object_path}.body", "An object body in the lab is at most 1 MiB.")
                body = None
            if key is None or body is None:
                continue
            if key in objects:
                reader.problem(
                    f"{object_path}.key", f"The key '{key}' appears twice in this bucket."
                )
            objects[key] = S3Object(key, body, self.now)
        if name is None:
            return
        if name in self.contents.buckets:
            reader.problem(
                f"{path}.name",
                f"A bucket named '{name}' already exists (bucket names are unique across all "
                "accounts).",
            )
            return
        self.contents.buckets[name] = Bucket(account.account_id, name, policy, objects, self.now)

    def lambda_function(self, raw: object, path: str, account: Account) -> None:
        reader = self.reader
        data = reader.fields(
            raw, path, ("name", "role"), ("runtime", "handler", "description", "calls")
        )
        if data is None:
            return
        name = reader.valid_name(
            data,
            path,
            FUNCTION_NAME.fullmatch,
            "a function name: 1 to 64 letters, digits, '-' and '_'",
        )
        role = reader.string(data.get("role"), f"{path}.role") if "role" in data else None
        calls = []
        for index, raw_call in enumerate(
            reader.list_of(data.get("calls"), f"{path}.calls", MAX_FUNCTION_CALLS)
        ):
            call_path = f"{path}.calls[{index}]"
            item = reader.fields(raw_call, call_path, ("service", "operation"), ("params",))
            if item is None:
                continue
            service = (
                reader.string(item.get("service"), f"{call_path}.service")
                if "service" in item
                else None
            )
            operation = (
                reader.string(item.get("operation"), f"{call_path}.operation")
                if "operation" in item
                else None
            )
            params = item.get("params", {})
            if not isinstance(params, dict):
                reader.problem(
                    f"{call_path}.params", f"Expected an object, found {describe_type(params)}."
                )
                continue
            if service is not None and operation is not None:
                reader.check(f"{call_path}.operation", known_operation(service, operation))
                calls.append(LambdaCall(service, operation, params))
        if name is None or role is None:
            return
        function = LambdaFunction(
            account_id=account.account_id,
            region=self.contents.region,
            name=name,
            role_arn=role,
            runtime=reader.optional_string(data.get("runtime"), f"{path}.runtime", "python3.12"),
            handler=reader.optional_string(
                data.get("handler"), f"{path}.handler", "lambda_function.lambda_handler"
            ),
            description=self.description(data, path),
            calls=calls,
            last_modified=self.now,
        )
        if name in account.lambda_functions:
            reader.problem(
                f"{path}.name", f"A function named '{name}' already exists in this account."
            )
            return
        account.lambda_functions[name] = function
        self.pending_refs.append((f"{path}.role", account, function, "lambda_role"))

    # -- references ------------------------------------------------------------------

    def find_policy(self, account: Account, ref: str) -> ManagedPolicy | None:
        if ref in self.contents.aws_policies:
            return self.contents.aws_policies[ref]
        return self._find_ref(account, ref, lambda holder: holder.policies)

    def resolve(self) -> None:
        from iamlab.world.principals import invalid_principals

        reader = self.reader
        for path, account, subject, kind in self.pending_refs:
            if kind in ("managed", "boundary"):
                policy = self.find_policy(account, subject)
                if policy is None and self._refers_to_invalid(account, subject):
                    continue
                if policy is None:
                    reader.problem(
                        path,
                        f"No managed policy '{subject}': give the name of a policy in account "
                        f"{account.account_id} or the ARN of a policy in the world.",
                    )
                    continue
                if not policy.is_aws_managed and policy.account_id != account.account_id:
                    reader.problem(
                        path,
                        f"The policy {policy.arn} belongs to account {policy.account_id}; a "
                        "customer-managed policy can be attached only in its own account.",
                    )
                    continue
                if kind == "boundary":
                    error = validate_policy(policy.document, PolicyType.PERMISSION_BOUNDARY, path)
                    if error is not None:
                        reader.problem(
                            path,
                            f"The policy {policy.arn} cannot be a permissions boundary: "
                            f"{error['message']}",
                        )
                self._replace_ref(account, path, subject, policy.arn)
            elif kind == "lambda_role":
                function: LambdaFunction = subject
                role = self.find_role(account, function.role_arn)
                if role is None:
                    reader.problem(
                        path,
                        f"No role '{function.role_arn}': give the name of a role in account "
                        f"{account.account_id} or a role ARN of the world.",
                    )
                elif role.account_id != account.account_id:
                    reader.problem(
                        path,
                        f"The role {role.arn} is in account {role.account_id}; a function's "
                        "execution role must be in the function's own account.",
                    )
                else:
                    function.role_arn = role.arn
        lookup = _SpecLookup(self.contents)
        for path, role in self.trust_checks:
            for sub_path, message, missing in invalid_principals(role.trust_policy, lookup):
                reader.problem(join_path(path, sub_path), f"{message} ({missing}).")

    def _refers_to_invalid(self, account: Account, ref: str) -> bool:
        if not ref.startswith("arn:"):
            return (account.account_id, ref.lower()) in self.invalid_policies
        parts = ref.split(":", 5)
        if len(parts) == 6 and parts[5].startswith("policy/"):
            return (parts[4], parts[5].rsplit("/", 1)[1].lower()) in self.invalid_policies
        return False

    def _replace_ref(self, account: Account, path: str, ref: str, arn: str) -> None:
        """Store the ARN in place of the name the spec used."""
        for entity in (
            *account.users.values(),
            *account.groups.values(),
            *account.roles.values(),
        ):
            refs = entity.managed_policy_arns
            for index, value in enumerate(refs):
                if value == ref:
                    refs[index] = arn
            if getattr(entity, "permission_boundary_arn", None) == ref:
                entity.permission_boundary_arn = arn  # type: ignore[union-attr]

    def find_role(self, account: Account, ref: str) -> Role | None:
        return self._find_ref(account, ref, lambda holder: holder.roles)

    def _find_ref(
        self, account: Account, ref: str, table: Callable[[Account], dict[str, _Referable]]
    ) -> _Referable | None:
        """Find what a spec refers to: by ARN in any account, by name in the referring one."""
        if ref.startswith("arn:"):
            for candidate in self.contents.accounts.values():
                for entity in table(candidate).values():
                    if entity.arn == ref:
                        return entity
            return None
        return table(account).get(ref.lower())


class _SpecLookup:
    """Answers "does this principal exist?" for a world being built."""

    def __init__(self, contents: WorldContents) -> None:
        self.arns: set[str] = set()
        self.accounts = set(contents.accounts)
        for account in contents.accounts.values():
            self.arns.update(user.arn for user in account.users.values())
            self.arns.update(role.arn for role in account.roles.values())
            self.arns.update(account.identity_providers)
        self.role_names = {
            (account.account_id, role.name)
            for account in contents.accounts.values()
            for role in account.roles.values()
        }

    def principal_exists(self, arn: str) -> bool:
        return arn in self.arns

    def role_exists(self, account_id: str, name: str) -> bool:
        return (account_id, name) in self.role_names

    def account_exists(self, account_id: str) -> bool:
        return account_id in self.accounts


def _full_aws_access() -> Document:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }


def _is_ip(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


__all__ = ["WorldContents", "read_spec"]
