"""The instructor's and the student's forms: real forms that post, with clear errors."""

from __future__ import annotations

from typing import Any

from django import forms

from iamlab.classroom.models import JOIN_CODE_LENGTH, Classroom, normalize_join_code
from iamlab.lessons.models import Lesson


class ClassForm(forms.Form):
    name = forms.CharField(
        label="Class name",
        max_length=Classroom._meta.get_field("name").max_length,
        strip=True,
        error_messages={"required": "Give the class a name, for example “Cloud security, spring”."},
    )


class AssignForm(forms.Form):
    lesson = forms.ModelChoiceField(
        label="Lesson",
        queryset=Lesson.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the loaded lessons not yet set."},
    )
    due_date = forms.DateField(
        label="Due date (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the due date as YYYY-MM-DD, for example 2026-03-31."},
    )

    def __init__(self, *args: Any, classroom: Classroom, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["lesson"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Lesson.objects.exclude(assignments__classroom=classroom).order_by(
            "order", "slug"
        )


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=32,
        error_messages={"required": "Type the join code your instructor gave you."},
    )

    def clean_code(self) -> Classroom:
        code = normalize_join_code(self.cleaned_data["code"])
        classroom = (
            Classroom.objects.filter(join_code=code).first()
            if len(code) == JOIN_CODE_LENGTH
            else None
        )
        if classroom is None:
            raise forms.ValidationError(
                f"No class has the join code “{code[:32]}”. A code is {JOIN_CODE_LENGTH} letters "
                "and digits, as your instructor shows it; check it and try again."
            )
        return classroom


class UploadForm(forms.Form):
    fixture = forms.FileField(
        label="Fixture file (JSON)",
        error_messages={
            "required": "Choose a fixture file: a JSON list of scenario and/or lesson objects.",
            "empty": "The file is empty; a fixture is a JSON list of objects.",
        },
    )
    publish = forms.BooleanField(
        label="Publish at once (otherwise new scenarios and lessons wait until you publish them)",
        required=False,
    )


class PublishForm(forms.Form):
    published = forms.TypedChoiceField(
        choices=[("1", "publish"), ("0", "unpublish")],
        coerce=lambda value: value == "1",
        error_messages={"required": "Say whether to publish (1) or unpublish (0)."},
    )
