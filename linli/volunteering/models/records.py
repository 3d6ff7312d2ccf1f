"""``ServiceRecord`` (immutable once confirmed: date, content, hours, organiser) and ``Certificate`` — the 证明
with the fields of Art. 21 of 67号令, numbered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.models import BaseModel

from .activities import Activity, SignUp
from .common import ImmutableQuerySet, PersonalRows, own_q
from .volunteers import Volunteer


class ServiceRecord(PersonalRows, BaseModel):
    """A confirmed service: what 民政部令第67号 (Art. 6) asks of 志愿服务情况 — activity name and content, date,
    place, hours, organising body and recorder — fixed when the organiser confirms (条例 Art. 19). The place and the
    recorder are copied, not read through the activity or the login, so a later edit of either cannot change the
    record. Written once, never changed."""

    signup = models.OneToOneField(SignUp, verbose_name=_("sign-up"), on_delete=models.PROTECT, related_name="record")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="records"
    )
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="records")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    served_on = models.DateField(_("service date"), db_index=True)
    content = models.CharField(_("service content"), max_length=300)
    location = models.CharField(_("service place"), max_length=270, blank=True)
    hours = models.DecimalField(_("service hours"), max_digits=5, decimal_places=2)
    organiser_name = models.CharField(_("organising body"), max_length=100)
    recorder = models.CharField(_("recorded by"), max_length=100, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-served_on", "-pk"]
        indexes = [models.Index(fields=["volunteer", "served_on"], name="volunteering_record_vol_idx")]

    def __str__(self):
        return f"{self.served_on} {self.content} {self.hours}h"

    @classmethod
    def extra_scope_q(cls, binding, action):
        return own_q("volunteer__resident__account_id", binding) if action == "view" else None

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("confirmed service records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("confirmed service records cannot be deleted")


class Certificate(PersonalRows, BaseModel):
    """A service certificate (志愿服务记录证明, Art. 21 of 67号令): what it says is fixed when issued."""

    number = models.CharField(_("certificate number"), max_length=24, unique=True, editable=False)
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="certificates"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    period_from = models.DateField(pgettext_lazy("volunteering", "from"), null=True, blank=True)
    period_to = models.DateField(pgettext_lazy("volunteering", "to"), null=True, blank=True)
    hours = models.DecimalField(_("service hours"), max_digits=9, decimal_places=2)
    record_count = models.PositiveIntegerField(_("services"))
    content = models.TextField(_("service content"), max_length=4000)
    issuer = models.CharField(pgettext_lazy("volunteering", "issued by"), max_length=100)
    person_in_charge = models.CharField(_("person in charge"), max_length=30)
    handler = models.CharField(_("handled by"), max_length=60)
    contact = models.CharField(_("contact"), max_length=40)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("service certificate")
        verbose_name_plural = _("service certificates")
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return self.number

    @classmethod
    def extra_scope_q(cls, binding, action):
        return own_q("volunteer__resident__account_id", binding) if action == "view" else None
