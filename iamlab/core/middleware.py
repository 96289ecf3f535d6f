"""Refuse a request whose address is too long, with our page rather than a server's."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# The longest address a form of ours can produce is far shorter (a 2,048-character
# resource of four-byte characters, percent-encoded, is about 24,600): gunicorn is told to
# read request lines of any length (gunicorn.conf.py), so that this limit, not gunicorn's
# raw "Request Line is too large", is what a student meets.
MAX_QUERY_STRING = 64 * 1024


class LongAddressMiddleware:
    """Answer 414 with a page of ours when the query string is beyond MAX_QUERY_STRING."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = len(request.META.get("QUERY_STRING", ""))
        if length > MAX_QUERY_STRING:
            return render(
                request,
                "414.html",
                {"length": length, "limit": MAX_QUERY_STRING},
                status=414,
            )
        return self.get_response(request)
