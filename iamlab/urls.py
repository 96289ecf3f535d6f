from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from iamlab.classroom.urls import instructor_patterns, student_patterns
from iamlab.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("lessons/", include("iamlab.lessons.urls")),
    path("scenarios/", include("iamlab.scenarios.urls")),
    path("diagrams/", include("iamlab.diagrams.urls")),
    path("", include("iamlab.console.urls")),
    path("accounts/", include("iamlab.accounts.urls")),
    path("instructor/", include((instructor_patterns, "instructor"))),
    path("classes/", include((student_patterns, "classes"))),
    path("admin/", admin.site.urls),
]
