from __future__ import annotations

from django.urls import path

from iamlab.scenarios import views

app_name = "scenarios"

urlpatterns = [
    path("", views.scenario_list, name="list"),
    path("<slug:slug>/", views.overview, name="overview"),
]
