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
from iamlab.world import World

TRUST_CACHE_PREFIX = "diagrams:trust:v2:"
TRUST_CACHE_SECONDS = 24 * 3600


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
    workspace = Workspace.objects.lookup(request, scenario)
    if workspace is None:
        # A learner who has run nothing yet: the scenario's world as it starts, from an
        # empty workspace that is never saved.
        workspace = Workspace(scenario=scenario)
    try:
        console = workspace.console()
    except WorkspaceError as error:
        raise WorldUnavailable(str(error)) from error
    return LearnerWorld(console.world, workspace.pk is not None, console.signing_access_key())


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
