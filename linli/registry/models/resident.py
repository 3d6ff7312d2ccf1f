"""One record per person (一人一档). Personal numbers are stored only encrypted, hashed and masked.

``id_cipher``/``phone_cipher`` hold Fernet tokens; nothing in the app decrypts them except
``services.reveal`` (checked against the "reveal" right, audited). ``*_hash`` are keyed HMACs for exact
lookup and de-duplication; ``*_masked`` and ``*_last4`` are what pages, API, exports and search show.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.models import BaseModel, ScopedModel


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Unknown")


class IdType(models.TextChoices):
    ID_CARD = "id_card", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    HMT_RESIDENCE = "hmt_residence", _("Residence permit for Hong Kong, Macao and Taiwan residents")
    FOREIGN_PR = "foreign_pr", _("Foreign permanent residence ID card")


class PoliticalStatus(models.TextChoices):
    MASSES = "masses", _("Masses (no party)")
    CPC_MEMBER = "cpc_member", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    CYL_MEMBER = "cyl_member", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Member of a democratic party")
    NON_PARTISAN = "non_partisan", _("Non-partisan personage")


class ResidenceStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered household (hukou) here")
    PERMANENT = "permanent", _("Permanent resident, hukou elsewhere")
    FLOATING = "floating", _("Floating population")
    AWAY = "away", _("Hukou here, living elsewhere")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary / vocational")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class ResidentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, merged_into__isnull=True)

    def aged_between(self, low: int | None, high: int | None, today: dt.date | None = None):
        """Age in whole years within [low, high] (either end open)."""
        today = today or dates.today()
        qs = self
        if low is not None:
            qs = qs.filter(birth_date__lte=_years_before(today, low))
        if high is not None:
            qs = qs.filter(birth_date__gt=_years_before(today, high + 1))
        return qs


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class Resident(ScopedModel, BaseModel):
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, blank=True, db_index=True, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True, db_index=True)

    # The resident's own login, if they have one (volunteer, party member, resident on the phone pages).
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident",
    )

    id_type = models.CharField(_("ID document type"), max_length=16, choices=IdType.choices, blank=True)
    id_cipher = models.TextField(blank=True, editable=False)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=40, blank=True, editable=False)
    id_last4 = models.CharField(max_length=4, blank=True, db_index=True, editable=False)

    phone_cipher = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=24, blank=True, editable=False)
    phone_last4 = models.CharField(max_length=4, blank=True, db_index=True, editable=False)

    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    residence_status = models.CharField(
        _("residence status"), max_length=16, choices=ResidenceStatus.choices, default=ResidenceStatus.PERMANENT
    )
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # Where the person lives now (a house), or the community that registered them.
    home = models.ForeignKey(
        "areas.Place", verbose_name=_("home"), null=True, blank=True, on_delete=models.PROTECT, related_name="residents"
    )
    address = models.CharField(_("address"), max_length=200, blank=True, db_index=True, editable=False)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    is_active = models.BooleanField(_("active"), default=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        editable=False,
    )

    objects = ResidentQuerySet.as_manager()

    # never copy even the ciphertexts into audit snapshots
    audit_exclude = frozenset({"id_cipher", "phone_cipher", "id_hash", "phone_hash"})

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["scope_path", "name", "id"]
        constraints = [
            # one person, one record: an ID number (by its keyed hash) belongs to one active record
            models.UniqueConstraint(
                fields=["id_type", "id_hash"],
                condition=~models.Q(id_hash="") & models.Q(merged_into__isnull=True),
                name="resident_one_record_per_id",
            ),
        ]
        indexes = [models.Index(fields=["scope_path", "name"], name="resident_scope_name_idx")]

    def __str__(self):
        return self.name

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = dates.today()
        return (
            today.year
            - self.birth_date.year
            - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))
        )
