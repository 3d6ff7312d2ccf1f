"""双报到: employer registrations, in-service members' reports, service posts and claims, service records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import audit, dates, events
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign
from linli.registry.models import PoliticalStatus

from ..models import (
    EmployerRegistration,
    InServiceMember,
    PartyMember,
    PostClaim,
    ServicePost,
    ServiceRecord,
)
from .common import save_audited_row

INSERVICE_FIELDS = ("employer", "employer_party_org", "skills", "service_intention", "reported_on")
REGISTRATION_FIELDS = ("party_org_name", "registered_on", "contact_name", "contact_phone", "commitments")
POST_FIELDS = ("title", "description", "slots", "is_open")


# -- 双报到 -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def employer_register(
    *, actor, organisation, community, registered_on: dt.date | None = None, **attrs
) -> EmployerRegistration:
    """共驻共建: an employer's party organisation registers with a community."""
    if community is None:
        raise ValidationError({"community": _("Choose a community.")})
    require_at(actor, Action.ADD, EmployerRegistration, community.path)
    reg = EmployerRegistration(
        organisation=organisation,
        community=community,
        scope_path=community.path,
        registered_on=registered_on or dates.today(),
    )
    assign(reg, attrs, REGISTRATION_FIELDS)
    save_audited_row(actor=actor, obj=reg, action="create")
    events.publish("party.employer.registered", {"id": reg.pk, "organisation": organisation.pk, "path": reg.scope_path})
    return reg


PARTY_STATUSES = (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)  # 中共党员, 中共预备党员


def is_party_member(resident) -> bool:
    """A full or probationary CPC member: by the data centre's political status, or on a branch's roll."""
    if resident.political_status in PARTY_STATUSES:
        return True
    return PartyMember.objects.filter(resident=resident, is_active=True).exists()


@transaction.atomic
def inservice_report(
    *, actor, resident, community, employer, reported_on: dt.date | None = None, **attrs
) -> InServiceMember:
    """在职党员报到: the first registration creates the record; later ones refresh the date, skills and intention.
    Only a party member (正式 or 预备党员) reports; a resident recorded as 群众 or another status is refused."""
    if community is None:
        raise ValidationError({"community": _("Choose a community.")})
    if resident is None:
        raise ValidationError({"resident": _("Choose a resident.")})
    if not is_party_member(resident):
        raise ValidationError(
            {
                "resident": _(
                    "%(name)s is not recorded as a party member (their political status is “%(status)s”): only full or "
                    "probationary members report as in-service members. Correct the resident's record first if it is "
                    "wrong."
                )
                % {"name": resident.name, "status": resident.get_political_status_display()}
            }
        )
    reported_on = reported_on or dates.today()
    type(resident).objects.select_for_update().filter(pk=resident.pk).first()
    current = InServiceMember.objects.select_for_update().filter(resident=resident, is_active=True).first()
    if current is not None:
        require(actor, Action.CHANGE, current)
        before = audit.snapshot(current)
        if current.community_id != community.pk:
            require_at(actor, Action.CHANGE, InServiceMember, community.path)
            current.community = community
            current.scope_path = community.path
        current.employer = employer
        assign(current, {**attrs, "reported_on": reported_on}, INSERVICE_FIELDS)
        save_audited_row(actor=actor, obj=current, action="update", before=before, note="report")
        events.publish("party.inservice.reported", {"id": current.pk, "path": current.scope_path})
        return current
    require_at(actor, Action.ADD, InServiceMember, community.path)
    member = InServiceMember(
        resident=resident,
        community=community,
        employer=employer,
        reported_on=reported_on,
        first_reported_on=reported_on,
        scope_path=community.path,
    )
    assign(member, attrs, INSERVICE_FIELDS)
    save_audited_row(actor=actor, obj=member, action="create", note="report")
    events.publish("party.inservice.reported", {"id": member.pk, "path": member.scope_path})
    return member


@transaction.atomic
def inservice_end(*, actor, member: InServiceMember) -> InServiceMember:
    member = InServiceMember.objects.select_for_update().get(pk=member.pk)
    require(actor, Action.CHANGE, member)
    before = audit.snapshot(member)
    member.is_active = False
    member.save(update_fields=["is_active", "updated_at"])
    PostClaim.objects.filter(member=member, is_active=True).update(is_active=False, released_on=dates.today())
    audit.record(actor=actor, action="update", obj=member, before=before, after=audit.snapshot(member), note="ended")
    # Other domains end what hangs on the registration (the alliance releases the member's project claims).
    events.publish("party.inservice.ended", {"id": member.pk, "path": member.scope_path})
    return member


@transaction.atomic
def post_create(*, actor, community, title: str, **attrs) -> ServicePost:
    if community is None:
        raise ValidationError({"community": _("Choose a community.")})
    require_at(actor, Action.ADD, ServicePost, community.path)
    post = ServicePost(community=community, title=(title or "").strip(), scope_path=community.path)
    assign(post, attrs, POST_FIELDS)
    save_audited_row(actor=actor, obj=post, action="create")
    return post


@transaction.atomic
def post_update(*, actor, post: ServicePost, **changes) -> ServicePost:
    post = ServicePost.objects.select_for_update().get(pk=post.pk)
    require(actor, Action.CHANGE, post)
    before = audit.snapshot(post)
    assign(post, changes, POST_FIELDS)
    save_audited_row(actor=actor, obj=post, action="update", before=before)
    return post


@transaction.atomic
def post_claim(*, actor, post: ServicePost, member: InServiceMember, on: dt.date | None = None) -> PostClaim:
    """认领岗位: a member claims a slot of an open post in their community."""
    post = ServicePost.objects.select_for_update().get(pk=post.pk)
    require_at(actor, Action.ADD, PostClaim, post.scope_path)
    if not post.is_open:
        raise ValidationError({"post": _("This post is closed.")})
    if not member.is_active:
        raise ValidationError({"member": _("This in-service member is no longer active.")})
    if member.community_id != post.community_id:
        raise ValidationError({"member": _("Members claim posts of the community they reported to.")})
    taken = post.claims.filter(is_active=True).count()
    if taken >= post.slots:
        raise ValidationError({"post": _("All %(n)s slots of this post are taken.") % {"n": post.slots}})
    if post.claims.filter(is_active=True, member=member).exists():
        raise ValidationError({"member": _("This member has already claimed this post.")})
    claim = PostClaim(post=post, member=member, claimed_on=on or dates.today(), scope_path=post.scope_path)
    save_audited_row(actor=actor, obj=claim, action="create")
    events.publish("party.post.claimed", {"id": claim.pk, "post": post.pk, "member": member.pk})
    return claim


@transaction.atomic
def post_release(*, actor, claim: PostClaim) -> PostClaim:
    claim = PostClaim.objects.select_for_update().get(pk=claim.pk)
    require(actor, Action.CHANGE, claim)
    if not claim.is_active:
        raise ValidationError(_("This claim has already been released."))
    before = audit.snapshot(claim)
    claim.is_active = False
    claim.released_on = dates.today()
    claim.save(update_fields=["is_active", "released_on", "updated_at"])
    audit.record(actor=actor, action="update", obj=claim, before=before, after=audit.snapshot(claim))
    return claim


def _hours(value) -> Decimal:
    try:
        hours = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"hours": _("Enter the hours as a number, e.g. 2 or 1.5.")}) from exc
    if not hours.is_finite():
        raise ValidationError({"hours": _("Enter the hours as a number, e.g. 2 or 1.5.")})
    return hours


@transaction.atomic
def service_record_add(
    *,
    actor,
    member: InServiceMember,
    date: dt.date,
    content: str,
    hours,
    source: str = "",
    post: ServicePost | None = None,
    served=None,
) -> ServiceRecord:
    """One service card entry (date, content, hours); ``served`` optionally links what was served."""
    require_at(actor, Action.ADD, ServiceRecord, member.scope_path)
    if post is not None and post.community_id != member.community_id:
        raise ValidationError({"post": _("The post belongs to another community.")})
    record = ServiceRecord(
        member=member,
        date=date,
        content=(content or "").strip(),
        hours=_hours(hours),
        source=(source or "").strip(),
        post=post,
        scope_path=member.scope_path,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if served is not None:
        record.served_type = served._meta.label_lower
        record.served_id = str(served.pk)
        if not record.source:
            record.source = str(served._meta.verbose_name)[:40]
    elif post is not None and not record.source:
        record.source = _("Claimed post")
    save_audited_row(actor=actor, obj=record, action="create")
    events.publish("party.service.recorded", {"id": record.pk, "member": member.pk, "hours": str(record.hours)})
    return record


@transaction.atomic
def service_record_delete(*, actor, record: ServiceRecord) -> None:
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    require(actor, Action.DELETE, record)
    before = audit.snapshot(record)
    audit.record(actor=actor, action="delete", obj=record, before=before)
    record.delete()
