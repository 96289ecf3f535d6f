"""The student's pages about scenarios: the list, and one scenario's overview."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from iamlab.scenarios.models import Scenario


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
    return render(
        request,
        "scenarios/overview.html",
        {"scenario": scenario, "accounts": scenario.accounts_for_overview()},
    )
