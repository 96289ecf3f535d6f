"""The policy playground page: edit policies, ask the engine, see why; share the case."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from iamlab.console.playground import (
    DOCUMENTS,
    Evaluation,
    PlaygroundForm,
    ShareError,
    action_keys_json,
    decode_state,
    encode_state,
    entity_choices,
    entity_state,
    evaluate,
    keys_for,
    principal_suggestions,
)
from iamlab.diagrams.evaluation import (
    DECISION_WORDS,
    RESULT_WORDS,
    evaluation_flow,
    step_name,
)
from iamlab.diagrams.figures import legend_rows, make_figure
from iamlab.diagrams.whatif import describe_errors
from iamlab.scenarios.learners import WorldUnavailable, learner_world
from iamlab.scenarios.models import Scenario
from iamlab.world import World

BLANK_START = {
    "principal": "arn:aws:iam::111122223333:user/alice",
    "actions": "s3:GetObject",
    "resources": "arn:aws:s3:::example-bucket/report.csv",
    "identity": (
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n'
        '      "Action": "s3:GetObject",\n      "Resource": "arn:aws:s3:::example-bucket/*"\n'
        "    }\n  ]\n}"
    ),
}


def _scenario_world(request: HttpRequest) -> tuple[Scenario | None, World | None, str]:
    """Return the scenario the query names, the learner's world of it, and any problem."""
    slug = request.GET.get("scenario", "")
    if not slug:
        return None, None, ""
    scenario = Scenario.objects.visible_to(request.user).filter(slug=slug[:100]).first()
    if scenario is None:
        return None, None, f"There is no scenario “{slug[:100]}”; pick one from the list."
    try:
        return scenario, learner_world(request, scenario).world, ""
    except WorldUnavailable as error:
        return scenario, None, str(error)


def _form(request: HttpRequest, world: World | None) -> tuple[PlaygroundForm, str]:
    """Return the form the request asks for (posted, shared, loaded or blank) and a notice."""
    if request.method == "POST":
        return PlaygroundForm(request.POST), ""
    if "s" in request.GET:
        try:
            return PlaygroundForm(decode_state(request.GET["s"])), ""
        except ShareError as error:
            return PlaygroundForm(initial=BLANK_START), str(error)
    entity = request.GET.get("entity", "")
    if entity and world is not None:
        state = entity_state(world, entity[:2100])
        if state is None:
            return PlaygroundForm(initial=BLANK_START), "That entity is not in this scenario."
        return PlaygroundForm(state), ""
    return PlaygroundForm(initial=BLANK_START), ""


def _result_context(form: PlaygroundForm, evaluation: Evaluation) -> dict[str, Any]:
    """Return what the page shows of the engine's answers: verdict, table, explanation, diagram."""
    case = evaluation.cases[0]
    result = case.result
    explanation = result.get("explanation") or {}
    deciding = {statement.get("path") for statement in explanation.get("deciding_statements") or []}
    policies = []
    for policy in explanation.get("policies") or []:
        statements = [
            {
                **statement,
                "decided": f"{policy.get('path')}.Statement[{statement.get('index')}]" in deciding,
            }
            for statement in policy.get("statements") or []
        ]
        policies.append({**policy, "statements": statements})
    steps = [
        {**step, "name": step_name(step), "words": RESULT_WORDS.get(step.get("result"), "")}
        for step in explanation.get("steps") or []
    ]
    title = f"How the decision on {case.action} was reached"
    return {
        "case": case,
        "decision_words": DECISION_WORDS.get(case.decision or "", case.decision),
        "cases": evaluation.cases,
        "steps": steps,
        "policies": policies,
        "figure": make_figure(evaluation_flow(result, title=title)),
        "legend": legend_rows({"evaluation"}),
    }


@require_http_methods(["GET", "POST"])
def playground(request: HttpRequest) -> HttpResponse:
    """Show the playground; evaluate what was posted or shared; load a scenario's entity."""
    scenario, world, notice = _scenario_world(request)
    form, form_notice = _form(request, world)
    notice = notice or form_notice
    context: dict[str, Any] = {
        "scenarios": Scenario.objects.visible_to(request.user).order_by("title"),
        "scenario": scenario,
        "entities": entity_choices(world) if world is not None else [],
        "notice": notice,
        "principals": principal_suggestions(world),
        "document_names": [name for name, _label, _kind, _key in DOCUMENTS],
    }
    if form.is_bound and form.is_valid():
        evaluation = evaluate(form)
        for name, problem in evaluation.problems.items():
            form.add_error(None if name == "__all__" else name, problem)
        if evaluation.cases:
            context.update(_result_context(form, evaluation))
            share = encode_state({key: str(value) for key, value in form.data.items()})
            playground_url = request.build_absolute_uri(reverse("console:playground"))
            context["share_url"] = f"{playground_url}?s={share}" if share else None
    actions = form.cleaned_data.get("actions", []) if form.is_bound else []
    context["offered_keys"] = keys_for(actions or ["sts:AssumeRole", "iam:PassRole"])
    context["action_keys_json"] = action_keys_json()
    describe_errors(form)
    context["form"] = form
    if request.headers.get("HX-Request"):
        # htmx swaps only successful answers; the fragment carries its own error messages.
        return render(request, "console/playground.html#playground", context)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "console/playground.html", context, status=status)
