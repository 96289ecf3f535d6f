"""Limits on what a scenario's content may hold, so that valid content never breaks a page.

Every JSON value a fixture or the admin accepts (policies, tags, a Lambda function's
calls, lists of ARNs...) is bounded in depth and size, and every text, in JSON or in a
plain field, must be text a database and a page can hold: no NUL character, no lone
surrogate. The checks are iterative, so they are safe on any value Python can hold, and
each problem names the JSON path where it was found.

Pure Python: the admin's form fields, the models' validation and the world spec builder
all ask these functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

# A policy nests about six deep (Statement, a statement, Condition, an operator, a key,
# its values); a Lambda call holding a policy about ten. Far below what Python's own
# recursion (copying, encoding) needs to stay safe.
MAX_JSON_DEPTH = 32
# AWS's largest policy, a bucket policy, is at most 20 KB; a scenario's JSON value may be
# a little larger (a Lambda function's calls), never megabytes.
MAX_JSON_BYTES = 64 * 1024
# The admin reads a field's text before it is JSON: bound it before parsing.
MAX_JSON_TEXT = 2 * MAX_JSON_BYTES


@dataclass(frozen=True)
class LimitProblem:
    """What is wrong with a value and where (a JSON path such as `[0].params.Key`)."""

    json_path: str
    message: str

    def __str__(self) -> str:
        return f"at {self.json_path}: {self.message}" if self.json_path else self.message


def text_problem(text: str, noun: str = "the text") -> str | None:
    """Say why a text cannot be stored and shown, or None when it can."""
    position = text.find("\x00")
    if position >= 0:
        return (
            f"{noun} holds a NUL character (\\u0000) at position {position + 1}; "
            "remove it: no name or text needs one."
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return (
            f"{noun} holds a lone surrogate (\\u{ord(text[error.start]):04x}) at position "
            f"{error.start + 1}, which is not a character; write the character itself."
        )
    return None


def _child_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def json_problem(
    value: object, max_depth: int = MAX_JSON_DEPTH, max_bytes: int = MAX_JSON_BYTES
) -> LimitProblem | None:
    """Return the first thing that makes `value` too deep, too large or not text, else None."""
    # Walked with an explicit stack (never recursion), counting bytes as JSON would write
    # them roughly (UTF-8 text plus punctuation), so that a huge value stops early.
    size = 0
    stack: list[tuple[object, str, int]] = [(value, "", 1)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > max_depth:
                return LimitProblem(
                    path,
                    f"the value is nested more than {max_depth} deep here; "
                    "no policy or scenario needs that much nesting.",
                )
            size += 2
            if isinstance(item, dict):
                children = list(item.items())
                for key, child in reversed(children):
                    if not isinstance(key, str):
                        return LimitProblem(path, "an object's keys must be strings.")
                    problem = text_problem(key, "the key")
                    if problem is not None:
                        return LimitProblem(_child_path(path, key), problem)
                    size += len(key) + 4
                    stack.append((child, _child_path(path, key), depth + 1))
            else:
                for index in range(len(item) - 1, -1, -1):
                    size += 1
                    stack.append((item[index], _child_path(path, index), depth + 1))
        elif isinstance(item, str):
            problem = text_problem(item)
            if problem is not None:
                return LimitProblem(path, problem)
            size += len(item.encode("utf-8")) + 2
        else:
            size += 8
        if size > max_bytes:
            return LimitProblem(
                "",
                f"the value is larger than {max_bytes // 1024} KB as JSON; "
                "a scenario's policies and settings are far smaller.",
            )
    return None


def json_text_problem(text: str, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Say why JSON text is too long or too deeply nested to parse, or None.

    Python's JSON parser recurses once per bracket, so 100,000 nested brackets would
    overflow it: the brackets are counted first, outside strings, without parsing.
    """
    depth = 0
    in_string = False
    escaped = False
    for position, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                line = text.count("\n", 0, position) + 1
                return (
                    f"The JSON is nested more than {max_depth} deep (line {line}); "
                    "no policy or scenario needs that much nesting."
                )
        elif char in "]}":
            depth -= 1
    if len(text) > MAX_JSON_TEXT:
        return f"The text is {len(text)} characters long; at most {MAX_JSON_TEXT} are allowed."
    return None


def json_dumps_safely(value: object, indent: int | None = 2) -> str | None:
    """Write a value as JSON, or return None when it is beyond the limits to write."""
    if json_problem(value, max_bytes=MAX_JSON_BYTES * 16) is not None:
        return None
    return json.dumps(value, indent=indent, ensure_ascii=False)
