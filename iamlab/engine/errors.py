"""The error the engine reports for a bad policy or a bad simulation document."""

from __future__ import annotations

MALFORMED_POLICY = "MalformedPolicyDocument"
INVALID_SIMULATION = "InvalidSimulation"


class EngineInputError(Exception):
    """A problem with the input, located by a JSON path; never escapes the public API."""

    def __init__(self, path: str, message: str, code: str = MALFORMED_POLICY) -> None:
        super().__init__(message)
        self.code = code
        self.path = path
        self.message = message

    def as_dict(self) -> dict[str, str]:
        """Return the error in the contract's shape."""
        return {"code": self.code, "path": self.path, "message": self.message}


def join_path(prefix: str, child: str) -> str:
    """Append `child` (a key or an `[index]`) to a JSON path."""
    if not prefix:
        return child
    if not child:
        return prefix
    if child.startswith("["):
        return prefix + child
    return f"{prefix}.{child}"


def describe_type(value: object) -> str:
    """Name a JSON value's type the way a student would read it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
