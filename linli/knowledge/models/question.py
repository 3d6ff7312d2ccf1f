"""A resident's question as the assistant saw it: the text (digit runs that could be a phone or an ID number
masked before it is stored; the asker is never recorded), where it was asked (the asker's community, so that its
staff see it), what the assistant found and how sure it was. Unanswered questions wait for staff, who add an FAQ
entry from one, or close it; a resident may hand theirs over as a work order."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel


class QuestionState(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    OPEN = "open", _("Waiting for staff")
    HANDED = "handed", _("Handed to a work order")
    FAQ = "faq", _("Answered by a new FAQ entry")
    CLOSED = "closed", _("Closed")


class Question(ScopedModel, BaseModel):
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    text = models.CharField(_("question"), max_length=500)
    lang = models.CharField(_("language"), max_length=2, default="zh")
    confidence = models.DecimalField(_("confidence"), max_digits=4, decimal_places=3, default=0)
    state = models.CharField(_("state"), max_length=10, choices=QuestionState.choices, db_index=True)
    passage = models.ForeignKey(
        "knowledge.Passage",
        verbose_name=_("best passage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case_number = models.CharField(_("work order"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("resident question")
        verbose_name_plural = _("resident questions")
        ordering = ("-created_at", "-pk")

    def __str__(self):
        return self.text[:60]
