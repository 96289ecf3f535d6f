"""Amazon Resource Names: splitting them into their six components."""

from __future__ import annotations

import re
from typing import NamedTuple

ACCOUNT_ID = re.compile(r"\d{12}")


class Arn(NamedTuple):
    """An ARN's components: arn:partition:service:region:account:resource.

    A named tuple rather than a frozen dataclass: every request splits its resource ARN, and a
    tuple is made several times faster (bench/engine.py).
    """

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def text(self) -> str:
        """Return the ARN as a string."""
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse_arn(text: str) -> Arn | None:
    """Split an ARN into components, or return None when `text` is not an ARN."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def is_account_id(text: str) -> bool:
    """Say whether `text` is a 12-digit AWS account ID."""
    return ACCOUNT_ID.fullmatch(text) is not None
