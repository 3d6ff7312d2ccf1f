"""微心愿: a resident's small wish, reviewed, published without identifying details, claimed, fulfilled, confirmed.

States (django-fsm-2, declared below):

    submitted ─approve→ published ─claim (shares reach 100 %)→ claimed ─fulfil→ fulfilled ─confirm→ confirmed
        │                  ▲  │                                   │
        └─reject→ rejected │  └─withdraw→ withdrawn               │
                           └──────── release (claim overdue or withdrawn by its claimer) ┘
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from linli.core.models import BaseModel, ScopedModel

ORG_ROLES = ("department_staff", "property_staff")


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    PUBLISHED = "published", _("Approved and published")
    CLAIMED = "claimed", _("Claimed")
    FULFILLED = "fulfilled", _("Fulfilled, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


PUBLIC_STATES = (State.PUBLISHED, State.CLAIMED, State.FULFILLED, State.CONFIRMED)


class Kind(models.TextChoices):
    GOODS = "goods", _("Goods")
    SERVICE = "service", _("Service")
    COMPANY = "company", _("Companionship")
    STUDY = "study", _("Study support")
    OTHER = "other", _("Other")


class ClaimerKind(models.TextChoices):
    PARTY_MEMBER = "party_member", _("Party member")
    IN_SERVICE = "in_service", _("In-service party member")
    ORGANISATION = "organisation", _("Organisation")
    VOLUNTEER = "volunteer", _("Volunteer")


def public_name(full_name: str) -> str:
    """Surname + 某: all the public pages ever show of the person."""
    full_name = (full_name or "").strip()
    return f"{full_name[:1]}某" if full_name else "某"


class Wish(ScopedModel, BaseModel):
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident in need"), on_delete=models.PROTECT, related_name="wishes"
    )
    community = models.ForeignKey(
        "areas.Place", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    public_name = models.CharField(_("shown as"), max_length=8, editable=False)
    title = models.CharField(_("wish"), max_length=60)
    need = models.TextField(
        _("what is needed"),
        max_length=500,
        help_text=_("Shown publicly: never write an address, a full name or a phone number."),
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.GOODS)
    estimated_value = models.DecimalField(
        _("estimated value (yuan)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100000"))],
    )
    fulfil_within_days = models.PositiveSmallIntegerField(
        _("days to fulfil after claiming"), default=14, validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    state = FSMField(
        _("state"), max_length=12, choices=State.choices, default=State.SUBMITTED, protected=True, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilment_note = models.CharField(_("what was done"), max_length=300, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "published_at"], name="wish_state_pub_idx")]

    def __str__(self):
        return f"{self.public_name}: {self.title}"

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        # A resident reaches the wishes made by or for them, never their housemates'.
        own = models.Q(resident__account_id=binding.user_id) | models.Q(submitted_by_id=binding.user_id)
        if str(binding.role) == "resident":
            return own if action == "view" else None
        return super().scope_q(binding, action)

    # --- the state machine ----------------------------------------------------------------------
    @transition(field=state, source=State.SUBMITTED, target=State.PUBLISHED)
    def approve(self, *, by, note=""):
        self.reviewed_by, self.reviewed_at, self.review_note = by, timezone.now(), note
        self.published_at = self.reviewed_at

    @transition(field=state, source=State.SUBMITTED, target=State.REJECTED)
    def reject(self, *, by, reason):
        self.reviewed_by, self.reviewed_at, self.review_note = by, timezone.now(), reason

    @transition(field=state, source=[State.SUBMITTED, State.PUBLISHED], target=State.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=state, source=State.PUBLISHED, target=State.CLAIMED)
    def claim_fully(self):
        self.claimed_at = timezone.now()

    @transition(field=state, source=State.CLAIMED, target=State.PUBLISHED)
    def release(self):
        self.claimed_at = None

    @transition(field=state, source=State.CLAIMED, target=State.FULFILLED)
    def fulfil(self, *, note=""):
        self.fulfilled_at, self.fulfilment_note = timezone.now(), note

    @transition(field=state, source=State.FULFILLED, target=State.CONFIRMED)
    def confirm(self, *, by):
        self.confirmed_by, self.confirmed_at = by, timezone.now()


class ClaimState(models.TextChoices):
    ACTIVE = "active", _("Claim active")
    DONE = "done", _("Fulfilled")
    RELEASED = "released", _("Released (not fulfilled in time)")
    WITHDRAWN = "withdrawn", _("Withdrawn by the claimer")


class WishClaim(ScopedModel, BaseModel):
    """One claimer's part of a wish: the whole (100 %) or a share; shares of active claims sum to at most 100."""

    wish = models.ForeignKey(Wish, verbose_name=_("micro-wish"), on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(_("claimed as"), max_length=16, choices=ClaimerKind.choices)
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("claimer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wish_claims",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wish_claims",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("claimed by"), on_delete=models.PROTECT, related_name="wish_claims"
    )
    share = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    due_date = models.DateField(_("fulfil by"))
    state = models.CharField(
        _("state"), max_length=10, choices=ClaimState.choices, default=ClaimState.ACTIVE, db_index=True
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.wish_id} · {self.get_kind_display()} · {self.share}%"

    @property
    def claimer_name(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        return self.resident.name if self.resident_id else str(self.user)

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        own = models.Q(user_id=binding.user_id)
        if str(binding.role) == "resident":
            return own if action == "view" else None
        if str(binding.role) in ORG_ROLES and binding.organisation_id:
            return own | models.Q(organisation_id=binding.organisation_id) if action == "view" else None
        q = super().scope_q(binding, action)
        return own if q is None else q | own


class WishPhoto(ScopedModel, BaseModel):
    """Proof of fulfilment: an image checked by content, re-encoded without EXIF/GPS."""

    wish = models.ForeignKey(Wish, verbose_name=_("micro-wish"), on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="wishes/%Y/%m/")
    content_type = models.CharField(max_length=40, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("fulfilment photo")
        verbose_name_plural = _("fulfilment photos")
        ordering = ["id"]

    def __str__(self):
        return self.image.name

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        if str(binding.role) == "resident":
            return models.Q(wish__resident__account_id=binding.user_id) if action == "view" else None
        return super().scope_q(binding, action)
