"""Size an inline diagram by a class, not a style attribute (the Content-Security-Policy
allows no inline style).

A diagram fits its column but is never drawn below 70% of its natural width (it scrolls
instead) nor above it. Its natural width is rounded to a step and named by a class,
`diagram-width-850`; static/diagrams/widths.css holds one rule per class, written by
`python -m iamlab.diagrams.sizing` (a test checks the file is up to date).
"""

from __future__ import annotations

STEP_PT = 25
LARGEST_PT = 3000
SMALLEST_SCALE = 0.7


def width_class(natural_width_pt: float) -> str:
    """Name the class that sizes a drawing of this natural width (in points)."""
    rounded = max(STEP_PT, min(LARGEST_PT, round(natural_width_pt / STEP_PT) * STEP_PT))
    return f"diagram-width-{rounded}"


def widths_css() -> str:
    """Return the stylesheet with one rule per width class."""
    lines = [
        "/* Written by `python -m iamlab.diagrams.sizing`; see iamlab/diagrams/sizing.py. */",
    ]
    for width in range(STEP_PT, LARGEST_PT + 1, STEP_PT):
        smallest = f"{width * SMALLEST_SCALE:g}pt"
        lines.append(f".diagram-width-{width} svg {{ width: clamp({smallest}, 100%, {width}pt); }}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(widths_css(), end="")
