"""Who may open the instructor pages: staff only, and a class only its own instructor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from iamlab.classroom.models import Classroom

View = Callable[..., HttpResponse]


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    """Render the site's own 403 page, saying why."""
    return render(request, "403.html", {"reason": reason}, status=403)


def instructor_required(view: View) -> View:
    """Send an anonymous visitor to sign in, refuse a student with 403, let staff through."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            return forbidden(
                request,
                "The instructor pages are for instructors (staff accounts). If you teach a "
                "class here, ask the site's administrator to make your account staff.",
            )
        return view(request, *args, **kwargs)

    return wrapped


def owned_class(request: HttpRequest, pk: int) -> Classroom:
    """Return the instructor's own class, else 404 (another's class is not theirs to see)."""
    return get_object_or_404(Classroom, pk=pk, owner=request.user)
