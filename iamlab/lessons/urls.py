from __future__ import annotations

from django.urls import path

from iamlab.lessons import views

app_name = "lessons"

urlpatterns = [
    path("", views.lesson_list, name="list"),
    path("<slug:slug>/", views.overview, name="overview"),
    path("<slug:slug>/reset/", views.reset, name="reset"),
    path("<slug:slug>/<int:number>/", views.step, name="step"),
    path("<slug:slug>/<int:number>/act/", views.act, name="act"),
    path("<slug:slug>/<int:number>/diagrams/", views.diagrams, name="diagrams"),
    path("<slug:slug>/<int:number>/hint/", views.hint, name="hint"),
    path("<slug:slug>/<int:number>/solution/", views.solution, name="solution"),
]
