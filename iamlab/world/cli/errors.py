"""How the simulated AWS CLI fails: the real CLI v2's messages and exit statuses."""

from __future__ import annotations

from difflib import get_close_matches

# The AWS CLI v2's documented return codes.
EXIT_OK = 0
EXIT_S3_FAILURE = 1
EXIT_USAGE = 252  # the command or its parameters were invalid
EXIT_CONFIG = 253  # the environment or configuration was invalid (e.g. no credentials)
EXIT_SERVICE = 254  # the service returned an error
EXIT_GENERAL = 255

USAGE = (
    "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    "To see help text, you can run:\n"
    "\n"
    "  aws help\n"
    "  aws <command> help\n"
    "  aws <command> <subcommand> help\n"
)


class CliError(Exception):
    """A command that stops with text on stderr and an exit status."""

    def __init__(self, stderr: str, exit_code: int, stdout: str = "") -> None:
        super().__init__(stderr)
        self.stderr = stderr
        self.exit_code = exit_code
        self.stdout = stdout


def usage_error(message: str) -> CliError:
    """Return an argument error printed after the usage, as argparse prints it."""
    return CliError(f"{USAGE}\naws: error: {message}\n", EXIT_USAGE)


def unknown_options(options: list[str]) -> CliError:
    """Return the error for arguments the command does not take."""
    return CliError(f"{USAGE}\nUnknown options: {', '.join(options)}\n", EXIT_USAGE)


def invalid_choice(argument: str, value: str, choices: list[str]) -> CliError:
    """Return argparse's invalid-choice error, listing the choices two to a line."""
    lines = ["Invalid choice, valid choices are:\n"]
    for start in range(0, len(choices), 2):
        lines.append(" | ".join(f"{choice:<40}" for choice in choices[start : start + 2]))
    close = _close_matches(value, choices)
    if close:
        lines.append(f"\n\nInvalid choice: '{value}', maybe you meant:\n")
        lines.extend(f"  * {choice}" for choice in close)
    return usage_error(f"argument {argument}: " + "\n".join(lines))


def _close_matches(value: str, choices: list[str]) -> list[str]:
    """Return up to three similar choices, as argparse's 'maybe you meant' does."""
    # Bounded input: at most 100 characters against a few dozen short names.
    return get_close_matches(value[:100], choices, cutoff=0.8)


def param_error(cli_name: str, message: str) -> CliError:
    """Return the CLI's error for a parameter value it could not parse."""
    return CliError(f"\nError parsing parameter '{cli_name}': {message}\n", EXIT_USAGE)


def validation_failed(problems: list[str]) -> CliError:
    """Return the client-side parameter validation error (checked before any request)."""
    return CliError("\nParameter validation failed:\n" + "\n".join(problems) + "\n", EXIT_USAGE)


def service_error(code: str, operation: str, message: str) -> CliError:
    """Return the error the CLI prints when the service answers with an error."""
    return CliError(
        f"\nAn error occurred ({code}) when calling the {operation} operation: {message}\n",
        EXIT_SERVICE,
    )


def config_error(message: str) -> CliError:
    """Return a configuration or credentials problem (exit status 253)."""
    return CliError(f"\n{message}\n", EXIT_CONFIG)


NO_CREDENTIALS = (
    'Unable to locate credentials. You can configure credentials by running "aws configure".'
)
NO_REGION = (
    'You must specify a region. You can also configure your region by running "aws configure".'
)
