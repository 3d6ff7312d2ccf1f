"""红色物业 contracts, 亮身份, the public compound page, and the residents' evaluation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from linli.accounts.testing import system_user
from linli.core import dates
from linli.core.models import AuditLog
from linli.party.tests import factories as pf
from linli.property import selectors, services
from linli.property.models import EvaluationAnswer, EvaluationScore, FeeRate, ServiceContract
from linli.registry import services as reg

TODAY = dates.today()


def contract(tree, actor=None, **kw):
    attrs = {
        "company": tree.property_co,
        "compound": tree.compound_a1,
        "starts_on": TODAY - dt.timedelta(days=100),
        "ends_on": TODAY + dt.timedelta(days=600),
        "standard": "2",
        "hotline": "0555-2345678",
        "fees": {"residential": Decimal("1.20"), "garage": "0.60"},
    }
    attrs.update(kw)
    return services.contract_create(actor=actor or tree.users["secretary_a1"], **attrs)


def household_for(tree, username="resident_a1", house=None):
    head = reg.resident_create(actor=system_user(), name="王芳", home=house or tree.house_a1, phone="13900001111")
    type(head).objects.filter(pk=head.pk).update(account=tree.users[username])
    return reg.household_create(actor=system_user(), house=house or tree.house_a1, head=head)


def open_round(tree, **kw):
    attrs = {
        "compound": tree.compound_a1,
        "year": TODAY.year,
        "quarter": (TODAY.month - 1) // 3 + 1,
        "opens_on": TODAY - dt.timedelta(days=1),
        "closes_on": TODAY + dt.timedelta(days=20),
        "items": ["环境卫生", "秩序维护"],
    }
    attrs.update(kw)
    return services.round_create(actor=tree.users["secretary_a1"], **attrs)


def test_contract_with_decimal_fees_is_audited(tree):
    c = contract(tree)
    assert {f.category: f.rate for f in c.fees.all()} == {"residential": Decimal("1.20"), "garage": Decimal("0.60")}
    assert AuditLog.objects.filter(object_type="property.servicecontract", object_id=str(c.pk)).exists()
    assert c.scope_path == tree.compound_a1.path


@pytest.mark.parametrize(
    "bad",
    [
        {"fees": {"residential": "-1"}},
        {"fees": {"residential": "1.234"}},
        {"fees": {"residential": "abc"}},
        {"fees": {"pool": "1"}},
        {"ends_on": TODAY - dt.timedelta(days=200)},
        {"hotline": "call us"},
    ],
)
def test_bad_contract_writes_nothing(tree, bad):
    before = (ServiceContract.objects.count(), FeeRate.objects.count(), AuditLog.objects.count())
    with pytest.raises(ValidationError):
        contract(tree, **bad)
    assert (ServiceContract.objects.count(), FeeRate.objects.count(), AuditLog.objects.count()) == before


def test_contract_needs_property_company_compound_and_scope(tree):
    with pytest.raises(ValidationError):
        contract(tree, company=tree.dept)
    with pytest.raises(ValidationError):
        contract(tree, compound=tree.building_a1)
    with pytest.raises(PermissionDenied):
        contract(tree, actor=tree.users["secretary_a1"], compound=tree.building_b1.parent)
    contract(tree)
    with pytest.raises(ValidationError) as exc:
        contract(tree)  # overlapping term
    assert "starts_on" in exc.value.message_dict


def test_property_staff_see_own_company_contracts_only(tree):
    c = contract(tree)
    assert list(selectors.contracts(tree.users["property_staff"])) == [c]
    assert list(selectors.contracts(tree.users["dept_staff"])) == []


def test_badges_show_name_and_role_only(tree):
    c = contract(tree)
    org = pf.branch(tree, organisation=tree.property_co)
    member = pf.members(org, 1, home=tree.house_a1)[0]
    services.badge_add(actor=tree.users["secretary_a1"], contract=c, member=member, role_title="客服主管")
    assert selectors.badges_of(tree.property_co) == [(member.resident.name, "客服主管")]
    other = pf.members(pf.branch(tree), 1, home=tree.house_a1)[0]
    with pytest.raises(ValidationError):
        services.badge_add(actor=tree.users["secretary_a1"], contract=c, member=other, role_title="保安")
    page = selectors.compound_page(tree.compound_a1)
    assert [o.pk for o in page["party_orgs"]] == [org.pk]


def test_one_answer_per_household_and_results(tree):
    rnd = open_round(tree)
    household_for(tree)
    items = list(rnd.items.all())
    services.answer_submit(actor=tree.users["resident_a1"], round=rnd, stars={items[0].pk: 5, items[1].pk: 4})
    with pytest.raises(ValidationError):
        services.answer_submit(actor=tree.users["resident_a1"], round=rnd, stars={items[0].pk: 1, items[1].pk: 1})
    assert EvaluationAnswer.objects.count() == 1
    result = selectors.round_results(rnd)
    assert [i.average for i in result.items] == [Decimal("5.00"), Decimal("4.00")]
    assert result.score == Decimal("4.50")
    assert result.households == 1 and result.response_rate == Decimal("100.00")


def test_database_refuses_second_answer_and_bad_stars(tree):
    rnd = open_round(tree)
    hh = household_for(tree)
    EvaluationAnswer.objects.create(round=rnd, household=hh)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationAnswer.objects.create(round=rnd, household=hh)
    answer = EvaluationAnswer.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationScore.objects.create(answer=answer, item=rnd.items.first(), stars=6)


@pytest.mark.parametrize("stars", [{"a": 5}, {0: 6}, {0: 0}, {0: "x"}, {}])
def test_bad_stars_write_nothing(tree, stars):
    rnd = open_round(tree)
    household_for(tree)
    first = rnd.items.first().pk
    stars = {first if k == 0 else k: v for k, v in stars.items()}
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError):
        services.answer_submit(actor=tree.users["resident_a1"], round=rnd, stars=stars)
    assert EvaluationAnswer.objects.count() == 0 and AuditLog.objects.count() == before


def test_only_households_of_the_compound_and_only_while_open(tree):
    rnd = open_round(tree)
    items = {i.pk: 3 for i in rnd.items.all()}
    with pytest.raises(PermissionDenied):  # no household
        services.answer_submit(actor=tree.users["resident_a1"], round=rnd, stars=items)
    household_for(tree, house=tree.house_b1)
    with pytest.raises(PermissionDenied):
        services.answer_submit(actor=tree.users["resident_a1"], round=rnd, stars=items)
    closed = open_round(tree, year=2025, quarter=1, opens_on=dt.date(2025, 1, 1), closes_on=dt.date(2025, 3, 31))
    household_for(tree, username="head_a1")
    with pytest.raises(ValidationError):
        services.answer_submit(actor=tree.users["head_a1"], round=closed, stars={i.pk: 3 for i in closed.items.all()})


def test_round_once_per_quarter_and_needs_items(tree):
    open_round(tree)
    with pytest.raises(ValidationError):
        open_round(tree)
    with pytest.raises(ValidationError):
        open_round(tree, year=2025, quarter=2, items=["  "])


def test_open_problems_count_open_property_cases_at_the_compound(tree):
    from linli.workorders import services as wo

    def report(category, place):
        return wo.case_create(
            actor=tree.users["district_admin"],
            title="电梯经常停运",
            description="1栋电梯这周停了三次",
            place=place,
            case_type="complaint",
            category=category,
        )

    report("property-repair", tree.building_a1)
    report("property-service", tree.building_a1)
    report("illegal-building", tree.building_a1)  # not a property category
    report("property-repair", tree.building_a2)  # another compound
    assert selectors.open_problems(tree.compound_a1) == 2
