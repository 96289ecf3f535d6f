"""docs/authoring.md: its complete example loads as it stands and works in the console."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.cast import FIXTURES, row_counts

pytestmark = pytest.mark.django_db

AUTHORING = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


def example_blocks() -> tuple[str, list[str]]:
    """Return the guide's example fixture and the console lines shown after it."""
    text = AUTHORING.read_text(encoding="utf-8")
    section = text[text.index("## A complete small example") :]
    fixture = re.search(r"```json\n(.*?)```", section, re.DOTALL)
    console = re.search(r"```\n(aws .*?)```", section, re.DOTALL)
    assert fixture is not None and console is not None
    return fixture.group(1), console.group(1).splitlines()


def test_the_guides_example_loads_and_its_commands_work(tmp_path: Path) -> None:
    fixture, lines = example_blocks()
    path = tmp_path / "tiny.json"
    path.write_text(fixture, encoding="utf-8")
    stdout = StringIO()

    call_command("loadscenario", str(path), stdout=stdout)
    output = StringIO()
    call_command(
        "labshell",
        "--scenario",
        "tiny",
        "--json",
        stdin=StringIO("\n".join(lines) + "\n"),
        stdout=output,
    )

    assert stdout.getvalue() == 'Loaded scenario "tiny": 9 objects.\n'
    results = [json.loads(line) for line in output.getvalue().splitlines()]
    assert [result["exit_code"] for result in results] == [0, 0]
    assert results[0]["stdout"] == "quarter,revenue\nQ1,100\n"
    assert json.loads(results[1]["stdout"])["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::111122223333:assumed-role/Publisher/alice-publishing"
    )


def test_the_set_up_command_changes_nothing_when_run_again() -> None:
    files = [str(path) for path in sorted(FIXTURES.glob("*.json"))]
    first = StringIO()
    call_command("loadscenario", "--skip-existing", *files, stdout=first)
    counts = row_counts()
    second = StringIO()

    call_command("loadscenario", "--skip-existing", *files, stdout=second)

    assert first.getvalue() == (
        'Loaded scenario "cross-account-external-id": 12 objects.\n'
        'Loaded scenario "effective-permissions": 16 objects.\n'
        'Loaded scenario "iam-roles": 23 objects.\n'
        'Loaded scenario "privilege-escalation": 20 objects.\n'
        'Loaded scenario "role-chaining": 11 objects.\n'
    )
    assert second.getvalue() == (
        'Skipped scenario "cross-account-external-id": it is already loaded.\n'
        'Skipped scenario "effective-permissions": it is already loaded.\n'
        'Skipped scenario "iam-roles": it is already loaded.\n'
        'Skipped scenario "privilege-escalation": it is already loaded.\n'
        'Skipped scenario "role-chaining": it is already loaded.\n'
    )
    assert row_counts() == counts
