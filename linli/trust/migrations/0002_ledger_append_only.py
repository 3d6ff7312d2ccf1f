"""Make the ledger append-only in the database itself: UPDATE and DELETE on ledger entries and their lines are
always refused (PostgreSQL: a row trigger; SQLite: BEFORE triggers raising ABORT), as the audit trail does
(core 0002/0005). A correction is a reversing entry (``linli.trust.services.reverse``), never an edit.
"""

from django.db import migrations

TABLES = ("trust_entry", "trust_entryline")

PG_UP = """
CREATE OR REPLACE FUNCTION linli_trust_ledger_guard() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'trust ledger entries are append-only: correct with a reversing entry';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"CREATE TRIGGER {t}_guard BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION linli_trust_ledger_guard();\n"
    for t in TABLES
)
PG_DOWN = "".join(f"DROP TRIGGER IF EXISTS {t}_guard ON {t};\n" for t in TABLES) + (
    "DROP FUNCTION IF EXISTS linli_trust_ledger_guard();"
)

SQLITE_UP = [
    f"""CREATE TRIGGER {t}_no_{op.lower()} BEFORE {op} ON {t}
       BEGIN SELECT RAISE(ABORT, 'trust ledger entries are append-only: correct with a reversing entry'); END;"""
    for t in TABLES
    for op in ("UPDATE", "DELETE")
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {t}_no_{op.lower()};" for t in TABLES for op in ("UPDATE", "DELETE")]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("trust", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
