"""The inbox: notify → unread count → read; private to its user; email delivered after commit only."""

import pytest
from django.core import mail
from django.db import transaction

from linli.notifications import services
from linli.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_notify_inbox_and_mark_read(tree, client):
    u = tree.users
    services.notify(
        users=[u["secretary_a1"], u["secretary_a1"], u["grid_a"]],
        title="新工单",
        body="请签收",
        url="/workorders/",
        kind="test",
    )
    assert Notification.objects.filter(user=u["secretary_a1"]).count() == 1  # duplicates dropped
    assert services.unread_count(u["secretary_a1"]) == 1
    client.force_login(u["secretary_a1"])
    page = client.get("/notifications/")
    assert "新工单" in page.content.decode()
    assert 'data-testid="unread-count"' in page.content.decode()
    client.post("/notifications/read/")
    assert services.unread_count(u["secretary_a1"]) == 0
    assert services.unread_count(u["grid_a"]) == 1


def test_inbox_is_private(tree, client):
    services.notify(users=[tree.users["grid_a"]], title="私人消息")
    client.force_login(tree.users["secretary_a1"])
    assert "私人消息" not in client.get("/notifications/").content.decode()
    other = Notification.objects.get(user=tree.users["grid_a"])
    client.post("/notifications/read/", {"id": [other.pk]})
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.django_db(transaction=True)
def test_email_goes_out_after_commit_and_not_on_rollback(tree):
    user = tree.users["secretary_a1"]
    user.email = "sec@example.org"
    user.save(update_fields=["email"])
    mail.outbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(users=[user], title="回滚的消息")
        raise RuntimeError
    assert mail.outbox == []
    with transaction.atomic():
        services.notify(users=[user], title="提交的消息", url="/x/")
        assert mail.outbox == []
    assert [m.subject for m in mail.outbox] == ["提交的消息"]
    n = Notification.objects.get(title="提交的消息")
    assert n.delivery == {"email": "sent"}
