"""The one legend shared by the three diagrams: what each shape, line and mark means.

Every visual mark is defined here once; the DOT writer takes its attributes from these
tables and the legend shown beside the diagrams is generated from the same tables, so the
two cannot drift apart. Shape, line style and a word in the label always carry the
meaning; colour (the Okabe-Ito palette, safe for colour-blind readers) only repeats it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Okabe & Ito's palette for colour-blind readers. Fills use the paler tints so that
# black label text keeps a contrast ratio well above 4.5:1.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#666666"
PALE_GREEN = "#C7EADF"
PALE_VERMILLION = "#F7D4BF"
PALE_GREY = "#E4E4E4"
PALE_BLUE = "#D5E8F5"
WHITE = "#FFFFFF"


class NodeKind(StrEnum):
    USER = "user"
    ROLE = "role"
    SESSION = "session"
    PROVIDER = "provider"
    SERVICE = "service"
    ACCOUNT = "account"
    RESOURCE = "resource"
    REQUEST = "request"
    STEP = "step"
    ALLOWED = "allowed"
    DENIED = "denied"
    STATEMENT = "statement"


class Mark(StrEnum):
    """A mark added to a node on top of its kind."""

    CURRENT = "current"
    ADMIN = "admin"
    REACHES_ADMIN = "reaches-admin"
    EXPIRED = "expired"
    DECIDING = "deciding"
    STEP_ALLOW = "step-allow"
    STEP_DENY = "step-deny"
    NOT_REACHED = "not-reached"


class EdgeKind(StrEnum):
    ALLOWED = "allowed"
    CONDITIONAL = "conditional"
    PASS_ROLE = "pass-role"
    DENIED = "denied"
    BELONGS_TO = "belongs-to"
    PATH_TAKEN = "path-taken"
    NOT_REACHED = "not-reached"


NODE_ATTRIBUTES: dict[NodeKind, dict[str, str]] = {
    NodeKind.USER: {"shape": "box", "style": "filled", "fillcolor": WHITE},
    NodeKind.ROLE: {"shape": "hexagon", "style": "filled", "fillcolor": WHITE},
    NodeKind.SESSION: {"shape": "note", "style": "filled", "fillcolor": PALE_BLUE},
    NodeKind.PROVIDER: {"shape": "house", "style": "filled", "fillcolor": WHITE},
    NodeKind.SERVICE: {"shape": "component", "style": "filled", "fillcolor": WHITE},
    NodeKind.ACCOUNT: {"shape": "box3d", "style": "filled", "fillcolor": WHITE},
    NodeKind.RESOURCE: {"shape": "cylinder", "style": "filled", "fillcolor": WHITE},
    NodeKind.REQUEST: {"shape": "box", "style": "filled,diagonals", "fillcolor": WHITE},
    NodeKind.STEP: {"shape": "box", "style": "rounded,filled", "fillcolor": WHITE},
    NodeKind.ALLOWED: {"shape": "ellipse", "style": "filled,bold", "fillcolor": PALE_GREEN},
    NodeKind.DENIED: {"shape": "octagon", "style": "filled,bold", "fillcolor": PALE_VERMILLION},
    NodeKind.STATEMENT: {"shape": "tab", "style": "filled", "fillcolor": YELLOW},
}

# Marks are applied in this order; a later mark's attributes win over an earlier one's.
MARK_ATTRIBUTES: dict[Mark, dict[str, str]] = {
    Mark.STEP_ALLOW: {"fillcolor": PALE_GREEN},
    Mark.STEP_DENY: {"fillcolor": PALE_VERMILLION},
    Mark.NOT_REACHED: {"style": "rounded,dotted,filled", "fillcolor": WHITE, "color": GREY},
    Mark.EXPIRED: {"style": "dashed,filled", "fillcolor": PALE_GREY},
    Mark.REACHES_ADMIN: {"peripheries": "2", "fillcolor": ORANGE},
    Mark.ADMIN: {"peripheries": "2", "fillcolor": ORANGE, "penwidth": "2"},
    Mark.DECIDING: {"peripheries": "2", "penwidth": "2.5"},
    Mark.CURRENT: {"penwidth": "3", "fillcolor": YELLOW},
}

# The word each mark adds to a node's label, so the meaning survives without colour.
MARK_WORDS: dict[Mark, str] = {
    Mark.CURRENT: "current caller",
    Mark.ADMIN: "administrator",
    Mark.REACHES_ADMIN: "can reach administrator",
    Mark.EXPIRED: "EXPIRED",
    Mark.DECIDING: "DECIDED HERE",
    Mark.NOT_REACHED: "not reached",
}

EDGE_ATTRIBUTES: dict[EdgeKind, dict[str, str]] = {
    EdgeKind.ALLOWED: {"style": "solid", "color": BLUISH_GREEN, "arrowhead": "normal"},
    EdgeKind.CONDITIONAL: {
        "style": "dashed",
        "color": BLUE,
        "arrowhead": "normal",
        "penwidth": "1.5",
    },
    EdgeKind.PASS_ROLE: {
        "style": "solid",
        "color": REDDISH_PURPLE,
        "arrowhead": "empty",
        "penwidth": "1.5",
    },
    EdgeKind.DENIED: {"style": "bold", "color": VERMILLION, "arrowhead": "tee", "penwidth": "2.5"},
    EdgeKind.BELONGS_TO: {"style": "dotted", "color": GREY, "arrowhead": "none"},
    EdgeKind.PATH_TAKEN: {
        "style": "bold",
        "color": BLACK,
        "arrowhead": "normal",
        "penwidth": "2.5",
    },
    EdgeKind.NOT_REACHED: {"style": "dotted", "color": GREY, "arrowhead": "normal"},
}


@dataclass(frozen=True)
class LegendEntry:
    """One row of the legend: how a thing looks, what it means, where it appears."""

    key: str
    looks: str
    meaning: str
    diagrams: tuple[str, ...]
    node: NodeKind | None = None
    mark: Mark | None = None
    edge: EdgeKind | None = None


SESSION = "sessions"
TRUST = "trust"
EVALUATION = "evaluation"

LEGEND: tuple[LegendEntry, ...] = (
    LegendEntry("user", "Rectangle", "IAM user", (SESSION, TRUST), node=NodeKind.USER),
    LegendEntry("role", "Hexagon", "IAM role", (SESSION, TRUST), node=NodeKind.ROLE),
    LegendEntry(
        "session",
        "Folded page",
        "Assumed-role session (temporary security credentials)",
        (SESSION,),
        node=NodeKind.SESSION,
    ),
    LegendEntry(
        "provider",
        "House",
        "Identity provider (OIDC or SAML) for federated users",
        (SESSION, TRUST),
        node=NodeKind.PROVIDER,
    ),
    LegendEntry(
        "service", "Component", "AWS service principal", (SESSION, TRUST), node=NodeKind.SERVICE
    ),
    LegendEntry(
        "account",
        "3-D box",
        "A whole AWS account (every principal its administrator allows)",
        (TRUST,),
        node=NodeKind.ACCOUNT,
    ),
    LegendEntry(
        "resource",
        "Cylinder",
        "Resource (bucket, object, function)",
        (SESSION,),
        node=NodeKind.RESOURCE,
    ),
    LegendEntry(
        "request",
        "Box with cut corners",
        "The request being decided",
        (EVALUATION,),
        node=NodeKind.REQUEST,
    ),
    LegendEntry(
        "step",
        "Rounded box",
        "A step of the AWS evaluation logic",
        (EVALUATION,),
        node=NodeKind.STEP,
    ),
    LegendEntry("allowed", "Oval", "Final decision: Allowed", (EVALUATION,), node=NodeKind.ALLOWED),
    LegendEntry(
        "denied",
        "Octagon",
        "Final decision: denied (explicitly or implicitly)",
        (EVALUATION,),
        node=NodeKind.DENIED,
    ),
    LegendEntry(
        "statement",
        "Tabbed box",
        "The statement that decided",
        (EVALUATION,),
        node=NodeKind.STATEMENT,
    ),
    LegendEntry(
        "current",
        "Thick outline, yellow, “current caller”",
        "Who is acting now",
        (SESSION,),
        node=NodeKind.USER,
        mark=Mark.CURRENT,
    ),
    LegendEntry(
        "expired",
        "Dashed outline, grey, “EXPIRED”",
        "Session whose credentials have expired",
        (SESSION,),
        node=NodeKind.SESSION,
        mark=Mark.EXPIRED,
    ),
    LegendEntry(
        "admin",
        "Double outline, orange, “administrator” or “can reach administrator”",
        "Has, or can reach through the arrows, permissions that allow * on *",
        (TRUST,),
        node=NodeKind.ROLE,
        mark=Mark.REACHES_ADMIN,
    ),
    LegendEntry(
        "deciding",
        "Double outline, “DECIDED HERE”",
        "The step whose result decided",
        (EVALUATION,),
        node=NodeKind.STEP,
        mark=Mark.DECIDING,
    ),
    LegendEntry(
        "not-reached-step",
        "Dotted outline, “not reached”",
        "A step AWS did not need to evaluate",
        (EVALUATION,),
        node=NodeKind.STEP,
        mark=Mark.NOT_REACHED,
    ),
    LegendEntry(
        "allowed-edge",
        "Solid arrow",
        "Allowed: a call that succeeded, or may assume",
        (SESSION, TRUST),
        edge=EdgeKind.ALLOWED,
    ),
    LegendEntry(
        "conditional-edge",
        "Dashed arrow, “if …”",
        "May assume only when the named condition keys match",
        (TRUST,),
        edge=EdgeKind.CONDITIONAL,
    ),
    LegendEntry(
        "pass-role-edge",
        "Hollow arrowhead, “iam:PassRole”",
        "May pass the role to the named service",
        (TRUST,),
        edge=EdgeKind.PASS_ROLE,
    ),
    LegendEntry(
        "denied-edge",
        "Thick line ending in a bar",
        "Denied or failed call, with the policy type or error",
        (SESSION,),
        edge=EdgeKind.DENIED,
    ),
    LegendEntry(
        "belongs-to-edge",
        "Dotted line, no arrowhead",
        "Belongs to: a session to its role, a deciding statement to its step",
        (SESSION, EVALUATION),
        edge=EdgeKind.BELONGS_TO,
    ),
    LegendEntry(
        "path-edge",
        "Thick arrow",
        "The path the evaluation took",
        (EVALUATION,),
        edge=EdgeKind.PATH_TAKEN,
    ),
    LegendEntry(
        "not-reached-edge",
        "Dotted arrow",
        "A path the evaluation did not take",
        (EVALUATION,),
        edge=EdgeKind.NOT_REACHED,
    ),
)


def node_attributes(
    kind: NodeKind, marks: tuple[Mark, ...] | frozenset[Mark] = ()
) -> dict[str, str]:
    """Return the DOT attributes of a node of this kind carrying these marks."""
    attributes = dict(NODE_ATTRIBUTES[kind])
    for mark in MARK_ATTRIBUTES:
        if mark in marks:
            extra = dict(MARK_ATTRIBUTES[mark])
            # A step keeps its rounded corners under any mark.
            if "style" in extra and kind is NodeKind.STEP and "rounded" not in extra["style"]:
                extra["style"] = "rounded," + extra["style"]
            attributes.update(extra)
    return attributes


def edge_attributes(kind: EdgeKind) -> dict[str, str]:
    """Return the DOT attributes of an edge of this kind."""
    return dict(EDGE_ATTRIBUTES[kind])
