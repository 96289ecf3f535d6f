"""The AWS CLI interpreter and the simulated shell around it (see docs/contracts.md, section 3)."""

from __future__ import annotations

from iamlab.world.cli.console import Console, ConsoleState
from iamlab.world.cli.result import CommandResult

__all__ = ["CommandResult", "Console", "ConsoleState"]
