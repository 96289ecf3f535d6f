"""The session store: Django's database sessions, read in plain SQL.

Every request of a signed-in or anonymous learner reads its session; the ORM would spend
more building and compiling that one-row query than the database spends answering it
(iamlab/core/plain.py). Writing, expiry and `clearsessions` are Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from iamlab.core import plain


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        model = self.model
        connection, quote = plain.reading(model)
        row = plain.fetch_one(
            connection,
            f"SELECT {plain.columns(model, 's', connection)} "
            f"FROM {quote(model._meta.db_table)} s "
            f"WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s",
            [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        if row is None:
            self._session_key = None  # as Django's store: a missing session starts afresh
            return None
        return plain.load(model, connection, row)
