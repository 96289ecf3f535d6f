"""Policy variables: `${key}`, `${key, 'default'}` and the literals `${*}`, `${?}`, `${$}`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from iamlab.engine.wildcard import Segment

VARIABLE_VERSION = "2012-10-17"  # older or absent Version: `${...}` is literal text
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Variable:
    """A reference to a request context key, with an optional default."""

    key: str  # lower-cased: key names are case-insensitive
    default: str | None


# A template part: text where wildcards count, literal text, or a variable.
TemplatePart = tuple[str, bool] | Variable


@dataclass(frozen=True, slots=True)
class Template:
    """A string with policy variables, resolved per request."""

    parts: tuple[TemplatePart, ...]


def _parse_variable(body: str) -> TemplatePart | None:
    """Parse what is between `${` and `}`; None when it is not a variable."""
    if body in _SPECIAL:
        return (_SPECIAL[body], False)
    key, comma, rest = body.partition(",")
    key = key.strip()
    if not key or any(c.isspace() for c in key) or "$" in key or "{" in key:
        return None
    if not comma:
        return Variable(key.lower(), None)
    rest = rest.strip()
    if len(rest) >= 2 and rest[0] == "'" and rest[-1] == "'":
        return Variable(key.lower(), rest[1:-1])
    return None


def parse_template(text: str, start: int = 0) -> Template | None:
    """Parse variables that begin at or after `start`; None when there are none."""
    if "${" not in text[start:]:
        return None
    parts: list[TemplatePart] = []
    literal_from = 0
    index = text.find("${", start)
    found_any = False
    while index >= 0:
        close = text.find("}", index + 2)
        if close < 0:
            break
        variable = _parse_variable(text[index + 2 : close])
        if variable is None:
            index = text.find("${", index + 2)
            continue
        if index > literal_from:
            parts.append((text[literal_from:index], True))
        parts.append(variable)
        found_any = True
        literal_from = close + 1
        index = text.find("${", literal_from)
    if not found_any:
        return None
    if literal_from < len(text):
        parts.append((text[literal_from:], True))
    return Template(tuple(parts))


def resource_variable_start(text: str) -> int:
    """Return where variables may begin in a Resource: after the 5th colon (IAM-FACTS 2.3)."""
    position = -1
    for _ in range(5):
        position = text.find(":", position + 1)
        if position < 0:
            return len(text)
    return position + 1


def lookup_single(context: Mapping[str, Sequence[str]], key: str) -> str | None:
    """Return a single-valued context key's value, or None when absent or multivalued."""
    values = context.get(key)
    if values is None or len(values) != 1:
        return None
    return values[0]


def resolve(template: Template, context: Mapping[str, Sequence[str]]) -> list[Segment] | None:
    """Substitute variables; None when one has no value and no default (it then matches nothing)."""
    segments: list[Segment] = []
    for part in template.parts:
        if isinstance(part, Variable):
            value = lookup_single(context, part.key)
            if value is None:
                value = part.default
            if value is None:
                return None
            # A substituted value is literal: a `*` in a tag value is not a wildcard.
            segments.append((value, False))
        else:
            segments.append(part)
    return segments


def segments_text(segments: list[Segment]) -> str:
    """Join resolved segments into plain text (for explanations and exact comparisons)."""
    return "".join(text for text, _ in segments)
