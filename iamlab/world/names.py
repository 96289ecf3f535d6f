"""IAM's rules for names, paths, tags and policy sizes (IAM-FACTS 2.4).

The one home of these rules: the world's API parameters (`params.py`), its spec reader and
the scenario models all check names, paths and tags through this module.
"""

from __future__ import annotations

import json
import re
import unicodedata

# The IAM API model's patterns: names `[\w+=,.@-]+` (AWS's \w is ASCII letters, digits and
# underscore) and paths `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`: "/" alone, or printable
# ASCII between two slashes. Both are linear-time (no nested repetition).
IAM_NAME = re.compile(r"[A-Za-z0-9_+=,.@-]+")
IAM_PATH = re.compile(r"/|/[!-~]+/")
MAX_PATH_LENGTH = 512
MAX_TAGS = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256
# "Tag keys and values can include any combination of letters, numbers, spaces, and
# _ . : / = + - @ symbols" (IAM User Guide, id_tags.md, "Naming tags"): Unicode letters (L),
# numbers (N) and space separators (Z), as the IAM API's tag patterns `[\p{L}\p{Z}\p{N}...]`
# say; a tab or a line break is no space.
_TAG_PUNCTUATION = frozenset("_.:/=+-@")


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
    if len(path) > MAX_PATH_LENGTH:
        return f"A path has at most {MAX_PATH_LENGTH} characters."
    if not IAM_PATH.fullmatch(path):
        return (
            f"'{path}' is not a valid path: it must be '/' or begin and end with '/', with "
            "printable ASCII characters (no spaces) between."
        )
    return None


def _tag_text_ok(text: str) -> bool:
    return all(
        char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in ("L", "N", "Z")
        for char in text
    )


def check_tags(tags: dict[object, object]) -> list[tuple[str, str]]:
    """Return (tag key, problem) pairs for a tag map; the key is "" for the whole map."""
    problems: list[tuple[str, str]] = []
    if len(tags) > MAX_TAGS:
        problems.append(("", f"At most {MAX_TAGS} tags are allowed; found {len(tags)}."))
    seen: dict[str, str] = {}
    for key, value in tags.items():
        key_text = str(key)
        if not 1 <= len(key_text) <= MAX_TAG_KEY_LENGTH or not _tag_text_ok(key_text):
            problems.append(
                (
                    key_text,
                    f"A tag key has 1 to {MAX_TAG_KEY_LENGTH} letters, digits, spaces and "
                    "_ . : / = + - @.",
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
        elif len(value) > MAX_TAG_VALUE_LENGTH or not _tag_text_ok(value):
            problems.append(
                (
                    key_text,
                    f"A tag value has 0 to {MAX_TAG_VALUE_LENGTH} letters, digits, spaces and "
                    "_ . : / = + - @.",
                )
            )
    return problems


def policy_size(document: object) -> int:
    """Count a policy's characters the way IAM's quotas do: white space not counted."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return len("".join(text.split()))
