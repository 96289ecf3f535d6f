"""Bad input never crashes the world: a bad spec is a WorldSpecError, a bad call an AwsError."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamlab.world import AwsError, Credentials, World, WorldSpecError
from iamlab.world.examples import ACCOUNT_ID, iam_roles_spec
from iamlab.world.operations import operations

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


SPEC_PATHS = _paths(iam_roles_spec())[1:]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SPEC_PATHS), json_values)
def test_a_damaged_spec_is_reported_never_crashes(path: tuple, replacement: object) -> None:
    spec = iam_roles_spec()
    target = spec
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = replacement
    try:
        World.from_spec(spec)
    except WorldSpecError as error:
        assert error.problems
        assert all(
            isinstance(problem.message, str) and problem.message for problem in error.problems
        )


OPERATIONS = sorted(operations())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(OPERATIONS),
    st.dictionaries(
        st.sampled_from(
            [
                "RoleArn",
                "RoleSessionName",
                "DurationSeconds",
                "Policy",
                "PolicyArns",
                "Tags",
                "TransitiveTagKeys",
                "Bucket",
                "Key",
                "Body",
                "FunctionName",
                "Role",
                "RoleName",
                "PolicyDocument",
                "PolicyArn",
                "UserName",
                "PolicyName",
                "WebIdentityToken",
                "SAMLAssertion",
                "PrincipalArn",
                "SerialNumber",
                "TokenCode",
                "Name",
                "AssumeRolePolicyDocument",
                "Prefix",
                "MaxKeys",
            ]
        ),
        json_values,
        max_size=4,
    ),
    st.sampled_from(["alice", "carol", None]),
)
def test_any_call_gives_a_response_or_an_aws_error(
    operation: tuple[str, str], params: dict, who: str | None
) -> None:
    world = World.from_spec(iam_roles_spec())
    credentials: Credentials | None = (
        world.credentials_for_user(ACCOUNT_ID, who) if who is not None else None
    )
    before = len(world.events)
    try:
        response = world.call(credentials, operation[0], operation[1], params)
    except AwsError as error:
        assert error.code and error.message and error.status in (400, 403, 404, 409, 413, 500)
        assert error.status != 500, error.message
    else:
        json.dumps(response)
    assert len(world.events) > before
    json.dumps([event.as_dict() for event in world.events])
