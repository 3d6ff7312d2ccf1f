"""The demo's party structure and organisational life (``seed_demo --small``): about 6 % of the adults are
registered members, and the year of organisational life leaves gaps that the compliance calendar finds."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.party.models import PartyMember, PartyOrg

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(small_demo):
    return small_demo  # the whole small demo, seeded once per test process (conftest)


def test_party_demo_registers_about_six_percent_of_adults(seeded):
    from linli.registry.models import Resident

    today = timezone.localdate()
    adult_born = (
        today.replace(year=today.year - 18)
        if not (today.month == 2 and today.day == 29)
        else dt.date(today.year - 18, 2, 28)
    )
    adults = Resident.objects.filter(is_active=True, birth_date__lte=adult_born, home__isnull=False).count()
    members = PartyMember.objects.filter(is_active=True)
    assert adults > 500
    share = members.count() / adults
    assert 0.05 <= share <= 0.07, f"{members.count()} members of {adults} adults = {share:.1%}"
    # Every member is an adult resident, in one branch only, and a few are probationary.
    assert not members.filter(resident__birth_date__gt=adult_born).exists()
    assert members.values("resident").distinct().count() == members.count()
    assert 0 < members.filter(status="probationary").count() < members.count() // 5
    assert PartyOrg.objects.filter(kind="branch").exists() and PartyOrg.objects.filter(kind="group").exists()
    # 小区党支部, 网格党支部 (a compound too large for one branch, split along its grids) and 物业党支部.
    assert {"compound", "grid", "property"} <= set(
        PartyOrg.objects.filter(kind="branch").values_list("branch_type", flat=True)
    )
    grid_branch = PartyOrg.objects.filter(branch_type="grid").first()
    assert "网格党支部" in grid_branch.name


def test_orglife_demo_leaves_gaps_the_calendar_finds(seeded):
    from linli.orglife import periods, selectors
    from linli.orglife.models import Meeting

    today = timezone.localdate()
    last = periods.previous_period(periods.MONTH, today)
    orgs = list(PartyOrg.objects.filter(kind__in=selectors.CALENDAR_ORG_KINDS, is_active=True))
    assert Meeting.objects.filter(status="held").count() > len(orgs) * 6  # a year of records, not a handful
    calendars = selectors.compliance_many(orgs, last.start.year, today)
    counts = {state: sum(c.counts[state] for c in calendars) for state in periods.STATES}
    assert counts["done"] > counts["missing"] > 0  # mostly held, with gaps
    # Last month's 支委会 is missing in some branches (about a third), never in all of them.
    committee_cells = [c.cell("committee", last.key) for c in calendars if c.cell("committee", last.key)]
    missing = [cell for cell in committee_cells if cell.state == periods.MISSING]
    assert committee_cells and 0 < len(missing) < len(committee_cells)
    # A make-up held late (补开) shows as "held late", somewhere.
    assert any(c.counts[periods.OVERDUE] for c in calendars)
