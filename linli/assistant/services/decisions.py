"""The suggestion on a case and the dispatcher's decision: accepted in one click (the case gets the suggested
category and is dispatched to the suggested lead) or overridden (dispatched otherwise) — both recorded."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit
from linli.workorders import policy as wo_policy
from linli.workorders import services as wo
from linli.workorders.models import Case, State

from ..engine.text import MAX_CHARS
from ..models import Decision, Suggestion
from . import routing


def case_text(case: Case) -> str:
    return f"{case.title}。{case.description}"[:MAX_CHARS]


def top_of(category):
    return category.parent if category.parent_id else category


def suggestion_for(case: Case) -> Suggestion:
    """The case's suggestion, made now if it has none yet (a system write: no actor)."""
    found = Suggestion.objects.filter(case=case).select_related("category", "organisation").first()
    if found is not None:
        return found
    r = routing.route(case_text(case), place=case.place, user=None, exclude=case, stored=True)
    try:
        with transaction.atomic():
            s = Suggestion.objects.create(
                case=case,
                scope_path=case.scope_path,
                model_version=r.model_version,
                category=r.category,
                organisation=r.organisation,
                confidence=r.confidence,
                reasons=r.reasons,
                alternatives=r.alternatives,
                urgency=r.urgency,
                duplicates=r.duplicates,
            )
            audit.record(actor=None, action="create", obj=s, after=audit.snapshot(s), note="assistant")
    except IntegrityError:  # made meanwhile by another request
        return Suggestion.objects.select_related("category", "organisation").get(case=case)
    return s


def may_decide(case: Case, user) -> bool:
    return wo_policy.controls_queue(case, user) and "dispatch" in wo.allowed_actions(case, user)


@transaction.atomic
def suggestion_accept(*, actor, case: Case) -> Suggestion:
    """One click: the suggested category (if the case's differs) and a dispatch to the suggested lead."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not may_decide(case, actor):
        raise PermissionDenied(_("Only the queue's owner may dispatch this case now."))
    s = Suggestion.objects.select_for_update().filter(case=case).first() or suggestion_for(case)
    if s.decision != Decision.PENDING:
        raise ValidationError(_("This suggestion has been decided already."))
    if top_of(case.category).pk != s.category_id:
        case = wo.case_recategorise(
            actor=actor, case=case, category=s.category, note=_("Suggested by the assistant, accepted")
        )
    wo.case_dispatch(actor=actor, case=case, lead_org=s.organisation, note=_("Suggested by the assistant, accepted"))
    return _decide(actor=actor, s=s, decision=Decision.ACCEPTED, category=s.category, organisation=s.organisation)


def _decide(*, actor, s: Suggestion, decision: str, category, organisation) -> Suggestion:
    before = audit.snapshot(s)
    s.decision = decision
    s.final_category = category
    s.final_organisation = organisation
    s.decided_by = actor if getattr(actor, "pk", None) else None
    s.decided_at = timezone.now()
    s.save(update_fields=["decision", "final_category", "final_organisation", "decided_by", "decided_at", "updated_at"])
    action = "suggestion_accept" if decision == Decision.ACCEPTED else "suggestion_override"
    audit.record(actor=actor, action=action, obj=s, before=before, after=audit.snapshot(s))
    return s


@transaction.atomic
def record_dispatch(*, case_id: int) -> Suggestion | None:
    """A case was dispatched: a pending suggestion is decided by what the dispatcher chose (idempotent)."""
    s = Suggestion.objects.select_for_update().filter(case_id=case_id, decision=Decision.PENDING).first()
    if s is None:
        return None
    case = Case.objects.select_related("category__parent", "lead_org").get(pk=case_id)
    if case.state in (State.ACCEPTED,):
        return None
    actor = case.events.filter(action="dispatch").order_by("-at").values_list("actor", flat=True).first()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=actor).first() if actor else None
    category = top_of(case.category)
    same = category.pk == s.category_id and case.lead_org_id == s.organisation_id
    return _decide(
        actor=user,
        s=s,
        decision=Decision.ACCEPTED if same else Decision.OVERRIDDEN,
        category=category,
        organisation=case.lead_org,
    )
