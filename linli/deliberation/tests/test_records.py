"""A matter raised from an alliance problem (read through ``registry.resolve_record``: the alliance is a sibling
layer), and the links deliberation adds to the work-order case page and the alliance problem list
(``registry.add_record_links``, ``{% record_links %}``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from linli.accounts.testing import system_user
from linli.core.models import AuditLog
from linli.core.registry import registry

from .. import services
from ..models import Matter, MatterSource
from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(tree):
    from linli.alliance import services as al

    root = system_user()
    alliance = al.alliance_create(actor=root, community=tree.comm_a1)
    return al.problem_create(
        actor=root,
        alliance=alliance,
        title="小区路灯不亮",
        description="北门到3栋的路灯坏了半个月",
        place=tree.building_a1,
    )


def key(problem):
    return f"alliance.problem:{problem.pk}"


def test_resolve_record_is_scoped_and_refuses_the_unknown(tree, problem):
    ref = registry.resolve_record(tree.users["secretary_a1"], key(problem))
    assert ref.title == "小区路灯不亮" and ref.place == tree.building_a1 and ref.url.endswith("#problems")
    assert registry.resolve_record(tree.users["nobody"], key(problem)) is None
    assert registry.resolve_record(tree.users["secretary_a1"], "alliance.problem:x") is None
    assert registry.resolve_record(tree.users["secretary_a1"], "nosuch.model:1") is None


def test_matter_from_an_alliance_problem_once(tree, problem):
    sec = tree.users["secretary_a1"]
    ref = registry.resolve_record(sec, key(problem))
    matter = services.matter_raise(actor=sec, place=None, title=ref.title, description=ref.description, origin=ref)
    assert matter.source == MatterSource.ALLIANCE and matter.origin == key(problem)
    assert matter.compound == tree.compound_a1 and matter.place == tree.building_a1
    before = (Matter.objects.count(), AuditLog.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.matter_raise(actor=sec, place=None, title="again", origin=ref)
    assert "origin" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.matter_raise(actor=sec, place=None, title="x", origin=ref, from_case=object())
    assert "origin" in exc.value.message_dict
    assert (Matter.objects.count(), AuditLog.objects.count()) == before


def test_problem_without_a_compound_needs_a_place(tree, problem):
    from linli.alliance.models import Problem

    Problem.objects.filter(pk=problem.pk).update(place=None)
    sec = tree.users["secretary_a1"]
    ref = registry.resolve_record(sec, key(problem))
    with pytest.raises(ValidationError) as exc:
        services.matter_raise(actor=sec, place=None, title=ref.title, origin=ref)
    assert "place" in exc.value.message_dict
    matter = services.matter_raise(actor=sec, place=tree.compound_a1, title=ref.title, origin=ref)
    assert matter.origin == key(problem)


def test_problem_page_offers_the_matter_then_links_it_both_ways(client, tree, problem):
    client.force_login(tree.users["secretary_a1"])
    page_url = reverse("alliance:detail", args=[problem.alliance_id])
    page = client.get(page_url).content.decode()
    raise_url = reverse("deliberation:matter_create") + f"?record={key(problem)}"
    assert 'data-testid="problem-raise-matter"' in page and raise_url in page
    form = client.get(raise_url).content.decode()
    assert "小区路灯不亮" in form and 'data-testid="from-origin"' in form
    resp = client.post(raise_url, {"title": "小区路灯不亮", "description": "北门路灯", "place": ""})
    matter = Matter.objects.get()
    assert resp.status_code == 302 and matter.origin == key(problem)
    page = client.get(page_url).content.decode()
    assert 'data-testid="problem-matter"' in page and 'data-testid="problem-raise-matter"' not in page
    detail = client.get(reverse("deliberation:matter", args=[matter.pk])).content.decode()
    assert 'data-testid="matter-origin"' in detail and page_url in detail
    assert client.get(reverse("deliberation:matter_create") + "?record=alliance.problem:999999").status_code == 404


def test_case_page_links_the_matter_both_ways(client, tree):
    from linli.workorders import services as wo

    sec = tree.users["secretary_a1"]
    client.force_login(sec)
    handed = f.matter(tree)
    case = services.matter_hand_over(actor=sec, matter=handed)
    page = client.get(reverse("workorders:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="case-matter-handed"' in page
    assert reverse("deliberation:matter", args=[handed.pk]) in page

    other = wo.case_create(
        actor=sec,
        category="other",
        title="小区停车难",
        description="晚上没有车位",
        place=tree.building_a1,
        source="counter",
        reporter_name="张三",
    )
    page = client.get(reverse("workorders:case_detail", args=[other.pk])).content.decode()
    assert 'data-testid="case-raise-matter"' in page
    raised = services.matter_raise(actor=sec, place=None, title="停车位规划", from_case=other)
    page = client.get(reverse("workorders:case_detail", args=[other.pk])).content.decode()
    assert 'data-testid="case-matter-raised"' in page and 'data-testid="case-raise-matter"' not in page
    detail = client.get(reverse("deliberation:matter", args=[raised.pk])).content.decode()
    assert 'data-testid="matter-from-case"' in detail
    client.force_login(tree.users["dept_staff"])  # sees the case, not the matter: no link to a page it cannot open
    page = client.get(reverse("workorders:case_detail", args=[case.pk]))
    assert page.status_code in (200, 404) and b"case-matter-handed" not in page.content
