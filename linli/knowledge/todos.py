"""The knowledge base on the workbench: residents' questions the assistant was not sure about, waiting in the
staff member's communities for an FAQ entry (one aggregate query)."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Action, may_any
from linli.core.registry import Todo

from . import selectors
from .models import Question


def collect(user) -> list[Todo]:
    if not may_any(user, Question, Action.CHANGE):
        return []
    n = selectors.questions(user, action=Action.CHANGE).aggregate(n=Count("id"))["n"]
    if not n:
        return []
    return [
        Todo(
            "knowledge.unanswered",
            _("Residents' questions waiting for an answer"),
            n,
            reverse("knowledge:questions"),
            "workbench",
        )
    ]
