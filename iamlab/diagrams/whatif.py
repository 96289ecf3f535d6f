"""The what-if form of the evaluation page: a request to a world, with its context keys.

The form fills in what the world itself would put in the request's context (a role passed
in this world is passed to Lambda, the only service here that takes one), refuses a role
the scenario does not have, and turns an engine error into a sentence on the field it is
about, so the learner reads "the resource must not be empty", never `InvalidSimulation`.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from iamlab.diagrams.trust_analysis import trust_audience
from iamlab.engine import PolicyType, statement_principals
from iamlab.engine.principals import SERVICE_PRINCIPAL
from iamlab.engine.simulation import REQUEST_ACTION
from iamlab.world import World
from iamlab.world.params import EXTERNAL_ID

MAX_RESOURCE = 2048
MAX_CONTEXT_TEXT = 4_000
MAX_CONTEXT_LINES = 30
CONTEXT_KEY = re.compile(r"[A-Za-z0-9_.-]{1,128}:[A-Za-z0-9_./:*-]{1,256}")
# The only service of this world that is handed a role (Lambda's CreateFunction and
# UpdateFunctionConfiguration check iam:PassRole with this key set).
PASSED_TO_SERVICE_DEFAULT = "lambda.amazonaws.com"
ROLE_ARN = re.compile(r"arn:aws:iam::([0-9]{12}):role/(?:[^/]+/)*([^/]+)")
MFA_CHOICES = [("", "(as the principal's credentials say)"), ("true", "true"), ("false", "false")]


def read_context_lines(text: str, limit: int = MAX_CONTEXT_LINES) -> dict[str, Any]:
    """Read `key = value` lines (a repeated key makes a list); raise ValidationError."""
    context: dict[str, Any] = {}
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > limit:
        raise forms.ValidationError(f"{len(lines)} context lines; at most {limit}.")
    for number, line in enumerate(lines, start=1):
        key, equals, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not equals or not CONTEXT_KEY.fullmatch(key):
            raise forms.ValidationError(
                f"Line {number}: write key = value with a key such as sts:ExternalId or "
                f"aws:PrincipalTag/team, not “{line.strip()[:80]}”."
            )
        if not value.isprintable():
            raise forms.ValidationError(f"Line {number}: the value holds control characters.")
        if key in context:
            previous = context[key]
            context[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            context[key] = value
    return context


class WhatIfForm(forms.Form):
    """A what-if request: a principal of the world, an action, a resource and context keys."""

    principal = forms.ChoiceField(label="Principal")
    action = forms.CharField(label="Action", max_length=200, initial="sts:AssumeRole")
    resource = forms.CharField(label="Resource", max_length=MAX_RESOURCE)
    passed_to_service = forms.CharField(
        label="iam:PassedToService",
        required=False,
        max_length=200,
        help_text=f"For iam:PassRole: the service the role is passed to "
        f"(empty: {PASSED_TO_SERVICE_DEFAULT}, as this world's Lambda passes it).",
    )
    external_id = forms.CharField(
        label="sts:ExternalId",
        required=False,
        max_length=1224,
        help_text="For sts:AssumeRole: the external ID given with --external-id.",
    )
    mfa = forms.ChoiceField(
        label="aws:MultiFactorAuthPresent",
        required=False,
        choices=MFA_CHOICES,
        help_text="true when the caller signed in with an MFA code.",
    )
    context = forms.CharField(
        label="Other context keys",
        required=False,
        max_length=MAX_CONTEXT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="key = value, one per line (a web identity token's claims, tags...).",
    )

    def __init__(
        self, *args: Any, principals: list[tuple[str, str]], world: World, **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.world = world
        self.fields["principal"].choices = principals
        self.fields["principal"].error_messages["invalid_choice"] = (
            "Pick one of this scenario's principals from the list."
        )

    def clean_action(self) -> str:
        action = self.cleaned_data["action"].strip()
        if not REQUEST_ACTION.fullmatch(action):
            raise forms.ValidationError(
                f"“{action[:80]}” is not an action: write service:Action, for example "
                "s3:GetObject or sts:AssumeRole, without wildcards."
            )
        return action

    def clean_resource(self) -> str:
        resource = self.cleaned_data["resource"].strip()
        if not resource.isprintable():
            raise forms.ValidationError("The resource must be one line of printable text.")
        role = ROLE_ARN.fullmatch(resource)
        if role is not None and self.world.find_role(resource) is None:
            raise forms.ValidationError(f"There is no role named {role.group(2)} in this scenario.")
        return resource

    def clean_passed_to_service(self) -> str:
        service = self.cleaned_data["passed_to_service"].strip()
        if service and not SERVICE_PRINCIPAL.fullmatch(service):
            raise forms.ValidationError(
                "A service principal looks like lambda.amazonaws.com or ec2.amazonaws.com."
            )
        return service

    def clean_external_id(self) -> str:
        external_id = self.cleaned_data["external_id"].strip()
        # The length is AssumeRole's (the field's max_length is its upper bound).
        if external_id and (len(external_id) < 2 or not EXTERNAL_ID.fullmatch(external_id)):
            raise forms.ValidationError(
                "An external ID is 2 to 1,224 letters, digits or the characters _+=,.@:/-."
            )
        return external_id

    def clean_context(self) -> dict[str, Any]:
        return read_context_lines(self.cleaned_data["context"])

    def request_context(self) -> dict[str, Any]:
        """Return the context keys to add: the learner's, and what the world would add."""
        data = self.cleaned_data
        context: dict[str, Any] = dict(data.get("context") or {})
        action = data["action"].lower()
        if action == "iam:passrole":
            context.setdefault(
                "iam:PassedToService", data.get("passed_to_service") or PASSED_TO_SERVICE_DEFAULT
            )
        elif data.get("passed_to_service"):
            context["iam:PassedToService"] = data["passed_to_service"]
        if data.get("external_id"):
            context["sts:ExternalId"] = data["external_id"]
        if data.get("mfa"):
            context["aws:MultiFactorAuthPresent"] = data["mfa"]
        return context

    def add_engine_error(self, error: dict[str, str]) -> None:
        """Attach an engine error to the field it is about, as a sentence."""
        path, message = error.get("path", ""), error.get("message", "")
        for prefix, name, words in (
            ("request.principal", "principal", "the principal"),
            ("request.action", "action", "the action"),
            ("request.resource", "resource", "the resource"),
            ("request.context", "context", "the context"),
        ):
            if path.startswith(prefix):
                sentence = message.replace(prefix, words)
                self.add_error(name, sentence[:1].upper() + sentence[1:])
                return
        self.add_error(None, f"This request cannot be evaluated: {message}")


def describe_errors(form: forms.Form) -> None:
    """Point each field at its help text and, when it has one, its error message.

    The templates render the help as `<auto_id>-help` and the errors as `<auto_id>-error`,
    so every `aria-describedby` names an element that exists.
    """
    for name, field in form.fields.items():
        bound = form[name]
        described = [f"{bound.auto_id}-help"] if field.help_text else []
        if form.is_bound and name in form.errors:
            described.insert(0, f"{bound.auto_id}-error")
            field.widget.attrs["aria-invalid"] = "true"
        if described:
            field.widget.attrs["aria-describedby"] = " ".join(described)


def world_principals(world: World) -> list[tuple[str, str]]:
    """Return (ARN, label) for every principal a what-if request can name."""
    choices = []
    for account in world.accounts.values():
        choices += [(user.arn, f"IAM user {user.name}") for user in account.users.values()]
        choices += [(role.arn, f"IAM role {role.name}") for role in account.roles.values()]
        choices += [
            (provider.arn, f"Federated through {provider.type.upper()} provider {provider.name}")
            for provider in account.identity_providers.values()
        ]
    services = sorted(
        {
            entry.value
            for account in world.accounts.values()
            for role in account.roles.values()
            for statement in statement_principals(role.trust_policy, PolicyType.TRUST) or []
            if statement.element == "Principal"
            for entry in statement.entries
            if entry.kind == "service"
        }
    )
    choices += [(service, f"AWS service {service}") for service in services]
    return choices


def default_what_if(world: World) -> dict[str, str] | None:
    """Return a first request worth showing: a user asking for a role that names them."""
    users = [user for account in world.accounts.values() for user in account.users.values()]
    roles = [role for account in world.accounts.values() for role in account.roles.values()]
    for role in roles:
        named = trust_audience(role.trust_policy).arns
        for user in users:
            if user.arn in named:
                return {"principal": user.arn, "action": "sts:AssumeRole", "resource": role.arn}
    if users and roles:
        return {"principal": users[0].arn, "action": "sts:AssumeRole", "resource": roles[0].arn}
    return None
