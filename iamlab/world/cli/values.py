"""Turn the text after `--param` into the value the API takes, as the AWS CLI does.

Scalars are taken as typed; `file://NAME` reads one of the console's virtual files;
structures accept JSON or the CLI's shorthand (`Key=env,Value=dev`, `Variables={A=1,B=2}`).
The shorthand parser is a small hand-written scanner: linear, no regular expressions.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from iamlab.world.cli.commands import Param
from iamlab.world.cli.errors import CliError, param_error, validation_failed

FileReader = Callable[[str], str | None]
MAX_JSON_DEPTH = 40


class ShorthandError(Exception):
    """Shorthand text that does not parse; the message shows where."""


class _Shorthand:
    """Parse `key=value,key2=[a,b],key3={k=v}` into a dict."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0
        self.depth = 0

    def fail(self, expected: str) -> ShorthandError:
        received = self.text[self.index] if self.index < len(self.text) else "EOF"
        return ShorthandError(
            f"Expected: '{expected}', received: '{received}' for input:\n"
            f"{self.text}\n{' ' * self.index}^"
        )

    def parse(self) -> dict[str, Any]:
        result = self.parameters(closing="")
        if self.index != len(self.text):
            raise self.fail(",")
        return result

    def parameters(self, closing: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while True:
            key = self.key()
            if self.peek() != "=":
                raise self.fail("=")
            self.index += 1
            result[key] = self.values(closing)
            if self.peek() == ",":
                self.index += 1
                continue
            return result

    def peek(self) -> str:
        return self.text[self.index] if self.index < len(self.text) else ""

    def key(self) -> str:
        start = self.index
        while self.index < len(self.text) and self.text[self.index] not in "=,[]{}":
            self.index += 1
        key = self.text[start : self.index].strip()
        if not key:
            raise self.fail("=")
        return key

    def values(self, closing: str) -> Any:
        char = self.peek()
        if char == "[":
            return self.explicit_list()
        if char == "{":
            return self.hash_literal()
        first = self.value(closing)
        items = [first]
        # `Key=a,b,c` continues the list until a segment looks like `name=`.
        while self.peek() == "," and not self.next_is_key():
            self.index += 1
            items.append(self.value(closing))
        return items[0] if len(items) == 1 else items

    def next_is_key(self) -> bool:
        cursor = self.index + 1
        while cursor < len(self.text) and self.text[cursor] not in "=,[]{}'\"":
            cursor += 1
        return cursor < len(self.text) and self.text[cursor] == "="

    def value(self, closing: str) -> str:
        char = self.peek()
        if char in "'\"":
            end = self.text.find(char, self.index + 1)
            if end < 0:
                self.index = len(self.text)
                raise self.fail(char)
            value = self.text[self.index + 1 : end]
            self.index = end + 1
            return value
        start = self.index
        stops = "," + closing
        while self.index < len(self.text) and self.text[self.index] not in stops:
            self.index += 1
        return self.text[start : self.index].strip()

    def explicit_list(self) -> list[Any]:
        self.enter()
        self.index += 1
        items: list[Any] = []
        while self.peek() != "]":
            if self.peek() == "":
                raise self.fail("]")
            if self.peek() == "{":
                items.append(self.hash_literal())
            else:
                items.append(self.value("]"))
            if self.peek() == ",":
                self.index += 1
        self.index += 1
        self.depth -= 1
        return items

    def hash_literal(self) -> dict[str, Any]:
        self.enter()
        self.index += 1
        if self.peek() == "}":
            self.index += 1
            self.depth -= 1
            return {}
        result = self.parameters(closing="}")
        if self.peek() != "}":
            raise self.fail("}")
        self.index += 1
        self.depth -= 1
        return result

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_JSON_DEPTH:
            raise ShorthandError(f"nested more than {MAX_JSON_DEPTH} levels deep")


def parse_shorthand(text: str) -> dict[str, Any]:
    """Parse the CLI's shorthand syntax; raise ShorthandError with the position on failure."""
    return _Shorthand(text).parse()


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_JSON_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(item, level + 1) for item in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(item, level + 1) for item in value), default=level + 1)
    return level


def _load_json(param: Param, text: str) -> Any:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise param_error(param.cli_name, f"Invalid JSON: {error}\nJSON received: {text}") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise param_error(param.cli_name, f"Invalid JSON: nested more than {MAX_JSON_DEPTH} levels")
    return value


def read_paramfile(param: Param, text: str, read_file: FileReader) -> str:
    """Replace a `file://NAME` value by the virtual file's content."""
    for prefix in ("file://", "fileb://"):
        if text.startswith(prefix):
            name = text[len(prefix) :]
            content = read_file(name)
            if content is None:
                raise param_error(
                    param.cli_name,
                    f"Unable to load paramfile {text}: [Errno 2] No such file or directory: "
                    f"'{name}'",
                )
            return content
    return text


def convert(
    param: Param, raw: str | list[str] | bool, read_file: FileReader, raw_blobs: bool
) -> Any:
    """Convert what was typed for `param` into its API value; raise CliError."""
    if param.kind == "boolean":
        return bool(raw)
    if param.kind == "string_list":
        assert isinstance(raw, list)
        values = [read_paramfile(param, item, read_file) for item in raw]
        if len(values) == 1 and values[0].lstrip().startswith("["):
            loaded = _load_json(param, values[0])
            if not isinstance(loaded, list):
                raise validation_failed(
                    [_type_problem(param.name, loaded, "<class 'list'>, <class 'tuple'>")]
                )
            return loaded
        return values
    if param.kind == "structure_list":
        assert isinstance(raw, list)
        values = [read_paramfile(param, item, read_file) for item in raw]
        if len(values) == 1 and values[0].lstrip()[:1] in {"[", "{"}:
            loaded = _load_json(param, values[0])
            return loaded if isinstance(loaded, list) else [loaded]
        items = []
        for value in values:
            try:
                items.append(parse_shorthand(value))
            except ShorthandError as error:
                raise param_error(param.cli_name, str(error)) from None
        return items
    assert isinstance(raw, str)
    text = read_paramfile(param, raw, read_file)
    if param.kind == "structure":
        if text.lstrip().startswith("{"):
            return _load_json(param, text)
        try:
            return parse_shorthand(text)
        except ShorthandError as error:
            raise param_error(param.cli_name, str(error)) from None
    if param.kind == "integer":
        digits = text.strip()
        body = digits[1:] if digits[:1] in {"-", "+"} else digits
        if not body.isascii() or not body.isdigit() or len(body) > 18:
            raise param_error(
                param.cli_name, f"invalid literal for int() with base 10: '{text[:100]}'"
            )
        return int(digits)
    if param.kind == "blob":
        if raw_blobs:
            return text
        try:
            return base64.b64decode(text.encode("utf-8"), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise CliError(f'\nInvalid base64: "{text[:200]}"\n', 252) from None
    return text


def _type_problem(path: str, value: Any, valid: str) -> str:
    return (
        f"Invalid type for parameter {path}, value: {value!r}, type: {type(value)!r}, "
        f"valid types: {valid}"
    )


def validate(param: Param, value: Any) -> list[str]:
    """Check a converted value as the CLI does before sending (types, members, minimums)."""
    problems: list[str] = []
    name = param.name
    if param.kind == "structure_list":
        if not isinstance(value, list):
            return [_type_problem(name, value, "<class 'list'>, <class 'tuple'>")]
        for index, item in enumerate(value):
            problems.extend(_validate_structure(param, item, f"{name}[{index}]"))
    elif param.kind == "structure":
        problems.extend(_validate_structure(param, value, name))
    elif param.kind == "string_list":
        for index, item in enumerate(value):
            if not isinstance(item, str):
                problems.append(_type_problem(f"{name}[{index}]", item, "<class 'str'>"))
    elif param.kind == "integer" and param.min is not None and value < param.min:
        problems.append(
            f"Invalid value for parameter {name}, value: {value}, valid min value: {param.min}"
        )
    elif param.kind == "string" and param.min is not None and len(value) < param.min:
        problems.append(
            f"Invalid length for parameter {name}, value: {len(value)}, "
            f"valid min length: {param.min}"
        )
    return problems


def _validate_structure(param: Param, item: Any, path: str) -> list[str]:
    if not isinstance(item, dict):
        return [_type_problem(path, item, "<class 'dict'>")]
    problems = [
        f'Missing required parameter in {path}: "{member}"'
        for member in param.required_members
        if member not in item
    ]
    for key, value in item.items():
        if key not in param.members:
            problems.append(
                f'Unknown parameter in {path}: "{key}", must be one of: {", ".join(param.members)}'
            )
        elif key == "Variables":
            if not isinstance(value, dict):
                problems.append(_type_problem(f"{path}.{key}", value, "<class 'dict'>"))
            else:
                problems.extend(
                    _type_problem(f"{path}.{key}.{name}", entry, "<class 'str'>")
                    for name, entry in value.items()
                    if not isinstance(entry, str)
                )
        elif not isinstance(value, str):
            problems.append(_type_problem(f"{path}.{key}", value, "<class 'str'>"))
    return problems
