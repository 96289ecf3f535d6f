"""Caches of what is drawn from a learner's world.

Which world a page shows is the scenarios app's `learner_world`; what is drawn from it is
cached here under a key naming the world's state, so a page that was drawn before builds
nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from iamlab.diagrams.graph import Diagram
from iamlab.diagrams.trust import trust_graph
from iamlab.scenarios.learners import LearnerWorld
from iamlab.scenarios.snapshots import code_fingerprint
from iamlab.world import World

TRUST_CACHE_PREFIX = "diagrams:trust:v2:"
TRUST_CACHE_SECONDS = 24 * 3600
DRAWN_CACHE_PREFIX = "diagrams:drawn:v1:"
DRAWN_CACHE_SECONDS = 24 * 3600
T = TypeVar("T")


@functools.cache
def drawing_fingerprint() -> str:
    """Return a hash of what draws a page from a world: the code and the templates.

    A deploy that changes either changes the keys of `cached_for_world`, so no page is
    shown with markup (or objects) the new code would not make.
    """
    digest = hashlib.sha256(code_fingerprint("world", "engine", "diagrams", "console").encode())
    templates = Path(settings.BASE_DIR) / "templates"
    for path in sorted(templates.rglob("*.html")):
        digest.update(path.relative_to(templates).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached_for_world(learner: LearnerWorld, purpose: str, build: Callable[[], T]) -> T:
    """Return `build()`, cached under the learner's world state and `purpose`.

    For what is drawn from a world and nothing else (figures, lists of its calls): the key
    names the world's state (workspace, content version, last line of the log), the code
    and templates that draw it, and the purpose (which diagram, which links). The value is pickled
    into Django's cache, shared by every process; a value that does not read back is
    built again.
    """
    digest = hashlib.sha256(f"{learner.key}\n{purpose}".encode()).hexdigest()
    key = f"{DRAWN_CACHE_PREFIX}{drawing_fingerprint()}:{digest}"
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
