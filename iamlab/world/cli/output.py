"""Print a response as the AWS CLI v2 prints it: `--output json`, `text` or `table`."""

from __future__ import annotations

import base64
import json
import unicodedata
from datetime import UTC, datetime
from typing import Any

# The browser console has no terminal to measure; the real CLI falls back to 80 columns too.
TERMINAL_WIDTH = 80


def normalize(value: Any) -> Any:
    """Return the response with timestamps as ISO 8601 text, as the CLI v2 shows them."""
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalize(item) for item in value]
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def format_output(data: Any, output: str, title: str) -> str:
    """Render `data` in the chosen output format; `title` heads a table."""
    if output == "text":
        return format_text(data)
    if output == "table":
        return format_table(data, title)
    return format_json(data)


def format_json(data: Any) -> str:
    """Indent by 4 spaces like the CLI; an empty structure prints nothing, as there."""
    if data == {}:
        return ""
    return json.dumps(data, indent=4, ensure_ascii=False) + "\n"


# --- text -------------------------------------------------------------------------------
# Each dict prints its scalar values on one tab-separated line (keys sorted), headed by the
# upper-cased name of the list or key it came from; nested values follow on their own lines.


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _text_str(value: Any) -> str:
    return str(value)


def format_text(data: Any) -> str:
    """Render `data` the way `--output text` does."""
    lines: list[str] = []
    _text_item(data, lines, None, None)
    return "".join(lines)


def _text_item(
    item: Any, lines: list[str], identifier: str | None, scalar_keys: list[str] | None
) -> None:
    if isinstance(item, dict):
        _text_dict(item, lines, identifier, scalar_keys)
    elif isinstance(item, list):
        _text_list(item, lines, identifier)
    else:
        lines.append(_text_str(item) + "\n")


def _text_list(items: list[Any], lines: list[str], identifier: str | None) -> None:
    if not items:
        return
    if any(isinstance(element, dict) for element in items):
        keys = sorted(
            {
                key
                for element in items
                if isinstance(element, dict)
                for key, value in element.items()
                if _scalar(value)
            }
        )
        for element in items:
            _text_item(element, lines, identifier, keys)
        return
    scalars = [element for element in items if _scalar(element)]
    nested = [element for element in items if not _scalar(element)]
    if scalars:
        if identifier is not None:
            lines.extend(f"{identifier.upper()}\t{_text_str(element)}\n" for element in scalars)
        else:
            lines.append("\t".join(_text_str(element) for element in scalars) + "\n")
    for element in nested:
        _text_item(element, lines, identifier, None)


def _text_dict(
    item: dict[str, Any], lines: list[str], identifier: str | None, scalar_keys: list[str] | None
) -> None:
    if scalar_keys is None:
        scalars = [_text_str(value) for _, value in sorted(item.items()) if _scalar(value)]
        nested = [(key, value) for key, value in sorted(item.items()) if not _scalar(value)]
    else:
        scalars = [_text_str(item.get(key, "")) for key in scalar_keys]
        nested = [(key, item[key]) for key in sorted(set(item) - set(scalar_keys))]
    if scalars:
        if identifier is not None:
            scalars.insert(0, identifier.upper())
        lines.append("\t".join(scalars) + "\n")
    for key, value in nested:
        _text_item(value, lines, key, None)


# --- table ------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Count display columns: wide East Asian characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WFA" else 1 for char in text)


class _Section:
    """One titled box of the table: optional column headers and rows."""

    def __init__(self, title: str, indent: int) -> None:
        self.title = title
        self.indent = indent
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.widths: list[int] = []

    def _grow(self, cells: list[str]) -> None:
        if not self.widths:
            self.widths = [_width(cell) for cell in cells]
        else:
            self.widths = [
                max(old, _width(cell)) for old, cell in zip(self.widths, cells, strict=False)
            ]

    def set_headers(self, headers: list[str]) -> None:
        self._grow(headers)
        self.headers = headers

    def add_row(self, row: list[Any]) -> None:
        cells = [str(cell) for cell in row]
        self.rows.append(cells)
        self._grow(cells)

    def total_width(self) -> int:
        columns = sum(width + 4 for width in self.widths) + 2 + 2 * self.indent
        return max(_width(self.title) + 2 + 2 * self.indent, columns)

    def scaled_widths(self, max_width: int) -> list[int]:
        natural = [width + 4 for width in self.widths]
        if not natural:
            return natural
        factor = max_width / float(sum(natural))
        scaled = [round(factor * width) for width in natural]
        off_by = sum(scaled) - max_width
        while off_by != 0:
            order = range(len(scaled)) if off_by > 0 else reversed(range(len(scaled)))
            for index in order:
                if off_by > 0:
                    scaled[index] -= 1
                    off_by -= 1
                else:
                    scaled[index] += 1
                    off_by += 1
                if off_by == 0:
                    break
        return scaled


def _center(text: str, length: int, left: str = "|", right: str = "|") -> str:
    text_length = _width(text)
    start = (length // 2) - (text_length // 2) - 1
    so_far = len(left) + start + text_length
    return left + " " * start + text + " " * (length - len(right) - so_far) + right


def _align_left(text: str, length: int, left: str, right: str = "|") -> str:
    text_length = _width(text)
    padding = 2 if length - (text_length + 2 + len(left) + len(right)) >= 0 else 0
    so_far = len(left) + padding + text_length
    return left + " " * padding + text + " " * (length - so_far - len(right)) + right


class _TableBuilder:
    def __init__(self) -> None:
        self.sections: list[_Section] = []
        self.current = _Section("", 0)

    def new_section(self, title: str, indent: int) -> None:
        self.current = _Section(title, indent)
        self.sections.append(self.current)

    def build(self, title: str | None, current: Any, indent: int = 0) -> bool:
        if not current:
            return False
        if title is not None:
            self.new_section(title, indent)
        if isinstance(current, list):
            if isinstance(current[0], dict):
                self._from_list(current, indent, title or "")
            else:
                for item in current:
                    if _scalar(item):
                        self.current.add_row([item])
                    elif isinstance(item, list) and all(_scalar(element) for element in item):
                        self.current.add_row(item)
                    else:
                        self.build(None, item)
        if isinstance(current, dict):
            self._from_dict(current, indent)
        return True

    def _from_dict(self, current: dict[str, Any], indent: int) -> None:
        headers = sorted(key for key, value in current.items() if _scalar(value))
        more = sorted(key for key, value in current.items() if not _scalar(value))
        if len(headers) == 1:
            self.current.add_row([headers[0], current[headers[0]]])
        elif headers:
            self.current.set_headers(headers)
            self.current.add_row([current[key] for key in headers])
        for key in more:
            self.build(key, current[key], indent + 1)

    def _from_list(self, current: list[Any], indent: int, title: str) -> None:
        headers: set[str] = set()
        more: set[str] = set()
        for element in current:
            if isinstance(element, dict):
                headers.update(key for key, value in element.items() if _scalar(value))
                more.update(key for key, value in element.items() if not _scalar(value))
        ordered_headers = sorted(headers)
        ordered_more = sorted(more)
        self.current.set_headers(ordered_headers)
        first = True
        for element in current:
            if not isinstance(element, dict):
                continue
            if not first and ordered_more:
                self.new_section(title, indent)
                self.current.set_headers(ordered_headers)
            first = False
            self.current.add_row([element.get(header, "") for header in ordered_headers])
            for key in ordered_more:
                if key in element:
                    self.build(key, element[key], indent + 1)

    def render(self) -> str:
        max_width = max(section.total_width() for section in self.sections)
        if max_width > TERMINAL_WIDTH:
            # Too wide for the terminal: single-row sections turn into key/value pairs.
            for index, section in enumerate(self.sections):
                if len(section.rows) == 1 and section.headers:
                    vertical = _Section(section.title, section.indent)
                    for header, cell in zip(section.headers, section.rows[0], strict=False):
                        vertical.add_row([header, cell])
                    self.sections[index] = vertical
            max_width = max(section.total_width() for section in self.sections)
        out = ["-" * max_width + "\n"]
        for section in self.sections:
            out.extend(self._render_section(section, max_width))
        return "".join(out)

    def _render_section(self, section: _Section, max_width: int) -> list[str]:
        lines: list[str] = []
        width = max_width - section.indent * 2
        if section.title:
            lines.append(_center(section.title, width) + "\n")
            if not section.headers and not section.rows:
                lines.append("+" + "-" * (width - 2) + "+\n")
        widths = section.scaled_widths(width) if section.headers or section.rows else []
        if section.headers:
            lines.append(_line_break(widths))
            cells = [
                _center(header, cell_width, "|" if index == 0 else "", "|")
                for index, (cell_width, header) in enumerate(
                    zip(widths, section.headers, strict=False)
                )
            ]
            lines.append("".join(cells) + "\n")
        if section.rows and widths:
            line_break = _line_break(widths)
            lines.append(line_break)
            for row in section.rows:
                cells = [
                    _align_left(cell, cell_width, "|" if index == 0 else "")
                    for index, (cell_width, cell) in enumerate(zip(widths, row, strict=False))
                ]
                lines.append("".join(cells) + "\n")
            lines.append(line_break)
        bar = "|" * section.indent
        return [bar + line[:-1] + bar + "\n" for line in lines]


def _line_break(widths: list[int]) -> str:
    parts = []
    for index, width in enumerate(widths):
        parts.append("+" + "-" * (width - 2) + "+" if index == 0 else "-" * (width - 1) + "+")
    return "".join(parts) + "\n"


def format_table(data: Any, title: str) -> str:
    """Render `data` the way `--output table` does, under the operation's name."""
    builder = _TableBuilder()
    if not builder.build(title, data):
        return ""
    return builder.render()
