"""The high-level `aws s3` commands: `ls`, `cp` and `rm`, printed as the CLI prints them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from iamlab.world.cli import help as help_text
from iamlab.world.cli.aws import AwsContext
from iamlab.world.cli.errors import (
    EXIT_S3_FAILURE,
    EXIT_SERVICE,
    EXIT_USAGE,
    CliError,
    invalid_choice,
    unknown_options,
    usage_error,
)
from iamlab.world.cli.files import DEV_STDOUT, FileError
from iamlab.world.cli.result import CommandResult

S3_COMMANDS = ["cp", "ls", "rm"]


def run_s3(context: AwsContext, args: list[str]) -> CommandResult:
    """Run `aws s3 SUBCOMMAND ...`."""
    if not args:
        raise usage_error("the following arguments are required: operation")
    subcommand, rest = args[0], args[1:]
    if subcommand == "help":
        return CommandResult(0, help_text.s3_help(), "")
    if subcommand not in S3_COMMANDS:
        raise invalid_choice("operation", subcommand, [*S3_COMMANDS, "help"])
    if rest == ["help"]:
        return CommandResult(0, help_text.s3_help(), "")
    flags = {arg for arg in rest if arg.startswith("--")}
    paths = [arg for arg in rest if not arg.startswith("--")]
    if subcommand == "ls":
        allowed = {"--recursive", "--summarize", "--human-readable"}
        _reject_unknown(flags - allowed)
        if len(paths) > 1:
            raise unknown_options(paths[1:])
        return _ls(context, paths[0] if paths else "", flags)
    if subcommand == "rm":
        _reject_unknown(flags)
        if not paths:
            raise usage_error("the following arguments are required: paths")
        if len(paths) > 1:
            raise unknown_options(paths[1:])
        return _rm(context, paths[0])
    _reject_unknown(flags)
    if len(paths) < 2:
        raise usage_error("the following arguments are required: paths")
    if len(paths) > 2:
        raise unknown_options(paths[2:])
    return _cp(context, paths[0], paths[1])


def _reject_unknown(flags: set[str]) -> None:
    if flags:
        raise unknown_options(sorted(flags))


def split_s3_path(path: str) -> tuple[str, str]:
    """Split `s3://bucket/key` (or `bucket/key`) into bucket and key."""
    if path.startswith("s3://"):
        path = path[5:]
    bucket, _, key = path.partition("/")
    return bucket, key


def _timestamp(value: Any) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        # The console's local time zone is UTC, so local time is UTC time.
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return str(value).ljust(19)


def _human_size(size: int) -> str:
    units = ["Bytes", "KiB", "MiB", "GiB", "TiB"]
    if size == 1:
        return "1 Byte"
    if size < 1024:
        return f"{size} Bytes"
    value = float(size)
    for unit in units[1:]:
        value /= 1024
        if value < 1024 or unit == units[-1]:
            return f"{value:.1f} {unit}"
    return f"{size} Bytes"


def _ls(context: AwsContext, path: str, flags: set[str]) -> CommandResult:
    if not path or path == "s3://":
        response = context.call("ListBuckets", "s3", {})
        lines = [
            f"{_timestamp(bucket['CreationDate'])} {bucket['Name']}\n"
            for bucket in response.get("Buckets", [])
        ]
        return CommandResult(0, "".join(lines), "")
    bucket, prefix = split_s3_path(path)
    recursive = "--recursive" in flags
    params: dict[str, Any] = {"Bucket": bucket}
    if prefix:
        params["Prefix"] = prefix
    if not recursive:
        params["Delimiter"] = "/"
    response = context.call("ListObjectsV2", "s3", params)
    contents = response.get("Contents", [])
    prefixes = [entry["Prefix"] for entry in response.get("CommonPrefixes", [])]
    if not recursive and not prefixes:
        # Group deeper keys into folders here too, in case the listing was not grouped.
        direct = []
        seen: set[str] = set()
        for item in contents:
            remainder = (
                item["Key"][len(prefix) :] if item["Key"].startswith(prefix) else item["Key"]
            )
            folder, slash, _ = remainder.partition("/")
            if slash:
                if folder not in seen:
                    seen.add(folder)
                    prefixes.append(prefix + folder + "/")
            else:
                direct.append(item)
        contents = direct
    lines = []
    for common in prefixes:
        name = common.split("/")[-2]
        lines.append("PRE".rjust(30) + " " + name + "/\n")
    total_size = 0
    for item in contents:
        size = int(item.get("Size", 0))
        total_size += size
        size_text = _human_size(size) if "--human-readable" in flags else str(size)
        name = item["Key"] if recursive else item["Key"].split("/")[-1]
        lines.append(f"{_timestamp(item['LastModified'])} {size_text.rjust(10)} {name}\n")
    if "--summarize" in flags:
        total = _human_size(total_size) if "--human-readable" in flags else str(total_size)
        lines.append("\nTotal Objects: ".rjust(15) + f"{len(contents)}\n")
        lines.append("Total Size: ".rjust(15) + f"{total}\n")
    exit_code = EXIT_S3_FAILURE if prefix and not contents and not prefixes else 0
    return CommandResult(exit_code, "".join(lines), "")


def _cp(context: AwsContext, source: str, destination: str) -> CommandResult:
    source_s3 = source.startswith("s3://")
    destination_s3 = destination.startswith("s3://")
    if source_s3 and destination_s3:
        raise CliError(
            "\nCopying from one S3 location to another is not simulated in this lab: "
            "download the object to a file, then upload the file.\n",
            EXIT_USAGE,
        )
    if not source_s3 and not destination_s3:
        raise CliError(
            f"\nError: Invalid argument type: one of {source} and {destination} must be an "
            "s3:// path\n",
            EXIT_USAGE,
        )
    if source_s3:
        return _download(context, source, destination)
    return _upload(context, source, destination)


def _download(context: AwsContext, source: str, destination: str) -> CommandResult:
    bucket, key = split_s3_path(source)
    if not key:
        raise CliError(f"\nfatal error: An S3 key is needed to copy {source}\n", EXIT_S3_FAILURE)
    if destination not in {"-", DEV_STDOUT} and (
        destination in {".", "./"} or destination.endswith("/")
    ):
        # `cp s3://b/dir/q1.csv .` keeps the object's name, shown as `./q1.csv`.
        destination = destination.rstrip("/") + "/" + key.split("/")[-1]
    shown = destination
    try:
        response = context.call("GetObject", "s3", {"Bucket": bucket, "Key": key})
    except CliError as error:
        if error.exit_code != EXIT_SERVICE:
            raise
        message = error.stderr.strip()
        return CommandResult(
            EXIT_S3_FAILURE, "", f"download failed: {source} to {shown} {message}\n"
        )
    body = response.get("Body", "")
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if destination in {"-", DEV_STDOUT}:
        return CommandResult(0, str(body), "")
    try:
        context.state.files.write(destination, str(body))
    except FileError as error:
        return CommandResult(EXIT_S3_FAILURE, "", f"download failed: {source} to {shown} {error}\n")
    return CommandResult(0, f"download: {source} to {shown}\n", "")


def _upload(context: AwsContext, source: str, destination: str) -> CommandResult:
    if source == "-":
        raise CliError(
            "\nThis simulated shell has no standard input to upload: write the content to a "
            "file first (echo TEXT > file.txt), then copy the file.\n",
            EXIT_USAGE,
        )
    body = context.state.files.read(source)
    if body is None:
        raise CliError(f"\nThe user-provided path {source} does not exist.\n", 255)
    bucket, key = split_s3_path(destination)
    if not key or key.endswith("/"):
        key = key + source.split("/")[-1]
        destination = f"s3://{bucket}/{key}"
    try:
        context.call("PutObject", "s3", {"Bucket": bucket, "Key": key, "Body": body})
    except CliError as error:
        if error.exit_code != EXIT_SERVICE:
            raise
        message = error.stderr.strip()
        return CommandResult(
            EXIT_S3_FAILURE, "", f"upload failed: {source} to {destination} {message}\n"
        )
    return CommandResult(0, f"upload: {source} to {destination}\n", "")


def _rm(context: AwsContext, path: str) -> CommandResult:
    bucket, key = split_s3_path(path)
    if not path.startswith("s3://") or not key:
        raise CliError(f"\nfatal error: {path} is not an s3:// object path\n", EXIT_USAGE)
    try:
        context.call("DeleteObject", "s3", {"Bucket": bucket, "Key": key})
    except CliError as error:
        if error.exit_code != EXIT_SERVICE:
            raise
        message = error.stderr.strip()
        return CommandResult(EXIT_S3_FAILURE, "", f"delete failed: {path} {message}\n")
    return CommandResult(0, f"delete: {path}\n", "")
