"""What the shell prints in the console tests' common cases."""

from __future__ import annotations

from iamlab.world.cli.errors import USAGE

NO_CREDENTIALS = (
    '\nUnable to locate credentials. You can configure credentials by running "aws configure".\n'
)


def usage(message: str) -> str:
    """Return the stderr of an argument error: the usage, a blank line, `aws: error: ...`."""
    return f"{USAGE}\naws: error: {message}\n"


def unknown(options: str) -> str:
    """Return the stderr of `Unknown options: ...`."""
    return f"{USAGE}\nUnknown options: {options}\n"
