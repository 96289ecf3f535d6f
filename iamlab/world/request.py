"""One call in progress: who asks, what, and the checks made so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from iamlab.world.authz import Context, access_denied_message, authorize, request_context
from iamlab.world.callers import Caller
from iamlab.world.entities import Document
from iamlab.world.errors import AwsError
from iamlab.world.events import Check, Event
from iamlab.world.state import WorldState

# World.call: the front door a request uses for the calls it makes in turn (the calls a
# Lambda function makes), so that they are resolved, authorized and logged like any other.
CallWorld = Callable[..., dict[str, Any]]


@dataclass
class Request:
    """One call in progress: who asks, what, and the checks made so far."""

    world: WorldState
    service: str
    operation: str
    params: dict[str, Any]
    caller: Caller
    event: Event
    call_world: CallWorld

    def authorize(
        self,
        action: str,
        resource: str,
        *,
        resource_account: str | None,
        resource_policy: Document | None = None,
        context: Context | None = None,
        extra_context: Context | None = None,
    ) -> Check:
        """Ask the engine, record the check on the event, and return it."""
        if context is None:
            context = request_context(self.world, self.caller)
        if extra_context:
            context = {**context, **extra_context}
        check = authorize(
            self.world,
            self.caller,
            action,
            resource,
            resource_account=resource_account,
            resource_policy=resource_policy,
            context=context,
        )
        self.event.checks.append(check)
        return check

    def require(
        self,
        check: Check,
        *,
        legacy: bool = False,
        code: str = "AccessDenied",
        message: str | None = None,
    ) -> None:
        """Raise AccessDenied (in the service's wording) unless the check allowed."""
        if check.decision == "Allowed":
            return
        raise AwsError(
            code, message or access_denied_message(self.caller, check, legacy=legacy), 403
        )
