"""The one authentication backend: django-axes' lockout check, then Django's passwords."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from iamlab.core import plain


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

    def get_user(self, user_id: Any) -> Any:
        """Return the active user with this id, or None: ModelBackend's answer, read in
        plain SQL (every request of a signed-in learner asks it; iamlab/core/plain.py)."""
        model = get_user_model()
        connection, quote = plain.reading(model)
        row = plain.fetch_one(
            connection,
            f"SELECT {plain.columns(model, 'u', connection)} "
            f"FROM {quote(model._meta.db_table)} u "
            f"WHERE u.{quote(model._meta.pk.column)} = %s",
            [model._meta.pk.get_db_prep_value(user_id, connection)],
        )
        user = plain.load(model, connection, row) if row is not None else None
        return user if user is not None and self.user_can_authenticate(user) else None
