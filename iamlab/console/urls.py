from __future__ import annotations

from django.urls import URLPattern, path

from iamlab.console import playground_views, views

app_name = "console"

urlpatterns: list[URLPattern] = [
    path("console/", views.index, name="index"),
    path("console/<slug:slug>/", views.page, name="page"),
    path("console/<slug:slug>/run/", views.run, name="run"),
    path("console/<slug:slug>/export/", views.export, name="export"),
    path("console/<slug:slug>/reset/", views.reset, name="reset"),
    path("console/<slug:slug>/graph/", views.graph, name="graph"),
    path("console/<slug:slug>/session.sh", views.script, name="script"),
    path("playground/", playground_views.playground, name="playground"),
]
