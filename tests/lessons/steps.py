"""Helpers for the lessons' tests: a step page's status, a worked solution, a file's lessons."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.test import Client

STATUS = re.compile(r'<main id="main" tabindex="-1" data-step-status="(open|done)">')


def step_status(body: str) -> str:
    """Return the data-step-status on the page's <main>."""
    match = STATUS.search(body)
    assert match is not None, "the step page's <main> carries no data-step-status"
    return match.group(1)


def perform_solution(client: Client, slug: str, number: int, step: dict[str, Any]) -> list[Any]:
    """Do what the step's worked solution says, through the pages; return the responses."""
    url = f"/lessons/{slug}/{number}/act/"
    kind = step["action"]["kind"]
    solution = step["solution"]
    if kind in {"read", "button"}:
        return [client.post(url)]
    if kind == "console":
        return [client.post(url, {"line": line}) for line in solution["lines"]]
    if kind == "predict":
        return [client.post(url, {"decision": solution["decision"]})]
    if kind == "policy":
        return [client.post(url, {"document": json.dumps(solution["policy"], indent=2)})]
    raise AssertionError(f"unknown action kind {kind}")


def fixture_lessons(path: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    """Return each lesson of a fixture file with its steps' fields, in order."""
    objects = json.loads(path.read_text(encoding="utf-8"))
    slugs = [o["fields"]["slug"] for o in objects if o["model"] == "lessons.lesson"]
    return [
        (
            slug,
            sorted(
                (
                    o["fields"]
                    for o in objects
                    if o["model"] == "lessons.step" and o["fields"]["lesson"] == [slug]
                ),
                key=lambda fields: fields["number"],
            ),
        )
        for slug in slugs
    ]
