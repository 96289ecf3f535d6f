"""The console: a simulated shell whose `aws` command talks to a World.

`Console(world).run(line)` runs one line and returns its CommandResult. All state (shell
variables, profiles, cached role credentials, virtual files, a pending prompt) lives in
`console.state`, so replaying the same lines over a fresh world gives the same results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from iamlab.world.cli import lab
from iamlab.world.cli.aws import run_aws
from iamlab.world.cli.configure import run_configure
from iamlab.world.cli.credentials import (
    CachedRoleCredentials,
    MfaCodeNeeded,
    selected_profile,
    user_profiles,
    web_identity_settings,
)
from iamlab.world.cli.errors import CliError
from iamlab.world.cli.files import FileError, VirtualFiles
from iamlab.world.cli.help import console_help
from iamlab.world.cli.result import CommandResult
from iamlab.world.cli.s3 import run_s3
from iamlab.world.cli.shell import ParsedLine, ShellSyntaxError, Word, is_valid_name, parse_line

if TYPE_CHECKING:
    from iamlab.world.world import World

EXIT_SYNTAX = 2
EXIT_NOT_FOUND = 127
EXIT_INTERNAL = 255
MAX_VARIABLES = 200
MAX_VALUE_CHARS = 16_000
DEFAULT_REGION = "us-east-1"
MAX_SLEEP_SECONDS = 10 * 366 * 24 * 3600
SLEEP_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
DAY_FULL_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH_FULL_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


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


class Console:
    """A simulated shell over one World."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.state = ConsoleState()
        # The terminal starts configured for the world's region, as a lab machine would be.
        self.state.variables["AWS_DEFAULT_REGION"] = world.region or DEFAULT_REGION
        self.state.exported["AWS_DEFAULT_REGION"] = None

    def run(self, line: str) -> CommandResult:
        """Run one line typed at the prompt."""
        if not isinstance(line, str):
            return self._finish(
                CommandResult(EXIT_SYNTAX, "", "bash: a command line must be text\n")
            )
        pending = self.state.pending
        if pending is not None:
            self.state.pending = None
            code = line.strip()
            return self._finish(self._run_line(pending.line, {pending.profile: code}))
        return self._finish(self._run_line(line, {}))

    def signing_access_key(self) -> str | None:
        """Return the access key the next `aws` command would sign with, when it is certain.

        The real CLI's order, read without making a call: exported AWS_ACCESS_KEY_ID first,
        then the profile in force (AWS_PROFILE, else the default one) when it holds a key of
        its own or is an IAM user's profile. A role or web-identity profile gets its key only
        by calling STS, so it gives None; so does a shell with no credentials at all.
        """
        env = self.state.environment()
        if env.get("AWS_ACCESS_KEY_ID"):
            return env["AWS_ACCESS_KEY_ID"]
        profile, _chosen_by = selected_profile(self.state, env, None)
        settings = self.state.config.get(profile, {})
        if settings.get("role_arn") or web_identity_settings(settings, env, True) is not None:
            return None
        if settings.get("aws_access_key_id") and settings.get("aws_secret_access_key"):
            return settings["aws_access_key_id"]
        user = user_profiles(self.world).get(profile)
        return user.access_key_id if user is not None else None

    def _finish(self, result: CommandResult) -> CommandResult:
        self.state.last_exit_code = result.exit_code
        return result

    def _run_line(self, line: str, mfa_codes: dict[str, str]) -> CommandResult:
        try:
            return self._run_parsed_line(line, mfa_codes)
        except Exception as error:
            # A bug must not reach the learner as a traceback; the tests pin every real path.
            return CommandResult(
                EXIT_INTERNAL,
                "",
                f"\nIAM Lab could not run this command ({type(error).__name__}). This is a bug "
                "in the lab, not in your command; please report it.\n",
            )

    def _run_parsed_line(self, line: str, mfa_codes: dict[str, str]) -> CommandResult:
        try:
            parsed = parse_line(line, self.state.variables, self.state.last_exit_code)
        except ShellSyntaxError as error:
            return CommandResult(EXIT_SYNTAX, "", f"{error}\n")
        assignments: list[Word] = []
        words = list(parsed.words)
        while words and words[0].assignment_prefix:
            assignments.append(words.pop(0))
        if not words:
            result = self._assign(assignments)
            return self._redirect(parsed, result)
        env = self.state.environment()
        for word in assignments:
            name = word.text[: word.assignment_prefix - 1]
            env[name] = word.text[word.assignment_prefix :]
        argv = [word.text for word in words]
        try:
            result = self._dispatch(argv, env, mfa_codes)
        except MfaCodeNeeded as needed:
            self.state.pending = PendingPrompt(line, needed.profile)
            return CommandResult(0, f"Enter MFA code for {needed.serial}: ", "")
        except CliError as error:
            result = CommandResult(error.exit_code, error.stdout, error.stderr)
        return self._redirect(parsed, result)

    def _redirect(self, parsed: ParsedLine, result: CommandResult) -> CommandResult:
        redirect = parsed.redirect
        if redirect is None:
            return result
        try:
            self.state.files.write(redirect.path, result.stdout, append=redirect.append)
        except FileError as error:
            return CommandResult(1, "", result.stderr + f"bash: {redirect.path}: {error}\n")
        return CommandResult(result.exit_code, "", result.stderr)

    def _dispatch(
        self, argv: list[str], env: dict[str, str], mfa_codes: dict[str, str]
    ) -> CommandResult:
        name, args = argv[0], argv[1:]
        if name == "aws":
            return run_aws(
                self.world,
                self.state,
                env,
                args,
                mfa_codes,
                {"s3": run_s3, "configure": run_configure},
            )
        builtin = BUILTINS.get(name)
        if builtin is None:
            return CommandResult(
                EXIT_NOT_FOUND,
                "",
                f"bash: {name}: command not found (this is a simulated shell: type help to see "
                "what it runs)\n",
            )
        return builtin(self, args, env)

    # --- builtins -----------------------------------------------------------------------

    def _set_variable(self, name: str, value: str) -> str | None:
        if len(value) > MAX_VALUE_CHARS:
            return f"bash: {name}: value too long (at most {MAX_VALUE_CHARS} characters)"
        if name not in self.state.variables and len(self.state.variables) >= MAX_VARIABLES:
            return f"bash: {name}: too many variables (at most {MAX_VARIABLES})"
        self.state.variables[name] = value
        return None

    def _assign(self, assignments: list[Word]) -> CommandResult:
        errors = []
        for word in assignments:
            name = word.text[: word.assignment_prefix - 1]
            problem = self._set_variable(name, word.text[word.assignment_prefix :])
            if problem:
                errors.append(problem + "\n")
        return CommandResult(1 if errors else 0, "", "".join(errors))

    def builtin_export(self, args: list[str], env: dict[str, str]) -> CommandResult:
        if not args or args == ["-p"]:
            lines = []
            for name in sorted(self.state.exported):
                if name in self.state.variables:
                    value = self.state.variables[name]
                    escaped = "".join("\\" + char if char in '"\\$`' else char for char in value)
                    lines.append(f'declare -x {name}="{escaped}"\n')
                else:
                    lines.append(f"declare -x {name}\n")
            return CommandResult(0, "".join(lines), "")
        errors = []
        for arg in args:
            name, has_value, value = arg.partition("=")
            if not is_valid_name(name):
                errors.append(f"bash: export: `{arg}': not a valid identifier\n")
                continue
            if has_value:
                problem = self._set_variable(name, value)
                if problem:
                    errors.append(problem + "\n")
                    continue
            self.state.exported[name] = None
        return CommandResult(1 if errors else 0, "", "".join(errors))

    def builtin_unset(self, args: list[str], env: dict[str, str]) -> CommandResult:
        errors = []
        for name in args:
            if not is_valid_name(name):
                errors.append(f"bash: unset: `{name}': not a valid identifier\n")
                continue
            self.state.variables.pop(name, None)
            self.state.exported.pop(name, None)
        return CommandResult(1 if errors else 0, "", "".join(errors))

    def builtin_echo(self, args: list[str], env: dict[str, str]) -> CommandResult:
        newline = "\n"
        if args and args[0] == "-n":
            newline = ""
            args = args[1:]
        return CommandResult(0, " ".join(args) + newline, "")

    def builtin_env(self, args: list[str], env: dict[str, str]) -> CommandResult:
        if args:
            return CommandResult(
                1, "", "env: this simulated shell's env only lists variables (no arguments)\n"
            )
        return CommandResult(0, "".join(f"{name}={value}\n" for name, value in env.items()), "")

    def builtin_printenv(self, args: list[str], env: dict[str, str]) -> CommandResult:
        if not args:
            return self.builtin_env(args, env)
        values = [env[name] + "\n" for name in args if name in env]
        return CommandResult(0 if len(values) == len(args) else 1, "".join(values), "")

    def builtin_sleep(self, args: list[str], env: dict[str, str]) -> CommandResult:
        hint = "Try 'sleep --help' for more information.\n"
        if not args:
            return CommandResult(1, "", "sleep: missing operand\n" + hint)
        total = 0
        for arg in args:
            seconds = _sleep_seconds(arg)
            if seconds is None:
                return CommandResult(
                    1, "", f"sleep: invalid time interval \u2018{arg}\u2019\n" + hint
                )
            total += seconds
        if total > MAX_SLEEP_SECONDS:
            return CommandResult(
                1,
                "",
                f"sleep: the simulated clock moves at most {MAX_SLEEP_SECONDS} seconds "
                "(10 years) at a time\n",
            )
        self.world.advance(total)
        return CommandResult(0, "", "")

    def builtin_date(self, args: list[str], env: dict[str, str]) -> CommandResult:
        now = self.world.now().astimezone(UTC)
        fmt = "%a %b %e %H:%M:%S %Z %Y"
        for arg in args:
            if arg in {"-u", "--utc", "--universal"}:
                continue
            if arg.startswith("+"):
                fmt = arg[1:]
                continue
            return CommandResult(
                1, "", f"date: option \u2018{arg}\u2019 is not supported in this simulated shell\n"
            )
        return CommandResult(0, format_date(now, fmt) + "\n", "")

    def builtin_cat(self, args: list[str], env: dict[str, str]) -> CommandResult:
        if not args:
            return CommandResult(
                1, "", "cat: reading standard input is not supported in this simulated shell\n"
            )
        out: list[str] = []
        errors: list[str] = []
        for name in args:
            content = self.state.files.read(name)
            if content is None:
                errors.append(f"cat: {name}: No such file or directory\n")
            else:
                out.append(content)
        return CommandResult(1 if errors else 0, "".join(out), "".join(errors))

    def builtin_ls(self, args: list[str], env: dict[str, str]) -> CommandResult:
        names = self.state.files.names()
        if not args:
            return CommandResult(0, "".join(f"{name}\n" for name in names), "")
        out: list[str] = []
        errors: list[str] = []
        for arg in args:
            if self.state.files.read(arg) is None:
                errors.append(f"ls: cannot access '{arg}': No such file or directory\n")
            else:
                out.append(f"{arg}\n")
        return CommandResult(2 if errors else 0, "".join(out), "".join(errors))

    def builtin_rm(self, args: list[str], env: dict[str, str]) -> CommandResult:
        if not args:
            return CommandResult(
                1, "", "rm: missing operand\nTry 'rm --help' for more information.\n"
            )
        errors = [
            f"rm: cannot remove '{name}': No such file or directory\n"
            for name in args
            if not self.state.files.remove(name)
        ]
        return CommandResult(1 if errors else 0, "", "".join(errors))

    def builtin_help(self, args: list[str], env: dict[str, str]) -> CommandResult:
        return CommandResult(0, console_help(), "")

    def builtin_lab(self, args: list[str], env: dict[str, str]) -> CommandResult:
        return lab.run_lab(self.world, self.state, env, args)


BUILTINS = {
    "export": Console.builtin_export,
    "unset": Console.builtin_unset,
    "echo": Console.builtin_echo,
    "env": Console.builtin_env,
    "printenv": Console.builtin_printenv,
    "sleep": Console.builtin_sleep,
    "date": Console.builtin_date,
    "cat": Console.builtin_cat,
    "ls": Console.builtin_ls,
    "rm": Console.builtin_rm,
    "help": Console.builtin_help,
    "lab": Console.builtin_lab,
}


def _sleep_seconds(text: str) -> int | None:
    """Parse `30`, `10m`, `2h` or `1d` into whole seconds; None when it is not one."""
    unit = 1
    if text and text[-1] in SLEEP_UNITS:
        unit = SLEEP_UNITS[text[-1]]
        text = text[:-1]
    if not text or not text.isascii() or not text.isdigit() or len(text) > 12:
        return None
    return int(text) * unit


def format_date(moment: datetime, fmt: str) -> str:
    """Format like GNU `date +FORMAT`, for a whitelist of directives, in UTC."""
    out: list[str] = []
    index = 0
    fields = {
        "a": lambda: DAY_NAMES[moment.weekday()],
        "A": lambda: DAY_FULL_NAMES[moment.weekday()],
        "b": lambda: MONTH_NAMES[moment.month - 1],
        "h": lambda: MONTH_NAMES[moment.month - 1],
        "B": lambda: MONTH_FULL_NAMES[moment.month - 1],
        "d": lambda: f"{moment.day:02d}",
        "e": lambda: f"{moment.day:2d}",
        "H": lambda: f"{moment.hour:02d}",
        "I": lambda: f"{(moment.hour % 12) or 12:02d}",
        "j": lambda: f"{moment.timetuple().tm_yday:03d}",
        "m": lambda: f"{moment.month:02d}",
        "M": lambda: f"{moment.minute:02d}",
        "p": lambda: "AM" if moment.hour < 12 else "PM",
        "S": lambda: f"{moment.second:02d}",
        "s": lambda: str(int(moment.timestamp())),
        "T": lambda: f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}",
        "F": lambda: f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}",
        "D": lambda: f"{moment.month:02d}/{moment.day:02d}/{moment.year % 100:02d}",
        "R": lambda: f"{moment.hour:02d}:{moment.minute:02d}",
        "Y": lambda: f"{moment.year:04d}",
        "y": lambda: f"{moment.year % 100:02d}",
        "Z": lambda: "UTC",
        "z": lambda: "+0000",
        "u": lambda: str(moment.isoweekday()),
        "w": lambda: str(moment.isoweekday() % 7),
        "n": lambda: "\n",
        "t": lambda: "\t",
        "%": lambda: "%",
    }
    while index < len(fmt):
        char = fmt[index]
        if char == "%" and index + 1 < len(fmt) and fmt[index + 1] in fields:
            out.append(fields[fmt[index + 1]]())
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)
