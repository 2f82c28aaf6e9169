"""Bulk inserts without the ORM's per-object work, in SQL that runs unchanged on SQLite and PostgreSQL.

Used where hundreds of thousands of rows are written in one transaction (roster imports).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models

BATCH = 2000


def insert_many(
    model: type[models.Model], columns: tuple[str, ...], rows: list[tuple], *, ignore_conflicts: bool = False
) -> None:
    """INSERT many rows with one prepared statement (executemany), skipping the ORM's per-object work.

    Portable SQL: the same statement runs on SQLite and PostgreSQL (both know ON CONFLICT DO NOTHING);
    values must already be in database form (see `_prep` for JSON and datetimes).
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(_column(model, c)) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks}){conflict}"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])


def _column(model: type[models.Model], name: str) -> str:
    try:
        return model._meta.get_field(name).column
    except FieldDoesNotExist:  # a foreign key's attname, like person_id
        return model._meta.get_field(name.removesuffix("_id")).column


def insert_returning_ids(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> list[int]:
    """INSERT rows with multi-row VALUES … RETURNING the primary keys, in the order of `rows`.

    SQLite (3.35+) and PostgreSQL both return the ids in VALUES order, which Django's own
    bulk_create relies on too; this skips the ORM's per-object preparation.
    """
    if not rows:
        return []
    if connection.vendor == "sqlite":
        return _sqlite_insert_ids(model, columns, rows)
    quote = connection.ops.quote_name
    names = ", ".join(quote(_column(model, c)) for c in columns)
    marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    size = max(1, 3000 // len(columns))  # within every SQLite build's limit on bound variables
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start:start + size]
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES {', '.join([marks] * len(chunk))} "
                f"RETURNING {quote(model._meta.pk.column)}",
                [value for row in chunk for value in row],
            )
            ids.extend(pk for (pk,) in cursor.fetchall())
    return ids


def _sqlite_insert_ids(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> list[int]:
    """SQLite: one executemany, then the ids from last_insert_rowid().

    The import's transaction is BEGIN IMMEDIATE (settings), so no other connection writes between
    these inserts, and an AUTOINCREMENT key gives them consecutive ids. The count check below turns
    any surprise into an error (and a rolled-back import) rather than wrong links.
    """
    insert_many(model, columns, rows)
    table, pk = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_insert_rowid()")
        (last,) = cursor.fetchone()
        first = last - len(rows) + 1
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {pk} BETWEEN %s AND %s", [first, last])
        if cursor.fetchone()[0] != len(rows):
            raise RuntimeError(f"{table}: inserted ids are not consecutive; import abandoned")
    return list(range(first, last + 1))


def prep(model: type[models.Model], name: str, value: Any) -> Any:
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def json_value(value: dict[str, Any] | None) -> Any:
    """A JSONField value in the database's own form (text on SQLite, jsonb on PostgreSQL)."""
    return None if value is None else connection.ops.adapt_json_value(value, None)
