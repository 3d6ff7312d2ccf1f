import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linli.core.models import AuditLog
from linli.core.testing import FORMULA_NAME, assert_text_not_formula
from linli.scorecards import services
from linli.scorecards.models import Objection, ScoreCard

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(tree, orgs_alliance, year):
    return services.run_compute(actor=tree.users["secretary_a1"], place=tree.comm_a1, year=year, card_type="org")


@pytest.mark.parametrize(
    "user,status",
    [
        ("secretary_a1", 200),
        ("street_a", 200),
        ("district_admin", 200),
        ("social_a1", 200),
        ("grid_a", 404),
        ("dept_staff", 404),
        ("resident_a1", 404),
    ],
)
def test_run_page_scope(client, tree, run, user, status):
    client.force_login(tree.users[user])
    assert client.get(reverse("scorecards:run", args=[run.pk])).status_code == status


def test_pages_render_and_explain(client, tree, run, orgs_alliance):
    client.force_login(tree.users["secretary_a1"])
    assert client.get(reverse("scorecards:list")).status_code == 200
    page = client.get(reverse("scorecards:run", args=[run.pk])).content.decode()
    assert orgs_alliance.ent.name in page
    card = run.cards.get(subject_key=f"orgs.organisation:{orgs_alliance.ent.pk}")
    page = client.get(reverse("scorecards:card", args=[card.pk])).content.decode()
    assert "60.00 / 100.00" in page and "Q3" in page  # the meeting behind the value is listed
    cert = client.get(reverse("scorecards:certificate", args=[card.pk])).content.decode()
    assert "@media print" in cert and orgs_alliance.ent.name in cert
    frag = client.get(reverse("scorecards:run", args=[run.pk]), {"stars": "2"}, HTTP_HX_REQUEST="true")
    assert "<html" not in frag.content.decode() and orgs_alliance.ent.name in frag.content.decode()
    assert client.get(reverse("scorecards:settings")).status_code == 200
    assert client.get(reverse("scorecards:create")).status_code == 200


def test_publicise_objection_and_answer_through_pages(client, tree, run):
    sec = tree.users["secretary_a1"]
    client.force_login(sec)
    r = client.post(reverse("scorecards:run_action", args=[run.pk, "publicise"]))
    assert r.status_code == 302
    card = run.cards.first()
    r = client.post(reverse("scorecards:card", args=[card.pk]), {"text": "请核实联席会议次数"})
    assert r.status_code == 302 and Objection.objects.count() == 1
    r = client.post(reverse("scorecards:run_action", args=[run.pk, "finalise"]), follow=True)
    assert "final" not in r.context["run"].state
    r = client.post(reverse("scorecards:answer", args=[Objection.objects.get().pk]), {"response": "已核实"})
    assert Objection.objects.get().resolved_at is not None
    client.force_login(tree.users["social_a1"])  # may view, not change
    r = client.post(reverse("scorecards:run_action", args=[run.pk, "recompute"]))
    assert r.status_code == 403


def test_export_xlsx_signed_and_audited(client, tree, run, orgs_alliance):
    client.force_login(tree.users["secretary_a1"])
    r = client.get(reverse("scorecards:export", args=[run.pk]))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert "secretary_a1" in rows[0][0]
    assert len(rows) == 2 + run.cards.count()
    assert orgs_alliance.ent.name in {row[0] for row in rows[2:]}
    assert AuditLog.objects.filter(action="export", object_type="scorecards.scorerun").count() == 1
    client.force_login(tree.users["social_a1"])
    assert client.get(reverse("scorecards:export", args=[run.pk])).status_code == 403


def test_export_writes_names_as_text_not_formulas(client, tree, run):
    ScoreCard.objects.filter(pk=run.cards.first().pk).update(
        subject_label=FORMULA_NAME, subject_detail=FORMULA_NAME + "x"
    )
    client.force_login(tree.users["secretary_a1"])
    assert len(assert_text_not_formula(client.get(reverse("scorecards:export", args=[run.pk])))) == 2


def test_resident_sees_own_card_only_when_publicised(client, tree, run):
    resident = tree.users["resident_a1"]
    card = run.cards.first()
    ScoreCard.objects.filter(pk=card.pk).update(account_id=resident.pk)  # as a member card would carry it
    client.force_login(resident)
    assert client.get(reverse("scorecards:card", args=[card.pk])).status_code == 404
    services.run_publicise(actor=tree.users["secretary_a1"], run=run)
    assert client.get(reverse("scorecards:card", args=[card.pk])).status_code == 200
    other = run.cards.exclude(pk=card.pk).first()
    assert client.get(reverse("scorecards:card", args=[other.pk])).status_code == 404
    assert client.get(reverse("scorecards:run", args=[run.pk])).status_code == 404
    r = client.post(reverse("scorecards:card", args=[card.pk]), {"text": "我参加了三次联席会"})
    assert r.status_code == 302 and Objection.objects.filter(raised_by=resident).exists()


def test_run_list_query_count_constant(client, tree, orgs_alliance, year):
    from linli.core.testing import count_queries

    client.force_login(tree.users["district_admin"])
    services.run_compute(actor=tree.users["district_admin"], place=tree.comm_a1, year=year, card_type="org")
    with count_queries() as one:
        client.get(reverse("scorecards:list"))
    for place in (tree.comm_a2, tree.comm_b1, tree.street_a):
        services.run_compute(actor=tree.users["district_admin"], place=place, year=year, card_type="org")
    with count_queries() as four:
        client.get(reverse("scorecards:list"))
    assert one.count == four.count


def test_community_staff_see_a_street_run_with_only_their_cards(client, tree, orgs_alliance, year):
    from linli.accounts.testing import system_user
    from linli.alliance import services as al
    from linli.orgs import services as orgs

    root = system_user()
    other = al.alliance_create(actor=root, community=tree.comm_a2)
    org = orgs.organisation_create(actor=root, area=tree.comm_a2, kind="enterprise", name="西苑超市")
    al.member_add(actor=root, alliance=other, organisation=org)
    run = services.run_compute(actor=tree.users["street_a"], place=tree.street_a, year=year, card_type="org")
    assert run.subject_count == 3
    client.force_login(tree.users["secretary_a1"])
    page = client.get(reverse("scorecards:run", args=[run.pk]))
    assert page.status_code == 200
    names = {c.subject_label for c in page.context["object_list"]}
    assert orgs_alliance.ent.name in names and "西苑超市" not in names
    assert client.post(reverse("scorecards:run_action", args=[run.pk, "publicise"])).status_code == 403
