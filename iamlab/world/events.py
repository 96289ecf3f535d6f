"""The world's event log: one entry per call, with who, as whom, what, and the decision."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from iamlab.world.clock import iso


@dataclass
class EventCaller:
    """Who made a call, and with which credentials."""

    principal_arn: str | None
    access_key_id: str | None
    credential_type: str  # long-term | temporary | service | anonymous
    source_identity: str | None = None
    session_name: str | None = None


@dataclass
class Check:
    """One authorization the call needed (a call may need several: AssumeRole + TagSession)."""

    action: str
    resource: str
    decision: str
    explanation: dict[str, Any] | None


@dataclass
class Event:
    """One call to the world, as the log records it."""

    seq: int
    time: datetime
    caller: EventCaller
    service: str
    operation: str
    params: dict[str, Any]
    action: str | None = None
    resource: str | None = None
    decision: str | None = None
    explanation: dict[str, Any] | None = None
    error: dict[str, str] | None = None
    effect: dict[str, Any] | None = None
    # Every authorization made for the call, in order; action/decision above is the one that
    # decided the outcome (the first denial, else the call's own action).
    checks: list[Check] = field(default_factory=list)
    # The seq of the call this one was made on behalf of (a Lambda function's calls point to
    # the Invoke that ran them).
    parent_seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the event as plain JSON (time as ISO 8601)."""
        data = asdict(self)
        data["time"] = iso(self.time)
        return data
