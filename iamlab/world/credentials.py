"""The credentials a caller presents with a request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Credentials:
    """An access key id and secret, plus a session token for temporary credentials."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None

    @classmethod
    def from_response(cls, response: dict[str, Any]) -> Credentials:
        """Take the `Credentials` of an STS response (AssumeRole, GetSessionToken, ...)."""
        issued = response["Credentials"]
        return cls(issued["AccessKeyId"], issued["SecretAccessKey"], issued["SessionToken"])

    def __repr__(self) -> str:
        # Keep secrets out of logs and tracebacks.
        token = ", session_token=..." if self.session_token else ""
        return f"Credentials(access_key_id={self.access_key_id!r}{token})"
