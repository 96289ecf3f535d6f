"""Write a world back out as a spec: World.from_spec(world.to_spec()) builds the same world."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from iamlab.world.clock import iso_z
from iamlab.world.entities import Account, InlinePolicy

if TYPE_CHECKING:
    from iamlab.world.state import WorldState


def _inline(policies: list[InlinePolicy]) -> list[dict[str, Any]]:
    return [{"name": p.name, "document": copy.deepcopy(p.document)} for p in policies]


def _account(world: WorldState, account: Account) -> dict[str, Any]:
    data: dict[str, Any] = {"id": account.account_id}
    if account.alias:
        data["alias"] = account.alias
    if account.organization is not None:
        organization = account.organization
        data["organization"] = {
            "id": organization.org_id,
            "management_account": organization.management_account,
            "levels": [
                {
                    "id": level.level_id,
                    "scps": _inline(level.scps),
                    "rcps": _inline(level.rcps),
                }
                for level in organization.levels
            ],
        }
    if account.root_access_keys:
        data["root_access_keys"] = [
            {"id": k.access_key_id, "secret": k.secret, "status": k.status}
            for k in account.root_access_keys
        ]
    data["policies"] = [
        {
            "name": policy.name,
            "id": policy.policy_id,
            "path": policy.path,
            "description": policy.description,
            # A spec holds one version per policy: the default one.
            "document": copy.deepcopy(policy.document),
        }
        for policy in account.policies.values()
    ]
    data["groups"] = [
        {
            "name": group.name,
            "id": group.group_id,
            "path": group.path,
            "managed_policies": list(group.managed_policy_arns),
            "inline_policies": _inline(group.inline_policies),
        }
        for group in account.groups.values()
    ]
    data["users"] = [
        {
            "name": user.name,
            "id": user.user_id,
            "path": user.path,
            "tags": dict(user.tags),
            "groups": list(user.group_names),
            "managed_policies": list(user.managed_policy_arns),
            "inline_policies": _inline(user.inline_policies),
            "permission_boundary": user.permission_boundary_arn,
            "access_keys": [
                {"id": k.access_key_id, "secret": k.secret, "status": k.status}
                for k in user.access_keys
            ],
            "password": "********" if user.has_password else None,
            "mfa_device": {"name": user.mfa_device.name} if user.mfa_device else None,
        }
        for user in account.users.values()
    ]
    data["roles"] = [
        {
            "name": role.name,
            "id": role.role_id,
            "path": role.path,
            "description": role.description,
            "trust_policy": copy.deepcopy(role.trust_policy),
            "managed_policies": list(role.managed_policy_arns),
            "inline_policies": _inline(role.inline_policies),
            "permission_boundary": role.permission_boundary_arn,
            "max_session_duration": role.max_session_duration,
            "tags": dict(role.tags),
        }
        for role in account.roles.values()
    ]
    providers = []
    for provider in account.identity_providers.values():
        if provider.type == "oidc":
            providers.append(
                {
                    "type": "oidc",
                    "url": provider.url,
                    "client_ids": list(provider.client_ids),
                    "thumbprints": list(provider.thumbprints),
                }
            )
        else:
            providers.append({"type": "saml", "name": provider.name, "issuer": provider.issuer})
    data["identity_providers"] = providers
    data["s3_buckets"] = [
        {
            "name": bucket.name,
            "policy": copy.deepcopy(bucket.policy),
            "objects": [{"key": o.key, "body": o.body} for o in bucket.objects.values()],
        }
        for bucket in world.buckets.values()
        if bucket.account_id == account.account_id
    ]
    data["lambda_functions"] = [
        {
            "name": function.name,
            "role": function.role_arn,
            "runtime": function.runtime,
            "handler": function.handler,
            "description": function.description,
            "calls": [
                {"service": c.service, "operation": c.operation, "params": copy.deepcopy(c.params)}
                for c in function.calls
            ],
        }
        for function in account.lambda_functions.values()
    ]
    return data


def dump_spec(world: WorldState) -> dict[str, Any]:
    """Return the spec of the world as it is now (not its clock, sessions or event log)."""
    return {
        "start_time": iso_z(world.start_time),
        "seed": world.seed,
        "region": world.region,
        "source_ip": world.source_ip,
        "accounts": [_account(world, account) for account in world.accounts.values()],
    }
