"""Lessons and their steps (content, loaded from fixtures), and each learner's progress.

A lesson runs in its own workspace over its scenario (context "lesson:<slug>"), so
resetting a lesson starts a fresh world without touching the learner's other work.
Progress is kept as rows an instructor's dashboard can query: one per learner and lesson,
and one per step the learner opened (attempts, hints and solutions seen, predictions).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from iamlab.core import plain
from iamlab.scenarios.models import Scenario, Workspace, WorkspaceEntry
from iamlab.scenarios.models.content import new_content_version

if TYPE_CHECKING:
    from django.http import HttpRequest

# The session key under which an anonymous learner's progress rows are remembered, so that
# signing in (which gives the session a new key) can hand them to the signed-in learner.
SESSION_PROGRESS = "iamlab_lesson_progress"
MAX_HINTS = 10
# How many lessons (with their steps) each process keeps, checked against the database's
# content versions on every use.
LOCAL_LESSONS = 64
_local_lessons: OrderedDict[str, tuple[tuple[Any, ...], Lesson, list[Step]]] = OrderedDict()
_local_lock = threading.Lock()


def workspace_context(lesson_slug: str) -> str:
    """Return the workspace context of a lesson (docs/contracts.md, 4)."""
    return f"lesson:{lesson_slug}"


class Decision(models.TextChoices):
    ALLOWED = "Allowed", "Allowed"
    EXPLICITLY_DENIED = "ExplicitlyDenied", "Explicitly denied"
    IMPLICITLY_DENIED = "ImplicitlyDenied", "Implicitly denied"


class LessonManager(models.Manager["Lesson"]):
    def get_by_natural_key(self, slug: str) -> Lesson:
        return self.get(slug=slug)

    def visible_to(self, user: Any) -> models.QuerySet[Lesson]:
        """Return the lessons a user may open: published, over a published scenario.

        Staff see every one, so that they can try a lesson before publishing it.
        """
        if getattr(user, "is_staff", False):
            return self.all()
        return self.filter(published=True, scenario__published=True)

    def with_steps(self, user: Any, slug: str) -> tuple[Lesson, list[Step]]:
        """Return a lesson the user may open, with its scenario and its steps in order.

        The step pages ask this on every request. Each process keeps the lessons it has
        read (LOCAL_LESSONS of them), and uses one only while the database still has the
        same lesson: one plain query reads the lesson's and its scenario's content
        versions and whether both are published (`Lesson.content_version` changes with
        every save of the lesson or of one of its steps, and a step's delete; the
        scenario's with any change to its content). Callers must not change the objects
        returned: the next request may be handed the same ones. Raise Lesson.DoesNotExist.
        """
        state = self._state_of(slug)
        if state is None:
            raise Lesson.DoesNotExist(f"There is no lesson {slug!r}.")
        published, scenario_published = state[2], state[4]
        if not getattr(user, "is_staff", False) and not (published and scenario_published):
            raise Lesson.DoesNotExist(f"The lesson {slug!r} is not published.")
        with _local_lock:
            kept = _local_lessons.get(slug)
            if kept is not None and kept[0] == state:
                _local_lessons.move_to_end(slug)
                return kept[1], kept[2]
        lesson = self.select_related("scenario").get(pk=state[0])
        steps = list(Step.objects.filter(lesson=lesson).order_by("number"))
        for step in steps:
            step.lesson = lesson
        if (lesson.content_version, lesson.scenario.content_version) == (state[1], state[3]):
            # Kept only if nothing changed between the two reads.
            with _local_lock:
                _local_lessons[slug] = (state, lesson, steps)
                while len(_local_lessons) > LOCAL_LESSONS:
                    _local_lessons.popitem(last=False)
        return lesson, steps

    def _state_of(self, slug: str) -> tuple[Any, ...] | None:
        """Return the lesson's id, content version and published flag, and its scenario's
        content version and published flag; None if there is no such lesson."""
        # Plain SQL: the ORM would spend more compiling this query than the database
        # spends answering it, on every step page.
        connection, quote = plain.reading(Lesson)
        lesson, scenario = Lesson._meta.db_table, Scenario._meta.db_table
        row = plain.fetch_one(
            connection,
            f"SELECT l.{quote('id')}, l.{quote('content_version')}, l.{quote('published')},"
            f" s.{quote('content_version')}, s.{quote('published')}"
            f" FROM {quote(lesson)} l JOIN {quote(scenario)} s"
            f" ON s.{quote('id')} = l.{quote('scenario_id')}"
            f" WHERE l.{quote('slug')} = %s",
            [slug],
        )
        if row is None:
            return None
        return (row[0], row[1], bool(row[2]), row[3], bool(row[4]))


class Lesson(models.Model):
    """A sequence of steps over one scenario."""

    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=1000, blank=True)
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="lessons")
    order = models.PositiveIntegerField(default=0, help_text="Lessons are listed by this.")
    estimated_minutes = models.PositiveIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    published = models.BooleanField(default=True)
    # Replaced at every save of the lesson and every save or delete of one of its steps
    # (iamlab/lessons/versions.py), so that the copies processes keep are known stale.
    content_version = models.CharField(max_length=32, default=new_content_version, editable=False)

    objects = LessonManager()

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:overview", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["scenarios.scenario"]  # type: ignore[attr-defined]


class StepManager(models.Manager["Step"]):
    def get_by_natural_key(self, lesson_slug: str, number: int) -> Step:
        return self.get(lesson__slug=lesson_slug, number=number)


class Step(models.Model):
    """One step of a lesson: what the learner reads, does, and must achieve."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    title = models.CharField(max_length=200)
    narrative = models.TextField(max_length=20_000, help_text="Markdown; rendered and sanitized.")
    action = models.JSONField(help_text="What the learner does (docs/contracts.md, 5).")
    goal = models.JSONField(null=True, blank=True, help_text="When the step is done; null to read.")
    hints = models.JSONField(default=list, blank=True)
    solution = models.JSONField(null=True, blank=True)

    objects = StepManager()

    class Meta:
        ordering = ["lesson", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "number"], name="step_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="step_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson.slug} {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("lessons:step", args=[self.lesson.slug, self.number])

    def natural_key(self) -> tuple[str, int]:
        return (self.lesson.slug, self.number)

    natural_key.dependencies = ["lessons.lesson"]  # type: ignore[attr-defined]

    @property
    def kind(self) -> str:
        return str(self.action.get("kind", "")) if isinstance(self.action, dict) else ""

    def clean(self) -> None:
        # The checks that need the scenario's world (names, operations) run in the loader,
        # once per lesson; these need nothing but the step.
        if not isinstance(self.hints, list) or len(self.hints) > MAX_HINTS:
            raise ValidationError({"hints": f"give a list of at most {MAX_HINTS} hints."})
        for hint in self.hints:
            if not isinstance(hint, str) or not hint.strip() or len(hint) > 2000:
                raise ValidationError({"hints": "each hint is a non-empty string (2,000 at most)."})
        if self.kind == "read" and self.goal is not None:
            raise ValidationError({"goal": "a read step's goal is null: Continue completes it."})
        if self.kind not in ("read", "") and self.goal is None:
            raise ValidationError({"goal": f"a {self.kind} step needs a goal."})


def _learner(request: HttpRequest) -> dict[str, Any]:
    """Return the fields of Progress that name the learner making the request, if any."""
    if request.user.is_authenticated:
        return {"owner": request.user, "session_key": ""}
    if request.session.session_key:
        return {"owner": None, "session_key": request.session.session_key}
    return {}


class ProgressManager(models.Manager["Progress"]):
    def _open(self, lesson: Lesson, owner: Any, session_key: str) -> Progress | None:
        """Return the learner's open progress in the lesson with its workspace, if any: the
        owner's if there is an owner, else the anonymous session's."""
        # Plain SQL (iamlab/core/plain.py): every step page asks this.
        connection, quote = plain.reading(Progress)
        if owner is not None:
            whose, params = f"p.{quote('owner_id')} = %s", [owner.pk]
        else:
            whose = f"p.{quote('owner_id')} IS NULL AND p.{quote('session_key')} = %s"
            params = [session_key]
        entries = WorkspaceEntry._meta.db_table
        row = plain.fetch_one(
            connection,
            f"SELECT {plain.columns(Progress, 'p', connection)}, "
            f"{plain.columns(Workspace, 'w', connection)}, "
            f"(SELECT MAX(e.{quote('seq')}) FROM {quote(entries)} e "
            f"WHERE e.{quote('workspace_id')} = w.{quote('id')}) "
            f"FROM {quote(Progress._meta.db_table)} p "
            f"LEFT JOIN {quote(Workspace._meta.db_table)} w "
            f"ON w.{quote('id')} = p.{quote('workspace_id')} "
            f"WHERE p.{quote('lesson_id')} = %s AND p.{quote('ended_at')} IS NULL "
            f"AND {whose}",
            [lesson.pk, *params],
        )
        if row is None:
            return None
        split = plain.width(Progress)
        progress = plain.load(Progress, connection, row[:split])
        assert isinstance(progress, Progress)
        workspace = plain.load(Workspace, connection, row[split:-1])
        progress.lesson = lesson  # the caller holds both: spares reading them again
        if workspace is not None:
            assert isinstance(workspace, Workspace)
            # The log's last line as this query saw it (for a page that reads and shows,
            # as the step page does; see Workspace.last_seq for the number now).
            workspace.seq_when_read = int(row[-1] or 0)
            if workspace.scenario_id == lesson.scenario_id:
                workspace.scenario = lesson.scenario
            progress.workspace = workspace
        return progress

    def lookup(self, request: HttpRequest, lesson: Lesson) -> Progress | None:
        """Return the learner's open progress in the lesson, if any; never make one."""
        learner = _learner(request)
        return self._open(lesson, **learner) if learner else None

    def for_request_with_rows(
        self, request: HttpRequest, lesson: Lesson
    ) -> tuple[Progress, dict[int, StepProgress]]:
        """Return `for_request`'s progress with its step rows by number.

        A learner who has opened the lesson before gets both in two queries: the progress
        with its workspace, then the rows (both in plain SQL: the step pages ask this on
        every request, and the ORM would spend more compiling the queries than running
        them).
        """
        learner = _learner(request)
        progress = self._open(lesson, **learner) if learner else None
        workspace = progress.workspace if progress is not None else None
        if progress is None or workspace is None or not workspace.is_open:
            progress = self.for_request(request, lesson)
        connection, quote = plain.reading(StepProgress)
        rows = plain.fetch(
            connection,
            f"SELECT {plain.columns(StepProgress, 's', connection)} "
            f"FROM {quote(StepProgress._meta.db_table)} s "
            f"WHERE s.{quote('progress_id')} = %s ORDER BY s.{quote('number')}",
            [progress.pk],
        )
        by_number = {}
        for values in rows:
            row = plain.load(StepProgress, connection, values)
            assert isinstance(row, StepProgress)
            row.progress = progress
            by_number[row.number] = row
        return progress, by_number

    def for_request(self, request: HttpRequest, lesson: Lesson) -> Progress:
        """Return the learner's open progress in the lesson, made with its workspace if new."""
        learner = _learner(request)
        if learner:
            found = self._open(lesson, **learner)
            if found is not None and found.workspace is not None and found.workspace.is_open:
                return found  # the usual case: one query
        workspace = Workspace.objects.for_request(
            request, lesson.scenario, workspace_context(lesson.slug)
        )
        if request.user.is_authenticated:
            learner = {"owner": request.user, "session_key": ""}
        else:
            learner = {"owner": None, "session_key": request.session.session_key or ""}
        for _attempt in range(2):
            found = self._open(lesson, **learner)
            if found is not None:
                if found.workspace_id != workspace.pk:
                    found.follow(workspace)
                return found
            try:
                with transaction.atomic():
                    progress = self.create(lesson=lesson, workspace=workspace, **learner)
                break
            except IntegrityError:
                continue  # another request made it meanwhile (the constraints allow one)
        else:
            progress = self.get(lesson=lesson, ended_at__isnull=True, **learner)
        if not request.user.is_authenticated:
            remembered = request.session.get(SESSION_PROGRESS, [])
            if progress.pk not in remembered:
                request.session[SESSION_PROGRESS] = [*remembered, progress.pk]
        return progress

    def adopt_anonymous(self, request: HttpRequest, user: models.Model) -> int:
        """Give a learner who just signed in the progress they made before; return how many."""
        remembered = request.session.get(SESSION_PROGRESS, [])
        adopted = 0
        for progress in self.filter(pk__in=remembered, owner__isnull=True, ended_at__isnull=True):
            if self.filter(lesson=progress.lesson, owner=user, ended_at__isnull=True).exists():
                continue  # they already have progress of their own in this lesson: keep it
            progress.owner = user
            progress.session_key = ""
            try:
                with transaction.atomic():
                    progress.save(update_fields=["owner", "session_key"])
                    # Its workspace goes with it, unless the learner has their own there.
                    Workspace.objects.filter(
                        pk=progress.workspace_id, owner__isnull=True, ended_at__isnull=True
                    ).update(owner=user, session_key="")
            except IntegrityError:
                continue
            adopted += 1
        return adopted


class Progress(models.Model):
    """One learner's run through one lesson."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lesson_progress",
    )
    session_key = models.CharField(max_length=40, blank=True)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the learner reset the lesson; the rows are kept."
    )
    # The learner's latest commands with what they printed, for the console's history and
    # to show an outcome again on reload; the workspace's log stays the truth of the world.
    recent = models.JSONField(default=list, blank=True)

    objects = ProgressManager()

    class Meta:
        verbose_name_plural = "progress"
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(owner__isnull=False, session_key__gt=""),
                name="progress_one_learner",
            ),
            models.UniqueConstraint(
                fields=["lesson", "owner"],
                condition=models.Q(ended_at__isnull=True, owner__isnull=False),
                name="progress_one_open_per_owner",
            ),
            models.UniqueConstraint(
                fields=["lesson", "session_key"],
                condition=models.Q(ended_at__isnull=True, session_key__gt=""),
                name="progress_one_open_per_session",
            ),
        ]

    def __str__(self) -> str:
        learner = str(self.owner) if self.owner_id else "anonymous"
        return f"{self.lesson.slug} · {learner} · #{self.pk}"

    def steps_done(self) -> set[int]:
        return set(self.step_rows.filter(done_at__isnull=False).values_list("number", flat=True))

    def follow(self, workspace: Workspace) -> None:
        """Move to another workspace: the steps not done yet open afresh in its world."""
        self.workspace = workspace
        self.save(update_fields=["workspace"])
        self.step_rows.filter(done_at__isnull=True).delete()

    def end(self) -> None:
        """End this run and reset its workspace (rows and log are kept).

        The learner's next visit to the lesson starts a new run in the fresh workspace; an
        instructor resetting a student's lesson calls this alone.
        """
        with transaction.atomic():
            locked = Progress.objects.select_for_update().get(pk=self.pk)
            if locked.ended_at is None:
                locked.ended_at = timezone.now()
                locked.save(update_fields=["ended_at"])
            self.ended_at = locked.ended_at
            if locked.workspace is not None and locked.workspace.is_open:
                locked.workspace.reset()

    def reset(self, request: HttpRequest) -> Progress:
        """End this run (rows and log are kept) and start the lesson afresh."""
        self.end()
        return Progress.objects.for_request(request, self.lesson)


class StepProgress(models.Model):
    """What one learner did on one step: the row an instructor's dashboard reads."""

    progress = models.ForeignKey(Progress, on_delete=models.CASCADE, related_name="step_rows")
    number = models.PositiveIntegerField()
    # Calls logged after this event number count towards the step's goal.
    opened_seq = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Actions taken on this step.")
    hints_revealed = models.PositiveIntegerField(default=0)
    solution_revealed = models.BooleanField(default=False)
    predicted_decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    actual_decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    prediction_correct = models.BooleanField(null=True, blank=True)
    # The call that decided the learner's latest action here (its event number), shown again
    # when the page is reloaded; 0 when that action made no call.
    outcome_seq = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["progress", "number"]
        verbose_name_plural = "step progress"
        constraints = [
            models.UniqueConstraint(fields=["progress", "number"], name="stepprogress_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.progress} · step {self.number}"

    @property
    def done(self) -> bool:
        return self.done_at is not None
