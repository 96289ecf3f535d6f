"""The world tests' cast: the iam-roles world, alice's and carol's keys, alice's session."""

from __future__ import annotations

import pytest
from world_helpers import arn

from iamlab.world import Credentials, World
from iamlab.world.examples import ACCOUNT_ID


@pytest.fixture
def world(iam_roles_world: World) -> World:
    return iam_roles_world


@pytest.fixture
def alice(world: World) -> Credentials:
    return world.credentials_for_user(ACCOUNT_ID, "alice")


@pytest.fixture
def carol(world: World) -> Credentials:
    return world.credentials_for_user(ACCOUNT_ID, "carol")


@pytest.fixture
def publisher(world: World, alice: Credentials) -> Credentials:
    """Alice's session as ReportPublisher."""
    response = world.call(
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": arn("role", "ReportPublisher"), "RoleSessionName": "alice-publishing"},
    )
    return Credentials.from_response(response)
