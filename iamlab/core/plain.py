"""Plain SQL for the few small queries a page asks on every request.

For a query that reads a handful of rows by key, the ORM spends more building and
compiling it than the database spends answering it. These helpers let such a query be
written once in SQL and still give model instances whose values are converted exactly as
the ORM converts them (dates, JSON, booleans), so the rest of the code cannot tell.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]

_converters: dict[tuple[str, type[models.Model]], list[tuple[list[Converter], Any]]] = {}
_converters_lock = threading.Lock()


def reading(model: type[models.Model]) -> tuple[BaseDatabaseWrapper, Callable[[str], str]]:
    """Return the connection the model is read from, and its way of quoting names."""
    connection = connections[router.db_for_read(model)]
    return connection, connection.ops.quote_name


def columns(model: type[models.Model], alias: str, quote: Callable[[str], str]) -> str:
    """Return the model's columns, as `load` takes them, for a SELECT naming its table `alias`."""
    return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)


def _converters_of(
    model: type[models.Model], connection: BaseDatabaseWrapper
) -> list[tuple[list[Converter], Any]]:
    """Return each concrete field's converters (the backend's, then the field's own)."""
    key = (connection.alias, model)
    found = _converters.get(key)
    if found is None:
        found = []
        for field in model._meta.concrete_fields:
            column = field.get_col(model._meta.db_table)
            found.append(
                (
                    connection.ops.get_db_converters(column) + column.get_db_converters(connection),
                    column,
                )
            )
        with _converters_lock:
            _converters[key] = found
    return found


def load(
    model: type[models.Model], connection: BaseDatabaseWrapper, values: Sequence[Any]
) -> models.Model | None:
    """Make an instance from the values of `columns(model, ...)`, in that order; None if
    its primary key is NULL (the row a LEFT JOIN did not find)."""
    fields = model._meta.concrete_fields
    converted = []
    for value, (converters, column) in zip(values, _converters_of(model, connection), strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        converted.append(value)
    instance = model.from_db(connection.alias, [f.attname for f in fields], converted)
    return None if instance.pk is None else instance


def width(model: type[models.Model]) -> int:
    """Return how many values `columns` selects for the model."""
    return len(model._meta.concrete_fields)
