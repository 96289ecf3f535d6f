"""A scenario's content version: a token replaced whenever any of its content changes.

Caches of what a scenario builds (its world spec, learners' snapshots) are keyed by the
token, so a change made anywhere (the loader, the admin, a shell, a delete that cascades)
makes them miss instead of serving the old content. Saves and deletes of every content
model and changes to their many-to-many links are watched. (`QuerySet.update()` and raw SQL
send no signals: code that changes content that way must call `bump_content_version`.)
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from iamlab.scenarios.models.content import (
    CONTENT_MODELS,
    AccessKey,
    Account,
    Group,
    InlinePolicy,
    MfaDevice,
    Role,
    S3Object,
    Scenario,
    User,
    new_content_version,
)


def bump_content_version(scenarios: models.QuerySet[Scenario]) -> None:
    """Give these scenarios a new content version."""
    for pk in list(scenarios.values_list("pk", flat=True)):
        Scenario.objects.filter(pk=pk).update(content_version=new_content_version())


def _scenarios_of(instance: models.Model) -> models.QuerySet[Scenario]:
    """Return the scenario a content row belongs to (empty if its parents are gone)."""
    if isinstance(instance, Account):
        return Scenario.objects.filter(pk=instance.scenario_id)
    if isinstance(instance, InlinePolicy):
        owner = (
            models.Q(accounts__users=instance.user_id)
            if instance.user_id
            else models.Q(accounts__groups=instance.group_id)
            if instance.group_id
            else models.Q(accounts__roles=instance.role_id)
        )
        return Scenario.objects.filter(owner)
    if isinstance(instance, (AccessKey, MfaDevice)):
        return Scenario.objects.filter(accounts__users=instance.user_id)
    if isinstance(instance, S3Object):
        return Scenario.objects.filter(accounts__buckets=instance.bucket_id)
    return Scenario.objects.filter(accounts=instance.account_id)


def _new_version_on_save(sender: type[Scenario], instance: Scenario, **kwargs: Any) -> None:
    # Every save of the scenario row itself, loaded from a fixture (raw) or not.
    instance.content_version = new_content_version()


def _content_changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    bump_content_version(_scenarios_of(instance))


def _links_changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("action") not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, (User, Group, Role)):
        bump_content_version(_scenarios_of(instance))
    else:  # the reverse side: a policy or group whose links to identities changed
        bump_content_version(Scenario.objects.filter(accounts=instance.account_id))


def connect() -> None:
    """Watch every content model (called once, when the app is ready)."""
    pre_save.connect(_new_version_on_save, sender=Scenario, dispatch_uid="scenario-version")
    for model in CONTENT_MODELS:
        if model is Scenario:
            continue
        uid = f"scenario-version-{model.__name__}"
        post_save.connect(_content_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_content_changed, sender=model, dispatch_uid=uid)
    for through in (
        User.groups.through,
        User.managed_policies.through,
        Group.managed_policies.through,
        Role.managed_policies.through,
    ):
        m2m_changed.connect(
            _links_changed, sender=through, dispatch_uid=f"scenario-version-{through.__name__}"
        )
