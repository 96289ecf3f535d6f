"""Which world a diagram shows: the learner's (their workspace replayed) or the scenario's.

Diagram pages only read: they never create a workspace. A learner who has not run
anything yet sees the scenario's world as it starts. What is drawn from a world is cached
under a key naming the world's state, so a page that was drawn before builds nothing.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from django.core.cache import cache
from django.http import HttpRequest

from iamlab.diagrams.graph import Diagram
from iamlab.diagrams.trust import trust_graph
from iamlab.scenarios.models import Scenario, Workspace, WorkspaceError
from iamlab.scenarios.snapshots import code_fingerprint
from iamlab.world import World
from iamlab.world.cli import Console

TRUST_CACHE_PREFIX = "diagrams:trust:v2:"
TRUST_CACHE_SECONDS = 24 * 3600
DRAWN_CACHE_PREFIX = "diagrams:drawn:v1:"
DRAWN_CACHE_SECONDS = 24 * 3600
T = TypeVar("T")


class WorldUnavailable(Exception):
    """The scenario's content does not build a world, so there is nothing to draw."""


class LearnerWorld:
    """The world a diagram shows, whose it is, and who is acting in it now.

    `key` names the world's state without building it (iamlab.scenarios `state_key`), so
    what is drawn from the world can be cached under it; the world itself is restored
    only when something asks for it, which raises WorldUnavailable when the scenario's
    content does not build one.
    """

    def __init__(self, scenario: Scenario, workspace: Workspace | None) -> None:
        self.from_workspace = workspace is not None
        # A learner who has run nothing yet: the scenario's world as it starts, from an
        # empty workspace that is never saved.
        self._workspace = workspace or Workspace(scenario=scenario)
        self.key = self._workspace.state_key()

    @cached_property
    def console(self) -> Console:
        try:
            return self._workspace.console()
        except WorkspaceError as error:
            raise WorldUnavailable(str(error)) from error

    @property
    def world(self) -> World:
        return self.console.world

    @cached_property
    def current(self) -> str | None:
        """The access key the learner's shell would use now, when it names one."""
        return self.console.signing_access_key()


def learner_world(request: HttpRequest, scenario: Scenario) -> LearnerWorld:
    """Return the learner's world (their workspace replayed), else the scenario's.

    Reading `.world` raises WorldUnavailable when the scenario's content is invalid
    (content loaded with plain `loaddata` or edited in the admin may not build a world).
    """
    return LearnerWorld(scenario, Workspace.objects.lookup(request, scenario))


def cached_for_world(learner: LearnerWorld, purpose: str, build: Callable[[], T]) -> T:
    """Return `build()`, cached under the learner's world state and `purpose`.

    For what is drawn from a world and nothing else (figures, lists of its calls): the key
    names the world's state (workspace, content version, last line of the log), the code
    that draws it, and the purpose (which diagram, which links). The value is pickled
    into Django's cache, shared by every process; a value that does not read back is
    built again.
    """
    digest = hashlib.sha256(f"{learner.key}\n{purpose}".encode()).hexdigest()
    key = f"{DRAWN_CACHE_PREFIX}{code_fingerprint('world', 'engine', 'diagrams')}:{digest}"
    blob = cache.get(key)
    if isinstance(blob, bytes):
        try:
            return pickle.loads(blob)
        except Exception:  # another version of the code wrote it: build it again
            pass
    value = build()
    cache.set(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), DRAWN_CACHE_SECONDS)
    return value


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
