"""The reporter's identity on confidential and anonymous cases: never in the timeline (pages, JSON API, Open311)
for those who may not see the reporter, not on the resident 360° page, and a reporter's home is never published
by Open311."""

import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.areas.models import Place
from linli.registry import services as registry
from linli.workorders import services as wo
from linli.workorders.models import Case, CaseEvent

pytestmark = pytest.mark.django_db

API = "/api/v1/workorders"
NAME = "赵小明"


def png():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 30)).save(buf, "PNG")
    return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")


@pytest.fixture
def named(tree):
    """The resident has a recognisable display name (what actor labels are made of)."""
    resident = tree.users["resident_a1"]
    resident.display_name = NAME
    resident.save(update_fields=["display_name"])
    return tree


def protected_case(tree, confidentiality):
    u = tree.users
    case = wo.case_create(
        actor=u["resident_a1"],
        category="property-repair",
        title="楼道灯坏了",
        description="2栋楼道灯不亮",
        place=tree.building_a1,
        case_type="help",
        confidentiality=confidentiality,
    )
    wo.case_attach(actor=u["resident_a1"], case=case, files=[png()])  # the reporter acts again
    wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.property_co)
    return case


def page(client, user, case):
    client.force_login(user)
    resp = client.get(reverse("workorders:case_detail", args=[case.pk]))
    assert resp.status_code == 200
    return resp.content.decode()


def timeline_actors(client, user, case, token_for):
    resp = client.get(f"{API}/cases/{case.pk}", **token_for(user.username))
    assert resp.status_code == 200, resp.content
    return [e["actor"] for e in resp.json()["timeline"]], resp.content.decode()


def test_confidential_reporter_is_named_only_to_the_queue_owner(named, client, token_for):
    u = named.users
    case = protected_case(named, "confidential")
    # Nothing with the name is stored on the timeline: the entries are marked as the reporter's instead.
    mine = CaseEvent.objects.filter(case=case, action__in=["create", "attach"])
    assert mine.count() == 2
    assert all(e.actor_label == "" and e.data.get("by_reporter") for e in mine)

    # The handler (property company): neither on the page nor in the API.
    html = page(client, u["property_staff"], case)
    assert NAME not in html and "反映人（身份保密）" in html
    actors, body = timeline_actors(client, u["property_staff"], case, token_for)
    assert NAME not in body
    assert actors[:2] == ["反映人（身份保密）", "反映人（身份保密）"]

    # The community owns the queue: it may see the reporter, on the timeline too.
    assert NAME in page(client, u["secretary_a1"], case)
    actors, _body = timeline_actors(client, u["secretary_a1"], case, token_for)
    assert actors[0] == NAME
    # And the reporter sees their own name.
    actors, _body = timeline_actors(client, u["resident_a1"], case, token_for)
    assert actors[0] == NAME


def test_anonymous_reporter_is_named_to_nobody_but_the_reporter(named, client, token_for):
    u = named.users
    case = protected_case(named, "anonymous")
    wo.case_cancel(actor=u["resident_a1"], case=case, reason="已自行解决")
    for who in ("secretary_a1", "property_staff", "dispatcher", "street_a"):
        user = u[who]
        if who != "property_staff":  # the lead handler's page is still open to it after withdrawal
            html = page(client, user, case)
            assert NAME not in html and "匿名反映人" in html, who
        actors, body = timeline_actors(client, user, case, token_for)
        assert NAME not in body, who
        assert actors.count("匿名反映人") == 3, (who, actors)  # report, photos, withdrawal
    actors, _body = timeline_actors(client, u["resident_a1"], case, token_for)
    assert actors.count(NAME) == 3


def test_entries_written_before_the_fix_are_masked_too(named, client, token_for):
    """Rows stored with the name (before entries were marked) are recognised by their actor."""
    case = protected_case(named, "confidential")
    CaseEvent.objects.filter(case=case, action="create").update(actor_label=NAME, data={})
    html = page(client, named.users["property_staff"], case)
    assert NAME not in html
    _actors, body = timeline_actors(client, named.users["property_staff"], case, token_for)
    assert NAME not in body


def test_note_answer_names_the_handler(named, client, token_for):
    case = protected_case(named, "confidential")
    resp = client.post(
        f"{API}/cases/{case.pk}/notes",
        {"note": "已到现场", "public": True},
        content_type="application/json",
        **token_for("property_staff"),
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["actor"].startswith("property_staff")


def test_open311_never_names_a_protected_reporter(named, client):
    case = protected_case(named, "confidential")
    for fmt in ("json", "xml"):
        resp = client.get(f"/open311/v2/requests.{fmt}")
        assert resp.status_code == 200
        text = resp.content.decode()
        assert case.number in text and NAME not in text
        detail = client.get(f"/open311/v2/requests/{case.number}.{fmt}").content.decode()
        assert NAME not in detail


def test_resident_page_hides_confidential_reports_from_those_who_may_not_see_the_reporter(tree, client):
    u = tree.users
    person = registry.resident_create(actor=u["secretary_a1"], name="钱阿姨", home=tree.house_a1)
    wo.case_create(
        actor=u["secretary_a1"],
        category="noise",
        title="保密的噪音投诉",
        description="d",
        place=tree.house_a1,
        source="counter",
        reporter_resident=person,
        reporter_name="钱阿姨",
        confidentiality="confidential",
    )
    wo.case_create(
        actor=u["secretary_a1"],
        category="elevator",
        title="电梯停运",
        description="d",
        place=tree.house_a1,
        source="counter",
        reporter_resident=person,
        reporter_name="钱阿姨",
    )
    client.force_login(u["secretary_a1"])  # the community owns the queue: may see the reporter
    assert "保密的噪音投诉" in client.get(f"/registry/residents/{person.pk}/").content.decode()
    client.force_login(u["grid_a"])  # sees the resident and the cases of the grid, not who reported in confidence
    resp = client.get(f"/registry/residents/{person.pk}/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "电梯停运" in html and "保密的噪音投诉" not in html


# --- Open311 never publishes a home ----------------------------------------------------------------------


def test_open311_shows_a_home_report_at_its_building(tree, client):
    Place.objects.filter(pk=tree.building_a1.pk).update(latitude=Decimal("31.650000"), longitude=Decimal("118.5"))
    u = tree.users
    home = wo.case_create(
        actor=u["resident_a1"],
        category="property-repair",
        title="家门口灯坏",
        description="楼道灯不亮",
        place=tree.house_a1,
        address="怡心花园1栋1单元101室",
        lat=Decimal("31.650321"),
        lng=Decimal("118.500789"),
    )
    building = wo.case_create(
        actor=u["resident_a1"],
        category="property-repair",
        title="楼下灯坏",
        description="路灯不亮",
        place=tree.building_a1,
        address="1栋东侧",
    )
    docs = {d["service_request_id"]: d for d in client.get("/open311/v2/requests.json").json()}
    doc = docs[home.number]
    assert doc["address_id"] == tree.building_a1.code
    assert doc["address"] == "怡心花园1栋"
    assert "101" not in json.dumps(doc, ensure_ascii=False)
    assert Decimal(str(doc["lat"])) == Decimal("31.65") and Decimal(str(doc["long"])) == Decimal("118.5")
    assert docs[building.number]["address_id"] == tree.building_a1.code
    assert docs[building.number]["address"] == "1栋东侧"

    xml = client.get(f"/open311/v2/requests/{home.number}.xml").content.decode()
    assert tree.house_a1.code not in xml and "101" not in xml and "31.650321" not in xml
    # Staff still see the house (the JSON API is scoped, not public).
    assert Case.objects.get(pk=home.pk).place == tree.house_a1


def test_migration_clears_names_stored_before_the_fix(named):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("linli.workorders.migrations.0004_timeline_protect_reporter_names")
    case = protected_case(named, "anonymous")
    plain = wo.case_create(
        actor=named.users["resident_a1"], category="noise", title="噪音", description="d", place=named.building_a1
    )
    CaseEvent.objects.filter(case__in=[case, plain], action="create").update(actor_label=NAME, data={"source": "x"})
    migration.forwards(apps, None)
    scrubbed = CaseEvent.objects.get(case=case, action="create")
    assert scrubbed.actor_label == "" and scrubbed.data == {"source": "x", "by_reporter": True}
    assert CaseEvent.objects.get(case=plain, action="create").actor_label == NAME  # not protected: unchanged


def test_open311_masks_personal_numbers_typed_into_public_text(tree, client):
    """A resident types their own phone and a neighbour's ID number into a report: the public answer masks both;
    the handlers' own API shows the text as written (it is scoped, not public)."""
    u = tree.users
    case = wo.case_create(
        actor=u["resident_a1"],
        category="property-repair",
        title="楼道灯坏了",
        description="楼道灯不亮，请联系我 138-1234-5678；邻居身份证11010519491231002X代报",
        place=tree.building_a1,
        address="1栋东侧，电话13900001111",
    )
    for fmt in ("json", "xml"):
        text = client.get(f"/open311/v2/requests/{case.number}.{fmt}").content.decode()
        assert "138****5678" in text and "110105********002X" in text and "139****1111" in text
        for secret in ("1234-5678", "13812345678", "11010519491231002X", "13900001111"):
            assert secret not in text
    assert "138-1234-5678" in Case.objects.get(pk=case.pk).description
