"""Rendering is cached by the DOT's hash, and a missing or failing dot never breaks a page."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from iamlab.diagrams.graph import Diagram, to_dot
from iamlab.diagrams.legend import EdgeKind, NodeKind
from iamlab.diagrams.render import CACHE_PREFIX, MAX_DOT_BYTES, dot_digest, render_svg
from tests.diagrams.dot_runs import DotRuns


def small_dot(name: str = "alice") -> str:
    diagram = Diagram(kind="session", title="Small")
    diagram.add_node("u", NodeKind.USER, name)
    diagram.add_node("r", NodeKind.ROLE, "ReportPublisher")
    diagram.add_edge("u", "r", EdgeKind.ALLOWED, "#1 sts:AssumeRole")
    return to_dot(diagram)


def test_second_render_of_the_same_dot_comes_from_the_cache(dot_runs: DotRuns) -> None:
    first = render_svg(small_dot())
    second = render_svg(small_dot())
    assert dot_runs.count == 1
    assert first == second
    assert first.svg is not None and first.svg.startswith("<svg ")
    assert first.digest == dot_digest(small_dot())


def test_different_dot_is_rendered_separately(dot_runs: DotRuns) -> None:
    render_svg(small_dot("alice"))
    render_svg(small_dot("carol"))
    render_svg(small_dot("alice"))
    assert dot_runs.count == 2


def test_cache_key_is_the_sha256_of_the_dot(dot_runs: DotRuns) -> None:
    from django.core.cache import cache

    rendering = render_svg(small_dot())
    assert cache.get(CACHE_PREFIX + dot_digest(small_dot())) == (rendering.svg, None)


def test_missing_dot_gives_a_notice_and_no_svg(settings: Settings, dot_runs: DotRuns) -> None:
    settings.GRAPHVIZ_DOT = "/nonexistent/graphviz/dot"
    rendering = render_svg(small_dot())
    assert rendering.svg is None
    assert rendering.notice == (
        "The diagram cannot be drawn because Graphviz's dot program was not found "
        "(GRAPHVIZ_DOT='/nonexistent/graphviz/dot'). Install Graphviz or set GRAPHVIZ_DOT "
        "to its path; the description below says what the diagram shows."
    )


def test_missing_dot_is_not_cached_so_installing_it_helps(
    settings: Settings, dot_runs: DotRuns
) -> None:
    settings.GRAPHVIZ_DOT = "/nonexistent/graphviz/dot"
    assert render_svg(small_dot()).svg is None
    settings.GRAPHVIZ_DOT = "dot"
    assert render_svg(small_dot()).svg is not None
    assert dot_runs.count == 2


def test_dot_syntax_error_gives_a_notice_and_is_remembered(dot_runs: DotRuns) -> None:
    broken = "digraph { a -> }"
    first = render_svg(broken)
    second = render_svg(broken)
    assert first.svg is None
    assert first.notice is not None
    assert first.notice.startswith(
        "The diagram cannot be drawn: Graphviz's dot reported an error ("
    )
    assert "syntax error" in first.notice
    assert second == first
    assert dot_runs.count == 1


def test_a_dot_that_is_too_large_is_not_rendered(dot_runs: DotRuns) -> None:
    huge = "digraph { " + "a -> b; " * (MAX_DOT_BYTES // 8 + 1) + "}"
    rendering = render_svg(huge)
    assert rendering.svg is None
    assert rendering.notice is not None
    assert rendering.notice.startswith("The diagram is too large to draw (")
    assert dot_runs.count == 0


@pytest.mark.parametrize("executable", [False, True], ids=["not-executable", "not-a-program"])
def test_a_dot_that_cannot_run_gives_a_notice(
    settings: Settings, tmp_path: Path, executable: bool
) -> None:
    binary = tmp_path / "dot"
    binary.write_text("this is not Graphviz\n")
    binary.chmod(0o755 if executable else 0o644)
    settings.GRAPHVIZ_DOT = str(binary)
    rendering = render_svg(small_dot())
    assert rendering.svg is None
    if executable:
        assert rendering.notice == (
            f"The diagram cannot be drawn: running GRAPHVIZ_DOT={str(binary)!r} failed "
            "(Exec format error). The description below says what it shows."
        )
    else:
        assert rendering.notice == (
            f"The diagram cannot be drawn because GRAPHVIZ_DOT={str(binary)!r} is not a program "
            "this server may run. Set GRAPHVIZ_DOT to Graphviz's dot; the description below says "
            "what the diagram shows."
        )


def test_a_diagram_survives_the_round_trip_through_plain_data() -> None:
    from iamlab.diagrams.graph import Diagram
    from iamlab.diagrams.legend import Mark

    diagram = Diagram(kind="trust", title="T")
    diagram.clusters["111122223333"] = "Account 111122223333"
    node = diagram.add_node("u", NodeKind.USER, "alice", ["IAM user"], cluster="111122223333")
    node.marks.add(Mark.REACHES_ADMIN)
    diagram.add_node("r", NodeKind.ROLE, "Admin")
    diagram.add_edge("u", "r", EdgeKind.CONDITIONAL, "if aws:MultiFactorAuthPresent = true")
    diagram.graph_attributes["nslimit"] = "2"
    diagram.summary, diagram.facts = "S.", ["F."]
    again = Diagram.from_data(diagram.to_data())
    assert again == diagram
    assert to_dot(again) == to_dot(diagram)
