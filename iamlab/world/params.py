"""Check request parameters the way AWS's services do, collecting every violation."""

from __future__ import annotations

import re
from typing import Any

from iamlab.world.errors import AwsError
from iamlab.world.names import IAM_NAME, IAM_PATH

# AWS's \w in its API patterns means ASCII letters, digits and underscore.
SESSION_NAME = re.compile(r"[A-Za-z0-9_+=,.@-]*")
EXTERNAL_ID = re.compile(r"[A-Za-z0-9_+=,.@:/-]*")
SERIAL_NUMBER = re.compile(r"[A-Za-z0-9_+=/:,.@-]*")
DIGITS = re.compile(r"\d*")
POLICY_CHARS = re.compile(r"[\t\n\r\x20-\xff]+")
ACCESS_KEY_CHARS = re.compile(r"[A-Za-z0-9_]*")

# The pattern strings AWS prints in its ValidationError messages.
PATTERN_TEXT = {
    SESSION_NAME: r"[\w+=,.@-]*",
    EXTERNAL_ID: r"[\w+=,.@:\/-]*",
    SERIAL_NUMBER: r"[\w+=/:,.@-]*",
    DIGITS: r"[\d]*",
    IAM_NAME: r"[\w+=,.@-]+",
    IAM_PATH: r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)",
    POLICY_CHARS: r"[\u0009\u000A\u000D\u0020-\u00FF]+",
}


class ParamChecker:
    """Reads typed parameters from a request, gathering AWS-style validation errors."""

    def __init__(self, params: dict[str, Any], error_code: str = "ValidationError") -> None:
        self.params = params
        self.errors: list[str] = []
        self.error_code = error_code

    def _member(self, name: str) -> str:
        return name[0].lower() + name[1:]

    def _fail(self, value: object, name: str, constraint: str) -> None:
        shown = "null" if value is None else f"'{_short(value)}'"
        self.errors.append(
            f"Value {shown} at '{self._member(name)}' failed to satisfy constraint: "
            f"Member must {constraint}"
        )

    def string(
        self,
        name: str,
        *,
        required: bool = False,
        min_length: int = 0,
        max_length: int | None = None,
        pattern: re.Pattern[str] | None = None,
    ) -> str | None:
        value = self.params.get(name)
        if value is None:
            if required:
                self._fail(None, name, "not be null")
            return None
        if not isinstance(value, str):
            self._fail(value, name, "be a string")
            return None
        if len(value) < min_length:
            self._fail(value, name, f"have length greater than or equal to {min_length}")
        elif max_length is not None and len(value) > max_length:
            self._fail(value, name, f"have length less than or equal to {max_length}")
        elif pattern is not None and not pattern.fullmatch(value):
            self._fail(value, name, f"satisfy regular expression pattern: {PATTERN_TEXT[pattern]}")
        return value

    def integer(
        self, name: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        value = self.params.get(name)
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"-?\d{1,12}", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self._fail(value, name, "be a whole number")
            return None
        if minimum is not None and value < minimum:
            self._fail(value, name, f"have value greater than or equal to {minimum}")
        elif maximum is not None and value > maximum:
            self._fail(value, name, f"have value less than or equal to {maximum}")
        return value

    def string_list(self, name: str, *, max_items: int, item_max: int | None = None) -> list[str]:
        value = self.params.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self._fail(value, name, "be a list of strings")
            return []
        if len(value) > max_items:
            self._fail(value, name, f"have length less than or equal to {max_items}")
        if item_max is not None:
            for item in value:
                if not 1 <= len(item) <= item_max:
                    self._fail(item, name, f"have length less than or equal to {item_max}")
        return value

    def raise_if_any(self) -> None:
        """Raise one ValidationError listing every violation found."""
        if not self.errors:
            return
        count = len(self.errors)
        noun = "error" if count == 1 else "errors"
        raise AwsError(
            self.error_code, f"{count} validation {noun} detected: " + "; ".join(self.errors), 400
        )


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "..."
