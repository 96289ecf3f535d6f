"""Every built-in lesson, played to the end through the pages with its own worked solutions.

Parametrized over every file in fixtures/lessons/, so a lesson whose goal its own solution
cannot meet, or that a wrong action or no action at all would complete, fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests.cast import LESSON_FIXTURES, load_builtin_lessons
from tests.lessons.steps import fixture_lessons, perform_solution, step_status

# A line that runs in any world and meets no goal: it makes no call and sets nothing.
HARMLESS_LINE = "echo nothing to see here"


@pytest.mark.django_db
@pytest.mark.parametrize("path", LESSON_FIXTURES, ids=[p.name for p in LESSON_FIXTURES])
def test_every_step_is_met_by_its_own_solution_and_by_nothing_else(
    client: Client, path: Path
) -> None:
    load_builtin_lessons()
    for slug, steps in fixture_lessons(path):
        for step in steps:
            number = step["number"]
            url = f"/lessons/{slug}/{number}/"
            kind = step["action"]["kind"]
            where = f"{path.name}: {slug} step {number}"

            opened = client.get(url)
            assert opened.status_code == 200, where
            assert step_status(opened.content.decode()) == "open", where
            assert 'rel="next"' not in opened.content.decode(), where

            act = f"/lessons/{slug}/{number}/act/"
            if kind == "console":
                wrong = client.post(act, {"line": HARMLESS_LINE})
                assert step_status(wrong.content.decode()) == "open", where
            elif kind == "predict":
                missing = client.post(act, {})
                assert missing.status_code == 400, where
                assert step_status(missing.content.decode()) == "open", where
            elif kind == "policy":
                broken = client.post(act, {"document": "{not json"})
                assert step_status(broken.content.decode()) == "open", where

            responses = perform_solution(client, slug, number, step)
            assert all(r.status_code in (200, 302) for r in responses), where
            done = client.get(url).content.decode()
            assert step_status(done) == "done", where
            if number < len(steps):
                assert f'rel="next" href="/lessons/{slug}/{number + 1}/"' in done, where
                assert client.get(f"/lessons/{slug}/{number + 1}/").status_code == 200, where
            else:
                assert 'rel="next"' not in done, where
        overview = client.get(f"/lessons/{slug}/").content.decode()
        assert "You have completed this lesson." in overview
