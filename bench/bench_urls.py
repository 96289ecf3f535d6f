"""The real site's URLs plus a bare Django view, for bench/pages.py only.

The bare view does what every Django request does (middleware, URL routing, a response)
and nothing else: the floor every page is measured against.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    """Answer with a few bytes."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("iamlab.urls")),
]
