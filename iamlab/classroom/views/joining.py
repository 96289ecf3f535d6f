"""The student's side of classes: joining with a code, and the lessons each class set."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from iamlab.classroom.forms import JoinForm
from iamlab.classroom.models import Classroom, Membership
from iamlab.classroom.students import class_sections
from iamlab.lessons.views import lessons_with_progress


def _my_classes(request: HttpRequest, form: JoinForm, status: int = 200) -> HttpResponse:
    sections = class_sections(request.user, lessons_with_progress(request))
    return render(
        request,
        "classroom/my_classes.html",
        {"sections": sections, "form": form, "joined": request.GET.get("joined", "")},
        status=status,
    )


@require_GET
@login_required
def my_classes(request: HttpRequest) -> HttpResponse:
    """Show the classes the student is in, each with its lessons, and the join form."""
    return _my_classes(request, JoinForm(initial={"code": request.GET.get("code", "")[:32]}))


@require_http_methods(["GET", "POST"])
@login_required
def join(request: HttpRequest) -> HttpResponse:
    """Join the class whose code was typed (joining twice changes nothing).

    A GET (the link an instructor shares, `?code=...`) only fills in the form: joining is
    a POST the student makes.
    """
    if request.method == "GET":
        code = request.GET.get("code", "")[:32]
        return redirect(f"{reverse('classes:mine')}?{urlencode({'code': code})}")
    form = JoinForm(request.POST)
    if not form.is_valid():
        return _my_classes(request, form, status=400)
    classroom: Classroom = form.cleaned_data["code"]
    try:
        with transaction.atomic():
            Membership.objects.get_or_create(classroom=classroom, student=request.user)
    except IntegrityError:
        pass  # joined in another tab at the same moment: they are in the class
    return redirect(f"{reverse('classes:mine')}?joined={classroom.pk}")
