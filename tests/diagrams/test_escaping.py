"""Names from scenarios and students are shown as typed, in DOT and in the final SVG."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamlab.diagrams.graph import Diagram, escape_label_text, html_label, to_dot
from iamlab.diagrams.legend import EdgeKind, NodeKind
from iamlab.diagrams.render import render_svg
from iamlab.diagrams.svg import inline_svg, sanitize_svg

SCRIPT = "<script>alert(1)</script>"
ARROW = '"a" -> "b"'


def hostile_diagram() -> Diagram:
    diagram = Diagram(kind="trust", title="Hostile names")
    diagram.clusters["111122223333"] = f"Account {SCRIPT}"
    diagram.add_node("script", NodeKind.ROLE, SCRIPT, [ARROW], cluster="111122223333")
    diagram.add_node("arrow", NodeKind.ROLE, ARROW, ["back\\slash \\N \\G", "line\nbreak"])
    diagram.add_edge("script", "arrow", EdgeKind.ALLOWED, f"#1 {SCRIPT}")
    return diagram


def svg_texts(svg: str) -> list[str]:
    """Return what each <text> element of the SVG shows, entities decoded."""
    return [html.unescape(text) for text in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def test_label_text_is_escaped_for_html_like_labels() -> None:
    assert escape_label_text(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape_label_text(ARROW) == "&quot;a&quot; -&gt; &quot;b&quot;"
    assert escape_label_text("a&b \\N") == "a&amp;b \\\\N"
    assert escape_label_text("[x]") == "&#91;x&#93;"
    assert escape_label_text("two\nlines\x00") == "two lines "


def test_label_joins_bold_title_and_detail_lines() -> None:
    assert html_label("alice", ["IAM user", "<b>"]) == "<<B>alice</B><BR/>IAM user<BR/>&lt;b&gt;>"


def test_dot_never_carries_a_raw_name() -> None:
    dot = to_dot(hostile_diagram())
    assert SCRIPT not in dot
    assert ARROW not in dot
    assert re.search(r"\tn1 \[label=<[^\n]*shape=hexagon", dot)
    assert (
        "label=<<B>&lt;script&gt;alert(1)&lt;/script&gt;</B><BR/>&quot;a&quot; -&gt; &quot;b&quot;>"
        in dot
    )
    assert "n1 -> n2 [" in dot
    assert "label=<#1 &lt;script&gt;alert(1)&lt;/script&gt;>" in dot
    assert "label=<Account &lt;script&gt;alert(1)&lt;/script&gt;>" in dot


def test_svg_shows_hostile_names_as_text() -> None:
    rendering = render_svg(to_dot(hostile_diagram()))
    assert rendering.notice is None
    svg = rendering.svg
    assert svg is not None
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    texts = svg_texts(svg)
    assert SCRIPT in texts
    assert ARROW in texts
    assert "back\\slash \\N \\G" in texts
    assert "line break" in texts
    assert f"#1 {SCRIPT}" in texts
    assert f"Account {SCRIPT}" in texts


def test_sanitizer_drops_links_scripts_handlers_and_ids() -> None:
    hostile = (
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" onload="alert(1)">'
        '<g id="graph0" class="graph"><title>n1</title>'
        '<a xlink:href="javascript:alert(1)" href="https://evil.example" target="_blank">'
        '<text x="1" y="2" style="x">inside &lt;link&gt;</text></a>'
        "<script>alert(2)</script><foreignObject><p>html</p></foreignObject>"
        '<path d="M0,0" fill="url(https://evil.example/x)" stroke="black"/>'
        "<!-- comment --></g></svg>"
    )
    assert sanitize_svg(hostile) == (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10pt"><g class="graph">'
        '<text x="1" y="2">inside &lt;link&gt;</text><path d="M0,0" stroke="black"></path>'
        "</g></svg>"
    )


def test_sanitizer_refuses_what_is_not_svg() -> None:
    from iamlab.diagrams.svg import SvgError

    with pytest.raises(SvgError, match="not well-formed SVG"):
        sanitize_svg("<svg><g></svg>")
    with pytest.raises(SvgError, match=r"starts with <html>, not <svg>"):
        sanitize_svg("<html></html>")


def test_inline_svg_labels_the_drawing_and_escapes_title_and_description() -> None:
    safe = sanitize_svg('<svg xmlns="http://www.w3.org/2000/svg" width="1pt"><g></g></svg>')
    assert inline_svg(safe, "diagram-trust-abc", SCRIPT, ARROW) == (
        '<svg xmlns="http://www.w3.org/2000/svg" width="1pt" id="diagram-trust-abc" '
        'role="img" aria-labelledby="diagram-trust-abc-title diagram-trust-abc-desc" '
        'focusable="false"><title id="diagram-trust-abc-title">'
        "&lt;script&gt;alert(1)&lt;/script&gt;</title>"
        '<desc id="diagram-trust-abc-desc">&quot;a&quot; -&gt; &quot;b&quot;</desc><g></g></svg>'
    )


# Names as scenarios and students could write them, special characters included. Leading,
# trailing and doubled spaces are left out: SVG shows them collapsed whatever we write.
LABEL_TEXT = st.text(
    alphabet=st.sampled_from([*list("ab Z09<>&\"'\\/;:{}[]=-#$*?!|~`%^()NGEl"), "é", "→", "€"]),
    min_size=1,
    max_size=24,
).filter(lambda text: text.strip() == text and "  " not in text)


@settings(max_examples=25, deadline=None)
@given(names=st.lists(LABEL_TEXT, min_size=1, max_size=6, unique=True))
def test_any_name_is_shown_exactly_as_typed(names: list[str]) -> None:
    diagram = Diagram(kind="trust", title="Names")
    for index, name in enumerate(names):
        diagram.add_node(f"k{index}", NodeKind.ROLE, name)
    rendering = render_svg(to_dot(diagram))
    assert rendering.svg is not None, rendering.notice
    assert "<script" not in rendering.svg
    texts = svg_texts(rendering.svg)
    for name in names:
        assert name in texts
