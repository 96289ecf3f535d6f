"""A lesson's content version: a token replaced whenever the lesson or one of its steps changes.

The step pages keep lessons in each process (`Lesson.objects.with_steps`) and check the
token on every use, so an edit made anywhere (the loader, the admin, a shell, another
process) is seen at the next request. Saves of a lesson, and saves and deletes of its
steps, are watched. (`QuerySet.update()` and raw SQL send no signals: code that changes
steps that way must call `bump_lesson_version`.)
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from iamlab.lessons.models import Lesson, Step
from iamlab.scenarios.models.content import new_content_version


def bump_lesson_version(lesson_id: int) -> None:
    """Give the lesson a new content version."""
    Lesson.objects.filter(pk=lesson_id).update(content_version=new_content_version())


def _new_version_on_save(sender: type[Lesson], instance: Lesson, **kwargs: Any) -> None:
    instance.content_version = new_content_version()


def _step_changed(sender: type[Step], instance: Step, **kwargs: Any) -> None:
    bump_lesson_version(instance.lesson_id)


def connect() -> None:
    """Watch lessons and steps (called once, when the app is ready)."""
    pre_save.connect(_new_version_on_save, sender=Lesson, dispatch_uid="lesson-version")
    post_save.connect(_step_changed, sender=Step, dispatch_uid="lesson-version-step")
    post_delete.connect(_step_changed, sender=Step, dispatch_uid="lesson-version-step")
