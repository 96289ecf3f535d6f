"""`aws configure set/get/list/list-profiles/export-credentials` over the console's profiles."""

from __future__ import annotations

import json

from iamlab.world.cli import help as help_text
from iamlab.world.cli.aws import AwsContext
from iamlab.world.cli.credentials import (
    PROFILE_SETTINGS,
    resolve,
    selected_profile,
    user_profiles,
)
from iamlab.world.cli.errors import (
    EXIT_USAGE,
    CliError,
    invalid_choice,
    unknown_options,
    usage_error,
)
from iamlab.world.cli.result import CommandResult

CONFIGURE_COMMANDS = ["export-credentials", "get", "list", "list-profiles", "set"]
MAX_SETTING_CHARS = 2_048
MAX_PROFILES = 50
EXPORT_FORMATS = ["process", "env", "env-no-export"]


def run_configure(context: AwsContext, args: list[str]) -> CommandResult:
    """Run `aws configure SUBCOMMAND ...`."""
    if not args:
        raise CliError(
            "\nThis simulated shell cannot prompt for values: use "
            "aws configure set NAME VALUE [--profile PROFILE] instead.\n",
            EXIT_USAGE,
        )
    subcommand, rest = args[0], args[1:]
    if subcommand == "help" or rest == ["help"]:
        return CommandResult(0, help_text.configure_help(), "")
    if subcommand not in CONFIGURE_COMMANDS:
        raise invalid_choice("subcommand", subcommand, [*CONFIGURE_COMMANDS, "help"])
    if subcommand == "set":
        return _set(context, rest)
    if subcommand == "get":
        return _get(context, rest)
    if subcommand == "list":
        if rest:
            raise unknown_options(rest)
        return _list(context)
    if subcommand == "list-profiles":
        if rest:
            raise unknown_options(rest)
        names = sorted(set(user_profiles(context.world)) | set(context.state.config))
        return CommandResult(0, "".join(f"{name}\n" for name in names), "")
    return _export(context, rest)


def _target(context: AwsContext, key: str) -> tuple[str, str]:
    """Return (profile, setting) for `region` or `profile.NAME.region`."""
    if key.startswith("profile.") and key.count(".") >= 2:
        _, profile, setting = key.split(".", 2)
        return profile, setting
    if key.startswith("default.") and key.count(".") == 1:
        return "default", key.split(".", 1)[1]
    profile, _ = selected_profile(context.state, context.env, context.options.profile)
    return profile, key


def _set(context: AwsContext, args: list[str]) -> CommandResult:
    if len(args) < 2:
        missing = "varname, value" if not args else "value"
        raise usage_error(f"the following arguments are required: {missing}")
    if len(args) > 2:
        raise unknown_options(args[2:])
    profile, setting = _target(context, args[0])
    value = args[1]
    if setting not in PROFILE_SETTINGS:
        raise CliError(
            f"\nThe setting '{setting}' has no effect in this simulated CLI. It knows: "
            f"{', '.join(PROFILE_SETTINGS)}.\n",
            EXIT_USAGE,
        )
    if not profile or len(profile) > 128 or len(value) > MAX_SETTING_CHARS:
        raise CliError(
            f"\nProfile names are 1 to 128 characters and values at most {MAX_SETTING_CHARS}.\n",
            EXIT_USAGE,
        )
    config = context.state.config
    if profile not in config and len(config) >= MAX_PROFILES:
        raise CliError(f"\nThis console keeps at most {MAX_PROFILES} profiles.\n", EXIT_USAGE)
    config.setdefault(profile, {})[setting] = value
    return CommandResult(0, "", "")


def _get(context: AwsContext, args: list[str]) -> CommandResult:
    if not args:
        raise usage_error("the following arguments are required: varname")
    if len(args) > 1:
        raise unknown_options(args[1:])
    profile, setting = _target(context, args[0])
    value = context.state.config.get(profile, {}).get(setting)
    if value is None and setting in {"aws_access_key_id", "aws_secret_access_key"}:
        credentials = user_profiles(context.world).get(profile)
        if credentials is not None:
            value = (
                credentials.access_key_id
                if setting == "aws_access_key_id"
                else credentials.secret_access_key
            )
    if value is None:
        return CommandResult(1, "", "")
    return CommandResult(0, value + "\n", "")


def _mask(value: str) -> str:
    return "*" * 16 + value[-4:]


def _row(name: str, value: str, kind: str, location: str) -> str:
    return f"{name:>10} {value:>24} {kind:>16}    {location}\n"


def _list(context: AwsContext) -> CommandResult:
    lines = [_row("Name", "Value", "Type", "Location"), _row("----", "-----", "----", "--------")]
    profile, chosen_by = selected_profile(context.state, context.env, context.options.profile)
    if chosen_by == "manual":
        lines.append(_row("profile", profile, "manual", "--profile"))
    elif chosen_by == "env":
        variable = "AWS_PROFILE" if context.env.get("AWS_PROFILE") else "AWS_DEFAULT_PROFILE"
        lines.append(_row("profile", profile, "env", variable))
    else:
        lines.append(_row("profile", "<not set>", "None", "None"))
    try:
        resolved = resolve(context.state, context.world, context.env, context.options.profile, {})
    except CliError:
        resolved = None
    if resolved is None:
        lines.append(_row("access_key", "<not set>", "None", "None"))
        lines.append(_row("secret_key", "<not set>", "None", "None"))
    else:
        location = ""
        if resolved.method == "env":
            location = "AWS_ACCESS_KEY_ID"
        lines.append(
            _row("access_key", _mask(resolved.credentials.access_key_id), resolved.method, location)
        )
        secret_location = "AWS_SECRET_ACCESS_KEY" if resolved.method == "env" else ""
        lines.append(
            _row(
                "secret_key",
                _mask(resolved.credentials.secret_access_key),
                resolved.method,
                secret_location,
            )
        )
    region_source = None
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if context.env.get(variable):
            region_source = ("env", variable, context.env[variable])
            break
    if context.options.region:
        region_source = ("manual", "--region", context.options.region)
    elif region_source is None and context.profile_settings().get("region"):
        region_source = ("config-file", "~/.aws/config", context.profile_settings()["region"])
    if region_source is None:
        lines.append(_row("region", "<not set>", "None", "None"))
    else:
        lines.append(_row("region", region_source[2], region_source[0], region_source[1]))
    return CommandResult(0, "".join(lines), "")


def _export(context: AwsContext, args: list[str]) -> CommandResult:
    output_format = "process"
    rest = list(args)
    if "--format" in rest:
        position = rest.index("--format")
        if position + 1 >= len(rest):
            raise usage_error("argument --format: expected one argument")
        output_format = rest[position + 1]
        del rest[position : position + 2]
        if output_format not in EXPORT_FORMATS:
            raise invalid_choice("--format", output_format, EXPORT_FORMATS)
    if rest:
        raise unknown_options(rest)
    resolved = resolve(
        context.state, context.world, context.env, context.options.profile, context.mfa_codes
    )
    credentials = resolved.credentials
    expiration = resolved.expiration.isoformat() if resolved.expiration else None
    if resolved.method == "env":
        expiration = context.env.get("AWS_CREDENTIAL_EXPIRATION") or None
    if output_format == "process":
        document: dict[str, object] = {
            "Version": 1,
            "AccessKeyId": credentials.access_key_id,
            "SecretAccessKey": credentials.secret_access_key,
        }
        if credentials.session_token:
            document["SessionToken"] = credentials.session_token
        if expiration:
            document["Expiration"] = expiration
        return CommandResult(0, json.dumps(document, indent=2) + "\n", "")
    prefix = "export " if output_format == "env" else ""
    lines = [
        f"{prefix}AWS_ACCESS_KEY_ID={credentials.access_key_id}\n",
        f"{prefix}AWS_SECRET_ACCESS_KEY={credentials.secret_access_key}\n",
    ]
    if credentials.session_token:
        lines.append(f"{prefix}AWS_SESSION_TOKEN={credentials.session_token}\n")
    if expiration:
        lines.append(f"{prefix}AWS_CREDENTIAL_EXPIRATION={expiration}\n")
    return CommandResult(0, "".join(lines), "")
