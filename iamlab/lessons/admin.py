"""The admin: lessons and their steps for instructors, learners' progress to read."""

from __future__ import annotations

from django.contrib import admin

from iamlab.lessons.models import Lesson, Progress, Step, StepProgress


class StepInline(admin.StackedInline):
    model = Step
    extra = 0
    ordering = ["number"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "scenario", "order", "published"]
    list_filter = ["published", "scenario"]
    search_fields = ["title", "slug"]
    inlines = [StepInline]


class StepProgressInline(admin.TabularInline):
    model = StepProgress
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "opened_at",
        "done_at",
        "attempts",
        "hints_revealed",
        "solution_revealed",
        "predicted_decision",
        "actual_decision",
        "prediction_correct",
    ]
    exclude = ["opened_seq", "outcome_seq"]


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    list_display = ["lesson", "owner", "started_at", "completed_at", "ended_at"]
    list_filter = ["lesson", "completed_at"]
    readonly_fields = [
        "lesson",
        "owner",
        "session_key",
        "workspace",
        "started_at",
        "completed_at",
        "ended_at",
    ]
    exclude = ["recent"]
    inlines = [StepProgressInline]
