"""The console's virtual files: what `>`, `aws s3 cp` and `aws lambda invoke` write, `cat` reads."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_FILES = 100
MAX_FILE_CHARS = 256_000
MAX_TOTAL_CHARS = 2_000_000
MAX_PATH_CHARS = 255
# Paths that behave like the devices of a real shell.
DEV_NULL = "/dev/null"
DEV_STDOUT = "/dev/stdout"


class FileError(Exception):
    """A file operation that cannot be done; the message is what `cat`/bash would say."""


def normalize_path(path: str) -> str:
    """Return the canonical name of a path: `./a.json` and `a.json` are one file."""
    if not path:
        raise FileError("No such file or directory")
    if len(path) > MAX_PATH_CHARS:
        raise FileError(f"File name too long (at most {MAX_PATH_CHARS} characters)")
    parts: list[str] = []
    for part in path.split("/"):
        if part in {"", "."}:
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    prefix = "/" if path.startswith("/") else ""
    return prefix + "/".join(parts) if parts else prefix or "."


@dataclass
class VirtualFiles:
    """A flat set of text files, limited in number and size."""

    contents: dict[str, str] = field(default_factory=dict)

    def read(self, path: str) -> str | None:
        """Return a file's text, or None when there is no such file."""
        try:
            name = normalize_path(path)
        except FileError:
            return None
        if name == DEV_NULL:
            return ""
        return self.contents.get(name)

    def write(self, path: str, text: str, append: bool = False) -> None:
        """Create, replace or extend a file; raise FileError when a limit would be passed."""
        name = normalize_path(path)
        if name == DEV_NULL:
            return
        if name in {".", "/"} or name.endswith("/."):
            raise FileError("Is a directory")
        new_text = self.contents.get(name, "") + text if append else text
        if len(new_text) > MAX_FILE_CHARS:
            raise FileError(
                f"File too large (this console keeps at most {MAX_FILE_CHARS} characters a file)"
            )
        if name not in self.contents and len(self.contents) >= MAX_FILES:
            raise FileError(f"Too many files (this console keeps at most {MAX_FILES})")
        total = sum(len(body) for key, body in self.contents.items() if key != name) + len(new_text)
        if total > MAX_TOTAL_CHARS:
            raise FileError("No space left on device")
        self.contents[name] = new_text

    def remove(self, path: str) -> bool:
        """Delete a file; return whether it existed."""
        try:
            name = normalize_path(path)
        except FileError:
            return False
        return self.contents.pop(name, None) is not None

    def names(self) -> list[str]:
        """Return the file names, sorted."""
        return sorted(self.contents)
