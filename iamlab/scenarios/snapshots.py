"""Snapshots of learners' consoles, so a request applies only the lines logged since.

A workspace's log is the truth: its world is the scenario's world with every line replayed
through a fresh `Console`. Replaying hundreds of lines on every request is slow, so the
console reached after line N is kept as a snapshot (the pickled `Console`, world and shell
state together) under a key naming the workspace (its primary key and creation instant),
the scenario's content version and this code's fingerprint. A request restores the latest
snapshot and runs only the lines after it; a snapshot that is missing, unreadable or does
not match the log (it names a line the log does not hold at that place) is ignored and the
log replayed from the start.

Two layers, as DESIGN.md allows caches: Django's cache, shared by every process, written
every few lines; and a small bounded cache in each process, written after every line, that
keeps the world's events (which never change once logged) as objects and the rest as
bytes, so restoring costs one small unpickle instead of one per event. Nothing is shared
between two requests but events, which no code changes after their call returns.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.cache import cache

if TYPE_CHECKING:
    from iamlab.world.cli import Console
    from iamlab.world.events import Event

SHARED_PREFIX = "workspaces:snapshot:"
SHARED_SECONDS = 7 * 24 * 3600
# The shared snapshot is written when it is this many lines behind the log: a process that
# has none of its own then replays at most these lines.
SHARED_EVERY = 20
# How many workspaces each process keeps its own snapshot of. A class's learners each have
# a lesson's workspace (and maybe the console's) and their requests land on any worker, so
# a worker should hold the whole class: one that has none replays the learner's log from the
# last shared snapshot, or with a per-process cache (locmem) from the start. A lesson's
# snapshot takes 30-100 KB (a 100-line log: 23 KB pickled plus its events), so 256 of them
# are about 10-25 MB per worker.
LOCAL_LIMIT = 256


@dataclass(frozen=True)
class Snapshot:
    """A console as it was after line `seq` of a workspace's log (`line` is that line)."""

    seq: int
    line: str
    console: Console


@dataclass(frozen=True)
class _Local:
    seq: int
    line: str
    state: bytes  # the console, pickled with its world's events left out
    events: tuple[Event, ...]
    shared_seq: int


_local: OrderedDict[str, _Local] = OrderedDict()
_local_lock = threading.Lock()


@functools.cache
def code_fingerprint(*packages: str) -> str:
    """Return a hash of the code (packages of iamlab) whose objects a cache entry holds.

    A deploy that changes that code changes the keys, so nothing pickled by the old code is
    read by the new.
    """
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in packages or ("world", "engine"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def snapshot_key(workspace_pk: int, created_at: str, content_version: str) -> str:
    """Return the cache key of one workspace's snapshot."""
    return f"{SHARED_PREFIX}{code_fingerprint()}:{workspace_pk}:{created_at}:{content_version}"


def _without_events(console: Console) -> bytes:
    events = console.world.events
    console.world.events = []
    try:
        return pickle.dumps(console, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        console.world.events = events


def restore(key: str) -> Snapshot | None:
    """Return a fresh copy of the latest snapshot under `key`, or None."""
    with _local_lock:
        local = _local.get(key)
        if local is not None:
            _local.move_to_end(key)
    if local is not None:
        console = _loads(local.state)
        if console is not None:
            console.world.events = list(local.events)
            return Snapshot(local.seq, local.line, console)
    shared = cache.get(key)
    if not (isinstance(shared, tuple) and len(shared) == 3):
        return None
    seq, line, blob = shared
    console = _loads(blob)
    if console is None or not isinstance(seq, int) or not isinstance(line, str):
        return None
    _remember_locally(key, seq, line, console, shared_seq=seq)
    return Snapshot(seq, line, console)


def save(key: str, seq: int, line: str, console: Console) -> None:
    """Keep `console` as the snapshot after line `seq`; the caller keeps using it."""
    with _local_lock:
        local = _local.get(key)
    shared_seq = local.shared_seq if local is not None else -1
    if seq - shared_seq >= SHARED_EVERY or shared_seq < 0:
        blob = pickle.dumps(console, protocol=pickle.HIGHEST_PROTOCOL)
        cache.set(key, (seq, line, blob), SHARED_SECONDS)
        shared_seq = seq
    _remember_locally(key, seq, line, console, shared_seq)


def forget_local() -> None:
    """Drop this process's snapshots (tests use it to stand for another process)."""
    with _local_lock:
        _local.clear()


def _remember_locally(key: str, seq: int, line: str, console: Console, shared_seq: int) -> None:
    entry = _Local(seq, line, _without_events(console), tuple(console.world.events), shared_seq)
    with _local_lock:
        current = _local.get(key)
        if current is not None and current.seq > seq:
            return  # another thread of this process already holds a later one
        _local[key] = entry
        _local.move_to_end(key)
        while len(_local) > LOCAL_LIMIT:
            _local.popitem(last=False)


def _loads(blob: Any) -> Console | None:
    from iamlab.world.cli import Console

    if not isinstance(blob, bytes):
        return None
    try:
        console = pickle.loads(blob)
    except Exception:  # another version of the code wrote it: replay the log instead
        return None
    return console if isinstance(console, Console) else None
