"""`lab ...`: helpers a lesson needs that AWS has no command for (MFA codes, IdP tokens)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from iamlab.world.cli.credentials import (
    REFRESH_WINDOW,
    resolve,
    selected_profile,
    web_identity_settings,
)
from iamlab.world.cli.errors import CliError
from iamlab.world.cli.result import CommandResult

if TYPE_CHECKING:
    from iamlab.world.cli.state import ConsoleState
    from iamlab.world.world import World

LAB_USAGE = """\
usage: lab mfa-code USER-or-MFA-SERIAL
       lab web-identity-token OIDC-PROVIDER SUBJECT [AUDIENCE]
       lab saml-assertion SAML-PROVIDER SUBJECT ROLE-ARN [ROLE-ARN ...]
       lab whoami
The lab helpers stand in for things outside AWS: the authenticator app on your phone, and
the identity provider that signs you in. OIDC-PROVIDER and SAML-PROVIDER are a provider's
ARN or name (for OIDC, its URL without https://).
"""
EXIT_LAB_USAGE = 2


def run_lab(
    world: World, state: ConsoleState, env: dict[str, str], args: list[str]
) -> CommandResult:
    """Run one `lab` helper."""
    if not args:
        return CommandResult(EXIT_LAB_USAGE, "", LAB_USAGE)
    if args[0] in {"help", "--help"}:
        return CommandResult(0, LAB_USAGE, "")
    command, rest = args[0], args[1:]
    if command == "mfa-code" and len(rest) == 1:
        return _mfa_code(world, rest[0])
    if command == "web-identity-token" and len(rest) in {2, 3}:
        return _web_identity_token(world, rest)
    if command == "saml-assertion" and len(rest) >= 3:
        return _saml_assertion(world, rest)
    if command == "whoami" and not rest:
        return _whoami(world, state, env)
    return CommandResult(EXIT_LAB_USAGE, "", f"lab: wrong arguments for '{command}'\n" + LAB_USAGE)


def _fail(message: str) -> CommandResult:
    return CommandResult(1, "", f"lab: {message}\n")


def _mfa_code(world: World, who: str) -> CommandResult:
    serial = who
    if not who.startswith("arn:"):
        users = [
            user
            for account in world.accounts.values()
            for user in account.users.values()
            if user.name == who
        ]
        if not users:
            return _fail(f"there is no IAM user named {who}")
        devices = [user.mfa_device for user in users if user.mfa_device is not None]
        if not devices:
            return _fail(f"the user {who} has no MFA device")
        serial = devices[0].serial_number
    try:
        code = world.mfa_code(serial)
    except KeyError:
        return _fail(f"there is no MFA device with serial number {serial}")
    return CommandResult(0, f"{code}\n", "")


def _find_provider(world: World, name: str, kind: str) -> Any | None:
    for account in world.accounts.values():
        for provider in account.identity_providers.values():
            if provider.type == kind and name in {provider.arn, provider.name, provider.url}:
                return provider
    return None


def _web_identity_token(world: World, args: list[str]) -> CommandResult:
    provider = _find_provider(world, args[0], "oidc")
    if provider is None:
        return _fail(f"there is no OIDC identity provider {args[0]}")
    audience = args[2] if len(args) == 3 else None
    if not args[1] or len(args[1]) > 255:
        return _fail("the subject must be 1 to 255 characters")
    token = world.mint_web_identity_token(provider.arn, args[1], audience=audience)
    return CommandResult(0, f"{token}\n", "")


def _saml_assertion(world: World, args: list[str]) -> CommandResult:
    provider = _find_provider(world, args[0], "saml")
    if provider is None:
        return _fail(f"there is no SAML identity provider {args[0]}")
    if not args[1] or len(args[1]) > 255:
        return _fail("the subject must be 1 to 255 characters")
    assertion = world.mint_saml_assertion(provider.arn, args[1], args[2:12])
    return CommandResult(0, f"{assertion}\n", "")


def _whoami(world: World, state: ConsoleState, env: dict[str, str]) -> CommandResult:
    profile, _ = selected_profile(state, env, None)
    settings = state.config.get(profile, {})
    has_env_keys = bool(env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"))
    if not has_env_keys and settings.get("role_arn") and settings.get("source_profile"):
        # Describe a role profile without assuming the role: whoami must not change the world.
        cached = state.role_cache.get(profile)
        if cached is not None and cached.expiration - world.now() > REFRESH_WINDOW:
            return CommandResult(
                0,
                f"{cached.credentials.access_key_id}: temporary credentials of the role profile "
                f"{profile}, cached until {cached.expiration.isoformat()}\n",
                "",
            )
        return CommandResult(
            0,
            f"the role profile {profile}: the next aws command assumes {settings['role_arn']} "
            f"with the credentials of the profile {settings['source_profile']}\n",
            "",
        )
    web_identity = None if has_env_keys else web_identity_settings(settings, env, True)
    if web_identity is not None:
        cached = state.role_cache.get(f"web-identity:{profile}")
        if cached is not None and cached.expiration - world.now() > REFRESH_WINDOW:
            return CommandResult(
                0,
                f"{cached.credentials.access_key_id}: temporary credentials from "
                f"AssumeRoleWithWebIdentity, cached until {cached.expiration.isoformat()}\n",
                "",
            )
        return CommandResult(
            0,
            f"web identity: the next aws command assumes {web_identity['role_arn']} with the "
            f"token in {web_identity['web_identity_token_file']}\n",
            "",
        )
    try:
        resolved = resolve(state, world, env, None, {})
    except CliError as error:
        return CommandResult(1, "", error.stderr.lstrip("\n"))
    credentials = resolved.credentials
    source = (
        "the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables"
        if resolved.method == "env"
        else f"the profile {resolved.profile}"
    )
    kind = "temporary (with a session token)" if credentials.session_token else "long-term"
    return CommandResult(0, f"{credentials.access_key_id}: {kind} credentials from {source}\n", "")
