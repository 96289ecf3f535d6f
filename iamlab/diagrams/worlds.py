"""Which world a diagram shows: the learner's (their workspace replayed) or the scenario's.

Diagram pages only read: they never create a workspace. A learner who has not run
anything yet sees the scenario's world as it starts.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from iamlab.diagrams.graph import Diagram
from iamlab.diagrams.trust import trust_graph
from iamlab.scenarios.models import Scenario, Workspace, WorkspaceError
from iamlab.world import World, WorldSpecError
from iamlab.world.cli import Console

TRUST_CACHE_PREFIX = "diagrams:trust:v2:"
TRUST_CACHE_SECONDS = 24 * 3600


def learner_workspace(request: HttpRequest, scenario: Scenario) -> Workspace | None:
    """Return the learner's open workspace for this scenario, if they have one."""
    open_workspaces = Workspace.objects.filter(scenario=scenario, ended_at__isnull=True, name="")
    if request.user.is_authenticated:
        return open_workspaces.filter(owner=request.user).first()
    session_key = request.session.session_key
    if not session_key:
        return None
    return open_workspaces.filter(owner__isnull=True, session_key=session_key).first()


@dataclass(frozen=True)
class LearnerWorld:
    """The world a diagram shows, whose it is, and who is acting in it now."""

    world: World
    from_workspace: bool
    # The access key the learner's shell would use now, when it names one.
    current: str | None = None


class WorldUnavailable(Exception):
    """The scenario's content does not build a world, so there is nothing to draw."""


def learner_world(request: HttpRequest, scenario: Scenario) -> LearnerWorld:
    """Return the learner's world (their workspace replayed), else the scenario's.

    Raise WorldUnavailable when the scenario's content is invalid (content loaded with
    plain `loaddata` or edited in the admin is not guaranteed to build a world).
    """
    workspace = learner_workspace(request, scenario)
    try:
        if workspace is None:
            return LearnerWorld(scenario.to_world(), from_workspace=False)
        console = workspace.console()
    except WorldSpecError as error:
        count = len(error.problems)
        raise WorldUnavailable(
            f"The scenario {scenario.slug!r} cannot be built into a world right now "
            f"({count} problem{'' if count == 1 else 's'}), so there is no diagram to draw; "
            "an instructor can see the problems with `python manage.py check`."
        ) from error
    except WorkspaceError as error:
        raise WorldUnavailable(str(error)) from error
    return LearnerWorld(console.world, True, current_access_key(console))


def current_access_key(console: Console) -> str | None:
    """Return the access key the shell's next aws command would use, when it is certain.

    An exported AWS_ACCESS_KEY_ID wins, as in the AWS CLI; otherwise AWS_PROFILE naming a
    user's profile means that user's key. Anything else (a role profile, the default) is
    left to the session graph, which then marks the latest caller.
    """
    environment = console.state.environment()
    key = environment.get("AWS_ACCESS_KEY_ID")
    if key:
        return key
    profile = environment.get("AWS_PROFILE", "")
    for account in console.world.accounts.values():
        user = account.users.get(profile.lower())
        if user is not None and user.name == profile:
            active = [k.access_key_id for k in user.access_keys if k.status == "Active"]
            return active[0] if active else None
    return None


def cached_trust_graph(world: World) -> Diagram:
    """Return the trust graph of a world, reusing one built for an identical world.

    The trust graph depends only on what `world.to_spec()` holds (identities, policies,
    trust policies) and on the clock (a condition may test aws:CurrentTime), so their hash
    is the key: learners whose worlds are alike share one entry, and any policy change or
    clock move makes a new one.
    """
    spec = json.dumps([world.to_spec(), world.now().isoformat()], sort_keys=True, default=str)
    key = TRUST_CACHE_PREFIX + hashlib.sha256(spec.encode("utf-8")).hexdigest()
    data = cache.get(key)
    if isinstance(data, dict):
        try:
            return Diagram.from_data(data)
        except (KeyError, TypeError, ValueError):
            pass  # written by another version of this code: build it again
    diagram = trust_graph(world)
    # Plain data, not a pickled Diagram: a shared cache outlives a deploy.
    cache.set(key, diagram.to_data(), TRUST_CACHE_SECONDS)
    return diagram
