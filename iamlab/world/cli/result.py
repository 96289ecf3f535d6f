"""What running one console line gives back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandResult:
    """The exit status and the text a command wrote to standard output and standard error."""

    exit_code: int
    stdout: str
    stderr: str
