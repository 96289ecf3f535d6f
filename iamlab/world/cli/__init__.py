"""The AWS CLI interpreter and the simulated shell around it (see docs/contracts.md, section 3)."""

from __future__ import annotations

from iamlab.world.cli.console import Console
from iamlab.world.cli.result import CommandResult
from iamlab.world.cli.state import ConsoleState

__all__ = ["CommandResult", "Console", "ConsoleState"]
