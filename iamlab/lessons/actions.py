"""What a step asks the learner to do, and its worked solution (docs/contracts.md, 5).

Pure Python, no Django: validating an action and a solution against the lesson's scenario
world, and turning a policy the learner wrote into the one console line AWS would need.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from iamlab.engine import PolicyType
from iamlab.lessons.goals import DECISIONS, GoalProblem, _check_name, _suggest
from iamlab.world.cli.shell import MAX_LINE_CHARS

if TYPE_CHECKING:
    from iamlab.world import World

ACTION_KINDS = ("read", "console", "button", "predict", "policy")
ACTION_FIELDS = {
    "read": ((), ()),
    "console": ((), ("placeholder",)),
    "button": (("line",), ("label",)),
    "predict": (("line",), ("question",)),
    "policy": (("target", "profile"), ("start",)),
}
TARGET_KINDS = ("trust", "role_policy", "user_policy", "bucket", "managed_policy")
MAX_TEXT = 2000
MAX_SOLUTION_LINES = 20
# A policy the learner writes becomes one console line; the workspace log takes lines of
# at most this many characters (iamlab.scenarios.models.workspaces.MAX_LINE_LENGTH).
MAX_POLICY_CHARS = 4000


class PolicyInputError(ValueError):
    """The learner's policy text cannot be sent: the message says what and where."""


def shell_quote(text: str) -> str:
    """Quote a word for the console's shell: single quotes, with ' written as '\\''."""
    return "'" + text.replace("'", "'\\''") + "'"


def _line_problems(line: object, path: str) -> list[GoalProblem]:
    if not isinstance(line, str) or not line.strip():
        return [
            GoalProblem(path, f"give a console line as a non-empty string, got {json.dumps(line)}.")
        ]
    if "\n" in line or "\r" in line or len(line) > MAX_LINE_CHARS:
        return [GoalProblem(path, "a console line is one line of at most 20,000 characters.")]
    return []


def _text_problems(value: object, path: str) -> list[GoalProblem]:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        return [GoalProblem(path, f"give a string of at most {MAX_TEXT} characters.")]
    return []


def target_problems(world: World, target: object, path: str) -> list[GoalProblem]:
    """Check a policy target: {"trust": ROLE}, {"role_policy": [ROLE, NAME]}, ..."""
    example = '{"trust": "ReportPublisher"}'
    if not isinstance(target, dict) or len(target) != 1:
        return [GoalProblem(path, f"a target is an object with one key, e.g. {example}.")]
    ((kind, value),) = target.items()
    here = f"{path}.{kind}"
    if kind not in TARGET_KINDS:
        return [
            GoalProblem(
                here,
                f"unknown target {json.dumps(kind)}.{_suggest(kind, TARGET_KINDS)} "
                f"Targets: {', '.join(TARGET_KINDS)}.",
            )
        ]
    if kind == "trust":
        return _check_name(world, "role", value, None, here)
    if kind == "managed_policy":
        names = [policy.name for policy in customer_managed_policies(world)]
        if value not in names:
            return [
                GoalProblem(
                    here,
                    f"the scenario has no customer managed policy {json.dumps(value)}."
                    f"{_suggest(value, names)} Its customer managed policies: "
                    f"{', '.join(sorted(names)) or 'none'}.",
                )
            ]
        return []
    if kind == "bucket":
        if value not in world.buckets:
            return [
                GoalProblem(
                    here,
                    f"the scenario has no bucket {json.dumps(value)}."
                    f"{_suggest(value, list(world.buckets))}",
                )
            ]
        return []
    owner = "role" if kind == "role_policy" else "user"
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        return [GoalProblem(here, f"give [{owner.upper()}, POLICY_NAME], two strings.")]
    return _check_name(world, owner, value[0], None, f"{here}[0]")


def action_problems(world: World, action: object) -> list[GoalProblem]:
    """Return everything wrong with a step's action."""
    if not isinstance(action, dict) or "kind" not in action:
        return [
            GoalProblem(
                "", f'an action is an object with a "kind", one of {", ".join(ACTION_KINDS)}.'
            )
        ]
    kind = action["kind"]
    if kind not in ACTION_KINDS:
        return [
            GoalProblem(
                "kind",
                f"unknown action kind {json.dumps(kind)}.{_suggest(kind, ACTION_KINDS)} "
                f"Kinds: {', '.join(ACTION_KINDS)}.",
            )
        ]
    required, optional = ACTION_FIELDS[kind]
    problems = [
        GoalProblem(
            key,
            f"a {kind} action has no field {json.dumps(key)}."
            f"{_suggest(key, [*required, *optional])}",
        )
        for key in action
        if key != "kind" and key not in required and key not in optional
    ]
    problems += [
        GoalProblem(key, f"a {kind} action needs {json.dumps(key)}.")
        for key in required
        if key not in action
    ]
    for key in ("placeholder", "label", "question"):
        if key in action:
            problems += _text_problems(action[key], key)
    if "line" in action:
        problems += _line_problems(action["line"], "line")
    if kind == "policy":
        if "target" in action:
            problems += target_problems(world, action["target"], "target")
        if "profile" in action and (
            not isinstance(action["profile"], str) or not action["profile"].isprintable()
        ):
            problems.append(GoalProblem("profile", "give the profile's name as a string."))
        if "start" in action and not isinstance(action["start"], dict):
            problems.append(GoalProblem("start", "start is a JSON policy document (an object)."))
    return problems


def solution_problems(kind: object, solution: object) -> list[GoalProblem]:
    """Check a worked solution against the kind of its step's action."""
    expected = {
        "read": "null",
        "console": '{"lines": [LINE, ...]}',
        "button": '{"lines": [LINE]}',
        "predict": '{"decision": DECISION}',
        "policy": '{"policy": DOCUMENT}',
    }.get(str(kind))
    if expected is None:
        return []  # the action's own problem says what is wrong
    if kind == "read":
        return [] if solution is None else [GoalProblem("", "a read step has no solution: null.")]
    if not isinstance(solution, dict) or len(solution) != 1:
        return [GoalProblem("", f"a {kind} step's solution is {expected}.")]
    ((key, value),) = solution.items()
    if kind in {"console", "button"}:
        if (
            key != "lines"
            or not isinstance(value, list)
            or not 1 <= len(value) <= MAX_SOLUTION_LINES
        ):
            return [
                GoalProblem(
                    "", f"a {kind} step's solution is {expected}, 1 to {MAX_SOLUTION_LINES} lines."
                )
            ]
        problems = []
        for index, line in enumerate(value):
            problems += _line_problems(line, f"lines[{index}]")
        return problems
    if kind == "predict":
        if key != "decision" or value not in DECISIONS:
            return [
                GoalProblem(
                    "decision" if key == "decision" else "",
                    f"a predict step's solution is {expected}, DECISION one of "
                    f"{', '.join(DECISIONS)}.",
                )
            ]
        return []
    if key != "policy" or not isinstance(value, dict):
        return [GoalProblem("", f"a policy step's solution is {expected}.")]
    return []


def customer_managed_policies(world: World) -> list[Any]:
    """Return the world's customer managed policies (not AWS managed ones)."""
    return [
        policy
        for account in world.accounts.values()
        for policy in account.policies.values()
        if not policy.is_aws_managed
    ]


def target_policy_type(target: dict[str, Any]) -> PolicyType:
    """Return the kind of policy a target holds, as the engine validates it."""
    ((kind, _value),) = target.items()
    return {
        "trust": PolicyType.TRUST,
        "bucket": PolicyType.RESOURCE,
    }.get(kind, PolicyType.IDENTITY)


def current_document(world: World, target: dict[str, Any]) -> dict[str, Any] | None:
    """Return the target's policy document in the learner's world now, if it has one."""
    ((kind, value),) = target.items()
    if kind == "bucket":
        bucket = world.buckets.get(value)
        return bucket.policy if bucket is not None else None
    if kind == "managed_policy":
        found = [p for p in customer_managed_policies(world) if p.name == value]
        return found[0].document if found else None
    for account in world.accounts.values():
        if kind == "trust":
            role = account.roles.get(str(value).lower())
            if role is not None:
                return role.trust_policy
            continue
        owner_name, policy_name = value
        owners = account.roles if kind == "role_policy" else account.users
        owner = owners.get(owner_name.lower())
        if owner is not None:
            for inline in owner.inline_policies:
                if inline.name == policy_name:
                    return inline.document
    return None


def parse_policy_text(text: str) -> dict[str, Any]:
    """Read the learner's policy text as a JSON object; raise PolicyInputError saying where."""
    if len(text) > MAX_POLICY_CHARS:
        raise PolicyInputError(
            f"The policy is {len(text)} characters long; at most {MAX_POLICY_CHARS} fit in "
            "one command."
        )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyInputError(
            f"The policy is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}."
        ) from None
    except RecursionError:
        raise PolicyInputError("The policy is nested too deeply to read.") from None
    if not isinstance(document, dict):
        raise PolicyInputError(
            'A policy document is a JSON object: {"Version": "2012-10-17", "Statement": [...]}.'
        )
    return document


def policy_line(
    target: dict[str, Any], profile: str, document: dict[str, Any], world: World | None = None
) -> str:
    """Return the console line AWS would need to put this document in place.

    A managed policy is named by its ARN, read from `world` (the learner's).
    """
    # Compact and ASCII-only: one line, no control characters, every quote escaped by JSON.
    text = shell_quote(json.dumps(document, separators=(",", ":"), ensure_ascii=True))
    ((kind, value),) = target.items()
    if kind == "trust":
        command = (
            f"aws iam update-assume-role-policy --role-name {shell_quote(value)} "
            f"--policy-document {text}"
        )
    elif kind == "bucket":
        command = f"aws s3api put-bucket-policy --bucket {shell_quote(value)} --policy {text}"
    elif kind == "managed_policy":
        found = [p for p in customer_managed_policies(world) if p.name == value] if world else []
        arn = found[0].arn if found else value
        command = (
            f"aws iam create-policy-version --policy-arn {shell_quote(arn)} "
            f"--policy-document {text} --set-as-default"
        )
    else:
        owner, name = value
        command = (
            f"aws iam put-role-policy --role-name {shell_quote(owner)}"
            if kind == "role_policy"
            else f"aws iam put-user-policy --user-name {shell_quote(owner)}"
        ) + f" --policy-name {shell_quote(name)} --policy-document {text}"
    return f"{command} --profile {shell_quote(profile)}"
