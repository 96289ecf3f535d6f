"""Translate a scenario's rows into a world spec (docs/world.md), remembering their sources.

This is the only translation between the models and the world. Besides the spec it keeps
a source map, spec path -> model object, so that a problem the world reports at
`accounts[0].roles[2].trust_policy.Statement[0].Principal` can be shown to an instructor as
"role ReportPublisher, field trust_policy, at Statement[0].Principal".

It sits below the models (`Scenario.to_spec()` and `Scenario.world()` call it): it reads the
rows handed to it and names the model classes only in type hints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from iamlab.scenarios.choices import ProviderType
from iamlab.scenarios.limits import MAX_JSON_BYTES, MAX_JSON_DEPTH, json_problem
from iamlab.world import Problem, World, WorldSpecError

if TYPE_CHECKING:
    from iamlab.scenarios.models import (
        Account,
        Bucket,
        Group,
        IdentityProvider,
        LambdaFunction,
        ManagedPolicy,
        MfaDevice,
        Role,
        Scenario,
        User,
    )


@dataclass(frozen=True)
class Source:
    """The model object one part of the spec came from, and how its fields are named there."""

    instance: models.Model
    # spec field name -> model field name, where the two differ or matter
    fields: dict[str, str]
    # A spec list made of two model fields one after the other (customer managed policies,
    # then AWS managed policy ARNs): spec field -> (length of the first, first, second).
    joined_lists: dict[str, tuple[int, str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Location:
    """Where, in the models, a spec path points."""

    instance: models.Model
    field: str
    json_path: str


@dataclass
class SpecBuild:
    """A world spec and the map from its paths back to model objects."""

    spec: dict[str, Any]
    sources: dict[str, Source]

    def locate(self, path: str) -> Location | None:
        """Map a spec path to the model object, field and JSON path inside that field."""
        best = ""
        for prefix in self.sources:
            if len(prefix) > len(best) and _is_prefix(prefix, path):
                best = prefix
        if best not in self.sources:
            return None
        source = self.sources[best]
        remainder = path[len(best) :].lstrip(".")
        match = re.match(r"[^.\[]*", remainder)
        spec_field = match.group(0) if match else ""
        rest = remainder[len(spec_field) :]
        if spec_field in source.joined_lists:
            first_length, first, second = source.joined_lists[spec_field]
            index = re.match(r"\[(\d+)\]", rest)
            if index is not None:
                position = int(index.group(1))
                tail = rest[index.end() :]
                if position < first_length:
                    return Location(source.instance, first, f"[{position}]{tail}")
                return Location(source.instance, second, f"[{position - first_length}]{tail}")
            return Location(source.instance, first, rest.lstrip("."))
        model_field = source.fields.get(spec_field, spec_field)
        return Location(source.instance, model_field, rest.lstrip("."))


def _is_prefix(prefix: str, path: str) -> bool:
    if prefix == "":
        return True
    if not path.startswith(prefix):
        return False
    following = path[len(prefix) : len(prefix) + 1]
    return following in ("", ".", "[")


def _by_name(objects: Any) -> list[Any]:
    # Sorted in Python, not by the database, so that every database (whatever its
    # collation) gives the same spec and so the same generated ids.
    return sorted(objects, key=lambda item: item.name)


def _policy_reference(policy: ManagedPolicy, account: Account) -> str:
    """Name a customer managed policy as the spec wants: by name at home, by ARN elsewhere."""
    return policy.name if policy.account_id == account.pk else policy.arn


def _managed_policies(entity: User | Group | Role, account: Account) -> tuple[list[str], int]:
    customer = [_policy_reference(p, account) for p in _by_name(entity.managed_policies.all())]
    aws = (
        list(entity.aws_managed_policy_arns)
        if isinstance(entity.aws_managed_policy_arns, list)
        else []
    )
    return customer + aws, len(customer)


def _inline_policies(
    entity: User | Group | Role, path: str, sources: dict[str, Source]
) -> list[dict[str, Any]]:
    result = []
    for index, policy in enumerate(_by_name(entity.inline_policies.all())):
        sources[f"{path}.inline_policies[{index}]"] = Source(policy, {})
        result.append({"name": policy.name, "document": policy.document})
    return result


def build_spec(scenario: Scenario) -> SpecBuild:
    """Build the world spec of `scenario` with its source map."""
    sources: dict[str, Source] = {"": Source(scenario, {})}
    start = scenario.start_time.astimezone(UTC).replace(microsecond=0)
    accounts = []
    for account_index, account in enumerate(
        sorted(scenario.accounts.all(), key=lambda item: item.account_id)
    ):
        path = f"accounts[{account_index}]"
        sources[path] = Source(account, {"id": "account_id"})
        accounts.append(_account_spec(account, path, sources))
    # The slug seeds the generated ids, secrets and tokens: the same in every learner's
    # world and on every run, and different between scenarios.
    spec = {
        "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seed": scenario.slug,
        "accounts": accounts,
    }
    return SpecBuild(spec=spec, sources=sources)


# A field's JSON sits at most this many levels down in the spec
# (accounts[0].lambda_functions[0].calls is 6 deep).
SPEC_NESTING = 8
# The whole spec of the largest sensible scenario (hundreds of policies) is far below this.
MAX_SPEC_BYTES = 256 * MAX_JSON_BYTES


def build_world(spec: dict[str, Any]) -> World:
    """Build a world from a spec, refusing JSON beyond the content limits first.

    Content loaded with plain `loaddata`, or before the limits existed, was never checked;
    a value nested hundreds deep would pass the world's own checks and then break every
    page that copies or draws the world. Refused here, it is a WorldSpecError like any
    other content problem, which pages show as a notice.
    """
    problem = json_problem(spec, MAX_JSON_DEPTH + SPEC_NESTING, MAX_SPEC_BYTES)
    if problem is not None:
        raise WorldSpecError(
            [Problem(problem.json_path, problem.message[0].upper() + problem.message[1:])]
        )
    return World.from_spec(spec)


def _account_spec(account: Account, path: str, sources: dict[str, Source]) -> dict[str, Any]:
    spec: dict[str, Any] = {"id": account.account_id}
    if account.alias:
        spec["alias"] = account.alias
    spec["policies"] = [
        _policy_spec(policy, f"{path}.policies[{index}]", sources)
        for index, policy in enumerate(_by_name(account.policies.all()))
    ]
    spec["groups"] = [
        _group_spec(group, account, f"{path}.groups[{index}]", sources)
        for index, group in enumerate(_by_name(account.groups.all()))
    ]
    spec["users"] = [
        _user_spec(user, account, f"{path}.users[{index}]", sources)
        for index, user in enumerate(_by_name(account.users.all()))
    ]
    spec["roles"] = [
        _role_spec(role, account, f"{path}.roles[{index}]", sources)
        for index, role in enumerate(_by_name(account.roles.all()))
    ]
    spec["identity_providers"] = [
        _provider_spec(provider, f"{path}.identity_providers[{index}]", sources)
        for index, provider in enumerate(
            sorted(account.identity_providers.all(), key=lambda item: (item.type, item.name))
        )
    ]
    spec["s3_buckets"] = [
        _bucket_spec(bucket, f"{path}.s3_buckets[{index}]", sources)
        for index, bucket in enumerate(_by_name(account.buckets.all()))
    ]
    spec["lambda_functions"] = [
        _function_spec(function, account, f"{path}.lambda_functions[{index}]", sources)
        for index, function in enumerate(_by_name(account.lambda_functions.all()))
    ]
    return spec


def _policy_spec(policy: ManagedPolicy, path: str, sources: dict[str, Source]) -> dict[str, Any]:
    sources[path] = Source(policy, {})
    return {
        "name": policy.name,
        "path": policy.path,
        "description": policy.description,
        "document": policy.document,
    }


def _group_spec(
    group: Group, account: Account, path: str, sources: dict[str, Source]
) -> dict[str, Any]:
    managed, customer_count = _managed_policies(group, account)
    sources[path] = Source(
        group,
        {},
        {"managed_policies": (customer_count, "managed_policies", "aws_managed_policy_arns")},
    )
    return {
        "name": group.name,
        "path": group.path,
        "managed_policies": managed,
        "inline_policies": _inline_policies(group, path, sources),
    }


def _user_spec(
    user: User, account: Account, path: str, sources: dict[str, Source]
) -> dict[str, Any]:
    managed, customer_count = _managed_policies(user, account)
    sources[path] = Source(
        user,
        {"password": "console_password"},
        {"managed_policies": (customer_count, "managed_policies", "aws_managed_policy_arns")},
    )
    # A group in another account cannot hold this user; its name would silently match a
    # same-named group here, so the spec names it by ARN and the world rejects it.
    groups = [
        group.name if group.account_id == account.pk else group.arn
        for group in _by_name(user.groups.all())
    ]
    access_keys = []
    for index, key in enumerate(sorted(user.access_keys.all(), key=lambda k: k.access_key_id)):
        sources[f"{path}.access_keys[{index}]"] = Source(
            key, {"id": "access_key_id", "secret": "secret_access_key"}
        )
        entry = {"id": key.access_key_id, "status": key.status}
        if key.secret_access_key:
            entry["secret"] = key.secret_access_key
        access_keys.append(entry)
    mfa_device = _mfa_device(user)
    if mfa_device is not None:
        sources[f"{path}.mfa_device"] = Source(mfa_device, {})
    boundary = user.permission_boundary
    return {
        "name": user.name,
        "path": user.path,
        "tags": user.tags,
        "groups": groups,
        "managed_policies": managed,
        "inline_policies": _inline_policies(user, path, sources),
        "permission_boundary": None if boundary is None else _policy_reference(boundary, account),
        "access_keys": access_keys,
        "password": user.console_password or None,
        "mfa_device": None if mfa_device is None else {"name": mfa_device.name},
    }


def _mfa_device(user: User) -> MfaDevice | None:
    try:
        return user.mfa_device
    except ObjectDoesNotExist:
        return None


def _role_spec(
    role: Role, account: Account, path: str, sources: dict[str, Source]
) -> dict[str, Any]:
    managed, customer_count = _managed_policies(role, account)
    sources[path] = Source(
        role,
        {},
        {"managed_policies": (customer_count, "managed_policies", "aws_managed_policy_arns")},
    )
    boundary = role.permission_boundary
    return {
        "name": role.name,
        "path": role.path,
        "description": role.description,
        "trust_policy": role.trust_policy,
        "managed_policies": managed,
        "inline_policies": _inline_policies(role, path, sources),
        "permission_boundary": None if boundary is None else _policy_reference(boundary, account),
        "max_session_duration": role.max_session_duration,
        "tags": role.tags,
    }


def _provider_spec(
    provider: IdentityProvider, path: str, sources: dict[str, Source]
) -> dict[str, Any]:
    if provider.type == ProviderType.OIDC:
        sources[path] = Source(provider, {"url": "name"})
        return {
            "type": "oidc",
            "url": provider.url,
            "client_ids": provider.client_ids,
            "thumbprints": provider.thumbprints,
        }
    sources[path] = Source(provider, {})
    spec: dict[str, Any] = {"type": "saml", "name": provider.name}
    if provider.issuer:
        spec["issuer"] = provider.issuer
    return spec


def _bucket_spec(bucket: Bucket, path: str, sources: dict[str, Source]) -> dict[str, Any]:
    sources[path] = Source(bucket, {})
    objects = []
    for index, item in enumerate(sorted(bucket.s3_objects.all(), key=lambda o: o.key)):
        sources[f"{path}.objects[{index}]"] = Source(item, {})
        objects.append({"key": item.key, "body": item.body})
    return {"name": bucket.name, "policy": bucket.policy, "objects": objects}


def _function_spec(
    function: LambdaFunction, account: Account, path: str, sources: dict[str, Source]
) -> dict[str, Any]:
    sources[path] = Source(function, {"role": "execution_role"})
    role = function.execution_role
    return {
        "name": function.name,
        "role": role.name if role.account_id == account.pk else role.arn,
        "runtime": function.runtime,
        "handler": function.handler,
        "description": function.description,
        "calls": function.calls,
    }
