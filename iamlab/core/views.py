from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from iamlab.classroom.students import class_sections
from iamlab.lessons.views import lessons_with_progress
from iamlab.scenarios.models import Scenario


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Show the lessons a student can start."""
    lessons = lessons_with_progress(request)
    scenarios = Scenario.objects.visible_to(request.user).order_by("title")
    # A student's classes come first: the lessons their instructors set, with due dates.
    classes = class_sections(request.user, lessons)
    return render(
        request, "home.html", {"lessons": lessons, "scenarios": scenarios, "classes": classes}
    )
