"""What a console remembers between lines.

The shell's variables, profiles, cached role credentials, virtual files and a pending
prompt. Its own module, below everything that reads or changes it (the `aws` command, `aws
configure`, the credential chain, the lab helpers, the console's dispatcher), so that none
of them imports the dispatcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from iamlab.world.cli.files import VirtualFiles
from iamlab.world.credentials import Credentials


@dataclass
class CachedRoleCredentials:
    """Credentials a role profile obtained, and what they were obtained for."""

    credentials: Credentials
    expiration: datetime
    settings: tuple[tuple[str, str], ...]


@dataclass
class PendingPrompt:
    """A command waiting for the learner to type an MFA code on the next line."""

    line: str
    profile: str


@dataclass
class ConsoleState:
    """Everything a console remembers between lines."""

    variables: dict[str, str] = field(default_factory=dict)
    exported: dict[str, None] = field(default_factory=dict)  # an ordered set of names
    config: dict[str, dict[str, str]] = field(default_factory=dict)  # profile -> settings
    role_cache: dict[str, CachedRoleCredentials] = field(default_factory=dict)
    files: VirtualFiles = field(default_factory=VirtualFiles)
    last_exit_code: int = 0
    pending: PendingPrompt | None = None

    def environment(self) -> dict[str, str]:
        """Return the exported variables: what a command sees."""
        return {name: self.variables[name] for name in self.exported if name in self.variables}
