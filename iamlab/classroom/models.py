"""Classes: an instructor's group of students, joined with a code, and the lessons set for it."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from iamlab.lessons.models import Lesson

# No 0/O, 1/I/L, 5/S or 2/Z: a code read off a projector is typed right the first time.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    """Return a random join code of unambiguous characters."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(text: str) -> str:
    """Read a code as typed: case, spaces and dashes do not matter."""
    return "".join(text.split()).replace("-", "").upper()


class ClassroomManager(models.Manager["Classroom"]):
    def create_with_code(self, **fields: Any) -> Classroom:
        """Create a class with a fresh join code (drawing again on the rare collision)."""
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    return self.create(join_code=new_join_code(), **fields)
            except IntegrityError:
                continue
        raise IntegrityError("could not draw an unused join code")


class Classroom(models.Model):
    """A class: one instructor, the students who joined it, the lessons set for it."""

    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classes_taught"
    )
    join_code = models.CharField(
        max_length=JOIN_CODE_LENGTH, unique=True, editable=False, default=new_join_code
    )
    created_at = models.DateTimeField(default=timezone.now)
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="classes_joined"
    )

    objects = ClassroomManager()

    class Meta:
        verbose_name = "class"
        verbose_name_plural = "classes"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("instructor:class", args=[self.pk])


class Membership(models.Model):
    """A student in a class."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["classroom", "student__username"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "student"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.classroom}"


class Assignment(models.Model):
    """A lesson set for a class, in the class's order, perhaps with a due date."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="assignments")
    position = models.PositiveIntegerField(default=0)
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["classroom", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "lesson"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson.slug} for {self.classroom}"
