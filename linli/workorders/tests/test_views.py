"""Work-order pages: the case page offers exactly the allowed steps, steps go through the services, queues keep a
constant query count, the phone pages report/track/evaluate, bad input changes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.core.models import AuditLog
from linli.core.testing import count_queries
from linli.workorders import services as wo
from linli.workorders.models import Case, CaseEvent, JointAction, State, TaskForce

pytestmark = pytest.mark.django_db


def png(name="photo.png"):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def report(tree, **kw):
    kw.setdefault("category", "illegal-building")
    kw.setdefault("description", "3栋楼顶有人在搭彩钢棚")
    kw.setdefault("title", "楼顶违章搭建")
    return wo.case_create(actor=tree.users["resident_a1"], place=tree.building_a1, case_type="complaint", **kw)


def _errors(resp):
    form = (resp.context or {}).get("form") if resp.context else None
    return form.errors if form is not None else resp.status_code


def as_user(client, tree, name):
    client.force_login(tree.users[name])
    return client


def actions_offered(resp) -> set[str]:
    import re

    html = resp.content.decode()
    return set(re.findall(r'data-testid="action-([a-z_]+)"', html))


def detail(client, case):
    return client.get(reverse("workorders:case_detail", args=[case.pk]))


def act(client, case, name, data=None, **extra):
    return client.post(reverse("workorders:case_act", args=[case.pk, name]), data or {}, **extra)


# --- the case page offers exactly the steps each role may take --------------------------------------------


def test_detail_offers_exactly_the_allowed_steps_per_role(client, tree):
    case = report(tree)
    resp = detail(as_user(client, tree, "secretary_a1"), case)
    assert resp.status_code == 200
    assert actions_offered(resp) == {"whistle", "dispatch", "cancel", "merge", "note", "urge"}

    # The resident gets the phone track page: withdraw or add photos, no staff steps.
    resp = detail(as_user(client, tree, "resident_a1"), case)
    assert resp.status_code == 200 and actions_offered(resp) == {"cancel", "attach"}
    assert "workorders/track.html" in [t.name for t in resp.templates]

    # Departments not yet involved do not even see the case.
    assert detail(as_user(client, tree, "dept_other_staff"), case).status_code == 404

    wo.case_whistle(actor=tree.users["secretary_a1"], case=case, note="需城管执法")
    resp = detail(as_user(client, tree, "secretary_a1"), case)
    assert actions_offered(resp) == set()  # the district dispatch centre's queue now
    resp = detail(as_user(client, tree, "dispatcher"), case)
    assert actions_offered(resp) == {"dispatch", "cancel", "merge", "note", "supervise", "urge"}

    wo.case_dispatch(actor=tree.users["dispatcher"], case=case, lead_org=tree.dept_other, co_orgs=[tree.dept])
    resp = detail(as_user(client, tree, "dept_other_staff"), case)
    assert actions_offered(resp) == {"sign", "return_case", "note"}
    resp = detail(as_user(client, tree, "dept_staff"), case)
    assert actions_offered(resp) == {"co_sign", "note"}
    resp = detail(as_user(client, tree, "street_a"), case)
    assert actions_offered(resp) == {"supervise", "urge"}


def test_dispatch_form_preselects_the_property_company_for_property_categories(client, tree):
    case = report(tree, category="property-repair")
    resp = detail(as_user(client, tree, "secretary_a1"), case)
    form = resp.context["actions"][1]["form"]
    assert resp.context["actions"][1]["name"] == "dispatch"
    assert form.initial["lead_org"] == tree.property_co.pk


# --- steps through the page ------------------------------------------------------------------------------


def test_refused_step_shows_the_message_and_the_allowed_steps(client, tree):
    case = report(tree)
    resp = act(as_user(client, tree, "secretary_a1"), case, "complete", {"complete-reply": "已处理"})
    assert resp.status_code == 409
    html = resp.content.decode()
    assert 'data-testid="refused"' in html
    assert "Dispatch" in html or "派单" in html
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED


def test_step_of_someone_else_is_forbidden(client, tree):
    case = report(tree)
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    # A stale page: the resident (who may view the case) posts the handler's step.
    resp = act(as_user(client, tree, "resident_a1"), case, "sign")
    assert resp.status_code == 409
    assert Case.objects.get(pk=case.pk).state == State.DISPATCHED


def test_bad_input_shows_field_errors_and_changes_nothing(client, tree):
    case = report(tree)
    events = CaseEvent.objects.filter(case=case).count()
    resp = act(as_user(client, tree, "secretary_a1"), case, "whistle", {"whistle-note": "  "})
    assert resp.status_code == 400
    assert 'data-testid="error-note"' in resp.content.decode()
    case.refresh_from_db()
    assert case.level == "community" and CaseEvent.objects.filter(case=case).count() == events

    wo.case_whistle(actor=tree.users["secretary_a1"], case=case, note="需城管执法")
    # The dispatch centre must choose a lead: the service's field error lands on the field.
    resp = act(as_user(client, tree, "dispatcher"), case, "dispatch", {"dispatch-note": "x"})
    assert resp.status_code == 400 and 'data-testid="error-lead_org"' in resp.content.decode()
    # An organisation that is not offered is refused by the form.
    resp = act(client, case, "dispatch", {"dispatch-lead_org": "999999"})
    assert resp.status_code == 400
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED


def test_full_walk_through_the_pages(client, tree):
    u = tree.users
    c = as_user(client, tree, "resident_a1")
    resp = c.post(
        reverse("workorders:report"),
        {
            "category": "illegal-building",
            "case_type": "complaint",
            "title": "楼顶违章搭建",
            "description": "3栋楼顶有人在搭彩钢棚",
            "place": [tree.comm_a1.code, tree.compound_a1.code, tree.building_a1.code, ""],
            "confidentiality": "none",
            "photos": [png()],
            "lat": "31.700001",
            "lng": "118.500002",
        },
    )
    assert resp.status_code == 302, _errors(resp)
    case = Case.objects.get()
    assert case.place == tree.building_a1 and case.reporter == u["resident_a1"] and case.source == "resident"
    assert str(case.lat) == "31.700001" and case.attachments.count() == 1

    resp = act(as_user(client, tree, "secretary_a1"), case, "whistle", {"whistle-note": "需城管执法"})
    assert resp.status_code == 302
    resp = act(
        as_user(client, tree, "dispatcher"),
        case,
        "dispatch",
        {"dispatch-lead_org": tree.dept_other.pk, "dispatch-co_orgs": [tree.dept.pk], "dispatch-note": "联合办理"},
    )
    assert resp.status_code == 302
    assert act(as_user(client, tree, "dept_staff"), case, "co_sign").status_code == 302
    c = as_user(client, tree, "dept_other_staff")
    assert act(c, case, "sign").status_code == 302
    assert act(c, case, "start", {"start-note": "到场", "start-photos": [png("before.png")]}).status_code == 302
    assert (
        act(c, case, "complete", {"complete-reply": "已责令拆除", "complete-photos": [png("after.png")]}).status_code
        == 302
    )
    c = as_user(client, tree, "resident_a1")
    resp = c.get(reverse("workorders:evaluate", args=[case.pk]))
    assert resp.status_code == 200 and 'data-testid="verdict-unsatisfied"' in resp.content.decode()
    resp = c.post(reverse("workorders:evaluate", args=[case.pk]), {"verdict": "unsatisfied", "reasons": ["问题未解决"]})
    assert resp.status_code == 302
    case.refresh_from_db()
    assert case.state == State.DISPATCHED and case.reopen_count == 1
    c = as_user(client, tree, "dept_other_staff")
    assert act(c, case, "sign").status_code == 302
    assert act(c, case, "complete", {"complete-reply": "已拆除完毕"}).status_code == 302
    c = as_user(client, tree, "resident_a1")
    assert c.post(reverse("workorders:evaluate", args=[case.pk]), {"verdict": "satisfied"}).status_code == 302
    assert act(as_user(client, tree, "dispatcher"), case, "archive").status_code == 302
    case.refresh_from_db()
    assert case.state == State.ARCHIVED
    # The resident's track page shows the whole public timeline with before/after photos.
    resp = detail(as_user(client, tree, "resident_a1"), case)
    html = resp.content.decode()
    for label in ("whistle", "dispatch", "complete", "reopen", "evaluate", "archive"):
        assert f'data-action="{label}"' in html
    assert html.count('class="kind"') == 3


def test_evaluate_with_a_reason_of_another_level_is_refused(client, tree):
    case = report(tree)
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    wo.case_sign(actor=tree.users["property_staff"], case=case)
    wo.case_complete(actor=tree.users["property_staff"], case=case, reply="ok")
    c = as_user(client, tree, "resident_a1")
    resp = c.post(reverse("workorders:evaluate", args=[case.pk]), {"verdict": "satisfied", "reasons": ["态度不好"]})
    assert resp.status_code == 400 and 'data-testid="error-reasons"' in resp.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.COMPLETED


def test_non_public_notes_are_hidden_from_the_resident(client, tree):
    case = report(tree)
    c = as_user(client, tree, "secretary_a1")
    assert act(c, case, "note", {"note-note": "内部：该户多次投诉", "note-kind": "before"}).status_code == 302
    assert (
        act(c, case, "note", {"note-note": "已联系物业", "note-kind": "before", "note-public": "on"}).status_code == 302
    )
    html = detail(as_user(client, tree, "resident_a1"), case).content.decode()
    assert "已联系物业" in html and "该户多次投诉" not in html
    assert "该户多次投诉" in detail(as_user(client, tree, "secretary_a1"), case).content.decode()


def test_html_in_description_is_escaped(client, tree):
    case = report(tree, description='<script>alert("x")</script><b>粗</b>', title="<i>t</i>")
    html = detail(as_user(client, tree, "secretary_a1"), case).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html and "<i>t</i>" not in html


# --- reporting ------------------------------------------------------------------------------------------


def test_non_image_upload_is_refused_and_nothing_is_created(client, tree):
    c = as_user(client, tree, "resident_a1")
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an exe", content_type="image/jpeg")
    resp = c.post(
        reverse("workorders:report"),
        {
            "category": "noise",
            "case_type": "complaint",
            "title": "噪音",
            "description": "夜间施工",
            "place": [tree.comm_a1.code],
            "confidentiality": "none",
            "photos": [fake],
        },
    )
    assert resp.status_code == 400
    assert 'data-testid="error-photos"' in resp.content.decode()
    assert not Case.objects.exists()


def test_description_over_4000_characters_is_refused(client, tree):
    c = as_user(client, tree, "resident_a1")
    resp = c.post(
        reverse("workorders:report"),
        {
            "category": "noise",
            "case_type": "complaint",
            "title": "噪音",
            "description": "吵" * 4001,
            "place": [tree.comm_a1.code],
            "confidentiality": "none",
        },
    )
    assert resp.status_code == 400 and not Case.objects.exists()


def test_report_page_is_phone_ready(client, tree):
    html = as_user(client, tree, "resident_a1").get(reverse("workorders:report")).content.decode()
    assert 'accept="image/*"' in html and "capture=" in html and "multiple" in html
    assert 'name="lat"' in html and "geolocation" in html
    assert 'data-testid="category-chips"' in html
    # The resident's community is chosen; its compounds are offered.
    assert tree.compound_a1.name in html


def test_report_form_nests_subcategories_under_their_parent(client, tree):
    html = as_user(client, tree, "resident_a1").get(reverse("workorders:report")).content.decode()
    groups = html.split('data-testid="category-group"')[1:]
    property_group = next(g for g in groups if "物业管理" in g.split("</label>", 1)[0])
    sub = property_group.split("wo-cat-sub", 1)[1]  # after the parent's own chip, in its indented block
    assert "物业服务质量" in sub and "公共设施维修" in sub
    assert not any(g.split("</label>", 1)[0].count("物业服务质量") for g in groups)  # never a top-level sibling


def test_place_picker_cascades_within_the_residents_community_only(client, tree):
    c = as_user(client, tree, "resident_a1")
    url = reverse("workorders:place_options")
    html = c.get(url, {"place": tree.building_a1.code}).content.decode()
    assert tree.house_a1.code in html and "101" in html
    html = c.get(url, {"place": tree.building_a2.code}).content.decode()  # another community
    assert tree.house_a2.code not in html and "<select" not in html
    # Posting a place outside the community is refused.
    resp = c.post(
        reverse("workorders:report"),
        {
            "category": "noise",
            "case_type": "help",
            "title": "t",
            "description": "d",
            "place": [tree.comm_a1.code, tree.building_b1.code],
            "confidentiality": "none",
        },
    )
    assert resp.status_code == 400 and not Case.objects.exists()


def test_patrol_and_counter_reports(client, tree):
    c = as_user(client, tree, "grid_a")
    resp = c.post(
        reverse("workorders:report_patrol"),
        {
            "category": "flying-wire",
            "case_type": "report",
            "title": "飞线充电",
            "description": "1栋楼道飞线",
            "place": [tree.building_a1.code],
            "priority": "urgent",
        },
    )
    assert resp.status_code == 302, _errors(resp)
    case = Case.objects.get()
    assert case.source == "patrol" and case.reporter is None and case.priority == "urgent"
    assert as_user(client, tree, "resident_a1").get(reverse("workorders:report_patrol")).status_code == 403

    c = as_user(client, tree, "secretary_a1")
    resp = c.post(
        reverse("workorders:report_counter"),
        {
            "category": "noise",
            "case_type": "complaint",
            "title": "噪音",
            "description": "电话反映夜间施工",
            "place": [tree.comm_a1.code, tree.compound_a1.code],
            "reporter_name": "王阿姨",
            "reporter_phone": "13800138000",
            "confidentiality": "none",
            "priority": "normal",
        },
    )
    assert resp.status_code == 302, _errors(resp)
    case = Case.objects.get(source="counter")
    assert case.reporter_name == "王阿姨" and case.reporter_phone_masked.startswith("138")
    html = detail(c, case).content.decode()
    assert "13800138000" not in html and 'data-testid="reveal-phone"' in html
    assert 'hx-prompt="' in html  # the purpose is asked, as for every reveal
    before = AuditLog.objects.filter(action="unmask").count()
    resp = c.post(reverse("workorders:reveal_phone", args=[case.pk]), HTTP_HX_REQUEST="true")
    assert resp.status_code == 400 and "13800138000" not in resp.content.decode()  # no purpose: refused
    resp = c.post(
        reverse("workorders:reveal_phone", args=[case.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_PROMPT="%E5%9B%9E%E8%AE%BF%E6%A0%B8%E5%AE%9E",
        HTTP_HX_PROMPT_URI_AUTOENCODED="true",
    )
    assert resp.status_code == 200 and "13800138000" in resp.content.decode()
    row = AuditLog.objects.filter(action="unmask").latest("pk")  # the same action as every other reveal
    assert AuditLog.objects.filter(action="unmask").count() == before + 1 and row.note == "reporter_phone: 回访核实"
    assert not AuditLog.objects.filter(action="reveal").exists()
    # A handler that may not see a confidential reporter cannot reveal either.
    assert (
        as_user(client, tree, "resident_a1").post(reverse("workorders:reveal_phone", args=[case.pk])).status_code == 404
    )


# --- queues --------------------------------------------------------------------------------------------


def _make(tree, n, *, whistle=False, dispatch_to=None):
    made = []
    for i in range(n):
        case = report(tree, title=f"问题{i}")
        if whistle:
            wo.case_whistle(actor=tree.users["secretary_a1"], case=case, note="吹哨")
        if dispatch_to is not None:
            actor = tree.users["dispatcher"] if whistle else tree.users["secretary_a1"]
            wo.case_dispatch(actor=actor, case=case, lead_org=dispatch_to)
        made.append(case)
    return made


def _queries(client, url) -> int:
    with count_queries() as ctx:
        resp = client.get(url)
    assert resp.status_code == 200
    return ctx.count


@pytest.mark.parametrize(
    "name,user,setup",
    [
        ("workorders:dispatch_queue", "dispatcher", {"whistle": True}),
        ("workorders:community_queue", "secretary_a1", {}),
        ("workorders:org_queue", "property_staff", {"dispatch_to": "property_co"}),
        ("workorders:my_cases", "resident_a1", {}),
    ],
)
def test_queue_query_count_is_constant(client, tree, name, user, setup):
    if "dispatch_to" in setup:
        setup = {"dispatch_to": getattr(tree, setup["dispatch_to"])}
    c = as_user(client, tree, user)
    url = reverse(name)
    _make(tree, 5, **setup)
    few = _queries(c, url)
    _make(tree, 20, **setup)
    many = _queries(c, url)
    assert few == many
    assert c.get(url).content.decode().count('class="title"') == 25


def test_dispatch_queue_waiting_first_and_filters(client, tree):
    c = as_user(client, tree, "dispatcher")
    dispatched = _make(tree, 1, whistle=True, dispatch_to=tree.dept_other)[0]
    waiting = _make(tree, 1, whistle=True)[0]
    community_only = report(tree, title="社区自办")
    resp = c.get(reverse("workorders:dispatch_queue"))
    rows = list(resp.context["object_list"])
    assert rows == [waiting, dispatched] and community_only not in rows
    resp = c.get(reverse("workorders:dispatch_queue"), {"state": "dispatched"})
    assert list(resp.context["object_list"]) == [dispatched]
    resp = c.get(reverse("workorders:dispatch_queue"), {"category": "noise"})
    assert list(resp.context["object_list"]) == []
    resp = c.get(reverse("workorders:dispatch_queue"), {"overdue": "on", "period": "7"})
    assert list(resp.context["object_list"]) == []
    # htmx asks for the results only.
    resp = c.get(reverse("workorders:dispatch_queue"), {"state": "accepted"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in resp.content and waiting.title.encode() in resp.content
    # Others may not open the dispatch queue.
    assert as_user(client, tree, "secretary_a1").get(reverse("workorders:dispatch_queue")).status_code == 403


def test_org_queue_pending_first_and_co_handled_marked(client, tree):
    u = tree.users
    signed = _make(tree, 1, whistle=True, dispatch_to=tree.dept)[0]
    wo.case_sign(actor=u["dept_staff"], case=signed)
    co = _make(tree, 1, whistle=True)[0]
    wo.case_dispatch(actor=u["dispatcher"], case=co, lead_org=tree.dept_other, co_orgs=[tree.dept])
    c = as_user(client, tree, "dept_staff")
    resp = c.get(reverse("workorders:org_queue"))
    rows = list(resp.context["object_list"])
    assert rows == [co, signed]
    assert resp.content.decode().count('data-testid="co-handled"') == 1
    assert as_user(client, tree, "resident_a1").get(reverse("workorders:org_queue")).status_code == 403


def test_community_queue_groups_new_then_in_progress_then_awaiting_verdict(client, tree):
    u = tree.users
    done, progress, new = _make(tree, 3)
    for case in (done, progress):
        wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.property_co)
    wo.case_sign(actor=u["property_staff"], case=done)
    wo.case_complete(actor=u["property_staff"], case=done, reply="ok")
    rows = list(as_user(client, tree, "secretary_a1").get(reverse("workorders:community_queue")).context["object_list"])
    assert rows == [new, progress, done]
    assert as_user(client, tree, "property_staff").get(reverse("workorders:community_queue")).status_code == 403


def test_home_sends_each_role_to_its_queue(client, tree):
    for name, target in (
        ("dispatcher", "dispatch_queue"),
        ("dept_staff", "org_queue"),
        ("secretary_a1", "community_queue"),
        ("resident_a1", "my_cases"),
    ):
        resp = as_user(client, tree, name).get(reverse("workorders:home"))
        assert resp.status_code == 302 and resp["Location"] == reverse(f"workorders:{target}")
    # 我要报事 from the menu: staff land on the report form of their role; departments have none.
    resp = as_user(client, tree, "secretary_a1").get(reverse("workorders:report"))
    assert resp["Location"] == reverse("workorders:report_patrol")
    resp = as_user(client, tree, "dispatcher").get(reverse("workorders:report"))
    assert resp["Location"] == reverse("workorders:report_counter")
    assert as_user(client, tree, "dept_staff").get(reverse("workorders:report")).status_code == 403


# --- attachments ---------------------------------------------------------------------------------------


def test_attachment_served_only_within_scope(client, tree):
    case = report(tree, attachments=[png()])
    att = case.attachments.get()
    url = reverse("workorders:attachment", args=[att.pk])
    resp = as_user(client, tree, "secretary_a1").get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png"
    assert as_user(client, tree, "dept_staff").get(url).status_code == 404


# --- task forces and joint actions ----------------------------------------------------------------------


def test_task_force_and_joint_action(client, tree):
    c = as_user(client, tree, "dispatcher")
    page = c.get(reverse("workorders:taskforce_create")).content.decode()
    assert 'name="place_label"' in page and "data-picker" in page  # the place is searched for, not typed as a code
    resp = c.post(
        reverse("workorders:taskforce_create"),
        {
            "kind": "compound",
            "name": "怡心花园1+5+N专班",
            "place": tree.compound_a1.code,
            "lead": tree.dept.pk,
            "members": [tree.dept_other.pk, tree.property_co.pk],
            "people": "张三 楼长",
        },
    )
    assert resp.status_code == 302, _errors(resp)
    tf = TaskForce.objects.get()
    assert set(tf.members.all()) == {tree.dept_other, tree.property_co}
    assert c.get(reverse("workorders:taskforce_list")).status_code == 200
    # Bad input: a road task force without its road; nothing written.
    resp = c.post(
        reverse("workorders:taskforce_create"),
        {"kind": "road", "name": "x", "place": tree.compound_a1.code, "lead": tree.dept.pk},
    )
    assert resp.status_code == 400 and TaskForce.objects.count() == 1
    # The community may not set one up.
    assert as_user(client, tree, "secretary_a1").get(reverse("workorders:taskforce_create")).status_code == 403

    # Dispatch a case to the task force: its lead leads, its members co-handle.
    case = _make(tree, 1, whistle=True)[0]
    c = as_user(client, tree, "dispatcher")
    assert act(c, case, "dispatch", {"dispatch-task_force": tf.pk}).status_code == 302
    case.refresh_from_db()
    assert case.lead_org == tree.dept and case.assignments.count() == 3

    # The lead department records a joint action on the case.
    c = as_user(client, tree, "dept_staff")
    resp = c.post(
        reverse("workorders:joint_action_create") + f"?case={case.pk}",
        {
            "title": "联合拆违",
            "held_at": "2026-01-05T09:30",
            "units": [tree.dept.pk, tree.dept_other.pk],
            "participants": "城管队员6人",
            "outcome": "拆除彩钢棚",
            "case": case.number,
        },
    )
    assert resp.status_code == 302, _errors(resp)
    action = JointAction.objects.get()
    assert action.case == case and action.units.count() == 2
    assert case.events.filter(action="joint_action").exists()
    assert AuditLog.objects.filter(action="create", object_type__contains="jointaction").exists()
    resp = as_user(client, tree, "dispatcher").get(reverse("workorders:taskforce_detail", args=[tf.pk]))
    assert resp.status_code == 200
    # An unrelated property company may not record one on this case.
    resp = as_user(client, tree, "resident_a1").post(
        reverse("workorders:joint_action_create") + f"?case={case.pk}",
        {"title": "x", "held_at": "2026-01-05T09:30", "outcome": "y"},
    )
    assert resp.status_code == 403 and JointAction.objects.count() == 1


def test_report_with_errors_keeps_the_chosen_place(client, tree):
    c = as_user(client, tree, "resident_a1")
    resp = c.post(
        reverse("workorders:report"),
        {
            "category": "noise",
            "case_type": "help",
            "title": "",
            "description": "d",
            "place": [tree.comm_a1.code, tree.compound_a1.code, tree.building_a1.code, tree.house_a1.code],
        },
    )
    assert resp.status_code == 400
    html = resp.content.decode()
    for place in (tree.compound_a1, tree.building_a1, tree.house_a1):
        assert f'value="{place.code}" selected' in html


def test_opening_a_notification_marks_it_read_and_lands_on_the_case(client, tree):
    from linli.notifications.models import Notification

    case = _make(tree, 1, whistle=True, dispatch_to=tree.dept_other)[0]
    note = Notification.objects.get(user=tree.users["dept_other_staff"], kind="workorders.dispatched")
    c = as_user(client, tree, "dept_other_staff")
    html = c.get(reverse("notifications:inbox")).content.decode()
    assert 'data-testid="open-notification"' in html
    resp = c.post(reverse("notifications:mark_read"), {"id": note.pk, "next": note.url})
    assert resp.status_code == 302 and resp["Location"] == reverse("workorders:case_detail", args=[case.pk])
    note.refresh_from_db()
    assert note.read_at is not None


def test_extension_supervision_reminder_return_and_merge_through_the_page(client, tree):
    u = tree.users
    case = report(tree)
    wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.property_co)
    wo.case_sign(actor=u["property_staff"], case=case)
    c = as_user(client, tree, "property_staff")
    assert "extension" in actions_offered(detail(c, case))
    resp = act(c, case, "extension", {"extension-days": "0", "extension-reason": "配件"})
    assert resp.status_code == 400 and not case.extensions.exists()
    assert act(c, case, "extension", {"extension-days": "3", "extension-reason": "需采购配件"}).status_code == 302
    assert "extension" not in actions_offered(detail(c, case))  # one pending request at a time
    old_due = Case.objects.get(pk=case.pk).handle_due
    c = as_user(client, tree, "secretary_a1")
    assert "extension_decide" in actions_offered(detail(c, case))
    assert act(c, case, "extension_decide", {"extension_decide-approve": "1"}).status_code == 302
    assert Case.objects.get(pk=case.pk).handle_due > old_due
    assert act(c, case, "urge", {"urge-note": "请尽快"}).status_code == 302
    c = as_user(client, tree, "street_a")
    assert act(c, case, "supervise", {"supervise-note": "街道督办"}).status_code == 302
    assert Case.objects.get(pk=case.pk).supervised
    assert "supervise" not in actions_offered(detail(c, case))
    # The resident cannot urge: 403, nothing written.
    events = case.events.count()
    assert act(as_user(client, tree, "resident_a1"), case, "urge").status_code == 403
    assert case.events.count() == events

    other = report(tree, title="重复反映")
    c = as_user(client, tree, "secretary_a1")
    assert act(c, other, "merge", {"merge-into": "nonsense"}).status_code == 400
    assert act(c, other, "merge", {"merge-into": case.number}).status_code == 302
    other.refresh_from_db()
    assert other.state == State.MERGED and other.merged_into == case

    c = as_user(client, tree, "property_staff")
    assert act(c, case, "return_case", {"return_case-reason": "不属于物业职责"}).status_code == 302
    case.refresh_from_db()
    assert case.state == State.ACCEPTED and case.lead_org is None


def test_reporter_adds_photos_while_open(client, tree):
    case = report(tree)
    c = as_user(client, tree, "resident_a1")
    assert 'data-testid="action-attach"' in detail(c, case).content.decode()
    resp = act(c, case, "attach", {"attach-photos": [SimpleUploadedFile("x.png", b"<html>", content_type="image/png")]})
    assert resp.status_code == 400 and 'data-testid="error-photos"' in resp.content.decode()
    assert act(c, case, "attach", {}).status_code == 400
    assert act(c, case, "attach", {"attach-photos": [png()]}).status_code == 302
    assert case.attachments.count() == 1 and case.events.filter(action="attach").exists()
    # Staff recording a verdict are told it is a return visit.
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    wo.case_sign(actor=tree.users["property_staff"], case=case)
    wo.case_complete(actor=tree.users["property_staff"], case=case, reply="ok")
    html = as_user(client, tree, "secretary_a1").get(reverse("workorders:evaluate", args=[case.pk])).content.decode()
    assert 'data-testid="return-visit"' in html


def test_photo_help_text_follows_the_setting(client, tree, settings):
    c = as_user(client, tree, "resident_a1")
    settings.LINLI_UPLOAD_MAX_FILES = 3
    html = c.get(reverse("workorders:report")).content.decode()
    assert "最多 3 张照片。" in html and "最多 9 张照片" not in html
    settings.LINLI_UPLOAD_MAX_FILES = 5
    c.cookies["django_language"] = "en"
    html = c.get(reverse("workorders:report")).content.decode()
    assert "Up to 5 photos." in html
