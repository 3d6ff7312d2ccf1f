"""The audit table's delete guard counts six calendar months, not 180 days (网络安全法 第21条: at least six months;
six calendar months are 181–184 days). A row may be deleted only when it was written before now − 6 months,
in UTC, a day the target month lacks becoming its last day (31 August → 28/29 February), which is what
``linli.core.audit.legal_floor`` computes. ``purge_expired`` never goes below 184 days, so it never asks for more.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION linli_audit_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit rows are append-only';
  END IF;
  IF (OLD.at AT TIME ZONE 'UTC') >= (clock_timestamp() AT TIME ZONE 'UTC') - interval '6 months' THEN
    RAISE EXCEPTION 'audit rows younger than six months cannot be deleted';
  END IF;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;
"""
PG_DOWN = """
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
"""

# SQLite's '-6 months' overflows (31 August → 3 March), so take the earlier of that and the last day of the
# target month at the same time of day: the clamped date, as PostgreSQL and add_months give.
SQLITE_FLOOR = (
    "min(strftime('%Y-%m-%d %H:%M:%f', 'now', '-6 months'), "
    "date('now', 'start of month', '-5 months', '-1 day') || ' ' || strftime('%H:%M:%f', 'now'))"
)
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_early_delete;",
    f"""CREATE TRIGGER core_auditlog_no_early_delete BEFORE DELETE ON core_auditlog
       WHEN julianday(old.at) >= julianday({SQLITE_FLOOR})
       BEGIN SELECT RAISE(ABORT, 'audit rows younger than six months cannot be deleted'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_early_delete;",
    """CREATE TRIGGER core_auditlog_no_early_delete BEFORE DELETE ON core_auditlog
       WHEN julianday(old.at) > julianday('now') - 180
       BEGIN SELECT RAISE(ABORT, 'audit rows younger than 180 days cannot be deleted'); END;""",
]


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
    dependencies = [("core", "0004_seed_calendar")]
    operations = [migrations.RunPython(forwards, backwards)]
