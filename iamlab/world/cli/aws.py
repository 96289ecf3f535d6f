"""Run one `aws ...` command line against the world, as the AWS CLI v2 would."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from iamlab.world import AwsError
from iamlab.world.cli import help as help_text
from iamlab.world.cli.commands import CUSTOM_COMMANDS, Operation, Param, available_services
from iamlab.world.cli.credentials import resolve, selected_profile
from iamlab.world.cli.errors import (
    EXIT_USAGE,
    NO_REGION,
    CliError,
    config_error,
    invalid_choice,
    service_error,
    unknown_options,
    usage_error,
    validation_failed,
)
from iamlab.world.cli.files import DEV_STDOUT, FileError
from iamlab.world.cli.output import format_output, normalize
from iamlab.world.cli.query import Chain, QueryError, parse_query, search
from iamlab.world.cli.result import CommandResult
from iamlab.world.cli.values import convert, validate
from iamlab.world.credentials import Credentials

if TYPE_CHECKING:
    from iamlab.world.cli.state import ConsoleState
    from iamlab.world.world import World

VERSION = "aws-cli/2.22.0 Python/3.11 IAM-Lab/simulated"
OUTPUT_CHOICES = ["json", "text", "table"]
GLOBAL_VALUE_OPTIONS = {
    "--profile",
    "--region",
    "--output",
    "--query",
    "--color",
    "--cli-binary-format",
    "--endpoint-url",
    "--ca-bundle",
    "--cli-read-timeout",
    "--cli-connect-timeout",
}
GLOBAL_FLAGS = {
    "--debug",
    "--no-cli-pager",
    "--no-paginate",
    "--no-verify-ssl",
    "--no-sign-request",
    "--version",
    "--cli-auto-prompt",
    "--no-cli-auto-prompt",
}
LIST_KINDS = {"string_list", "structure_list"}


@dataclass
class GlobalOptions:
    """The options every `aws` command takes, wherever they appear on the line."""

    profile: str | None = None
    region: str | None = None
    output: str | None = None
    query: str | None = None
    query_chains: list[Chain] | None = None
    raw_blobs: bool = False
    no_sign_request: bool = False
    version: bool = False
    flags: set[str] = field(default_factory=set)


@dataclass
class AwsContext:
    """What one `aws` command runs with."""

    world: World
    state: ConsoleState
    env: dict[str, str]
    options: GlobalOptions
    mfa_codes: dict[str, str]

    def credentials(self) -> Credentials | None:
        """Return the credentials to sign with (None with --no-sign-request)."""
        if self.options.no_sign_request:
            return None
        return resolve(
            self.state, self.world, self.env, self.options.profile, self.mfa_codes
        ).credentials

    def profile_settings(self) -> dict[str, str]:
        """Return what `aws configure set` stored for the profile in force."""
        name, _ = selected_profile(self.state, self.env, self.options.profile)
        return self.state.config.get(name, {})

    def output_format(self) -> str:
        """Return the output format: --output, AWS_DEFAULT_OUTPUT, the profile's, or json."""
        output = (
            self.options.output
            or self.env.get("AWS_DEFAULT_OUTPUT")
            or self.profile_settings().get("output")
            or "json"
        )
        if output not in OUTPUT_CHOICES:
            raise config_error(
                f"Unknown output type: {output}. Valid choices are json, text and table."
            )
        return output

    def region(self) -> str | None:
        """Return the region: --region, AWS_REGION, AWS_DEFAULT_REGION, or the profile's."""
        return (
            self.options.region
            or self.env.get("AWS_REGION")
            or self.env.get("AWS_DEFAULT_REGION")
            or self.profile_settings().get("region")
        )

    def call(
        self, operation: str, service: str, params: dict[str, Any], signed: bool = True
    ) -> dict[str, Any]:
        """Call the world; turn its AwsError into the CLI's service error."""
        credentials = self.credentials() if signed else None
        try:
            return self.world.call(credentials, service, operation, params)
        except AwsError as error:
            raise service_error(error.code, operation, error.message) from None

    def render(self, data: Any, title: str) -> str:
        """Apply --query and print a response in the chosen format."""
        data = normalize(data)
        output = self.output_format()
        if self.options.query_chains is not None:
            data = search(self.options.query_chains, data)
        return format_output(data, output, title)


def split_global_options(argv: list[str]) -> tuple[GlobalOptions, list[str]]:
    """Take the global options out of the arguments, wherever they are."""
    options = GlobalOptions()
    rest: list[str] = []
    index = 0
    while index < len(argv):
        token = argv[index]
        name, has_value, inline = token.partition("=")
        if name in GLOBAL_FLAGS and not has_value:
            options.flags.add(name)
            index += 1
            continue
        if name not in GLOBAL_VALUE_OPTIONS:
            rest.append(token)
            index += 1
            continue
        if has_value:
            value = inline
            index += 1
        else:
            if index + 1 >= len(argv) or _looks_like_option(argv[index + 1]):
                raise usage_error(f"argument {name}: expected one argument")
            value = argv[index + 1]
            index += 2
        _set_global(options, name, value)
    options.no_sign_request = "--no-sign-request" in options.flags
    options.version = "--version" in options.flags
    return options, rest


def _set_global(options: GlobalOptions, name: str, value: str) -> None:
    if name == "--profile":
        options.profile = value
    elif name == "--region":
        options.region = value
    elif name == "--output":
        if value not in OUTPUT_CHOICES:
            raise invalid_choice("--output", value, OUTPUT_CHOICES)
        options.output = value
    elif name == "--query":
        try:
            options.query_chains = parse_query(value)
        except QueryError as error:
            pointer = " " * (error.column + 1) + "^"
            raise CliError(
                f"\nBad value for --query {value}: {error.message}: Parse error at column "
                f'{error.column}, for expression:\n"{value}"\n{pointer}\n',
                EXIT_USAGE,
            ) from None
        options.query = value
    elif name == "--color":
        if value not in {"on", "off", "auto"}:
            raise invalid_choice("--color", value, ["on", "off", "auto"])
    elif name == "--cli-binary-format":
        if value not in {"base64", "raw-in-base64-out"}:
            raise invalid_choice("--cli-binary-format", value, ["base64", "raw-in-base64-out"])
        options.raw_blobs = value == "raw-in-base64-out"
    elif name == "--endpoint-url":
        raise CliError(
            "\nThis simulated AWS CLI talks only to the lab's world: remove --endpoint-url.\n",
            EXIT_USAGE,
        )


def _looks_like_option(token: str) -> bool:
    if not token.startswith("-") or token == "-":
        return False
    rest = token[1:]
    # argparse takes "-5" or "-1.5" as a value, not an option.
    return not rest.replace(".", "", 1).isdigit()


Handler = Callable[[AwsContext, list[str]], CommandResult]


def run_aws(
    world: World,
    state: ConsoleState,
    env: dict[str, str],
    argv: list[str],
    mfa_codes: dict[str, str],
    custom: dict[str, Handler],
) -> CommandResult:
    """Run `aws` with the words after it; raise CliError for failures."""
    options, rest = split_global_options(argv)
    if options.version:
        return CommandResult(0, VERSION + "\n", "")
    context = AwsContext(world, state, env, options, mfa_codes)
    if not rest:
        raise usage_error("the following arguments are required: command")
    command, args = rest[0], rest[1:]
    if command == "help":
        return CommandResult(0, help_text.aws_help(), "")
    if command in custom:
        return custom[command](context, args)
    services = available_services()
    service = services.get(command)
    if service is None:
        raise invalid_choice("command", command, [*services, *CUSTOM_COMMANDS, "help"])
    if not args:
        raise usage_error("the following arguments are required: operation")
    name, op_args = args[0], args[1:]
    if name == "help":
        return CommandResult(0, help_text.service_help(service), "")
    operation = service.operations.get(name)
    if operation is None:
        raise invalid_choice("operation", name, [*service.operations, "help"])
    return run_operation(context, service.cli_name, operation, op_args)


def parse_operation_args(
    operation: Operation, args: list[str]
) -> tuple[dict[Param, Any], str | None, bool]:
    """Split the arguments into typed parameter text, the outfile, and whether help was asked."""
    by_name = operation.param_by_cli_name()
    raw: dict[Param, Any] = {}
    positionals: list[str] = []
    unknown: list[str] = []
    index = 0
    while index < len(args):
        token = args[index]
        if not _looks_like_option(token):
            positionals.append(token)
            index += 1
            continue
        name, has_value, inline = token.partition("=")
        param = by_name.get(name)
        negated = False
        if param is None and name.startswith("--no-"):
            candidate = by_name.get("--" + name[5:])
            if candidate is not None and candidate.kind == "boolean":
                param, negated = candidate, True
        if param is None:
            unknown.append(token)
            index += 1
            continue
        if param.kind == "boolean":
            if has_value:
                raise usage_error(f"argument {name}: ignored explicit argument '{inline}'")
            raw[param] = not negated
            index += 1
        elif param.kind in LIST_KINDS:
            values = [inline] if has_value else []
            index += 1
            while index < len(args) and not _looks_like_option(args[index]):
                values.append(args[index])
                index += 1
            if not values:
                raise usage_error(f"argument {name}: expected at least one argument")
            raw[param] = values
        elif has_value:
            raw[param] = inline
            index += 1
        else:
            if index + 1 >= len(args) or _looks_like_option(args[index + 1]):
                raise usage_error(f"argument {name}: expected one argument")
            raw[param] = args[index + 1]
            index += 2
    if positionals == ["help"] and not raw and not unknown:
        return raw, None, True
    outfile = None
    if operation.outfile is not None and positionals:
        outfile = positionals.pop(0)
    missing = [param.cli_name for param in operation.params if param.required and param not in raw]
    if operation.outfile is not None and outfile is None:
        missing.append("outfile")
    if missing:
        raise usage_error(f"the following arguments are required: {', '.join(missing)}")
    if unknown or positionals:
        raise unknown_options([*unknown, *positionals])
    return raw, outfile, False


def run_operation(
    context: AwsContext, service_cli_name: str, operation: Operation, args: list[str]
) -> CommandResult:
    """Parse, validate, call the world, and print the response."""
    raw, outfile, wants_help = parse_operation_args(operation, args)
    if wants_help:
        return CommandResult(0, help_text.operation_help(service_cli_name, operation), "")
    params: dict[str, Any] = {}
    files = context.state.files
    for param in operation.params:
        if param not in raw:
            continue
        if param.kind == "streaming_blob":
            content = files.read(raw[param])
            if content is None:
                raise CliError(
                    f"\nError parsing parameter '{param.cli_name}': Blob values must be a path "
                    "to a file.\n",
                    EXIT_USAGE,
                )
            params[param.name] = content
            continue
        params[param.name] = convert(param, raw[param], files.read, context.options.raw_blobs)
    problems: list[str] = []
    for param in operation.params:
        if param.name in params and param.kind != "streaming_blob":
            problems.extend(validate(param, params[param.name]))
    if problems:
        raise validation_failed(problems)
    if operation.needs_region and not context.region():
        raise config_error(NO_REGION)
    context.output_format()  # a bad AWS_DEFAULT_OUTPUT fails before the request, not after
    response = context.call(
        operation.name, operation.service, params, signed=not operation.unsigned
    )
    response = dict(response)
    response.pop("ResponseMetadata", None)
    if operation.outfile is not None and outfile is not None:
        body = response.pop(operation.outfile, "")
        if isinstance(body, bytes):
            body = body.decode("utf-8", errors="replace")
        text = str(body) if body is not None else ""
        if outfile == DEV_STDOUT:
            rendered = context.render(response, operation.name)
            return CommandResult(0, text + rendered, "")
        try:
            files.write(outfile, text)
        except FileError as error:
            raise CliError(f"\n[Errno 28] {error}: '{outfile}'\n", 255) from None
    return CommandResult(0, context.render(response, operation.name), "")
