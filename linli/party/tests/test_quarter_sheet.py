"""The quarterly 双报到 record sheet for the employer lists everything the member claimed and did in the quarter:
posts, projects (alliance), micro-wishes claimed and fulfilled (wishes), and the service hours."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.accounts.testing import system_user
from linli.party import services

from .factories import inservice

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
QUARTER = (TODAY.month - 1) // 3 + 1


def _wish_claims(tree, member):
    """Two micro-wishes the member claimed on the wishes board this quarter, one fulfilled and confirmed (rows
    written directly: the wishes app's own workflow is tested there)."""
    from linli.wishes.models import Wish, WishClaim

    now = timezone.now()
    out = []
    for title, state, claim_state in (
        ("给独居老人送米面油", "confirmed", "done"),
        ("辅导三年级数学", "claimed", "active"),
    ):
        wish = Wish.objects.create(
            resident=member.resident,
            community=tree.comm_a1,
            scope_path=tree.house_a1.path,
            public_name="王某",
            title=title,
            need="…",
            state=state,
        )
        out.append(
            WishClaim.objects.create(
                wish=wish,
                kind="in_service",
                resident=member.resident,
                user=tree.users["resident_a1"],
                due_date=TODAY + dt.timedelta(days=14),
                state=claim_state,
                ended_at=now if claim_state == "done" else None,
                scope_path=wish.scope_path,
            )
        )
    return out


def _sheet_values(resp) -> list:
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    return [v for row in wb.worksheets[0].iter_rows(values_only=True) for v in row if v is not None]


def test_sheet_lists_posts_projects_wishes_and_hours(client, tree):
    from linli.alliance import services as alliance

    root = system_user()
    member = inservice(tree)
    post = services.post_create(actor=root, community=tree.comm_a1, title="楼道文明劝导员", slots=2)
    services.post_claim(actor=root, post=post, member=member)
    a = alliance.alliance_create(actor=root, community=tree.comm_a1)
    partner = alliance.partner_add(actor=root, alliance=a, organisation=tree.property_co)
    project = alliance.project_add(actor=root, partner=partner, title="红色物业微工坊", status="in_progress")
    alliance.project_claim(actor=root, project=project, member=member, role="每月义务维修")
    _wish_claims(tree, member)
    services.service_record_add(actor=root, member=member, date=TODAY, content="政策宣讲", hours=Decimal("2.5"))

    client.force_login(tree.users["secretary_a1"])
    resp = client.get(reverse("party:quarter_sheet", args=[member.pk]), {"year": TODAY.year, "quarter": QUARTER})
    assert resp.status_code == 200
    values = _sheet_values(resp)
    assert "楼道文明劝导员" in values
    assert "红色物业微工坊 — 每月义务维修" in values and tree.property_co.name in values
    assert "给独居老人送米面油" in values and "辅导三年级数学" in values
    assert "政策宣讲" in values and Decimal("2.5") in [Decimal(str(v)) for v in values if isinstance(v, float)]
    # The summary line counts them: 1 post, then each domain's section (1 project, 2 wishes claimed, 1 fulfilled),
    # then 2.5 hours — one sentence in Chinese whichever domains add their sections.
    summary = "认领岗位 1 个、项目 1 个、微心愿 2 个（已实现 1 个），服务 2.5 小时"
    assert summary in values


def test_sheet_of_an_earlier_quarter_leaves_out_later_claims(client, tree):
    root = system_user()
    member = inservice(tree, reported_on=dt.date(TODAY.year - 1, 1, 5))
    post = services.post_create(actor=root, community=tree.comm_a1, title="垃圾分类督导员")
    services.post_claim(actor=root, post=post, member=member)  # claimed today
    client.force_login(tree.users["secretary_a1"])
    resp = client.get(reverse("party:quarter_sheet", args=[member.pk]), {"year": TODAY.year - 1, "quarter": 2})
    assert "垃圾分类督导员" not in _sheet_values(resp)


def test_employer_sheet_gives_each_member_their_own_sections(client, tree):
    """One workbook for all in-service members of an employer: each member's sheet lists their own projects and
    micro-wishes (the sections the alliance and wishes domains add), the member without any shows "none"."""
    from linli.alliance import services as alliance

    root = system_user()
    first = inservice(tree)
    second = inservice(tree, home=tree.house_a1)
    a = alliance.alliance_create(actor=root, community=tree.comm_a1)
    partner = alliance.partner_add(actor=root, alliance=a, organisation=tree.property_co)
    project = alliance.project_add(actor=root, partner=partner, title="红色物业微工坊", status="in_progress")
    alliance.project_claim(actor=root, project=project, member=first, role="每月义务维修")

    client.force_login(tree.users["dept_staff"])
    resp = client.get(reverse("party:employer_sheet", args=[tree.dept.pk]), {"year": TODAY.year, "quarter": QUARTER})
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    assert len(wb.worksheets) == 2
    by_name = {
        ws.title: [v for row in ws.iter_rows(values_only=True) for v in row if v is not None] for ws in wb.worksheets
    }
    assert "红色物业微工坊 — 每月义务维修" in by_name[first.resident.name]
    assert "认领岗位 0 个、项目 1 个、微心愿 0 个（已实现 0 个），服务 0 小时" in by_name[first.resident.name]
    assert "红色物业微工坊 — 每月义务维修" not in by_name[second.resident.name]
    assert "认领岗位 0 个、项目 0 个、微心愿 0 个（已实现 0 个），服务 0 小时" in by_name[second.resident.name]
