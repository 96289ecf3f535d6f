"""The admin: staff browse and edit scenarios; policy documents are shown as formatted JSON
and validated by the engine on save (through each model's clean())."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest

from iamlab.scenarios.limits import json_dumps_safely, json_text_problem
from iamlab.scenarios.models import (
    AccessKey,
    Account,
    Bucket,
    Group,
    IdentityProvider,
    InlinePolicy,
    LambdaFunction,
    ManagedPolicy,
    MfaDevice,
    Role,
    S3Object,
    Scenario,
    User,
    Workspace,
    WorkspaceEntry,
)

MAX_PROBLEMS_SHOWN = 10


class FormattedJSONField(forms.JSONField):
    """A JSON form field that shows its value indented, so a policy reads like a policy.

    Its text is measured before it is parsed: Python's JSON parser recurses once per
    bracket, and 100,000 nested brackets would otherwise end the request with an error
    page instead of a message beside the field.
    """

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            problem = json_text_problem(value)
            if problem is not None:
                raise forms.ValidationError(problem, code="json_limit")
        return super().to_python(value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        if isinstance(data, str) and json_text_problem(data) is not None:
            return forms.fields.InvalidJSONInput(data)
        return super().bound_data(data, initial)

    def has_changed(self, initial: Any, data: Any) -> bool:
        if isinstance(data, str) and json_text_problem(data) is not None:
            return True
        return super().has_changed(initial, data)

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        # A value saved before the limits existed and too deep to write out is shown empty
        # rather than failing the page; `manage.py check` names it.
        text = json_dumps_safely(value)
        return text if text is not None else ""


JSON_AS_FORMATTED_TEXT = {
    models.JSONField: {
        "form_class": FormattedJSONField,
        "widget": forms.Textarea(
            attrs={"rows": 14, "cols": 90, "class": "policy-json", "spellcheck": "false"}
        ),
    }
}


def scenario_of(instance: models.Model) -> Scenario:
    if isinstance(instance, Scenario):
        return instance
    if isinstance(instance, Account):
        return instance.scenario
    return instance.account.scenario  # type: ignore[attr-defined]


# How each model a form may point at is reached from its scenario.
SCENARIO_LOOKUPS: dict[type[models.Model], str] = {
    Account: "scenario",
    ManagedPolicy: "account__scenario",
    Group: "account__scenario",
    Role: "account__scenario",
}


class ContentAdmin(admin.ModelAdmin):
    formfield_overrides = JSON_AS_FORMATTED_TEXT

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        # Remembered for the choice fields below: when editing, offer only the objects of
        # the same scenario, not every policy and role of every scenario.
        request.scenario_being_edited = scenario_of(obj) if obj is not None else None  # type: ignore[attr-defined]
        return super().get_form(request, obj, change=change, **kwargs)

    def _scoped(self, model: type[models.Model], request: HttpRequest) -> Any:
        scenario = getattr(request, "scenario_being_edited", None)
        lookup = SCENARIO_LOOKUPS.get(model)
        if scenario is None or lookup is None:
            return None
        return model._default_manager.filter(**{lookup: scenario})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        queryset = self._scoped(db_field.related_model, request)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        queryset = self._scoped(db_field.related_model, request)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Each form checked its own object (policies through the engine); only the whole
        # world can say whether, say, a trust policy now names a user that does not exist.
        problems = scenario_of(form.instance).validate()
        for problem in problems[:MAX_PROBLEMS_SHOWN]:
            self.message_user(request, f"The scenario has a problem: {problem}", messages.WARNING)
        if len(problems) > MAX_PROBLEMS_SHOWN:
            self.message_user(
                request,
                f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more; "
                "`python manage.py check` lists them all.",
                messages.WARNING,
            )


class ContentInline(admin.StackedInline):
    formfield_overrides = JSON_AS_FORMATTED_TEXT
    extra = 0


class AccountInline(admin.TabularInline):
    model = Account
    extra = 0
    show_change_link = True


@admin.register(Scenario)
class ScenarioAdmin(ContentAdmin):
    list_display = ["slug", "title", "difficulty", "start_time"]
    list_filter = ["difficulty"]
    search_fields = ["slug", "title"]
    inlines = [AccountInline]


@admin.register(Account)
class AccountAdmin(ContentAdmin):
    list_display = ["account_id", "alias", "scenario"]
    list_filter = ["scenario"]


@admin.register(ManagedPolicy)
class ManagedPolicyAdmin(ContentAdmin):
    list_display = ["name", "path", "account"]
    list_filter = ["account__scenario"]
    search_fields = ["name"]


class UserInlinePolicyInline(ContentInline):
    model = InlinePolicy
    fields = ["name", "document"]
    fk_name = "user"


class GroupInlinePolicyInline(UserInlinePolicyInline):
    fk_name = "group"


class RoleInlinePolicyInline(UserInlinePolicyInline):
    fk_name = "role"


class AccessKeyInline(admin.TabularInline):
    model = AccessKey
    extra = 0


class MfaDeviceInline(admin.TabularInline):
    model = MfaDevice
    extra = 0


@admin.register(User)
class UserAdmin(ContentAdmin):
    list_display = ["name", "account"]
    list_filter = ["account__scenario"]
    search_fields = ["name"]
    filter_horizontal = ["groups", "managed_policies"]
    inlines = [AccessKeyInline, MfaDeviceInline, UserInlinePolicyInline]


@admin.register(Group)
class GroupAdmin(ContentAdmin):
    list_display = ["name", "account"]
    list_filter = ["account__scenario"]
    filter_horizontal = ["managed_policies"]
    inlines = [GroupInlinePolicyInline]


@admin.register(Role)
class RoleAdmin(ContentAdmin):
    list_display = ["name", "account", "max_session_duration"]
    list_filter = ["account__scenario"]
    search_fields = ["name"]
    filter_horizontal = ["managed_policies"]
    inlines = [RoleInlinePolicyInline]


@admin.register(IdentityProvider)
class IdentityProviderAdmin(ContentAdmin):
    list_display = ["name", "type", "account"]
    list_filter = ["type", "account__scenario"]


class S3ObjectInline(admin.StackedInline):
    model = S3Object
    extra = 0


@admin.register(Bucket)
class BucketAdmin(ContentAdmin):
    list_display = ["name", "account"]
    list_filter = ["account__scenario"]
    inlines = [S3ObjectInline]


@admin.register(LambdaFunction)
class LambdaFunctionAdmin(ContentAdmin):
    list_display = ["name", "execution_role", "account"]
    list_filter = ["account__scenario"]


class WorkspaceEntryInline(admin.TabularInline):
    model = WorkspaceEntry
    extra = 0
    can_delete = False
    readonly_fields = ["seq", "line", "created_at"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # the log is append-only; only the learner's console adds to it


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["pk", "scenario", "owner", "name", "created_at", "ended_at"]
    list_filter = ["scenario"]
    readonly_fields = ["scenario", "owner", "session_key", "name", "created_at", "ended_at"]
    inlines = [WorkspaceEntryInline]
