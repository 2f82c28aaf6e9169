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
    """INSERT many rows without the ORM's per-object work; values must already be in database form
    (see `prep` for JSON and datetimes).

    SQLite: one prepared statement, executemany. PostgreSQL: COPY, the bulk path it is built for
    (executemany costs ~20 µs a row in the driver); with `ignore_conflicts` the rows are copied
    into a temporary table first and inserted from there with ON CONFLICT DO NOTHING.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(_column(model, c)) for c in columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            target = table
            if ignore_conflicts:
                target = quote(f"_anju_bulk_{model._meta.db_table}")
                cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {target} ON COMMIT DROP "
                               f"AS SELECT {names} FROM {table} WITH NO DATA")
                cursor.execute(f"TRUNCATE {target}")
            _copy(cursor, target, names, rows)
            if ignore_conflicts:
                cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {target} ON CONFLICT DO NOTHING")
        return
    marks = ", ".join(["%s"] * len(columns))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks}){conflict}"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])


def _copy(cursor: Any, table: str, names: str, rows: list[tuple]) -> None:
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _column(model: type[models.Model], name: str) -> str:
    try:
        return model._meta.get_field(name).column
    except FieldDoesNotExist:  # a foreign key's attname, like person_id
        return model._meta.get_field(name.removesuffix("_id")).column


def insert_returning_ids(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> list[int]:
    """INSERT rows and return their primary keys, in the order of `rows`.

    SQLite: executemany and the consecutive ids of the transaction's write lock (below).
    PostgreSQL: the ids are drawn from the table's sequence first, then the rows are copied with them.
    """
    if not rows:
        return []
    if connection.vendor == "sqlite":
        return _sqlite_insert_ids(model, columns, rows)
    quote = connection.ops.quote_name
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [model._meta.db_table, pk, len(rows)])
        ids = [value for (value,) in cursor.fetchall()]
        names = ", ".join([quote(pk), *(quote(_column(model, c)) for c in columns)])
        _copy(cursor, quote(model._meta.db_table), names, [(i, *row) for i, row in zip(ids, rows, strict=True)])
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
