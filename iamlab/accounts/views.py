"""Signing up, in and out. Work done before signing in stays with the learner.

Django's `login()` keeps the session's data when it gives the session a new key, and the
workspaces (and lesson progress) an anonymous learner made are remembered in that data, so
they are handed over on the next page that asks for them.
"""

from __future__ import annotations

from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from iamlab.accounts.forms import SignUpForm


def safe_next(request: HttpRequest) -> str:
    """Return where to go after signing up or in: `next` when it stays on this site."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Make an account and sign in with it."""
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        return redirect(safe_next(request))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": safe_next(request)},
        status=status,
    )
