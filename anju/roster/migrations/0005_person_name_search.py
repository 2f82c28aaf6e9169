# Name search that scales with the answer (issue 15): an index on (sub-district, name) for exact and
# prefix matches, and a trigram index for matches inside a name, each database its own kind:
# PostgreSQL's pg_trgm GIN index on roster_person.name (CREATE EXTENSION needs a role that may create
# it: a superuser, or the database owner once the extension is trusted, as pg_trgm is since PG 13);
# SQLite's FTS5 trigram table over roster_person (external content: it stores only the index), kept in
# step by triggers. Django rebuilds an SQLite table for some later AlterField operations and its
# triggers go with it: tests/roster/test_name_search.py fails if they are missing after the migrations.

import sqlite3

from django.db import migrations, models

FTS = "roster_person_name_fts"

SQLITE_UP = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(name, content='roster_person', content_rowid='id', tokenize='trigram')",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON roster_person BEGIN "
    f"INSERT INTO {FTS}(rowid, name) VALUES (new.id, new.name); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON roster_person BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, name) VALUES ('delete', old.id, old.name); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF name ON roster_person BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, name) VALUES ('delete', old.id, old.name); "
    f"INSERT INTO {FTS}(rowid, name) VALUES (new.id, new.name); END",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {FTS}_{event}" for event in ("insert", "delete", "update")] + [
    f"DROP TABLE IF EXISTS {FTS}"
]
POSTGRESQL_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS roster_person_name_trgm ON roster_person USING gin (name gin_trgm_ops)",
]
POSTGRESQL_DOWN = ["DROP INDEX IF EXISTS roster_person_name_trgm"]  # the extension may serve others


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 34, 0):
            raise RuntimeError(f"SQLite {sqlite3.sqlite_version} has no FTS5 trigram tokenizer; Anju needs 3.34 or newer")
        for statement in statements_by_vendor.get(vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('roster', '0004_reveal_of_a_record'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['subdistrict', 'name'], name='person_subdistrict_name', opclasses=['int8_ops', 'varchar_pattern_ops']),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN}),
        ),
    ]
