"""Care groups (独居老人, 低保, 重点关注 …): tags on residents, each with who may see it and date ranges."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel


class CareTag(BaseModel):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=30, unique=True)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Sensitive tags (e.g. subsistence allowance, disability) are shown only to the roles listed."),
    )
    # comma-wrapped role codes (",community_secretary,social_worker,"): portable "contains" on every engine
    visible_to = models.CharField(_("visible to roles"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("care group")
        verbose_name_plural = _("care groups")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def roles(self) -> list[str]:
        return [r for r in self.visible_to.split(",") if r]

    @roles.setter
    def roles(self, value) -> None:
        self.visible_to = "," + ",".join(sorted(set(value))) + "," if value else ""


class ResidentTag(ScopedModel, BaseModel):
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident"), on_delete=models.CASCADE, related_name="tags"
    )
    tag = models.ForeignKey(CareTag, verbose_name=_("care group"), on_delete=models.PROTECT, related_name="assignments")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)

    class Meta:
        verbose_name = _("care group membership")
        verbose_name_plural = _("care group memberships")
        ordering = ["resident_id", "tag_id", "since"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "tag"], condition=models.Q(until__isnull=True), name="resident_tag_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.resident} · {self.tag}"
