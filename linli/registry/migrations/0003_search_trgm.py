"""Trigram (pg_trgm) GIN indexes for resident search by name or address fragment — PostgreSQL only.

``linli.registry.search`` matches substrings with ``LIKE '%…%'``, which a B-tree cannot answer; on
PostgreSQL a GIN index with ``gin_trgm_ops`` can (for fragments of three characters or more). pg_trgm is
a trusted extension (PostgreSQL 13+): the database owner may create it without being a superuser.
SQLite (the embedded default) needs nothing: at its scale a scan is fast enough. See
bench/search_residents.py for the figures with and without these indexes.
"""

from django.db import migrations

INDEXES = {
    "registry_resident_name_trgm": "name",
    "registry_resident_address_trgm": "address",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON registry_resident USING gin ({column} gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0002_importjob"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
