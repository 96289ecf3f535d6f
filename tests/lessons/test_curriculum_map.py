"""The curriculum: docs/curriculum.md names the step that teaches each idea and belief, and
every lesson after the first two asks a prediction and ends at its scenario's console."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
CURRICULUM_MAP = ROOT / "docs" / "curriculum.md"
LESSON_FIXTURES = ROOT / "fixtures" / "lessons"
MAP_HEADER = ["lesson", "step", "step title"]


@dataclass(frozen=True)
class Row:
    line: int
    teaches: str
    lesson: str
    step: str
    title: str


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def map_rows(text: str) -> list[Row]:
    """Return the rows of every table whose last three columns are lesson, step, step title."""
    rows: list[Row] = []
    in_map = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("|"):
            in_map = False
            continue
        row = cells(line)
        if row[1:] == MAP_HEADER:
            in_map = True
            continue
        if not in_map or set(line) <= set("|- "):
            continue
        assert len(row) == 4, f"docs/curriculum.md line {number}: expected 4 cells, got {row}"
        lesson = re.fullmatch(r"`([a-z0-9-]+)`", row[1])
        assert lesson, f"docs/curriculum.md line {number}: the lesson must be a `slug`: {row[1]}"
        rows.append(Row(number, row[0], lesson.group(1), row[2], row[3]))
    return rows


def lesson_steps() -> dict[tuple[str, int], str]:
    """Return every step title of the lesson fixtures, keyed by (lesson slug, step number)."""
    steps: dict[tuple[str, int], str] = {}
    for path in sorted(LESSON_FIXTURES.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            if item["model"] == "lessons.step":
                fields = item["fields"]
                steps[(fields["lesson"][0], fields["number"])] = fields["title"]
    return steps


def missing_steps(rows: list[Row], steps: dict[tuple[str, int], str]) -> list[str]:
    """Say, for each row, what is wrong with the step it names (nothing when it exists)."""
    problems = []
    for row in rows:
        where = f"docs/curriculum.md line {row.line}"
        if not row.step.isdigit():
            problems.append(f"{where}: the step must be a number, not {row.step!r}")
            continue
        title = steps.get((row.lesson, int(row.step)))
        if title is None:
            problems.append(f"{where}: lesson {row.lesson} has no step {row.step}")
        elif title != row.title:
            problems.append(
                f"{where}: step {row.step} of lesson {row.lesson} is {title!r}, not {row.title!r}"
            )
    return problems


ROWS = map_rows(CURRICULUM_MAP.read_text(encoding="utf-8"))


def test_the_map_has_every_idea_and_belief_of_the_curriculum() -> None:
    # 13 ideas of the note (its trust-policy row split in two), 9 topics beyond it, 10 beliefs.
    assert len(ROWS) == 32
    assert len({row.teaches for row in ROWS}) == len(ROWS)


def test_every_step_the_map_names_is_in_the_lesson_fixtures() -> None:
    assert missing_steps(ROWS, lesson_steps()) == []


def test_a_renamed_or_removed_step_is_named_with_its_line() -> None:
    steps = lesson_steps()
    steps[("service-roles", 5)] = "Predict: something else"
    del steps[("federation", 5)]
    passrole = next(row for row in ROWS if row.teaches.startswith('"iam:PassRole'))
    no_user = next(row for row in ROWS if row.teaches.startswith('"Federated users'))

    assert missing_steps([passrole, no_user], steps) == [
        f"docs/curriculum.md line {passrole.line}: step 5 of lesson service-roles is "
        "'Predict: something else', not 'Predict: alice switches the role'",
        f"docs/curriculum.md line {no_user.line}: lesson federation has no step 5",
    ]


def test_a_row_that_names_no_step_number_is_a_problem() -> None:
    roles_row = next(row for row in ROWS if row.lesson == "roles")
    chaining_row = next(row for row in ROWS if row.lesson == "role-chaining")
    postponed = replace(chaining_row, step="TBD", title="TBD")

    assert missing_steps([roles_row, postponed], lesson_steps()) == [
        f"docs/curriculum.md line {chaining_row.line}: the step must be a number, not 'TBD'"
    ]


def curriculum_lessons() -> list[tuple[dict, list[dict]]]:
    """Return every built-in lesson, each with its steps in order."""
    lessons = []
    for path in sorted(LESSON_FIXTURES.glob("*.json")):
        objects = json.loads(path.read_text(encoding="utf-8"))
        lesson = objects[0]["fields"]
        steps = sorted(
            (item["fields"] for item in objects if item["model"] == "lessons.step"),
            key=lambda fields: fields["number"],
        )
        lessons.append((lesson, steps))
    return lessons


def test_each_lesson_asks_a_prediction_and_ends_at_its_scenarios_console() -> None:
    lessons = curriculum_lessons()
    assert [lesson["order"] for lesson, _ in lessons] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    for lesson, steps in lessons:
        console = f"/console/{lesson['scenario'][0]}/"
        assert any(step["action"]["kind"] == "predict" for step in steps), lesson["slug"]
        assert steps[-1]["action"]["kind"] == "read", lesson["slug"]
        assert f"]({console})" in steps[-1]["narrative"], lesson["slug"]
        assert resolve(console).url_name == "page"
