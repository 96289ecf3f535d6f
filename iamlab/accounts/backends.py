"""The one authentication backend: django-axes' lockout check, then Django's passwords."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class RateLimitedModelBackend(AxesStandaloneBackend, ModelBackend):
    """Check the sign-in rate limit, then the password.

    One backend rather than django-axes' usual two: with a single backend Django's
    `login(request, user)` needs no `backend` argument, wherever it is called.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        # Raises PermissionDenied while the account or address is locked out (and when
        # there is no request to count by); returns None otherwise.
        AxesStandaloneBackend.authenticate(self, request, username, password, **kwargs)
        return ModelBackend.authenticate(self, request, username, password, **kwargs)
