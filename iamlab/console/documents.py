"""Policy text typed by a learner: size and depth checked before parsing, errors placed by line.

`read_json` refuses text that is too long or nested too deeply before `json.loads` sees
it (so a megabyte or ten thousand brackets cost one linear scan), and reports a syntax
error with its line and column. `line_of` finds the line where the value at an engine
error's JSON path (`Statement[1].Condition.StringEquals`) starts, so the playground can
point at it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from iamlab.engine.errors import join_path

MAX_DOCUMENT_CHARS = 20_000
# The engine refuses policies nested more than 16 levels; a little slack keeps its own
# message for documents just past that, and the cap keeps json.loads far from recursion.
MAX_NESTING = 40


@dataclass(frozen=True)
class TextProblem:
    """What is wrong with a piece of text, and where (1-based line; JSON path when known)."""

    message: str
    line: int | None = None
    path: str = ""


class DocumentError(ValueError):
    def __init__(self, problem: TextProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def nesting_depth(text: str, stop_after: int) -> int:
    """Return how deeply brackets nest in JSON text (strings skipped), stopping early."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
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
            if depth > deepest:
                deepest = depth
                if deepest > stop_after:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def read_json(text: str, what: str, max_chars: int = MAX_DOCUMENT_CHARS) -> Any:
    """Parse JSON text a learner typed; raise DocumentError saying what is wrong and where."""
    if len(text) > max_chars:
        raise DocumentError(
            TextProblem(
                f"The {what} is {len(text):,} characters long; at most {max_chars:,} are allowed."
            )
        )
    if nesting_depth(text, MAX_NESTING) > MAX_NESTING:
        raise DocumentError(
            TextProblem(
                f"The {what} is nested more than {MAX_NESTING} levels deep; a policy needs a few."
            )
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        return _raise_syntax(error, what)
    except (RecursionError, ValueError) as error:  # pragma: no cover - guarded above
        raise DocumentError(TextProblem(f"The {what} is not valid JSON ({error}).")) from error


def _raise_syntax(error: json.JSONDecodeError, what: str) -> Any:
    raise DocumentError(
        TextProblem(
            f"The {what} is not valid JSON: {error.msg} "
            f"at line {error.lineno}, column {error.colno}.",
            line=error.lineno,
        )
    ) from error


class _Locator:
    """Walks JSON text once, recording the line on which each value starts, by JSON path."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.line = 1
        self.lines: dict[str, int] = {}

    def _skip(self) -> None:
        text = self.text
        while self.at < len(text) and text[self.at] in " \t\r\n":
            if text[self.at] == "\n":
                self.line += 1
            self.at += 1

    def _string(self) -> str:
        start = self.at
        self.at += 1
        while self.at < len(self.text) and self.text[self.at] != '"':
            self.at += 2 if self.text[self.at] == "\\" else 1
        self.at += 1
        return json.loads(self.text[start : self.at])

    def walk(self) -> dict[str, int]:
        # An explicit stack instead of recursion: the text's depth is already capped, but a
        # walk that cannot overflow needs no argument.
        text = self.text
        stack: list[list[Any]] = []  # [kind, path, index] of each open container
        path = ""
        expect_value = True
        while True:
            if expect_value:
                self._skip()
                if self.at >= len(text):
                    return self.lines
                self.lines.setdefault(path, self.line)
                char = text[self.at]
                if char in "[{":
                    self.at += 1
                    stack.append(["array" if char == "[" else "object", path, -1])
                elif char == '"':
                    self._string()
                else:
                    while self.at < len(text) and text[self.at] not in ",]}\n\r\t ":
                        self.at += 1
                expect_value = False
            self._skip()
            if not stack or self.at >= len(text):
                return self.lines
            kind, parent, index = stack[-1]
            char = text[self.at]
            if char in "]}":
                self.at += 1
                stack.pop()
                continue
            if char == ",":
                self.at += 1
                self._skip()
            stack[-1][2] = index + 1
            if kind == "array":
                path = join_path(parent, f"[{index + 1}]")
            else:
                if self.at >= len(text) or text[self.at] != '"':
                    return self.lines
                key = self._string()
                self._skip()
                self.at += 1  # the colon
                path = join_path(parent, key)
            expect_value = True

    def start(self) -> dict[str, int]:
        self._skip()
        if self.at < len(self.text) and self.text[self.at] in "[{":
            return self.walk()
        return {"": self.line}


def line_of(text: str, path: str) -> int | None:
    """Return the line where the value at `path` (or its nearest recorded parent) starts."""
    try:
        lines = _Locator(text).start()
    except (ValueError, IndexError):
        return None
    best = ""
    for known in lines:
        if (
            path == known
            or known == ""
            or path.startswith(known + ".")
            or path.startswith(known + "[")
        ) and len(known) >= len(best):
            best = known
    return lines.get(best)
