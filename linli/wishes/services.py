"""Every write on 微心愿. Transitions lock the wish row (``select_for_update``) and go through the declared state
machine, so a claim on a wish someone else has just claimed is refused, not doubled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from linli.areas.models import Place
from linli.core import audit, dates, events, uploads
from linli.core.paths import COMMUNITY, path_at
from linli.core.permissions import Action, bindings_for, can, require, require_at
from linli.core.services import assign
from linli.registry.selectors import resident_of

from .models import ORG_ROLES, ClaimerKind, ClaimState, State, Wish, WishClaim, WishPhoto, public_name

WISH_FIELDS = ("title", "need", "kind", "estimated_value", "fulfil_within_days")
PARTY_STATUSES = ("cpc_member", "cpc_probationary")
MAX_PHOTOS = 6


def _notify(users, title, url="", obj=None, kind="wishes"):
    from linli.notifications.services import notify

    users = [u for u in users if u is not None]
    if users:
        notify(users=users, title=title, url=url, kind=kind, obj=obj)


def _locked(wish: Wish) -> Wish:
    return Wish.objects.select_for_update().select_related("resident").get(pk=wish.pk)


def _save(actor, wish: Wish, action: str, before: dict, note: str = "") -> Wish:
    wish.full_clean(exclude=["state"])
    wish.save()
    audit.record(actor=actor, action=action, obj=wish, before=before, after=audit.snapshot(wish), note=note)
    return wish


def _step(wish: Wish, method: str):
    if not can_proceed(getattr(wish, method)):
        raise ValidationError(
            {"state": _("Not possible while the wish is “%(state)s”.") % {"state": wish.get_state_display()}}
        )


@transaction.atomic
def wish_submit(*, actor, resident, **attrs) -> Wish:
    """A resident submits their own wish, or staff/grid workers submit one for a resident in their scope."""
    if resident is None:
        raise ValidationError({"resident": _("Choose the resident in need.")})
    own = resident.account_id is not None and resident.account_id == getattr(actor, "pk", None)
    if not own:
        require_at(actor, Action.ADD, Wish, resident.scope_path)
    community = Place.objects.filter(path=path_at(resident.scope_path, COMMUNITY), level=3).first()
    if community is None:
        raise ValidationError({"resident": _("The resident has no community on record.")})
    wish = Wish(
        resident=resident,
        community=community,
        scope_path=resident.scope_path,
        public_name=public_name(resident.name),
        submitted_by=actor,
    )
    assign(wish, attrs, WISH_FIELDS)
    wish.full_clean(exclude=["state"])
    wish.save()
    audit.record(actor=actor, action="create", obj=wish, after=audit.snapshot(wish))
    _notify(
        _reviewers(community, exclude=actor),
        _("A micro-wish awaits review: %(title)s") % {"title": wish.title},
        url=f"/wishes/manage/{wish.pk}/",
        obj=wish,
    )
    events.publish("wishes.wish.submitted", {"wish_id": wish.pk, "path": wish.scope_path})
    return wish


def _reviewers(community, *, exclude=None) -> list:
    """The community's secretary and social workers (who review wishes there)."""
    from linli.accounts.models import RoleBinding

    users = [
        b.user
        for b in RoleBinding.objects.current()
        .filter(role__in=("community_secretary", "social_worker"), place=community)
        .select_related("user")
    ]
    return [u for u in users if u.pk != getattr(exclude, "pk", None)]


@transaction.atomic
def wish_update(*, actor, wish: Wish, **changes) -> Wish:
    wish = _locked(wish)
    require(actor, Action.CHANGE, wish)
    if wish.state not in (State.SUBMITTED, State.PUBLISHED):
        raise ValidationError({"state": _("A claimed wish can no longer be edited.")})
    before = audit.snapshot(wish)
    assign(wish, changes, WISH_FIELDS)
    return _save(actor, wish, "update", before)


@transaction.atomic
def wish_approve(*, actor, wish: Wish, note: str = "") -> Wish:
    wish = _locked(wish)
    require(actor, Action.CHANGE, wish)
    _step(wish, "approve")
    before = audit.snapshot(wish)
    wish.approve(by=actor, note=note[:200])
    _save(actor, wish, "approve", before, note)
    events.publish("wishes.wish.published", {"wish_id": wish.pk, "path": wish.scope_path})
    return wish


@transaction.atomic
def wish_reject(*, actor, wish: Wish, reason: str) -> Wish:
    wish = _locked(wish)
    require(actor, Action.CHANGE, wish)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for rejecting.")})
    _step(wish, "reject")
    before = audit.snapshot(wish)
    wish.reject(by=actor, reason=reason.strip()[:200])
    _save(actor, wish, "reject", before, reason)
    _notify([wish.resident.account], _("Your micro-wish was not approved: %(reason)s") % {"reason": reason}, obj=wish)
    return wish


@transaction.atomic
def wish_withdraw(*, actor, wish: Wish) -> Wish:
    wish = _locked(wish)
    own = wish.resident.account_id == getattr(actor, "pk", None) or wish.submitted_by_id == getattr(actor, "pk", 0)
    if not own:
        require(actor, Action.CHANGE, wish)
    _step(wish, "withdraw")
    if wish.claims.filter(state=ClaimState.ACTIVE).exists():
        raise ValidationError({"state": _("Someone has claimed part of this wish; it cannot be withdrawn now.")})
    before = audit.snapshot(wish)
    wish.withdraw()
    return _save(actor, wish, "withdraw", before)


# --- claims ----------------------------------------------------------------------------------------


def _registered(resident, model_name: str) -> bool:
    """Is the resident on the party app's register (an active ``PartyMember`` / ``InServiceMember``)?"""
    try:
        model = apps.get_model("party", model_name)
    except LookupError:  # the party domain is not installed
        return False
    return model.objects.filter(resident=resident, is_active=True).exists()


def _is_volunteer(resident) -> bool:
    """Is the resident a registered, active volunteer (volunteering app)?"""
    try:
        model = apps.get_model("volunteering", "Volunteer")
    except LookupError:  # the volunteering domain is not installed
        return False
    return model.objects.filter(resident=resident, status="active").exists()


def claim_options(user) -> list[tuple[str, str, object]]:
    """What ``user`` may claim as: (kind, label, organisation or None). A party member is a resident whose record
    says so (political status) or who is registered in a branch (party app); an in-service member likewise, or
    one who has reported to a community (在职党员报到); a volunteer is a resident registered as an active volunteer
    (volunteering app)."""
    options = []
    resident = resident_of(user)
    if resident is not None:
        party = resident.political_status in PARTY_STATUSES or _registered(resident, "PartyMember")
        if party:
            options.append((ClaimerKind.PARTY_MEMBER, ClaimerKind.PARTY_MEMBER.label, None))
        if party or _registered(resident, "InServiceMember"):
            options.append((ClaimerKind.IN_SERVICE, ClaimerKind.IN_SERVICE.label, None))
        if _is_volunteer(resident):
            options.append((ClaimerKind.VOLUNTEER, ClaimerKind.VOLUNTEER.label, None))
    for b in bindings_for(user):
        if str(b.role) in ORG_ROLES and b.organisation_id:
            options.append((ClaimerKind.ORGANISATION, b.organisation.name, b.organisation))
    return options


def _share(value) -> Decimal:
    try:
        share = Decimal(str(value if value not in (None, "") else "100"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"share": _("Enter a percentage between 1 and 100.")}) from None
    if not share.is_finite() or not Decimal("1") <= share <= Decimal("100"):
        raise ValidationError({"share": _("Enter a percentage between 1 and 100.")})
    return share.quantize(Decimal("0.01"))


def remaining_share(wish: Wish) -> Decimal:
    taken = wish.claims.filter(state__in=(ClaimState.ACTIVE, ClaimState.DONE)).aggregate(s=Sum("share"))["s"]
    return Decimal("100") - (taken or Decimal("0"))


@transaction.atomic
def claim(*, actor, wish: Wish, kind: str, share=None, organisation=None) -> WishClaim:
    """Claim a published wish, whole or a share. Refused if it is already (fully) claimed — the wish row is
    locked, so of two people claiming at once the second sees the first's claim."""
    wish = _locked(wish)
    if wish.state != State.PUBLISHED:
        raise ValidationError({"state": _("This wish has already been claimed or is no longer open.")})
    share = _share(share)
    options = claim_options(actor)
    match = [
        o
        for o in options
        if o[0] == kind
        and (kind != ClaimerKind.ORGANISATION or (organisation is not None and o[2].pk == organisation.pk))
    ]
    if not match:
        if kind == ClaimerKind.ORGANISATION:
            raise ValidationError({"organisation": _("You can claim only for an organisation you work for.")})
        if kind in (ClaimerKind.PARTY_MEMBER, ClaimerKind.IN_SERVICE):
            raise ValidationError({"kind": _("Only party members can claim as a party member.")})
        if kind == ClaimerKind.VOLUNTEER and resident_of(actor) is not None:
            raise ValidationError({"kind": _("Only registered volunteers can claim as a volunteer.")})
        raise ValidationError({"kind": _("Your login is not linked to a resident record.")})
    if wish.claims.filter(state=ClaimState.ACTIVE, user=actor).exists():
        raise ValidationError({"share": _("You have already claimed part of this wish.")})
    left = remaining_share(wish)
    if share > left:
        raise ValidationError({"share": _("Only %(left)s %% of this wish is still open.") % {"left": left}})
    c = WishClaim(
        wish=wish,
        kind=kind,
        user=actor,
        share=share,
        scope_path=wish.scope_path,
        due_date=dates.today() + dt.timedelta(days=wish.fulfil_within_days),
    )
    if kind == ClaimerKind.ORGANISATION:
        c.organisation = organisation
    else:
        c.resident = resident_of(actor)
    c.full_clean()
    c.save()
    audit.record(actor=actor, action="claim", obj=c, after=audit.snapshot(c))
    if share == left:
        before = audit.snapshot(wish)
        wish.claim_fully()
        _save(actor, wish, "claimed", before)
    events.publish("wishes.wish.claimed", {"wish_id": wish.pk, "claim_id": c.pk, "share": str(share)})
    return c


def _end_claim(c: WishClaim, state: str, actor, action: str) -> None:
    wish = _locked(c.wish)
    c = WishClaim.objects.select_for_update().get(pk=c.pk)
    if c.state != ClaimState.ACTIVE or wish.state not in (State.PUBLISHED, State.CLAIMED):
        raise ValidationError({"state": _("This claim is no longer active.")})
    before = audit.snapshot(c)
    c.state, c.ended_at = state, timezone.now()
    c.save()
    audit.record(actor=actor, action=action, obj=c, before=before, after=audit.snapshot(c))
    if wish.state == State.CLAIMED:
        wb = audit.snapshot(wish)
        wish.release()
        _save(actor, wish, "release", wb)
    events.publish("wishes.claim.ended", {"wish_id": wish.pk, "claim_id": c.pk, "state": state})


@transaction.atomic
def claim_withdraw(*, actor, claim: WishClaim) -> None:
    if claim.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the claimer can withdraw a claim."))
    _end_claim(claim, ClaimState.WITHDRAWN, actor, "claim_withdraw")


def release_overdue(*, today: dt.date | None = None, actor=None) -> int:
    """Release every active claim past its due date on a wish not yet fulfilled. Each in its own transaction."""
    today = today or dates.today()
    ids = list(
        WishClaim.objects.filter(
            state=ClaimState.ACTIVE, due_date__lt=today, wish__state__in=(State.PUBLISHED, State.CLAIMED)
        ).values_list("pk", flat=True)
    )
    released = 0
    for pk in ids:
        with transaction.atomic():
            c = WishClaim.objects.select_related("wish", "user").get(pk=pk)
            try:
                _end_claim(c, ClaimState.RELEASED, actor, "claim_release")
            except ValidationError:
                continue
            _notify(
                [c.user],
                _("Your claim on the micro-wish “%(title)s” was released: it was not fulfilled by %(due)s.")
                % {"title": c.wish.title, "due": c.due_date},
                obj=c.wish,
            )
            released += 1
    return released


def is_claimer(user, c: WishClaim) -> bool:
    if c.user_id == getattr(user, "pk", None):
        return True
    return bool(c.organisation_id) and any(
        str(b.role) in ORG_ROLES and b.organisation_id == c.organisation_id for b in bindings_for(user)
    )


@transaction.atomic
def wish_fulfil(*, actor, wish: Wish, note: str = "", photos: Iterable = ()) -> Wish:
    """A claimer marks the wish fulfilled, with at least one photo as proof."""
    wish = _locked(wish)
    active = list(wish.claims.filter(state=ClaimState.ACTIVE).select_related("organisation"))
    if not any(is_claimer(actor, c) for c in active):
        raise PermissionDenied(_("Only a claimer of this wish can mark it fulfilled."))
    _step(wish, "fulfil")
    photos = list(photos)
    if not photos:
        raise ValidationError({"photos": _("Add at least one photo as proof.")})
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(n)s photos.") % {"n": MAX_PHOTOS}})
    cleaned = uploads.sanitise_all(photos, field="photos")  # all checked before anything is stored
    before = audit.snapshot(wish)
    wish.fulfil(note=(note or "").strip()[:300])
    _save(actor, wish, "fulfil", before)
    for content, content_type, _name in cleaned:
        photo = WishPhoto(wish=wish, content_type=content_type, uploaded_by=actor, scope_path=wish.scope_path)
        photo.image.save(content.name, content, save=False)
        photo.save()
    _notify(
        [wish.resident.account],
        _("Your micro-wish “%(title)s” is marked fulfilled: please confirm.") % {"title": wish.title},
        obj=wish,
    )
    events.publish("wishes.wish.fulfilled", {"wish_id": wish.pk})
    return wish


def may_confirm(user, wish: Wish) -> bool:
    own = wish.resident.account_id is not None and wish.resident.account_id == getattr(user, "pk", None)
    return own or can(user, Action.CHANGE, wish)


@transaction.atomic
def wish_confirm(*, actor, wish: Wish) -> Wish:
    """The resident (or staff on their behalf) confirms the wish came true; claimers are credited."""
    wish = _locked(wish)
    if not may_confirm(actor, wish):
        raise PermissionDenied(_("Only the resident or community staff can confirm."))
    _step(wish, "confirm")
    before = audit.snapshot(wish)
    wish.confirm(by=actor)
    _save(actor, wish, "confirm", before)
    claims = list(wish.claims.filter(state=ClaimState.ACTIVE).select_related("organisation", "resident"))
    WishClaim.objects.filter(pk__in=[c.pk for c in claims]).update(state=ClaimState.DONE, ended_at=timezone.now())
    events.publish(
        "wishes.wish.confirmed",
        {
            "wish_id": wish.pk,
            "path": wish.scope_path,
            "value": str(wish.estimated_value),
            "claimers": [
                {
                    "claim_id": c.pk,
                    "kind": c.kind,
                    "resident_id": c.resident_id,
                    "organisation_id": c.organisation_id,
                    "user_id": c.user_id,
                    "share": str(c.share),
                }
                for c in claims
            ],
        },
    )
    _notify(
        [c.user for c in claims],
        _("The micro-wish “%(title)s” you fulfilled was confirmed. Thank you!") % {"title": wish.title},
        obj=wish,
    )
    return wish
