import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.alliance import services
from linli.alliance.models import FundEntry, Problem, ProblemStatus
from linli.core.testing import count_queries

pytestmark = pytest.mark.django_db


def _fill(alliance, actor, n, member):
    for i in range(n):
        services.meeting_record(
            actor=actor,
            alliance=alliance,
            held_on=timezone.localdate() - dt.timedelta(days=i),
            topic=f"会{i}",
            attendees=[alliance.m_dept, alliance.m_ent],
        )
        services.problem_create(actor=actor, alliance=alliance, title=f"问题{i}", description="d")
        services.fund_entry_add(
            actor=actor, alliance=alliance, kind="raised", amount="10", reason=f"r{i}", member=alliance.m_ent
        )
    services.commitment_create(actor=actor, member=member, year=timezone.localdate().year, items=["a", "b"] * n)


@pytest.mark.parametrize(
    "user,status",
    [
        ("secretary_a1", 200),
        ("street_a", 200),
        ("district_admin", 200),
        ("grid_a", 404),
        ("social_a1", 200),
        ("dept_staff", 200),
        ("dept_other_staff", 404),
        ("resident_a1", 404),
        ("nobody", 404),
    ],
)
def test_detail_scope(client, tree, alliance, user, status):
    client.force_login(tree.users[user])
    assert client.get(reverse("alliance:detail", args=[alliance.pk])).status_code == status


def test_list_and_detail_constant_queries(client, tree, alliance):
    sec = tree.users["secretary_a1"]
    client.force_login(sec)
    _fill(alliance, sec, 1, alliance.m_ent)
    url = reverse("alliance:detail", args=[alliance.pk])
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _fill(alliance, sec, 2, alliance.m_dept)
    with count_queries() as big:
        resp = client.get(url)
    assert resp.status_code == 200
    assert big.count == small.count
    r = client.get(reverse("alliance:list"), HTTP_HX_REQUEST="true")
    assert alliance.name in r.content.decode() and "<html" not in r.content.decode()


def test_add_pages_and_field_errors(client, tree, alliance):
    client.force_login(tree.users["secretary_a1"])
    url = reverse("alliance:add", args=[alliance.pk, "fund"])
    assert client.get(url).status_code == 200
    r = client.post(url, {"kind": "spent", "amount": "5", "reason": "x"})
    assert r.status_code == 200 and "field-error" in r.content.decode()
    assert FundEntry.objects.count() == 0
    r = client.post(url, {"kind": "raised", "amount": "5", "reason": "x", "member": alliance.m_ent.pk})
    assert r.status_code == 302 and FundEntry.objects.count() == 1
    r = client.post(
        reverse("alliance:add", args=[alliance.pk, "meeting"]),
        {"held_on": str(timezone.localdate()), "topic": "联席会", "attendees": [alliance.m_dept.pk]},
    )
    assert r.status_code == 302
    for kind in ("member", "meeting", "commitment", "wish", "activity", "problem", "partner"):
        assert client.get(reverse("alliance:add", args=[alliance.pk, kind])).status_code == 200, kind
    assert client.get(reverse("alliance:add", args=[alliance.pk, "nonsense"])).status_code == 404


def test_view_only_roles_get_403_on_writes(client, tree, alliance):
    sec = tree.users["secretary_a1"]
    p = services.problem_create(actor=sec, alliance=alliance, title="x", description="y")
    client.force_login(tree.users["social_a1"])  # may add, not change
    assert client.get(reverse("alliance:add", args=[alliance.pk, "problem"])).status_code == 200
    assert client.get(reverse("alliance:problem_solve", args=[alliance.pk, p.pk])).status_code == 403
    client.force_login(tree.users["dept_staff"])
    assert client.get(reverse("alliance:add", args=[alliance.pk, "problem"])).status_code == 403
    client.force_login(tree.users["secretary_a1"].__class__.objects.get(username="dept_other_staff"))
    assert client.get(reverse("alliance:add", args=[alliance.pk, "problem"])).status_code == 404


def test_problem_one_click_case_then_solve(client, tree, alliance):
    sec = tree.users["secretary_a1"]
    client.force_login(sec)
    p = services.problem_create(actor=sec, alliance=alliance, title="楼道杂物", description="消防隐患")
    r = client.post(reverse("alliance:problem_case", args=[alliance.pk, p.pk]))
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.case_id and p.status == ProblemStatus.RECTIFYING
    page = client.get(reverse("alliance:detail", args=[alliance.pk])).content.decode()
    assert p.case.number in page
    r = client.post(reverse("alliance:problem_solve", args=[alliance.pk, p.pk]), {"solution": "已清理"})
    assert r.status_code == 302
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.SOLVED
    # A problem of another alliance is not reachable through this one.
    other = services.alliance_create(actor=tree.users["street_a"], community=tree.comm_a2)
    q = services.problem_create(actor=tree.users["street_a"], alliance=other, title="x", description="y")
    assert client.post(reverse("alliance:problem_case", args=[alliance.pk, q.pk])).status_code == 404


def test_create_alliance_page(client, tree):
    client.force_login(tree.users["secretary_a1"])
    r = client.post(reverse("alliance:create"), {"community": tree.comm_a1.pk})
    assert r.status_code == 302
    client.force_login(tree.users["dept_staff"])
    assert client.get(reverse("alliance:create")).status_code == 403
