"""The in-service member card from 双报到 records (party domain) and the member card's subjects."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.accounts.testing import system_user
from linli.scorecards import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def inservice(tree, year):
    from linli.party import services as party
    from linli.registry import services as registry

    root = system_user()
    people = [
        registry.resident_create(actor=root, name=n, home=tree.house_a1, political_status="cpc_member")
        for n in ("王芳", "李强")
    ]
    members = [
        party.inservice_report(
            actor=root, resident=r, community=tree.comm_a1, employer=tree.dept, reported_on=dt.date(year, 1, 10)
        )
        for r in people
    ]
    # 王芳: 30 hours in Q1, Q2 and Q4; 李强: 60 hours, all in Q3.
    for month, hours in ((2, 10), (5, 10), (11, 10)):
        party.service_record_add(
            actor=root, member=members[0], date=dt.date(year, month, 3), content="助老服务", hours=Decimal(hours)
        )
    for day in range(1, 6):
        party.service_record_add(
            actor=root, member=members[1], date=dt.date(year, 8, day), content="环境整治", hours=Decimal(12)
        )
    return members


def _line(card, code):
    return next(line for line in card.lines if line["code"] == code)


def test_inservice_card_known_points(tree, inservice, year):
    run = services.run_compute(actor=tree.users["secretary_a1"], place=tree.comm_a1, year=year, card_type="inservice")
    assert run.subject_count == 2
    wang = run.cards.get(subject_key=f"party.inservicemember:{inservice[0].pk}")
    li = run.cards.get(subject_key=f"party.inservicemember:{inservice[1].pk}")
    # hours: target 50 → 30 h = 30 of 50 points, 60 h = 50; quarters: target 4 of 30 points → 3 = 22.50, 1 = 7.50
    assert _line(wang, "hours")["points"] == "30.00" and _line(li, "hours")["points"] == "50.00"
    assert _line(wang, "quarters")["points"] == "22.50" and _line(li, "quarters")["points"] == "7.50"
    assert _line(wang, "hours")["count"] == 3 and _line(li, "hours")["count"] == 5
    assert {r["ref"].split(":")[0] for r in _line(wang, "hours")["records"]} == {"party.servicerecord"}
    assert wang.subject_detail == tree.dept.name and wang.subject_label == "王芳"
    # Nothing of another community is scored in A1's run.
    assert not services.run_compute(
        actor=tree.users["street_a"], place=tree.comm_a2, year=year, card_type="inservice"
    ).cards.exists()
