"""The routing models' versions and the dispatch history they learn from (district-wide rows)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel


class DistrictWide:
    """Reference data of the whole deployment: what a role may do with it is decided by its grants alone."""

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        return models.Q()


class ModelStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Being evaluated")
    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Retired")
    REJECTED = "rejected", _("Rejected: worse than the version in use")


class RoutingModel(DistrictWide, BaseModel):
    """One trained version of the router: the pickled model, its metrics on the held-out slice, its status.

    Exactly one version is ACTIVE at a time (or none: the keyword rules answer alone)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    status = models.CharField(_("status"), max_length=12, choices=ModelStatus.choices, default=ModelStatus.CANDIDATE)
    blob = models.BinaryField(_("serialised model"), editable=False)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    examples = models.PositiveIntegerField(_("training examples"), default=0)
    held_out = models.PositiveIntegerField(_("held-out examples"), default=0)
    top1 = models.DecimalField(_("top-1 accuracy"), max_digits=5, decimal_places=4, default=0)
    baseline_top1 = models.DecimalField(
        _("top-1 accuracy of the version in use"), max_digits=5, decimal_places=4, default=0
    )
    promoted_at = models.DateTimeField(_("put in use at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    audit_exclude = frozenset({"blob", "metrics"})

    class Meta:
        verbose_name = _("routing model version")
        verbose_name_plural = _("routing model versions")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="active"), name="assistant_one_active_model"
            )
        ]

    def __str__(self):
        return f"v{self.version} ({self.get_status_display()})"


class RoutingExample(DistrictWide, BaseModel):
    """One dispatched matter the router may learn from: the report text, the top-level category and the lead
    organisation it finally got. Filled from archived cases (``origin`` "case:<pk>") and, in the demo, from the
    synthetic dispatch history ("synthetic:<n>")."""

    origin = models.CharField(_("origin"), max_length=40, unique=True)
    text = models.TextField(_("text"))
    category = models.ForeignKey(
        "workorders.Category", verbose_name=_("category"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("lead handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("routing example")
        verbose_name_plural = _("routing examples")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self):
        return self.origin
