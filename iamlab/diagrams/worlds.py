"""Which world a diagram shows: the learner's (their workspace replayed) or the scenario's.

Diagram pages only read: they never create a workspace. A learner who has not run
anything yet sees the scenario's world as it starts.
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.http import HttpRequest

from iamlab.diagrams.graph import Diagram
from iamlab.diagrams.trust import trust_graph
from iamlab.scenarios.models import Scenario, Workspace
from iamlab.world import World

TRUST_CACHE_PREFIX = "diagrams:trust:v1:"
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


def learner_world(request: HttpRequest, scenario: Scenario) -> tuple[World, bool]:
    """Return (world, from_workspace): the learner's world, else the scenario's."""
    workspace = learner_workspace(request, scenario)
    if workspace is not None:
        return workspace.world(), True
    return scenario.to_world(), False


def cached_trust_graph(world: World) -> Diagram:
    """Return the trust graph of a world, reusing one built for an identical world.

    The trust graph depends only on what `world.to_spec()` holds (identities, policies,
    trust policies) and on the clock (a condition may test aws:CurrentTime), so their hash
    is the key: learners whose worlds are alike share one entry, and any policy change or
    clock move makes a new one.
    """
    spec = json.dumps([world.to_spec(), world.now().isoformat()], sort_keys=True, default=str)
    key = TRUST_CACHE_PREFIX + hashlib.sha256(spec.encode("utf-8")).hexdigest()
    diagram = cache.get(key)
    if isinstance(diagram, Diagram):
        return diagram
    diagram = trust_graph(world)
    cache.set(key, diagram, TRUST_CACHE_SECONDS)
    return diagram
