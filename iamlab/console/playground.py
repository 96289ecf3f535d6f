"""The policy playground: the engine's `simulate` on policies a learner types.

The learner's documents go straight into a simulation document (docs/contracts.md section
1); no world is involved unless they load an entity of a scenario, which copies that
entity's documents out of the learner's world. Every field is size-checked before it is
parsed, and every problem is reported against the field it belongs to, with the line and
JSON path for policy text.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms

from iamlab.console.documents import DocumentError, TextProblem, line_of, read_json
from iamlab.diagrams.trust import trust_audience
from iamlab.diagrams.whatif import read_context_lines
from iamlab.engine import PolicyType, simulate, validate_policy
from iamlab.world.authz import entity_policies, identity_policies, permission_boundary
from iamlab.world.callers import Caller

if TYPE_CHECKING:
    from iamlab.world import World
    from iamlab.world.model import Role

# (field name, label, policy type used to check it, simulation document key)
DOCUMENTS: list[tuple[str, str, PolicyType, str]] = [
    ("identity", "Identity-based policies", PolicyType.IDENTITY, "identity_policies"),
    ("resource", "Resource-based or trust policy", PolicyType.RESOURCE, "resource_policy"),
    ("boundary", "Permissions boundary", PolicyType.PERMISSION_BOUNDARY, "permission_boundary"),
    ("session", "Session policy", PolicyType.SESSION, "session_policy"),
    ("scp", "Service control policies", PolicyType.SCP, "scps"),
    ("rcp", "Resource control policies", PolicyType.RCP, "rcps"),
]
DOCUMENT_WORDS = {
    "identity": "identity-based policy text",
    "resource": "resource-based or trust policy text",
    "boundary": "permissions boundary text",
    "session": "session policy text",
    "scp": "service control policy text",
    "rcp": "resource control policy text",
}
DOCUMENT_HELP = {
    "identity": "One policy, or a JSON list of policies (a user's own and their groups').",
    "resource": "A bucket policy, or a role's trust policy for sts:AssumeRole on a role ARN.",
    "boundary": "Leave empty for none.",
    "session": "Passed when the role was assumed; leave empty for none.",
    "scp": "One policy or a list; every one must allow. Leave empty: no organization.",
    "rcp": "One policy or a list; only their Deny statements matter.",
}
TRUST_ACTIONS = {
    "sts:assumerole",
    "sts:assumerolewithwebidentity",
    "sts:assumerolewithsaml",
    "sts:tagsession",
    "sts:setsourceidentity",
}
MAX_ITEMS = 10
MAX_LIST_TEXT = 4_000
MAX_CONTEXT_TEXT = 8_000
MAX_CONTEXT_LINES = 50
MAX_PRINCIPAL = 2048
# A share link must fit in a request line (gunicorn's default limit is 4,094 bytes).
MAX_SHARE_CHARS = 3_000
MAX_SHARE_BYTES = 64_000
ACTION = re.compile(r"[A-Za-z0-9-]{1,64}:[A-Za-z0-9_.*-]{1,128}")
SHARE_TEXT = re.compile(r"[A-Za-z0-9_-]*")

# The keys a request for these actions carries in AWS (docs/world.md, "The request
# context"), offered beside the context field.
ACTION_KEYS: dict[str, list[str]] = {
    "sts:assumerole": [
        "sts:ExternalId",
        "aws:MultiFactorAuthPresent",
        "aws:MultiFactorAuthAge",
        "sts:RoleSessionName",
        "sts:SourceIdentity",
        "aws:RequestTag/KEY",
        "aws:TagKeys",
    ],
    "sts:assumerolewithwebidentity": ["PROVIDER:aud", "PROVIDER:sub", "PROVIDER:amr"],
    "sts:assumerolewithsaml": ["saml:aud", "saml:sub", "saml:sub_type", "saml:iss"],
    "iam:passrole": ["iam:PassedToService", "iam:AssociatedResourceArn"],
    "iam:attachrolepolicy": ["iam:PolicyARN"],
    "iam:attachuserpolicy": ["iam:PolicyARN"],
    "s3:listbucket": ["s3:prefix", "s3:delimiter", "s3:max-keys"],
}
GLOBAL_KEYS = [
    "aws:PrincipalArn",
    "aws:PrincipalTag/KEY",
    "aws:SourceIp",
    "aws:CurrentTime",
    "aws:SecureTransport",
    "aws:PrincipalOrgID",
]


def keys_for(actions: list[str]) -> list[str]:
    """Return the context keys worth offering for these actions, theirs first."""
    offered: list[str] = []
    for action in actions:
        for key in ACTION_KEYS.get(action.lower(), []):
            if key not in offered:
                offered.append(key)
    return offered + [key for key in GLOBAL_KEYS if key not in offered]


def action_keys_json() -> str:
    """Return the offered keys as JSON for the page's script: by lower-cased action, and "*"."""
    return json.dumps({**ACTION_KEYS, "*": GLOBAL_KEYS}, separators=(",", ":"))


def _lines(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,]", text) if part.strip()]


class PlaygroundForm(forms.Form):
    """Everything the playground evaluates; each field checked before any parsing."""

    principal = forms.CharField(
        label="Principal",
        max_length=MAX_PRINCIPAL,
        widget=forms.TextInput(attrs={"list": "principal-suggestions", "spellcheck": "false"}),
        help_text="A user, role session, role, service (lambda.amazonaws.com) "
        "or identity provider ARN.",
    )
    actions = forms.CharField(
        label="Actions",
        max_length=MAX_LIST_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"One per line, service:Action; up to {MAX_ITEMS}.",
    )
    resources = forms.CharField(
        label="Resources",
        max_length=MAX_LIST_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"One ARN per line, or *; up to {MAX_ITEMS}.",
    )
    resource_account = forms.CharField(
        label="Resource account",
        required=False,
        max_length=12,
        help_text="Optional: the 12-digit account that owns the resource (S3 ARNs name none).",
    )
    context = forms.CharField(
        label="Context keys",
        required=False,
        max_length=MAX_CONTEXT_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One key = value per line; repeat a key for a list of values.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, label, _kind, _key in DOCUMENTS:
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                strip=False,
                # Checked by read_json, which says how long the text is and what is allowed.
                max_length=None,
                widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
                help_text=DOCUMENT_HELP[name],
            )
        for name in self.fields:
            self.fields[name].error_messages.setdefault(
                "max_length", "This field is too long: at most %(limit_value)d characters."
            )
        # Typed JSON lives here once parsed; keyed by field name.
        self.documents: dict[str, Any] = {}

    def clean_principal(self) -> str:
        principal = self.cleaned_data["principal"].strip()
        if not principal.isprintable() or " " in principal:
            raise forms.ValidationError(
                "The principal must be one ARN or name, without spaces or control characters."
            )
        return principal

    def clean_actions(self) -> list[str]:
        actions = _lines(self.cleaned_data["actions"])
        if len(actions) > MAX_ITEMS:
            raise forms.ValidationError(
                f"{len(actions)} actions given; at most {MAX_ITEMS} at once."
            )
        for action in actions:
            if not ACTION.fullmatch(action) or "*" in action:
                raise forms.ValidationError(
                    f"“{action[:80]}” is not an action: write service:Action, for example "
                    "s3:GetObject or sts:AssumeRole, without wildcards."
                )
        if not actions:
            raise forms.ValidationError("Give at least one action, for example sts:AssumeRole.")
        return actions

    def clean_resources(self) -> list[str]:
        resources = _lines(self.cleaned_data["resources"])
        if len(resources) > MAX_ITEMS:
            raise forms.ValidationError(
                f"{len(resources)} resources given; at most {MAX_ITEMS} at once."
            )
        for resource in resources:
            if not resource.isprintable() or " " in resource:
                raise forms.ValidationError(
                    f"The resource “{resource[:80]}” holds spaces or control characters; "
                    "write one ARN per line."
                )
        if not resources:
            raise forms.ValidationError(
                "Give at least one resource ARN, or * for actions without one."
            )
        return resources

    def clean_resource_account(self) -> str:
        account = self.cleaned_data["resource_account"].strip()
        if account and not re.fullmatch(r"[0-9]{12}", account):
            raise forms.ValidationError("An account ID is 12 digits, for example 111122223333.")
        return account

    def clean_context(self) -> dict[str, Any]:
        return read_context_lines(self.cleaned_data["context"], MAX_CONTEXT_LINES)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        actions = cleaned.get("actions") or []
        trust = bool(actions) and all(action.lower() in TRUST_ACTIONS for action in actions)
        for name, _label, kind, _key in DOCUMENTS:
            text = cleaned.get(name) or ""
            if not text.strip():
                continue
            if name == "resource" and trust:
                kind = PolicyType.TRUST
            try:
                document = read_json(text, DOCUMENT_WORDS[name])
            except DocumentError as error:
                self.add_error(name, _problem_text(error.problem))
                continue
            policies = (
                document
                if isinstance(document, list) and name in {"identity", "scp", "rcp"}
                else [document]
            )
            for index, policy in enumerate(policies):
                prefix = f"[{index}]" if policies is document else ""
                problem = validate_policy(policy, kind, prefix)
                if problem is not None:
                    path = problem["path"]
                    self.add_error(
                        name,
                        _problem_text(TextProblem(problem["message"], line_of(text, path), path)),
                    )
                    break
            else:
                self.documents[name] = policies if name in {"identity", "scp", "rcp"} else document
        return cleaned


def _problem_text(problem: TextProblem) -> str:
    where = []
    if problem.line is not None:
        where.append(f"line {problem.line}")
    if problem.path:
        where.append(f"at {problem.path}")
    if not where:
        return problem.message
    place = ", ".join(where)
    return f"{place[:1].upper()}{place[1:]}: {problem.message}"


@dataclass
class Case:
    """One request of the playground and the engine's answer."""

    action: str
    resource: str
    result: dict[str, Any]

    @property
    def decision(self) -> str | None:
        return self.result.get("decision")

    @property
    def denied_by(self) -> str | None:
        denied = (self.result.get("explanation") or {}).get("denied_by") or {}
        return denied.get("policy_type")


@dataclass
class Evaluation:
    cases: list[Case] = field(default_factory=list)
    # Problems the engine found in the request, keyed by the form field they belong to.
    problems: dict[str, str] = field(default_factory=dict)


# The request fields of a simulation document and the form field each belongs to.
REQUEST_FIELDS = {
    "request.principal": ("principal", "The principal"),
    "request.action": ("actions", "The action"),
    "request.resource_account": ("resource_account", "The resource account"),
    "request.resource": ("resources", "The resource"),
    "request.context": ("context", "The context"),
}


def simulation_document(form: PlaygroundForm, action: str, resource: str) -> dict[str, Any]:
    """Return the engine's simulation document for one action and resource of the form."""
    data = form.cleaned_data
    request: dict[str, Any] = {
        "principal": data["principal"],
        "action": action,
        "resource": resource,
    }
    if data.get("resource_account"):
        request["resource_account"] = data["resource_account"]
    if data.get("context"):
        request["context"] = data["context"]
    document: dict[str, Any] = {"request": request}
    documents = form.documents
    if "identity" in documents:
        document["identity_policies"] = documents["identity"]
    for name, key in (
        ("resource", "resource_policy"),
        ("boundary", "permission_boundary"),
        ("session", "session_policy"),
    ):
        if name in documents:
            document[key] = documents[name]
    # One organization level each: every SCP given must allow, as at a single level.
    for name, key in (("scp", "scps"), ("rcp", "rcps")):
        if name in documents:
            document[key] = [[policy] for policy in documents[name]]
    return document


def evaluate(form: PlaygroundForm) -> Evaluation:
    """Ask the engine about every action and resource of a valid form."""
    evaluation = Evaluation()
    for action in form.cleaned_data["actions"]:
        for resource in form.cleaned_data["resources"]:
            result = simulate(simulation_document(form, action, resource))
            error = result.get("error")
            if error is not None:
                evaluation.problems.update(engine_problem(form, error))
                return evaluation
            evaluation.cases.append(Case(action, resource, result))
    return evaluation


def engine_problem(form: PlaygroundForm, error: dict[str, str]) -> dict[str, str]:
    """Turn an engine error into a sentence attached to the field it is about."""
    path, message = error.get("path", ""), error.get("message", "")
    for prefix, (name, words) in REQUEST_FIELDS.items():
        if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
            sentence = message.replace(prefix, words.lower()) if prefix in message else message
            return {name: sentence[:1].upper() + sentence[1:]}
    for name, _label, _kind, key in DOCUMENTS:
        if path.startswith(key):
            text = form.cleaned_data.get(name) or ""
            inner = path[len(key) :]
            if name in {"scp", "rcp"}:
                inner = re.sub(r"^\[(\d+)\]\[0\]", r"[\1]", inner)  # one policy per level
            if not text.lstrip().startswith("["):
                inner = re.sub(r"^\[0\]", "", inner)
            inner = inner.lstrip(".")
            return {name: _problem_text(TextProblem(message, line_of(text, inner), inner))}
    return {"__all__": message}


# --- share links ---------------------------------------------------------------------

SHARED_FIELDS = (
    "principal",
    "actions",
    "resources",
    "resource_account",
    "context",
    *(name for name, _l, _k, _key in DOCUMENTS),
)


class ShareError(ValueError):
    """A share link that cannot be read; the message says why."""


def encode_state(data: dict[str, str]) -> str | None:
    """Return the compact share parameter for the form's text, or None when it is too long."""
    state = {name: data[name] for name in SHARED_FIELDS if data.get(name)}
    raw = json.dumps(state, separators=(",", ":")).encode("utf-8")
    encoded = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")
    return encoded if len(encoded) <= MAX_SHARE_CHARS else None


def decode_state(encoded: str) -> dict[str, str]:
    """Read a share parameter back into form text; raise ShareError saying what is wrong."""
    if len(encoded) > MAX_SHARE_CHARS:
        raise ShareError(
            f"The shared link is {len(encoded):,} characters long; "
            f"at most {MAX_SHARE_CHARS:,} are allowed."
        )
    if not SHARE_TEXT.fullmatch(encoded):
        raise ShareError("The shared link is damaged: it holds characters a share link never has.")
    try:
        compressed = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(compressed, MAX_SHARE_BYTES + 1)
    except (binascii.Error, zlib.error, ValueError) as error:
        raise ShareError("The shared link is damaged: it does not decode.") from error
    if len(raw) > MAX_SHARE_BYTES or inflater.unconsumed_tail:
        raise ShareError(
            f"The shared link unpacks to more than {MAX_SHARE_BYTES:,} bytes; it was not made here."
        )
    try:
        state = read_json(raw.decode("utf-8"), "shared link", MAX_SHARE_BYTES)
    except (DocumentError, UnicodeDecodeError) as error:
        raise ShareError("The shared link is damaged: its content is not readable.") from error
    if not isinstance(state, dict) or not all(
        key in SHARED_FIELDS and isinstance(value, str) for key, value in state.items()
    ):
        raise ShareError("The shared link holds fields the playground does not have.")
    return state


# --- starting from a scenario's entity --------------------------------------------------


def entity_choices(world: World) -> list[tuple[str, str]]:
    """Return (key, label) for every entity whose documents the playground can load."""
    choices: list[tuple[str, str]] = []
    for account in world.accounts.values():
        for user in account.users.values():
            choices.append((f"user:{user.arn}", f"{user.name}'s policies (IAM user)"))
        for role in account.roles.values():
            choices.append((f"role:{role.arn}", f"{role.name}'s permission policies (IAM role)"))
            choices.append((f"trust:{role.arn}", f"{role.name}'s trust policy"))
    for bucket in world.buckets.values():
        choices.append((f"bucket:{bucket.name}", f"{bucket.name}'s bucket policy (S3)"))
    return choices


def _text(document: Any) -> str:
    return json.dumps(document, indent=2)


def _first_allowed(documents: list[dict[str, Any]]) -> tuple[str, str]:
    """Return an action and resource that the first Allow statement names, to start from."""
    for document in documents:
        statements = document.get("Statement")
        for statement in statements if isinstance(statements, list) else [statements]:
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            actions, resources = statement.get("Action"), statement.get("Resource", "*")
            action = actions[0] if isinstance(actions, list) and actions else actions
            resource = resources[0] if isinstance(resources, list) and resources else resources
            if isinstance(action, str) and "*" not in action and isinstance(resource, str):
                return action, resource
    return "sts:GetCallerIdentity", "*"


def _organization(world: World, account_id: str, state: dict[str, str]) -> None:
    scps = [policy for level in world.scps_for(account_id) for policy in level]
    rcps = [policy for level in world.rcps_for(account_id) for policy in level]
    if scps:
        state["scp"] = _text(scps)
    if rcps:
        state["rcp"] = _text(rcps)


def _trusted_principal(world: World, role: Role) -> tuple[str, str]:
    """Return a principal the trust policy names, and the action it would assume the role by.

    A user of the world first, then a service, then an identity provider (federation);
    else the first user, whom the learner can then change.
    """
    audience = trust_audience(role.trust_policy)
    users = sorted(arn for arn in audience.arns if world.find_user(arn))
    if users:
        return users[0], "sts:AssumeRole"
    if audience.services:
        return sorted(audience.services)[0], "sts:AssumeRole"
    for arn in sorted(audience.federated):
        provider = world.find_provider(arn)
        if provider is not None:
            action = (
                "sts:AssumeRoleWithWebIdentity"
                if provider.type == "oidc"
                else ("sts:AssumeRoleWithSAML")
            )
            return provider.arn, action
    everyone = [u.arn for a in world.accounts.values() for u in a.users.values()]
    return (everyone or [f"arn:aws:iam::{role.account_id}:root"])[0], "sts:AssumeRole"


def entity_state(world: World, key: str) -> dict[str, str] | None:
    """Return the playground's text for one entity of the world, or None for an unknown key."""
    kind, _, name = key.partition(":")
    if kind == "user":
        user = world.find_user(name)
        if user is None:
            return None
        caller = Caller("user", user.account_id, user.arn, user=user)
        documents = identity_policies(world, caller)
        action, resource = _first_allowed(documents)
        state = {"principal": user.arn, "actions": action, "resources": resource}
        if documents:
            state["identity"] = _text(documents)
        boundary = permission_boundary(world, caller)
        if boundary is not None:
            state["boundary"] = _text(boundary)
        _organization(world, user.account_id, state)
        return state
    if kind in {"role", "trust"}:
        role = world.find_role(name)
        if role is None:
            return None
        if kind == "trust":
            principal, action = _trusted_principal(world, role)
            return {
                "principal": principal,
                "actions": action,
                "resources": role.arn,
                "resource": _text(role.trust_policy),
            }
        documents = entity_policies(world, role)
        action, resource = _first_allowed(documents)
        state = {
            "principal": f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/playground",
            "actions": action,
            "resources": resource,
            "context": f"aws:PrincipalArn = {role.arn}",
        }
        if documents:
            state["identity"] = _text(documents)
        if role.permission_boundary_arn:
            policy = world.find_policy(role.permission_boundary_arn)
            if policy is not None:
                state["boundary"] = _text(policy.document)
        _organization(world, role.account_id, state)
        return state
    if kind == "bucket":
        bucket = world.buckets.get(name)
        if bucket is None:
            return None
        users = [u.arn for a in world.accounts.values() for u in a.users.values()]
        state = {
            "principal": users[0] if users else "anonymous",
            "actions": "s3:GetObject",
            "resources": f"{bucket.arn}/*",
        }
        if bucket.policy is not None:
            state["resource"] = _text(bucket.policy)
        return state
    return None


def principal_suggestions(world: World | None) -> list[str]:
    """Return principals to offer in the principal field: the world's, else examples."""
    if world is None:
        return [
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:sts::111122223333:assumed-role/ReportPublisher/alice",
            "arn:aws:iam::111122223333:role/ReportPublisher",
            "lambda.amazonaws.com",
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
            "anonymous",
        ]
    found: list[str] = []
    for account in world.accounts.values():
        found += [user.arn for user in account.users.values()]
        found += [
            f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/playground"
            for role in account.roles.values()
        ]
        found += [role.arn for role in account.roles.values()]
        found += list(account.identity_providers)
    return [*found, "lambda.amazonaws.com", "anonymous"]
