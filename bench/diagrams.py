"""Benchmark the diagrams: building DOT, the first render through dot, and a cached render.

Run: .venv/bin/python bench/diagrams.py

For the iam-roles world and a generated world of 200 principals (4 accounts of 38 users
and 12 roles each), it prints, per diagram, the milliseconds to build the diagram (for the
trust graph this is the engine's simulations), to render it the first time (`dot` run,
SVG made safe, stored in the cache) and to render it again (a cache hit). The goals:
cached under 2 ms; first render of the iam-roles trust graph under 150 ms.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamlab.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402

from iamlab.diagrams.evaluation import evaluation_flow  # noqa: E402
from iamlab.diagrams.graph import Diagram, to_dot  # noqa: E402
from iamlab.diagrams.render import render_svg  # noqa: E402
from iamlab.diagrams.sessions import session_graph  # noqa: E402
from iamlab.diagrams.trust import trust_graph  # noqa: E402
from iamlab.diagrams.trust_analysis import analyse_trust  # noqa: E402
from iamlab.diagrams.worlds import cached_trust_graph  # noqa: E402
from iamlab.world import AwsError, World  # noqa: E402
from iamlab.world.credentials import Credentials  # noqa: E402
from iamlab.world.examples import iam_roles_spec  # noqa: E402

ACCOUNTS = ["111122223333", "222233334444", "333344445555", "444455556666"]
USERS_PER_ACCOUNT = 38
ROLES_PER_ACCOUNT = 12
CACHED_REPEATS = 200
FIRST_REPEATS = 5


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _trust(principal: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return _policy({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra})


def large_spec() -> dict[str, Any]:
    """Return a world of 200 principals whose trust policies use every pattern we draw."""
    accounts = []
    for index, account_id in enumerate(ACCOUNTS):
        partner = ACCOUNTS[(index + 1) % len(ACCOUNTS)]

        def role_arn(name: str, account: str = account_id) -> str:
            return f"arn:aws:iam::{account}:role/{name}"

        def user_arn(number: int, account: str = account_id) -> str:
            return f"arn:aws:iam::{account}:user/user{number:02d}"

        roles = [
            {
                "name": f"team-{team}",
                "trust_policy": _trust({"AWS": [user_arn(team * 6 + k) for k in range(6)]}),
                "inline_policies": [
                    {
                        "name": "Work",
                        "document": _policy(
                            {
                                "Effect": "Allow",
                                "Action": ["s3:GetObject", "s3:PutObject"],
                                "Resource": "*",
                            },
                            {
                                "Effect": "Allow",
                                "Action": "sts:AssumeRole",
                                "Resource": role_arn("chained"),
                            },
                        ),
                    }
                ],
            }
            for team in range(5)
        ]
        roles += [
            {"name": "readers", "trust_policy": _trust({"AWS": account_id})},
            {
                "name": "auditors",
                "trust_policy": _trust(
                    {"AWS": account_id},
                    Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                ),
                "managed_policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            },
            {
                "name": "partner",
                "trust_policy": _trust(
                    {"AWS": partner}, Condition={"StringEquals": {"sts:ExternalId": "x-" + partner}}
                ),
            },
            {"name": "chained", "trust_policy": _trust({"AWS": role_arn("team-0")})},
            {
                "name": "lambda-basic",
                "trust_policy": _trust({"Service": "lambda.amazonaws.com"}),
            },
            {
                "name": "lambda-admin",
                "trust_policy": _trust({"Service": "lambda.amazonaws.com"}),
                "managed_policies": ["arn:aws:iam::aws:policy/AdministratorAccess"],
            },
            {
                "name": "breakglass",
                "trust_policy": _trust(
                    {"AWS": user_arn(USERS_PER_ACCOUNT - 1)},
                    Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                ),
                "managed_policies": ["arn:aws:iam::aws:policy/AdministratorAccess"],
            },
        ]
        assert len(roles) == ROLES_PER_ACCOUNT
        users = []
        for number in range(USERS_PER_ACCOUNT):
            groups = ["developers"] if number % 3 else ["developers", "operators"]
            users.append({"name": f"user{number:02d}", "groups": groups, "access_keys": [{}]})
        groups = [
            {
                "name": "developers",
                "inline_policies": [
                    {
                        "name": "AssumeTeamRoles",
                        "document": _policy(
                            {
                                "Effect": "Allow",
                                "Action": "sts:AssumeRole",
                                "Resource": [
                                    f"arn:aws:iam::{account_id}:role/team-*",
                                    role_arn("readers"),
                                    role_arn("auditors"),
                                    role_arn("partner", partner),
                                ],
                            }
                        ),
                    }
                ],
            },
            {
                "name": "operators",
                "inline_policies": [
                    {
                        "name": "PassLambdaRoles",
                        "document": _policy(
                            {
                                "Effect": "Allow",
                                "Action": "iam:PassRole",
                                "Resource": f"arn:aws:iam::{account_id}:role/lambda-*",
                                "Condition": {
                                    "StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}
                                },
                            }
                        ),
                    }
                ],
            },
        ]
        accounts.append({"id": account_id, "users": users, "groups": groups, "roles": roles})
    return {"start_time": "2026-01-05T09:00:00Z", "accounts": accounts}


def iam_roles_story(world: World) -> None:
    """Play the curriculum's story: a refused write, a role, a write, a function, expiry."""
    alice = world.credentials_for_user("111122223333", "alice")
    carol = world.credentials_for_user("111122223333", "carol")
    bucket = {"Bucket": "example-reports", "Key": "q2.csv", "Body": "quarter,revenue"}
    attempt(world, alice, "sts", "GetCallerIdentity", {})
    attempt(world, alice, "s3", "PutObject", bucket)
    response = attempt(
        world,
        alice,
        "sts",
        "AssumeRole",
        {"RoleArn": "arn:aws:iam::111122223333:role/ReportPublisher", "RoleSessionName": "pub"},
    )
    if response is not None:
        publisher = Credentials.from_response(response)
        attempt(world, publisher, "s3", "PutObject", bucket)
        world.advance(3601)
        attempt(world, publisher, "s3", "PutObject", bucket)
    attempt(world, carol, "lambda", "Invoke", {"FunctionName": "report-builder"})


def large_story(world: World, calls: int = 100) -> None:
    """Fill the event log: users of the first account assume their team role and work."""
    account = world.accounts[ACCOUNTS[0]]
    teams = [role for role in account.roles.values() if role.name.startswith("team-")]
    users = list(account.users.values())
    for index, user in enumerate(users[: calls // 2]):
        credentials = world.credentials_for_user(account.account_id, user.name)
        role = teams[index % len(teams)]
        response = attempt(
            world,
            credentials,
            "sts",
            "AssumeRole",
            {"RoleArn": role.arn, "RoleSessionName": f"s{index}"},
        )
        session = Credentials.from_response(response) if response is not None else credentials
        attempt(world, session, "sts", "GetCallerIdentity", {})
    world.advance(1800)


def attempt(
    world: World, credentials: Credentials | None, service: str, operation: str, params: dict
) -> dict[str, Any] | None:
    """Make a call; a refusal is part of the story."""
    try:
        return world.call(credentials, service, operation, params)
    except AwsError:
        return None


def timed(action: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Return the median wall-clock and CPU milliseconds of `repeats` runs.

    CPU time counts this process and the `dot` processes it waited for, so it stays
    meaningful on a busy machine, where wall-clock time also measures the others.
    """
    walls, cpus = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), _cpu_seconds()
        action()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((_cpu_seconds() - cpu_start) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measure(label: str, build: Callable[[], Diagram]) -> None:
    """Print build, first-render and cached-render times of one diagram."""
    build_ms, build_cpu = timed(build, FIRST_REPEATS)
    diagram = build()
    dot = to_dot(diagram)

    def first() -> None:
        cache.clear()
        assert render_svg(dot).svg is not None

    first_ms, first_cpu = timed(first, FIRST_REPEATS)
    render_svg(dot)
    cached_ms, _cached_cpu = timed(lambda: render_svg(dot), CACHED_REPEATS)
    print(
        f"{label:<44} {len(diagram.nodes):>5} {len(diagram.edges):>5} "
        f"{build_ms:>7.1f} {first_ms:>7.1f} {build_ms + first_ms:>8.1f}   "
        f"{build_cpu:>7.1f} {first_cpu:>7.1f} {build_cpu + first_cpu:>8.1f}   {cached_ms:>7.3f}"
    )


def main() -> None:
    print(f"{'':<56}{'wall-clock ms':^26}{'CPU ms':^28}")
    print(
        f"{'diagram':<44} {'nodes':>5} {'edges':>5} {'build':>7} {'render':>7} {'first':>8}   "
        f"{'build':>7} {'render':>7} {'first':>8}   {'cached':>7}"
    )
    worlds = (
        ("iam-roles", iam_roles_spec(), iam_roles_story),
        ("200 principals", large_spec(), large_story),
    )
    for name, spec, story in worlds:
        world = World.from_spec(spec)
        analysis = analyse_trust(world)
        principals = sum(len(a.users) + len(a.roles) for a in world.accounts.values())
        print(
            f"-- {name}: {principals} users and roles; trust graph asks the engine "
            f"{analysis.questions} questions"
        )
        measure(f"{name}: trust graph", lambda world=world: trust_graph(world))
        cached_trust_graph(world)
        render_svg(to_dot(cached_trust_graph(world)))
        repeat_ms, _repeat_cpu = timed(
            lambda world=world: render_svg(to_dot(cached_trust_graph(world))), CACHED_REPEATS // 4
        )
        print(
            f"{name}: trust graph, repeat view (spec hash, cached graph, DOT, cached SVG): "
            f"{repeat_ms:.2f} ms"
        )
        story(world)
        measure(
            f"{name}: session graph ({len(world.events)} calls)",
            lambda world=world: session_graph(world),
        )
        principal = next(iter(next(iter(world.accounts.values())).users.values())).arn
        role = next(iter(next(iter(world.accounts.values())).roles.values())).arn
        measure(
            f"{name}: evaluation flow (AssumeRole)",
            lambda world=world, p=principal, r=role: evaluation_flow(
                world.simulate(p, "sts:AssumeRole", r)
            ),
        )


if __name__ == "__main__":
    main()
