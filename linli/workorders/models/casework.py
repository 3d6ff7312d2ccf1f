"""The rows that hang on a case: assignments (主办/协办, the queue columns), the timeline, attachments, extensions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel

from .. import policy
from .case import Case


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO = "co", _("Co-handler")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be signed for")
    SIGNED = "signed", _("Signed for")
    DONE = "done", _("Done")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class QueueRank(models.IntegerChoices):
    """Where an assignment sits in its organisation's queue (接单), kept by the services on every step."""

    TO_SIGN = 0, _("To sign for")
    IN_HAND = 1, _("In hand")
    OFF = 2, _("Not in the queue")


class CaseAssignment(ScopedModel, BaseModel):
    """One organisation's part in a case: the lead (主办) or a co-handler (协办, 联合办理).

    ``queue_rank`` and ``due_at`` copy what the organisation's queue sorts by — to sign for first, then the next
    deadline this organisation faces (signing while pending, else handling) — so the queue page is one index range
    (organisation, queue_rank, due_at) however many cases there are (bench/workorders_queue.py). The services
    refresh them with ``services.sync_queue`` whenever the case's state, deadlines or the assignment change.
    """

    scope_field = "case__scope_path"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="case_assignments"
    )
    role = models.CharField(_("role"), max_length=8, choices=AssignmentRole.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    queue_rank = models.PositiveSmallIntegerField(
        _("place in the queue"), choices=QueueRank.choices, default=QueueRank.OFF, editable=False
    )
    due_at = models.DateTimeField(_("next deadline"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        constraints = [models.UniqueConstraint(fields=["case", "organisation"], name="wo_assignment_once")]
        indexes = [models.Index(fields=["organisation", "queue_rank", "due_at", "case"], name="wo_assignment_queue")]

    @classmethod
    def coverage_prefixes(cls, binding) -> list[str]:
        return [] if binding.role in policy.ORG_ROLES else binding.place_prefixes()

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> Q | None:
        # An organisation's staff see their organisation's own assignments (its queue): no join to the cases.
        if binding.role in policy.ORG_ROLES and binding.organisation_id:
            return Q(organisation_id=binding.organisation_id)
        return None

    def __str__(self):
        return f"{self.case_id} → {self.organisation_id} ({self.role})"


class CaseEvent(models.Model):
    """One line of the case's timeline: who did what, when, with a note and photos. Append-only."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=120, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    from_state = models.CharField(_("from"), max_length=12, blank=True)
    to_state = models.CharField(_("to"), max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    public = models.BooleanField(_("shown to the reporter"), default=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case_id} {self.action}"


class AttachmentKind(models.TextChoices):
    REPORT = "report", _("Report photo")
    BEFORE = "before", _("Before handling")
    AFTER = "after", _("After handling")
    DOCUMENT = "document", _("Document")


class CaseAttachment(ScopedModel, BaseModel):
    """A photo or PDF. Images are re-encoded on upload, so EXIF (GPS included) never reaches storage.

    Visible to whoever may view its case (``scope_q`` delegates to ``Case``)."""

    scope_field = "case__scope_path"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent,
        verbose_name=_("timeline entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.REPORT)
    file = models.FileField(_("file"), upload_to="workorders/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("file name"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name or self.file.name

    @classmethod
    def scope_q(cls, binding, action: str) -> Q | None:
        return _via_case(binding, action)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ExtensionRequest(ScopedModel, BaseModel):
    """延期: asked by the lead handler before the deadline, decided by whoever owns the queue."""

    scope_field = "case__scope_path"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.CharField(_("reason"), max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    old_due = models.DateTimeField(_("old deadline"), null=True, blank=True)
    new_due = models.DateTimeField(_("new deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="pending"), name="wo_one_pending_extension")
        ]

    def __str__(self):
        return f"{self.case_id} +{self.days}"

    @classmethod
    def scope_q(cls, binding, action: str) -> Q | None:
        return _via_case(binding, action)


def _via_case(binding, action: str) -> Q | None:
    inner = Case.scope_q(binding, "view")
    return None if inner is None else Q(case__in=Case.objects.filter(inner).values("pk"))
