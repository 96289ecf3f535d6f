"""Split one console line into words the way a POSIX shell would, without running anything.

The console is a simulated shell: quoting, `$NAME` expansion of the console's own variables,
`NAME=value` assignments and `>`/`>>` redirection to the console's virtual files work as in
bash. Anything that would make a real shell run code (command substitution, pipes, lists,
subshells, background jobs) is refused with a one-line error instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_LINE_CHARS = 20_000
MAX_WORDS = 500
NAME_START = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
NAME_CHARS = NAME_START + "0123456789"
# Characters a real shell treats as operators; here each one is refused with its reason.
REFUSED_OPERATORS = {
    "|": "pipes (|) are not supported in this simulated shell: run one command per line "
    "(aws --query picks fields out of a response)",
    ";": "command lists (;) are not supported in this simulated shell: run one command per line",
    "&": "background jobs and && are not supported in this simulated shell: "
    "run one command per line",
    "<": "input redirection (<) is not supported in this simulated shell",
    "(": "subshells are not supported in this simulated shell",
    ")": "subshells are not supported in this simulated shell",
}


class ShellSyntaxError(Exception):
    """A line the simulated shell cannot parse; the message is bash-like and one line."""


@dataclass
class Word:
    """One word after quote removal and expansion."""

    text: str
    # The length of a leading unquoted `NAME=` prefix, or 0: only such words are assignments.
    assignment_prefix: int = 0


@dataclass
class Redirect:
    """Standard output sent to a virtual file: `>` overwrites it, `>>` appends."""

    path: str
    append: bool


@dataclass
class ParsedLine:
    """A line split into words, with the standard-output redirection if it had one."""

    words: list[Word] = field(default_factory=list)
    redirect: Redirect | None = None


def is_valid_name(text: str) -> bool:
    """Return whether `text` is a valid shell variable name."""
    return bool(text) and text[0] in NAME_START and all(char in NAME_CHARS for char in text)


class _Builder:
    """Accumulate one word's characters and remember whether any part was quoted."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.quoted = False
        self.started = False
        # Index where quoting or an expansion first appeared; an assignment prefix must
        # lie entirely before it.
        self.first_non_literal: int | None = None

    def add_literal(self, text: str) -> None:
        self.started = True
        self.chars.extend(text)

    def mark_non_literal(self) -> None:
        self.started = True
        if self.first_non_literal is None:
            self.first_non_literal = len(self.chars)

    def word(self) -> Word | None:
        text = "".join(self.chars)
        if not text and not self.quoted:
            # An unquoted expansion of an empty or unset variable vanishes, as in bash.
            return None
        limit = len(text) if self.first_non_literal is None else self.first_non_literal
        equals = text.find("=", 0, limit)
        prefix = equals + 1 if equals > 0 and is_valid_name(text[:equals]) else 0
        return Word(text, prefix)


def parse_line(line: str, variables: Mapping[str, str], last_exit_code: int = 0) -> ParsedLine:
    """Split `line` into words, expanding `$NAME` from `variables`; raise ShellSyntaxError."""
    if len(line) > MAX_LINE_CHARS:
        raise ShellSyntaxError(
            f"bash: line too long: {len(line)} characters (this console accepts at most "
            f"{MAX_LINE_CHARS})"
        )
    for char in line:
        if char in "\r\n":
            raise ShellSyntaxError("bash: type one command per line (the line had a line break)")
        if (ord(char) < 32 and char != "\t") or ord(char) == 127:
            raise ShellSyntaxError(
                f"bash: the line contains the control character U+{ord(char):04X}; "
                "remove it and try again"
            )
    parsed = ParsedLine()
    builder = _Builder()
    pending_redirect: bool | None = None  # the `append` flag of a `>`/`>>` waiting for its file
    i = 0
    length = len(line)

    def finish_word() -> None:
        nonlocal builder, pending_redirect
        if not builder.started:
            return
        word = builder.word()
        builder = _Builder()
        if word is None:
            if pending_redirect is not None:
                raise ShellSyntaxError("bash: ambiguous redirect")
            return
        if pending_redirect is not None:
            if parsed.redirect is not None:
                raise ShellSyntaxError("bash: only one output redirection per command is supported")
            parsed.redirect = Redirect(word.text, pending_redirect)
            pending_redirect = None
            return
        if len(parsed.words) >= MAX_WORDS:
            raise ShellSyntaxError(
                f"bash: too many words: this console accepts at most {MAX_WORDS}"
            )
        parsed.words.append(word)

    while i < length:
        char = line[i]
        if char in " \t":
            finish_word()
            i += 1
        elif char == "#" and not builder.started:
            break
        elif char == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError("bash: unexpected EOF while looking for matching `''")
            builder.mark_non_literal()
            builder.quoted = True
            builder.add_literal(line[i + 1 : end])
            i = end + 1
        elif char == '"':
            builder.mark_non_literal()
            builder.quoted = True
            i = _double_quoted(line, i + 1, builder, variables, last_exit_code)
        elif char == "\\":
            if i + 1 >= length:
                i += 1  # a trailing backslash would continue the line; there is no next line
                continue
            builder.mark_non_literal()
            builder.add_literal(line[i + 1])
            i += 2
        elif char == "$":
            i = _dollar(line, i, builder, variables, last_exit_code)
        elif char == "`":
            raise ShellSyntaxError(
                "bash: command substitution (`...`) is not supported in this simulated shell: "
                "run the command on its own line and copy what it prints"
            )
        elif char == ">":
            if builder.started and "".join(builder.chars) in {"1", "2"} and not builder.quoted:
                if builder.chars == ["2"]:
                    raise ShellSyntaxError(
                        "bash: only standard output can be redirected in this simulated shell "
                        "(> FILE or >> FILE)"
                    )
                builder = _Builder()  # `1>` is the same as `>`
            finish_word()
            if pending_redirect is not None:
                raise ShellSyntaxError("bash: syntax error near unexpected token `>'")
            append = line.startswith(">>", i)
            i += 2 if append else 1
            if i < length and line[i] in "&|":
                raise ShellSyntaxError(
                    f"bash: `>{line[i]}' redirection is not supported in this simulated shell"
                )
            pending_redirect = append
        elif char in REFUSED_OPERATORS:
            raise ShellSyntaxError(f"bash: {REFUSED_OPERATORS[char]}")
        else:
            builder.add_literal(char)
            i += 1
    finish_word()
    if pending_redirect is not None:
        raise ShellSyntaxError("bash: syntax error near unexpected token `newline'")
    return parsed


def _double_quoted(
    line: str, i: int, builder: _Builder, variables: Mapping[str, str], last_exit_code: int
) -> int:
    """Read a double-quoted string starting after its opening quote; return the next index."""
    length = len(line)
    while i < length:
        char = line[i]
        if char == '"':
            return i + 1
        if char == "\\" and i + 1 < length and line[i + 1] in '"\\$`':
            builder.add_literal(line[i + 1])
            i += 2
        elif char == "$":
            i = _dollar(line, i, builder, variables, last_exit_code)
        elif char == "`":
            raise ShellSyntaxError(
                "bash: command substitution (`...`) is not supported in this simulated shell: "
                "run the command on its own line and copy what it prints"
            )
        else:
            builder.add_literal(char)
            i += 1
    raise ShellSyntaxError("bash: unexpected EOF while looking for matching `\"'")


def _dollar(
    line: str, i: int, builder: _Builder, variables: Mapping[str, str], last_exit_code: int
) -> int:
    """Expand the `$...` at index `i`; return the index after it."""
    length = len(line)
    nxt = line[i + 1] if i + 1 < length else ""
    if nxt == "(":
        raise ShellSyntaxError(
            "bash: command substitution $(...) is not supported in this simulated shell: "
            "run the command on its own line and copy what it prints"
        )
    if nxt == "?":
        builder.mark_non_literal()
        builder.add_literal(str(last_exit_code))
        return i + 2
    if nxt == "{":
        end = line.find("}", i + 2)
        if end < 0:
            raise ShellSyntaxError("bash: unexpected EOF while looking for matching `}'")
        name = line[i + 2 : end]
        if not is_valid_name(name):
            raise ShellSyntaxError(
                f"bash: ${{{name}}}: bad substitution (this simulated shell expands "
                "only plain ${NAME})"
            )
        builder.mark_non_literal()
        builder.add_literal(variables.get(name, ""))
        return end + 1
    if nxt and nxt in NAME_START:
        end = i + 1
        while end < length and line[end] in NAME_CHARS:
            end += 1
        builder.mark_non_literal()
        builder.add_literal(variables.get(line[i + 1 : end], ""))
        return end
    builder.add_literal("$")
    return i + 1
