"""Fixtures for the diagrams tests: a clean cache and a counter of dot runs."""

from __future__ import annotations

import pytest

from iamlab.diagrams import render
from tests.diagrams.dot_runs import DotRuns


@pytest.fixture(autouse=True)
def fresh_cache(clean_cache: None) -> None:
    """Every diagrams test starts and ends with an empty cache."""


@pytest.fixture
def dot_runs(monkeypatch: pytest.MonkeyPatch) -> DotRuns:
    runs = DotRuns()
    monkeypatch.setattr(render.subprocess, "run", runs)
    return runs
