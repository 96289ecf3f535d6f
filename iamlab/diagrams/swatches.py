"""Small SVG pictures of each legend entry, drawn from the same tables as the diagrams.

They are drawn here rather than by Graphviz so that the legend shows even when `dot` is
missing. Nothing here touches user data: every value comes from `legend.py`.
"""

from __future__ import annotations

from iamlab.diagrams.legend import (
    LegendEntry,
    NodeKind,
    edge_attributes,
    node_attributes,
)

WIDTH = 64
HEIGHT = 32


def _dash(style: str) -> str:
    if "dashed" in style:
        return ' stroke-dasharray="6 3"'
    if "dotted" in style:
        return ' stroke-dasharray="1.5 3"'
    return ""


def _outline(kind: NodeKind, inset: float) -> str:
    """Return SVG path data for the outline of a node shape, inset by `inset` pixels."""
    x0, y0, x1, y1 = 6 + inset, 5 + inset, WIDTH - 6 - inset, HEIGHT - 5 - inset
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    if kind is NodeKind.ROLE:
        d = 8
        return (
            f"M{x0},{ym} L{x0 + d},{y0} L{x1 - d},{y0} L{x1},{ym} L{x1 - d},{y1} L{x0 + d},{y1} Z"
        )
    if kind is NodeKind.SESSION:
        f = 7
        return (
            f"M{x0},{y0} L{x1 - f},{y0} L{x1},{y0 + f} L{x1},{y1} L{x0},{y1} Z "
            f"M{x1 - f},{y0} L{x1 - f},{y0 + f} L{x1},{y0 + f}"
        )
    if kind is NodeKind.PROVIDER:
        return f"M{x0},{y1} L{x0},{ym - 2} L{xm},{y0} L{x1},{ym - 2} L{x1},{y1} Z"
    if kind in {NodeKind.ALLOWED}:
        rx, ry = (x1 - x0) / 2, (y1 - y0) / 2
        return f"M{x0},{ym} A{rx},{ry} 0 1,0 {x1},{ym} A{rx},{ry} 0 1,0 {x0},{ym} Z"
    if kind is NodeKind.DENIED:
        c = 6
        return (
            f"M{x0 + c},{y0} L{x1 - c},{y0} L{x1},{y0 + c} L{x1},{y1 - c} L{x1 - c},{y1} "
            f"L{x0 + c},{y1} L{x0},{y1 - c} L{x0},{y0 + c} Z"
        )
    if kind is NodeKind.RESOURCE:
        e = 4
        return (
            f"M{x0},{y0 + e} A{(x1 - x0) / 2},{e} 0 0,1 {x1},{y0 + e} L{x1},{y1 - e} "
            f"A{(x1 - x0) / 2},{e} 0 0,1 {x0},{y1 - e} Z "
            f"M{x0},{y0 + e} A{(x1 - x0) / 2},{e} 0 0,0 {x1},{y0 + e}"
        )
    if kind is NodeKind.STEP:
        r = 5
        return (
            f"M{x0 + r},{y0} L{x1 - r},{y0} Q{x1},{y0} {x1},{y0 + r} L{x1},{y1 - r} "
            f"Q{x1},{y1} {x1 - r},{y1} L{x0 + r},{y1} Q{x0},{y1} {x0},{y1 - r} "
            f"L{x0},{y0 + r} Q{x0},{y0} {x0 + r},{y0} Z"
        )
    if kind is NodeKind.STATEMENT:
        return (
            f"M{x0},{y0} L{x0 + 14},{y0} L{x0 + 14},{y0 + 4} L{x1},{y0 + 4} L{x1},{y1} L{x0},{y1} Z"
        )
    box = f"M{x0},{y0} L{x1},{y0} L{x1},{y1} L{x0},{y1} Z"
    if kind is NodeKind.SERVICE:
        return box + f" M{x0 - 3},{y0 + 5} h6 v4 h-6 Z M{x0 - 3},{y1 - 9} h6 v4 h-6 Z"
    if kind is NodeKind.ACCOUNT:
        return box + f" M{x0},{y0} l4,-4 h{x1 - x0} v{y1 - y0} l-4,4 M{x1},{y0} l4,-4"
    if kind is NodeKind.REQUEST:
        return box + f" M{x0},{y0 + 5} L{x0 + 5},{y0} M{x1 - 5},{y1} L{x1},{y1 - 5}"
    return box


def node_swatch(entry: LegendEntry) -> str:
    """Return an SVG picture of the node an entry describes."""
    assert entry.node is not None
    marks = (entry.mark,) if entry.mark else ()
    attributes = node_attributes(entry.node, marks)
    style = attributes.get("style", "")
    fill = attributes.get("fillcolor", "#FFFFFF") if "filled" in style else "none"
    stroke = attributes.get("color", "#000000")
    width = float(attributes.get("penwidth", "1"))
    if "bold" in style:
        width = max(width, 2.0)
    shapes = [
        f'<path d="{_outline(entry.node, 0)}" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{width:g}"{_dash(style)}/>'
    ]
    if int(attributes.get("peripheries", "1")) > 1:
        shapes.append(
            f'<path d="{_outline(entry.node, -3)}" fill="none" stroke="{stroke}" '
            f'stroke-width="{width:g}"{_dash(style)}/>'
        )
    return _svg("".join(reversed(shapes)))


def edge_swatch(entry: LegendEntry) -> str:
    """Return an SVG picture of the line an entry describes."""
    assert entry.edge is not None
    attributes = edge_attributes(entry.edge)
    style = attributes.get("style", "solid")
    color = attributes.get("color", "#000000")
    width = float(attributes.get("penwidth", "1"))
    if "bold" in style:
        width = max(width, 2.0)
    y = HEIGHT / 2
    x_end = WIDTH - 8
    head = attributes.get("arrowhead", "normal")
    line_end = x_end - 9 if head in {"normal", "empty"} else x_end
    parts = [
        f'<path d="M6,{y} L{line_end},{y}" stroke="{color}" stroke-width="{width:g}" '
        f'fill="none"{_dash(style)}/>'
    ]
    triangle = f"M{x_end - 10},{y - 4.5} L{x_end},{y} L{x_end - 10},{y + 4.5} Z"
    if head == "normal":
        parts.append(f'<path d="{triangle}" fill="{color}" stroke="{color}"/>')
    elif head == "empty":
        parts.append(f'<path d="{triangle}" fill="#FFFFFF" stroke="{color}" stroke-width="1.5"/>')
    elif head == "tee":
        parts.append(
            f'<path d="M{x_end},{y - 7} L{x_end},{y + 7}" stroke="{color}" stroke-width="3"/>'
        )
    return _svg("".join(parts))


def swatch(entry: LegendEntry) -> str:
    """Return the SVG picture of a legend entry."""
    return edge_swatch(entry) if entry.edge is not None else node_swatch(entry)


def _svg(body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-hidden="true" focusable="false">{body}</svg>'
    )
