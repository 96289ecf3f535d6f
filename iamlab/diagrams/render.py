"""Render DOT to safe SVG with Graphviz's `dot`, cached by the hash of the DOT source.

The cache is Django's (locmem on one machine, a shared cache through CACHE_URL beyond
it), so several app servers never render the same diagram twice over. When `dot` is
missing, fails, or takes too long, the caller gets a `Rendering` with `svg=None` and a
notice that says what went wrong; the page then shows the text alternative instead.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from iamlab.diagrams.svg import SvgError, sanitize_svg

logger = logging.getLogger(__name__)

# Bump when the sanitiser or anything else that shapes the cached SVG changes.
CACHE_VERSION = 1
CACHE_PREFIX = f"diagrams:svg:v{CACHE_VERSION}:"
# A rendered diagram is the same forever for the same DOT; keep it for 30 days.
CACHE_SECONDS = 30 * 24 * 3600
# A failure that depends only on the DOT (a syntax error, a timeout) is remembered
# briefly so a busy page does not start `dot` again on every request.
FAILURE_CACHE_SECONDS = 300
MAX_DOT_BYTES = 2_000_000
MAX_SVG_BYTES = 20_000_000
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Rendering:
    """The outcome of one render: safe SVG, or a notice saying why there is none."""

    digest: str
    svg: str | None
    notice: str | None = None

    @property
    def ok(self) -> bool:
        return self.svg is not None


def dot_digest(dot_source: str) -> str:
    """Return the SHA-256 of the DOT source, the key of its rendering."""
    return hashlib.sha256(dot_source.encode("utf-8")).hexdigest()


def _run_dot(dot_source: bytes) -> tuple[str | None, str | None, bool]:
    """Run dot; return (svg, notice, cacheable_failure)."""
    binary = settings.GRAPHVIZ_DOT
    try:
        completed = subprocess.run(
            [binary, "-Tsvg"],
            input=dot_source,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (FileNotFoundError, NotADirectoryError):
        # Not cached: once Graphviz is installed the next request should draw.
        return (
            None,
            f"The diagram cannot be drawn because Graphviz's dot program was not found "
            f"(GRAPHVIZ_DOT={binary!r}). Install Graphviz or set GRAPHVIZ_DOT to its path; "
            "the description below says what the diagram shows.",
            False,
        )
    except PermissionError:
        return (
            None,
            f"The diagram cannot be drawn because GRAPHVIZ_DOT={binary!r} is not a program "
            "this server may run. Set GRAPHVIZ_DOT to Graphviz's dot; the description below "
            "says what the diagram shows.",
            False,
        )
    except subprocess.TimeoutExpired:
        return (
            None,
            f"The diagram took longer than {TIMEOUT_SECONDS:g} seconds to draw and was "
            "abandoned; the description below says what it shows.",
            True,
        )
    except OSError as error:
        return (
            None,
            f"The diagram cannot be drawn: running GRAPHVIZ_DOT={binary!r} failed "
            f"({error.strerror}). The description below says what it shows.",
            False,
        )
    if completed.returncode != 0:
        first_line = completed.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        reason = first_line[0] if first_line else f"exit status {completed.returncode}"
        logger.warning("dot failed: %s", reason)
        return (
            None,
            f"The diagram cannot be drawn: Graphviz's dot reported an error ({reason}). "
            "The description below says what it shows.",
            True,
        )
    if len(completed.stdout) > MAX_SVG_BYTES:
        return (
            None,
            "The diagram is too large to show; the description below says what it shows.",
            True,
        )
    try:
        return sanitize_svg(completed.stdout.decode("utf-8")), None, False
    except (SvgError, UnicodeDecodeError) as error:
        return None, f"The diagram cannot be drawn: {error}.", True


def render_svg(dot_source: str) -> Rendering:
    """Return the safe SVG for this DOT source, from the cache or by running dot once."""
    digest = dot_digest(dot_source)
    key = CACHE_PREFIX + digest
    cached = cache.get(key)
    if cached is not None:
        svg, notice = cached
        return Rendering(digest, svg, notice)
    encoded = dot_source.encode("utf-8")
    if len(encoded) > MAX_DOT_BYTES:
        return Rendering(
            digest,
            None,
            f"The diagram is too large to draw ({len(encoded):,} bytes of DOT; the limit is "
            f"{MAX_DOT_BYTES:,}). The description below says what it shows.",
        )
    svg, notice, cacheable_failure = _run_dot(encoded)
    if svg is not None:
        cache.set(key, (svg, None), CACHE_SECONDS)
    elif cacheable_failure:
        cache.set(key, (None, notice), FAILURE_CACHE_SECONDS)
    return Rendering(digest, svg, notice)
