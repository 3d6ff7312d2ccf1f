"""Excel imports: one job per uploaded file, validated in the background, committed all-or-nothing.

The uploaded workbook holds full personal numbers, so it is kept only encrypted (``file_data`` is a Fernet
token of the xlsx bytes) and only until the job is committed or discarded. Per-row problems are
``ImportIssue`` rows (codes and parameters, translated when shown), which the preview page pages through
and the error file joins back onto the uploaded rows.

A job is private to the person who uploaded it: ``scope_q`` lets every binding see only its own user's jobs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel


class ImportKind(models.TextChoices):
    RESIDENTS = "residents", _("Residents")
    HOUSEHOLDS = "households", _("Households")
    ORGANISATIONS = "organisations", _("Organisations")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking")
    VALID = "valid", _("Checked: ready to import")
    INVALID = "invalid", _("Checked: errors found")
    COMMITTING = "committing", _("Importing")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Refused")
    DISCARDED = "discarded", _("Discarded")


RUNNING = (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.COMMITTING)


class ImportJob(ScopedModel, BaseModel):
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="import_jobs"
    )
    # "" = wherever the uploader may add; else only rows under this place path are accepted
    scope_path = models.CharField(_("place path"), max_length=24, blank=True, db_index=True)

    file_name = models.CharField(_("file name"), max_length=200)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    file_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    file_data = models.BinaryField(blank=True, default=b"", editable=False)  # Fernet token of the xlsx

    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)

    # a refusal of the whole file (wrong headers, merged cells …): a message code and its parameters
    message_code = models.CharField(max_length=40, blank=True)
    message_params = models.JSONField(default=dict, blank=True)

    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    audit_exclude = frozenset({"file_data", "file_sha256"})

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "created_at"], name="importjob_user_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.file_name}"

    @classmethod
    def scope_q(cls, binding, action: str) -> models.Q | None:
        # Only the uploader sees a job: the file and its error report carry full personal numbers.
        return models.Q(created_by_id=binding.user_id)

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.VALID, ImportStatus.INVALID, ImportStatus.COMMITTED):
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(self.rows_done * 100 / self.total_rows))

    @property
    def message(self) -> str:
        from linli.registry.importing.messages import render

        return render(self.message_code, self.message_params) if self.message_code else ""


class ImportIssue(models.Model):
    """The problems of one row of an import: ``errors`` maps a column key to [[code, params], …]."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("row"))
    label = models.CharField(_("row"), max_length=120, blank=True)  # name and masked number, for the preview
    errors = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        ordering = ["job_id", "row"]
        constraints = [models.UniqueConstraint(fields=["job", "row"], name="importissue_one_per_row")]

    def __str__(self):
        return f"{self.job_id}:{self.row}"
