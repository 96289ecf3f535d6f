"""Carry an anonymous learner's lesson progress over when they sign in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from iamlab.lessons.models import Progress


@receiver(user_logged_in, dispatch_uid="lessons-adopt-anonymous-progress")
def adopt_progress(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # Signing in keeps the session's data (under a new key); the progress rows remembered
    # there become the learner's. Their workspaces follow through Workspace.objects, which
    # adopts remembered anonymous workspaces the same way on first use.
    if request is not None and hasattr(request, "session"):
        Progress.objects.adopt_anonymous(request, user)
