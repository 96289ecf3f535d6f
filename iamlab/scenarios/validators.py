"""Field validators for scenario content: policy documents (the engine's rules) and tags (IAM's).

Their errors (and a JSON value beyond the content limits) keep the JSON path apart, so
that a report can place the problem inside the field.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from iamlab.engine import PolicyType, validate_policy
from iamlab.world.names import check_tags as tag_problems


def policy_error(document: object, policy_type: str, path: str = "") -> dict[str, str] | None:
    """Return the engine's error for a policy document, or None when it is valid."""
    return validate_policy(document, PolicyType(policy_type), path)


class PolicyValidationError(ValidationError):
    """The engine's verdict on a policy document, keeping the JSON path apart for reports."""

    def __init__(self, error: dict[str, str]) -> None:
        self.json_path = error.get("path", "")
        where = f" at {self.json_path}" if self.json_path else ""
        # The engine's code is AWS's (MalformedPolicyDocument); the form shows it with the path.
        super().__init__(f"{error['code']}{where}: {error['message']}", code="invalid_policy")
        self.policy_message = f"{error['code']}: {error['message']}"


class JsonLimitError(ValidationError):
    """A JSON value beyond the limits, with the JSON path kept apart for reports."""

    def __init__(self, message: str, json_path: str) -> None:
        where = f"At {json_path}: " if json_path else ""
        super().__init__(f"{where}{message[0].upper()}{message[1:]}", code="json_limit")
        self.json_path = json_path
        self.policy_message = message[0].upper() + message[1:]


def check_policy_field(instance: models.Model, field: str, policy_type: str) -> None:
    """Raise a ValidationError on `field` when its policy document is not valid."""
    error = policy_error(getattr(instance, field), policy_type)
    if error is not None:
        raise ValidationError({field: PolicyValidationError(error)})


def tag_problem(tags: object) -> str | None:
    """Say what is wrong with a tag map, or None when it follows IAM's tag rules."""
    if not isinstance(tags, dict):
        return 'Give tags as an object of key to value, e.g. {"team": "reports"}.'
    problems = tag_problems(tags)
    if not problems:
        return None
    key, message = problems[0]
    return f"Tag {key!r}: {message}" if key else message


def check_tags(instance: models.Model, field: str) -> None:
    """Raise a ValidationError on `field` when its tags break AWS's rules."""
    problem = tag_problem(getattr(instance, field))
    if problem is not None:
        raise ValidationError({field: problem})
