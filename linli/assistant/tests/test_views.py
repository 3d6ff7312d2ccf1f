"""The panel on the staff case page, the one-click accept, the accuracy page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.accounts.testing import PASSWORD
from linli.assistant.models import Decision, ModelStatus, RoutingModel, Suggestion
from linli.assistant.services import train_version
from linli.workorders.models import State

from . import factories as f

pytestmark = pytest.mark.django_db


def _login(client, tree, name):
    client.login(username=name, password=PASSWORD)
    return tree.users[name]


def test_the_dispatcher_sees_the_suggestion_and_accepts_it(client, tree):
    case = f.case(tree, text="1栋楼道里有人飞线充电，电线从窗户拉下来", category="other")
    _login(client, tree, "dispatcher")
    page = client.get(reverse("workorders:case_detail", args=[case.pk]))
    body = page.content.decode()
    assert 'data-testid="assistant-panel"' in body and 'data-testid="assistant-accept"' in body
    assert "仅供参考" in body
    resp = client.post(reverse("assistant:accept", args=[case.pk]))
    assert resp.status_code == 302
    case.refresh_from_db()
    assert case.state == State.DISPATCHED and case.category.code == "flying-wire"
    assert Suggestion.objects.get(case=case).decision == Decision.ACCEPTED
    body = client.get(reverse("workorders:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="assistant-decision"' in body and 'data-testid="assistant-accept"' not in body


def test_no_button_for_who_cannot_dispatch_and_no_panel_for_residents(client, tree):
    case = f.case(tree, text="路灯不亮", category="municipal-light")
    _login(client, tree, "grid_a")
    body = client.get(reverse("workorders:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="assistant-panel"' in body and 'data-testid="assistant-accept"' not in body
    assert client.post(reverse("assistant:accept", args=[case.pk])).status_code == 403
    client.logout()
    _login(client, tree, "resident_a1")
    body = client.get(reverse("workorders:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="assistant-panel"' not in body


def test_accept_out_of_scope_is_404(client, tree):
    case = f.case(tree, text="路灯不亮", category="municipal-light")
    _login(client, tree, "dept_other_staff")
    assert client.post(reverse("assistant:accept", args=[case.pk])).status_code == 404


def test_accuracy_page(client, tree):
    f.history(tree, n=400)
    user = _login(client, tree, "dispatcher")
    v1 = train_version(actor=user)
    case = f.case(tree, text="小区垃圾桶满了", category="other")
    client.post(reverse("assistant:accept", args=[case.pk]))
    page = client.get(reverse("assistant:accuracy"))
    assert page.status_code == 200
    body = page.content.decode()
    for testid in ("assistant-weeks", "assistant-categories", "assistant-confusion", "assistant-versions"):
        assert f'data-testid="{testid}"' in body
    assert "100%" in body
    # train from the page (the immediate backend in tests), then roll back to v1
    assert client.post(reverse("assistant:model_train")).status_code == 302
    v2 = RoutingModel.objects.get(version=2)
    assert v2.status == ModelStatus.ACTIVE
    assert client.post(reverse("assistant:model_rollback", args=[v1.pk])).status_code == 302
    v1.refresh_from_db()
    assert v1.status == ModelStatus.ACTIVE


def test_accuracy_page_is_staff_only(client, tree):
    _login(client, tree, "resident_a1")
    assert client.get(reverse("assistant:accuracy")).status_code == 403
    client.logout()
    _login(client, tree, "secretary_a1")
    assert client.get(reverse("assistant:accuracy")).status_code == 200
    assert client.post(reverse("assistant:model_train")).status_code == 403
