"""`manage.py labshell --scenario SLUG`: run shell lines from standard input in a workspace."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from iamlab.scenarios.management.lookup import loaded_scenario
from iamlab.scenarios.models import Workspace, WorkspaceError


class Command(BaseCommand):
    help = (
        "Read shell commands (aws ..., export, sleep, date, help) from standard input, one "
        "per line, and run each in a workspace of the scenario, appending it to its log. "
        "A named workspace is created on first use and resumed afterwards; without a name "
        "the commands run in a fresh workspace."
    )
    # Tests hand the command its input as call_command(..., stdin=StringIO(...)).
    stealth_options = ("stdin",)
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scenario", required=True, metavar="SLUG", help="The scenario's slug."
        )
        parser.add_argument(
            "--workspace",
            metavar="NAME",
            default="",
            help="Resume (or create) the workspace of this name.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Start the named workspace afresh; its old log is kept, ended.",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='Print one JSON object per command: {"command", "exit_code", "stdout", "stderr"}.',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["scenario"]
        scenario = loaded_scenario(slug)
        name = options["workspace"]
        if len(name) > Workspace._meta.get_field("name").max_length:
            raise CommandError("A workspace name is at most 64 characters.", returncode=1)
        if options["reset"] and not name:
            raise CommandError(
                "--reset needs --workspace NAME; without a name every run is fresh anyway.",
                returncode=1,
            )
        try:
            # Build the world before reading any input; if it cannot be built, no
            # workspace is left behind either.
            with transaction.atomic():
                workspace = (
                    Workspace.objects.current(scenario, name=name)
                    if name
                    else Workspace.objects.create(scenario=scenario)
                )
                if options["reset"]:
                    workspace = workspace.reset()
                session = workspace.session()
                session.console  # noqa: B018 - a property that builds the console
        except WorkspaceError as error:
            raise CommandError(str(error), returncode=1) from None
        stdin = options.get("stdin") or sys.stdin
        for raw in stdin:
            line = raw.rstrip("\r\n")
            # Blank lines and shell comments are not commands, so they are not logged.
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                result = session.run(line)
            except WorkspaceError as error:
                exit_code, stdout, stderr = 1, "", f"{error}\n"
            else:
                exit_code, stdout, stderr = result.exit_code, result.stdout, result.stderr
            if options["json"]:
                record = {
                    "command": line,
                    "exit_code": exit_code,
                    "stdout": stdout,
                    "stderr": stderr,
                }
                self.stdout.write(json.dumps(record))
            else:
                self.stdout.write(stdout, ending="")
                self.stderr.write(stderr, ending="")
