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
import xml.etree.ElementTree as ET

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
FORBIDDEN_VALUE_PARTS = ("url(", "javascript:", "expression(", "<", ">")


class SvgError(ValueError):
    """The renderer's output is not SVG we can use."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _safe_attributes(element: ET.Element) -> list[tuple[str, str]]:
    kept = []
    for name, value in element.attrib.items():
        if "}" in name:  # namespaced, such as xlink:href or xml:space
            continue
        if name not in ALLOWED_ATTRIBUTES:
            continue
        if any(part in value.lower() for part in FORBIDDEN_VALUE_PARTS):
            continue
        kept.append((name, value))
    return kept


def _write(element: ET.Element, out: list[str], depth: int) -> None:
    name = _local(element.tag)
    if name in UNWRAPPED_ELEMENTS:
        for child in element:
            _write(child, out, depth)
            if child.tail and child.tail.strip():
                out.append(html.escape(child.tail))
        return
    if name not in ALLOWED_ELEMENTS:
        return
    if name == "svg" and depth > 0:
        return
    attributes = "".join(
        f' {attr}="{html.escape(value, quote=True)}"' for attr, value in _safe_attributes(element)
    )
    if depth == 0:
        attributes = f' xmlns="{SVG_NAMESPACE}"' + attributes
    out.append(f"<{name}{attributes}>")
    if element.text and name in {"text", "tspan"}:
        out.append(html.escape(element.text, quote=False))
    for child in element:
        _write(child, out, depth + 1)
        if child.tail and name in {"text", "tspan"}:
            out.append(html.escape(child.tail, quote=False))
    out.append(f"</{name}>")


def sanitize_svg(svg_source: str) -> str:
    """Rebuild Graphviz's SVG from an allow-list; raise SvgError if it is not SVG."""
    try:
        root = ET.fromstring(svg_source)
    except ET.ParseError as error:
        raise SvgError(f"the renderer's output is not well-formed SVG ({error})") from None
    if _local(root.tag) != "svg":
        raise SvgError(f"the renderer's output starts with <{_local(root.tag)}>, not <svg>")
    out: list[str] = []
    _write(root, out, 0)
    return "".join(out)


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
