"""Every read of 红色物业 and the evaluation. The public compound page shows only public facts: company, term,
fees, hotline, 亮身份 staff (name and role), the latest evaluation score and a count of open property problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from linli.core import dates
from linli.core.permissions import Action, restrict
from linli.registry.selectors import resident_of

from .models import EvaluationAnswer, EvaluationRound, EvaluationScore, ServiceContract, StaffBadge


def household_of(user):
    """The current household of the login's resident record, or None."""
    from linli.registry.models import Household

    resident = resident_of(user)
    if resident is None:
        return None
    return (
        Household.objects.filter(is_active=True, memberships__resident=resident, memberships__until__isnull=True)
        .order_by("pk")
        .first()
    )


def contracts(user, *, action=Action.VIEW):
    return restrict(ServiceContract.objects.all(), user, action).select_related("company", "compound")


def rounds(user, *, action=Action.VIEW):
    return (
        restrict(EvaluationRound.objects.all(), user, action)
        .select_related("compound")
        .annotate(answer_count=Count("answers", distinct=True))
    )


def current_contract(compound) -> ServiceContract | None:
    today = dates.today()
    return (
        ServiceContract.objects.filter(compound=compound, starts_on__lte=today, ends_on__gte=today)
        .select_related("company")
        .prefetch_related("fees")
        .first()
    )


def households_in(compound) -> int:
    from linli.registry.models import Household

    return Household.objects.filter(is_active=True, scope_path__startswith=compound.path).count()


@dataclass
class ItemResult:
    text: str
    average: Decimal | None
    answers: int


@dataclass
class RoundResult:
    round: EvaluationRound
    households: int
    answers: int
    response_rate: Decimal | None
    score: Decimal | None
    items: list[ItemResult] = field(default_factory=list)


def _q(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def round_results(rnd: EvaluationRound) -> RoundResult:
    """Average stars per item and overall, response rate = answering households / households of the compound.
    Integer sums divided as Decimal (no floats)."""
    rows = (
        EvaluationScore.objects.filter(item__round=rnd)
        .values("item_id")
        .annotate(total=Sum("stars"), n=Count("id"))
        .order_by()
    )
    by_item = {r["item_id"]: r for r in rows}
    items = []
    grand_total = grand_n = 0
    for item in rnd.items.all():
        r = by_item.get(item.pk, {"total": 0, "n": 0})
        grand_total += r["total"] or 0
        grand_n += r["n"]
        avg = _q(Decimal(r["total"]) / r["n"]) if r["n"] else None
        items.append(ItemResult(item.text, avg, r["n"]))
    answers = EvaluationAnswer.objects.filter(round=rnd).count()
    households = households_in(rnd.compound)
    rate = _q(Decimal(100 * answers) / households) if households else None
    score = _q(Decimal(grand_total) / grand_n) if grand_n else None
    return RoundResult(rnd, households, answers, rate, score, items)


def latest_result(compound) -> RoundResult | None:
    """The most recent round of the compound that has answers (opened on or before today)."""
    rnd = (
        EvaluationRound.objects.filter(compound=compound, opens_on__lte=dates.today(), answers__isnull=False)
        .order_by("-year", "-quarter")
        .first()
    )
    return round_results(rnd) if rnd else None


def open_round(compound) -> EvaluationRound | None:
    today = dates.today()
    return (
        EvaluationRound.objects.filter(compound=compound, opens_on__lte=today, closes_on__gte=today)
        .prefetch_related("items")
        .first()
    )


def open_problems(compound) -> int:
    """Open work orders of the property categories at the compound (a count only)."""
    from linli.workorders.models import Case
    from linli.workorders.models.case import OPEN_STATES

    return Case.objects.filter(
        Q(scope_path__startswith=compound.path), category__handled_by_property=True, state__in=OPEN_STATES
    ).count()


def party_orgs_of(company):
    from linli.party.models import PartyOrg

    return PartyOrg.objects.filter(organisation=company, is_active=True).order_by("pk")


def badges_of(company) -> list[tuple[str, str]]:
    """亮身份: (name, role) only — never a phone or ID number."""
    rows = StaffBadge.objects.filter(company=company, member__is_active=True).values_list(
        "member__resident__name", "role_title"
    )
    return list(rows)


def compound_page(compound) -> dict:
    contract = current_contract(compound)
    page = {
        "compound": compound,
        "contract": contract,
        "fees": list(contract.fees.all()) if contract else [],
        "party_orgs": list(party_orgs_of(contract.company)) if contract else [],
        "badges": badges_of(contract.company) if contract else [],
        "result": latest_result(compound),
        "open_problems": open_problems(compound),
        "open_round": open_round(compound),
    }
    return page


def disputes(user, *, action=Action.VIEW):
    from .models import MediationCase

    return restrict(MediationCase.objects.all(), user, action).order_by("-created_at", "-id")
