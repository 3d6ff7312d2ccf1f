"""Work-order configuration: the category tree with default handlers, time limits, the verdict scale."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel


class DistrictWide:
    """Configuration for the whole deployment (one district): not placed in the tree, so what a role may do with
    it is decided by its grants alone (rules.py: staff read it, district administrators change it)."""

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        return models.Q()


class CaseType(models.TextChoices):
    CONSULT = "consult", _("Consultation")
    HELP = "help", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report of wrongdoing")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")


class Category(DistrictWide, BaseModel):
    """A node of the category tree (物业管理 → 电梯 …). Reference data readable by every signed-in user."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    keywords = models.CharField(
        _("keywords"),
        max_length=200,
        blank=True,
        help_text=_("Other words residents use for it, separated by commas (Open311 keywords)."),
    )
    default_handler = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("default handling department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Suggested to the dispatcher as the lead department."),
    )
    handled_by_property = models.BooleanField(
        _("property company first"),
        default=False,
        help_text=_("The community dispatches it to the compound's property company first."),
    )
    is_public = models.BooleanField(
        _("offered to residents"), default=True, help_text=_("Shown on the residents' report page and in Open311.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["sort", "code"]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in (w.strip() for w in self.keywords.replace("，", ",").replace("、", ",").split(",")) if k]


class TimeLimit(DistrictWide, BaseModel):
    """Working-day limits for signing and handling; the most specific rule (type + category) wins.

    Defaults (domain rules §4, local practice): sign within 1 working day; 咨询 3, 求助 5, 投诉/举报/建议 10
    working days; emergencies the same day.
    """

    case_type = models.CharField(
        _("case type"), max_length=16, choices=CaseType.choices, blank=True, help_text=_("Blank: any type.")
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="time_limits",
        help_text=_("Blank: any category."),
    )
    sign_days = models.PositiveSmallIntegerField(_("sign within (working days)"), default=1)
    handle_days = models.PositiveSmallIntegerField(_("handle within (working days)"))

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(fields=["case_type", "category"], name="wo_timelimit_type_category"),
            models.UniqueConstraint(
                fields=["case_type"], condition=models.Q(category__isnull=True), name="wo_timelimit_type_any_category"
            ),
        ]

    def __str__(self):
        return f"{self.case_type or '*'} / {self.category or '*'}: {self.sign_days}+{self.handle_days}"


class VerdictLevel(DistrictWide, BaseModel):
    """One step of the satisfaction scale (满意 / 基本满意 / 不满意 by default, configurable)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    label = models.CharField(_("label"), max_length=20)
    counts_as_satisfied = models.BooleanField(_("counts as satisfied"), default=True)
    reopens = models.BooleanField(_("sends the case back for re-doing"), default=False)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("verdict level")
        verbose_name_plural = _("verdict levels")
        ordering = ["sort"]

    def __str__(self):
        return self.label


class VerdictReason(models.Model):
    """A reason chip offered with a verdict level (e.g. 处理不及时, 问题未解决)."""

    level = models.ForeignKey(
        VerdictLevel, verbose_name=_("verdict level"), on_delete=models.CASCADE, related_name="reasons"
    )
    text = models.CharField(_("reason"), max_length=40)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("verdict reason")
        verbose_name_plural = _("verdict reasons")
        ordering = ["sort", "pk"]

    def __str__(self):
        return self.text
