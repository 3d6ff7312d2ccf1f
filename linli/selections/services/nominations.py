"""Nominations: made by staff (a registry record or a building, in their scope and under the selection's place) or
by a resident on the phone (a name and a building of the place); reviewed by staff (accept — linking the nominee
to its registry record where a resident named them — or reject with a reason); objections during 公示."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.areas.models import Level, Place
from linli.core import audit, dates
from linli.core.paths import BUILDING, path_at
from linli.core.permissions import Action, can_at, require, restrict
from linli.core.services import save_audited
from linli.registry.models import Household, Resident

from ..models import Channel, Nomination, NominationState, NomineeKind, Objection, Selection, SelectionState
from .common import check_text, day, local_resident, lock_selection, within


def household_name(household: Household) -> str:
    head = household.head.name if household.head_id else household.number
    return _("%(name)s's family") % {"name": head}


def building_name(building: Place) -> str:
    compound = building.parent.name if building.parent_id and building.parent.level == Level.COMPOUND else ""
    return f"{compound} {building.name}".strip()


def out_of_scope(field: str):
    return ValidationError({field: _("This nominee is not in the place of this selection.")})


def check_building(selection: Selection, building: Place | None, field: str = "building") -> Place:
    if building is None or building.level != Level.BUILDING or not building.is_active:
        raise ValidationError({field: _("Choose a building.")})
    if not within(building.path, selection):
        raise out_of_scope(field)
    return building


def check_resident(actor, selection: Selection, resident: Resident | None) -> Resident:
    if resident is None:
        raise ValidationError({"resident": _("Choose a resident from the list (type a name to search).")})
    if not restrict(Resident.objects.filter(pk=resident.pk, is_active=True), actor).exists():
        raise out_of_scope("resident")
    if not within(resident.scope_path, selection) or not resident.home_id:
        raise out_of_scope("resident")
    return resident


def check_household(actor, selection: Selection, household: Household | None) -> Household:
    if household is None:
        raise ValidationError({"household": _("Choose a household from the list (type a name to search).")})
    if not restrict(Household.objects.filter(pk=household.pk, is_active=True), actor).exists():
        raise out_of_scope("household")
    if not within(household.scope_path, selection):
        raise out_of_scope("household")
    return household


def check_open_for_nominations(selection: Selection) -> None:
    today = dates.today()
    if selection.state != SelectionState.NOMINATING:
        raise ValidationError({"selection": _("Nominations for this selection are closed.")})
    if not selection.nominate_from <= today <= selection.nominate_until:
        raise ValidationError(
            {
                "selection": _("Nominations are taken from %(start)s to %(end)s.")
                % {"start": day(selection.nominate_from), "end": day(selection.nominate_until)}
            }
        )


def save_nomination(actor, nomination: Nomination) -> Nomination:
    try:
        with transaction.atomic():
            save_audited(
                actor=actor,
                obj=nomination,
                action="create",
                exclude_from_validation=("selection", "resident", "household", "building", "nominated_by"),
            )
    except IntegrityError as exc:
        raise ValidationError({"nominee": _("This nominee is already nominated in this selection.")}) from exc
    return nomination


@transaction.atomic
def nominate(
    *,
    actor,
    selection: Selection,
    reason: str,
    resident: Resident | None = None,
    household: Household | None = None,
    building: Place | None = None,
    name: str = "",
) -> Nomination:
    """Staff (who may add nominations at the selection's place) nominate a registry record or a building; a
    resident of the place nominates by ``name`` and ``building`` (for a building selection, the building)."""
    selection = lock_selection(selection)
    staff = can_at(actor, Action.ADD, Nomination, selection.scope_path)
    if not staff and local_resident(actor, selection) is None:
        if not restrict(Selection.objects.filter(pk=selection.pk), actor).exists():
            raise PermissionDenied(_("You do not have permission to do this."))
        raise ValidationError(
            {"selection": _("Only residents of %(place)s can nominate in this selection.") % {"place": selection.place}}
        )
    check_open_for_nominations(selection)
    reason = check_text(reason, "reason", limit=1000)
    kind = selection.nominee_kind
    nomination = Nomination(
        selection=selection,
        reason=reason,
        channel=Channel.STAFF if staff else Channel.RESIDENT,
        nominated_by=actor,
    )
    if kind == NomineeKind.BUILDING:
        nomination.building = check_building(selection, building)
        nomination.name = building_name(nomination.building)
    elif staff:
        if kind == NomineeKind.RESIDENT:
            nomination.resident = check_resident(actor, selection, resident)
            nomination.name = nomination.resident.name
            nomination.building = Place.objects.filter(path=path_at(nomination.resident.scope_path, BUILDING)).first()
        else:
            nomination.household = check_household(actor, selection, household)
            nomination.name = household_name(nomination.household)
            nomination.building = Place.objects.filter(path=path_at(nomination.household.scope_path, BUILDING)).first()
    else:
        nomination.name = check_text(name, "name", limit=50)
        nomination.building = check_building(selection, building)
    if kind != NomineeKind.BUILDING and nomination.building is None:
        raise out_of_scope("nominee")
    return save_nomination(actor, nomination)


def lock_nomination(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_for_update(of=("self",)).select_related("selection").get(pk=nomination.pk)


@transaction.atomic
def nomination_accept(
    *, actor, nomination: Nomination, resident: Resident | None = None, household: Household | None = None
) -> Nomination:
    """Accept onto the ballot. A resident's nomination of a person or a family is linked here to the registry
    record (``resident`` / ``household``), in the reviewer's scope and under the selection's place."""
    lock_selection(nomination.selection)
    nomination = lock_nomination(nomination)
    selection = nomination.selection
    require(actor, Action.CHANGE, nomination)
    check_reviewable(nomination)
    before = audit.snapshot(nomination)
    kind = selection.nominee_kind
    if kind == NomineeKind.RESIDENT and (resident is not None or nomination.resident_id is None):
        nomination.resident = check_resident(actor, selection, resident)
    if kind == NomineeKind.HOUSEHOLD and (household is not None or nomination.household_id is None):
        nomination.household = check_household(actor, selection, household)
    nomination.state, nomination.review_reason = NominationState.ACCEPTED, ""
    nomination.reviewed_by, nomination.reviewed_on = actor, dates.today()
    try:
        with transaction.atomic():
            save_audited(actor=actor, obj=nomination, action="nomination_accept", before=before, validate=False)
    except IntegrityError as exc:
        raise ValidationError({"nominee": _("This nominee is already nominated in this selection.")}) from exc
    return nomination


@transaction.atomic
def nomination_reject(*, actor, nomination: Nomination, reason: str) -> Nomination:
    lock_selection(nomination.selection)
    nomination = lock_nomination(nomination)
    require(actor, Action.CHANGE, nomination)
    check_reviewable(nomination)
    reason = check_text(reason, "reason", limit=300)
    before = audit.snapshot(nomination)
    nomination.state, nomination.review_reason = NominationState.REJECTED, reason
    nomination.reviewed_by, nomination.reviewed_on = actor, dates.today()
    save_audited(actor=actor, obj=nomination, action="nomination_reject", before=before, validate=False)
    return nomination


def check_reviewable(nomination: Nomination) -> None:
    if nomination.selection.state != SelectionState.NOMINATING:
        raise ValidationError({"state": _("The vote has started: nominations can no longer be reviewed.")})
    if nomination.state != NominationState.PENDING:
        raise ValidationError({"state": _("This nomination has already been reviewed.")})


@transaction.atomic
def objection_raise(*, actor, selection: Selection, text: str, nomination: Nomination | None = None) -> Objection:
    """An objection to the announced result, during 公示, by a resident of the place or staff over it."""
    selection = lock_selection(selection)
    staff = can_at(actor, Action.CHANGE, Selection, selection.scope_path)
    if not staff and local_resident(actor, selection) is None:
        if not restrict(Selection.objects.filter(pk=selection.pk), actor).exists():
            raise PermissionDenied(_("You do not have permission to do this."))
        raise ValidationError(
            {
                "selection": _("Only residents of %(place)s can take part in this selection.")
                % {"place": selection.place}
            }
        )
    if selection.state != SelectionState.PUBLICITY or dates.today() > selection.publicity_until:
        raise ValidationError({"selection": _("Objections are taken only during the public notice.")})
    if nomination is not None and (nomination.selection_id != selection.pk or not nomination.is_winner):
        raise ValidationError({"nomination": _("Choose one of the announced winners.")})
    objection = Objection(
        selection=selection,
        nomination=nomination,
        text=check_text(text, "text", limit=1000),
        raised_by=actor,
        raised_on=dates.today(),
    )
    save_audited(actor=actor, obj=objection, action="create", exclude_from_validation=("selection", "nomination"))
    return objection
