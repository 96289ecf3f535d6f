"""IAM's rules for names, paths, tags and policy sizes (IAM-FACTS 2.4)."""

from __future__ import annotations

import json
import re
import unicodedata

IAM_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]+")
# Printable ASCII between slashes; a linear-time pattern with no nested repetition.
IAM_PATH = re.compile(r"/(?:[\x21-\x7e]*/)?")
MAX_TAGS = 50
_TAG_PUNCTUATION = set("_.:/=+-@")


def check_iam_name(name: str, maximum: int, what: str) -> str | None:
    """Return what is wrong with an IAM name, or None."""
    if not 1 <= len(name) <= maximum:
        return f"{what} has 1 to {maximum} characters; '{name[:80]}' has {len(name)}."
    if not IAM_NAME.fullmatch(name):
        return (
            f"{what} may contain only letters, digits and + = , . @ _ -; '{name}' does not qualify."
        )
    return None


def check_path(path: str) -> str | None:
    """Return what is wrong with an IAM path, or None."""
    if len(path) > 512:
        return "A path has at most 512 characters."
    if not IAM_PATH.fullmatch(path):
        return (
            f"'{path}' is not a valid path: it must be '/' or begin and end with '/', with "
            "printable ASCII characters (no spaces) between."
        )
    return None


def _tag_text_ok(text: str) -> bool:
    for char in text:
        if char in _TAG_PUNCTUATION:
            continue
        category = unicodedata.category(char)
        if category[0] in ("L", "N") or category[0] == "Z":
            continue
        return False
    return True


def check_tags(tags: dict[object, object]) -> list[tuple[str, str]]:
    """Return (tag key, problem) pairs for a tag map; the key is "" for the whole map."""
    problems: list[tuple[str, str]] = []
    if len(tags) > MAX_TAGS:
        problems.append(("", f"At most {MAX_TAGS} tags are allowed; found {len(tags)}."))
    seen: dict[str, str] = {}
    for key, value in tags.items():
        key_text = str(key)
        if not 1 <= len(key_text) <= 128 or not _tag_text_ok(key_text):
            problems.append(
                (
                    key_text,
                    "A tag key has 1 to 128 letters, digits, spaces and _ . : / = + - @.",
                )
            )
        elif key_text.lower().startswith("aws:"):
            problems.append((key_text, "Tag keys starting with 'aws:' are reserved for AWS."))
        if key_text.lower() in seen:
            problems.append(
                (
                    key_text,
                    f"The tag key '{key_text}' repeats '{seen[key_text.lower()]}' (tag keys are "
                    "compared case-insensitively).",
                )
            )
        seen[key_text.lower()] = key_text
        if not isinstance(value, str):
            problems.append((key_text, "A tag value must be a string."))
        elif len(value) > 256 or not _tag_text_ok(value):
            problems.append(
                (key_text, "A tag value has 0 to 256 letters, digits, spaces and _ . : / = + - @.")
            )
    return problems


def policy_size(document: object) -> int:
    """Count a policy's characters the way IAM's quotas do: white space not counted."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return len("".join(text.split()))
