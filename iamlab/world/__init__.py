"""The simulated AWS world: identities, STS, IAM, S3 and Lambda over a simulated clock."""

from __future__ import annotations

from iamlab.world.credentials import Credentials
from iamlab.world.errors import AwsError, Problem, WorldSpecError
from iamlab.world.events import Check, Event, EventCaller
from iamlab.world.world import World

__all__ = [
    "AwsError",
    "Check",
    "Credentials",
    "Event",
    "EventCaller",
    "Problem",
    "World",
    "WorldSpecError",
]
