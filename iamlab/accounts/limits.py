"""Sign-in rate limits, through django-axes: per account, and per address.

django-axes counts failed sign-ins (on our sign-in page and the admin's) per account and
per address, and compares the larger count with one limit. A classroom often shares one
address behind its router, so the address needs a higher limit than an account; the limit
given to django-axes is therefore the account's while the account's own failures have
reached it, and the address's otherwise. Either way the sign-in is refused with our page
(templates/registration/locked_out.html) until the cool-off has passed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _failures(attempts: Any) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """Return the limit django-axes compares the failures of this sign-in with."""
    from axes.handlers.proxy import AxesProxyHandler

    # One queryset per AXES_LOCKOUT_PARAMETERS entry: ["username", "ip_address"].
    by_account, _by_address = AxesProxyHandler.get_implementation().get_user_attempts(
        request, credentials
    )
    if _failures(by_account) >= settings.SIGN_IN_FAILURES_PER_ACCOUNT:
        return settings.SIGN_IN_FAILURES_PER_ACCOUNT
    return settings.SIGN_IN_FAILURES_PER_ADDRESS


def client_address(request: HttpRequest) -> str:
    """Return the browser's address: the proxy's last X-Forwarded-For hop behind a proxy."""
    if settings.BEHIND_PROXY:
        # The proxy appends the address it saw; anything before it the browser could forge.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1][:45]
    return request.META.get("REMOTE_ADDR", "")


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """Refuse a sign-in while its account or address is locked, saying for how long."""
    from axes.helpers import get_client_username

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"username": get_client_username(request, credentials) or "", "minutes": minutes},
        status=429,
    )
