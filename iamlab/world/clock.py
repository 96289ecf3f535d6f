"""The world's simulated clock: it moves only when told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600


class Clock:
    """Simulated UTC time, starting at a fixed instant."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the current simulated time."""
        return self._now

    def advance(self, seconds: int) -> None:
        """Move the clock forward by a whole number of seconds."""
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise ValueError("advance() takes a whole number of seconds")
        if seconds < 0:
            raise ValueError("The clock only moves forward: seconds must be 0 or more")
        if seconds > MAX_ADVANCE_SECONDS:
            raise ValueError(f"The clock moves at most {MAX_ADVANCE_SECONDS} seconds at once")
        self._now += timedelta(seconds=seconds)


def iso(moment: datetime) -> str:
    """Format an instant as the AWS CLI prints timestamps (`2026-01-05T10:00:00+00:00`)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def iso_z(moment: datetime) -> str:
    """Format an instant as condition keys carry it (`2026-01-05T10:00:00Z`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime | None:
    """Parse an ISO 8601 UTC instant with a Z or +00:00 suffix; None when it is not one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    candidate = text[:-1] + "+00:00" if text.endswith("Z") else text
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() != timedelta(0) or moment.microsecond:
        return None
    return moment.astimezone(UTC)
