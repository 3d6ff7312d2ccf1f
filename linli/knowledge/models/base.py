"""The knowledge base: documents uploaded by staff and FAQ entries, each owned by a place (the district for
district-wide texts, or one community) and valid between two dates; their passages (the unit of retrieval, with the
document, section heading and date that an answer cites); and the index builds (the BM25 index packed into the
database, so every app process loads the same one; the newest finished build is the one in use)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel
from linli.core.paths import ancestor_paths


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    HTML = "html", "HTML"
    MD = "md", "Markdown"


class Validity(models.Model):
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end of validity comes before its start.")})


class Library(ScopedModel):
    """Texts and FAQ entries: staff read those of their places and of every place above (the district's texts
    hold in every community); they change only those of their places."""

    class Meta:
        abstract = True

    @classmethod
    def extra_scope_q(cls, binding, action: str) -> models.Q | None:
        if action != "view":
            return None
        above = sorted({a for p in binding.place_prefixes() for a in ancestor_paths(p)})
        return models.Q(scope_path__in=above) if above else None


class Document(Library, Validity, BaseModel):
    place = models.ForeignKey("areas.Place", verbose_name=_("owner place"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    issued_on = models.DateField(_("date of the text"))
    kind = models.CharField(_("file type"), max_length=8, choices=DocumentKind.choices)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    passage_count = models.PositiveIntegerField(_("passages"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("knowledge document")
        verbose_name_plural = _("knowledge documents")
        ordering = ("-issued_on", "-pk")

    def __str__(self):
        return self.title


class Faq(Library, Validity, BaseModel):
    place = models.ForeignKey("areas.Place", verbose_name=_("owner place"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"), max_length=2000)
    is_active = models.BooleanField(_("in use"), default=True)
    from_question = models.ForeignKey(
        "knowledge.Question",
        verbose_name=_("from the resident question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ("-created_at", "-pk")

    def __str__(self):
        return self.question


class Passage(ScopedModel, Validity):
    """A piece of a document or an FAQ entry: what the index finds and the answer quotes."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), null=True, blank=True, on_delete=models.CASCADE, related_name="passages"
    )
    faq = models.ForeignKey(
        Faq, verbose_name=_("FAQ entry"), null=True, blank=True, on_delete=models.CASCADE, related_name="passages"
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    source = models.CharField(_("source"), max_length=200)
    heading = models.CharField(_("section"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    dated = models.DateField(_("date"))
    lang = models.CharField(_("language"), max_length=2, default="zh")

    class Meta:
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        ordering = ("document_id", "faq_id", "position")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(document__isnull=False, faq__isnull=True)
                | models.Q(document__isnull=True, faq__isnull=False),
                name="knowledge_passage_one_source",
            )
        ]

    def __str__(self):
        return f"{self.source} · {self.heading}"[:200]


class IndexState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Indexing")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class IndexBuild(BaseModel):
    """One build of the whole index (the district has one knowledge base; each row's place filters at query
    time). Not placed in the tree: staff who may change documents see the builds."""

    state = models.CharField(_("state"), max_length=10, choices=IndexState.choices, default=IndexState.PENDING)
    total = models.PositiveIntegerField(_("passages to index"), default=0)
    done = models.PositiveIntegerField(_("passages indexed"), default=0)
    data = models.BinaryField(_("index"), null=True, blank=True, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    error = models.CharField(_("problem"), max_length=200, blank=True)
    # Which build an app process holds in memory: new for every finished build (a primary key may come back).
    key = models.UUIDField(_("build key"), default=uuid.uuid4, editable=False)

    audit_exclude = frozenset({"data"})

    class Meta:
        verbose_name = _("index build")
        verbose_name_plural = _("index builds")
        ordering = ("-pk",)

    def __str__(self):
        return f"#{self.pk} {self.state}"

    @property
    def percent(self) -> int:
        return 100 if self.state == IndexState.DONE else (100 * self.done // self.total if self.total else 0)

    @property
    def is_running(self) -> bool:
        return self.state in (IndexState.PENDING, IndexState.RUNNING)
