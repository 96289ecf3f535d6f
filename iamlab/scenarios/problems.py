"""A problem with scenario content, placed as precisely as is known: file, object, field, path.

The loaders, the validation of a whole scenario and the models' own reports all word their
problems with these, so a report reads the same wherever it came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from iamlab.scenarios.validators import JsonLimitError, PolicyValidationError


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
