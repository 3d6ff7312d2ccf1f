from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from linli.accounts.testing import system_user
from linli.areas import services
from linli.core import audit
from linli.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _row():
    return audit.record(actor=system_user(), action="test", object_type="x.y", object_id="1")


def test_model_refuses_update_and_delete():
    row = _row()
    row.note = "changed"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).update(note="x")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).delete()


def test_database_refuses_raw_update_and_early_delete():
    row = _row()
    table = AuditLog._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET note = 'tampered' WHERE id = %s", [row.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE id = %s", [row.pk])
    assert AuditLog.objects.filter(pk=row.pk, note="").exists()


def test_purge_only_removes_rows_past_retention(settings):
    settings.LINLI_AUDIT_RETENTION_DAYS = 30  # below the legal minimum: 180 days still apply
    young = _row()
    old = AuditLog.objects.create(
        action="test", object_type="x.y", object_id="2", at=timezone.now() - timedelta(days=400)
    )
    middle = AuditLog.objects.create(
        action="test", object_type="x.y", object_id="3", at=timezone.now() - timedelta(days=100)
    )
    assert audit.purge_expired() == 1
    remaining = set(AuditLog.objects.values_list("pk", flat=True))
    assert young.pk in remaining and middle.pk in remaining and old.pk not in remaining


def test_service_write_records_actor_request_id_and_ip(tree, client):
    client.force_login(tree.users["secretary_a1"])
    # the API call goes through RequestContextMiddleware, which stamps the row
    resp = client.patch(
        f"/api/v1/places/{tree.building_a1.code}",
        {"floors": 9},
        content_type="application/json",
        HTTP_X_REQUEST_ID="abc123",
        REMOTE_ADDR="10.1.2.3",
    )
    assert resp.status_code == 200, resp.content
    assert resp["X-Request-ID"] == "abc123"
    row = AuditLog.objects.filter(action="update", object_id=str(tree.building_a1.pk)).first()
    assert row.actor == tree.users["secretary_a1"]
    assert row.request_id == "abc123"
    assert row.ip == "10.1.2.3"
    assert row.before["floors"] == 6 and row.after["floors"] == 9
    assert row.scope_path == tree.building_a1.path


def test_failed_write_leaves_no_audit_row(tree):
    n = AuditLog.objects.count()
    with pytest.raises(ValidationError):
        services.place_update(actor=tree.users["secretary_a1"], place=tree.building_a1, floors=0)
    assert AuditLog.objects.count() == n


def test_audit_api_scoped_and_filterable(tree, client, token_for):
    services.place_update(actor=tree.users["secretary_a1"], place=tree.building_a1, floors=7)
    headers = token_for("district_admin")
    resp = client.get("/api/v1/audit?actor=secretary_a1&object_type=areas.place", **headers)
    assert resp.status_code == 200
    rows = resp.json()["results"]
    assert rows and all(r["actor"] == "secretary_a1" for r in rows)
    # a grid worker holds no right on the audit trail
    resp = client.get("/api/v1/audit", **token_for("grid_a"))
    assert resp.json()["count"] == 0


def test_odd_utc_offsets_are_normalised_not_500(tree, client, token_for):
    h = token_for("district_admin")
    resp = client.get("/api/v1/audit?since=2024-01-01T00:00:00%2B22:48&until=2030-01-01T00:00:00-23:30", **h)
    assert resp.status_code == 200
    resp = client.get("/api/v1/audit?since=2024-01-01T00:00:00", **h)  # naive = Beijing time
    assert resp.status_code == 200


def _six_months_ago(now):
    from linli.core.workdays import add_months

    return add_months(now, -6)


def test_retention_floor_is_six_calendar_months_not_180_days(settings):
    """网络安全法 第21条: at least six months. Six calendar months are 181–184 days, so a row just inside six
    months (always more than 180 days old) is neither purged nor deletable in the database."""
    settings.LINLI_AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    inside = AuditLog.objects.create(
        action="test", object_type="x.y", object_id="4", at=_six_months_ago(now) + timedelta(hours=12)
    )
    assert (now - inside.at) > timedelta(days=180)
    assert audit.purge_expired() == 0
    table = AuditLog._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE id = %s", [inside.pk])
    assert AuditLog.objects.filter(pk=inside.pk).exists()


def test_database_allows_deleting_rows_past_six_calendar_months():
    past = AuditLog.objects.create(
        action="test", object_type="x.y", object_id="5", at=_six_months_ago(timezone.now()) - timedelta(hours=1)
    )
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditLog._meta.db_table} WHERE id = %s", [past.pk])
    assert not AuditLog.objects.filter(pk=past.pk).exists()


def test_retention_setting_never_below_184_days(settings):
    settings.LINLI_AUDIT_RETENTION_DAYS = 181
    cutoff = audit.retention_cutoff()
    assert timezone.now() - cutoff >= timedelta(days=184)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-08-31", -6, "2026-02-28"),
        ("2028-08-31", -6, "2028-02-29"),
        ("2026-03-31", 6, "2026-09-30"),
        ("2026-12-07", -6, "2026-06-07"),
        ("2026-01-15", -13, "2024-12-15"),
        ("2026-11-30", 3, "2027-02-28"),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    import datetime as dt

    from linli.core.workdays import add_months

    assert add_months(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(expected)
