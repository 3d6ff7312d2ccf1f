"""Make the audit table append-only in the database itself.

UPDATE is always refused; DELETE only for rows older than 180 days (the legal minimum
retention), which is what ``linli.core.audit.purge_expired`` removes.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION linli_audit_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit rows are append-only';
  END IF;
  IF OLD.at > now() - interval '180 days' THEN
    RAISE EXCEPTION 'audit rows younger than 180 days cannot be deleted';
  END IF;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditlog_guard BEFORE UPDATE OR DELETE ON core_auditlog
  FOR EACH ROW EXECUTE FUNCTION linli_audit_guard();
"""
PG_DOWN = "DROP TRIGGER IF EXISTS core_auditlog_guard ON core_auditlog; DROP FUNCTION IF EXISTS linli_audit_guard();"

SQLITE_UP = [
    """CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;""",
    """CREATE TRIGGER core_auditlog_no_early_delete BEFORE DELETE ON core_auditlog
       WHEN julianday(old.at) > julianday('now') - 180
       BEGIN SELECT RAISE(ABORT, 'audit rows younger than 180 days cannot be deleted'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS core_auditlog_no_update;", "DROP TRIGGER IF EXISTS core_auditlog_no_early_delete;"]


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
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
