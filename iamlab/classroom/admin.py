from __future__ import annotations

from django.contrib import admin

from iamlab.classroom.models import Assignment, Classroom, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["student"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "join_code", "created_at"]
    search_fields = ["name", "join_code", "owner__username"]
    readonly_fields = ["join_code"]
    inlines = [AssignmentInline, MembershipInline]
