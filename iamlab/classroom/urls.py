from __future__ import annotations

from django.urls import path

from iamlab.classroom.views import authoring, classes, joining

# Mounted at /instructor/ under the namespace "instructor": staff only.
instructor_patterns = [
    path("", classes.index, name="index"),
    path("classes/new/", classes.create_class, name="create-class"),
    path("classes/<int:pk>/", classes.class_page, name="class"),
    path("classes/<int:pk>/assign/", classes.assign, name="assign"),
    path(
        "classes/<int:pk>/assignments/<int:assignment_pk>/remove/",
        classes.unassign,
        name="unassign",
    ),
    path("classes/<int:pk>/progress.csv", classes.export_csv, name="export-csv"),
    path("classes/<int:pk>/students/<int:user_pk>/", classes.student_page, name="student"),
    path(
        "classes/<int:pk>/students/<int:user_pk>/lessons/<slug:slug>/",
        classes.student_lesson,
        name="student-lesson",
    ),
    path(
        "classes/<int:pk>/students/<int:user_pk>/lessons/<slug:slug>/reset/",
        classes.reset_student_lesson,
        name="reset",
    ),
    path("classes/<int:pk>/live/<slug:slug>/<int:number>/", classes.live, name="live"),
    path("content/", authoring.content, name="content"),
    path("content/upload/", authoring.upload, name="upload"),
    path(
        "content/scenarios/<slug:slug>/publish/",
        authoring.publish_scenario,
        name="publish-scenario",
    ),
    path("content/scenarios/<slug:slug>.json", authoring.download_scenario, name="scenario-json"),
    path("content/lessons/<slug:slug>/publish/", authoring.publish_lesson, name="publish-lesson"),
    path("content/lessons/<slug:slug>.json", authoring.download_lesson, name="lesson-json"),
]

# Mounted at /classes/ under the namespace "classes": signed-in students.
student_patterns = [
    path("", joining.my_classes, name="mine"),
    path("join/", joining.join, name="join"),
]
