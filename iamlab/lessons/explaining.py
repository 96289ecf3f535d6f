"""Say in words how the engine reached a decision, for the outcome under a learner's action.

Pure Python over an event's explanation (docs/contracts.md, 1): the checks that took part,
the statements that decided, and the policy type a denial names.
"""

from __future__ import annotations

from typing import Any

DECISION_WORDS = {
    "Allowed": "a statement allows the request and no statement denies it",
    "ExplicitlyDenied": "a Deny statement matches the request, and a Deny always wins",
    "ImplicitlyDenied": "no statement allows the request, so it is refused by default",
}


def explain(explanation: dict[str, Any] | None, decision: str | None) -> list[str]:
    """Return the sentences that explain one decision, most important first."""
    if not explanation or decision is None:
        return []
    sentences = []
    if decision in DECISION_WORDS:
        sentences.append(f"{decision}: {DECISION_WORDS[decision]}.")
    for statement in explanation.get("deciding_statements") or []:
        name = f"“{statement['sid']}”" if statement.get("sid") else statement.get("path", "")
        verb = "allows" if statement.get("effect") == "Allow" else "denies"
        sentences.append(
            f"The statement {name} of an {statement.get('policy_type')} {verb} it."
            if str(statement.get("policy_type", "")).startswith(("i", "a", "e", "o", "u"))
            else f"The statement {name} of a {statement.get('policy_type')} {verb} it."
        )
    denied_by = explanation.get("denied_by")
    if decision != "Allowed" and isinstance(denied_by, dict) and denied_by.get("policy_type"):
        sentences.append(f"AWS's message names the {denied_by['policy_type']}.")
    for step in explanation.get("steps") or []:
        if step.get("present") or step.get("result") in {"Allow", "Deny"}:
            note = str(step.get("note", "")).strip()
            if note and note not in sentences:
                sentences.append(note)
    return sentences
