"""The forms of the step page: each is a real form that posts, with or without htmx."""

from __future__ import annotations

from django import forms

from iamlab.lessons.actions import MAX_POLICY_CHARS
from iamlab.lessons.models import Decision
from iamlab.scenarios.models import MAX_LINE_LENGTH


class ConsoleForm(forms.Form):
    line = forms.CharField(
        label="Command",
        max_length=MAX_LINE_LENGTH,
        strip=True,
        error_messages={
            "required": "Type a command first, for example aws sts get-caller-identity."
        },
    )


class PredictionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your prediction",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one of the three decisions, then run the command."},
    )


class PolicyForm(forms.Form):
    document = forms.CharField(
        label="Policy document (JSON)",
        max_length=MAX_POLICY_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        error_messages={"required": "Write the policy document first."},
    )


class SolutionForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, show me the worked solution",
        error_messages={"required": "Tick the box to confirm that you want to see the solution."},
    )
