"""A suggestion made for one case, and what the dispatcher did with it (个人信息保护法 第24条: a person decides)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.models import BaseModel, ScopedModel


class Decision(models.TextChoices):
    PENDING = "pending", pgettext_lazy("suggestion", "Not yet decided")
    ACCEPTED = "accepted", pgettext_lazy("suggestion", "Accepted")
    OVERRIDDEN = "overridden", pgettext_lazy("suggestion", "Overridden")


class Suggestion(ScopedModel, BaseModel):
    case = models.OneToOneField(
        "workorders.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="assistant_suggestion"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    model_version = models.ForeignKey(
        "assistant.RoutingModel",
        verbose_name=_("model version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        help_text=_("Empty: the keyword rules."),
    )
    category = models.ForeignKey(
        "workorders.Category",
        verbose_name=_("suggested category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("suggested lead handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confidence = models.DecimalField(_("confidence"), max_digits=5, decimal_places=4)
    reasons = models.JSONField(_("deciding words"), default=list, blank=True)
    alternatives = models.JSONField(_("alternatives"), default=list, blank=True)
    urgency = models.JSONField(_("urgency"), default=list, blank=True)
    duplicates = models.JSONField(_("likely duplicates"), default=list, blank=True)

    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, default=Decision.PENDING)
    final_category = models.ForeignKey(
        "workorders.Category",
        verbose_name=_("final category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    final_organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("final lead handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("routing suggestion")
        verbose_name_plural = _("routing suggestions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.case_id}: {self.category_id} ({self.get_decision_display()})"
