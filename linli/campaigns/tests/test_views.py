"""Pages: the planner's walk (create → theme → key compound → start), the phone inspection form (bad input shown,
translated, nothing written), finding → work order in one tap, progress, board, report (page and xlsx), the
complaint rate page; in scope 200, out of scope 404, view-only 403."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.core import dates
from linli.core.testing import FORMULA_NAME, assert_text_not_formula

from ..models import Campaign, CampaignState, Finding, Inspection
from . import factories as f

pytestmark = pytest.mark.django_db


def login(client, tree, name):
    client.force_login(tree.users[name])
    return client


def test_planner_walk_through_the_pages(client, tree):
    login(client, tree, "street_a")
    today = dates.today()
    resp = client.post(
        reverse("campaigns:create"),
        {
            "owner": tree.street_a.code,
            "title": "消防栓专项整治",
            "targeting": "key",
            "starts_on": str(today),
            "ends_on": str(today),
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    c = Campaign.objects.get(title="消防栓专项整治")
    resp = client.post(
        reverse("campaigns:theme_add", args=[c.pk]), {"name": "消防栓无水", "items": "消防栓有水\n箱门完好\n"}
    )
    assert resp.status_code == 302 and c.themes.get().items.count() == 2
    resp = client.post(
        reverse("campaigns:key_target", args=[c.pk]),
        {"compound": tree.compound_a1.code, "leader": "secretary_a1"},
    )
    assert c.targets.get().leader == tree.users["secretary_a1"]
    client.post(reverse("campaigns:start", args=[c.pk]))
    assert Campaign.objects.get(pk=c.pk).state == CampaignState.RUNNING
    page = client.get(reverse("campaigns:detail", args=[c.pk])).content.decode()
    assert "怡心花园" in page and "消防栓无水" in page
    board = client.get(reverse("campaigns:board", args=[c.pk])).content.decode()
    assert "怡心花园" in board and "secretary_a1" in board


def test_phone_inspection_form_and_one_tap_work_order(client, tree):
    c = f.campaign(tree)
    theme = f.theme(c)
    items = list(theme.items.all())
    login(client, tree, "secretary_a1")
    url = reverse("campaigns:inspect", args=[c.pk]) + f"?compound={tree.compound_a1.pk}&theme={theme.pk}"
    page = client.get(url).content.decode()
    assert items[0].text in page and 'capture="environment"' in page
    # A photo that is not an image: a translated error on the page, nothing written.
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    data = {f"item_{i.pk}": "pass" for i in items} | {f"item_{items[0].pk}": "fail", f"note_{items[0].pk}": "飞线"}
    resp = client.post(url, {**data, "photos": [fake]}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert resp.status_code == 200 and 'data-testid="inspect-errors"' in resp.content.decode()
    assert not Inspection.objects.exists()
    resp = client.post(url, {**data, "photos": [f.photo()], "lat": "31.69", "lng": "118.50"})
    assert resp.status_code == 302
    inspection = Inspection.objects.get()
    finding = Finding.objects.get()
    detail = client.get(reverse("campaigns:inspection", args=[inspection.pk])).content.decode()
    assert 'data-testid="to-case"' in detail
    photo = inspection.photos.get()
    assert client.get(reverse("campaigns:photo", args=[photo.pk]))["Content-Type"] == "image/jpeg"
    resp = client.post(reverse("campaigns:finding_case", args=[finding.pk]), {"description": ""})
    assert resp.status_code == 302
    finding.refresh_from_db()
    assert finding.case is not None
    detail = client.get(reverse("campaigns:inspection", args=[inspection.pk])).content.decode()
    assert finding.case.number in detail and 'data-testid="to-case"' not in detail


def test_scope_on_pages(client, tree):
    c = f.campaign(tree)
    other = f.campaign(tree, owner=tree.street_b, actor="district_admin")
    login(client, tree, "secretary_a1")
    assert client.get(reverse("campaigns:list")).status_code == 200
    assert client.get(reverse("campaigns:list"), HTTP_HX_REQUEST="true").status_code == 200
    assert client.get(reverse("campaigns:detail", args=[c.pk])).status_code == 200
    assert client.get(reverse("campaigns:detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("campaigns:close", args=[c.pk])).status_code == 404  # may view, not change
    assert Campaign.objects.get(pk=c.pk).state == CampaignState.RUNNING
    assert client.get(reverse("campaigns:create")).status_code == 403
    login(client, tree, "resident_a1")
    assert client.get(reverse("campaigns:list")).status_code == 403
    assert client.get(reverse("campaigns:detail", args=[c.pk])).status_code == 404


def test_report_page_and_xlsx(client, tree):
    c = f.campaign(tree)
    answers, items = f.results(c)
    from linli.campaigns import services

    services.inspection_record(
        actor=tree.users["secretary_a1"],
        campaign=c,
        compound=tree.compound_a1,
        theme=f.theme(c),
        results=answers,
        notes={items[0].pk: FORMULA_NAME},
    )
    login(client, tree, "street_a")
    page = client.get(reverse("campaigns:report", args=[c.pk])).content.decode()
    assert "window.print()" in page and items[0].text in page
    resp = client.get(reverse("campaigns:export", args=[c.pk]))
    assert assert_text_not_formula(resp, FORMULA_NAME)
    assert client.get(reverse("campaigns:complaints")).status_code == 200


def test_the_case_page_links_back_to_the_finding(client, tree):
    from linli.campaigns import services

    c = f.campaign(tree)
    answers, _items = f.results(c)
    inspection = services.inspection_record(
        actor=tree.users["secretary_a1"], campaign=c, compound=tree.compound_a1, theme=f.theme(c), results=answers
    )
    case = services.finding_to_case(actor=tree.users["secretary_a1"], finding=inspection.findings.get())
    login(client, tree, "secretary_a1")
    page = client.get(reverse("workorders:case_detail", args=[case.pk])).content.decode()
    assert reverse("campaigns:inspection", args=[inspection.pk]) in page and 'data-testid="case-origin"' in page
    from linli.workorders import services as wo

    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.dept)
    login(client, tree, "dept_staff")  # the handling department sees the case, not the campaign: no link
    page = client.get(reverse("workorders:case_detail", args=[case.pk]))
    assert page.status_code == 200 and 'data-testid="case-origin"' not in page.content.decode()
