"""Lesson goals: a small vocabulary of checks over a learner's world (docs/contracts.md, 5).

Pure Python, no Django. `goal_problems` validates a goal against the lesson's scenario
world (unknown users, roles and functions are refused with their place and the nearest
names); `goal_met` checks one against a learner's world, console and prediction;
`describe_goal` says in words what a goal asks for.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from iamlab.engine.policy_types import AWS_WORDING
from iamlab.lessons.identities import VIA_CHOICES, Identities, Who, acting_as, role_name
from iamlab.world.operations import operations

if TYPE_CHECKING:
    from iamlab.world import Event, World
    from iamlab.world.cli import Console

DECISIONS = ("Allowed", "ExplicitlyDenied", "ImplicitlyDenied")
OUTCOMES = ("succeeded", "denied", "failed")
# The policy types AWS names in a denial (the engine's `denied_by.policy_type`).
POLICY_TYPES = tuple(AWS_WORDING.values())
GOAL_KINDS = (
    "call",
    "acting_as",
    "session_expired",
    "may_assume",
    "may",
    "function_role",
    "prediction",
    "all",
    "any",
)
CALL_FIELDS = ("operation", "by", "outcome", "decision", "policy_type", "error_code")
IDENTITY_KINDS = ("user", "role", "function")
MAX_DEPTH = 6
MAX_PARTS = 20


@dataclass(frozen=True)
class GoalProblem:
    """One thing wrong with a goal, at a JSON path inside the step's field."""

    json_path: str
    message: str


@dataclass
class GoalContext:
    """What a goal is checked against: the learner's world now and this step's state."""

    world: World
    console: Console | None = None
    # Calls logged after this sequence number happened since the step opened.
    since_seq: int = 0
    # The decision the learner predicted on this step, and the engine's decision then.
    predicted: str | None = None
    actual: str | None = None

    def __post_init__(self) -> None:
        self._identities: Identities | None = None

    @property
    def identities(self) -> Identities:
        if self._identities is None:
            self._identities = Identities(self.world)
        return self._identities

    def events_since(self) -> list[Event]:
        # Events are numbered from 1 in the order they are logged, so the ones after
        # since_seq start at that index; the filter keeps it right whatever the numbering.
        events = self.world.events
        start = self.since_seq if 0 <= self.since_seq <= len(events) else 0
        return [event for event in events[start:] if event.seq > self.since_seq]


# ---- validation ----------------------------------------------------------------------------


def _suggest(value: object, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f' Did you mean "{close[0]}"?' if close else ""


def _names(world: World, kind: str) -> dict[str, list[str]]:
    """Return name -> account ids of every user, role or Lambda function in the world."""
    found: dict[str, list[str]] = {}
    for account in world.accounts.values():
        table = {
            "user": account.users,
            "role": account.roles,
            "function": account.lambda_functions,
        }[kind]
        for item in table.values():
            found.setdefault(item.name, []).append(account.account_id)
    return found


def _check_name(
    world: World, kind: str, name: object, account: object, path: str
) -> list[GoalProblem]:
    noun = {"user": "IAM user", "role": "IAM role", "function": "Lambda function"}[kind]
    if not isinstance(name, str) or not name:
        return [GoalProblem(path, f"give the {noun}'s name as a string, got {json.dumps(name)}.")]
    names = _names(world, kind)
    if name not in names:
        known = ", ".join(sorted(names)) or "none"
        return [
            GoalProblem(
                path,
                f"the scenario has no {noun} named {json.dumps(name)}."
                f"{_suggest(name, list(names))} Its {noun}s: {known}.",
            )
        ]
    accounts = names[name]
    if account is not None:
        if account not in accounts:
            return [
                GoalProblem(
                    path,
                    f"the {noun} {json.dumps(name)} is not in account {json.dumps(account)}; "
                    f"it is in {', '.join(accounts)}.",
                )
            ]
    elif len(accounts) > 1:
        return [
            GoalProblem(
                path,
                f"the {noun} {json.dumps(name)} exists in accounts {', '.join(accounts)}; "
                'add "account" to say which.',
            )
        ]
    return []


def identity_problems(world: World, identity: object, path: str) -> list[GoalProblem]:
    """Check an identity: {"user": N} | {"role": N, "via": ...} | {"function": N}."""
    if not isinstance(identity, dict):
        return [
            GoalProblem(
                path,
                'an identity is an object: {"user": NAME}, {"role": NAME} or {"function": NAME}; '
                f"got {json.dumps(identity)}.",
            )
        ]
    kinds = [kind for kind in IDENTITY_KINDS if kind in identity]
    allowed = {*kinds, "account"} | ({"via"} if kinds == ["role"] else set())
    problems = [
        GoalProblem(
            f"{path}.{key}",
            f"an identity has no field {json.dumps(key)}."
            f"{_suggest(key, [*IDENTITY_KINDS, 'account', 'via'])}",
        )
        for key in identity
        if key not in allowed
    ]
    if len(kinds) != 1:
        return [
            *problems,
            GoalProblem(path, 'name exactly one of "user", "role" or "function" in an identity.'),
        ]
    kind = kinds[0]
    account = identity.get("account")
    if account is not None and not isinstance(account, str):
        problems.append(GoalProblem(f"{path}.account", "give the account ID as a string."))
        account = None
    problems.extend(_check_name(world, kind, identity[kind], account, f"{path}.{kind}"))
    via = identity.get("via")
    if "via" in identity and via not in VIA_CHOICES:
        problems.append(
            GoalProblem(
                f"{path}.via",
                f"via is one of {', '.join(VIA_CHOICES)}, got {json.dumps(via)}."
                f"{_suggest(via, VIA_CHOICES)}",
            )
        )
    return problems


def _operation_names() -> list[str]:
    return sorted(f"{service}:{name}" for service, name in operations())


def _one_of(value: object, choices: tuple[str, ...], field: str, path: str) -> list[GoalProblem]:
    if value in choices:
        return []
    return [
        GoalProblem(
            path,
            f"{field} is one of {', '.join(choices)}, got {json.dumps(value)}."
            f"{_suggest(value, choices)}",
        )
    ]


def _call_problems(world: World, call: object, path: str) -> list[GoalProblem]:
    if not isinstance(call, dict):
        return [GoalProblem(path, 'give the call as an object: {"operation": "sts:AssumeRole"}.')]
    problems = [
        GoalProblem(
            f"{path}.{key}",
            f"a call goal has no field {json.dumps(key)}.{_suggest(key, CALL_FIELDS)}",
        )
        for key in call
        if key not in CALL_FIELDS
    ]
    operation = call.get("operation")
    known = _operation_names()
    if operation is None:
        problems.append(
            GoalProblem(f"{path}.operation", 'operation is required, e.g. "sts:AssumeRole".')
        )
    elif operation not in known:
        problems.append(
            GoalProblem(
                f"{path}.operation",
                f"the world has no operation {json.dumps(operation)} (write service:Operation "
                f'as the API names it, e.g. "s3:PutObject").{_suggest(operation, known)}',
            )
        )
    if "by" in call:
        problems.extend(identity_problems(world, call["by"], f"{path}.by"))
    if "outcome" in call:
        problems.extend(_one_of(call["outcome"], OUTCOMES, "outcome", f"{path}.outcome"))
    if "decision" in call:
        problems.extend(_one_of(call["decision"], DECISIONS, "decision", f"{path}.decision"))
    if "policy_type" in call:
        problems.extend(
            _one_of(call["policy_type"], POLICY_TYPES, "policy_type", f"{path}.policy_type")
        )
    if "error_code" in call and (
        not isinstance(call["error_code"], str) or not call["error_code"].isalnum()
    ):
        problems.append(
            GoalProblem(
                f"{path}.error_code",
                f'give the error code AWS returns, e.g. "ExpiredToken"; got '
                f"{json.dumps(call['error_code'])}.",
            )
        )
    return problems


def _fields(
    value: object, required: tuple[str, ...], optional: tuple[str, ...], path: str, example: str
) -> list[GoalProblem]:
    if not isinstance(value, dict):
        return [GoalProblem(path, f"give an object: {example}.")]
    known = (*required, *optional)
    problems = [
        GoalProblem(f"{path}.{key}", f"unexpected field {json.dumps(key)}.{_suggest(key, known)}")
        for key in value
        if key not in known
    ]
    problems += [
        GoalProblem(path, f"{key} is required: {example}.") for key in required if key not in value
    ]
    return problems


def _principal_problems(world: World, principal: object, path: str) -> list[GoalProblem]:
    if isinstance(principal, str):
        if principal.startswith("arn:") or principal.endswith(".amazonaws.com"):
            return []
        return [
            GoalProblem(
                path,
                "give an identity or a principal's ARN (or a service principal such "
                f"as lambda.amazonaws.com); got {json.dumps(principal)}.",
            )
        ]
    return identity_problems(world, principal, path)


def _may_problems(world: World, value: object, here: str) -> list[GoalProblem]:
    example = (
        '{"principal": {"user": "alice"}, "action": "s3:PutObject", '
        '"resource": "arn:aws:s3:::example-reports/q3.csv", "allowed": false}'
    )
    problems = _fields(
        value, ("principal", "action", "resource", "allowed"), ("context",), here, example
    )
    if problems:
        return problems
    assert isinstance(value, dict)
    problems = _principal_problems(world, value["principal"], f"{here}.principal")
    action = value["action"]
    service, _, name = action.partition(":") if isinstance(action, str) else ("", "", "")
    if not (service and name and "*" not in action and "?" not in action):
        problems.append(
            GoalProblem(
                f"{here}.action",
                'give one action as service:Action, e.g. "s3:PutObject"; '
                f"got {json.dumps(action)}.",
            )
        )
    if not isinstance(value["resource"], str) or not value["resource"]:
        problems.append(GoalProblem(f"{here}.resource", "give the resource's ARN as a string."))
    context = value.get("context", {})
    if not isinstance(context, dict) or not all(
        isinstance(key, str) and isinstance(item, (str, bool, int, list))
        for key, item in context.items()
    ):
        problems.append(
            GoalProblem(
                f"{here}.context",
                "give the request context as an object of condition keys, e.g. "
                '{"iam:PassedToService": "lambda.amazonaws.com"}.',
            )
        )
    if not isinstance(value["allowed"], bool):
        problems.append(GoalProblem(f"{here}.allowed", "allowed is true or false."))
    return problems


def goal_problems(goal: object, world: World, path: str = "", depth: int = 0) -> list[GoalProblem]:
    """Return everything wrong with a goal, checked against the scenario's world."""
    if depth > MAX_DEPTH:
        return [GoalProblem(path, f"goals nest at most {MAX_DEPTH} levels deep.")]
    if not isinstance(goal, dict) or len(goal) != 1:
        return [
            GoalProblem(
                path,
                "a goal is an object with exactly one key, one of "
                f"{', '.join(GOAL_KINDS)}; got {json.dumps(goal)[:200]}.",
            )
        ]
    ((kind, value),) = goal.items()
    here = f"{path}.{kind}" if path else kind
    if kind not in GOAL_KINDS:
        return [
            GoalProblem(
                here,
                f"unknown goal {json.dumps(kind)}.{_suggest(kind, GOAL_KINDS)} "
                f"Goals: {', '.join(GOAL_KINDS)}.",
            )
        ]
    if kind == "call":
        return _call_problems(world, value, here)
    if kind == "acting_as":
        return identity_problems(world, value, here)
    if kind == "session_expired":
        problems = _fields(value, ("role",), ("account",), here, '{"role": "ReportPublisher"}')
        if not problems:
            problems = _check_name(world, "role", value["role"], value.get("account"), here)
        return problems
    if kind == "may_assume":
        example = '{"principal": {"user": "alice"}, "role": "ReportPublisher", "allowed": true}'
        problems = _fields(value, ("principal", "role", "allowed"), ("account",), here, example)
        if problems:
            return problems
        problems += _principal_problems(world, value["principal"], f"{here}.principal")
        problems += _check_name(world, "role", value["role"], value.get("account"), f"{here}.role")
        if not isinstance(value["allowed"], bool):
            problems.append(GoalProblem(f"{here}.allowed", "allowed is true or false."))
        return problems
    if kind == "may":
        return _may_problems(world, value, here)
    if kind == "function_role":
        example = '{"function": "report-builder", "role": "lambda-admin-role"}'
        problems = _fields(value, ("function", "role"), ("account",), here, example)
        if not problems:
            account = value.get("account")
            problems += _check_name(
                world, "function", value["function"], account, f"{here}.function"
            )
            problems += _check_name(world, "role", value["role"], account, f"{here}.role")
        return problems
    if kind == "prediction":
        return _one_of(value, ("correct", "made"), "prediction", here)
    # all / any
    if not isinstance(value, list) or not value or len(value) > MAX_PARTS:
        return [GoalProblem(here, f"give a list of 1 to {MAX_PARTS} goals.")]
    problems = []
    for index, part in enumerate(value):
        problems += goal_problems(part, world, f"{here}[{index}]", depth + 1)
    return problems


def goal_uses_prediction(goal: object) -> bool:
    """Return whether a goal (or a part of it) is about the learner's prediction."""
    if not isinstance(goal, dict) or len(goal) != 1:
        return False
    ((kind, value),) = goal.items()
    if kind == "prediction":
        return True
    if kind in {"all", "any"} and isinstance(value, list):
        return any(goal_uses_prediction(part) for part in value)
    return False


# ---- evaluation ----------------------------------------------------------------------------


def identity_matches(who: Who, identity: dict[str, Any]) -> bool:
    """Return whether an identity seen in the world is the one a goal names."""
    account = identity.get("account")
    if account is not None and who.account_id != account:
        return False
    if "user" in identity:
        return who.kind == "user" and who.user == identity["user"]
    if "function" in identity:
        return who.kind == "role" and who.function == identity["function"]
    if "role" in identity:
        if who.kind != "role" or who.role != identity["role"]:
            return False
        return "via" not in identity or who.via == identity["via"]
    return False


def _call_matches(event: Event, call: dict[str, Any], context: GoalContext) -> bool:
    service, _, operation = str(call.get("operation", "")).partition(":")
    if event.service != service or event.operation != operation:
        return False
    error = event.error or {}
    outcome = call.get("outcome")
    if outcome == "succeeded" and event.error is not None:
        return False
    if outcome == "failed" and event.error is None:
        return False
    if outcome == "denied" and event.decision in (None, "Allowed"):
        return False
    if "decision" in call and event.decision != call["decision"]:
        return False
    if "policy_type" in call:
        denied_by = (event.explanation or {}).get("denied_by") or {}
        if (
            event.decision in (None, "Allowed")
            or denied_by.get("policy_type") != call["policy_type"]
        ):
            return False
    if "error_code" in call and error.get("code") != call["error_code"]:
        return False
    return "by" not in call or identity_matches(context.identities.of_event(event), call["by"])


def _role(world: World, name: str, account: str | None) -> Any | None:
    for account_id, found in world.accounts.items():
        if account is not None and account_id != account:
            continue
        role = found.roles.get(name.lower())
        if role is not None and role.name == name:
            return role
    return None


def _principal_arn(world: World, principal: object) -> str | None:
    if isinstance(principal, str):
        return principal
    if not isinstance(principal, dict):
        return None
    account = principal.get("account")
    for account_id, found in world.accounts.items():
        if account is not None and account_id != account:
            continue
        if "user" in principal:
            user = found.users.get(str(principal["user"]).lower())
            if user is not None:
                return user.arn
        if "role" in principal:
            role = found.roles.get(str(principal["role"]).lower())
            if role is not None:
                return role.arn
        if "function" in principal:
            function = found.lambda_functions.get(principal["function"])
            if function is not None:
                return function.role_arn
    return None


def _latest_session(world: World, role: str, account: str | None) -> Any | None:
    latest = None
    for session in world.sessions.values():
        if session.kind != "assumed-role" or not session.role_arn:
            continue
        if role_name(session.role_arn) != role:
            continue
        if account is not None and session.account_id != account:
            continue
        if latest is None or session.issued >= latest.issued:
            latest = session
    return latest


def goal_met(goal: object, context: GoalContext) -> bool:
    """Return whether the goal is met in the learner's world now (an invalid goal never is)."""
    if not isinstance(goal, dict) or len(goal) != 1:
        return False
    ((kind, value),) = goal.items()
    world = context.world
    if kind == "call":
        return isinstance(value, dict) and any(
            _call_matches(event, value, context) for event in context.events_since()
        )
    if kind == "acting_as":
        if context.console is None or not isinstance(value, dict):
            return False
        who = acting_as(context.console)
        return who is not None and identity_matches(who, value)
    if kind == "session_expired":
        session = _latest_session(world, value.get("role", ""), value.get("account"))
        return session is not None and session.expiration <= world.now()
    if kind == "may_assume":
        role = _role(world, str(value.get("role", "")), value.get("account"))
        principal = _principal_arn(world, value.get("principal"))
        if role is None or principal is None:
            return False
        decision = world.simulate(principal, "sts:AssumeRole", role.arn).get("decision")
        return (decision == "Allowed") is bool(value.get("allowed"))
    if kind == "may":
        principal = _principal_arn(world, value.get("principal"))
        if principal is None:
            return False
        context = value.get("context") or None
        answer = world.simulate(
            principal, str(value.get("action")), str(value.get("resource")), context
        )
        return (answer.get("decision") == "Allowed") is bool(value.get("allowed"))
    if kind == "function_role":
        for account_id, found in world.accounts.items():
            if value.get("account") not in (None, account_id):
                continue
            function = found.lambda_functions.get(value.get("function", ""))
            if function is not None:
                return role_name(function.role_arn) == value.get("role")
        return False
    if kind == "prediction":
        if context.predicted is None:
            return False
        return value == "made" or context.predicted == context.actual
    if kind == "all":
        return isinstance(value, list) and all(goal_met(part, context) for part in value)
    if kind == "any":
        return isinstance(value, list) and any(goal_met(part, context) for part in value)
    return False


# ---- words ---------------------------------------------------------------------------------


def describe_identity(identity: object) -> str:
    """Say who an identity is, in the words a student meets in AWS."""
    if isinstance(identity, str):
        return identity
    if not isinstance(identity, dict):
        return "someone"
    where = f" in account {identity['account']}" if identity.get("account") else ""
    if "user" in identity:
        return f"the IAM user {identity['user']}{where}"
    if "function" in identity:
        return f"the Lambda function {identity['function']}{where}"
    via = {
        "assume-role": " obtained with AssumeRole",
        "web-identity": " obtained with AssumeRoleWithWebIdentity",
        "saml": " obtained with AssumeRoleWithSAML",
        "service": " that an AWS service obtained",
    }.get(str(identity.get("via", "")), "")
    return f"a session of the role {identity.get('role')}{where}{via}"


def describe_goal(goal: object) -> str:
    """Say in one sentence what a goal asks for."""
    if not isinstance(goal, dict) or len(goal) != 1:
        return "Continue when you are ready."
    ((kind, value),) = goal.items()
    if kind == "call":
        who = f" by {describe_identity(value['by'])}" if "by" in value else ""
        parts = [f"A call to {value.get('operation')}{who}"]
        outcome = {"succeeded": "that succeeds", "denied": "that is denied", "failed": "that fails"}
        if value.get("outcome") in outcome:
            parts.append(outcome[value["outcome"]])
        if "decision" in value:
            parts.append(f"with the decision {value['decision']}")
        if "policy_type" in value:
            parts.append(f"denied by a {value['policy_type']}")
        if "error_code" in value:
            parts.append(f"with the error {value['error_code']}")
        return " ".join(parts) + "."
    if kind == "acting_as":
        return f"Your console acts as {describe_identity(value)}."
    if kind == "session_expired":
        return f"The latest session of the role {value.get('role')} has expired."
    if kind == "may_assume":
        may = "may" if value.get("allowed") else "may not"
        return (
            f"{describe_identity(value.get('principal'))[:1].upper()}"
            f"{describe_identity(value.get('principal'))[1:]} {may} assume the role "
            f"{value.get('role')}."
        )
    if kind == "may":
        who = describe_identity(value.get("principal"))
        may = "may" if value.get("allowed") else "may not"
        action, resource = value.get("action"), value.get("resource")
        return f"{who[:1].upper()}{who[1:]} {may} perform {action} on {resource}."
    if kind == "function_role":
        return (
            f"The Lambda function {value.get('function')} runs with the execution role "
            f"{value.get('role')}."
        )
    if kind == "prediction":
        return (
            "Your prediction matches the engine's decision."
            if value == "correct"
            else "You have made your prediction."
        )
    if kind in {"all", "any"} and isinstance(value, list):
        joined = " ".join(describe_goal(part) for part in value)
        return f"{'All' if kind == 'all' else 'One'} of these: {joined}"
    return "Continue when you are ready."


def checklist(goal: object, context: GoalContext, evaluate: bool = True) -> list[tuple[str, bool]]:
    """Return the goal's parts (an `all` goal's members, else the goal itself), each met or not.

    With `evaluate` false the parts are only described (each reported as not met).
    """
    parts = goal["all"] if isinstance(goal, dict) and isinstance(goal.get("all"), list) else [goal]
    return [(describe_goal(part), evaluate and goal_met(part, context)) for part in parts]
