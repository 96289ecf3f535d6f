"""How passwords are stored: Argon2id at OWASP's minimum, older hashes upgraded at sign-in."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.hashers import make_password
from django.test import RequestFactory

from iamlab import settings as project_settings

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def real_hashers(settings: object) -> None:
    """The project's hashers (the suite otherwise hashes with MD5, for speed)."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # type: ignore[attr-defined]


def test_a_new_password_is_stored_with_argon2id_19_mib_2_iterations_1_lane(
    real_hashers: None,
) -> None:
    learner = get_user_model().objects.create_user("learner", password=PASSWORD)

    algorithm, variant, version, parameters, _salt, _hash = learner.password.split("$")
    assert (algorithm, variant, version, parameters) == (
        "argon2",
        "argon2id",
        "v=19",
        "m=19456,t=2,p=1",
    )
    assert learner.check_password(PASSWORD)
    assert not learner.check_password(PASSWORD + "x")


def test_a_password_stored_with_pbkdf2_still_signs_in_and_is_rehashed(
    real_hashers: None, rf: RequestFactory
) -> None:
    stored = make_password(PASSWORD, hasher="pbkdf2_sha256")
    learner = get_user_model().objects.create(username="older", password=stored)

    assert authenticate(rf.post("/accounts/login/"), username="older", password=PASSWORD) == learner

    learner.refresh_from_db()
    assert learner.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
