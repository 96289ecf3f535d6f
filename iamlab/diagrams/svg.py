"""Make Graphviz's SVG safe to inline in a page, and inline it accessibly.

Graphviz escapes the text it writes, but the SVG is about to be placed inside our HTML,
so it is rebuilt from an allow-list instead of trusted: only drawing elements and
presentation attributes survive; links (`<a>`, `href`, `xlink:href`), scripts, event
handlers, `url(...)` values, comments, ids and Graphviz's per-node `<title>` (which would
repeat internal node names as tooltips) are dropped. The result is serialised here, so
every text and attribute value is escaped exactly once, by us.
"""

from __future__ import annotations

import html
import re
from xml.parsers import expat

SVG_NAMESPACE = "http://www.w3.org/2000/svg"

ALLOWED_ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "text",
        "tspan",
        "path",
        "polygon",
        "polyline",
        "ellipse",
        "circle",
        "rect",
        "line",
    }
)
# Elements whose whole subtree is dropped; anything else unknown is dropped too, but an
# `<a>` is unwrapped so the drawing inside a link survives without the link.
UNWRAPPED_ELEMENTS = frozenset({"a"})
TEXT_ELEMENTS = frozenset({"text", "tspan"})
ALLOWED_ATTRIBUTES = frozenset(
    {
        "viewBox",
        "width",
        "height",
        "transform",
        "fill",
        "stroke",
        "stroke-width",
        "stroke-dasharray",
        "stroke-opacity",
        "fill-opacity",
        "points",
        "d",
        "cx",
        "cy",
        "rx",
        "ry",
        "r",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "text-anchor",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-decoration",
        "class",
        "preserveAspectRatio",
    }
)
# A constant pattern (never built from input): values that could load or run something.
FORBIDDEN_VALUE = re.compile(r"url\(|javascript:|expression\(|[<>]", re.IGNORECASE)
SPECIAL_CHARACTERS = re.compile(r"[&<>\"']")


class SvgError(ValueError):
    """The renderer's output is not SVG we can use."""


def _escape(text: str) -> str:
    """Escape text for XML; most Graphviz values have nothing to escape."""
    return html.escape(text, quote=True) if SPECIAL_CHARACTERS.search(text) else text


class _Sanitizer:
    """Stream the SVG through expat, writing only what the allow-lists keep."""

    def __init__(self) -> None:
        self.out: list[str] = []
        # One entry per open element: was its start tag written (and so its end tag due)?
        self.open: list[bool] = []
        self.dropping = 0  # depth inside an element whose whole subtree is dropped
        self.in_text = 0
        self.root: str | None = None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if self.root is None:
            self.root = name
        if self.dropping:
            self.dropping += 1
            return
        if name in UNWRAPPED_ELEMENTS:
            self.open.append(False)
            return
        if name not in ALLOWED_ELEMENTS or (name == "svg" and self.open):
            self.dropping = 1
            return
        kept = "".join(
            f' {attr}="{_escape(value)}"'
            for attr, value in attributes.items()
            if attr in ALLOWED_ATTRIBUTES and not FORBIDDEN_VALUE.search(value)
        )
        if not self.open:
            kept = f' xmlns="{SVG_NAMESPACE}"' + kept
        self.out.append(f"<{name}{kept}>")
        self.open.append(True)
        if name in TEXT_ELEMENTS:
            self.in_text += 1

    def end(self, name: str) -> None:
        if self.dropping:
            self.dropping -= 1
            return
        if self.open.pop():
            self.out.append(f"</{name}>")
            if name in TEXT_ELEMENTS:
                self.in_text -= 1

    def text(self, data: str) -> None:
        if self.in_text and not self.dropping:
            self.out.append(_escape(data))


def sanitize_svg(svg_source: str) -> str:
    """Rebuild Graphviz's SVG from an allow-list; raise SvgError if it is not SVG."""
    sanitizer = _Sanitizer()
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = sanitizer.start
    parser.EndElementHandler = sanitizer.end
    parser.CharacterDataHandler = sanitizer.text
    # Graphviz declares the SVG 1.1 DTD; it is never fetched, and entities stay undefined.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(svg_source, True)
    except expat.ExpatError as error:
        raise SvgError(
            f"the renderer's output is not well-formed SVG ({expat.ErrorString(error.code)})"
        ) from None
    if sanitizer.root != "svg":
        raise SvgError(f"the renderer's output starts with <{sanitizer.root}>, not <svg>")
    return "".join(sanitizer.out)


def inline_svg(safe_svg: str, element_id: str, title: str, description: str) -> str:
    """Return the sanitised SVG labelled for assistive technology.

    `safe_svg` must come from `sanitize_svg`, whose root tag is written as
    `<svg xmlns="..." ...>` with every attribute value escaped, so the first `>` ends it.
    `element_id` must be a generated identifier, never user text.
    """
    if not safe_svg.startswith("<svg "):
        raise SvgError("only SVG from sanitize_svg can be inlined")
    end_of_root = safe_svg.index(">")
    title_id = f"{element_id}-title"
    description_id = f"{element_id}-desc"
    root = (
        safe_svg[:end_of_root]
        + f' id="{element_id}" role="img" aria-labelledby="{title_id} {description_id}"'
        + ' focusable="false">'
    )
    labels = (
        f'<title id="{title_id}">{html.escape(title)}</title>'
        f'<desc id="{description_id}">{html.escape(description)}</desc>'
    )
    return root + labels + safe_svg[end_of_root + 1 :]
