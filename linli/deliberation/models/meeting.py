"""Deliberation meetings (议事会议) of a compound: 三方议事, 居民议事会/居民说事, 联席会议.

A meeting sits at a compound (小区, place level 4); it is planned for a day, then held (minutes, who came by seat,
photos) or cancelled. The agenda lists matters (``Matter``) or free items. A compound's rhythm (``Rhythm``) says how
often each kind is due; the compliance calendar (``selectors.calendar``) reads held meetings against it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from linli.core.models import BaseModel

from .base import DeliberationScoped


class Kind(models.TextChoices):
    TRIPARTITE = "tripartite", _("Three-party deliberation (三方议事)")
    RESIDENTS = "residents", _("Residents' council (居民议事会 / 居民说事)")
    JOINT = "joint", _("Joint meeting (联席会议)")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Seat(models.TextChoices):
    PARTY = "party", _("Party organisation")
    PROPERTY = "property", _("Property company")
    COMMITTEE = "committee", _("Owners' committee")
    COMMUNITY = "community", _("Community")
    RESIDENT = "resident", _("Resident")
    OTHER = "other", _("Other")


#: the three seats a 三方议事 needs present to count as one
TRIPARTITE_SEATS = (Seat.PARTY, Seat.PROPERTY, Seat.COMMITTEE)
#: the rhythms one may choose, in months
INTERVALS = (1, 2, 3, 6, 12)


class Meeting(DeliberationScoped, BaseModel):
    compound = models.ForeignKey(
        "areas.Place", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="deliberation_meetings"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TRIPARTITE)
    title = models.CharField(_("title"), max_length=100)
    scheduled_on = models.DateField(_("scheduled on"), help_text=_("The meeting counts for the month of this day."))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    address = models.CharField(_("where"), max_length=100, blank=True)
    minutes = models.TextField(_("minutes"), blank=True, max_length=8000)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    state = FSMField(
        _("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("deliberation meeting")
        verbose_name_plural = _("deliberation meetings")
        ordering = ["-scheduled_on", "-pk"]
        indexes = [models.Index(fields=["compound", "kind", "scheduled_on"], name="delib_meeting_calendar")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="held") | Q(held_on__isnull=False), name="delib_meeting_held_has_day"
            ),
        ]

    def __str__(self):
        return self.title

    @transition(field=state, source=MeetingState.PLANNED, target=MeetingState.HELD)
    def hold(self):
        pass

    @transition(field=state, source=MeetingState.PLANNED, target=MeetingState.CANCELLED)
    def cancel(self):
        pass


class Participant(DeliberationScoped, BaseModel):
    """Who sat in a meeting, by seat: for whom they spoke and, where the record exists, the record itself (the
    party organisation, the property company, the owners' committee, the resident)."""

    scope_field = "meeting__scope_path"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="seats")
    seat = models.CharField(_("seat"), max_length=12, choices=Seat.choices)
    name = models.CharField(_("name"), max_length=50)
    party_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name=_("party organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committee = models.ForeignKey(
        "owners.OwnersCommittee",
        verbose_name=_("owners' committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        ordering = ["meeting", "seat", "pk"]

    def __str__(self):
        return f"{self.get_seat_display()} · {self.name}"


class AgendaItem(DeliberationScoped, BaseModel):
    """One point of the agenda: a matter (议题) or a free item; ``decision`` is what the meeting concluded."""

    scope_field = "meeting__scope_path"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items")
    matter = models.ForeignKey(
        "deliberation.Matter",
        verbose_name=_("matter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    title = models.CharField(_("title"), max_length=100)
    decision = models.TextField(_("decision"), blank=True, max_length=2000)
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "matter"], condition=Q(matter__isnull=False), name="delib_matter_once_per_meeting"
            )
        ]

    def __str__(self):
        return self.title


class MeetingPhoto(DeliberationScoped, BaseModel):
    """A photo checked and re-encoded by ``linli.core.uploads`` (no EXIF, no GPS kept)."""

    scope_field = "meeting__scope_path"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to="deliberation/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("file name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("deliberation meeting photo")
        verbose_name_plural = _("deliberation meeting photos")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name or self.file.name


class Rhythm(DeliberationScoped, BaseModel):
    """How often a compound holds a kind of meeting: every ``interval_months`` months (periods start in January).
    A compound without a row for 三方议事 follows ``LINLI_DELIBERATION_TRIPARTITE_MONTHS`` (monthly by default:
    the seeds' practice, 每月定期开展三方议事)."""

    compound = models.ForeignKey(
        "areas.Place", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="deliberation_rhythms"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    interval_months = models.PositiveSmallIntegerField(
        _("every (months)"), choices=[(n, n) for n in INTERVALS], default=1
    )
    is_active = models.BooleanField(_("active"), default=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("meeting rhythm")
        verbose_name_plural = _("meeting rhythms")
        ordering = ["scope_path", "kind"]
        constraints = [models.UniqueConstraint(fields=["compound", "kind"], name="delib_one_rhythm_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} / {self.interval_months}"
