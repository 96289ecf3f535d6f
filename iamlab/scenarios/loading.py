"""Load scenario fixtures safely, and write scenarios back out as fixtures.

`load_fixtures` is what `manage.py loadscenario` runs. It reads Django fixtures (JSON, with
natural keys) and loads them in one transaction, checking each object as it goes: the
JSON itself, the model and its fields, every natural-key reference, every value's type,
the model's own validation (which runs every policy through the engine), and finally the
world each touched scenario builds. Every problem is collected with its place (file,
object, model and natural key, field, JSON path); if there is any, the transaction is
rolled back and the database is exactly as it was.
"""

from __future__ import annotations

import difflib
import inspect
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, models, transaction

from iamlab.scenarios.limits import MAX_JSON_DEPTH, text_problem
from iamlab.scenarios.models import (
    CONTENT_MODELS,
    Account,
    InlinePolicy,
    Scenario,
    scenario_content,
)
from iamlab.scenarios.problems import ScenarioProblem, validation_problems

# A fixture is written by a person; a file this large is a mistake, not a scenario.
MAX_FIXTURE_BYTES = 5 * 1024 * 1024
MODEL_ORDER = {model._meta.label_lower: position for position, model in enumerate(CONTENT_MODELS)}
MODEL_NAMES = sorted(MODEL_ORDER)


@dataclass
class FixtureObject:
    """One object of a fixture file, as written."""

    file: str
    index: int
    model: type[models.Model]
    fields: dict[str, Any]
    # Set when the object was refused while reading (it is never saved); its natural key
    # is still known, so that objects referring to it are not blamed for its mistake.
    rejection: str = ""
    # Set when it refers to an object of this load that failed.
    blocked: bool = False

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def natural_key(self) -> tuple[str, ...]:
        """Work out the object's natural key from its fields, without the database."""
        return written_natural_key(self.model, self.fields)

    @property
    def slug(self) -> str:
        """Return the scenario the object belongs to ("" when its fields do not say)."""
        if self.model is Scenario:
            return str(self.fields.get("slug", ""))
        key = self.natural_key()
        return key[0] if len(key) > 1 else ""

    def problem(self, message: str, field: str = "", json_path: str = "") -> ScenarioProblem:
        return ScenarioProblem(
            message=message,
            model=self.label,
            natural_key=self.natural_key(),
            field=field,
            json_path=json_path,
            file=self.file,
            index=self.index,
        )


@dataclass
class LoadResult:
    """What a load of scenarios or lessons did, or why it did nothing."""

    # slug -> what was loaded of it: a scenario's objects, a lesson's steps
    loaded: dict[str, int] = field(default_factory=dict)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[ScenarioProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def undo_if_refused(self) -> None:
        """Inside the load's transaction: on any problem, roll it back and report nothing loaded."""
        if self.problems:
            transaction.set_rollback(True)
            self.loaded = {}
            self.replaced = []


def _parent_field(model: type[models.Model]) -> str | None:
    """Name the foreign key whose natural key starts this model's natural key."""
    if model is Scenario:
        return None
    if model is Account:
        return "scenario"
    for name in ("account", "user", "bucket"):
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        return name
    return None


def _own_key_field(model: type[models.Model]) -> str:
    return {
        "scenarios.scenario": "slug",
        "scenarios.account": "account_id",
        "scenarios.accesskey": "access_key_id",
        "scenarios.s3object": "key",
    }.get(model._meta.label_lower, "name")


def written_natural_key(model: type[models.Model], fields: dict[str, Any]) -> tuple[str, ...]:
    """Return the natural key an object's fields describe (best effort, for reports)."""
    own = fields.get(_own_key_field(model))
    own_part = (str(own),) if own is not None else ()
    if model is InlinePolicy:
        for owner in ("user", "group", "role"):
            parent = fields.get(owner)
            if isinstance(parent, list) and len(parent) == 3:
                slug, account_id, owner_name = (str(part) for part in parent)
                return (slug, account_id, owner, owner_name, *own_part)
        return ()
    parent_field = _parent_field(model)
    if parent_field is None:
        return own_part
    parent = fields.get(parent_field)
    if isinstance(parent, list):
        return (*(str(part) for part in parent), *own_part)
    return ()


def _key_length(model: type[models.Model]) -> int:
    parameters = inspect.signature(model._default_manager.get_by_natural_key).parameters
    return len(parameters)


def _close_keys(model: type[models.Model], wanted: list[Any], slug: str) -> list[str]:
    """Suggest the natural keys of `model` in scenario `slug` nearest to the one written."""
    try:
        scenario = Scenario.objects.get(slug=slug)
    except Scenario.DoesNotExist:
        candidates = [json.dumps(list(s.natural_key())) for s in Scenario.objects.all()]
    else:
        candidates = [
            json.dumps(list(row.natural_key()))
            for row in scenario_content(scenario)
            if isinstance(row, model)
        ]
    return difflib.get_close_matches(json.dumps(wanted), candidates, n=3, cutoff=0.6)


def read_fixture_list(path: Path, display: str) -> tuple[list[Any], list[ScenarioProblem]]:
    """Read a fixture file as its JSON list of objects, or say exactly why it cannot be.

    Scenario and lesson fixtures share this: the size limit, UTF-8, valid JSON, no key given
    twice in an object (a JSON reader would silently keep the last) and a list at the top.
    Problems about keys given twice come with the list, which is still read.
    """

    def file_problem(message: str) -> ScenarioProblem:
        return ScenarioProblem(message=message, file=display)

    try:
        size = path.stat().st_size
    except OSError as error:
        return [], [file_problem(f"cannot read the file: {error.strerror}.")]
    if size > MAX_FIXTURE_BYTES:
        return [], [
            file_problem(f"the file is {size} bytes; a fixture may be at most {MAX_FIXTURE_BYTES}.")
        ]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return [], [file_problem(f"the file is not UTF-8 text (byte {error.start}).")]
    except OSError as error:
        return [], [file_problem(f"cannot read the file: {error.strerror}.")]
    duplicates: list[str] = []

    def reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    try:
        data = json.loads(text, object_pairs_hook=reject_duplicates)
    except json.JSONDecodeError as error:
        return [], [
            file_problem(
                f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}."
            )
        ]
    except RecursionError:
        return [], [file_problem("the JSON is nested too deeply to read; no fixture needs that.")]
    problems = [
        file_problem(
            f'the key "{key}" appears twice in one JSON object; give each key once '
            "(a JSON reader would silently keep only the last)."
        )
        for key in dict.fromkeys(duplicates)
    ]
    if not isinstance(data, list):
        return [], [
            *problems,
            file_problem('a fixture is a JSON list of objects: [{"model": ..., "fields": {...}}].'),
        ]
    return data, problems


def read_fixture(path: Path, display: str) -> tuple[list[FixtureObject], list[ScenarioProblem]]:
    """Read one fixture file into objects, or say exactly why it cannot be read."""
    data, problems = read_fixture_list(path, display)
    objects = []
    for index, item in enumerate(data):
        where = ScenarioProblem(message="", file=display, index=index)
        if not isinstance(item, dict):
            problems.append(replace_message(where, 'give {"model": ..., "fields": {...}}.'))
            continue
        label = item.get("model")
        fields = item.get("fields")
        rejection = ""
        extra = sorted(set(item) - {"model", "fields"})
        if not isinstance(label, str) or label.lower() not in MODEL_ORDER:
            suggestion = difflib.get_close_matches(str(label).lower(), MODEL_NAMES, n=1)
            hint = f' Did you mean "{suggestion[0]}"?' if suggestion else ""
            rejection = (
                f"unknown model {json.dumps(label)}; a scenario fixture holds "
                f"{', '.join(MODEL_NAMES)}.{hint}"
            )
            if not suggestion or not isinstance(fields, dict):
                problems.append(replace_message(where, rejection))
                continue
            # Read it as the model it was probably meant to be, only so that the objects
            # that refer to it are not reported too.
            label = suggestion[0]
        elif "pk" in extra:
            rejection = (
                'leave out "pk": scenario fixtures refer to objects by natural key, '
                "so they load into any database."
            )
        elif extra:
            rejection = f"unexpected key(s) {', '.join(extra)}; an object has model and fields."
        if not isinstance(fields, dict):
            problems.append(
                replace_message(
                    where, f'give the fields of {label} as an object: "fields": {{...}}.'
                )
            )
            continue
        objects.append(FixtureObject(display, index, apps.get_model(label), fields, rejection))
    return objects, problems


def replace_message(problem: ScenarioProblem, message: str) -> ScenarioProblem:
    return ScenarioProblem(message=message, file=problem.file, index=problem.index)


FailedKeys = set[tuple[str, tuple[str, ...]]]


def _reference_problems(item: FixtureObject, failed: FailedKeys) -> list[ScenarioProblem]:
    """Check the object's field names and every natural-key reference it makes.

    A reference to an object of this load that failed is not reported again; the object
    is marked failed too (it cannot be saved without what it refers to).
    """
    problems = []
    model = item.model
    # Forward fields only: reverse relations and the automatic primary key are not written.
    known = {f.name: f for f in model._meta.get_fields() if not f.auto_created}
    for name, value in item.fields.items():
        if name not in known:
            suggestion = difflib.get_close_matches(name, list(known), n=1)
            hint = f' Did you mean "{suggestion[0]}"?' if suggestion else ""
            problems.append(
                item.problem(
                    f"{model._meta.verbose_name} has no field {json.dumps(name)}.{hint} "
                    f"Its fields: {', '.join(known)}.",
                    field=name,
                )
            )
            continue
        model_field = known[name]
        if not model_field.is_relation:
            continue
        target = model_field.related_model
        if model_field.many_to_many:
            if not isinstance(value, list):
                problems.append(
                    item.problem(
                        f"give a list of natural keys of {target._meta.verbose_name_plural}, "
                        f"e.g. [{json.dumps(_example_key(target, item.slug))}].",
                        field=name,
                    )
                )
                continue
            for position, reference in enumerate(value):
                problems.extend(
                    _one_reference(item, name, target, reference, failed, json_path=f"[{position}]")
                )
        elif value is not None or not model_field.null:
            problems.extend(_one_reference(item, name, target, value, failed))
    for name, model_field in known.items():
        if (
            model_field.is_relation
            and not model_field.many_to_many
            and not model_field.null
            and name not in item.fields
        ):
            problems.append(
                item.problem(
                    f"{name} is required: give the natural key of the "
                    f"{model_field.related_model._meta.verbose_name}, "
                    f"e.g. {json.dumps(_example_key(model_field.related_model, item.slug))}.",
                    field=name,
                )
            )
    return problems


def _example_key(model: type[models.Model], slug: str) -> list[str]:
    examples = {
        "scenarios.scenario": [slug or "my-scenario"],
        "scenarios.account": [slug or "my-scenario", "111122223333"],
        "scenarios.user": [slug or "my-scenario", "111122223333", "alice"],
    }
    return examples.get(model._meta.label_lower, [slug or "my-scenario", "111122223333", "NAME"])


def _one_reference(
    item: FixtureObject,
    field_name: str,
    target: type[models.Model],
    reference: Any,
    failed: FailedKeys,
    json_path: str = "",
) -> list[ScenarioProblem]:
    noun = target._meta.verbose_name
    length = _key_length(target)
    if (
        not isinstance(reference, list)
        or len(reference) != length
        or not all(isinstance(part, str) for part in reference)
    ):
        return [
            item.problem(
                f"refer to the {noun} by its natural key, a list of {length} strings, "
                f"e.g. {json.dumps(_example_key(target, item.slug))}; "
                f"got {json.dumps(reference)}.",
                field=field_name,
                json_path=json_path,
            )
        ]
    for part in reference:
        problem = text_problem(part, "the natural key")
        if problem is not None:
            # PostgreSQL refuses such text in a query; SQLite would only not find it.
            return [item.problem(problem[0].upper() + problem[1:], field_name, json_path)]
    if item.slug and reference[0] != item.slug:
        return [
            item.problem(
                f"{json.dumps(reference)} is in scenario {json.dumps(reference[0])}, but this "
                f"object belongs to {json.dumps(item.slug)}; a scenario refers only to its "
                "own objects.",
                field=field_name,
                json_path=json_path,
            )
        ]
    if (target._meta.label_lower, tuple(reference)) in failed:
        item.blocked = True
        return []
    try:
        target._default_manager.get_by_natural_key(*reference)
    except ObjectDoesNotExist:
        close = _close_keys(target, reference, reference[0])
        hint = f" Did you mean {' or '.join(close)}?" if close else ""
        return [
            item.problem(
                f"no {noun} {json.dumps(reference)} exists (it must be defined in this load "
                f"or already be in the database).{hint}",
                field=field_name,
                json_path=json_path,
            )
        ]
    return []


def _expected_json_type(model_field: models.Field) -> tuple[str, tuple[type, ...]] | None:
    """Name the JSON type a plain field takes in a fixture, and the Python types that match."""
    if isinstance(model_field, models.JSONField):
        return None  # any JSON; the model's own validation says what shape it needs
    if isinstance(model_field, (models.CharField, models.TextField)):
        return "a string", (str,)
    if isinstance(model_field, models.DateTimeField):
        return 'a date and time as a string, e.g. "2026-01-05T09:00:00Z"', (str,)
    if isinstance(model_field, models.IntegerField):
        return "a whole number", (int,)
    return None


def _value_problems(item: FixtureObject) -> list[ScenarioProblem]:
    """Check that every plain field's value has a type the field can hold."""
    problems = []
    for name, value in item.fields.items():
        try:
            model_field = item.model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if model_field.is_relation:
            continue
        expected = _expected_json_type(model_field)
        if expected is None:
            continue
        wording, types = expected
        problem = text_problem(value) if isinstance(value, str) else None
        if problem is not None:
            # Checked before the object is looked up by its natural key, which PostgreSQL
            # would refuse for such text with an error of its own.
            problems.append(item.problem(problem[0].upper() + problem[1:], field=name))
            continue
        # JSON true and false are Python bools, which are ints too: never a whole number here.
        if not isinstance(value, types) or isinstance(value, bool):
            if value is None and model_field.null:
                continue
            problems.append(
                item.problem(f"expected {wording}, got {json.dumps(value)}.", field=name)
            )
            continue
        try:
            model_field.to_python(value)
        except ValidationError as error:
            hint = (
                ' For example "2026-01-05T09:00:00Z".'
                if isinstance(model_field, models.DateTimeField)
                else ""
            )
            problems.append(item.problem(" ".join(error.messages) + hint, field=name))
    return problems


def _field_problems(item: FixtureObject) -> list[ScenarioProblem]:
    """Check an object's own fields when it cannot be saved, so its other mistakes show too."""
    plain = {}
    relations = []
    for model_field in item.model._meta.get_fields():
        if model_field.auto_created:
            continue
        if model_field.is_relation:
            relations.append(model_field.name)
        elif model_field.name in item.fields:
            plain[model_field.name] = model_field.to_python(item.fields[model_field.name])
    instance = item.model(**plain)
    try:
        # Relations, uniqueness and constraints need the objects it refers to; they are
        # checked once those load.
        instance.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return [
            replace(problem, file=item.file, index=item.index)
            for problem in validation_problems(instance, error, item.natural_key())
        ]
    except ObjectDoesNotExist:
        return []  # a clean() that needs a relation; it runs when the object can load
    return []


class WrittenObject(Protocol):
    """An object of a fixture file, as written: what `save_object` needs of it."""

    file: str
    index: int
    fields: dict[str, Any]

    @property
    def label(self) -> str: ...

    def natural_key(self) -> tuple[str, ...]: ...

    def problem(self, message: str, field: str = "", json_path: str = "") -> ScenarioProblem: ...


def save_object(item: WrittenObject) -> list[ScenarioProblem]:
    """Deserialize, validate and save one object (inside the load's transaction).

    Scenario and lesson fixtures share this, so that both word a refused object alike.
    """
    try:
        (deserialized,) = list(
            serializers.deserialize("python", [{"model": item.label, "fields": item.fields}])
        )
    except Exception as error:
        cause = error.__cause__ or error
        return [item.problem(f"cannot be read: {_plain(cause)}")]
    instance = deserialized.object
    if instance.pk is not None:
        # Django found the row by its natural key and will update it; tell the unique
        # checks so, or they would report the row as a duplicate of itself.
        instance._state.adding = False
    try:
        instance.full_clean()
    except ValidationError as error:
        return [
            replace(problem, file=item.file, index=item.index)
            for problem in validation_problems(instance, error, item.natural_key())
        ]
    try:
        with transaction.atomic():
            deserialized.save()
    except DatabaseError as error:
        return [item.problem(f"the database refused it: {_plain(error)}")]
    return []


def _plain(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error).strip() or type(error).__name__


def load_fixtures(paths: Iterable[str | Path], *, skip_existing: bool = False) -> LoadResult:
    """Load fixture files in one transaction; on any problem, load nothing and say why."""
    result = LoadResult()
    objects: list[FixtureObject] = []
    for path in paths:
        read, problems = read_fixture(Path(path), str(path))
        objects.extend(read)
        result.problems.extend(problems)

    existing = set(Scenario.objects.values_list("slug", flat=True))
    if skip_existing:
        kept = []
        for item in objects:
            if item.slug in existing:
                if item.slug not in result.skipped:
                    result.skipped.append(item.slug)
            else:
                kept.append(item)
        objects = kept
    objects.sort(key=lambda item: MODEL_ORDER[item.label])

    with transaction.atomic():
        # A fixture that holds a scenario itself is that scenario's whole content: loading
        # it again replaces the content (kept in the scenario row, so learners' workspaces
        # stay attached), rather than leaving behind whatever the new file no longer has.
        for item in objects:
            if (
                item.model is Scenario
                and item.slug in existing
                and item.slug not in result.replaced
            ):
                result.replaced.append(item.slug)
                Account.objects.filter(scenario__slug=item.slug).delete()

        failed_slugs: set[str] = set()
        failed: FailedKeys = set()
        sources: dict[tuple[str, tuple[str, ...]], FixtureObject] = {}
        seen: dict[tuple[str, tuple[str, ...]], FixtureObject] = {}
        for item in objects:
            key = item.natural_key()
            first = seen.setdefault((item.label, key), item)
            if first is not item and len(key) == _key_length(item.model):
                # Django would quietly let the second overwrite the first.
                result.problems.append(
                    item.problem(
                        f"the same {item.model._meta.verbose_name} is defined twice; it was "
                        f"already defined in {first.file}, object {first.index}. Give each once."
                    )
                )
                failed_slugs.add(item.slug)
                continue
            problems = [item.problem(item.rejection)] if item.rejection else []
            problems.extend(_reference_problems(item, failed))
            problems.extend(_value_problems(item))
            if not problems:
                problems = _field_problems(item) if item.blocked else save_object(item)
            if problems or item.blocked:
                result.problems.extend(problems)
                failed.add((item.label, item.natural_key()))
                failed_slugs.add(item.slug)
            else:
                sources[(item.label, item.natural_key())] = item
                result.loaded[item.slug] = result.loaded.get(item.slug, 0) + 1

        for slug in sorted((set(result.loaded) | failed_slugs) - {""}):
            if slug in failed_slugs:
                result.notes.append(
                    f"The world of scenario {json.dumps(slug)} was not built, because of the "
                    "problems above; it is checked once they are fixed."
                )
                continue
            # Every loaded object's references resolved, so its scenario exists.
            scenario = Scenario.objects.get(slug=slug)
            for problem in scenario.validate(already_checked=set(sources)):
                source = sources.get((problem.model, problem.natural_key))
                if source is not None:
                    problem = replace(problem, file=source.file, index=source.index)
                result.problems.append(problem)

        result.undo_if_refused()
    return result


def dump_scenario(scenario: Scenario) -> str:
    """Return the scenario as a fixture with natural keys, in loading order."""
    objects = serializers.serialize(
        "python",
        scenario_content(scenario),
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    for item in objects:
        # A cache key the database keeps, not content: loading always makes a new one.
        item["fields"].pop("content_version", None)
    # The python serializer leaves datetimes as objects; the JSON encoder of Django's own
    # JSON serializer words them as loaddata expects ("2026-01-05T09:00:00Z").
    plain = json.loads(json.dumps(objects, cls=DjangoJSONEncoder))
    return format_fixture(plain) + "\n"


def format_fixture(value: Any, indent: int = 0) -> str:
    """Write JSON for a person to read and edit: nested objects indented, flat lists on one line."""
    pad = " " * indent
    inner = " " * (indent + 2)
    if indent > 2 * MAX_JSON_DEPTH:
        # Content too deep to indent (loaded around the validator) is still written out,
        # compactly, so the instructor can fix it; JSON's own writer does not recurse here.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{json.dumps(key)}: {format_fixture(item, indent + 2)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in value) + "]"
        items = [f"{inner}{format_fixture(item, indent + 2)}" for item in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)
