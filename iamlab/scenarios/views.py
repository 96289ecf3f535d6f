"""The student's pages about scenarios: the list, and one scenario's overview."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from iamlab.scenarios.learners import learner_world
from iamlab.scenarios.models import Scenario

OVERVIEW_CACHE_PREFIX = "scenarios:overview:v1:"
OVERVIEW_CACHE_SECONDS = 7 * 24 * 3600
# What the cached accounts section is made from besides the scenario's content.
OVERVIEW_SOURCES = [
    Path(settings.BASE_DIR) / "templates" / "scenarios" / "overview.html",
    Path(__file__).resolve().parent / "templatetags" / "scenario_tags.py",
]


@require_GET
def scenario_list(request: HttpRequest) -> HttpResponse:
    """List the scenarios a student can explore."""
    scenarios = (
        Scenario.objects.visible_to(request.user)
        .annotate(account_count=Count("accounts"))
        .order_by("title")
    )
    return render(request, "scenarios/list.html", {"scenarios": scenarios})


@require_GET
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    """Show everything a scenario's world starts with: who is there and what they may do."""
    scenario = get_object_or_404(Scenario.objects.visible_to(request.user), slug=slug)
    context = {
        "scenario": scenario,
        # The learner's world (their workspace, else the scenario's) for the diagrams.
        "learner": learner_world(request, scenario),
        "accounts_html": accounts_html(scenario),
    }
    return render(request, "scenarios/overview.html", context)


def accounts_html(scenario: Scenario) -> SafeString:
    """Return the overview's accounts section, rendered once per content version.

    It shows the scenario's content and nothing of the learner, so every learner and process
    shares one rendering from Django's cache; a new content version (or a change to the
    template) makes a new key.
    """
    key = (
        f"{OVERVIEW_CACHE_PREFIX}{_template_fingerprint()}:{scenario.pk}:{scenario.content_version}"
    )
    html = cache.get(key)
    if not isinstance(html, str):
        html = render_to_string(
            "scenarios/overview.html#accounts",
            {"scenario": scenario, "accounts": scenario.accounts_for_overview()},
        )
        cache.set(key, html, OVERVIEW_CACHE_SECONDS)
    # Safe: rendered above by the template engine, which escaped every value.
    return mark_safe(html)


@functools.cache
def _template_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in OVERVIEW_SOURCES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
