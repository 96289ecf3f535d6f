"""The evaluation flow: how the engine reached one decision, step by step.

Built from the engine's result alone (docs/contracts.md, "The explanation"): a request
node, one node per step of the AWS evaluation logic in the engine's order (for
`sts:AssumeRole` the role trust policy is a step of its own), the path the evaluation
took drawn thick, steps it never reached dotted, the deciding step marked, and the
statements that decided hung beside it.
"""

from __future__ import annotations

import textwrap
from typing import Any

from iamlab.diagrams.graph import Diagram
from iamlab.diagrams.legend import EdgeKind, Mark, NodeKind

STEP_NAMES: dict[str, str] = {
    "deny_evaluation": "Explicit deny check",
    "rcp": "Resource control policies",
    "scp": "Service control policies",
    "resource_policy": "Resource-based policy",
    "trust_policy": "Role trust policy",
    "identity_policy": "Identity-based policies",
    "permission_boundary": "Permissions boundary",
    "session_policy": "Session policy",
    "endpoint_policy": "VPC endpoint policy",
    "root_user": "Root user",
}

RESULT_WORDS: dict[str, str] = {
    "Allow": "found an Allow",
    "Deny": "found a Deny",
    "NoMatch": "no statement matched",
    "NotApplicable": "does not apply",
    "Skipped": "not evaluated",
}

DECISION_WORDS: dict[str, str] = {
    "Allowed": "Allowed",
    "ExplicitlyDenied": "Explicitly denied",
    "ImplicitlyDenied": "Implicitly denied",
}

NOTE_WIDTH = 46
NOTE_LINES = 4


def step_name(step: dict[str, Any]) -> str:
    """Return the name a student reads for one step of the explanation."""
    name = STEP_NAMES.get(str(step.get("step")))
    if name:
        return name
    policy_type = step.get("policy_type")
    return str(policy_type).capitalize() if policy_type else str(step.get("step", "Step"))


def deciding_step_index(result: dict[str, Any]) -> int | None:
    """Return the index of the step the engine names as the one that decided.

    The engine's explanation names it (`deciding_step`); the diagram never re-derives it from
    the step results, which cannot tell a gate that granted from one that merely let through.
    """
    explanation = result.get("explanation") or {}
    steps: list[dict[str, Any]] = list(explanation.get("steps") or [])
    deciding = explanation.get("deciding_step")
    for index, step in enumerate(steps):
        if deciding is not None and step.get("step") == deciding:
            return index
    return None


def _path_end(result: dict[str, Any], deciding: int | None) -> int | None:
    """Return the index of the last step on the path the evaluation took.

    A denial ends the evaluation at the step that denied; an Allow is final only after
    every remaining check (boundary, session policy) has been passed, so its path runs to
    the last step that was evaluated.
    """
    steps = (result.get("explanation") or {}).get("steps") or []
    if result.get("decision") != "Allowed":
        return deciding
    evaluated = [i for i, step in enumerate(steps) if step.get("result") != "Skipped"]
    return evaluated[-1] if evaluated else deciding


def _find_statement(explanation: dict[str, Any], statement_path: str) -> dict[str, Any] | None:
    policy_path, _, rest = statement_path.rpartition(".Statement[")
    if not rest.endswith("]"):
        return None
    try:
        index = int(rest[:-1])
    except ValueError:
        return None
    for policy in explanation.get("policies") or []:
        if policy.get("path") == policy_path:
            for statement in policy.get("statements") or []:
                if statement.get("index") == index:
                    return statement
    return None


def _statement_details(explanation: dict[str, Any], deciding: dict[str, Any]) -> list[str]:
    details = [str(deciding.get("path", ""))]
    if deciding.get("sid"):
        details.append(f"Sid {deciding['sid']}")
    details.append(f"Effect {deciding.get('effect', '?')} ({deciding.get('policy_type', '?')})")
    statement = _find_statement(explanation, str(deciding.get("path", "")))
    if statement:
        for part in ("principal", "action", "resource"):
            element = statement.get(part)
            if element and element.get("matched") and element.get("matched_by"):
                details.append(f"{element['element']} matched by {element['matched_by']}")
        for condition in statement.get("conditions") or []:
            outcome = "matched" if condition.get("matched") else "did not match"
            details.append(f"{condition.get('operator')} {condition.get('key')} {outcome}")
    return details


def evaluation_flow(result: dict[str, Any], title: str | None = None) -> Diagram:
    """Build the evaluation-flow diagram of one engine result."""
    if "error" in result:
        error = result["error"] or {}
        diagram = Diagram(kind="evaluation", title=title or "The request could not be evaluated")
        diagram.rankdir = "TB"
        diagram.add_node(
            "error",
            NodeKind.DENIED,
            str(error.get("code", "Error")),
            [str(error.get("message", "")), f"at {error.get('path', '')}"],
        )
        diagram.summary = (
            f"The engine could not evaluate this request: {error.get('code')} at "
            f"{error.get('path') or 'the document'}: {error.get('message')}"
        )
        return diagram

    explanation: dict[str, Any] = result.get("explanation") or {}
    request: dict[str, Any] = explanation.get("request") or {}
    steps: list[dict[str, Any]] = list(explanation.get("steps") or [])
    decision = str(result.get("decision"))
    decision_words = DECISION_WORDS.get(decision, decision)
    principal = str(request.get("principal", "?"))
    action = str(request.get("action", "?"))
    resource = str(request.get("resource", "?"))

    diagram = Diagram(
        kind="evaluation",
        title=title or f"How the decision on {action} was reached",
        rankdir="TB",
    )
    if request.get("same_account"):
        accounts = "same account"
    else:
        accounts = (
            f"cross-account: {request.get('principal_account')} "
            f"to {request.get('resource_account')}"
        )
    diagram.add_node(
        "request",
        NodeKind.REQUEST,
        "Request",
        [f"principal {principal}", f"action {action}", f"resource {resource}", accounts],
    )

    deciding = deciding_step_index(result)
    path_end = _path_end(result, deciding)
    on_path_previous = "request"
    previous = "request"
    facts = []
    for index, step in enumerate(steps):
        key = f"step{index}"
        outcome = str(step.get("result", ""))
        details = [f"result: {RESULT_WORDS.get(outcome, outcome)}"]
        if step.get("policy_type") and not step.get("present"):
            details.append("no policy of this type")
        note = str(step.get("note") or "")
        wrapped = textwrap.wrap(note, NOTE_WIDTH)
        if len(wrapped) > NOTE_LINES:
            wrapped = [*wrapped[: NOTE_LINES - 1], wrapped[NOTE_LINES - 1].rstrip() + " …"]
        details.extend(wrapped)
        node = diagram.add_node(key, NodeKind.STEP, f"{index + 1}. {step_name(step)}", details)
        on_path = outcome != "Skipped" and path_end is not None and index <= path_end
        if outcome == "Allow":
            node.marks.add(Mark.STEP_ALLOW)
        elif outcome == "Deny":
            node.marks.add(Mark.STEP_DENY)
        if not on_path:
            node.marks.add(Mark.NOT_REACHED)
        if index == deciding:
            node.marks.add(Mark.DECIDING)
        if on_path:
            # The lit path runs from one evaluated step to the next, around skipped ones.
            diagram.add_edge(on_path_previous, key, EdgeKind.PATH_TAKEN)
            on_path_previous = key
        else:
            diagram.add_edge(previous, key, EdgeKind.NOT_REACHED)
        previous = key
        words = (
            RESULT_WORDS.get(outcome, outcome)
            if on_path or outcome == "Skipped"
            else ("not reached")
        )
        sentence = f"Step {index + 1}, {step_name(step)}: {words}."
        if note and on_path:
            sentence += f" {note}"
        if index == deciding:
            sentence += " This step decided."
        facts.append(sentence)

    decision_kind = NodeKind.ALLOWED if decision == "Allowed" else NodeKind.DENIED
    denied_by = explanation.get("denied_by")
    decision_details = []
    if denied_by:
        how = "explicit deny in" if denied_by.get("explicit") else "no Allow in"
        decision_details.append(f"{how} the {denied_by.get('policy_type')}")
    diagram.add_node("decision", decision_kind, decision_words, decision_details)
    diagram.add_edge(on_path_previous, "decision", EdgeKind.PATH_TAKEN)

    step_index_by_type = {
        step.get("policy_type"): i for i, step in enumerate(steps) if step.get("policy_type")
    }
    for number, statement in enumerate(explanation.get("deciding_statements") or [], start=1):
        key = f"statement{number}"
        diagram.add_node(
            key,
            NodeKind.STATEMENT,
            "Statement that decided",
            _statement_details(explanation, statement),
        )
        # An explicit deny is found by the deny check, so its statement hangs there.
        if statement.get("effect") == "Deny" and deciding is not None:
            owner: int | None = deciding
        else:
            owner = step_index_by_type.get(statement.get("policy_type"))
        diagram.add_edge(
            f"step{owner}" if owner is not None else "decision", key, EdgeKind.BELONGS_TO
        )
        sid = f" (Sid {statement['sid']})" if statement.get("sid") else ""
        facts.append(
            f"Deciding statement: {statement.get('path')}{sid}, effect {statement.get('effect')}, "
            f"in the {statement.get('policy_type')}."
        )

    summary = f"Request by {principal} to perform {action} on {resource}: {decision_words}"
    if denied_by:
        summary += f" by the {denied_by.get('policy_type')}"
    diagram.summary = summary + "."
    diagram.facts = facts
    return diagram
