"""Load a fixture uploaded in the browser with the loaders' guarantees.

One file may hold a scenario, lessons, or both. Its scenario objects go to `loadscenario`'s
loader and its lesson objects to `loadlessons`', in one transaction: if either finds a
problem, nothing of the file is saved. Every problem keeps its place in the file as
uploaded (the object's index, the field, the JSON path).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.db import transaction

from iamlab.lessons.loading import load_lessons
from iamlab.lessons.models import Lesson
from iamlab.scenarios.loading import MAX_FIXTURE_BYTES, load_fixtures
from iamlab.scenarios.models import Scenario
from iamlab.scenarios.problems import ScenarioProblem

MAX_UPLOAD_BYTES = MAX_FIXTURE_BYTES
MAX_NAME = 100


@dataclass
class UploadResult:
    scenarios: list[str] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)
    problems: list[ScenarioProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    published: bool = False  # everything loaded was published at once

    @property
    def ok(self) -> bool:
        return not self.problems


def display_name(name: str) -> str:
    """Return the uploaded file's own name, as problems cite it (no client path)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (base or "upload.json")[:MAX_NAME]


def _split(data: bytes) -> tuple[list[int], list[int]] | None:
    """Return the indexes of the scenario objects and of the lesson objects, when readable."""
    try:
        objects = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(objects, list):
        return None
    scenario_part, lesson_part = [], []
    for index, item in enumerate(objects):
        label = item.get("model") if isinstance(item, dict) else None
        if isinstance(label, str) and label.lower().startswith("lessons."):
            lesson_part.append(index)
        else:
            scenario_part.append(index)
    return scenario_part, lesson_part


def _placed(
    problems: list[ScenarioProblem], name: str, indexes: list[int]
) -> list[ScenarioProblem]:
    """Put each problem back in the uploaded file: its name and the object's index there."""
    placed = []
    for problem in problems:
        index = problem.index
        if index is not None and 0 <= index < len(indexes):
            index = indexes[index]
        placed.append(replace(problem, file=name, index=index))
    return placed


def _write_part(folder: Path, name: str, objects: list[Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(objects), encoding="utf-8")
    return path


def load_upload(name: str, data: bytes, *, publish: bool = False) -> UploadResult:
    """Load an uploaded fixture, all or nothing.

    With `publish`, everything loaded is published. Otherwise new scenarios and lessons
    are unpublished and replaced ones keep their state.
    """
    name = display_name(name)
    result = UploadResult()
    if len(data) > MAX_UPLOAD_BYTES:
        result.problems.append(
            ScenarioProblem(
                message=f"the file is {len(data)} bytes; a fixture may be at most "
                f"{MAX_UPLOAD_BYTES}.",
                file=name,
            )
        )
        return result
    split = _split(data)
    with tempfile.TemporaryDirectory(prefix="iamlab-upload-") as scratch:
        folder = Path(scratch)
        if split is None:
            # Not a readable JSON list: the scenario loader says exactly what is wrong.
            raw = folder / "upload.json"
            raw.write_bytes(data)
            scenario_file: Path | None = raw
            scenario_indexes: list[int] = []
            lesson_file: Path | None = None
            lesson_indexes: list[int] = []
        else:
            objects = json.loads(data.decode("utf-8"))
            scenario_indexes, lesson_indexes = split
            scenario_file = (
                _write_part(folder, "scenarios.json", [objects[i] for i in scenario_indexes])
                if scenario_indexes
                else None
            )
            lesson_file = (
                _write_part(folder, "lessons.json", [objects[i] for i in lesson_indexes])
                if lesson_indexes
                else None
            )
            if scenario_file is None and lesson_file is None:
                result.problems.append(
                    ScenarioProblem(
                        message="the file is an empty list; give the objects of a scenario "
                        "or of lessons.",
                        file=name,
                    )
                )
                return result
        # What students saw before: a replaced scenario or lesson keeps being published or
        # not (fixing a live lesson must not hide it); new ones wait to be published.
        was_published = {
            Scenario: dict(Scenario.objects.values_list("slug", "published")),
            Lesson: dict(Lesson.objects.values_list("slug", "published")),
        }
        with transaction.atomic():
            if scenario_file is not None:
                loaded = load_fixtures([scenario_file])
                result.problems += _placed(loaded.problems, name, scenario_indexes)
                result.notes += loaded.notes
                result.scenarios = sorted(loaded.loaded)
            if lesson_file is not None:
                if result.problems:
                    result.notes.append(
                        "The lessons in the file were not checked: their scenario did not "
                        "load. They are checked once the problems above are fixed."
                    )
                else:
                    lessons = load_lessons([lesson_file])
                    result.problems += _placed(lessons.problems, name, lesson_indexes)
                    result.lessons = sorted(lessons.loaded)
            if result.problems:
                transaction.set_rollback(True)
                result.scenarios, result.lessons = [], []
                return result
            for model, slugs in ((Scenario, result.scenarios), (Lesson, result.lessons)):
                if publish:
                    model.objects.filter(slug__in=slugs).update(published=True)
                    result.published = True
                    continue
                before = was_published[model]
                for state in (True, False):
                    kept = [slug for slug in slugs if before.get(slug, False) is state]
                    model.objects.filter(slug__in=kept).update(published=state)
    return result
