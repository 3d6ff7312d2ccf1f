"""Routing, training, promotion and rollback, harvesting archived cases — over the real database."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.assistant.models import ModelStatus, RoutingExample, RoutingModel
from linli.assistant.services import harvest_cases, rollback, route, rules_only, train_version, training
from linli.core.models import AuditLog
from linli.workorders import services as wo
from linli.workorders.models import Case

from . import factories as f

pytestmark = pytest.mark.django_db


def test_cold_start_routes_by_the_category_tree_rules(tree):
    r = route("3栋电梯坏了一个星期，老人下不了楼", place=tree.building_a1, user=tree.users["dispatcher"])
    assert r.model_version is None
    assert r.category.code == "elevator" and "电梯" in r.reasons
    # 电梯 goes to the property company first: the compound's company is suggested
    assert r.organisation == tree.property_co
    assert len(r.alternatives) == 3 and r.urgency == []


def test_urgency_comes_with_the_route(tree):
    r = route("电梯困人了！有人被困在里面", user=tree.users["dispatcher"])
    assert [u["code"] for u in r.urgency] == ["trapped"]


def test_bad_input_writes_nothing(tree):
    for text in ("", "x" * 5000, "<script>alert(1)</script>"):
        with pytest.raises(ValidationError):
            route(text, user=tree.users["dispatcher"])


def test_duplicates_in_the_same_compound_that_the_user_sees(tree):
    first = f.case(tree, text="1栋电梯坏了，停在5楼不动", place=tree.house_a1, category="elevator")
    r = route("1栋的电梯故障了，停在五楼不动", place=tree.building_a1, user=tree.users["dispatcher"])
    assert [d["number"] for d in r.duplicates] == [first.number]
    # another compound: nothing
    r = route("1栋的电梯故障了，停在五楼不动", place=tree.building_a2, user=tree.users["dispatcher"])
    assert r.duplicates == []
    # a user who cannot see the case is not told about it
    r = route("1栋的电梯故障了，停在五楼不动", place=tree.building_a1, user=tree.users["dept_other_staff"])
    assert r.duplicates == []


def test_train_promotes_a_version_and_routing_uses_it(tree):
    f.history(tree)
    row = train_version(actor=tree.users["dispatcher"], note="test")
    assert row.version == 1 and row.status == ModelStatus.ACTIVE
    assert row.metrics["top1"] >= row.metrics["baseline"]["top1"]
    assert row.held_out == 140 and row.examples == 560
    assert len(row.metrics["confusion"]) == len(row.metrics["labels"])
    assert AuditLog.objects.filter(action="model_promote", object_id=str(row.pk)).exists()
    r = route("楼道里有人给电瓶车飞线充电", user=tree.users["dispatcher"])
    assert r.model_version == row and r.category.code == "flying-wire"
    # the lead the history gave 城管局 categories
    assert route("垃圾桶满了没人清运", user=tree.users["dispatcher"]).organisation == tree.dept_other


def test_a_worse_version_is_stored_but_not_put_in_use(tree):
    f.history(tree)
    v1 = train_version(actor=tree.users["dispatcher"])
    router = training.learned.Router.loads(v1.blob)
    worse = {"top1": 0.1, "top3": 0.2, "labels": [], "confusion": [], "baseline": {"top1": 0.8, "top3": 0.9}}
    v2 = training._store(actor=tree.users["dispatcher"], router=router, metrics=worse, n_train=1, n_test=1, note="")
    v1.refresh_from_db()
    assert v2.status == ModelStatus.REJECTED and v1.status == ModelStatus.ACTIVE
    assert AuditLog.objects.filter(action="model_reject", object_id=str(v2.pk)).exists()


def test_rollback_and_rules_only(tree):
    f.history(tree)
    user = tree.users["district_admin"]
    v1 = train_version(actor=user)
    v2 = train_version(actor=user)  # the same data: not worse, so it takes over
    v1.refresh_from_db()
    assert (v1.status, v2.status) == (ModelStatus.RETIRED, ModelStatus.ACTIVE)
    with pytest.raises(ValidationError):
        rollback(actor=user, to=v2)
    rollback(actor=user, to=v1)
    v1.refresh_from_db(), v2.refresh_from_db()
    assert (v1.status, v2.status) == (ModelStatus.ACTIVE, ModelStatus.RETIRED)
    assert route("路灯不亮", user=user).model_version == v1
    rules_only(actor=user)
    assert not RoutingModel.objects.filter(status=ModelStatus.ACTIVE).exists()
    assert route("路灯不亮", user=user).model_version is None


def test_only_the_dispatch_centre_manages_models(tree):
    f.history(tree)
    with pytest.raises(PermissionDenied):
        train_version(actor=tree.users["secretary_a1"])
    v1 = train_version(actor=tree.users["dispatcher"])
    with pytest.raises(PermissionDenied):
        rollback(actor=tree.users["secretary_a1"], to=v1)


def test_too_little_history_is_refused(tree):
    with pytest.raises(ValidationError):
        train_version(actor=tree.users["dispatcher"])
    assert RoutingModel.objects.count() == 0


def test_archived_cases_become_examples_once(tree):
    case = f.case(tree, text="小区北门垃圾桶满了没人清运", category="sanitation-garbage")
    Case.objects.filter(pk=case.pk).update(state="archived", lead_org=tree.dept_other)
    assert harvest_cases() == 1 and harvest_cases() == 0
    ex = RoutingExample.objects.get(origin=f"case:{case.pk}")
    assert ex.category.code == "sanitation"  # the top-level category
    assert ex.organisation == tree.dept_other and "垃圾桶" in ex.text


def test_open_cases_are_not_learned_from(tree):
    case = f.case(tree, text="路灯不亮", category="municipal-light")
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.dept_other)
    assert harvest_cases() == 0
