"""The instructor's content pages: upload fixtures, publish or unpublish, download fixtures.

Previewing needs no page of its own: staff see unpublished scenarios and lessons on the
students' own pages (the scenario overview with its trust graph, the lesson steps).
"""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from iamlab.classroom.access import instructor_required
from iamlab.classroom.forms import PublishForm, UploadForm
from iamlab.classroom.uploads import MAX_UPLOAD_BYTES, UploadResult, load_upload
from iamlab.lessons.loading import dump_lesson
from iamlab.lessons.models import Lesson
from iamlab.scenarios.loading import dump_scenario
from iamlab.scenarios.models import Scenario

# Room for the form's other fields and the multipart boundaries around the file.
FORM_OVERHEAD_BYTES = 16 * 1024
PUBLISH_PROBLEM = "Say published=1 to publish or published=0 to unpublish; nothing was changed."


def _content(
    request: HttpRequest,
    form: UploadForm | None = None,
    result: UploadResult | None = None,
    status: int = 200,
    message: str = "",
) -> HttpResponse:
    context = {
        "scenarios": Scenario.objects.annotate(lesson_count=Count("lessons")).order_by("title"),
        "lessons": Lesson.objects.select_related("scenario")
        .annotate(step_count=Count("steps"))
        .order_by("order", "slug"),
        "form": form or UploadForm(),
        "result": result,
        "max_upload_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        "message": message,
    }
    return render(request, "classroom/content.html", context, status=status)


@require_GET
@instructor_required
def content(request: HttpRequest) -> HttpResponse:
    """List every scenario and lesson with its state, and the upload form."""
    return _content(request)


@require_POST
@instructor_required
@csrf_exempt
def upload(request: HttpRequest) -> HttpResponse:
    """Refuse an oversized upload before reading its body; otherwise load it."""
    # CSRF is checked below, once the size is known: checking it here would read (and
    # store) the whole body first.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        message = (
            f"The upload is {length} bytes; a fixture file may be at most {MAX_UPLOAD_BYTES} "
            "bytes. Nothing was loaded."
        )
        return _content(request, status=413, message=message)
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _content(request, form, status=400)
    upload_file = form.cleaned_data["fixture"]
    if upload_file.size > MAX_UPLOAD_BYTES:
        form.add_error(
            "fixture",
            f"The file is {upload_file.size} bytes; a fixture may be at most {MAX_UPLOAD_BYTES}.",
        )
        return _content(request, form, status=400)
    result = load_upload(
        upload_file.name or "", upload_file.read(), publish=form.cleaned_data["publish"]
    )
    return _content(request, UploadForm(), result, status=200 if result.ok else 400)


def _published_from(request: HttpRequest) -> bool | None:
    form = PublishForm(request.POST)
    return form.cleaned_data["published"] if form.is_valid() else None


@require_POST
@instructor_required
def publish_scenario(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish or unpublish a scenario (students see only published ones)."""
    scenario = get_object_or_404(Scenario, slug=slug)
    published = _published_from(request)
    if published is None:
        return _content(request, status=400, message=PUBLISH_PROBLEM)
    Scenario.objects.filter(pk=scenario.pk).update(published=published)
    return redirect("instructor:content")


@require_POST
@instructor_required
def publish_lesson(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish or unpublish a lesson (students see only published ones)."""
    lesson = get_object_or_404(Lesson, slug=slug)
    published = _published_from(request)
    if published is None:
        return _content(request, status=400, message=PUBLISH_PROBLEM)
    Lesson.objects.filter(pk=lesson.pk).update(published=published)
    return redirect("instructor:content")


def _fixture_response(text: str, slug: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}.json"'
    return response


@require_GET
@instructor_required
def download_scenario(request: HttpRequest, slug: str) -> HttpResponse:
    """Download a scenario as the fixture `loadscenario` (and the upload) reads back."""
    scenario = get_object_or_404(Scenario, slug=slug)
    return _fixture_response(dump_scenario(scenario), scenario.slug)


@require_GET
@instructor_required
def download_lesson(request: HttpRequest, slug: str) -> HttpResponse:
    """Download a lesson as the fixture `loadlessons` (and the upload) reads back."""
    lesson = get_object_or_404(Lesson, slug=slug)
    return _fixture_response(dump_lesson(lesson), lesson.slug)
