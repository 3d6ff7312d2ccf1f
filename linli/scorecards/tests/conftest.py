import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.testing import system_user


@pytest.fixture
def year():
    return timezone.localdate().year - 1


@pytest.fixture
def orgs_alliance(tree, year):
    """An alliance in A1 with two member organisations and known records for ``year``."""
    from linli.alliance import services as al
    from linli.alliance.models import ItemStatus
    from linli.orgs import services as orgs

    root = system_user()
    a = al.alliance_create(actor=root, community=tree.comm_a1)
    ent = orgs.organisation_create(actor=root, area=tree.comm_a1, kind="enterprise", name="雨秀科技有限公司")
    m1 = al.member_add(actor=root, alliance=a, organisation=ent)
    m2 = al.member_add(actor=root, alliance=a, organisation=tree.dept)
    c = al.commitment_create(actor=root, member=m1, year=year, items=["a", "b", "c", "d"])
    for item in list(c.items.order_by("pk"))[:3]:
        al.commitment_item_update(
            actor=root, item=item, status=ItemStatus.FULFILLED, evidence="记录", fulfilled_on=dt.date(year, 6, 1)
        )
    al.meeting_record(actor=root, alliance=a, held_on=dt.date(year, 2, 10), topic="Q1", attendees=[m1, m2])
    al.meeting_record(actor=root, alliance=a, held_on=dt.date(year, 3, 10), topic="Q1 again", attendees=[m1])
    al.meeting_record(actor=root, alliance=a, held_on=dt.date(year, 8, 10), topic="Q3", attendees=[m1])
    p = al.problem_create(
        actor=root, alliance=a, title="路灯", description="坏", responsible=m1, found_on=dt.date(year, 4, 1)
    )
    al.problem_solve(actor=root, problem=p, solution="修好", solved_on=dt.date(year, 5, 1))
    for i in range(3):
        w = al.wish_claim_record(actor=root, member=m1, title=f"心愿{i}", claimed_on=dt.date(year, 3, 1))
        al.wish_claim_fulfil(actor=root, claim=w, fulfilled_on=dt.date(year, 4, 1))
    a.m1, a.m2, a.ent = m1, m2, ent
    return a
