"""Playing a step: the learner's world for it, performing its action, checking its goal.

The step pages call `open_step` and then, for a POST, one of the `Play` methods. A `Play`
holds the learner's progress rows and a session of their lesson workspace: the console is
restored once per request (from the workspace's snapshot, iamlab.scenarios.snapshots), and
an action then runs only the learner's new line in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from iamlab.engine import validate_policy
from iamlab.lessons.actions import (
    PolicyInputError,
    current_document,
    parse_policy_text,
    policy_line,
    target_policy_type,
)
from iamlab.lessons.goals import DECISIONS, GoalContext, checklist, goal_met
from iamlab.lessons.identities import Who, acting_as
from iamlab.lessons.models import Lesson, Progress, Step, StepProgress
from iamlab.scenarios.models import WorkspaceError
from iamlab.scenarios.models.workspaces import WorkspaceSession
from iamlab.world.cli.result import CommandResult

if TYPE_CHECKING:
    from django.http import HttpRequest

    from iamlab.world import Event
    from iamlab.world.cli import Console

# How many earlier lines (with what they printed) the console shows above its prompt.
HISTORY_LINES = 6
# What a kept output may hold (an assume-role answer is about 1,000 characters).
MAX_KEPT_OUTPUT = 8000


class StepLocked(Exception):
    """The step cannot be opened yet: an earlier one is not done. Carries the one to do."""

    def __init__(self, first_open: int) -> None:
        super().__init__(first_open)
        self.first_open = first_open


@dataclass
class Outcome:
    """What the learner's latest action printed, and the call that decided it."""

    line: str
    result: CommandResult | None
    event: Event | None
    problem: str = ""  # a message for the learner when nothing was run
    # Where in the learner's policy the engine found the mistake AWS refused it for.
    policy_place: str = ""

    @property
    def decision(self) -> str | None:
        return self.event.decision if self.event is not None else None

    @property
    def error_code(self) -> str | None:
        if self.event is not None and self.event.error and self.event.decision in (None, "Allowed"):
            return self.event.error.get("code")
        return None


@dataclass
class Play:
    """One learner on one step of one lesson, with their world."""

    lesson: Lesson
    step: Step
    progress: Progress
    row: StepProgress
    session: WorkspaceSession
    steps: list[Step] = field(default_factory=list)
    done_numbers: set[int] = field(default_factory=set)
    outcome: Outcome | None = None
    _console: Console | None = None

    # ---- reading ----------------------------------------------------------------------

    @property
    def console(self) -> Console:
        # Asking the session checks the log each time; the console is current between runs.
        if self._console is None:
            self._console = self.session.console
        return self._console

    @property
    def world(self) -> Any:
        return self.console.world

    @property
    def history(self) -> list[tuple[str, CommandResult]]:
        """Return the learner's latest lines in this lesson, with what each printed."""
        return [
            (entry["line"], CommandResult(entry["exit_code"], entry["stdout"], entry["stderr"]))
            for entry in self.progress.recent
        ]

    def last_outcome(self) -> Outcome | None:
        """Return the outcome of the learner's latest action on this step, as it was shown."""
        if self.outcome is not None:
            return self.outcome
        recent = self.progress.recent
        if not recent or recent[-1].get("step") != self.step.number:
            return None
        line, result = self.history[-1]
        return Outcome(line, result, self.outcome_event())

    def goal_context(self) -> GoalContext:
        return GoalContext(
            self.world,
            self.console,
            self.row.opened_seq,
            self.row.predicted_decision or None,
            self.row.actual_decision or None,
        )

    @property
    def done(self) -> bool:
        return self.row.done

    def checklist(self) -> list[tuple[str, bool]]:
        if self.step.goal is None:
            return [("Read the step, then continue.", self.done)]
        items = checklist(self.step.goal, self.goal_context(), evaluate=not self.done)
        # A step once done stays done (the learner may go back and redo it).
        return [(text, met or self.done) for text, met in items]

    def acting_as(self) -> Who | None:
        return acting_as(self.console)

    def time_left(self) -> int | None:
        """Return the seconds left on the acting session's credentials (world clock)."""
        who = self.acting_as()
        if who is None or who.expiration is None:
            return None
        return int((who.expiration - self.world.now()).total_seconds())

    def now(self) -> datetime:
        return self.world.now()

    def next_step(self) -> Step | None:
        return next((s for s in self.steps if s.number == self.step.number + 1), None)

    def policy_text(self) -> str:
        """Return what the policy editor starts with: the target's current document."""
        import json

        action = self.step.action
        document = action.get("start") or current_document(self.world, action["target"])
        return json.dumps(document or {"Version": "2012-10-17", "Statement": []}, indent=2)

    def outcome_event(self) -> Event | None:
        seq = self.row.outcome_seq
        if not seq or seq > len(self.world.events):
            return None
        return self.world.events[seq - 1]

    # ---- acting -----------------------------------------------------------------------

    def check_goal(self, save: bool = True) -> bool:
        """Mark the step done if its goal is met now; return whether it is done."""
        if self.row.done:
            return True
        if self.step.goal is not None and goal_met(self.step.goal, self.goal_context()):
            self._mark_done(save)
        return self.row.done

    def _mark_done(self, save: bool = True) -> None:
        """Mark the step (and the lesson, once every step is) done; save unless told not to."""
        now = timezone.now()
        self.row.done_at = now
        self.done_numbers.add(self.step.number)
        if self.progress.completed_at is None and all(
            s.number in self.done_numbers for s in self.steps
        ):
            self.progress.completed_at = now
            if save:
                self.progress.save(update_fields=["completed_at"])
        if save:
            self.row.save(update_fields=["done_at"])

    def read_on(self) -> None:
        """Complete a read step (its Continue button)."""
        if self.step.kind == "read" and not self.row.done:
            self._mark_done()

    def run(self, line: str) -> Outcome:
        """Run one console line in the lesson's workspace and check the goal."""
        before = len(self.world.events)
        try:
            result = self.session.run(line)
            self._console = None
        except WorkspaceError as error:
            self.outcome = Outcome(line, None, None, str(error))
            return self.outcome
        new = [e for e in self.world.events[before:] if e.parent_seq is None]
        event = new[-1] if new else None
        self.row.attempts += 1
        self.row.outcome_seq = event.seq if event is not None else 0
        entry = {
            "step": self.step.number,
            "line": line,
            "exit_code": result.exit_code,
            "stdout": result.stdout[:MAX_KEPT_OUTPUT],
            "stderr": result.stderr[:MAX_KEPT_OUTPUT],
        }
        self.progress.recent = [*self.progress.recent, entry][-HISTORY_LINES:]
        self.outcome = Outcome(line, result, event)
        self.check_goal(save=False)
        # One write each for the step's row and the lesson's, whatever changed.
        self.row.save(update_fields=["attempts", "outcome_seq", "done_at"])
        self.progress.save(update_fields=["recent", "completed_at"])
        return self.outcome

    def predict(self, decision: str) -> Outcome:
        """Record the learner's prediction, run the step's line, compare the decisions."""
        if decision not in DECISIONS:
            self.outcome = Outcome(
                "", None, None, "Choose one of the three decisions before running the command."
            )
            return self.outcome
        # Until the line has run there is nothing to compare the prediction with.
        self.row.predicted_decision = decision
        self.row.actual_decision = ""
        self.row.prediction_correct = None
        outcome = self.run(self.step.action["line"])
        actual = outcome.decision or ""
        self.row.actual_decision = actual
        self.row.prediction_correct = decision == actual
        self.check_goal(save=False)
        self.row.save(
            update_fields=["predicted_decision", "actual_decision", "prediction_correct", "done_at"]
        )
        if self.progress.completed_at is not None:
            self.progress.save(update_fields=["completed_at"])
        return outcome

    def put_policy(self, text: str) -> Outcome:
        """Send the learner's policy as the console line AWS would need."""
        action = self.step.action
        try:
            document = parse_policy_text(text)
        except PolicyInputError as error:
            self.outcome = Outcome("", None, None, str(error))
            return self.outcome
        outcome = self.run(policy_line(action["target"], action["profile"], document, self.world))
        if outcome.error_code == "MalformedPolicyDocument":
            # AWS's message says what is wrong but not where; the engine (which the world
            # validated with) names the JSON path.
            error = validate_policy(document, target_policy_type(action["target"]))
            if error is not None:
                outcome.policy_place = str(error.get("path", ""))
        return outcome

    def reveal_hint(self) -> None:
        if self.row.hints_revealed < len(self.step.hints):
            self.row.hints_revealed += 1
            self.row.save(update_fields=["hints_revealed"])

    def reveal_solution(self) -> None:
        if not self.row.solution_revealed:
            self.row.solution_revealed = True
            self.row.save(update_fields=["solution_revealed"])


def open_step(
    request: HttpRequest, lesson: Lesson, number: int, steps: list[Step], restore: bool = True
) -> Play:
    """Return the learner's play of step `number` of `lesson`, whose steps are `steps` in
    order; raise Step.DoesNotExist or StepLocked, and WorkspaceError if the learner's world
    cannot be built.

    The console is restored here unless `restore` is false and the learner has opened the
    step before (a page that may not need the world then asks `play.console` itself, and
    must be ready for its WorkspaceError).
    """
    step = next((s for s in steps if s.number == number), None)
    if step is None:
        raise Step.DoesNotExist(f"lesson {lesson.slug} has no step {number}")
    progress, rows = Progress.objects.for_request_with_rows(request, lesson)
    done = {n for n, row in rows.items() if row.done}
    first_open = next((s.number for s in steps if s.number not in done), steps[-1].number)
    if number > first_open:
        raise StepLocked(first_open)
    workspace = progress.workspace
    assert workspace is not None
    session = workspace.session()
    row = rows.get(number)
    console = None
    if restore or row is None:
        # Restored here, so that a scenario that no longer builds a world (WorkspaceError)
        # is found before anything is shown.
        console = session.console
    if row is None:
        assert console is not None
        try:
            with transaction.atomic():
                row = StepProgress.objects.create(
                    progress=progress, number=number, opened_seq=len(console.world.events)
                )
        except IntegrityError:
            row = StepProgress.objects.get(progress=progress, number=number)
    return Play(lesson, step, progress, row, session, steps, done, _console=console)
