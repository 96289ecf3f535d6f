"""What the console page shows beside the prompt, read from the learner's console.

Everything here reads a `Console` that the Workspace model handed out (docs/contracts.md
section 4); nothing builds a world or runs a line. The terminal itself (the history and the
prompt) is a template component, `templates/console/terminal.html`, documented in
docs/contracts.md ("Console component").
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from iamlab.scenarios.snapshots import code_fingerprint
from iamlab.world.cli.commands import available_services
from iamlab.world.cli.configure import CONFIGURE_COMMANDS
from iamlab.world.cli.console import BUILTINS
from iamlab.world.cli.credentials import user_profiles
from iamlab.world.cli.s3 import S3_COMMANDS

if TYPE_CHECKING:
    from iamlab.scenarios.models import Workspace
    from iamlab.world import Event, World
    from iamlab.world.cli import CommandResult, Console

# The buttons that move the world's clock: what they say and the `sleep` line they run.
CLOCK_MOVES: list[tuple[str, str]] = [
    ("+1 minute", "sleep 60"),
    ("+15 minutes", "sleep 900"),
    ("+1 hour", "sleep 3600"),
    ("+12 hours", "sleep 43200"),
]
# Control characters other than tab and line feed are shown as their Unicode pictures
# (U+2400...), so an escape sequence in a command or its output is visible, not hidden.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
MAX_CALLS_LISTED = 20
SESSION_WORDS = {
    "assumed-role": "a role session",
    "session-token": "a session token of the user",
    "federation-token": "a federated user session",
}


def visible(text: str) -> str:
    """Return text with control characters replaced by their visible pictures."""
    return CONTROL.sub(
        lambda m: "\u2421" if m.group() == "\x7f" else chr(0x2400 + ord(m.group())), text
    )


@dataclass(frozen=True)
class Entry:
    """One line of the history: the command as typed and what it printed."""

    line: str
    exit_code: int
    stdout: str
    stderr: str

    @classmethod
    def of(cls, line: str, result: CommandResult) -> Entry:
        return cls(visible(line), result.exit_code, visible(result.stdout), visible(result.stderr))


@dataclass(frozen=True)
class Terminal:
    """The console component's context: what `console/terminal.html` needs.

    `post_url` receives the `line` field; `entries` is the history, oldest first;
    `completions` is what Tab completes (see `completions()`); `refused` is a message for a
    line the workspace would not take (nothing was run); `hidden` counts earlier entries
    not shown, which `script_url` (when given) offers in full.
    """

    post_url: str
    entries: list[Entry]
    completions: dict[str, object] = field(default_factory=dict)
    placeholder: str = "aws sts get-caller-identity --profile alice"
    refused: str = ""
    label: str = "Command"
    hidden: int = 0
    script_url: str = ""

    @property
    def completions_json(self) -> str:
        return json.dumps(self.completions, separators=(",", ":"), sort_keys=True)

    @property
    def entries_html(self) -> SafeString:
        """The history's entries as HTML (the component's `entry` partial, each escaped)."""
        # Safe: each part was rendered by the template engine, which escaped every value.
        return mark_safe("".join(entry_html(entry) for entry in self.entries))


# An entry never changes once run, and a page shows up to HISTORY_SHOWN of them, mostly the
# same ones as last time: each process keeps the HTML of the entries it drew last.
ENTRY_HTML_KEPT = 4096
_entry_html: OrderedDict[Entry, str] = OrderedDict()
_entry_html_lock = threading.Lock()


def entry_html(entry: Entry) -> str:
    """Return one history entry drawn by `console/terminal.html#entry`."""
    with _entry_html_lock:
        html = _entry_html.get(entry)
        if html is not None:
            _entry_html.move_to_end(entry)
            return html
    html = render_to_string("console/terminal.html#entry", {"entry": entry})
    with _entry_html_lock:
        _entry_html[entry] = html
        while len(_entry_html) > ENTRY_HTML_KEPT:
            _entry_html.popitem(last=False)
    return html


def completions(world: World) -> dict[str, object]:
    """Return what Tab completes: commands, each service's operations, profiles, role ARNs."""
    services = {
        name: sorted(operation.cli_name for operation in service.operations.values())
        for name, service in available_services().items()
    }
    # The hand-written commands beside the API operations.
    services.update({"s3": sorted(S3_COMMANDS), "configure": sorted(CONFIGURE_COMMANDS)})
    return {
        "commands": sorted([*BUILTINS, "aws"]),
        "services": dict(sorted(services.items())),
        "profiles": profile_names(world),
        "roles": sorted(
            role.arn for account in world.accounts.values() for role in account.roles.values()
        ),
    }


def profile_names(world: World) -> list[str]:
    """Return the profiles every console of this world has: its users with an access key."""
    return sorted(user_profiles(world))


@dataclass(frozen=True)
class Identity:
    """Who the console's next `aws` command acts as, as far as the shell knows it."""

    description: str
    arn: str | None = None
    access_key_id: str | None = None
    temporary: bool = False
    expiration: datetime | None = None
    expired: bool = False


def current_identity(console: Console) -> Identity:
    """Describe the identity the next `aws` command would sign as, and its credentials."""
    world = console.world
    key = console.signing_access_key()
    environment = console.state.environment()
    if key is None:
        profile = environment.get("AWS_PROFILE") or "default"
        if profile in console.state.config:
            return Identity(
                f"the profile {profile} you configured (it picks its credentials when used)"
            )
        return Identity(
            f"no credentials yet: there is no profile {profile}; add --profile NAME "
            "or export credentials"
        )
    session = world.sessions.get(key)
    if session is not None:
        return Identity(
            SESSION_WORDS.get(session.kind, "a temporary session"),
            session.arn,
            key,
            temporary=True,
            expiration=session.expiration,
            expired=world.now() >= session.expiration,
        )
    long_term = world.long_term_keys.get(key)
    if long_term is not None:
        account, user, _ = long_term
        arn = user.arn if user is not None else account.root_arn
        return Identity("long-term access key", arn, key)
    return Identity("an access key this world does not know", None, key)


def last_assumed_session_lines(world: World) -> list[str]:
    """Return the three export lines for the latest role session the log issued, or none."""
    for event in reversed(world.events):
        effect = event.effect or {}
        issued = effect.get("session") if event.error is None else None
        if not isinstance(issued, dict) or not issued.get("role_arn"):
            continue
        session = world.sessions.get(str(issued.get("access_key_id")))
        if session is None:
            continue
        return [
            f"export AWS_ACCESS_KEY_ID={session.access_key_id}",
            f"export AWS_SECRET_ACCESS_KEY={session.secret}",
            f"export AWS_SESSION_TOKEN={session.token}",
        ]
    return []


@dataclass(frozen=True)
class Call:
    """One logged call, for the list that links each to its evaluation flow."""

    seq: int
    operation: str
    principal: str
    decision: str | None
    error_code: str | None


def logged_calls(world: World) -> list[Call]:
    """Return the latest logged calls, newest first."""
    calls = []
    for event in reversed(world.events[-MAX_CALLS_LISTED:]):
        calls.append(_call(event))
    return calls


def _call(event: Event) -> Call:
    error = event.error or {}
    return Call(
        event.seq,
        f"{event.service}:{event.operation}",
        event.caller.principal_arn or "anonymous",
        event.decision if event.explanation else None,
        error.get("code"),
    )


def session_script(scenario_slug: str, lines: list[str]) -> str:
    """Return the lines typed, as a script `manage.py labshell` replays to the same output."""
    header = [
        f"# IAM Lab console session in the scenario {scenario_slug}.",
        f"# Replay it: python manage.py labshell --scenario {scenario_slug} < this-file",
    ]
    return "\n".join([*header, *lines]) + "\n"


# --- the history, without replaying the log on every page view -------------------------
#
# A line's output depends only on the log before it (the replay is deterministic), so the
# entries can be kept beside the log once they have run: in Django's cache, in chunks of
# CHUNK entries per workspace (a command rewrites only the last chunk), each entry holding
# the line it was made from. The log stays the truth: when a chunk is missing or an entry's
# line is not the log's, the history is rebuilt from `Workspace.transcript()`. The key
# names the scenario's content version and the world code's fingerprint, like a snapshot's.

HISTORY_PREFIX = "console:history:v1:"
HISTORY_SECONDS = 24 * 3600
CHUNK = 50
# A terminal keeps a scrollback, not everything: the page shows the latest entries, and the
# downloaded script holds every line.
HISTORY_SHOWN = 100

Kept = tuple[str, int, str, str]


def _chunk_key(workspace: Workspace, chunk: int) -> str:
    # Outputs change when the scenario's content or the world's code does, as snapshots do.
    version = f"{code_fingerprint()}:{workspace.scenario.content_version}"
    # The workspace's creation instant beside its number, as a snapshot's key has: a number
    # the database ever gave again would not find another workspace's history.
    return f"{HISTORY_PREFIX}{version}:{workspace.pk}:{workspace.created_at.isoformat()}:{chunk}"


def _kept(entry: Entry) -> Kept:
    return (entry.line, entry.exit_code, entry.stdout, entry.stderr)


def history(workspace: Workspace, shown: int = HISTORY_SHOWN) -> tuple[list[Entry], int]:
    """Return the last `shown` entries of the history and how many earlier ones are hidden.

    It reads only the last `shown` lines of the log (numbered 1, 2, ... so the last number
    is the length). The kept entries are used when they match those lines; otherwise the
    whole history is rebuilt from the log and kept again.
    """
    latest = list(workspace.entries.order_by("-seq").values_list("seq", "line")[:shown])[::-1]
    total = latest[-1][0] if latest else 0
    hidden = total - len(latest)
    if not latest or latest[0][0] == hidden + 1:
        first = hidden // CHUNK
        chunks = range(first, (total + CHUNK - 1) // CHUNK)
        found = cache.get_many([_chunk_key(workspace, chunk) for chunk in chunks])
        kept: list[Kept] = [
            values for chunk in chunks for values in found.get(_chunk_key(workspace, chunk), [])
        ]
        start = hidden - first * CHUNK
        if len(kept) == total - first * CHUNK and all(
            values[0] == visible(line)
            for values, (_seq, line) in zip(kept[start:], latest, strict=True)
        ):
            return [Entry(*values) for values in kept[start:]], hidden
    entries = [Entry.of(line, result) for line, result in workspace.transcript()]
    cache.set_many(
        {
            _chunk_key(workspace, chunk): [
                _kept(entry) for entry in entries[chunk * CHUNK : (chunk + 1) * CHUNK]
            ]
            for chunk in range((len(entries) + CHUNK - 1) // CHUNK)
        },
        HISTORY_SECONDS,
    )
    hidden = max(0, len(entries) - shown)
    return entries[hidden:], hidden


def remember(workspace: Workspace, ran: list[tuple[str, CommandResult]], last_seq: int) -> None:
    """Keep the entries of lines just run; the last of them is line `last_seq` of the log.

    Each entry goes at its line's place in its chunk, and only when the chunk holds every
    line before it; otherwise (another tab appended meanwhile, or the chunk was lost) the
    entry is left out, the kept history no longer matches the log, and the next page view
    rebuilds it.
    """
    first_seq = last_seq - len(ran) + 1
    for seq, (line, result) in enumerate(ran, start=first_seq):
        key = _chunk_key(workspace, (seq - 1) // CHUNK)
        chunk = cache.get(key, []) if (seq - 1) % CHUNK else []
        if not isinstance(chunk, list) or len(chunk) != (seq - 1) % CHUNK:
            return
        cache.set(key, [*chunk, _kept(Entry.of(line, result))], HISTORY_SECONDS)
