"""A counter of how many times the renderer starts `dot`, still running it for real."""

from __future__ import annotations

import subprocess
from typing import Any


class DotRuns:
    """Counts how many times the renderer starts `dot`, still running it for real."""

    def __init__(self) -> None:
        self.count = 0
        self.real_run = subprocess.run

    def __call__(self, *args: Any, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.count += 1
        return self.real_run(*args, **kwargs)
