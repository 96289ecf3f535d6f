"""Learner workspaces: an append-only log of console lines replayed over a scenario's world.

Nothing a learner does changes the scenario. A learner's world is by definition
`World.from_spec(scenario spec)` followed by their lines, in order, through a fresh
`Console`; so two learners never share state, a reload loses nothing, and "reset" is simply
a new workspace (DESIGN.md, "Learner state"). Requests get there faster: from the
scenario's spec cached per content version and the latest snapshot of the workspace's
console, running only the lines logged after it (iamlab.scenarios.snapshots).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from iamlab.core import plain
from iamlab.scenarios import snapshots
from iamlab.scenarios.models.content import Scenario

if TYPE_CHECKING:
    from django.http import HttpRequest

    from iamlab.world import World
    from iamlab.world.cli import CommandResult, Console

# A request runs only the lines logged after the latest snapshot, but a missing snapshot
# means replaying the whole log, so the log is bounded: long enough for any lesson several
# times over, short enough that a full replay stays well under a second.
MAX_LINE_LENGTH = 4096
MAX_ENTRIES = 500
# The session key under which an anonymous learner's workspaces are remembered.
SESSION_WORKSPACES = "iamlab_workspaces"


class WorkspaceError(Exception):
    """A line cannot be added to a workspace; the message says why, for the learner."""


class WorkspaceManager(models.Manager["Workspace"]):
    def _open(
        self,
        scenario: Scenario,
        *,
        owner: models.Model | None = None,
        session_key: str = "",
        name: str = "",
        context: str = "",
        with_last_seq: bool = False,
    ) -> Workspace | None:
        """Return the open workspace of one learner (or name) and context, if there is one.

        The filter repeats the condition of the partial unique constraint it matches, so the
        database finds the row through that index however many workspaces there are. With
        `with_last_seq` the same query reads the number of the log's last line, which the
        workspace's first `state_key()` then uses instead of asking.
        """
        terms = models.Q(scenario=scenario, ended_at__isnull=True, name=name, context=context)
        if owner is not None:
            terms &= models.Q(owner=owner, owner__isnull=False)
        elif session_key:
            terms &= models.Q(session_key=session_key, session_key__gt="", owner__isnull=True)
        else:
            terms &= models.Q(name__gt="", owner__isnull=True, session_key="")
        # No ORDER BY: there is at most one such row, and an ordering could steer the
        # database away from the index.
        found_in = self.filter(terms).order_by()
        if with_last_seq:
            last = WorkspaceEntry.objects.filter(workspace=models.OuterRef("pk")).order_by("-seq")
            found_in = found_in.annotate(last_seq_read=models.Subquery(last.values("seq")[:1]))
        found = next(iter(found_in[:1]), None)
        if found is not None:
            found.scenario = scenario  # spares a query for what the caller already holds
        return found

    def current(
        self,
        scenario: Scenario,
        *,
        owner: models.Model | None = None,
        session_key: str = "",
        name: str = "",
        context: str = "",
    ) -> Workspace:
        """Return the learner's open workspace for `scenario` and `context`, made on first use."""
        ownership = {"owner": owner, "session_key": session_key, "name": name, "context": context}
        if owner is None and not session_key and not name:
            raise ValueError("a workspace needs an owner, a session key or a name to be found")
        for _attempt in range(2):
            found = self._open(scenario, **ownership)
            if found is not None:
                return found
            try:
                with transaction.atomic():
                    return self.create(scenario=scenario, **ownership)
            except IntegrityError:
                # Another request created it between our read and our insert (the partial
                # unique constraints allow one open workspace per owner); read theirs.
                continue
        return self.get(scenario=scenario, ended_at__isnull=True, **ownership)

    def for_request(self, request: HttpRequest, scenario: Scenario, context: str = "") -> Workspace:
        """Return the open workspace of the learner making the request, signed in or not."""
        if request.user.is_authenticated:
            adopted = self._adopt_anonymous(request, scenario, context)
            return adopted or self.current(scenario, owner=request.user, context=context)
        if not request.session.session_key:
            # An anonymous learner's work is keyed to their browser session; give them one.
            request.session.save()
        workspace = self.current(
            scenario, session_key=request.session.session_key or "", context=context
        )
        # Signing in gives the session a new key, so remember the workspace in the
        # session's data too (kept across sign-in) to hand it to the signed-in learner.
        remembered = request.session.get(SESSION_WORKSPACES, [])
        if workspace.pk not in remembered:
            request.session[SESSION_WORKSPACES] = [*remembered, workspace.pk]
        return workspace

    def lookup(
        self, request: HttpRequest, scenario: Scenario, context: str = ""
    ) -> Workspace | None:
        """Return the learner's open workspace if they have one; never make one.

        For pages that only show a world. Like `for_request`, it hands a learner who just
        signed in the work they did before.
        """
        if request.user.is_authenticated:
            adopted = self._adopt_anonymous(request, scenario, context)
            return adopted or self._open(
                scenario, owner=request.user, context=context, with_last_seq=True
            )
        session_key = request.session.session_key
        if not session_key:
            return None
        return self._open(scenario, session_key=session_key, context=context, with_last_seq=True)

    def _adopt_anonymous(
        self, request: HttpRequest, scenario: Scenario, context: str
    ) -> Workspace | None:
        """Give a learner who just signed in the work they did before, if they have none."""
        remembered = request.session.get(SESSION_WORKSPACES, [])
        if not remembered or self._open(scenario, owner=request.user, context=context):
            return None
        with transaction.atomic():
            anonymous = (
                self.select_for_update()
                .filter(
                    pk__in=remembered,
                    scenario=scenario,
                    context=context,
                    owner__isnull=True,
                    name="",
                    ended_at__isnull=True,
                )
                .first()
            )
            if anonymous is None:
                return None
            anonymous.owner = request.user
            anonymous.session_key = ""
            try:
                with transaction.atomic():
                    anonymous.save(update_fields=["owner", "session_key"])
            except IntegrityError:
                return None  # another request gave them a workspace meanwhile
        return anonymous


class Workspace(models.Model):
    """One learner's work in one scenario: whose it is, and the log of what they ran."""

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="workspaces")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="workspaces",
        help_text="The signed-in learner, if any.",
    )
    session_key = models.CharField(
        max_length=40, blank=True, help_text="An anonymous learner's browser session."
    )
    name = models.CharField(
        max_length=64, blank=True, help_text="A name for a workspace used from the command line."
    )
    context = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text=(
            "What the workspace is for: empty for the scenario's own console and diagrams, "
            '"lesson:<lesson-slug>" for a lesson.'
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the learner reset it; its log is kept."
    )

    objects = WorkspaceManager()
    # The number of the log's last line as read together with the workspace, when a query
    # read both (Progress.objects: the step page keys what it keeps by it); None otherwise.
    seq_when_read: int | None = None

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(owner__isnull=False, session_key__gt=""),
                name="workspace_one_learner",
                violation_error_message=(
                    "A workspace belongs to a signed-in user or a session, not both."
                ),
            ),
            models.UniqueConstraint(
                fields=["scenario", "owner", "context"],
                condition=models.Q(ended_at__isnull=True, owner__isnull=False, name=""),
                name="workspace_one_open_per_owner",
            ),
            models.UniqueConstraint(
                fields=["scenario", "session_key", "context"],
                condition=models.Q(ended_at__isnull=True, session_key__gt="", name=""),
                name="workspace_one_open_per_session",
            ),
            # Names are for workspaces of the command line, which have no learner. (A
            # unique constraint over a nullable owner would let NULL owners repeat.)
            models.UniqueConstraint(
                fields=["scenario", "name", "context"],
                condition=models.Q(
                    ended_at__isnull=True, name__gt="", owner__isnull=True, session_key=""
                ),
                name="workspace_one_open_per_name",
            ),
        ]

    def __str__(self) -> str:
        learner = self.name or (str(self.owner) if self.owner_id else "anonymous")
        return f"{self.scenario.slug} · {learner} · #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def lines(self) -> list[str]:
        """Return the console lines run in this workspace, in order."""
        if self.pk is None:
            return []  # not saved yet: nothing run
        return list(self.entries.order_by("seq").values_list("line", flat=True))

    def replay(self, lines: list[str] | None = None) -> tuple[Console, list[CommandResult]]:
        """Rebuild the learner's console by running their whole log over a fresh world.

        This is the truth every snapshot must agree with; pages use `console()`.
        """
        from iamlab.world.cli import Console

        console = Console(self.starting_world())
        results = [console.run(line) for line in (self.lines() if lines is None else lines)]
        return console, results

    def starting_world(self) -> World:
        """Return a fresh copy of the scenario's world, where every workspace starts."""
        from iamlab.world import WorldSpecError

        try:
            return self.scenario.world()
        except WorldSpecError as error:
            # Content loaded with plain loaddata, or broken in the admin, reaches a learner
            # as a sentence, not as an error page.
            count = len(error.problems)
            raise WorkspaceError(
                f"The scenario {self.scenario.slug!r} cannot be built into a world right now "
                f"({count} problem{'' if count == 1 else 's'}); an instructor can see them "
                "with `python manage.py check`."
            ) from error

    def state_key(self) -> str:
        """Return a key naming the learner's world now, read without building it.

        It names the workspace, the scenario's content version and the last line of the log,
        so whatever is computed from the world (a diagram, say) can be cached under it. A
        workspace with an empty log has the scenario's own key: its world is the same.
        """
        last = None
        if "last_seq_read" in self.__dict__:
            # Read with the workspace a moment ago (`lookup`); used once, then asked again.
            last = self.__dict__.pop("last_seq_read")
        elif self.pk is not None:
            last = self.last_seq()
        if not last:
            return f"scenario:{self.scenario.pk}:{self.scenario.content_version}"
        return f"{WorkspaceSession(self)._key()}:{last}"

    def last_seq(self) -> int:
        """Return the number of the log's last line: 0 while the log is empty."""
        # Plain SQL, for the pages that ask on every request (see `_rows_after`).
        connection, quote = plain.reading(WorkspaceEntry)
        (last,) = plain.fetch(
            connection,
            f"SELECT MAX({quote('seq')}) FROM {quote(WorkspaceEntry._meta.db_table)} "
            f"WHERE {quote('workspace_id')} = %s",
            [self.pk],
        )[0]
        return int(last or 0)

    def console(self) -> Console:
        """Return a console whose world is the learner's world now (a copy of its own)."""
        return WorkspaceSession(self).console

    def transcript(self) -> list[tuple[str, CommandResult]]:
        """Return each line of the log with what it printed, as a console page shows them."""
        lines = self.lines()
        return list(zip(lines, self.replay(lines)[1], strict=True))

    def world(self) -> World:
        """Return the learner's world now: the scenario's world with their log replayed."""
        return self.console().world

    def run(self, line: str) -> CommandResult:
        """Run one console line in this workspace and append it to the log."""
        return WorkspaceSession(self).run(line)

    def session(self) -> WorkspaceSession:
        """Return a session that runs many lines, keeping its console between them."""
        return WorkspaceSession(self)

    def reset(self) -> Workspace:
        """End this workspace (its log is kept) and return a fresh one for the same learner."""
        with transaction.atomic():
            locked = Workspace.objects.select_for_update().get(pk=self.pk)
            was_open = locked.is_open
            if was_open:
                locked.ended_at = timezone.now()
                locked.save(update_fields=["ended_at"])
            self.ended_at = locked.ended_at
            ownership = {
                "owner": locked.owner,
                "session_key": locked.session_key,
                "name": locked.name,
                "context": locked.context,
            }
            if not was_open and (locked.owner or locked.session_key or locked.name):
                # Reset twice (two tabs, a double click): the first reset's workspace is
                # the learner's open one; do not make a third.
                return Workspace.objects.current(locked.scenario, **ownership)
            return Workspace.objects.create(scenario=locked.scenario, **ownership)


def check_line(line: str) -> None:
    """Refuse a line the log must not hold, saying why."""
    if "\n" in line or "\r" in line:
        raise WorkspaceError("Run one command at a time: the line holds a line break.")
    if len(line) > MAX_LINE_LENGTH:
        raise WorkspaceError(
            f"The command is {len(line)} characters long; at most {MAX_LINE_LENGTH} are allowed."
        )
    if "\x00" in line:
        raise WorkspaceError(
            "The command holds a NUL character (\\0), which no command uses; remove it."
        )
    try:
        line.encode("utf-8")
    except UnicodeEncodeError as error:
        # Bytes that were not UTF-8 reach here as lone surrogates; the log (and the
        # database) holds only text, so the line is refused before it runs.
        raise WorkspaceError(
            f"The command holds something that is not text at character {error.start + 1} "
            "(invalid UTF-8); type it again."
        ) from None


class WorkspaceSession:
    """A console kept in step with a workspace's log while one caller uses it.

    The console starts from the latest snapshot of the workspace (iamlab.scenarios.snapshots)
    and runs only the lines logged after it. Running a line takes the workspace's write lock
    first (a row lock; on SQLite the database's, taken at BEGIN IMMEDIATE), then catches up
    with lines other writers appended meanwhile, runs the line and appends it, all before
    the lock is released: concurrent writers queue, and every line runs in exactly the world
    the log before it describes.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._console: Console | None = None
        self._seq = 0  # the last line of the log the console has run
        self._line = ""  # and its text
        # True right after this session appended a line: its console is then the world the
        # log describes up to that line, with no need to read the log again.
        self._ran = False

    def run(self, line: str) -> CommandResult:
        """Run one console line in the workspace and append it to the log."""
        check_line(line)
        if self.workspace.pk is None:
            raise WorkspaceError("This workspace is not saved, so it cannot keep a log.")
        if self._console is None:
            self._catch_up()  # most of the work (the restore), before taking the lock
        try:
            with transaction.atomic():
                locked = (
                    Workspace.objects.select_for_update()
                    .only("pk", "ended_at")
                    .get(pk=self.workspace.pk)
                )
                if not locked.is_open:
                    raise WorkspaceError("This workspace was reset; continue in the new one.")
                console = self._catch_up()
                if self._seq >= MAX_ENTRIES:
                    raise WorkspaceError(
                        f"This workspace holds {MAX_ENTRIES} commands, the most it can; "
                        "reset it to start again."
                    )
                result = console.run(line)
                # The unique (workspace, seq) constraint is the backstop: should a database
                # ignore the lock, the second append fails instead of reordering the log.
                WorkspaceEntry.objects.create(
                    workspace_id=self.workspace.pk, seq=self._seq + 1, line=line
                )
        except BaseException:
            self._forget()  # the console may be ahead of the log
            raise
        self._seq += 1
        self._line = line
        self._ran = True
        snapshots.save(self._key(), self._seq, line, console)
        return result

    @property
    def console(self) -> Console:
        """Return the console, brought up to the log.

        Right after this session ran a line, that is the console it ran it in (the world
        just after the line), handed out without reading the log again.
        """
        if self._ran and self._console is not None:
            return self._console
        return self._catch_up()

    @property
    def seq(self) -> int:
        """The number, in the log, of the last line this session's console has run."""
        return self._seq

    def _key(self) -> str:
        workspace = self.workspace
        return snapshots.snapshot_key(
            workspace.pk, workspace.created_at.isoformat(), workspace.scenario.content_version
        )

    def _forget(self) -> None:
        self._console, self._seq, self._line, self._ran = None, 0, "", False

    def _catch_up(self) -> Console:
        """Bring the console up to the log: restore the latest snapshot, run later lines."""
        from iamlab.world.cli import Console

        if self.workspace.pk is None:  # never saved: the scenario's world as it starts
            if self._console is None:
                self._console = Console(self.workspace.starting_world())
            return self._console
        if self._console is None:
            snapshot = snapshots.restore(self._key())
            if snapshot is not None:
                self._console, self._seq, self._line = (
                    snapshot.console,
                    snapshot.seq,
                    snapshot.line,
                )
        rows = self._rows_after()
        if rows is None:
            # The snapshot does not match the log, which wins: replay it from the start.
            self._forget()
            rows = self._rows_after() or []
        if self._console is None:
            self._console = Console(self.workspace.starting_world())
        for seq, line in rows:
            self._console.run(line)
            self._seq, self._line = seq, line
        if rows:
            snapshots.save(self._key(), self._seq, self._line, self._console)
        return self._console

    def _rows_after(self) -> list[tuple[int, str]] | None:
        """Return the log's lines after the console's; None if the log disagrees with it."""
        # The console's own last line is read back too: the log must hold it at that place.
        # Plain SQL: every page that shows a learner's world asks this, and the ORM would
        # spend more compiling the query than the database spends answering it.
        connection, quote = plain.reading(WorkspaceEntry)
        found = plain.fetch(
            connection,
            f"SELECT {quote('seq')}, {quote('line')} FROM "
            f"{quote(WorkspaceEntry._meta.db_table)} WHERE {quote('workspace_id')} = %s "
            f"AND {quote('seq')} >= %s ORDER BY {quote('seq')}",
            [self.workspace.pk, self._seq],
        )
        rows = [(int(seq), str(line)) for seq, line in found]
        if self._seq == 0:
            return rows
        if not rows or rows[0] != (self._seq, self._line):
            return None
        return rows[1:]


class WorkspaceEntry(models.Model):
    """One console line a learner ran, at its place in the workspace's log."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="entries")
    seq = models.PositiveIntegerField()
    line = models.TextField(max_length=MAX_LINE_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["workspace", "seq"]
        verbose_name_plural = "workspace entries"
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "seq"],
                name="workspaceentry_seq_unique_per_workspace",
                violation_error_message="This workspace already has an entry at this position.",
            ),
            models.CheckConstraint(
                condition=models.Q(seq__gte=1), name="workspaceentry_seq_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seq}: {self.line}"
