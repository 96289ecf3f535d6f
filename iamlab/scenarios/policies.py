"""Checks on the JSON a scenario holds: policy documents (through the engine) and tags."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from iamlab.engine import PolicyType, validate_policy

MAX_TAGS = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256
TAG_KEY_PUNCTUATION = frozenset("_.:/=+-@")


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


def check_policy_field(instance: models.Model, field: str, policy_type: str) -> None:
    """Raise a ValidationError on `field` when its policy document is not valid."""
    error = policy_error(getattr(instance, field), policy_type)
    if error is not None:
        raise ValidationError({field: PolicyValidationError(error)})


def tag_problem(tags: object) -> str | None:
    """Say what is wrong with a tag map, or None when it follows AWS's tag rules."""
    if not isinstance(tags, dict):
        return 'Give tags as an object of key to value, e.g. {"team": "reports"}.'
    if len(tags) > MAX_TAGS:
        return f"At most {MAX_TAGS} tags are allowed; there are {len(tags)}."
    lowered: set[str] = set()
    for key, value in tags.items():
        if not 1 <= len(key) <= MAX_TAG_KEY_LENGTH:
            return f"Tag key {key!r} must be 1 to {MAX_TAG_KEY_LENGTH} characters."
        if not all(c.isalnum() or c.isspace() or c in TAG_KEY_PUNCTUATION for c in key):
            return f"Tag key {key!r} may hold only letters, digits, spaces and _ . : / = + - @."
        if key.lower().startswith("aws:"):
            return f"Tag key {key!r} starts with aws:, which AWS reserves for its own tags."
        if key.lower() in lowered:
            return f"Tag key {key!r} appears twice (tag keys ignore case)."
        lowered.add(key.lower())
        if not isinstance(value, str) or len(value) > MAX_TAG_VALUE_LENGTH:
            return (
                f"The value of tag {key!r} must be a string of at most "
                f"{MAX_TAG_VALUE_LENGTH} characters."
            )
    return None


def check_tags(instance: models.Model, field: str) -> None:
    """Raise a ValidationError on `field` when its tags break AWS's rules."""
    problem = tag_problem(getattr(instance, field))
    if problem is not None:
        raise ValidationError({field: problem})
