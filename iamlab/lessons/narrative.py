"""Render a step's narrative: Markdown through a maintained library, then an allow-list."""

from __future__ import annotations

import functools

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4",
    "hr", "kbd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_NARRATIVE = 20_000


@functools.lru_cache(maxsize=256)
def render_narrative(text: str) -> SafeString:
    """Return the narrative as HTML that holds only the allowed tags and attributes."""
    html = markdown.markdown(text[:MAX_NARRATIVE], extensions=["fenced_code"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    # Safe: nh3 rebuilt the HTML from the allow-list above; nothing else reaches the page.
    return mark_safe(cleaned)
