"""Pick the credentials an `aws` command signs with, in the real CLI's order.

1. `--profile NAME` on the command line (environment credentials are then ignored).
2. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`) exported.
3. The profile named by `AWS_PROFILE`, else the `default` profile.

A profile is either one the learner configured with `aws configure set`, or an IAM user of
the world that has an active access key: every such user is a profile of the same name. A
profile with `role_arn` and `source_profile` assumes the role on use, like the CLI, and
keeps the credentials until they come within 15 minutes of expiring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from iamlab.world import AwsError
from iamlab.world.cli.errors import (
    NO_CREDENTIALS,
    config_error,
    service_error,
    validation_failed,
)
from iamlab.world.cli.state import CachedRoleCredentials, ConsoleState
from iamlab.world.credentials import Credentials

if TYPE_CHECKING:
    from iamlab.world.world import World

# botocore refreshes cached assume-role credentials this close to their expiry.
REFRESH_WINDOW = timedelta(minutes=15)
MAX_PROFILE_CHAIN = 10

# The settings `aws configure set` accepts for a profile.
PROFILE_SETTINGS = (
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "region",
    "output",
    "role_arn",
    "source_profile",
    "role_session_name",
    "external_id",
    "mfa_serial",
    "duration_seconds",
    "web_identity_token_file",
)


@dataclass
class ResolvedCredentials:
    """The credentials chosen for one command and where they came from."""

    credentials: Credentials
    method: str  # env | shared-credentials-file | assume-role | assume-role-with-web-identity
    profile: str | None
    expiration: datetime | None = None  # known for credentials a role profile obtained


class MfaCodeNeeded(Exception):
    """A role profile with `mfa_serial` needs a code typed at the prompt."""

    def __init__(self, profile: str, serial: str) -> None:
        super().__init__(serial)
        self.profile = profile
        self.serial = serial


def user_profiles(world: World) -> dict[str, Credentials]:
    """Return a profile for every IAM user with an active access key: name -> key."""
    profiles: dict[str, Credentials] = {}
    for account in world.accounts.values():
        for user in account.users.values():
            active = [key for key in user.access_keys if key.status == "Active"]
            if not active:
                continue
            # A name that two accounts share gets the account id appended for the second.
            name = user.name if user.name not in profiles else f"{user.name}@{account.account_id}"
            profiles[name] = Credentials(active[0].access_key_id, active[0].secret)
    return profiles


def profile_exists(state: ConsoleState, world: World, name: str) -> bool:
    """Return whether `name` is a configured profile or a user profile."""
    return name in state.config or name in user_profiles(world)


def selected_profile(
    state: ConsoleState, env: dict[str, str], explicit: str | None
) -> tuple[str, str]:
    """Return the profile in force and where it was chosen (`manual`, `env` or `default`)."""
    if explicit is not None:
        return explicit, "manual"
    if env.get("AWS_PROFILE"):
        return env["AWS_PROFILE"], "env"
    if env.get("AWS_DEFAULT_PROFILE"):
        return env["AWS_DEFAULT_PROFILE"], "env"
    return "default", "default"


def resolve(
    state: ConsoleState,
    world: World,
    env: dict[str, str],
    explicit_profile: str | None,
    mfa_codes: dict[str, str],
) -> ResolvedCredentials:
    """Return the credentials to sign with; raise CliError or MfaCodeNeeded."""
    profile, chosen_by = selected_profile(state, env, explicit_profile)
    if explicit_profile is None:
        access_key = env.get("AWS_ACCESS_KEY_ID", "")
        secret = env.get("AWS_SECRET_ACCESS_KEY", "")
        if access_key and secret:
            token = env.get("AWS_SESSION_TOKEN") or None
            return ResolvedCredentials(Credentials(access_key, secret, token), "env", None)
        if access_key or secret:
            missing = "AWS_SECRET_ACCESS_KEY" if access_key else "AWS_ACCESS_KEY_ID"
            raise config_error(f"Partial credentials found in env, missing: {missing}")
    settings = state.config.get(profile, {})
    if not (settings.get("role_arn") and settings.get("source_profile")):
        web_identity = web_identity_settings(settings, env, explicit_profile is None)
        if web_identity is not None:
            return _assume_role_with_web_identity(state, world, profile, web_identity)
    if not profile_exists(state, world, profile):
        if chosen_by == "default":
            raise config_error(NO_CREDENTIALS)
        raise config_error(f"The config profile ({profile}) could not be found")
    return _profile_credentials(state, world, profile, mfa_codes, [])


def web_identity_settings(
    settings: dict[str, str], env: dict[str, str], use_env: bool
) -> dict[str, str] | None:
    """Return role_arn, token file and session name for a web identity login, or None.

    As in botocore, AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_SESSION_NAME (the
    variables EKS and CI systems set) come first, then the profile's own settings.
    """
    found: dict[str, str] = {}
    for key, variable in (
        ("role_arn", "AWS_ROLE_ARN"),
        ("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE"),
        ("role_session_name", "AWS_ROLE_SESSION_NAME"),
    ):
        value = (env.get(variable) if use_env else None) or settings.get(key)
        if value:
            found[key] = value
    if "role_arn" in found and "web_identity_token_file" in found:
        return found
    return None


def _assume_role_with_web_identity(
    state: ConsoleState, world: World, profile: str, web_identity: dict[str, str]
) -> ResolvedCredentials:
    token_file = web_identity["web_identity_token_file"]
    token = state.files.read(token_file)
    if token is None:
        raise config_error(
            f"Unable to read the web identity token file {token_file}: No such file or directory"
        )
    token = token.strip()
    cache_key = f"web-identity:{profile}"
    key = (*sorted(web_identity.items()), ("token", token))
    cached = state.role_cache.get(cache_key)
    if (
        cached is not None
        and cached.settings == key
        and cached.expiration - world.now() > REFRESH_WINDOW
    ):
        return ResolvedCredentials(
            cached.credentials, "assume-role-with-web-identity", profile, cached.expiration
        )
    params = {
        "RoleArn": web_identity["role_arn"],
        "RoleSessionName": web_identity.get("role_session_name")
        or f"botocore-session-{int(world.now().timestamp())}",
        "WebIdentityToken": token,
    }
    try:
        response = world.call(None, "sts", "AssumeRoleWithWebIdentity", params)
    except AwsError as error:
        raise service_error(error.code, "AssumeRoleWithWebIdentity", error.message) from None
    credentials = Credentials.from_response(response)
    state.role_cache[cache_key] = CachedRoleCredentials(credentials, _expiration(response), key)
    return ResolvedCredentials(credentials, "assume-role-with-web-identity", profile)


def _expiration(response: dict[str, Any]) -> datetime:
    expiration = response["Credentials"]["Expiration"]
    if isinstance(expiration, str):
        return datetime.fromisoformat(expiration.replace("Z", "+00:00"))
    return expiration


def _profile_credentials(
    state: ConsoleState, world: World, profile: str, mfa_codes: dict[str, str], chain: list[str]
) -> ResolvedCredentials:
    settings = state.config.get(profile, {})
    if settings.get("role_arn") and settings.get("source_profile"):
        return _assume_role_profile(state, world, profile, settings, mfa_codes, chain)
    if settings.get("aws_access_key_id") and settings.get("aws_secret_access_key"):
        credentials = Credentials(
            settings["aws_access_key_id"],
            settings["aws_secret_access_key"],
            settings.get("aws_session_token") or None,
        )
        return ResolvedCredentials(credentials, "shared-credentials-file", profile)
    user_credentials = user_profiles(world).get(profile)
    if user_credentials is not None:
        return ResolvedCredentials(user_credentials, "shared-credentials-file", profile)
    raise config_error(NO_CREDENTIALS)


def _assume_role_profile(
    state: ConsoleState,
    world: World,
    profile: str,
    settings: dict[str, str],
    mfa_codes: dict[str, str],
    chain: list[str],
) -> ResolvedCredentials:
    if profile in chain or len(chain) >= MAX_PROFILE_CHAIN:
        cycle = " -> ".join([*chain, profile])
        raise config_error(f"Infinite loop in credential configuration detected: {cycle}")
    key = tuple(sorted(settings.items()))
    cached = state.role_cache.get(profile)
    if (
        cached is not None
        and cached.settings == key
        and cached.expiration - world.now() > REFRESH_WINDOW
    ):
        return ResolvedCredentials(cached.credentials, "assume-role", profile, cached.expiration)
    source = settings["source_profile"]
    if not profile_exists(state, world, source):
        raise config_error(
            f'The source_profile "{source}" referenced in the profile "{profile}" does not exist.'
        )
    source_credentials = _profile_credentials(state, world, source, mfa_codes, [*chain, profile])
    params: dict[str, Any] = {
        "RoleArn": settings["role_arn"],
        "RoleSessionName": settings.get("role_session_name")
        or f"botocore-session-{int(world.now().timestamp())}",
    }
    if settings.get("external_id"):
        params["ExternalId"] = settings["external_id"]
    if settings.get("duration_seconds"):
        text = settings["duration_seconds"]
        if not text.isdigit() or len(text) > 9:
            raise config_error(
                f'The duration_seconds "{text}" of the profile "{profile}" is not a whole number.'
            )
        params["DurationSeconds"] = int(text)
    if settings.get("mfa_serial"):
        if profile not in mfa_codes:
            raise MfaCodeNeeded(profile, settings["mfa_serial"])
        params["SerialNumber"] = settings["mfa_serial"]
        params["TokenCode"] = mfa_codes.pop(profile)
        if len(params["TokenCode"]) < 6:
            raise validation_failed(
                [
                    "Invalid length for parameter TokenCode, value: "
                    f"{len(params['TokenCode'])}, valid min length: 6"
                ]
            )
    try:
        response = world.call(source_credentials.credentials, "sts", "AssumeRole", params)
    except AwsError as error:
        raise service_error(error.code, "AssumeRole", error.message) from None
    credentials = Credentials.from_response(response)
    expiration = _expiration(response)
    state.role_cache[profile] = CachedRoleCredentials(credentials, expiration, key)
    return ResolvedCredentials(credentials, "assume-role", profile, expiration)
