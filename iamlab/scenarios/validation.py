"""Validate a scenario: every row on its own, then the world it builds, reported by place.

Below the models, which call it from `Scenario.validate()`: it is handed the rows and names
the model classes only in type hints.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models

from iamlab.scenarios.problems import ScenarioProblem, problem_for, validation_problems
from iamlab.scenarios.worldspec import build_spec, build_world
from iamlab.world import WorldSpecError

if TYPE_CHECKING:
    from iamlab.scenarios.models import Scenario


def validate_scenario(
    scenario: Scenario,
    rows: list[models.Model],
    already_checked: set[tuple[str, tuple[str, ...]]] | None = None,
) -> list[ScenarioProblem]:
    """Return every problem of a saved scenario: its rows, then the world they build.

    `already_checked` names rows (model label, natural key) validated a moment ago, which
    need not be validated again.
    """
    problems: list[ScenarioProblem] = []
    beyond_limits = False
    for row in rows:
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
