"""Use cases of the data centre: the only place residents, households, occupancy and tags are written."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.areas.models import Level, Place
from linli.core import audit, crypto, dates
from linli.core.permissions import Action, require, require_at, restrict
from linli.core.services import assign

from . import identity
from .models import (
    CareTag,
    Household,
    HouseholdMember,
    IdType,
    Occupancy,
    OccupancyKind,
    Relation,
    Resident,
    ResidentTag,
)
from .models.occupancy import OWNER_KINDS

PLAIN_FIELDS = {
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "political_status",
    "residence_status",
    "employer",
    "education",
    "notes",
}


def _scope_for(home: Place | None, registered_at: Place | None) -> str:
    if home is not None:
        if home.level != Level.HOUSE:
            raise ValidationError({"home": _("A home is a house.")})
        return home.path
    if registered_at is None:
        raise ValidationError({"home": _("Give the house the person lives in, or the community registering them.")})
    if registered_at.level > Level.HOUSE or registered_at.level < Level.COMMUNITY:
        raise ValidationError({"home": _("Register a person under a community or below.")})
    return registered_at.path


def _apply_identity(resident: Resident, id_type: str | None, id_number: str | None, phone: str | None) -> None:
    errors = {}
    if id_number is not None:
        id_type = id_type or resident.id_type or IdType.ID_CARD
        try:
            number, birth, gender = identity.normalize_id(id_type, id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            if number and birth is not None:
                if resident.birth_date and resident.birth_date != birth:
                    errors["birth_date"] = [
                        _("The birth date differs from the one in the ID card number (%(d)s).")
                        % {"d": birth.isoformat()}
                    ]
                if resident.gender not in ("U", "", gender):
                    errors["gender"] = [_("The gender differs from the one in the ID card number.")]
                resident.birth_date, resident.gender = birth, gender
            sealed = identity.seal_id(id_type, number)
            resident.id_type = id_type if number else ""
            resident.id_cipher, resident.id_hash = sealed.cipher, sealed.hash
            resident.id_masked, resident.id_last4 = sealed.masked, sealed.last4
    if phone is not None:
        try:
            sealed = identity.seal_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
        else:
            resident.phone_cipher, resident.phone_hash = sealed.cipher, sealed.hash
            resident.phone_masked, resident.phone_last4 = sealed.masked, sealed.last4
    if errors:
        raise ValidationError(errors)


def find_by_id(id_type: str, number: str) -> Resident | None:
    """The active record holding this document number (exact, by keyed hash), if any."""
    number, _b, _g = identity.normalize_id(id_type, number)
    return Resident.objects.filter(
        id_type=id_type, id_hash=identity.id_hash(id_type, number), merged_into__isnull=True
    ).first()


def _check_duplicate(resident: Resident, actor) -> None:
    """One person, one record. The other record is named only to an actor who may read it: outside their area
    the refusal says that the number is registered and whom to ask, nothing of that record (issue 11)."""
    if not resident.id_hash:
        return
    clash = (
        Resident.objects.filter(id_type=resident.id_type, id_hash=resident.id_hash, merged_into__isnull=True)
        .exclude(pk=resident.pk)
        .first()
    )
    if clash is None:
        return
    if restrict(Resident.objects.filter(pk=clash.pk), actor, Action.VIEW).exists():
        raise ValidationError(
            {
                "id_number": _(
                    "This document number is already registered (%(masked)s, record #%(id)s): one person, one record."
                )
                % {"masked": clash.id_masked, "id": clash.pk}
            }
        )
    raise ValidationError(
        {
            "id_number": _(
                "This document number is already registered outside your area: one "
                "person, one record. To move that person here, ask your community office "
                "or the district's data administrator."
            )
        }
    )


def _refresh_derived(resident: Resident) -> None:
    resident.name = (resident.name or "").strip()
    resident.name_pinyin, resident.name_initials = identity.pinyin(resident.name)
    if resident.home_id:
        resident.address = resident.home.full_address()[:200]


@transaction.atomic
def resident_create(
    *,
    actor,
    name: str,
    id_type: str = "",
    id_number: str = "",
    phone: str = "",
    home: Place | None = None,
    registered_at: Place | None = None,
    **attrs,
) -> Resident:
    scope_path = _scope_for(home, registered_at)
    require_at(actor, Action.ADD, Resident, scope_path)
    resident = Resident(name=name, home=home, scope_path=scope_path)
    assign(resident, attrs, PLAIN_FIELDS - {"name"})
    _apply_identity(resident, id_type or (IdType.ID_CARD if id_number else ""), id_number, phone)
    _refresh_derived(resident)
    _check_duplicate(resident, actor)
    resident.full_clean()
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:  # a concurrent registration of the same ID
        raise ValidationError({"id_number": _("This document number is already registered.")}) from exc
    audit.record(actor=actor, action="create", obj=resident, after=audit.snapshot(resident))
    return resident


@transaction.atomic
def resident_update(
    *,
    actor,
    resident: Resident,
    id_type: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    **changes,
) -> Resident:
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    require(actor, Action.CHANGE, resident)
    before = audit.snapshot(resident)
    assign(resident, changes, PLAIN_FIELDS)
    _apply_identity(resident, id_type, id_number, phone)
    _refresh_derived(resident)
    _check_duplicate(resident, actor)
    resident.full_clean()
    resident.save()
    audit.record(actor=actor, action="update", obj=resident, before=before, after=audit.snapshot(resident))
    return resident


@transaction.atomic
def reveal(*, actor, resident: Resident, field: str, purpose: str = "") -> str:
    """Return one personal number in full. Needs the "reveal" right on the record and a purpose; always audited."""
    if field not in ("id_number", "phone"):
        raise ValidationError({"field": _("Only the ID number or the phone can be shown in full.")})
    require(actor, Action.REVEAL, resident)
    audit.record_reveal(actor=actor, obj=resident, field=field, purpose=purpose)  # refused without a purpose
    cipher = resident.id_cipher if field == "id_number" else resident.phone_cipher
    return crypto.decrypt(cipher)


@transaction.atomic
def resident_move_home(
    *, actor, resident: Resident, home: Place | None, registered_at: Place | None = None
) -> Resident:
    """Change where the record sits (its scope follows)."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    require(actor, Action.CHANGE, resident)
    new_path = _scope_for(home, registered_at)
    require_at(actor, Action.ADD, Resident, new_path)
    before = audit.snapshot(resident)
    resident.home, resident.scope_path = home, new_path
    resident.address = home.full_address()[:200] if home else ""
    resident.save()
    ResidentTag.objects.filter(resident=resident).update(scope_path=new_path)
    audit.record(actor=actor, action="move", obj=resident, before=before, after=audit.snapshot(resident))
    return resident


# -- households ---------------------------------------------------------------------------------------


def _next_household_number(house: Place) -> str:
    n = Household.objects.filter(house=house).count()
    while True:
        n += 1
        number = f"{house.code}H{n:02d}"
        if not Household.objects.filter(number=number).exists():
            return number


@transaction.atomic
def household_create(
    *, actor, house: Place, head: Resident, since: dt.date | None = None, number: str = ""
) -> Household:
    if house.level != Level.HOUSE:
        raise ValidationError({"house": _("A household lives in a house.")})
    require_at(actor, Action.ADD, Household, house.path)
    require(actor, Action.VIEW, head)
    number = (number or "").strip() or _next_household_number(house)
    if Household.objects.filter(number=number).exists():
        raise ValidationError({"number": _("This household number is already in use.")})
    household = Household(number=number, house=house, scope_path=house.path)
    household.full_clean()
    household.save()
    audit.record(actor=actor, action="create", obj=household, after=audit.snapshot(household))
    household_move_in(
        actor=actor, household=household, resident=head, relation=Relation.HEAD, since=since or dates.today()
    )
    return household


@transaction.atomic
def household_move_in(
    *, actor, household: Household, resident: Resident, relation: str, since: dt.date
) -> HouseholdMember:
    """迁入: the resident joins the household (leaving any current one on the same day)."""
    require(actor, Action.CHANGE, household)
    require(actor, Action.VIEW, resident)
    if relation not in Relation.values:
        raise ValidationError({"relation": _("Select a valid choice.")})
    if relation == Relation.HEAD and household.head_id and household.head_id != resident.pk:
        raise ValidationError({"relation": _("This household already has a head.")})
    current = HouseholdMember.objects.filter(resident=resident, until__isnull=True).select_related("household")
    for membership in current:
        if membership.household_id == household.pk:
            raise ValidationError({"resident": _("This person already belongs to this household.")})
        household_move_out(actor=actor, membership=membership, until=since)
    member = HouseholdMember(
        household=household, resident=resident, relation=relation, since=since, scope_path=household.scope_path
    )
    member.full_clean()
    member.save()
    if relation == Relation.HEAD:
        household.head = resident
        household.save(update_fields=["head", "updated_at"])
    if resident.home_id != household.house_id:
        resident.home, resident.scope_path = household.house, household.scope_path
        resident.address = household.house.full_address()[:200]
        resident.save(update_fields=["home", "scope_path", "address", "updated_at"])
        ResidentTag.objects.filter(resident=resident).update(scope_path=household.scope_path)
    audit.record(actor=actor, action="create", obj=member, after=audit.snapshot(member), note="move_in")
    return member


@transaction.atomic
def household_move_out(*, actor, membership: HouseholdMember, until: dt.date) -> HouseholdMember:
    """迁出: the membership ends; the history stays."""
    require(actor, Action.CHANGE, membership.household)
    if membership.until is not None:
        raise ValidationError({"until": _("This person has already moved out.")})
    if until < membership.since:
        raise ValidationError(
            {"until": _("Moving out cannot be before moving in (%(d)s).") % {"d": membership.since.isoformat()}}
        )
    before = audit.snapshot(membership)
    membership.until = until
    membership.save(update_fields=["until", "updated_at"])
    household = membership.household
    if household.head_id == membership.resident_id:
        household.head = None
        household.save(update_fields=["head", "updated_at"])
    audit.record(
        actor=actor, action="update", obj=membership, before=before, after=audit.snapshot(membership), note="move_out"
    )
    return membership


# -- occupancy ----------------------------------------------------------------------------------------


@transaction.atomic
def occupancy_add(
    *, actor, house: Place, resident: Resident, kind: str, since: dt.date, share: Fraction | None = None
) -> Occupancy:
    if house.level != Level.HOUSE:
        raise ValidationError({"house": _("Only houses are owned or rented.")})
    if kind not in OccupancyKind.values:
        raise ValidationError({"kind": _("Select a valid choice.")})
    require_at(actor, Action.ADD, Occupancy, house.path)
    require(actor, Action.VIEW, resident)
    share = Fraction(share) if share is not None else Fraction(1)
    if kind not in OWNER_KINDS:
        share = Fraction(1)
    if not 0 < share <= 1:
        raise ValidationError({"share": _("A share is more than 0 and at most 1.")})
    if kind in OWNER_KINDS:
        held = sum(
            (o.share for o in Occupancy.objects.filter(house=house, kind__in=OWNER_KINDS, until__isnull=True)),
            Fraction(0),
        )
        if held + share > 1:
            raise ValidationError(
                {
                    "share": _("The owners' shares of this house would exceed the whole (%(held)s already held).")
                    % {"held": str(held)}
                }
            )
    occupancy = Occupancy(
        house=house,
        resident=resident,
        kind=kind,
        since=since,
        scope_path=house.path,
        share_numerator=share.numerator,
        share_denominator=share.denominator,
    )
    occupancy.full_clean()
    try:
        with transaction.atomic():
            occupancy.save()
    except IntegrityError as exc:
        raise ValidationError({"kind": _("This person already holds this house in this way.")}) from exc
    audit.record(actor=actor, action="create", obj=occupancy, after=audit.snapshot(occupancy))
    return occupancy


@transaction.atomic
def occupancy_end(*, actor, occupancy: Occupancy, until: dt.date) -> Occupancy:
    require(actor, Action.CHANGE, occupancy)
    if occupancy.until is not None:
        raise ValidationError({"until": _("This has already ended.")})
    if until < occupancy.since:
        raise ValidationError({"until": _("The end cannot be before the start.")})
    before = audit.snapshot(occupancy)
    occupancy.until = until
    occupancy.save(update_fields=["until", "updated_at"])
    audit.record(actor=actor, action="update", obj=occupancy, before=before, after=audit.snapshot(occupancy))
    return occupancy


# -- care groups --------------------------------------------------------------------------------------


def tag_visible_to(user, tag: CareTag) -> bool:
    from linli.core.permissions import bindings_for

    if not tag.sensitive or user.is_superuser:
        return True
    return any(b.role in tag.roles for b in bindings_for(user))


@transaction.atomic
def tag_assign(
    *, actor, resident: Resident, tag: CareTag, since: dt.date, until: dt.date | None = None, note: str = ""
) -> ResidentTag:
    require(actor, Action.CHANGE, resident)
    if not tag_visible_to(actor, tag):
        raise PermissionDenied(_("You may not use this care group."))
    if until is not None and until < since:
        raise ValidationError({"until": _("The end cannot be before the start.")})
    if ResidentTag.objects.filter(resident=resident, tag=tag, until__isnull=True).exists():
        raise ValidationError({"tag": _("This person is already in this care group.")})
    row = ResidentTag(
        resident=resident, tag=tag, since=since, until=until, note=(note or "").strip(), scope_path=resident.scope_path
    )
    row.full_clean()
    row.save()
    audit.record(actor=actor, action="create", obj=row, after=audit.snapshot(row))
    return row


@transaction.atomic
def tag_end(*, actor, assignment: ResidentTag, until: dt.date) -> ResidentTag:
    require(actor, Action.CHANGE, assignment.resident)
    if not tag_visible_to(actor, assignment.tag):
        raise PermissionDenied(_("You may not use this care group."))
    if until < assignment.since:
        raise ValidationError({"until": _("The end cannot be before the start.")})
    before = audit.snapshot(assignment)
    assignment.until = until
    assignment.save(update_fields=["until", "updated_at"])
    audit.record(actor=actor, action="update", obj=assignment, before=before, after=audit.snapshot(assignment))
    return assignment
