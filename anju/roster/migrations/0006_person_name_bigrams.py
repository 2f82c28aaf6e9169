# Two characters inside a name (秀兰 in 王秀兰: a Chinese given name is often two characters) have no
# trigram, and a LIKE over one sub-district's name index grows with its people (175 ms at 500,000 people
# in bench/scope_bench.py). A bigram index answers them from the name's pairs of characters instead:
# on PostgreSQL a GIN index on anju_bigrams(name), an immutable SQL function, so no extension is needed;
# on SQLite a table of (bigram, sub-district, person) kept in step by triggers. Names are at most 40
# characters (Person.name), so a name has at most 39 pairs: the triggers take them from json_each over
# 1..39, in lower case: SQLite's lower() and its LIKE both fold ASCII letters only, so the index finds
# what the LIKE that confirms it finds. tests/roster/test_name_search.py fails if the triggers are missing after the migrations.

from django.db import migrations

TABLE = "roster_person_bigram"
POSITIONS = "json_each('[" + ",".join(str(i) for i in range(1, 40)) + "]')"


def _pairs(row: str) -> str:
    return f"SELECT lower(substr({row}.name, p.value, 2)) FROM {POSITIONS} AS p WHERE p.value < length({row}.name)"


_INSERT = (f"INSERT OR IGNORE INTO {TABLE} (bigram, subdistrict_id, person_id) "
           f"SELECT lower(substr(new.name, p.value, 2)), new.subdistrict_id, new.id FROM {POSITIONS} AS p "
           f"WHERE p.value < length(new.name);")
_DELETE = (f"DELETE FROM {TABLE} WHERE subdistrict_id = old.subdistrict_id AND person_id = old.id "
           f"AND bigram IN ({_pairs('old')});")

SQLITE_UP = [
    f"CREATE TABLE {TABLE} (bigram TEXT NOT NULL, subdistrict_id INTEGER NOT NULL, person_id INTEGER NOT NULL, "
    f"PRIMARY KEY (bigram, subdistrict_id, person_id)) WITHOUT ROWID",
    f"INSERT OR IGNORE INTO {TABLE} (bigram, subdistrict_id, person_id) "
    f"SELECT lower(substr(r.name, p.value, 2)), r.subdistrict_id, r.id FROM roster_person AS r, {POSITIONS} AS p "
    f"WHERE p.value < length(r.name)",
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON roster_person BEGIN {_INSERT} END",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON roster_person BEGIN {_DELETE} END",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF name, subdistrict_id ON roster_person BEGIN "
    f"{_DELETE} {_INSERT} END",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {TABLE}_{event}" for event in ("insert", "delete", "update")] + [
    f"DROP TABLE IF EXISTS {TABLE}"
]
POSTGRESQL_UP = [
    "CREATE OR REPLACE FUNCTION anju_bigrams(name text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
    "AS $$ SELECT coalesce(array_agg(DISTINCT substr(name, i, 2)), '{}') FROM generate_series(1, length(name) - 1) AS i $$",
    "CREATE INDEX IF NOT EXISTS roster_person_name_bigrams ON roster_person USING gin (anju_bigrams(name))",
]
POSTGRESQL_DOWN = ["DROP INDEX IF EXISTS roster_person_name_bigrams", "DROP FUNCTION IF EXISTS anju_bigrams(text)"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('roster', '0005_person_name_search'),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN}),
        ),
    ]
