"""受理: recording a report from any source, and revealing the reporter's phone (audited)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.core import audit, events
from linli.core.crypto import encrypt
from linli.core.paths import is_within
from linli.core.permissions import bindings_for, role_may
from linli.core.validators import mask_phone, normalize_mobile, strip_control_chars, validate_phone
from linli.core.workdays import local_date
from linli.registry.selectors import resident_of

from .. import policy
from ..models import (
    AttachmentKind,
    Case,
    CaseType,
    Category,
    Confidentiality,
    Priority,
    Source,
)
from .base import (
    attach_files,
    may_report,
    record_event,
)

# --- creating a case ------------------------------------------------------------------------------------


def _reports_for_others(user, place: Place) -> bool:
    """May ``user`` enter a report on someone else's behalf (代办, naming the person and their phone)? Staff whose
    role may report at ``place``, an Open311 client (the person is named in the request) and the system may; a
    resident only ever reports as themselves."""
    if user.is_superuser or getattr(user, "_open311_paths", None):
        return True
    return any(
        b.role != "resident" and role_may(b.role, Case, "add") and is_within(place.path, Case.coverage_prefixes(b))
        for b in bindings_for(user)
    )


@transaction.atomic
def case_create(
    *,
    actor,
    category,
    title: str,
    description: str,
    place: Place,
    case_type: str = CaseType.HELP,
    source: str = Source.RESIDENT,
    priority: str = Priority.NORMAL,
    address: str = "",
    lat=None,
    lng=None,
    confidentiality: str = Confidentiality.NONE,
    reporter=None,
    reporter_resident=None,
    reporter_name: str = "",
    reporter_phone: str = "",
    external_ref: str = "",
    origin=None,
    attachments: Iterable = (),
) -> Case:
    """受理: record a report from any source. ``category`` is a Category or its code; ``origin`` any model
    instance the case comes from (a visit, an alliance problem, an alarm). The reporter defaults to the actor
    when the actor reports for themselves (source resident/open311); staff entering it for someone (代办) pass
    ``reporter_name``/``reporter_phone`` instead."""
    if isinstance(category, str):
        category = Category.objects.filter(code=category, is_active=True).first()
        if category is None:
            raise ValidationError({"category": _("Unknown case category.")})
    if category is None or not category.is_active:
        raise ValidationError({"category": _("Choose an active case category.")})
    if place is None:
        raise ValidationError({"place": _("Say where the problem is.")})
    if place.level < 3:
        raise ValidationError({"place": _("Choose a community or a place inside one.")})
    if not may_report(actor, place):
        raise PermissionDenied(_("You may not report a case at this place."))
    if not _reports_for_others(actor, place):
        # A resident reports as themselves, always: they see the case as its reporter, and their name and phone
        # come from their own record. The 代办 fields (someone else's name and phone) are for staff only.
        if (
            reporter_name
            or reporter_phone
            or (reporter is not None and reporter.pk != actor.pk)
            or (reporter_resident is not None and reporter_resident.account_id != actor.pk)
        ):
            raise ValidationError(
                {
                    "reporter_name": _(
                        "Only staff can report on someone else's behalf; your report is filed under your own name."
                    )
                }
            )
        if source != Source.RESIDENT:
            raise ValidationError({"source": _("Residents' reports have the source “resident”.")})
        reporter, reporter_resident = actor, resident_of(actor)
    elif reporter is None and source in (Source.RESIDENT, Source.OPEN311) and not reporter_name:
        reporter = actor
    if confidentiality == Confidentiality.ANONYMOUS:
        reporter_name, reporter_phone, reporter_resident = "", "", None
    # Control characters never get in (they would break the Open311 XML feed and every export).
    title, description, address, reporter_name, external_ref = (
        strip_control_chars(v or "") for v in (title, description, address, reporter_name, external_ref)
    )
    case = Case(
        case_type=case_type,
        category=category,
        title=(title or "").strip(),
        description=(description or "").strip(),
        place=place,
        scope_path=place.path,
        priority=priority,
        source=source,
        address=(address or "").strip(),
        lat=lat,
        lng=lng,
        confidentiality=confidentiality,
        reporter=reporter,
        reporter_resident=reporter_resident,
        reporter_name=(reporter_name or "").strip(),
        external_ref=external_ref,
        number="pending",
    )
    if origin is not None:
        case.origin = f"{origin._meta.label_lower}:{origin.pk}"
    if reporter_phone:
        try:
            phone = normalize_mobile(reporter_phone)
            validate_phone(phone)
        except ValidationError as exc:
            raise ValidationError({"reporter_phone": exc.messages}) from exc
        case.reporter_phone_cipher = encrypt(phone)
        case.reporter_phone_masked = mask_phone(phone)
    for name, value in (("lat", lat), ("lng", lng)):
        if value is not None:
            try:
                number = Decimal(str(value))
            except Exception as exc:
                raise ValidationError({name: _("Not a number.")}) from exc
            limit = 90 if name == "lat" else 180
            if not number.is_finite() or abs(number) > limit:
                raise ValidationError({name: _("Out of range.")})
            setattr(case, name, number.quantize(Decimal("0.000001")))
    # The related rows were loaded above (or by the caller): skip full_clean's one existence query per foreign key.
    case.full_clean(exclude=["number", "state", "category", "place", "reporter", "reporter_resident"])
    case.save()
    case.number = f"{local_date(case.created_at):%Y%m%d}{case.pk:06d}"
    Case.objects.filter(pk=case.pk).update(number=case.number)
    event = record_event(case, "create", actor, note="", data={"source": source})
    event.made_attachments = attach_files(case, attachments, actor=actor, kind=AttachmentKind.REPORT, event=event)
    case.last_event = event
    audit.record(actor=actor, action="create", obj=case, after=audit.snapshot(case))
    events.publish("workorders.case.created", {"case_id": case.pk, "source": source, "place": place.path})
    return case


def reveal_reporter_phone(*, actor, case: Case, purpose: str = "") -> str:
    """The reporter's phone in full, for whoever may see the reporter, with a purpose; each reveal audited."""
    from linli.core.crypto import decrypt

    if not case.reporter_phone_cipher:
        return ""
    if not policy.sees_reporter(case, actor) or not (
        policy.controls_queue(case, actor) or policy.is_lead_handler(case, actor)
    ):
        raise PermissionDenied(_("You may not see this reporter's phone number."))
    audit.record_reveal(actor=actor, obj=case, field="reporter_phone", purpose=purpose)
    return decrypt(case.reporter_phone_cipher)
