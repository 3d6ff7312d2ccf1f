"""The work-order settings pages (categories, time limits, the verdict scale) and the menu entries: district
administrators change them through audited services, other staff read them, residents see none of it; bad input
is refused with field errors and writes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from linli.core.context_processors import visible_menu
from linli.core.models import AuditLog
from linli.workorders import services as wo
from linli.workorders.models import Category, State, TimeLimit, VerdictLevel
from linli.workorders.services import config as svc

pytestmark = pytest.mark.django_db


def as_user(client, tree, name):
    client.force_login(tree.users[name])
    return client


def menu_urls(user) -> set[str]:
    return {item["url"] for items in visible_menu(user).values() for item in items}


def category_post(**overrides):
    data = {
        "name": "电梯",
        "parent": "",
        "description": "",
        "keywords": "",
        "default_handler": "",
        "is_public": "on",
        "is_active": "on",
        "sort": "30",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- menus ------------------------------------------------------------------------------------------------


def test_menu_entries_for_statistics_keys_and_settings_only_for_those_who_may_use_them(tree, client):
    stats, keys, config = reverse("workorders_stats:stats"), reverse("open311:keys"), reverse("workorders:config")
    u = tree.users
    for name in ("district_admin", "dispatcher"):
        assert {stats, keys, config} <= menu_urls(u[name]), name
    for name in ("secretary_a1", "street_a", "dept_staff", "grid_a"):
        shown = menu_urls(u[name])
        assert stats in shown and config in shown and keys not in shown, name
    for name in ("resident_a1", "nobody"):
        assert not {stats, keys, config} & menu_urls(u[name]), name
    # The pages agree with the menu.
    assert as_user(client, tree, "resident_a1").get(stats).status_code == 403
    assert client.get(keys).status_code == 403 and client.get(config).status_code == 403
    assert as_user(client, tree, "dept_staff").get(stats).status_code == 200
    assert client.get(keys).status_code == 403
    assert as_user(client, tree, "dispatcher").get(keys).status_code == 200


def test_queue_links_to_the_settings(tree, client):
    html = as_user(client, tree, "dispatcher").get(reverse("workorders:dispatch_queue")).content.decode()
    assert 'data-testid="config-link"' in html


# --- reading ----------------------------------------------------------------------------------------------


def test_staff_read_the_settings_only_administrators_edit(tree, client):
    html = as_user(client, tree, "district_admin").get(reverse("workorders:config")).content.decode()
    assert "工单配置" in html and "飞线充电" in html and "不满意" in html
    assert 'data-testid="category-add"' in html and 'data-testid="read-only"' not in html
    resp = as_user(client, tree, "dispatcher").get(reverse("workorders:config"))
    html = resp.content.decode()
    assert resp.status_code == 200 and 'data-testid="read-only"' in html and "飞线充电" in html
    assert 'data-testid="category-add"' not in html and "/settings/categories/" not in html
    elevator = Category.objects.get(code="elevator")
    assert client.get(reverse("workorders:category_edit", args=[elevator.pk])).status_code == 403
    resp = client.post(reverse("workorders:category_edit", args=[elevator.pk]), category_post(name="x"))
    assert resp.status_code == 403 and Category.objects.get(pk=elevator.pk).name == "电梯"
    with pytest.raises(PermissionDenied):
        svc.category_save(actor=tree.users["dispatcher"], category=elevator, name="x")


# --- categories -------------------------------------------------------------------------------------------


def test_administrator_edits_a_category(tree, client):
    c = as_user(client, tree, "district_admin")
    elevator = Category.objects.get(code="elevator")
    resp = c.post(
        reverse("workorders:category_edit", args=[elevator.pk]),
        category_post(
            name="电梯故障",
            keywords="电梯, 困人，停运、电梯",
            default_handler=str(tree.dept.pk),
            is_public=None,
            parent=str(Category.objects.get(code="property").pk),
        ),
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    elevator.refresh_from_db()
    assert elevator.name == "电梯故障" and elevator.keywords == "电梯,困人,停运"
    assert elevator.default_handler == tree.dept and not elevator.is_public and elevator.parent.code == "property"
    row = AuditLog.objects.filter(object_type="workorders.category", object_id=str(elevator.pk)).latest("at")
    assert row.action == "update" and row.before["name"] == "电梯" and row.after["name"] == "电梯故障"
    # Residents and Open311 no longer get it; a public category's own keywords reach Open311.
    codes = [s["service_code"] for s in client.get("/open311/v2/services.json").json()]
    assert "elevator" not in codes
    noise = Category.objects.get(code="noise")
    svc.category_save(actor=tree.users["district_admin"], category=noise, keywords="广场舞,装修")
    service = next(s for s in client.get("/open311/v2/services.json").json() if s["service_code"] == "noise")
    assert service["keywords"] == "广场舞,装修"


def test_new_category_and_its_default_handler_is_suggested(tree, client):
    c = as_user(client, tree, "district_admin")
    resp = c.post(
        reverse("workorders:category_add"),
        category_post(
            code="e-bike",
            name="电动车充电",
            parent=str(Category.objects.get(code="fire-safety").pk),
            default_handler=str(tree.dept_other.pk),
        ),
    )
    assert resp.status_code == 302
    created = Category.objects.get(code="e-bike")
    assert AuditLog.objects.filter(
        action="create", object_type="workorders.category", object_id=str(created.pk)
    ).exists()
    case = wo.case_create(
        actor=tree.users["resident_a1"], category="e-bike", title="楼道充电", description="d", place=tree.building_a1
    )
    from linli.workorders.views import suggested_lead

    assert suggested_lead(case) == tree.dept_other


def test_bad_category_input_is_refused_with_field_errors(tree, client):
    c = as_user(client, tree, "district_admin")
    before = (Category.objects.count(), AuditLog.objects.count())
    sub = Category.objects.get(code="property-repair")
    # A subcategory as the parent (three levels), a taken code, no name, an organisation not offered.
    cases = [
        ({"code": "x-one", "parent": str(sub.pk)}, "parent", None),  # not offered: only top-level ones are
        ({"code": "noise"}, "code", "此编码已被使用。"),
        ({"code": "Bad Code!"}, "code", "只能使用小写字母、数字和连字符。"),
        ({"code": "x-two", "name": ""}, "name", None),
        ({"code": "x-three", "default_handler": "999999"}, "default_handler", None),
    ]
    for overrides, field, message in cases:
        resp = c.post(reverse("workorders:category_add"), category_post(**overrides))
        assert resp.status_code == 400, overrides
        errors = resp.context["form"].errors
        assert field in errors, (overrides, errors)
        if message:
            assert message in errors[field], errors
        assert f'data-testid="error-{field}"' in resp.content.decode()
    # A top-level category with subcategories cannot itself become a subcategory.
    prop = Category.objects.get(code="property")
    resp = c.post(
        reverse("workorders:category_edit", args=[prop.pk]),
        category_post(name="物业管理", parent=str(Category.objects.get(code="sanitation").pk)),
    )
    assert resp.status_code == 400 and "parent" in resp.context["form"].errors
    # The service refuses three levels whoever calls it.
    with pytest.raises(ValidationError) as refused:
        svc.category_save(actor=tree.users["district_admin"], code="x-four", name="x", parent=sub)
    assert refused.value.message_dict["parent"] == ["请选择一个顶级类别：类别只有两级。"]
    assert (Category.objects.count(), AuditLog.objects.count()) == before
    assert Category.objects.get(pk=prop.pk).parent is None


# --- time limits ------------------------------------------------------------------------------------------


def limit_post(**overrides):
    data = {"case_type": "", "category": "", "sign_days": "1", "handle_days": "10"}
    data.update(overrides)
    return data


def test_time_limits_per_type_and_category(tree, client):
    c = as_user(client, tree, "district_admin")
    noise = Category.objects.get(code="noise")
    assert wo.limits_for("complaint", noise) == (1, 10)
    resp = c.post(
        reverse("workorders:time_limit_add"),
        limit_post(case_type="complaint", category=str(noise.pk), sign_days="0", handle_days="3"),
    )
    assert resp.status_code == 302, resp.context["form"].errors if resp.context else resp
    assert wo.limits_for("complaint", noise) == (0, 3)
    assert wo.limits_for("help", noise) == (1, 5)  # the type's rule still applies to the other types
    rule = TimeLimit.objects.get(case_type="complaint", category=noise)
    assert AuditLog.objects.filter(action="create", object_type="workorders.timelimit", object_id=str(rule.pk)).exists()
    # A case dispatched now gets it.
    case = wo.case_create(
        actor=tree.users["resident_a1"],
        category="noise",
        title="噪音",
        description="d",
        place=tree.building_a1,
        case_type="complaint",
    )
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    from linli.core.workdays import deadline

    assert case.handle_due == deadline(case.dispatched_at, 3) and case.sign_due == deadline(case.dispatched_at, 0)

    # The default rule's days change; it cannot be deleted or turned into another rule.
    default = TimeLimit.objects.get(case_type="", category__isnull=True)
    assert (
        c.post(reverse("workorders:time_limit_edit", args=[default.pk]), limit_post(handle_days="12")).status_code
        == 302
    )
    assert TimeLimit.objects.get(pk=default.pk).handle_days == 12
    resp = c.post(reverse("workorders:time_limit_edit", args=[default.pk]), limit_post(case_type="consult"))
    assert resp.status_code == 400 and "case_type" in resp.context["form"].errors
    resp = c.post(reverse("workorders:time_limit_delete", args=[default.pk]), follow=True)
    assert TimeLimit.objects.filter(pk=default.pk).exists()
    # Another rule is deleted, audited.
    resp = c.post(reverse("workorders:time_limit_delete", args=[rule.pk]))
    assert resp.status_code == 302 and not TimeLimit.objects.filter(pk=rule.pk).exists()
    assert AuditLog.objects.filter(action="delete", object_type="workorders.timelimit", object_id=str(rule.pk)).exists()


def test_bad_time_limits_are_refused_with_field_errors(tree, client):
    c = as_user(client, tree, "district_admin")
    before = (TimeLimit.objects.count(), AuditLog.objects.count())
    cases = [
        (limit_post(case_type="help", sign_days="6", handle_days="5"), "sign_days", "签收时限不能长于办结时限。"),
        (limit_post(case_type="help"), "category", "该类型和类别已有规则，请修改那一条。"),  # the seeded help rule
        (limit_post(sign_days="-1"), "sign_days", None),
        (limit_post(handle_days="0"), "handle_days", None),
        (limit_post(handle_days="abc"), "handle_days", None),
        (limit_post(case_type="nonsense"), "case_type", None),
        (limit_post(category="999999"), "category", None),
    ]
    for data, field, message in cases:
        resp = c.post(reverse("workorders:time_limit_add"), data)
        assert resp.status_code == 400, data
        errors = resp.context["form"].errors
        assert field in errors, (data, errors)
        if message:
            assert message in errors[field], errors
    assert (TimeLimit.objects.count(), AuditLog.objects.count()) == before
    # Refused by the service itself too, whoever calls it.
    with pytest.raises(PermissionDenied):
        svc.time_limit_save(
            actor=tree.users["secretary_a1"], case_type="help", category=None, sign_days=1, handle_days=3
        )


# --- the verdict scale -------------------------------------------------------------------------------------


def verdict_post(level, **overrides):
    data = {
        "label": level.label,
        "counts_as_satisfied": "on" if level.counts_as_satisfied else "",
        "reopens": "on" if level.reopens else "",
        "is_active": "on" if level.is_active else "",
        "sort": str(level.sort),
        "reasons": "\n".join(r.text for r in level.reasons.all()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v}


def test_verdict_scale_levels_reasons_and_which_reopen(tree, client):
    c = as_user(client, tree, "district_admin")
    basic = VerdictLevel.objects.get(code="basic")
    resp = c.post(
        reverse("workorders:verdict_edit", args=[basic.pk]),
        verdict_post(basic, counts_as_satisfied="", reopens="on", reasons="部分解决\n 仍需跟进 \n\n部分解决"),
    )
    assert resp.status_code == 302, resp.context["form"].errors if resp.context else resp
    basic.refresh_from_db()
    assert basic.reopens and not basic.counts_as_satisfied
    assert list(basic.reasons.values_list("text", flat=True)) == ["部分解决", "仍需跟进"]
    row = AuditLog.objects.filter(object_type="workorders.verdictlevel", object_id=str(basic.pk)).latest("at")
    assert row.before["reasons"] == ["部分解决", "处理较慢"] and row.after["reasons"] == ["部分解决", "仍需跟进"]
    # 基本满意 now sends a case back for re-doing.
    u = tree.users
    case = wo.case_create(
        actor=u["resident_a1"], category="property-repair", title="t", description="d", place=tree.building_a1
    )
    wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.property_co)
    wo.case_sign(actor=u["property_staff"], case=case)
    wo.case_complete(actor=u["property_staff"], case=case, reply="ok")
    wo.case_evaluate(actor=u["resident_a1"], case=case, verdict="basic", reasons=["仍需跟进"])
    assert case.state == State.DISPATCHED and case.reopen_count == 1

    # A new level is offered on the verdict page and the API.
    resp = c.post(
        reverse("workorders:verdict_add"),
        {
            "code": "very",
            "label": "非常满意",
            "counts_as_satisfied": "on",
            "is_active": "on",
            "sort": "5",
            "reasons": "超出预期",
        },
    )
    assert resp.status_code == 302
    body = c.get("/api/v1/workorders/verdict-levels").json()
    assert body[0]["code"] == "very" and body[0]["reasons"] == ["超出预期"]


def test_bad_verdict_input_is_refused_with_field_errors(tree, client):
    c = as_user(client, tree, "district_admin")
    satisfied = VerdictLevel.objects.get(code="satisfied")
    basic = VerdictLevel.objects.get(code="basic")
    before = (VerdictLevel.objects.count(), AuditLog.objects.count())
    url = reverse("workorders:verdict_edit", args=[satisfied.pk])
    resp = c.post(url, verdict_post(satisfied, reopens="on"))
    assert resp.status_code == 400
    assert "发回重办的评价不能计为满意。" in resp.context["form"].errors["reopens"]
    assert 'data-testid="error-reopens"' in resp.content.decode()
    resp = c.post(url, verdict_post(satisfied, reasons="太" * 41))
    assert resp.status_code == 400 and "reasons" in resp.context["form"].errors
    resp = c.post(reverse("workorders:verdict_add"), {"code": "basic", "label": "重复", "sort": "1"})
    assert resp.status_code == 400 and "code" in resp.context["form"].errors
    # Switching off every level that counts as satisfied is refused.
    svc.verdict_level_save(actor=tree.users["district_admin"], level=basic, is_active=False)
    after_basic = AuditLog.objects.count()
    resp = c.post(url, verdict_post(satisfied, is_active=""))
    assert resp.status_code == 400 and "counts_as_satisfied" in resp.context["form"].errors
    assert VerdictLevel.objects.get(pk=satisfied.pk).is_active
    assert VerdictLevel.objects.count() == before[0] and AuditLog.objects.count() == after_basic
    assert list(satisfied.reasons.values_list("text", flat=True)) == ["问题已解决", "处理及时", "态度好"]


def test_settings_pages_fit_a_phone(tree, client):
    c = as_user(client, tree, "district_admin")
    for url in (
        reverse("workorders:config"),
        reverse("workorders:category_add"),
        reverse("workorders:time_limit_add"),
        reverse("workorders:verdict_add"),
    ):
        html = c.get(url).content.decode()
        assert 'name="viewport"' in html, url
    home = c.get(reverse("workorders:config")).content.decode()
    assert home.count('class="table-wrap"') == 3
