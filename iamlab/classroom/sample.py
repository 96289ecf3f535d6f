"""Generate a class with students, lessons and progress: for the dashboard's bench and tests.

The data follows a fixed pattern (no randomness), so two runs measure the same thing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from iamlab.classroom.models import Assignment, Classroom, Membership
from iamlab.lessons.models import Lesson, Progress, Step, StepProgress
from iamlab.scenarios.models import Scenario

DECISIONS = ["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"]


def generate_class(
    scenario: Scenario,
    owner: Any,
    *,
    students: int = 200,
    lessons: int = 10,
    steps: int = 8,
    prefix: str = "sample",
) -> Classroom:
    """Make a class of `students` who worked through `lessons` lessons of `steps` steps.

    For student i and lesson j: (i + j) % 3 is 0 (not started), 1 (in progress, up to a
    step that varies) or 2 (done). Every opened step has attempts, some hints, solutions
    and predictions, so that every figure of the dashboard has something to show.
    """
    now = timezone.now()
    made_lessons = Lesson.objects.bulk_create(
        Lesson(
            slug=f"{prefix}-lesson-{j}",
            title=f"Sample lesson {j}",
            scenario=scenario,
            order=100 + j,
        )
        for j in range(lessons)
    )
    Step.objects.bulk_create(
        Step(
            lesson=lesson,
            number=n,
            title=f"Step {n}",
            narrative="Read on.",
            action={"kind": "read"},
            goal=None,
        )
        for lesson in made_lessons
        for n in range(1, steps + 1)
    )
    user_model = get_user_model()
    made_users = user_model.objects.bulk_create(
        user_model(username=f"{prefix}-student-{i:03}") for i in range(students)
    )
    classroom = Classroom.objects.create_with_code(name=f"{prefix} class", owner=owner)
    Membership.objects.bulk_create(
        Membership(classroom=classroom, student=user) for user in made_users
    )
    Assignment.objects.bulk_create(
        Assignment(classroom=classroom, lesson=lesson, position=j)
        for j, lesson in enumerate(made_lessons)
    )
    plan: list[tuple[Progress, int, bool]] = []
    for i, user in enumerate(made_users):
        for j, lesson in enumerate(made_lessons):
            state = (i + j) % 3
            if state == 0:
                continue
            done = state == 2
            reached = steps if done else 1 + (i * 7 + j) % steps
            progress = Progress(
                lesson=lesson, owner=user, started_at=now, completed_at=now if done else None
            )
            plan.append((progress, reached, done))
    Progress.objects.bulk_create(progress for progress, _reached, _done in plan)
    rows = []
    for progress, reached, done in plan:
        for n in range(1, reached + 1):
            finished = done or n < reached
            predicted = DECISIONS[(n + reached) % 3]
            actual = DECISIONS[n % 3]
            rows.append(
                StepProgress(
                    progress=progress,
                    number=n,
                    opened_at=now,
                    done_at=now if finished else None,
                    attempts=1 + (n * reached) % 4,
                    hints_revealed=(n + reached) % 3,
                    solution_revealed=(n * reached) % 5 == 0,
                    predicted_decision=predicted if n % 2 else "",
                    actual_decision=actual if n % 2 else "",
                    prediction_correct=(predicted == actual) if n % 2 else None,
                )
            )
    StepProgress.objects.bulk_create(rows, batch_size=2000)
    return classroom
