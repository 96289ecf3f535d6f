"""Errors the world raises: a bad spec, and AWS's own errors."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a world spec, at a JSON path."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class WorldSpecError(ValueError):
    """A world spec that cannot be built; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"The world spec has {len(problems)} problem(s):\n{lines}")


class AwsError(Exception):
    """An error response from a simulated AWS API, worded as AWS words it."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        self.code = code
        self.message = message
        self.status = status
        super().__init__(f"{code}: {message}")

    def as_dict(self) -> dict[str, str]:
        """Return the `{"code", "message"}` form the event log stores."""
        return {"code": self.code, "message": self.message}


def validation_error(value: object, member: str, constraint: str) -> AwsError:
    """Return AWS's one-constraint ValidationError for a request parameter."""
    shown = "null" if value is None else f"'{value}'"
    return AwsError(
        "ValidationError",
        f"1 validation error detected: Value {shown} at '{member}' failed to satisfy "
        f"constraint: Member must {constraint}",
        400,
    )
