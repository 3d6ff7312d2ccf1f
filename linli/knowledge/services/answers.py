"""智能回应: a resident's question answered from the knowledge base only.

The answer is extractive: the best passages (at most three), quoted with their document, section and date. When
the best passage's confidence (``engine.retrieval``) is below ``THRESHOLD`` the assistant says it is unsure and
offers the hand-over: a work order prefilled with the question (``question_handover``, through the work orders'
``case_create``), or the question left for staff, who see it among the unanswered and can answer it with an FAQ
entry. A question in English is searched among the English passages; without one, the answer says so in English.

Nothing personal is read: only passages. The question is stored with every run of six or more digits masked (a
phone or an ID number a resident typed), and without the asker.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import audit, dates
from linli.core.paths import COMMUNITY, PATH_LENGTHS, path_at
from linli.core.permissions import Action, bindings_for, require
from linli.core.services import save_audited
from linli.core.validators import strip_control_chars

from .. import llm, selectors
from ..engine import text
from ..models import Passage, Question, QuestionState

#: below this confidence the assistant is unsure (calibrated on the evaluation set; docs/domains/knowledge.md)
THRESHOLD = 0.3
MAX_QUESTION = 300
TOP_K = 3

_SCRIPT = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,500}>")
_DIGITS = re.compile(r"[0-9０-９]{6,}[0-9xX]?")


@dataclass
class Quote:
    passage_id: int
    source: str
    heading: str
    dated: object
    text: str


@dataclass
class Answer:
    question: str
    lang: str
    confident: bool
    confidence: float
    quotes: list[Quote] = field(default_factory=list)
    generated: str = ""
    question_id: int | None = None


def clean_question(raw) -> str:
    """The question as plain text, or a field error: empty, too long, not text."""
    if not isinstance(raw, str):
        raise ValidationError({"question": _("Type your question.")})
    if len(raw) > MAX_QUESTION * 4:
        raise ValidationError({"question": _("Please ask in at most %(n)s characters.") % {"n": MAX_QUESTION}})
    odd = sum(
        1 for c in raw if c == "\ufffd" or (unicodedata.category(c) in ("Cc", "Co", "Cs", "Cn") and c not in "\n\r\t")
    )
    if (odd and odd * 10 >= len(raw)) or "\x00" in raw:
        raise ValidationError({"question": _("This does not look like a question in words. Please type it again.")})
    cleaned = text.normalise(_TAG.sub(" ", _SCRIPT.sub(" ", raw)))
    if not cleaned:
        raise ValidationError({"question": _("Type your question.")})
    if len(cleaned) > MAX_QUESTION:
        raise ValidationError({"question": _("Please ask in at most %(n)s characters.") % {"n": MAX_QUESTION}})
    return cleaned


def mask_numbers(question: str) -> str:
    return _DIGITS.sub(lambda m: m.group(0)[:2] + "*" * (len(m.group(0)) - 2), question)


def answer(user, raw, *, generate: bool = True) -> Answer:
    """The answer for ``user`` (who decides which places' texts count), without writing anything."""
    question = clean_question(raw)
    lang = text.language(question)
    result = Answer(question=question, lang=lang, confident=False, confidence=0.0)
    index = selectors.current_index()
    tokens = text.tokenize(question)
    if index is None or not tokens:
        return result
    mask = index.mask(paths=selectors.asker_paths(user), day=dates.today().isoformat(), lang=lang)
    hits = index.search(tokens, mask, k=TOP_K)
    if not hits:
        return result
    result.confidence = hits[0].confidence
    result.confident = hits[0].confidence >= THRESHOLD
    rows = Passage.objects.in_bulk([h.id for h in hits])
    result.quotes = [
        Quote(h.id, rows[h.id].source, rows[h.id].heading, rows[h.id].dated, rows[h.id].text)
        for h in hits
        if h.id in rows
    ]
    if not result.quotes:
        result.confident = False
    if result.confident and generate and llm.enabled():
        result.generated = llm.generate(question, [q.text for q in result.quotes])
    return result


def _where(user) -> str:
    """The community the asker belongs to (or their own place above one): whose staff see the question."""
    paths = selectors.asker_paths(user)
    if not paths:
        return ""
    return path_at(paths[0], COMMUNITY) if len(paths[0]) >= PATH_LENGTHS[COMMUNITY] else paths[0]


@transaction.atomic
def ask(*, actor, question) -> Answer:
    """Answer and keep the question (masked, without the asker) for the staff of the asker's community."""
    result = answer(actor, question)
    row = Question(
        scope_path=_where(actor),
        text=mask_numbers(result.question)[:500],
        lang=result.lang,
        confidence=Decimal(str(round(result.confidence, 3))),
        state=QuestionState.ANSWERED if result.confident else QuestionState.OPEN,
        passage_id=result.quotes[0].passage_id if result.quotes else None,
    )
    row.save()
    audit.record(actor=actor, action="knowledge_ask", obj=row, after=audit.snapshot(row))
    result.question_id = row.pk
    return result


def home_place(user):
    """Where a hand-over work order is placed: a resident's house, or a staff member's place inside a community."""
    for b in bindings_for(user):
        if b.role == "resident" and b.place_id:
            return b.place
    for b in bindings_for(user):
        if b.place_id and b.place.level >= 3:
            return b.place
    return None


@transaction.atomic
def question_handover(*, actor, question: Question, category, details: str = "") -> object:
    """Open a work order (a consultation) prefilled with the question, from the asker's house."""
    from linli.workorders.models import CaseType
    from linli.workorders.services import case_create

    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.state not in (QuestionState.OPEN, QuestionState.ANSWERED):
        raise ValidationError({"question": _("This question has already been handed over or closed.")})
    place = home_place(actor)
    if place is None:
        raise ValidationError({"question": _("Your account has no home place; please report at the counter.")})
    body = strip_control_chars(details or "").strip() or question.text
    case = case_create(
        actor=actor,
        category=category,
        case_type=CaseType.CONSULT,
        title=question.text[:60],
        description=body[:2000],
        place=place,
        origin=question,
    )
    before = audit.snapshot(question)
    question.state, question.case_number = QuestionState.HANDED, case.number
    save_audited(actor=actor, obj=question, action="knowledge_handover", before=before, validate=False)
    return case


@transaction.atomic
def question_close(*, actor, question: Question) -> Question:
    question = Question.objects.select_for_update().get(pk=question.pk)
    require(actor, Action.CHANGE, question)
    if question.state != QuestionState.OPEN:
        raise ValidationError({"question": _("Only a waiting question can be closed.")})
    before = audit.snapshot(question)
    question.state = QuestionState.CLOSED
    save_audited(actor=actor, obj=question, action="knowledge_close", before=before)
    return question
