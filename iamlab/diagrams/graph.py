"""A small graph model shared by the three diagrams, and its DOT writer.

The builders describe *what* a diagram shows (nodes, edges, marks, a text alternative);
this module decides *how* it is written as DOT. Names come from scenarios and from
students, so every label goes through `html_label`: DOT's HTML-like labels are XML, so
`&`, `<`, `>` and `"` become entities and can never open markup, and backslashes are
doubled because Graphviz still expands escapes such as `\\N` inside them. Node names in
the DOT are generated (`n1`, `n2`, ...) and never carry user text.

The `graphviz` Python package writes the DOT. It passes any value that looks like `<...>`
through unquoted as an HTML-like label, so user text must never reach an attribute
except through `html_label` or `edge_label`, which escape it; every other attribute value
comes from the legend's constant tables.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

import graphviz

from iamlab.diagrams.legend import (
    MARK_WORDS,
    EdgeKind,
    Mark,
    NodeKind,
    edge_attributes,
    node_attributes,
)

FONT = "Helvetica,Arial,sans-serif"
# A label line longer than this is cut with an ellipsis: a 2,000-character policy name
# must not turn the diagram into one enormous node.
MAX_LINE = 80
# Edge labels sit between ranks and widen the whole drawing, so they are cut shorter; the
# text alternative keeps the full wording.
MAX_EDGE_LINE = 48


@dataclass
class Node:
    key: str
    kind: NodeKind
    title: str
    details: list[str] = field(default_factory=list)
    marks: set[Mark] = field(default_factory=set)
    cluster: str | None = None


@dataclass
class Edge:
    tail: str
    head: str
    kind: EdgeKind
    label: str = ""


@dataclass
class Diagram:
    """What one diagram shows, independent of how it is drawn."""

    kind: str
    title: str
    rankdir: str = "LR"
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    clusters: dict[str, str] = field(default_factory=dict)
    # Extra Graphviz graph attributes (layout tuning); constants only, never user text.
    graph_attributes: dict[str, str] = field(default_factory=dict)
    # The text alternative: one summary sentence and a list of plain statements.
    summary: str = ""
    facts: list[str] = field(default_factory=list)

    def add_node(
        self,
        key: str,
        kind: NodeKind,
        title: str,
        details: list[str] | None = None,
        cluster: str | None = None,
    ) -> Node:
        """Add a node once; a second add with the same key returns the first."""
        node = self.nodes.get(key)
        if node is None:
            node = Node(key, kind, title, list(details or []), cluster=cluster)
            self.nodes[key] = node
        return node

    def add_edge(self, tail: str, head: str, kind: EdgeKind, label: str = "") -> Edge:
        """Add an edge between two nodes already added."""
        edge = Edge(tail, head, kind, label)
        self.edges.append(edge)
        return edge

    def to_data(self) -> dict[str, object]:
        """Return the diagram as plain data (for a cache shared across versions)."""
        return {
            "kind": self.kind,
            "title": self.title,
            "rankdir": self.rankdir,
            "nodes": [
                [
                    n.key,
                    n.kind.value,
                    n.title,
                    n.details,
                    sorted(m.value for m in n.marks),
                    n.cluster,
                ]
                for n in self.nodes.values()
            ],
            "edges": [[e.tail, e.head, e.kind.value, e.label] for e in self.edges],
            "clusters": self.clusters,
            "graph_attributes": self.graph_attributes,
            "summary": self.summary,
            "facts": self.facts,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Diagram:
        """Rebuild a diagram from `to_data`; raise KeyError, TypeError or ValueError if odd."""
        diagram = cls(kind=data["kind"], title=data["title"], rankdir=data["rankdir"])
        for key, kind, title, details, marks, cluster in data["nodes"]:
            node = Node(
                key, NodeKind(kind), title, list(details), {Mark(m) for m in marks}, cluster
            )
            diagram.nodes[key] = node
        diagram.edges = [Edge(t, h, EdgeKind(k), label) for t, h, k, label in data["edges"]]
        diagram.clusters = dict(data["clusters"])
        diagram.graph_attributes = dict(data["graph_attributes"])
        diagram.summary = data["summary"]
        diagram.facts = list(data["facts"])
        return diagram

    @property
    def text_alternative(self) -> str:
        """Return the text alternative as one plain string."""
        return " ".join([self.summary, *self.facts]).strip()


def clean_text(text: object) -> str:
    """Return printable one-line text: control characters and line breaks become spaces."""
    value = str(text)
    out = []
    for char in value:
        category = unicodedata.category(char)
        if category in {"Cc", "Zl", "Zp"}:
            out.append(" ")
        elif category in {"Cs", "Co", "Cn"}:
            # Lone surrogates and unassigned code points are not valid XML for Graphviz.
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out)


def shorten(text: str, limit: int = MAX_LINE) -> str:
    """Cut text to at most `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape_label_text(text: object, limit: int = MAX_LINE) -> str:
    """Escape text for a Graphviz HTML-like label, so that it is shown as typed."""
    value = shorten(clean_text(text), limit)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\\", "\\\\")
        # Graphviz 2.43 fails on a "]" right after a tag inside an HTML-like label.
        .replace("[", "&#91;")
        .replace("]", "&#93;")
    )


def html_label(title: str, details: list[str] | None = None) -> str:
    """Return an HTML-like DOT label: the title in bold, each detail on its own line."""
    parts = [f"<B>{escape_label_text(title)}</B>"] if title else []
    parts.extend(escape_label_text(line) for line in details or [])
    return "<" + "<BR/>".join(parts) + ">"


def edge_label(text: str) -> str:
    """Return an HTML-like DOT label for an edge; a line break in `text` starts a new line."""
    lines = text.split("\n")
    return "<" + "<BR/>".join(escape_label_text(line, MAX_EDGE_LINE) for line in lines) + ">"


def node_words(node: Node) -> list[str]:
    """Return the node's detail lines followed by the words its marks add."""
    words = [MARK_WORDS[mark] for mark in MARK_WORDS if mark in node.marks]
    return [*node.details, *words]


def to_dot(diagram: Diagram) -> str:
    """Write the diagram as DOT source with the graphviz package, deterministic for one diagram."""
    ids = {key: f"n{index}" for index, key in enumerate(diagram.nodes, start=1)}
    dot = graphviz.Digraph(
        "diagram",
        graph_attr={
            "rankdir": diagram.rankdir,
            "fontname": FONT,
            "fontsize": "12",
            "nodesep": "0.35",
            "ranksep": "0.5",
            "bgcolor": "white",
            "pad": "0.2",
            **diagram.graph_attributes,
        },
        node_attr={
            "fontname": FONT,
            "fontsize": "11",
            "color": "#000000",
            "fontcolor": "#000000",
            "margin": "0.12,0.06",
        },
        edge_attr={"fontname": FONT, "fontsize": "10", "fontcolor": "#000000"},
    )

    def add_node(graph: graphviz.Digraph, node: Node) -> None:
        attributes = node_attributes(node.kind, frozenset(node.marks))
        attributes["class"] = " ".join([node.kind.value, *sorted(m.value for m in node.marks)])
        graph.node(ids[node.key], label=html_label(node.title, node_words(node)), **attributes)

    by_cluster: dict[str | None, list[Node]] = {}
    for node in diagram.nodes.values():
        cluster = node.cluster if node.cluster in diagram.clusters else None
        by_cluster.setdefault(cluster, []).append(node)
    for index, (cluster_key, cluster_label) in enumerate(diagram.clusters.items(), start=1):
        members = by_cluster.get(cluster_key, [])
        if not members:
            continue
        with dot.subgraph(name=f"cluster_{index}") as cluster:
            cluster.attr(
                label=edge_label(cluster_label),
                style="rounded,dashed",
                color="#666666",
                labeljust="l",
            )
            for node in members:
                add_node(cluster, node)
    for node in by_cluster.get(None, []):
        add_node(dot, node)
    for edge in diagram.edges:
        attributes = edge_attributes(edge.kind)
        attributes["class"] = edge.kind.value
        label = edge_label(edge.label) if edge.label else None
        dot.edge(ids[edge.tail], ids[edge.head], label=label, **attributes)
    return dot.source
