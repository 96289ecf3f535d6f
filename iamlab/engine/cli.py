"""The command line: `python -m iamlab.engine simulate FILE... [--explain]`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import IO

from iamlab.engine import simulate
from iamlab.engine.errors import INVALID_SIMULATION, MALFORMED_POLICY, join_path
from iamlab.engine.simulation import POLICY_FIELDS

MAX_INPUT_BYTES = 10 * 1024 * 1024
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _KeyedObject(dict):  # type: ignore[type-arg]
    """A JSON object that remembers keys that appeared more than once."""

    duplicate_keys: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, object]]) -> _KeyedObject:
    """Build a JSON object, noting the keys given twice (a plain dict would keep the last)."""
    result = _KeyedObject(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        repeated = []
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        result.duplicate_keys = tuple(repeated)
    return result


def find_duplicate_key(value: object, path: str = "", depth: int = 0) -> tuple[str, str] | None:
    """Return (path, key) of the first object key that appears twice, or None."""
    if depth > 64:
        return None
    if isinstance(value, _KeyedObject) and value.duplicate_keys:
        key = value.duplicate_keys[0]
        return join_path(path, key), key
    if isinstance(value, dict):
        for key, item in value.items():
            found = find_duplicate_key(item, join_path(path, key), depth + 1)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find_duplicate_key(item, f"{path}[{index}]", depth + 1)
            if found:
                return found
    return None


def _error(code: str, path: str, message: str) -> dict[str, object]:
    return {"error": {"code": code, "path": path, "message": message}}


class UnreadableInput(Exception):
    """A named file cannot be read at all: a usage error."""


def _read(name: str, stdin: IO[str]) -> str:
    try:
        if name == "-":
            return stdin.read(MAX_INPUT_BYTES + 1)
        with open(name, encoding="utf-8") as handle:
            return handle.read(MAX_INPUT_BYTES + 1)
    except OSError as problem:
        raise UnreadableInput(f"cannot read {name}: {problem.strerror or problem}") from None
    except UnicodeDecodeError:
        raise UnreadableInput(f"{name} is not UTF-8 text") from None


def _documents_from(text: str, name: str) -> list[tuple[object, dict[str, object] | None]]:
    """Split one file's text into (document, None) pairs, or one (None, error result)."""
    if len(text) > MAX_INPUT_BYTES:
        return [
            (
                None,
                _error(
                    INVALID_SIMULATION, "", f"{name} is larger than {MAX_INPUT_BYTES} characters."
                ),
            )
        ]
    try:
        parsed = json.loads(text, object_pairs_hook=_object_pairs)
    except RecursionError:
        return [(None, _error(INVALID_SIMULATION, "", f"{name} is nested too deeply to read."))]
    except json.JSONDecodeError as problem:
        where = f"line {problem.lineno} column {problem.colno}"
        message = f"{name} is not valid JSON: {problem.msg} at {where}."
        return [(None, _error(INVALID_SIMULATION, "", message))]
    documents = parsed if isinstance(parsed, list) else [parsed]
    return [(document, None) for document in documents]


def _result_for(document: object, explain: bool) -> dict[str, object]:
    duplicate = find_duplicate_key(document)
    if duplicate is not None:
        path, key = duplicate
        code = (
            MALFORMED_POLICY
            if path.split(".")[0].split("[")[0] in POLICY_FIELDS
            else INVALID_SIMULATION
        )
        return _error(
            code, path, f'Duplicate key "{key}": a JSON object may name each key only once.'
        )
    result = simulate(document)  # type: ignore[arg-type]
    if not explain:
        result.pop("explanation", None)
    return result


def main(
    argv: Sequence[str] | None = None, stdin: IO[str] | None = None, stdout: IO[str] | None = None
) -> int:
    """Run the command line and return the exit status."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    parser = argparse.ArgumentParser(
        prog="python -m iamlab.engine",
        description="Decide AWS IAM requests described by simulation documents (JSON).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    simulate_parser = commands.add_parser(
        "simulate", help="evaluate simulation documents and print the decisions as a JSON array"
    )
    simulate_parser.add_argument(
        "files", nargs="+", metavar="FILE", help='a JSON file, or "-" for standard input'
    )
    simulate_parser.add_argument(
        "--explain", action="store_true", help="include the explanation of each decision"
    )
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_request:
        # argparse exits 2 on usage errors and 0 after --help.
        return EXIT_USAGE if exit_request.code not in (0, None) else EXIT_OK
    if sum(1 for name in arguments.files if name == "-") > 1:
        parser.print_usage(sys.stderr)
        print("error: standard input (-) can be read only once", file=sys.stderr)
        return EXIT_USAGE
    texts = []
    for name in arguments.files:
        try:
            texts.append((name, _read(name, stdin)))
        except UnreadableInput as problem:
            print(f"python -m iamlab.engine simulate: error: {problem}", file=sys.stderr)
            return EXIT_USAGE
    results = []
    for name, text in texts:
        for document, read_error in _documents_from(
            text, "standard input" if name == "-" else name
        ):
            results.append(
                read_error if read_error is not None else _result_for(document, arguments.explain)
            )
    json.dump(results, stdout, indent=2)
    stdout.write("\n")
    return EXIT_INVALID if any("error" in result for result in results) else EXIT_OK
