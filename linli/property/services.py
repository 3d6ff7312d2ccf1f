"""Every write of 红色物业 and the resident evaluation, audited and atomic. Bad input raises a field-keyed
``ValidationError`` before anything is written."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.core import audit, dates
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited
from linli.orgs.models import OrgKind

from .models import (
    EvaluationAnswer,
    EvaluationItem,
    EvaluationRound,
    EvaluationScore,
    FeeCategory,
    FeeRate,
    ServiceContract,
    StaffBadge,
)
from .selectors import household_of

CONTRACT_FIELDS = ("starts_on", "ends_on", "standard", "hotline")
COMPOUND_LEVEL = 4
MAX_ITEMS = 12


def _check_compound(compound, field="compound"):
    if compound is None or compound.level != COMPOUND_LEVEL:
        raise ValidationError({field: _("Choose a compound.")})


def _fees(fees: dict) -> dict[str, Decimal]:
    out = {}
    for category, value in (fees or {}).items():
        if category not in FeeCategory.values:
            raise ValidationError({"fees": _("Unknown fee category.")})
        try:
            rate = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValidationError({"fees": _("A fee rate must be a number of yuan.")}) from None
        if not rate.is_finite() or rate < 0 or rate > 1000 or rate != rate.quantize(Decimal("0.01")):
            raise ValidationError({"fees": _("A fee rate is between 0 and 1000 yuan, to the fen.")})
        out[category] = rate
    return out


@transaction.atomic
def contract_create(*, actor, company, compound, fees: dict | None = None, **attrs) -> ServiceContract:
    """Record a company's service contract for a compound, with its fee schedule {category: yuan per m²}."""
    _check_compound(compound)
    require_at(actor, Action.ADD, ServiceContract, compound.path)
    if company is None or company.kind != OrgKind.PROPERTY:
        raise ValidationError({"company": _("Choose a property company.")})
    rates = _fees(fees)
    contract = ServiceContract(company=company, compound=compound, scope_path=compound.path)
    assign(contract, attrs, CONTRACT_FIELDS)
    contract.full_clean()
    overlap = ServiceContract.objects.filter(
        compound=compound, starts_on__lt=contract.ends_on, ends_on__gt=contract.starts_on
    ).exists()
    if overlap:
        raise ValidationError({"starts_on": _("Another contract covers this compound in that period.")})
    save_audited(actor=actor, obj=contract, action="create")
    FeeRate.objects.bulk_create([FeeRate(contract=contract, category=c, rate=r) for c, r in rates.items()])
    if rates:
        audit.record(
            actor=actor, action="update", obj=contract, note="fees: " + ", ".join(f"{c}={r}" for c, r in rates.items())
        )
    return contract


@transaction.atomic
def contract_update(*, actor, contract: ServiceContract, fees: dict | None = None, **changes) -> ServiceContract:
    contract = ServiceContract.objects.select_for_update().get(pk=contract.pk)
    require(actor, Action.CHANGE, contract)
    before = audit.snapshot(contract)
    assign(contract, changes, CONTRACT_FIELDS)
    rates = _fees(fees) if fees is not None else None
    note = ""
    if rates is not None:
        contract.fees.all().delete()
        FeeRate.objects.bulk_create([FeeRate(contract=contract, category=c, rate=r) for c, r in rates.items()])
        note = "fees: " + ", ".join(f"{c}={r}" for c, r in rates.items())
    save_audited(actor=actor, obj=contract, action="update", before=before, note=note)
    return contract


@transaction.atomic
def badge_add(*, actor, contract: ServiceContract, member, role_title: str) -> StaffBadge:
    """亮身份: show a party member of the company's own party organisation with their role."""
    require(actor, Action.CHANGE, contract)
    if member is None or member.org.organisation_id != contract.company_id or not member.is_active:
        raise ValidationError({"member": _("Choose an active member of the company's party organisation.")})
    role_title = (role_title or "").strip()
    if not role_title:
        raise ValidationError({"role_title": _("Say the member's role at the company.")})
    if StaffBadge.objects.filter(company_id=contract.company_id, member=member).exists():
        raise ValidationError({"member": _("This member is already shown.")})
    badge = StaffBadge(company_id=contract.company_id, member=member, role_title=role_title)
    badge.full_clean()
    badge.save()
    audit.record(actor=actor, action="create", obj=badge, after=audit.snapshot(badge))
    return badge


@transaction.atomic
def round_create(*, actor, compound, year: int, quarter: int, opens_on, closes_on, items: list[str]) -> EvaluationRound:
    _check_compound(compound)
    require_at(actor, Action.ADD, EvaluationRound, compound.path)
    texts = [t.strip() for t in items or [] if t and t.strip()]
    if not texts:
        raise ValidationError({"items": _("Give at least one question.")})
    if len(texts) > MAX_ITEMS or any(len(t) > 60 for t in texts):
        raise ValidationError({"items": _("At most 12 questions of at most 60 characters each.")})
    rnd = EvaluationRound(
        compound=compound, scope_path=compound.path, year=year, quarter=quarter, opens_on=opens_on, closes_on=closes_on
    )
    rnd.full_clean()
    save_audited(actor=actor, obj=rnd, action="create", note=" | ".join(texts))
    EvaluationItem.objects.bulk_create([EvaluationItem(round=rnd, text=t, order=i) for i, t in enumerate(texts)])
    return rnd


@transaction.atomic
def answer_submit(*, actor, round: EvaluationRound, stars: dict[int, int]) -> EvaluationAnswer:
    """A resident answers for their household: one answer per household per round (a database constraint)."""
    household = household_of(actor)
    if household is None or not household.scope_path.startswith(round.scope_path):
        raise PermissionDenied(_("Only households of this compound answer its evaluation."))
    today = dates.today()
    if not (round.opens_on <= today <= round.closes_on):
        raise ValidationError({"round": _("This evaluation is not open.")})
    items = list(round.items.all())
    scores = []
    for item in items:
        value = (stars or {}).get(item.pk)
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise ValidationError({f"item_{item.pk}": _("Give 1 to 5 stars.")}) from None
        if not 1 <= value <= 5:
            raise ValidationError({f"item_{item.pk}": _("Give 1 to 5 stars.")})
        scores.append((item, value))
    if set((stars or {}).keys()) - {i.pk for i in items}:
        raise ValidationError({"stars": _("Unknown question.")})
    answer = EvaluationAnswer(round=round, household=household, answered_by=actor)
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError:
        raise ValidationError({"round": _("Your household has already answered this round.")}) from None
    EvaluationScore.objects.bulk_create([EvaluationScore(answer=answer, item=i, stars=v) for i, v in scores])
    audit.record(actor=actor, action="create", obj=answer, note=", ".join(str(v) for _i, v in scores))
    return answer
