"""Fixtures for the diagrams tests: a clean cache and a counter of dot runs."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from iamlab.diagrams import render


@pytest.fixture(autouse=True)
def clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


class DotRuns:
    """Counts how many times the renderer starts `dot`, still running it for real."""

    def __init__(self) -> None:
        self.count = 0
        self.real_run = subprocess.run

    def __call__(self, *args: Any, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.count += 1
        return self.real_run(*args, **kwargs)


@pytest.fixture
def dot_runs(monkeypatch: pytest.MonkeyPatch) -> DotRuns:
    runs = DotRuns()
    monkeypatch.setattr(render.subprocess, "run", runs)
    return runs
