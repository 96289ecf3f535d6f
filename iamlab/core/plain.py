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

# For each connection and model: the fields' attribute names, and each column's converters
# with the column they take (None where a column needs none).
Loading = tuple[list[str], list[tuple[list[Converter], Any] | None]]
_converters: dict[tuple[str, type[models.Model]], Loading] = {}
_columns: dict[tuple[type[models.Model], str, str], str] = {}
_lock = threading.Lock()


def reading(model: type[models.Model]) -> tuple[BaseDatabaseWrapper, Callable[[str], str]]:
    """Return the connection the model is read from, and its way of quoting names."""
    connection = connections[router.db_for_read(model)]
    return connection, connection.ops.quote_name


def columns(model: type[models.Model], alias: str, connection: BaseDatabaseWrapper) -> str:
    """Return the model's columns, as `load` takes them, for a SELECT naming its table `alias`
    (made once for each model, alias and kind of database)."""
    key = (model, alias, connection.vendor)
    found = _columns.get(key)
    if found is None:
        quote = connection.ops.quote_name
        found = ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)
        with _lock:
            _columns[key] = found
    return found


def _loading(model: type[models.Model], connection: BaseDatabaseWrapper) -> Loading:
    """Return the model's attribute names and each column's converters (the backend's, then
    the field's own), found once for each connection and model."""
    key = (connection.alias, model)
    found = _converters.get(key)
    if found is None:
        fields = model._meta.concrete_fields
        converters: list[tuple[list[Converter], Any] | None] = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            found_for = connection.ops.get_db_converters(column) + column.get_db_converters(
                connection
            )
            converters.append((found_for, column) if found_for else None)
        found = ([f.attname for f in fields], converters)
        with _lock:
            _converters[key] = found
    return found


def load(
    model: type[models.Model], connection: BaseDatabaseWrapper, values: Sequence[Any]
) -> models.Model | None:
    """Make an instance from the values of `columns(model, ...)`, in that order; None if
    its primary key is NULL (the row a LEFT JOIN did not find)."""
    names, converters = _loading(model, connection)
    converted = list(values)
    if len(converted) != len(names):
        raise ValueError(f"{model.__name__} has {len(names)} columns, not {len(converted)}")
    for index, found in enumerate(converters):
        if found is not None:
            value = converted[index]
            for converter in found[0]:
                value = converter(value, found[1], connection)
            converted[index] = value
    instance = model.from_db(connection.alias, names, converted)
    return None if instance.pk is None else instance


def fetch(
    connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """Run one SELECT on the connection and return its rows."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def fetch_one(
    connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any]
) -> tuple[Any, ...] | None:
    """Run one SELECT on the connection and return its first row, or None."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def width(model: type[models.Model]) -> int:
    """Return how many values `columns` selects for the model."""
    return len(model._meta.concrete_fields)
