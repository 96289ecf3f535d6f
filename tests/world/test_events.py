"""The event log: one event per call, with who, as whom, what, the decision and the effect."""

from __future__ import annotations

import json

from iamlab.world import Credentials, World
from tests.cast import arn


def test_assume_role_event(world: World, alice: Credentials) -> None:
    response = world.call(
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": arn("role", "ReportPublisher"), "RoleSessionName": "alice-publishing"},
    )
    [event] = world.events
    assert event.seq == 1
    assert event.time.isoformat() == "2026-01-05T09:00:00+00:00"
    assert (
        event.caller.principal_arn,
        event.caller.access_key_id,
        event.caller.credential_type,
    ) == (
        "arn:aws:iam::111122223333:user/alice",
        "AKIAEXAMPLEALICE0001",
        "long-term",
    )
    assert (event.service, event.operation) == ("sts", "AssumeRole")
    assert event.params == {
        "RoleArn": arn("role", "ReportPublisher"),
        "RoleSessionName": "alice-publishing",
    }
    assert (event.action, event.resource, event.decision, event.error) == (
        "sts:AssumeRole",
        arn("role", "ReportPublisher"),
        "Allowed",
        None,
    )
    assert event.explanation["denied_by"] is None
    assert event.explanation["request"]["principal"] == "arn:aws:iam::111122223333:user/alice"
    assert event.effect == {
        "session": {
            "arn": "arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing",
            "role_arn": arn("role", "ReportPublisher"),
            "access_key_id": response["Credentials"]["AccessKeyId"],
            "expiration": "2026-01-05T10:00:00+00:00",
            "source_identity": None,
        }
    }
    as_json = json.loads(json.dumps(event.as_dict()))
    assert as_json["time"] == "2026-01-05T09:00:00+00:00"
    assert as_json["caller"]["credential_type"] == "long-term"


def test_session_events_name_the_session(world: World, publisher: Credentials) -> None:
    world.call(publisher, "s3", "GetObject", {"Bucket": "example-reports", "Key": "q1.csv"})
    event = world.events[-1]
    assert event.caller.principal_arn == (
        "arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice-publishing"
    )
    assert (event.caller.credential_type, event.caller.session_name) == (
        "temporary",
        "alice-publishing",
    )
    assert event.caller.access_key_id == publisher.access_key_id


def test_long_parameters_are_shortened_in_the_log(world: World, publisher: Credentials) -> None:
    body = "x" * 10_000
    world.call(
        publisher, "s3", "PutObject", {"Bucket": "example-reports", "Key": "big", "Body": body}
    )
    assert world.events[-1].params["Body"] == "x" * 4096 + "... (10000 characters)"
    assert world.buckets["example-reports"].objects["big"].body == body


def test_replaying_the_same_calls_gives_the_same_log(iam_roles_spec: dict) -> None:
    def run() -> list[dict]:
        world = World.from_spec(iam_roles_spec)
        alice = world.credentials_for_user("111122223333", "alice")
        session = Credentials.from_response(
            world.call(
                alice,
                "sts",
                "AssumeRole",
                {"RoleArn": arn("role", "ReportPublisher"), "RoleSessionName": "s1"},
            )
        )
        world.advance(10)
        world.call(
            session, "s3", "PutObject", {"Bucket": "example-reports", "Key": "k", "Body": "v"}
        )
        world.call(alice, "lambda", "Invoke", {"FunctionName": "report-builder"})
        return [event.as_dict() for event in world.events]

    assert run() == run()
