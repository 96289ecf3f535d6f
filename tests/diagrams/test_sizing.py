"""Diagrams are sized by classes from a generated stylesheet, never by a style attribute."""

from __future__ import annotations

from pathlib import Path

from iamlab.diagrams.sizing import width_class, widths_css

WIDTHS_CSS = Path(__file__).resolve().parents[2] / "static" / "diagrams" / "widths.css"


def test_the_stylesheet_is_what_the_generator_writes() -> None:
    # Regenerate with `python -m iamlab.diagrams.sizing > static/diagrams/widths.css`.
    assert WIDTHS_CSS.read_text(encoding="utf-8") == widths_css()


def test_a_width_is_rounded_to_the_nearest_step_within_the_range() -> None:
    assert width_class(890.0) == "diagram-width-900"
    assert width_class(862.4) == "diagram-width-850"
    assert width_class(3.0) == "diagram-width-25"
    assert width_class(99_999.0) == "diagram-width-3000"


def test_each_class_fits_the_column_between_70_and_100_percent_of_its_width() -> None:
    assert ".diagram-width-900 svg { width: clamp(630pt, 100%, 900pt); }" in widths_css()
