"""Load lesson fixtures safely, and write lessons back out as fixtures.

`load_lessons` is what `manage.py loadlessons` runs, with `loadscenario`'s guarantees: the
files are read and every object checked (model, fields and their types, the scenario and
lesson each refers to, step numbers 1, 2, 3... without gaps, and each step's action, goal
and solution against the lesson's scenario world); every problem is listed with its place
and, where one is near, a "did you mean"; on any problem nothing is saved.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core import serializers
from django.db import transaction

from iamlab.lessons.actions import action_problems, solution_problems
from iamlab.lessons.goals import GoalProblem, goal_problems, goal_uses_prediction
from iamlab.lessons.models import Lesson, Step
from iamlab.scenarios.loading import LoadResult, format_fixture, read_fixture_list, save_object
from iamlab.scenarios.models import Scenario
from iamlab.scenarios.problems import ScenarioProblem
from iamlab.world import World, WorldSpecError

MAX_STEPS = 100
MODELS = {"lessons.lesson": Lesson, "lessons.step": Step}
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# name -> (the JSON type in words, Python types, required)
LESSON_FIELDS: dict[str, tuple[str, tuple[type, ...], bool]] = {
    "slug": ("a string", (str,), True),
    "title": ("a string", (str,), True),
    "summary": ("a string", (str,), False),
    "scenario": ('the scenario\'s natural key, e.g. ["iam-roles"]', (list,), True),
    "order": ("a whole number", (int,), False),
    "estimated_minutes": ("a whole number", (int,), False),
    "published": ("true or false", (bool,), False),
}
STEP_FIELDS: dict[str, tuple[str, tuple[type, ...], bool]] = {
    "lesson": ('the lesson\'s natural key, e.g. ["roles"]', (list,), True),
    "number": ("a whole number from 1", (int,), True),
    "title": ("a string", (str,), True),
    "narrative": ("a string of Markdown", (str,), True),
    "action": ('an object, e.g. {"kind": "console"}', (dict,), True),
    "goal": ("a goal object, or null for a read step", (dict, type(None)), False),
    "hints": ("a list of strings", (list,), False),
    "solution": ("an object, or null for a read step", (dict, type(None)), False),
}


@dataclass
class LessonObject:
    """One object of a lesson fixture, as written."""

    file: str
    index: int
    label: str
    fields: dict[str, Any]

    def natural_key(self) -> tuple[str, ...]:
        if self.label == "lessons.lesson":
            return (str(self.fields.get("slug", "")),)
        lesson = self.fields.get("lesson")
        slug = str(lesson[0]) if isinstance(lesson, list) and lesson else ""
        return (slug, str(self.fields.get("number", "")))

    @property
    def slug(self) -> str:
        return self.natural_key()[0]

    def problem(self, message: str, field: str = "", json_path: str = "") -> ScenarioProblem:
        return ScenarioProblem(
            message=message,
            model=self.label,
            natural_key=self.natural_key(),
            field=field,
            json_path=json_path,
            file=self.file,
            index=self.index,
        )


def _suggest(value: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f' Did you mean "{close[0]}"?' if close else ""


def read_lesson_fixture(
    path: Path, display: str
) -> tuple[list[LessonObject], list[ScenarioProblem]]:
    """Read one fixture file into objects, or say exactly why it cannot be read."""

    def file_problem(message: str, index: int | None = None) -> ScenarioProblem:
        return ScenarioProblem(message=message, file=display, index=index)

    data, problems = read_fixture_list(path, display)
    objects = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("fields"), dict):
            problems.append(file_problem('give {"model": ..., "fields": {...}}.', index))
            continue
        label = str(item.get("model", "")).lower()
        extra = sorted(set(item) - {"model", "fields"})
        if label not in MODELS:
            problems.append(
                file_problem(
                    f"unknown model {json.dumps(item.get('model'))}; a lesson fixture holds "
                    f"{' and '.join(MODELS)}.{_suggest(label, list(MODELS))}",
                    index,
                )
            )
            continue
        if extra:
            problems.append(
                file_problem(
                    f"unexpected key(s) {', '.join(extra)}; an object has model and fields "
                    "(lessons refer to each other by natural key, never by pk).",
                    index,
                )
            )
            continue
        objects.append(LessonObject(display, index, label, item["fields"]))
    return objects, problems


def _field_problems(item: LessonObject) -> list[ScenarioProblem]:
    """Check field names, JSON types and required fields."""
    spec = LESSON_FIELDS if item.label == "lessons.lesson" else STEP_FIELDS
    problems = []
    for name, value in item.fields.items():
        if name not in spec:
            problems.append(
                item.problem(
                    f"{item.label} has no field {json.dumps(name)}.{_suggest(name, list(spec))} "
                    f"Its fields: {', '.join(spec)}.",
                    field=name,
                )
            )
            continue
        wording, types, _required = spec[name]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            problems.append(
                item.problem(f"expected {wording}, got {json.dumps(value)[:200]}.", field=name)
            )
    problems += [
        item.problem(f"{name} is required: give {wording}.", field=name)
        for name, (wording, _types, required) in spec.items()
        if required and name not in item.fields
    ]
    if item.label == "lessons.lesson" and isinstance(item.fields.get("slug"), str):
        slug = item.fields["slug"]
        if not SLUG.fullmatch(slug) or len(slug) > 64:
            problems.append(
                item.problem(
                    "a slug is 1-64 lowercase letters and digits joined by hyphens, like "
                    '"roles" or "trust-policies".',
                    field="slug",
                )
            )
    if isinstance(item.fields.get("number"), int) and not 1 <= item.fields["number"] <= MAX_STEPS:
        problems.append(item.problem(f"a step number is 1 to {MAX_STEPS}.", field="number"))
    return problems


def _reference(
    item: LessonObject, name: str, candidates: list[str], noun: str
) -> tuple[str | None, list[ScenarioProblem]]:
    value = item.fields.get(name)
    if not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)):
        return None, [
            item.problem(
                f"refer to the {noun} by its natural key, a list of one string, "
                f'e.g. ["{candidates[0] if candidates else "my-" + noun}"]; '
                f"got {json.dumps(value)}.",
                field=name,
            )
        ]
    if value[0] not in candidates:
        return None, [
            item.problem(
                f"no {noun} {json.dumps(value)} exists (it must be in this load or already be "
                f"loaded).{_suggest(value[0], candidates)}",
                field=name,
            )
        ]
    return value[0], []


def _placed(item: LessonObject, field_name: str, found: list[GoalProblem]) -> list[ScenarioProblem]:
    return [item.problem(p.message, field=field_name, json_path=p.json_path) for p in found]


def _step_problems(item: LessonObject, world: World) -> list[ScenarioProblem]:
    """Check a step's action, goal and solution against the lesson's scenario world."""
    fields = item.fields
    action = fields.get("action")
    problems = _placed(item, "action", action_problems(world, action))
    kind = action.get("kind") if isinstance(action, dict) else None
    goal = fields.get("goal")
    if kind == "read":
        if goal is not None:
            problems.append(
                item.problem("a read step's goal is null: Continue completes it.", field="goal")
            )
    elif goal is None:
        problems.append(item.problem(f"a {kind} step needs a goal.", field="goal"))
    else:
        problems += _placed(item, "goal", goal_problems(goal, world))
        if kind != "predict" and goal_uses_prediction(goal):
            problems.append(
                item.problem(
                    "only a predict step can have a prediction goal; this step's action is "
                    f"{json.dumps(kind)}.",
                    field="goal",
                )
            )
    if kind is not None:
        problems += _placed(item, "solution", solution_problems(kind, fields.get("solution")))
    hints = fields.get("hints", [])
    if isinstance(hints, list):
        for position, hint in enumerate(hints):
            if not isinstance(hint, str) or not hint.strip():
                problems.append(
                    item.problem("a hint is a non-empty string.", "hints", f"[{position}]")
                )
    return problems


def _numbering_problems(slug: str, steps: list[LessonObject]) -> list[ScenarioProblem]:
    numbers = sorted(s.fields["number"] for s in steps if isinstance(s.fields.get("number"), int))
    problems = []
    seen: set[int] = set()
    for step in steps:
        number = step.fields.get("number")
        if number in seen:
            problems.append(
                step.problem(f"lesson {json.dumps(slug)} has two steps number {number}.", "number")
            )
        seen.add(number)  # type: ignore[arg-type]
    missing = sorted(set(range(1, (max(numbers) if numbers else 0) + 1)) - seen)
    if missing:
        problems.append(
            ScenarioProblem(
                message=f"the steps are numbered {', '.join(map(str, numbers))}; they run 1, 2, "
                f"3... without gaps (missing {', '.join(map(str, missing))}).",
                model="lessons.lesson",
                natural_key=(slug,),
                file=steps[0].file,
            )
        )
    return problems


def load_lessons(paths: Iterable[str | Path], *, skip_existing: bool = False) -> LoadResult:
    """Load lesson fixture files in one transaction; on any problem, load nothing and say why."""
    result = LoadResult()
    objects: list[LessonObject] = []
    for path in paths:
        read, problems = read_lesson_fixture(Path(path), str(path))
        objects += read
        result.problems += problems

    existing = set(Lesson.objects.values_list("slug", flat=True))
    if skip_existing:
        kept = []
        for item in objects:
            if item.slug in existing:
                if item.slug not in result.skipped:
                    result.skipped.append(item.slug)
            else:
                kept.append(item)
        objects = kept

    lessons = [item for item in objects if item.label == "lessons.lesson"]
    steps = [item for item in objects if item.label == "lessons.step"]
    for item in objects:
        result.problems += _field_problems(item)
    scenario_slugs = list(Scenario.objects.values_list("slug", flat=True))
    lesson_scenario: dict[str, str] = dict(
        Lesson.objects.values_list("slug", "scenario__slug")  # type: ignore[arg-type]
    )
    seen_lessons: dict[str, LessonObject] = {}
    for item in lessons:
        if item.slug in seen_lessons:
            first = seen_lessons[item.slug]
            result.problems.append(
                item.problem(
                    f"the lesson is defined twice; it was already defined in {first.file}, "
                    f"object {first.index}. Give each once."
                )
            )
            continue
        seen_lessons[item.slug] = item
        scenario, problems = _reference(item, "scenario", scenario_slugs, "scenario")
        result.problems += problems
        if scenario is not None:
            lesson_scenario[item.slug] = scenario

    worlds: dict[str, World | None] = {}
    by_lesson: dict[str, list[LessonObject]] = {}
    known_lessons = sorted(set(existing) | set(seen_lessons))
    for item in steps:
        slug, problems = _reference(item, "lesson", known_lessons, "lesson")
        result.problems += problems
        if slug is None:
            continue
        by_lesson.setdefault(slug, []).append(item)
        scenario_slug = lesson_scenario.get(slug)
        if scenario_slug is None:
            continue  # its lesson's scenario is already reported
        if scenario_slug not in worlds:
            try:
                worlds[scenario_slug] = Scenario.objects.get(slug=scenario_slug).to_world()
            except WorldSpecError:
                worlds[scenario_slug] = None
                result.problems.append(
                    item.problem(
                        f"the scenario {json.dumps(scenario_slug)} does not build a world "
                        "(see `python manage.py check`), so its lesson's goals cannot be checked."
                    )
                )
        world = worlds[scenario_slug]
        if world is not None:
            result.problems += _step_problems(item, world)
    for slug in seen_lessons:
        if not by_lesson.get(slug):
            result.problems.append(
                seen_lessons[slug].problem("a lesson needs at least one step (lessons.step).")
            )
    for slug, lesson_steps in by_lesson.items():
        if slug in seen_lessons:
            result.problems += _numbering_problems(slug, lesson_steps)
        else:
            result.problems.append(
                lesson_steps[0].problem(
                    f"the lesson {json.dumps(slug)} is not in this load: load a lesson together "
                    "with all of its steps, so that its numbering can be checked."
                )
            )
    if result.problems:
        return result

    with transaction.atomic():
        for item in lessons:
            if item.slug in existing:
                result.replaced.append(item.slug)
                Step.objects.filter(lesson__slug=item.slug).delete()
            result.problems += save_object(item)
            result.loaded[item.slug] = 0
        for item in sorted(steps, key=lambda s: (s.slug, s.fields.get("number", 0))):
            problems = save_object(item)
            result.problems += problems
            if not problems:
                result.loaded[item.slug] = result.loaded.get(item.slug, 0) + 1
        result.undo_if_refused()
    return result


def dump_lesson(lesson: Lesson) -> str:
    """Return the lesson and its steps as a fixture with natural keys."""
    objects = serializers.serialize(
        "python",
        [lesson, *lesson.steps.order_by("number")],
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    for item in objects:
        # A cache key the database keeps, not content: loading always makes a new one.
        item["fields"].pop("content_version", None)
    return format_fixture(objects) + "\n"
