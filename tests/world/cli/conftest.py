"""The console tests' cast: a console over the shared iam-roles world of tests/conftest.py."""

from __future__ import annotations

import pytest

from iamlab.world import World
from iamlab.world.cli import Console


@pytest.fixture
def world(iam_roles_world: World) -> World:
    """Give the fresh iam-roles world (alice, carol and the roles of the curriculum)."""
    return iam_roles_world


@pytest.fixture
def console(world: World) -> Console:
    """Open a console over the fresh world."""
    return Console(world)
