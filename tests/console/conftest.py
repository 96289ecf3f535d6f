"""The console app's test cast: the built-in scenarios loaded through the instructor's loader."""

from __future__ import annotations

import pytest

from iamlab.scenarios.loading import load_fixtures
from iamlab.scenarios.models import Scenario
from tests.cast import FIXTURES


@pytest.fixture(autouse=True)
def fresh_cache(clean_cache: None) -> None:
    """Every console test starts and ends with an empty cache."""


@pytest.fixture
def cross_account(db: None) -> Scenario:
    assert load_fixtures([FIXTURES / "cross-account-external-id.json"]).problems == []
    return Scenario.objects.get(slug="cross-account-external-id")
