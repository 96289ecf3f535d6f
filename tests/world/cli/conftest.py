"""The console tests' cast: the iam-roles world (alice, carol and the roles of the curriculum)."""

from __future__ import annotations

import pytest

from iamlab.world import World
from iamlab.world.cli import Console
from iamlab.world.examples import iam_roles_spec


@pytest.fixture
def world() -> World:
    """Build a fresh iam-roles world."""
    return World.from_spec(iam_roles_spec())


@pytest.fixture
def console(world: World) -> Console:
    """Open a console over the fresh world."""
    return Console(world)
