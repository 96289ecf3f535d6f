"""The console app's test cast: the built-in scenarios loaded through the instructor's loader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from iamlab.scenarios.loading import load_fixtures
from iamlab.scenarios.models import Scenario

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"


@pytest.fixture(autouse=True)
def clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def iam_roles(db: None) -> Scenario:
    assert load_fixtures([FIXTURES / "iam-roles.json"]).problems == []
    return Scenario.objects.get(slug="iam-roles")


@pytest.fixture
def cross_account(db: None) -> Scenario:
    assert load_fixtures([FIXTURES / "cross-account-external-id.json"]).problems == []
    return Scenario.objects.get(slug="cross-account-external-id")
