"""物业纠纷调解: every write of a property dispute, audited, through the declared state machine."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from linli.core import audit
from linli.core.permissions import Action, require, require_at
from linli.orgs.models import OrgKind

from .models import MediationCase, MediationSession, Referral

COMPOUND_LEVEL = 4


def _step(case: MediationCase, method: str) -> None:
    if not can_proceed(getattr(case, method)):
        raise ValidationError(
            {"state": _("Not possible while the dispute is “%(state)s”.") % {"state": case.get_state_display()}}
        )


def _save(actor, case: MediationCase, action: str, before: dict, note: str = "") -> MediationCase:
    case.full_clean(exclude=["state"])
    case.save()
    audit.record(actor=actor, action=action, obj=case, before=before, after=audit.snapshot(case), note=note)
    return case


@transaction.atomic
def dispute_open(*, actor, compound, owner, company, subject: str, committee_involved: bool = False) -> MediationCase:
    if compound is None or compound.level != COMPOUND_LEVEL:
        raise ValidationError({"compound": _("Choose a compound.")})
    require_at(actor, Action.ADD, MediationCase, compound.path)
    if company is None or company.kind != OrgKind.PROPERTY:
        raise ValidationError({"company": _("Choose a property company.")})
    if owner is None or not owner.scope_path.startswith(compound.path):
        raise ValidationError({"owner": _("Choose an owner living in the compound.")})
    case = MediationCase(
        compound=compound,
        scope_path=compound.path,
        owner=owner,
        company=company,
        subject=(subject or "").strip(),
        committee_involved=bool(committee_involved),
    )
    return _save(actor, case, "create", {})


def _locked(case: MediationCase) -> MediationCase:
    return MediationCase.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def session_record(*, actor, case: MediationCase, held_on, note: str) -> MediationSession:
    case = _locked(case)
    require(actor, Action.CHANGE, case)
    _step(case, "hold_session")
    session = MediationSession(case=case, held_on=held_on, note=(note or "").strip())
    session.full_clean()
    before = audit.snapshot(case)
    case.hold_session()
    session.save()
    _save(actor, case, "mediation_session", before, note=f"{held_on}: {session.note}")
    return session


@transaction.atomic
def dispute_agree(*, actor, case: MediationCase, agreement: str) -> MediationCase:
    case = _locked(case)
    require(actor, Action.CHANGE, case)
    _step(case, "agree")
    agreement = (agreement or "").strip()
    if not agreement:
        raise ValidationError({"agreement": _("Write down what the parties agreed.")})
    before = audit.snapshot(case)
    case.agree(agreement)
    return _save(actor, case, "mediation_agree", before)


@transaction.atomic
def dispute_refer(*, actor, case: MediationCase, to: str, note: str = "", category: str = "property-service"):
    """Refer the dispute: to a work order (filed here through workorders' services), to 人民调解 or to court."""
    case = _locked(case)
    require(actor, Action.CHANGE, case)
    _step(case, "refer")
    if to not in Referral.values:
        raise ValidationError({"to": _("Choose where the dispute is referred to.")})
    before = audit.snapshot(case)
    case.refer(to, (note or "")[:200])
    if to == Referral.WORK_ORDER:
        from linli.workorders.models import CaseType, Source
        from linli.workorders.services import case_create

        case.work_order = case_create(
            actor=actor,
            category=category,
            title=case.subject[:100],
            description=note or case.subject,
            place=case.compound,
            case_type=CaseType.COMPLAINT,
            source=Source.COUNTER,
            reporter_resident=case.owner,
        )
    return _save(actor, case, "mediation_refer", before, note=to)
