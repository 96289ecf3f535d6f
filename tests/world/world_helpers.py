"""Helpers for the world's tests: ARNs, policy text, and a call that must fail."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamlab.world import AwsError, Credentials, World
from iamlab.world.examples import ACCOUNT_ID


def arn(kind: str, name: str) -> str:
    """Return an IAM ARN in the iam-roles account."""
    return f"arn:aws:iam::{ACCOUNT_ID}:{kind}/{name}"


def policy_json(*statements: dict[str, Any]) -> str:
    """Return a policy document as the JSON text the API takes."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def fails(
    world: World, credentials: Credentials | None, service: str, operation: str, params: dict
) -> AwsError:
    """Make a call that must fail; return the error."""
    with pytest.raises(AwsError) as caught:
        world.call(credentials, service, operation, params)
    return caught.value
