"""The session store and the user lookup read in plain SQL, and behave as Django's own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from iamlab.accounts.backends import RateLimitedModelBackend
from iamlab.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_site_uses_the_plain_session_store() -> None:
    assert settings.SESSION_ENGINE == "iamlab.accounts.sessions"


def test_a_stored_session_reads_back_with_its_data() -> None:
    store = SessionStore()
    store["recent"] = ["aws sts get-caller-identity", 3]
    store.create()

    again = SessionStore(store.session_key)

    assert again["recent"] == ["aws sts get-caller-identity", 3]
    assert again.session_key == store.session_key


def test_an_expired_or_unknown_session_reads_empty_and_gets_a_new_key() -> None:
    store = SessionStore()
    store["who"] = "ana"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # as Django's store: the key is not reused

    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


def test_the_signed_in_user_reads_as_the_orm_reads_them(django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("ana", password="a-long-pass-phrase")
    backend = RateLimitedModelBackend()

    found = backend.get_user(user.pk)

    orm = django_user_model.objects.get(pk=user.pk)
    assert found is not None
    assert {f.attname: getattr(found, f.attname) for f in orm._meta.concrete_fields} == {
        f.attname: getattr(orm, f.attname) for f in orm._meta.concrete_fields
    }
    assert backend.get_user(user.pk + 1000) is None
    django_user_model.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None


def test_a_deactivated_account_is_signed_out_at_its_next_request(django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("ana", password="a-long-pass-phrase")
    client = Client()
    client.force_login(user)
    assert "Signed in as <strong>ana</strong>" in client.get("/lessons/").content.decode()

    django_user_model.objects.filter(pk=user.pk).update(is_active=False)

    page = client.get("/lessons/").content.decode()
    assert "Signed in as" not in page
    assert '<a href="/accounts/login/?next=/lessons/">Sign in</a>' in page
