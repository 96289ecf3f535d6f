"""The operations the world answers, by service, with their parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from iamlab.world.errors import AwsError

if TYPE_CHECKING:
    from iamlab.world.request import Request

Handler = Callable[["Request"], dict[str, Any]]

SERVICE_VERSIONS = {
    "sts": "2011-06-15",
    "iam": "2010-05-08",
    "s3": "2006-03-01",
    "lambda": "2015-03-31",
}


@dataclass(frozen=True)
class Operation:
    """One API operation: its handler, the parameters it takes, whether it must be signed."""

    service: str
    name: str
    handler: Handler
    params: tuple[str, ...]
    signed: bool = True


_REGISTRY: dict[tuple[str, str], Operation] = {}


def operation(
    service: str, name: str, params: tuple[str, ...] = (), *, signed: bool = True
) -> Callable[[Handler], Handler]:
    """Register a handler as the world's implementation of an operation.

    world.py imports the service modules, so every operation is registered once the
    `iamlab.world` package is imported.
    """

    def register(handler: Handler) -> Handler:
        _REGISTRY[(service, name)] = Operation(service, name, handler, params, signed)
        return handler

    return register


def operations() -> dict[tuple[str, str], Operation]:
    """Return every operation the world knows."""
    return dict(_REGISTRY)


def find_operation(service: object, name: object) -> Operation:
    """Return an operation, or raise the error AWS gives for an unknown one."""
    if not isinstance(service, str) or service not in SERVICE_VERSIONS:
        known = ", ".join(sorted(SERVICE_VERSIONS))
        raise AwsError(
            "UnknownService", f"The world has no service {service!r}; it has {known}.", 400
        )
    found = _REGISTRY.get((service, name)) if isinstance(name, str) else None
    if found is None:
        raise AwsError(
            "InvalidAction",
            f"Could not find operation {name} for version {SERVICE_VERSIONS[service]}",
            400,
        )
    return found


def known_operation(service: str, name: str) -> str | None:
    """Return what is wrong with a service and operation name, or None."""
    try:
        find_operation(service, name)
    except AwsError as error:
        return error.message
    return None
