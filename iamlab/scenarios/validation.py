"""Validate a scenario: every row on its own, then the world it builds, reported by place."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from iamlab.scenarios.models import Scenario, scenario_content
from iamlab.scenarios.models.content import JsonLimitError
from iamlab.scenarios.policies import PolicyValidationError
from iamlab.scenarios.worldspec import build_spec, build_world
from iamlab.world import WorldSpecError


@dataclass(frozen=True)
class ScenarioProblem:
    """One thing wrong with a scenario, placed as precisely as is known."""

    message: str
    model: str = ""  # "scenarios.role"
    natural_key: tuple[str, ...] = ()
    field: str = ""
    json_path: str = ""
    file: str = ""
    # The position of the object in its fixture file (0-based), when it came from one.
    index: int | None = None

    def place(self) -> str:
        """Say where the problem is: file, object, field and JSON path."""
        parts = []
        if self.file:
            parts.append(self.file if self.index is None else f"{self.file}, object {self.index}")
        if self.model:
            key = json.dumps(list(self.natural_key)) if self.natural_key else ""
            parts.append(f"{self.model} {key}".rstrip())
        if self.field:
            parts.append(
                f"field {self.field}" + (f" at {self.json_path}" if self.json_path else "")
            )
        elif self.json_path:
            parts.append(f"at {self.json_path}")
        return ", ".join(parts)

    def __str__(self) -> str:
        place = self.place()
        return f"{place}: {self.message}" if place else self.message

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "index": self.index,
            "model": self.model,
            "natural_key": list(self.natural_key),
            "field": self.field,
            "json_path": self.json_path,
            "message": self.message,
        }


def problem_for(
    instance: models.Model,
    field: str,
    message: str,
    json_path: str = "",
    natural_key: tuple[str, ...] | None = None,
) -> ScenarioProblem:
    """Build a problem about one model object."""
    if natural_key is None:
        natural_key = tuple(str(part) for part in instance.natural_key())  # type: ignore[attr-defined]
    return ScenarioProblem(
        message=message,
        model=instance._meta.label_lower,
        natural_key=natural_key,
        field=field,
        json_path=json_path,
    )


def validation_problems(
    instance: models.Model, error: ValidationError, natural_key: tuple[str, ...] | None = None
) -> list[ScenarioProblem]:
    """Turn a model's ValidationError into problems, one per message."""
    problems = []
    for field, errors in error.error_dict.items():
        for each in errors:
            if isinstance(each, (PolicyValidationError, JsonLimitError)):
                message, json_path = each.policy_message, each.json_path
            else:
                message, json_path = " ".join(each), ""
            place = "" if field == NON_FIELD_ERRORS else field
            problems.append(problem_for(instance, place, message, json_path, natural_key))
    return problems


def validate_scenario(
    scenario: Scenario, already_checked: set[tuple[str, tuple[str, ...]]] | None = None
) -> list[ScenarioProblem]:
    """Return every problem of a saved scenario: its rows, then the world they build.

    `already_checked` names rows (model label, natural key) validated a moment ago, which
    need not be validated again.
    """
    problems: list[ScenarioProblem] = []
    beyond_limits = False
    for row in scenario_content(scenario):
        key = (row._meta.label_lower, tuple(str(part) for part in row.natural_key()))  # type: ignore[attr-defined]
        if already_checked and key in already_checked:
            continue
        try:
            # Saved rows already passed the database's unique and check constraints (a
            # fixture loaded with loaddata too); what only Python checks is left: field
            # validators and clean(), which runs every policy through the engine.
            row.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            problems.extend(validation_problems(row, error))
            beyond_limits = beyond_limits or bool(row.limit_problems())  # type: ignore[attr-defined]
    if beyond_limits:
        # A value too deep or too large is not handed to the world: the problems above say
        # what to fix, and the world is checked once they are fixed.
        return problems
    reported = {(p.model, p.natural_key, p.field) for p in problems}
    for problem in world_problems(scenario):
        if (problem.model, problem.natural_key, problem.field) not in reported:
            problems.append(problem)
    return problems


def world_problems(scenario: Scenario) -> list[ScenarioProblem]:
    """Build the scenario's world and return the problems the world finds, placed in the models."""
    build = build_spec(scenario)
    try:
        build_world(build.spec)
    except WorldSpecError as error:
        problems = []
        for world_problem in error.problems:
            location = build.locate(world_problem.path)
            if location is None:
                problems.append(
                    replace(
                        problem_for(scenario, "", world_problem.message),
                        json_path=world_problem.path,
                    )
                )
            else:
                problems.append(
                    problem_for(
                        location.instance, location.field, world_problem.message, location.json_path
                    )
                )
        return problems
    except Exception as error:
        # The world promises WorldSpecError for every bad spec; anything else is a bug in
        # the world, still reported in the place it was found rather than as a crash.
        return [
            problem_for(
                scenario, "", f"the world could not be built ({type(error).__name__}: {error})."
            )
        ]
    return []
